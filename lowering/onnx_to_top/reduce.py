"""ONNX converters: reductions (Reduce*), ArgMax/ArgMin, TopK, CumSum.

Axes, K and the CumSum axis must be constants (after shape folding); they become properties.
"""

from __future__ import annotations

import numpy as np

from tpuc.dialects.top.ops import reduce as R
from tpuc.lowering.onnx_to_top.registry import converter

_REDUCE = ("ReduceMean", "ReduceMax", "ReduceMin", "ReduceSum", "ReduceProd", "ReduceL1", "ReduceL2",
           "ReduceLogSum", "ReduceLogSumExp", "ReduceSumSquare")


def _axis(ctx, axis: int, rank: int, what: str = "axis") -> int:
    """``axis`` in ``[-rank, rank)`` -> ``[0, rank)``, else a CompileError."""
    axis = int(axis)
    if not -rank <= axis < max(rank, 1):
        raise ctx.error(f"{what} {axis} is out of range for rank {rank}")
    return axis + rank if axis < 0 else axis


@converter(*_REDUCE)
def convert_reduce(ctx, node):
    """Reduce* -> top.Reduce (``mode`` = the ONNX op type). Axes come from the attribute, or from
    the optional constant input (ReduceSum from opset 13, the others from 18); no axes reduces
    everything unless ``noop_with_empty_axes``, which keeps only the elementwise part (|x| for L1/L2,
    x*x for SumSquare, log x for LogSum; the identity for the others)."""
    x = node.input(0)
    rank = len(ctx.shape(x))
    from_input = node.opset >= (13 if node.op_type == "ReduceSum" else 18)
    if from_input:
        name = node.input(1)
        axes = [] if not name else [int(a) for a in np.asarray(ctx.need_const(name, "the axes input")).reshape(-1)]
        noop = bool(node.attr("noop_with_empty_axes", 0))
    else:
        axes = [int(a) for a in (node.attr("axes") or [])]
        noop = False
    if not axes and noop:
        # Reducing over no axis still applies the elementwise part of the reduction.
        from tpuc.dialects.top.ops import elementwise as E

        out = node.outputs[0]
        if node.op_type in ("ReduceL1", "ReduceL2"):
            ctx.emit(E.AbsOp, [x], outs=out)
        elif node.op_type == "ReduceSumSquare":
            ctx.emit(E.MulOp, [x, x], outs=out)
        elif node.op_type == "ReduceLogSum":
            ctx.emit(E.LogOp, [x], outs=out)
        else:  # Sum, Mean, Max, Min, Prod and LogSumExp (log(exp(x)) == x) of one element
            ctx.alias(out, x)
        return
    norm = [_axis(ctx, a, rank) for a in axes]
    if len(set(norm)) != len(norm):
        raise ctx.error(f"axes {axes} repeat an axis")
    props = {"axes": sorted(norm), "keepdims": bool(node.attr("keepdims", 1)), "mode": node.op_type}
    ctx.emit(R.ReduceOp, [x], props, outs=node.outputs[0])


@converter("ArgMax", "ArgMin")
def convert_arg(ctx, node):
    """ArgMax/ArgMin -> top.Arg (``keepdims``, ``select_last_index``)."""
    x = node.input(0)
    axis = _axis(ctx, node.attr("axis", 0), len(ctx.shape(x)))
    props = {"axis": axis, "keepdims": bool(node.attr("keepdims", 1)), "mode": node.op_type,
             "select_last_index": bool(node.attr("select_last_index", 0)) or None}
    ctx.emit(R.ArgOp, [x], props, outs=node.outputs[0])


@converter("TopK")
def convert_topk(ctx, node):
    """TopK -> top.TopK with a constant K (attribute ``k`` before opset 10, input from 10);
    both outputs (values, indices) are defined."""
    x = node.input(0)
    shape = ctx.shape(x)
    axis = _axis(ctx, node.attr("axis", -1), len(shape))
    if node.opset < 10:
        k = node.attr("k")
        if k is None:
            raise ctx.error("TopK needs k")
    else:
        kv = np.asarray(ctx.need_const(node.input(1), "K"))
        if kv.size != 1:
            raise ctx.error(f"K must have one element, got shape {list(kv.shape)}")
        k = kv.reshape(()).item()
    k = int(k)
    if not 0 <= k <= shape[axis]:
        raise ctx.error(f"K = {k} is not in [0, {shape[axis]}]")
    outs = [o or ctx.fresh(f"{node.name}_{what}") for o, what in zip(node.outputs, ("values", "indices"))]
    props = {"axis": axis, "K": k, "largest": bool(node.attr("largest", 1)),
             "sorted": bool(node.attr("sorted", 1))}
    ctx.emit(R.TopKOp, [x], props, outs=outs)


@converter("CumSum")
def convert_cumsum(ctx, node):
    """CumSum -> top.CumSum; the axis input must be constant (``exclusive``, ``reverse``)."""
    x = node.input(0)
    av = np.asarray(ctx.need_const(node.input(1), "the axis input"))
    if av.size != 1:
        raise ctx.error(f"the axis input must have one element, got shape {list(av.shape)}")
    axis = _axis(ctx, av.reshape(()).item(), len(ctx.shape(x)))
    props = {"axis": axis, "exclusive": bool(node.attr("exclusive", 0)) or None,
             "reverse": bool(node.attr("reverse", 0)) or None}
    ctx.emit(R.CumSumOp, [x], props, outs=node.outputs[0])
