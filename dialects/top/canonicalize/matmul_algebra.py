"""MatMul algebra (the seed's "basic algebraic simplification" and the attention scale fold).

A *projection* is ``MatMul(x, W[, b])`` with weight ``W`` (at least 2-D) and a weight or no bias,
without ``output_transpose``/``hdim_is_batch`` (so the last result axis is ``W``'s column axis),
or the unfused ``Add(MatMul(x, W), B)`` with a weight ``B`` (the MatMul single-use). Its
*columns* are the last axis of its result ``M``. Scaling column ``j`` of ``W`` and of the bias by
``s_j`` scales column ``j`` of ``M``.

* ``ScaleIntoProjection``: ``Mul(v, C)`` / ``Div(v, C)`` with a weight ``C`` -> ``v`` with the
  scale folded into the projection that ``v`` is a data-movement view of (Reshape, Permute,
  Squeeze, Unsqueeze, Slice, Split; possibly none). Covers the seed's ``Mul(Add(MatMul(x, W), B),
  C) -> MatMul(x, W C) + B C`` and attention's ``q * scale`` where ``q`` is a Slice/Split of a
  fused qkv projection (only the q columns are scaled). Preconditions, checked by tracing every
  element's column through the views (numpy on an index tensor, ``M`` up to 2^24 elements):
  ``C`` finite, non-zero (and > 0 if the MatMul has ``do_relu``), not broadcasting ``v``; every
  element of ``v`` in one column gets the same factor (``C`` per column or scalar: broadcasting
  over rows is rejected); every other consumer of ``M`` and of the views (graph outputs
  included) reads none of the scaled columns.
* ``ScaleThroughMatMul``: ``Mul/Div(MatMul(a, b), c)`` with a uniform (scalar-like) ``c`` ->
  ``MatMul(a', b)`` where ``a' = a * c`` is folded into ``a``'s projection as above (else
  ``b``'s) -- the ``Div`` after ``QK^T`` in BERT/CLIP-style attention. Requires the attention
  MatMul single-use, without bias or ``do_relu``.
* ``ScaleIntoSummedProjections``: ``Div(Add(MatMul(a, W1, b1), MatMul(c, W2, b2)), C)`` (or Mul)
  -> ``Add(MatMul(a, W1 C', ..), MatMul(c, W2 C', ..))``: the seed's "Add(MatMul, MatMul) + Div",
  the factor distributed over both projections. Requires both MatMuls and the Add single-use,
  ``C`` per column or scalar, and both products to have the Add's columns.
* ``SharedMatMulBias``: ``y1 = MatMul(a, B, C1)``, ``y2 = MatMul(a, B, C2)`` (same ``a``, the same
  or an equal weight ``B``, same flags, weight or no biases) -> ``y2 = Add(y1, C2 - C1)``: one
  MatMul instead of two (the seed's "MatMul + Add + (Add, Add)"). The later MatMul is rewritten.
  Not with ``do_relu``, nor when both biases are absent (that is plain CSE).
* ``GatheredTableMatMul``: ``MatMul(Gather(T, idx, axis 0), W[, b]) -> Gather(T W + b, idx)`` for
  2-D weights ``T``, ``W`` (the seed's "pos_embedding -> Slice -> MatMul": the table is
  precomputed, the lookup stays). Requires the Gather single-use, no transpose flags except
  ``right_transpose``, ``keep_dims`` and the new table no larger than ``T``. (The seed's
  ``Slice(table) -> MatMul`` with static bounds is plain constant folding in Top.)

All are exact up to floating-point rounding (the product is reassociated). Values that now hold
scaled data are renamed ``<name>_scaled`` (they no longer equal their ONNX tensors); the value
that replaces the Mul/Div takes its name.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from xdsl.ir import Operation, SSAValue
from xdsl.pattern_rewriter import PatternRewriter, RewritePattern, op_type_rewrite_pattern

from tpuc.dialects.top.base import (
    TopOp,
    broadcast_shapes,
    dtype_of,
    is_float,
    is_none,
    name_of,
    result_names,
    set_name,
    shape_of,
)
from tpuc.dialects.top.canonicalize.common import (
    is_weight,
    new_op,
    new_weight,
    single_use,
    weight_value,
)
from tpuc.dialects.top.ops import elementwise as E
from tpuc.dialects.top.ops.nn import MatMulOp
from tpuc.dialects.top.ops.shape import GatherOp, PermuteOp, ReshapeOp, SliceOp, SplitOp, SqueezeOp, UnsqueezeOp

_VIEWS = (ReshapeOp, PermuteOp, SqueezeOp, UnsqueezeOp, SliceOp, SplitOp)
MAX_TRACE_ELEMENTS = 1 << 24
_MAX_CHAIN = 16


# ------------------------------------------------------------------------------- projections


@dataclass
class Projection:
    mm: MatMulOp
    add: E.AddOp | None  # the unfused Add(MatMul, B) form
    w: np.ndarray
    bias: np.ndarray | None
    add_const: np.ndarray | None

    @property
    def out(self) -> SSAValue:
        return (self.add or self.mm).output


def _usable_matmul(mm: MatMulOp) -> bool:
    return not mm.p("output_transpose", False) and not mm.p("hdim_is_batch", False) \
        and is_float(dtype_of(mm.output))


def projection_of(value: SSAValue) -> Projection | None:
    op = value.owner
    add = None
    if isinstance(op, E.AddOp):
        if len(op.inputs) != 2 or op.p("do_relu", False):
            return None
        for m, c in ((op.inputs[0], op.inputs[1]), (op.inputs[1], op.inputs[0])):
            if isinstance(m.owner, MatMulOp) and is_none(m.owner.bias) and single_use(m) and is_weight(c):
                break
        else:
            return None
        add_const = weight_value(c)
        if add_const is None or shape_of(op.output) != shape_of(m):
            return None
        add, op = op, m.owner
    else:
        add_const = None
    if not isinstance(op, MatMulOp) or not _usable_matmul(op):
        return None
    w = weight_value(op.right)
    if w is None or w.ndim < 2:
        return None
    bias = None
    if not is_none(op.bias):
        bias = weight_value(op.bias)
        if bias is None:
            return None
    return Projection(op, add, w, bias, add_const)


def _view_source(value: SSAValue) -> Projection | None:
    """The projection ``value`` is a view of (through at most ``_MAX_CHAIN`` view ops)."""
    for _ in range(_MAX_CHAIN):
        proj = projection_of(value)
        if proj is not None:
            return proj
        op = value.owner
        if not isinstance(op, _VIEWS):
            return None
        value = op.input
    return None


def _trace(proj: Projection) -> tuple[dict[SSAValue, np.ndarray], list[tuple[Operation, int, SSAValue]]] | None:
    """Column index of every element of ``M`` and of every view of it; the consumers (sinks)."""
    m = proj.out
    shape = shape_of(m)
    if int(np.prod(shape)) > MAX_TRACE_ELEMENTS or not shape:
        return None
    cols = {m: np.broadcast_to(np.arange(shape[-1], dtype=np.int32), shape)}
    sinks: list[tuple[Operation, int, SSAValue]] = []
    stack = [m]
    while stack:
        v = stack.pop()
        for use in list(v.uses):
            user = use.operation
            if isinstance(user, _VIEWS) and use.index == 0:
                for r, arr in zip(user.results, user.compute([cols[v]])):
                    cols[r] = np.asarray(arr)
                    stack.append(r)
            else:
                sinks.append((user, use.index, v))
    return cols, sinks


def _columns(cols: np.ndarray, n: int) -> np.ndarray:
    """The set of column indices in ``cols`` as a bool mask of length ``n``."""
    mask = np.zeros(n, dtype=bool)
    mask[np.asarray(cols).reshape(-1)] = True
    return mask


@dataclass
class ScalePlan:
    proj: Projection
    colscale: np.ndarray  # per column of M (1 where unscaled)
    scaled: np.ndarray  # bool per column of M
    cols: dict[SSAValue, np.ndarray]
    target: SSAValue  # the view the sink reads


def plan_scale(sink: Operation, index: int, factor: np.ndarray) -> ScalePlan | None:
    """A plan to multiply operand ``index`` of ``sink`` by ``factor`` (broadcast to it) by
    scaling its projection's columns, or None when that is not exact."""
    value = sink.operands[index]
    proj = _view_source(value)
    if proj is None:
        return None
    traced = _trace(proj)
    if traced is None:
        return None
    cols, sinks = traced
    if value not in cols:
        return None
    try:
        fac = np.broadcast_to(np.asarray(factor, dtype=np.float64), shape_of(value))
    except ValueError:
        return None
    n = shape_of(proj.out)[-1]
    flat_cols, flat_fac = cols[value].reshape(-1), fac.reshape(-1)
    colscale = np.ones(n, dtype=np.float64)
    colscale[flat_cols] = flat_fac
    if not np.array_equal(colscale[flat_cols], flat_fac):
        return None  # one column would need two different factors
    scaled = _columns(flat_cols, n)
    for user, i, v in sinks:
        if user is sink and i == index:
            continue
        if np.any(scaled & _columns(cols[v], n)):
            return None  # another consumer reads a column that would change
    if not np.all(np.isfinite(colscale)) or np.any(colscale == 0):
        return None
    if proj.mm.p("do_relu", False) and np.any(colscale < 0):
        return None
    return ScalePlan(proj, colscale, scaled, cols, value)


