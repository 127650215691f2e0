"""Calibration: per-tensor INT8 thresholds from the Top interpreter (tpu-mlir's ``run_calibration.py``).

``calibrate(mlir, inputs_dir=... | random=N, method="kl"|"max"|"percentile") -> CalibrationTable``;
``CalibrationTable.save(path)`` / ``.load(path)`` use tpu-mlir's text format, ``.missing(module)``
lists float tensors without a threshold, ``.keep_float`` the mask tensors lowering should keep in
float. The policy for -inf / finfo.min masks and the histogram scheme are described in
:mod:`tpuc.lowering.calibration.calibrate`.

Names are imported lazily, so ``tpuc.lowering.calibration.cli`` (the CLI flags) loads without numpy.
"""

from __future__ import annotations

import importlib

# eager: the function shadows its module name (``calibrate.py``), which must hold whatever the
# import order; calibrate.py itself imports numpy and the IR only when called
from tpuc.lowering.calibration.calibrate import calibrate, dataset_files

_EXPORTS = {
    "CalibrationTable": "table", "TensorCalibration": "table", "float_tensors": "table",
    "non_float_tensors": "table",
    "TensorStats": "stats", "Result": "stats", "kl_threshold": "stats", "kl_divergences": "stats",
    "METHODS": "stats", "SENTINEL_ABS": "stats",
}
__all__ = sorted(_EXPORTS) + ["calibrate", "dataset_files"]


def __getattr__(name: str):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))
