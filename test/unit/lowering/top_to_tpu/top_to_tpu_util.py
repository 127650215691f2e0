"""Helpers of the Top -> Tpu lowering tests: small ONNX graphs imported to Top, a max calibration
table from the Top interpreter, the lowering, and a reference for the float modes that runs every
Top op in float32 and rounds its results to the storage type."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from onnx import TensorProto, helper, numpy_helper
from xdsl.dialects import func
from xdsl.dialects.builtin import ModuleOp, TensorType

from tpuc.compiler.weights import WeightStore, attach_store
from tpuc.dialects.top import interpreter
from tpuc.dialects.top.base import dtype_of, is_float, name_of
from tpuc.dialects.top.interpreter import main_func, stored_weight
from tpuc.dialects.top.ops.core import InputOp, NoneOp, WeightOp
from tpuc.dialects.tpu.quant import saturate_weight, scale_of_threshold
from tpuc.lowering.calibration.table import CalibrationTable, TensorCalibration
from tpuc.lowering.onnx_to_top.importer import import_model
from tpuc.lowering.top_to_tpu.convert import LoweringContext, lower_module


def onnx_model(nodes, inputs: dict[str, np.ndarray], outputs: list[str], inits: dict[str, np.ndarray] | None = None,
               opset: int = 17):
    """An ONNX model of ``nodes`` with f32 graph inputs shaped like ``inputs``."""
    in_vi = [helper.make_tensor_value_info(n, TensorProto.FLOAT, list(a.shape)) for n, a in inputs.items()]
    out_vi = [helper.make_tensor_value_info(o, TensorProto.FLOAT, None) for o in outputs]
    graph = helper.make_graph(nodes, "g", in_vi, out_vi,
                              [numpy_helper.from_array(np.asarray(a), n) for n, a in (inits or {}).items()])
    return helper.make_model(graph, ir_version=8, opset_imports=[helper.make_opsetid("", opset)])


def run(module: ModuleOp, store: WeightStore, feeds: dict[str, np.ndarray]):
    """``(outputs, {name: tensor})`` of the (Top or Tpu) interpreter."""
    seen: dict[str, np.ndarray] = {}
    outs = interpreter.run(module, store, feeds, on_tensor=seen.__setitem__)
    return outs, seen


def max_table(tensors: dict[str, np.ndarray]) -> CalibrationTable:
    """A ``max`` calibration table (threshold = abs-max) of the float tensors given."""
    return CalibrationTable({
        n: TensorCalibration(float(np.abs(v).max()), float(v.min()), float(v.max()))
        for n, v in tensors.items() if is_float(np.asarray(v).dtype)})


@dataclass
class Lowered:
    top: ModuleOp  # a copy of the Top module, before lowering
    module: ModuleOp  # the Tpu module
    store: WeightStore
    ctx: LoweringContext
    table: CalibrationTable | None
    ref: list[np.ndarray]  # Top interpreter outputs
    top_tensors: dict[str, np.ndarray]

    def scale(self, name: str) -> float:
        """The int8 scale of tensor ``name`` from the table."""
        return scale_of_threshold(self.table.threshold(name))

    def tpu_ops(self, name: str | None = None) -> list:
        ops = [op for op in main_func(self.module).body.block.ops if op.name.startswith("tpu.")]
        return ops if name is None else [op for op in ops if op.name == name]

    def op_named(self, name: str):
        (op,) = [op for op in main_func(self.module).body.block.ops if name_of(op) == name]
        return op


def lower(model, feeds: dict[str, np.ndarray], mode: str, table: CalibrationTable | None = None) -> Lowered:
    """Import ``model``, calibrate it with ``max`` on ``feeds`` (INT8), lower it in ``mode``."""
    module, store = import_model(model, [list(v.shape) for v in feeds.values()])
    module.verify()
    top = module.clone()
    ref, tensors = run(module, store, feeds)
    if table is None and mode == "INT8":
        table = max_table(tensors)
    attach_store(module, store)
    ctx = lower_module(module, mode, "bm1684x", table, quant_output=True)  # single-op modules: test the INT8 form
    module.verify()
    return Lowered(top, module, store, ctx, table, ref, tensors)


def float_tensor_types(module: ModuleOp):
    """``(op, result type)`` of every float tensor result in ``@main``."""
    for op in main_func(module).body.block.ops:
        for r in op.results:
            if isinstance(r.type, TensorType) and is_float(dtype_of(r)):
                yield op, r.type


def rounded_reference(top: ModuleOp, store: WeightStore, feeds: dict[str, np.ndarray], dtype) -> list[np.ndarray]:
    """Run the Top module with every float tensor stored in ``dtype``: inputs and weights rounded
    (weights clamped to the finite range as the lowering does), each op's ``compute`` run on
    float32 copies of its operands and its float results rounded to ``dtype``; outputs in f32."""
    dtype = np.dtype(dtype)
    fn = main_func(top)
    env: dict = {}
    inputs = iter(feeds.values())

    def f32(v):
        return v.astype(np.float32) if v is not None and is_float(v.dtype) else v

    def store_as(v):
        v = np.asarray(v)
        return v.astype(dtype) if is_float(v.dtype) else v

    for op in fn.body.block.ops:
        if isinstance(op, func.ReturnOp):
            return [f32(env[v]) for v in op.operands]
        if isinstance(op, InputOp):
            env[op.results[0]] = store_as(next(inputs))
        elif isinstance(op, WeightOp):
            w = stored_weight(op, store)
            env[op.results[0]] = saturate_weight(w, dtype) if is_float(w.dtype) else w
        elif isinstance(op, NoneOp):
            env[op.results[0]] = None
        else:
            outs = op.compute([f32(env[v]) for v in op.operands])
            for r, o in zip(op.results, outs, strict=True):
                env[r] = store_as(o)
    raise AssertionError("no func.return")
