"""INT8 lowering of the elementwise family: Add/Sub, Mul, Relu, and activation tables.

* Add/Sub: each operand brought to the output scale by its own multiplier, one common shift;
* Mul: one multiplier/shift for ``s_a * s_b / s_out``;
* Relu: data movement (keeps the scale);
* Sigmoid, Tanh, SiLU, HardSigmoid, HardSwish, LeakyRelu, Elu, Selu, Softplus, Softsign, Mish,
  Clip, Abs, Neg: a 256-entry ``tpu.Lut`` built from the Top op's own reference at the input
  and output scales (how the chip runs activations in INT8).

GELU, Erf, Exp, Log, Sqrt, Div, Pow ... lose too much in INT8 and run in F16 (no INT8 lowering).
"""

from __future__ import annotations

import numpy as np

from tpuc.dialects.top.base import dtype_of, is_float, name_of, shape_of, tensor_type, to_attr
from tpuc.dialects.tpu import quant
from tpuc.dialects.tpu.ops import LutOp, is_quantised
from tpuc.dialects.top.ops import elementwise as _top_elementwise
from tpuc.lowering.top_to_tpu.context import float_lowering_for, int8_lowering
from tpuc.lowering.top_to_tpu.nn import transparent


def _all_float(ctx, op) -> bool:
    """Every operand and result is a real tensor (float, or already quantised int8)."""
    return all(is_float(dtype_of(v)) or is_quantised(v) for v in [*op.operands, *op.results])


def _add_supports(ctx, op) -> bool:
    return _all_float(ctx, op) and (op.name == "top.Add" or len(op.operands) == 2)


@int8_lowering("top.Add", "top.Sub", supports=_add_supports)
def lower_add(ctx, op):
    """Add/Sub: ``y = (sum_i +-x_i * m_i) >> n`` with ``m_i / 2**n = s_i / s_out``."""
    pairs = [ctx.as_int8(v) for v in op.operands]
    s_out = ctx.out_scale(op)
    reals = [s / s_out for _, s in pairs]
    shift = min(quant.multiplier_shift(r)[1] for r in reals)
    mults = [int(round(r * 2**shift)) for r in reals]
    out_t = tensor_type(shape_of(op.results[0]), np.int8)
    return list(ctx.tpu(op, [v for v, _ in pairs], [out_t], "INT8",
                        {"qscale": s_out, "multiplier": mults, "rshift": [shift]}).results)


def _mul_supports(ctx, op) -> bool:
    return _all_float(ctx, op) and len(op.operands) == 2


@int8_lowering("top.Mul", supports=_mul_supports)
def lower_mul(ctx, op):
    """Mul: ``y = x1 * x2 * m >> n`` with ``m / 2**n = s_1 s_2 / s_out``."""
    (a, sa), (b, sb) = (ctx.as_int8(v) for v in op.operands)
    s_out = ctx.out_scale(op)
    m, n = quant.multiplier_shift(sa * sb / s_out)
    out_t = tensor_type(shape_of(op.results[0]), np.int8)
    return list(ctx.tpu(op, [a, b], [out_t], "INT8", {"qscale": s_out, "multiplier": [m], "rshift": [n]}).results)


@int8_lowering("top.Relu", transparent=True)
def lower_relu(ctx, op):
    """Relu: ``max(q, 0)`` on int8, same scale."""
    return transparent(ctx, op)


LUT_OPS = ("top.Sigmoid", "top.Tanh", "top.SiLU", "top.HardSigmoid", "top.HardSwish", "top.LeakyRelu",
           "top.Elu", "top.Selu", "top.Softplus", "top.Softsign", "top.Mish", "top.Clip", "top.Abs", "top.Neg")


@int8_lowering(*LUT_OPS)
def lower_lut(ctx, op):
    """Activation as a table: ``table[q + 128] = quantize(f(q * s_in), s_out)`` for q in [-128, 127]."""
    x, s_x = ctx.as_int8(op.operands[0])
    s_out = ctx.out_scale(op)
    grid = (np.arange(-128, 128, dtype=np.float32) * np.float32(s_x)).astype(np.float32)
    values = op.compute([grid])[0]
    table = ctx.weight(f"{name_of(op)}_lut", quant.quantize(values, s_out))
    lut = LutOp.create(operands=[x, table], result_types=[tensor_type(shape_of(op.results[0]), np.int8)],
                       properties={"quant_mode": to_attr("INT8"), "qscale": to_attr(float(s_out))})
    lut.location = op.location
    return list(ctx.insert(lut).results)


#: every Top op of the elementwise family lowers to F32/F16/BF16 through the generic float lowering
#: (operands converted to the mode's storage type, float results in it)
FLOAT_OPS = float_lowering_for(_top_elementwise)
