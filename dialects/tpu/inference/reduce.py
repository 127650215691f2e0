"""INT8 ``tpu.Reduce`` for ``ReduceMean`` (global average pooling in CNN exports): the exact
integer sum over the reduced axes requantised by ``s_in / (s_out * count)``."""

from __future__ import annotations

import numpy as np

from tpuc.dialects.tpu.inference import register
from tpuc.dialects.tpu.inference.conv import accumulate
from tpuc.dialects.tpu.quant import requant


@register("tpu.Reduce")
def reduce_mean_int8(op, inputs):
    x = inputs[0]
    out = accumulate(op, inputs)
    count = x.size // max(out.size, 1)
    (m,), (n,) = op.p("multiplier"), op.p("rshift")
    return [requant(np.rint(out * count), m, n)]
