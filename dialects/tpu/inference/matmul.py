"""INT8 ``tpu.MatMul``: int8 x int8 (weights per output channel, or a per-tensor activation),
int32 bias, int32 accumulation, requant per output channel (last axis) or per tensor."""

from __future__ import annotations

import numpy as np

from tpuc.dialects.tpu.inference import register
from tpuc.dialects.tpu.inference.conv import accumulate, channel_view
from tpuc.dialects.tpu.quant import requant


@register("tpu.MatMul")
def matmul_int8(op, inputs):
    acc = accumulate(op, inputs)
    m = channel_view(op.p("multiplier"), acc.ndim, acc.ndim - 1)
    n = channel_view(op.p("rshift"), acc.ndim, acc.ndim - 1)
    return [requant(np.rint(acc), m, n, relu=op.p("do_relu", False))]
