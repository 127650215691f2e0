"""The ``tpuc`` command line: ``transform``, ``opt``, ``run``, ``compare``.

User errors (:class:`CompileError`, bad flags) print one line on stderr and exit with code 2;
a numerical mismatch exits with 1; an internal error (a bug in tpuc) exits with 3 and says so.
"""

from __future__ import annotations

import argparse
import os
import sys

EXIT_MISMATCH, EXIT_USER, EXIT_INTERNAL = 1, 2, 3


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line, exit 2 (argparse prints usage too; keep it short)
        print(f"tpuc: error: {message}", file=sys.stderr)
        raise SystemExit(EXIT_USER)


def _add_dump_flags(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("IR dumps and pass instrumentation")
    g.add_argument("--dump-dir", help="write 00-input.mlir, 01-<pass>.mlir, ... (every pass) here")
    g.add_argument("--print-ir-after-all", action="store_true", help="print the IR after every pass (stderr)")
    g.add_argument("--print-ir-after", action="append", default=[], metavar="PASS", help="print the IR after PASS")
    g.add_argument("--print-ir-before", action="append", default=[], metavar="PASS", help="print the IR before PASS")
    g.add_argument("--time-passes", action="store_true", help="print a pass timing report")
    g.add_argument("--generic", action="store_true", help="print MLIR generic form (mlir-opt compatible)")
    g.add_argument("--no-verify-each", action="store_true", help="do not verify the IR after every pass")


def _dump_options(args):
    from tpuc.compiler.pipeline import DumpOptions

    def names(xs):
        return {n for x in xs for n in x.split(",") if n}

    return DumpOptions(dump_dir=args.dump_dir, print_after_all=args.print_ir_after_all,
                       print_after=names(args.print_ir_after), print_before=names(args.print_ir_before),
                       time_passes=args.time_passes, generic=args.generic, verify_each=not args.no_verify_each)


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="tpuc", description="tpuc: ONNX -> Top -> Tpu compiler for AI accelerators")
    sub = p.add_subparsers(dest="cmd", required=True, parser_class=_Parser)

    t = sub.add_parser("transform", help="import an ONNX model into Top IR and check it against onnxruntime")
    t.add_argument("--model-def", required=True, help="the ONNX model")
    t.add_argument("--mlir", required=True, help="output Top IR (weights go to <stem>_top_f32_weight.npz beside it)")
    t.add_argument("--model-name", help="module name (default: the model file's stem)")
    t.add_argument("--input-shapes", help="bind input shapes, e.g. [[1,3,224,224],[1,20]] (required for dynamic dims)")
    t.add_argument("--test-input", help="npz keyed by input name (or npy for one input)")
    t.add_argument("--random-input", type=int, metavar="SEED", help="compare on seeded random inputs")
    t.add_argument("--test-result", help="save every Top tensor to this npz")
    t.add_argument("--tolerance", default="0.99,0.99", help="minimum cos,euclid similarity (default 0.99,0.99)")
    t.add_argument("--excepts", default="", help="comma-separated tensor names not to compare")
    t.add_argument("--pipeline", help="override the Top pass pipeline")
    t.add_argument("-v", "--verbose", action="store_true", help="print every compared tensor")
    t.add_argument("--pattern-stats", action="store_true", help="print how often each rewrite pattern fired")
    _add_dump_flags(t)

    d = sub.add_parser("deploy", help="lower Top to the Tpu dialect (F32/F16/BF16/INT8) and check it against Top")
    d.add_argument("--mlir", required=True, help="the Top .mlir (its weight npz beside it)")
    d.add_argument("--quantize", default="F32", type=str.upper, choices=["F32", "F16", "BF16", "INT8"],
                   help="mode (default F32)")
    d.add_argument("--chip", default="bm1684x", type=str.lower, help="target chip (bm1684x)")
    d.add_argument("--calibration-table", help="thresholds from tpuc calibrate (needed for INT8)")
    d.add_argument("--quantize-table", help="'OP_NAME MODE' lines forcing a mode per op")
    d.add_argument("--quant-output", action="store_true",
                   help="INT8: let ops producing graph outputs run in INT8 too (default: F16, outputs keep "
                        "more than 8 bits)")
    d.add_argument("--tpu-mlir", help="output Tpu IR (default <stem>_<chip>_<mode>_tpu.mlir beside --mlir); "
                                      "weights go to <its stem>_weight.npz")
    d.add_argument("--model", help="bmodel to write (code generation is not implemented yet: refused)")
    d.add_argument("--test-input", help="npz keyed by input name (or npy): compare Tpu with Top on it")
    d.add_argument("--random-input", type=int, metavar="SEED", help="compare on seeded random inputs")
    d.add_argument("--test-reference", help="Top tensors (tpuc transform --test-result) instead of running Top")
    d.add_argument("--test-result", help="save every Tpu tensor (dequantised to f32) to this npz")
    d.add_argument("--tolerance", help="minimum cos,euclid (default per mode as tpu-mlir: F32 0.99,0.99, "
                                       "F16 0.95,0.85, BF16 0.95,0.80, INT8 0.8,0.5)")
    d.add_argument("--excepts", default="", help="comma-separated tensor names not to compare")
    d.add_argument("-v", "--verbose", action="store_true", help="print every compared tensor")
    _add_dump_flags(d)

    o = sub.add_parser("opt", help="run passes on an IR file (xdsl-opt style)")
    o.add_argument("file", nargs="?", help="input .mlir ('-' for stdin)")
    o.add_argument("-p", "--passes", default="", help="pass pipeline, e.g. top-dce,canonicalize")
    o.add_argument("-o", "--output", help="output file (default stdout)")
    o.add_argument("--list-passes", action="store_true", help="list the registered passes and exit")
    o.add_argument("--split-input-file", action="store_true", help="process chunks separated by // -----")
    o.add_argument("--verify-diagnostics", action="store_true",
                   help="with --split-input-file: print each chunk's verification error instead of failing")
    _add_dump_flags(o)

    r = sub.add_parser("run", help="run a Top or Tpu module with its interpreter (int8 tensors written dequantised)")
    r.add_argument("--mlir", required=True)
    r.add_argument("--input", required=True, help="npz keyed by input name (or npy)")
    r.add_argument("--output", required=True, help="npz of every named tensor (or only outputs with --outputs-only)")
    r.add_argument("--outputs-only", action="store_true")

    c = sub.add_parser("compare", help="compare two npz files tensor by tensor (npz_tool compare)")
    c.add_argument("a")
    c.add_argument("b")
    c.add_argument("--tolerance", default="0.99,0.99")
    c.add_argument("--excepts", default="")
    c.add_argument("-v", "--verbose", action="store_true")
    x = sub.add_parser("export-onnx", help="export a model through the Top pipeline as standard ONNX (opset 17)")
    x.add_argument("model", help="an ONNX model, or a Top .mlir (its weight file beside it)")
    x.add_argument("-o", "--output", required=True, help="the ONNX file to write")
    x.add_argument("--input-shapes", help="bind input shapes of an ONNX model, e.g. [[1,16],[1,16]]")
    x.add_argument("--opset", type=int, default=17, help="ONNX opset of the export (17-21, default 17)")
    x.add_argument("--pipeline", help="override the Top pipeline (default: export_onnx.EXPORT_PIPELINE)")
    _add_dump_flags(x)

    from tpuc.lowering.calibration.cli import add_arguments as calibrate_arguments  # light: no numpy

    calibrate_arguments(sub.add_parser("calibrate", help="INT8 threshold per tensor from the Top interpreter "
                                                         "(run_calibration.py)"))
    sub.add_parser("ops", help="list the supported ONNX op types and the Top ops")
    return p


