"""Tile canonicalization.

* ``TileIdentity``: ``Tile(x, [1, ..., 1]) -> x``, or any Tile whose output shape equals the input
  shape (every factor is 1 or the axis is empty); not when the Tile is a graph output.
"""

from __future__ import annotations

from xdsl.pattern_rewriter import PatternRewriter, RewritePattern, op_type_rewrite_pattern

from tpuc.dialects.top.base import shape_of
from tpuc.dialects.top.canonicalize.common import feeds_return
from tpuc.dialects.top.ops.shape import TileOp


class TileIdentity(RewritePattern):
    """``Tile(x) -> x`` when the output shape equals the input shape."""

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: TileOp, rewriter: PatternRewriter) -> None:
        if shape_of(op.input) != shape_of(op.output) or feeds_return(op.output):
            return
        rewriter.replace(op, [], [op.input])


PATTERNS = [(TileOp, TileIdentity())]
