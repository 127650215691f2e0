"""Shared machinery of the Top dialect: types, properties, custom syntax, and the op interfaces.

Every Top op derives from :class:`TopOp`, which gives it

* ``infer_types()`` -- shape and dtype inference from operand types and properties (tpu-mlir's
  ``ShapeInterface``); the verifier re-runs it and compares with the declared result types;
* ``compute(inputs)`` -- the numpy reference semantics used by the Top interpreter and by
  constant folding (tpu-mlir's ``InferenceInterface``);
* a uniform custom syntax for people::

      %3 = top.Conv(%0, %1, %2) {strides = array<i64: 2, 2>} : (tensor<..>, ..) -> tensor<..> loc("conv1")

  and the standard generic form (``--generic``) that upstream ``mlir-opt`` parses.

Properties use MLIR builtin attributes only (``IntegerAttr``, ``FloatAttr``, ``StringAttr``,
``DenseArrayBase``) so generic dumps stay MLIR-compatible.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

import ml_dtypes
import numpy as np
from xdsl.dialects.builtin import (
    BFloat16Type,
    DenseArrayBase,
    Float16Type,
    Float32Type,
    Float64Type,
    FloatAttr,
    FusedLoc,
    IntegerAttr,
    IntegerType,
    NameLoc,
    NoneAttr,
    NoneType,
    Signedness,
    StringAttr,
    TensorType,
    bf16,
    f16,
    f32,
    f64,
    i1,
    i64,
)
from xdsl.ir import Attribute, SSAValue
from xdsl.irdl import IRDLOperation
from xdsl.parser import Parser
from xdsl.printer import Printer
from xdsl.utils.exceptions import VerifyException

# --------------------------------------------------------------------------------------- dtypes

_INT_TYPES = {
    np.dtype(np.int8): IntegerType(8),
    np.dtype(np.int16): IntegerType(16),
    np.dtype(np.int32): IntegerType(32),
    np.dtype(np.int64): IntegerType(64),
    np.dtype(np.uint8): IntegerType(8, Signedness.UNSIGNED),
    np.dtype(np.uint16): IntegerType(16, Signedness.UNSIGNED),
    np.dtype(np.uint32): IntegerType(32, Signedness.UNSIGNED),
    np.dtype(np.uint64): IntegerType(64, Signedness.UNSIGNED),
    np.dtype(np.bool_): i1,
}
_FLOAT_TYPES = {
    np.dtype(np.float16): f16,
    np.dtype(np.float32): f32,
    np.dtype(np.float64): f64,
    np.dtype(ml_dtypes.bfloat16): bf16,
}
_TO_ELEM = {**_INT_TYPES, **_FLOAT_TYPES}
_FROM_ELEM = {v: k for k, v in _TO_ELEM.items()}


def element_type(dtype: Any) -> Attribute:
    """The MLIR element type of a numpy dtype."""
    try:
        return _TO_ELEM[np.dtype(dtype)]
    except KeyError:
        raise ValueError(f"dtype {np.dtype(dtype)} has no Top element type") from None


def numpy_dtype(elem: Attribute) -> np.dtype:
    """The numpy dtype of an MLIR element type."""
    try:
        return _FROM_ELEM[elem]
    except KeyError:
        raise ValueError(f"element type {elem} has no numpy dtype") from None


MAX_DIM = 2**31 - 1  # larger dims are not real tensors (and MLIR rejects > int64)


def tensor_type(shape: Sequence[int], dtype: Any) -> TensorType:
    """The static tensor type; raises ValueError for negative or absurd dims."""
    dims = [int(d) for d in shape]
    bad = [d for d in dims if d < 0 or d > MAX_DIM]
    if bad:
        raise ValueError(f"dimension {bad[0]} of shape {dims} is out of range [0, {MAX_DIM}]")
    return TensorType(element_type(dtype), dims)


def shape_of(value: SSAValue | Attribute) -> tuple[int, ...]:
    t = value.type if isinstance(value, SSAValue) else value
    if not isinstance(t, TensorType):
        raise ValueError(f"expected a tensor, got {t}")
    return tuple(int(d) for d in t.get_shape())


def dtype_of(value: SSAValue | Attribute) -> np.dtype:
    t = value.type if isinstance(value, SSAValue) else value
    assert isinstance(t, TensorType)
    return numpy_dtype(t.element_type)


def is_none(value: SSAValue) -> bool:
    return isinstance(value.type, NoneType)


def is_float(dtype: np.dtype) -> bool:
    return np.issubdtype(dtype, np.floating) or dtype == ml_dtypes.bfloat16


# ----------------------------------------------------------------------------------- properties


def to_attr(value: Any) -> Attribute:
    """Python value -> MLIR builtin attribute (bool, int, float, str, int/float sequences)."""
    if isinstance(value, Attribute):
        return value
    if isinstance(value, (bool, np.bool_)):
        return IntegerAttr(int(value), i1)
    if isinstance(value, (int, np.integer)):
        return IntegerAttr(int(value), i64)
    if isinstance(value, (float, np.floating)):
        return FloatAttr(float(value), f64)
    if isinstance(value, str):
        return StringAttr(value)
    if isinstance(value, (list, tuple, np.ndarray)):
        vals = list(np.asarray(value).reshape(-1)) if isinstance(value, np.ndarray) else list(value)
        if all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in vals):
            return DenseArrayBase.from_list(i64, [int(v) for v in vals])
        return DenseArrayBase.from_list(f64, [float(v) for v in vals])
    raise TypeError(f"cannot make an attribute of {value!r}")


def from_attr(attr: Attribute) -> Any:
    """MLIR builtin attribute -> Python value (inverse of :func:`to_attr`)."""
    if isinstance(attr, IntegerAttr):
        v = attr.value.data
        return bool(v) if attr.type == i1 else int(v)
    if isinstance(attr, FloatAttr):
        return float(attr.value.data)
    if isinstance(attr, StringAttr):
        return attr.data
    if isinstance(attr, DenseArrayBase):
        return tuple(attr.get_values())
    raise TypeError(f"unexpected attribute {attr}")


def result_names(op: Any) -> list[str]:
    """The tensor name of each result: a ``NameLoc``, or for multi-result ops (Split, TopK) a
    ``FusedLoc`` of one ``NameLoc`` per result, as tpu-mlir does."""
    loc = op.location
    if isinstance(loc, NameLoc):
        return [loc.desc.data]
    if isinstance(loc, FusedLoc):
        return [x.desc.data if isinstance(x, NameLoc) else "" for x in loc.locations.data]
    return []


def name_of(op: Any) -> str:
    """The tensor name of an op (its first result's name), or ``""``."""
    names = result_names(op)
    return names[0] if names else ""


def set_name(op: Any, name: str | Sequence[str]) -> None:
    if isinstance(name, str):
        op.location = NameLoc(StringAttr(name), NoneAttr())
    elif len(name) == 1:
        set_name(op, name[0])
    else:
        op.location = FusedLoc([NameLoc(StringAttr(n), NoneAttr()) for n in name], NoneAttr())


# ------------------------------------------------------------------------------------ base op


class TopOp(IRDLOperation):
    """Base of every Top op: property accessors, inference, custom syntax, shape verifier."""

    #: True when the result shape depends on operand *values* (only foldable, never emitted
    #: with non-constant data operands).
    DATA_DEPENDENT: ClassVar[bool] = False

    # --- property accessors (defaults make optional properties read naturally) -------------
    def p(self, name: str, default: Any = None) -> Any:
        attr = self.properties.get(name)
        return default if attr is None else from_attr(attr)

    # --- interfaces --------------------------------------------------------------------------
    def infer_types(self) -> list[Attribute]:
        """Result types from operand types and properties (shape inference)."""
        raise NotImplementedError(f"{self.name} has no shape inference")

    def compute(self, inputs: list[np.ndarray | None]) -> list[np.ndarray]:
        """Numpy reference semantics: operand values -> result values."""
        raise NotImplementedError(f"{self.name} has no reference implementation")

    def in_shape(self, i: int = 0) -> tuple[int, ...]:
        return shape_of(self.operands[i])

    def in_dtype(self, i: int = 0) -> np.dtype:
        return dtype_of(self.operands[i])

    def verify_(self) -> None:
        if self.DATA_DEPENDENT:
            return
        where = f"{self.name} '{name_of(self)}'" if name_of(self) else self.name
        try:
            expected = self.infer_types()
        except (VerifyException, ValueError, IndexError, TypeError, AssertionError) as e:
            raise VerifyException(f"{where}: {e}") from e
        got = [r.type for r in self.results]
        if list(expected) != got:
            raise VerifyException(
                f"{where}: result types {[str(t) for t in got]} do not match the "
                f"inferred {[str(t) for t in expected]}"
            )

    # --- custom syntax -----------------------------------------------------------------------
    def print(self, printer: Printer) -> None:
        printer.print_string("(")
        printer.print_list(self.operands, printer.print_operand)
        printer.print_string(")")
        attrs = {**self.properties, **self.attributes}
        if attrs:
            printer.print_string(" ")
            printer.print_attr_dict(attrs)
        printer.print_string(" : ")
        printer.print_function_type(self.operand_types, self.result_types)

    @classmethod
    def parse(cls, parser: Parser) -> "TopOp":
        pos = parser.pos
        args = parser.parse_op_args_list()
        attrs = parser.parse_optional_attr_dict()
        parser.parse_punctuation(":")
        ftype = parser.parse_function_type()
        operands = parser.resolve_operands(args, ftype.inputs.data, pos)
        prop_names = set(cls.get_irdl_definition().properties)
        props = {k: v for k, v in attrs.items() if k in prop_names}
        others = {k: v for k, v in attrs.items() if k not in prop_names}
        return cls.create(
            operands=operands,
            result_types=list(ftype.outputs.data),
            properties=props,
            attributes=others,
        )


def set_result_types(op: IRDLOperation, types: Sequence[Attribute]) -> None:
    """Set result types in place (used by the importer after shape inference)."""
    for r, t in zip(op.results, types, strict=True):
        r._type = t  # noqa: SLF001 -- xDSL has no public setter for a fresh, unused result


def build(cls: type[TopOp], operands: Sequence[SSAValue], props: dict[str, Any] | None = None,
          *, n_results: int = 1, name: str | Sequence[str] | None = None, result_types: Sequence[Attribute] | None = None) -> TopOp:
    """Create a detached op, infer its result types (unless given) and name it."""
    properties = {k: to_attr(v) for k, v in (props or {}).items() if v is not None}
    if result_types is None:
        op = cls.create(operands=list(operands), result_types=[NoneType()] * n_results,
                        properties=properties)
        set_result_types(op, op.infer_types())
    else:
        op = cls.create(operands=list(operands), result_types=list(result_types),
                        properties=properties)
    if name is not None:
        set_name(op, name)
    return op


def broadcast_shapes(*shapes: Sequence[int]) -> tuple[int, ...]:
    """Multidirectional (numpy/ONNX) broadcasting of any rank (numpy's helper stops at 32)."""
    rank = max((len(s) for s in shapes), default=0)
    out = []
    for i in range(rank):
        dims = {int(s[len(s) - rank + i]) for s in shapes if len(s) - rank + i >= 0}
        dims.discard(1)
        if len(dims) > 1:
            raise VerifyException("shapes " + ", ".join(str(list(s)) for s in shapes) + " do not broadcast")
        out.append(dims.pop() if dims else 1)
    return tuple(out)
