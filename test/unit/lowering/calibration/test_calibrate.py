"""``tpuc calibrate``: the three threshold rules on synthetic tensors, the -inf / finfo.min mask
policy, the streaming histogram, tpu-mlir's table format (round trip, tpu-mlir's own tables, a
table missing tensors), and end-to-end runs on mha_encoder (-inf key-padding mask) and on a small
model with a finfo.min mask."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper

from tpuc.compiler.errors import CompileError
from tpuc.compiler.ir_io import load_module
from tpuc.compiler.transform import TransformOptions, transform
from tpuc.lowering.calibration import (SENTINEL_ABS, CalibrationTable, TensorCalibration, TensorStats, calibrate,
                                       float_tensors, kl_threshold, non_float_tensors)
from tpuc.lowering.calibration.stats import kl_divergences

REPO = Path(__file__).resolve().parents[4]
MHA = REPO / "test" / "data" / "models" / "mha_encoder.onnx"


def stats_of(method: str, arrays, **kw) -> "TensorStats":
    st = TensorStats(method, num_inputs=len(arrays), **kw)
    for a in arrays:
        st.add(a)
    return st


def gaussians(n_inputs=4, size=200_000, seed=0):
    rng = np.random.default_rng(seed)
    return [rng.standard_normal(size).astype(np.float32) for _ in range(n_inputs)]


# ------------------------------------------------------------------------------ methods


def test_max_is_exact_abs_max():
    xs = gaussians()
    r = stats_of("max", xs).result()
    allx = np.concatenate(xs)
    assert r.threshold == float(np.abs(allx).max())
    assert r.min == float(allx.min()) and r.max == float(allx.max())
    assert r.keep_float == "" and r.count == allx.size


@pytest.mark.parametrize("p", [99.99, 99.9, 50.0, 100.0])
def test_percentile_matches_numpy(p):
    xs = gaussians(n_inputs=5, size=30_001)
    r = stats_of("percentile", xs, percentile=p).result()
    ref = float(np.percentile(np.abs(np.concatenate(xs)).astype(np.float64), p))
    assert r.threshold == pytest.approx(ref, rel=1e-6)


def test_percentile_inputs_of_different_ranges():
    # the largest values all come from one input: the per-input top-k must still be enough
    rng = np.random.default_rng(3)
    xs = [rng.standard_normal(10_000).astype(np.float32) * s for s in (1.0, 100.0, 0.01)]
    r = stats_of("percentile", xs, percentile=99.9).result()
    assert r.threshold == pytest.approx(float(np.percentile(np.abs(np.concatenate(xs)), 99.9)), rel=1e-6)


def test_kl_on_gaussian_below_max():
    xs = gaussians(size=500_000)
    r = stats_of("kl", xs).result()
    absmax = float(np.abs(np.concatenate(xs)).max())
    assert 2.0 < r.threshold < absmax
    # on a grid of 128 bins: width * 128 * (m + 1)
    st = stats_of("kl", xs)
    steps = r.threshold / (st.width * 128)
    assert steps == pytest.approx(round(steps), abs=1e-6)


def test_kl_threshold_formula_tpu_mlir():
    # a uniform histogram: every candidate but the last clips mass, the last is lossless
    h = np.full(2048, 10)
    assert kl_threshold(h, 0.5) == pytest.approx(0.5 * 2048)
    # all mass below 128 bins: the first candidate has KL 0
    h = np.zeros(2048, dtype=np.int64)
    h[:100] = 7
    assert kl_threshold(h, 1.0) == pytest.approx(128.0)
    assert kl_threshold(np.zeros(2048), 1.0) == 0.0
    # a histogram that is not a multiple of 128 bins is padded
    assert kl_threshold(np.ones(200), 1.0) == pytest.approx(256.0)


def _kl_reference(h, levels=128):
    """tpu-mlir's kl_calc_thread, one candidate at a time, as written in calibration_math.cpp."""
    h = np.asarray(h, dtype=np.float64).ravel()
    h = np.concatenate([h, np.zeros((-len(h)) % levels)])
    total, csum, kls = h.sum(), np.cumsum(h), []
    for i in range(levels, len(h) + 1, levels):
        p = h[:i] / total
        p[-1] += (total - csum[i - 1]) / total
        g = h[:i].reshape(levels, i // levels)
        nz = g > 0
        base = g.sum(1) / np.maximum(nz.sum(1), 1) / csum[i - 1] if csum[i - 1] > 0 else np.zeros(levels)
        q = np.where(nz, base[:, None], 0.0).ravel()
        kls.append(np.sum(p * (np.log10(p + 1e-30) - np.log10(q + 1e-30))))
    return np.array(kls)


@pytest.mark.parametrize("seed", range(4))
def test_kl_divergences_match_tpu_mlir_loop(seed):
    rng = np.random.default_rng(seed)
    x = np.abs(rng.standard_normal(50_000) * rng.uniform(0.1, 3))
    h, _ = np.histogram(x, bins=2048 + 77 * seed, range=(0, x.max()))
    h[rng.random(len(h)) < 0.2 * seed] = 0  # sparse tails and holes
    ours, ref = kl_divergences(h), _kl_reference(h)
    assert np.allclose(ours, ref, rtol=1e-9, atol=1e-12)
    assert kl_threshold(h, 0.01) == pytest.approx(0.01 * 128 * (int(np.argmin(ref)) + 1))


def test_kl_zeros_left_out_of_histogram():
    x = np.concatenate([np.zeros(100_000, np.float32), np.linspace(0.001, 1, 1000, dtype=np.float32)])
    st = stats_of("kl", [x])
    assert st.hist.sum() == 1000


def test_histogram_grows_with_fixed_width_and_stays_exact():
    rng = np.random.default_rng(1)
    a = rng.uniform(-1, 1, 50_000).astype(np.float32)
    b = rng.uniform(-3, 3, 50_000).astype(np.float32)
    st = stats_of("kl", [a, b], bins=2048)
    w = st.width
    assert w == pytest.approx(float(np.abs(a).max()) / 2048)
    assert len(st.hist) == math.ceil(float(np.abs(b).max()) / w)
    ref, _ = np.histogram(np.abs(np.concatenate([a, b])).astype(np.float64),
                          bins=len(st.hist), range=(0, w * len(st.hist)))
    # same counts, up to float32 rounding moving a value at a bin edge to the neighbour bin
    assert st.hist.sum() == ref.sum() == 100_000
    assert np.abs(np.cumsum(st.hist) - np.cumsum(ref)).max() <= 2
    assert np.abs(st.hist - ref).sum() <= 1e-3 * 100_000


def test_histogram_folds_above_max_bins():
    tiny = np.full(10, 1e-6, np.float32)
    big = np.array([1e3, -2e3], np.float32)
    st = stats_of("kl", [tiny, big])
    from tpuc.lowering.calibration.stats import MAX_BINS

    assert len(st.hist) <= MAX_BINS and st.hist.sum() == 12
    assert st.width * len(st.hist) >= 2e3
    r = st.result()
    assert 0 < r.threshold <= 2e3


def test_all_zero_tensor_gets_tpu_mlir_floor():
    r = stats_of("kl", [np.zeros(100, np.float32)]).result()
    assert (r.threshold, r.min, r.max) == (1e-5, 0.0, 1e-5)
    r = stats_of("max", [np.array([-1e-7, 0.0], np.float32)]).result()
    assert (r.threshold, r.min, r.max) == (1e-5, -1e-5, 1e-5)


def test_float16_and_float64_inputs():
    x = np.linspace(-2, 3, 1001)
    for dt in (np.float16, np.float64):
        r = stats_of("max", [x.astype(dt)]).result()
        assert r.threshold == pytest.approx(3.0) and r.min == pytest.approx(-2.0)


def test_unknown_method():
    with pytest.raises(ValueError):
        TensorStats("mse")


# ------------------------------------------------------------------------------ masks


@pytest.mark.parametrize("method", ["kl", "max", "percentile"])
def test_neg_inf_mask_left_out(method):
    rng = np.random.default_rng(0)
    scores = rng.standard_normal((4, 20, 20)).astype(np.float32)
    mask = np.where(rng.random((4, 1, 20)) < 0.2, -np.inf, 0.0).astype(np.float32)
    masked = scores + mask
    r = stats_of(method, [masked]).result()
    finite = masked[np.isfinite(masked)]
    assert all(math.isfinite(v) for v in (r.threshold, r.min, r.max))
    assert r.threshold <= float(np.abs(finite).max()) + 1e-6
    assert r.max == pytest.approx(float(finite.max())) or r.max == r.threshold
    assert r.min <= -r.threshold + 1e-7  # the clamp side: mask values saturate at -threshold
    assert r.keep_float == "nonfinite"
    assert r.nonfinite == int(np.isinf(masked).sum()) and r.saturated == 0


def test_pure_mask_tensor_has_finite_floor():
    m = np.where(np.arange(20) < 5, -np.inf, 0.0).astype(np.float32)
    r = stats_of("kl", [m]).result()
    assert (r.threshold, r.min, r.max) == (1e-5, -1e-5, 1e-5)
    assert r.keep_float == "nonfinite"


def test_finfo_min_mask_is_saturated_not_statistics():
    rng = np.random.default_rng(0)
    scores = rng.standard_normal(4000).astype(np.float32) * 3
    fill = np.finfo(np.float32).min
    masked = np.where(rng.random(4000) < 0.3, scores + fill, scores).astype(np.float32)
    assert np.isfinite(masked).all()
    for method in ("kl", "max", "percentile"):
        r = stats_of(method, [masked]).result()
        kept = masked[np.abs(masked) < SENTINEL_ABS]
        assert r.threshold <= float(np.abs(kept).max()) + 1e-6
        assert r.keep_float == "saturated"
        assert r.saturated == int((np.abs(masked) >= SENTINEL_ABS).sum())
    # a positive sentinel (e.g. -(finfo.min)) widens max, not min
    r = stats_of("max", [np.array([1.0, -0.5, -float(fill)], np.float32)]).result()
    assert (r.threshold, r.min, r.max) == (1.0, -0.5, 1.0) and r.keep_float == "saturated"


def test_nan_left_out():
    x = np.array([np.nan, 1.0, -2.0, np.inf], np.float32)
    r = stats_of("max", [x]).result()
    assert (r.threshold, r.min, r.max) == (2.0, -2.0, 2.0)
    assert r.nonfinite == 2 and r.keep_float == "nonfinite"


def test_mask_only_in_some_inputs():
    a = np.array([1.0, -1.0], np.float32)
    b = np.array([-np.inf, 0.5], np.float32)
    r = stats_of("kl", [a, b]).result()
    assert math.isfinite(r.threshold) and r.keep_float == "nonfinite" and r.count == 4


# ------------------------------------------------------------------------------ table format


def sample_table() -> CalibrationTable:
    return CalibrationTable({
        "input": TensorCalibration(4.1234567, -4.5, 4.3),
        "/enc/Where_output_0": TensorCalibration(1e-5, -1e-5, 1e-5, keep_float="nonfinite", excluded=12, count=80),
        "relu": TensorCalibration(2.0, 0.0, 2.5),
    }, ["# tpuc calibration table", "# quantization threshold calculation method: kl", "###"])


def test_text_format_lines():
    text = sample_table().to_text()
    lines = text.splitlines()
    assert lines[:4] == ["# tpuc calibration table", "# quantization threshold calculation method: kl", "###",
                         "# op_name    threshold    min    max"]
    assert lines[4] == "input 4.1234567 -4.5000000 4.3000000"
    assert lines[5] == "/enc/Where_output_0 0.0000100 -0.0000100 0.0000100"
    assert "#float_keep /enc/Where_output_0 nonfinite excluded=12/80" in lines
    assert text.endswith("\n")


def test_round_trip(tmp_path):
    t = sample_table()
    p = tmp_path / "cali_table"
    t.save(p)
    u = CalibrationTable.load(p)
    assert u.names() == t.names() and u.headers == t.headers
    for n in t:
        a, b = t[n], u[n]
        assert (b.threshold, b.min, b.max) == pytest.approx((a.threshold, a.min, a.max), abs=5e-8)
        assert (b.keep_float, b.excluded, b.count) == (a.keep_float, a.excluded, a.count)
    assert u.keep_float == {"/enc/Where_output_0": "nonfinite"}
    assert u.method == "kl"
    assert u.to_text() == p.read_text()


def test_tpu_mlir_table_is_read():
    # as tpu-mlir 1.30 writes it, with an inf threshold (a mask) and an int4 section to skip
    text = """# mlir version: 1.30 cali version 1.0
# mlir: m.mlir
# genetated time: 2025-01-01 00:00:00
# quantization threshold calculation method: kl
# histogram number: 2048
# sample number: 8
###
# tune number: 0
###
# op_name    threshold    min    max
x 3.0000000 -3.0000000 2.0000000
mask inf -inf 0.0000000

#int4_th
x 1.0000000 -1.1428571 1.0000000
"""
    t = CalibrationTable.from_text(text)
    assert t.names() == ["x", "mask"]
    assert t["x"].threshold == 3.0
    assert t.keep_float == {"mask": "nonfinite"}
    assert t.method == "kl"


@pytest.mark.parametrize("bad", ["x 1.0 2.0\n", "x 1.0 a 2.0\n", "#float_keep y nonfinite\nx 1 -1 1\n"])
def test_malformed_table(bad):
    with pytest.raises(CompileError):
        CalibrationTable.from_text(bad, "t")


def test_load_missing_file(tmp_path):
    with pytest.raises(CompileError, match="not found"):
        CalibrationTable.load(tmp_path / "nope")


def test_unwritable_values():
    with pytest.raises(CompileError, match="whitespace"):
        CalibrationTable({"a b": TensorCalibration(1, -1, 1)}).to_text()
    with pytest.raises(CompileError, match="non-finite"):
        CalibrationTable({"a": TensorCalibration(math.inf, -1, 1)}).to_text()


# ------------------------------------------------------------------------------ end to end


@pytest.fixture(scope="module")
def mha_mlir(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("mha")
    mlir = d / "mha_encoder.mlir"
    # the module as imported, so the tensor names checked below do not move with the rewrites
    transform(TransformOptions(model_def=str(MHA), mlir=str(mlir), quiet=True, pipeline="top-verify-shapes"))
    return mlir


@pytest.mark.parametrize("method", ["kl", "max", "percentile"])
def test_mha_encoder_random_4(mha_mlir, method, tmp_path, capsys):
    table = calibrate(mha_mlir, random=4, method=method, progress=True)
    err = capsys.readouterr().err
    assert err.count("calibrate: [") == 4 and "[4/4]" in err
    module = load_module(mha_mlir)
    floats = float_tensors(module)
    assert table.missing(module) == []
    assert table.names() == floats
    assert non_float_tensors(module) == ["pad_mask"] and "pad_mask" not in table
    for n in table:
        e = table[n]
        assert all(math.isfinite(v) for v in (e.threshold, e.min, e.max)), n
        assert e.threshold >= 1e-5 and e.min <= e.max
    keep = table.keep_float
    # the -inf key-padding mask and everything it flows into before the Softmax
    assert "/enc/Where_output_0" in keep
    assert "/enc/layers.0/self_attn/Add_2_output_0" in keep and "/enc/layers.1/self_attn/Add_2_output_0" in keep
    assert "/enc/layers.0/self_attn/Softmax_output_0" not in keep
    assert set(keep.values()) == {"nonfinite"}
    # scores + mask gets the scores' threshold, not the mask's
    add2 = table["/enc/layers.0/self_attn/Add_2_output_0"].threshold
    assert 0.1 < add2 < 100
    # file round trip, and the header
    p = tmp_path / "mha_cali_table"
    table.save(p)
    text = p.read_text()
    assert f"# quantization threshold calculation method: {method}" in text
    assert "# sample number: 4" in text and "# model: mha_encoder" in text
    again = CalibrationTable.load(p)
    assert again.missing(module) == [] and again.keep_float == keep


def test_missing_tensors_detected(mha_mlir, tmp_path):
    table = calibrate(mha_mlir, random=1, method="max", progress=False)
    module = load_module(mha_mlir)
    del table.entries["/enc/layers.1/Relu_output_0"]
    del table.entries["x"]
    assert table.missing(module) == ["x", "/enc/layers.1/Relu_output_0"]
    with pytest.raises(CompileError, match="2 float tensor"):
        table.check_complete(module)
    # a table made for another model misses everything
    other = CalibrationTable({"foo": TensorCalibration(1, -1, 1)})
    assert other.missing(module) == float_tensors(module)


def test_deterministic_and_seeded(mha_mlir):
    a = calibrate(mha_mlir, random=2, seed=5, method="kl", progress=False)
    b = calibrate(mha_mlir, random=2, seed=5, method="kl", progress=False)
    c = calibrate(mha_mlir, random=2, seed=6, method="kl", progress=False)
    body = lambda t: [line for line in t.to_text().splitlines() if not line.startswith("#")]
    assert body(a) == body(b) and body(a) != body(c)


def test_dataset_folder(mha_mlir, tmp_path):
    from tpuc.compiler.inputs import random_inputs
    from tpuc.dialects.top import interpreter

    specs = interpreter.input_specs(load_module(mha_mlir))
    ds = tmp_path / "ds"
    ds.mkdir()
    for i in range(3):
        np.savez(ds / f"in_{i}.npz", **random_inputs(specs, 10 + i))
    (ds / "notes.txt").write_text("ignored")
    t_ds = calibrate(mha_mlir, inputs_dir=ds, method="max", progress=False)
    t_rnd = calibrate(mha_mlir, random=3, seed=10, method="max", progress=False)
    assert t_ds.to_text().split("###")[1] == t_rnd.to_text().split("###")[1]
    assert "# sample number: 3" in t_ds.to_text()
    t2 = calibrate(mha_mlir, inputs_dir=ds, input_num=2, method="max", progress=False)
    assert "# sample number: 2" in t2.to_text()


def test_input_source_errors(mha_mlir, tmp_path):
    with pytest.raises(CompileError, match="exactly one"):
        calibrate(mha_mlir, progress=False)
    with pytest.raises(CompileError, match="exactly one"):
        calibrate(mha_mlir, random=1, inputs_dir=tmp_path, progress=False)
    with pytest.raises(CompileError, match="no .npz"):
        calibrate(mha_mlir, inputs_dir=tmp_path, progress=False)
    with pytest.raises(CompileError, match="not found"):
        calibrate(mha_mlir, inputs_dir=tmp_path / "nope", progress=False)
    with pytest.raises(CompileError, match="method"):
        calibrate(mha_mlir, random=1, method="mse", progress=False)
    with pytest.raises(CompileError, match="at least 1"):
        calibrate(mha_mlir, random=0, progress=False)
    with pytest.raises(CompileError, match="input-num"):
        calibrate(mha_mlir, random=2, input_num=1, progress=False)
    bad = tmp_path / "bad"
    bad.mkdir()
    np.savez(bad / "a.npz", x=np.zeros((1, 5, 64), np.float32), pad_mask=np.zeros((1, 20), bool))
    with pytest.raises(CompileError, match="shape"):
        calibrate(mha_mlir, inputs_dir=bad, progress=False)


def _finfo_mask_model(path: Path) -> None:
    """scores(x) + (1 - mask) * finfo.min -> Softmax: the HF 'extended attention mask'."""
    fmin = np.finfo(np.float32).min
    nodes = [
        helper.make_node("MatMul", ["x", "xt"], ["scores"]),
        helper.make_node("Cast", ["mask"], ["maskf"], to=TensorProto.FLOAT),
        helper.make_node("Sub", ["one", "maskf"], ["inv"]),
        helper.make_node("Mul", ["inv", "fmin"], ["ext"]),
        helper.make_node("Add", ["scores", "ext"], ["masked"]),
        helper.make_node("Softmax", ["masked"], ["probs"], axis=-1),
    ]
    inits = [numpy_helper.from_array(np.float32(1.0).reshape(()), "one"),
             numpy_helper.from_array(np.float32(fmin).reshape(()), "fmin"),
             numpy_helper.from_array(np.random.default_rng(0).standard_normal((8, 6)).astype(np.float32), "xt")]
    g = helper.make_graph(nodes, "finfo_mask",
                          [helper.make_tensor_value_info("x", TensorProto.FLOAT, [6, 8]),
                           helper.make_tensor_value_info("mask", TensorProto.BOOL, [1, 6])],
                          [helper.make_tensor_value_info("probs", TensorProto.FLOAT, [6, 6])], inits)
    onnx.save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)]), path)


