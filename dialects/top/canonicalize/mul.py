"""Mul canonicalization.

* ``MulOne``: ``Mul(x, 1) -> x`` (any operand position) for all-ones weights that do not broadcast
  ``x`` to a bigger shape. Exact for floats (NaN, inf, -0) and ints. ``x * 0 -> 0`` is *not* done:
  it is wrong for floats (``NaN * 0``, ``inf * 0`` are NaN, ``-1 * 0`` is -0). Not with
  ``do_relu``; not when forwarding would rename a graph output.
"""

from __future__ import annotations

from xdsl.pattern_rewriter import PatternRewriter, RewritePattern, op_type_rewrite_pattern

from tpuc.dialects.top.canonicalize.add_identity import drop_identity_operands
from tpuc.dialects.top.ops.elementwise import MulOp


class MulOne(RewritePattern):
    """``Mul(x, 1) -> x``."""

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: MulOp, rewriter: PatternRewriter) -> None:
        drop_identity_operands(op, rewriter, 1.0, from_index=0)


PATTERNS = [(MulOp, MulOne())]
