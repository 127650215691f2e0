"""INT8 ``tpu.Mul``: ``y = saturate(round_half_away(x1 * x2 * multiplier >> rshift))``."""

from __future__ import annotations

import numpy as np

from tpuc.dialects.tpu.inference import register
from tpuc.dialects.tpu.quant import requant


@register("tpu.Mul")
def mul_int8(op, inputs):
    (m,), (n,) = op.p("multiplier"), op.p("rshift")
    prod = np.int64(1)
    for x in inputs:
        prod = prod * np.asarray(x, np.int64)
    return [requant(prod, m, n, relu=op.p("do_relu", False))]
