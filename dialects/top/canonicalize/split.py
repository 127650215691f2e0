"""Split canonicalization.

``SplitToSliceForSqueeze``: a Split whose every result feeds exactly one Squeeze of the split
axis becomes one Slice per result (``Split -> Squeeze x N`` => ``Slice -> Squeeze`` x N), the form
MatmulWithPermuteAndSplit matches. Other Splits are left alone (a Split is one op, N Slices are N).

``SplitUnaryHoist``: when every result of a Split feeds exactly one elementwise unary op of the same
kind and properties (the Relus after merged sibling Convs), the unary op runs once before the
Split: ``Split(x) -> Relu each`` => ``Split(Relu(x))``, the Split results taking the Relus' names.
"""

from __future__ import annotations

from xdsl.pattern_rewriter import PatternRewriter, RewritePattern, op_type_rewrite_pattern

from tpuc.dialects.top.base import name_of, result_names, shape_of
from tpuc.dialects.top.canonicalize.common import new_op, users
from tpuc.dialects.top.canonicalize.gather import slice_props
from tpuc.dialects.top.ops.shape import SliceOp, SplitOp, SqueezeOp


class SplitToSliceForSqueeze(RewritePattern):
    """``Split(x, axis) -> Squeeze each`` => ``Slice(x, axis range) -> Squeeze`` per result."""

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: SplitOp, rewriter: PatternRewriter) -> None:
        shape = shape_of(op.input)
        axis = op.p("axis") % len(shape)
        for r in op.results:
            us = users(r)
            if len(us) != 1 or not isinstance(us[0], SqueezeOp) or tuple(us[0].p("axes")) != (axis,):
                return
        names = result_names(op)
        start, new = 0, []
        for k, (r, size) in enumerate(zip(op.results, op.p("split_size"))):
            name = names[k] if k < len(names) and names[k] else f"split_{k}"
            new.append(new_op(rewriter, SliceOp, [op.input], slice_props(shape, axis, start, start + size), name)
                       .output)
            start += size
        rewriter.replace(op, [], new)


class SplitUnaryHoist(RewritePattern):
    """``Split(x) -> f`` on every result (same elementwise unary ``f``, one use each) =>
    ``Split(f(x))``."""

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: SplitOp, rewriter: PatternRewriter) -> None:
        from tpuc.dialects.top.ops.elementwise import _Predicate, _Unary

        if len(op.results) < 2:  # a one-piece Split is SplitIdentity's
            return
        fs = []
        for r in op.results:
            us = users(r)
            if len(us) != 1 or not isinstance(us[0], _Unary) or isinstance(us[0], _Predicate):
                return
            fs.append(us[0])
        kind, props = type(fs[0]), dict(fs[0].properties)
        if any(type(f) is not kind or dict(f.properties) != props for f in fs) or len(set(fs)) != len(fs):
            return
        pre = new_op(rewriter, kind, [op.input], {k: v for k, v in props.items()},
                     f"{name_of(fs[0]) or 'unary'}_before_split")
        split = new_op(rewriter, SplitOp, [pre.results[0]], {"axis": op.p("axis"), "split_size": op.p("split_size")},
                       [name_of(f) or f"split_{k}" for k, f in enumerate(fs)], n_results=len(fs))
        for f, r in zip(fs, split.results):
            rewriter.replace(f, [], [r])
        rewriter.erase(op)


PATTERNS = [(SplitOp, SplitToSliceForSqueeze()), (SplitOp, SplitUnaryHoist())]
