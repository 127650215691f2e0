"""test/unit/lowering/top_to_tpu: puts this directory on ``sys.path`` so the tests can
``import top_to_tpu_util`` (pytest runs with ``--import-mode=importlib``, which does not do that)."""

from __future__ import annotations

import sys
from pathlib import Path

HERE = str(Path(__file__).resolve().parent)
if HERE not in sys.path:
    sys.path.insert(0, HERE)
