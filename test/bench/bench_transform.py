#!/usr/bin/env python3
"""Benchmark ``tpuc transform``: wall time and peak memory (each run a fresh process).

Default: Swin-T without a test input and with one (``--random-input 0``, which runs onnxruntime
with every Top tensor exposed plus the Top interpreter and the comparison). Prints a table and
writes JSON (``--json``). Also prints Swin-T's ONNX node counts next to its Top op counts.

    python test/bench/bench_transform.py [--models swin_t,vit_tiny] [--repeat 1] [--json out.json]
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
MODELS = Path(os.environ.get("TPUC_MODELS", REPO.parent / "shared" / "models"))
SHAPES = {"bert_tiny_dynamic": "[[1,16],[1,16]]"}


def run(args: list[str]) -> tuple[float, float, int, str]:
    """(seconds, peak RSS GiB, exit code, last stderr line) of one CLI run in a fresh process."""
    with tempfile.TemporaryFile("w+") as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-m", "tpuc.tools.tpuc", *args], stdout=subprocess.DEVNULL,
                                stderr=err, text=True)
        _, status, usage = os.wait4(proc.pid, 0)  # rusage of exactly this child
        dt = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        lines = [ln for ln in err.read().splitlines() if ln.strip()]
    return dt, usage.ru_maxrss / 2**20, proc.returncode, lines[-1] if lines else ""


def op_counts(model: Path, mlir: Path) -> str:
    import onnx

    onnx_counts = collections.Counter(n.op_type for n in onnx.load(model, load_external_data=False).graph.node)
    top_counts = collections.Counter()
    for line in mlir.read_text().splitlines():
        line = line.strip()
        if "= top." in line:
            top_counts[line.split("= ", 1)[1].split("(", 1)[0]] += 1
    rows = [f"{'ONNX op':<22}{'nodes':>7}    {'Top op':<18}{'ops':>6}"]
    left = onnx_counts.most_common()
    right = top_counts.most_common()
    for i in range(max(len(left), len(right))):
        a = f"{left[i][0]:<22}{left[i][1]:>7}" if i < len(left) else " " * 29
        b = f"{right[i][0]:<18}{right[i][1]:>6}" if i < len(right) else ""
        rows.append(f"{a}    {b}")
    rows.append(f"{'total':<22}{sum(onnx_counts.values()):>7}    {'total':<18}{sum(top_counts.values()):>6}")
    return "\n".join(rows)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--models", default="swin_t")
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--json", default="bench_transform.json")
    args = ap.parse_args()
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.models.split(","):
            model = MODELS / f"{name}.onnx"
            for label, extra in (("no test input", []), ("--random-input 0", ["--random-input", "0"])):
                for rep in range(args.repeat):
                    mlir = Path(tmp) / f"{name}.mlir"
                    cmd = ["transform", "--model-def", str(model), "--mlir", str(mlir), *extra]
                    if name in SHAPES:
                        cmd += ["--input-shapes", SHAPES[name]]
                    if extra:
                        cmd += ["--tolerance", "0.9999,0.999"]
                    dt, gib, rc, tail = run(cmd)
                    results.append({"model": name, "mode": label, "repeat": rep, "seconds": round(dt, 2),
                                    "peak_rss_gib": round(gib, 3), "exit_code": rc, "last_line": tail})
            if name == "swin_t" or len(args.models.split(",")) == 1:
                print(f"\n{name}: ONNX nodes vs Top ops after import\n" + op_counts(model, mlir))
    print(f"\n{'model':<20}{'mode':<20}{'seconds':>9}{'peak RSS GiB':>14}{'exit':>6}")
    for r in results:
        print(f"{r['model']:<20}{r['mode']:<20}{r['seconds']:>9.2f}{r['peak_rss_gib']:>14.3f}{r['exit_code']:>6}")
    Path(args.json).write_text(json.dumps(results, indent=2))
    print(f"\nJSON: {args.json}")
    return 0 if all(r["exit_code"] == 0 for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
