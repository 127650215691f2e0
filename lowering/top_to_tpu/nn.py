"""INT8 lowering of the nn family: Conv, MatMul, MaxPool, AvgPool.

Weights are quantised per output channel (``max|w| / 127``), the bias to int32 at scale
``s_in * s_w[c]``, and the int32 accumulator requantised per channel by ``multiplier``/``rshift``
encoding ``s_in * s_w[c] / s_out`` (:func:`tpuc.dialects.tpu.quant.multiplier_shift`).
F32/F16/BF16 use the generic float lowering.
"""

from __future__ import annotations

import numpy as np
from xdsl.dialects.builtin import NoneType

from tpuc.dialects.top.base import is_none, name_of, shape_of, tensor_type
from tpuc.dialects.tpu import quant
from tpuc.dialects.top.ops import nn as _top_nn
from tpuc.lowering.top_to_tpu.context import float_lowering_for, int8_lowering


def _requant_params(real: np.ndarray) -> tuple[list[int], list[int]]:
    pairs = [quant.multiplier_shift(float(r)) for r in np.atleast_1d(real)]
    return [m for m, _ in pairs], [n for _, n in pairs]


def _bias_int32(ctx, bias, acc_scale: np.ndarray, base: str, channel_last: bool):
    """The int32 bias weight for accumulator scale(s) ``acc_scale`` (one per output channel)."""
    if is_none(bias):
        return bias
    b = ctx.weight_value(bias).astype(np.float64)
    s = acc_scale
    if s.size > 1 and b.size == 1:  # a scalar bias (Gemm's C) per channel: one entry per channel
        b = np.full(s.size, b.reshape(-1)[0])
    if s.size > 1:
        shape = [1] * b.ndim
        if b.ndim:
            shape[-1 if channel_last else 0] = -1
        s = s.reshape(shape)
    q = quant.round_half_away(b / s)
    assert np.all(np.abs(q) <= INT32_MAX), "supports() admits only biases that fit int32"
    q = q.astype(np.int32)
    return ctx.weight(f"{base}_int32", q)


INT32_MAX = 2**31 - 1


def bias_fits_int32(ctx, x, bias, w_scales: np.ndarray, channel_last: bool) -> bool:
    """Whether the bias quantised at ``s_x * s_w[c]`` fits int32 (a huge bias against tiny
    input and weight scales does not; such an op then runs in F16 instead of clipping)."""
    if is_none(bias):
        return True
    b = ctx.weight_value(bias)
    s_x = ctx.peek_scale(x)
    if b is None or s_x is None:
        return b is not None
    s = np.asarray(s_x * w_scales, np.float64)
    if s.size > 1 and b.size == 1:
        b = np.full(s.size, b.reshape(-1)[0])
    if s.size > 1 and b.ndim:
        shape = [1] * b.ndim
        shape[-1 if channel_last else 0] = -1
        s = s.reshape(shape)
    return bool(np.all(np.abs(b.astype(np.float64) / s) < INT32_MAX - 1))


def _conv_supports(ctx, op) -> bool:
    w, b = op.operands[1], op.operands[2]
    wv = ctx.weight_value(w)
    if wv is None or not (is_none(b) or ctx.weight_value(b) is not None):
        return False
    return bias_fits_int32(ctx, op.operands[0], b, quant.quantize_per_channel(wv, 0)[1], channel_last=False)


@int8_lowering("top.Conv", supports=_conv_supports)
def lower_conv(ctx, op):
    """Conv: int8 input x per-output-channel int8 weights + int32 bias, per-channel requant."""
    x, s_x = ctx.as_int8(op.operands[0])
    w = ctx.weight_value(op.operands[1])
    qw, s_w = quant.quantize_per_channel(w, 0)
    s_out = ctx.out_scale(op)
    wv = ctx.weight(f"{name_of(op.operands[1].owner)}_int8", qw)
    bv = _bias_int32(ctx, op.operands[2], s_x * s_w, name_of(op.operands[2].owner) if not is_none(op.operands[2]) else "",
                     channel_last=False)
    m, n = _requant_params(s_x * s_w / s_out)
    out_t = tensor_type(shape_of(op.results[0]), np.int8)
    return list(ctx.tpu(op, [x, wv, bv], [out_t], "INT8",
                        {"qscale": s_out, "multiplier": m, "rshift": n}).results)


