"""ONNX converters: elementwise arithmetic, logic, activations, Cast, Clip, Where."""

from __future__ import annotations

import numpy as np

from tpuc.dialects.top.ops import elementwise as E
from tpuc.lowering.onnx_to_top.registry import converter

_BINARY = {"Add": E.AddOp, "Sub": E.SubOp, "Mul": E.MulOp, "Div": E.DivOp}


def _check_legacy_broadcast(ctx, node):
    """Opset < 7 style ``broadcast``/``axis`` attributes are not supported (we import >= 7)."""
    if node.attr("axis") is not None and node.opset < 7:
        raise ctx.error("legacy broadcast with 'axis' is not supported")


@converter("Add", "Sub", "Mul", "Div")
def convert_arith(ctx, node):
    _check_legacy_broadcast(ctx, node)
    ctx.emit(_BINARY[node.op_type], node.inputs[:2], outs=node.outputs[0])


@converter("Sum", "Max", "Min", "Mean")
def convert_variadic(ctx, node):
    ins = [x for x in node.inputs if x]
    if node.op_type == "Mean":
        total = ctx.emit(E.AddOp, ins, outs=ctx.fresh(node.outputs[0] + "_sum"))[0]
        n = np.asarray(len(ins), dtype=ctx.dtype(ins[0]))
        ctx.emit(E.DivOp, [total, n], outs=node.outputs[0])
        return
    if len(ins) == 1:
        ctx.alias(node.outputs[0], ins[0])
        return
    cls = {"Sum": E.AddOp, "Max": E.MaxOp, "Min": E.MinOp}[node.op_type]
    ctx.emit(cls, ins, outs=node.outputs[0])


@converter("Pow")
def convert_pow(ctx, node):
    ctx.emit(E.PowOp, node.inputs[:2], outs=node.outputs[0])


@converter("Mod")
def convert_mod(ctx, node):
    fmod = bool(node.attr("fmod", 0))
    ctx.emit(E.ModOp, node.inputs[:2], {"fmod": fmod or None}, outs=node.outputs[0])


@converter("Equal", "Greater", "GreaterOrEqual", "Less", "LessOrEqual", "And", "Or", "Xor")
def convert_compare(ctx, node):
    a, b = node.inputs[:2]
    if ctx.dtype(a) != ctx.dtype(b):
        raise ctx.error(f"operands differ in dtype ({ctx.dtype(a)} vs {ctx.dtype(b)})")
    ctx.emit(E.CompareOp, [a, b], {"mode": node.op_type}, outs=node.outputs[0])


@converter("Where")
def convert_where(ctx, node):
    ctx.emit(E.WhereOp, node.inputs[:3], outs=node.outputs[0])


_UNARY = {
    "Relu": E.ReluOp, "Sigmoid": E.SigmoidOp, "Tanh": E.TanhOp, "Exp": E.ExpOp, "Log": E.LogOp,
    "Sqrt": E.SqrtOp, "Reciprocal": E.ReciprocalOp, "Erf": E.ErfOp, "Abs": E.AbsOp, "Neg": E.NegOp,
    "Sign": E.SignOp, "Floor": E.FloorOp, "Ceil": E.CeilOp, "Round": E.RoundOp, "Sin": E.SinOp,
    "Cos": E.CosOp, "Softplus": E.SoftplusOp, "Softsign": E.SoftsignOp, "Mish": E.MishOp,
    "HardSwish": E.HardSwishOp, "IsNaN": E.IsNaNOp, "Not": E.NotOp,
}


@converter(*_UNARY)
def convert_unary(ctx, node):
    ctx.emit(_UNARY[node.op_type], [node.input(0)], outs=node.outputs[0])


@converter("Gelu")
def convert_gelu(ctx, node):
    ctx.emit(E.GELUOp, [node.input(0)], {"approx_mode": node.attr("approximate", "none")}, outs=node.outputs[0])


@converter("Elu")
def convert_elu(ctx, node):
    ctx.emit(E.EluOp, [node.input(0)], {"alpha": float(node.attr("alpha", 1.0))}, outs=node.outputs[0])


@converter("Selu")
def convert_selu(ctx, node):
    props = {"alpha": float(node.attr("alpha", 1.67326319217681884765625)),
             "gamma": float(node.attr("gamma", 1.05070102214813232421875))}
    ctx.emit(E.SeluOp, [node.input(0)], props, outs=node.outputs[0])


@converter("LeakyRelu")
def convert_leaky_relu(ctx, node):
    ctx.emit(E.LeakyReluOp, [node.input(0)], {"alpha": float(node.attr("alpha", 0.01))}, outs=node.outputs[0])


@converter("HardSigmoid")
def convert_hard_sigmoid(ctx, node):
    props = {"alpha": float(node.attr("alpha", 0.2)), "beta": float(node.attr("beta", 0.5))}
    ctx.emit(E.HardSigmoidOp, [node.input(0)], props, outs=node.outputs[0])


@converter("PRelu")
def convert_prelu(ctx, node):
    ctx.emit(E.PReluOp, node.inputs[:2], outs=node.outputs[0])


@converter("IsInf")
def convert_isinf(ctx, node):
    props = {"detect_positive": bool(node.attr("detect_positive", 1)),
             "detect_negative": bool(node.attr("detect_negative", 1))}
    ctx.emit(E.IsInfOp, [node.input(0)], props, outs=node.outputs[0])


@converter("Clip")
def convert_clip(ctx, node):
    x = node.input(0)
    if node.opset < 11:
        lo, hi = node.attr("min"), node.attr("max")
    else:
        lo_name, hi_name = node.input(1), node.input(2)
        lo_c = ctx.const(lo_name) if lo_name else None
        hi_c = ctx.const(hi_name) if hi_name else None
        if (lo_name and lo_c is None) or (hi_name and hi_c is None):
            # Runtime bounds: max(min(x, hi), lo) with broadcasting.
            out = x
            if lo_name:
                out = ctx.emit(E.MaxOp, [out, lo_name], outs=ctx.fresh(node.outputs[0] + "_lo") if hi_name else node.outputs[0])[0]
            if hi_name:
                ctx.emit(E.MinOp, [out, hi_name], outs=node.outputs[0])
            return
        for what, c in (("min", lo_c), ("max", hi_c)):
            if c is not None and c.size != 1:
                raise ctx.error(f"Clip {what} must be a scalar, got shape {list(c.shape)}")
        lo = None if lo_c is None else lo_c.item()
        hi = None if hi_c is None else hi_c.item()
    props = {"min": None if lo is None else float(lo), "max": None if hi is None else float(hi)}
    ctx.emit(E.ClipOp, [x], props, outs=node.outputs[0])


@converter("Cast")
def convert_cast(ctx, node):
    import onnx

    try:
        to = np.dtype(onnx.helper.tensor_dtype_to_np_dtype(node.attr("to")))
        E.cast_name(to)
    except (ValueError, KeyError, TypeError):
        raise ctx.error(f"Cast to element type {node.attr('to')} is not supported by tpuc") from None
    x = node.input(0)
    if ctx.dtype(x) == to:
        ctx.alias(node.outputs[0], x)
        return
    ctx.emit(E.CastOp, [x], {"to": E.cast_name(to)}, outs=node.outputs[0])


@converter("CastLike")
def convert_cast_like(ctx, node):
    to = ctx.dtype(node.input(1))
    x = node.input(0)
    if ctx.dtype(x) == to:
        ctx.alias(node.outputs[0], x)
        return
    ctx.emit(E.CastOp, [x], {"to": E.cast_name(to)}, outs=node.outputs[0])
