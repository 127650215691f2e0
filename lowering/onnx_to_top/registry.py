"""The table of ONNX op converters: ``@converter("Add", "Sum")`` registers a function
``(ctx: ImportContext, node: Node) -> None`` that defines the node's outputs in ``ctx``."""

from __future__ import annotations

from collections.abc import Callable

CONVERTERS: dict[str, Callable] = {}


def converter(*op_types: str):
    def register(fn: Callable) -> Callable:
        for t in op_types:
            assert t not in CONVERTERS, f"two converters for {t}"
            CONVERTERS[t] = fn
        return fn

    return register


def load_all() -> dict[str, Callable]:
    """Import every converter module (registration happens at import)."""
    from tpuc.lowering.onnx_to_top import constant, elementwise, nn, reduce, shape  # noqa: F401

    return CONVERTERS
