"""Regressions from the review of the Top -> Tpu lowering (each failed before its fix)."""

from __future__ import annotations

import numpy as np
import pytest
from onnx import helper
from xdsl.utils.exceptions import VerifyException

from top_to_tpu_util import lower, onnx_model

from tpuc.compiler.ir_io import parse_module


def _cos(a, b) -> float:
    a, b = np.asarray(a, np.float64).ravel(), np.asarray(b, np.float64).ravel()
    return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))


def test_int8_gather_with_int32_indices():
    """The verifier viewed every i32 operand of an INT8 op as quantised storage, so INT8 Gather
    with int32 indices failed verification ('indices must be i32 or i64, got float32')."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((4, 8)).astype(np.float32)
    nodes = [helper.make_node("MatMul", ["x", "w"], ["m"]), helper.make_node("Gather", ["m", "i"], ["g"], axis=0),
             helper.make_node("Relu", ["g"], ["y"])]
    model = onnx_model(nodes, {"x": x}, ["y"], {"w": rng.standard_normal((8, 6)).astype(np.float32),
                                                "i": np.array([3, 0], np.int32)})
    low = lower(model, {"x": x}, "INT8")
    assert low.op_named("g").p("quant_mode") == "INT8"


def test_int8_gemm_with_scalar_bias():
    """A scalar Gemm C with per-channel weight scales crashed ('cannot reshape array of size 6
    into shape ()'): it is now one int32 entry per output channel."""
    rng = np.random.default_rng(1)
    x = rng.standard_normal((4, 8)).astype(np.float32)
    nodes = [helper.make_node("Gemm", ["x", "w", "c"], ["y0"]), helper.make_node("Relu", ["y0"], ["y"])]
    model = onnx_model(nodes, {"x": x}, ["y"], {"w": rng.standard_normal((8, 6)).astype(np.float32),
                                                "c": np.array(0.5, np.float32)})
    low = lower(model, {"x": x}, "INT8")
    out, _ = __import__("top_to_tpu_util").run(low.module, low.store, {"x": x})
    assert _cos(out[0], low.ref[0]) > 0.999


def test_int8_sub_of_three_operands():
    """top.Sub is variadic (a - b - c); the INT8 kernel negated only operand 1 (cos 0.60). A
    3-operand Sub now stays float, and the kernel subtracts every operand after the first."""
    rng = np.random.default_rng(2)
    feeds = {n: rng.standard_normal((2, 5)).astype(np.float32) for n in "abc"}
    ir = """
builtin.module attributes {module.weight_file = "w.npz"} {
  func.func @main(%a: tensor<2x5xf32>, %b: tensor<2x5xf32>, %c: tensor<2x5xf32>) -> tensor<2x5xf32> {
    %0 = top.Input(%a) : (tensor<2x5xf32>) -> tensor<2x5xf32> loc("a")
    %1 = top.Input(%b) : (tensor<2x5xf32>) -> tensor<2x5xf32> loc("b")
    %2 = top.Input(%c) : (tensor<2x5xf32>) -> tensor<2x5xf32> loc("c")
    %3 = top.Sub(%0, %1, %2) : (tensor<2x5xf32>, tensor<2x5xf32>, tensor<2x5xf32>) -> tensor<2x5xf32> loc("sub")
    %4 = top.Relu(%3) : (tensor<2x5xf32>) -> tensor<2x5xf32> loc("y")
    func.return %4 : tensor<2x5xf32>
  }
}
"""
    from tpuc.compiler.weights import WeightStore, attach_store
    from tpuc.dialects.top import interpreter
    from tpuc.lowering.top_to_tpu.convert import lower_module
    from top_to_tpu_util import max_table

    module = parse_module(ir)
    store = WeightStore({})
    seen = {}
    ref = interpreter.run(module, store, feeds, on_tensor=seen.__setitem__)
    attach_store(module, store)
    ctx = lower_module(module, "INT8", "bm1684x", max_table(seen), quant_output=True)
    module.verify()
    assert ctx.decided["sub"] == "F16"
    out = interpreter.run(module, store, feeds)
    assert _cos(out[0], ref[0]) > 0.999
    # the kernel itself: a - b - c
    from tpuc.dialects.tpu.inference.add import add_int8

    class FakeSub:
        name = "tpu.Sub"

        def p(self, key, default=None):
            return {"multiplier": (1, 1, 1), "rshift": (0,)}.get(key, default)

    q = [np.array([10], np.int8), np.array([3], np.int8), np.array([2], np.int8)]
    assert add_int8(FakeSub(), q)[0].tolist() == [5]


TPU_IR = """
builtin.module {
  func.func @main(%x: tensor<4xf32>) -> tensor<4xf32> {
    %0 = top.Input(%x) : (tensor<4xf32>) -> tensor<4xf32> loc("x")
    %1 = tpu.Cast(%0) {qscale = 0.1 : f64} : (tensor<4xf32>) -> tensor<4xi8> loc("x_int8")
    %2 = OP loc("y")
    %3 = tpu.Cast(%2) {qscale = 0.1 : f64} : (tensor<4xi8>) -> tensor<4xf32> loc("y_f32")
    func.return %3 : tensor<4xf32>
  }
}
"""


@pytest.mark.parametrize("op,message", [
    ('tpu.Sub(%1, %1) {quant_mode = "INT8", qscale = 0.1 : f64} : (tensor<4xi8>, tensor<4xi8>) -> tensor<4xi8>',
     "needs multiplier and rshift"),
    ('tpu.Sub(%1, %1) {quant_mode = "INT8", qscale = 0.1 : f64, multiplier = array<i64: 1>, rshift = array<i64: 0>}'
     ' : (tensor<4xi8>, tensor<4xi8>) -> tensor<4xi8>', "do not fit"),
    ('tpu.Relu(%1) {quant_mode = "INT8", qscale = 0.0 : f64} : (tensor<4xi8>) -> tensor<4xi8>', "finite and positive"),
    ('tpu.Mul(%1, %1) {quant_mode = "INT8", qscale = 0.1 : f64, multiplier = array<i64: 1>, rshift = array<i64: 64>}'
     ' : (tensor<4xi8>, tensor<4xi8>) -> tensor<4xi8>', "rshift entries"),
    ('tpu.Softmax(%1) {axis = 0 : i64, quant_mode = "INT8", qscale = 0.1 : f64} : (tensor<4xi8>) -> tensor<4xi8>',
     "has no INT8 form"),
])
def test_verifier_rejects_unusable_int8_ops(op, message):
    module = parse_module(TPU_IR.replace("OP", op))
    with pytest.raises(VerifyException, match=message):
        module.verify()


def test_verifier_rejects_float_storage_of_another_mode():
    ir = TPU_IR.replace('%1 = tpu.Cast(%0) {qscale = 0.1 : f64} : (tensor<4xf32>) -> tensor<4xi8> loc("x_int8")',
                        '%1 = tpu.Cast(%0) : (tensor<4xf32>) -> tensor<4xf16> loc("x_f16")')
    ir = ir.replace("OP", 'tpu.Relu(%1) {quant_mode = "BF16"} : (tensor<4xf16>) -> tensor<4xf16>')
    ir = ir.replace('tpu.Cast(%2) {qscale = 0.1 : f64} : (tensor<4xi8>)', 'tpu.Cast(%2) : (tensor<4xf16>)')
    with pytest.raises(VerifyException, match="a BF16 op cannot produce f16"):
        parse_module(ir).verify()
