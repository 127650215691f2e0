"""MatMul canonicalization: the Swin-Transformer attention work (tpu-mlir ``Canonicalize/MatMul.cpp``).

* ``MatmulWithPermuteAndSplit`` (rooted at the Permute): ``MatMul -> Reshape [B,N,3,H,D] ->
  Permute(2,0,3,1,4) -> Slice(axis 0) x3 -> Squeeze(0) x3`` becomes per branch
  ``Slice(axis 2) -> Squeeze(2) -> Permute(0,2,1,3)`` on the reshaped tensor. The Split and
  Gather forms reach this shape first (split.py, gather.py).
* ``MatMulRightTranspose``: ``MatMul(a, Permute(b, swap last two))`` toggles ``right_transpose``.
* ``MatMulHdimIsBatch``: ``MatMul(Permute(a,(0,2,1,3)), Permute(b,(0,2,1,3) or (0,2,3,1)))`` ->
  ``Permute(MatMul(a, b, hdim_is_batch), (0,2,1,3))``: the heads axis becomes a second batch axis
  and the operand Permutes disappear; the new output Permute then sinks to the next MatMul or
  cancels. The Top interpreter honours the flag, so this holds in F32 too.
"""

from __future__ import annotations

from xdsl.pattern_rewriter import PatternRewriter, RewritePattern, op_type_rewrite_pattern

from tpuc.dialects.top.base import is_none, name_of, shape_of
from tpuc.dialects.top.canonicalize.common import new_op, single_use, users
from tpuc.dialects.top.canonicalize.gather import slice_props
from tpuc.dialects.top.ops import elementwise as E
from tpuc.dialects.top.ops.nn import MatMulOp
from tpuc.dialects.top.ops.shape import PermuteOp, ReshapeOp, SliceOp, SqueezeOp

SWAP_HEADS = (0, 2, 1, 3)
SWAP_HEADS_T = (0, 2, 3, 1)


def _is_matmul_like(op) -> bool:
    """A MatMul, or an Add of a MatMul and a weight (bias not yet fused)."""
    if isinstance(op, MatMulOp):
        return True
    return isinstance(op, E.AddOp) and any(isinstance(v.owner, MatMulOp) for v in op.inputs)


class MatmulWithPermuteAndSplit(RewritePattern):
    """The article's qkv rewrite; requires a 5-D Reshape ``[B, N, 3, H, D]`` of a MatMul and the
    (2,0,3,1,4) Permute used only by three single-index Slices on axis 0, each used only by a
    Squeeze of axis 0. SAM variant: the Permute may instead feed one Reshape to
    ``[3, B*H, N, D]`` that the Slices read; each branch then ends with a Reshape to
    ``[B*H, N, D]``."""

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: PermuteOp, rewriter: PatternRewriter) -> None:
        if tuple(op.p("order")) != (2, 0, 3, 1, 4):
            return
        reshape = op.input.owner
        if not isinstance(reshape, ReshapeOp) or not _is_matmul_like(reshape.input.owner):
            return
        shape = shape_of(reshape.output)  # [B, N, 3, H, D]
        b, n, three, h, d = shape
        src, tail = op.output, None
        us = users(op.output)
        if len(us) == 1 and isinstance(us[0], ReshapeOp):
            if shape_of(us[0].output) != (three, b * h, n, d):
                return
            src, tail = us[0].output, us[0]
        branches = []
        src_shape = shape_of(src)
        for sl in users(src):
            if not isinstance(sl, SliceOp):
                return
            offs, ends, steps = sl.p("offset"), sl.p("ends"), sl.p("steps")
            if any(t != 1 for t in steps) or ends[0] - offs[0] != 1:
                return
            if any(o != 0 or e != dd for o, e, dd in zip(offs[1:], ends[1:], src_shape[1:])):
                return
            sqs = users(sl.output)
            if len(sqs) != 1 or not isinstance(sqs[0], SqueezeOp) or tuple(sqs[0].p("axes")) != (0,):
                return
            branches.append((offs[0], sl, sqs[0]))
        if len(branches) != three or sorted(x[0] for x in branches) != list(range(three)):
            return
        for i, sl, sq in branches:
            name = name_of(sq)
            s2 = new_op(rewriter, SliceOp, [reshape.output], slice_props(shape, 2, i, i + 1), f"{name}_slice", before=sq)
            q2 = new_op(rewriter, SqueezeOp, [s2.output], {"axes": [2]}, f"{name}_squeeze", before=sq)
            p2 = new_op(rewriter, PermuteOp, [q2.output], {"order": SWAP_HEADS}, f"{name}_permute" if tail else name,
                        before=sq)
            out = p2.output
            if tail is not None:
                out = new_op(rewriter, ReshapeOp, [out], {"shape": [b * h, n, d]}, name, before=sq).output
            rewriter.replace(sq, [], [out])
            rewriter.erase(sl)
        if tail is not None:
            rewriter.erase(tail)
        rewriter.erase(op)


