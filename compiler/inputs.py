"""Test inputs: ``--test-input`` files (npz / npy) and ``--random-input SEED``."""

from __future__ import annotations

import zipfile
from pathlib import Path

import numpy as np

from tpuc.compiler.errors import CompileError


def load_inputs(path: str, specs: list[tuple[str, tuple[int, ...], np.dtype]]) -> dict[str, np.ndarray]:
    """Read an npz (keys = input names) or, for a one-input model, an npy; check shapes."""
    p = Path(path)
    if not p.is_file():
        raise CompileError(f"test input not found: {path}")
    try:
        if p.suffix == ".npy":
            if len(specs) != 1:
                raise CompileError(f"{path}: an .npy file can feed only a one-input model "
                                   f"(this one has {len(specs)}); use an .npz keyed by input name")
            data = {specs[0][0]: np.load(p, allow_pickle=False)}
        else:
            with np.load(p, allow_pickle=False) as z:
                data = {k: z[k] for k in z.files}
    except CompileError:
        raise
    except (OSError, ValueError, zipfile.BadZipFile, EOFError) as e:
        raise CompileError(f"cannot read test input {path}: {str(e).splitlines()[0]}") from None
    out = {}
    for name, shape, dtype in specs:
        if name not in data:
            if len(specs) == 1 and len(data) == 1:
                name_in = next(iter(data))
            else:
                raise CompileError(f"{path} has no array named '{name}' (it has {', '.join(data) or 'none'})")
        else:
            name_in = name
        arr = data[name_in]
        if tuple(arr.shape) != tuple(shape):
            raise CompileError(f"{path}: input '{name}' has shape {list(arr.shape)}, the model expects {list(shape)}")
        out[name] = arr.astype(dtype, copy=False)
    return out


def random_inputs(specs: list[tuple[str, tuple[int, ...], np.dtype]], seed: int) -> dict[str, np.ndarray]:
    """Seeded inputs: floats ~ N(0, 1); integers in [0, 2] (valid ids/masks); bools ~20% true."""
    rng = np.random.default_rng(seed)
    out = {}
    for name, shape, dtype in specs:
        if dtype == np.bool_:
            out[name] = rng.random(shape) < 0.2
        elif np.issubdtype(dtype, np.integer):
            out[name] = rng.integers(0, 3, size=shape).astype(dtype)
        else:
            out[name] = rng.standard_normal(shape).astype(dtype)
    return out
