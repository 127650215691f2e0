"""ONNX -> Top converters of the shape family: single-node models checked against onnxruntime
(exactly: these ops move data), the folding path, errors, and ONNX's own node conformance cases."""

from __future__ import annotations


import numpy as np
import onnx
import onnxruntime as ort
import pytest
from onnx import TensorProto, helper, numpy_helper

from conformance_util import compile_and_run, single_node_cases

from tpuc.compiler.errors import CompileError
from tpuc.dialects.top import interpreter
from tpuc.dialects.top.base import name_of
from tpuc.dialects.top.ops.core import WeightOp
from tpuc.lowering.onnx_to_top.importer import import_model

F32, I64, I32, BOOL = TensorProto.FLOAT, TensorProto.INT64, TensorProto.INT32, TensorProto.BOOL
_NP = {F32: np.float32, I64: np.int64, I32: np.int32, BOOL: np.bool_}
RNG = np.random.default_rng(0)


# --------------------------------------------------------------------------------- helpers


def model_of(nodes, inputs, outputs, inits=(), opset=17):
    """A checked single-graph model; ``inputs``/``outputs`` are ``(name, elem_type, shape)``
    (an output shape may be ``None``), ``inits`` are ``(name, array)``."""
    graph = helper.make_graph(
        nodes if isinstance(nodes, list) else [nodes], "g",
        [helper.make_tensor_value_info(n, t, s) for n, t, s in inputs],
        [helper.make_tensor_value_info(n, t, s) for n, t, s in outputs],
        [numpy_helper.from_array(np.asarray(a), n) for n, a in inits],
    )
    model = helper.make_model(graph, ir_version=8, opset_imports=[helper.make_opsetid("", opset)])
    model = onnx.shape_inference.infer_shapes(model)  # fills the output shapes left as None
    for vi in model.graph.output:  # invalid models (error tests): any shape will do
        if not vi.type.tensor_type.HasField("shape"):
            vi.type.tensor_type.shape.SetInParent()
    onnx.checker.check_model(model)
    return model


def check(model, feeds):
    """Import, verify, interpret and compare every output exactly with onnxruntime."""
    module, store = import_model(model, [list(np.shape(v)) for v in feeds.values()])
    module.verify()
    got = interpreter.run(module, store, list(feeds.values()))
    sess = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    want = sess.run(None, feeds)
    assert len(got) == len(want)
    for g, w in zip(got, want):
        assert g.dtype == w.dtype and g.shape == w.shape, (g.dtype, g.shape, w.dtype, w.shape)
        np.testing.assert_array_equal(g, w)
    return module


def op_names(module):
    return [op.name for op in module.walk() if op.name.startswith("top.")]


def x_f32(*shape):
    return RNG.standard_normal(shape).astype(np.float32)


def single(op_type, x_shape, out_shape, inits=(), opset=17, extra_inputs=(), x_type=F32, n_out=1, **attrs):
    """Model of one node ``op_type(x, *inits names, *extra inputs)``."""
    names = ["x"] + [n for n, _ in inits] + [n for n, _, _ in extra_inputs]
    outs = [f"y{i}" for i in range(n_out)] if n_out > 1 else ["y"]
    node = helper.make_node(op_type, names, outs, **attrs)
    out_vi = [(o, x_type, None) for o in outs]
    return model_of(node, [("x", x_type, list(x_shape)), *extra_inputs], out_vi, inits, opset)


def c64(*v):
    return np.array(v, np.int64)


# ----------------------------------------------------------------------- converter cases


