"""Cast canonicalization.

* ``CastIdentity``: ``Cast(x, to = dtype(x)) -> x`` (a no-op Cast); not when the Cast is a graph
  output (forwarding would rename it).
"""

from __future__ import annotations

from xdsl.pattern_rewriter import PatternRewriter, RewritePattern, op_type_rewrite_pattern

from tpuc.dialects.top.base import dtype_of
from tpuc.dialects.top.canonicalize.common import feeds_return
from tpuc.dialects.top.ops.elementwise import CastOp


class CastIdentity(RewritePattern):
    """``Cast(x) -> x`` when the target dtype is the input's dtype."""

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: CastOp, rewriter: PatternRewriter) -> None:
        if dtype_of(op.input) != dtype_of(op.output) or feeds_return(op.output):
            return
        rewriter.replace(op, [], [op.input])


PATTERNS = [(CastOp, CastIdentity())]
