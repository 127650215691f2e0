"""Split canonicalization.

``SplitToSliceForSqueeze``: a Split whose every result feeds exactly one Squeeze of the split
axis becomes one Slice per result (``Split -> Squeeze x N`` => ``Slice -> Squeeze`` x N), the form
MatmulWithPermuteAndSplit matches. Other Splits are left alone (a Split is one op, N Slices are N).
"""

from __future__ import annotations

from xdsl.pattern_rewriter import PatternRewriter, RewritePattern, op_type_rewrite_pattern

from tpuc.dialects.top.base import result_names, shape_of
from tpuc.dialects.top.canonicalize.common import new_op, users
from tpuc.dialects.top.canonicalize.gather import slice_props
from tpuc.dialects.top.ops.shape import SliceOp, SplitOp, SqueezeOp


class SplitToSliceForSqueeze(RewritePattern):
    """``Split(x, axis) -> Squeeze each`` => ``Slice(x, axis range) -> Squeeze`` per result."""

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: SplitOp, rewriter: PatternRewriter) -> None:
        shape = shape_of(op.input)
        axis = op.p("axis") % len(shape)
        for r in op.results:
            us = users(r)
            if len(us) != 1 or not isinstance(us[0], SqueezeOp) or tuple(us[0].p("axes")) != (axis,):
                return
        names = result_names(op)
        start, new = 0, []
        for k, (r, size) in enumerate(zip(op.results, op.p("split_size"))):
            name = names[k] if k < len(names) and names[k] else f"split_{k}"
            new.append(new_op(rewriter, SliceOp, [op.input], slice_props(shape, axis, start, start + size), name)
                       .output)
            start += size
        rewriter.replace(op, [], new)


PATTERNS = [(SplitOp, SplitToSliceForSqueeze())]
