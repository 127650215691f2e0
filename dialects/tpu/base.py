"""Shared machinery of the Tpu dialect: quantisation properties, the verifier, mirror ops.

Most Tpu ops have the same operands and properties as their Top op (tpu-mlir's TpuOps.td repeats
TopOps.td the same way); :func:`mirror_op` derives ``tpu.X`` from ``top.X`` and adds the
quantisation properties of :class:`TpuOp`:

* ``quant_mode`` -- ``"F32"``, ``"F16"``, ``"BF16"`` or ``"INT8"``: how the op computes;
* ``qscale`` / ``qzero_point`` -- the real value of an int8 result is ``(q - zp) * qscale``
  (tpuc is symmetric: ``zp = 0``; the property exists for uint8/asymmetric tensors);
* ``multiplier`` / ``rshift`` -- the requantisation of an INT8 op's int32 accumulator, one entry
  per output channel (Conv, MatMul with weights) or per input (Add: one multiplier per operand,
  one shift), see :mod:`tpuc.dialects.tpu.quant`.

Element types are storage types; the verifier re-runs the Top op's shape inference on
float views of the operands and checks shapes, storage types and that every int8 result of an
INT8 op has a ``qscale``.
"""

from __future__ import annotations

import dataclasses
from typing import Any, ClassVar

import ml_dtypes
import numpy as np
from xdsl.dialects.builtin import (
    DenseArrayBase,
    FloatAttr,
    IntegerAttr,
    NoneType,
    StringAttr,
    TensorType,
    f32,
)
from xdsl.irdl import IRDLOperation, irdl_op_definition, opt_prop_def
from xdsl.irdl.operations import get_accessors_from_op_def
from xdsl.utils.exceptions import VerifyException
from xdsl.utils.test_value import create_ssa_value

from tpuc.dialects.top.base import TopOp, dtype_of, name_of, shape_of

MODES = ("F32", "F16", "BF16", "INT8")
#: half-precision storage dtypes (computed in f32 and rounded at the op output)
_HALF = (np.dtype(np.float16), np.dtype(ml_dtypes.bfloat16))
#: the storage dtype of a float mode's tensors
MODE_DTYPE = {"F32": np.dtype(np.float32), "F16": np.dtype(np.float16)}


def mode_dtype(mode: str) -> np.dtype:
    """Storage dtype of a float mode (F32, F16, BF16)."""
    import ml_dtypes

    if mode == "BF16":
        return np.dtype(ml_dtypes.bfloat16)
    try:
        return MODE_DTYPE[mode]
    except KeyError:
        raise ValueError(f"{mode} is not a float mode") from None


@irdl_op_definition
class _QuantProperties(IRDLOperation):
    """Holder of the quantisation property definitions every Tpu op gets (never instantiated)."""

    name = "tpu._quant_properties"
    quant_mode = opt_prop_def(StringAttr)
    qscale = opt_prop_def(FloatAttr)
    qzero_point = opt_prop_def(IntegerAttr)
    multiplier = opt_prop_def(DenseArrayBase)
    rshift = opt_prop_def(DenseArrayBase)


QUANT_PROPERTIES = tuple(_QuantProperties.get_irdl_definition().properties)


#: Top ops that may run in INT8 without an integer kernel: they move int8 values (and keep the
#: scale), so the Top reference computes them exactly on int8 data
INT8_DATA_MOVEMENT = frozenset({
    "top.Reshape", "top.Permute", "top.Squeeze", "top.Unsqueeze", "top.Slice", "top.Split", "top.Tile",
    "top.Expand", "top.Depth2Space", "top.Gather", "top.Pad", "top.Concat", "top.MaxPool", "top.Relu"})

#: Top ops whose operand 2 (the bias) is int32 storage in INT8 mode
_INT32_BIAS = ("top.Conv", "top.Deconv", "top.MatMul")


def _float_view(t, quantised: bool, int32_storage: bool = False):
    """The operand type the Top op's shape inference sees: half floats, and in an INT8 op the
    quantised i8/ui8 storage (and the int32 bias of Conv/MatMul), are viewed as f32 (shape
    inference only needs shapes; genuine integer operands such as Gather indices stay)."""
    if not isinstance(t, TensorType):
        return t
    elem = str(t.element_type)
    if elem in ("f16", "bf16") or (quantised and (elem in ("i8", "ui8") or (int32_storage and elem == "i32"))):
        return TensorType(f32, t.get_shape())
    return t


