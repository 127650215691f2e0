"""Graph-boundary ops: ``top.Input``, ``top.Weight`` and ``top.None`` (as in tpu-mlir)."""

from __future__ import annotations

from typing import ClassVar

import numpy as np
from xdsl.dialects.builtin import NoneType, TensorType
from xdsl.irdl import irdl_op_definition, operand_def, result_def, traits_def
from xdsl.traits import ConstantLike, Pure
from xdsl.utils.exceptions import VerifyException

from tpuc.dialects.top.base import TopOp, name_of


@irdl_op_definition
class InputOp(TopOp):
    """Marks a graph input: ``%x = top.Input(%arg0)``; its name is the ONNX input name.

    Requires a ranked static tensor; the result type equals the argument type.
    """

    name = "top.Input"
    input = operand_def(TensorType)
    output = result_def(TensorType)
    traits = traits_def(Pure())

    def infer_types(self):
        return [self.input.type]

    def compute(self, inputs):
        return [inputs[0]]


@irdl_op_definition
class WeightOp(TopOp):
    """A constant tensor stored in the module's weight file; its ``NameLoc`` is the key.

    Carries no data in the IR (weights can be hundreds of MB); the interpreter and the passes
    read the value from the :class:`~tpuc.compiler.weights.WeightStore`.
    """

    name = "top.Weight"
    output = result_def(TensorType)
    traits = traits_def(ConstantLike(), Pure())
    DATA_DEPENDENT: ClassVar[bool] = True  # no operands: its type is what it is

    def verify_(self) -> None:
        if not name_of(self):
            raise VerifyException("top.Weight needs a loc(\"name\") naming its weight-file entry")


@irdl_op_definition
class NoneOp(TopOp):
    """The absent optional operand (a Conv without bias, ...): ``%n = top.None() : () -> none``."""

    name = "top.None"
    output = result_def(NoneType)
    traits = traits_def(Pure())

    def infer_types(self):
        return [NoneType()]

    def compute(self, inputs):
        return [None]


def weight_value(op: WeightOp, store) -> np.ndarray:
    return store[name_of(op)]
