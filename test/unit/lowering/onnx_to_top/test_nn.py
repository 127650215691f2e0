"""ONNX -> Top converters of the nn family (Conv, ConvTranspose, MatMul, Gemm, pooling,
normalisations, Softmax, Resize/Upsample, Einsum): ONNX's own node conformance cases,
single-node models against onnxruntime, the Top ops' flags (MatMul) and import errors."""

from __future__ import annotations


import numpy as np
import onnxruntime as ort
import pytest
from onnx import TensorProto, helper, numpy_helper
from xdsl.ir import Block
from xdsl.utils.exceptions import VerifyException

from conformance_util import compile_and_run, single_node_cases

from tpuc.compiler.errors import CompileError
from tpuc.dialects.top import interpreter
from tpuc.dialects.top.base import build, shape_of, tensor_type
from tpuc.dialects.top.ops import nn as N
from tpuc.lowering.onnx_to_top.importer import import_model

RNG = np.random.default_rng(0)
F32, F16, I64 = TensorProto.FLOAT, TensorProto.FLOAT16, TensorProto.INT64

# ------------------------------------------------------------------------ ONNX conformance

NN_OPS = {
    "Conv", "ConvTranspose", "MatMul", "Gemm", "MaxPool", "AveragePool", "GlobalAveragePool", "GlobalMaxPool",
    "BatchNormalization", "InstanceNormalization", "LayerNormalization", "GroupNormalization", "LRN", "Softmax",
    "LogSoftmax", "Hardmax", "Resize", "Upsample", "Einsum", "MeanVarianceNormalization",
}
# inputs tpuc needs as constants; the conformance models feed them as graph inputs
CONST_INPUTS = {"Resize": {1, 2, 3}, "Upsample": {1}}
SKIP = {
    "test_batchnorm_example_training_mode": "training-mode BatchNormalization (tpuc compiles inference)",
    "test_batchnorm_epsilon_training_mode": "training-mode BatchNormalization (tpuc compiles inference)",
}


def assert_close(got, want, rtol, atol):
    assert got.shape == want.shape, (got.shape, want.shape)
    assert got.dtype == want.dtype, (got.dtype, want.dtype)
    if got.dtype.kind not in "fiub":  # bfloat16
        got, want = got.astype(np.float64), want.astype(np.float64)
    np.testing.assert_allclose(got, want, rtol=rtol, atol=atol)


CONFORMANCE = single_node_cases(NN_OPS)


@pytest.mark.parametrize("name", sorted(CONFORMANCE))
def test_onnx_conformance(name):
    if name in SKIP:
        pytest.skip(SKIP[name])
    case = CONFORMANCE[name]
    for inputs, outputs in case.data_sets:
        got = compile_and_run(case, inputs, CONST_INPUTS)
        assert len(got) == len(outputs)
        for g, w in zip(got, outputs):
            assert_close(g, np.asarray(w), case.rtol, case.atol)


# ------------------------------------------------------------------- against onnxruntime


def x_f32(*shape):
    return RNG.standard_normal(shape).astype(np.float32)


def make_model(op_type, inputs, inits=(), opset=17, n_out=1, out_types=None, order=None, **attrs):
    """One node ``op_type(inputs..., inits...)`` (or the input names in ``order``); ``inputs`` and
    ``inits`` are ``(name, array)``, an empty name is an absent optional input."""
    names = order or [n for n, _ in inputs] + [n for n, _ in inits]
    outs = [f"y{i}" for i in range(n_out)]
    node = helper.make_node(op_type, names, outs, **attrs)
    elem = {np.dtype(np.float32): F32, np.dtype(np.float16): F16, np.dtype(np.int64): I64}
    in_vi = [helper.make_tensor_value_info(n, elem[a.dtype], list(a.shape)) for n, a in inputs if n]
    out_vi = [helper.make_tensor_value_info(o, t, None) for o, t in zip(outs, out_types or [F32] * n_out)]
    graph = helper.make_graph([node], "g", in_vi, out_vi,
                              [numpy_helper.from_array(np.asarray(a), n) for n, a in inits if n])
    return helper.make_model(graph, ir_version=8, opset_imports=[helper.make_opsetid("", opset)])


