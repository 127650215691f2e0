"""Top canonicalization patterns, one module per root op (as tpu-mlir's ``Canonicalize/<Op>.cpp``).

``patterns_by_op()`` indexes every pattern by the op type it is rooted at, so the applier tries
only the patterns of the op at hand (an applier that tries every pattern on every op is ~10x
slower in xDSL). ``STATS`` counts how often each pattern fired (``--pattern-stats``).
"""

from __future__ import annotations

import collections
import functools

STATS: collections.Counter = collections.Counter()


@functools.cache
def patterns_by_op() -> dict[type, list]:
    from tpuc.dialects.top.canonicalize import add, constant, gather, matmul, permute, reshape, softmax, split, unary

    table: dict[type, list] = collections.defaultdict(list)
    for module in (constant, add, gather, split, matmul, permute, reshape, softmax, unary):
        for op_type, pattern in module.PATTERNS:
            table[op_type].append(pattern)
    return dict(table)
