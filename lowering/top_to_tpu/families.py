"""Imports every op-family module so their INT8 lowerings are registered."""

from __future__ import annotations

import functools


@functools.cache
def load() -> None:
    from tpuc.lowering.top_to_tpu import elementwise, nn, reduce, shape  # noqa: F401
