"""ONNX converters: shape and data movement.

Every shape-like operand (Reshape/Expand shapes, Slice bounds, Split sizes, Tile repeats, Pad
amounts, Squeeze/Unsqueeze axes, OneHot depth/values, Compress condition) must be a constant
after shape folding; the converters normalise ONNX's conventions (negative axes, 0/-1 reshape
dims, clamped or INT64_MAX slice bounds, omitted axes/steps, opset-dependent attribute vs
input forms) into the static properties of the Top ops. Index tensors stay operands.
"""

from __future__ import annotations

import numpy as np

from tpuc.dialects.top.ops import shape as S
from tpuc.lowering.onnx_to_top.registry import converter

# ------------------------------------------------------------------------------------ helpers


def _axis(ctx, axis: int, rank: int, what: str = "axis") -> int:
    """``axis`` in ``[-rank, rank)`` -> ``[0, rank)``; anything else is a CompileError."""
    axis = int(axis)
    if not -rank <= axis < rank:
        raise ctx.error(f"{what} {axis} is out of range for rank {rank}")
    return axis + rank if axis < 0 else axis


def _ints(ctx, name: str, what: str) -> list[int]:
    """A constant 1-D (or scalar) integer input as a list of Python ints."""
    return [int(v) for v in np.asarray(ctx.need_const(name, what)).reshape(-1)]


def _opt_ints(ctx, node, i: int, what: str) -> list[int] | None:
    """Optional constant integer input ``i`` (``None`` when absent)."""
    name = node.input(i)
    return _ints(ctx, name, what) if name else None


def _scalar(ctx, name: str, what: str):
    v = np.asarray(ctx.need_const(name, what))
    if v.size != 1:
        raise ctx.error(f"{what} must have one element, got shape {list(v.shape)}")
    return v.reshape(()).item()


# ----------------------------------------------------------------------------- reshaping


def resolve_reshape(ctx, in_shape, shape, allowzero: bool) -> list[int]:
    """ONNX Reshape's target (with 0 = copy, -1 = infer) -> the complete output shape."""
    out, infer = [], None
    for i, s in enumerate(shape):
        if s == 0 and not allowzero:
            if i >= len(in_shape):
                raise ctx.error(f"shape {list(shape)} copies dim {i} (0) but the input {list(in_shape)} "
                                f"has rank {len(in_shape)}")
            out.append(int(in_shape[i]))
        elif s == -1:
            if infer is not None:
                raise ctx.error(f"shape {list(shape)} has more than one -1")
            infer = i
            out.append(1)
        elif s < -1:
            raise ctx.error(f"shape {list(shape)} has an invalid dimension {s}")
        else:
            out.append(int(s))
    total = int(np.prod(in_shape, dtype=np.int64))
    if infer is not None:
        known = int(np.prod(out, dtype=np.int64))
        if known == 0 or total % known:
            raise ctx.error(f"cannot reshape {list(in_shape)} into {list(shape)}")
        out[infer] = total // known
    if int(np.prod(out, dtype=np.int64)) != total:
        raise ctx.error(f"cannot reshape {list(in_shape)} ({total} elements) into {list(shape)}")
    return out


@converter("Reshape")
def convert_reshape(ctx, node):
    """Reshape -> top.Reshape with the resolved shape; the shape input must be constant,
    ``allowzero`` (opset 14) keeps literal zeros."""
    x = node.input(0)
    shape = _ints(ctx, node.input(1), "the shape input")
    out = resolve_reshape(ctx, ctx.shape(x), shape, bool(node.attr("allowzero", 0)))
    ctx.emit(S.ReshapeOp, [x], {"shape": out}, outs=node.outputs[0])


@converter("Flatten")
def convert_flatten(ctx, node):
    """Flatten -> top.Reshape to ``[prod(dims[:axis]), prod(dims[axis:])]`` (axis may be negative)."""
    x = node.input(0)
    in_shape = ctx.shape(x)
    r = len(in_shape)
    axis = int(node.attr("axis", 1))
    if not -r <= axis <= r:
        raise ctx.error(f"axis {axis} is out of range for rank {r}")
    axis = axis + r if axis < 0 else axis
    out = [int(np.prod(in_shape[:axis], dtype=np.int64)), int(np.prod(in_shape[axis:], dtype=np.int64))]
    ctx.emit(S.ReshapeOp, [x], {"shape": out}, outs=node.outputs[0])


