"""Clip canonicalization, and the value-range facts the seed rewrites rely on.

* ``ClipNoOp``: ``Clip(x, lo, hi) -> x`` when a conservative range analysis proves every element
  of ``x`` (that is not NaN) already lies in ``[lo, hi]``; NaN passes through Clip unchanged, so
  no NaN condition is needed. Not when the Clip is a graph output.

  This is also the rule for the seed's "``Clip(±50000)`` before Softmax" (GLIP): removing a Clip
  that *can* activate is never exact, whatever the bounds -- ``softmax([60000, 70000])`` is
  ``[0, 1]`` but ``softmax(clip(...)) = [0.5, 0.5]``, a row entirely below ``lo`` becomes uniform
  instead of peaked, and a fully ``-inf`` (masked) row gives NaN without the Clip and a uniform
  row with it. Bounds "beyond ±88.7" do not help either, because Softmax subtracts the row max
  before ``exp``. So the Clip goes only when the analysis proves it inactive (e.g. ``x`` comes
  from ``Tanh``/``Sigmoid``/a narrower Clip/a bool or small-int Cast, scaled by constants); a
  Clip on raw attention logits stays. The GLIP article removes it under the *assumption* that
  nothing overflows, which a compiler cannot make.

:func:`value_range` (also used by ``not_.py``/``compare.py`` for NaN-freedom) returns a
:class:`Range` ``(lo, hi, nan)``: every non-NaN element lies in ``[lo, hi]`` and ``nan`` is False
only if no element can be NaN *for any graph input*. Float graph inputs are unbounded and may be
NaN; ints and bools are bounded by their dtype and never NaN; weights use their data. Facts
propagate through data movement, Where, Concat, monotone unary ops, Clip, Neg/Abs, Max/Min,
Cast, and Add/Sub/Mul (an ``inf - inf`` or ``0 * inf`` possibility makes the result "maybe
NaN"). Arithmetic corners are computed in float64, widened by a few float64 ulps and rounded to
the op's dtype (rounding is monotone, so a rounded exact bound bounds the rounded results;
overflow becomes +-inf); everything else
(MatMul, Softmax inputs, reductions, ...) is unknown.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from xdsl.ir import SSAValue
from xdsl.pattern_rewriter import PatternRewriter, RewritePattern, op_type_rewrite_pattern

from tpuc.dialects.top.base import dtype_of, is_float, is_none
from tpuc.dialects.top.canonicalize.common import feeds_return, weight_value
from tpuc.dialects.top.ops import elementwise as E
from tpuc.dialects.top.ops import shape as S
from tpuc.dialects.top.ops.core import WeightOp
from tpuc.dialects.top.ops.nn import SoftmaxOp

INF = math.inf


@dataclass(frozen=True)
class Range:
    """Every non-NaN element lies in ``[lo, hi]``; ``nan`` says whether NaN may occur."""

    lo: float = -INF
    hi: float = INF
    nan: bool = True

    def union(self, other: "Range") -> "Range":
        return Range(min(self.lo, other.lo), max(self.hi, other.hi), self.nan or other.nan)


UNKNOWN = Range()
_MAX_DEPTH = 24
_EPS = 1e-15  # a few float64 ulps: the corners are computed in float64

#: data movement: every output element is some input element (input operand 0)
_MOVE = (S.ReshapeOp, S.PermuteOp, S.SqueezeOp, S.UnsqueezeOp, S.SliceOp, S.SplitOp, S.TileOp,
         S.ExpandOp, S.GatherOp, S.Depth2SpaceOp)
#: non-decreasing unary functions that map NaN to NaN and never make NaN from a non-NaN
_MONOTONE = (E.ReluOp, E.SigmoidOp, E.TanhOp, E.ExpOp, E.ErfOp, E.FloorOp, E.CeilOp, E.RoundOp,
             E.SoftsignOp, E.SoftplusOp, E.ClipOp, E.SignOp)


def _dtype_range(dt: np.dtype) -> Range:
    if dt == np.bool_:
        return Range(0.0, 1.0, False)
    if np.issubdtype(dt, np.integer):
        info = np.iinfo(dt)
        return Range(float(info.min), float(info.max), False)
    return UNKNOWN


def _in_dtype(x: float, dt: np.dtype) -> float:
    """``x`` rounded to ``dt`` (values beyond its range become +-inf)."""
    with np.errstate(all="ignore"):
        return float(np.asarray(x, dtype=np.float64).astype(dt))


def _apply(op, r: Range) -> Range:
    """A monotone unary op applied to the endpoints (in the op's dtype)."""
    with np.errstate(all="ignore"):
        ends = np.asarray([r.lo, r.hi], dtype=np.float64).astype(dtype_of(op.operands[0]))
        lo, hi = (float(v) for v in np.asarray(op.compute([ends])[0], dtype=np.float64))
    if math.isnan(lo) or math.isnan(hi):
        return UNKNOWN
    return Range(lo, hi, r.nan)


def _arith(op, a: Range, b: Range) -> Range:
    """Add/Sub/Mul of two ranges: corner values, widened for rounding, in the op's dtype."""
    inf = math.isinf
    if isinstance(op, E.AddOp):
        if (a.lo == -INF and b.hi == INF) or (a.hi == INF and b.lo == -INF):
            return UNKNOWN  # inf + -inf
        corners = [a.lo + b.lo, a.hi + b.hi]
    elif isinstance(op, E.SubOp):
        if (a.hi == INF and b.hi == INF) or (a.lo == -INF and b.lo == -INF):
            return UNKNOWN  # inf - inf
        corners = [a.lo - b.hi, a.hi - b.lo]
    else:
        if (a.lo <= 0 <= a.hi and (inf(b.lo) or inf(b.hi))) or (b.lo <= 0 <= b.hi and (inf(a.lo) or inf(a.hi))):
            return UNKNOWN  # 0 * inf
        corners = [a.lo * b.lo, a.lo * b.hi, a.hi * b.lo, a.hi * b.hi]
    if any(math.isnan(c) for c in corners):
        return UNKNOWN
    lo, hi = min(corners), max(corners)
    lo, hi = lo - abs(lo) * _EPS - 5e-324, hi + abs(hi) * _EPS + 5e-324
    dt = dtype_of(op.results[0])
    return Range(_in_dtype(lo, dt), _in_dtype(hi, dt), a.nan or b.nan)


def value_range(value: SSAValue) -> Range:
    """A conservative :class:`Range` of ``value`` (see the module docstring)."""
    return _range(value, 0, {})


def _range(value: SSAValue, depth: int, memo: dict) -> Range:
    if value in memo:
        return memo[value]
    memo[value] = out = _compute_range(value, depth, memo)
    return out


def _compute_range(value: SSAValue, depth: int, memo: dict) -> Range:
    if is_none(value):
        return UNKNOWN
    dt = dtype_of(value)
    base = _dtype_range(dt)
    if not is_float(dt) or depth > _MAX_DEPTH:
        return base  # ints/bools: the dtype bounds (integer overflow wraps: no tighter claim)
    op = value.owner

    def rec(v: SSAValue) -> Range:
        return _range(v, depth + 1, memo)

    if isinstance(op, WeightOp):
        w = weight_value(value)
        if w is None or w.size == 0:
            return UNKNOWN
        wf = np.asarray(w, dtype=np.float64)
        isnan = np.isnan(wf)
        if isnan.all():
            return Range(INF, -INF, True)
        return Range(float(np.nanmin(wf)), float(np.nanmax(wf)), bool(isnan.any()))
    if isinstance(op, _MOVE):
        return rec(op.operands[0])
    if isinstance(op, S.ConcatOp) and op.inputs:
        out = rec(op.inputs[0])
        for v in op.inputs[1:]:
            out = out.union(rec(v))
        return out
    if isinstance(op, E.WhereOp):
        return rec(op.tbrn).union(rec(op.fbrn))
    if isinstance(op, E.CastOp):
        src = dtype_of(op.input)
        r = rec(op.input) if is_float(src) else _dtype_range(src)
        return Range(_in_dtype(r.lo, dt), _in_dtype(r.hi, dt), r.nan)
    if isinstance(op, _MONOTONE):
        return _apply(op, rec(op.input))
    if isinstance(op, E.NegOp):
        r = rec(op.input)
        return Range(-r.hi, -r.lo, r.nan)
    if isinstance(op, E.AbsOp):
        r = rec(op.input)
        lo = 0.0 if r.lo <= 0 <= r.hi else min(abs(r.lo), abs(r.hi))
        return Range(lo, max(abs(r.lo), abs(r.hi)), r.nan)
    if isinstance(op, (E.MaxOp, E.MinOp)) and op.inputs:
        rs = [rec(v) for v in op.inputs]
        pick = max if isinstance(op, E.MaxOp) else min
        return Range(pick(r.lo for r in rs), pick(r.hi for r in rs), any(r.nan for r in rs))
    if isinstance(op, (E.AddOp, E.SubOp, E.MulOp)) and len(op.inputs) == 2 and not op.p("do_relu", False):
        return _arith(op, rec(op.inputs[0]), rec(op.inputs[1]))
    if isinstance(op, SoftmaxOp) and not op.p("log", False):
        r = rec(op.input)
        finite = not r.nan and math.isfinite(r.lo) and math.isfinite(r.hi)
        return Range(0.0, 1.0, not finite)
    return base


def never_nan(value: SSAValue) -> bool:
    """True when no element of ``value`` can be NaN, for any graph input."""
    return not value_range(value).nan


class ClipNoOp(RewritePattern):
    """``Clip(x, lo, hi) -> x`` when ``value_range(x)`` lies within ``[lo, hi]``."""

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: E.ClipOp, rewriter: PatternRewriter) -> None:
        if feeds_return(op.output):
            return
        if not is_float(dtype_of(op.input)):
            return  # integer inputs are only known by their dtype bounds
        dt = dtype_of(op.input)
        # the bounds as Clip applies them: rounded to the input dtype
        lo = -INF if op.p("min") is None else _in_dtype(op.p("min"), dt)
        hi = INF if op.p("max") is None else _in_dtype(op.p("max"), dt)
        r = value_range(op.input)
        if r.lo <= r.hi and not (lo <= r.lo and r.hi <= hi):
            return  # (lo > hi: every element is NaN, which Clip passes through)
        rewriter.replace(op, [], [op.input])


PATTERNS = [(E.ClipOp, ClipNoOp())]
