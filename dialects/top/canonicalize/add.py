"""Canonicalization of the binary arithmetic ops (Add, Sub, Mul, Div).

* ``MatMulBiasFuse``: ``Add(MatMul(x, W), b) -> MatMul(x, W, b)`` when ``b`` is a weight
  broadcasting only along the last dim (shape ``[N]`` or ``[1, ..., 1, N]``), the MatMul has no
  bias, no transpose/hdim flags and a single use.
* ``PermuteSinkThroughBinary``: ``op(Permute(x, p), y...) -> Permute(op(x, y'...), p)`` for the
  elementwise ops (Add, Sub, Mul, Div, Max, Min, Pow, Compare, Where); see the class docstring
  for how each other operand is re-laid-out.
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
from tpuc.dialects.top.ops.shape import PermuteOp, ReshapeOp

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


def _reshape_only(shape: tuple[int, ...], order: tuple[int, ...]) -> bool:
    """True when transposing ``shape`` by ``order`` only moves size-1 dims (a pure reshape)."""
    moved = [d for d in order if shape[d] != 1]
    return moved == sorted(moved)


class PermuteSinkThroughBinary(RewritePattern):
    """Sink a Permute below an elementwise op (Add, Sub, Mul, Div, Max, Min, Pow, Compare, Where):
    ``op(Permute(x, p), y, ...) -> Permute(op(x, y', ...), p)``.

    Requires a single-use Permute ``p`` whose result has the op's result shape. Each other operand
    ``y`` becomes ``y'``: the input of a single-use Permute with the same ``p``; itself if it has one
    element; for a weight, a new weight transposed by ``p^-1`` (needs the weight store); for any
    other tensor, a ``Reshape`` when undoing ``p`` on it only moves size-1 dims (attention masks
    ``[1, 1, s, s]``); otherwise the pattern does not fire.
    """

    def match_and_rewrite(self, op: TopOp, rewriter: PatternRewriter) -> None:
        out_shape = shape_of(op.results[0])
        perm = next((v.owner for v in op.operands if isinstance(v.owner, PermuteOp) and single_use(v)
                     and shape_of(v) == out_shape), None)
        if perm is None:
            return
        order = tuple(perm.p("order"))
        inv = inverse(order)
        plan: list[tuple[str, object]] = []
        for v in op.operands:
            owner = v.owner
            vs = shape_of(v)
            if isinstance(owner, PermuteOp) and tuple(owner.p("order")) == order and single_use(v) \
                    and len(vs) == len(order):
                plan.append(("permute", owner))
            elif int(np.prod(vs)) == 1:
                plan.append(("keep", v))
            elif len(vs) > len(order) or broadcast_shapes(out_shape, vs) != out_shape:
                return
            else:
                full = (1,) * (len(order) - len(vs)) + vs
                target = tuple(full[i] for i in inv)
                if is_weight(v):
                    w = weight_value(v)
                    if w is None:
                        return
                    plan.append(("weight", (v, np.transpose(w.reshape(full), inv))))
                elif _reshape_only(full, inv):
                    plan.append(("reshape", (v, target)))
                else:
                    return
        name = name_of(op)
        operands = []
        for kind, item in plan:
            if kind == "permute":
                operands.append(item.input)
            elif kind == "keep":
                operands.append(item)
            elif kind == "weight":
                v, data = item
                operands.append(new_weight(rewriter, op, f"{name_of(v.owner)}_permuted", data))
            else:
                v, target = item
                base = name_of(v.owner) or name
                operands.append(new_op(rewriter, ReshapeOp, [v], {"shape": target}, f"{base}_for_{name}").output)
        inner = new_op(rewriter, type(op), operands, dict(op.properties), f"{name}_before_permute")
        outer = new_op(rewriter, PermuteOp, [inner.results[0]], {"order": order}, name)
        rewriter.replace(op, [], [outer.output])
        for kind, item in plan:
            if kind == "permute" and not item.output.uses:
                rewriter.erase(item)


_SINK = PermuteSinkThroughBinary()
PATTERNS = [(E.AddOp, MatMulBiasFuse())] + [
    (c, _SINK) for c in (E.AddOp, E.SubOp, E.MulOp, E.DivOp, E.MaxOp, E.MinOp, E.PowOp, E.CompareOp, E.WhereOp)]
