"""Differential fuzzing of the F16 and BF16 lowering: random valid graphs (``graphs.fuzz_cases``)
imported and optimised (Top matches onnxruntime: ``test_differential.py``), lowered to the Tpu
dialect in F16 / BF16 and run by the Tpu interpreter, must equal bit for bit a reference that runs
every Top op on f32 copies of its operands and rounds each float result to the half type (inputs
and weights rounded first, weights clamped to the finite range) -- the chip numerics the lowering
promises. 150 graphs per mode in CI (``TPUC_F16_FUZZ_N`` for more).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import numpy as np
import onnx
import pytest
from hypothesis import HealthCheck, assume, given, note, settings

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "unit" / "lowering" / "top_to_tpu"))

import graphs  # noqa: E402
from top_to_tpu_util import rounded_reference  # noqa: E402


def _lower_and_compare(case: graphs.FuzzCase, mode: str) -> None:
    import ml_dtypes

    from tpuc.compiler.errors import CompileError
    from tpuc.compiler.passes import PIPELINES
    from tpuc.compiler.pipeline import run_pipeline
    from tpuc.compiler.weights import attach_store
    from tpuc.dialects.top import interpreter
    from tpuc.lowering.onnx_to_top.importer import import_model
    from tpuc.lowering.top_to_tpu.convert import lower_module

    try:
        onnx.checker.check_model(case.model, full_check=True)
    except Exception:  # noqa: BLE001
        assume(False)
    try:
        module, store = import_model(case.model)
    except CompileError:
        assume(False)
    attach_store(module, store)
    run_pipeline(module, PIPELINES["transform"])
    top = module.clone()
    lower_module(module, mode)
    module.verify()
    dtype = np.float16 if mode == "F16" else ml_dtypes.bfloat16
    feeds = {k: np.asarray(v) for k, v in case.inputs.items()}
    with np.errstate(all="ignore"):
        got = interpreter.run(module, store, feeds)
        want = rounded_reference(top, store, feeds, dtype)
    from tpuc.dialects.top.interpreter import main_func
    from tpuc.dialects.top.ops.core import InputOp, WeightOp

    passthrough = {k for k, v in enumerate(main_func(top).body.block.last_op.operands)
                   if isinstance(v.owner, (InputOp, WeightOp))}
    for k, (g, w) in enumerate(zip(got, want, strict=True)):
        if k in passthrough:  # a graph input or a folded constant returned as it is: no op rounds it
            continue
        g, w = np.asarray(g), np.asarray(w)
        if w.dtype.kind == "f" and g.dtype.kind == "f":
            w = w.astype(g.dtype)
        assert g.shape == w.shape and g.dtype == w.dtype, (k, g.shape, g.dtype, w.shape, w.dtype)
        same = (g == w) | (np.isnan(g) & np.isnan(w)) if g.dtype.kind == "f" else (g == w)
        assert np.all(same), f"output {k}: {int(np.sum(~same))} of {g.size} elements differ"


@pytest.mark.parametrize("mode", ["F16", "BF16"])
@settings(max_examples=int(os.environ.get("TPUC_F16_FUZZ_N", "150")), deadline=None, derandomize=True, database=None, print_blob=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much])
@given(case=graphs.fuzz_cases())
def test_half_lowering_is_exact(mode, case):
    note(case.describe())
    _lower_and_compare(case, mode)
