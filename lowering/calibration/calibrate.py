"""``tpuc calibrate``: activation thresholds for INT8 (tpu-mlir's ``run_calibration.py``).

Runs the Top interpreter on each calibration input (a folder of ``.npz`` files keyed by input
name, or ``.npy`` files for one-input models, taken in sorted order; or ``random`` seeded inputs)
and streams every named tensor (``interpreter.run(..., on_tensor=...)``) into per-tensor
statistics, so no activation is kept after its statistics are taken. Then one threshold per float
tensor is written in tpu-mlir's table format (:mod:`.table`).

**Which tensors.** Every named result of ``@main`` except ``top.Weight`` / ``top.None``, the graph
inputs included (tpu-mlir does the same). Integer and bool tensors (ids, masks as bool) are never
quantized by calibration and are skipped; the header says how many.

**Methods** (``method=``):

* ``max``: threshold = abs-max over all inputs.
* ``percentile``: threshold = ``np.percentile(|x| over all inputs, percentile)`` (99.99 by default,
  linear interpolation), exact, from the per-input top-k of ``|x|``. (tpu-mlir's
  ``percentile9999`` takes the 99.99 % of the signed values on each side; tpuc uses ``|x|``.)
* ``kl``: tpu-mlir's ``kld_calibration``, TensorRT-style entropy calibration: a 2048-bin histogram
  of ``|x|`` (exact zeros left out, as tpu-mlir does), candidate thresholds every 128 bins, P = the
  clipped distribution, Q = P quantised to 128 levels, the threshold of minimal KL(P||Q)
  (:func:`.stats.kl_threshold`, the same formulas as tpu-mlir's ``kl_diversity_hist``).

As tpu-mlir: thresholds are clamped to the abs-max; a tensor whose abs-max is <= 1e-5 gets the
"all zeros" entry (threshold 1e-5, min -1e-5 or 0, max 1e-5); any other threshold <= 1e-5 is
raised to 1e-5.

**Histogram scheme** (``kl``): one interpreter pass, tpu-mlir's current scheme
(``combine_histogram``), not two passes: the bin width is fixed by the first input
(``abs-max / bins``); an input reaching past the covered range appends bins of the same width,
so the histogram over all inputs is exact, without a first pass for the global max (which would
double the interpreter time, the dominant cost) and without storing activations. Histograms
longer than 131072 bins are folded 2:1. The KL search then runs over all bins (padded to a
multiple of 128), so a later, wider input only adds candidates. Per tensor per input the work is
a few vectorised passes (``abs``, ``max``, ``min``, one float->int index pass, ``np.bincount``).

**Non-finite values and mask sentinels** -- the decision:

1. Values that are NaN or +-inf, and finite values with ``|x| >= 1e30`` (:data:`.stats.SENTINEL_ABS`:
   masks filled with ``finfo(float32).min`` = -3.4e38 and sums with them; no real activation comes
   near, F16 cannot even hold 65505) are attention-mask sentinels, not activations. They are left
   out of min, max, abs-max, the histogram and the percentile, and counted.
2. The statistics of the remaining values are therefore always finite and describe the real
   activations (``scores + mask`` gets the scores' range). tpu-mlir instead wrote ``inf``
   thresholds, which its table reader silently drops, and lowering then crashed ("can't get scale
   and zeropoint", calibration README section 5/7).
3. A tensor that had any such value is marked ``#float_keep NAME nonfinite|saturated
   excluded=k/n`` in the table (:attr:`.table.CalibrationTable.keep_float`): **lowering should keep
   it in float** (F16/F32), as the hand-written qtables did for tpu-mlir (mha_encoder's ``Where``,
   ``Reshape_6`` and the two ``Add_2``; bert's ``Where`` and ``Add``). If a lowering quantizes it
   anyway, its threshold acts as a clamp: the sentinels saturate at -+threshold, and the min / max
   columns are widened to -+threshold on the side(s) where sentinels were, so the sign of min (which
   picks signed vs unsigned int8 in tpu-mlir's import) stays right. A clamp is a weak mask
   (``exp(-threshold)`` is not 0) and a pure mask tensor (only 0 and -inf) has the all-zero
   threshold, which erases the mask: hence the float-keep mark.
4. Large finite mask values below 1e30 (-100 in Swin's shifted windows, -1e4 in old BERT, -1e9)
   are ordinary values; KL and percentile clip them, max does not.
"""

