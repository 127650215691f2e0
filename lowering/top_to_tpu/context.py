"""The state of one Top -> Tpu lowering: modes, calibration, weights, casts.

Family modules (``elementwise.py``, ``nn.py``, ``reduce.py``, ``shape.py``) register INT8
lowerings with :func:`int8_lowering`; every op also has the generic float lowering
(:meth:`LoweringContext.lower_float`), used for F32/F16/BF16 and for INT8 models' float ops.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from xdsl.dialects.builtin import TensorType
from xdsl.ir import Operation, SSAValue
from xdsl.rewriter import InsertPoint, Rewriter

from tpuc.compiler.errors import CompileError
from tpuc.compiler.weights import WeightStore
from tpuc.dialects.top.base import (
    build,
    dtype_of,
    is_float,
    is_none,
    name_of,
    result_names,
    set_name,
    shape_of,
    tensor_type,
    to_attr,
)
from tpuc.dialects.top.interpreter import stored_weight
from tpuc.dialects.top.ops.core import InputOp, NoneOp, WeightOp
from tpuc.dialects.tpu import quant
from tpuc.dialects.tpu.base import TpuOp, mode_dtype
from tpuc.dialects.tpu.ops import CastOp, RequantOp, is_quantised, tpu_op_for


@dataclass
class Int8Lowering:
    """How an op type lowers to INT8: ``supports(ctx, op)`` says whether this instance can, and
    ``lower(ctx, op)`` builds the Tpu op(s) and returns the replacement values."""

    lower: Callable
    supports: Callable = lambda ctx, op: True
    #: data movement: runs in INT8 exactly when its data operand is already int8, and keeps its
    #: scale (no calibration entry needed)
    transparent: bool = False


INT8: dict[str, Int8Lowering] = {}

#: Top op name -> the family module whose float lowering (F32/F16/BF16) covers it
FLOAT: dict[str, str] = {}


def float_lowering_for(top_module) -> tuple[str, ...]:
    """Register the generic float lowering (:meth:`LoweringContext.lower_float`) for every op of a
    Top op-family module (``tpuc.dialects.top.ops.<family>``); returns their names. Called once by
    each lowering family module, so a Top op no family claims is an error, not a silent default."""
    from tpuc.dialects.top.base import TopOp

    names = tuple(sorted(cls.name for cls in vars(top_module).values()
                         if isinstance(cls, type) and issubclass(cls, TopOp) and cls.__module__ == top_module.__name__
                         and "name" in cls.__dict__ and cls.name not in ("top.Input", "top.Weight", "top.None")))
    for n in names:
        FLOAT[n] = top_module.__name__.rsplit(".", 1)[-1]
    return names


def int8_lowering(*top_names: str, supports: Callable | None = None, transparent: bool = False):
    """Decorator registering an INT8 lowering for the Top op names given."""

    def deco(fn):
        for n in top_names:
            INT8[n] = Int8Lowering(fn, supports or (lambda ctx, op: True), transparent)
        return fn

    return deco


@dataclass
class LoweringContext:
    """Everything a lowering function needs; one per run of the pass."""

    mode: str
    store: WeightStore
    table: object | None = None  # CalibrationTable
    qtable: dict[str, str] = field(default_factory=dict)
    quant_output: bool = False
    #: op name -> the mode it was lowered in (for reports)
    decided: dict[str, str] = field(default_factory=dict)
    _casts: dict[tuple, SSAValue] = field(default_factory=dict)
    _weights: dict[tuple, SSAValue] = field(default_factory=dict)
    _names: set[str] = field(default_factory=set)
    anchor: Operation | None = None  # new ops go before it

    # ------------------------------------------------------------------ building
    def insert(self, op: Operation) -> Operation:
        Rewriter.insert_op(op, InsertPoint.before(self.anchor))
        for n in result_names(op):
            self._names.add(n)
        return op

    def fresh_name(self, base: str, avoid=()) -> str:
        """``base``, or ``base_1``, ``base_2`` ..., unused by any tensor (and not in ``avoid``)."""
        name, i = base, 1
        while name in self._names or name in avoid:
            name, i = f"{base}_{i}", i + 1
        self._names.add(name)
        return name

    def tpu(self, top_op: Operation, operands, result_types, mode: str, extra: dict | None = None,
            name=None) -> TpuOp:
        """The ``tpu.X`` of ``top_op`` with its properties, given operands and result types."""
        cls = tpu_op_for(top_op.name)
        props = dict(top_op.properties)
        props["quant_mode"] = to_attr(mode)
        for k, v in (extra or {}).items():
            if v is None:
                props.pop(k, None)
            else:
                props[k] = to_attr(v)
        op = cls.create(operands=list(operands), result_types=list(result_types), properties=props)
        op.location = top_op.location if name is None else op.location
        if name is not None:
            set_name(op, name)
        return self.insert(op)

    # ------------------------------------------------------------------ weights
    def weight(self, base: str, value: np.ndarray, dtype=None) -> SSAValue:
        """A new ``top.Weight`` holding ``value`` (as ``dtype``: the IR type; bf16 ok)."""
        value = np.require(value, requirements="C")
        key = self.fresh_name(base, avoid=self.store)  # tensor names are the contract: no clash
        self.store[key] = value
        op = build(WeightOp, [], name=key, result_types=[tensor_type(value.shape, dtype or value.dtype)])
        return self.insert(op).results[0]

    def weight_value(self, v: SSAValue) -> np.ndarray | None:
        owner = v.owner
        if isinstance(owner, WeightOp):
            return stored_weight(owner, self.store)
        return None

    # ------------------------------------------------------------------ calibration
    def threshold(self, name: str, why: str) -> float:
        if self.table is None:
            raise CompileError(f"INT8 lowering needs a calibration table ({why})")
        if name not in self.table:
            raise CompileError(f"calibration table has no threshold for '{name}' ({why})")
        return self.table.threshold(name)

    def out_scale(self, op: Operation) -> float:
        name = name_of(op)
        return quant.scale_of_threshold(self.threshold(name, f"the result of {op.name} '{name}'"))

    def keep_float(self, name: str) -> bool:
        return self.table is not None and name in self.table.keep_float

    # ------------------------------------------------------------------ operand conversion
    def as_float(self, v: SSAValue, dtype) -> SSAValue:
        """``v`` in the float storage ``dtype``: weights converted at compile time (finite values
        clamped to the type's range), activations through a ``tpu.Cast`` (cached)."""
        if is_none(v) or not isinstance(v.type, TensorType):
            return v
        have = dtype_of(v)
        dtype = np.dtype(dtype)
        if have == dtype or not (is_float(have) or is_quantised(v)):
            return v
        key = (v, str(dtype))
        if key in self._casts:
            return self._casts[key]
        w = self.weight_value(v)
        if w is not None:
            out = self.weight(f"{name_of(v.owner)}_{dtype.name}", quant.saturate_weight(w, dtype), dtype)
        else:
            src = name_of(v.owner) or "value"
            props = {"qscale": to_attr(float(v.owner.scale()))} if is_quantised(v) else {}
            cast = CastOp.create(operands=[v], result_types=[tensor_type(shape_of(v), dtype)], properties=props)
            set_name(cast, self.fresh_name(f"{src}_{dtype.name}"))
            out = self.insert(cast).results[0]
        self._casts[key] = out
        return out

    def peek_scale(self, v: SSAValue) -> float | None:
        """The int8 scale :meth:`as_int8` would give ``v``, without building anything (None when
        the calibration table does not know it)."""
        if is_quantised(v):
            return self.scale_of(v)
        w = self.weight_value(v)
        if w is not None:
            return quant.quantize_per_tensor(w)[1]
        name = name_of(v.owner)
        if self.table is None or name not in self.table:
            return None
        return quant.scale_of_threshold(self.table.threshold(name))

    def scale_of(self, v: SSAValue) -> float:
        """Scale of a quantised value."""
        return float(v.owner.scale())

    def as_int8(self, v: SSAValue, scale: float | None = None) -> tuple[SSAValue, float]:
        """``(int8 value, scale)`` of an operand: a quantised value as it is (or requantised to
        ``scale`` when given), a weight quantised per tensor, a float activation through a
        quantising ``tpu.Cast`` with its calibrated scale (or ``scale``)."""
        if is_quantised(v):
            s = self.scale_of(v)
            if scale is None or abs(s - scale) <= 1e-12 * max(s, scale):
                return v, s
            return self.requant(v, s, scale), scale
        key = (v, "int8", scale)
        if key in self._casts:
            return self._casts[key]
        w = self.weight_value(v)
        if w is not None:
            if scale is None:
                q, s = quant.quantize_per_tensor(w)
            else:
                q, s = quant.quantize(w, scale), scale
            out = (self.weight(f"{name_of(v.owner)}_int8", q), s)
        else:
            src = name_of(v.owner) or "value"
            s = scale if scale is not None else quant.scale_of_threshold(
                self.threshold(src, f"quantising '{src}' for an INT8 op"))
            cast = CastOp.create(operands=[v], result_types=[tensor_type(shape_of(v), np.int8)],
                                 properties={"qscale": to_attr(float(s))})
            set_name(cast, self.fresh_name(f"{src}_int8"))
            out = (self.insert(cast).results[0], s)
        self._casts[key] = out
        return out

    def requant(self, v: SSAValue, s_in: float, s_out: float) -> SSAValue:
        m, n = quant.multiplier_shift(s_in / s_out)
        op = RequantOp.create(operands=[v], result_types=[tensor_type(shape_of(v), np.int8)],
                              properties={"quant_mode": to_attr("INT8"), "qscale": to_attr(float(s_out)),
                                          "multiplier": to_attr([m]), "rshift": to_attr([n])})
        set_name(op, self.fresh_name(f"{name_of(v.owner) or 'value'}_requant"))
        return self.insert(op).results[0]

    # ------------------------------------------------------------------ float lowering
    def lower_float(self, op: Operation, mode: str) -> list[SSAValue]:
        """The generic lowering: float operands converted to the mode's storage type, integer and
        bool operands untouched, float results in the storage type."""
        dtype = mode_dtype(mode)
        operands = [self.as_float(v, dtype) for v in op.operands]
        types = [tensor_type(shape_of(r), dtype) if isinstance(r.type, TensorType) and is_float(dtype_of(r))
                 else r.type for r in op.results]
        if op.name == "top.Cast":
            # the model's default float (f32) becomes the mode's type; an explicit cast to
            # f16/bf16/f64 rounds on purpose and is kept
            target = op.results[0].type if op.target() != np.float32 else types[0]
            cast = CastOp.create(operands=operands, result_types=[target],
                                 properties={"quant_mode": to_attr(mode)})
            cast.location = op.location
            return list(self.insert(cast).results)
        return list(self.tpu(op, operands, types, mode).results)


def is_boundary(op: Operation) -> bool:
    return isinstance(op, (InputOp, WeightOp, NoneOp))
