"""Permute sinking through elementwise unary ops (and Cast).

``U(Permute(x, p)) -> Permute(U(x), p)`` for every elementwise unary op. Requires the Permute to
have a single use, or only elementwise users (each of which sinks it in turn, so the Permute is
not duplicated in the end: BERT's ``Where(IsNaN(s), 0, s)`` after Softmax). Moves layout changes
towards the MatMul that can absorb them.
"""

from __future__ import annotations

from xdsl.pattern_rewriter import PatternRewriter, RewritePattern

from tpuc.dialects.top import all_ops
from tpuc.dialects.top.base import TopOp, name_of
from tpuc.dialects.top.canonicalize.common import new_op, single_use, users
from tpuc.dialects.top.ops import elementwise as E
from tpuc.dialects.top.ops.shape import PermuteOp


def _diamond(perm: PermuteOp) -> bool:
    """The Permute's users are elementwise and all but one feed only that one (a diamond such as
    ``Where(IsNaN(p), 0, p)``), so sinking it below each user ends with a single Permute."""
    us = set(users(perm.output))
    if not all(type(u) in _ELEMENTWISE for u in us):
        return False
    for final in us:
        others = us - {final}
        if others and all(len(o.results) == 1 and [x.operation for x in o.results[0].uses] == [final]
                          for o in others):
            return True
    return False


class PermuteSinkThroughUnary(RewritePattern):
    """``U(Permute(x, p)) -> Permute(U(x), p)`` for elementwise ``U`` (properties kept)."""

    def match_and_rewrite(self, op: TopOp, rewriter: PatternRewriter) -> None:
        perm = op.operands[0].owner
        if not isinstance(perm, PermuteOp):
            return
        if not single_use(perm.output) and not _diamond(perm):
            return
        name = name_of(op)
        props = {k: v for k, v in op.properties.items()}
        inner = new_op(rewriter, type(op), [perm.input], props, f"{name}_before_permute")
        outer = new_op(rewriter, PermuteOp, [inner.results[0]], {"order": perm.p("order")}, name)
        rewriter.replace(op, [], [outer.output])
        if not perm.output.uses:
            rewriter.erase(perm)


_UNARY = [c for c in all_ops() if issubclass(c, E._Unary)] + [E.CastOp]  # noqa: SLF001
_ELEMENTWISE = frozenset(_UNARY) | {E.AddOp, E.SubOp, E.MulOp, E.DivOp, E.MaxOp, E.MinOp, E.PowOp, E.CompareOp,
                                    E.WhereOp}
PATTERNS = [(c, PermuteSinkThroughUnary()) for c in _UNARY]
