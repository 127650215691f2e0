"""Similarity metrics and the comparison table (compiler/compare.py)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from tpuc.compiler.compare import Comparison, parse_tolerance, similarity
from tpuc.compiler.errors import CompileError


def test_identical_is_equal():
    x = np.random.default_rng(0).standard_normal((4, 5)).astype(np.float32)
    assert similarity(x, x.copy()) == (1.0, 1.0, math.inf, "equal")


def test_metrics_match_tpu_mlir_definitions():
    rng = np.random.default_rng(1)
    a = rng.standard_normal(1000)
    b = a + 0.01 * rng.standard_normal(1000)
    cos, euclid, sqnr, _ = similarity(a, b)
    assert cos == pytest.approx(np.dot(a, b) / np.linalg.norm(a) / np.linalg.norm(b))
    assert euclid == pytest.approx(1 - np.linalg.norm(a - b) / (np.linalg.norm((a + b) / 2) + 1e-7))
    assert sqnr == pytest.approx(10 * np.log10(np.sum(a**2) / np.sum((a - b) ** 2)))


def test_opposite_sign_fails():
    a = np.arange(1, 10, dtype=np.float32)
    cos, euclid, _, _ = similarity(a, -a)
    assert cos == pytest.approx(-1.0) and euclid < 0


def test_integers_must_be_equal():
    a = np.array([1, 2, 3])
    assert similarity(a, a)[3] == "equal"
    assert similarity(a, a + 1)[3] == "integers differ"


def test_same_infinities_are_masked_one_sided_fail():
    a = np.array([1.0, -np.inf, 2.0, np.nan])
    assert similarity(a, a.copy())[0] == 1.0
    b = a.copy()
    b[1] = 0.0
    cos, _, _, note = similarity(a, b)
    assert cos == 0.0 and "non-finite" in note


def test_comparison_rows_and_tolerance():
    c = Comparison(0.99, 0.9, excepts={"skip"})
    x = np.ones(8, np.float32)
    assert c.add("same", x, x).ok
    assert c.add("skip", x, -x) is None
    assert not c.add("neg", x, -x).ok
    assert not c.add("shape", x, np.ones(3, np.float32)).ok
    assert [r.name for r in c.failed] == ["neg", "shape"]
    table = c.table()
    assert "3 tensors compared" in table and "2 failed" in table


@pytest.mark.parametrize("text", ["0.99", "x,y", "1.5,0.9", ""])
def test_bad_tolerance(text):
    with pytest.raises(CompileError):
        parse_tolerance(text)
