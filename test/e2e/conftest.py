"""Shared fixtures for end-to-end tests: the bundled example model and a CLI runner."""

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


@pytest.fixture(scope="session")
def swin_block(tmp_path_factory) -> Path:
    sys.path.insert(0, str(REPO / "examples"))
    import swin_block as sb

    path = tmp_path_factory.mktemp("example") / "swin_block.onnx"
    import onnx

    onnx.save(sb.build(windows=4), path)
    return path


def shared_model(name: str) -> Path:
    path = MODELS / name
    if not path.exists():
        pytest.skip(f"shared model {path} is not present (set TPUC_MODELS to the models folder)")
    return path
