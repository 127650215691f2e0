"""Softmax canonicalization.

* ``PermuteSinkThroughSoftmax``: ``Softmax(Permute(x, p), axis) -> Permute(Softmax(x, p[axis]), p)``;
  requires the Permute single-use. (Softmax over an axis commutes with any permutation once the
  axis is remapped.)
* ``SoftmaxDropMaxShift`` (GLIP seed): ``Softmax(Sub(x, ReduceMax(x, axes, keepdims=1)), axis) ->
  Softmax(x, axis)`` (also LogSoftmax). Softmax is shift-invariant along its axis, and the
  subtracted max is constant along it when the reduced ``axes`` include ``axis`` (for
  ``coerce_2d``: every axis from ``axis`` on). Requires ``keepdims`` and the Sub not to broadcast
  ``x``. Exact up to rounding; bit-exact in tpuc's reference when ``axes`` is exactly the Softmax
  axis (its Softmax subtracts the row max itself, and ``x - m`` has row max 0). Special values:
  a NaN or an all ``-inf`` row gives an all-NaN row either way; a row containing ``+inf`` has NaN
  either way, but where differs (``x - m`` makes the whole row NaN, as onnxruntime's Softmax
  does on ``x`` itself). The Sub/ReduceMax stay if they have other users.

``Clip`` before Softmax (GLIP's ``clamp(±50000)``) is *not* removed here: it is only removable
when it provably does nothing, which is ``ClipNoOp`` in ``clip.py`` (see there for why no bound
makes an active Clip harmless to Softmax).
"""

from __future__ import annotations

from xdsl.pattern_rewriter import PatternRewriter, RewritePattern, op_type_rewrite_pattern

from tpuc.dialects.top.base import name_of, shape_of
from tpuc.dialects.top.canonicalize.common import new_op, single_use
from tpuc.dialects.top.ops.elementwise import SubOp
from tpuc.dialects.top.ops.nn import SoftmaxOp
from tpuc.dialects.top.ops.reduce import ReduceOp
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


class SoftmaxDropMaxShift(RewritePattern):
    """``Softmax(x - ReduceMax(x, axes ∋ axis, keepdims), axis) -> Softmax(x, axis)``."""

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: SoftmaxOp, rewriter: PatternRewriter) -> None:
        sub = op.input.owner
        if not isinstance(sub, SubOp) or len(sub.inputs) != 2:
            return
        x, m = sub.inputs
        red = m.owner
        if not isinstance(red, ReduceOp) or red.p("mode") != "ReduceMax" or red.input is not x:
            return
        rank = len(shape_of(x))
        if not red.p("keepdims") or shape_of(sub.output) != shape_of(x) or rank == 0:
            return
        axes = set(red._axes(rank))  # noqa: SLF001 -- the normalised axes (empty = all)
        axis = op.p("axis") % rank
        needed = set(range(axis, rank)) if op.p("coerce_2d", False) else {axis}
        if not needed <= axes:
            return
        new = new_op(rewriter, SoftmaxOp, [x], dict(op.properties), name_of(op))
        rewriter.replace(op, [], [new.output])
        if not sub.output.uses:
            rewriter.erase(sub)
            if not red.output.uses:
                rewriter.erase(red)


PATTERNS = [(SoftmaxOp, PermuteSinkThroughSoftmax()), (SoftmaxOp, SoftmaxDropMaxShift())]