def _scaled_name(name: str) -> str:
    return name if name.endswith("_scaled") else f"{name}_scaled"


def _rename_result(value: SSAValue, new: str) -> None:
    op = value.owner
    names = result_names(op) or [""] * len(op.results)
    names[value.index] = new
    set_name(op, names if len(names) > 1 else names[0])


def apply_scale(rewriter: PatternRewriter, plan: ScalePlan, final_name: str | None) -> SSAValue:
    """Rewrite the projection with scaled weights and rename every view that now holds scaled
    data ``<name>_scaled``; the target view is named ``final_name`` when given. Returns the
    (possibly new) target value."""
    proj = plan.proj
    mm = proj.mm
    col_axis = -2 if mm.p("right_transpose", False) else -1
    shape = [1] * proj.w.ndim
    shape[col_axis] = -1
    w_new = (proj.w * plan.colscale.reshape(shape)).astype(proj.w.dtype)
    w_val = new_weight(rewriter, mm, _scaled_name(name_of(mm.right.owner)), w_new)
    bias_val = mm.bias
    if proj.bias is not None:
        b_new = (proj.bias * plan.colscale).astype(proj.bias.dtype)
        bias_val = new_weight(rewriter, mm, _scaled_name(name_of(mm.bias.owner)), b_new)
    target_is_m = plan.target is proj.out
    m_name = final_name if (target_is_m and final_name) else None
    mm_name = m_name if proj.add is None and m_name else _scaled_name(name_of(mm))
    new_mm = new_op(rewriter, MatMulOp, [mm.input, w_val, bias_val], dict(mm.properties), mm_name, before=mm)
    out = new_mm.output
    if proj.add is not None:
        add = proj.add
        c_new = (proj.add_const * plan.colscale).astype(proj.add_const.dtype)
        c_val = new_weight(rewriter, add, f"{name_of(add)}_bias_scaled", c_new)
        operands = [out, c_val] if add.inputs[0] is mm.output else [c_val, out]
        add_name = m_name or _scaled_name(name_of(add))
        out = new_op(rewriter, E.AddOp, operands, dict(add.properties), add_name, before=add).output
        rewriter.replace(add, [], [out])
        rewriter.erase(mm)
    else:
        rewriter.replace(mm, [], [out])
    if target_is_m:
        return out
    for v, arr in plan.cols.items():
        if v is proj.out or not np.any(plan.scaled & _columns(arr, len(plan.scaled))):
            continue
        names = result_names(v.owner)
        old = names[v.index] if v.index < len(names) else ""
        _rename_result(v, final_name if (v is plan.target and final_name) else _scaled_name(old))
        rewriter.notify_op_modified(v.owner)
    return plan.target


