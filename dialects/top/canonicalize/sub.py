"""Sub canonicalization.

* ``SubZero``: ``Sub(x, 0) -> x`` for an all-zero weight subtrahend that does not broadcast ``x``
  to a bigger shape (``0 - x`` is not ``x`` and stays). Exact for floats (NaN, inf) and ints.
  Not when forwarding would rename a graph output.
"""

from __future__ import annotations

from xdsl.pattern_rewriter import PatternRewriter, RewritePattern, op_type_rewrite_pattern

from tpuc.dialects.top.canonicalize.add_identity import drop_identity_operands
from tpuc.dialects.top.ops.elementwise import SubOp


class SubZero(RewritePattern):
    """``Sub(x, 0) -> x``."""

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: SubOp, rewriter: PatternRewriter) -> None:
        drop_identity_operands(op, rewriter, 0.0, from_index=1)


PATTERNS = [(SubOp, SubZero())]
