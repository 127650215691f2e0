"""F32 / F16 / BF16 lowering: every float tensor of the Tpu module is stored in the mode's type
(except the f32 graph inputs and the casts back to f32 for the outputs), and the Tpu interpreter
equals running each Top op in float32 on the rounded operands with its results rounded to
f16/bf16 (bit for bit)."""

from __future__ import annotations

import ml_dtypes
import numpy as np
import pytest
from onnx import helper
from xdsl.dialects import func

from top_to_tpu_util import float_tensor_types, lower, onnx_model, rounded_reference, run

from tpuc.dialects.top.base import dtype_of
from tpuc.dialects.top.interpreter import main_func
from tpuc.dialects.top.ops.core import InputOp, WeightOp
from tpuc.dialects.tpu.base import TpuOp
from tpuc.dialects.tpu.ops import CastOp

BF16 = np.dtype(ml_dtypes.bfloat16)
HALF_MODES = {"F16": np.dtype(np.float16), "BF16": BF16}
F32_MIN = float(np.finfo(np.float32).min)


def rng(seed):
    return np.random.default_rng(seed)


def assert_storage_types(L, mode: str):
    """Every float tensor is in the mode's dtype but the f32 inputs and the output casts; every
    Tpu op computes in ``mode``; every weight feeding an op is converted at compile time."""
    want = HALF_MODES[mode]
    ret = main_func(L.module).body.block.last_op
    assert isinstance(ret, func.ReturnOp)
    outputs = set(ret.operands)
    n_checked = 0
    for op, t in float_tensor_types(L.module):
        if isinstance(op, InputOp):
            assert dtype_of(op.results[0]) == np.float32
        elif isinstance(op, CastOp) and op.results[0] in outputs:
            assert dtype_of(op.results[0]) == np.float32 and dtype_of(op.input) == want
        else:
            assert dtype_of(op.results[0]) == want, f"{op.name} {t}"
            n_checked += 1
    assert n_checked
    for op in main_func(L.module).body.block.ops:
        if isinstance(op, TpuOp) and not isinstance(op, CastOp):
            assert op.p("quant_mode") == mode, op.name
        if isinstance(op, WeightOp) and dtype_of(op.results[0]).kind in "fV":
            assert dtype_of(op.results[0]) == want
    for v in outputs:
        assert dtype_of(v) == np.float32


# ------------------------------------------------------------------------------ the 2-op chain


def matmul_add(seed, scale=1.0):
    r = rng(seed)
    x = (r.standard_normal((4, 16)) * scale).astype(np.float32)
    x2 = (r.standard_normal((4, 8)) * scale).astype(np.float32)
    w = r.standard_normal((16, 8)).astype(np.float32)
    b = r.standard_normal(8).astype(np.float32)
    nodes = [helper.make_node("Gemm", ["x", "w", "b"], ["g"]), helper.make_node("Add", ["g", "x2"], ["y"])]
    feeds = {"x": x, "x2": x2}
    return onnx_model(nodes, feeds, ["y"], {"w": w, "b": b}), feeds


@pytest.mark.filterwarnings("ignore:overflow encountered")
@pytest.mark.parametrize("mode", sorted(HALF_MODES))
@pytest.mark.parametrize("seed, scale", [(0, 1.0), (1, 1e-3), (2, 40.0), (3, 1e4)])  # 1e4: f16 overflows to inf
def test_matmul_add_bit_exact(mode, seed, scale):
    model, feeds = matmul_add(seed, scale)
    L = lower(model, feeds, mode)
    assert L.ctx.decided == {"g": mode, "y": mode}
    assert [op.name for op in L.tpu_ops()] == ["tpu.Cast", "tpu.MatMul", "tpu.Cast", "tpu.Add", "tpu.Cast"]
    assert_storage_types(L, mode)
    out, tensors = run(L.module, L.store, feeds)
    assert tensors["g"].dtype == HALF_MODES[mode] and tensors["y"].dtype == HALF_MODES[mode]
    want = rounded_reference(L.top, L.store, feeds, HALF_MODES[mode])
    assert out[0].dtype == np.float32
    np.testing.assert_array_equal(out[0], want[0])
    if mode == "F16" and scale == 1e4:
        assert np.isinf(out[0]).any()
    else:
        assert np.isfinite(out[0]).all()
        np.testing.assert_allclose(out[0], L.ref[0], rtol=0.1, atol=0.1 * scale)


