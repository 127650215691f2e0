"""INT8 lowering + the Tpu interpreter's INT8 kernels against float.

Each small Top module (from ONNX) is calibrated with ``max`` on the very inputs it then runs on,
lowered in INT8 and interpreted; the dequantised output must be within an error bound derived
from the scales (input/weight quantisation propagated through the op, plus half an output step
for the final rounding). Conv and MatMul are also checked bit for bit against an independent
pure-integer implementation (int64 loops + exact rational requantisation)."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from onnx import helper

from top_to_tpu_util import lower, max_table, onnx_model, run

from tpuc.dialects.top.base import dtype_of, name_of
from tpuc.dialects.top.interpreter import stored_weight
from tpuc.dialects.tpu.quant import multiplier_shift, quantize, quantize_per_channel
from tpuc.lowering.onnx_to_top.importer import import_model

RNG_SEED = 0
#: slack of the f32 quantisation of activations (x * (1/s) rounded to f32), in steps
F32_SLACK = 1e-4
#: relative error of a 31-bit multiplier
MULT_REL = 2.0**-29


def rng(seed=RNG_SEED):
    return np.random.default_rng(seed)


def half(s):
    """Worst-case rounding error of a value quantised with scale ``s``."""
    return np.asarray(s, np.float64) * (0.5 + F32_SLACK)


def assert_int8(L, op_name: str, tpu_name: str):
    """Op ``op_name`` was lowered to ``tpu_name`` in INT8 with an int8 result."""
    assert L.ctx.decided[op_name] == "INT8", L.ctx.decided
    op = L.op_named(op_name)
    assert op.name == tpu_name and op.p("quant_mode") == "INT8"
    assert dtype_of(op.results[0]) == np.int8 and op.scale() is not None
    return op


def check_error(got, want, bound):
    got, want = np.asarray(got, np.float64), np.asarray(want, np.float64)
    bound = np.broadcast_to(bound, want.shape)
    err = np.abs(got - want)
    worst = np.unravel_index(np.argmax(err - bound), err.shape)
    assert np.all(err <= bound), f"error {err[worst]} > bound {bound[worst]} at {worst}"


# ------------------------------------------------------------------------------ integer references


def conv2d_ref(x, w, b, strides, pads, dilations, group):
    """Plain-loop 2-D convolution (ONNX pads order: top, left, bottom, right) in ``x.dtype``."""
    n, c, h, wd = x.shape
    oc, cg, kh, kw = w.shape
    (s0, s1), (d0, d1) = strides, dilations
    pt, pl, pb, pr = pads
    xp = np.zeros((n, c, h + pt + pb, wd + pl + pr), x.dtype)
    xp[:, :, pt:pt + h, pl:pl + wd] = x
    oh = (xp.shape[2] - d0 * (kh - 1) - 1) // s0 + 1
    ow = (xp.shape[3] - d1 * (kw - 1) - 1) // s1 + 1
    out = np.zeros((n, oc, oh, ow), x.dtype)
    ocg = oc // group
    for i in range(n):
        for o in range(oc):
            g = o // ocg
            for y in range(oh):
                for z in range(ow):
                    patch = xp[i, g * cg:(g + 1) * cg, y * s0:y * s0 + d0 * (kh - 1) + 1:d0,
                               z * s1:z * s1 + d1 * (kw - 1) + 1:d1]
                    out[i, o, y, z] = np.sum(patch * w[o]) + (0 if b is None else b[o])
    return out


def requant_exact(acc: np.ndarray, mults, shifts, axis: int) -> np.ndarray:
    """``saturate(round_half_away(acc * m_c / 2**n_c))`` with Python integers and fractions."""
    out = np.empty(acc.shape, np.int8)
    for idx in np.ndindex(acc.shape):
        c = idx[axis] if len(mults) > 1 else 0
        v = Fraction(int(acc[idx]) * int(mults[c]), 1 << int(shifts[c]))
        q = int(abs(v) + Fraction(1, 2))
        out[idx] = min(max(q if v >= 0 else -q, -128), 127)
    return out


# ------------------------------------------------------------------------------ Conv


CONV_CASES = {
    "basic": dict(x=(1, 3, 7, 7), w=(4, 3, 3, 3), attrs=dict(pads=[1, 1, 1, 1])),
    "group_stride_dilation": dict(x=(2, 4, 9, 8), w=(6, 2, 3, 2),
                                  attrs=dict(pads=[1, 0, 2, 1], strides=[2, 1], dilations=[2, 1], group=2)),
}


def conv_model(case, seed=RNG_SEED):
    r = rng(seed)
    x = r.standard_normal(case["x"]).astype(np.float32)
    w = (r.standard_normal(case["w"]) * np.logspace(-1, 0.5, case["w"][0]).reshape(-1, 1, 1, 1)).astype(np.float32)
    b = r.standard_normal(case["w"][0]).astype(np.float32)
    nodes = [helper.make_node("Conv", ["x", "w", "b"], ["c"], **case["attrs"]), helper.make_node("Relu", ["c"], ["y"])]
    return onnx_model(nodes, {"x": x}, ["y"], {"w": w, "b": b}), {"x": x}, w, b


def conv_attrs(case):
    a = case["attrs"]
    return a.get("strides", [1, 1]), a.get("pads", [0, 0, 0, 0]), a.get("dilations", [1, 1]), a.get("group", 1)


@pytest.mark.parametrize("case", sorted(CONV_CASES))
def test_conv_relu_int8_close_to_float(case):
    c = CONV_CASES[case]
    model, feeds, w, b = conv_model(c)
    L = lower(model, feeds, "INT8")
    conv = assert_int8(L, "c", "tpu.Conv")
    assert_int8(L, "y", "tpu.Relu")
    assert len(conv.p("multiplier")) == w.shape[0]  # per output channel
    out, _ = run(L.module, L.store, feeds)
    assert out[0].dtype == np.float32

    strides, pads, dil, group = conv_attrs(c)
    x = feeds["x"].astype(np.float64)
    s_x, s_out = L.scale("x"), L.scale("c")
    s_w = np.abs(w).reshape(w.shape[0], -1).max(axis=1) / 127.0
    sw = s_w.reshape(1, -1, 1, 1)
    ones_x, ones_w = np.ones_like(x), np.ones(w.shape)
    err_acc = (conv2d_ref(np.abs(x), ones_w, None, strides, pads, dil, group) * half(sw)
               + conv2d_ref(ones_x, np.abs(w).astype(np.float64), None, strides, pads, dil, group) * half(s_x)
               + conv2d_ref(ones_x, ones_w, None, strides, pads, dil, group) * half(s_x) * half(sw)
               + half(s_x * sw))  # the int32 bias
    acc = np.abs(L.top_tensors["c"]).astype(np.float64)
    bound = err_acc + half(s_out) + (acc + err_acc) * MULT_REL
    check_error(out[0], L.ref[0], bound)  # Relu is 1-Lipschitz


@pytest.mark.parametrize("case", sorted(CONV_CASES))
def test_conv_int8_accumulation_is_exact(case):
    c = CONV_CASES[case]
    model, feeds, w, _ = conv_model(c, seed=1)
    L = lower(model, feeds, "INT8")
    conv = assert_int8(L, "c", "tpu.Conv")
    _, tensors = run(L.module, L.store, feeds)
    xq = tensors[name_of(conv.operands[0].owner)]
    assert xq.dtype == np.int8
    np.testing.assert_array_equal(xq, quantize(feeds["x"], L.scale("x")))
    qw = stored_weight(conv.operands[1].owner, L.store)
    qb = stored_weight(conv.operands[2].owner, L.store)
    assert qw.dtype == np.int8 and qb.dtype == np.int32
    mults, shifts = conv.p("multiplier"), conv.p("rshift")
    strides, pads, dil, group = conv_attrs(c)

    def reference(xq, qw, qb):
        acc = conv2d_ref(xq.astype(np.int64), qw.astype(np.int64), qb.astype(np.int64), strides, pads, dil, group)
        return requant_exact(acc, mults, shifts, axis=1)

    want = reference(xq, qw, qb)
    np.testing.assert_array_equal(tensors["c"], want)
    np.testing.assert_array_equal(tensors["y"], np.maximum(want, 0))
    # the requant parameters encode s_x * s_w[c] / s_out (s_w: the per-channel weight scales)
    _, s_w = quantize_per_channel(w, 0)
    np.testing.assert_allclose(s_w, np.abs(w).reshape(w.shape[0], -1).max(axis=1).astype(np.float64) / 127.0,
                               rtol=1e-7)
    for ch in range(w.shape[0]):
        assert (mults[ch], shifts[ch]) == multiplier_shift(L.scale("x") * s_w[ch] / L.scale("c"))

    # extreme operands: the largest accumulators an int8 conv can produce, saturated biases
    for xv, wv, bv in ((-128, -128, 2**31 - 1), (-128, 127, -(2**31)), (127, 127, 0)):
        xe = np.full(xq.shape, xv, np.int8)
        we = np.full(qw.shape, wv, np.int8)
        be = np.full(qb.shape, bv, np.int32)
        (got,) = conv.compute([xe, we, be])
        np.testing.assert_array_equal(got, reference(xe, we, be))
    r = rng(2)
    xr = r.integers(-128, 128, size=xq.shape).astype(np.int8)
    wr = r.integers(-128, 128, size=qw.shape).astype(np.int8)
    br = r.integers(-(2**20), 2**20, size=qb.shape).astype(np.int32)
    (got,) = conv.compute([xr, wr, br])
    np.testing.assert_array_equal(got, reference(xr, wr, br))


@settings(max_examples=40, deadline=None, derandomize=True, database=None)
@given(group=st.sampled_from([1, 2, 3]), cg=st.integers(1, 2), ocg=st.integers(1, 2), k=st.tuples(
    st.integers(1, 3), st.integers(1, 3)), s=st.tuples(st.integers(1, 3), st.integers(1, 3)),
    d=st.tuples(st.integers(1, 2), st.integers(1, 2)), p=st.tuples(*[st.integers(0, 2)] * 4),
    bias=st.booleans(), seed=st.integers(0, 2**32 - 1))
def test_conv_int8_kernel_random_geometry(group, cg, ocg, k, s, d, p, bias, seed):
    """Any Conv geometry: the INT8 kernel equals the plain integer loops bit for bit, on the lowered
    operands and on random full-range int8 operands."""
    r = rng(seed)
    c, oc = group * cg, group * ocg
    x = r.standard_normal((1, c, 6, 5)).astype(np.float32)
    w = r.standard_normal((oc, cg, *k)).astype(np.float32)
    inits = {"w": w}
    names = ["x", "w"]
    if bias:
        inits["b"] = r.standard_normal(oc).astype(np.float32)
        names.append("b")
    attrs = dict(kernel_shape=list(k), strides=list(s), dilations=list(d), pads=list(p), group=group)
    model = onnx_model([helper.make_node("Conv", names, ["y"], **attrs)], {"x": x}, ["y"], inits)
    L = lower(model, {"x": x}, "INT8")
    conv = assert_int8(L, "y", "tpu.Conv")
    _, tensors = run(L.module, L.store, {"x": x})
    xq = tensors[name_of(conv.operands[0].owner)]
    qw = stored_weight(conv.operands[1].owner, L.store)
    qb = stored_weight(conv.operands[2].owner, L.store) if bias else None
    m, n = conv.p("multiplier"), conv.p("rshift")

    def reference(xq, qw, qb):
        acc = conv2d_ref(xq.astype(np.int64), qw.astype(np.int64), None if qb is None else qb.astype(np.int64),
                         s, p, d, group)
        return requant_exact(acc, m, n, axis=1)

    np.testing.assert_array_equal(tensors["y"], reference(xq, qw, qb))
    xr = r.integers(-128, 128, size=xq.shape).astype(np.int8)
    wr = r.integers(-128, 128, size=qw.shape).astype(np.int8)
    br = None if qb is None else r.integers(-(2**31), 2**31, size=qb.shape).astype(np.int32)
    (got,) = conv.compute([xr, wr, br])
    np.testing.assert_array_equal(got, reference(xr, wr, br))


# ------------------------------------------------------------------------------ MatMul


@pytest.mark.parametrize("trans_b", [0, 1])
def test_matmul_weight_bias_int8(trans_b):
    r = rng(3)
    x = r.standard_normal((3, 6)).astype(np.float32)
    w = (r.standard_normal((6, 5)) * np.logspace(-1, 0.5, 5)).astype(np.float32)
    b = r.standard_normal(5).astype(np.float32)
    stored = np.ascontiguousarray(w.T) if trans_b else w
    model = onnx_model([helper.make_node("Gemm", ["x", "w", "b"], ["y"], transB=trans_b)], {"x": x}, ["y"],
                       {"w": stored, "b": b})
    L = lower(model, {"x": x}, "INT8")
    mm = assert_int8(L, "y", "tpu.MatMul")
    mults, shifts = mm.p("multiplier"), mm.p("rshift")
    assert len(mults) == 5
    out, tensors = run(L.module, L.store, {"x": x})

    s_x, s_out = L.scale("x"), L.scale("y")
    s_w = np.abs(w).max(axis=0) / 127.0  # per output column
    xd, wd = x.astype(np.float64), w.astype(np.float64)
    err_acc = (np.abs(xd) @ np.ones_like(wd) * half(s_w) + half(s_x) * np.ones_like(xd) @ np.abs(wd)
               + x.shape[1] * half(s_x) * half(s_w) + half(s_x * s_w))
    bound = err_acc + half(s_out) + (np.abs(L.ref[0]) + err_acc) * MULT_REL
    check_error(out[0], L.ref[0], bound)

    # bit-exact integer accumulation
    xq = tensors[name_of(mm.operands[0].owner)]
    qw = stored_weight(mm.operands[1].owner, L.store).astype(np.int64)
    qb = stored_weight(mm.operands[2].owner, L.store).astype(np.int64)
    if mm.p("right_transpose", False):  # Gemm transB: the importer may keep the flag or transpose the weight
        qw = qw.T
    assert qw.shape == (6, 5)
    acc = np.array([[sum(int(xq[i, k]) * int(qw[k, j]) for k in range(6)) + int(qb[j]) for j in range(5)]
                    for i in range(3)], dtype=object)
    np.testing.assert_array_equal(tensors["y"], requant_exact(acc, mults, shifts, axis=1))


# ------------------------------------------------------------------------------ elementwise


def two_inputs(shape=(3, 4, 5), seed=4):
    r = rng(seed)
    return {"a": r.standard_normal(shape).astype(np.float32),
            "b": (r.standard_normal(shape) * 3).astype(np.float32)}


@pytest.mark.parametrize("op_type", ["Add", "Sub"])
def test_add_sub_two_activations_int8(op_type):
    feeds = two_inputs()
    model = onnx_model([helper.make_node(op_type, ["a", "b"], ["y"])], feeds, ["y"])
    L = lower(model, feeds, "INT8")
    op = assert_int8(L, "y", f"tpu.{op_type}")
    s_a, s_b, s_out = L.scale("a"), L.scale("b"), L.scale("y")
    # one multiplier per operand, one shift: m_i / 2**n = s_i / s_out
    (n,) = op.p("rshift")
    for m, s in zip(op.p("multiplier"), (s_a, s_b)):
        assert abs(m / 2**n - s / s_out) <= 0.5 / 2**n
    out, tensors = run(L.module, L.store, feeds)
    worst_int = (abs(feeds["a"]).max() / s_a + abs(feeds["b"]).max() / s_b + 2) * 0.5 / 2**n * s_out
    check_error(out[0], L.ref[0], half(s_a) + half(s_b) + half(s_out) + worst_int)
    # the kernel: saturate(round_half_away((qa ma +- qb mb) / 2**n)), exactly
    qa, qb = (tensors[name_of(v.owner)].astype(np.int64) for v in op.operands)
    ma, mb = op.p("multiplier")
    acc = qa * ma + (-1 if op_type == "Sub" else 1) * qb * mb
    np.testing.assert_array_equal(tensors["y"], requant_exact(acc, [1], [n], axis=0))


def test_mul_two_activations_int8():
    feeds = two_inputs(seed=5)
    model = onnx_model([helper.make_node("Mul", ["a", "b"], ["y"])], feeds, ["y"])
    L = lower(model, feeds, "INT8")
    op = assert_int8(L, "y", "tpu.Mul")
    s_a, s_b, s_out = L.scale("a"), L.scale("b"), L.scale("y")
    assert (op.p("multiplier")[0], op.p("rshift")[0]) == multiplier_shift(s_a * s_b / s_out)
    out, tensors = run(L.module, L.store, feeds)
    qa, qb = (tensors[name_of(v.owner)].astype(np.int64) for v in op.operands)
    np.testing.assert_array_equal(tensors["y"], requant_exact(qa * qb, op.p("multiplier"), op.p("rshift"), 0))
    a, b = np.abs(feeds["a"]).astype(np.float64), np.abs(feeds["b"]).astype(np.float64)
    bound = b * half(s_a) + a * half(s_b) + half(s_a) * half(s_b) + half(s_out) + np.abs(L.ref[0]) * MULT_REL
    check_error(out[0], L.ref[0], bound)


def test_sigmoid_int8_is_a_lut():
    x = (rng(6).standard_normal((2, 3, 8)) * 4).astype(np.float32)
    model = onnx_model([helper.make_node("Sigmoid", ["x"], ["y"])], {"x": x}, ["y"])
    L = lower(model, {"x": x}, "INT8")
    lut = assert_int8(L, "y", "tpu.Lut")
    s_x, s_out = L.scale("x"), L.scale("y")
    table = stored_weight(lut.operands[1].owner, L.store)
    assert table.shape == (256,) and table.dtype == np.int8
    grid = np.arange(-128, 128, dtype=np.float64) * s_x
    assert np.all(np.abs(table * s_out - 1 / (1 + np.exp(-grid))) <= half(s_out) + 1e-6)
    out, _ = run(L.module, L.store, {"x": x})
    # sigmoid is 1/4-Lipschitz
    check_error(out[0], L.ref[0], 0.25 * half(s_x) + half(s_out) + 1e-6)


# ------------------------------------------------------------------------------ pooling / reduce


@pytest.mark.parametrize("attrs", [dict(kernel_shape=[2, 2], strides=[2, 2]),
                                   dict(kernel_shape=[3, 3], strides=[1, 2]),
                                   dict(kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1], count_include_pad=1)],
                         ids=["2x2s2", "3x3s12", "padded_count_include_pad"])
def test_avgpool_int8(attrs):
    x = rng(7).standard_normal((1, 3, 8, 7)).astype(np.float32)
    model = onnx_model([helper.make_node("AveragePool", ["x"], ["y"], **attrs)], {"x": x}, ["y"])
    L = lower(model, {"x": x}, "INT8")
    pool = assert_int8(L, "y", "tpu.AvgPool")
    k = int(np.prod(attrs["kernel_shape"]))
    assert (pool.p("multiplier")[0], pool.p("rshift")[0]) == multiplier_shift(L.scale("x") / (L.scale("y") * k))
    out, tensors = run(L.module, L.store, {"x": x})
    # the kernel: the exact integer window sum (zero padding), requantised
    xq = tensors[name_of(pool.operands[0].owner)].astype(np.int64)
    ones = np.ones((x.shape[1], 1, *attrs["kernel_shape"]), np.int64)
    total = conv2d_ref(xq, ones, None, attrs["strides"], attrs.get("pads", [0, 0, 0, 0]), [1, 1], x.shape[1])
    np.testing.assert_array_equal(tensors["y"], requant_exact(total, pool.p("multiplier"), pool.p("rshift"), 0))
    check_error(out[0], L.ref[0], half(L.scale("x")) + half(L.scale("y")) + np.abs(L.ref[0]) * MULT_REL)


def test_avgpool_padding_not_counted_stays_float():
    x = rng(7).standard_normal((1, 2, 6, 6)).astype(np.float32)
    model = onnx_model([helper.make_node("AveragePool", ["x"], ["y"], kernel_shape=[3, 3], pads=[1, 1, 1, 1])],
                       {"x": x}, ["y"])
    L = lower(model, {"x": x}, "INT8")
    assert L.ctx.decided["y"] == "F16"  # windows of different sizes: no INT8 form


@pytest.mark.parametrize("axes, keepdims", [([2, 3], 1), ([1], 0), ([-1], 1)])
def test_reduce_mean_int8(axes, keepdims):
    x = (rng(8).standard_normal((2, 3, 4, 5)) + 0.3).astype(np.float32)
    model = onnx_model([helper.make_node("ReduceMean", ["x"], ["y"], axes=axes, keepdims=keepdims)], {"x": x}, ["y"])
    L = lower(model, {"x": x}, "INT8")
    op = assert_int8(L, "y", "tpu.Reduce")
    count = x.size // L.ref[0].size
    assert (op.p("multiplier")[0], op.p("rshift")[0]) == multiplier_shift(L.scale("x") / (L.scale("y") * count))
    out, tensors = run(L.module, L.store, {"x": x})
    xq = tensors[name_of(op.operands[0].owner)].astype(np.int64)
    total = np.sum(xq, axis=tuple(axes), keepdims=bool(keepdims))
    np.testing.assert_array_equal(tensors["y"], requant_exact(total, op.p("multiplier"), op.p("rshift"), 0))
    assert out[0].shape == L.ref[0].shape
    check_error(out[0], L.ref[0], half(L.scale("x")) + half(L.scale("y")) + np.abs(L.ref[0]) * MULT_REL)


# ------------------------------------------------------------------------------ Concat


def test_concat_of_different_scales_requantises():
    feeds = two_inputs(shape=(2, 3, 4), seed=9)
    nodes = [helper.make_node("Add", ["a", "b"], ["s"]), helper.make_node("Mul", ["a", "b"], ["m"]),
             helper.make_node("Concat", ["s", "m"], ["y"], axis=1)]
    model = onnx_model(nodes, feeds, ["y"])
    L = lower(model, feeds, "INT8")
    assert_int8(L, "s", "tpu.Add")
    assert_int8(L, "m", "tpu.Mul")
    cat = assert_int8(L, "y", "tpu.Concat")
    s_a, s_b, s_s, s_m, s_y = (L.scale(n) for n in "absmy")
    assert s_s != s_m and cat.scale() == pytest.approx(s_y)
    requants = L.tpu_ops("tpu.Requant")
    assert requants and all(q.scale() == pytest.approx(s_y) for q in requants)
    assert all(o.owner.scale() == pytest.approx(s_y) for o in cat.operands)
    out, _ = run(L.module, L.store, feeds)
    a, b = np.abs(feeds["a"]).astype(np.float64), np.abs(feeds["b"]).astype(np.float64)
    err_s = half(s_a) + half(s_b) + half(s_s) + (half(s_y) if s_s != s_y else 0)
    err_m = (b * half(s_a) + a * half(s_b) + half(s_a) * half(s_b) + half(s_m) + (half(s_y) if s_m != s_y else 0)
             + np.abs(L.top_tensors["m"]) * MULT_REL)
    check_error(out[0], L.ref[0], np.concatenate([np.broadcast_to(err_s + 1e-6, a.shape), err_m + 1e-6], axis=1))


# ------------------------------------------------------------------------------ lowering corner


def test_zero_output_tensor_lowers():
    x = (rng(10).standard_normal((2, 4)) * 3e4).astype(np.float32)
    model = onnx_model([helper.make_node("Sub", ["x", "x"], ["y"])], {"x": x}, ["y"])
    module, store = import_model(model, [[2, 4]])
    _, tensors = run(module, store, {"x": x})
    table = max_table(tensors)
    assert table.threshold("y") == 0.0
    table.entries["y"].threshold = 1e-5  # what tpuc calibrate writes for an all-zero tensor
    L = lower(model, {"x": x}, "INT8", table=table)
    out, _ = run(L.module, L.store, {"x": x})
    np.testing.assert_array_equal(out[0], 0)


def test_conv_bias_beyond_int32_is_not_silently_clipped():
    r = rng(11)
    x = r.standard_normal((1, 2, 4, 4)).astype(np.float32)
    w = (r.standard_normal((2, 2, 1, 1)) * 1e-3).astype(np.float32)
    b = np.array([200.0, -1.0], np.float32)
    model = onnx_model([helper.make_node("Conv", ["x", "w", "b"], ["y"])], {"x": x}, ["y"], {"w": w, "b": b})
    L = lower(model, {"x": x}, "INT8")
    out, _ = run(L.module, L.store, {"x": x})
    check_error(out[0], L.ref[0], 4 * L.scale("y"))
