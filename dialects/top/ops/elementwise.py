"""Elementwise Top ops: arithmetic, comparison/logic, activations, Cast, Clip, Where.

All binary ops broadcast numpy/ONNX-style (multidirectional). Float results keep the input
dtype; numpy's float64 promotion is undone at every op so the interpreter computes in the
model's precision.
"""

from __future__ import annotations

import math
from typing import ClassVar

import numpy as np
from xdsl.irdl import (
    irdl_op_definition,
    operand_def,
    opt_prop_def,
    prop_def,
    result_def,
    traits_def,
    var_operand_def,
)
from xdsl.dialects.builtin import FloatAttr, IntegerAttr, StringAttr
from xdsl.traits import Pure
from xdsl.utils.exceptions import VerifyException

from tpuc.dialects.top.base import (
    TopOp,
    broadcast_shapes,
    dtype_of,
    element_type,
    is_float,
    shape_of,
    tensor_type,
)

# ----------------------------------------------------------------------------- binary ops


class _Broadcast(TopOp):
    """Variadic elementwise op with multidirectional broadcasting; result dtype = input dtype."""

    inputs = var_operand_def()
    output = result_def()
    traits = traits_def(Pure())
    RESULT_BOOL: ClassVar[bool] = False

    def infer_types(self):
        if len(self.inputs) < 1:
            raise VerifyException(f"{self.name} needs at least one input")
        dts = {dtype_of(v) for v in self.inputs}
        if len(dts) != 1:
            raise VerifyException(f"{self.name} operands differ in dtype: {sorted(map(str, dts))}")
        shape = broadcast_shapes(*[shape_of(v) for v in self.inputs])
        return [tensor_type(shape, np.bool_ if self.RESULT_BOOL else dts.pop())]

    def fn(self, a, b):
        raise NotImplementedError

    def compute(self, inputs):
        out = inputs[0]
        for x in inputs[1:]:
            out = self.fn(out, x)
        out = np.asarray(out)
        want = np.bool_ if self.RESULT_BOOL else inputs[0].dtype
        if out.dtype != want:
            out = out.astype(want)
        if getattr(self, "do_relu", None) is not None and self.p("do_relu", False):
            out = np.maximum(out, 0).astype(want)
        return [out]


@irdl_op_definition
class AddOp(_Broadcast):
    """Sum of its inputs (ONNX Add, Sum); ``do_relu`` applies Relu to the sum."""

    name = "top.Add"
    do_relu = opt_prop_def(IntegerAttr)

    def fn(self, a, b):
        return a + b


@irdl_op_definition
class SubOp(_Broadcast):
    """``a - b`` (ONNX Sub)."""

    name = "top.Sub"

    def fn(self, a, b):
        return a - b


@irdl_op_definition
class MulOp(_Broadcast):
    """Product of its inputs (ONNX Mul); ``do_relu`` applies Relu to the product."""

    name = "top.Mul"
    do_relu = opt_prop_def(IntegerAttr)

    def fn(self, a, b):
        return a * b


def _int_div(a, b):
    """C-style (truncating) integer division, as ONNX/onnxruntime do."""
    q = np.floor_divide(a, b)
    fix = (np.remainder(a, b) != 0) & ((a < 0) != (b < 0))
    return q + fix


@irdl_op_definition
class DivOp(_Broadcast):
    """``a / b`` (ONNX Div); integer division truncates toward zero."""

    name = "top.Div"

    def fn(self, a, b):
        if np.issubdtype(np.asarray(a).dtype, np.integer):
            return _int_div(a, b)
        with np.errstate(divide="ignore", invalid="ignore"):
            return a / b


@irdl_op_definition
class MaxOp(_Broadcast):
    """Elementwise maximum of its inputs (ONNX Max); NaN propagates."""

    name = "top.Max"

    def fn(self, a, b):
        return np.maximum(a, b)


