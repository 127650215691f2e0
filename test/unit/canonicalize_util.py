"""Pattern-isolation helpers shared by the canonicalization tests."""

from __future__ import annotations

import numpy as np

from tpuc.dialects.top import interpreter
from tpuc.dialects.top.base import result_names
from tpuc.dialects.top.canonicalize import patterns_by_op

#: every registered Top pattern, by class name
PATTERNS = sorted({type(p).__name__ for ps in patterns_by_op().values() for p in ps})


def only(*names: str) -> str:
    """A ``top-canonicalize`` spec with every pattern but ``names`` disabled."""
    for n in names:
        assert n in PATTERNS, n
    return "top-canonicalize{disable=" + ",".join(p for p in PATTERNS if p not in names) + "}"


def random_inputs(module, seed: int = 0, *, int_range: tuple[int, int] = (-3, 4),
                  special: bool = False) -> dict[str, np.ndarray]:
    """Seeded inputs for every graph input: N(0,1) floats (``special``: three of them NaN, +inf,
    -inf), random bools, integers in ``[int_range[0], int_range[1])``."""
    rng = np.random.default_rng(seed)
    out = {}
    for name, shape, dt in interpreter.input_specs(module):
        if np.issubdtype(dt, np.floating):
            x = rng.standard_normal(shape).astype(dt)
            if special and x.size >= 4:
                x.reshape(-1)[rng.choice(x.size, 3, replace=False)] = [np.nan, np.inf, -np.inf]
            out[name] = x
        elif dt == np.bool_:
            out[name] = rng.integers(0, 2, size=shape).astype(bool)
        else:
            out[name] = rng.integers(*int_range, size=shape).astype(dt)
    return out


def op_names(module) -> list[str]:
    """Names of the Top ops of ``module``, in walk order."""
    return [op.name for op in module.walk() if op.name.startswith("top.")]


def find(module, tensor_name: str):
    """The one Top op with a result named ``tensor_name``."""
    found = [op for op in module.walk() if op.name.startswith("top.") and tensor_name in result_names(op)]
    assert len(found) == 1, (tensor_name, found)
    return found[0]


def rnd(*shape: int, seed: int = 1) -> np.ndarray:
    """Seeded N(0,1) float32 weights."""
    return np.random.default_rng(seed + 7 * len(shape)).standard_normal(shape).astype(np.float32)


def assert_same_outputs(before, after, *, exact: bool = False, rtol: float = 1e-5, atol: float = 1e-6) -> None:
    """Interpreter outputs before and after a rewrite agree (bit-exactly with ``exact``)."""
    assert len(before) == len(after)
    for b, a in zip(before, after, strict=True):
        assert a.shape == b.shape and a.dtype == b.dtype
        if exact:
            np.testing.assert_array_equal(a, b)
        else:
            np.testing.assert_allclose(a, b, rtol=rtol, atol=atol)
