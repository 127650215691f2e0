"""Helpers shared by the end-to-end tests (importable: pytest puts test/e2e on sys.path)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
# Small shared models are bundled in test/data/models (so CI on a clean clone runs them); the big
# ones (swin_t, vit_tiny) are looked up in $TPUC_MODELS or the project share ../shared/models.
MODEL_DIRS = [Path(p) for p in (os.environ.get("TPUC_MODELS"),) if p] + [
    REPO / "test" / "data" / "models", REPO.parent / "shared" / "models"]


def run_tpuc(*args: str, cwd: Path | None = None, timeout: float = 600) -> subprocess.CompletedProcess:
    """Run the CLI as a user would (a fresh process); returns the completed process."""
    return subprocess.run([sys.executable, "-m", "tpuc.tools.tpuc", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, timeout=timeout)


def shared_model(name: str) -> Path:
    for d in MODEL_DIRS:
        if (d / name).exists():
            return d / name
    pytest.skip(f"model {name} is not in {', '.join(map(str, MODEL_DIRS))} (set TPUC_MODELS to the models folder)")
