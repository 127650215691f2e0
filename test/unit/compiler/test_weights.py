"""The weight side table: round trip, determinism, pruning, clear errors (compiler/weights.py)."""

from __future__ import annotations

import numpy as np
import pytest

from tpuc.compiler.errors import CompileError
from tpuc.compiler.weights import WeightStore


def test_round_trip_and_bytes_are_deterministic(tmp_path):
    s = WeightStore({"a": np.arange(6, dtype=np.float32).reshape(2, 3), "b/c:0": np.array(3, np.int64)})
    s.save(tmp_path / "w1.npz")
    s.save(tmp_path / "w2.npz")
    assert (tmp_path / "w1.npz").read_bytes() == (tmp_path / "w2.npz").read_bytes()
    t = WeightStore.load(tmp_path / "w1.npz")
    assert t.names() == ["a", "b/c:0"]
    np.testing.assert_array_equal(t["a"], s["a"])
    assert t["b/c:0"].shape == ()
    assert not list(tmp_path.glob("*.tmp"))


def test_keep_only_and_unique_name():
    s = WeightStore({"a": np.zeros(1), "b": np.zeros(1)})
    assert s.unique_name("a") == "a_1" and s.unique_name("z") == "z"
    s.keep_only({"b"})
    assert s.names() == ["b"]


def test_missing_weight_and_file_are_clear_errors(tmp_path):
    with pytest.raises(CompileError, match="not in the weight file"):
        WeightStore()["nope"]
    with pytest.raises(CompileError, match="not found"):
        WeightStore.load(tmp_path / "missing.npz")
    (tmp_path / "bad.npz").write_text("garbage")
    with pytest.raises(CompileError, match="cannot read"):
        WeightStore.load(tmp_path / "bad.npz")