def _constant_factor(op: TopOp) -> tuple[SSAValue, np.ndarray] | None:
    """For ``Mul(v, C)``/``Mul(C, v)``/``Div(v, C)`` with a float weight ``C``: ``(v, factor)``."""
    if len(op.inputs) != 2 or op.p("do_relu", False):
        return None
    a, b = op.inputs
    pairs = [(a, b)] if isinstance(op, E.DivOp) else [(a, b), (b, a)]
    for v, c in pairs:
        if not is_weight(c) or is_weight(v):
            continue
        data = weight_value(c)
        if data is None or not is_float(data.dtype) or shape_of(op.output) != shape_of(v):
            continue
        data = data.astype(np.float64)
        if not np.all(np.isfinite(data)) or np.any(data == 0) or np.all(data == 1):
            continue  # (an all-ones factor is MulOne's/DivOne's job: no weight copy)
        return v, (1.0 / data if isinstance(op, E.DivOp) else data)
    return None


class ScaleIntoProjection(RewritePattern):
    """``Mul/Div(view of MatMul(x, W, b), C) -> view of MatMul(x, W C, b C)``."""

    def match_and_rewrite(self, op: TopOp, rewriter: PatternRewriter) -> None:
        found = _constant_factor(op)
        if found is None:
            return
        v, factor = found
        plan = plan_scale(op, list(op.operands).index(v), factor)
        if plan is None:
            return
        target = apply_scale(rewriter, plan, name_of(op))
        rewriter.replace(op, [], [target])