@converter("Transpose")
def convert_transpose(ctx, node):
    """Transpose -> top.Permute; ``perm`` defaults to the reversed axes."""
    x = node.input(0)
    r = len(ctx.shape(x))
    perm = node.attr("perm")
    perm = list(range(r))[::-1] if perm is None else [int(p) for p in perm]
    perm = [p + r if p < 0 else p for p in perm]
    if sorted(perm) != list(range(r)):
        raise ctx.error(f"perm {perm} is not a permutation of rank {r}")
    ctx.emit(S.PermuteOp, [x], {"order": perm}, outs=node.outputs[0])


@converter("Squeeze")
def convert_squeeze(ctx, node):
    """Squeeze -> top.Squeeze; axes from the attribute (opset < 13) or the optional constant
    input; without axes every size-1 axis goes."""
    x = node.input(0)
    shape = ctx.shape(x)
    axes = node.attr("axes") if node.opset < 13 else _opt_ints(ctx, node, 1, "the axes input")
    if axes is None:
        axes = [i for i, d in enumerate(shape) if d == 1]
    axes = sorted({_axis(ctx, a, len(shape)) for a in axes})
    for a in axes:
        if shape[a] != 1:
            raise ctx.error(f"cannot squeeze axis {a} of shape {list(shape)}: it is not 1")
    ctx.emit(S.SqueezeOp, [x], {"axes": axes}, outs=node.outputs[0])


@converter("Unsqueeze")
def convert_unsqueeze(ctx, node):
    """Unsqueeze -> top.Unsqueeze; axes (attribute before opset 13, constant input from 13)
    index the output and may be negative."""
    x = node.input(0)
    axes = node.attr("axes") if node.opset < 13 else _ints(ctx, node.input(1), "the axes input")
    if axes is None:
        raise ctx.error("Unsqueeze has no axes")
    rank = len(ctx.shape(x)) + len(axes)
    norm = sorted(_axis(ctx, a, rank) for a in axes)
    if len(set(norm)) != len(norm):
        raise ctx.error(f"axes {list(axes)} repeat an axis")
    ctx.emit(S.UnsqueezeOp, [x], {"axes": norm}, outs=node.outputs[0])


# ----------------------------------------------------------------------- joining, splitting


@converter("Concat")
def convert_concat(ctx, node):
    """Concat -> top.Concat (negative axis allowed); one input is an alias."""
    ins = [x for x in node.inputs if x]
    if not ins:
        raise ctx.error("Concat has no inputs")
    if node.attr("axis") is None:
        raise ctx.error("Concat needs an axis")
    axis = _axis(ctx, node.attr("axis"), len(ctx.shape(ins[0])))
    if len(ins) == 1:
        ctx.alias(node.outputs[0], ins[0])
        return
    ctx.emit(S.ConcatOp, ins, {"axis": axis}, outs=node.outputs[0])


def normalize_slice(dim: int, start: int, end: int, step: int) -> tuple[int, int]:
    """ONNX's clamping of one axis' ``start``/``end`` (see top.Slice for the result's range)."""
    if dim == 0:
        return 0, 0
    if start < 0:
        start += dim
    if end < 0:
        end += dim
    if step > 0:
        return max(0, min(start, dim)), max(0, min(end, dim))
    return max(0, min(start, dim - 1)), max(-1, min(end, dim - 1))