from __future__ import annotations

import datetime
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from tpuc.compiler.errors import CompileError

if TYPE_CHECKING:  # numpy and the rest load on first use (the CLI parser imports this package)
    import numpy as np

    from tpuc.lowering.calibration.table import CalibrationTable


def _load_module_and_weights(mlir_path: str | Path):
    from tpuc.compiler.ir_io import load_module
    from tpuc.compiler.weights import WeightStore

    module = load_module(mlir_path)
    from tpuc.compiler.ir_io import require_top_module

    require_top_module(module, "tpuc calibrate", str(mlir_path))
    wf = module.attributes.get("module.weight_file")
    store = WeightStore.load(Path(mlir_path).parent / wf.data) if wf is not None else WeightStore()
    return module, store


def dataset_files(inputs_dir: str | Path, input_num: int | None = None) -> list[Path]:
    """The ``.npz`` / ``.npy`` files of a dataset folder, sorted by name (or one file)."""
    p = Path(inputs_dir)
    if p.is_file():
        files = [p]
    elif p.is_dir():
        files = sorted(f for f in p.iterdir() if f.is_file() and f.suffix.lower() in (".npz", ".npy"))
    else:
        raise CompileError(f"calibration dataset not found: {inputs_dir}")
    if not files:
        raise CompileError(f"no .npz or .npy files in the calibration dataset {inputs_dir}")
    if input_num is not None:
        if input_num < 1:
            raise CompileError(f"--input-num must be at least 1, got {input_num}")
        files = files[:input_num]
    return files


class _Progress:
    """One stderr line per calibration input (rewritten in place on a terminal)."""

    def __init__(self, total: int, enabled: bool, stream=None):
        self.total = total
        self.enabled = enabled
        self.stream = stream or sys.stderr
        self.tty = enabled and hasattr(self.stream, "isatty") and self.stream.isatty()
        self.t0 = time.perf_counter()
        self._width = 0

    def step(self, i: int, label: str, seconds: float) -> None:
        if not self.enabled:
            return
        elapsed = time.perf_counter() - self.t0
        eta = elapsed / i * (self.total - i)
        w = len(str(self.total))
        line = (f"calibrate: [{i:>{w}}/{self.total}] {label}  {seconds:.2f} s  "
                f"(elapsed {elapsed:.1f} s, eta {eta:.1f} s)")
        if self.tty:
            pad = max(self._width - len(line), 0)
            self._width = len(line)
            self.stream.write("\r" + line + " " * pad + ("\n" if i == self.total else ""))
        else:
            self.stream.write(line + "\n")
        self.stream.flush()

    def message(self, text: str) -> None:
        if self.enabled:
            self.stream.write(f"calibrate: {text}\n")
            self.stream.flush()