def test_f32_mode_equals_top():
    model, feeds = matmul_add(5)
    L = lower(model, feeds, "F32")
    assert not L.tpu_ops("tpu.Cast")
    out, _ = run(L.module, L.store, feeds)
    np.testing.assert_array_equal(out[0], L.ref[0])


# ------------------------------------------------------------------------------ a small CNN


def small_cnn(seed):
    r = rng(seed)
    x = r.standard_normal((1, 3, 8, 8)).astype(np.float32)
    x2 = r.standard_normal((1, 5)).astype(np.float32)
    inits = {"w": (r.standard_normal((4, 3, 3, 3)) * 0.3).astype(np.float32),
             "b": r.standard_normal(4).astype(np.float32),
             "fw": (r.standard_normal((64, 5)) * 0.2).astype(np.float32),
             "fb": r.standard_normal(5).astype(np.float32)}
    nodes = [helper.make_node("Conv", ["x", "w", "b"], ["c"], pads=[1, 1, 1, 1]),
             helper.make_node("Relu", ["c"], ["r"]),
             helper.make_node("MaxPool", ["r"], ["p"], kernel_shape=[2, 2], strides=[2, 2]),
             helper.make_node("Flatten", ["p"], ["f"]),
             helper.make_node("Gemm", ["f", "fw", "fb"], ["g"]),
             helper.make_node("Add", ["g", "x2"], ["a"]),
             helper.make_node("Softmax", ["a"], ["y"], axis=-1)]
    feeds = {"x": x, "x2": x2}
    return onnx_model(nodes, feeds, ["y"], inits), feeds


@pytest.mark.parametrize("mode", sorted(HALF_MODES))
def test_small_cnn_types_and_values(mode):
    model, feeds = small_cnn(6)
    L = lower(model, feeds, mode)
    assert set(L.ctx.decided.values()) == {mode}
    assert_storage_types(L, mode)
    out, _ = run(L.module, L.store, feeds)
    want = rounded_reference(L.top, L.store, feeds, HALF_MODES[mode])
    np.testing.assert_array_equal(out[0], want[0])
    np.testing.assert_allclose(out[0], L.ref[0], atol=0.05)


# ------------------------------------------------------------------------------ masks


@pytest.mark.parametrize("mode", sorted(HALF_MODES))
def test_finfo_min_mask_stays_finite(mode):
    """A ``finfo(f32).min`` additive mask is clamped to the half type's range (not -inf), so the
    masked Softmax gives exact zeros instead of NaN rows."""
    r = rng(7)
    x = r.standard_normal((2, 6)).astype(np.float32)
    mask = np.zeros((2, 6), np.float32)
    mask[:, 4:] = F32_MIN
    nodes = [helper.make_node("Add", ["x", "mask"], ["m"]), helper.make_node("Softmax", ["m"], ["y"], axis=-1)]
    feeds = {"x": x}
    L = lower(onnx_model(nodes, feeds, ["y"], {"mask": mask}), feeds, mode)
    assert_storage_types(L, mode)
    out, tensors = run(L.module, L.store, feeds)
    m = tensors["m"].astype(np.float32)
    assert np.isfinite(m).all() and (m[:, 4:] <= -6e4).all()
    assert np.isfinite(out[0]).all() and (out[0][:, 4:] == 0).all()
    np.testing.assert_array_equal(out[0], rounded_reference(L.top, L.store, feeds, HALF_MODES[mode])[0])


# ------------------------------------------------------------------------------ activations

# Composite Top references (x * clip(...), x * tanh(softplus(x)), 1 / (1 + exp(-x))) computed on
# half-precision operands would round every intermediate; the chip (and tpu-mlir's inference)
# computes the activation in f32 and rounds once, which is what every case here checks.
ACTIVATIONS = ["Sigmoid", "Tanh", "Exp", "Softplus", "HardSwish", "Mish", "Elu", "Erf", "Sqrt", "Reciprocal"]


@pytest.mark.parametrize("mode", sorted(HALF_MODES))
@pytest.mark.parametrize("op_type", ACTIVATIONS)
def test_activation_is_f32_compute_then_round(op_type, mode):
    x = (rng(8).standard_normal((8, 64)) * 3).astype(np.float32)
    if op_type in ("Sqrt",):
        x = np.abs(x)
    feeds = {"x": x}
    L = lower(onnx_model([helper.make_node(op_type, ["x"], ["y"])], feeds, ["y"]), feeds, mode)
    assert_storage_types(L, mode)
    out, _ = run(L.module, L.store, feeds)
    want = rounded_reference(L.top, L.store, feeds, HALF_MODES[mode])
    np.testing.assert_array_equal(out[0], want[0])
