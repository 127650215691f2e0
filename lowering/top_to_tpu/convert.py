"""``convert-top-to-tpu``: lower a Top module to the Tpu dialect for a chip and a mode.

What each op becomes (tpu-mlir's ``--convert-top-to-tpu``):

* F32 / F16 / BF16: every float op computes in that type (``quant_mode``); weights are converted
  at compile time (finite values clamped to the type's range, so a ``finfo(f32).min`` mask fill
  stays finite in f16), activations cross types through ``tpu.Cast``; integer and bool data keep
  their types.
* INT8 (symmetric, per-channel weights, activations per tensor from the calibration table): ops
  with an INT8 lowering (Conv, MatMul, Add/Sub/Mul, pooling, ReduceMean, activation tables, data
  movement) run in INT8; everything else (LayerNorm, Softmax, GELU/Erf, Exp, Div, ...) runs in F16
  with explicit casts, as tpu-mlir's mixed lowering does. Tensors the calibration table marks
  ``#float_keep`` (attention masks of -inf / ``finfo.min``) are never quantised: the ops producing
  or reading them run in F16, where the mask values stay a large negative (see
  :func:`tpuc.dialects.tpu.quant.saturate_weight`). Add/Sub/Mul whose result a float-only op
  reads (a transformer's residual stream feeding LayerNorm) and ops producing a graph output
  run in F16 too: quantising there only adds error (:func:`feeds_float_op`).
* ``quantize_table`` forces a mode per op name; an op that cannot run in the forced mode is an
  error, as is a name the module does not have.

Graph outputs are cast back to the model's output types; an op producing a graph output runs in
F16 in an INT8 model unless ``quant_output`` is set. Requires the module's weight store (attached by the driver or
``tpuc opt``); the converted weights are added to it (unused ones are dropped when saved).
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects import func
from xdsl.dialects.builtin import ModuleOp, StringAttr, TensorType
from xdsl.ir import Operation
from xdsl.passes import ModulePass

from tpuc.compiler.errors import CompileError
from tpuc.compiler.weights import store_of
from tpuc.dialects.top.base import TopOp, dtype_of, is_float, name_of, result_names
from tpuc.dialects.top.interpreter import main_func
from tpuc.dialects.top.ops.core import NoneOp, WeightOp
from tpuc.dialects.tpu.base import MODES
from tpuc.dialects.tpu.ops import is_quantised
from tpuc.lowering.top_to_tpu import families
from tpuc.lowering.top_to_tpu.context import FLOAT, INT8, LoweringContext, is_boundary

CHIPS = ("bm1684x",)


def _floats(values) -> list:
    return [v for v in values if isinstance(v.type, TensorType) and is_float(dtype_of(v))]


def _has_float_io(op: Operation) -> bool:
    return bool(_floats(op.operands) or _floats(op.results))


def decide_mode(ctx: LoweringContext, op: Operation) -> str:
    """The mode ``op`` is lowered in (see the module docstring)."""
    name = name_of(op)
    if not _has_float_io(op) and not any(is_quantised(v) for v in op.operands):
        return "F32"  # integer/bool computation: types are kept
    low = INT8.get(op.name)
    forced = ctx.qtable.get(name)
    if forced is not None:
        if forced == "INT8" and (low is None or not low.supports(ctx, op)):
            why = "tpuc has no INT8 lowering for it" if low is None else "this instance has no INT8 form"
            raise CompileError(f"quantize table asks INT8 for {op.name} '{name}', but {why}")
        return forced
    if ctx.mode != "INT8":
        return ctx.mode
    if low is None:
        return "F16"
    names = [name_of(v.owner) for v in _floats(op.operands) if not isinstance(v.owner, WeightOp)]
    if any(ctx.keep_float(n) for n in names + result_names(op)):
        return "F16"
    if low.transparent:
        data = op.operands if op.name == "top.Concat" else op.operands[:1]
        return "INT8" if any(is_quantised(v) for v in data) and low.supports(ctx, op) else "F16"
    if op.name in ELEMENTWISE and feeds_float_op(ctx, op):
        return "F16"
    if not ctx.quant_output and any(isinstance(u.operation, func.ReturnOp) for r in op.results for u in r.uses):
        # a graph output leaves the chip as float: an int8 result would cap it at 8 bits
        # (ViT's 10-logit head: output cosine 0.968 requantised, 0.99+ in F16)
        return "F16"
    return "INT8" if low.supports(ctx, op) else "F16"


#: INT8-capable elementwise ops that stay F16 when a float-only op reads their result
ELEMENTWISE = ("top.Add", "top.Sub", "top.Mul")


def feeds_float_op(ctx: LoweringContext, op: Operation) -> bool:
    """True when a user of ``op``'s result has no INT8 form (LayerNorm, Softmax, GELU ...).

    Such a user reads f16 anyway, so quantising the result would only add error: the residual
    stream of a transformer (``x + attn(x)`` feeding the next LayerNorm) has per-channel outliers
    a per-tensor int8 scale crushes the small channels of (ViT-Ti INT8 output cosine 0.93 with
    the residual Adds in INT8, 0.999 with them in F16). CNN residual Adds feed Relu/Conv and stay
    INT8."""
    for r in op.results:
        for use in r.uses:
            user = use.operation
            if isinstance(user, func.ReturnOp):
                continue
            forced = ctx.qtable.get(name_of(user))
            if (forced is not None and forced != "INT8") or (forced is None and user.name not in INT8):
                return True
    return False


def lower_module(module: ModuleOp, mode: str, chip: str = "bm1684x", table=None,
                 qtable: dict[str, str] | None = None, *, quant_output: bool = False) -> LoweringContext:
    """Lower ``module`` in place; returns the context (``decided`` holds each op's mode)."""
    mode = mode.upper()
    if mode not in MODES:
        raise CompileError(f"unknown quantize mode '{mode}' (use one of {', '.join(MODES)})")
    if chip.lower() not in CHIPS:
        raise CompileError(f"unknown chip '{chip}' (tpuc supports {', '.join(CHIPS)})")
    store = store_of(module)
    if store is None:
        raise CompileError("lowering needs the module's weight file (module.weight_file next to the .mlir)")
    families.load()
    fn = main_func(module)
    ops = [op for op in fn.body.block.ops if not isinstance(op, func.ReturnOp)]
    from tpuc.compiler.ir_io import require_top_module

    require_top_module(module, "convert-top-to-tpu")
    bad = next((op for op in ops if not isinstance(op, TopOp)), None)
    if bad is not None:
        raise CompileError(f"convert-top-to-tpu expects a Top module, found '{bad.name}'")
    qtable = dict(qtable or {})
    known = {n for op in ops for n in result_names(op)}
    unknown = [n for n in qtable if n not in known]
    if unknown:
        shown = ", ".join(repr(n) for n in unknown[:5]) + (f" and {len(unknown) - 5} more" if len(unknown) > 5 else "")
        raise CompileError(f"quantize table names {len(unknown)} op(s) the module does not have: {shown}")
    if mode == "INT8" or "INT8" in qtable.values():
        if table is None:
            raise CompileError("INT8 needs a calibration table (--calibration-table; make one with tpuc calibrate)")
        table.check_complete(module)
    ctx = LoweringContext(mode=mode, store=store, table=table, qtable=qtable, quant_output=quant_output)
    ctx._names.update(known)
    for op in ops:
        if is_boundary(op):
            continue
        ctx.anchor = op
        m = "?"
        if op.name not in FLOAT:
            raise CompileError(f"no lowering to the Tpu dialect for {op.name} '{name_of(op)}'")
        try:
            m = decide_mode(ctx, op)
            new = INT8[op.name].lower(ctx, op) if m == "INT8" else ctx.lower_float(op, m)
        except ValueError as e:  # quantisation arithmetic refused a value (non-finite weight, ...)
            raise CompileError(f"cannot lower {op.name} '{name_of(op)}' (mode {m}): {e}") from None
        ctx.decided[name_of(op)] = m
        for old, v in zip(op.results, new, strict=True):
            old.replace_all_uses_with(v)
        op.detach()
        op.erase()
    ret = fn.body.block.last_op
    ctx.anchor = ret
    for i, (v, want) in enumerate(zip(ret.operands, fn.function_type.outputs.data, strict=True)):
        # graph outputs keep the model's types (f32, or f64/f16 when the model says so)
        if isinstance(v.type, TensorType) and v.type != want and isinstance(want, TensorType):
            ret.operands[i] = ctx.as_float(v, dtype_of(want))
    for op in reversed(list(fn.body.block.ops)):
        if isinstance(op, (WeightOp, NoneOp)) and not any(r.uses for r in op.results):
            op.detach()
            op.erase()
    module.attributes["module.chip"] = StringAttr(chip.lower())
    module.attributes["module.mode"] = StringAttr(mode)
    module.attributes["module.state"] = StringAttr("TPU_LOWERED")
    return ctx


@dataclass(frozen=True)
class ConvertTopToTpuPass(ModulePass):
    """Lower Top to Tpu for ``chip`` in ``mode`` (F32, F16, BF16, INT8), reading the calibration
    table and the quantize table from the given files."""

    name = "convert-top-to-tpu"
    mode: str = "F32"
    chip: str = "bm1684x"
    calibration_table: str | None = None
    quantize_table: str | None = None
    #: let an op producing a graph output run in INT8 (tpu-mlir's ``--quant_output``); by default
    #: such an op runs in F16 so the output is not capped at 8 bits
    quant_output: bool = False

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        from tpuc.lowering.calibration.table import CalibrationTable
        from tpuc.lowering.top_to_tpu.qtable import read_quantize_table

        table = CalibrationTable.load(self.calibration_table) if self.calibration_table else None
        qtable = read_quantize_table(self.quantize_table) if self.quantize_table else {}
        lower_module(op, self.mode, self.chip, table, qtable, quant_output=self.quant_output)

