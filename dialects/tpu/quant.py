"""The chip's integer and half-precision arithmetic, shared by lowering and the interpreter.

Symmetric INT8 (tpu-mlir's default on BM1684X): a real tensor ``x`` with threshold ``t`` has scale
``s = t / 127`` and is stored as ``q = saturate(round_half_away(x / s))`` in [-128, 127].
Requantisation of an integer accumulator by a real factor ``r`` uses an integer multiplier and a
right shift chosen at compile time (:func:`multiplier_shift`): ``y = round_half_away(acc * m / 2**n)``
computed exactly in int64, then saturated.
"""

from __future__ import annotations

import math

import ml_dtypes
import numpy as np

QMIN, QMAX = -128, 127
#: multipliers are 31-bit positive integers in [2**30, 2**31)
MULT_BITS = 31


def round_half_away(x: np.ndarray) -> np.ndarray:
    """Round to nearest, ties away from zero (the chip's rounding for quantisation)."""
    x = np.asarray(x)
    a = np.abs(x)
    r = np.floor(a)
    return np.sign(x) * (r + (a - r >= 0.5))  # not floor(a + 0.5): 0.49999997 + 0.5 rounds to 1


def saturate_int8(x: np.ndarray) -> np.ndarray:
    return np.clip(x, QMIN, QMAX).astype(np.int8)


def scale_of_threshold(threshold: float) -> float:
    """Symmetric int8 scale of a calibration threshold (a zero threshold gets a tiny scale)."""
    t = float(threshold)
    if not math.isfinite(t) or t < 0:
        raise ValueError(f"threshold {t} cannot be quantised")
    return max(t, 1e-12) / 127.0


def quantize(x: np.ndarray, scale: float) -> np.ndarray:
    """float -> int8: ``saturate(round_half_away(x * (1/scale)))`` computed in f32 as the chip."""
    xf = np.asarray(x, np.float32) * np.float32(1.0 / scale)
    with np.errstate(invalid="ignore"):
        return saturate_int8(np.nan_to_num(round_half_away(xf), nan=0.0))


def dequantize(q: np.ndarray, scale: float, dtype=np.float32) -> np.ndarray:
    """int8 -> float: ``q * scale`` in f32, rounded to ``dtype``."""
    return (np.asarray(q, np.float32) * np.float32(scale)).astype(dtype)


def multiplier_shift(real: float) -> tuple[int, int]:
    """``(m, n)`` with ``m / 2**n`` closest to ``real > 0``, ``m`` in [2**30, 2**31) (31 significant
    bits) and ``0 <= n <= 62``. A ``real`` of 0 gives ``(0, 0)``."""
    if real < 0 or not math.isfinite(real):
        raise ValueError(f"requant factor {real} must be finite and non-negative")
    if real == 0:
        return 0, 0
    if real >= 2**MULT_BITS - 1:
        # any non-zero integer accumulator saturates int8 at this factor: (2**31 - 1) >> 0 does too
        return 2**MULT_BITS - 1, 0
    mant, exp = math.frexp(real)  # real = mant * 2**exp, mant in [0.5, 1)
    n = MULT_BITS - exp
    m = int(round(mant * (1 << MULT_BITS)))
    if m == 1 << MULT_BITS:  # rounding overflowed the mantissa
        m //= 2
        n -= 1
    if n < 0:  # real in [2**30, 2**31 - 1): no shift, the rounded factor itself
        m, n = int(round(real)), 0
    if n > 62:  # tiny factor: drop precision rather than shift beyond int64
        m = int(round(real * (1 << 62)))
        n = 62
    return m, n


def rshift_round(acc: np.ndarray, shift) -> np.ndarray:
    """``round_half_away(acc / 2**shift)`` exactly in int64 (``shift`` scalar or broadcastable)."""
    acc = np.asarray(acc, np.int64)
    shift = np.asarray(shift, np.int64)
    q = np.right_shift(acc, shift)  # floor(acc / 2**s)
    rem = acc - np.left_shift(q, shift)  # in [0, 2**s): no overflow anywhere in int64
    half = np.where(shift > 0, np.left_shift(np.int64(1), np.maximum(shift - 1, 0)), 1)
    up = np.where(acc >= 0, rem >= half, rem > half)  # ties go away from zero
    return q + np.where(shift > 0, up, 0)


def requant(acc: np.ndarray, multiplier, shift, *, relu: bool = False) -> np.ndarray:
    """int accumulator -> int8: ``saturate(round_half_away(acc * multiplier / 2**shift))``.

    ``multiplier`` and ``shift`` broadcast against ``acc`` (per-channel arrays must be shaped for
    the channel axis). The product ``acc * multiplier`` must fit int64: the lowering guarantees it
    (accumulators < 2**31 and multipliers < 2**31).
    """
    acc = np.asarray(acc, np.int64)
    prod = acc * np.asarray(multiplier, np.int64)
    out = rshift_round(prod, shift)
    if relu:
        out = np.maximum(out, 0)
    return saturate_int8(out)


def to_float_storage(x: np.ndarray, dtype) -> np.ndarray:
    """Round ``x`` to a float storage type (f32, f16 or bf16; round to nearest even)."""
    return np.asarray(x).astype(dtype)


def saturate_weight(w: np.ndarray, dtype) -> np.ndarray:
    """Convert a float weight to a float storage type, clamping finite values to its finite range
    (a ``finfo(f32).min`` mask fill becomes ``-65504`` in f16, not ``-inf``: ``0 * w`` stays 0)."""
    dtype = np.dtype(dtype)
    w = np.asarray(w)
    if dtype in (np.dtype(np.float16), np.dtype(ml_dtypes.bfloat16)):
        big = float(ml_dtypes.finfo(dtype).max) if dtype != np.float16 else float(np.finfo(np.float16).max)
        finite = np.isfinite(w)
        if finite.any():
            w = np.where(finite, np.clip(w, -big, big), w)
    return w.astype(dtype)


def _check_finite(w: np.ndarray) -> None:
    if not np.all(np.isfinite(w)):
        raise ValueError(f"{int(np.sum(~np.isfinite(w)))} non-finite value(s) cannot be quantised to int8")


def quantize_per_channel(w: np.ndarray, axis: int) -> tuple[np.ndarray, np.ndarray]:
    """Symmetric per-channel int8 weights: scale ``max|w| / 127`` per index of ``axis``;
    returns ``(q, scales)`` (an all-zero channel gets scale 1)."""
    w = np.asarray(w, np.float32)
    _check_finite(w)
    axis = axis % w.ndim
    red = tuple(i for i in range(w.ndim) if i != axis)
    amax = np.max(np.abs(w), axis=red) if red else np.abs(w)
    scales = np.where(amax > 0, amax / 127.0, 1.0).astype(np.float64)
    shape = [1] * w.ndim
    shape[axis] = -1
    q = saturate_int8(round_half_away(w / scales.reshape(shape)))
    return q, scales


def quantize_per_tensor(w: np.ndarray) -> tuple[np.ndarray, float]:
    """Symmetric per-tensor int8 weights: ``(q, scale)`` with ``scale = max|w| / 127``."""
    w = np.asarray(w, np.float32)
    _check_finite(w)
    amax = float(np.max(np.abs(w))) if w.size else 0.0
    scale = amax / 127.0 if amax > 0 else 1.0
    return saturate_int8(round_half_away(w / scale)), scale
