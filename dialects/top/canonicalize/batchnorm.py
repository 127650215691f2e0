"""BatchNorm canonicalization.

* ``BatchNormFoldIntoConv``: ``BatchNorm(Conv(x, W, b)) -> Conv(x, W', b')`` with
  ``s = gamma / sqrt(var + eps)``, ``W' = W * s`` per output channel, ``b' = (b - mean) s + beta``
  (computed in float64, stored in the filter's dtype as new weights ``<bn>_filter``/``<bn>_bias``).
  Also for ``Deconv`` (its output channels are filter axis 1, per group). Requires the conv single
  use (the BatchNorm), no ``do_relu`` on the conv (Relu would sit between), every operand a readable
  weight (the module's weight store); the BatchNorm's ``do_relu`` moves to the conv, which takes
  the BatchNorm's name.
* ``BatchNormAbsorbScaleShift``: ``Mul(BatchNorm(x), w) -> BatchNorm(x)`` with ``gamma' = gamma w``,
  ``beta' = beta w``, and ``Add(BatchNorm(x), w) -> BatchNorm(x)`` with ``beta' = beta + w``, for a
  per-channel weight ``w`` (every axis but the channel axis 1 is 1 after right-alignment, so it
  does not enlarge the result). Requires the BatchNorm single use and without ``do_relu``; the
  Mul/Add's ``do_relu`` moves to the new BatchNorm, which takes the Mul/Add's name. (Densenet's
  ``BatchNorm -> Mul -> Add`` becomes one BatchNorm.)

A BatchNorm on its own stays one op: it is a per-channel ``x * s + t`` that tpu-mlir lowers to a
single Scale op, where a ``Mul`` + ``Add`` pair would be two ops and two passes over the tensor.
"""

from __future__ import annotations

import numpy as np
from xdsl.pattern_rewriter import PatternRewriter, RewritePattern, op_type_rewrite_pattern

from tpuc.dialects.top.base import broadcast_shapes, is_none, name_of, shape_of
from tpuc.dialects.top.canonicalize.common import has_store, new_op, new_weight, single_use, users, weight_value
from tpuc.dialects.top.ops import elementwise as E
from tpuc.dialects.top.ops.nn import BatchNormOp, ConvOp, DeconvOp


def bn_params(bn: BatchNormOp) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None:
    """``(mean, var, gamma, beta)`` as float64 ``[C]`` (gamma 1, beta 0 when absent), or None
    when an operand is not a readable weight."""
    c = shape_of(bn.input)[1]
    vals = []
    for v, default in ((bn.mean, None), (bn.variance, None), (bn.gamma, 1.0), (bn.beta, 0.0)):
        if is_none(v) and default is not None:
            vals.append(np.full(c, default))
            continue
        w = weight_value(v)
        if w is None:
            return None
        vals.append(np.asarray(w, np.float64).reshape(c))
    return vals[0], vals[1], vals[2], vals[3]


class BatchNormFoldIntoConv(RewritePattern):
    """``BatchNorm(Conv(x, W, b)) -> Conv(x, W * s, (b - mean) * s + beta)``."""

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: BatchNormOp, rewriter: PatternRewriter) -> None:
        conv = op.input.owner
        if not isinstance(conv, (ConvOp, DeconvOp)) or not single_use(conv.output) or conv.p("do_relu", False):
            return
        if not has_store(op):
            return
        params = bn_params(op)
        w = weight_value(conv.filter)
        b = None if is_none(conv.bias) else weight_value(conv.bias)
        if params is None or w is None or (b is None and not is_none(conv.bias)):
            return
        mean, var, gamma, beta = params
        s = gamma / np.sqrt(var + op.p("epsilon", 1e-5))
        if isinstance(conv, ConvOp):
            w_new = w.astype(np.float64) * s.reshape((-1,) + (1,) * (w.ndim - 1))
        else:  # Deconv filter [C, OC/group, *K]: output channel g * OC/group + o
            g = conv.p("group", 1)
            wg = w.astype(np.float64).reshape((g, w.shape[0] // g) + w.shape[1:])
            w_new = (wg * s.reshape((g, 1, w.shape[1]) + (1,) * (w.ndim - 2))).reshape(w.shape)
        b_old = np.zeros_like(s) if b is None else b.astype(np.float64)
        b_new = (b_old - mean) * s + beta
        name = name_of(op)
        filt = new_weight(rewriter, op, f"{name}_filter", w_new.astype(w.dtype))
        bias = new_weight(rewriter, op, f"{name}_bias", b_new.astype(w.dtype))
        props = dict(conv.properties)
        if op.p("do_relu", False):
            props["do_relu"] = True
        new = new_op(rewriter, type(conv), [conv.input, filt, bias], props, name)
        rewriter.replace(op, [], [new.output])
        rewriter.erase(conv)


def channel_vector(w: np.ndarray, out_shape: tuple[int, ...]) -> np.ndarray | None:
    """``w`` as a float64 ``[C]`` vector when it broadcasts against ``out_shape`` without enlarging
    it and varies at most along axis 1; else None."""
    r = len(out_shape)
    if w.ndim > r or broadcast_shapes(out_shape, w.shape) != tuple(out_shape):
        return None
    full = w.reshape((1,) * (r - w.ndim) + w.shape)
    if any(d != 1 for i, d in enumerate(full.shape) if i != 1):
        return None
    return np.broadcast_to(full.reshape(-1).astype(np.float64), (out_shape[1],))


class BatchNormAbsorbScaleShift(RewritePattern):
    """``Mul(BatchNorm(x), w) -> BatchNorm(x; gamma w, beta w)``;
    ``Add(BatchNorm(x), w) -> BatchNorm(x; gamma, beta + w)`` for a per-channel weight ``w``."""

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: BatchNormOp, rewriter: PatternRewriter) -> None:
        if not single_use(op.output) or op.p("do_relu", False) or not has_store(op):
            return
        user = users(op.output)[0]
        if not isinstance(user, (E.MulOp, E.AddOp)) or len(user.inputs) != 2:
            return
        other = user.inputs[1] if user.inputs[0] is op.output else user.inputs[0]
        w = weight_value(other)
        params = bn_params(op)
        if w is None or params is None:
            return
        v = channel_vector(w, shape_of(op.output))
        if v is None:
            return
        _, _, gamma, beta = params
        dt = w.dtype
        name = name_of(user)
        if isinstance(user, E.MulOp):
            gamma_v = new_weight(rewriter, user, f"{name}_gamma", (gamma * v).astype(dt))
            beta_v = new_weight(rewriter, user, f"{name}_beta", (beta * v).astype(dt))
        else:
            gamma_v = op.gamma
            beta_v = new_weight(rewriter, user, f"{name}_beta", (beta + v).astype(dt))
        props = {k: a for k, a in op.properties.items() if k != "do_relu"}
        if user.p("do_relu", False):
            props["do_relu"] = True
        new = new_op(rewriter, BatchNormOp, [op.input, op.mean, op.variance, gamma_v, beta_v], props, name,
                     before=user)
        rewriter.replace(user, [], [new.output])
        rewriter.erase(op)


PATTERNS = [(BatchNormOp, BatchNormAbsorbScaleShift()), (BatchNormOp, BatchNormFoldIntoConv())]
