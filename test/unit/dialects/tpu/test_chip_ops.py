"""The chip-only Tpu ops ``tpu.Cast``, ``tpu.Requant`` and ``tpu.Lut``: ``compute`` gives the values
their docstrings (ops.py) promise, and the verifier rejects the forms they exclude."""

from __future__ import annotations

from fractions import Fraction

import ml_dtypes
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from xdsl.utils.exceptions import VerifyException
from xdsl.utils.test_value import create_ssa_value

from tpuc.dialects.top.base import tensor_type, to_attr
from tpuc.dialects.tpu import op_by_name
from tpuc.dialects.tpu.ops import CastOp, LutOp, RequantOp
from tpuc.dialects.tpu.quant import multiplier_shift

BF16 = np.dtype(ml_dtypes.bfloat16)
SETTINGS = settings(max_examples=100, deadline=None, derandomize=True, database=None)


def make(cls, in_dtypes, out_dtype, shape=(2, 3), out_shape=None, in_shapes=None, **props):
    operands = [create_ssa_value(tensor_type(s, d))
                for s, d in zip(in_shapes or [shape] * len(in_dtypes), in_dtypes)]
    return cls.create(operands=operands, result_types=[tensor_type(out_shape or shape, out_dtype)],
                      properties={k: to_attr(v) for k, v in props.items()})


def cast(in_dtype, out_dtype, shape=(2, 3), **props):
    op = make(CastOp, [in_dtype], out_dtype, shape, **props)
    op.verify()
    return op


def round_half_away_exact(x: Fraction) -> int:
    q = int(abs(x) + Fraction(1, 2))
    return q if x >= 0 else -q


def test_chip_ops_are_registered():
    ops = op_by_name()
    assert ops["tpu.Cast"] is CastOp and ops["tpu.Requant"] is RequantOp and ops["tpu.Lut"] is LutOp


# ------------------------------------------------------------------------------ tpu.Cast


@pytest.mark.filterwarnings("ignore:overflow encountered in cast")
def test_cast_float_to_float_rounds_to_nearest_even():
    # f16: spacing 2**-10 at 1; 1 + 2**-11 is a tie -> even (1.0), 1 + 3*2**-11 -> 1 + 2**-9
    x = np.array([1 + 2.0**-11, 1 + 3 * 2.0**-11, 65519.0, 65520.0, -65520.0, 1e-8], np.float32).reshape(2, 3)
    (y,) = cast(np.float32, np.float16).compute([x])
    assert y.dtype == np.float16
    np.testing.assert_array_equal(
        y.ravel(), np.array([1.0, 1 + 2.0**-9, 65504.0, np.inf, -np.inf, 0.0], np.float16))  # beyond range -> inf
    np.testing.assert_array_equal(y, x.astype(np.float16))
    # bf16: 8 significant bits
    xb = np.array([1 + 2.0**-8, 1 + 3 * 2.0**-8, 3.0e38, 3.4e38, -3.4e38, 0.1], np.float32).reshape(2, 3)
    (yb,) = cast(np.float32, BF16).compute([xb])
    assert yb.dtype == BF16
    assert float(yb.flat[0]) == 1.0 and float(yb.flat[1]) == 1 + 2.0**-6
    assert np.isposinf(float(yb.flat[3])) and np.isneginf(float(yb.flat[4]))
    np.testing.assert_array_equal(yb, xb.astype(BF16))
    # widening is exact
    h = x.astype(np.float16)
    (back,) = cast(np.float16, np.float32).compute([h])
    assert back.dtype == np.float32
    np.testing.assert_array_equal(back, h.astype(np.float32))
    (hb,) = cast(BF16, np.float16).compute([np.array([[1.5, -2.25, 3.0]] * 2, BF16)])
    np.testing.assert_array_equal(hb, np.array([[1.5, -2.25, 3.0]] * 2, np.float16))


def test_cast_float_to_int8_quantises_with_reciprocal():
    s = 0.5
    x = np.array([[0.25, -0.25, 0.24], [100.0, -100.0, 63.75]], np.float32)
    (q,) = cast(np.float32, np.int8, qscale=s).compute([x])
    assert q.dtype == np.int8
    # 0.25 / 0.5 = 0.5 -> 1 (ties away), -0.5 -> -1, 0.48 -> 0, saturation, 127.5 -> 127 (saturated)
    np.testing.assert_array_equal(q, [[1, -1, 0], [127, -128, 127]])


@SETTINGS
@given(st.floats(min_value=1e-4, max_value=10.0), st.integers(0, 2**32 - 1))
def test_cast_quantise_formula(s, seed):
    """``q = saturate(round_half_away(x * (1/qscale)))`` with the product in f32."""
    x = (np.random.default_rng(seed).standard_normal((2, 3)) * 100 * s).astype(np.float32)
    for dt in (np.float32, np.float16):
        xi = x.astype(dt)
        (q,) = cast(dt, np.int8, qscale=s).compute([xi])
        xf = xi.astype(np.float32) * np.float32(1.0 / s)
        want = [min(max(round_half_away_exact(Fraction(float(v))), -128), 127) for v in xf.ravel()]
        np.testing.assert_array_equal(q.ravel(), want)


def test_cast_int8_to_float_dequantises():
    s = 0.0371
    q = np.arange(-128, 128, dtype=np.int8).reshape(16, 16)
    f32 = q.astype(np.float32) * np.float32(s)
    for dt in (np.float32, np.float16, BF16):
        (x,) = cast(np.int8, dt, shape=(16, 16), qscale=s).compute([q])
        assert x.dtype == dt
        np.testing.assert_array_equal(x, f32.astype(dt))  # q * qscale in f32, then rounded
    assert np.max(np.abs(f32.astype(np.float64) - q.astype(np.float64) * s)) <= 128 * s * 2.0**-23


