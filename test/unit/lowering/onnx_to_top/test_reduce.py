"""ONNX -> Top converters of the reduce family (Reduce*, ArgMax/ArgMin, TopK, CumSum): ONNX's own
node conformance cases, single-node models against onnxruntime, and import errors."""

from __future__ import annotations


import numpy as np
import onnxruntime as ort
import pytest
from onnx import TensorProto, helper, numpy_helper

from conformance_util import compile_and_run, single_node_cases

from tpuc.compiler.errors import CompileError
from tpuc.dialects.top import interpreter
from tpuc.lowering.onnx_to_top.importer import import_model

RNG = np.random.default_rng(1)
F32, I64, I32 = TensorProto.FLOAT, TensorProto.INT64, TensorProto.INT32
_ELEM = {np.dtype(np.float32): F32, np.dtype(np.int64): I64, np.dtype(np.int32): I32}

REDUCE = ("ReduceMean", "ReduceMax", "ReduceMin", "ReduceSum", "ReduceProd", "ReduceL1", "ReduceL2", "ReduceLogSum",
          "ReduceLogSumExp", "ReduceSumSquare")
OPS = {*REDUCE, "ArgMax", "ArgMin", "TopK", "CumSum"}
# inputs tpuc needs as constants; the conformance models feed them as graph inputs
CONST_INPUTS = {**{r: {1} for r in REDUCE}, "TopK": {1}, "CumSum": {1}}

# ------------------------------------------------------------------------ ONNX conformance


CONFORMANCE = single_node_cases(OPS)


@pytest.mark.parametrize("name", sorted(CONFORMANCE))
def test_onnx_conformance(name):
    case = CONFORMANCE[name]
    for inputs, outputs in case.data_sets:
        got = compile_and_run(case, inputs, CONST_INPUTS)
        assert len(got) == len(outputs)
        for g, w in zip(got, outputs):
            w = np.asarray(w)
            assert g.shape == w.shape and g.dtype == w.dtype, (g.shape, g.dtype, w.shape, w.dtype)
            np.testing.assert_allclose(g, w, rtol=case.rtol, atol=case.atol)


# ------------------------------------------------------------------- against onnxruntime


def make_model(op_type, x, inits=(), opset=17, n_out=1, out_types=None, **attrs):
    """One node ``op_type(x, *inits)``; ``inits`` are ``(name, array)`` (empty name: absent)."""
    outs = [f"y{i}" for i in range(n_out)]
    node = helper.make_node(op_type, ["x"] + [n for n, _ in inits], outs, **attrs)
    out_types = out_types or [_ELEM[x.dtype]] * n_out
    graph = helper.make_graph([node], "g", [helper.make_tensor_value_info("x", _ELEM[x.dtype], list(x.shape))],
                              [helper.make_tensor_value_info(o, t, None) for o, t in zip(outs, out_types)],
                              [numpy_helper.from_array(np.asarray(a), n) for n, a in inits if n])
    return helper.make_model(graph, ir_version=8, opset_imports=[helper.make_opsetid("", opset)])


def run_ort_case(op_type, x, inits=(), opset=17, n_out=1, out_types=None, rtol=1e-5, atol=1e-5, **attrs):
    model = make_model(op_type, x, inits, opset, n_out, out_types, **attrs)
    module, store = import_model(model, [list(x.shape)])
    module.verify()
    got = interpreter.run(module, store, [x])
    want = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"]).run(None, {"x": x})
    assert len(got) == len(want)
    for g, w in zip(got, want):
        assert g.shape == w.shape and g.dtype == w.dtype, (g.shape, g.dtype, w.shape, w.dtype)
        np.testing.assert_allclose(g, w, rtol=rtol, atol=atol)
    return module


def x_f32(*shape):
    return RNG.standard_normal(shape).astype(np.float32)


def axes(*v):
    return ("axes", np.array(v, np.int64))


def ties(*shape):
    """Small integers as float32: plenty of equal values."""
    return RNG.integers(-3, 3, shape).astype(np.float32)


