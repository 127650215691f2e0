"""The generic-form dump of a real model's Top IR parses with upstream mlir-opt."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from e2e_util import run_tpuc, shared_model

MLIR_OPT = shutil.which("mlir-opt-22") or shutil.which("mlir-opt")


def _round_trip(out, tmp_path, marker: str, min_ops: int, passes: str) -> None:
    """``out`` (generic form) parses with mlir-opt with every ``marker`` op kept, and what MLIR
    prints back parses and verifies in tpuc (running ``passes``)."""
    res = subprocess.run([MLIR_OPT, "--allow-unregistered-dialect", "--mlir-print-debuginfo",
                          "--mlir-print-local-scope", str(out)], capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr[:2000]
    n_in = out.read_text().count(marker)
    assert n_in > min_ops and res.stdout.count(marker) == n_in
    back = tmp_path / "back.mlir"
    back.write_text(res.stdout)
    proc = run_tpuc("opt", back, "-p", passes)
    assert proc.returncode == 0, proc.stderr


@pytest.mark.skipif(MLIR_OPT is None, reason="mlir-opt (Debian mlir-22-tools) is not installed; .ci/run installs it")
@pytest.mark.parametrize("name", ["swin_t.onnx", "bert_tiny_dynamic.onnx"])
def test_generic_dump_parses_with_mlir_opt(tmp_path, name):
    model = shared_model(name)
    out = tmp_path / "m.mlir"
    extra = ["--input-shapes", "[[1,16],[1,16]]"] if "bert" in name else []
    proc = run_tpuc("transform", "--model-def", model, "--mlir", out, "--generic", *extra)
    assert proc.returncode == 0, proc.stderr
    _round_trip(out, tmp_path, '"top.', 50, "top-verify-shapes")


@pytest.mark.skipif(MLIR_OPT is None, reason="mlir-opt (Debian mlir-22-tools) is not installed; .ci/run installs it")
@pytest.mark.parametrize("mode", ["BF16", "INT8"])
def test_tpu_generic_dump_parses_with_mlir_opt(tmp_path, mode):
    """A lowered Tpu module (quantisation properties, i8/bf16 types, tpu.Cast/Lut) printed in
    generic form parses with mlir-opt, and what MLIR prints back parses and verifies in tpuc."""
    top = tmp_path / "m.mlir"
    proc = run_tpuc("transform", "--model-def", shared_model("mha_encoder.onnx"), "--mlir", top)
    assert proc.returncode == 0, proc.stderr
    args = ["deploy", "--mlir", top, "--quantize", mode, "--tpu-mlir", tmp_path / "t.mlir", "--generic"]
    if mode == "INT8":
        cal = tmp_path / "cal.table"
        assert run_tpuc("calibrate", top, "--random", "2", "-o", cal, "-q").returncode == 0
        args += ["--calibration-table", cal]
    proc = run_tpuc(*args)
    assert proc.returncode == 0, proc.stderr
    _round_trip(tmp_path / "t.mlir", tmp_path, '"tpu.', 20, "")