def check(model, feeds, rtol=1e-4, atol=1e-4):
    """Import, verify, interpret and compare every output with onnxruntime."""
    module, store = import_model(model, [list(v.shape) for v in feeds.values()])
    module.verify()
    got = interpreter.run(module, store, list(feeds.values()))
    sess = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    want = sess.run(None, feeds)
    assert len(got) == len(want)
    for g, w in zip(got, want):
        assert_close(g, w, rtol, atol)
    return module


def run_ort_case(op_type, inputs, inits=(), opset=17, n_out=1, out_types=None, rtol=1e-4, atol=1e-4, order=None,
                 **attrs):
    model = make_model(op_type, inputs, inits, opset, n_out, out_types, order, **attrs)
    return check(model, {n: a for n, a in inputs if n}, rtol, atol)


W = x_f32  # weights are random too

ORT_CASES = {
    # --- Conv
    "conv2d_basic": lambda: run_ort_case("Conv", [("x", x_f32(2, 3, 9, 11))], [("w", W(8, 3, 3, 3)), ("b", W(8))],
                                         pads=[1, 1, 1, 1]),
    "conv2d_stride_dilation_asym_pads": lambda: run_ort_case(
        "Conv", [("x", x_f32(1, 4, 17, 13))], [("w", W(6, 4, 3, 2))], strides=[2, 3], dilations=[2, 1],
        pads=[1, 0, 2, 1]),
    "conv2d_groups": lambda: run_ort_case("Conv", [("x", x_f32(1, 8, 10, 10))], [("w", W(12, 2, 3, 3)), ("b", W(12))],
                                          group=4, pads=[1, 1, 1, 1]),
    "conv2d_depthwise_multiplier": lambda: run_ort_case("Conv", [("x", x_f32(2, 6, 9, 9))], [("w", W(12, 1, 5, 5))],
                                                        group=6, strides=[2, 2], pads=[2, 2, 2, 2]),
    "conv2d_same_upper": lambda: run_ort_case("Conv", [("x", x_f32(1, 3, 10, 9))], [("w", W(4, 3, 4, 3))],
                                              auto_pad="SAME_UPPER", strides=[2, 2]),
    "conv2d_same_lower": lambda: run_ort_case("Conv", [("x", x_f32(1, 3, 10, 9))], [("w", W(4, 3, 4, 4))],
                                              auto_pad="SAME_LOWER", strides=[3, 2]),
    "conv2d_valid": lambda: run_ort_case("Conv", [("x", x_f32(1, 3, 10, 9))], [("w", W(4, 3, 4, 4))], auto_pad="VALID"),
    "conv1d": lambda: run_ort_case("Conv", [("x", x_f32(2, 4, 20))], [("w", W(6, 2, 3)), ("b", W(6))], group=2,
                                   strides=[2], pads=[1, 2], dilations=[2]),
    "conv3d": lambda: run_ort_case("Conv", [("x", x_f32(1, 2, 6, 7, 8))], [("w", W(3, 2, 3, 2, 3))],
                                   pads=[1, 0, 1, 1, 1, 0], strides=[1, 2, 2]),
    "conv_runtime_weight": lambda: run_ort_case("Conv", [("x", x_f32(1, 3, 8, 8)), ("w", W(4, 3, 3, 3))]),
    "conv_1x1_large": lambda: run_ort_case("Conv", [("x", x_f32(1, 64, 28, 28))], [("w", W(128, 64, 1, 1) * 0.1)],
                                           rtol=1e-3, atol=1e-4),
    # --- ConvTranspose
    "deconv2d_stride_pads": lambda: run_ort_case(
        "ConvTranspose", [("x", x_f32(1, 3, 5, 6))], [("w", W(3, 4, 3, 3)), ("b", W(4))], strides=[2, 2],
        pads=[1, 0, 1, 2]),
    "deconv2d_groups_dilations_outpad": lambda: run_ort_case(
        "ConvTranspose", [("x", x_f32(2, 4, 5, 4))], [("w", W(4, 3, 3, 2))], group=2, strides=[3, 2],
        dilations=[2, 1], output_padding=[1, 1]),
    "deconv2d_output_shape_odd": lambda: run_ort_case(
        "ConvTranspose", [("x", x_f32(1, 2, 4, 4))], [("w", W(2, 3, 3, 3))], strides=[2, 2], output_shape=[8, 7]),
    "deconv2d_same_lower": lambda: run_ort_case(
        "ConvTranspose", [("x", x_f32(1, 2, 4, 5))], [("w", W(2, 3, 3, 3))], strides=[2, 2], auto_pad="SAME_LOWER"),
    "deconv1d": lambda: run_ort_case("ConvTranspose", [("x", x_f32(1, 3, 7))], [("w", W(3, 2, 4))], strides=[2]),
    "deconv3d": lambda: run_ort_case("ConvTranspose", [("x", x_f32(1, 2, 3, 4, 3))], [("w", W(2, 2, 2, 3, 2))],
                                     strides=[2, 1, 2], pads=[0, 1, 0, 0, 1, 1]),
    # --- MatMul / Gemm
    "matmul_batch_broadcast": lambda: run_ort_case("MatMul", [("a", x_f32(2, 1, 4, 5)), ("b", x_f32(3, 5, 6))]),
    "matmul_1d_left": lambda: run_ort_case("MatMul", [("a", x_f32(5)), ("b", x_f32(2, 5, 3))]),
    "matmul_1d_right": lambda: run_ort_case("MatMul", [("a", x_f32(2, 3, 5)), ("b", x_f32(5))]),
    "matmul_const_weight": lambda: run_ort_case("MatMul", [("a", x_f32(2, 7, 16))], [("w", W(16, 9))]),
    "gemm_transb_const": lambda: run_ort_case("Gemm", [("a", x_f32(4, 6))], [("b", W(5, 6)), ("c", W(5))],
                                              transB=1, alpha=0.5, beta=2.0),
    "gemm_transa_runtime_b": lambda: run_ort_case("Gemm", [("a", x_f32(6, 4)), ("b", x_f32(5, 6))], [("c", W(4, 1))],
                                                  transA=1, transB=1, alpha=1.5, beta=0.25),
    "gemm_runtime_c": lambda: run_ort_case("Gemm", [("a", x_f32(3, 4)), ("c", x_f32(3, 5))], [("b", W(4, 5))],
                                           beta=3.0, order=["a", "b", "c"]),
    "gemm_no_c_runtime_b": lambda: run_ort_case("Gemm", [("a", x_f32(3, 4)), ("b", x_f32(4, 5))], alpha=2.0),
    "gemm_scalar_c": lambda: run_ort_case("Gemm", [("a", x_f32(3, 4))], [("b", W(4, 5)), ("c", W(1))]),
    "gemm_opset9": lambda: run_ort_case("Gemm", [("a", x_f32(3, 4))], [("b", W(4, 5)), ("c", W(3, 5))], opset=9),
    # --- pooling
    "maxpool_ceil_pads": lambda: run_ort_case("MaxPool", [("x", x_f32(1, 3, 10, 11))], kernel_shape=[3, 3],
                                              strides=[2, 2], pads=[1, 1, 1, 1], ceil_mode=1),
    "maxpool_same_upper": lambda: run_ort_case("MaxPool", [("x", x_f32(2, 2, 9, 8))], kernel_shape=[3, 2],
                                               strides=[2, 3], auto_pad="SAME_UPPER"),
    "maxpool_dilations_1d": lambda: run_ort_case("MaxPool", [("x", x_f32(1, 2, 15))], kernel_shape=[3],
                                                 dilations=[3], strides=[2]),
    "maxpool_indices": lambda: run_ort_case("MaxPool", [("x", x_f32(2, 3, 7, 6))], kernel_shape=[3, 3],
                                            strides=[2, 2], pads=[1, 1, 1, 1], n_out=2, out_types=[F32, I64]),
    "maxpool_indices_col_major": lambda: run_ort_case("MaxPool", [("x", x_f32(1, 2, 6, 5))], kernel_shape=[2, 2],
                                                      storage_order=1, n_out=2, out_types=[F32, I64]),
    "maxpool_3d": lambda: run_ort_case("MaxPool", [("x", x_f32(1, 2, 5, 6, 7))], kernel_shape=[2, 3, 2],
                                       strides=[1, 2, 2], pads=[0, 1, 0, 1, 1, 1]),
    "avgpool_exclude_pad_ceil": lambda: run_ort_case("AveragePool", [("x", x_f32(1, 2, 10, 9))], kernel_shape=[3, 3],
                                                     strides=[2, 2], pads=[1, 1, 1, 1], ceil_mode=1),
    "avgpool_include_pad_ceil": lambda: run_ort_case("AveragePool", [("x", x_f32(1, 2, 10, 9))], kernel_shape=[3, 3],
                                                     strides=[2, 2], pads=[1, 1, 1, 1], ceil_mode=1,
                                                     count_include_pad=1),
    "avgpool_same_lower_1d": lambda: run_ort_case("AveragePool", [("x", x_f32(1, 3, 11))], kernel_shape=[4],
                                                  strides=[3], auto_pad="SAME_LOWER"),
    "avgpool_3d_include_pad": lambda: run_ort_case("AveragePool", [("x", x_f32(1, 2, 5, 6, 4))],
                                                   kernel_shape=[2, 3, 3], pads=[1, 1, 1, 0, 1, 1],
                                                   count_include_pad=1),
    "global_avgpool": lambda: run_ort_case("GlobalAveragePool", [("x", x_f32(2, 5, 7, 7))]),
    "global_maxpool_3d": lambda: run_ort_case("GlobalMaxPool", [("x", x_f32(2, 5, 3, 4, 2))]),
    "global_avgpool_1d": lambda: run_ort_case("GlobalAveragePool", [("x", x_f32(2, 5, 9))]),
    # --- normalisations
    "batchnorm_4d": lambda: run_ort_case("BatchNormalization", [("x", x_f32(2, 4, 5, 6))],
                                         [("s", W(4)), ("b", W(4)), ("m", W(4)), ("v", np.abs(W(4)) + 0.5)],
                                         epsilon=1e-3),
    "batchnorm_2d_opset9": lambda: run_ort_case("BatchNormalization", [("x", x_f32(3, 4))],
                                                [("s", W(4)), ("b", W(4)), ("m", W(4)), ("v", np.abs(W(4)) + 0.5)],
                                                opset=9),
    "batchnorm_runtime_stats": lambda: run_ort_case(
        "BatchNormalization", [("x", x_f32(2, 3, 4)), ("s", W(3)), ("b", W(3)), ("m", W(3)),
                               ("v", np.abs(W(3)) + 0.5)]),
    "instancenorm": lambda: run_ort_case("InstanceNormalization", [("x", x_f32(2, 3, 5, 4))],
                                         [("s", W(3)), ("b", W(3))], epsilon=1e-3),
    "layernorm_last": lambda: run_ort_case("LayerNormalization", [("x", x_f32(2, 7, 32))],
                                           [("s", W(32)), ("b", W(32))]),
    "layernorm_axis1_no_bias_stats": lambda: run_ort_case(
        "LayerNormalization", [("x", x_f32(2, 3, 4, 5))], [("s", W(3, 4, 5))], axis=1, epsilon=1e-3, n_out=3),
    "layernorm_f16": lambda: run_ort_case(
        "LayerNormalization", [("x", x_f32(2, 3, 8).astype(np.float16))],
        [("s", W(8).astype(np.float16)), ("b", W(8).astype(np.float16))], out_types=[F16], rtol=2e-3, atol=2e-3),
    "groupnorm_opset18_const": lambda: run_ort_case("GroupNormalization", [("x", x_f32(2, 6, 3, 4))],
                                                    [("s", W(3)), ("b", W(3))], num_groups=3, opset=18),
    "groupnorm_opset21": lambda: run_ort_case("GroupNormalization", [("x", x_f32(2, 6, 3, 4))],
                                              [("s", W(6)), ("b", W(6))], num_groups=2, opset=21, epsilon=1e-3),
    "lrn": lambda: run_ort_case("LRN", [("x", x_f32(2, 7, 3, 4))], size=5, alpha=1e-3, beta=0.6, bias=2.0),
    "mvn": lambda: run_ort_case("MeanVarianceNormalization", [("x", x_f32(2, 3, 4, 5))], axes=[1, 3]),
    # --- softmax family
    "softmax_opset13_axis1": lambda: run_ort_case("Softmax", [("x", x_f32(2, 3, 4))], axis=1, opset=13),
    "softmax_opset11_coerce": lambda: run_ort_case("Softmax", [("x", x_f32(2, 3, 4, 5))], axis=1, opset=11),
    "softmax_opset11_last": lambda: run_ort_case("Softmax", [("x", x_f32(2, 3, 4))], axis=-1, opset=11),
    "logsoftmax_opset11_coerce": lambda: run_ort_case("LogSoftmax", [("x", x_f32(2, 3, 4))], axis=0, opset=11),
    "logsoftmax_large": lambda: run_ort_case("LogSoftmax", [("x", x_f32(3, 50) * 100)]),
    "hardmax_opset11_coerce": lambda: run_ort_case("Hardmax", [("x", x_f32(2, 3, 4))], axis=1, opset=11),
    # --- resize
    "resize_nearest_scales_half_pixel": lambda: run_ort_case(
        "Resize", [("x", x_f32(1, 2, 5, 7))], [("", None), ("scales", np.array([1, 1, 2.0, 1.5], np.float32))],
        opset=13, mode="nearest", coordinate_transformation_mode="half_pixel", nearest_mode="round_prefer_ceil"),
    "resize_nearest_asymmetric_floor": lambda: run_ort_case(
        "Resize", [("x", x_f32(1, 2, 5, 7))], [("", None), ("scales", np.array([1, 1, 2.0, 3.0], np.float32))],
        opset=13, mode="nearest", coordinate_transformation_mode="asymmetric", nearest_mode="floor"),
    "resize_linear_sizes_align_corners": lambda: run_ort_case(
        "Resize", [("x", x_f32(1, 3, 4, 6))], [("", None), ("", None), ("sizes", np.array([1, 3, 9, 5], np.int64))],
        opset=13, mode="linear", coordinate_transformation_mode="align_corners"),
    "resize_linear_pytorch_half_pixel": lambda: run_ort_case(
        "Resize", [("x", x_f32(2, 3, 6, 6))], [("", None), ("scales", np.array([1, 1, 0.5, 2.0], np.float32))],
        opset=13, mode="linear", coordinate_transformation_mode="pytorch_half_pixel"),
    "resize_linear_half_pixel_up": lambda: run_ort_case(
        "Resize", [("x", x_f32(1, 4, 8, 8))], [("roi", np.zeros(0, np.float32)),
                                               ("scales", np.array([1, 1, 2, 2], np.float32))], opset=11,
        mode="linear"),
    "resize_cubic_sizes": lambda: run_ort_case(
        "Resize", [("x", x_f32(1, 1, 6, 6))], [("", None), ("", None), ("sizes", np.array([1, 1, 9, 4], np.int64))],
        opset=13, mode="cubic"),
    "resize_linear_1d_axes": lambda: run_ort_case(
        "Resize", [("x", x_f32(2, 3, 10))], [("", None), ("scales", np.array([0.7], np.float32))], opset=18,
        mode="linear", axes=[-1]),
    "resize_opset10_nearest_down": lambda: run_ort_case(
        "Resize", [("x", x_f32(1, 2, 9, 7))], [("scales", np.array([1, 1, 0.5, 0.6], np.float32))], opset=10),
    "resize_opset10_linear_up": lambda: run_ort_case(
        "Resize", [("x", x_f32(1, 2, 4, 5))], [("scales", np.array([1, 1, 2.5, 1.5], np.float32))], opset=10,
        mode="linear"),
    "upsample_opset7_nearest": lambda: run_ort_case("Upsample", [("x", x_f32(1, 2, 3, 4))], opset=7,
                                                    scales=[1.0, 1.0, 2.0, 3.0]),
    "upsample_opset9_linear": lambda: run_ort_case("Upsample", [("x", x_f32(1, 2, 3, 4))],
                                                   [("s", np.array([1, 1, 2.0, 2.5], np.float32))], opset=9,
                                                   mode="linear"),
    # --- einsum
    "einsum_batch_matmul": lambda: run_ort_case("Einsum", [("a", x_f32(2, 3, 4)), ("b", x_f32(2, 4, 5))],
                                                equation="bij,bjk->bik"),
    "einsum_attention": lambda: run_ort_case("Einsum", [("a", x_f32(2, 5, 3, 8)), ("b", x_f32(2, 6, 3, 8))],
                                             equation="bqhd,bkhd->bhqk"),
    "einsum_implicit_ellipsis": lambda: run_ort_case("Einsum", [("a", x_f32(2, 3, 4, 5))], equation="...ij"),
    "einsum_trace": lambda: run_ort_case("Einsum", [("a", x_f32(4, 4))], equation="ii->"),
}


