"""The Top dialect: graph-level ops named as in tpu-mlir's Top dialect.

Ops live in ``ops/<family>.py``; canonicalization patterns in ``canonicalize/<op>.py``;
the numpy reference interpreter in ``interpreter.py``.
"""

from __future__ import annotations

import functools

from xdsl.ir import Dialect


@functools.cache
def all_ops() -> list[type]:
    """Every Top op class, in a stable order."""
    from tpuc.dialects.top.base import TopOp
    from tpuc.dialects.top.ops import FAMILIES

    ops = []
    for module in FAMILIES:
        for obj in vars(module).values():
            if (isinstance(obj, type) and issubclass(obj, TopOp) and obj.__module__ == module.__name__
                    and "name" in obj.__dict__):
                ops.append(obj)
    return ops


@functools.cache
def op_by_name() -> dict[str, type]:
    return {op.name: op for op in all_ops()}


def Top() -> Dialect:  # noqa: N802 -- dialects are named like classes (cf. xdsl.dialects.arith.Arith)
    """The Top dialect object (built on first use; importing op modules is not free)."""
    return Dialect("top", all_ops(), [])