@irdl_op_definition
class MinOp(_Broadcast):
    """Elementwise minimum of its inputs (ONNX Min); NaN propagates."""

    name = "top.Min"

    def fn(self, a, b):
        return np.minimum(a, b)


@irdl_op_definition
class PowOp(TopOp):
    """``a ** b`` (ONNX Pow); the result has the dtype of ``a``."""

    name = "top.Pow"
    lhs = operand_def()
    rhs = operand_def()
    output = result_def()
    traits = traits_def(Pure())

    def infer_types(self):
        return [tensor_type(broadcast_shapes(shape_of(self.lhs), shape_of(self.rhs)), dtype_of(self.lhs))]

    def compute(self, inputs):
        a, b = inputs
        with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
            if np.issubdtype(a.dtype, np.integer):
                out = np.power(a.astype(np.float64), b.astype(np.float64))
            else:
                out = np.power(a, b.astype(a.dtype))
        return [out.astype(a.dtype)]


@irdl_op_definition
class ModOp(_Broadcast):
    """Remainder (ONNX Mod): sign of the divisor, or of the dividend when ``fmod`` is set."""

    name = "top.Mod"
    fmod = opt_prop_def(IntegerAttr)

    def fn(self, a, b):
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.fmod(a, b) if self.p("fmod", False) else np.mod(a, b)


_COMPARE = {
    "Equal": np.equal,
    "NotEqual": np.not_equal,
    "Greater": np.greater,
    "GreaterOrEqual": np.greater_equal,
    "Less": np.less,
    "LessOrEqual": np.less_equal,
    "And": np.logical_and,
    "Or": np.logical_or,
    "Xor": np.logical_xor,
}


@irdl_op_definition
class CompareOp(_Broadcast):
    """Comparison or logic with a bool result; ``mode`` is one of Equal, NotEqual, Greater,
    GreaterOrEqual, Less, LessOrEqual, And, Or, Xor (tpu-mlir's CompareOp modes)."""

    name = "top.Compare"
    mode = prop_def(StringAttr)
    RESULT_BOOL: ClassVar[bool] = True

    def infer_types(self):
        if self.p("mode") not in _COMPARE:
            raise VerifyException(f"top.Compare: unknown mode '{self.p('mode')}'")
        if len(self.inputs) != 2:
            raise VerifyException("top.Compare takes two inputs")
        return super().infer_types()

    def fn(self, a, b):
        return _COMPARE[self.p("mode")](a, b)


@irdl_op_definition
class WhereOp(TopOp):
    """``cond ? x : y`` with broadcasting (ONNX Where); ``cond`` is bool."""

    name = "top.Where"
    cond = operand_def()
    tbrn = operand_def()
    fbrn = operand_def()
    output = result_def()
    traits = traits_def(Pure())

    def infer_types(self):
        if dtype_of(self.cond) != np.bool_:
            raise VerifyException("top.Where condition must be i1")
        if dtype_of(self.tbrn) != dtype_of(self.fbrn):
            raise VerifyException("top.Where branches differ in dtype")
        shape = broadcast_shapes(shape_of(self.cond), shape_of(self.tbrn), shape_of(self.fbrn))
        return [tensor_type(shape, dtype_of(self.tbrn))]

    def compute(self, inputs):
        c, x, y = inputs
        return [np.where(c, x, y).astype(x.dtype, copy=False)]


# ------------------------------------------------------------------------------ unary ops


class _Unary(TopOp):
    """Elementwise unary op; the result type equals the input type."""

    input = operand_def()
    output = result_def()
    traits = traits_def(Pure())
    FLOAT_ONLY: ClassVar[bool] = True

    def infer_types(self):
        if self.FLOAT_ONLY and not is_float(dtype_of(self.input)):
            raise VerifyException(f"{self.name} needs a floating-point input")
        return [self.input.type]

    def fn(self, x):
        raise NotImplementedError

    def compute(self, inputs):
        x = inputs[0]
        with np.errstate(all="ignore"):
            out = np.asarray(self.fn(x))
        return [out.astype(x.dtype, copy=False)]


