"""``tpuc deploy``: Top -> Tpu for a chip and a mode (tpu-mlir's ``model_deploy.py``).

Reads the Top ``.mlir`` and its weights, lowers with ``convert-top-to-tpu`` (calibration table
for INT8, quantize table to force modes per op), writes the Tpu ``.mlir`` and its weight npz, and
-- with a test input -- runs the Top interpreter (or reads ``--test-reference``, a Top tensor
npz from ``tpuc transform --test-result``) and the Tpu interpreter with the chip's numerics, and
compares every tensor present in both by name (int8 tensors dequantised with their scale). Every
graph output must be compared: a renamed output is an error, not a silent pass.

Files are written only after lowering and the comparison ran, each atomically (a failure before
leaves none); a numerical mismatch (exit 1) still writes them, as tpu-mlir does, so the IR can be
inspected.
"""

from __future__ import annotations

import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from tpuc.compiler.compare import Comparison
from tpuc.compiler.errors import CompileError
from tpuc.compiler.inputs import load_inputs, random_inputs
from tpuc.compiler.ir_io import load_module, print_module, write_atomic
from tpuc.compiler.npz_writer import NpzWriter
from tpuc.compiler.pipeline import DumpOptions, run_pipeline
from tpuc.compiler.weights import WeightStore, attach_store
from tpuc.dialects.top import interpreter
from tpuc.dialects.top.base import name_of, result_names


@dataclass
class DeployOptions:
    mlir: str
    quantize: str = "F32"
    chip: str = "bm1684x"
    calibration_table: str | None = None
    quantize_table: str | None = None
    quant_output: bool = False
    tpu_mlir: str | None = None
    model: str | None = None
    test_input: str | None = None
    random_input: int | None = None
    test_reference: str | None = None
    test_result: str | None = None
    tolerance: tuple[float, float] | None = None
    excepts: set[str] = field(default_factory=set)
    dumps: DumpOptions = field(default_factory=DumpOptions)
    verbose: bool = False
    quiet: bool = False


@dataclass
class DeployResult:
    comparison: Comparison | None
    seconds: dict[str, float]
    modes: dict[str, int]
    tpu_mlir: Path
    #: Top output names in order, with the (tpu, top) output arrays when a test input was given
    outputs: list[tuple[str, np.ndarray, np.ndarray]] = field(default_factory=list)


#: tpu-mlir's default tolerances per mode (model_deploy.py), used when --tolerance is not given
DEFAULT_TOLERANCE = {"F32": (0.99, 0.99), "F16": (0.95, 0.85), "BF16": (0.95, 0.80), "INT8": (0.8, 0.5)}


def _log(opts: DeployOptions, msg: str) -> None:
    if not opts.quiet:
        print(msg, file=sys.stderr)


def default_output(opts: DeployOptions) -> Path:
    src = Path(opts.mlir)
    return src.with_name(f"{src.stem}_{opts.chip.lower()}_{opts.quantize.lower()}_tpu.mlir")


def quant_scales(module) -> dict[str, float]:
    """``tensor name -> scale`` of every int8 result of the Tpu module (for dequantisation)."""
    scales = {}
    for op in module.walk():
        s = op.properties.get("qscale") if op.name.startswith("tpu.") else None
        if s is not None:
            for n in result_names(op):
                scales[n] = float(s.value.data)
    return scales


def real_value(name: str, value: np.ndarray, scales: dict[str, float]) -> np.ndarray:
    """The real values of a Tpu tensor: an int8/uint8 tensor with a scale dequantised to f32,
    bf16 widened to f32 (npy has no bf16); anything else as it is."""
    if name in scales and value.dtype in (np.int8, np.uint8):
        return value.astype(np.float32) * np.float32(scales[name])
    if value.dtype.name == "bfloat16":
        return value.astype(np.float32)
    return value


