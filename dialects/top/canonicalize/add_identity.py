"""Add identity (``add.py`` holds the fusions).

* ``AddZero``: ``Add(x, 0) -> x``: operands that are all-zero weights are dropped when the rest
  alone already has the result's shape (``x + zeros`` that broadcasts ``x`` to a bigger shape is
  not a no-op). ``x + 0 == x`` for every float (NaN, inf and -0 included, with ``-0 + 0 = +0``
  the only change of bits) and every integer. Not with ``do_relu``; not when forwarding would
  rename a graph output. With two or more operands left the Add is rebuilt under its name.

``drop_identity_operands`` is shared with ``sub.py``, ``mul.py`` and ``div.py``.
"""

from __future__ import annotations

import numpy as np
from xdsl.ir import SSAValue
from xdsl.pattern_rewriter import PatternRewriter, RewritePattern, op_type_rewrite_pattern

from tpuc.dialects.top.base import TopOp, broadcast_shapes, name_of, shape_of
from tpuc.dialects.top.canonicalize.common import feeds_return, new_op, weight_value
from tpuc.dialects.top.ops.elementwise import AddOp


def is_splat(value: SSAValue, c: float) -> bool:
    """True when ``value`` is a non-empty weight whose every element equals ``c``."""
    w = weight_value(value)
    return w is not None and w.size > 0 and bool(np.all(w == c))


def drop_identity_operands(op: TopOp, rewriter: PatternRewriter, c: float, *, from_index: int) -> None:
    """Remove the operands at ``from_index`` or later that are splats of the identity ``c``,
    when the remaining operands already give the result's shape; forward the only one left,
    or rebuild ``op`` (same class, properties and name) with the ones left."""
    if op.p("do_relu", False):
        return
    operands = list(op.operands)
    keep = operands[:from_index] + [v for v in operands[from_index:] if not is_splat(v, c)]
    if len(keep) == len(operands) or not keep:
        return
    if broadcast_shapes(*[shape_of(v) for v in keep]) != shape_of(op.results[0]):
        return  # a dropped operand enlarged the result by broadcasting
    if len(keep) == 1:
        if feeds_return(op.results[0]):
            return
        rewriter.replace(op, [], [keep[0]])
        return
    new = new_op(rewriter, type(op), keep, dict(op.properties), name_of(op))
    rewriter.replace(op, [], [new.results[0]])


class AddZero(RewritePattern):
    """``Add(x, 0) -> x`` (any operand position) when the zeros do not broadcast ``x`` up."""

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: AddOp, rewriter: PatternRewriter) -> None:
        drop_identity_operands(op, rewriter, 0.0, from_index=0)


PATTERNS = [(AddOp, AddZero())]