class ScaleIntoSummedProjections(RewritePattern):
    """``Mul/Div(Add(MatMul(a, W1, b1), MatMul(c, W2, b2)), C) -> Add(MatMul(a, W1 C, b1 C),
    MatMul(c, W2 C, b2 C))``."""

    def match_and_rewrite(self, op: TopOp, rewriter: PatternRewriter) -> None:
        found = _constant_factor(op)
        if found is None:
            return
        v, factor = found
        add = v.owner
        if not isinstance(add, E.AddOp) or len(add.inputs) != 2 or add.p("do_relu", False) or not single_use(v):
            return
        shape = shape_of(v)
        if not shape:
            return
        n = shape[-1]
        fac = np.broadcast_to(factor, shape).reshape(-1, n)
        colscale = fac[0]
        if not np.array_equal(fac, np.broadcast_to(colscale, fac.shape)):
            return  # not per column
        projs = []
        for x in add.inputs:
            proj = projection_of(x)
            if proj is None or proj.add is not None or not single_use(x) or shape_of(x)[-1:] != (n,):
                return
            if proj.mm.p("do_relu", False) and np.any(colscale < 0):
                return
            projs.append(proj)
        if projs[0].mm is projs[1].mm:
            return
        outs = [apply_scale(rewriter, ScalePlan(p, colscale, np.ones(n, bool), {}, p.out), None) for p in projs]
        new = new_op(rewriter, E.AddOp, outs, dict(add.properties), name_of(op))
        rewriter.replace(op, [], [new.output])
        rewriter.erase(add)


class ScaleThroughMatMul(RewritePattern):
    """``Mul/Div(MatMul(a, b), c) -> MatMul(a c, b)`` with ``c`` folded into ``a``'s (or ``b``'s)
    projection."""

    def match_and_rewrite(self, op: TopOp, rewriter: PatternRewriter) -> None:
        found = _constant_factor(op)
        if found is None:
            return
        v, factor = found
        att = v.owner
        if not isinstance(att, MatMulOp) or not single_use(v) or not is_none(att.bias) or att.p("do_relu", False):
            return
        if np.ptp(factor) != 0:
            return  # only a uniform factor commutes with the product
        scalar = np.asarray(factor).reshape(-1)[0]
        for index in (0, 1):
            plan = plan_scale(att, index, np.asarray(scalar))
            if plan is not None:
                break
        else:
            return
        apply_scale(rewriter, plan, None)
        set_name(att, name_of(op))
        rewriter.notify_op_modified(att)
        rewriter.replace(op, [], [att.output])


