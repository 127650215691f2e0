"""Helpers shared by the Top patterns: building named ops, weights, use checks, permutations."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from xdsl.ir import Operation, SSAValue
from xdsl.pattern_rewriter import PatternRewriter
from xdsl.rewriter import InsertPoint

from tpuc.compiler.weights import store_of
from tpuc.dialects.top.base import TopOp, build, name_of, shape_of, tensor_type
from tpuc.dialects.top.ops.core import WeightOp


def new_op(rewriter: PatternRewriter, cls: type[TopOp], operands: Sequence[SSAValue], props: dict[str, Any] | None,
           name: str | Sequence[str], *, n_results: int = 1, before: Operation | None = None) -> TopOp:
    """Build ``cls`` (types inferred), name it and insert it before ``before`` (default: the
    matched op)."""
    op = build(cls, operands, props, n_results=n_results, name=name)
    if before is None:
        rewriter.insert(op)
    else:
        rewriter.insert(op, InsertPoint.before(before))
    return op


def single_use(value: SSAValue) -> bool:
    return value.has_one_use()


def feeds_return(value: SSAValue) -> bool:
    """True when ``value`` is a graph output (forwarding it away would lose its tensor name)."""
    from xdsl.dialects.func import ReturnOp

    return any(isinstance(u.operation, ReturnOp) for u in value.uses)


def users(value: SSAValue) -> list[Operation]:
    return [u.operation for u in value.uses]


def module_of(op: Operation):
    top = op
    while top.parent_op() is not None:
        top = top.parent_op()
    return top


def weight_value(value: SSAValue) -> np.ndarray | None:
    """The data of a ``top.Weight`` value when the module has a store, else None."""
    owner = value.owner
    if not isinstance(owner, WeightOp):
        return None
    store = store_of(module_of(owner))
    if store is None or name_of(owner) not in store:
        return None
    return store[name_of(owner)]


def new_weight(rewriter: PatternRewriter, anchor: Operation, base: str, value: np.ndarray) -> SSAValue:
    """Create a ``top.Weight`` holding ``value`` (stored under a fresh name) before ``anchor``."""
    store = store_of(module_of(anchor))
    assert store is not None, "new_weight needs a module with a weight store"
    key = store.unique_name(base)
    value = np.require(value, requirements="C")
    store[key] = value
    op = build(WeightOp, [], name=key, result_types=[tensor_type(value.shape, value.dtype)])
    rewriter.insert(op, InsertPoint.before(anchor))
    return op.results[0]


def has_store(op: Operation) -> bool:
    return store_of(module_of(op)) is not None


def is_weight(value: SSAValue) -> bool:
    return isinstance(value.owner, WeightOp)


def inverse(order: Sequence[int]) -> tuple[int, ...]:
    inv = [0] * len(order)
    for i, o in enumerate(order):
        inv[o] = i
    return tuple(inv)


def rank(value: SSAValue) -> int:
    return len(shape_of(value))
