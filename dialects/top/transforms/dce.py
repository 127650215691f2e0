"""``top-dce``: remove Top ops whose results are unused.

Requires nothing; keeps ``top.Input`` (graph inputs) and the terminator. Unlike xDSL's
``dce`` it knows that ``top.Weight`` ops are free to drop (their data stays in the weight file
until the driver prunes it).
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects import func
from xdsl.dialects.builtin import ModuleOp
from xdsl.passes import ModulePass

from tpuc.dialects.top.base import TopOp
from tpuc.dialects.top.ops.core import InputOp


@dataclass(frozen=True)
class TopDCEPass(ModulePass):
    """Erase Top ops (other than graph inputs) whose results have no uses, to a fixpoint."""

    name = "top-dce"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        for fn in op.ops:
            if not isinstance(fn, func.FuncOp):
                continue
            block = fn.body.block
            for o in reversed(list(block.ops)):
                if isinstance(o, TopOp) and not isinstance(o, InputOp) and all(not r.uses for r in o.results):
                    block.erase_op(o)
