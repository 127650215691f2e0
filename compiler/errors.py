"""User-facing errors.

A :class:`CompileError` is something the *user* can fix (bad model, bad flag, missing file). The
CLI turns it into one line on stderr and exit code 2. Anything else escaping the driver is a bug
in tpuc and is reported as such (with the traceback, because we want to fix it).
"""

from __future__ import annotations


class CompileError(Exception):
    """A user-facing error: one line, says what is wrong and where."""

    def __init__(self, message: str, *, where: str | None = None):
        self.where = where
        super().__init__(f"{where}: {message}" if where else message)


class UnsupportedOpError(CompileError):
    """One or more ONNX op types have no importer."""


class ShapeError(CompileError):
    """Shapes do not agree (bad --input-shapes, inconsistent model)."""
