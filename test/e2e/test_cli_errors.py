"""Bad input gets one clear line on stderr, exit code 2, and no output files (issue: foundation)."""

from __future__ import annotations

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper

from e2e_util import run_tpuc


def _assert_clean_failure(proc, workdir, *expected: str) -> None:
    assert proc.returncode == 2, (proc.returncode, proc.stderr)
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("tpuc: error: "), lines[0]
    assert "Traceback" not in proc.stderr
    for text in expected:
        assert text in lines[0], (text, lines[0])
    leftovers = sorted(p.name for p in workdir.iterdir() if p.suffix in (".mlir", ".npz", ".tmp") or p.name.endswith(".tmp"))
    assert leftovers == [], leftovers


def _transform(tmp_path, model, *extra):
    return run_tpuc("transform", "--model-def", model, "--mlir", tmp_path / "out.mlir", *extra)


def test_truncated_file(tmp_path, swin_block):
    data = swin_block.read_bytes()
    bad = tmp_path / "truncated.onnx"
    bad.write_bytes(data[: len(data) // 2])
    _assert_clean_failure(_transform(tmp_path, bad), tmp_path, "truncated.onnx")


def test_not_onnx(tmp_path):
    bad = tmp_path / "notes.onnx"
    bad.write_text("this is not a protobuf at all\n" * 10)
    _assert_clean_failure(_transform(tmp_path, bad), tmp_path, "notes.onnx")


def test_empty_file(tmp_path):
    bad = tmp_path / "empty.onnx"
    bad.write_bytes(b"")
    _assert_clean_failure(_transform(tmp_path, bad), tmp_path, "empty.onnx")


def test_missing_file(tmp_path):
    _assert_clean_failure(_transform(tmp_path, tmp_path / "nope.onnx"), tmp_path, "not found", "nope.onnx")


def test_missing_test_input(tmp_path, swin_block):
    proc = _transform(tmp_path, swin_block, "--input-shapes", "[[4,49,96]]", "--test-input", tmp_path / "in.npz")
    _assert_clean_failure(proc, tmp_path, "test input not found")


def test_unbound_dynamic_dim(tmp_path, swin_block):
    _assert_clean_failure(_transform(tmp_path, swin_block), tmp_path, "input 'x' dim 0 ('num_windows') is dynamic",
                          "--input-shapes")


def test_input_shapes_wrong_rank(tmp_path, swin_block):
    proc = _transform(tmp_path, swin_block, "--input-shapes", "[[4,49]]")
    _assert_clean_failure(proc, tmp_path, "input 'x'", "rank 2", "rank 3")


def test_input_shapes_wrong_count(tmp_path, swin_block):
    proc = _transform(tmp_path, swin_block, "--input-shapes", "[[4,49,96],[1,2]]")
    _assert_clean_failure(proc, tmp_path, "2 shape(s)", "1 input(s)")


def test_input_shapes_conflict_with_static_dim(tmp_path, swin_block):
    proc = _transform(tmp_path, swin_block, "--input-shapes", "[[4,50,96]]")
    _assert_clean_failure(proc, tmp_path, "dim 1 = 50", "fixes it to 49")


def test_input_shapes_unparsable(tmp_path, swin_block):
    proc = _transform(tmp_path, swin_block, "--input-shapes", "[[4,49,")
    _assert_clean_failure(proc, tmp_path, "--input-shapes")


def _save(model, path):
    onnx.save(model, path)
    return path


def test_unsupported_ops_listed_with_first_node(tmp_path):
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [5, 1, 4])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, ["d0"])
    w = onnx.numpy_helper.from_array(np.ones((1, 12, 4), np.float32), "w")
    r = onnx.numpy_helper.from_array(np.ones((1, 12, 3), np.float32), "r")
    g = helper.make_graph([
        helper.make_node("RNN", ["x", "w", "r"], ["h"], name="rnn0", hidden_size=3),
        helper.make_node("RNN", ["x", "w", "r"], ["h2"], name="rnn1", hidden_size=3),
        helper.make_node("FusedMatMul", ["h", "h2"], ["y"], name="fused0", domain="com.microsoft"),
    ], "g", [x], [y], [w, r])
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 17), helper.make_opsetid("com.microsoft", 1)],
                          ir_version=8)
    proc = _transform(tmp_path, _save(m, tmp_path / "rnn.onnx"))
    _assert_clean_failure(proc, tmp_path, "RNN (first node 'rnn0')", "com.microsoft.FusedMatMul (first node 'fused0')")


def test_checker_failure(tmp_path):
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [2])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [2])
    g = helper.make_graph([helper.make_node("Relu", ["x", "x", "x"], ["y"], name="relu3")], "g", [x], [y])
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)], ir_version=8)
    proc = _transform(tmp_path, _save(m, tmp_path / "bad.onnx"))
    _assert_clean_failure(proc, tmp_path, "fails onnx.checker")


def test_shape_mismatch_in_graph(tmp_path):
    a = helper.make_tensor_value_info("a", TensorProto.FLOAT, [2, 3])
    b = helper.make_tensor_value_info("b", TensorProto.FLOAT, [4])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, ["d0"])
    g = helper.make_graph([helper.make_node("Add", ["a", "b"], ["y"], name="add_bad")], "g", [a, b], [y])
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)], ir_version=8)
    proc = _transform(tmp_path, _save(m, tmp_path / "mismatch.onnx"))
    _assert_clean_failure(proc, tmp_path, "node 'add_bad' (Add)", "do not broadcast")


def test_output_directory_missing(tmp_path, swin_block):
    proc = run_tpuc("transform", "--model-def", swin_block, "--input-shapes", "[[4,49,96]]",
                    "--mlir", tmp_path / "no" / "such" / "dir" / "out.mlir")
    _assert_clean_failure(proc, tmp_path, "output directory does not exist")


@pytest.mark.parametrize("tol", ["0.99", "a,b", "2,0.9"])
def test_bad_tolerance(tmp_path, swin_block, tol):
    proc = _transform(tmp_path, swin_block, "--input-shapes", "[[4,49,96]]", "--tolerance", tol)
    _assert_clean_failure(proc, tmp_path, "--tolerance")


def test_compare_missing_file(tmp_path):
    proc = run_tpuc("compare", tmp_path / "a.npz", tmp_path / "b.npz")
    _assert_clean_failure(proc, tmp_path, "file not found")


def test_opt_unknown_pass(tmp_path):
    f = tmp_path / "m.txt"
    f.write_text("builtin.module {}\n")
    proc = run_tpuc("opt", f, "-p", "no-such-pass")
    _assert_clean_failure(proc, tmp_path, "no-such-pass")


def test_zero_size_input_dim(tmp_path):
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [0, 3])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [0, 3])
    g = helper.make_graph([helper.make_node("Relu", ["x"], ["y"], name="relu0")], "g", [x], [y])
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)], ir_version=8)
    proc = _transform(tmp_path, _save(m, tmp_path / "zero.onnx"))
    _assert_clean_failure(proc, tmp_path, "input 'x' dim 0 is 0 (an empty tensor)")
