"""Expand canonicalization.

* ``ExpandIdentity``: ``Expand(x, shape(x)) -> x`` (broadcasting to the input's own shape copies
  it); not when the Expand is a graph output.
"""

from __future__ import annotations

from xdsl.pattern_rewriter import PatternRewriter, RewritePattern, op_type_rewrite_pattern

from tpuc.dialects.top.base import shape_of
from tpuc.dialects.top.canonicalize.common import feeds_return
from tpuc.dialects.top.ops.shape import ExpandOp


class ExpandIdentity(RewritePattern):
    """``Expand(x) -> x`` when the output shape equals the input shape."""

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: ExpandOp, rewriter: PatternRewriter) -> None:
        if shape_of(op.input) != shape_of(op.output) or feeds_return(op.output):
            return
        rewriter.replace(op, [], [op.input])


PATTERNS = [(ExpandOp, ExpandIdentity())]
