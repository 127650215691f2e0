"""Differential fuzzing, CI run: 500 random valid ONNX graphs (``graphs.fuzz_cases``) through
tpuc (import + the ``transform`` pipeline + the Top interpreter) and onnxruntime, every graph
output compared. The seed is fixed (``derandomize=True``), so a failure reproduces exactly; on a
failure hypothesis shrinks the graph and prints it (``FuzzCase.describe``) with the verdict.

Verdicts that fail: ``mismatch`` (an output differs beyond ``rtol=1e-4, atol=1e-5``, ints/bools
exactly, NaN positions equal) and ``crash`` (any exception but a clean "unsupported" CompileError).
``noise`` (float32 rounding in an ill-conditioned graph, judged against a float64 evaluation) and
``ort_divergence`` (tpuc agrees with onnx.reference where onnxruntime does not) are counted, not
failed. Forms of the known, unfixed bugs (``graphs.KNOWN_BUGS``) are not generated; each has a
strict-xfail test in ``test_differential_regressions.py``.

Run: ``python -m pytest test/fuzz/test_differential.py -q -s`` (about 1 minute on 2 cores).
The long run is ``test/bench/fuzz_differential.py``.
"""

from __future__ import annotations

import collections
import sys
from pathlib import Path

from hypothesis import HealthCheck, assume, event, given, note, settings

sys.path.insert(0, str(Path(__file__).resolve().parent))

import graphs  # noqa: E402

N_EXAMPLES = 500
STATS: collections.Counter = collections.Counter()
DISCARDS: collections.Counter = collections.Counter()


@settings(max_examples=N_EXAMPLES, deadline=None, derandomize=True, database=None, print_blob=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much])
@given(case=graphs.fuzz_cases())
def test_tpuc_matches_onnxruntime(case: graphs.FuzzCase) -> None:
    res = graphs.check_case(case)
    STATS[res.kind] += 1
    event(res.kind)
    if res.kind == "discard":
        DISCARDS[res.detail[:120]] += 1
        assume(False)
    if res.is_bug:
        from hypothesis.control import current_build_context

        if current_build_context().is_final:  # the shrunk example: delta-debug the graph too
            kind, outs = res.kind, set(res.outputs)
            small = graphs.minimize(case, lambda c, r: r.kind == kind and (not outs or bool(outs & set(r.outputs))))
            note("minimised (graphs.minimize):\n" + small.describe())
        note("shrunk by hypothesis:\n" + case.describe())
        raise AssertionError(f"{res.kind}: {res.detail}\n{res.triage}")


def test_generator_health() -> None:
    """Runs after the fuzz test (same module, file order): the generator must produce valid
    graphs (few discards) that tpuc supports (few clean 'unsupported' errors)."""
    total = sum(STATS.values())
    if total == 0:
        import pytest

        pytest.skip("the fuzz test did not run in this session")
    print(f"\ndifferential fuzz: {dict(STATS)}")
    for reason, n in DISCARDS.most_common(5):
        print(f"  discarded {n}x: {reason}")
    assert STATS["discard"] <= 0.05 * total, f"too many invalid graphs generated: {dict(DISCARDS)}"
    assert STATS["unsupported"] <= 0.05 * total, f"too many unsupported forms generated: {dict(STATS)}"