_SQRT_PI_2 = 2.0 / math.sqrt(math.pi)


def erf(x: np.ndarray) -> np.ndarray:
    """erf in float64: Maclaurin series near 0, Numerical Recipes' erfc (rel. err < 1.2e-7)."""
    x = np.asarray(x, np.float64)
    z = np.abs(x)
    t = 1.0 / (1.0 + 0.5 * z)
    poly = -z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (
        -0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (
            -0.82215223 + t * 0.17087277))))))))
    erfc = t * np.exp(poly)
    out = np.where(x >= 0, 1.0 - erfc, erfc - 1.0)
    small = z < 0.5
    if small.any():
        xs = x[small]
        x2 = xs * xs
        term, acc = xs, xs.copy()
        for n in range(1, 12):
            term = -term * x2 / n
            acc = acc + term / (2 * n + 1)
        out[small] = _SQRT_PI_2 * acc
    return out


def _sigmoid(x):
    return 0.5 * (1.0 + np.tanh(0.5 * x))


@irdl_op_definition
class ReluOp(_Unary):
    """``max(x, 0)`` (ONNX Relu)."""

    name = "top.Relu"
    FLOAT_ONLY: ClassVar[bool] = False

    def fn(self, x):
        return np.maximum(x, 0)


@irdl_op_definition
class SigmoidOp(_Unary):
    """``1 / (1 + exp(-x))`` (ONNX Sigmoid)."""

    name = "top.Sigmoid"

    def fn(self, x):
        return _sigmoid(x)


@irdl_op_definition
class TanhOp(_Unary):
    """``tanh(x)`` (ONNX Tanh)."""

    name = "top.Tanh"

    def fn(self, x):
        return np.tanh(x)


@irdl_op_definition
class ExpOp(_Unary):
    """``exp(x)`` (ONNX Exp)."""

    name = "top.Exp"

    def fn(self, x):
        return np.exp(x)


@irdl_op_definition
class LogOp(_Unary):
    """``ln(x)`` (ONNX Log)."""

    name = "top.Log"

    def fn(self, x):
        return np.log(x)


@irdl_op_definition
class SqrtOp(_Unary):
    """``sqrt(x)`` (ONNX Sqrt)."""

    name = "top.Sqrt"

    def fn(self, x):
        return np.sqrt(x)


@irdl_op_definition
class ReciprocalOp(_Unary):
    """``1 / x`` (ONNX Reciprocal)."""

    name = "top.Reciprocal"

    def fn(self, x):
        return np.reciprocal(x)


@irdl_op_definition
class ErfOp(_Unary):
    """The Gauss error function (ONNX Erf), computed in float64."""

    name = "top.Erf"

    def fn(self, x):
        return erf(x)


@irdl_op_definition
class AbsOp(_Unary):
    """``|x|`` (ONNX Abs)."""

    name = "top.Abs"
    FLOAT_ONLY: ClassVar[bool] = False

    def fn(self, x):
        return np.abs(x)


@irdl_op_definition
class NegOp(_Unary):
    """``-x`` (ONNX Neg)."""

    name = "top.Neg"
    FLOAT_ONLY: ClassVar[bool] = False

    def fn(self, x):
        return np.negative(x)


@irdl_op_definition
class SignOp(_Unary):
    """``sign(x)`` in {-1, 0, 1} (ONNX Sign)."""

    name = "top.Sign"
    FLOAT_ONLY: ClassVar[bool] = False

    def fn(self, x):
        return np.sign(x)


@irdl_op_definition
class FloorOp(_Unary):
    """``floor(x)`` (ONNX Floor)."""

    name = "top.Floor"

    def fn(self, x):
        return np.floor(x)


@irdl_op_definition
class CeilOp(_Unary):
    """``ceil(x)`` (ONNX Ceil)."""

    name = "top.Ceil"

    def fn(self, x):
        return np.ceil(x)


