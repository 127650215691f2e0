"""``top-cse``: common-subexpression elimination for Top.

Two Top ops are the same computation when they have the same class, the same operands (the same
SSA values, in order; for two-input Add, Mul and the symmetric Compare modes in either order),
the same properties and discardable attributes and the same result types. A
``top.Weight`` has no operands: its data is named by its location, so two weights are equal only
if they also have the same name (xDSL's generic ``cse`` would merge every pair of same-typed
weights). ``top.Input`` ops are never merged (each is a graph input).

Ops are visited in order; a later duplicate's results are replaced by the first op's, and the
duplicate is erased. The kept op keeps its name, except that a graph output never loses its name:
if only the duplicate's result feeds ``func.return``, the kept op takes the duplicate's name for
that result; if both feed ``func.return`` under different names, the two are not merged. Requires
nothing (no weight store). The number of merged ops is added to the pattern statistics as
``TopCSE`` (``--pattern-stats``).
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects import func
from xdsl.dialects.builtin import ModuleOp
from xdsl.ir import Block, Operation, SSAValue
from xdsl.passes import ModulePass

from tpuc.dialects.top.base import TopOp, name_of, result_names, set_name
from tpuc.dialects.top.canonicalize import STATS
from tpuc.dialects.top.canonicalize.common import feeds_return
from tpuc.dialects.top.ops import elementwise as E
from tpuc.dialects.top.ops.core import InputOp, WeightOp

_COMMUTATIVE = (E.AddOp, E.MulOp)  # Max/Min are not: max(0, -0) and max(-0, 0) differ in sign
_SYMMETRIC_COMPARE = ("Equal", "NotEqual", "And", "Or", "Xor")


def is_commutative(op: Operation) -> bool:
    """Two-input ops whose operands may be swapped without changing a bit of the result."""
    if len(op.operands) != 2:
        return False
    if isinstance(op, E.CompareOp):
        return op.p("mode") in _SYMMETRIC_COMPARE
    return isinstance(op, _COMMUTATIVE)


def op_key(op: TopOp, number: dict[SSAValue, int]) -> Hashable:
    """What makes two ops compute the same values (see the module docstring)."""
    operands = [number[v] for v in op.operands]
    if is_commutative(op):
        operands.sort()
    key = (
        type(op),
        tuple(operands),
        tuple(sorted(op.properties.items())),
        tuple(sorted(op.attributes.items())),
        tuple(r.type for r in op.results),
    )
    if isinstance(op, WeightOp):
        key += (name_of(op),)
    return key


def merged_names(first: Operation, dup: Operation) -> list[str] | None:
    """The result names the kept op must carry after absorbing ``dup``, or None when merging
    would rename a graph output."""
    names = result_names(first) or [""] * len(first.results)
    dup_names = result_names(dup) or [""] * len(dup.results)
    out = list(names)
    for i, (a, b) in enumerate(zip(first.results, dup.results)):
        if not feeds_return(b) or names[i] == dup_names[i]:
            continue
        if feeds_return(a):
            return None  # two graph outputs with different names
        out[i] = dup_names[i]
    return out


def absorb(first: Operation, dup: Operation) -> bool:
    """Replace ``dup``'s results by ``first``'s and erase ``dup``, unless that would rename a
    graph output; returns whether it did."""
    names = merged_names(first, dup)
    if names is None:
        return False
    if names != (result_names(first) or [""] * len(first.results)):
        set_name(first, names)
    for old, new in zip(dup.results, first.results):
        old.replace_all_uses_with(new)
    dup.parent_block().erase_op(dup)
    return True


def cse_block(block: Block) -> int:
    """Merge duplicate Top ops of ``block``; returns how many ops were erased."""
    number: dict[SSAValue, int] = {arg: i for i, arg in enumerate(block.args)}
    seen: dict[Hashable, Operation] = {}
    merged = 0
    for op in list(block.ops):
        if isinstance(op, TopOp) and not isinstance(op, InputOp) and not op.regions:
            key = op_key(op, number)
            first = seen.setdefault(key, op)
            if first is not op and absorb(first, op):
                merged += 1
                continue
        for r in op.results:
            number[r] = len(number)
    return merged


@dataclass(frozen=True)
class TopCSEPass(ModulePass):
    """Merge Top ops computing the same values (weights only when their names match too)."""

    name = "top-cse"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        merged = 0
        for fn in op.walk():
            if isinstance(fn, func.FuncOp):
                for block in fn.body.blocks:
                    merged += cse_block(block)
        if merged:
            STATS["TopCSE"] += merged