def cmd_ops(args) -> int:
    from tpuc.dialects.top import all_ops
    from tpuc.lowering.onnx_to_top.importer import MAX_OPSET, MIN_OPSET
    from tpuc.lowering.onnx_to_top.registry import load_all

    onnx_ops = sorted(load_all())
    print(f"ONNX op types imported ({len(onnx_ops)}, opsets {MIN_OPSET}-{MAX_OPSET}):")
    print("  " + ", ".join(onnx_ops))
    top = sorted(op.name for op in all_ops())
    print(f"Top ops ({len(top)}):")
    print("  " + ", ".join(top))
    return 0


def cmd_deploy(args) -> int:
    from tpuc.compiler.compare import parse_tolerance
    from tpuc.compiler.deploy import DeployOptions, deploy

    opts = DeployOptions(mlir=args.mlir, quantize=args.quantize, chip=args.chip,
                         calibration_table=args.calibration_table, quantize_table=args.quantize_table,
                         quant_output=args.quant_output,
                         tpu_mlir=args.tpu_mlir, model=args.model, test_input=args.test_input,
                         random_input=args.random_input, test_reference=args.test_reference,
                         test_result=args.test_result,
                         tolerance=parse_tolerance(args.tolerance) if args.tolerance else None,
                         excepts={x for x in args.excepts.split(",") if x}, dumps=_dump_options(args),
                         verbose=args.verbose)
    res = deploy(opts)
    if res.comparison is not None and res.comparison.failed:
        print(f"tpuc: {len(res.comparison.failed)} tensor(s) differ from Top beyond the tolerance", file=sys.stderr)
        return EXIT_MISMATCH
    return 0


