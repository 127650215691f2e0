"""Helpers shared by the end-to-end tests (importable: pytest puts test/e2e on sys.path)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
MODELS = Path(os.environ.get("TPUC_MODELS", REPO.parent / "shared" / "models"))


def run_tpuc(*args: str, cwd: Path | None = None, timeout: float = 600) -> subprocess.CompletedProcess:
    """Run the CLI as a user would (a fresh process); returns the completed process."""
    return subprocess.run([sys.executable, "-m", "tpuc.tools.tpuc", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, timeout=timeout)


def shared_model(name: str) -> Path:
    path = MODELS / name
    if not path.exists():
        pytest.skip(f"shared model {path} is not present (set TPUC_MODELS to the models folder)")
    return path
