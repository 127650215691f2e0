"""Top canonicalization patterns, one module per root op (as tpu-mlir's ``Canonicalize/<Op>.cpp``).

Every module here (except ``common``) exports ``PATTERNS``: a list of ``(op type, pattern)`` pairs.
``patterns_by_op()`` indexes them by the op type they are rooted at, so the applier tries only
the patterns of the op at hand (an applier that tries every pattern on every op is ~10x slower in
xDSL). Constant folding is tried first on every op; the other modules follow in name order.
``STATS`` counts how often each pattern fired (``--pattern-stats``).
"""

from __future__ import annotations

import collections
import functools
import importlib
import pkgutil

STATS: collections.Counter = collections.Counter()

_NOT_PATTERNS = {"common"}
_FIRST = ("constant",)


def pattern_modules() -> list[str]:
    names = sorted(m.name for m in pkgutil.iter_modules(__path__) if m.name not in _NOT_PATTERNS)
    return [n for n in _FIRST if n in names] + [n for n in names if n not in _FIRST]


@functools.cache
def patterns_by_op() -> dict[type, list]:
    table: dict[type, list] = collections.defaultdict(list)
    for name in pattern_modules():
        module = importlib.import_module(f"{__name__}.{name}")
        for op_type, pattern in module.PATTERNS:
            table[op_type].append(pattern)
    return dict(table)
