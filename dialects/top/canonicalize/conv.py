"""Conv canonicalization: horizontal merge of sibling convolutions.

``ConvSiblingMerge``: Convs reading the same input with identical geometry (kernel, strides,
pads, dilations, ``group = 1``, ``do_relu``), constant weights and no BatchNorm still to fold
become one Conv whose filters
are the siblings' filters stacked along the output channels (missing biases as zeros), followed
by a Split along the channel axis whose results carry the siblings' names. One GEMM instead of
several, one node for N -- the inception-module form (1x1 branch, 3x3-reduce, 5x5-reduce).
Each output channel is computed from exactly the same products as before, so results are
unchanged bit for bit.
"""

from __future__ import annotations

import numpy as np
from xdsl.pattern_rewriter import PatternRewriter, RewritePattern, op_type_rewrite_pattern

from tpuc.dialects.top.base import dtype_of, is_none, name_of, shape_of
from tpuc.dialects.top.canonicalize.common import new_op, new_weight, users, weight_value
from tpuc.dialects.top.ops.nn import ConvOp
from tpuc.dialects.top.ops.shape import SplitOp

_GEOMETRY = ("kernel_shape", "strides", "pads", "dilations", "group", "do_relu")


def _geometry(op: ConvOp) -> tuple:
    return tuple(op.p(k, 1 if k == "group" else None) for k in _GEOMETRY)


def _mergeable(op: ConvOp) -> bool:
    """Group 1, constant filter and bias, and no BatchNorm waiting to fold into this Conv (merging
    first would leave the BatchNorms behind the Split, unfoldable)."""
    from tpuc.dialects.top.ops.nn import BatchNormOp

    return (op.p("group", 1) == 1 and weight_value(op.filter) is not None
            and (is_none(op.bias) or weight_value(op.bias) is not None)
            and not any(isinstance(u, BatchNormOp) for u in users(op.output)))


class ConvSiblingMerge(RewritePattern):
    """``Conv(x, W1, b1), Conv(x, W2, b2) ...`` (same geometry, group 1, constant weights) =>
    ``Split(Conv(x, [W1; W2 ...], [b1; b2 ...]), axis 1)``; fires on the first sibling in order."""

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: ConvOp, rewriter: PatternRewriter) -> None:
        if not _mergeable(op):
            return
        geo = _geometry(op)
        siblings = [u for u in users(op.input) if isinstance(u, ConvOp) and u.input == op.input
                    and _geometry(u) == geo and _mergeable(u) and dtype_of(u.filter) == dtype_of(op.filter)]
        unique = list(dict.fromkeys(siblings))
        if len(unique) < 2:
            return
        block = op.parent_block()
        order = {o: i for i, o in enumerate(block.ops)} if block is not None else {}
        unique.sort(key=lambda o: order.get(o, 0))
        if unique[0] is not op:
            return
        filters = [weight_value(s.filter) for s in unique]
        biases = [np.zeros(f.shape[0], f.dtype) if is_none(s.bias) else weight_value(s.bias).reshape(-1)
                  for s, f in zip(unique, filters)]
        if any(b.shape[0] != f.shape[0] for b, f in zip(biases, filters)):
            return
        first = name_of(op) or "conv"
        w = new_weight(rewriter, op, f"{first}_siblings_filter", np.concatenate(filters, axis=0))
        b = new_weight(rewriter, op, f"{first}_siblings_bias", np.concatenate(biases, axis=0))
        props = {k: op.p(k) for k in _GEOMETRY if op.p(k) is not None}
        conv = new_op(rewriter, ConvOp, [op.input, w, b], props, f"{first}_siblings")
        sizes = [f.shape[0] for f in filters]
        split = new_op(rewriter, SplitOp, [conv.output], {"axis": 1, "split_size": sizes},
                       [name_of(s) or f"{first}_part{i}" for i, s in enumerate(unique)], n_results=len(unique))
        for s, r in zip(unique, split.results):
            assert shape_of(r) == shape_of(s.output)
            if s is op:
                continue
            s.output.replace_all_uses_with(r)
            rewriter.erase(s)
        rewriter.replace(op, [], [split.results[0]])


PATTERNS = [(ConvOp, ConvSiblingMerge())]
