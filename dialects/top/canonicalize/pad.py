"""Pad canonicalization.

* ``PadIdentity``: a Pad with all-zero amounts is removed (any mode); not when it is a graph output.
* ``PadFoldIntoConsumer``: ``Conv(Pad(x))``, ``AvgPool(Pad(x))``, ``MaxPool(Pad(x))`` -> the
  consumer on ``x`` with the Pad's amounts added to its ``pads``, where exact:

  - the Pad is ``constant`` mode, pads only the spatial axes (N and C amounts 0), with
    non-negative amounts (no cropping);
  - Conv: pad value 0;
  - AvgPool: pad value 0, no ``ceil_mode``, and the padded zeros must count in the divisor after
    the fold as they did before: the AvgPool has ``count_include_pad`` or no pads of its own (the
    result sets ``count_include_pad``);
  - MaxPool: pad value ``-inf`` on a float tensor (a 0 pad could win the max), no ``ceil_mode``;
  - pools: the summed pads must stay smaller than the window (the verifier's rule) and the
    output shape must be unchanged.

  Every consumer that can absorb the Pad does (keeping its name); the Pad goes once unused.
"""

from __future__ import annotations

import math

from xdsl.pattern_rewriter import PatternRewriter, RewritePattern, op_type_rewrite_pattern
from xdsl.rewriter import InsertPoint
from xdsl.utils.exceptions import VerifyException

from tpuc.dialects.top.base import TopOp, build, dtype_of, is_float, name_of, shape_of
from tpuc.dialects.top.canonicalize.common import feeds_return, users
from tpuc.dialects.top.ops.nn import AvgPoolOp, ConvOp, MaxPoolOp
from tpuc.dialects.top.ops.shape import PadOp


class PadIdentity(RewritePattern):
    """``Pad(x, all zeros) -> x``."""

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: PadOp, rewriter: PatternRewriter) -> None:
        if any(op.p("paddings")) or feeds_return(op.output):
            return
        rewriter.replace(op, [], [op.input])


def spatial_pads(pad: PadOp) -> tuple[list[int], list[int]] | None:
    """``(begins, ends)`` of the spatial axes of a constant-mode, spatial-only, non-cropping Pad
    of an ``[N, C, *S]`` tensor, else None."""
    if pad.p("mode", "constant") != "constant":
        return None
    pads = list(pad.p("paddings"))
    r = len(shape_of(pad.input))
    begins, ends = pads[:r], pads[r:]
    if r < 3 or any(begins[:2]) or any(ends[:2]) or min(pads) < 0:
        return None
    return begins[2:], ends[2:]


def folded(pad: PadOp, user: TopOp, begins: list[int], ends: list[int]) -> TopOp | None:
    """The detached consumer op that reads ``pad``'s input with the pads added, or None."""
    if not isinstance(user, (ConvOp, AvgPoolOp, MaxPoolOp)) or user.operands[0] is not pad.output:
        return None
    if any(v is pad.output for v in user.operands[1:]):
        return None
    val = pad.p("val", 0.0)
    props = dict(user.properties)
    if isinstance(user, ConvOp):
        if val != 0.0:
            return None
    elif isinstance(user, AvgPoolOp):
        if val != 0.0 or user.p("ceil_mode", False):
            return None
        if not user.p("count_include_pad", False) and any(user.p("pads")):
            return None
        props["count_include_pad"] = True
    else:
        if not (is_float(dtype_of(pad.input)) and math.isinf(val) and val < 0) or user.p("ceil_mode", False):
            return None
    nd = len(begins)
    old = list(user.p("pads"))
    props["pads"] = [b + p for b, p in zip(begins, old[:nd])] + [e + p for e, p in zip(ends, old[nd:])]
    try:
        new = build(type(user), [pad.input, *user.operands[1:]], props, name=name_of(user))
    except VerifyException:
        return None  # pads no longer smaller than the pooling window
    if new.results[0].type != user.results[0].type:
        return None
    return new


class PadFoldIntoConsumer(RewritePattern):
    """``Conv/AvgPool/MaxPool(Pad(x)) -> Conv/AvgPool/MaxPool(x)`` with the pads merged."""

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: PadOp, rewriter: PatternRewriter) -> None:
        amounts = spatial_pads(op)
        if amounts is None:
            return
        plans = [(u, folded(op, u, *amounts)) for u in dict.fromkeys(users(op.output))]
        plans = [(u, new) for u, new in plans if new is not None]
        for user, new in plans:
            rewriter.insert(new, InsertPoint.before(user))
            rewriter.replace(user, [], [new.results[0]])
        if plans and not op.output.uses:
            rewriter.erase(op)


PATTERNS = [(PadOp, PadIdentity()), (PadOp, PadFoldIntoConsumer())]
