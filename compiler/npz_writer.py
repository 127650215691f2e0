"""Streaming npz writer: add arrays one at a time (no need to hold all tensors), atomic close."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import numpy as np


class NpzWriter:
    """Writes ``path`` via ``path.tmp``; ``close()`` renames, ``abort()`` removes."""

    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)
        self.tmp = self.path.with_name(self.path.name + ".tmp")
        self._zip = zipfile.ZipFile(self.tmp, "w", zipfile.ZIP_STORED)
        self._names: set[str] = set()

    def add(self, name: str, arr: np.ndarray) -> None:
        if name in self._names:
            return
        self._names.add(name)
        info = zipfile.ZipInfo(name + ".npy", date_time=(1980, 1, 1, 0, 0, 0))
        info.external_attr = 0o644 << 16
        arr = np.require(arr, requirements="C")
        if arr.dtype.kind == "V" or arr.dtype.name == "bfloat16":  # npy has no bf16: store the bits
            arr = arr.view(np.uint16)
        with self._zip.open(info, "w", force_zip64=True) as f:
            np.lib.format.write_array(f, arr, allow_pickle=False)

    def close(self) -> None:
        self._zip.close()
        os.replace(self.tmp, self.path)

    def abort(self) -> None:
        self._zip.close()
        self.tmp.unlink(missing_ok=True)