def _matmul_channel_axis(op, ndim: int) -> int | None:
    """Axis of the weight ``right`` holding the output channel N, or None (per-tensor)."""
    if op.p("output_transpose", False) or ndim < 2 or not op.p("keep_dims", True):
        return None
    rt = op.p("right_transpose", False)
    if op.p("hdim_is_batch", False):
        return 1 if rt else 3
    return ndim - 2 if rt else ndim - 1


def _matmul_supports(ctx, op) -> bool:
    b = op.operands[2]
    if is_none(b):
        return True
    if ctx.weight_value(b) is None:
        return False
    w = ctx.weight_value(op.operands[1])
    if w is None:
        s_w = np.array([ctx.peek_scale(op.operands[1]) or 1.0])
    else:
        axis = _matmul_channel_axis(op, w.ndim)
        s_w = (np.array([quant.quantize_per_tensor(w)[1]]) if axis is None
               else quant.quantize_per_channel(w, axis)[1])
    return bias_fits_int32(ctx, op.operands[0], b, s_w, channel_last=True)


@int8_lowering("top.MatMul", supports=_matmul_supports)
def lower_matmul(ctx, op):
    """MatMul: int8 x int8 with int32 accumulation; a weight ``right`` is quantised per output
    channel, an activation ``right`` per tensor; int32 bias; requant per channel or tensor."""
    x, s_x = ctx.as_int8(op.operands[0])
    right = op.operands[1]
    w = ctx.weight_value(right)
    s_out = ctx.out_scale(op)
    if w is not None:
        axis = _matmul_channel_axis(op, w.ndim)
        if axis is None:
            qw, sw = quant.quantize_per_tensor(w)
            s_w = np.array([sw])
        else:
            qw, s_w = quant.quantize_per_channel(w, axis)
        rv = ctx.weight(f"{name_of(right.owner)}_int8", qw)
    else:
        rv, sr = ctx.as_int8(right)
        s_w = np.array([sr])
    bias = op.operands[2]
    bv = bias if is_none(bias) else _bias_int32(ctx, bias, s_x * s_w, name_of(bias.owner), channel_last=True)
    m, n = _requant_params(s_x * s_w / s_out)
    out_t = tensor_type(shape_of(op.results[0]), np.int8)
    return list(ctx.tpu(op, [x, rv, bv], [out_t], "INT8",
                        {"qscale": s_out, "multiplier": m, "rshift": n}).results)


@int8_lowering("top.MaxPool", transparent=True)
def lower_maxpool(ctx, op):
    """MaxPool: data movement on int8 (keeps the input scale)."""
    return transparent(ctx, op)


def _avgpool_supports(ctx, op) -> bool:
    pads = op.p("pads", ())
    return not op.p("ceil_mode", False) and (not any(pads) or op.p("count_include_pad", False))


@int8_lowering("top.AvgPool", supports=_avgpool_supports)
def lower_avgpool(ctx, op):
    """AvgPool with equal-size windows: exact int window sum, requant by ``s_in / (s_out * k)``."""
    x, s_x = ctx.as_int8(op.operands[0])
    s_out = ctx.out_scale(op)
    k = int(np.prod(op.p("kernel_shape")))
    m, n = _requant_params(s_x / (s_out * k))
    out_t = tensor_type(shape_of(op.results[0]), np.int8)
    return list(ctx.tpu(op, [x], [out_t], "INT8", {"qscale": s_out, "multiplier": m, "rshift": n}).results)


def transparent(ctx, op, data_index: int = 0):
    """Data movement in INT8: the data operand as int8 (other operands untouched), the result
    keeps its scale."""
    x, s = ctx.as_int8(op.operands[data_index])
    operands = list(op.operands)
    operands[data_index] = x
    types = [tensor_type(shape_of(r), np.int8) if not isinstance(r.type, NoneType) else r.type for r in op.results]
    return list(ctx.tpu(op, operands, types, "INT8", {"qscale": s}).results)


#: every Top op of the nn family lowers to F32/F16/BF16 through the generic float lowering
#: (operands converted to the mode's storage type, float results in it)
FLOAT_OPS = float_lowering_for(_top_nn)
