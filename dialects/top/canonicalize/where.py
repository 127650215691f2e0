"""Where canonicalization (mask logic, as the seed's key_padding_mask and Equal/Not chains leave it).

* ``WhereOfNot``: ``Where(Not(c), x, y) -> Where(c, y, x)``; requires the Not single-use. Exact.
* ``WhereToCast``: ``Where(c, 1, 0) -> Cast(c)`` and ``Where(c, 0, 1) -> Cast(Not(c))`` when the
  branches are weights whose elements are all 1 (resp. 0) and the result has ``c``'s shape (the
  branches must not broadcast it). Exact for every numeric dtype (a bool casts to exactly 0 or
  1). The Cast takes the Where's name, a new Not is ``<where>_not``.
"""

from __future__ import annotations

from xdsl.pattern_rewriter import PatternRewriter, RewritePattern, op_type_rewrite_pattern

from tpuc.dialects.top.base import dtype_of, name_of, shape_of
from tpuc.dialects.top.canonicalize.common import new_op, single_use
from tpuc.dialects.top.canonicalize.compare import uniform_value
from tpuc.dialects.top.ops.elementwise import CastOp, NotOp, WhereOp, cast_name


class WhereOfNot(RewritePattern):
    """``Where(Not(c), x, y) -> Where(c, y, x)``."""

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: WhereOp, rewriter: PatternRewriter) -> None:
        neg = op.cond.owner
        if not isinstance(neg, NotOp) or not single_use(neg.output):
            return
        new = new_op(rewriter, WhereOp, [neg.input, op.fbrn, op.tbrn], None, name_of(op))
        rewriter.replace(op, [], [new.output])
        rewriter.erase(neg)


class WhereToCast(RewritePattern):
    """``Where(c, 1, 0) -> Cast(c)``; ``Where(c, 0, 1) -> Cast(Not c)``."""

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: WhereOp, rewriter: PatternRewriter) -> None:
        if shape_of(op.output) != shape_of(op.cond):
            return
        t, f = uniform_value(op.tbrn), uniform_value(op.fbrn)
        if (t, f) not in ((1.0, 0.0), (0.0, 1.0)):
            return
        name = name_of(op)
        cond = op.cond
        if t == 0.0:
            cond = new_op(rewriter, NotOp, [cond], None, f"{name}_not").output
        new = new_op(rewriter, CastOp, [cond], {"to": cast_name(dtype_of(op.output))}, name)
        rewriter.replace(op, [], [new.output])


PATTERNS = [(WhereOp, WhereOfNot()), (WhereOp, WhereToCast())]
