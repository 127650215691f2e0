"""The quantize table (``--quantize-table``): tpu-mlir's ``qtable`` text format.

One op per line, ``NAME MODE`` (``MODE`` one of F32, F16, BF16, INT8), ``#`` starts a comment::

    # keep the attention mask adds in float
    /enc/layers.0/self_attn/Add_2_output_0 F16

Names are tensor (op result) names as in the Top dump. Unknown names and modes are errors.
"""

from __future__ import annotations

import os
from pathlib import Path

from tpuc.compiler.errors import CompileError
from tpuc.dialects.tpu.base import MODES


def read_quantize_table(path: str | os.PathLike) -> dict[str, str]:
    """``{op name: mode}`` from a quantize table file; one-line CompileErrors for bad lines."""
    p = Path(path)
    if not p.is_file():
        raise CompileError(f"quantize table not found: {p}")
    table: dict[str, str] = {}
    for lineno, raw in enumerate(p.read_text(errors="replace").splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        words = line.split()
        if len(words) != 2:
            raise CompileError(f"{p}:{lineno}: expected 'OP_NAME MODE', got {raw.strip()!r}")
        name, mode = words[0], words[1].upper()
        if mode not in MODES:
            raise CompileError(f"{p}:{lineno}: unknown mode '{words[1]}' for '{name}' (use one of {', '.join(MODES)})")
        table[name] = mode
    return table
