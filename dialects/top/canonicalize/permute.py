"""Permute canonicalization.

* ``PermuteIdentity``: ``Permute(x, identity) -> x``.
* ``PermuteCompose``: ``Permute(Permute(x, p), q) -> Permute(x, p∘q)`` (or ``x`` when it is the
  identity); the inner Permute must have a single use.
"""

from __future__ import annotations

from xdsl.pattern_rewriter import PatternRewriter, RewritePattern, op_type_rewrite_pattern

from tpuc.dialects.top.base import name_of, shape_of
from tpuc.dialects.top.canonicalize.common import feeds_return, new_op, single_use
from tpuc.dialects.top.ops.shape import PermuteOp, ReshapeOp


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


def unit_canonical(shape, order):
    """For ``Permute(x: shape, order)``: the view ``shape'`` of ``x`` that puts its size-1 dims where
    the output has them (non-unit dims kept in order) and the order on that view, or None when the
    view is ``shape`` itself."""
    out = [shape[o] for o in order]
    rest = iter([d for d in shape if d != 1])
    view = [1 if d == 1 else next(rest) for d in out]
    if view == list(shape):
        return None
    src_pos = {}
    k = 0
    for i, d in enumerate(view):
        if d != 1:
            src_pos[k] = i
            k += 1
    # the k-th non-unit dim of x (in x's order) sits at view position src_pos[k]
    nonunit_x = [i for i, d in enumerate(shape) if d != 1]
    rank_in_x = {xi: r for r, xi in enumerate(nonunit_x)}
    new_order = []
    for i, o in enumerate(order):
        new_order.append(i if shape[o] == 1 else src_pos[rank_in_x[o]])
    return view, new_order


class PermuteCanonicalUnitDims(RewritePattern):
    """``Permute(x, p)`` where ``x`` has size-1 dims -> ``Permute(Reshape(x, v), p')`` with the unit
    dims of the view ``v`` already where the output has them, so ``p'`` moves only real dims
    (``[20,1,4,16]`` with ``(1,2,0,3)`` becomes a view ``[1,20,4,16]`` with ``(0,2,1,3)``: the form
    hdim_is_batch absorbs). Requires the Permute single-use producer-side nothing; fires only when
    the view differs from ``x``'s shape."""

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: PermuteOp, rewriter: PatternRewriter) -> None:
        shape = shape_of(op.input)
        plan = unit_canonical(shape, op.p("order"))
        if plan is None:
            return
        view, order = plan
        name = name_of(op)
        r = new_op(rewriter, ReshapeOp, [op.input], {"shape": view}, f"{name}_unit_view")
        new = new_op(rewriter, PermuteOp, [r.output], {"order": order}, name)
        rewriter.replace(op, [], [new.output])


PATTERNS = [(PermuteOp, PermuteIdentity()), (PermuteOp, PermuteCompose()), (PermuteOp, PermuteCanonicalUnitDims())]