ORT_CASES = {
    # --- Reduce*: axes as attribute (opset 11), input (ReduceSum 13, others 18)
    "mean_opset11_attr": lambda: run_ort_case("ReduceMean", x_f32(2, 3, 4, 5), opset=11, axes=[1, -1]),
    "max_opset11_keepdims0": lambda: run_ort_case("ReduceMax", x_f32(2, 3, 4), opset=11, axes=[0, 2], keepdims=0),
    "min_opset11_all_axes": lambda: run_ort_case("ReduceMin", x_f32(2, 3, 4), opset=11),
    "sum_opset13_input": lambda: run_ort_case("ReduceSum", x_f32(3, 4, 5), [axes(-2)], opset=13, keepdims=0),
    "sum_opset13_noop": lambda: run_ort_case("ReduceSum", x_f32(3, 4), [axes()], opset=13, noop_with_empty_axes=1),
    "sum_opset13_no_axes": lambda: run_ort_case("ReduceSum", x_f32(3, 4), opset=13),
    "sum_int64": lambda: run_ort_case("ReduceSum", RNG.integers(-50, 50, (4, 5)).astype(np.int64), [axes(1)],
                                      opset=13),
    "mean_int32_truncates": lambda: run_ort_case("ReduceMean", RNG.integers(-50, 50, (4, 7)).astype(np.int32),
                                                 opset=13, axes=[1]),
    "max_int32": lambda: run_ort_case("ReduceMax", RNG.integers(-50, 50, (4, 7)).astype(np.int32), opset=13,
                                      axes=[0]),
    "prod_opset18": lambda: run_ort_case("ReduceProd", x_f32(3, 4, 2), [axes(0, 2)], opset=18),
    "l1_opset18": lambda: run_ort_case("ReduceL1", x_f32(3, 4, 2), [axes(1)], opset=18, keepdims=0),
    "l2_opset18": lambda: run_ort_case("ReduceL2", x_f32(3, 4, 2), [axes(-1)], opset=18),
    "logsum_opset18": lambda: run_ort_case("ReduceLogSum", np.abs(x_f32(3, 4, 2)) + 0.1, [axes(1)], opset=18),
    "logsumexp_large_opset18": lambda: run_ort_case("ReduceLogSumExp", x_f32(3, 40) * 50, [axes(1)], opset=18),
    "sumsquare_opset18_noop_false": lambda: run_ort_case("ReduceSumSquare", x_f32(3, 4), opset=18),
    "mean_opset18_noop": lambda: run_ort_case("ReduceMean", x_f32(3, 4), opset=18, noop_with_empty_axes=1),
    # --- ArgMax / ArgMin
    "argmax_ties": lambda: run_ort_case("ArgMax", ties(3, 6, 4), axis=1, out_types=[I64]),
    "argmax_ties_last_keepdims0": lambda: run_ort_case("ArgMax", ties(3, 6, 4), axis=-1, keepdims=0,
                                                       select_last_index=1, out_types=[I64]),
    "argmin_ties_last": lambda: run_ort_case("ArgMin", ties(5, 4), axis=0, select_last_index=1, out_types=[I64]),
    "argmin_opset11": lambda: run_ort_case("ArgMin", x_f32(5, 4), opset=11, axis=1, out_types=[I64]),
    # --- TopK
    "topk_opset9_attr": lambda: run_ort_case("TopK", x_f32(3, 8), opset=9, k=3, n_out=2, out_types=[F32, I64]),
    "topk_opset10_axis0": lambda: run_ort_case("TopK", x_f32(6, 4), [("k", np.array([2], np.int64))], opset=10,
                                               axis=0, n_out=2, out_types=[F32, I64]),
    "topk_ties_largest": lambda: run_ort_case("TopK", ties(4, 10), [("k", np.array([5], np.int64))], opset=11,
                                              n_out=2, out_types=[F32, I64]),
    "topk_ties_smallest": lambda: run_ort_case("TopK", ties(4, 10), [("k", np.array([5], np.int64))], opset=11,
                                               largest=0, n_out=2, out_types=[F32, I64]),
    "topk_int64_3d": lambda: run_ort_case("TopK", RNG.integers(0, 9, (2, 7, 3)).astype(np.int64),
                                          [("k", np.array([4], np.int64))], opset=11, axis=1, n_out=2,
                                          out_types=[I64, I64]),
    # --- CumSum
    "cumsum_2d_exclusive_reverse": lambda: run_ort_case("CumSum", x_f32(4, 5), [("a", np.array(1, np.int64))],
                                                        exclusive=1, reverse=1),
    "cumsum_int32_negative_axis": lambda: run_ort_case("CumSum", RNG.integers(-9, 9, (3, 4)).astype(np.int32),
                                                       [("a", np.array([-2], np.int32))], opset=14),
    "cumsum_reverse_3d": lambda: run_ort_case("CumSum", x_f32(2, 3, 4), [("a", np.array(2, np.int64))], reverse=1),
}


@pytest.mark.parametrize("case", sorted(ORT_CASES))
def test_against_onnxruntime(case):
    ORT_CASES[case]()


def test_noop_reduce_is_an_alias():
    module = run_ort_case("ReduceSum", x_f32(3, 4), [axes()], opset=13, noop_with_empty_axes=1)
    assert not [op for op in module.walk() if op.name == "top.Reduce"]


def test_topk_outputs_are_named():
    module = run_ort_case("TopK", x_f32(3, 8), [("k", np.array([2], np.int64))], opset=11, n_out=2,
                          out_types=[F32, I64])
    (op,) = [op for op in module.walk() if op.name == "top.TopK"]
    assert [loc.desc.data for loc in op.location.locations.data] == ["y0", "y1"]


# ------------------------------------------------------------------------------- errors


def _runtime_second_input(op_type, x, second, opset, **attrs):
    node = helper.make_node(op_type, ["x", "s"], ["y"] if op_type != "TopK" else ["y", "i"], **attrs)
    outs = [helper.make_tensor_value_info("y", F32, None)]
    if op_type == "TopK":
        outs.append(helper.make_tensor_value_info("i", I64, None))
    graph = helper.make_graph([node], "g", [helper.make_tensor_value_info("x", F32, list(x.shape)),
                                            helper.make_tensor_value_info("s", I64, list(second.shape))], outs)
    return helper.make_model(graph, ir_version=8, opset_imports=[helper.make_opsetid("", opset)])


@pytest.mark.parametrize("op_type, second, opset, message", [
    ("ReduceSum", np.array([1], np.int64), 13, "axes input"),
    ("TopK", np.array([2], np.int64), 11, "K"),
    ("CumSum", np.array(0, np.int64), 14, "axis input"),
])
def test_runtime_parameters_are_errors(op_type, second, opset, message):
    x = x_f32(3, 4)
    with pytest.raises(CompileError, match=message):
        import_model(_runtime_second_input(op_type, x, second, opset), [[3, 4], list(second.shape)])


@pytest.mark.parametrize("model, message", [
    (lambda: make_model("ReduceMean", x_f32(2, 3), opset=11, axes=[2]), "out of range"),
    (lambda: make_model("ArgMax", x_f32(2, 3), axis=-3, out_types=[I64]), "out of range"),
    (lambda: make_model("TopK", x_f32(2, 3), [("k", np.array([4], np.int64))], opset=11, n_out=2,
                        out_types=[F32, I64]), "K = 4"),
])
def test_import_errors(model, message):
    with pytest.raises(CompileError, match=message):
        import_model(model(), [[2, 3]])
