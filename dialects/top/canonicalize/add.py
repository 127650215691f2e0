"""Canonicalization of the binary arithmetic ops (Add, Sub, Mul, Div).

* ``MatMulBiasFuse``: ``Add(MatMul(x, W), b) -> MatMul(x, W, b)`` when ``b`` is a weight
  broadcasting only along the last dim (shape ``[N]`` or ``[1, ..., 1, N]``), the MatMul has no
  bias, no transpose/hdim flags and a single use.
* ``PermuteSinkThroughBinary``: ``op(Permute(x, p), W) -> Permute(op(x, W'), p)`` where ``W'`` is
  ``W`` broadcast-reshaped and permuted by ``p^-1`` (a new weight; needs the weight store unless
  ``W`` is a scalar), or ``op(Permute(x, p), Permute(y, p)) -> Permute(op(x, y), p)``. Requires
  the Permute(s) single-use and the weight not to enlarge the result by broadcasting.
"""

from __future__ import annotations

import numpy as np
from xdsl.pattern_rewriter import PatternRewriter, RewritePattern

from tpuc.dialects.top.base import TopOp, broadcast_shapes, is_none, name_of, shape_of
from tpuc.dialects.top.canonicalize.common import (
    inverse,
    is_weight,
    new_op,
    new_weight,
    single_use,
    weight_value,
)
from tpuc.dialects.top.ops import elementwise as E
from tpuc.dialects.top.ops.nn import MatMulOp
from tpuc.dialects.top.ops.shape import PermuteOp

_FLAGS = ("left_transpose", "right_transpose", "output_transpose", "hdim_is_batch", "do_relu")


class MatMulBiasFuse(RewritePattern):
    """``Add(MatMul(x, W), b) -> MatMul(x, W, b)`` for a last-dim bias weight."""

    def match_and_rewrite(self, op: TopOp, rewriter: PatternRewriter) -> None:
        if not isinstance(op, E.AddOp) or len(op.inputs) != 2 or op.p("do_relu", False):
            return
        for mm_v, b in ((op.inputs[0], op.inputs[1]), (op.inputs[1], op.inputs[0])):
            mm = mm_v.owner
            if not isinstance(mm, MatMulOp) or not is_none(mm.bias) or not single_use(mm.output):
                continue
            if any(mm.p(f, False) for f in _FLAGS) or not is_weight(b):
                continue
            out, bs = shape_of(mm.output), shape_of(b)
            if not out or not bs or bs[-1] != out[-1] or any(d != 1 for d in bs[:-1]) or len(bs) > len(out):
                continue
            if len(bs) != 1:
                w = weight_value(b)
                if w is None:
                    continue
                b = new_weight(rewriter, op, name_of(b.owner) + "_1d", w.reshape(-1))
            props = dict(mm.properties)
            new = new_op(rewriter, MatMulOp, [mm.input, mm.right, b], props, name_of(op))
            rewriter.replace(op, [], [new.output])
            rewriter.erase(mm)
            return


class PermuteSinkThroughBinary(RewritePattern):
    """``op(Permute(x, p), W) -> Permute(op(x, W'), p)``; ``op(Permute(x,p), Permute(y,p)) ->
    Permute(op(x, y), p)``."""

    def match_and_rewrite(self, op: TopOp, rewriter: PatternRewriter) -> None:
        if len(op.operands) != 2:
            return
        a, b = op.operands
        pa = a.owner if isinstance(a.owner, PermuteOp) and single_use(a) else None
        pb = b.owner if isinstance(b.owner, PermuteOp) and single_use(b) else None
        name = name_of(op)
        props = dict(op.properties)
        if pa is not None and pb is not None and pa.p("order") == pb.p("order") \
                and shape_of(pa.input) == shape_of(pb.input):
            order = pa.p("order")
            inner = new_op(rewriter, type(op), [pa.input, pb.input], props, f"{name}_before_permute")
            outer = new_op(rewriter, PermuteOp, [inner.results[0]], {"order": order}, name)
            rewriter.replace(op, [], [outer.output])
            rewriter.erase(pa)
            rewriter.erase(pb)
            return
        for perm, other, perm_first in ((pa, b, True), (pb, a, False)):
            if perm is None or not is_weight(other):
                continue
            order = perm.p("order")
            out_shape, w_shape = shape_of(perm.output), shape_of(other)
            if broadcast_shapes(out_shape, w_shape) != out_shape:
                continue
            if int(np.prod(w_shape)) == 1:
                w_new = other
            else:
                w = weight_value(other)
                if w is None:
                    continue
                w = w.reshape((1,) * (len(out_shape) - w.ndim) + w.shape)
                w_new = new_weight(rewriter, op, f"{name_of(other.owner)}_permuted", np.transpose(w, inverse(order)))
            operands = [perm.input, w_new] if perm_first else [w_new, perm.input]
            inner = new_op(rewriter, type(op), operands, props, f"{name}_before_permute")
            outer = new_op(rewriter, PermuteOp, [inner.results[0]], {"order": order}, name)
            rewriter.replace(op, [], [outer.output])
            rewriter.erase(perm)
            return


_SINK = PermuteSinkThroughBinary()
PATTERNS = [(E.AddOp, MatMulBiasFuse())] + [(c, _SINK) for c in (E.AddOp, E.SubOp, E.MulOp, E.DivOp)]