@pytest.mark.parametrize("case", sorted(ORT_CASES))
def test_against_onnxruntime(case):
    ORT_CASES[case]()


def test_folding_of_constant_conv():
    """A Conv of constants folds at import: no top.Conv remains."""
    x, w = x_f32(1, 2, 5, 5), W(3, 2, 3, 3)
    node = helper.make_node("Conv", ["x", "w"], ["c"])
    add = helper.make_node("Add", ["c", "in"], ["y"])
    graph = helper.make_graph([node, add], "g", [helper.make_tensor_value_info("in", F32, [1, 3, 3, 3])],
                              [helper.make_tensor_value_info("y", F32, None)],
                              [numpy_helper.from_array(x, "x"), numpy_helper.from_array(w, "w")])
    model = helper.make_model(graph, ir_version=8, opset_imports=[helper.make_opsetid("", 17)])
    module = check(model, {"in": x_f32(1, 3, 3, 3)})
    assert not [op for op in module.walk() if op.name == "top.Conv"]


def test_gemm_folds_alpha_and_transb_into_weight():
    module = run_ort_case("Gemm", [("a", x_f32(4, 6))], [("b", W(5, 6)), ("c", W(5))], transB=1, alpha=0.5, beta=2.0)
    mm = [op for op in module.walk() if isinstance(op, N.MatMulOp)]
    assert len(mm) == 1 and not mm[0].p("right_transpose", False)
    assert shape_of(mm[0].right) == (6, 5)
    assert not [op for op in module.walk() if op.name in ("top.Mul", "top.Add")]


