"""Constant folding: any Top op whose operands are all weights becomes a weight.

Requires the module's weight store (attached by the driver); without it nothing fires.
"""

from __future__ import annotations

import numpy as np
from xdsl.pattern_rewriter import PatternRewriter, RewritePattern

from tpuc.dialects.top import all_ops
from tpuc.dialects.top.base import TopOp, is_none, result_names
from tpuc.dialects.top.canonicalize.common import has_store, new_weight, weight_value
from tpuc.dialects.top.ops.core import InputOp, NoneOp, WeightOp

MAX_FOLD_ELEMENTS = 1 << 26  # do not materialise huge constants (Expand of a scalar to 1 GB, ...)


class FoldConstantOp(RewritePattern):
    """``op(W1, W2, ...) -> W`` for any Top op with only weight (or none) operands; the new
    weight takes the op's tensor name."""

    def match_and_rewrite(self, op: TopOp, rewriter: PatternRewriter) -> None:
        if isinstance(op, (WeightOp, InputOp, NoneOp)) or not op.operands or not has_store(op):
            return
        values = []
        for v in op.operands:
            if is_none(v):
                values.append(None)
                continue
            w = weight_value(v)
            if w is None:
                return
            values.append(w)
        with np.errstate(all="ignore"):
            outs = op.compute(values)
        if any(np.size(o) > MAX_FOLD_ELEMENTS for o in outs):
            return
        names = result_names(op) or ["folded"] * len(outs)
        new = [new_weight(rewriter, op, n or "folded", np.asarray(o)) for n, o in zip(names, outs)]
        rewriter.replace(op, [], new)


_FOLD = FoldConstantOp()
PATTERNS = [(cls, _FOLD) for cls in all_ops() if cls not in (WeightOp, InputOp, NoneOp)]