CASES = {
    # Reshape: 0 copies, -1 infers, allowzero, attribute form (opset 1-4 are below 7: use 13/17)
    "reshape_0_-1": lambda: single("Reshape", [2, 3, 4], None, [("s", c64(0, -1, 2))]),
    "reshape_scalar": lambda: single("Reshape", [1, 1], None, [("s", c64())]),
    "reshape_allowzero": lambda: single("Reshape", [2, 0, 3], None, [("s", c64(0, 3, 2))], opset=14, allowzero=1),
    "reshape_opset13": lambda: single("Reshape", [4, 6], None, [("s", c64(3, -1))], opset=13),
    "flatten_default": lambda: single("Flatten", [2, 3, 4, 5], None),
    "flatten_0": lambda: single("Flatten", [2, 3, 4], None, axis=0),
    "flatten_neg": lambda: single("Flatten", [2, 3, 4, 5], None, axis=-1),
    "flatten_opset9": lambda: single("Flatten", [2, 3, 4], None, opset=9, axis=2),
    "transpose_default": lambda: single("Transpose", [2, 3, 4], None),
    "transpose_perm": lambda: single("Transpose", [2, 3, 4, 5], None, perm=[0, 2, 3, 1]),
    "squeeze_input": lambda: single("Squeeze", [1, 3, 1, 4], None, [("a", c64(-2, 0))]),
    "squeeze_all": lambda: single("Squeeze", [1, 3, 1, 4], None),
    "squeeze_attr_opset11": lambda: single("Squeeze", [1, 3, 1, 4], None, opset=11, axes=[-2]),
    "squeeze_attr_opset7": lambda: single("Squeeze", [1, 3, 1, 4], None, opset=7, axes=[0, 2]),
    "unsqueeze_input": lambda: single("Unsqueeze", [3, 4], None, [("a", c64(-1, 0))]),
    "unsqueeze_attr_opset11": lambda: single("Unsqueeze", [3, 4], None, opset=11, axes=[1, -1]),
    "unsqueeze_scalar": lambda: single("Unsqueeze", [], None, [("a", c64(0))]),
    "concat_neg": lambda: single("Concat", [2, 3], None, extra_inputs=[("z", F32, [2, 5])], axis=-1),
    "concat_weight": lambda: single("Concat", [2, 3], None, [("w", x_f32(1, 3))], axis=0),
    "concat_opset7": lambda: single("Concat", [2, 3], None, [("w", x_f32(4, 3))], opset=7, axis=0),
    # Slice
    "slice_basic": lambda: single("Slice", [5, 6, 7], None, [("s", c64(1, -4)), ("e", c64(4, 100)),
                                                             ("a", c64(0, -1)), ("t", c64(2, 1))]),
    "slice_neg_step": lambda: single("Slice", [5, 6], None, [("s", c64(-1, 10)), ("e", c64(-100, 0)),
                                                             ("a", c64(0, 1)), ("t", c64(-2, -1))]),
    "slice_int64max": lambda: single("Slice", [5, 6], None, [("s", c64(2)), ("e", c64(2**63 - 1)), ("a", c64(1))]),
    "slice_int64min_neg": lambda: single("Slice", [5, 6], None, [("s", c64(-1)), ("e", c64(-2**63)),
                                                                 ("a", c64(1)), ("t", c64(-1))]),
    "slice_default_axes": lambda: single("Slice", [5, 6], None, [("s", c64(1, 2)), ("e", c64(3, -1))]),
    "slice_empty": lambda: single("Slice", [5, 6], None, [("s", c64(4)), ("e", c64(2)), ("a", c64(0))]),
    "slice_opset9_attrs": lambda: single("Slice", [5, 6], None, opset=9, starts=[1, -3], ends=[1000, -1], axes=[0, 1]),
    "slice_opset9_noaxes": lambda: single("Slice", [5, 6], None, opset=9, starts=[1], ends=[3]),
    "slice_opset10": lambda: single("Slice", [5, 6], None, [("s", c64(3)), ("e", c64(0)), ("a", c64(1)),
                                                           ("t", c64(-1))], opset=10),
    # Split
    "split_even": lambda: single("Split", [6, 4], None, n_out=3),
    "split_input": lambda: single("Split", [6, 5], None, [("sp", c64(1, 4))], n_out=2, axis=-1),
    "split_attr_opset11": lambda: single("Split", [6, 5], None, opset=11, n_out=3, axis=0, split=[1, 2, 3]),
    "split_opset7": lambda: single("Split", [6, 4], None, opset=7, n_out=2, axis=1),
    "split_num_outputs_uneven": lambda: single("Split", [7, 4], None, opset=18, n_out=3, axis=0, num_outputs=3),
    "split_num_outputs_even": lambda: single("Split", [6, 4], None, opset=18, n_out=2, axis=1, num_outputs=2),
    # Tile / Expand
    "tile": lambda: single("Tile", [2, 3], None, [("r", c64(2, 3))]),
    "tile_opset7": lambda: single("Tile", [2, 3], None, [("r", c64(1, 2))], opset=7),
    "expand_bidir": lambda: single("Expand", [3, 1], None, [("s", c64(2, 1, 4))]),
    "expand_smaller": lambda: single("Expand", [2, 3, 4], None, [("s", c64(3, 1))]),
    "expand_opset8": lambda: single("Expand", [1, 3], None, [("s", c64(4, 3))], opset=8),
    # Gather family
    "gather_axis1_neg_idx": lambda: single("Gather", [3, 5, 2], None, [("i", c64(-1, 0, 4))], axis=1),
    "gather_scalar_idx": lambda: single("Gather", [3, 5], None, [("i", c64(2).reshape(()))], axis=-1),
    "gather_opset7": lambda: single("Gather", [3, 5], None, [("i", np.array([[0, 2], [1, 1]], np.int32))], opset=7),
    "gather_elements": lambda: single("GatherElements", [3, 4], None, [("i", np.array([[0, -1], [2, 1], [3, 0]], np.int64))],
                                      axis=1),
    "gathernd": lambda: single("GatherND", [2, 3, 4], None, [("i", np.array([[[0, 1], [1, -1]]], np.int64))]),
    "gathernd_batch": lambda: single("GatherND", [2, 3, 4], None, [("i", np.array([[[1], [2]], [[0], [0]]], np.int64))],
                                     batch_dims=1),
    "gathernd_opset11": lambda: single("GatherND", [2, 3], None, [("i", np.array([[1, 2], [0, 0]], np.int64))], opset=11),
    # Scatter family
    "scatternd": lambda: single("ScatterND", [4, 3], None, [("i", np.array([[1], [3]], np.int64)), ("u", x_f32(2, 3))]),
    "scatternd_add": lambda: single("ScatterND", [4, 3], None, [("i", np.array([[1, 1], [1, 1]], np.int64)),
                                                                ("u", x_f32(2))], reduction="add"),
    "scatternd_mul_opset16": lambda: single("ScatterND", [4], None, [("i", np.array([[1], [1]], np.int64)),
                                                                     ("u", x_f32(2))], opset=16, reduction="mul"),
    "scatternd_opset11": lambda: single("ScatterND", [4], None, [("i", np.array([[2]], np.int64)), ("u", x_f32(1))], opset=11),
    "scatter_elements": lambda: single("ScatterElements", [3, 4], None, [("i", np.array([[0, -1], [2, 1]], np.int64)),
                                                                         ("u", x_f32(2, 2))], axis=1),
    "scatter_elements_add": lambda: single("ScatterElements", [3, 4], None, [("i", np.array([[0, 0], [0, 0]], np.int64)),
                                                                             ("u", x_f32(2, 2))], axis=0, reduction="add"),
    "scatter_elements_mul": lambda: single("ScatterElements", [3, 4], None, [("i", np.array([[1, 1, 1]], np.int64)),
                                                                             ("u", x_f32(1, 3))], axis=1, reduction="mul"),
    "scatter_opset9": lambda: single("Scatter", [3, 4], None, [("i", np.array([[0, 2]], np.int64)),
                                                               ("u", x_f32(1, 2))], opset=9, axis=1),
    # Pad
    "pad_constant": lambda: single("Pad", [2, 3], None, [("p", c64(1, 0, 2, 3)), ("v", np.array(1.5, np.float32))]),
    "pad_reflect": lambda: single("Pad", [3, 4], None, [("p", c64(1, 2, 2, 1))], mode="reflect"),
    "pad_edge": lambda: single("Pad", [3, 4], None, [("p", c64(2, 0, 0, 3))], mode="edge"),
    "pad_negative": lambda: single("Pad", [4, 5], None, [("p", c64(-1, 2, 1, -2))]),
    "pad_axes_opset18": lambda: model_of(helper.make_node("Pad", ["x", "p", "", "a"], ["y"]), [("x", F32, [2, 3, 4])],
                                         [("y", F32, None)], [("p", c64(1, 2, 0, 1)), ("a", c64(-1, 0))], opset=18),
    "pad_axes_value_opset18": lambda: single("Pad", [2, 3, 4], None, [("p", c64(1, -1)), ("v", np.array(2, np.float32)),
                                                                     ("a", c64(1))], opset=18),
    "pad_wrap_opset19": lambda: single("Pad", [3, 4], None, [("p", c64(1, 2, 2, 1))], opset=19, mode="wrap"),
    "pad_opset7_attrs": lambda: single("Pad", [2, 3], None, opset=7, pads=[0, 1, 1, 0], value=2.0),
    "pad_opset7_reflect": lambda: single("Pad", [3, 3], None, opset=7, pads=[1, 1, 1, 1], mode="reflect"),
    "pad_opset11": lambda: single("Pad", [3, 3], None, [("p", c64(1, 1, 0, 0))], opset=11, mode="edge"),
    # blocks
    "depth_to_space_dcr": lambda: single("DepthToSpace", [1, 8, 2, 3], None, blocksize=2),
    "depth_to_space_crd": lambda: single("DepthToSpace", [2, 8, 2, 3], None, blocksize=2, mode="CRD"),
    "depth_to_space_opset7": lambda: single("DepthToSpace", [1, 9, 2, 2], None, opset=7, blocksize=3),
    "space_to_depth": lambda: single("SpaceToDepth", [2, 3, 4, 6], None, blocksize=2),
    "space_to_depth_opset7": lambda: single("SpaceToDepth", [1, 2, 6, 3], None, opset=7, blocksize=3),
    # masks
    "trilu_upper": lambda: single("Trilu", [2, 4, 5], None),
    "trilu_lower_k": lambda: single("Trilu", [4, 5], None, [("k", c64(-1).reshape(()))], upper=0),
    "trilu_upper_k": lambda: single("Trilu", [4, 5], None, [("k", c64(2).reshape(()))], upper=1),
    # Compress with a constant condition
    "compress_axis": lambda: single("Compress", [3, 4], None, [("c", np.array([1, 0, 1], bool))], axis=0),
    "compress_short_cond": lambda: single("Compress", [3, 4], None, [("c", np.array([0, 1], bool))], axis=-1),
    "compress_flat": lambda: single("Compress", [2, 3], None, [("c", np.array([0, 1, 1, 0, 1], bool))], opset=9),
}

