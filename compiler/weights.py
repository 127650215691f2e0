"""The weight side table.

Weights never live in the IR (a 25M-element dense attribute costs seconds to print): ``top.Weight``
carries only its name (its ``NameLoc``) and type, the values live in a :class:`WeightStore` saved as
``<name>_top_f32_weight.npz`` next to the ``.mlir`` and referenced by the module attribute
``module.weight_file`` (as tpu-mlir does).
"""

from __future__ import annotations

import os
import zipfile

import numpy as np

from tpuc.compiler.errors import CompileError


import weakref

_STORES: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def attach_store(module, store: "WeightStore") -> None:
    """Associate a module with its weight store (passes that read or create weights use it)."""
    _STORES[module] = store


def store_of(module) -> "WeightStore | None":
    """The store attached to ``module``, or ``None`` (then weight-reading rewrites do not fire)."""
    return _STORES.get(module)


class WeightStore:
    """An ordered ``name -> np.ndarray`` table with deterministic npz I/O."""

    def __init__(self, arrays: dict[str, np.ndarray] | None = None):
        self._arrays: dict[str, np.ndarray] = dict(arrays or {})

    def __contains__(self, name: str) -> bool:
        return name in self._arrays

    def __getitem__(self, name: str) -> np.ndarray:
        try:
            return self._arrays[name]
        except KeyError:
            raise CompileError(f"weight '{name}' is not in the weight file") from None

    def __setitem__(self, name: str, value: np.ndarray) -> None:
        self._arrays[name] = value

    def __len__(self) -> int:
        return len(self._arrays)

    def names(self) -> list[str]:
        return list(self._arrays)

    def unique_name(self, base: str) -> str:
        """A name not yet used in the store, derived from ``base``."""
        if base not in self._arrays:
            return base
        i = 1
        while f"{base}_{i}" in self._arrays:
            i += 1
        return f"{base}_{i}"

    def keep_only(self, names: set[str]) -> None:
        """Drop every weight not in ``names`` (weights no op refers to any more)."""
        self._arrays = {k: v for k, v in self._arrays.items() if k in names}

    def save(self, path: str | os.PathLike) -> None:
        """Write an uncompressed npz atomically with fixed timestamps (byte-identical reruns)."""
        from tpuc.compiler.npz_writer import NpzWriter

        writer = NpzWriter(path)
        try:
            for name, arr in self._arrays.items():
                writer.add(name, arr)
        except BaseException:
            writer.abort()
            raise
        writer.close()

    @classmethod
    def load(cls, path: str | os.PathLike) -> "WeightStore":
        try:
            with np.load(path, allow_pickle=False) as npz:
                return cls({k: npz[k] for k in npz.files})
        except FileNotFoundError:
            raise CompileError(f"weight file not found: {path}") from None
        except (OSError, ValueError, zipfile.BadZipFile) as e:
            raise CompileError(f"cannot read weight file {path}: {e}") from None