def test_finfo_min_mask_model(tmp_path):
    _finfo_mask_model(tmp_path / "m.onnx")
    mlir = tmp_path / "m.mlir"
    transform(TransformOptions(model_def=str(tmp_path / "m.onnx"), mlir=str(mlir), quiet=True))
    for method in ("kl", "max", "percentile"):
        t = calibrate(mlir, random=4, method=method, progress=False)
        assert t.missing(load_module(mlir)) == []
        for n in t:
            assert all(math.isfinite(v) and abs(v) < 1e6 for v in (t[n].threshold, t[n].min, t[n].max)), n
        keep = t.keep_float
        # the mask itself and scores + mask saturate; the Softmax does not
        assert any(v == "saturated" for v in keep.values())
        assert "probs" not in keep and "x" not in keep
        masked = [n for n in keep if n == "masked" or "masked" in n]
        assert masked and t[masked[0]].threshold < 100


def test_all_nan_input_is_an_error(mha_mlir, tmp_path):
    """An input with no finite value is broken data, not a mask: without this check every tensor
    became float_keep and INT8 deploy silently ran everything in F16."""
    from tpuc.compiler.inputs import random_inputs
    from tpuc.dialects.top import interpreter

    specs = interpreter.input_specs(load_module(mha_mlir))
    feeds = random_inputs(specs, 0)
    feeds["x"] = np.full_like(feeds["x"], np.nan)
    ds = tmp_path / "ds"
    ds.mkdir()
    np.savez(ds / "bad.npz", **feeds)
    with pytest.raises(CompileError, match="bad.npz: tensor 'x' has no finite value"):
        calibrate(mha_mlir, inputs_dir=ds, progress=False)
