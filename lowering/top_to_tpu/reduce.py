"""INT8 lowering of the reduce family: ReduceMean (global average pooling of CNN exports) as an
exact integer sum requantised by ``s_in / (s_out * count)``. Other reductions run in F16."""

from __future__ import annotations

import numpy as np

from tpuc.dialects.top.base import shape_of, tensor_type
from tpuc.dialects.tpu import quant
from tpuc.dialects.top.ops import reduce as _top_reduce
from tpuc.lowering.top_to_tpu.context import float_lowering_for, int8_lowering


def _supports(ctx, op) -> bool:
    return op.p("mode") == "ReduceMean"


@int8_lowering("top.Reduce", supports=_supports)
def lower_reduce_mean(ctx, op):
    """ReduceMean: int sum over the axes, requant by ``s_in / (s_out * count)``."""
    x, s_x = ctx.as_int8(op.operands[0])
    s_out = ctx.out_scale(op)
    count = int(np.prod(shape_of(op.operands[0]))) // max(int(np.prod(shape_of(op.results[0]))), 1)
    m, n = quant.multiplier_shift(s_x / (s_out * count))
    out_t = tensor_type(shape_of(op.results[0]), np.int8)
    return list(ctx.tpu(op, [x], [out_t], "INT8", {"qscale": s_out, "multiplier": [m], "rshift": [n]}).results)


#: every Top op of the reduce family lowers to F32/F16/BF16 through the generic float lowering
#: (operands converted to the mode's storage type, float results in it)
FLOAT_OPS = float_lowering_for(_top_reduce)
