"""The calibration table: tpu-mlir's ``run_calibration.py`` text format, read and written.

::

    # tpuc calibration table (format of tpu-mlir's run_calibration.py), cali version 1.0
    # mlir: swin_t.mlir
    # ...                                   (header: tool, date, model, method, inputs)
    ###
    # op_name    threshold    min    max
    input 4.1234567 -4.5000000 4.3000000
    ...
    ###
    # float_keep: ...                        (explanation)
    #float_keep /enc/Where_output_0 nonfinite excluded=12/20

One line per float tensor, ``name threshold min max`` with ``{:.7f}`` numbers, exactly as
tpu-mlir writes and its ``ImportCalibrationTable`` pass reads them. The ``#float_keep`` lines are
tpuc's extension: tensors whose -inf/NaN or ``|x| >= 1e30`` mask values were left out of the
statistics, which lowering should keep in float. They are ``#`` comments to tpu-mlir (its C++
reader ignores them, its Python reader keeps them as headers), so a tpuc table stays a valid
tpu-mlir table. Reading also accepts tpu-mlir's own tables: the ``#int4_th`` / ``#asym_op`` /
``#weight_scale`` / fp8 sections are skipped, and a non-finite threshold (tpu-mlir writes ``inf``
for mask tensors) is read as a ``nonfinite`` float-keep entry.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from tpuc.compiler.errors import CompileError

COLUMNS = "# op_name    threshold    min    max"
FLOAT_KEEP = "#float_keep"
#: tpu-mlir sections after the int8 block that tpuc does not use
_OTHER_SECTIONS = ("#int4_th", "#asym_op", "#int4_op", "#weight_scale", "#tpu-mlir-fp8", "#mqbench-fp8")


@dataclass
class TensorCalibration:
    """One table line, plus tpuc's float-keep mark (``""`` when the tensor can be quantized)."""

    threshold: float
    min: float
    max: float
    keep_float: str = ""
    excluded: int = 0  # values left out of the statistics (float-keep tensors)
    count: int = 0  # values seen


def _fmt(v: float) -> str:
    return f"{v:.7f}"


def float_tensors(module) -> list[str]:
    """Names of the float-typed results of ``@main`` that a table must cover, in program order.

    These are the results of every op except ``top.Weight`` / ``top.None`` (``top.Input``
    included, as tpu-mlir does); integer and bool results are never calibrated.
    """
    names, _ = _split_tensors(module)
    return names


def non_float_tensors(module) -> list[str]:
    """Names of the integer / bool results of ``@main`` (not calibrated)."""
    _, others = _split_tensors(module)
    return others


def _split_tensors(module) -> tuple[list[str], list[str]]:
    from xdsl.dialects.builtin import TensorType

    from tpuc.dialects.top.base import is_float, numpy_dtype, result_names
    from tpuc.dialects.top.interpreter import main_func

    floats: list[str] = []
    others: list[str] = []
    seen: set[str] = set()
    for op in main_func(module).body.block.ops:
        if op.name in ("top.Weight", "top.None") or not op.name.startswith("top."):
            continue
        for name, res in zip(result_names(op), op.results):
            if not name or name in seen or not isinstance(res.type, TensorType):
                continue
            seen.add(name)
            (floats if is_float(numpy_dtype(res.type.element_type)) else others).append(name)
    return floats, others


