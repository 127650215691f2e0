"""Reshape canonicalization.

* ``ReshapeIdentity``: a Reshape to the input's own shape is removed.
* ``ReshapeCompose``: ``Reshape(Reshape(x)) -> Reshape(x)`` (inner single use).
* ``PermuteSinkThroughReshape``: ``Reshape(Permute(x, p), T) -> Permute(Reshape(x, T'), p')``
  when every group of dims the Reshape merges or splits is contiguous and in order before the
  Permute (e.g. splitting a leading batch dim, as Swin's shifted-window mask add does), so the
  Permute keeps moving towards the MatMul that can absorb it.
"""

from __future__ import annotations

from collections.abc import Sequence

from xdsl.pattern_rewriter import PatternRewriter, RewritePattern, op_type_rewrite_pattern

from tpuc.dialects.top.base import name_of, shape_of
from tpuc.dialects.top.canonicalize.common import feeds_return, new_op, single_use
from tpuc.dialects.top.ops.shape import PermuteOp, ReshapeOp


class ReshapeIdentity(RewritePattern):
    """``Reshape(x) -> x`` when the shapes are equal."""

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: ReshapeOp, rewriter: PatternRewriter) -> None:
        if shape_of(op.input) == shape_of(op.output) and not feeds_return(op.output):
            rewriter.replace(op, [], [op.input])


class ReshapeCompose(RewritePattern):
    """``Reshape(Reshape(x, S1), S2) -> Reshape(x, S2)``; requires the inner one single-use."""

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: ReshapeOp, rewriter: PatternRewriter) -> None:
        inner = op.input.owner
        if not isinstance(inner, ReshapeOp) or not single_use(inner.output):
            return
        new = new_op(rewriter, ReshapeOp, [inner.input], {"shape": shape_of(op.output)}, name_of(op))
        rewriter.replace(op, [], [new.output])
        rewriter.erase(inner)


def dim_groups(src: Sequence[int], dst: Sequence[int]) -> list[tuple[list[int], list[int]]] | None:
    """Pair minimal runs of ``src`` dims with runs of ``dst`` dims of equal product, in order.
    Returns None when a run would be empty on one side (pure size-1 insertions at the end)."""
    groups, i, j = [], 0, 0
    while i < len(src) or j < len(dst):
        if i >= len(src) or j >= len(dst):
            return None
        gi, gj, pi, pj = [i], [j], src[i], dst[j]
        i, j = i + 1, j + 1
        while pi != pj:
            if pi < pj:
                if i >= len(src):
                    return None
                gi.append(i)
                pi *= src[i]
                i += 1
            else:
                if j >= len(dst):
                    return None
                gj.append(j)
                pj *= dst[j]
                j += 1
        groups.append((gi, gj))
    return groups


def sink_plan(x_shape: Sequence[int], order: Sequence[int], target: Sequence[int]):
    """For ``Reshape(Permute(x, order), target)`` return ``(reshape_shape, new_order)`` such that
    ``Permute(Reshape(x, reshape_shape), new_order)`` is equal, or None."""
    permuted = [x_shape[o] for o in order]
    groups = dim_groups(permuted, target)
    if groups is None:
        return None
    for gi, _ in groups:
        srcs = [order[k] for k in gi]
        if srcs != list(range(srcs[0], srcs[0] + len(srcs))):
            return None
    by_src = sorted(groups, key=lambda g: order[g[0][0]])
    reshape_shape, pos = [], {}
    for gi, gj in by_src:
        for d in gj:
            pos[d] = len(reshape_shape)
            reshape_shape.append(target[d])
    new_order = [pos[d] for _, gj in groups for d in gj]
    return reshape_shape, new_order


class PermuteSinkThroughReshape(RewritePattern):
    """``Reshape(Permute(x, p)) -> Permute(Reshape'(x), p')`` when the reshape only merges or
    splits dims that are contiguous and in order in ``x``; requires the Permute single-use."""

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: ReshapeOp, rewriter: PatternRewriter) -> None:
        perm = op.input.owner
        if not isinstance(perm, PermuteOp) or not single_use(perm.output):
            return
        plan = sink_plan(shape_of(perm.input), perm.p("order"), shape_of(op.output))
        if plan is None:
            return
        shape, order = plan
        name = name_of(op)
        inner = new_op(rewriter, ReshapeOp, [perm.input], {"shape": shape}, f"{name}_before_permute")
        outer = new_op(rewriter, PermuteOp, [inner.output], {"order": order}, name)
        rewriter.replace(op, [], [outer.output])
        rewriter.erase(perm)


PATTERNS = [
    (ReshapeOp, ReshapeIdentity()),
    (ReshapeOp, ReshapeCompose()),
    (ReshapeOp, PermuteSinkThroughReshape()),
]