def cmd_transform(args) -> int:
    from tpuc.compiler.compare import parse_tolerance
    from tpuc.compiler.transform import TransformOptions, transform

    opts = TransformOptions(model_def=args.model_def, mlir=args.mlir, model_name=args.model_name,
                            input_shapes=args.input_shapes, test_input=args.test_input,
                            random_input=args.random_input, test_result=args.test_result,
                            tolerance=parse_tolerance(args.tolerance),
                            excepts={x for x in args.excepts.split(",") if x}, dumps=_dump_options(args),
                            verbose=args.verbose, pattern_stats=args.pattern_stats)
    if args.pipeline is not None:
        opts.pipeline = args.pipeline
    res = transform(opts)
    if res.comparison is not None and res.comparison.failed:
        print(f"tpuc: {len(res.comparison.failed)} tensor(s) differ from onnxruntime beyond the tolerance",
              file=sys.stderr)
        return EXIT_MISMATCH
    return 0


def cmd_opt(args) -> int:
    from tpuc.compiler.errors import CompileError
    from tpuc.compiler.ir_io import parse_module, print_module, write_atomic
    from tpuc.compiler.passes import available
    from tpuc.compiler.pipeline import run_pipeline

    if args.list_passes:
        for name in sorted(available()):
            cls = available()[name]()
            doc = (cls.__doc__ or "").strip().splitlines()[0]
            print(f"{name:<24} {doc}")
        return 0
    if args.file is None:
        raise CompileError("tpuc opt needs an input file (or '-' for stdin)")
    if args.file == "-":
        text = sys.stdin.read()
    else:
        if not os.path.isfile(args.file):
            raise CompileError(f"IR file not found: {args.file}")
        with open(args.file) as f:
            text = f.read()
    chunks = text.split("// -----") if args.split_input_file else [text]
    outputs = []
    for i, chunk in enumerate(chunks):
        try:
            module = parse_module(chunk, args.file if len(chunks) == 1 else f"{args.file} (chunk {i + 1})")
            from xdsl.utils.exceptions import VerifyException

            try:
                module.verify()
            except VerifyException as e:
                raise CompileError(f"invalid IR: {' '.join(str(e).split())[:500]}") from None
            store = _attach_weights(module, args.file)
            run_pipeline(module, args.passes, _dump_options(args))
            if store is not None and args.output:
                _save_weights(module, store, args.output)
            outputs.append(print_module(module, generic=args.generic))
        except CompileError as e:
            if not args.verify_diagnostics:
                raise
            outputs.append(f"// error: {e}\n")
    result = "// -----\n".join(outputs)
    if args.output:
        write_atomic(args.output, result)
    else:
        sys.stdout.write(result)
    return 0


def _attach_weights(module, ir_path: str):
    """Load ``module.weight_file`` (relative to the IR file) and attach it, if it exists."""
    from pathlib import Path

    from tpuc.compiler.weights import WeightStore, attach_store

    wf = module.attributes.get("module.weight_file")
    if wf is None or ir_path == "-":
        return None
    path = Path(ir_path).parent / wf.data
    if not path.is_file():
        return None
    store = WeightStore.load(path)
    attach_store(module, store)
    return store


def _save_weights(module, store, out_path: str) -> None:
    """Write the (possibly changed) weights beside ``out_path`` and point the module at them."""
    from pathlib import Path

    from xdsl.dialects.builtin import StringAttr

    from tpuc.dialects.top.base import name_of

    used = {name_of(op) for op in module.walk() if op.name == "top.Weight"}
    store.keep_only(used)
    out = Path(out_path)
    wpath = out.with_name(f"{out.stem}_weight.npz")
    store.save(wpath)
    module.attributes["module.weight_file"] = StringAttr(wpath.name)


