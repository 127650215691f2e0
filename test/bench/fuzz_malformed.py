#!/usr/bin/env python3
"""Malformed-input fuzzing of ``tpuc transform``, the long run (not in CI).

Generates ``--n`` mutants of the seed models (``test/fuzz/mutators.py``: byte-level and
structural mutators, round-robin, deterministic from ``--seed``), runs each through the CLI in
a fresh process and directory (``--jobs`` in parallel, each bounded by ``--timeout`` seconds and
``--mem-gib`` of address space) and checks the contract: exit 0/1, or exit 2 with one stderr
line ``tpuc: error: ...`` and no ``*.mlir``/``*.npz``/``*.tmp`` left behind.

Prints a table per mutator (tried / ok / mismatch / clean error / bad stderr / traceback /
internal error / crash / hang / leftover files / bad IR (a success whose IR has a dim beyond
int64) / memory-limited) and the violations, and writes JSON (``--json``). Offending models are saved under ``--save DIR`` when given.

    python test/bench/fuzz_malformed.py [--n 2000] [--seed 0] [--jobs 2] [--json fuzz.json]
                                        [--mutators a,b] [--save offenders/]
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "test" / "fuzz"))

from harness import DEFAULT_MEM_GIB, DEFAULT_TIMEOUT, run_mutant, save_offender  # noqa: E402
from mutators import MUTATORS, make_mutant, mutant_plan  # noqa: E402

COLUMNS = [("tried", None), ("ok", "ok"), ("mismatch", "mismatch"), ("clean", "clean"),
           ("bad_stderr", "bad_stderr"), ("traceback", "traceback"), ("internal", "internal"),
           ("crash", "crash"), ("hang", "hang"), ("leftover", None), ("bad_ir", None), ("memory", None)]


def table(results) -> str:
    by = collections.defaultdict(list)
    for r in results:
        by[r.mutator].append(r)
    head = f"{'mutator':<20}" + "".join(f"{c:>11}" for c, _ in COLUMNS)
    rows = [head, "-" * len(head)]
    totals = collections.Counter()
    for name in list(MUTATORS) + sorted(set(by) - set(MUTATORS)):
        rs = by.get(name)
        if not rs:
            continue
        counts = collections.Counter(r.kind for r in rs)
        cells = {"tried": len(rs), "leftover": sum(bool(r.leftovers) for r in rs),
                 "bad_ir": sum(bool(r.bad_ir) for r in rs), "memory": sum(r.memory for r in rs)}
        for col, kind in COLUMNS:
            if kind:
                cells[col] = counts.get(kind, 0)
        totals.update(cells)
        rows.append(f"{name:<20}" + "".join(f"{cells[c]:>11}" for c, _ in COLUMNS))
    rows.append("-" * len(head))
    rows.append(f"{'total':<20}" + "".join(f"{totals[c]:>11}" for c, _ in COLUMNS))
    return "\n".join(rows)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=2000, help="number of mutants (default 2000)")
    ap.add_argument("--seed", type=int, default=0, help="plan seed (default 0)")
    ap.add_argument("--jobs", type=int, default=2, help="parallel CLI runs (default 2)")
    ap.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, help="seconds per run (default 60)")
    ap.add_argument("--mem-gib", type=float, default=DEFAULT_MEM_GIB, help="address-space limit per run (GiB)")
    ap.add_argument("--mutators", default="", help="comma-separated subset of mutators")
    ap.add_argument("--json", default="fuzz_malformed.json", help="write results here (default fuzz_malformed.json)")
    ap.add_argument("--save", help="save offending models under this directory")
    ap.add_argument("-q", "--quiet", action="store_true", help="no progress line")
    args = ap.parse_args(argv)

    names = [n for n in args.mutators.split(",") if n] or None
    if names:
        unknown = [n for n in names if n not in MUTATORS]
        if unknown:
            ap.error(f"unknown mutator(s): {', '.join(unknown)}; known: {', '.join(MUTATORS)}")
    plan = mutant_plan(args.n, args.seed, names)
    t0 = time.perf_counter()

    def one(item):
        name, seed = item
        try:
            m = make_mutant(name, seed)
        except Exception as e:  # a mutator bug, not a tpuc bug: report and go on
            return None, f"{name}-{seed}: mutator failed: {e!r}"
        r = run_mutant(m, timeout=args.timeout, mem_gib=args.mem_gib)
        if r.violates and args.save:
            save_offender(m, Path(args.save))
        return r, None

    results, gen_errors = [], []
    with ThreadPoolExecutor(max_workers=args.jobs) as ex:
        for i, (r, err) in enumerate(ex.map(one, plan), 1):
            if err:
                gen_errors.append(err)
            else:
                results.append(r)
            if not args.quiet and (i % 50 == 0 or i == len(plan)):
                bad = sum(x.violates for x in results)
                print(f"  {i}/{len(plan)} run, {bad} violation(s), {time.perf_counter() - t0:.0f} s",
                      file=sys.stderr, flush=True)
    dt = time.perf_counter() - t0

    print(table(results))
    print(f"\n{len(results)} mutants in {dt:.0f} s ({args.jobs} jobs, timeout {args.timeout:.0f} s, "
          f"{args.mem_gib:g} GiB address space per run)")
    bad = [r for r in results if r.violates]
    mism = [r for r in results if r.kind == "mismatch"]
    mem = [r for r in results if r.memory and not r.violates]
    for title, rs in (("contract violations", bad), ("numerical mismatches (exit 1)", mism),
                      ("clean errors caused only by the address-space limit", mem)):
        if rs:
            print(f"\n{len(rs)} {title}:")
            for r in rs:
                print(r.explain())
    if gen_errors:
        print(f"\n{len(gen_errors)} mutator failure(s):")
        print("\n".join(gen_errors))
    with open(args.json, "w") as f:
        json.dump({"n": args.n, "seed": args.seed, "jobs": args.jobs, "seconds": round(dt, 1),
                   "timeout": args.timeout, "mem_gib": args.mem_gib, "python": sys.version.split()[0],
                   "cwd": os.getcwd(), "results": [r.to_json() for r in results],
                   "mutator_failures": gen_errors}, f, indent=1)
    print(f"\nwrote {args.json}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
