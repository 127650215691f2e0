"""Pattern-isolation helpers shared by the canonicalization tests."""

from __future__ import annotations

from tpuc.dialects.top.canonicalize import patterns_by_op

#: every registered Top pattern, by class name
PATTERNS = sorted({type(p).__name__ for ps in patterns_by_op().values() for p in ps})


def only(*names: str) -> str:
    """A ``top-canonicalize`` spec with every pattern but ``names`` disabled."""
    for n in names:
        assert n in PATTERNS, n
    return "top-canonicalize{disable=" + ",".join(p for p in PATTERNS if p not in names) + "}"
