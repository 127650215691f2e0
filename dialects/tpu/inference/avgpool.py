"""INT8 ``tpu.AvgPool``: the window sum (exact) requantised by ``multiplier``/``rshift`` encoding
``s_in / (s_out * window size)``; the lowering only picks INT8 when every window has the same
number of elements (no padding, or padding counted)."""

from __future__ import annotations

import numpy as np

from tpuc.dialects.tpu.inference import register
from tpuc.dialects.tpu.inference.conv import accumulate
from tpuc.dialects.tpu.quant import requant


@register("tpu.AvgPool")
def avgpool_int8(op, inputs):
    k = int(np.prod(op.p("kernel_shape")))
    total = np.rint(accumulate(op, inputs) * k)  # mean * k = the exact integer window sum
    (m,), (n,) = op.p("multiplier"), op.p("rshift")
    return [requant(total, m, n, relu=op.p("do_relu", False))]
