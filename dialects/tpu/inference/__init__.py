"""INT8 kernels of the Tpu interpreter, one file per op (as tpu-mlir's
``lib/Dialect/Tpu/Interfaces/BM1684X/<Op>.cpp``): each module registers ``KERNELS[op name]``.

A kernel takes the op and its operand values (int8 activations, int8 weights, int32 biases) and
returns the int8 results with the chip's integer arithmetic (:mod:`tpuc.dialects.tpu.quant`).
INT8 ops without a kernel are data movement (Reshape, Permute, Slice, Concat of equal scales,
MaxPool, Relu, ...), which the Top reference computes exactly on int8 values.
"""

from __future__ import annotations

import functools
import importlib
import pkgutil
from collections.abc import Callable

KERNELS: dict[str, Callable] = {}


def register(*names: str):
    """Decorator: register an INT8 kernel for the Tpu op names given."""

    def deco(fn):
        for n in names:
            KERNELS[n] = fn
        return fn

    return deco


@functools.cache
def _load() -> None:
    for m in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{m.name}")


def kernel_for(name: str) -> Callable | None:
    _load()
    return KERNELS.get(name)
