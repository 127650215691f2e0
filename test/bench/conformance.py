#!/usr/bin/env python3
"""ONNX conformance: every ``onnx.backend.test`` node case through tpuc (import + Top interpreter,
or with ``--deploy F32`` import + lowering to Tpu + the Tpu interpreter).

Prints pass / fail / unsupported per op type and in total, writes JSON (``--json``) and, with
``--failures``, the failing cases with their first error.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from tpuc.compiler.onnx_backend import node_cases, run_case, summarize


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--json", default="conformance.json")
    ap.add_argument("--failures", action="store_true")
    ap.add_argument("-k", default="", help="only cases whose name contains this")
    ap.add_argument("--deploy", choices=["F32"], help="run through deploy F32 and the Tpu interpreter instead")
    args = ap.parse_args()
    t0 = time.perf_counter()
    results = [run_case(c, deploy=args.deploy) for c in node_cases() if args.k in c.name]
    table = summarize(results)
    print(f"{'op type':<44}{'pass':>6}{'fail':>6}{'unsup':>7}{'frozen':>8}")
    for op in sorted(table):
        c = table[op]
        print(f"{op:<44}{c['pass']:>6}{c['fail']:>6}{c['unsupported']:>7}{c['frozen']:>8}")
    tot = {k: sum(c[k] for c in table.values()) for k in ("pass", "fail", "unsupported", "frozen")}
    print(f"{'TOTAL (' + str(len(results)) + ' cases)':<44}{tot['pass']:>6}{tot['fail']:>6}{tot['unsupported']:>7}"
          f"{tot['frozen']:>8}")
    print(f"({time.perf_counter() - t0:.1f} s)")
    if args.failures:
        for r in results:
            if r.status == "fail":
                print(f"FAIL {r.name}: {r.detail}")
    Path(args.json).write_text(json.dumps({"total": tot, "per_op": {k: dict(v) for k, v in table.items()},
                                           "cases": [r.__dict__ for r in results]}, indent=1, default=list))
    return 0


if __name__ == "__main__":
    sys.exit(main())