def calibrate(mlir_path: str | Path, *, inputs_dir: str | Path | None = None, random: int | None = None,
              seed: int = 0, method: str = "kl", percentile: float = 99.99, bins: int = 2048,
              progress: bool = True, input_num: int | None = None) -> CalibrationTable:
    """Calibrate the Top module at ``mlir_path`` (its weights are ``module.weight_file`` beside it).

    Exactly one of ``inputs_dir`` (a folder of ``.npz`` / ``.npy`` files, or one file; the first
    ``input_num`` in sorted order) and ``random`` (that many seeded inputs, input ``i`` drawn with
    seed ``seed + i`` by :func:`tpuc.compiler.inputs.random_inputs`) must be given.
    """
    import numpy as np

    from tpuc.compiler.inputs import load_inputs, random_inputs
    from tpuc.dialects.top import interpreter
    from tpuc.dialects.top.base import is_float
    from tpuc.lowering.calibration.stats import KL_LEVELS, METHODS, SENTINEL_ABS, TensorStats
    from tpuc.lowering.calibration.table import CalibrationTable, TensorCalibration, _split_tensors

    if method not in METHODS:
        raise CompileError(f"unknown calibration method '{method}' (use {', '.join(METHODS)})")
    if (inputs_dir is None) == (random is None):
        raise CompileError("calibration needs exactly one input source: a dataset folder or --random N")
    if method == "kl" and bins < KL_LEVELS:
        raise CompileError(f"--bins must be at least {KL_LEVELS} for the KL method, got {bins}")
    if method == "percentile" and not 0.0 < percentile <= 100.0:
        raise CompileError(f"--percentile must be in (0, 100], got {percentile}")
    t_start = time.perf_counter()
    module, store = _load_module_and_weights(mlir_path)
    specs = interpreter.input_specs(module)

    samples: list[tuple[str, Callable[[], dict[str, np.ndarray]]]]
    if random is not None:
        if input_num is not None:
            raise CompileError("--input-num selects files of a dataset; with --random, give the number to --random")
        if random < 1:
            raise CompileError(f"--random needs at least 1 input, got {random}")
        samples = [(f"random seed {seed + i}", (lambda s=seed + i: random_inputs(specs, s))) for i in range(random)]
        source = f"{random} random (floats N(0,1), seeds {seed}..{seed + random - 1})"
    else:
        files = dataset_files(inputs_dir, input_num)
        samples = [(f.name, (lambda f=f: load_inputs(str(f), specs))) for f in files]
        source = f"dataset {inputs_dir} ({len(files)} file(s): {files[0].name} .. {files[-1].name})"

    floats, non_floats = _split_tensors(module)
    stats: dict[str, TensorStats] = {}
    runtime_non_float: set[str] = set()
    n = len(samples)

    def on_tensor(name: str, value: np.ndarray) -> None:
        v = np.asarray(value)
        if not is_float(v.dtype):
            runtime_non_float.add(name)
            return
        st = stats.get(name)
        if st is None:
            st = stats[name] = TensorStats(method, bins=bins, percentile=percentile, num_inputs=n)
        st.add(v)

    bar = _Progress(n, progress)
    for i, (label, load) in enumerate(samples, 1):
        t = time.perf_counter()
        inputs = load()
        for iname, x in (inputs.items() if isinstance(inputs, dict) else []):
            x = np.asarray(x)
            if x.dtype.kind == "f" and x.size and not np.isfinite(x).any():
                raise CompileError(f"calibration input {label}: tensor '{iname}' has no finite value "
                                   f"({x.size} of {x.size} are NaN/inf); check the dataset")
        interpreter.run(module, store, inputs, on_tensor=on_tensor)
        bar.step(i, label, time.perf_counter() - t)

    entries: dict[str, TensorCalibration] = {}
    float_set = set(floats)
    order = [nm for nm in floats if nm in stats] + [nm for nm in stats if nm not in float_set]
    for nm in order:
        r = stats[nm].result()
        entries[nm] = TensorCalibration(r.threshold, r.min, r.max, keep_float=r.keep_float,
                                        excluded=r.nonfinite + r.saturated, count=r.count)
    not_run = [nm for nm in floats if nm not in stats]
    n_keep = sum(1 for e in entries.values() if e.keep_float)
    skipped = len(set(non_floats) | runtime_non_float)

    method_text = method if method != "percentile" else f"percentile ({percentile:g} % of |x|)"
    headers = [
        "# tpuc calibration table (format of tpu-mlir's run_calibration.py), cali version 1.0",
        f"# mlir: {mlir_path}",
        f"# model: {_model_name(module)}",
        f"# generated time: {datetime.datetime.now().isoformat(sep=' ', timespec='seconds')}",
        f"# quantization threshold calculation method: {method_text}",
        f"# histogram number: {bins}",
        f"# sample number: {n}",
        f"# inputs: {source}",
        f"# tensors: {len(entries)} float calibrated, {skipped} integer/bool not calibrated, "
        f"{n_keep} float_keep (-inf/nan or |x| >= {SENTINEL_ABS:g} values left out)".replace("e+", "e"),
    ]
    if not_run:
        headers.append(f"# float tensors the interpreter did not produce (no threshold): {len(not_run)}")
    headers.append("###")
    table = CalibrationTable(entries, headers)
    table.unproduced = not_run
    bar.message(f"{len(entries)} float tensors on {n} input(s), {skipped} integer/bool skipped, "
                f"{n_keep} to keep in float (mask values) in {time.perf_counter() - t_start:.1f} s")
    return table


def _model_name(module) -> str:
    a = module.attributes.get("module.name")
    return a.data if a is not None else (module.sym_name.data if module.sym_name else "?")


def iter_thresholds(table: CalibrationTable) -> Iterator[tuple[str, float, float, float]]:
    """``(name, threshold, min, max)`` in table order (a convenience for lowering)."""
    for name, e in table.entries.items():
        yield name, e.threshold, e.min, e.max