def _cosine(a, b):
    a, b = a.ravel().astype(np.float64), b.ravel().astype(np.float64)
    return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))


def test_small_resnet_matches_onnxruntime():
    """Conv-BN-Relu, MaxPool, residual blocks (incl. a strided 1x1 projection), global average pool
    and Gemm: float32 results within the 0.99999 cosine tpuc promises on deep CNNs."""
    nodes, inits = [], []

    def conv(x, cin, cout, k, s, name):
        inits.append(numpy_helper.from_array((W(cout, cin, k, k) * np.sqrt(2 / (cin * k * k))).astype(np.float32),
                                             name + "_w"))
        inits.extend(numpy_helper.from_array(a.astype(np.float32), f"{name}_{n}") for n, a in
                     (("s", 1 + 0.1 * W(cout)), ("b", 0.1 * W(cout)), ("m", 0.1 * W(cout)),
                      ("v", 1 + np.abs(0.1 * W(cout)))))
        nodes.append(helper.make_node("Conv", [x, name + "_w"], [name + "_c"], pads=[k // 2] * 4, strides=[s, s]))
        nodes.append(helper.make_node("BatchNormalization", [name + "_c"] + [f"{name}_{n}" for n in "sbmv"],
                                      [name + "_bn"]))
        return name + "_bn"

    def relu(x):
        nodes.append(helper.make_node("Relu", [x], [x + "_relu"]))
        return x + "_relu"

    h = relu(conv("x", 3, 16, 7, 2, "stem"))
    nodes.append(helper.make_node("MaxPool", [h], ["pool"], kernel_shape=[3, 3], strides=[2, 2], pads=[1] * 4))
    h, cin = "pool", 16
    for i, (cout, s) in enumerate([(16, 1), (32, 2), (32, 1), (64, 2)]):
        y = relu(conv(h, cin, cout, 3, s, f"b{i}a"))
        y = conv(y, cout, cout, 3, 1, f"b{i}b")
        skip = h if (cin == cout and s == 1) else conv(h, cin, cout, 1, s, f"b{i}p")
        nodes.append(helper.make_node("Add", [y, skip], [f"b{i}_sum"]))
        h, cin = relu(f"b{i}_sum"), cout
    nodes.append(helper.make_node("GlobalAveragePool", [h], ["gap"]))
    nodes.append(helper.make_node("Flatten", ["gap"], ["flat"]))
    inits += [numpy_helper.from_array(W(10, 64) * 0.1, "fc_w"), numpy_helper.from_array(W(10), "fc_b")]
    nodes.append(helper.make_node("Gemm", ["flat", "fc_w", "fc_b"], ["y"], transB=1))
    graph = helper.make_graph(nodes, "resnet", [helper.make_tensor_value_info("x", F32, [2, 3, 64, 64])],
                              [helper.make_tensor_value_info("y", F32, None)], inits)
    model = helper.make_model(graph, ir_version=8, opset_imports=[helper.make_opsetid("", 17)])
    x = x_f32(2, 3, 64, 64)
    module, store = import_model(model)
    module.verify()
    got = interpreter.run(module, store, [x])[0]
    want = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"]).run(None, {"x": x})[0]
    assert _cosine(got, want) >= 0.99999
    np.testing.assert_allclose(got, want, rtol=1e-3, atol=1e-3)


# ------------------------------------------------------------------------ top.MatMul flags


def _matmul(a_shape, b_shape, bias_shape=None, **props):
    """Build a top.MatMul on block arguments (shape inference) and run its compute."""
    shapes = [a_shape, b_shape] + ([bias_shape] if bias_shape else [])
    block = Block(arg_types=[tensor_type(s, np.float32) for s in shapes])
    args = list(block.args)
    from tpuc.dialects.top.ops.core import NoneOp

    none = build(NoneOp, []).results[0]
    op = build(N.MatMulOp, [args[0], args[1], args[2] if bias_shape else none], props)
    vals = [x_f32(*s) for s in shapes]
    out = op.compute(vals + ([] if bias_shape else [None]))[0]
    assert out.shape == shape_of(op.output)
    return vals, out


def test_matmul_transposes():
    (a, b), out = _matmul((2, 5, 3), (2, 4, 5), left_transpose=True, right_transpose=True, output_transpose=True)
    want = np.swapaxes(np.swapaxes(a, -1, -2) @ np.swapaxes(b, -1, -2), -1, -2)
    np.testing.assert_allclose(out, want, rtol=1e-5, atol=1e-5)


def test_matmul_hdim_is_batch():
    (a, b), out = _matmul((2, 7, 3, 8), (2, 8, 3, 6), hdim_is_batch=True)
    want = np.einsum("bshk,bkhn->bshn", a, b)
    np.testing.assert_allclose(out, want, rtol=1e-5, atol=1e-5)
    (a, b), out = _matmul((2, 7, 3, 8), (2, 6, 3, 8), hdim_is_batch=True, right_transpose=True)
    np.testing.assert_allclose(out, np.einsum("bshk,bnhk->bshn", a, b), rtol=1e-5, atol=1e-5)
    (a, b), out = _matmul((2, 8, 3, 7), (2, 8, 3, 6), hdim_is_batch=True, left_transpose=True, output_transpose=True)
    np.testing.assert_allclose(out, np.einsum("bkhs,bkhn->bnhs", a, b), rtol=1e-5, atol=1e-5)


def test_matmul_bias_relu_keep_dims():
    (a, b, c), out = _matmul((2, 3, 4), (4, 5), (5,), do_relu=True, keep_dims=False)
    want = np.maximum(a @ b + c, 0).reshape(6, 5)
    np.testing.assert_allclose(out, want, rtol=1e-5, atol=1e-5)


def test_matmul_bad_shapes_fail_verification():
    with pytest.raises(VerifyException, match="contraction"):
        _matmul((2, 3), (4, 5))
    with pytest.raises(VerifyException, match="bias"):
        _matmul((2, 3), (3, 5), (4,))


# ------------------------------------------------------------------------------- errors


@pytest.mark.parametrize("build_model, message", [
    (lambda: make_model("Conv", [("x", x_f32(1, 3, 8, 8))], [("w", W(4, 2, 3, 3))]), "input channels"),
    (lambda: make_model("BatchNormalization", [("x", x_f32(2, 3, 4))],
                        [("s", W(3)), ("b", W(3)), ("m", W(3)), ("v", W(3))], training_mode=1, opset=15),
     "training_mode"),
    (lambda: make_model("Resize", [("x", x_f32(1, 1, 4, 4)), ("", None), ("scales", np.ones(4, np.float32))],
                        opset=13), "must be a constant"),
    (lambda: make_model("MaxPool", [("x", x_f32(1, 1, 4, 4))], kernel_shape=[5, 5]), "empty"),
    (lambda: make_model("ConvTranspose", [("x", x_f32(1, 1, 3, 3))], [("w", W(1, 1, 3, 3))], strides=[2, 2],
                        output_shape=[9, 9]), "output_shape"),
    (lambda: make_model("Resize", [("x", x_f32(1, 1, 4, 4))], [("", None), ("s", np.ones(4, np.float32))],
                        opset=13, coordinate_transformation_mode="bogus"), "coordinate_transformation_mode"),
])
def test_import_errors(build_model, message):
    model = build_model()
    shapes = [[d.dim_value for d in i.type.tensor_type.shape.dim] for i in model.graph.input]
    with pytest.raises(CompileError, match=message):
        import_model(model, shapes)