# Int inputs and runtime indices need their own models.


def _runtime_index_cases():
    out = {}
    # BERT embedding: constant table, runtime int64 ids.
    table = x_f32(30, 8)
    out["gather_embedding_runtime_ids"] = (
        model_of(helper.make_node("Gather", ["table", "ids"], ["y"]), [("ids", I64, [2, 5])], [("y", F32, None)],
                 [("table", table)]),
        {"ids": RNG.integers(-30, 30, (2, 5)).astype(np.int64)})
    out["gather_elements_runtime"] = (
        model_of(helper.make_node("GatherElements", ["x", "i"], ["y"], axis=0), [("x", F32, [3, 4]), ("i", I64, [2, 4])],
                 [("y", F32, None)]),
        {"x": x_f32(3, 4), "i": RNG.integers(-3, 3, (2, 4)).astype(np.int64)})
    out["gathernd_runtime"] = (
        model_of(helper.make_node("GatherND", ["x", "i"], ["y"], batch_dims=1), [("x", F32, [2, 3, 4]), ("i", I64, [2, 2, 2])],
                 [("y", F32, None)]),
        {"x": x_f32(2, 3, 4), "i": np.array([[[0, 1], [2, 3]], [[1, 0], [0, 2]]], np.int64)})
    out["scatternd_runtime"] = (
        model_of(helper.make_node("ScatterND", ["x", "i", "u"], ["y"]),
                 [("x", F32, [4, 3]), ("i", I64, [2, 1]), ("u", F32, [2, 3])], [("y", F32, None)]),
        {"x": x_f32(4, 3), "i": np.array([[3], [0]], np.int64), "u": x_f32(2, 3)})
    out["scatter_elements_runtime"] = (
        model_of(helper.make_node("ScatterElements", ["x", "i", "u"], ["y"], axis=-1),
                 [("x", F32, [2, 5]), ("i", I64, [2, 2]), ("u", F32, [2, 2])], [("y", F32, None)]),
        {"x": x_f32(2, 5), "i": np.array([[4, -5], [1, 2]], np.int64), "u": x_f32(2, 2)})
    out["onehot_runtime_indices"] = (
        model_of(helper.make_node("OneHot", ["i", "d", "v"], ["y"], axis=1), [("i", I64, [2, 3])], [("y", F32, None)],
                 [("d", np.array(4, np.int64)), ("v", np.array([-1.0, 3.0], np.float32))]),
        {"i": np.array([[0, 3, -1], [5, -4, 2]], np.int64)})
    out["onehot_opset9_int_values"] = (
        model_of(helper.make_node("OneHot", ["i", "d", "v"], ["y"]), [("i", I64, [3])], [("y", I64, None)],
                 [("d", np.array([5], np.int64)), ("v", np.array([0, 7], np.int64))], opset=9),
        {"i": np.array([1, 4, 0], np.int64)})
    out["onehot_float_depth_and_indices"] = (
        model_of(helper.make_node("OneHot", ["i", "d", "v"], ["y"], axis=0), [("i", F32, [2, 2])], [("y", F32, None)],
                 [("d", np.array(3.0, np.float32)), ("v", np.array([0.5, 2.0], np.float32))], opset=11),
        {"i": np.array([[0.0, 2.7], [-1.0, 1.2]], np.float32)})
    out["gather_runtime_scalar_index"] = (
        model_of(helper.make_node("Gather", ["x", "i"], ["y"], axis=1), [("x", F32, [3, 4, 2]), ("i", I64, [])],
                 [("y", F32, None)]),
        {"x": x_f32(3, 4, 2), "i": np.array(-2, np.int64)})
    out["concat_int64"] = (
        model_of(helper.make_node("Concat", ["a", "b"], ["y"], axis=0), [("a", I64, [2]), ("b", I64, [3])], [("y", I64, None)]),
        {"a": c64(1, 2), "b": c64(3, 4, 5)})
    out["transpose_bool"] = (
        model_of(helper.make_node("Transpose", ["a"], ["y"]), [("a", BOOL, [2, 3])], [("y", BOOL, None)]),
        {"a": RNG.integers(0, 2, (2, 3)).astype(bool)})
    out["pad_int_constant"] = (
        model_of(helper.make_node("Pad", ["a", "p", "v"], ["y"]), [("a", I32, [2, 2])], [("y", I32, None)],
                 [("p", c64(1, 1, 1, 1)), ("v", np.array(-7, np.int32))]),
        {"a": np.arange(4, dtype=np.int32).reshape(2, 2)})
    return out


