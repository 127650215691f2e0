"""Top ops of the shape family: data movement without arithmetic.

Reshape, Permute, Squeeze/Unsqueeze, Concat, Slice, Split, Tile, Expand, the gathers and
scatters, Pad, Depth2Space, Trilu, NonZero and OneHot. Every shape-like parameter is a static
property already normalised by the importer (non-negative axes, full per-axis vectors, resolved
output shapes), so ``infer_types`` and ``compute`` never see ONNX's conventions for negative or
omitted values. Index tensors (Gather, GatherElements, GatherND, the scatters, OneHot) stay
operands so they can be runtime values; negative indices count from the end, as in ONNX.
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np
from xdsl.dialects.builtin import DenseArrayBase, FloatAttr, IntegerAttr, StringAttr
from xdsl.irdl import (
    irdl_op_definition,
    operand_def,
    opt_prop_def,
    prop_def,
    result_def,
    traits_def,
    var_operand_def,
    var_result_def,
)
from xdsl.traits import Pure
from xdsl.utils.exceptions import VerifyException

from tpuc.dialects.top.base import TopOp, broadcast_shapes, dtype_of, shape_of, tensor_type

# ------------------------------------------------------------------------------------ helpers


def _check_axis(op: TopOp, axis: int, rank: int) -> None:
    if not 0 <= axis < rank:
        raise VerifyException(f"{op.name}: axis {axis} is out of range for rank {rank}")


def _check_indices(op: TopOp, i: int) -> None:
    dt = dtype_of(op.operands[i])
    if dt not in (np.dtype(np.int32), np.dtype(np.int64)):
        raise VerifyException(f"{op.name}: indices must be i32 or i64, got {dt}")


def slice_length(start: int, end: int, step: int) -> int:
    """Number of elements of ``range(start, end, step)`` (``end = -1`` with a negative step
    means "through index 0")."""
    return max(0, -((start - end) // step))


# ------------------------------------------------------------------------------ reshaping


@irdl_op_definition
class ReshapeOp(TopOp):
    """View the input with another shape (ONNX Reshape, Flatten).

    ``shape`` is the complete static output shape (no 0 or -1 placeholders); it must have as
    many elements as the input.
    """

    name = "top.Reshape"
    input = operand_def()
    output = result_def()
    shape = prop_def(DenseArrayBase)
    traits = traits_def(Pure())

    def infer_types(self):
        shape = self.p("shape")
        if any(d < 0 for d in shape):
            raise VerifyException(f"top.Reshape: shape {list(shape)} has a negative dimension")
        in_shape = shape_of(self.input)
        if int(np.prod(shape)) != int(np.prod(in_shape)):
            raise VerifyException(f"top.Reshape: cannot reshape {list(in_shape)} into {list(shape)}")
        return [tensor_type(shape, dtype_of(self.input))]

    def compute(self, inputs):
        return [np.reshape(inputs[0], self.p("shape"))]


@irdl_op_definition
class PermuteOp(TopOp):
    """Transpose the axes: output axis ``i`` is input axis ``order[i]`` (ONNX Transpose)."""

    name = "top.Permute"
    input = operand_def()
    output = result_def()
    order = prop_def(DenseArrayBase)
    traits = traits_def(Pure())

    def infer_types(self):
        order = self.p("order")
        in_shape = shape_of(self.input)
        if sorted(order) != list(range(len(in_shape))):
            raise VerifyException(f"top.Permute: order {list(order)} is not a permutation of rank {len(in_shape)}")
        return [tensor_type([in_shape[i] for i in order], dtype_of(self.input))]

    def compute(self, inputs):
        return [np.transpose(inputs[0], self.p("order"))]


@irdl_op_definition
class SqueezeOp(TopOp):
    """Remove the size-1 axes listed in ``axes`` (sorted, non-negative) (ONNX Squeeze)."""

    name = "top.Squeeze"
    input = operand_def()
    output = result_def()
    axes = prop_def(DenseArrayBase)
    traits = traits_def(Pure())

    def infer_types(self):
        axes = self.p("axes")
        in_shape = shape_of(self.input)
        for a in axes:
            _check_axis(self, a, len(in_shape))
            if in_shape[a] != 1:
                raise VerifyException(f"top.Squeeze: axis {a} of {list(in_shape)} is not 1")
        if len(set(axes)) != len(axes):
            raise VerifyException(f"top.Squeeze: repeated axis in {list(axes)}")
        return [tensor_type([d for i, d in enumerate(in_shape) if i not in axes], dtype_of(self.input))]

    def compute(self, inputs):
        return [np.squeeze(inputs[0], axis=tuple(self.p("axes")))]


@irdl_op_definition
class UnsqueezeOp(TopOp):
    """Insert size-1 axes at the output positions ``axes`` (sorted, non-negative) (ONNX Unsqueeze)."""

    name = "top.Unsqueeze"
    input = operand_def()
    output = result_def()
    axes = prop_def(DenseArrayBase)
    traits = traits_def(Pure())

    def infer_types(self):
        axes = self.p("axes")
        in_shape = list(shape_of(self.input))
        rank = len(in_shape) + len(axes)
        if len(set(axes)) != len(axes):
            raise VerifyException(f"top.Unsqueeze: repeated axis in {list(axes)}")
        for a in axes:
            _check_axis(self, a, rank)
        it = iter(in_shape)
        return [tensor_type([1 if i in axes else next(it) for i in range(rank)], dtype_of(self.input))]

    def compute(self, inputs):
        return [np.expand_dims(inputs[0], tuple(self.p("axes")))]


# ----------------------------------------------------------------------- joining, splitting


@irdl_op_definition
class ConcatOp(TopOp):
    """Join the inputs along ``axis`` (non-negative); other dims and dtypes must agree (ONNX Concat)."""

    name = "top.Concat"
    inputs = var_operand_def()
    output = result_def()
    axis = prop_def(IntegerAttr)
    traits = traits_def(Pure())

    def infer_types(self):
        if len(self.inputs) < 1:
            raise VerifyException("top.Concat needs at least one input")
        shapes = [shape_of(v) for v in self.inputs]
        dts = {dtype_of(v) for v in self.inputs}
        if len(dts) != 1:
            raise VerifyException(f"top.Concat: operands differ in dtype: {sorted(map(str, dts))}")
        axis = self.p("axis")
        rank = len(shapes[0])
        _check_axis(self, axis, rank)
        for s in shapes[1:]:
            if len(s) != rank or any(s[i] != shapes[0][i] for i in range(rank) if i != axis):
                raise VerifyException(f"top.Concat: shapes {[list(x) for x in shapes]} do not agree off axis {axis}")
        out = list(shapes[0])
        out[axis] = sum(s[axis] for s in shapes)
        return [tensor_type(out, dts.pop())]

    def compute(self, inputs):
        return [np.concatenate(inputs, axis=self.p("axis"))]


@irdl_op_definition
class SliceOp(TopOp):
    """Strided slice with one ``offset``/``ends``/``steps`` entry per axis (ONNX Slice).

    Values are normalised: for a positive step (or an empty axis) ``offset`` and ``ends`` lie
    in ``[0, dim]``; for a negative step ``offset`` lies in ``[0, dim - 1]`` and ``ends`` in
    ``[-1, dim - 1]``, where ``-1`` means "through index 0". Steps are non-zero.
    """

    name = "top.Slice"
    input = operand_def()
    output = result_def()
    offset = prop_def(DenseArrayBase)
    ends = prop_def(DenseArrayBase)
    steps = prop_def(DenseArrayBase)
    traits = traits_def(Pure())

    def infer_types(self):
        in_shape = shape_of(self.input)
        offset, ends, steps = self.p("offset"), self.p("ends"), self.p("steps")
        if not len(offset) == len(ends) == len(steps) == len(in_shape):
            raise VerifyException(f"top.Slice: offset/ends/steps need {len(in_shape)} entries each")
        out = []
        for d, s, e, t in zip(in_shape, offset, ends, steps):
            if t == 0:
                raise VerifyException("top.Slice: a step is 0")
            if t > 0 or d == 0:
                ok = 0 <= s <= d and 0 <= e <= d
            else:
                ok = 0 <= s <= d - 1 and -1 <= e <= d - 1
            if not ok:
                raise VerifyException(f"top.Slice: offset {s} / end {e} / step {t} are not normalised for dim {d}")
            out.append(slice_length(s, e, t))
        return [tensor_type(out, dtype_of(self.input))]

    def compute(self, inputs):
        idx = tuple(slice(s, None if e < 0 else e, t)
                    for s, e, t in zip(self.p("offset"), self.p("ends"), self.p("steps")))
        return [inputs[0][idx]]


@irdl_op_definition
class SplitOp(TopOp):
    """Cut the input along ``axis`` into pieces of ``split_size`` (one result each) (ONNX Split)."""

    name = "top.Split"
    input = operand_def()
    outputs = var_result_def()
    axis = prop_def(IntegerAttr)
    split_size = prop_def(DenseArrayBase)
    traits = traits_def(Pure())

    def infer_types(self):
        in_shape = shape_of(self.input)
        axis, sizes = self.p("axis"), self.p("split_size")
        _check_axis(self, axis, len(in_shape))
        if any(s < 0 for s in sizes) or sum(sizes) != in_shape[axis]:
            raise VerifyException(f"top.Split: sizes {list(sizes)} do not add up to dim {in_shape[axis]}")
        types = []
        for s in sizes:
            shape = list(in_shape)
            shape[axis] = s
            types.append(tensor_type(shape, dtype_of(self.input)))
        return types

    def compute(self, inputs):
        cuts = np.cumsum(self.p("split_size"))[:-1]
        return list(np.split(inputs[0], cuts, axis=self.p("axis")))


# ------------------------------------------------------------------------------ broadcasting


@irdl_op_definition
class TileOp(TopOp):
    """Repeat the input ``tile[i]`` times along each axis (ONNX Tile)."""

    name = "top.Tile"
    input = operand_def()
    output = result_def()
    tile = prop_def(DenseArrayBase)
    traits = traits_def(Pure())

    def infer_types(self):
        in_shape, tile = shape_of(self.input), self.p("tile")
        if len(tile) != len(in_shape) or any(t < 0 for t in tile):
            raise VerifyException(f"top.Tile: tile {list(tile)} does not fit rank {len(in_shape)}")
        return [tensor_type([d * t for d, t in zip(in_shape, tile)], dtype_of(self.input))]

    def compute(self, inputs):
        return [np.tile(inputs[0], self.p("tile"))]


@irdl_op_definition
class ExpandOp(TopOp):
    """Broadcast the input to ``shape``, the complete output shape (ONNX Expand)."""

    name = "top.Expand"
    input = operand_def()
    output = result_def()
    shape = prop_def(DenseArrayBase)
    traits = traits_def(Pure())

    def infer_types(self):
        shape = self.p("shape")
        out = broadcast_shapes(shape_of(self.input), shape)
        if tuple(out) != tuple(shape):
            raise VerifyException(f"top.Expand: {list(shape_of(self.input))} does not broadcast to {list(shape)}")
        return [tensor_type(shape, dtype_of(self.input))]

    def compute(self, inputs):
        return [np.array(np.broadcast_to(inputs[0], self.p("shape")))]


# ------------------------------------------------------------------------------ gathers


@irdl_op_definition
class GatherOp(TopOp):
    """Take slices of ``input`` along ``axis`` at ``indices`` (ONNX Gather).

    Output shape ``input[:axis] + indices.shape + input[axis+1:]`` (a scalar index drops the
    axis); negative indices count from the end.
    """

    name = "top.Gather"
    input = operand_def()
    indices = operand_def()
    output = result_def()
    axis = prop_def(IntegerAttr)
    traits = traits_def(Pure())

    def infer_types(self):
        in_shape, idx_shape, axis = shape_of(self.input), shape_of(self.indices), self.p("axis")
        _check_axis(self, axis, len(in_shape))
        _check_indices(self, 1)
        return [tensor_type(in_shape[:axis] + idx_shape + in_shape[axis + 1:], dtype_of(self.input))]

    def compute(self, inputs):
        x, idx = inputs
        return [np.take(x, idx.astype(np.int64), axis=self.p("axis"))]


@irdl_op_definition
class GatherElementsOp(TopOp):
    """``out[i][j][k] = input[index[i][j][k]][j][k]`` for ``axis = 0`` etc. (ONNX GatherElements).

    ``indices`` has the input's rank; the output has the indices' shape.
    """

    name = "top.GatherElements"
    input = operand_def()
    indices = operand_def()
    output = result_def()
    axis = prop_def(IntegerAttr)
    traits = traits_def(Pure())

    def infer_types(self):
        in_shape, idx_shape, axis = shape_of(self.input), shape_of(self.indices), self.p("axis")
        _check_axis(self, axis, len(in_shape))
        _check_indices(self, 1)
        if len(idx_shape) != len(in_shape):
            raise VerifyException(f"top.GatherElements: indices rank {len(idx_shape)} != input rank {len(in_shape)}")
        return [tensor_type(idx_shape, dtype_of(self.input))]

    def compute(self, inputs):
        x, idx = inputs
        axis = self.p("axis") % x.ndim
        # indices may be smaller than the data on the other axes (the output has their shape)
        x = x[tuple(slice(None) if d == axis else slice(0, n) for d, n in enumerate(idx.shape))]
        return [np.take_along_axis(x, idx.astype(np.int64), axis=axis)]


@irdl_op_definition
class GatherNDOp(TopOp):
    """Gather slices addressed by the last axis of ``indices`` after ``batch_dims`` shared
    leading axes (ONNX GatherND)."""

    name = "top.GatherND"
    input = operand_def()
    indices = operand_def()
    output = result_def()
    batch_dims = opt_prop_def(IntegerAttr)
    traits = traits_def(Pure())

    def infer_types(self):
        in_shape, idx_shape, b = shape_of(self.input), shape_of(self.indices), self.p("batch_dims", 0)
        _check_indices(self, 1)
        if not idx_shape or b < 0 or b >= min(len(in_shape), len(idx_shape)):
            raise VerifyException(f"top.GatherND: batch_dims {b} does not fit ranks {len(in_shape)}, {len(idx_shape)}")
        if in_shape[:b] != idx_shape[:b]:
            raise VerifyException(f"top.GatherND: batch dims {list(in_shape[:b])} and {list(idx_shape[:b])} differ")
        k = idx_shape[-1]
        if b + k > len(in_shape):
            raise VerifyException(f"top.GatherND: index depth {k} is too deep for {list(in_shape)}")
        return [tensor_type(idx_shape[:-1] + in_shape[b + k:], dtype_of(self.input))]

    def compute(self, inputs):
        x, idx = inputs
        b = self.p("batch_dims", 0)
        k = idx.shape[-1]
        nb = int(np.prod(x.shape[:b]))
        xr = x.reshape((nb,) + x.shape[b:])
        ir = idx.astype(np.int64).reshape((nb, -1, k))
        bi = np.broadcast_to(np.arange(nb)[:, None], ir.shape[:2])
        out = xr[(bi,) + tuple(ir[..., j] for j in range(k))]
        return [out.reshape(idx.shape[:-1] + x.shape[b + k:])]


_REDUCE = {"add": np.add, "mul": np.multiply, "max": np.maximum, "min": np.minimum}


def _scatter(out: np.ndarray, index: tuple, updates: np.ndarray, reduction: str) -> np.ndarray:
    if reduction == "none":
        out[index] = updates
    else:
        _REDUCE[reduction].at(out, index, updates)
    return out


class _Scatter(TopOp):
    """Common part of the scatters: ``input``, ``indices``, ``updates``, ``reduction``."""

    input = operand_def()
    indices = operand_def()
    updates = operand_def()
    output = result_def()
    reduction = opt_prop_def(StringAttr)
    traits = traits_def(Pure())
    REDUCTIONS: ClassVar[tuple[str, ...]] = ("none", "add", "mul", "max", "min")

    def _check_common(self):
        if self.p("reduction", "none") not in self.REDUCTIONS:
            raise VerifyException(f"{self.name}: unknown reduction '{self.p('reduction')}'")
        _check_indices(self, 1)
        if dtype_of(self.updates) != dtype_of(self.input):
            raise VerifyException(f"{self.name}: updates dtype {dtype_of(self.updates)} "
                                  f"!= input dtype {dtype_of(self.input)}")


@irdl_op_definition
class ScatterNDOp(_Scatter):
    """A copy of ``input`` with the slices addressed by the last axis of ``indices`` replaced
    (or combined by ``reduction``: none, add, mul, max, min) with ``updates`` (ONNX ScatterND)."""

    name = "top.ScatterND"

    def infer_types(self):
        self._check_common()
        in_shape, idx_shape, upd_shape = shape_of(self.input), shape_of(self.indices), shape_of(self.updates)
        if not idx_shape or idx_shape[-1] > len(in_shape):
            raise VerifyException(f"top.ScatterND: indices {list(idx_shape)} do not address {list(in_shape)}")
        want = idx_shape[:-1] + in_shape[idx_shape[-1]:]
        if upd_shape != want:
            raise VerifyException(f"top.ScatterND: updates shape {list(upd_shape)}, expected {list(want)}")
        return [self.input.type]

    def compute(self, inputs):
        x, idx, upd = inputs
        idx = idx.astype(np.int64)
        index = tuple(idx[..., j] for j in range(idx.shape[-1]))
        return [_scatter(x.copy(), index, upd, self.p("reduction", "none"))]


@irdl_op_definition
class ScatterElementsOp(_Scatter):
    """A copy of ``input`` with ``input[..., indices[i, j, k], ...] = updates[i, j, k]`` along
    ``axis`` (or combined by ``reduction``) (ONNX ScatterElements, Scatter)."""

    name = "top.ScatterElements"
    axis = prop_def(IntegerAttr)

    def infer_types(self):
        self._check_common()
        in_shape, idx_shape, upd_shape = shape_of(self.input), shape_of(self.indices), shape_of(self.updates)
        _check_axis(self, self.p("axis"), len(in_shape))
        if idx_shape != upd_shape or len(idx_shape) != len(in_shape):
            raise VerifyException(f"top.ScatterElements: indices {list(idx_shape)} and updates {list(upd_shape)} "
                                  f"must have one shape of the input's rank {len(in_shape)}")
        return [self.input.type]

    def compute(self, inputs):
        x, idx, upd = inputs
        axis = self.p("axis")
        idx = idx.astype(np.int64)
        idx = np.where(idx < 0, idx + x.shape[axis], idx)
        index = list(np.indices(idx.shape, sparse=True))
        index[axis] = idx
        return [_scatter(x.copy(), tuple(index), upd, self.p("reduction", "none"))]


# ---------------------------------------------------------------------------- pad and blocks


_PAD_MODES = {"constant", "reflect", "edge", "wrap"}


@irdl_op_definition
class PadOp(TopOp):
    """Pad (or, with negative amounts, crop) every axis (ONNX Pad).

    ``paddings`` holds ``rank`` begin amounts then ``rank`` end amounts; ``mode`` is constant
    (filled with ``val``), reflect, edge or wrap. Negative amounts crop first, then the
    positive ones pad the cropped tensor.
    """

    name = "top.Pad"
    input = operand_def()
    output = result_def()
    paddings = prop_def(DenseArrayBase)
    val = opt_prop_def(FloatAttr)
    mode = opt_prop_def(StringAttr)
    traits = traits_def(Pure())

    def infer_types(self):
        in_shape, pads = shape_of(self.input), self.p("paddings")
        r = len(in_shape)
        if len(pads) != 2 * r:
            raise VerifyException(f"top.Pad: paddings needs {2 * r} entries, got {len(pads)}")
        mode = self.p("mode", "constant")
        if mode not in _PAD_MODES:
            raise VerifyException(f"top.Pad: unknown mode '{mode}'")
        out = [d + pads[i] + pads[r + i] for i, d in enumerate(in_shape)]
        if any(d < 0 for d in out):
            raise VerifyException(f"top.Pad: paddings {list(pads)} crop {list(in_shape)} below zero")
        return [tensor_type(out, dtype_of(self.input))]

    def compute(self, inputs):
        x = inputs[0]
        pads = self.p("paddings")
        r = x.ndim
        begin, end = pads[:r], pads[r:]
        x = x[tuple(slice(max(-b, 0), d - max(-e, 0)) for d, b, e in zip(x.shape, begin, end))]
        width = [(max(b, 0), max(e, 0)) for b, e in zip(begin, end)]
        mode = self.p("mode", "constant")
        if mode == "constant":
            out = np.pad(x, width, mode="constant", constant_values=np.asarray(self.p("val", 0.0)).astype(x.dtype))
        else:
            out = np.pad(x, width, mode=mode)
        return [out.astype(x.dtype, copy=False)]


@irdl_op_definition
class Depth2SpaceOp(TopOp):
    """Move ``block_h x block_w`` blocks from channels to space on NCHW data (ONNX DepthToSpace),
    or back when ``is_inversed`` (ONNX SpaceToDepth). ``is_CRD`` selects column-row-depth
    channel order instead of depth-column-row (DCR)."""

    name = "top.Depth2Space"
    input = operand_def()
    output = result_def()
    block_h = prop_def(IntegerAttr)
    block_w = prop_def(IntegerAttr)
    is_CRD = opt_prop_def(IntegerAttr)  # noqa: N815 -- tpu-mlir's name
    is_inversed = opt_prop_def(IntegerAttr)
    traits = traits_def(Pure())

    def infer_types(self):
        in_shape = shape_of(self.input)
        bh, bw = self.p("block_h"), self.p("block_w")
        if len(in_shape) != 4:
            raise VerifyException(f"top.Depth2Space needs NCHW input, got {list(in_shape)}")
        if bh < 1 or bw < 1:
            raise VerifyException("top.Depth2Space: block sizes must be positive")
        n, c, h, w = in_shape
        if self.p("is_inversed", False):
            if h % bh or w % bw:
                raise VerifyException(f"top.Depth2Space: H, W of {list(in_shape)} not divisible by {bh}x{bw}")
            out = [n, c * bh * bw, h // bh, w // bw]
        else:
            if c % (bh * bw):
                raise VerifyException(f"top.Depth2Space: C of {list(in_shape)} not divisible by {bh}*{bw}")
            out = [n, c // (bh * bw), h * bh, w * bw]
        return [tensor_type(out, dtype_of(self.input))]

    def compute(self, inputs):
        x = inputs[0]
        n, c, h, w = x.shape
        bh, bw = self.p("block_h"), self.p("block_w")
        crd = self.p("is_CRD", False)
        if self.p("is_inversed", False):
            t = x.reshape(n, c, h // bh, bh, w // bw, bw)
            t = t.transpose(0, 1, 3, 5, 2, 4) if crd else t.transpose(0, 3, 5, 1, 2, 4)
            return [t.reshape(n, c * bh * bw, h // bh, w // bw)]
        if crd:
            t = x.reshape(n, c // (bh * bw), bh, bw, h, w).transpose(0, 1, 4, 2, 5, 3)
        else:
            t = x.reshape(n, bh, bw, c // (bh * bw), h, w).transpose(0, 3, 4, 1, 5, 2)
        return [t.reshape(n, c // (bh * bw), h * bh, w * bw)]


# ------------------------------------------------------------------------------- masks, misc


@irdl_op_definition
class TriluOp(TopOp):
    """Keep the upper (``upper = 1``) or lower triangle of the last two axes relative to
    diagonal ``diagonal``; zero the rest (ONNX Trilu)."""

    name = "top.Trilu"
    input = operand_def()
    output = result_def()
    upper = prop_def(IntegerAttr)
    diagonal = opt_prop_def(IntegerAttr)
    traits = traits_def(Pure())

    def infer_types(self):
        if len(shape_of(self.input)) < 2:
            raise VerifyException("top.Trilu needs an input of rank >= 2")
        return [self.input.type]

    def compute(self, inputs):
        k = self.p("diagonal", 0)
        fn = np.triu if self.p("upper") else np.tril
        return [fn(inputs[0], k)]


@irdl_op_definition
class NonZeroOp(TopOp):
    """Indices of the non-zero elements, shape ``[rank, count]`` in row-major order (ONNX NonZero).

    The count depends on the data, so this op only exists for constant folding; its
    ``infer_types`` reports the upper bound ``[rank, numel]``.
    """

    name = "top.NonZero"
    input = operand_def()
    output = result_def()
    traits = traits_def(Pure())
    DATA_DEPENDENT: ClassVar[bool] = True

    def infer_types(self):
        shape = shape_of(self.input)
        return [tensor_type([len(shape), int(np.prod(shape))], np.int64)]

    def compute(self, inputs):
        x = inputs[0]
        if x.ndim == 0:
            return [np.zeros((0, int(bool(x))), np.int64)]
        return [np.array(np.nonzero(x), dtype=np.int64).reshape(x.ndim, -1)]


@irdl_op_definition
class OneHotOp(TopOp):
    """One-hot encoding (ONNX OneHot): a new axis ``axis`` (non-negative, in the output) of
    size ``depth`` holds ``values[1]`` where it equals the index and ``values[0]`` elsewhere.

    Negative indices count from ``depth``; indices outside ``[-depth, depth)`` give all
    ``values[0]``, and so do non-integral float indices (as onnxruntime and the ONNX reference
    do). The result has the dtype of ``values``.
    """

    name = "top.OneHot"
    indices = operand_def()
    values = operand_def()
    output = result_def()
    depth = prop_def(IntegerAttr)
    axis = prop_def(IntegerAttr)
    traits = traits_def(Pure())

    def infer_types(self):
        idx_shape = list(shape_of(self.indices))
        if shape_of(self.values) != (2,):
            raise VerifyException(f"top.OneHot: values must have shape [2], got {list(shape_of(self.values))}")
        depth, axis = self.p("depth"), self.p("axis")
        if depth < 1:
            raise VerifyException(f"top.OneHot: depth {depth} must be positive")
        _check_axis(self, axis, len(idx_shape) + 1)
        return [tensor_type(idx_shape[:axis] + [depth] + idx_shape[axis:], dtype_of(self.values))]

    def compute(self, inputs):
        idx, values = inputs
        depth, axis = self.p("depth"), self.p("axis")
        idx = idx.astype(np.float64 if np.issubdtype(idx.dtype, np.floating) else np.int64)
        idx = np.where(idx < 0, idx + depth, idx)
        shape = [1] * (idx.ndim + 1)
        shape[axis] = depth
        hot = np.expand_dims(idx, axis) == np.arange(depth).reshape(shape)
        return [np.where(hot, values[1], values[0]).astype(values.dtype)]
