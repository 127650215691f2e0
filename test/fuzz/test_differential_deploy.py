"""Differential fuzzing through ``tpuc deploy --quantize F32``: random valid graphs
(``graphs.fuzz_cases``) imported, optimised, lowered to the Tpu dialect and run by the Tpu
interpreter, every output and named tensor compared with onnxruntime exactly as
``test_differential.py`` does for Top (same verdicts). 200 graphs in CI; the long run is
``python test/bench/fuzz_differential.py --deploy F32``.
"""

from __future__ import annotations

import sys
from pathlib import Path

from hypothesis import HealthCheck, assume, given, note, settings

sys.path.insert(0, str(Path(__file__).resolve().parent))

import graphs  # noqa: E402


@settings(max_examples=200, deadline=None, derandomize=True, database=None, print_blob=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much])
@given(case=graphs.fuzz_cases())
def test_tpu_f32_matches_onnxruntime(case: graphs.FuzzCase) -> None:
    res = graphs.check_case(case, deploy="F32")
    if res.kind == "discard":
        assume(False)
    if res.is_bug:
        note("graph:\n" + case.describe())
        raise AssertionError(f"{res.kind}: {res.detail}\n{res.triage}")
