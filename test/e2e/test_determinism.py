"""Compiling the same model twice gives byte-identical .mlir and weight npz files."""

from __future__ import annotations

import pytest

from e2e_util import run_tpuc, shared_model


@pytest.mark.parametrize("name,shapes", [("swin_micro.onnx", None), ("bert_tiny_dynamic.onnx", "[[1,16],[1,16]]")])
def test_transform_is_deterministic(tmp_path, name, shapes):
    model = shared_model(name)
    outputs = []
    for run in ("a", "b"):
        d = tmp_path / run
        d.mkdir()
        args = ["transform", "--model-def", model, "--mlir", d / "m.mlir"]
        if shapes:
            args += ["--input-shapes", shapes]
        proc = run_tpuc(*args)
        assert proc.returncode == 0, proc.stderr
        outputs.append(((d / "m.mlir").read_bytes(), (d / "m_top_f32_weight.npz").read_bytes()))
    assert outputs[0][0] == outputs[1][0], "the .mlir differs between two runs"
    assert outputs[0][1] == outputs[1][1], "the weight npz differs between two runs"


def _big(name: str) -> bool:
    return name in ("swin_t.onnx", "vit_tiny.onnx")


@pytest.mark.parametrize("name", ["swin_micro.onnx", "swin_t.onnx"])
@pytest.mark.parametrize("mode", ["F16", "INT8"])
def test_deploy_is_deterministic(tmp_path, name, mode):
    """transform + calibrate + deploy twice (fresh processes): identical Tpu .mlir and weights."""
    import os

    if _big(name) and not os.environ.get("TPUC_BIG_MODELS"):
        pytest.skip(f"{name} deploy determinism runs with TPUC_BIG_MODELS=1 (about a minute)")
    model = shared_model(name)
    outputs = []
    for run in ("a", "b"):
        d = tmp_path / run
        d.mkdir()
        assert run_tpuc("transform", "--model-def", model, "--mlir", d / "m.mlir").returncode == 0
        args = ["deploy", "--mlir", d / "m.mlir", "--quantize", mode, "--tpu-mlir", d / "t.mlir"]
        if mode == "INT8":
            proc = run_tpuc("calibrate", d / "m.mlir", "--random", "2", "--seed", "3", "-o", d / "cal.table",
                            "-q")
            assert proc.returncode == 0, proc.stderr
            args += ["--calibration-table", d / "cal.table"]
        proc = run_tpuc(*args)
        assert proc.returncode == 0, proc.stderr
        outputs.append(((d / "t.mlir").read_bytes(), (d / "t_weight.npz").read_bytes()))
    assert outputs[0][0] == outputs[1][0], "the Tpu .mlir differs between two runs"
    assert outputs[0][1] == outputs[1][1], "the Tpu weight npz differs between two runs"
