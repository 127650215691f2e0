"""Top ops of the reduce family: ``top.Reduce``, ``top.Arg`` (ArgMax/ArgMin), ``top.TopK``,
``top.CumSum``.

Axes are properties (constant at import), as in tpu-mlir. Reductions over an empty axis give the
reduction's identity (``-inf`` for max, ``0`` for sums, ``log 0 = -inf`` for LogSum, ...), as
ONNX defines.
"""

from __future__ import annotations

import numpy as np
from xdsl.dialects.builtin import DenseArrayBase, IntegerAttr, StringAttr
from xdsl.irdl import irdl_op_definition, operand_def, opt_prop_def, prop_def, result_def, traits_def
from xdsl.traits import Pure
from xdsl.utils.exceptions import VerifyException

from tpuc.dialects.top.base import TopOp, dtype_of, is_float, shape_of, tensor_type

REDUCE_MODES = ("ReduceMean", "ReduceMax", "ReduceMin", "ReduceSum", "ReduceProd", "ReduceL1", "ReduceL2",
                "ReduceLogSum", "ReduceLogSumExp", "ReduceSumSquare")
_FLOAT_ONLY = ("ReduceL2", "ReduceLogSum", "ReduceLogSumExp")


def _axes(axes, rank: int, what: str) -> tuple[int, ...]:
    """Sorted non-negative axes, each in range and none repeated (else a VerifyException)."""
    out = []
    for a in axes:
        if not -rank <= a < max(rank, 1):
            raise VerifyException(f"{what}: axis {a} is out of range for rank {rank}")
        out.append(a + rank if a < 0 else a)
    if len(set(out)) != len(out):
        raise VerifyException(f"{what}: repeated axis in {list(axes)}")
    return tuple(sorted(out))


def _identity(dtype: np.dtype, largest: bool):
    """The lowest (``largest = False``) or highest value of a dtype: max/min of nothing."""
    if dtype == np.bool_:
        return largest
    if is_float(dtype):
        return -np.inf if not largest else np.inf
    info = np.iinfo(dtype)
    return info.min if not largest else info.max