def deploy(opts: DeployOptions) -> DeployResult:
    from tpuc.lowering.top_to_tpu.convert import ConvertTopToTpuPass

    times: dict[str, float] = {}
    t0 = time.perf_counter()
    mode = opts.quantize.upper()
    if opts.model is not None:
        raise CompileError("--model: bmodel code generation for bm1684x is not implemented yet "
                           "(tpuc deploy writes the Tpu IR: --tpu-mlir)")
    out = Path(opts.tpu_mlir) if opts.tpu_mlir else default_output(opts)
    if not out.parent.is_dir():
        raise CompileError(f"output directory does not exist: {out.parent}")
    for flag, path in (("--test-input", opts.test_input), ("--test-reference", opts.test_reference)):
        if path is not None and not os.path.isfile(path):
            raise CompileError(f"{flag} file not found: {path}")
    module = load_module(opts.mlir)
    from tpuc.compiler.ir_io import require_top_module

    require_top_module(module, "tpuc deploy", opts.mlir)
    wf = module.attributes.get("module.weight_file")
    if wf is None:
        raise CompileError(f"{opts.mlir} has no module.weight_file attribute (is it a tpuc Top module?)")
    store = WeightStore.load(Path(opts.mlir).parent / wf.data)
    attach_store(module, store)
    times["load"] = time.perf_counter() - t0

    ref: dict[str, np.ndarray] | None = None
    inputs = None
    top_outputs = interpreter.output_names(module)
    if opts.test_input is not None or opts.random_input is not None:
        specs = interpreter.input_specs(module)
        inputs = (load_inputs(opts.test_input, specs) if opts.test_input is not None
                  else random_inputs(specs, opts.random_input))
        t = time.perf_counter()
        if opts.test_reference is not None:
            with np.load(opts.test_reference, allow_pickle=False) as npz:
                ref = {k: npz[k] for k in npz.files}
        else:
            ref = {}
            outs = interpreter.run(module, store, inputs, on_tensor=lambda n, v: ref.__setitem__(n, v))
            for n, v in zip(top_outputs, outs):
                ref.setdefault(n, v)
        times["top interpreter"] = time.perf_counter() - t
        missing = [n for n in top_outputs if n not in ref]
        if missing:
            raise CompileError(f"--test-reference has no tensor for the graph output(s) {', '.join(map(repr, missing))}")

    t = time.perf_counter()
    lowering = ConvertTopToTpuPass(mode=mode, chip=opts.chip, calibration_table=opts.calibration_table,
                                   quantize_table=opts.quantize_table, quant_output=opts.quant_output)
    run_pipeline(module, [lowering], opts.dumps, stage="tpu")
    times["lowering"] = time.perf_counter() - t
    modes: dict[str, int] = {}
    for op in module.walk():
        if op.name.startswith("tpu."):
            key = op.name if op.name in ("tpu.Cast", "tpu.Requant") else op.properties.get("quant_mode")
            key = key if isinstance(key, str) else (key.data if key is not None else "F32")
            modes[key] = modes.get(key, 0) + 1

    comparison = None
    result_outputs: list[tuple[str, np.ndarray, np.ndarray]] = []
    if inputs is not None:
        assert ref is not None
        tol = opts.tolerance or DEFAULT_TOLERANCE[mode]
        comparison = Comparison(*tol, excepts=set(opts.excepts))
        scales = quant_scales(module)
        writer = NpzWriter(opts.test_result) if opts.test_result else None
        t = time.perf_counter()

        def on_tensor(tname: str, value: np.ndarray) -> None:
            value = real_value(tname, value, scales)
            if writer is not None:
                writer.add(tname, value)
            r = ref.get(tname)
            if r is not None:
                comparison.add(tname, r, value)

        try:
            outs = interpreter.run(module, store, inputs, on_tensor=on_tensor)
        except BaseException:
            if writer is not None:
                writer.abort()
            raise
        times["tpu interpreter+compare"] = time.perf_counter() - t
        compared = {r.name for r in comparison.rows}
        vacuous = [n for n in top_outputs if n not in compared and n not in opts.excepts]
        if vacuous:
            if writer is not None:
                writer.abort()
            raise CompileError(f"graph output(s) {', '.join(map(repr, vacuous))} were not compared: no Tpu tensor "
                               "has that name (a renamed output would make the check vacuous)")
        if writer is not None:
            writer.close()
        result_outputs = [(n, np.asarray(o, np.float32), np.asarray(ref[n], np.float32))
                          for n, o in zip(top_outputs, outs)]
        _log(opts, comparison.table(verbose=opts.verbose, names=top_outputs))

    t = time.perf_counter()
    text_weights = out.with_name(f"{out.stem}_weight.npz")
    from xdsl.dialects.builtin import StringAttr

    used = {name_of(op) for op in module.walk() if op.name == "top.Weight"}
    store.keep_only(used)
    module.attributes["module.weight_file"] = StringAttr(text_weights.name)
    text = print_module(module, generic=opts.dumps.generic)
    store.save(text_weights)
    write_atomic(out, text)
    times["write"] = time.perf_counter() - t
    times["total"] = time.perf_counter() - t0
    summary = ", ".join(f"{k} {v}" for k, v in sorted(modes.items()))
    _log(opts, f"wrote {out} and {text_weights} ({mode}, {opts.chip}; tpu ops by mode: {summary}) "
               f"in {times['total']:.2f} s")
    return DeployResult(comparison, times, modes, out, result_outputs)
