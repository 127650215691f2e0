"""Tensor-by-tensor comparison of two result sets (tpu-mlir's ``npz_tool.py compare``).

Metrics as tpu-mlir computes them, in float64: cosine similarity, euclidean similarity
``1 - ||a-b|| / ||(a+b)/2||`` and SQNR in dB. Integer and bool tensors must be equal. Positions
where both sides are the same NaN or infinity (attention masks filled with -inf) are excluded
from the float metrics; a NaN/inf on one side only is a mismatch.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np


@dataclass
class Row:
    name: str
    shape: tuple[int, ...]
    cos: float
    euclid: float
    sqnr: float
    ok: bool
    note: str = ""


def similarity(a: np.ndarray, b: np.ndarray) -> tuple[float, float, float, str]:
    """(cosine, euclidean, sqnr_db, note) of two same-shape tensors."""
    if a.dtype.kind in "biu" and b.dtype.kind in "biu":
        eq = bool(np.array_equal(a, b))
        return (1.0, 1.0, math.inf, "equal") if eq else (0.0, 0.0, -math.inf, "integers differ")
    x = np.asarray(a, np.float64).reshape(-1)
    y = np.asarray(b, np.float64).reshape(-1)
    fx, fy = np.isfinite(x), np.isfinite(y)
    if not (fx.all() and fy.all()):
        same = (np.isnan(x) & np.isnan(y)) | ((x == y) & ~fx)
        bad = ~(fx & fy) & ~same
        if bad.any():
            return 0.0, 0.0, -math.inf, f"{int(bad.sum())} non-finite value(s) differ"
        x, y = x[fx & fy], y[fx & fy]
    if x.size == 0 or np.array_equal(x, y):
        return 1.0, 1.0, math.inf, "equal"
    # Three dot products and one of the difference (computed directly: no cancellation when the
    # tensors are nearly equal, which is the case that matters).
    xx, yy, xy = float(np.dot(x, x)), float(np.dot(y, y)), float(np.dot(x, y))
    d = x - y
    dd = float(np.dot(d, d))
    cos = 0.0 if xx == 0 or yy == 0 else xy / math.sqrt(xx * yy)
    ed = math.sqrt(dd)
    sr = 0.5 * math.sqrt(max(xx + yy + 2 * xy, 0.0)) + 1e-7
    euclid = 0.0 if (math.isinf(ed) or math.isinf(sr)) else 1 - ed / sr
    sqnr = math.inf if dd == 0 else 10 * math.log10(max(xx, 1e-300) / dd)
    return cos, euclid, sqnr, ""


@dataclass
class Comparison:
    """Accumulates rows; ``add`` is streaming-friendly (one tensor at a time)."""

    tol_cos: float = 0.99
    tol_euclid: float = 0.99
    excepts: set[str] = field(default_factory=set)
    rows: list[Row] = field(default_factory=list)

    def add(self, name: str, ref: np.ndarray, got: np.ndarray) -> Row | None:
        if name in self.excepts:
            return None
        ref, got = np.asarray(ref), np.asarray(got)
        if ref.shape != got.shape:
            if ref.size == got.size:
                got = got.reshape(ref.shape)
            else:
                row = Row(name, tuple(ref.shape), 0.0, 0.0, -math.inf, False,
                          f"shape {list(got.shape)} vs {list(ref.shape)}")
                self.rows.append(row)
                return row
        cos, euclid, sqnr, note = similarity(ref, got)
        ok = (cos >= self.tol_cos and euclid >= self.tol_euclid) or note == "equal"
        if note.endswith("differ"):
            ok = False
        row = Row(name, tuple(ref.shape), cos, euclid, sqnr, ok, note)
        self.rows.append(row)
        return row

    @property
    def failed(self) -> list[Row]:
        return [r for r in self.rows if not r.ok]

    def table(self, *, verbose: bool = False, names: list[str] | None = None, worst: int = 5) -> str:
        """A compact report: failures, the named rows (outputs), the worst few, a summary."""
        picked: dict[str, Row] = {}
        by_name = {r.name: r for r in self.rows}
        if verbose:
            picked = dict(by_name)
        else:
            for r in self.failed:
                picked[r.name] = r
            for n in names or []:
                if n in by_name:
                    picked[n] = by_name[n]
            for r in sorted(self.rows, key=lambda r: (r.cos, r.euclid))[:worst]:
                picked.setdefault(r.name, r)
        lines = [f"{'tensor':<48} {'shape':<18} {'cos':>10} {'euclid':>10} {'sqnr dB':>8}  result"]
        for r in picked.values():
            shape = "x".join(map(str, r.shape)) or "scalar"
            name = r.name if len(r.name) <= 48 else "..." + r.name[-45:]
            sq = "inf" if math.isinf(r.sqnr) and r.sqnr > 0 else f"{r.sqnr:8.2f}"
            verdict = "PASS" if r.ok else "FAIL"
            note = f"  ({r.note})" if r.note and r.note != "equal" else ("  (equal)" if r.note else "")
            lines.append(f"{name:<48} {shape:<18} {r.cos:10.7f} {r.euclid:10.7f} {sq:>8}  {verdict}{note}")
        n_fail = len(self.failed)
        lines.append(f"{len(self.rows)} tensors compared (tolerance cos>={self.tol_cos}, euclid>={self.tol_euclid}): "
                     f"{len(self.rows) - n_fail} passed, {n_fail} failed")
        return "\n".join(lines)


def parse_tolerance(text: str) -> tuple[float, float]:
    from tpuc.compiler.errors import CompileError

    try:
        parts = [float(x) for x in text.split(",")]
    except ValueError:
        parts = []
    if len(parts) != 2 or not all(-1.0 <= p <= 1.0 for p in parts):
        raise CompileError(f"--tolerance '{text}' must be 'cos,euclid', two numbers <= 1, e.g. 0.99,0.99")
    return parts[0], parts[1]
