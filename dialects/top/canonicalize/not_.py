"""Not canonicalization (the seed's "basic logic simplification").

* ``NotNot``: ``Not(Not(x)) -> x``; not when the outer Not is a graph output.
* ``NotOfCompare``: ``Not(Compare(a, b, m)) -> Compare(a, b, INVERSE[m])`` (``Less + Not ->
  GreaterOrEqual`` and the other negations, ``Not(Xor) -> Equal`` on bools); requires the
  Compare single-use and the negation to be exact: always for Equal/NotEqual, for the ordered
  modes only when neither operand can be NaN (the NaN rule in ``compare.py``: ints/bools, or
  floats proven NaN-free by ``clip.value_range``). The new Compare takes the Not's name.
* ``DeMorgan``: ``Not(Or(Not A, Not B, C)) -> And(A, B, Not C)`` and ``Not(And(...)) -> Or(...)``
  on a tree of single-use binary Or (resp. And) Compares (the seed's three-input form is
  ``Or(Or(Not A, Not B), C)``). Each leaf is negated by dropping its Not, by inverting a
  single-use Compare whose negation is exact (free), or else by a new Not. Fires only when that
  removes more Nots than it adds: ``1 + #single-use Not leaves > #leaves needing a new Not`` (so
  ``Not(Or(Not A, B)) -> And(A, Not B)`` fires, ``Not(Or(A, B))`` does not). The root keeps the
  Not's name; the new inner And/Or are ``<not>_demorgan<i>``, negated leaves ``<leaf>_not``.
"""

from __future__ import annotations

import numpy as np
from xdsl.ir import Operation, SSAValue
from xdsl.pattern_rewriter import PatternRewriter, RewritePattern, op_type_rewrite_pattern

from tpuc.dialects.top.base import dtype_of, name_of
from tpuc.dialects.top.canonicalize.common import feeds_return, new_op, single_use
from tpuc.dialects.top.canonicalize.compare import INVERSE, negation_exact
from tpuc.dialects.top.ops.elementwise import CompareOp, NotOp

_DUAL = {"Or": "And", "And": "Or"}
_MAX_LEAVES = 16


class NotNot(RewritePattern):
    """``Not(Not(x)) -> x``."""

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: NotOp, rewriter: PatternRewriter) -> None:
        inner = op.input.owner
        if not isinstance(inner, NotOp) or feeds_return(op.output):
            return
        rewriter.replace(op, [], [inner.input])


class NotOfCompare(RewritePattern):
    """``Not(Compare(a, b, m)) -> Compare(a, b, INVERSE[m])`` when exact."""

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: NotOp, rewriter: PatternRewriter) -> None:
        cmp = op.input.owner
        if not isinstance(cmp, CompareOp) or not single_use(cmp.output) or not negation_exact(cmp):
            return
        new = new_op(rewriter, CompareOp, list(cmp.inputs), {"mode": INVERSE[cmp.p("mode")]}, name_of(op))
        rewriter.replace(op, [], [new.output])
        rewriter.erase(cmp)


def _leaf_name(v: SSAValue) -> str:
    return name_of(v.owner) if isinstance(v.owner, Operation) else "x"


def _is_node(value: SSAValue, mode: str) -> bool:
    op = value.owner
    return isinstance(op, CompareOp) and op.p("mode") == mode and single_use(value) \
        and all(dtype_of(v) == np.bool_ for v in op.inputs)


class DeMorgan(RewritePattern):
    """``Not(Or(x1, ..., xn)) -> And(neg x1, ..., neg xn)`` (and the dual) when it saves Nots."""

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: NotOp, rewriter: PatternRewriter) -> None:
        root = op.input.owner
        if not isinstance(root, CompareOp) or root.p("mode") not in _DUAL or not _is_node(op.input, root.p("mode")):
            return
        mode = root.p("mode")
        leaves: list[SSAValue] = []
        nodes: list[CompareOp] = []

        def collect(v: SSAValue) -> None:
            if _is_node(v, mode) and len(leaves) < _MAX_LEAVES:
                nodes.append(v.owner)
                for x in v.owner.inputs:
                    collect(x)
            else:
                leaves.append(v)

        collect(op.input)
        removed, added = 1, 0
        for leaf in leaves:
            owner = leaf.owner
            if isinstance(owner, NotOp):
                removed += single_use(leaf)
            elif not (isinstance(owner, CompareOp) and single_use(leaf) and negation_exact(owner)):
                added += 1
        if removed <= added:
            return
        name = name_of(op)
        counter = iter(range(len(nodes)))

        def negate(v: SSAValue) -> SSAValue:
            if _is_node(v, mode) and v.owner in nodes:
                node = v.owner
                a, b = (negate(x) for x in node.inputs)
                i = next(counter)
                node_name = name if node is root else f"{name}_demorgan{i}"
                return new_op(rewriter, CompareOp, [a, b], {"mode": _DUAL[mode]}, node_name).output
            owner = v.owner
            if isinstance(owner, NotOp):
                return owner.input
            if isinstance(owner, CompareOp) and single_use(v) and negation_exact(owner):
                return new_op(rewriter, CompareOp, list(owner.inputs), {"mode": INVERSE[owner.p("mode")]},
                              f"{name_of(owner)}_not").output
            return new_op(rewriter, NotOp, [v], None, f"{_leaf_name(v)}_not").output

        new_root = negate(op.input)
        rewriter.replace(op, [], [new_root])
        for node in nodes:  # the old tree is dead now (parents come before their children)
            rewriter.erase(node)
        for owner in {leaf.owner: None for leaf in leaves}:
            if isinstance(owner, (NotOp, CompareOp)) and not owner.output.uses:
                rewriter.erase(owner)


PATTERNS = [(NotOp, NotNot()), (NotOp, NotOfCompare()), (NotOp, DeMorgan())]
