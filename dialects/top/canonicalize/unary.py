"""Permute sinking through elementwise unary ops (and Cast).

``U(Permute(x, p)) -> Permute(U(x), p)`` for every elementwise unary op; requires the Permute to
have a single use. Moves layout changes towards the MatMul that can absorb them.
"""

from __future__ import annotations

from xdsl.pattern_rewriter import PatternRewriter, RewritePattern

from tpuc.dialects.top import all_ops
from tpuc.dialects.top.base import TopOp, name_of
from tpuc.dialects.top.canonicalize.common import new_op, single_use
from tpuc.dialects.top.ops import elementwise as E
from tpuc.dialects.top.ops.shape import PermuteOp


class PermuteSinkThroughUnary(RewritePattern):
    """``U(Permute(x, p)) -> Permute(U(x), p)`` for elementwise ``U`` (properties kept)."""

    def match_and_rewrite(self, op: TopOp, rewriter: PatternRewriter) -> None:
        perm = op.operands[0].owner
        if not isinstance(perm, PermuteOp) or not single_use(perm.output):
            return
        name = name_of(op)
        props = {k: v for k, v in op.properties.items()}
        inner = new_op(rewriter, type(op), [perm.input], props, f"{name}_before_permute")
        outer = new_op(rewriter, PermuteOp, [inner.results[0]], {"order": perm.p("order")}, name)
        rewriter.replace(op, [], [outer.output])
        rewriter.erase(perm)


_UNARY = [c for c in all_ops() if issubclass(c, E._Unary)] + [E.CastOp]  # noqa: SLF001
PATTERNS = [(c, PermuteSinkThroughUnary()) for c in _UNARY]