@irdl_op_definition
class RoundOp(_Unary):
    """Round half to even (ONNX Round)."""

    name = "top.Round"

    def fn(self, x):
        return np.round(x)


@irdl_op_definition
class SinOp(_Unary):
    """``sin(x)`` (ONNX Sin)."""

    name = "top.Sin"

    def fn(self, x):
        return np.sin(x)


@irdl_op_definition
class CosOp(_Unary):
    """``cos(x)`` (ONNX Cos)."""

    name = "top.Cos"

    def fn(self, x):
        return np.cos(x)


@irdl_op_definition
class GELUOp(_Unary):
    """``0.5 x (1 + erf(x / sqrt 2))``, or the tanh form when ``approx_mode = "tanh"`` (ONNX Gelu)."""

    name = "top.GELU"
    approx_mode = opt_prop_def(StringAttr)

    def fn(self, x):
        xd = x.astype(np.float64)
        if self.p("approx_mode", "none") == "tanh":
            return 0.5 * xd * (1 + np.tanh(math.sqrt(2 / math.pi) * (xd + 0.044715 * xd**3)))
        return 0.5 * xd * (1 + erf(xd / math.sqrt(2)))


@irdl_op_definition
class SiLUOp(_Unary):
    """``x * sigmoid(x)`` (Swish)."""

    name = "top.SiLU"

    def fn(self, x):
        return x * _sigmoid(x)


@irdl_op_definition
class SoftplusOp(_Unary):
    """``ln(1 + exp(x))`` (ONNX Softplus), overflow-safe."""

    name = "top.Softplus"

    def fn(self, x):
        return np.logaddexp(0, x)


@irdl_op_definition
class SoftsignOp(_Unary):
    """``x / (1 + |x|)`` (ONNX Softsign)."""

    name = "top.Softsign"

    def fn(self, x):
        return x / (1 + np.abs(x))


@irdl_op_definition
class MishOp(_Unary):
    """``x * tanh(softplus(x))`` (ONNX Mish)."""

    name = "top.Mish"

    def fn(self, x):
        return x * np.tanh(np.logaddexp(0, x))


@irdl_op_definition
class EluOp(_Unary):
    """``x > 0 ? x : alpha (exp(x) - 1)`` (ONNX Elu)."""

    name = "top.Elu"
    alpha = prop_def(FloatAttr)

    def fn(self, x):
        return np.where(x > 0, x, self.p("alpha") * np.expm1(x))


@irdl_op_definition
class SeluOp(_Unary):
    """``gamma * (x > 0 ? x : alpha (exp(x) - 1))`` (ONNX Selu)."""

    name = "top.Selu"
    alpha = prop_def(FloatAttr)
    gamma = prop_def(FloatAttr)

    def fn(self, x):
        return self.p("gamma") * np.where(x > 0, x, self.p("alpha") * np.expm1(x))


@irdl_op_definition
class LeakyReluOp(_Unary):
    """``x >= 0 ? x : alpha x`` (ONNX LeakyRelu)."""

    name = "top.LeakyRelu"
    alpha = prop_def(FloatAttr)

    def fn(self, x):
        return np.where(x >= 0, x, x * x.dtype.type(self.p("alpha")))


@irdl_op_definition
class HardSigmoidOp(_Unary):
    """``clip(alpha x + beta, 0, 1)`` (ONNX HardSigmoid)."""

    name = "top.HardSigmoid"
    alpha = prop_def(FloatAttr)
    beta = prop_def(FloatAttr)

    def fn(self, x):
        return np.clip(self.p("alpha") * x + self.p("beta"), 0, 1)


@irdl_op_definition
class HardSwishOp(_Unary):
    """``x * clip(x / 6 + 1/2, 0, 1)`` (ONNX HardSwish)."""

    name = "top.HardSwish"

    def fn(self, x):
        return x * np.clip(x / 6.0 + 0.5, 0, 1)