class MatMulRightTranspose(RewritePattern):
    """``MatMul(a, Permute(b, swap last two)) -> MatMul(a, b, right_transpose = !rt)``; requires
    the Permute single-use, rank >= 2 and no hdim_is_batch."""

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: MatMulOp, rewriter: PatternRewriter) -> None:
        perm = op.right.owner
        if not isinstance(perm, PermuteOp) or not single_use(perm.output) or op.p("hdim_is_batch", False):
            return
        order = tuple(perm.p("order"))
        n = len(order)
        if n < 2 or order != tuple(range(n - 2)) + (n - 1, n - 2):
            return
        if n != len(shape_of(op.input)):
            return  # keep batch broadcasting simple
        props = dict(op.properties)
        props["right_transpose"] = not op.p("right_transpose", False)
        new = new_op(rewriter, MatMulOp, [op.input, perm.input, op.bias], props, name_of(op))
        rewriter.replace(op, [], [new.output])
        rewriter.erase(perm)


class MatMulHdimIsBatch(RewritePattern):
    """``MatMul(Permute(a, 0213), Permute(b, 0213|0231)) -> Permute(MatMul(a, b, hdim_is_batch), 0213)``;
    requires 4-D operands, single-use Permutes, no bias and no other flags except right_transpose."""

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: MatMulOp, rewriter: PatternRewriter) -> None:
        pl, pr = op.input.owner, op.right.owner
        if not isinstance(pl, PermuteOp) or not isinstance(pr, PermuteOp):
            return
        if not single_use(pl.output) or not single_use(pr.output) or not is_none(op.bias):
            return
        if any(op.p(f, False) for f in ("left_transpose", "output_transpose", "hdim_is_batch")):
            return
        if not op.p("keep_dims", True):
            return
        if tuple(pl.p("order")) != SWAP_HEADS or len(shape_of(pl.input)) != 4 or len(shape_of(pr.input)) != 4:
            return
        rt = bool(op.p("right_transpose", False))
        order_r = tuple(pr.p("order"))
        if order_r == SWAP_HEADS_T:
            rt = not rt
        elif order_r != SWAP_HEADS:
            return
        a, b = shape_of(pl.input), shape_of(pr.input)
        if a[0] != b[0] or a[2] != b[2]:
            return  # batch and heads must match exactly (no broadcasting in this form)
        props = dict(op.properties)
        props["hdim_is_batch"] = True
        props["right_transpose"] = rt
        name = name_of(op)
        mm = new_op(rewriter, MatMulOp, [pl.input, pr.input, op.bias], props, f"{name}_hdim")
        out = new_op(rewriter, PermuteOp, [mm.output], {"order": SWAP_HEADS}, name)
        rewriter.replace(op, [], [out.output])
        rewriter.erase(pl)
        rewriter.erase(pr)


PATTERNS = [
    (PermuteOp, MatmulWithPermuteAndSplit()),
    (MatMulOp, MatMulHdimIsBatch()),
    (MatMulOp, MatMulRightTranspose()),
]
