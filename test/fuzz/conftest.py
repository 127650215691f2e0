"""test/fuzz: malformed-input fuzzing of ``tpuc transform`` (mutators, harness, regressions).

Puts this directory on ``sys.path`` so the tests can ``import mutators`` and ``import harness``
(pytest runs with ``--import-mode=importlib``, which does not do that by itself).
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = str(Path(__file__).resolve().parent)
if HERE not in sys.path:
    sys.path.insert(0, HERE)
