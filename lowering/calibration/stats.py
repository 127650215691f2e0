"""Per-tensor activation statistics for calibration, and the three threshold rules.

Everything here is plain numpy on arrays, independent of the IR, so each rule can be tested on
synthetic tensors. :class:`TensorStats` is fed one tensor value per calibration input
(:meth:`TensorStats.add`) and yields a :class:`Result` at the end (:meth:`TensorStats.result`).

What is collected (only what the chosen method needs, besides min / max / abs-max):

* ``max``: nothing more; the threshold is the abs-max of the kept values.
* ``kl``: a histogram of ``|x|`` (exact zeros left out, as tpu-mlir does) in bins of one fixed
  width, chosen from the first input (``width = absmax / bins``). A later input that reaches past
  the covered range appends bins of the same width (tpu-mlir's ``combine_histogram``), so the
  final histogram is exact and there is a single interpreter pass; above ``MAX_BINS`` bins the
  histogram is folded 2:1 (width doubled), as tpu-mlir does before its KL search. Bins are
  ``[k*w, (k+1)*w)`` (tpu-mlir rounds to bin centres; the difference is half a bin), which makes
  folding exact. :func:`kl_threshold` is tpu-mlir's ``kl_diversity_hist`` (``calibration_math.so``),
  with all candidates computed at once from prefix sums (:func:`kl_divergences`, checked against a
  line-by-line port of the C loop in the tests).
* ``percentile``: the ``k`` largest ``|x|`` of each input, where ``k`` bounds how many of the
  overall largest values the percentile can need; merging them gives exactly
  ``np.percentile(|x| over all inputs, p)`` (linear interpolation) without keeping all values.

Non-finite and sentinel values (the policy is in :mod:`.calibrate`): values that are NaN,
±inf, or have ``|x| >= SENTINEL_ABS`` (finfo.min-filled attention masks) are left out of every
statistic and counted; the result says which kind was seen, on which sign.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

#: ``|x|`` at or above this is an attention-mask sentinel (``finfo(f32).min`` = -3.4e38 and its
#: sums), never an activation: it is left out of the statistics like ``-inf``.
SENTINEL_ABS = 1e30
#: tpu-mlir's floor for a threshold (and its "tensor is all zeros" limit).
MIN_THRESHOLD = 1e-5
#: tpu-mlir folds bigger histograms 2:1 before the KL search (``64 * 2048``).
MAX_BINS = 64 * 2048
#: quantized levels of the KL search (int8: 128).
KL_LEVELS = 128
#: inputs whose kept abs-max is below this do not start / feed the histogram (they would all
#: land in bin 0 of any histogram that also holds real values; a range this small ends as the
#: all-zero threshold anyway).
_HIST_MIN_ABS = 1e-30

METHODS = ("kl", "max", "percentile")


def kl_divergences(hist: np.ndarray, levels: int = KL_LEVELS) -> np.ndarray:
    """KL(P||Q) of every candidate of :func:`kl_threshold` (candidate ``c`` keeps ``c*levels`` bins).

    Computed for all candidates at once from prefix sums (O(bins + candidates*levels)) instead of
    one O(bins) pass per candidate: with ``p_j = h_j/T`` and Q constant over the non-empty bins of
    each group, ``sum p log p`` and ``sum p log q`` reduce to prefix sums of ``h``, ``h log h`` and
    of the non-empty-bin count. The ``+1e-30`` of tpu-mlir's logs only matters for zero terms,
    which are dropped here (0 * log is 0 there too).
    """
    h = np.asarray(hist, dtype=np.float64).ravel()
    pad = (-len(h)) % levels
    if pad:
        h = np.concatenate([h, np.zeros(pad)])
    K = len(h) // levels
    total = h.sum()
    if K == 0 or total <= 0:
        return np.zeros(K)
    S = np.concatenate([[0.0], np.cumsum(h)])  # S[k] = sum(h[:k])
    with np.errstate(divide="ignore", invalid="ignore"):
        hlogh = np.where(h > 0, h * np.log10(np.where(h > 0, h, 1.0)), 0.0)
    A = np.concatenate([[0.0], np.cumsum(hlogh)])
    NZ = np.concatenate([[0], np.cumsum(h > 0)])
    c = np.arange(1, K + 1)
    i = c * levels  # bins kept by each candidate
    last = h[i - 1]
    # sum_{j < i-1} p_j log10 p_j
    plogp = (A[i - 1] - math.log10(total) * S[i - 1]) / total
    edges = c[:, None] * np.arange(levels + 1)[None, :]
    G = S[edges[:, 1:]] - S[edges[:, :-1]]  # group masses, (K, levels)
    cnt = np.maximum(NZ[edges[:, 1:]] - NZ[edges[:, :-1]], 1)
    inside = S[i]
    with np.errstate(divide="ignore", invalid="ignore"):
        q = np.where(inside[:, None] > 0, G / cnt / inside[:, None], 0.0)
        logq = np.where(G > 0, np.log10(np.where(G > 0, q, 1.0)), 0.0)
    Gx = G.copy()
    Gx[:, -1] -= last  # bin i-1 is handled with the clipped tail below
    plogq = (Gx * logq).sum(axis=1) / total
    p_last = (last + (total - inside)) / total
    q_last = np.where(last > 0, q[:, -1], 0.0)
    term_last = p_last * (np.log10(p_last + 1e-30) - np.log10(q_last + 1e-30))
    return plogp - plogq + term_last


def kl_threshold(hist: np.ndarray, width: float, levels: int = KL_LEVELS) -> float:
    """tpu-mlir's KL-divergence threshold search on a histogram of ``|x|``.

    ``hist[k]`` counts values in bin ``k`` of width ``width``. The histogram is zero-padded to a
    multiple of ``levels``; the candidates are ``i = levels, 2*levels, ..., len(hist)`` bins.
    For each, P is the first ``i`` bins with everything beyond added to bin ``i-1`` (normalised
    by the total count) and Q is the first ``i`` bins merged into ``levels`` groups of ``i/levels``
    bins, each group's mass spread evenly over its non-empty bins (normalised by the mass of the
    first ``i`` bins); ``KL = sum P*(log10(P+1e-30) - log10(Q+1e-30))`` (tpu-mlir's
    ``kl_diversity_hist``; :func:`kl_divergences`). The threshold of the first minimum ``m``
    (0-based) is ``width * (m+1) * levels``. Returns 0.0 for an empty histogram.
    """
    kls = kl_divergences(hist, levels)
    if kls.size == 0 or not np.asarray(hist).sum() > 0:
        return 0.0
    m = int(np.argmin(kls))
    return float(width) * (m + 1) * levels


def _fold(hist: np.ndarray, factor: int) -> np.ndarray:
    """Merge every ``factor`` consecutive bins (exact for ``[k*w, (k+1)*w)`` bins)."""
    n = len(hist)
    if factor >= n:
        return np.array([hist.sum()], dtype=hist.dtype)
    m = -(-n // factor)
    padded = np.zeros(m * factor, dtype=hist.dtype)
    padded[:n] = hist
    return padded.reshape(m, factor).sum(axis=1)


def _percentile_of_top(top: np.ndarray, n: int, q: float) -> float:
    """``np.percentile(all, 100*q)`` (linear) of ``n`` values given only the sorted largest ones."""
    L = len(top)
    idx = q * (n - 1)
    lo = int(math.floor(idx))
    frac = idx - lo
    j = lo - (n - L)
    if j < 0:  # cannot happen with the k of TensorStats; be safe rather than wrong
        j, frac = 0, 0.0
    a = float(top[j])
    if j + 1 >= L or frac == 0.0:
        return a
    b = float(top[j + 1])
    # numpy's _lerp: symmetric form for t >= 0.5
    return b - (b - a) * (1 - frac) if frac >= 0.5 else a + (b - a) * frac


@dataclass
class Result:
    """The calibration of one tensor: what goes into one table line, and why."""

    threshold: float
    min: float
    max: float
    abs_max: float
    count: int = 0  # values seen, all inputs
    nonfinite: int = 0  # NaN / ±inf values left out
    saturated: int = 0  # finite values with |x| >= SENTINEL_ABS left out

    @property
    def keep_float(self) -> str:
        """Why lowering should keep this tensor in float (``""``: no reason)."""
        return ",".join(k for k, n in (("nonfinite", self.nonfinite), ("saturated", self.saturated)) if n)


class TensorStats:
    """Streaming statistics of one tensor over the calibration inputs."""

    def __init__(self, method: str = "kl", *, bins: int = 2048, percentile: float = 99.99,
                 num_inputs: int = 1):
        if method not in METHODS:
            raise ValueError(f"unknown calibration method {method!r} (use {', '.join(METHODS)})")
        if not 0.0 < percentile <= 100.0:
            raise ValueError(f"percentile must be in (0, 100], got {percentile}")
        self.method = method
        self.bins = int(bins)
        self.q = percentile / 100.0
        self.num_inputs = max(int(num_inputs), 1)
        self.min = math.inf
        self.max = -math.inf
        self.count = 0
        self.kept = 0
        self.nonfinite = 0
        self.saturated = 0
        self.neg_excluded = False
        self.pos_excluded = False
        self.hist: np.ndarray | None = None
        self.width = 0.0
        self._k = 0
        self._tops: list[np.ndarray] = []

    # -------------------------------------------------------------------------- collection

    def add(self, value: np.ndarray) -> None:
        x = np.asarray(value)
        if x.dtype != np.float32 and x.dtype != np.float64:
            x = x.astype(np.float32)
        flat = x.reshape(-1)
        if flat.size == 0:
            return
        self.count += flat.size
        a = np.abs(flat)
        amax = float(a.max())  # NaN if any NaN, inf if any inf
        if not amax < SENTINEL_ABS:
            keep = a < SENTINEL_ABS  # False for NaN, ±inf and sentinels
            bad = flat[~keep]
            nan = np.isnan(bad)
            finite = np.isfinite(bad)
            self.nonfinite += int(bad.size - np.count_nonzero(finite))
            self.saturated += int(np.count_nonzero(finite))
            signed = bad[~nan]
            if signed.size:
                self.neg_excluded |= bool((signed < 0).any())
                self.pos_excluded |= bool((signed > 0).any())
            flat, a = flat[keep], a[keep]
            if flat.size == 0:
                return
            amax = float(a.max())
        self.kept += flat.size
        self.min = min(self.min, float(flat.min()))
        self.max = max(self.max, float(flat.max()))
        if self.method == "kl" and amax > _HIST_MIN_ABS:
            self._add_hist(a, amax)
        elif self.method == "percentile":
            self._add_top(a)

    def _add_hist(self, a: np.ndarray, amax: float) -> None:
        if self.hist is None:
            self.width = amax / self.bins
            self.hist = np.zeros(self.bins, dtype=np.int64)
        need = int(math.ceil(amax / self.width))
        if need > MAX_BINS:
            factor = 1 << int(math.ceil(math.log2(need / MAX_BINS)))
            self.hist = _fold(self.hist, factor)
            self.width *= factor
            need = int(math.ceil(amax / self.width))
        n = max(len(self.hist), need, 1)
        if n > len(self.hist):
            self.hist = np.concatenate([self.hist, np.zeros(n - len(self.hist), dtype=np.int64)])
        scale = np.float32(1.0 / self.width) if a.dtype == np.float32 else 1.0 / self.width
        idx = (a * scale).astype(np.intp)
        np.minimum(idx, n - 1, out=idx)
        counts = np.bincount(idx, minlength=n)
        counts[0] -= a.size - np.count_nonzero(a)  # exact zeros are not in the histogram
        self.hist += counts

    def _add_top(self, a: np.ndarray) -> None:
        if not self._k:
            # the percentile needs at most (1-q)*(n-1)+2 of the n largest values overall
            self._k = int(math.floor((1.0 - self.q) * self.num_inputs * a.size)) + 3
        k = self._k
        if a.size > k:
            self._tops.append(np.partition(a, a.size - k)[a.size - k:].copy())
        else:
            self._tops.append(a.copy())

    # -------------------------------------------------------------------------- result

    def percentile_value(self) -> float:
        if not self._tops or self.kept == 0:
            return 0.0
        top = np.sort(np.concatenate(self._tops).astype(np.float64))
        return _percentile_of_top(top, self.kept, self.q)

    def result(self) -> Result:
        """Threshold, min and max as tpu-mlir writes them (rules in :mod:`.calibrate`)."""
        if self.kept:
            mn, mx = self.min, self.max
        else:
            mn = mx = 0.0
        abs_max = max(abs(mn), abs(mx))
        if self.method == "max":
            th = abs_max
        elif self.method == "kl":
            th = kl_threshold(self.hist, self.width) if self.hist is not None else abs_max
        else:
            th = self.percentile_value()
        th = min(th, abs_max)
        if abs_max <= MIN_THRESHOLD:  # tpu-mlir: "layer is all zeros"
            mn = -MIN_THRESHOLD if (mn < 0 or self.neg_excluded) else 0.0
            mx = MIN_THRESHOLD
            th = abs_max = MIN_THRESHOLD
        elif not th > MIN_THRESHOLD:
            th = MIN_THRESHOLD
        # sentinels saturate at the threshold: the clamp range is what int8 can represent
        if self.neg_excluded:
            mn = min(mn, -th)
        if self.pos_excluded:
            mx = max(mx, th)
        return Result(threshold=float(th), min=float(mn), max=float(mx), abs_max=float(abs_max),
                      count=self.count, nonfinite=self.nonfinite, saturated=self.saturated)
