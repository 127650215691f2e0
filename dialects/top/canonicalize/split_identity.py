"""Split canonicalization (identity; ``split.py`` holds the Split-to-Slice rewrite).

* ``SplitIdentity``: a Split into one piece is its input: ``Split(x) -> x``; not when that piece is
  a graph output.
"""

from __future__ import annotations

from xdsl.pattern_rewriter import PatternRewriter, RewritePattern, op_type_rewrite_pattern

from tpuc.dialects.top.canonicalize.common import feeds_return
from tpuc.dialects.top.ops.shape import SplitOp


class SplitIdentity(RewritePattern):
    """``Split(x, [dim]) -> x``."""

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: SplitOp, rewriter: PatternRewriter) -> None:
        if len(op.outputs) != 1 or feeds_return(op.outputs[0]):
            return
        rewriter.replace(op, [], [op.input])


PATTERNS = [(SplitOp, SplitIdentity())]