# ------------------------------------------------------------------------------ shared MatMul


def _same_weight(a: SSAValue, b: SSAValue) -> bool:
    if a is b:
        return True
    wa, wb = weight_value(a), weight_value(b)
    return wa is not None and wb is not None and wa.dtype == wb.dtype and wa.shape == wb.shape \
        and np.array_equal(wa, wb)


def _bias(mm: MatMulOp) -> tuple[bool, np.ndarray | None]:
    """``(ok, bias)``: a weight bias's data, None for no bias; not ok for an activation bias."""
    if is_none(mm.bias):
        return True, None
    b = weight_value(mm.bias)
    return b is not None, b


class SharedMatMulBias(RewritePattern):
    """``MatMul(a, B, C2)`` after ``y1 = MatMul(a, B, C1)`` -> ``Add(y1, C2 - C1)``."""

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: MatMulOp, rewriter: PatternRewriter) -> None:
        if op.p("do_relu", False) or not is_float(dtype_of(op.output)):
            return
        ok2, c2 = _bias(op)
        if not ok2:
            return
        props = {k: v for k, v in op.properties.items()}
        for use in list(op.input.uses):
            other = use.operation
            if other is op or not isinstance(other, MatMulOp) or use.index != 0:
                continue
            if other.parent_block() is not op.parent_block() or not other.is_before_in_block(op):
                continue
            if dict(other.properties) != props or shape_of(other.output) != shape_of(op.output):
                continue
            if not _same_weight(other.right, op.right):
                continue
            ok1, c1 = _bias(other)
            if not ok1 or (c1 is None and c2 is None):
                continue
            if c1 is None:
                diff = c2
            elif c2 is None:
                diff = -c1
            else:
                diff = (c2.astype(np.float64) - c1.astype(np.float64)).astype(c2.dtype)
            out_shape = shape_of(op.output)
            if broadcast_shapes(out_shape, diff.shape) != out_shape:
                continue
            name = name_of(op)
            d = new_weight(rewriter, op, f"{name}_bias_delta", np.asarray(diff, dtype=dtype_of(op.output)))
            new = new_op(rewriter, E.AddOp, [other.output, d], None, name)
            rewriter.replace(op, [], [new.output])
            return


# ------------------------------------------------------------------------- gathered tables


class GatheredTableMatMul(RewritePattern):
    """``MatMul(Gather(T, idx, axis 0), W, b) -> Gather(T W + b, idx)``."""

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: MatMulOp, rewriter: PatternRewriter) -> None:
        g = op.input.owner
        if not isinstance(g, GatherOp) or not single_use(op.input) or g.p("axis") != 0:
            return
        if any(op.p(f, False) for f in ("left_transpose", "output_transpose", "hdim_is_batch")):
            return
        if not op.p("keep_dims", True):
            return
        table, w = weight_value(g.input), weight_value(op.right)
        if table is None or w is None or table.ndim != 2 or w.ndim != 2:
            return
        bias = None
        if not is_none(op.bias):
            bias = weight_value(op.bias)
            if bias is None or len(bias.shape) > 1:
                return  # a bias that varies by row of the gathered result cannot go into the table
        with np.errstate(all="ignore"):
            new_table = op.compute([table, w, bias])[0]
        if new_table.size > table.size:
            return
        name = name_of(op)
        t = new_weight(rewriter, op, f"{name}_table", new_table)
        new = new_op(rewriter, GatherOp, [t, g.indices], {"axis": 0}, name)
        rewriter.replace(op, [], [new.output])
        rewriter.erase(g)


_SCALE = ScaleIntoProjection()
_THROUGH = ScaleThroughMatMul()
_SUMMED = ScaleIntoSummedProjections()
PATTERNS = [
    (E.MulOp, _SCALE), (E.DivOp, _SCALE),
    (E.MulOp, _THROUGH), (E.DivOp, _THROUGH),
    (E.MulOp, _SUMMED), (E.DivOp, _SUMMED),
    (MatMulOp, GatheredTableMatMul()),
    (MatMulOp, SharedMatMulBias()),
]
