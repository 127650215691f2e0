"""LayerNorm fusion from the decomposed export (PyTorch before opset 17, TF, Keras).

``LayerNormFusion`` (rooted at the Sqrt) matches, over the trailing axes ``axis..rank-1``::

    mean = ReduceMean(x, axes, keepdims)      d   = Sub(x, mean)
    sq   = Pow(d, 2) | Mul(d, d)              var = ReduceMean(sq, axes, keepdims)
    std  = Sqrt(Add(var, eps))                n   = Div(d, std) | Mul(d, Reciprocal(std))
    [y = Mul(n, gamma)] [z = Add(y, beta)]    (operands of Add/Mul in either order)

and replaces it with ``top.LayerNorm(x, gamma, beta) {axis, eps}`` named as the last op matched.
Requires a float ``x``; splat weights (usually one element) ``eps`` and ``2``; every intermediate
used only inside the pattern (so all of it goes); ``gamma``/``beta`` weights that vary only along
the normalised axes and do not enlarge the result (leading size-1 axes beyond the normalised rank
are dropped into a new weight). A Mul/Add by an activation, or by a weight varying along a leading
axis, ends the match before it.
"""

from __future__ import annotations

import numpy as np
from xdsl.ir import Operation, SSAValue
from xdsl.pattern_rewriter import PatternRewriter, RewritePattern, op_type_rewrite_pattern

from tpuc.dialects.top.base import broadcast_shapes, dtype_of, is_float, name_of, shape_of
from tpuc.dialects.top.canonicalize.common import new_op, new_weight, users, weight_value
from tpuc.dialects.top.ops import elementwise as E
from tpuc.dialects.top.ops.core import NoneOp
from tpuc.dialects.top.ops.nn import LayerNormOp
from tpuc.dialects.top.ops.reduce import ReduceOp


def scalar(value: SSAValue) -> float | None:
    """The value of a weight whose elements are all equal (a splat, usually one element), else
    None. Callers check that its shape does not enlarge the result."""
    w = weight_value(value)
    if w is None or w.size == 0:
        return None
    flat = w.reshape(-1)
    return float(flat[0]) if w.size == 1 or bool(np.all(flat == flat[0])) else None


def binary(op: Operation | None, cls: type) -> tuple[SSAValue, SSAValue] | None:
    """The two operands of ``op`` when it is a two-input ``cls``."""
    if not isinstance(op, cls) or len(op.operands) != 2:
        return None
    return op.operands[0], op.operands[1]


def other_operand(op: Operation, value: SSAValue) -> SSAValue | None:
    """The operand of a two-operand ``op`` that is not ``value`` (None if both or neither are)."""
    a, b = op.operands
    if a is value and b is not value:
        return b
    if b is value and a is not value:
        return a
    return None


def only_user(value: SSAValue) -> Operation | None:
    """The single op using ``value`` (once), else None."""
    return next(iter(value.uses)).operation if value.has_one_use() else None


def mean_axes(op: Operation | None, rank: int) -> tuple[int, ...] | None:
    """The trailing axes a keepdims ReduceMean reduces, or None."""
    if not isinstance(op, ReduceOp) or op.p("mode") != "ReduceMean" or not op.p("keepdims"):
        return None
    axes = op._axes(rank)  # noqa: SLF001 -- normalised axes (empty means all)
    if not axes or axes != tuple(range(axes[0], rank)):
        return None
    return axes


def affine_weight(value: SSAValue, x_shape: tuple[int, ...], axis: int) -> np.ndarray | None:
    """The data of a weight usable as LayerNorm gamma/beta (trimmed to the normalised rank)."""
    w = weight_value(value)
    if w is None or w.ndim > len(x_shape) or broadcast_shapes(x_shape, w.shape) != tuple(x_shape):
        return None
    norm_rank = len(x_shape) - axis
    lead = w.shape[:max(w.ndim - norm_rank, 0)]
    if any(d != 1 for d in lead):
        return None
    return w.reshape(w.shape[len(lead):])


class LayerNormFusion(RewritePattern):
    """``(x - mean) / sqrt(mean((x - mean)^2) + eps) [* gamma] [+ beta] -> LayerNorm(x, gamma, beta)``."""

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: E.SqrtOp, rewriter: PatternRewriter) -> None:
        ve_op = op.input.owner
        ve = binary(ve_op, E.AddOp)
        if ve is None or not op.input.has_one_use() or ve_op.p("do_relu", False):
            return
        var, eps = (ve[1], ve[0]) if scalar(ve[0]) is not None else ve
        eps_value = scalar(eps)
        if eps_value is None or not var.has_one_use() or not isinstance(var.owner, ReduceOp):
            return
        var_op = var.owner
        sq = var_op.input
        if not sq.has_one_use():
            return
        if isinstance(sq.owner, E.PowOp) and scalar(sq.owner.rhs) == 2.0:
            d, d_uses = sq.owner.lhs, 2
        elif binary(sq.owner, E.MulOp) is not None and sq.owner.operands[0] is sq.owner.operands[1] \
                and not sq.owner.p("do_relu", False):
            d, d_uses = sq.owner.operands[0], 3
        else:
            return
        sub = binary(d.owner, E.SubOp)
        if sub is None or d.uses.get_length() != d_uses:
            return
        x, mean = sub
        rank = len(shape_of(x))
        axes = mean_axes(mean.owner, rank)
        if axes is None or mean_axes(var_op, rank) != axes or mean.owner.operands[0] is not x:
            return
        if not is_float(dtype_of(x)) or not mean.has_one_use():
            return
        chain: list[Operation] = [mean.owner, d.owner, sq.owner, var_op, ve_op, op]
        # n = d / std, or d * (1 / std)
        user = only_user(op.output)
        if isinstance(user, E.ReciprocalOp):
            chain.append(user)
            user = only_user(user.output)
            if binary(user, E.MulOp) is None or user.p("do_relu", False) \
                    or other_operand(user, chain[-1].results[0]) is not d:
                return
        elif binary(user, E.DivOp) is None or tuple(user.operands) != (d, op.output):
            return
        chain.append(user)
        if set(users(d)) != {sq.owner, user}:
            return
        # optional * gamma, then optional + beta
        axis = axes[0]
        affine: dict[str, tuple[SSAValue, np.ndarray]] = {}
        for key, cls in (("gamma", E.MulOp), ("beta", E.AddOp)):
            last = chain[-1].results[0]
            nxt = only_user(last)
            if binary(nxt, cls) is None or nxt.p("do_relu", False):
                continue
            w_value = other_operand(nxt, last)
            w = None if w_value is None else affine_weight(w_value, shape_of(x), axis)
            if w is None:
                continue
            affine[key] = (w_value, w)
            chain.append(nxt)
        final = chain[-1]
        if final.results[0].type != x.type:
            return
        name = name_of(final)
        operands = []
        none = None
        for key in ("gamma", "beta"):
            if key not in affine:
                none = none or new_op(rewriter, NoneOp, [], None, "none", before=final).output
                operands.append(none)
            elif shape_of(affine[key][0]) == affine[key][1].shape:
                operands.append(affine[key][0])
            else:
                operands.append(new_weight(rewriter, final, f"{name}_{key}", affine[key][1]))
        ln = new_op(rewriter, LayerNormOp, [x, *operands], {"axis": axis, "eps": eps_value}, name, before=final)
        rewriter.replace(final, [], [ln.output])
        for dead in reversed(chain[:-1]):
            rewriter.erase(dead)


PATTERNS = [(E.SqrtOp, LayerNormFusion())]