RUNTIME = _runtime_index_cases()


@pytest.mark.parametrize("case", [pytest.param(k, marks=v.marks) if isinstance(v, type(pytest.param(0))) else k
                                  for k, v in sorted(CASES.items())])
def test_converter(case):
    make = CASES[case]
    model = (make.values[0] if isinstance(make, type(pytest.param(0))) else make)()
    shape = [d.dim_value for d in model.graph.input[0].type.tensor_type.shape.dim]
    feeds = {"x": x_f32(*shape)}
    for vi in model.graph.input[1:]:
        if vi.name not in {i.name for i in model.graph.initializer}:
            feeds[vi.name] = x_f32(*[d.dim_value for d in vi.type.tensor_type.shape.dim])
    check(model, feeds)


@pytest.mark.parametrize("case", sorted(RUNTIME))
def test_runtime_operands(case):
    model, feeds = RUNTIME[case]
    check(model, feeds)


def test_ops_emitted():
    """The converters produce the tpu-mlir op names (Flatten is a Reshape, SpaceToDepth a
    Depth2Space, Compress a Gather, Transpose a Permute)."""
    for case, op in [("flatten_default", "top.Reshape"), ("space_to_depth", "top.Depth2Space"),
                     ("compress_axis", "top.Gather"), ("transpose_perm", "top.Permute"),
                     ("split_input", "top.Split"), ("pad_negative", "top.Pad")]:
        module, _ = import_model(CASES[case]())
        assert op in op_names(module), (case, op_names(module))
    module, _ = import_model(RUNTIME["gather_embedding_runtime_ids"][0])
    ops = op_names(module)
    assert "top.Gather" in ops and "top.Weight" in ops


