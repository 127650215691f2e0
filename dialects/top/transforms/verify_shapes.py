"""``top-verify-shapes``: re-run shape inference on every Top op and fail on a mismatch.

The op verifiers already do this; the pass exists so a pipeline can assert it at a chosen point
and so a failure names the op and its tensor.
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.passes import ModulePass
from xdsl.utils.exceptions import VerifyException

from tpuc.dialects.top.base import TopOp


@dataclass(frozen=True)
class TopVerifyShapesPass(ModulePass):
    """Check that every Top op's result types equal its inferred types."""

    name = "top-verify-shapes"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        for o in op.walk():
            if isinstance(o, TopOp) and not o.DATA_DEPENDENT:
                try:
                    o.verify_()
                except VerifyException as e:
                    raise VerifyException(str(e)) from None
