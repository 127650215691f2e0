"""Every Tpu op.

``tpu.X`` for each Top op ``top.X`` (except the graph-boundary ``top.Input``, ``top.Weight`` and
``top.None``, which Tpu modules keep, as tpu-mlir does), derived by :func:`mirror_op`, and the
chip-only ops that move values between storage types:

* ``tpu.Cast`` -- float <-> float rounding, float -> int8 quantisation, int8 -> float
  dequantisation;
* ``tpu.Requant`` -- int8/int32 -> int8 with a new scale (multiplier + right shift);
* ``tpu.Lut`` -- int8 -> int8 through a 256-entry table (activations in INT8).
"""

from __future__ import annotations

import numpy as np
from xdsl.dialects.builtin import DenseArrayBase, FloatAttr, IntegerAttr, StringAttr, TensorType
from xdsl.irdl import irdl_op_definition, operand_def, opt_prop_def, result_def, traits_def
from xdsl.traits import Pure
from xdsl.utils.exceptions import VerifyException

from tpuc.dialects.top import all_ops as top_ops
from tpuc.dialects.top.base import dtype_of, is_float, shape_of
from tpuc.dialects.tpu.base import TpuOp, mirror_op
from tpuc.dialects.tpu.quant import dequantize, quantize, requant

_BOUNDARY = ("top.Input", "top.Weight", "top.None")
#: Top ops whose Tpu form is a chip op (``top.Cast`` lowers to the chip's ``tpu.Cast``)
_NOT_MIRRORED = (*_BOUNDARY, "top.Cast")

MIRRORED: dict[str, type[TpuOp]] = {
    cls.name: mirror_op(cls) for cls in top_ops() if cls.name not in _NOT_MIRRORED
}
"""``top.X`` name -> its ``tpu.X`` class."""

_FLOATS = ("f32", "f16", "bf16", "f64")  # f64 only at graph boundaries (the chip has none)
_QUANT = ("i8", "ui8")


def _elem(v) -> str:
    return str(v.type.element_type) if isinstance(v.type, TensorType) else ""


class _ChipOp(TpuOp):
    """Base of the chip-only ops: declares the quantisation properties the mirror ops get from
    :func:`mirror_op`."""

    quant_mode = opt_prop_def(StringAttr)
    qscale = opt_prop_def(FloatAttr)
    qzero_point = opt_prop_def(IntegerAttr)
    multiplier = opt_prop_def(DenseArrayBase)
    rshift = opt_prop_def(DenseArrayBase)

    def same_shape(self) -> None:
        """Verify that ``input`` and ``output`` have the same shape."""
        if shape_of(self.input) != shape_of(self.output):
            raise VerifyException(f"{self.name} changes the shape {list(shape_of(self.input))} -> "
                                  f"{list(shape_of(self.output))}")


class _ShapePreservingChipOp(_ChipOp):
    """A chip op from ``input`` to an ``output`` of the same shape (its element type is the op's
    business)."""

    input = operand_def(TensorType)
    output = result_def(TensorType)
    traits = traits_def(Pure())

    def infer_types(self):
        return [self.output.type]


@irdl_op_definition
class CastOp(_ShapePreservingChipOp):
    """Changes the element type of a tensor: ``%y = tpu.Cast(%x) : (tensor<..xf32>) -> tensor<..xi8>``.

    With ``qscale`` it moves a real tensor between float and int8 storage:

    * float -> int8: ``q = saturate(round_half_away(x * (1 / qscale)))`` (the chip multiplies by
      the reciprocal scale in f32);
    * int8 -> float: ``x = q * qscale`` computed in f32, then rounded to the target.

    Without ``qscale`` it is the model's own conversion (the lowering of ``top.Cast``, ONNX Cast
    semantics): float -> float rounds to nearest even (finite values beyond the target's range
    become +-inf, as IEEE), float -> int truncates, anything -> bool is ``!= 0``.
    """

    name = "tpu.Cast"

    def verify_chip(self) -> None:
        a, b = _elem(self.input), _elem(self.output)
        self.same_shape()
        if self.scale() is not None:
            if not ((a in _FLOATS and b in _QUANT) or (a in _QUANT and b in _FLOATS)):
                raise VerifyException(f"tpu.Cast with a qscale (de)quantises between float and int8, not {a} -> {b}")
        elif self.qmode() == "INT8":
            raise VerifyException("an INT8 tpu.Cast needs a qscale")

    def compute(self, inputs):
        x, to = inputs[0], dtype_of(self.output)
        if self.scale() is not None:
            if _elem(self.output) in _QUANT:
                return [quantize(x, self.scale())]
            return [dequantize(x, self.scale(), to)]
        if is_float(x.dtype) and np.issubdtype(to, np.integer):
            with np.errstate(invalid="ignore"):
                x = np.trunc(x)
        with np.errstate(over="ignore", invalid="ignore"):
            return [x.astype(to)]


@irdl_op_definition
class RequantOp(_ShapePreservingChipOp):
    """Rescales an int8 (or int32) tensor to int8 with another scale:
    ``y = saturate(round_half_away(x * multiplier >> rshift))`` (one multiplier and shift);
    ``qscale`` is the scale of the result."""

    name = "tpu.Requant"

    def verify_chip(self) -> None:
        if _elem(self.input) not in ("i8", "i32") or _elem(self.output) != "i8":
            raise VerifyException("tpu.Requant maps i8/i32 to i8")
        if len(self.p("multiplier", ())) != 1 or len(self.p("rshift", ())) != 1:
            raise VerifyException("tpu.Requant needs one multiplier and one rshift")
        self.same_shape()

    def compute(self, inputs):
        (m,), (n,) = self.p("multiplier"), self.p("rshift")
        return [requant(inputs[0], m, n)]


@irdl_op_definition
class LutOp(_ChipOp):
    """Table lookup ``y = table[x + 128]`` for an int8 ``x`` and a 256-entry int8 ``table``
    (a ``top.Weight``): how the chip runs an activation function (Sigmoid, SiLU, ...) in INT8.
    The table is built at lowering from the input and output scales."""

    name = "tpu.Lut"
    input = operand_def(TensorType)
    table = operand_def(TensorType)
    output = result_def(TensorType)
    traits = traits_def(Pure())

    def infer_types(self):
        return [self.output.type]

    def verify_chip(self) -> None:
        if _elem(self.input) != "i8" or _elem(self.output) != "i8" or _elem(self.table) != "i8":
            raise VerifyException("tpu.Lut maps i8 to i8 through an i8 table")
        if shape_of(self.table) != (256,):
            raise VerifyException(f"tpu.Lut table must have 256 entries, has shape {list(shape_of(self.table))}")
        self.same_shape()

    def compute(self, inputs):
        x, table = inputs
        return [np.asarray(table, np.int8)[np.asarray(x, np.int16) + 128]]


CHIP_OPS = (CastOp, RequantOp, LutOp)
ALL_OPS = (*MIRRORED.values(), *CHIP_OPS)


def tpu_op_for(top_name: str) -> type[TpuOp]:
    """The Tpu class lowering ``top_name`` produces."""
    return MIRRORED[top_name]


def is_quantised(value) -> bool:
    """True for an int8/uint8 tensor produced by an INT8-mode op (a quantised real tensor)."""
    owner = value.owner
    return isinstance(owner, TpuOp) and _elem(value) in _QUANT and owner.scale() is not None

