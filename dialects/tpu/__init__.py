"""The Tpu dialect: chip-level ops for the BM1684X, named as in tpu-mlir's Tpu dialect.

A Tpu op computes in one of four modes (``quant_mode``: F32, F16, BF16, INT8) and its result
element type is the storage type (f32, f16, bf16, i8/ui8, i32; integer and bool data keep their
type). Graph-boundary ops stay ``top.Input``, ``top.Weight`` and ``top.None`` as in tpu-mlir.

* ``base.py`` -- :class:`TpuOp` (quantisation properties, verifier) and the mirror-op factory;
* ``ops.py`` -- every op: one ``tpu.X`` per Top op ``top.X`` plus the chip-only ``tpu.Cast``,
  ``tpu.Requant`` and ``tpu.Lut``;
* ``quant.py`` -- the chip's integer arithmetic (multiplier/shift requant, rounding, saturation);
* ``inference/`` -- the INT8 kernels of the interpreter, one file per op;
* ``interpreter.py`` -- the Tpu interpreter (chip numerics).
"""

from __future__ import annotations

import functools

from xdsl.ir import Dialect


@functools.cache
def all_ops() -> list[type]:
    """Every Tpu op class, in a stable order."""
    from tpuc.dialects.tpu.ops import ALL_OPS

    return list(ALL_OPS)


@functools.cache
def op_by_name() -> dict[str, type]:
    return {op.name: op for op in all_ops()}


def Tpu() -> Dialect:  # noqa: N802 -- dialects are named like classes
    """The Tpu dialect object (built on first use)."""
    return Dialect("tpu", all_ops(), [])
