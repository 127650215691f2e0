"""INT8 ``tpu.Conv``: int8 input x int8 per-output-channel weights, int32 bias, int32
accumulation, per-channel requant (``multiplier``/``rshift`` per output channel) to int8."""

from __future__ import annotations

import numpy as np

from tpuc.dialects.tpu.inference import register
from tpuc.dialects.tpu.quant import requant


def channel_view(values, ndim: int, axis: int) -> np.ndarray:
    """A per-channel array shaped to broadcast along ``axis`` of an ``ndim``-D tensor."""
    a = np.asarray(values, np.int64)
    if a.size == 1:
        return a.reshape(())
    shape = [1] * ndim
    shape[axis] = -1
    return a.reshape(shape)


def accumulate(op, inputs) -> np.ndarray:
    """The exact integer accumulator (in float64: |acc| < 2**53 for any int8 layer) of a
    Conv/MatMul-like op, bias included, Relu not applied."""
    args = [None if v is None else np.asarray(v, np.float64) for v in inputs]
    saved = op.properties.pop("do_relu", None)
    try:
        acc = op.TOP.compute(op, args)[0]
    finally:
        if saved is not None:
            op.properties["do_relu"] = saved
    return acc


@register("tpu.Conv", "tpu.Deconv")
def conv_int8(op, inputs):
    acc = accumulate(op, inputs)
    m = channel_view(op.p("multiplier"), acc.ndim, 1)
    n = channel_view(op.p("rshift"), acc.ndim, 1)
    return [requant(np.rint(acc), m, n, relu=op.p("do_relu", False))]
