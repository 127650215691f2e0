"""The Top interpreter: runs a parsed module, streams named tensors, and every pass preserves
its results (run before and after)."""

from __future__ import annotations

import numpy as np
import pytest

from tpuc.compiler.errors import CompileError
from tpuc.compiler.ir_io import parse_module
from tpuc.compiler.pipeline import run_pipeline
from tpuc.compiler.passes import PASSES
from tpuc.compiler.weights import WeightStore, attach_store
from tpuc.dialects.top import interpreter

IR = """
builtin.module attributes {module.weight_file = "w.npz"} {
  func.func @main(%arg0: tensor<2x4xf32>) -> tensor<2x4xf32> {
    %0 = top.Input(%arg0) : (tensor<2x4xf32>) -> tensor<2x4xf32> loc("x")
    %1 = top.Weight() : () -> tensor<4xf32> loc("w")
    %2 = top.Add(%0, %1) : (tensor<2x4xf32>, tensor<4xf32>) -> tensor<2x4xf32> loc("a")
    %3 = top.Relu(%2) : (tensor<2x4xf32>) -> tensor<2x4xf32> loc("dead")
    %4 = top.Mul(%2, %2) : (tensor<2x4xf32>, tensor<2x4xf32>) -> tensor<2x4xf32> loc("y")
    func.return %4 : tensor<2x4xf32>
  }
}
"""


def _run(module, x, store):
    seen = {}
    (y,) = interpreter.run(module, store, {"x": x}, on_tensor=seen.__setitem__)
    return y, seen


def test_runs_and_streams_named_tensors():
    store = WeightStore({"w": np.arange(4, dtype=np.float32)})
    x = np.ones((2, 4), np.float32)
    y, seen = _run(parse_module(IR), x, store)
    np.testing.assert_array_equal(y, (x + store["w"]) ** 2)
    assert set(seen) == {"x", "a", "dead", "y"}


@pytest.mark.parametrize("spec", sorted(PASSES))
def test_every_pass_preserves_results(spec):
    store = WeightStore({"w": np.arange(4, dtype=np.float32)})
    x = np.random.default_rng(0).standard_normal((2, 4)).astype(np.float32)
    module = parse_module(IR)
    attach_store(module, store)  # passes that read or create weights use it (convert-top-to-tpu needs it)
    before, _ = _run(module, x, store)
    run_pipeline(module, spec)
    after, _ = _run(module, x, store)
    np.testing.assert_array_equal(before, after)


def test_dce_removes_dead_op():
    module = parse_module(IR)
    run_pipeline(module, "top-dce")
    names = [op.name for op in module.walk()]
    assert "top.Relu" not in names and "top.Mul" in names


def test_wrong_input_shape_is_a_clear_error():
    store = WeightStore({"w": np.zeros(4, np.float32)})
    with pytest.raises(CompileError, match="input 'x' has shape"):
        interpreter.run(parse_module(IR), store, {"x": np.zeros((3, 4), np.float32)})
