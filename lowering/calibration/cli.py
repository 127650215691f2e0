"""``tpuc calibrate``: its flags (:func:`add_arguments`, called by ``tools/tpuc.py``'s parser) and
its body (:func:`run`). Importing this module is cheap (no numpy), so building the parser stays fast.

``tpuc calibrate MLIR (--dataset DIR | --random N [--seed S]) [--input-num N]
[--method kl|max|percentile] [--percentile P] [--bins B] -o TABLE [-q]``
"""

from __future__ import annotations

import sys


def add_arguments(p) -> None:
    """Add the ``calibrate`` flags to its sub-parser (flag names follow tpu-mlir where sensible)."""
    p.add_argument("mlir", help="the Top IR (its weight npz is module.weight_file beside it)")
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--dataset", metavar="DIR",
                     help="folder of .npz (keyed by input name) / .npy files, taken in sorted order")
    src.add_argument("--random", type=int, metavar="N", help="use N seeded random inputs instead of a dataset")
    p.add_argument("--seed", type=int, default=0, help="first seed of --random (input i uses seed S+i; default 0)")
    p.add_argument("--input-num", type=int, metavar="N", help="use only the first N files of --dataset")
    p.add_argument("--method", choices=["kl", "max", "percentile"], default="kl",
                   help="threshold rule (default kl, as tpu-mlir)")
    p.add_argument("--percentile", type=float, default=99.99, help="percentile of |x| for --method percentile")
    p.add_argument("--bins", "--histogram-bin-num", dest="bins", type=int, default=2048,
                   help="histogram bins for --method kl (default 2048)")
    p.add_argument("-o", "--calibration-table", dest="output", required=True, help="output calibration table")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress lines")


def run(args) -> int:
    from pathlib import Path

    from tpuc.compiler.errors import CompileError
    from tpuc.lowering.calibration import calibrate

    out_dir = Path(args.output).parent
    if not out_dir.is_dir():  # say so before a long calibration, not after
        raise CompileError(f"output directory does not exist: {out_dir}")
    table = calibrate(args.mlir, inputs_dir=args.dataset, random=args.random, seed=args.seed,
                      method=args.method, percentile=args.percentile, bins=args.bins,
                      progress=not args.quiet, input_num=args.input_num)
    table.save(args.output)
    missing = table.unproduced
    if missing:  # only if the interpreter did not produce a named float tensor
        print(f"tpuc: warning: no threshold for {len(missing)} float tensor(s), e.g. '{missing[0]}'",
              file=sys.stderr)
    if not args.quiet:
        keep = table.keep_float
        print(f"wrote {args.output} ({len(table)} thresholds, {len(keep)} tensor(s) marked float_keep)",
              file=sys.stderr)
    return 0