def test_cast_round_trip_int8_is_identity():
    s = 0.02
    q = np.arange(-128, 128, dtype=np.int8).reshape(16, 16)
    (x,) = cast(np.int8, np.float32, shape=(16, 16), qscale=s).compute([q])
    (q2,) = cast(np.float32, np.int8, shape=(16, 16), qscale=s).compute([x])
    np.testing.assert_array_equal(q2, q)


def test_cast_verifier():
    # an INT8 (quantising) cast needs its scale; without quant_mode INT8 and without a qscale the
    # cast is the model's own conversion (ONNX Cast: float -> int truncates)
    with pytest.raises(VerifyException, match="needs a qscale"):
        make(CastOp, [np.float32], np.int8, quant_mode="INT8").verify()
    with pytest.raises(VerifyException, match="needs a qscale"):
        make(CastOp, [np.int8], np.float16, quant_mode="INT8").verify()
    with pytest.raises(VerifyException, match="quantises between float and int8"):
        make(CastOp, [np.int8], np.int8, qscale=1.0).verify()
    with pytest.raises(VerifyException, match="quantises between float and int8"):
        make(CastOp, [np.float32], np.int32, qscale=1.0).verify()
    (y,) = cast(np.float32, np.int32).compute([np.array([[1.7, -1.7, 2.5], [0, 3.9, -0.2]], np.float32)])
    np.testing.assert_array_equal(y, [[1, -1, 2], [0, 3, 0]])
    with pytest.raises(VerifyException, match="changes the shape"):
        make(CastOp, [np.float32], np.float16, out_shape=(3, 2)).verify()
    make(CastOp, [np.float32], np.uint8, qscale=1.0).verify()


# ------------------------------------------------------------------------------ tpu.Requant


def requant_op(in_dtype, m, n, s_out=0.1, shape=(4, 64)):
    op = make(RequantOp, [in_dtype], np.int8, shape, quant_mode="INT8", qscale=s_out, multiplier=[m], rshift=[n])
    op.verify()
    return op


@SETTINGS
@given(st.floats(min_value=1e-3, max_value=100.0), st.integers(0, 2**32 - 1))
def test_requant_compute(r, seed):
    """``y = saturate(round_half_away(x * multiplier >> rshift))`` for i8 and i32 inputs."""
    m, n = multiplier_shift(r)
    rng = np.random.default_rng(seed)
    for dt, lo, hi in ((np.int8, -128, 128), (np.int32, -(2**31), 2**31)):
        x = rng.integers(lo, hi, size=(4, 64)).astype(dt)
        x.flat[:4] = [lo, hi - 1, 0, -1]
        (y,) = requant_op(dt, m, n).compute([x])
        assert y.dtype == np.int8
        want = [min(max(round_half_away_exact(Fraction(int(v) * m, 2**n)), -128), 127) for v in x.ravel()]
        np.testing.assert_array_equal(y.ravel(), want)


def test_requant_changes_scale():
    """Requantising from scale s_in to s_out with m / 2**n = s_in / s_out keeps the real value within
    half an output step."""
    s_in, s_out = 0.013, 0.0371
    m, n = multiplier_shift(s_in / s_out)
    q = np.arange(-128, 128, dtype=np.int8).reshape(4, 64)
    (y,) = requant_op(np.int8, m, n, s_out).compute([q])
    assert np.max(np.abs(y * s_out - q * s_in)) <= s_out * (0.5 + 1e-6)


def test_requant_verifier():
    with pytest.raises(VerifyException, match="one multiplier"):
        make(RequantOp, [np.int8], np.int8, quant_mode="INT8", qscale=0.1, multiplier=[1, 2], rshift=[1]).verify()
    with pytest.raises(VerifyException, match="maps i8/i32 to i8"):
        make(RequantOp, [np.float32], np.int8, quant_mode="INT8", qscale=0.1, multiplier=[1], rshift=[1]).verify()
    with pytest.raises(VerifyException, match="maps i8/i32 to i8"):
        make(RequantOp, [np.int8], np.int32, quant_mode="INT8", qscale=0.1, multiplier=[1], rshift=[1]).verify()
    with pytest.raises(VerifyException, match="needs a qscale"):
        make(RequantOp, [np.int8], np.int8, quant_mode="INT8", multiplier=[1], rshift=[1]).verify()


# ------------------------------------------------------------------------------ tpu.Lut


def lut_op(shape=(16, 16), table_shape=(256,), in_dtype=np.int8, table_dtype=np.int8):
    return make(LutOp, [in_dtype, table_dtype], np.int8, shape, in_shapes=[shape, table_shape],
                quant_mode="INT8", qscale=0.01)


def test_lut_compute_every_entry():
    rng = np.random.default_rng(7)
    table = rng.integers(-128, 128, size=256).astype(np.int8)
    x = np.arange(-128, 128, dtype=np.int8).reshape(16, 16)
    op = lut_op()
    op.verify()
    (y,) = op.compute([x, table])
    assert y.dtype == np.int8 and y.shape == x.shape
    np.testing.assert_array_equal(y.ravel(), table)  # y = table[x + 128]
    xs = rng.integers(-128, 128, size=(16, 16)).astype(np.int8)
    (ys,) = op.compute([xs, table])
    np.testing.assert_array_equal(ys, table[xs.astype(np.int64) + 128])


def test_lut_verifier():
    with pytest.raises(VerifyException, match="256 entries"):
        lut_op(table_shape=(255,)).verify()
    with pytest.raises(VerifyException, match="i8 to i8"):
        lut_op(in_dtype=np.float32).verify()
    with pytest.raises(VerifyException, match="i8 to i8"):
        lut_op(table_dtype=np.int32).verify()
