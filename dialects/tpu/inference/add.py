"""INT8 ``tpu.Add`` / ``tpu.Sub``: each operand scaled to the output scale by its own multiplier
and one common shift: ``y = saturate(round_half_away((x1*m1 + x2*m2 ...) >> rshift))`` (Sub:
``x1*m1 - x2*m2 - ...``)."""

from __future__ import annotations

import numpy as np

from tpuc.dialects.tpu.inference import register
from tpuc.dialects.tpu.quant import rshift_round, saturate_int8


@register("tpu.Add", "tpu.Sub")
def add_int8(op, inputs):
    mults = op.p("multiplier")
    (shift,) = op.p("rshift")
    acc = np.int64(0)
    for i, (x, m) in enumerate(zip(inputs, mults, strict=True)):
        term = np.asarray(x, np.int64) * np.int64(m)
        acc = acc - term if (op.name == "tpu.Sub" and i >= 1) else acc + term  # a - b - c ...
    out = rshift_round(acc, shift)
    if op.p("do_relu", False):
        out = np.maximum(out, 0)
    return [saturate_int8(out)]
