"""``top-slice-to-conv`` (opt-in): strided spatial Slices become depthwise convolutions.

The seed's "equivalent operator replacement": a target without strided slicing (OpenCV DNN's early
yolov5 support, some NPUs) can still run yolov5's Focus block ``x[..., ::2, ::2]``,
``x[..., 1::2, ::2]``, ... as a depthwise Conv with a one-hot kernel. Not part of
``top-canonicalize``: a Slice is cheaper wherever it is supported, so a pipeline asks for this
pass explicitly.

``SliceToDepthwiseConv``: ``Slice(x [N, C, *S])`` that keeps the N and C axes whole and, on every
spatial axis, takes ``n`` elements from offset ``o`` with step ``s >= 1`` -> ``Conv(x, W, group = C,
strides = s, pads = 0)`` where the kernel size ``k = max(o + 1, S - n s + 1)`` makes the output
exactly ``n`` long and ``W[c, 0, o...] = 1`` (zeros elsewhere) picks the sliced element. Requires a
float input, 1-3 spatial axes, at least one step > 1, and ``k <= s`` on every axis (each window
covers one output's stride: the Focus shape, no large kernels for trimmed slices). Needs the
weight store (the kernel is a new weight ``<name>_onehot``). The Conv takes the Slice's name.

Exact for finite inputs: each output is ``x * 1`` plus ``0 * neighbours``; a neighbouring
``inf``/NaN inside the window turns the output into NaN (``0 * inf``), and ``-0.0`` may come out
as ``+0.0``. With ``k = 1`` on every axis (offset 0) the window holds only the selected element.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.passes import ModulePass
from xdsl.pattern_rewriter import PatternRewriter, PatternRewriteWalker, RewritePattern, op_type_rewrite_pattern

from tpuc.dialects.top.base import dtype_of, is_float, is_none, name_of, shape_of
from tpuc.dialects.top.canonicalize import STATS
from tpuc.dialects.top.canonicalize.common import has_store, new_op, new_weight
from tpuc.dialects.top.ops.core import NoneOp
from tpuc.dialects.top.ops.nn import ConvOp, conv_out_dim
from tpuc.dialects.top.ops.shape import SliceOp, slice_length
from tpuc.dialects.top.transforms.dce import TopDCEPass


def conv_plan(shape, offset, ends, steps) -> tuple[list[int], list[int], list[int]] | None:
    """``(kernel, strides, offsets)`` of the spatial axes, or None when the Slice does not fit."""
    if len(shape) < 3 or len(shape) > 5:
        return None
    for a in (0, 1):
        if offset[a] != 0 or ends[a] != shape[a] or (steps[a] != 1 and shape[a] > 1):
            return None
    kernel, strides, offs = [], [], []
    for d, o, e, s in zip(shape[2:], offset[2:], ends[2:], steps[2:]):
        n = slice_length(o, e, s)
        if s < 1 or n < 1:
            return None
        k = max(o + 1, d - n * s + 1)
        if k > s or conv_out_dim(d, k, s, 0, 0, 1) != n:
            return None
        kernel.append(k)
        strides.append(s)
        offs.append(o)
    if all(s == 1 for s in strides):
        return None  # an identity or a trim: not this pass's business
    return kernel, strides, offs


class SliceToDepthwiseConv(RewritePattern):
    """``Slice(x, spatial o::s) -> Conv(x, one-hot W, group = C, strides = s)``."""

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: SliceOp, rewriter: PatternRewriter) -> None:
        shape = shape_of(op.input)
        if not is_float(dtype_of(op.input)) or not has_store(op):
            return
        plan = conv_plan(shape, op.p("offset"), op.p("ends"), op.p("steps"))
        if plan is None:
            return
        kernel, strides, offs = plan
        c = shape[1]
        w = np.zeros((c, 1, *kernel), dtype=dtype_of(op.input))
        w[(slice(None), 0, *offs)] = 1
        name = name_of(op)
        w_val = new_weight(rewriter, op, f"{name}_onehot", w)
        none = new_op(rewriter, NoneOp, [], None, "none")
        nd = len(kernel)
        props = {"kernel_shape": kernel, "strides": strides, "pads": [0] * (2 * nd),
                 "dilations": [1] * nd, "group": c}
        conv = new_op(rewriter, ConvOp, [op.input, w_val, none.output], props, name)
        assert shape_of(conv.output) == shape_of(op.output) and is_none(conv.bias)
        rewriter.replace(op, [], [conv.output])
        STATS[type(self).__name__] += 1


@dataclass(frozen=True)
class TopSliceToConvPass(ModulePass):
    """Replace strided spatial Slices (yolov5 Focus) by depthwise one-hot convolutions (opt-in)."""

    name = "top-slice-to-conv"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        PatternRewriteWalker(SliceToDepthwiseConv(), apply_recursively=False).rewrite_module(op)
        TopDCEPass().apply(ctx, op)
