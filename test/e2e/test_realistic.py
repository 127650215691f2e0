"""The realistic-model helpers: ResNet-50 with He weights and measured BNs, and model inputs."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
import pytest
from onnx import TensorProto, helper, numpy_helper

from e2e_util import shared_model
from realistic import LIGHT_DIR, model_inputs, realistic_resnet50, save_inputs

F16_MAX = 65504.0


@pytest.fixture(scope="module")
def resnet(tmp_path_factory) -> Path:
    """The realistic ResNet-50 (seed 0), built once for this module."""
    return realistic_resnet50(tmp_path_factory.mktemp("realistic") / "resnet50.onnx", seed=0)


def _inits(path: Path) -> dict[str, np.ndarray]:
    """The initializers of the model at ``path`` as arrays."""
    return {t.name: numpy_helper.to_array(t) for t in onnx.load(path).graph.initializer}


def test_resnet50_is_valid_and_graph_unchanged(resnet):
    """Passes the full checker; same nodes, names and I/O as the light model minus ConstantOfShape."""
    model = onnx.load(resnet)
    onnx.checker.check_model(model, full_check=True)
    light = onnx.load(LIGHT_DIR / "light_resnet50.onnx")
    want = [(n.name, n.op_type, list(n.input), list(n.output)) for n in light.graph.node
            if n.op_type != "ConstantOfShape"]
    assert [(n.name, n.op_type, list(n.input), list(n.output)) for n in model.graph.node] == want
    assert [i.name for i in model.graph.input] == ["gpu_0/data_0"]
    assert [o.name for o in model.graph.output] == [o.name for o in light.graph.output]
    assert not any(n.op_type == "ConstantOfShape" for n in model.graph.node)


def test_resnet50_output_is_sane(resnet):
    """onnxruntime on N(0,1): finite softmax, O(1) logits, all activations far from F16's range."""
    model = onnx.load(resnet)
    (gemm,) = [n for n in model.graph.node if n.op_type == "Gemm"]
    # Expose every intermediate: nothing may come near F16's range.
    names = [o for n in model.graph.node for o in n.output]
    model.graph.output.extend(onnx.ValueInfoProto(name=o) for o in names if o != model.graph.output[0].name)
    sess = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    x = np.random.default_rng(123).standard_normal((1, 3, 224, 224), dtype=np.float32)
    got = dict(zip(names, sess.run(names, {"gpu_0/data_0": x})))
    probs, logits = got["gpu_0/softmax_1"], got[gemm.output[0]]
    assert np.isfinite(probs).all() and abs(probs.sum() - 1) < 1e-4
    assert 1e-2 <= logits.std() <= 1e3, logits.std()
    assert probs.max() < 0.5, "softmax saturated: logits too large"
    assert max(np.abs(v).max() for v in got.values()) < F16_MAX / 100
    for n in model.graph.node:
        if n.op_type == "BatchNormalization":  # measured statistics: every BN output ~N(0,1)
            assert 0.8 < got[n.output[0]].std() < 1.25, (n.name, got[n.output[0]].std())


def test_resnet50_weights_are_he_scaled(resnet):
    """Conv/Gemm weights have He std (Gemm with transB); biases 0, BN scale 1 / bias 0."""
    inits = _inits(resnet)
    for name, fan_in in [("gpu_0/conv1_w_0", 3 * 7 * 7), ("gpu_0/res5_2_branch2c_w_0", 512),
                         ("gpu_0/pred_w_0", 2048)]:  # pred_w is Gemm B with transB=1: [1000, 2048]
        w = inits[name]
        assert abs(w.std() / np.sqrt(2 / fan_in) - 1) < 0.05, (name, w.std())
        assert abs(w.mean()) < 0.1 * w.std()
    assert not inits["gpu_0/pred_b_0"].any()
    assert (inits["gpu_0/res_conv1_bn_s_0"] == 1).all() and not inits["gpu_0/res_conv1_bn_b_0"].any()
    assert (inits["gpu_0/res2_0_branch2a_bn_riv_0"] > 0).all()


