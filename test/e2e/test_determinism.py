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
