"""Concat canonicalization.

* ``ConcatDropEmpty``: inputs with size 0 along the axis are dropped (at least one input stays).
* ``ConcatIdentity``: ``Concat(x) -> x`` for a single input; not when the Concat is a graph output.
"""

from __future__ import annotations

from xdsl.pattern_rewriter import PatternRewriter, RewritePattern, op_type_rewrite_pattern

from tpuc.dialects.top.base import name_of, shape_of
from tpuc.dialects.top.canonicalize.common import feeds_return, new_op
from tpuc.dialects.top.ops.shape import ConcatOp


class ConcatDropEmpty(RewritePattern):
    """``Concat(a, empty, b) -> Concat(a, b)``; the new Concat keeps the name."""

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: ConcatOp, rewriter: PatternRewriter) -> None:
        axis = op.p("axis")
        keep = [v for v in op.inputs if shape_of(v)[axis] != 0]
        if len(keep) == len(op.inputs) or not keep:
            return
        new = new_op(rewriter, ConcatOp, keep, {"axis": axis}, name_of(op))
        rewriter.replace(op, [], [new.output])


class ConcatIdentity(RewritePattern):
    """``Concat(x) -> x``."""

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: ConcatOp, rewriter: PatternRewriter) -> None:
        if len(op.inputs) != 1 or feeds_return(op.output):
            return
        rewriter.replace(op, [], [op.inputs[0]])


PATTERNS = [(ConcatOp, ConcatDropEmpty()), (ConcatOp, ConcatIdentity())]
