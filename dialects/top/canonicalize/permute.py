"""Permute canonicalization.

* ``PermuteIdentity``: ``Permute(x, identity) -> x``.
* ``PermuteCompose``: ``Permute(Permute(x, p), q) -> Permute(x, p∘q)`` (or ``x`` when it is the
  identity); the inner Permute must have a single use.
"""

from __future__ import annotations

from xdsl.pattern_rewriter import PatternRewriter, RewritePattern, op_type_rewrite_pattern

from tpuc.dialects.top.base import name_of
from tpuc.dialects.top.canonicalize.common import feeds_return, new_op, single_use
from tpuc.dialects.top.ops.shape import PermuteOp


class PermuteIdentity(RewritePattern):
    """``Permute(x, [0, 1, ..., n-1]) -> x``."""

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: PermuteOp, rewriter: PatternRewriter) -> None:
        order = op.p("order")
        if tuple(order) == tuple(range(len(order))) and not feeds_return(op.output):
            rewriter.replace(op, [], [op.input])


class PermuteCompose(RewritePattern):
    """``Permute(Permute(x, p), q) -> Permute(x, [p[i] for i in q])``; requires the inner one to
    have a single use (else both would stay)."""

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: PermuteOp, rewriter: PatternRewriter) -> None:
        inner = op.input.owner
        if not isinstance(inner, PermuteOp) or not single_use(inner.output):
            return
        p, q = inner.p("order"), op.p("order")
        order = tuple(p[i] for i in q)
        if order == tuple(range(len(order))):
            if feeds_return(op.output):
                return  # forwarding would rename a graph output
            rewriter.replace(op, [], [inner.input])
        else:
            new = new_op(rewriter, PermuteOp, [inner.input], {"order": order}, name_of(op))
            rewriter.replace(op, [], [new.output])
        rewriter.erase(inner)


PATTERNS = [(PermuteOp, PermuteIdentity()), (PermuteOp, PermuteCompose())]