@converter("Slice")
def convert_slice(ctx, node):
    """Slice -> top.Slice with full per-axis offset/ends/steps. Bounds are attributes before
    opset 10 and constant inputs from 10 (``axes``/``steps`` optional); negative, clamped and
    INT64_MAX bounds and negative steps follow ONNX."""
    x = node.input(0)
    shape = ctx.shape(x)
    r = len(shape)
    if node.opset < 10:
        starts, ends, axes, steps = node.attr("starts"), node.attr("ends"), node.attr("axes"), None
        if starts is None or ends is None:
            raise ctx.error("Slice needs starts and ends")
    else:
        starts = _ints(ctx, node.input(1), "the starts input")
        ends = _ints(ctx, node.input(2), "the ends input")
        axes = _opt_ints(ctx, node, 3, "the axes input")
        steps = _opt_ints(ctx, node, 4, "the steps input")
    axes = list(range(len(starts))) if axes is None else list(axes)
    steps = [1] * len(starts) if steps is None else list(steps)
    if not len(starts) == len(ends) == len(axes) == len(steps):
        raise ctx.error("starts/ends/axes/steps differ in length "
                        f"({len(starts)}, {len(ends)}, {len(axes)}, {len(steps)})")
    offset, endv, stepv = [0] * r, list(shape), [1] * r
    seen = set()
    for a, s, e, t in zip(axes, starts, ends, steps):
        a = _axis(ctx, a, r)
        if a in seen:
            raise ctx.error(f"axis {a} is sliced twice")
        seen.add(a)
        if int(t) == 0:
            raise ctx.error("a slice step is 0")
        offset[a], endv[a] = normalize_slice(shape[a], int(s), int(e), int(t))
        stepv[a] = int(t)
    ctx.emit(S.SliceOp, [x], {"offset": offset, "ends": endv, "steps": stepv}, outs=node.outputs[0])


