"""Div canonicalization.

* ``DivOne``: ``Div(x, 1) -> x`` for an all-ones weight divisor that does not broadcast ``x`` to a
  bigger shape (``1 / x`` stays). Exact for floats (NaN, inf) and for integer (truncating)
  division. Not when forwarding would rename a graph output.
"""

from __future__ import annotations

from xdsl.pattern_rewriter import PatternRewriter, RewritePattern, op_type_rewrite_pattern

from tpuc.dialects.top.canonicalize.add_identity import drop_identity_operands
from tpuc.dialects.top.ops.elementwise import DivOp


class DivOne(RewritePattern):
    """``Div(x, 1) -> x``."""

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: DivOp, rewriter: PatternRewriter) -> None:
        drop_identity_operands(op, rewriter, 1.0, from_index=1)


PATTERNS = [(DivOp, DivOne())]
