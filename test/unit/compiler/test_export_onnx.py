"""Top -> ONNX export (``tpuc.compiler.export_onnx``).

* every shared model (bert at ``[[1,16],[1,16]]``) and light CNNs: ``export_file`` gives a model
  that passes ``onnx.checker`` (full check) and matches the original in onnxruntime
  (cos >= 0.99999 on every output), with graph input/output names kept and every node that
  produces one of the original's tensors named as the original node;
* Top forms no ONNX import produces (MatMul flags incl. ``hdim_is_batch``, ``do_relu``,
  ``keep_dims``, coerced Softmax, non-square / CRD Depth2Space, ``nearest_mode = simple``, float
  Mod, NotEqual, GELU/SiLU/Mish, GroupNorm, negative Deconv pads, ...), built as Top IR: the
  exported model run by onnxruntime equals the Top interpreter, at opset 17 and where the form
  changes, at a later opset;
* ONNX's node conformance cases: import -> ``EXPORT_PIPELINE`` -> export -> onnxruntime equals
  the expected outputs (a sweep across every importable op type and attribute);
* errors: an opset outside 17-21, a form the opset cannot express, bad paths, ``--input-shapes``
  with a .mlir; no output file is left behind.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

import numpy as np
import onnx
import pytest
from onnx import numpy_helper
from xdsl.dialects import func
from xdsl.dialects.builtin import ModuleOp, StringAttr
from xdsl.ir import Block, Region

from e2e_util import shared_model
from tpuc.compiler.compare import similarity
from tpuc.compiler.errors import CompileError
from tpuc.compiler.export_onnx import EXPORT_PIPELINE, check, export, export_file, node_names_of
from tpuc.compiler.pipeline import parse_pipeline, run_pipeline
from tpuc.compiler.weights import WeightStore, attach_store
from tpuc.dialects.top import interpreter
from tpuc.dialects.top.base import build, tensor_type
from tpuc.dialects.top.ops import elementwise as E
from tpuc.dialects.top.ops import nn as N
from tpuc.dialects.top.ops import reduce as R
from tpuc.dialects.top.ops import shape as S
from tpuc.dialects.top.ops.core import InputOp, NoneOp, WeightOp

LIGHT_DIR = Path(onnx.__file__).parent / "backend" / "test" / "data" / "light"
BIG = bool(os.environ.get("TPUC_BIG_MODELS"))

SHARED = [("swin_micro.onnx", None), ("vit_micro.onnx", None), ("mha_encoder.onnx", None),
          ("bert_tiny_dynamic.onnx", [[1, 16], [1, 16]])]
if BIG:
    SHARED += [("swin_t.onnx", None), ("vit_tiny.onnx", None)]
# the big-weight ones (vgg19 550 MB, alexnet, zfnet512 ~250 MB) only with TPUC_BIG_MODELS
LIGHT = ["resnet50", "squeezenet", "shufflenet", "inception_v1", "inception_v2", "densenet121"]
if BIG:
    LIGHT += ["vgg19", "bvlc_alexnet", "zfnet512"]


# ----------------------------------------------------------------------------------- helpers


def ort_run(model: onnx.ModelProto | Path, feeds: dict[str, np.ndarray]) -> list[np.ndarray]:
    import onnxruntime as ort

    so = ort.SessionOptions()
    so.log_severity_level = 3
    data = model.SerializeToString() if isinstance(model, onnx.ModelProto) else str(model)
    sess = ort.InferenceSession(data, so, providers=["CPUExecutionProvider"])
    return sess.run(None, {i.name: feeds[i.name] for i in sess.get_inputs()})


def random_feeds(model: onnx.ModelProto, seed: int = 0) -> dict[str, np.ndarray]:
    """Seeded inputs for a model with static input shapes (ints in [0, 100), masks 0/1)."""
    rng = np.random.default_rng(seed)
    feeds = {}
    for vi in model.graph.input:
        tt = vi.type.tensor_type
        shape = [d.dim_value for d in tt.shape.dim]
        dt = np.dtype(onnx.helper.tensor_dtype_to_np_dtype(tt.elem_type))
        if dt == np.bool_:
            x = rng.random(shape) < 0.2
            x[..., 0] = False
        elif dt.kind in "iu":
            x = rng.integers(0, 2 if "mask" in vi.name else 100, size=shape).astype(dt)
            if "mask" in vi.name:
                x[..., 0] = 1
        else:
            x = rng.standard_normal(shape).astype(dt)
        feeds[vi.name] = x
    return feeds


def assert_close(ref: np.ndarray, got: np.ndarray, what: str, cos_min: float = 0.99999) -> None:
    assert ref.shape == got.shape and ref.dtype == got.dtype, (what, ref.shape, got.shape, ref.dtype, got.dtype)
    cos, euclid, _, note = similarity(ref, got)
    assert cos >= cos_min, f"{what}: cos {cos} euclid {euclid} {note}"


def assert_names_kept(original: onnx.ModelProto, exported: onnx.ModelProto) -> None:
    inits = {i.name for i in original.graph.initializer}
    assert [i.name for i in exported.graph.input] == [i.name for i in original.graph.input if i.name not in inits]
    assert [o.name for o in exported.graph.output] == [o.name for o in original.graph.output]
    producers = node_names_of(original)
    kept = [n for n in exported.graph.node if n.output[0] in producers]
    assert kept, "no exported node produces a tensor of the original"
    wrong = [(n.name, producers[n.output[0]]) for n in kept if n.name != producers[n.output[0]]]
    assert not wrong, f"renamed nodes: {wrong[:5]}"
    names = [n.name for n in exported.graph.node]
    assert len(names) == len(set(names)), "node names are not unique"


# ------------------------------------------------------------------------------ real models


@pytest.mark.parametrize("name,shapes", SHARED, ids=[s[0] for s in SHARED])
def test_shared_model(tmp_path, name, shapes):
    path = shared_model(name)
    out = tmp_path / "m.onnx"
    exported = export_file(path, out, shapes)
    onnx.checker.check_model(onnx.load(out), full_check=True)
    original = onnx.load(path)
    feeds = random_feeds(exported)
    for k, (r, g) in enumerate(zip(ort_run(original, feeds), ort_run(out, feeds), strict=True)):
        assert_close(r, g, f"{name} output {k}")
    assert_names_kept(original, exported)
    assert len(exported.graph.node) < len(original.graph.node)
    assert not [n for n in exported.graph.node if n.domain not in ("", "ai.onnx")]


@pytest.mark.parametrize("name", LIGHT)
def test_light_cnn(tmp_path, name):
    path = LIGHT_DIR / f"light_{name}.onnx"
    out = tmp_path / "m.onnx"
    exported = export_file(path, out)
    onnx.checker.check_model(onnx.load(out), full_check=True)
    original = onnx.load(path)
    (inp,) = exported.graph.input
    shape = [d.dim_value for d in inp.type.tensor_type.shape.dim]
    x = (np.arange(np.prod(shape)).reshape(shape) / np.prod(shape)).astype(np.float32)  # onnx's dummy input
    (got,) = ort_run(out, {inp.name: x})
    (ref,) = ort_run(original, {inp.name: x})
    assert_close(ref, got, name)
    shipped = numpy_helper.to_array(onnx.load_tensor(str(LIGHT_DIR / f"light_{name}_output_0.pb")))
    assert_close(shipped, got, f"{name} vs shipped output")
    assert_names_kept(original, exported)
    assert len(exported.graph.node) <= len(original.graph.node)


def test_export_from_top_mlir(tmp_path):
    """A Top .mlir written by ``tpuc transform`` (and its weight file) exports like the ONNX."""
    from tpuc.compiler.transform import TransformOptions, transform

    path = shared_model("vit_micro.onnx")
    transform(TransformOptions(model_def=str(path), mlir=str(tmp_path / "v.mlir"), quiet=True))
    exported = export_file(tmp_path / "v.mlir", tmp_path / "v.onnx")
    original = onnx.load(path)
    feeds = random_feeds(exported)
    (ref,) = ort_run(original, feeds)
    (got,) = ort_run(tmp_path / "v.onnx", feeds)
    assert_close(ref, got, "vit_micro from .mlir")
    assert [o.name for o in exported.graph.output] == [o.name for o in original.graph.output]


def test_deterministic(tmp_path):
    path = shared_model("mha_encoder.onnx")
    export_file(path, tmp_path / "a.onnx")
    export_file(path, tmp_path / "b.onnx")
    assert (tmp_path / "a.onnx").read_bytes() == (tmp_path / "b.onnx").read_bytes()


def test_export_pipeline_names_known_patterns():
    """Every pattern EXPORT_PIPELINE disables exists (a rename would silently re-enable it)."""
    from tpuc.dialects.top.transforms.canonicalize import TopPatternApplier

    for p in parse_pipeline(EXPORT_PIPELINE):
        if p.name == "top-canonicalize":
            TopPatternApplier(frozenset(p.disable))  # raises CompileError for an unknown name
            assert {"MatMulHdimIsBatch", "MatMulRightTranspose"} <= set(p.disable)


# ----------------------------------------------------------------------- Top forms, by hand


class Graph:
    """A Top ``@main`` built op by op (types inferred), with its weight store."""

    def __init__(self, *inputs: tuple[str, tuple[int, ...], object]):
        self.block = Block(arg_types=[tensor_type(s, d) for _, s, d in inputs])
        self.store = WeightStore()
        self.inputs = []
        for (name, _, _), arg in zip(inputs, self.block.args):
            self.inputs.append(self._add(build(InputOp, [arg], name=name)))
        self._none = None

    def _add(self, op):
        self.block.add_op(op)
        return op.results[0] if len(op.results) == 1 else list(op.results)

    def w(self, name: str, value) -> object:
        value = np.asarray(value)
        self.store[name] = value
        return self._add(build(WeightOp, [], name=name, result_types=[tensor_type(value.shape, value.dtype)]))

    def none(self):
        if self._none is None:
            self._none = self._add(build(NoneOp, [], name="none"))
        return self._none

    def op(self, cls, operands, props=None, name="y", n=1):
        return self._add(build(cls, operands, props, n_results=n, name=name if n == 1 else
                               [f"{name}_{i}" for i in range(n)]))

    def module(self, *outs) -> ModuleOp:
        self.block.add_op(func.ReturnOp(*outs))
        fn = func.FuncOp("main", ([a.type for a in self.block.args], [v.type for v in outs]), Region(self.block))
        module = ModuleOp([fn])
        module.attributes["module.name"] = StringAttr("case")
        module.verify()
        return module


def _x(shape, dtype=np.float32):
    return ("x", tuple(shape), dtype)


def _rand(shape, seed=1, dtype=np.float32):
    return np.random.default_rng(seed).standard_normal(shape).astype(dtype)


def case_matmul(flags, sa, sb, bias=None, relu=False, keep_dims=True, weight_rhs=False):
    g = Graph(("a", sa, np.float32), *(() if weight_rhs else (("b", sb, np.float32),)))
    b = g.w("w", _rand(sb)) if weight_rhs else g.inputs[1]
    bv = g.none() if bias is None else g.w("bias", _rand(bias, 2))
    props = {k: True for k in flags}
    props.update({"do_relu": relu or None, "keep_dims": None if keep_dims else False})
    return g, g.module(g.op(N.MatMulOp, [g.inputs[0], b, bv], props, "mm"))


def _unary(cls, props=None, shape=(2, 3, 4)):
    g = Graph(_x(shape))
    return g, g.module(g.op(cls, [g.inputs[0]], props))


def _binary(cls, props=None, sa=(2, 3), sb=(2, 3), dtype=np.float32):
    g = Graph(("a", sa, dtype), ("b", sb, dtype))
    return g, g.module(g.op(cls, g.inputs, props))


def case_variadic(cls, relu):
    g = Graph(("a", (2, 3), np.float32), ("b", (1, 3), np.float32), ("c", (2, 1), np.float32))
    return g, g.module(g.op(cls, g.inputs, {"do_relu": relu or None}))


def case_d2s(bh, bw, crd, inv):
    shape = (1, 4, 4, 6) if inv else (1, bh * bw * 2, 2, 3)
    return _unary(S.Depth2SpaceOp, {"block_h": bh, "block_w": bw, "is_CRD": crd or None, "is_inversed": inv or None},
                  shape)


def case_groupnorm(weight, bias):
    g = Graph(_x((2, 6, 3, 3)))
    w = g.w("gamma", _rand(6, 3)) if weight else g.none()
    b = g.w("beta", _rand(6, 4)) if bias else g.none()
    return g, g.module(g.op(N.GroupNormOp, [g.inputs[0], w, b], {"num_groups": 3, "eps": 1e-5}))


def case_interp(shape, target, scales, mode="nearest", coord="asymmetric", nearest="simple"):
    return _unary(N.InterpOp, {"mode": mode, "coord_mode": coord, "target_shape": target, "scales": scales,
                               "nearest_mode": nearest if mode == "nearest" else None}, shape)


def case_deconv_negative_end_pad():
    g = Graph(_x((1, 2, 3, 3)))
    w, b = g.w("w", _rand((2, 3, 3, 3))), g.w("b", _rand(3, 2))
    props = {"kernel_shape": [3, 3], "strides": [2, 2], "pads": [0, 0, -1, -1]}
    return g, g.module(g.op(N.DeconvOp, [g.inputs[0], w, b], props))


def case_maxpool_with_mask():
    g = Graph(_x((1, 2, 5, 5)))
    v, i = g.op(N.MaxPoolWithMaskOp, [g.inputs[0]], {"kernel_shape": [2, 2], "strides": [2, 2], "pads": [0, 0, 1, 1],
                                                     "do_relu": True}, "pool", n=2)
    return g, g.module(v, i)


def case_conv_relu():
    g = Graph(_x((1, 4, 5, 5)))
    w = g.w("w", _rand((4, 2, 3, 3)))
    props = {"kernel_shape": [3, 3], "strides": [1, 1], "pads": [1, 1, 1, 1], "dilations": [1, 1], "group": 2,
             "do_relu": True}
    return g, g.module(g.op(N.ConvOp, [g.inputs[0], w, g.none()], props))


def case_norms():
    g = Graph(_x((2, 3, 4, 5)))
    x = g.inputs[0]
    ln = g.op(N.LayerNormOp, [x, g.w("lw", _rand(5, 2)), g.none()], {"axis": 2, "eps": 1e-5}, "ln")
    ln2 = g.op(N.LayerNormOp, [x, g.none(), g.w("lb", _rand((4, 5), 3))], {"axis": 2, "eps": 1e-5}, "ln2")
    bn = g.op(N.BatchNormOp, [x, g.w("m", _rand(3, 4)), g.w("v", np.abs(_rand(3, 5)) + 0.5), g.none(), g.none()],
              {"epsilon": 1e-5, "do_relu": True}, "bn")
    inorm = g.op(N.InstanceNormOp, [x, g.none(), g.w("ib", _rand(3, 6))], {"eps": 1e-5}, "in")
    return g, g.module(ln, ln2, bn, inorm)


def case_reduce(mode, axes, keepdims):
    return _unary(R.ReduceOp, {"mode": mode, "axes": axes, "keepdims": keepdims}, (2, 3, 4))


def case_softmax(shape, axis, coerce, log=False, hard=False):
    cls = N.HardmaxOp if hard else N.SoftmaxOp
    props = {"axis": axis, "coerce_2d": coerce or None}
    if not hard:
        props["log"] = log or None
    return _unary(cls, props, shape)


def case_outputs():
    """A weight, an input and one tensor twice as graph outputs."""
    g = Graph(_x((2, 3)))
    w = g.w("wout", _rand((2, 3)))
    y = g.op(E.ReluOp, [g.inputs[0]], None, "r")
    return g, g.module(y, w, g.inputs[0], y)


def case_slices():
    g = Graph(_x((4, 5, 6)))
    x = g.inputs[0]
    rev = g.op(S.SliceOp, [x], {"offset": [3, 0, 5], "ends": [-1, 5, -1], "steps": [-1, 1, -2]}, "rev")
    one = g.op(S.SliceOp, [x], {"offset": [0, 2, 0], "ends": [4, 3, 6], "steps": [1, 1, 1]}, "one")
    sq = g.op(S.SqueezeOp, [one], {"axes": [1]}, "picked")
    ident = g.op(S.SliceOp, [x], {"offset": [0, 0, 0], "ends": [4, 5, 6], "steps": [1, 1, 1]}, "all")
    neg = g.op(E.NegOp, [ident], None, "neg")
    return g, g.module(rev, sq, neg)


def case_mod(dtype, fmod):
    g = Graph(("a", (3, 4), dtype), ("b", (3, 4), dtype))
    return g, g.module(g.op(E.ModOp, g.inputs, {"fmod": fmod or None}))


def case_prelu_broadcast():
    g = Graph(_x((2, 3)))
    return g, g.module(g.op(E.PReluOp, [g.inputs[0], g.w("s", _rand((4, 2, 3)))]))


def case_pool_flatten(cls):
    g = Graph(_x((2, 3, 4, 5)))
    pool = g.op(cls, [g.inputs[0]], {"kernel_shape": [4, 5], "strides": [1, 1], "pads": [0, 0, 0, 0]}, "pool")
    return g, g.module(g.op(S.ReshapeOp, [pool], {"shape": [2, 3]}, "flat"))


def case_clip_int():
    g = Graph(("x", (2, 5), np.int64))
    return g, g.module(g.op(E.ClipOp, [g.inputs[0]], {"min": -3.0, "max": 40.0}))


CASES = {
    # MatMul: hdim_is_batch with every flag, 2-D Gemm forms, a transposed weight, keep_dims
    "mm_hdim": lambda: case_matmul(["hdim_is_batch"], (2, 3, 4, 5), (2, 5, 4, 6)),
    "mm_hdim_rt": lambda: case_matmul(["hdim_is_batch", "right_transpose"], (2, 3, 4, 5), (2, 6, 4, 5)),
    "mm_hdim_lt_ot_bias_relu": lambda: case_matmul(["hdim_is_batch", "left_transpose", "output_transpose"],
                                                   (2, 5, 4, 3), (2, 5, 4, 6), bias=(3,), relu=True),
    "mm_3d_lt_ot": lambda: case_matmul(["left_transpose", "output_transpose"], (2, 4, 3), (2, 4, 5), bias=(3,)),
    "mm_2d": lambda: case_matmul([], (3, 4), (4, 5), bias=(5,)),
    "mm_2d_lt": lambda: case_matmul(["left_transpose"], (4, 3), (4, 5)),
    "mm_2d_rt_bias": lambda: case_matmul(["right_transpose"], (3, 4), (5, 4), bias=(1, 5)),
    "mm_2d_lt_rt_ot_bias": lambda: case_matmul(["left_transpose", "right_transpose", "output_transpose"],
                                               (4, 3), (5, 4), bias=(5, 3), relu=True),
    "mm_2d_ot": lambda: case_matmul(["output_transpose"], (3, 4), (4, 5)),
    "mm_weight_rt": lambda: case_matmul(["right_transpose"], (2, 3, 4), (5, 4), bias=(5,), weight_rhs=True),
    "mm_keepdims_false": lambda: case_matmul([], (2, 3, 4), (4, 5), relu=True, keep_dims=False, weight_rhs=True),
    "mm_1d": lambda: case_matmul([], (4,), (2, 4, 5)),
    # elementwise
    "add3_relu": lambda: case_variadic(E.AddOp, True),
    "add2_relu": lambda: (lambda g: (g, g.module(g.op(E.AddOp, g.inputs, {"do_relu": True}))))(
        Graph(("a", (2, 3), np.float32), ("b", (3,), np.float32))),
    "mul3": lambda: case_variadic(E.MulOp, False),
    "max3": lambda: case_variadic(E.MaxOp, False),
    "not_equal": lambda: _binary(E.CompareOp, {"mode": "NotEqual"}, dtype=np.int64),
    "xor": lambda: _binary(E.CompareOp, {"mode": "Xor"}, dtype=np.bool_),
    "mod_float": lambda: case_mod(np.float32, False),
    "mod_float_fmod": lambda: case_mod(np.float32, True),
    "mod_int": lambda: case_mod(np.int32, False),
    "gelu": lambda: _unary(E.GELUOp),
    "gelu_tanh": lambda: _unary(E.GELUOp, {"approx_mode": "tanh"}),
    "silu": lambda: _unary(E.SiLUOp),
    "mish": lambda: _unary(E.MishOp),
    "clip_min_only": lambda: _unary(E.ClipOp, {"min": -0.5}),
    "clip_int": case_clip_int,
    "prelu_broadcast": case_prelu_broadcast,
    "cast_bool": lambda: _unary(E.CastOp, {"to": "i1"}),
    # nn
    "conv_group_relu": case_conv_relu,
    "deconv_negative_end_pad": case_deconv_negative_end_pad,
    "maxpool_with_mask_relu": case_maxpool_with_mask,
    "norms": case_norms,
    "groupnorm": lambda: case_groupnorm(True, True),
    "groupnorm_no_affine": lambda: case_groupnorm(False, False),
    "groupnorm_scale_only": lambda: case_groupnorm(True, False),
    "softmax_coerce": lambda: case_softmax((2, 3, 4, 5), 1, True),
    "softmax_coerce_one_axis": lambda: case_softmax((2, 3, 1, 1), 1, True),
    "logsoftmax_coerce_last": lambda: case_softmax((2, 3, 4), 2, True, log=True),
    "softmax_axis0": lambda: case_softmax((2, 3, 4), 0, False),
    "hardmax_coerce": lambda: case_softmax((2, 3, 4), 1, True, hard=True),
    "interp_simple_up_down": lambda: case_interp((1, 2, 4, 6), [1, 2, 8, 3], [1.0, 1.0, 2.0, 0.5]),
    "interp_simple_up": lambda: case_interp((1, 2, 3, 3), [1, 2, 6, 9], [1.0, 1.0, 2.0, 3.0]),
    "interp_linear_sizes": lambda: case_interp((1, 1, 3, 5), [1, 1, 7, 4], [1.0, 1.0, 7 / 3, 0.8], "linear",
                                               "half_pixel"),
    "interp_cubic_align": lambda: case_interp((1, 1, 4, 4), [1, 1, 8, 8], [1.0, 1.0, 2.0, 2.0], "cubic",
                                              "align_corners"),
    # shape
    "d2s_dcr": lambda: case_d2s(2, 2, False, False),
    "d2s_crd": lambda: case_d2s(2, 2, True, False),
    "d2s_rect": lambda: case_d2s(2, 3, False, False),
    "s2d_dcr": lambda: case_d2s(2, 2, False, True),
    "s2d_crd": lambda: case_d2s(2, 2, True, True),
    "s2d_rect_crd": lambda: case_d2s(2, 3, True, True),
    "slices": case_slices,
    "pad_reflect": lambda: _unary(S.PadOp, {"paddings": [0, 1, 2, 0, 2, 1], "mode": "reflect"}),
    "pad_value_crop": lambda: _unary(S.PadOp, {"paddings": [0, -1, 2, 0, 2, -1], "val": 1.5}),
    "tile_expand": lambda: (lambda g: (g, g.module(
        g.op(S.TileOp, [g.inputs[0]], {"tile": [1, 2, 3]}, "t"),
        g.op(S.ExpandOp, [g.inputs[0]], {"shape": [2, 2, 3, 4]}, "e"))))(Graph(_x((2, 3, 4)))),
    "trilu": lambda: _unary(S.TriluOp, {"upper": False, "diagonal": -1}),
    "split": lambda: (lambda g: (g, g.module(*g.op(S.SplitOp, [g.inputs[0]], {"axis": 1, "split_size": [1, 2]},
                                                   "sp", n=2))))(Graph(_x((2, 3, 4)))),
    # reduce
    "reduce_sum_all": lambda: case_reduce("ReduceSum", [], False),
    "reduce_mean": lambda: case_reduce("ReduceMean", [1, 2], True),
    "reduce_max_all": lambda: case_reduce("ReduceMax", [], True),
    "reduce_l2": lambda: case_reduce("ReduceL2", [0], False),
    "reduce_logsumexp": lambda: case_reduce("ReduceLogSumExp", [2], False),
    "topk_arg_cumsum": lambda: (lambda g: (g, g.module(
        *g.op(R.TopKOp, [g.inputs[0]], {"axis": 1, "K": 2, "largest": False}, "tk", n=2),
        g.op(R.ArgOp, [g.inputs[0]], {"axis": 2, "keepdims": False, "mode": "ArgMax", "select_last_index": True},
             "am"),
        g.op(R.CumSumOp, [g.inputs[0]], {"axis": 0, "exclusive": True, "reverse": True}, "cs"))))(
        Graph(_x((2, 3, 4)))),
    "outputs": case_outputs,
    "gap_flatten": lambda: case_pool_flatten(N.AvgPoolOp),
    "gmp_flatten": lambda: case_pool_flatten(N.MaxPoolOp),
}
# forms that change at a later opset (Reduce axes as input 18, Mish 18, Gelu 20, GroupNormalization 21)
LATER = [("gap_flatten", 18), ("gmp_flatten", 18), ("gelu", 20), ("gelu_tanh", 20), ("mish", 18), ("groupnorm", 21),
         ("groupnorm_no_affine", 21), ("reduce_mean", 18), ("reduce_max_all", 18), ("interp_linear_sizes", 18)]


def _export_and_compare(g: Graph, module: ModuleOp, opset: int) -> onnx.ModelProto:
    model = export(module, g.store, opset=opset)
    check(model)
    assert model.opset_import[0].version == opset
    rng = np.random.default_rng(0)
    feeds = {}
    for name, shape, dt in interpreter.input_specs(module):
        if dt == np.bool_:
            feeds[name] = rng.random(shape) < 0.5
        elif dt.kind in "iu":
            feeds[name] = rng.integers(-20, 20, size=shape).astype(dt)
            feeds[name][feeds[name] == 0] = 7  # Mod divisors
        else:
            feeds[name] = (rng.standard_normal(shape) * 3).astype(dt)
    want = interpreter.run(module, g.store, feeds)
    got = ort_run(model, feeds)
    assert len(got) == len(want)
    for k, (w, o) in enumerate(zip(want, got)):
        assert w.shape == o.shape and w.dtype == o.dtype, (k, w.shape, o.shape, w.dtype, o.dtype)
        if w.dtype.kind in "biu":
            np.testing.assert_array_equal(o, w)
        else:
            np.testing.assert_allclose(o, w, rtol=2e-5, atol=2e-5)
    return model


@pytest.mark.parametrize("name", sorted(CASES))
def test_top_form(name):
    g, module = CASES[name]()
    model = _export_and_compare(g, module, 17)
    if name != "outputs":  # (that one repeats an output: test_outputs_keep_names)
        assert [o.name for o in model.graph.output] == interpreter.output_names(module)


@pytest.mark.parametrize("name,opset", LATER, ids=[f"{n}-{o}" for n, o in LATER])
def test_top_form_later_opset(name, opset):
    g, module = CASES[name]()
    _export_and_compare(g, module, opset)


def _op_types(name: str, opset: int = 17) -> list[str]:
    g, module = CASES[name]()
    return [n.op_type for n in export(module, g.store, opset=opset).graph.node]


def test_emission_forms():
    """The node each form becomes (Gemm for 2-D flags, transposed weights, Gather for Slice+Squeeze)."""
    assert _op_types("mm_2d") == ["Gemm"]
    assert _op_types("mm_2d_lt_rt_ot_bias") == ["Gemm", "Relu"]
    assert _op_types("mm_2d_ot") == ["Gemm"]
    assert _op_types("mm_weight_rt") == ["MatMul", "Add"]  # the weight is transposed, no Transpose node
    assert _op_types("mm_hdim") == ["Transpose", "Transpose", "MatMul", "Transpose"]
    assert _op_types("gelu") == ["Div", "Erf", "Add", "Mul", "Mul"]
    assert _op_types("gelu", 20) == ["Gelu"]
    assert _op_types("slices") == ["Slice", "Gather", "Neg"]
    assert _op_types("softmax_coerce_one_axis") == ["Softmax"]
    assert _op_types("interp_simple_up_down") == ["Resize", "Resize"]
    assert _op_types("outputs") == ["Relu", "Identity", "Identity", "Identity"]
    assert _op_types("gap_flatten") == ["ReduceMean"]
    assert _op_types("gmp_flatten", 18) == ["ReduceMax"]


def test_outputs_keep_names():
    g, module = case_outputs()
    model = export(module, g.store)
    assert [o.name for o in model.graph.output] == ["r", "wout", "x_1", "r_1"]


def _twice_plus_two():
    g = Graph(_x((2, 3)))
    x = g.inputs[0]
    a = g.op(E.AddOp, [x, g.w("c1", np.full(3, 2.0, np.float32))], None, "a")
    b = g.op(E.AddOp, [x, g.w("c2", np.full(3, 2.0, np.float32))], None, "b")
    return g, g.module(g.op(E.MulOp, [a, b], None, "y"))


def test_cse_and_shared_constants():
    """Equal weights share one initializer; equal nodes on them merge (not with ``cse=False``)."""
    model = _export_and_compare(*_twice_plus_two(), 17)
    assert [n.op_type for n in model.graph.node] == ["Add", "Mul"]
    assert len(model.graph.initializer) == 1
    g, module = _twice_plus_two()
    model = export(module, g.store, cse=False)
    assert [n.op_type for n in model.graph.node] == ["Add", "Add", "Mul"]
    assert len(model.graph.initializer) == 1


def test_custom_emitter():
    """A backend can emit an op its own way (here top.SiLU, with its own node names)."""
    g, module = CASES["silu"]()

    def silu_as_one_node(ex, op, ins, outs, base):
        ex.node("Mul", [ins[0], ex.node("Sigmoid", ins, [ex.tmp(base, "s")], f"{base}/s")], outs, base)

    model = export(module, g.store, emitters={"top.SiLU": silu_as_one_node})
    assert [n.name for n in model.graph.node] == ["y/s", "y"]


def test_identity_arithmetic_is_not_emitted():
    """x + 0, x * 1 and a zero MatMul bias emit nothing (exact), unless the tensor is an output."""
    g = Graph(_x((2, 3)))
    x = g.inputs[0]
    z = g.op(E.AddOp, [x, g.w("zeros", np.zeros(3, np.float32))], None, "z")
    o = g.op(E.MulOp, [z, g.w("ones", np.ones((1, 3), np.float32))], None, "o")
    m = g.op(N.MatMulOp, [o, g.w("w", _rand((3, 4))), g.w("zb", np.zeros(4, np.float32))], None, "m")
    z2 = g.op(E.AddOp, [m, g.w("zeros4", np.zeros(4, np.float32))], None, "out")
    model = _export_and_compare(g, g.module(z2), 17)
    assert [n.op_type for n in model.graph.node] == ["MatMul", "Add"]


# ------------------------------------------------------------------------ ONNX node conformance


@functools.cache
def _conformance():
    from tpuc.compiler.onnx_backend import node_cases

    return {c.name: c for c in node_cases()}


def _conformance_export(case) -> tuple[str, str]:
    """``(status, detail)``: pass | fail | skip (not importable, not exportable at 17, or
    onnxruntime cannot run the original either)."""
    from tpuc.compiler.onnx_backend import _freeze, _named_inputs, _restamp, _to_array
    from tpuc.lowering.onnx_to_top.importer import default_opset, import_model

    model = _restamp(case.model)
    if model is None:
        return "skip", "opset"
    for vi in list(model.graph.input) + list(model.graph.output):
        if not vi.type.HasField("tensor_type"):
            return "skip", "non-tensor"
    for inputs, outputs in case.data_sets:
        inputs = [np.asarray(_to_array(x)) for x in inputs]
        outputs = [np.asarray(_to_array(x)) for x in outputs]
        names = [vi.name for vi in model.graph.input]
        frozen: set[str] = set()
        for _ in range(len(names) + 1):
            m, kept = _freeze(model, inputs, set(names) - frozen)
            try:
                with np.errstate(all="ignore"):
                    module, store = import_model(m, [list(x.shape) for x in kept] or None)
            except CompileError as e:
                more = _named_inputs(str(e), names) - frozen
                if ("must be a constant" in str(e) or "depends on runtime" in str(e)) and more:
                    frozen |= more
                    continue
                return "skip", f"import: {e}"
            except Exception as e:  # noqa: BLE001 -- dtypes Top has no type for
                return "skip", f"import: {type(e).__name__}"
            break
        else:
            return "skip", "inputs"
        attach_store(module, store)
        with np.errstate(all="ignore"):
            run_pipeline(module, EXPORT_PIPELINE)
        opset = min(max(17, default_opset(m)), 21)  # forms new in 18-21 at their own opset
        try:
            exported = export(module, store, opset=opset)
        except CompileError as e:
            return "skip", f"export: {e}"
        check(exported)
        feeds = {vi.name: x for vi, x in zip(m.graph.input, kept)}
        try:
            got = ort_run(exported, feeds)
        except Exception as e:  # noqa: BLE001 -- is it onnxruntime that lacks the kernel?
            try:
                ort_run(m, feeds)
            except Exception:  # noqa: BLE001
                return "skip", "onnxruntime cannot run the original"
            return "fail", f"onnxruntime: {' '.join(str(e).split())[:200]}"
        for k, (o, e) in enumerate(zip(got, outputs)):
            if o.shape != e.shape or o.dtype != e.dtype:
                return "fail", f"output {k}: {o.shape} {o.dtype} vs expected {e.shape} {e.dtype}"
            if e.dtype.kind in "biuUSO":
                ok = np.array_equal(o, e)
            else:
                ok = np.allclose(o.astype(np.float64), e.astype(np.float64), rtol=case.rtol, atol=case.atol,
                                 equal_nan=True)
            if not ok:
                # not the exporter's business when the Top interpreter or onnxruntime on the
                # original disagree with the expected values too
                top = interpreter.run(module, store, kept)[k]
                ref = ort_run(m, feeds)[k]
                if not np.allclose(np.asarray(top, np.float64), np.asarray(ref, np.float64), rtol=case.rtol,
                                   atol=case.atol, equal_nan=True) or \
                        not np.allclose(np.asarray(ref, np.float64), e.astype(np.float64), rtol=case.rtol,
                                        atol=case.atol, equal_nan=True):
                    if np.allclose(o.astype(np.float64), np.asarray(ref, np.float64), rtol=case.rtol,
                                   atol=case.atol, equal_nan=True):
                        continue  # the export does what onnxruntime does on the original
                return "fail", f"output {k} differs from the expected values"
    return "pass", ""


@functools.cache
def _conformance_results() -> dict[str, tuple[str, str]]:
    out = {}
    for name, case in _conformance().items():
        try:
            out[name] = _conformance_export(case)
        except Exception as e:  # noqa: BLE001 -- a crash of the exporter is a failure
            out[name] = ("fail", f"{type(e).__name__}: {' '.join(str(e).split())[:200]}")
    return out


def test_conformance_round_trip():
    results = _conformance_results()
    failures = {n: d for n, (s, d) in results.items() if s == "fail"}
    assert not failures, "\n".join(f"{n}: {d}" for n, d in sorted(failures.items()))
    passed = sum(1 for s, _ in results.values() if s == "pass")
    # Raise this floor when support grows; it must never drop.
    assert passed >= 900, f"only {passed} node cases export"


# ------------------------------------------------------------------------------------ errors


def test_unsupported_opset():
    g, module = CASES["gelu"]()
    with pytest.raises(CompileError, match="opset 16 is not supported"):
        export(module, g.store, opset=16)


@pytest.mark.parametrize("form,opset", [("avgpool_dilations", 18), ("pad_wrap", 18), ("scatter_max", 17),
                                        ("antialias", 17), ("half_pixel_symmetric", 18)])
def test_not_expressible_at_opset(form, opset):
    if form == "avgpool_dilations":
        g, module = _unary(N.AvgPoolOp, {"kernel_shape": [2, 2], "strides": [1, 1], "pads": [0, 0, 0, 0],
                                         "dilations": [2, 2]}, (1, 1, 5, 5))
    elif form == "pad_wrap":
        g, module = _unary(S.PadOp, {"paddings": [0, 0, 1, 0, 0, 1], "mode": "wrap"})
    elif form == "scatter_max":
        g = Graph(_x((4,)))
        y = g.op(S.ScatterElementsOp, [g.inputs[0], g.w("i", np.array([1, 0], np.int64)),
                                       g.w("u", np.ones(2, np.float32))], {"axis": 0, "reduction": "max"})
        module = g.module(y)
    elif form == "antialias":
        g, module = _unary(N.InterpOp, {"mode": "linear", "coord_mode": "half_pixel", "target_shape": [1, 1, 2, 2],
                                        "scales": [1.0, 1.0, 0.5, 0.5], "antialias": True}, (1, 1, 4, 4))
    else:
        g, module = case_interp((1, 1, 4, 4), [1, 1, 8, 8], [1.0, 1.0, 2.0, 2.0], "linear", "half_pixel_symmetric")
    with pytest.raises(CompileError, match=f"needs opset .*exporting opset {opset}"):
        export(module, g.store, opset=opset)
    _export_and_compare(g, module, 21)


def test_export_file_errors(tmp_path):
    path = shared_model("vit_micro.onnx")
    with pytest.raises(CompileError, match="model file not found"):
        export_file(tmp_path / "missing.onnx", tmp_path / "o.onnx")
    with pytest.raises(CompileError, match="output directory does not exist"):
        export_file(path, tmp_path / "no" / "o.onnx")
    with pytest.raises(CompileError, match="opset 22 is not supported"):
        export_file(path, tmp_path / "o.onnx", opset=22)
    with pytest.raises(CompileError, match="--input-shapes"):
        export_file(path, tmp_path / "o.onnx", "[[1,2")
    (tmp_path / "bad.onnx").write_bytes(b"not a model")
    with pytest.raises(CompileError, match="not a readable ONNX model"):
        export_file(tmp_path / "bad.onnx", tmp_path / "o.onnx")
    (tmp_path / "m.mlir").write_text("builtin.module {}")
    with pytest.raises(CompileError, match="input-shapes applies to ONNX"):
        export_file(tmp_path / "m.mlir", tmp_path / "o.onnx", "[[1,3,32,32]]")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.onnx", "m.mlir"]