@converter("Split")
def convert_split(ctx, node):
    """Split -> top.Split (one result per output). Sizes come from the ``split`` attribute
    (before opset 13), the constant ``split`` input (13+), ``num_outputs`` (18+, the last
    chunk may be smaller) or an even split over the outputs."""
    x = node.input(0)
    shape = ctx.shape(x)
    axis = _axis(ctx, node.attr("axis", 0), len(shape))
    dim = shape[axis]
    n_out = len(node.outputs)
    sizes = node.attr("split") if node.opset < 13 else _opt_ints(ctx, node, 1, "the split input")
    if sizes is None or len(sizes) == 0:
        num = node.attr("num_outputs") if node.opset >= 18 else None
        if num is not None:
            if num != n_out:
                raise ctx.error(f"num_outputs {num} but the node has {n_out} outputs")
            chunk = -(-dim // num)
            sizes = [chunk] * (num - 1) + [dim - chunk * (num - 1)]
            if sizes[-1] < 0:
                raise ctx.error(f"cannot split dim {dim} into {num} chunks of {chunk}")
        else:
            if dim % n_out:
                raise ctx.error(f"cannot split dim {dim} evenly into {n_out} outputs")
            sizes = [dim // n_out] * n_out
    sizes = [int(s) for s in sizes]
    if len(sizes) != n_out:
        raise ctx.error(f"split {sizes} has {len(sizes)} entries for {n_out} outputs")
    if any(s < 0 for s in sizes) or sum(sizes) != dim:
        raise ctx.error(f"split {sizes} does not add up to dim {dim}")
    outs = [o or ctx.fresh(f"{node.outputs[0] or node.name}_split{i}") for i, o in enumerate(node.outputs)]
    ctx.emit(S.SplitOp, [x], {"axis": axis, "split_size": sizes}, outs=outs)


# ------------------------------------------------------------------------------ broadcasting


@converter("Tile")
def convert_tile(ctx, node):
    """Tile -> top.Tile; ``repeats`` must be constant with one non-negative entry per axis."""
    x = node.input(0)
    reps = _ints(ctx, node.input(1), "the repeats input")
    if len(reps) != len(ctx.shape(x)) or any(t < 0 for t in reps):
        raise ctx.error(f"repeats {reps} do not fit the input shape {list(ctx.shape(x))}")
    ctx.emit(S.TileOp, [x], {"tile": reps}, outs=node.outputs[0])


@converter("Expand")
def convert_expand(ctx, node):
    """Expand -> top.Expand to the bidirectional broadcast of the input and the constant shape."""
    x = node.input(0)
    shape = _ints(ctx, node.input(1), "the shape input")
    try:
        out = [int(d) for d in np.broadcast_shapes(tuple(ctx.shape(x)), tuple(shape))]
    except ValueError:
        raise ctx.error(f"input shape {list(ctx.shape(x))} does not broadcast with {shape}") from None
    ctx.emit(S.ExpandOp, [x], {"shape": out}, outs=node.outputs[0])


# ------------------------------------------------------------------------------ gathers


def _check_const_indices(ctx, name: str, dim: int) -> None:
    idx = ctx.const(name)
    if idx is not None and idx.size and (idx.min() < -dim or idx.max() >= dim):
        raise ctx.error(f"indices out of range [-{dim}, {dim - 1}]: min {idx.min()}, max {idx.max()}")


@converter("Gather")
def convert_gather(ctx, node):
    """Gather -> top.Gather along a (possibly negative) axis; indices may be runtime values
    (embedding lookups) and negative."""
    x, idx = node.input(0), node.input(1)
    shape = ctx.shape(x)
    axis = _axis(ctx, node.attr("axis", 0), len(shape))
    _check_const_indices(ctx, idx, shape[axis])
    ctx.emit(S.GatherOp, [x, idx], {"axis": axis}, outs=node.outputs[0])


@converter("GatherElements")
def convert_gather_elements(ctx, node):
    """GatherElements -> top.GatherElements (negative axis and indices allowed)."""
    x, idx = node.input(0), node.input(1)
    shape = ctx.shape(x)
    axis = _axis(ctx, node.attr("axis", 0), len(shape))
    _check_const_indices(ctx, idx, shape[axis])
    ctx.emit(S.GatherElementsOp, [x, idx], {"axis": axis}, outs=node.outputs[0])


@converter("GatherND")
def convert_gather_nd(ctx, node):
    """GatherND -> top.GatherND with ``batch_dims`` (opset 12+)."""
    b = int(node.attr("batch_dims", 0))
    ctx.emit(S.GatherNDOp, [node.input(0), node.input(1)], {"batch_dims": b or None}, outs=node.outputs[0])


def _reduction(ctx, node) -> str | None:
    red = node.attr("reduction", "none")
    if red not in S.ScatterNDOp.REDUCTIONS:
        raise ctx.error(f"unsupported reduction '{red}'")
    return None if red == "none" else red


@converter("ScatterND")
def convert_scatter_nd(ctx, node):
    """ScatterND -> top.ScatterND; ``reduction`` none/add/mul (16+), max/min (18+)."""
    ctx.emit(S.ScatterNDOp, node.inputs[:3], {"reduction": _reduction(ctx, node)}, outs=node.outputs[0])


@converter("ScatterElements", "Scatter")
def convert_scatter_elements(ctx, node):
    """ScatterElements (and the deprecated Scatter) -> top.ScatterElements with a
    non-negative axis and ``reduction`` none/add/mul/max/min."""
    axis = _axis(ctx, node.attr("axis", 0), len(ctx.shape(node.input(0))))
    _check_const_indices(ctx, node.input(1), ctx.shape(node.input(0))[axis])
    ctx.emit(S.ScatterElementsOp, node.inputs[:3], {"axis": axis, "reduction": _reduction(ctx, node)},
             outs=node.outputs[0])


# ---------------------------------------------------------------------------- pad and blocks


@converter("Pad")
def convert_pad(ctx, node):
    """Pad -> top.Pad. Amounts and value are attributes before opset 11 and constant inputs
    from 11; opset 18 ``axes`` selects the padded axes; negative amounts crop. Modes
    constant, reflect, edge and wrap (19+)."""
    x = node.input(0)
    r = len(ctx.shape(x))
    mode = node.attr("mode", "constant")
    if node.opset < 11:
        pads = node.attr("pads")
        value = float(node.attr("value", 0.0))
        axes = None
        if pads is None:
            raise ctx.error("Pad has no pads")
    else:
        pads = _ints(ctx, node.input(1), "the pads input")
        value = _scalar(ctx, node.input(2), "the constant_value input") if node.input(2) else 0
        axes = _opt_ints(ctx, node, 3, "the axes input") if node.opset >= 18 else None
    if mode not in ("constant", "reflect", "edge", "wrap"):
        raise ctx.error(f"unsupported pad mode '{mode}'")
    axes = list(range(r)) if axes is None else [_axis(ctx, a, r) for a in axes]
    if len(pads) != 2 * len(axes):
        raise ctx.error(f"pads {list(pads)} need {2 * len(axes)} entries")
    full = [0] * (2 * r)
    for i, a in enumerate(axes):
        full[a], full[r + a] = int(pads[i]), int(pads[len(axes) + i])
    props = {"paddings": full, "mode": mode, "val": float(value) if mode == "constant" else None}
    ctx.emit(S.PadOp, [x], props, outs=node.outputs[0])


@converter("DepthToSpace")
def convert_depth_to_space(ctx, node):
    """DepthToSpace -> top.Depth2Space (DCR or CRD mode)."""
    mode = node.attr("mode", "DCR")
    if mode not in ("DCR", "CRD"):
        raise ctx.error(f"unsupported mode '{mode}'")
    bs = int(node.attr("blocksize"))
    props = {"block_h": bs, "block_w": bs, "is_CRD": True if mode == "CRD" else None}
    ctx.emit(S.Depth2SpaceOp, [node.input(0)], props, outs=node.outputs[0])


@converter("SpaceToDepth")
def convert_space_to_depth(ctx, node):
    """SpaceToDepth -> top.Depth2Space with ``is_inversed`` (DCR order; CRD if ``mode`` says so)."""
    mode = node.attr("mode", "DCR")
    if mode not in ("DCR", "CRD"):
        raise ctx.error(f"unsupported mode '{mode}'")
    bs = int(node.attr("blocksize"))
    props = {"block_h": bs, "block_w": bs, "is_CRD": True if mode == "CRD" else None, "is_inversed": True}
    ctx.emit(S.Depth2SpaceOp, [node.input(0)], props, outs=node.outputs[0])


# ------------------------------------------------------------------------------- masks, misc


@converter("Trilu")
def convert_trilu(ctx, node):
    """Trilu -> top.Trilu; the optional diagonal ``k`` must be constant."""
    k = int(_scalar(ctx, node.input(1), "the k input")) if node.input(1) else 0
    props = {"upper": bool(node.attr("upper", 1)), "diagonal": k or None}
    ctx.emit(S.TriluOp, [node.input(0)], props, outs=node.outputs[0])


@converter("NonZero")
def convert_nonzero(ctx, node):
    """NonZero folds on a constant input; on runtime data its shape is unknown (an error)."""
    ctx.emit(S.NonZeroOp, [node.input(0)], outs=node.outputs[0])


@converter("OneHot")
def convert_one_hot(ctx, node):
    """OneHot -> top.OneHot; ``depth`` and ``values`` must be constant, indices may be runtime."""
    idx = node.input(0)
    depth = _scalar(ctx, node.input(1), "the depth input")
    depth = int(np.trunc(depth))
    if depth < 1:
        raise ctx.error(f"depth {depth} must be positive")
    values = np.asarray(ctx.need_const(node.input(2), "the values input")).reshape(-1)
    if values.size != 2:
        raise ctx.error(f"values must hold [off, on], got {values.size} elements")
    r = len(ctx.shape(idx))
    axis = int(node.attr("axis", -1))
    if not -(r + 1) <= axis <= r:
        raise ctx.error(f"axis {axis} is out of range for output rank {r + 1}")
    axis = axis + r + 1 if axis < 0 else axis
    ctx.emit(S.OneHotOp, [idx, values], {"depth": depth, "axis": axis}, outs=node.outputs[0])


@converter("Compress")
def convert_compress(ctx, node):
    """Compress with a constant condition -> top.Gather of the selected positions (after a
    flattening top.Reshape when there is no axis)."""
    x = node.input(0)
    cond = np.asarray(ctx.need_const(node.input(1), "the condition input")).reshape(-1).astype(bool)
    shape = ctx.shape(x)
    axis = node.attr("axis")
    if axis is None:
        n = int(np.prod(shape, dtype=np.int64))
        if len(shape) != 1:
            x = ctx.emit(S.ReshapeOp, [x], {"shape": [n]}, outs=ctx.fresh(node.outputs[0] + "_flat"))[0]
        axis, dim = 0, n
    else:
        axis = _axis(ctx, axis, len(shape))
        dim = shape[axis]
    idx = np.flatnonzero(cond).astype(np.int64)
    if idx.size and idx[-1] >= dim:
        raise ctx.error(f"condition selects index {idx[-1]} beyond dim {dim}")
    ctx.emit(S.GatherOp, [x, idx], {"axis": axis}, outs=node.outputs[0])

