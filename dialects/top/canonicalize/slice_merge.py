"""Slice composition (the seed's "consecutive Slice simplification").

``SliceCompose``: ``Slice(Slice(x, o1:e1:s1), o2:e2:s2) -> Slice(x, o:e:s)`` on every axis at once,
including two slices of the **same** axis (``x[0:-2:2][0:-2:2]``, which peers leave alone). Exact
composition of the normalised per-axis triples: the inner slice takes ``o1 + k s1`` for
``k < n1``, the outer takes ``k = o2 + j s2`` for ``j < n2``, so the result takes
``o1 + o2 s1 + j (s1 s2)``: offset ``o1 + o2 s1``, step ``s1 s2`` (negative when exactly one step
is), length ``n2``. The end is re-derived from the last index (``last + 1`` for a positive step,
``last - 1`` -- possibly ``-1``, "through 0" -- for a negative one), which is already clamped, so
the new triple is normalised; an empty axis becomes ``0:0:1``. The inner Slice may have other
users (it then stays for them); the new Slice takes the outer one's name.
"""

from __future__ import annotations

from xdsl.pattern_rewriter import PatternRewriter, RewritePattern, op_type_rewrite_pattern

from tpuc.dialects.top.base import name_of, shape_of
from tpuc.dialects.top.canonicalize.common import new_op
from tpuc.dialects.top.ops.shape import SliceOp, slice_length


def compose(o1: int, e1: int, s1: int, o2: int, e2: int, s2: int) -> tuple[int, int, int]:
    """The normalised ``(offset, end, step)`` of slicing ``o1:e1:s1`` then ``o2:e2:s2``."""
    n1 = slice_length(o1, e1, s1)
    n2 = slice_length(o2, e2, s2) if n1 else 0
    if n2 == 0:
        return 0, 0, 1
    offset = o1 + o2 * s1
    step = s1 * s2
    last = offset + (n2 - 1) * step
    return offset, (last + 1 if step > 0 else last - 1), step


class SliceCompose(RewritePattern):
    """``Slice(Slice(x)) -> Slice(x)`` with the per-axis triples composed."""

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: SliceOp, rewriter: PatternRewriter) -> None:
        inner = op.input.owner
        if not isinstance(inner, SliceOp):
            return
        triples = [compose(*t1, *t2) for t1, t2 in zip(
            zip(inner.p("offset"), inner.p("ends"), inner.p("steps")),
            zip(op.p("offset"), op.p("ends"), op.p("steps")))]
        if [slice_length(*t) for t in triples] != list(shape_of(op.output)):
            return  # cannot happen for verified Slices; never build a wrong one
        props = {"offset": [t[0] for t in triples], "ends": [t[1] for t in triples],
                 "steps": [t[2] for t in triples]}
        new = new_op(rewriter, SliceOp, [inner.input], props, name_of(op))
        rewriter.replace(op, [], [new.output])
        if not inner.output.uses:
            rewriter.erase(inner)


PATTERNS = [(SliceOp, SliceCompose())]
