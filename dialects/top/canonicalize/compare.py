"""Compare canonicalization (the seed's "basic logic simplification").

* ``CompareOfBoolCast``: ``Equal(Cast(b: bool -> T), 0) -> Not(b)`` (the seed's form), and the
  other exact variants ``Equal(Cast(b), 1) -> b``, ``NotEqual(Cast(b), 0) -> b``,
  ``NotEqual(Cast(b), 1) -> Not(b)``, with the constant on either side. A bool cast to any
  numeric type is exactly 0 or 1, so this holds for every ``T`` (ints and floats). Requires the
  constant to be a weight whose elements all equal 0 (or all 1) and the Compare's result shape to
  equal ``b``'s (the constant must not broadcast it). The forms that reduce to ``b`` itself need
  the Compare not to be a graph output (forwarding ``b`` would rename it).

``INVERSE`` (used by ``not_.py``) maps each comparison mode to the mode of its negation, and
:func:`negation_exact` says when ``Not(Compare(a, b, m)) == Compare(a, b, INVERSE[m])``:

* ``Equal``/``NotEqual``: always (IEEE: ``NaN == x`` is false, ``NaN != x`` is true);
* ``Less``/``GreaterOrEqual`` and ``Greater``/``LessOrEqual``: only when neither operand can be
  NaN -- with a NaN every ordered comparison is false, so ``Not(Less)`` is true but
  ``GreaterOrEqual`` is false. **NaN rule:** ints and bools never hold NaN; a float operand must
  be *proven* NaN-free by ``clip.value_range`` (a weight without NaN, a Cast from int/bool, data
  movement/Where/Concat/Max/Min/monotone ops of NaN-free values, Add/Sub/Mul that cannot form
  ``inf - inf`` or ``0 * inf``). A float graph input, or anything computed by an op the analysis
  does not know (MatMul, reductions, ...), is assumed to possibly be NaN: the rewrite does not
  fire;
* ``Xor``: ``Not(Xor(a, b)) == Equal(a, b)`` when both operands are bool.
"""

from __future__ import annotations

import numpy as np
from xdsl.ir import SSAValue
from xdsl.pattern_rewriter import PatternRewriter, RewritePattern, op_type_rewrite_pattern

from tpuc.dialects.top.base import dtype_of, name_of, shape_of
from tpuc.dialects.top.canonicalize.clip import never_nan
from tpuc.dialects.top.canonicalize.common import feeds_return, new_op, weight_value
from tpuc.dialects.top.ops.elementwise import CastOp, CompareOp, NotOp

INVERSE = {
    "Equal": "NotEqual", "NotEqual": "Equal",
    "Less": "GreaterOrEqual", "GreaterOrEqual": "Less",
    "Greater": "LessOrEqual", "LessOrEqual": "Greater",
    "Xor": "Equal",
}
_ORDERED = {"Less", "GreaterOrEqual", "Greater", "LessOrEqual"}


def negation_exact(op: CompareOp) -> bool:
    """True when ``Not(op)`` equals ``op`` with mode ``INVERSE[mode]`` for every input."""
    mode = op.p("mode")
    if mode not in INVERSE:
        return False
    a, b = op.inputs
    if mode == "Xor":
        return dtype_of(a) == np.bool_ and dtype_of(b) == np.bool_
    if mode in _ORDERED:
        return never_nan(a) and never_nan(b)
    return True


def uniform_value(value: SSAValue) -> float | None:
    """The single value of a weight whose elements are all equal, else None."""
    w = weight_value(value)
    if w is None or w.size == 0:
        return None
    first = w.reshape(-1)[0]
    if not np.all(w == first):
        return None
    return float(first)


class CompareOfBoolCast(RewritePattern):
    """``Equal/NotEqual(Cast(b: bool), 0 or 1) -> b or Not(b)``."""

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: CompareOp, rewriter: PatternRewriter) -> None:
        mode = op.p("mode")
        if mode not in ("Equal", "NotEqual"):
            return
        for cast_v, const_v in ((op.inputs[0], op.inputs[1]), (op.inputs[1], op.inputs[0])):
            cast = cast_v.owner
            if not isinstance(cast, CastOp) or dtype_of(cast.input) != np.bool_:
                continue
            b = cast.input
            if shape_of(op.output) != shape_of(b):
                continue
            c = uniform_value(const_v)
            if c not in (0.0, 1.0):
                continue
            keep = (mode == "Equal") == (c == 1.0)  # the result is b itself, else Not(b)
            if keep:
                if feeds_return(op.output):
                    continue
                rewriter.replace(op, [], [b])
            else:
                new = new_op(rewriter, NotOp, [b], None, name_of(op))
                rewriter.replace(op, [], [new.output])
            return


PATTERNS = [(CompareOp, CompareOfBoolCast())]
