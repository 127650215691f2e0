"""Fixtures for end-to-end tests: the bundled example model."""

from __future__ import annotations

import sys
from pathlib import Path

import onnx
import pytest

from e2e_util import REPO


@pytest.fixture(scope="session")
def swin_block(tmp_path_factory) -> Path:
    sys.path.insert(0, str(REPO / "examples"))
    import swin_block as sb

    path = tmp_path_factory.mktemp("example") / "swin_block.onnx"
    onnx.save(sb.build(windows=4), path)
    return path