def test_slice_props_normalised():
    module, _ = import_model(CASES["slice_neg_step"]())
    (sl,) = [op for op in module.walk() if op.name == "top.Slice"]
    assert sl.p("offset") == (4, 5) and sl.p("ends") == (-1, 0) and sl.p("steps") == (-2, -1)


def test_split_results_named():
    module, _ = import_model(CASES["split_num_outputs_uneven"]())
    (sp,) = [op for op in module.walk() if op.name == "top.Split"]
    assert [r.type.get_shape() for r in sp.results] == [(3, 4), (3, 4), (1, 4)]
    from tpuc.dialects.top.base import result_names

    assert result_names(sp) == ["y0", "y1", "y2"]


def test_print_parse_roundtrip():
    """The ops print and parse back (custom and generic form), multi-result Split included."""
    from tpuc.compiler.ir_io import parse_module, print_module

    for case in ("split_num_outputs_uneven", "slice_neg_step", "pad_constant", "depth_to_space_crd",
                 "scatter_elements_add", "gathernd_batch", "trilu_lower_k", "squeeze_input"):
        module, _ = import_model(CASES[case]())
        for generic in (False, True):
            back = parse_module(print_module(module, generic=generic))
            back.verify()
            assert back.is_structurally_equivalent(module), case


# ---------------------------------------------------------------------------------- folding