def cmd_run(args) -> int:
    from pathlib import Path

    from tpuc.compiler.inputs import load_inputs
    from tpuc.compiler.ir_io import load_module
    from tpuc.compiler.npz_writer import NpzWriter
    from tpuc.compiler.weights import WeightStore
    from tpuc.dialects.top import interpreter

    module = load_module(args.mlir)
    wf = module.attributes.get("module.weight_file")
    store = WeightStore.load(Path(args.mlir).parent / wf.data) if wf is not None else WeightStore()
    inputs = load_inputs(args.input, interpreter.input_specs(module))
    writer = NpzWriter(args.output)
    from tpuc.compiler.deploy import quant_scales, real_value

    scales = quant_scales(module)  # Tpu modules: int8 tensors are written dequantised (real values)

    def add(name, value):
        writer.add(name, real_value(name, value, scales))

    try:
        outs = interpreter.run(module, store, inputs, on_tensor=None if args.outputs_only else add)
        for n, v in zip(_top_output_names(module), outs):
            add(n, v)
    except BaseException:
        writer.abort()
        raise
    writer.close()
    return 0


def _top_output_names(module) -> list[str]:
    """Graph output names; for a Tpu module the name of the tensor the final cast back to the
    model's type reads, which is the Top output's name (so Top and Tpu runs compare by name)."""
    from tpuc.dialects.top import interpreter
    from tpuc.dialects.top.base import name_of

    names = interpreter.output_names(module)
    ret = interpreter.main_func(module).body.block.last_op
    for i, v in enumerate(ret.operands):
        owner = v.owner
        if getattr(owner, "name", "") == "tpu.Cast" and name_of(owner.operands[0].owner):
            names[i] = name_of(owner.operands[0].owner)
    return names


def cmd_compare(args) -> int:
    import numpy as np

    from tpuc.compiler.compare import Comparison, parse_tolerance
    from tpuc.compiler.errors import CompileError

    arrays = []
    for path in (args.a, args.b):
        if not os.path.isfile(path):
            raise CompileError(f"file not found: {path}")
        try:
            with np.load(path, allow_pickle=False) as z:
                arrays.append({k: z[k] for k in z.files})
        except Exception as e:
            raise CompileError(f"cannot read {path} as npz: {str(e).splitlines()[0]}") from None
    a, b = arrays
    cmp = Comparison(*parse_tolerance(args.tolerance), excepts={x for x in args.excepts.split(",") if x})
    common = [k for k in a if k in b]
    if not common:
        raise CompileError(f"{args.a} and {args.b} have no tensor name in common")
    for k in common:
        cmp.add(k, a[k], b[k])
    print(cmp.table(verbose=args.verbose))
    only = len(a) + len(b) - 2 * len(common)
    if only:
        print(f"({only} tensor(s) present in only one file were not compared)")
    return EXIT_MISMATCH if cmp.failed else 0


def cmd_export_onnx(args) -> int:
    from tpuc.compiler.export_onnx import EXPORT_PIPELINE, export_file

    model = export_file(args.model, args.output, args.input_shapes, opset=args.opset,
                        pipeline=args.pipeline or EXPORT_PIPELINE, dumps=_dump_options(args))
    print(f"wrote {args.output} ({len(model.graph.node)} nodes, {len(model.graph.initializer)} initializers, "
          f"opset {args.opset})", file=sys.stderr)
    return 0


def cmd_calibrate(args) -> int:
    from tpuc.lowering.calibration.cli import run

    return run(args)


COMMANDS = {"calibrate": cmd_calibrate, "deploy": cmd_deploy, "export-onnx": cmd_export_onnx, "ops": cmd_ops, "transform": cmd_transform, "opt": cmd_opt, "run": cmd_run, "compare": cmd_compare}


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from tpuc.compiler.errors import CompileError

    try:
        return COMMANDS[args.cmd](args)
    except CompileError as e:
        print(f"tpuc: error: {e}", file=sys.stderr)
        return EXIT_USER
    except KeyboardInterrupt:
        print("tpuc: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `tpuc ops | head`: the reader left; not an error
        sys.stderr.close()
        return 0
    except MemoryError:
        print("tpuc: error: out of memory (is an input shape absurdly large?)", file=sys.stderr)
        return EXIT_USER
    except Exception as e:  # a bug in tpuc: say so in one line; the traceback on request
        if os.environ.get("TPUC_TRACEBACK"):
            raise
        where = type(e).__name__
        print(f"tpuc: internal error ({where}): {' '.join(str(e).split())[:300]} "
              "-- this is a bug in tpuc; rerun with TPUC_TRACEBACK=1 for the traceback", file=sys.stderr)
        return EXIT_INTERNAL


if __name__ == "__main__":
    sys.exit(main())
