"""``tpuc transform``: ONNX -> Top (tpu-mlir's ``model_transform.py``).

Imports the model with bound shapes, runs the ``transform`` pipeline, writes ``--mlir`` and the
weight npz next to it, and -- with a test input -- runs onnxruntime (every tensor the Top module
names exposed as an output) and the Top interpreter, and compares every tensor present in both
by name. Outputs are written only once everything before the comparison succeeded, each through
a temporary file, so a failure never leaves half-written files behind.
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
from tpuc.compiler.ir_io import print_module, write_atomic
from tpuc.compiler.npz_writer import NpzWriter
from tpuc.compiler.passes import PIPELINES
from tpuc.compiler.pipeline import DumpOptions, run_pipeline
from tpuc.compiler.weights import attach_store
from tpuc.dialects.top import interpreter
from tpuc.dialects.top.canonicalize import STATS
from tpuc.dialects.top.base import result_names
from tpuc.lowering.onnx_to_top.importer import import_model, load_model, parse_input_shapes


@dataclass
class TransformOptions:
    model_def: str
    mlir: str
    model_name: str | None = None
    input_shapes: str | None = None
    test_input: str | None = None
    random_input: int | None = None
    test_result: str | None = None
    tolerance: tuple[float, float] = (0.99, 0.99)
    excepts: set[str] = field(default_factory=set)
    pipeline: str = PIPELINES["transform"]
    dumps: DumpOptions = field(default_factory=DumpOptions)
    verbose: bool = False
    quiet: bool = False
    pattern_stats: bool = False


@dataclass
class TransformResult:
    comparison: Comparison | None
    seconds: dict[str, float]
    op_counts: dict[str, int]


def format_stats(stats) -> str:
    """The ``--pattern-stats`` table: how often each pattern fired."""
    lines = [f"{'pattern':<32}{'fired':>7}"]
    for name, n in sorted(stats.items(), key=lambda kv: (-kv[1], kv[0])):
        lines.append(f"{name:<32}{n:>7}")
    if not stats:
        lines.append("(no pattern fired)")
    return "\n".join(lines)


def _log(opts: TransformOptions, msg: str) -> None:
    if not opts.quiet:
        print(msg, file=sys.stderr)


def transform(opts: TransformOptions) -> TransformResult:
    times: dict[str, float] = {}
    t0 = time.perf_counter()
    mlir_path = Path(opts.mlir)
    if not mlir_path.parent.is_dir():
        raise CompileError(f"output directory does not exist: {mlir_path.parent}")
    name = opts.model_name or Path(opts.model_def).stem
    weight_path = mlir_path.with_name(f"{mlir_path.stem}_top_f32_weight.npz")
    shapes = parse_input_shapes(opts.input_shapes)
    if opts.test_input is not None and not os.path.isfile(opts.test_input):
        raise CompileError(f"test input not found: {opts.test_input}")

    model = load_model(opts.model_def)
    times["load"] = time.perf_counter() - t0
    t = time.perf_counter()
    module, store = import_model(model, shapes, name=name, weight_file=weight_path.name)
    times["import"] = time.perf_counter() - t
    attach_store(module, store)
    STATS.clear()
    t = time.perf_counter()
    run_pipeline(module, opts.pipeline, opts.dumps, stage="top")
    if opts.pattern_stats:
        _log(opts, format_stats(STATS))
    times["passes"] = time.perf_counter() - t
    used = {result_names(op)[0] for op in module.walk() if op.name == "top.Weight"}
    store.keep_only(used)

    comparison = None
    if opts.test_input is not None or opts.random_input is not None:
        specs = interpreter.input_specs(module)
        inputs = (load_inputs(opts.test_input, specs) if opts.test_input is not None
                  else random_inputs(specs, opts.random_input))
        top_names = {n for op in module.walk() if op.name not in ("top.Weight", "top.None")
                     for n in result_names(op) if n} | set(interpreter.output_names(module))
        t = time.perf_counter()
        from tpuc.compiler.reference import run_onnxruntime

        ref = run_onnxruntime(model, inputs, top_names)
        times["onnxruntime"] = time.perf_counter() - t
        del model
        comparison = Comparison(*opts.tolerance, excepts=set(opts.excepts))
        writer = NpzWriter(opts.test_result) if opts.test_result else None
        t = time.perf_counter()

        def on_tensor(tname: str, value: np.ndarray) -> None:
            if writer is not None:
                writer.add(tname, value)
            r = ref.pop(tname, None)
            if r is not None:
                comparison.add(tname, r, value)

        try:
            outs = interpreter.run(module, store, inputs, on_tensor=on_tensor)
            # Outputs folded to constants (top.Weight) are not streamed: compare them here.
            for oname, value in zip(interpreter.output_names(module), outs):
                if oname in ref:
                    on_tensor(oname, value)
        except BaseException:
            if writer is not None:
                writer.abort()
            raise
        times["interpreter+compare"] = time.perf_counter() - t
        if writer is not None:
            writer.close()
        _log(opts, comparison.table(verbose=opts.verbose, names=interpreter.output_names(module)))

    t = time.perf_counter()
    text = print_module(module, generic=opts.dumps.generic)  # may fail: before any file is written
    store.save(weight_path)
    write_atomic(mlir_path, text)
    times["write"] = time.perf_counter() - t
    times["total"] = time.perf_counter() - t0
    counts: dict[str, int] = {}
    for op in module.walk():
        if op.name.startswith("top."):
            counts[op.name] = counts.get(op.name, 0) + 1
    _log(opts, f"wrote {mlir_path} and {weight_path} ({len(store)} weights, "
               f"{sum(counts.values())} top ops) in {times['total']:.2f} s")
    return TransformResult(comparison, times, counts)