def test_fold_all_constant():
    """A chain on initializers folds at import: the module returns a top.Weight."""
    data = np.arange(24, dtype=np.float32).reshape(2, 3, 4)
    nodes = [
        helper.make_node("Transpose", ["d"], ["t"], perm=[2, 0, 1]),
        helper.make_node("Reshape", ["t", "s"], ["r"]),
        helper.make_node("Slice", ["r", "st", "en"], ["y"]),
    ]
    model = model_of(nodes, [], [("y", F32, None)],
                     [("d", data), ("s", c64(4, -1)), ("st", c64(1, 0)), ("en", c64(3, 5))])
    module, store = import_model(model, [])
    module.verify()
    assert [op.name for op in module.walk() if op.name.startswith("top.")] == ["top.Weight"]
    (w,) = [op for op in module.walk() if isinstance(op, WeightOp)]
    want = data.transpose(2, 0, 1).reshape(4, -1)[1:3, 0:5]
    np.testing.assert_array_equal(store[name_of(w)], want)
    np.testing.assert_array_equal(interpreter.run(module, store, [])[0], want)


def test_fold_nonzero_and_split():
    cond = np.array([[1, 0, 2], [0, 3, 0]], np.float32)
    nodes = [helper.make_node("NonZero", ["c"], ["nz"]),
             helper.make_node("Split", ["nz"], ["a", "b"], axis=0)]
    model = model_of(nodes, [], [("a", I64, None), ("b", I64, None)], [("c", cond)], opset=13)
    module, store = import_model(model, [])
    a, b = interpreter.run(module, store, [])
    np.testing.assert_array_equal(np.concatenate([a, b]), np.array(np.nonzero(cond)))