class CalibrationTable:
    """Thresholds by tensor name, in table order, with the header comment lines."""

    def __init__(self, entries: dict[str, TensorCalibration] | None = None, headers: list[str] | None = None):
        self.entries: dict[str, TensorCalibration] = dict(entries or {})
        self.headers: list[str] = list(headers or [])
        #: float tensors of the module the calibration run did not see (not saved; see ``missing``)
        self.unproduced: list[str] = []

    # ------------------------------------------------------------------------ mapping API

    def __contains__(self, name: str) -> bool:
        return name in self.entries

    def __getitem__(self, name: str) -> TensorCalibration:
        try:
            return self.entries[name]
        except KeyError:
            raise CompileError(f"tensor '{name}' is not in the calibration table") from None

    def __len__(self) -> int:
        return len(self.entries)

    def __iter__(self) -> Iterator[str]:
        return iter(self.entries)

    def names(self) -> list[str]:
        return list(self.entries)

    def threshold(self, name: str) -> float:
        return self[name].threshold

    @property
    def keep_float(self) -> dict[str, str]:
        """Tensors lowering should keep in float, with the reason (``nonfinite``, ``saturated``)."""
        return {n: e.keep_float for n, e in self.entries.items() if e.keep_float}

    @property
    def method(self) -> str | None:
        """The method named in the header (``kl``, ``max``, ``percentile``...), if any."""
        key = "threshold calculation method:"
        for h in self.headers:
            if key in h:
                words = h.split(key, 1)[1].split()
                return words[0] if words else None
        return None

    # ------------------------------------------------------------------------ checks

    def missing(self, module) -> list[str]:
        """Float tensors of ``module`` that have no line in this table (program order)."""
        return [n for n in float_tensors(module) if n not in self.entries]

    def check_complete(self, module, what: str = "calibration table") -> None:
        """Raise a one-line :class:`CompileError` if any float tensor of ``module`` is missing."""
        miss = self.missing(module)
        if miss:
            shown = ", ".join(repr(n) for n in miss[:5]) + (f" and {len(miss) - 5} more" if len(miss) > 5 else "")
            raise CompileError(f"{what} has no threshold for {len(miss)} float tensor(s) of the module: {shown} "
                               "(was it made for another .mlir? rerun tpuc calibrate)")

    # ------------------------------------------------------------------------ text I/O

    def to_text(self) -> str:
        lines = [h if h.startswith("#") else f"# {h}" for h in self.headers]
        lines.append(COLUMNS)
        keep = []
        for name, e in self.entries.items():
            if not name or any(c.isspace() for c in name):
                raise CompileError(f"tensor name {name!r} cannot be written in the calibration table format "
                                   "(names must be non-empty and contain no whitespace)")
            vals = (e.threshold, e.min, e.max)
            if not all(math.isfinite(v) for v in vals):
                raise CompileError(f"non-finite calibration value for '{name}': {vals}")
            lines.append(f"{name} {_fmt(e.threshold)} {_fmt(e.min)} {_fmt(e.max)}")
            if e.keep_float:
                keep.append(f"{FLOAT_KEEP} {name} {e.keep_float} excluded={e.excluded}/{e.count}")
        if keep:
            lines.append("###")
            lines.append("# float_keep: tensors holding attention-mask values (-inf/nan, or |x| >= 1e30 such as "
                         "finfo.min fills), left out of their statistics;")
            lines.append("# their threshold above clamps those values; lowering should keep these tensors in "
                         "float. (tpu-mlir reads these lines as comments.)")
            lines.extend(keep)
        return "\n".join(lines) + "\n"

    def save(self, path: str | os.PathLike) -> None:
        """Write the table atomically (a failure leaves no half-written file)."""
        from tpuc.compiler.ir_io import write_atomic

        p = Path(path)
        if not p.parent.is_dir():
            raise CompileError(f"output directory does not exist: {p.parent}")
        write_atomic(p, self.to_text())

    @classmethod
    def from_text(cls, text: str, source: str = "<calibration table>") -> "CalibrationTable":
        entries: dict[str, TensorCalibration] = {}
        headers: list[str] = []
        keep: dict[str, tuple[str, int, int]] = {}
        in_int8 = True
        seen_data = False
        for lineno, raw in enumerate(text.splitlines(), 1):
            line = raw.strip()
            if not line:
                continue
            if line.startswith(FLOAT_KEEP):
                parts = line.split()
                if len(parts) < 2:
                    raise CompileError(f"{source}:{lineno}: '{FLOAT_KEEP}' line without a tensor name")
                reason = parts[2] if len(parts) > 2 else "nonfinite"
                excluded = count = 0
                for p in parts[3:]:
                    if p.startswith("excluded="):
                        try:
                            a, _, b = p[len("excluded="):].partition("/")
                            excluded, count = int(a), int(b or 0)
                        except ValueError:
                            pass
                keep[parts[1]] = (reason, excluded, count)
                continue
            if line.startswith("#"):
                if any(line.startswith(s) for s in _OTHER_SECTIONS):
                    in_int8 = False
                elif not seen_data and line.split() != COLUMNS.split():
                    headers.append(line)
                continue
            if not in_int8:
                continue
            fields = line.split()
            if len(fields) != 4:
                raise CompileError(f"{source}:{lineno}: expected 'name threshold min max', got {line[:120]!r}")
            name = fields[0]
            try:
                th, mn, mx = (float(f) for f in fields[1:])
            except ValueError:
                raise CompileError(f"{source}:{lineno}: not a number in {line[:120]!r}") from None
            entry = TensorCalibration(th, mn, mx)
            if not all(math.isfinite(v) for v in (th, mn, mx)):
                entry.keep_float = "nonfinite"  # tpu-mlir's 'inf' threshold of a masked tensor
            entries[name] = entry
            seen_data = True
        for name, (reason, excluded, count) in keep.items():
            if name not in entries:
                raise CompileError(f"{source}: '{FLOAT_KEEP} {name}' names a tensor with no threshold line")
            e = entries[name]
            e.keep_float, e.excluded, e.count = reason, excluded, count
        return cls(entries, headers)

    @classmethod
    def load(cls, path: str | os.PathLike) -> "CalibrationTable":
        p = Path(path)
        if not p.is_file():
            raise CompileError(f"calibration table not found: {path}")
        try:
            text = p.read_text()
        except (OSError, UnicodeDecodeError) as e:
            raise CompileError(f"cannot read calibration table {path}: {e}") from None
        return cls.from_text(text, str(path))
