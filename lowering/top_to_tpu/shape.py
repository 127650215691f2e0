"""INT8 lowering of the shape family: data movement keeps int8 and its scale (Reshape, Permute,
Squeeze, Unsqueeze, Slice, Split, Tile, Expand, Depth2Space, Gather of int8 data, Pad with 0);
Concat requantises inputs of other scales to its calibrated output scale."""

from __future__ import annotations

import numpy as np

from tpuc.dialects.top.base import shape_of, tensor_type
from tpuc.dialects.top.ops import shape as _top_shape
from tpuc.lowering.top_to_tpu.context import float_lowering_for, int8_lowering
from tpuc.lowering.top_to_tpu.nn import transparent

MOVES = ("top.Reshape", "top.Permute", "top.Squeeze", "top.Unsqueeze", "top.Slice", "top.Split", "top.Tile",
         "top.Expand", "top.Depth2Space", "top.Gather")


@int8_lowering(*MOVES, transparent=True)
def lower_move(ctx, op):
    """Pure data movement: the int8 values move, the scale stays."""
    return transparent(ctx, op)


def _pad_supports(ctx, op) -> bool:
    return op.p("mode", "constant") != "constant" or op.p("val", 0.0) == 0.0


@int8_lowering("top.Pad", supports=_pad_supports, transparent=True)
def lower_pad(ctx, op):
    """Pad: constant 0 (= int8 0) or edge/reflect modes move int8 values."""
    return transparent(ctx, op)


@int8_lowering("top.Concat", transparent=True)
def lower_concat(ctx, op):
    """Concat: every input at the output scale (calibrated; requantised when it differs)."""
    s_out = ctx.out_scale(op)
    inputs = [ctx.as_int8(v, s_out)[0] for v in op.operands]
    out_t = tensor_type(shape_of(op.results[0]), np.int8)
    return list(ctx.tpu(op, inputs, [out_t], "INT8", {"qscale": s_out}).results)


#: every Top op of the shape family lowers to F32/F16/BF16 through the generic float lowering
#: (operands converted to the mode's storage type, float results in it)
FLOAT_OPS = float_lowering_for(_top_shape)
