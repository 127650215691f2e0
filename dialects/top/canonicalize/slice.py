"""Slice canonicalization.

* ``SliceIdentity``: a Slice covering the whole tensor in order is removed: every axis keeps its
  size and has step 1 (or size <= 1, where the step does not matter). A full-size Slice with a
  negative step reverses the axis and stays. Not when the Slice is a graph output.
"""

from __future__ import annotations

from xdsl.pattern_rewriter import PatternRewriter, RewritePattern, op_type_rewrite_pattern

from tpuc.dialects.top.base import shape_of
from tpuc.dialects.top.canonicalize.common import feeds_return
from tpuc.dialects.top.ops.shape import SliceOp


class SliceIdentity(RewritePattern):
    """``Slice(x, 0:dim:1 on every axis) -> x``."""

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: SliceOp, rewriter: PatternRewriter) -> None:
        src, dst = shape_of(op.input), shape_of(op.output)
        if src != dst or feeds_return(op.output):
            return
        if any(d > 1 and step != 1 for d, step in zip(src, op.p("steps"))):
            return
        rewriter.replace(op, [], [op.input])


PATTERNS = [(SliceOp, SliceIdentity())]