class TpuOp(TopOp):
    """Base of every Tpu op: the quantisation accessors and the storage-type verifier."""

    #: the Top op this op mirrors (``None`` for chip-only ops)
    TOP: ClassVar[type[TopOp] | None] = None

    def qmode(self) -> str:
        """The op's ``quant_mode`` (F32 when absent: integer and bool ops keep their types)."""
        return self.p("quant_mode", "F32")

    def scale(self) -> float | None:
        return self.p("qscale")

    def verify_(self) -> None:
        where = f"{self.name} '{name_of(self)}'" if name_of(self) else self.name
        mode = self.qmode()
        if mode not in MODES:
            raise VerifyException(f"{where}: quant_mode must be one of {', '.join(MODES)}, got '{mode}'")
        for r in self.results:
            if isinstance(r.type, TensorType) and mode == "INT8" and str(r.type.element_type) in ("i8", "ui8") \
                    and self.scale() is None:
                raise VerifyException(f"{where}: an INT8 op's int8 result needs a qscale")
        self._verify_quant_params(where, mode)
        if self.TOP is not None and not self.TOP.DATA_DEPENDENT:
            self._verify_shapes(where)
        self.verify_chip()

    def compute(self, inputs):
        """Chip numerics: an INT8 op runs its integer kernel (``inference/``) or, for data
        movement, the Top reference on int8 values; a float op runs the Top reference in f32 (half
        operands widened exactly) and every result is rounded once to its storage type."""
        from tpuc.dialects.tpu.inference import kernel_for

        kernel = kernel_for(self.name) if self.qmode() == "INT8" else None
        if kernel is not None:
            outs = kernel(self, inputs)
        else:
            if self.qmode() in ("F16", "BF16"):  # compute in f32, round once at the output
                inputs = [x.astype(np.float32) if x is not None and x.dtype in _HALF else x for x in inputs]
            outs = self.TOP.compute(self, inputs)
        return [o if o is None or not isinstance(r.type, TensorType) else np.asarray(o).astype(dtype_of(r), copy=False)
                for o, r in zip(outs, self.results, strict=True)]

    def _verify_quant_params(self, where: str, mode: str) -> None:
        """Storage types match the mode; scales, multipliers and shifts are usable; an INT8 op is
        either data movement or has an integer kernel with its requant parameters."""
        import math

        scale = self.scale()
        if scale is not None and not (math.isfinite(scale) and scale > 0):
            raise VerifyException(f"{where}: qscale must be finite and positive, got {scale}")
        mult, shift = self.p("multiplier"), self.p("rshift")
        if shift is not None and any(not 0 <= n <= 63 for n in shift):
            raise VerifyException(f"{where}: rshift entries must be in [0, 63], got {list(shift)}")
        if mult is not None and any(not 0 <= m < 2**32 for m in mult):
            raise VerifyException(f"{where}: multiplier entries must be in [0, 2**32), got {list(mult)[:4]}")
        want = {"F16": ("f16",), "BF16": ("bf16",), "F32": ("f32", "f64"), "INT8": ()}[mode]
        for v in self.results:
            elem = str(v.type.element_type) if isinstance(v.type, TensorType) else ""
            if self.TOP is not None and elem in ("f16", "bf16", "f32", "f64") and elem not in want:
                raise VerifyException(f"{where}: a {mode} op cannot produce {elem}")
        if mode != "INT8" or self.TOP is None:
            return
        from tpuc.dialects.tpu.inference import kernel_for

        if kernel_for(self.name) is None:
            if self.TOP.name not in INT8_DATA_MOVEMENT:
                raise VerifyException(f"{where}: {self.name} has no INT8 form (no integer kernel, not data movement)")
            return
        if mult is None or shift is None:
            raise VerifyException(f"{where}: an INT8 {self.name} needs multiplier and rshift")
        n_in = len(self.operands)
        if self.name in ("tpu.Add", "tpu.Sub"):
            ok = len(mult) == n_in and len(shift) == 1
        elif self.name in ("tpu.Conv", "tpu.Deconv", "tpu.MatMul"):
            out = shape_of(self.results[0])
            n_ch = (out[-1] if self.name == "tpu.MatMul" else out[1]) if len(out) >= 2 else 1
            ok = len(mult) == len(shift) and len(mult) in (1, n_ch)
        else:
            ok = len(mult) == 1 and len(shift) == 1
        if not ok:
            raise VerifyException(f"{where}: {len(mult)} multiplier(s) and {len(shift)} rshift(s) do not fit "
                                  f"{self.name} with {n_in} operand(s)")

    def verify_chip(self) -> None:
        """Op-specific checks of chip-only ops (types of Cast, table size of Lut ...)."""

    def _verify_shapes(self, where: str) -> None:
        props = {k: v for k, v in self.properties.items() if k not in QUANT_PROPERTIES}
        quantised = self.qmode() == "INT8"
        operands = [create_ssa_value(_float_view(o.type, quantised, i == 2 and self.TOP.name in _INT32_BIAS))
                    for i, o in enumerate(self.operands)]
        try:
            probe = self.TOP.create(operands=operands, result_types=[NoneType()] * len(self.results),
                                    properties=props)
            expected = probe.infer_types()
        except (VerifyException, ValueError, IndexError, TypeError, AssertionError) as e:
            raise VerifyException(f"{where}: {e}") from e
        for got, exp in zip(self.results, expected, strict=True):
            if isinstance(exp, TensorType) and shape_of(got) != shape_of(exp):
                raise VerifyException(f"{where}: result shape {list(shape_of(got))} does not match the "
                                      f"inferred {list(shape_of(exp))}")


def mirror_op(top_cls: type[TopOp], doc: str = "") -> type[TpuOp]:
    """``tpu.X`` derived from ``top.X``: same operands, results and properties, plus the
    quantisation properties; reuses the Top op's reference ``compute`` for float modes."""
    top_def = top_cls.get_irdl_definition()
    qdef = _QuantProperties.get_irdl_definition()
    name = "tpu." + top_def.name.split(".", 1)[1]
    op_def = dataclasses.replace(
        top_def, name=name,
        properties={**top_def.properties, **qdef.properties},
        accessor_names={**top_def.accessor_names, **qdef.accessor_names})
    first = (top_cls.__doc__ or "").strip().splitlines()[0] if top_cls.__doc__ else ""
    ns: dict[str, Any] = {
        "name": name,
        "TOP": top_cls,
        "__module__": "tpuc.dialects.tpu.ops",
        "__qualname__": top_cls.__name__,
        "__doc__": (f"Chip-level ``{name}`` (the lowering of ``{top_def.name}``: {first})\n\n"
                    f"Same operands and properties as ``{top_def.name}``; the result element type is the "
                    f"storage type of ``quant_mode``. {doc}").strip(),
    }
    cls = type(top_cls.__name__, (TpuOp, top_cls), ns)
    for k, v in get_accessors_from_op_def(op_def, TpuOp.verify_).items():
        setattr(cls, k, v)
    return cls

