#!/usr/bin/env python3
"""Benchmark ``tpuc calibrate`` and ``tpuc deploy`` on Swin-T (each run a fresh process).

Measured: calibration on 16 random inputs (KL), then per mode the lowering alone (``deploy``
without a test input: parse, lower, verify, write) and lowering plus the Top and Tpu interpreters
and the tensor-by-tensor comparison (``--random-input 0``). Wall time and peak RSS; a table and
JSON (``--json``). Ratios between rows of one run are what to compare on a shared machine.

    python test/bench/bench_deploy.py [--model swin_t] [--modes F32,F16,BF16,INT8] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_transform import MODELS, SHAPES, run  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default="swin_t")
    ap.add_argument("--modes", default="F32,F16,BF16,INT8")
    ap.add_argument("--calibration-inputs", type=int, default=16)
    ap.add_argument("--json")
    args = ap.parse_args()
    model = MODELS / f"{args.model}.onnx"
    if not model.exists():
        print(f"model not found: {model} (set TPUC_MODELS)", file=sys.stderr)
        return 2
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        mlir = d / "m.mlir"
        shapes = ["--input-shapes", SHAPES[args.model]] if args.model in SHAPES else []
        t, mem, rc, last = run(["transform", "--model-def", str(model), "--mlir", str(mlir), *shapes])
        rows.append(("transform", "-", t, mem, rc, last))
        table = d / "cal.table"
        t, mem, rc, last = run(["calibrate", str(mlir), "--random", str(args.calibration_inputs), "--seed", "1",
                                "-o", str(table), "-q"])
        rows.append((f"calibrate ({args.calibration_inputs} inputs, KL)", "-", t, mem, rc, last))
        for mode in [m.strip().upper() for m in args.modes.split(",") if m.strip()]:
            extra = ["--calibration-table", str(table)] if mode == "INT8" else []
            base = ["deploy", "--mlir", str(mlir), "--quantize", mode, "--tpu-mlir", str(d / f"{mode}.mlir"), *extra]
            t, mem, rc, last = run(base)
            rows.append(("deploy: lowering", mode, t, mem, rc, last))
            t, mem, rc, last = run([*base, "--random-input", "0", "--tolerance", "0.5,0.1"])
            rows.append(("deploy: lowering + Top/Tpu interpreters + compare", mode, t, mem, rc, last))
    print(f"\n{args.model}")
    print("| step | mode | wall s | peak RSS GiB | exit |")
    print("|---|---|---|---|---|")
    for step, mode, t, mem, rc, _ in rows:
        print(f"| {step} | {mode} | {t:.2f} | {mem:.3f} | {rc} |")
    bad = [r for r in rows if r[4] != 0]
    for step, mode, _, _, rc, last in bad:
        print(f"FAILED {step} {mode}: exit {rc}: {last}", file=sys.stderr)
    if args.json:
        Path(args.json).write_text(json.dumps([dict(zip(("step", "mode", "seconds", "peak_rss_gib", "exit"), r[:5]))
                                               for r in rows], indent=1))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