# ----------------------------------------------------------------------------------- errors


def test_reshape_runtime_shape_is_an_error():
    node = helper.make_node("Reshape", ["x", "s"], ["y"], name="my_reshape")
    model = model_of(node, [("x", F32, [2, 3]), ("s", I64, [2])], [("y", F32, None)])
    with pytest.raises(CompileError, match="my_reshape.*shape input.*constant"):
        import_model(model)


def test_nonzero_runtime_is_an_error():
    model = model_of(helper.make_node("NonZero", ["x"], ["y"], name="nz"), [("x", F32, [3])], [("y", I64, None)])
    with pytest.raises(CompileError, match="nz.*runtime values"):
        import_model(model)


@pytest.mark.parametrize("model, pattern", [
    (lambda: single("Reshape", [2, 3], None, [("s", c64(4, -1))]), "cannot reshape"),
    (lambda: single("Squeeze", [2, 3], None, [("a", c64(0))]), "not 1"),
    (lambda: single("Concat", [2, 3], None, [("w", x_f32(2, 4))], axis=0), "do not agree"),
    (lambda: single("Gather", [3, 4], None, [("i", c64(3))], axis=0), "out of range"),
    (lambda: single("Transpose", [2, 3], None, perm=[0, 0]), "not a permutation"),
    (lambda: single("Split", [5, 2], None, n_out=2), "evenly"),
    (lambda: single("Slice", [5, 2], None, [("s", c64(0)), ("e", c64(1)), ("a", c64(0)), ("t", c64(0))]), "step is 0"),
])
def test_errors(model, pattern):
    with pytest.raises(CompileError, match=pattern):
        import_model(model())


# ---------------------------------------------------------------------- ONNX conformance

OP_TYPES = {"Reshape", "Flatten", "Transpose", "Squeeze", "Unsqueeze", "Concat", "Slice", "Split", "Tile",
            "Expand", "Gather", "GatherElements", "GatherND", "ScatterND", "ScatterElements", "Scatter", "Pad",
            "DepthToSpace", "SpaceToDepth", "Trilu", "NonZero", "OneHot", "Compress"}
#: inputs tpuc needs as constants (static shapes): they are frozen into initializers.
CONST_INPUTS = {"Reshape": {1}, "Slice": {1, 2, 3, 4}, "Split": {1}, "Squeeze": {1}, "Unsqueeze": {1},
                "Tile": {1}, "Expand": {1}, "Pad": {1, 2, 3}, "Trilu": {1}, "OneHot": {1, 2},
                "Compress": {1}, "NonZero": {0}}
CONFORMANCE = single_node_cases(OP_TYPES)


@pytest.mark.parametrize("name", sorted(CONFORMANCE))
def test_onnx_conformance(name):
    case = CONFORMANCE[name]
    for inputs, outputs in case.data_sets:
        got = compile_and_run(case, inputs, CONST_INPUTS)
        assert len(got) == len(outputs)
        for g, w in zip(got, outputs):
            w = np.asarray(w)
            assert g.dtype == w.dtype and g.shape == w.shape, (g.dtype, g.shape, w.dtype, w.shape)
            np.testing.assert_array_equal(g, w)