@irdl_op_definition
class ClipOp(_Unary):
    """``min(max(x, min), max)`` with constant bounds (ONNX Clip, Relu6)."""

    name = "top.Clip"
    min = opt_prop_def(FloatAttr)
    max = opt_prop_def(FloatAttr)
    FLOAT_ONLY: ClassVar[bool] = False

    def fn(self, x):
        lo, hi = self.p("min"), self.p("max")
        out = x
        if lo is not None:
            out = np.maximum(out, np.asarray(lo).astype(x.dtype))
        if hi is not None:
            out = np.minimum(out, np.asarray(hi).astype(x.dtype))
        return out


@irdl_op_definition
class PReluOp(TopOp):
    """``x >= 0 ? x : slope x`` with a broadcast slope tensor (ONNX PRelu)."""

    name = "top.PRelu"
    input = operand_def()
    slope = operand_def()
    output = result_def()
    traits = traits_def(Pure())

    def infer_types(self):
        return [tensor_type(broadcast_shapes(shape_of(self.input), shape_of(self.slope)), dtype_of(self.input))]

    def compute(self, inputs):
        x, s = inputs
        return [np.where(x >= 0, x, x * s).astype(x.dtype)]


class _Predicate(_Unary):
    """Unary op with a bool result."""

    def infer_types(self):
        return [tensor_type(shape_of(self.input), np.bool_)]

    def compute(self, inputs):
        return [np.asarray(self.fn(inputs[0]), dtype=np.bool_)]


@irdl_op_definition
class IsNaNOp(_Predicate):
    """``x != x`` (ONNX IsNaN)."""

    name = "top.IsNaN"

    def fn(self, x):
        return np.isnan(x)


@irdl_op_definition
class IsInfOp(_Predicate):
    """``|x| == inf`` filtered by ``detect_positive``/``detect_negative`` (ONNX IsInf)."""

    name = "top.IsInf"
    detect_positive = prop_def(IntegerAttr)
    detect_negative = prop_def(IntegerAttr)

    def fn(self, x):
        pos = np.isposinf(x) if self.p("detect_positive") else np.zeros(x.shape, bool)
        neg = np.isneginf(x) if self.p("detect_negative") else np.zeros(x.shape, bool)
        return pos | neg


@irdl_op_definition
class NotOp(_Predicate):
    """Logical not of a bool tensor (ONNX Not)."""

    name = "top.Not"
    FLOAT_ONLY: ClassVar[bool] = False

    def infer_types(self):
        if dtype_of(self.input) != np.bool_:
            raise VerifyException("top.Not needs an i1 input")
        return [self.input.type]

    def fn(self, x):
        return np.logical_not(x)


@irdl_op_definition
class CastOp(TopOp):
    """Converts the element type to ``to`` (an MLIR element type name such as ``f32``, ``i64``,
    ``i1``), with ONNX Cast semantics (float -> int truncates, anything -> bool is ``!= 0``)."""

    name = "top.Cast"
    input = operand_def()
    output = result_def()
    to = prop_def(StringAttr)
    traits = traits_def(Pure())

    def target(self) -> np.dtype:
        from tpuc.dialects.top.base import _FROM_ELEM

        for elem, dt in _FROM_ELEM.items():
            if str(elem) == self.p("to"):
                return dt
        raise VerifyException(f"top.Cast: unknown target type '{self.p('to')}'")

    def infer_types(self):
        return [tensor_type(shape_of(self.input), self.target())]

    def compute(self, inputs):
        x, to = inputs[0], self.target()
        if is_float(x.dtype) and np.issubdtype(to, np.integer):
            with np.errstate(invalid="ignore"):
                x = np.trunc(x)
        return [x.astype(to)]


def cast_name(dtype) -> str:
    """The ``to`` property value for a numpy dtype."""
    return str(element_type(dtype))
