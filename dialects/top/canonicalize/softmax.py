"""Softmax canonicalization.

``PermuteSinkThroughSoftmax``: ``Softmax(Permute(x, p), axis) -> Permute(Softmax(x, p[axis]), p)``;
requires the Permute single-use. (Softmax over an axis commutes with any permutation once the
axis is remapped.)
"""

from __future__ import annotations

from xdsl.pattern_rewriter import PatternRewriter, RewritePattern, op_type_rewrite_pattern

from tpuc.dialects.top.base import name_of
from tpuc.dialects.top.canonicalize.common import new_op, single_use
from tpuc.dialects.top.ops.nn import SoftmaxOp
from tpuc.dialects.top.ops.shape import PermuteOp


class PermuteSinkThroughSoftmax(RewritePattern):
    """``Softmax(Permute(x, p), axis=a) -> Permute(Softmax(x, axis=p[a]), p)``."""

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: SoftmaxOp, rewriter: PatternRewriter) -> None:
        perm = op.input.owner
        if not isinstance(perm, PermuteOp) or not single_use(perm.output) or op.p("coerce_2d", False):
            return
        order = perm.p("order")
        axis = op.p("axis") % len(order)
        props = dict(op.properties)
        props["axis"] = order[axis]
        name = name_of(op)
        inner = new_op(rewriter, SoftmaxOp, [perm.input], props, f"{name}_before_permute")
        outer = new_op(rewriter, PermuteOp, [inner.output], {"order": order}, name)
        rewriter.replace(op, [], [outer.output])
        rewriter.erase(perm)


PATTERNS = [(SoftmaxOp, PermuteSinkThroughSoftmax())]
