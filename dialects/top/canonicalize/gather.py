"""Gather canonicalization.

``GatherScalarToSliceSqueeze``: ``Gather(x, i, axis)`` with a constant scalar index ->
``Squeeze(Slice(x, axis: i..i+1), axis)``, so ``qkv[0]``-style indexing takes the same form as
Split + Squeeze (what MatmulWithPermuteAndSplit matches). Needs the index value (weight store).
"""

from __future__ import annotations

from xdsl.pattern_rewriter import PatternRewriter, RewritePattern, op_type_rewrite_pattern

from tpuc.dialects.top.base import name_of, shape_of
from tpuc.dialects.top.canonicalize.common import new_op, weight_value
from tpuc.dialects.top.ops.shape import GatherOp, SliceOp, SqueezeOp


def slice_props(shape, axis: int, start: int, stop: int) -> dict:
    offset = [0] * len(shape)
    ends = list(shape)
    offset[axis], ends[axis] = start, stop
    return {"offset": offset, "ends": ends, "steps": [1] * len(shape)}


class GatherScalarToSliceSqueeze(RewritePattern):
    """``Gather(x, const scalar i) -> Squeeze(Slice(x, i:i+1 on axis), axis)``."""

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: GatherOp, rewriter: PatternRewriter) -> None:
        idx = weight_value(op.indices)
        if idx is None or idx.ndim != 0:
            return
        shape = shape_of(op.input)
        axis = op.p("axis") % len(shape)
        if not -shape[axis] <= int(idx) < shape[axis]:
            return  # out of range: leave it to Gather's own error
        i = int(idx) % shape[axis]
        name = name_of(op)
        sl = new_op(rewriter, SliceOp, [op.input], slice_props(shape, axis, i, i + 1), f"{name}_slice")
        sq = new_op(rewriter, SqueezeOp, [sl.output], {"axes": [axis]}, name)
        rewriter.replace(op, [], [sq.output])


PATTERNS = [(GatherOp, GatherScalarToSliceSqueeze())]