@irdl_op_definition
class ReduceOp(TopOp):
    """Reduces ``axes`` of ``input`` (ONNX Reduce*): ``mode`` is one of ReduceMean, ReduceMax,
    ReduceMin, ReduceSum, ReduceProd, ReduceL1 (sum |x|), ReduceL2 (sqrt sum x^2), ReduceLogSum
    (log sum x), ReduceLogSumExp (stable), ReduceSumSquare. An empty ``axes`` reduces every axis
    (ONNX's ``noop_with_empty_axes`` is resolved at import). ``keepdims`` keeps reduced axes as 1.
    The result has the input dtype; float math is in the input precision (float32 stays float32).
    """

    name = "top.Reduce"
    input = operand_def()
    output = result_def()
    axes = prop_def(DenseArrayBase)
    keepdims = prop_def(IntegerAttr)
    mode = prop_def(StringAttr)
    traits = traits_def(Pure())

    def _axes(self, rank: int) -> tuple[int, ...]:
        """The reduced axes; an empty ``axes`` means all of them."""
        axes = self.p("axes")
        return tuple(range(rank)) if len(axes) == 0 else _axes(axes, rank, "top.Reduce")

    def infer_types(self):
        mode = self.p("mode")
        if mode not in REDUCE_MODES:
            raise VerifyException(f"top.Reduce: unknown mode '{mode}'")
        xs, dt = shape_of(self.input), dtype_of(self.input)
        if mode in _FLOAT_ONLY and not is_float(dt):
            raise VerifyException(f"top.Reduce {mode} needs a floating-point input")
        axes = self._axes(len(xs))
        if self.p("keepdims"):
            out = tuple(1 if i in axes else d for i, d in enumerate(xs))
        else:
            out = tuple(d for i, d in enumerate(xs) if i not in axes)
        return [tensor_type(out, dt)]

    def compute(self, inputs):
        x = inputs[0]
        dt = x.dtype
        axes = self._axes(x.ndim)
        kd = bool(self.p("keepdims"))
        mode = self.p("mode")
        empty = any(x.shape[a] == 0 for a in axes)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            if mode == "ReduceMax":
                out = np.max(x, axis=axes, keepdims=kd, initial=_identity(dt, False)) if empty \
                    else np.max(x, axis=axes, keepdims=kd)
            elif mode == "ReduceMin":
                out = np.min(x, axis=axes, keepdims=kd, initial=_identity(dt, True)) if empty \
                    else np.min(x, axis=axes, keepdims=kd)
            elif mode == "ReduceSum":
                out = np.sum(x, axis=axes, keepdims=kd, dtype=dt)
            elif mode == "ReduceMean":
                if is_float(dt):
                    out = np.mean(x, axis=axes, keepdims=kd, dtype=dt)
                else:  # integer mean truncates toward zero, like onnxruntime
                    n = max(int(np.prod([x.shape[a] for a in axes])), 1)
                    total = np.sum(x, axis=axes, keepdims=kd, dtype=np.int64)
                    out = np.sign(total) * (np.abs(total) // n)
            elif mode == "ReduceProd":
                out = np.prod(x, axis=axes, keepdims=kd, dtype=dt)
            elif mode == "ReduceL1":
                out = np.sum(np.abs(x), axis=axes, keepdims=kd, dtype=dt)
            elif mode == "ReduceL2":
                out = np.sqrt(np.sum(x * x, axis=axes, keepdims=kd, dtype=dt))
            elif mode == "ReduceSumSquare":
                out = np.sum(x * x, axis=axes, keepdims=kd, dtype=dt)
            elif mode == "ReduceLogSum":
                out = np.log(np.sum(x, axis=axes, keepdims=kd, dtype=dt))
            elif mode == "ReduceLogSumExp":
                if empty:
                    out = np.log(np.sum(np.exp(x), axis=axes, keepdims=kd, dtype=dt))
                else:
                    m = np.max(x, axis=axes, keepdims=True)
                    m = np.where(np.isfinite(m), m, 0).astype(dt)
                    out = np.log(np.sum(np.exp(x - m), axis=axes, keepdims=True, dtype=dt)) + m
                    if not kd:
                        out = np.squeeze(out, axis=axes)
            else:
                raise VerifyException(f"top.Reduce: unknown mode '{mode}'")
        return [np.asarray(out).astype(dt, copy=False)]


@irdl_op_definition
class ArgOp(TopOp):
    """Index (int64) of the max/min along ``axis`` (ONNX ArgMax/ArgMin; ``mode`` ArgMax or ArgMin).

    The first extreme wins unless ``select_last_index``; ``keepdims`` keeps the axis as 1. Only the
    indices result (tpu-mlir's optional ``values`` result is not modelled).
    """

    name = "top.Arg"
    input = operand_def()
    indices = result_def()
    axis = prop_def(IntegerAttr)
    keepdims = prop_def(IntegerAttr)
    mode = prop_def(StringAttr)
    select_last_index = opt_prop_def(IntegerAttr)
    traits = traits_def(Pure())

    def infer_types(self):
        if self.p("mode") not in ("ArgMax", "ArgMin"):
            raise VerifyException(f"top.Arg: unknown mode '{self.p('mode')}'")
        xs = shape_of(self.input)
        (axis,) = _axes([self.p("axis")], len(xs), "top.Arg")
        if xs[axis] == 0:
            raise VerifyException("top.Arg over an empty axis")
        out = tuple(1 if i == axis else d for i, d in enumerate(xs)) if self.p("keepdims") \
            else tuple(d for i, d in enumerate(xs) if i != axis)
        return [tensor_type(out, np.int64)]

    def compute(self, inputs):
        x = inputs[0]
        (axis,) = _axes([self.p("axis")], x.ndim, "top.Arg")
        fn = np.argmax if self.p("mode") == "ArgMax" else np.argmin
        if self.p("select_last_index", False):
            idx = x.shape[axis] - 1 - fn(np.flip(x, axis=axis), axis=axis)
        else:
            idx = fn(x, axis=axis)
        if self.p("keepdims"):
            idx = np.expand_dims(idx, axis)
        return [np.asarray(idx, np.int64)]


@irdl_op_definition
class TopKOp(TopOp):
    """The ``K`` largest (or smallest, ``largest = false``) elements along ``axis`` and their int64
    indices (ONNX TopK with a constant K). Results are sorted, ties by the smaller index (which
    also satisfies ``sorted = false``)."""

    name = "top.TopK"
    input = operand_def()
    values = result_def()
    indices = result_def()
    axis = prop_def(IntegerAttr)
    K = prop_def(IntegerAttr)
    largest = opt_prop_def(IntegerAttr)
    sorted = opt_prop_def(IntegerAttr)
    traits = traits_def(Pure())

    def infer_types(self):
        xs = shape_of(self.input)
        (axis,) = _axes([self.p("axis")], len(xs), "top.TopK")
        k = self.p("K")
        if not 0 <= k <= xs[axis]:
            raise VerifyException(f"top.TopK: K = {k} is not in [0, {xs[axis]}] (axis {axis} of {list(xs)})")
        out = tuple(k if i == axis else d for i, d in enumerate(xs))
        return [tensor_type(out, dtype_of(self.input)), tensor_type(out, np.int64)]

    def compute(self, inputs):
        x = inputs[0]
        (axis,) = _axes([self.p("axis")], x.ndim, "top.TopK")
        k = self.p("K")
        n = x.shape[axis]
        if self.p("largest", True):
            # stable ascending sort of the reversed axis, reversed again: descending values,
            # equal values by increasing index
            order = np.argsort(np.flip(x, axis=axis), axis=axis, kind="stable")
            idx = (n - 1 - np.flip(order, axis=axis))
        else:
            idx = np.argsort(x, axis=axis, kind="stable")
        idx = np.take(idx, np.arange(k), axis=axis).astype(np.int64)
        return [np.take_along_axis(x, idx, axis=axis), idx]


@irdl_op_definition
class CumSumOp(TopOp):
    """Cumulative sum along ``axis`` (ONNX CumSum with a constant axis); ``exclusive`` leaves out
    the element itself, ``reverse`` sums from the end. The dtype is kept."""

    name = "top.CumSum"
    input = operand_def()
    output = result_def()
    axis = prop_def(IntegerAttr)
    exclusive = opt_prop_def(IntegerAttr)
    reverse = opt_prop_def(IntegerAttr)
    traits = traits_def(Pure())

    def infer_types(self):
        _axes([self.p("axis")], len(shape_of(self.input)), "top.CumSum")
        return [self.input.type]

    def compute(self, inputs):
        x = inputs[0]
        (axis,) = _axes([self.p("axis")], x.ndim, "top.CumSum")
        rev = self.p("reverse", False)
        y = np.flip(x, axis=axis) if rev else x
        out = np.cumsum(y, axis=axis, dtype=x.dtype)
        if self.p("exclusive", False):
            out = np.concatenate([np.zeros_like(np.take(out, [0], axis=axis)),
                                  np.take(out, np.arange(x.shape[axis] - 1), axis=axis)], axis=axis)
        if rev:
            out = np.flip(out, axis=axis)
        return [out if out.flags.c_contiguous else out.copy()]
