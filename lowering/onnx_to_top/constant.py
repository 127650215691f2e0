"""ONNX converters: constants and shape queries, all folded at import.

``Shape``/``Size`` of a static tensor, ``Constant``, ``ConstantOfShape`` and ``Range`` with
constant inputs become constants; ``Identity`` and inference-mode ``Dropout`` are aliases.
"""

from __future__ import annotations

import numpy as np
import onnx
from onnx import numpy_helper

from tpuc.lowering.onnx_to_top.registry import converter

MAX_FOLDED_ELEMENTS = 1 << 28  # a folded constant larger than 1 GiB of f32 is a bug or an attack


def _checked_size(ctx, shape) -> None:
    if any(int(d) < 0 for d in shape):
        raise ctx.error(f"negative dimension in shape {list(map(int, shape))}")
    if np.prod([int(d) for d in shape], dtype=np.float64) > MAX_FOLDED_ELEMENTS:
        raise ctx.error(f"shape {list(map(int, shape))} is too large to materialise")


@converter("Constant")
def convert_constant(ctx, node):
    attrs = node.attrs
    if "value" in attrs:
        val = attrs["value"]
    elif "value_float" in attrs:
        val = np.array(attrs["value_float"], np.float32)
    elif "value_floats" in attrs:
        val = np.array(attrs["value_floats"], np.float32)
    elif "value_int" in attrs:
        val = np.array(attrs["value_int"], np.int64)
    elif "value_ints" in attrs:
        val = np.array(attrs["value_ints"], np.int64)
    else:
        raise ctx.error(f"unsupported Constant attribute(s): {', '.join(attrs) or 'none'}")
    ctx.set_const(node.outputs[0], np.asarray(val))


@converter("ConstantOfShape")
def convert_constant_of_shape(ctx, node):
    shape = ctx.need_const(node.input(0), "the shape input").astype(np.int64).reshape(-1)
    _checked_size(ctx, shape)
    value = node.attr("value")
    value = np.zeros(1, np.float32) if value is None else np.asarray(value).reshape(-1)
    ctx.set_const(node.outputs[0], np.full(tuple(shape), value[0], dtype=value.dtype))


@converter("Shape")
def convert_shape(ctx, node):
    shape = np.array(ctx.shape(node.input(0)), np.int64)
    rank = len(shape)
    start = node.attr("start", 0)
    end = node.attr("end", rank)
    start = max(0, min(rank, start + rank if start < 0 else start))
    end = max(0, min(rank, end + rank if end < 0 else end))
    ctx.set_const(node.outputs[0], shape[start:end])


@converter("Size")
def convert_size(ctx, node):
    ctx.set_const(node.outputs[0], np.array(int(np.prod(ctx.shape(node.input(0)))), np.int64))


@converter("Identity")
def convert_identity(ctx, node):
    ctx.alias(node.outputs[0], node.input(0))


@converter("Dropout")
def convert_dropout(ctx, node):
    """Inference: Dropout is the identity; the optional mask output is all true.

    Requires ``training_mode`` (opset >= 12 input) absent or constant false.
    """
    if node.input(2):
        mode = ctx.const(node.input(2))
        if mode is None or bool(np.asarray(mode).reshape(-1)[0]):
            raise ctx.error("Dropout in training mode is not supported (tpuc compiles inference)")
    ctx.alias(node.outputs[0], node.input(0))
    if len(node.outputs) > 1 and node.outputs[1]:
        ctx.set_const(node.outputs[1], np.ones(ctx.shape(node.input(0)), np.bool_))


@converter("Range")
def convert_range(ctx, node):
    vals = []
    for i, what in enumerate(("start", "limit", "delta")):
        v = ctx.need_const(node.input(i), what)
        if v.size != 1:
            raise ctx.error(f"{what} must be a scalar, got shape {list(v.shape)}")
        vals.append(v.reshape(()))
    start, limit, delta = vals
    if delta == 0:
        raise ctx.error("delta is 0")
    with np.errstate(all="ignore"):
        count = np.ceil((limit - start) / delta)
    if not np.isfinite(count):
        raise ctx.error(f"Range({start}, {limit}, {delta}) has no finite length")
    n = max(int(count), 0)
    _checked_size(ctx, [n])
    ctx.set_const(node.outputs[0], (start + np.arange(n) * delta).astype(start.dtype))


@converter("EyeLike")
def convert_eye_like(ctx, node):
    shape = ctx.shape(node.input(0))
    if len(shape) != 2:
        raise ctx.error("EyeLike needs a 2-D input")
    dtype = node.attr("dtype")
    dt = ctx.dtype(node.input(0)) if dtype is None else np.dtype(onnx.helper.tensor_dtype_to_np_dtype(dtype))
    ctx.set_const(node.outputs[0], np.eye(shape[0], shape[1], k=node.attr("k", 0), dtype=dt))


_ = numpy_helper