def test_resnet50_is_deterministic_and_cached(resnet, tmp_path):
    """Same seed gives the same weights; an existing file is returned untouched."""
    again = realistic_resnet50(tmp_path / "again.onnx", seed=0)
    a, b = _inits(resnet), _inits(again)
    assert a.keys() == b.keys() and all(np.array_equal(a[k], b[k]) for k in a)
    mtime = again.stat().st_mtime_ns
    assert realistic_resnet50(again, seed=1) == again and again.stat().st_mtime_ns == mtime


def test_model_inputs_deterministic(tmp_path):
    """Same seed, same arrays; another seed differs; save_inputs round-trips."""
    path = shared_model("mha_encoder.onnx")
    a, b, c = (model_inputs(path, 3, s) for s in (7, 7, 8))
    assert len(a) == 3 and all(d.keys() == {"x", "pad_mask"} for d in a)
    assert all(np.array_equal(x[k], y[k]) for x, y in zip(a, b) for k in x)
    assert not np.array_equal(a[0]["x"], c[0]["x"])
    paths = save_inputs(a, tmp_path / "inputs")
    assert [p.name for p in paths] == ["input_0.npz", "input_1.npz", "input_2.npz"]
    with np.load(paths[1]) as z:
        assert all(np.array_equal(z[k], a[1][k]) for k in a[1])


def _trailing(mask: np.ndarray, value) -> int:
    """Number of trailing positions equal to ``value`` in a 1-D mask; asserts the rest differ."""
    k = int(np.argmin(mask[::-1] == value)) if not (mask == value).all() else mask.size
    assert (mask[: mask.size - k] != value).all(), mask
    return k


def test_mha_pad_mask():
    """mha_encoder: x is N(0,1) f32; pad_mask is True on the last k in [0, 5] positions only."""
    ds = model_inputs(shared_model("mha_encoder.onnx"), 40, 0)
    ks = set()
    for d in ds:
        assert d["x"].dtype == np.float32 and d["x"].shape == (1, 20, 64)
        m = d["pad_mask"]
        assert m.dtype == np.bool_ and m.shape == (1, 20)
        ks.add(_trailing(m[0], True))
    assert ks <= set(range(6)) and len(ks) > 2


def test_bert_inputs():
    """BERT: dynamic dims need shapes; ids in [0, 1000); attention_mask ones then k in [0, 5] zeros."""
    path = shared_model("bert_tiny_dynamic.onnx")
    with pytest.raises(ValueError, match="dynamic"):
        model_inputs(path, 1, 0)
    ds = model_inputs(path, 40, 0, [[1, 16], [1, 16]])
    ks = set()
    for d in ds:
        ids, mask = d["input_ids"], d["attention_mask"]
        assert ids.dtype == mask.dtype == np.int64 and ids.shape == mask.shape == (1, 16)
        assert ids.min() >= 0 and ids.max() < 1000
        assert set(np.unique(mask)) <= {0, 1}
        ks.add(_trailing(mask[0], 0))
    assert ks <= set(range(6)) and len(ks) > 2
    assert max(d["input_ids"].max() for d in ds) > 100


def test_generic_input_rules(tmp_path):
    """Other bool inputs are random bits, other ints in [0, 100); a wrong shape count is an error."""
    graph = helper.make_graph(
        [helper.make_node("Identity", ["b"], ["yb"]), helper.make_node("Identity", ["i"], ["yi"])], "g",
        [helper.make_tensor_value_info("b", TensorProto.BOOL, [4, 64]),
         helper.make_tensor_value_info("i", TensorProto.INT32, [256])],
        [helper.make_tensor_value_info("yb", TensorProto.BOOL, [4, 64]),
         helper.make_tensor_value_info("yi", TensorProto.INT32, [256])])
    path = tmp_path / "g.onnx"
    onnx.save(helper.make_model(graph), path)
    (d,) = model_inputs(path, 1, 0)
    assert d["b"].dtype == np.bool_ and 0.3 < d["b"].mean() < 0.7
    assert d["i"].dtype == np.int32 and d["i"].min() >= 0 and d["i"].max() < 100 and d["i"].max() > 50
    with pytest.raises(ValueError, match="2 inputs"):
        model_inputs(path, 1, 0, [[4, 64]])
