"""Random *valid* ONNX graphs for differential fuzzing of tpuc against onnxruntime.

``fuzz_cases()`` is a hypothesis strategy of :class:`FuzzCase` (a checked ``ModelProto`` plus
input values). A graph is a DAG built op by op over a pool of tensors (graph inputs and node
outputs): each step draws an op generator, which picks its operands from the pool (any earlier
tensor, so branches and re-joins are common) or creates new graph inputs / initializers /
``Constant`` nodes of a compatible shape. Every tensor no node uses becomes a graph output
(plus, sometimes, an intermediate that is also used, so "single use" rewrites see multi-use).

Numerical discipline (so a difference is a bug, not float32 noise):

* every float tensor carries an interval ``[lo, hi]``; magnitudes are kept below ``CAP`` by
  rescaling with powers of two (exact), Log/Sqrt/Reciprocal/Div/Pow get operands bounded away
  from zero/negative *by construction* (``Abs`` + offset), Exp sees bounded inputs;
* every tensor carries ``exact``: computed bit-identically by any IEEE implementation (inputs,
  data movement, Add/Sub/Mul/Div/Sqrt/Abs/Max/... of exact operands). Discontinuous ops
  (Floor/Ceil/Round/Sign, comparisons, ArgMax, float->int/bool/f16 Cast, Mod) only take exact
  operands, so a 1-ulp difference upstream can never flip them.

Normalisations get a "generic" input (plus a random weight) so no row is (nearly) constant.
Forms where onnxruntime itself deviates from the ONNX spec are not generated (each is noted where
it is avoided), and the forms of the open tpuc bugs in :data:`KNOWN_BUGS` are avoided by default.

The oracle (:func:`check_case`) validates the model (``onnx.checker`` full check, onnxruntime
runs it; else "discard"), compiles with ``import_model`` + the ``transform`` pipeline, runs the Top
interpreter and onnxruntime and compares every graph output and every intermediate tensor both
name (what ``tpuc transform`` compares): floats with ``assert_allclose(rtol=1e-4, atol=1e-5)``,
ints/bools exactly, NaN positions equal. Any exception but a CompileError saying a form is
unsupported is a "crash". A difference is triaged: "noise" when tpuc is as close to a float64
evaluation (the model converted to double, run by ``onnx.reference``) as onnxruntime is (an
ill-conditioned graph), "ort_divergence" when tpuc agrees with ``onnx.reference`` and
onnxruntime does not (a spec question for a human), else "mismatch".

:func:`minimize` delta-debugs a failing model at the ONNX level (after hypothesis' shrinking).
"""

from __future__ import annotations

import collections
import math
import traceback
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np
import onnx
from hypothesis import strategies as st
from onnx import TensorProto, helper, numpy_helper

F32 = np.dtype(np.float32)
F16 = np.dtype(np.float16)
F64 = np.dtype(np.float64)
I64 = np.dtype(np.int64)
I32 = np.dtype(np.int32)
BOOL = np.dtype(np.bool_)
ONNX_TYPE = {F32: TensorProto.FLOAT, F16: TensorProto.FLOAT16, F64: TensorProto.DOUBLE,
             I64: TensorProto.INT64, I32: TensorProto.INT32, BOOL: TensorProto.BOOL}

CAP = 32.0  # bound on |value| of float tensors
INT_CAP = 1 << 16  # bound on |value| of int tensors
MAX_DIM = 8
MAX_RANK = 5
MAX_ELEMS = 4096
INT64_MAX = np.iinfo(np.int64).max
INT64_MIN = np.iinfo(np.int64).min

#: tpuc bugs this fuzzer found that are not fixed yet: id -> what is wrong. The generator avoids
#: these forms by default (``fuzz_cases(avoid=KNOWN_BUGS)``) so that the CI run keeps looking for
#: *new* bugs; each one has a strict-xfail regression test in ``test_differential_regressions.py``.
#: When a fix lands, its xfail test starts passing (XPASS fails the suite): drop the marker and
#: the entry here.
KNOWN_BUGS: dict[str, str] = {}
# (fixed: "resize_coords_float64" -- nearest Resize now computes its source coordinates in float32
# as onnxruntime does; test_differential_regressions.py keeps the two regressions)

# opset 11 "sometimes", 13-18 mostly, 21 rarely (Gelu, per-channel GroupNormalization)
OPSETS = [11, 13, 13, 14, 14, 15, 15, 16, 16, 17, 17, 17, 18, 18, 18, 21]


@dataclass(eq=False)
class Tensor:
    name: str
    shape: tuple[int, ...]
    dtype: np.dtype
    lo: float = 0.0
    hi: float = 0.0
    exact: bool = True
    const: bool = False  # folded by tpuc at import (an initializer or computed from them only)
    value: np.ndarray | None = None  # known value (initializers, Constant nodes)

    @property
    def rank(self) -> int:
        return len(self.shape)

    @property
    def size(self) -> int:
        return int(np.prod(self.shape, dtype=np.int64))

    @property
    def is_float(self) -> bool:
        return self.dtype == F32

    @property
    def is_int(self) -> bool:
        return self.dtype in (I64, I32)

    @property
    def bound(self) -> float:
        return max(abs(self.lo), abs(self.hi))


@dataclass
class FuzzCase:
    model: onnx.ModelProto
    inputs: dict[str, np.ndarray]
    op_types: list[str]  # op types of the generator steps (templates by name)
    opset: int

    def describe(self) -> str:
        lines = [f"opset {self.opset}, steps: {' '.join(self.op_types)}"]
        for k, v in self.inputs.items():
            lines.append(f"input {k}: {v.dtype}{list(v.shape)} = {np.array2string(v.reshape(-1)[:16], precision=4)}"
                         f"{' ...' if v.size > 16 else ''}")
        try:
            lines.append(onnx.printer.to_text(self.model))
        except Exception:  # noqa: BLE001
            lines.append(str(self.model.graph))
        return "\n".join(lines)


class Reject(Exception):
    """An op generator cannot apply to the current pool (the builder tries another)."""


def _bcast(*shapes) -> tuple[int, ...]:
    try:
        return tuple(int(d) for d in np.broadcast_shapes(*[tuple(s) for s in shapes]))
    except ValueError:
        raise Reject(f"shapes {shapes} do not broadcast") from None


def _broadcastable(a, b) -> bool:
    try:
        s = _bcast(a, b)
    except Reject:
        return False
    return len(s) <= MAX_RANK


def _unidir(src, dst) -> bool:
    """``src`` broadcasts to ``dst`` (unidirectional)."""
    try:
        return _bcast(src, dst) == tuple(dst)
    except Reject:
        return False


def _mono(f, lo, hi):
    a, b = f(lo), f(hi)
    return (min(a, b), max(a, b))


def _mul_iv(a, b):
    ps = [a[0] * b[0], a[0] * b[1], a[1] * b[0], a[1] * b[1]]
    return min(ps), max(ps)


class Builder:
    """Builds one graph; every choice goes through hypothesis ``draw`` (so it shrinks)."""

    def __init__(self, draw, opset: int, seed: int, avoid: frozenset[str] = frozenset()):
        self.draw = draw
        self.avoid = avoid
        self.opset = opset
        self.rng = np.random.default_rng(seed)
        self.nodes: list[onnx.NodeProto] = []
        self.graph_inputs: list[Tensor] = []
        self.input_values: dict[str, np.ndarray] = {}
        self.inits: list[onnx.TensorProto] = []
        self.pool: list[Tensor] = []
        self.consts: list[Tensor] = []
        self.uses: collections.Counter = collections.Counter()
        self.extra_outputs: list[Tensor] = []
        self.steps: list[str] = []
        self.allow_empty = False
        self._n = 0

    # ------------------------------------------------------------------ drawing helpers
    def int(self, lo: int, hi: int) -> int:
        if lo > hi:
            raise Reject(f"empty range [{lo}, {hi}]")  # (zero-size dims)
        return self.draw(st.integers(lo, hi))

    def bool(self) -> bool:
        return self.draw(st.booleans())

    def choice(self, seq):
        return self.draw(st.sampled_from(list(seq)))

    def chance(self, k: int) -> bool:
        """True with probability about 1/k (shrinks to False)."""
        return self.draw(st.integers(0, k - 1)) == k - 1

    def fresh(self, prefix: str) -> str:
        self._n += 1
        return f"{prefix}{self._n}"

    # ------------------------------------------------------------------ tensors
    def new_input(self, shape, dtype=F32, lo=-3.0, hi=3.0, grid: float | None = None) -> Tensor:
        """A graph input with random values (uniform in [lo, hi], or multiples of ``grid``)."""
        shape = tuple(int(d) for d in shape)
        name = self.fresh("in")
        if dtype == BOOL:
            val = self.rng.random(shape) < 0.5
            lo, hi = 0, 1
        elif dtype in (I64, I32):
            lo, hi = int(lo), int(hi)
            val = self.rng.integers(lo, hi + 1, size=shape).astype(dtype)
        else:
            if grid is None and self.chance(3):
                grid = self.choice([0.25, 0.5, 1.0])
            if grid:
                k = int(math.floor(max(abs(lo), abs(hi)) / grid))
                steps = self.rng.integers(-k, k + 1, size=shape)
                val = np.clip(steps * grid, lo, hi).astype(dtype)
            else:
                val = self.rng.uniform(lo, hi, size=shape).astype(dtype)
        t = Tensor(name, shape, np.dtype(dtype), float(lo), float(hi), exact=True)
        self.graph_inputs.append(t)
        self.input_values[name] = np.asarray(val, dtype=dtype).reshape(shape)
        self.pool.append(t)
        return t

    def const(self, value, *, lo=None, hi=None, node: bool | None = None, share: bool = True,
              f64: bool = False) -> Tensor:
        """An initializer (or a ``Constant`` node) holding ``value`` (float64 values become
        float32 unless ``f64``)."""
        value = np.asarray(value)
        if value.dtype == F64 and not f64:
            value = value.astype(F32)
        if share and self.consts and self.chance(8):
            same = [c for c in self.consts if c.shape == value.shape and c.dtype == value.dtype]
            if same:
                return self.choice(same)
        if node is None:
            node = self.chance(5)
        if value.dtype.kind in "biu":
            lo = float(value.min()) if lo is None and value.size else (lo or 0.0)
            hi = float(value.max()) if hi is None and value.size else (hi or 0.0)
        else:
            lo = float(np.min(value)) if lo is None and value.size else (lo if lo is not None else 0.0)
            hi = float(np.max(value)) if hi is None and value.size else (hi if hi is not None else 0.0)
        name = self.fresh("c" if node else "w")
        if node:
            self.nodes.append(helper.make_node("Constant", [], [name], value=numpy_helper.from_array(value, name)))
        else:
            self.inits.append(numpy_helper.from_array(value, name))
        t = Tensor(name, tuple(value.shape), value.dtype, lo, hi, exact=True, const=True, value=value)
        self.consts.append(t)
        return t

    def ints(self, values, dtype=I64) -> Tensor:
        return self.const(np.asarray(values, dtype=dtype), share=False)

    def weight(self, shape, bound: float = 1.0, grid: bool | None = None) -> Tensor:
        if grid is None:
            grid = self.chance(4)
        if grid:
            k = max(1, int(bound * 4))
            val = (self.rng.integers(-k, k + 1, size=shape) / 4.0).astype(F32)
        else:
            val = self.rng.uniform(-bound, bound, size=shape).astype(F32)
        return self.const(val, lo=-bound, hi=bound)

    def operand(self, shape, dtype=F32, bound: float = 1.0, *, runtime_ok: bool = True) -> Tensor:
        """A new operand of ``shape``: mostly a weight, sometimes a new graph input."""
        if dtype == F32:
            if runtime_ok and self.chance(3):
                return self.new_input(shape, F32, -bound, bound)
            return self.weight(shape, bound)
        if dtype == BOOL:
            if runtime_ok and self.chance(2):
                return self.new_input(shape, BOOL)
            return self.const(self.rng.random(shape) < 0.5)
        b = int(max(1, bound))
        if runtime_ok and self.chance(3):
            return self.new_input(shape, dtype, -b, b)
        return self.const(self.rng.integers(-b, b + 1, size=shape).astype(dtype))

    def node(self, op_type: str, inputs: list, outs: list[dict], **attrs) -> list[Tensor]:
        """Append a node; ``outs`` give shape/dtype/lo/hi/exact of each output (``None`` = an
        omitted optional output)."""
        in_names = []
        for x in inputs:
            if x is None:
                in_names.append("")
            else:
                in_names.append(x.name)
                self.uses[x.name] += 1
        const = all(x is None or x.const for x in inputs) and any(x is not None for x in inputs)
        results, out_names = [], []
        for o in outs:
            if o is None:
                out_names.append("")
                continue
            name = self.fresh(op_type[:4].lower() + "_")
            shape = tuple(int(d) for d in o["shape"])
            dtype = np.dtype(o.get("dtype", F32))
            lo, hi = o.get("lo", 0.0), o.get("hi", 0.0)
            if dtype == BOOL:
                lo, hi = 0.0, 1.0
            t = Tensor(name, shape, dtype, float(lo), float(hi), bool(o.get("exact", False)), const=const)
            out_names.append(name)
            results.append(t)
        attrs = {k: v for k, v in attrs.items() if v is not None}
        self.nodes.append(helper.make_node(op_type, in_names, out_names, name=f"n{len(self.nodes)}_{op_type}",
                                           **attrs))
        for t in results:
            if max(t.shape, default=1) > 16 or t.size > MAX_ELEMS or t.rank > MAX_RANK + 1:
                raise Reject(f"{op_type} output {t.shape} too big")
            self.pool.append(t)
        return results

    def one(self, op_type, inputs, **kw) -> Tensor:
        attrs = kw.pop("attrs", {})
        return self.node(op_type, inputs, [kw], **attrs)[0]

    # ------------------------------------------------------------------ picking operands
    def pick(self, pred: Callable[[Tensor], bool] = lambda t: True, *, create: Callable[[], Tensor] | None = None,
             allow_const: bool = False) -> Tensor:
        """A pool tensor satisfying ``pred`` (most recent first, so shrinking gives chains),
        or ``create()`` when none does (or sometimes anyway)."""
        allow_const = allow_const or self.chance(12)  # sometimes ops on constants only (folded at import)
        cands = [t for t in reversed(self.pool) if pred(t) and (allow_const or not t.const) and t.rank <= MAX_RANK]
        if not cands or (create is not None and self.chance(6)):
            if create is None:
                raise Reject("no operand")
            t = create()
            if not pred(t):
                raise Reject("created operand does not fit")
            return t
        return cands[self.int(0, len(cands) - 1)]

    def pick_float(self, pred=lambda t: True, rank=None, min_rank: int = 0) -> Tensor:
        def ok(t):
            return t.is_float and pred(t) and (rank is None or t.rank in rank) and t.rank >= min_rank

        def create():
            r = self.choice(rank) if rank is not None else self.int(min_rank, 4)
            return self.new_input(self.random_shape(r))

        return self.pick(ok, create=create)

    def random_shape(self, rank: int, max_elems: int = 1024) -> tuple[int, ...]:
        dims = []
        for _ in range(rank):
            d = self.choice([1, 2, 3, 4, 5, 8, 1, 2, 3, 6, 7])
            dims.append(d)
        while int(np.prod(dims, dtype=np.int64)) > max_elems:
            i = int(np.argmax(dims))
            dims[i] = max(1, dims[i] // 2)
        return tuple(dims)

    def partner_shape(self, s) -> tuple[int, ...]:
        """A shape that broadcasts with ``s``: equal, fewer leading dims, some dims 1, scalar,
        or larger where ``s`` has 1s (bidirectional)."""
        s = list(s)
        mode = self.choice(["same", "drop", "ones", "scalar", "expand", "ones", "drop"])
        if mode == "same":
            return tuple(s)
        if mode == "scalar":
            return self.choice([(), (1,)]) if len(s) >= 1 else ()
        if mode == "drop":
            k = self.int(0, len(s))
            return tuple(s[k:])
        if mode == "ones":
            return tuple(1 if self.bool() else d for d in s)
        out = [self.int(2, 4) if d == 1 and self.bool() else d for d in s]
        if len(out) < 4 and self.chance(3):
            out = [self.int(1, 3)] + out
        return tuple(out)

    # ------------------------------------------------------------------ numeric helpers
    def scale_to(self, t: Tensor, target: float) -> Tensor:
        """``t * 2^-k`` (exact) so that ``|t| <= target``."""
        if t.bound <= target or t.bound == 0:
            return t
        k = max(1, math.ceil(math.log2(t.bound / target)))
        c = self.const(np.asarray(2.0 ** -k, F32), share=False)
        return self.one("Mul", [t, c], shape=t.shape, lo=t.lo * 2.0 ** -k, hi=t.hi * 2.0 ** -k, exact=t.exact)

    def positive(self, t: Tensor, minimum: float) -> Tensor:
        """A tensor with values in ``[minimum, ...]``: ``Abs(t) + minimum`` (or ``t`` itself)."""
        if t.lo >= minimum:
            return t
        t = self.scale_to(t, CAP / 2)
        if t.lo < 0:
            if self.chance(3):
                t = self.one("Relu", [t], shape=t.shape, lo=max(0.0, t.lo), hi=max(0.0, t.hi), exact=t.exact)
            else:
                t = self.one("Abs", [t], shape=t.shape, lo=0.0 if t.lo <= 0 <= t.hi else min(abs(t.lo), abs(t.hi)),
                             hi=t.bound, exact=t.exact)
        if t.lo >= minimum:
            return t
        c = self.const(np.asarray(minimum, F32), share=False) if self.bool() else self.const(
            np.full((1,) * min(t.rank, self.int(0, t.rank)), minimum, F32), share=False)
        return self.one("Add", [t, c], shape=_bcast(t.shape, c.shape), lo=t.lo + minimum, hi=t.hi + minimum,
                        exact=t.exact)

    def squash(self, t: Tensor) -> Tensor:
        kind = self.choice(["Tanh", "Clip", "Sigmoid", "scale"])
        if kind == "scale":
            return self.scale_to(t, 4.0)
        if kind == "Clip":
            return self.clip(t, -4.0, 4.0)
        lo, hi = (-1.0, 1.0) if kind == "Tanh" else (0.0, 1.0)
        return self.one(kind, [t], shape=t.shape, lo=lo, hi=hi, exact=False)

    def generic(self, t: Tensor, target: float = 8.0) -> Tensor:
        """``t`` (scaled to ``target``) plus a uniform random weight: no (near-)constant rows, so
        normalisations over it are well conditioned (a normalised constant row is 0/0 + eps
        amplifying rounding noise, implementation-defined)."""
        t = self.scale_to(t, target)
        w = self.weight(t.shape, 1.0, grid=False)
        return self.one("Add", [t, w], shape=t.shape, lo=t.lo - 1, hi=t.hi + 1, exact=False)

    def clip(self, t: Tensor, lo: float, hi: float) -> Tensor:
        lo_t = self.const(np.asarray(lo, t.dtype), share=False)
        hi_t = self.const(np.asarray(hi, t.dtype), share=False)
        return self.one("Clip", [t, lo_t, hi_t], shape=t.shape, lo=max(lo, min(t.lo, hi)), hi=min(hi, max(t.hi, lo)),
                        exact=t.exact)

    # ------------------------------------------------------------------ finishing
    def finish(self) -> FuzzCase:
        produced = [t for t in self.pool if t not in self.graph_inputs]
        outs = [t for t in produced if self.uses[t.name] == 0]
        for t in self.extra_outputs:
            if t not in outs:
                outs.append(t)
        if not outs:
            raise Reject("no outputs")
        # unused graph inputs would be fine for ONNX but pointless; keep them (they are inputs)
        graph = helper.make_graph(
            self.nodes, "fuzz",
            [helper.make_tensor_value_info(t.name, ONNX_TYPE[t.dtype], list(t.shape)) for t in self.graph_inputs],
            [helper.make_tensor_value_info(t.name, ONNX_TYPE[t.dtype], list(t.shape)) for t in outs],
            self.inits)
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", self.opset)],
                                  producer_name="tpuc-fuzz")
        model.ir_version = 10 if self.opset >= 21 else 8
        return FuzzCase(model, dict(self.input_values), list(self.steps), self.opset)


# ====================================================================================== op generators
# Each takes the builder, may raise Reject, and returns nothing (outputs go to the pool).

UNARY_FLOAT = ["Relu", "Sigmoid", "Tanh", "Exp", "Log", "Sqrt", "Reciprocal", "Erf", "Abs", "Neg", "Sign",
               "Floor", "Ceil", "Round", "Sin", "Cos", "Softplus", "Softsign", "HardSwish", "Mish", "Elu",
               "Selu", "LeakyRelu", "HardSigmoid", "IsNaN", "IsInf"]


def g_unary(b: Builder) -> None:
    op = b.choice(UNARY_FLOAT)
    if op == "HardSwish" and b.opset < 14 or op == "Mish" and b.opset < 18:
        raise Reject("opset")
    discontinuous = op in ("Sign", "Floor", "Ceil", "Round")
    x = b.pick_float((lambda t: t.exact) if discontinuous else (lambda t: True))
    attrs: dict[str, Any] = {}
    exact = False
    if op == "Exp":
        if x.hi > 3.0:
            x = b.squash(x) if b.bool() else b.scale_to(x, 3.0)
        lo, hi = math.exp(min(x.lo, 3.0)), math.exp(min(x.hi, 3.0))
    elif op == "Log":
        x = b.positive(x, 0.1 if not x.exact else b.choice([0.1, 0.5, 1.0]))
        lo, hi = math.log(x.lo), math.log(max(x.hi, x.lo))
    elif op == "Sqrt":
        x = b.positive(x, 0.0 if x.exact else 0.1)
        lo, hi = math.sqrt(max(x.lo, 0)), math.sqrt(max(x.hi, 0))
        exact = x.exact
    elif op == "Reciprocal":
        x = b.positive(x, 1.0)
        if b.chance(3):
            x = b.one("Neg", [x], shape=x.shape, lo=-x.hi, hi=-x.lo, exact=x.exact)
        lo, hi = sorted([1.0 / x.lo, 1.0 / x.hi]) if x.lo > 0 else sorted([1.0 / x.hi, 1.0 / x.lo])
    elif op in ("Sigmoid", "HardSigmoid"):
        lo, hi = 0.0, 1.0
        if op == "HardSigmoid":
            attrs = {"alpha": b.choice([0.2, 0.5, 1 / 6]), "beta": b.choice([0.5, 0.25])}
    elif op in ("Tanh", "Erf", "Sin", "Cos", "Softsign"):
        lo, hi = -1.0, 1.0
    elif op == "Relu":
        lo, hi, exact = max(0.0, x.lo), max(0.0, x.hi), x.exact
    elif op == "Abs":
        lo, hi, exact = 0.0, x.bound, x.exact
    elif op == "Neg":
        lo, hi, exact = -x.hi, -x.lo, x.exact
    elif op == "Sign":
        lo, hi, exact = -1.0, 1.0, True
    elif op in ("Floor", "Ceil", "Round"):
        lo, hi, exact = math.floor(x.lo), math.ceil(x.hi), True
    elif op == "Softplus":
        lo, hi = 0.0, max(x.hi, 0.0) + 0.7
    elif op in ("HardSwish", "Mish"):
        lo, hi = -0.4, max(x.hi, 0.0)
    elif op == "Elu":
        a = b.choice([1.0, 0.5, 2.0])
        attrs = {"alpha": a}
        lo, hi = -a, max(x.hi, 0.0)
    elif op == "Selu":
        lo, hi = -1.8, max(x.hi, 0.0) * 1.06
        if b.chance(3):
            attrs = {"alpha": 1.5, "gamma": 1.25}
            lo, hi = -1.9, max(x.hi, 0.0) * 1.25
    elif op == "LeakyRelu":
        a = b.choice([0.01, 0.1, 0.2, 0.5])
        attrs = {"alpha": a} if a != 0.01 or b.bool() else {}
        lo, hi, exact = min(x.lo * a, 0), max(x.hi, 0), x.exact
    elif op in ("IsNaN", "IsInf"):
        if op == "IsInf" and b.bool():
            attrs = {"detect_positive": b.int(0, 1), "detect_negative": b.int(0, 1)}
        b.one(op, [x], shape=x.shape, dtype=BOOL, exact=True, attrs=attrs)
        return
    else:
        raise AssertionError(op)
    b.one(op, [x], shape=x.shape, lo=lo, hi=hi, exact=exact, attrs=attrs)


def _binary_partner(b: Builder, a: Tensor, dtype=None, pred=lambda t: True, bound: float = 1.0) -> Tensor:
    """An existing tensor broadcasting with ``a`` or a new operand of a partner shape."""
    dtype = dtype or a.dtype
    if b.chance(3):
        def ok(t):
            return t.dtype == dtype and t is not a and _broadcastable(a.shape, t.shape) and pred(t)

        cands = [t for t in reversed(b.pool) if ok(t)]
        if cands:
            return cands[b.int(0, len(cands) - 1)]
    if b.chance(8):
        return a  # x op x
    return b.operand(b.partner_shape(a.shape), dtype, bound)


def g_binary(b: Builder) -> None:
    op = b.choice(["Add", "Sub", "Mul", "Div", "Add", "Mul", "Sub", "Max", "Min", "Pow", "Sum", "Mean", "PRelu",
                   "Mod"])
    int_ok = op in ("Add", "Sub", "Mul", "Div", "Max", "Min", "Mod") and (op not in ("Max", "Min") or b.opset >= 12)
    if int_ok and b.chance(5):
        a = b.pick(lambda t: t.is_int, create=lambda: b.new_input(b.random_shape(b.int(0, 3)), I64, -20, 20))
    else:
        a = b.pick_float()
    if a.is_float:
        a = b.scale_to(a, CAP / 2)
    if op == "PRelu":
        if a.is_int or a.rank == 0:
            raise Reject("prelu")
        # slope broadcasts unidirectionally to x: [C,1,1], [1], [last], ...
        form = b.choice(["chan", "scalar", "last", "full"])
        if form == "chan" and a.rank >= 2:
            s = (a.shape[1],) + (1,) * (a.rank - 2)
        elif form == "last":
            s = (a.shape[-1],)
        elif form == "full":
            s = a.shape
        else:
            s = (1,)
        slope = b.operand(s, F32, 1.0)
        b.one("PRelu", [a, slope], shape=a.shape, lo=-a.bound, hi=a.bound, exact=a.exact and slope.exact)
        return
    if op == "Mod":
        # discontinuous: exact dividend, constant divisor bounded away from 0
        if not a.exact:
            raise Reject("mod needs exact")
        if a.is_int:
            s = b.partner_shape(a.shape)
            v = b.rng.integers(1, 7, size=s) * np.where(b.rng.random(s) < 0.5, -1, 1)
            d = b.const(v.astype(a.dtype))
            b.one("Mod", [a, d], shape=_bcast(a.shape, d.shape), dtype=a.dtype, lo=-6, hi=6, exact=True,
                  attrs={"fmod": 1} if b.bool() else {})
            return
        s = b.partner_shape(a.shape)
        v = b.choice([0.5, 1.0, 1.5, 2.0, 3.0]) * np.where(b.rng.random(s) < 0.5, -1, 1)
        d = b.const(v.astype(F32))
        b.one("Mod", [a, d], shape=_bcast(a.shape, d.shape), lo=-3, hi=3, exact=True, attrs={"fmod": 1})
        return
    if op == "Pow":
        if a.is_int:
            raise Reject("int pow")
        form = b.choice(["int_exp", "const", "runtime"])
        if form == "int_exp":
            p = b.choice([2, 3, 2, 1, 0, -1])
            a = b.scale_to(a, 3.0) if p > 0 else b.positive(a, 1.0)
            exp_dtype = b.choice([F32, I64]) if b.opset >= 12 else F32
            e = b.const(np.asarray(p, exp_dtype), share=False) if b.bool() else b.const(
                np.full((1,), p, exp_dtype), share=False)
            vals = [x ** p for x in (a.lo, a.hi, 0.0) if not (p < 0 and x == 0)]
            lo, hi = (min(vals), max(vals)) if p % 2 == 0 and p > 0 else (min(vals[:2]), max(vals[:2]))
            if p % 2 == 0 and p > 0 and not (a.lo <= 0 <= a.hi):
                lo = min(a.lo ** p, a.hi ** p)
            b.one("Pow", [a, e], shape=_bcast(a.shape, e.shape), lo=lo, hi=hi, exact=False)
            return
        a = b.positive(b.scale_to(a, 4.0), b.choice([0.25, 0.5, 1.0]))
        if form == "const":
            s = b.partner_shape(a.shape)
            e = b.const(b.rng.choice([0.5, 1.5, -0.5, 2.0, -1.0, 0.0], size=s).astype(F32))
        else:
            e = b.pick_float(lambda t: _broadcastable(t.shape, a.shape) and t.bound <= 2.0)
            if e.bound > 2:
                e = b.scale_to(e, 2.0)
        ex = max(abs(e.lo), abs(e.hi))
        big = max(a.hi, 1.0 / a.lo) ** ex
        b.one("Pow", [a, e], shape=_bcast(a.shape, e.shape), lo=0.0, hi=big, exact=False)
        return
    if op == "Div":
        c = _binary_partner(b, a, bound=3.0)
        if a.is_int:
            if c.const and c.value is not None and np.all(c.value != 0):
                d = c
            else:
                s = b.partner_shape(a.shape)
                v = b.rng.integers(1, 5, size=s) * np.where(b.rng.random(s) < 0.5, -1, 1)
                d = b.const(v.astype(a.dtype))
            b.one("Div", [a, d], shape=_bcast(a.shape, d.shape), dtype=a.dtype, lo=-a.bound, hi=a.bound, exact=True)
            return
        d = b.positive(c, 1.0) if c is not a or c.lo < 1.0 else c
        if b.chance(3):
            d = b.one("Neg", [d], shape=d.shape, lo=-d.hi, hi=-d.lo, exact=d.exact)
        b.one("Div", [a, d], shape=_bcast(a.shape, d.shape), lo=-a.bound, hi=a.bound, exact=a.exact and d.exact)
        return
    if op in ("Sum", "Mean", "Max", "Min") and b.bool() and not a.is_int:
        n = b.int(1, 3) if op != "Mean" else b.int(2, 3)
        parts = [a] + [b.scale_to(_binary_partner(b, a, bound=2.0), CAP / 4) for _ in range(n - 1)]
        shape = _bcast(*[p.shape for p in parts])
        if len(shape) > MAX_RANK:
            raise Reject("rank")
        if op == "Sum":
            lo, hi = sum(p.lo for p in parts), sum(p.hi for p in parts)
        else:
            lo, hi = min(p.lo for p in parts), max(p.hi for p in parts)
        exact = all(p.exact for p in parts) and (op in ("Max", "Min") or (op == "Sum" and n <= 2) or n == 1)
        b.one(op, parts, shape=shape, lo=lo, hi=hi, exact=exact)
        return
    if op in ("Sum", "Mean"):
        op = "Add"
    c = _binary_partner(b, a, bound=3.0 if a.is_float else 20)
    if a.is_float:
        c = b.scale_to(c, CAP / 2)
    shape = _bcast(a.shape, c.shape)
    if len(shape) > MAX_RANK:
        raise Reject("rank")
    if op == "Add":
        lo, hi = a.lo + c.lo, a.hi + c.hi
    elif op == "Sub":
        lo, hi = a.lo - c.hi, a.hi - c.lo
    elif op == "Mul":
        if a.is_float and a.bound * c.bound > CAP:
            c = b.scale_to(c, max(CAP / max(a.bound, 1e-3), 1e-3))
        lo, hi = _mul_iv((a.lo, a.hi), (c.lo, c.hi))
    else:
        lo, hi = (max(a.lo, c.lo), max(a.hi, c.hi)) if op == "Max" else (min(a.lo, c.lo), min(a.hi, c.hi))
    b.one(op, [a, c], shape=shape, dtype=a.dtype, lo=lo, hi=hi, exact=a.exact and c.exact)


COMPARES = ["Equal", "Greater", "Less", "GreaterOrEqual", "LessOrEqual"]


def g_compare(b: Builder) -> None:
    op = b.choice(COMPARES)
    if op.endswith("OrEqual") and b.opset < 12:
        raise Reject("opset")
    a = b.pick(lambda t: (t.is_float or t.is_int) and t.exact,
               create=lambda: b.new_input(b.random_shape(b.int(1, 3)), F32, -2, 2, grid=0.5))
    if b.chance(2):
        c = _binary_partner(b, a, pred=lambda t: t.exact, bound=2.0)
        if not c.exact:
            raise Reject("inexact")
    else:
        s = b.partner_shape(a.shape)
        if a.is_float:
            c = b.const((b.rng.integers(-4, 5, size=s) * 0.5).astype(F32))
        else:
            c = b.const(b.rng.integers(-3, 4, size=s).astype(a.dtype))
    b.one(op, [a, c], shape=_bcast(a.shape, c.shape), dtype=BOOL, exact=True)


def _bool_tensor(b: Builder, shape_hint=None) -> Tensor:
    def create():
        if b.bool():
            return b.new_input(shape_hint if shape_hint is not None else b.random_shape(b.int(1, 3)), BOOL)
        g_compare(b)
        return b.pool[-1]

    return b.pick(lambda t: t.dtype == BOOL, create=create)


def g_logic(b: Builder) -> None:
    op = b.choice(["And", "Or", "Xor", "Not"])
    a = _bool_tensor(b)
    if op == "Not":
        b.one("Not", [a], shape=a.shape, dtype=BOOL, exact=True)
        return
    c = _binary_partner(b, a)
    b.one(op, [a, c], shape=_bcast(a.shape, c.shape), dtype=BOOL, exact=True)


def g_where(b: Builder) -> None:
    cond = _bool_tensor(b)
    x = b.pick(lambda t: (t.is_float or t.is_int) and _broadcastable(t.shape, cond.shape),
               create=lambda: b.new_input(b.partner_shape(cond.shape)))  # (onnxruntime: no bool Where)
    y = _binary_partner(b, x, bound=2.0 if x.is_float else 5)
    shape = _bcast(cond.shape, x.shape, y.shape)
    if len(shape) > MAX_RANK:
        raise Reject("rank")
    b.one("Where", [cond, x, y], shape=shape, dtype=x.dtype, lo=min(x.lo, y.lo), hi=max(x.hi, y.hi),
          exact=x.exact and y.exact)


def g_cast(b: Builder) -> None:
    x = b.pick(lambda t: t.dtype in (F32, I64, I32, BOOL))
    if x.is_float:
        to = b.choice(["int64", "int32", "bool", "float16", "float"])
        if to != "float" and not x.exact:
            raise Reject("cast of inexact")
        if to == "float16":
            h = b.one("Cast", [x], shape=x.shape, dtype=F16, lo=x.lo, hi=x.hi, exact=True,
                      attrs={"to": TensorProto.FLOAT16})
            b.pool.remove(h)  # float16 stays inside the round trip (onnxruntime computes little in f16)
            if h.rank >= 2 and b.chance(3):  # ... after some data movement in f16
                perm = list(b.draw(st.permutations(list(range(h.rank)))))
                h = b.one("Transpose", [h], shape=tuple(h.shape[p] for p in perm), dtype=F16, lo=x.lo, hi=x.hi,
                          exact=True, attrs={"perm": perm})
                b.pool.remove(h)
            b.one("Cast", [h], shape=h.shape, dtype=F32, lo=x.lo, hi=x.hi, exact=True, attrs={"to": TensorProto.FLOAT})
            return
        if to == "float":
            b.one("Cast", [x], shape=x.shape, dtype=F32, lo=x.lo, hi=x.hi, exact=x.exact,
                  attrs={"to": TensorProto.FLOAT})
            return
        dt = {"int64": I64, "int32": I32, "bool": BOOL}[to]
        b.one("Cast", [x], shape=x.shape, dtype=dt, lo=math.trunc(x.lo), hi=math.trunc(x.hi), exact=True,
              attrs={"to": ONNX_TYPE[dt]})
        return
    to = b.choice([F32, I64, I32, BOOL] if x.dtype != BOOL else [F32, I64, I32])
    if to == x.dtype:
        to = F32
    lo, hi = (0.0, 1.0) if x.dtype == BOOL else (x.lo, x.hi)
    if b.chance(4) and b.opset >= 15:
        like = b.const(np.zeros((1,), to), share=False)
        b.one("CastLike", [x, like], shape=x.shape, dtype=to, lo=lo, hi=hi, exact=True)
        return
    b.one("Cast", [x], shape=x.shape, dtype=to, lo=lo, hi=hi, exact=True, attrs={"to": ONNX_TYPE[to]})


def g_clip(b: Builder) -> None:
    x = b.pick(lambda t: t.is_float or (t.is_int and b.opset >= 12))
    if x.is_int:
        lo, hi = sorted([int(b.rng.integers(-5, 5)), int(b.rng.integers(-5, 5))])
    else:
        lo, hi = sorted([float(b.rng.integers(-8, 9)) / 4, float(b.rng.integers(-8, 9)) / 4])
    form = b.choice(["both", "min", "max", "none", "runtime"])
    mn = b.const(np.asarray(lo, x.dtype), share=False) if form in ("both", "min") else None
    mx = b.const(np.asarray(hi, x.dtype), share=False) if form in ("both", "max") else None
    if form == "runtime":
        mn = b.new_input((), x.dtype, lo, lo) if x.is_float else b.new_input((), x.dtype, lo, lo)
        b.input_values[mn.name] = np.asarray(lo, x.dtype)
        mx = b.const(np.asarray(hi, x.dtype), share=False)
    inputs = [x, mn, mx]
    while inputs and inputs[-1] is None:
        inputs.pop()
    olo = x.lo if mn is None else max(x.lo, lo)
    ohi = x.hi if mx is None else min(x.hi, hi)
    olo, ohi = min(olo, ohi), max(olo, ohi)
    b.one("Clip", inputs, shape=x.shape, dtype=x.dtype, lo=olo, hi=ohi, exact=x.exact)


REDUCES = ["ReduceSum", "ReduceMean", "ReduceMax", "ReduceMin", "ReduceProd", "ReduceL1", "ReduceL2",
           "ReduceLogSum", "ReduceLogSumExp", "ReduceSumSquare"]


def g_reduce(b: Builder) -> None:
    op = b.choice(REDUCES)
    if op in ("ReduceSum", "ReduceMax", "ReduceMin") and b.chance(6):
        x = b.pick(lambda t: t.is_int and t.rank >= 1)
    else:
        x = b.pick_float(min_rank=1)
    r = x.rank
    mode = b.choice(["some", "some", "all", "empty"])
    if mode == "some":
        axes = sorted(set(b.draw(st.lists(st.integers(0, r - 1), min_size=1, max_size=r))))
        axes = [a - r if b.bool() else a for a in axes]
    else:
        axes = []
    from_input = b.opset >= (13 if op == "ReduceSum" else 18)
    keepdims = b.int(0, 1)
    noop = 0
    if mode == "empty" and from_input and b.bool():
        noop = 1
    if mode == "all" and axes == [] and not from_input and b.bool():
        axes = list(range(r))
    red = [a % r for a in axes] if axes else ([] if noop else list(range(r)))
    n = int(np.prod([x.shape[a] for a in red], dtype=np.int64)) if red else 1
    if noop:
        shape = x.shape
    elif keepdims:
        shape = tuple(1 if i in red else d for i, d in enumerate(x.shape))
    else:
        shape = tuple(d for i, d in enumerate(x.shape) if i not in red)
    exact = x.exact and (op in ("ReduceMax", "ReduceMin") or noop == 1 or (x.is_int and op == "ReduceSum"))
    if x.is_float and not noop:
        if op in ("ReduceSum", "ReduceL1"):
            x = b.scale_to(x, CAP / n)
        elif op in ("ReduceSumSquare", "ReduceL2"):
            x = b.scale_to(x, math.sqrt(CAP / n))
        elif op == "ReduceProd":
            x = b.scale_to(x, max(CAP ** (1.0 / n), 1.0))
        elif op == "ReduceLogSum":
            x = b.positive(x, 0.1)
        elif op == "ReduceLogSumExp":
            x = b.scale_to(x, 8.0)
    if noop:
        lo, hi = x.lo, x.hi
    elif op == "ReduceSum":
        lo, hi = n * x.lo, n * x.hi
    elif op in ("ReduceMean", "ReduceMax", "ReduceMin"):
        lo, hi = x.lo, x.hi
    elif op == "ReduceProd":
        m = x.bound ** n
        lo, hi = -m, m
    elif op == "ReduceL1":
        lo, hi = 0.0, n * x.bound
    elif op == "ReduceL2":
        lo, hi = 0.0, math.sqrt(n) * x.bound
    elif op == "ReduceSumSquare":
        lo, hi = 0.0, n * x.bound ** 2
    elif op == "ReduceLogSum":
        lo, hi = math.log(max(x.lo, 1e-3)), math.log(n * max(x.hi, 1e-3))
    else:
        lo, hi = x.lo, x.hi + math.log(n)
    if x.is_int:
        if abs(lo) > INT_CAP or abs(hi) > INT_CAP:
            raise Reject("int overflow")
    inputs = [x]
    attrs: dict[str, Any] = {"keepdims": keepdims if keepdims == 0 or b.bool() else None}
    if from_input:
        if axes:
            inputs.append(b.ints(axes))
        elif b.chance(3):
            inputs.append(b.ints(np.zeros((0,), np.int64)))
        if noop:
            attrs["noop_with_empty_axes"] = 1
    elif axes:
        attrs["axes"] = axes
    b.one(op, inputs, shape=shape, dtype=x.dtype, lo=lo, hi=hi, exact=exact, attrs=attrs)


def g_argmax(b: Builder) -> None:
    op = b.choice(["ArgMax", "ArgMin"])
    x = b.pick(lambda t: (t.is_float or t.is_int) and t.exact and t.rank >= 1,
               create=lambda: b.new_input(b.random_shape(b.int(1, 4)), F32, -2, 2, grid=0.5))
    r = x.rank
    axis = b.int(-r, r - 1)
    keepdims = b.int(0, 1)
    shape = tuple((1 if i == axis % r else d) for i, d in enumerate(x.shape)) if keepdims else \
        tuple(d for i, d in enumerate(x.shape) if i != axis % r)
    attrs = {"axis": axis, "keepdims": keepdims}
    if b.opset >= 12 and b.bool():
        attrs["select_last_index"] = b.int(0, 1)
    b.one(op, [x], shape=shape, dtype=I64, lo=0, hi=x.shape[axis % r] - 1, exact=True, attrs=attrs)


def g_softmax(b: Builder) -> None:
    op = b.choice(["Softmax", "LogSoftmax", "Softmax"])
    x = b.pick_float(min_rank=1)
    r = x.rank
    axis = b.int(-r, r - 1)
    attrs = {"axis": axis}
    if b.chance(4):
        attrs = {}
        axis = 1 if b.opset < 13 else -1
        if axis == 1 and r < 2:
            raise Reject("axis")
    if b.opset < 13:
        n = int(np.prod(x.shape[axis % r:], dtype=np.int64))
    else:
        n = x.shape[axis % r]
    x = b.scale_to(x, CAP / 2)
    if op == "Softmax":
        lo, hi = 0.0, 1.0
    else:
        lo, hi = -(x.hi - x.lo) - math.log(max(n, 1)) - 1, 0.0
    b.one(op, [x], shape=x.shape, lo=lo, hi=hi, exact=False, attrs=attrs)


def g_matmul(b: Builder) -> None:
    a = b.pick_float(min_rank=1)
    K = a.shape[-1]

    def fits(t):
        if not t.is_float or t.rank == 0 or t is a and a.rank < 2:
            return False
        if t.rank == 1:
            return t.shape[0] == K
        if t.shape[-2] != K:
            return False
        if a.rank >= 2 and t.rank >= 2 and not _broadcastable(a.shape[:-2], t.shape[:-2]):
            return False
        return True

    if b.chance(3):
        cands = [t for t in reversed(b.pool) if fits(t)]
        c = cands[b.int(0, len(cands) - 1)] if cands else None
    else:
        c = None
    if c is None:
        form = b.choice(["2d", "batched", "1d", "2d"])
        N = b.choice([1, 2, 3, 4, 5, 8])
        if form == "1d":
            s = (K,)
        elif form == "2d":
            s = (K, N)
        else:
            batch = b.partner_shape(a.shape[:-2]) if a.rank > 2 else (b.int(1, 3),) * b.int(1, 2)
            s = tuple(batch) + (K, N)
        bound = max(min(1.0, CAP / (K * max(a.bound, 1e-3))), 1 / 64)
        c = b.operand(s, F32, bound)
    try:
        shape = np.matmul(np.zeros(a.shape, np.float32), np.zeros(c.shape, np.float32)).shape
    except ValueError:
        raise Reject("matmul shapes") from None
    if K * a.bound * c.bound > CAP:
        a = b.scale_to(a, max(CAP / (K * max(c.bound, 1e-3)), 1e-3))
    m = K * a.bound * c.bound
    mm = b.one("MatMul", [a, c], shape=shape, lo=-m, hi=m, exact=K == 1 and a.exact and c.exact)
    if shape and b.chance(3):
        # the MatMulBiasFuse form: + a bias weight along the last dim
        bs = b.choice([(shape[-1],), (1, shape[-1]), (1,) * (len(shape) - 1) + (shape[-1],), (1,), shape])
        bias = b.weight(bs, 1.0)
        ops = [mm, bias] if b.bool() else [bias, mm]
        out = _bcast(mm.shape, bs)
        if len(out) > MAX_RANK:
            raise Reject("rank")
        b.one("Add", ops, shape=out, lo=-m - 1, hi=m + 1)


def g_gemm(b: Builder) -> None:
    a = b.pick_float(lambda t: t.rank == 2, rank=[2])
    ta = b.int(0, 1)
    M, K = (a.shape[1], a.shape[0]) if ta else a.shape
    N = b.choice([1, 2, 3, 4, 6, 8])
    tb = b.int(0, 1)
    bound = max(min(1.0, CAP / (K * max(a.bound, 1e-3))), 1 / 64)
    w = b.operand((N, K) if tb else (K, N), F32, bound)
    a = b.scale_to(a, max(CAP / (K * max(w.bound, 1e-3)), 1e-3))
    alpha = b.choice([1.0, 1.0, 0.5, 2.0, -1.0, 0.3])
    beta = b.choice([1.0, 1.0, 0.5, 0.0, -2.0])
    inputs = [a, w]
    cb = 0.0
    if b.int(0, 3) > 0:
        cs = b.choice([(N,), (1, N), (M, 1), (M, N), (), (1, 1), (1,)])
        c = b.operand(cs, F32, 1.0)
        inputs.append(c)
        cb = c.bound
    m = abs(alpha) * K * a.bound * w.bound + abs(beta) * cb
    attrs = {"alpha": alpha if alpha != 1.0 or b.bool() else None, "beta": beta if beta != 1.0 else None,
             "transA": ta or None, "transB": tb or None}
    b.one("Gemm", inputs, shape=(M, N), lo=-m, hi=m, exact=False, attrs=attrs)


def _infer(b: Builder, node_type: str, inputs: list[Tensor | None], attrs: dict, n_out: int = 1,
           data: dict | None = None) -> list[tuple[int, ...]]:
    """Output shapes by ONNX shape inference of a single node (for conv/pool arithmetic)."""
    names = [t.name if t is not None else "" for t in inputs]
    outs = [f"_o{i}" for i in range(n_out)]
    node = helper.make_node(node_type, names, outs, **{k: v for k, v in attrs.items() if v is not None})
    types = {t.name: helper.make_tensor_type_proto(ONNX_TYPE[t.dtype], list(t.shape)) for t in inputs if t is not None}
    schema = onnx.defs.get_schema(node_type, b.opset)
    try:
        res = onnx.shape_inference.infer_node_outputs(
            schema, node, types, data or {}, opset_imports=[helper.make_opsetid("", b.opset)])
    except Exception as e:  # noqa: BLE001
        raise Reject(f"shape inference: {e}") from None
    shapes = []
    for o in outs:
        tp = res.get(o)
        if tp is None or not tp.tensor_type.HasField("shape"):
            raise Reject("no shape")
        dims = [d.dim_value if d.HasField("dim_value") else -1 for d in tp.tensor_type.shape.dim]
        if any(d <= 0 for d in dims):
            raise Reject(f"bad shape {dims}")
        shapes.append(tuple(dims))
    return shapes


def _window_attrs(b: Builder, nd: int, spatial, pool: bool) -> tuple[dict, list[int]]:
    """kernel_shape/strides/dilations/pads or auto_pad of a conv/pool node that onnxruntime
    accepts: the dilated kernel fits the (padded) input, SAME padding is not negative."""
    k = [b.int(1, min(3, s + 2)) for s in spatial]
    attrs: dict[str, Any] = {"kernel_shape": k}
    strides = [1] * nd
    if b.bool():
        strides = attrs["strides"] = [b.int(1, 3) for _ in range(nd)]
    dil = [1] * nd
    if (not pool or b.opset >= 10) and b.chance(3):
        dil = attrs["dilations"] = [b.int(1, 2) for _ in range(nd)]
    eff = [(kk - 1) * dd + 1 for kk, dd in zip(k, dil)]
    auto = b.choice(["NOTSET", "NOTSET", "NOTSET", "SAME_UPPER", "SAME_LOWER", "VALID"])
    if auto.startswith("SAME") and any(dd != 1 for dd in dil):
        auto = "NOTSET"  # onnxruntime: Conv refuses dilations with SAME_*, MaxPool gets the shape wrong
    if auto.startswith("SAME"):
        for i in range(nd):
            out = -(-spatial[i] // strides[i])
            if (out - 1) * strides[i] + eff[i] - spatial[i] < 0:
                auto = "NOTSET"
    if auto == "VALID" and any(e > s for e, s in zip(eff, spatial)):
        auto = "NOTSET"
    if auto != "NOTSET":
        attrs["auto_pad"] = auto
        return attrs, k
    pads = [0] * (2 * nd)
    if b.bool():
        pads = [b.int(0, kk - 1 if pool else 2) for kk in k] + [b.int(0, kk - 1 if pool else 2) for kk in k]
        attrs["pads"] = pads
    for i in range(nd):
        if spatial[i] + pads[i] + pads[nd + i] < eff[i]:
            raise Reject("kernel larger than the padded input")
    return attrs, k


def g_conv(b: Builder) -> None:
    nd = b.choice([2, 2, 2, 1])
    x = b.pick_float(lambda t: t.rank == nd + 2, rank=[nd + 2])
    C = x.shape[1]
    groups = [g for g in range(1, C + 1) if C % g == 0]
    g = b.choice(groups) if b.chance(3) else 1
    M = g * b.int(1, max(1, 8 // g))
    attrs, k = _window_attrs(b, nd, x.shape[2:], pool=False)
    attrs["group"] = g if g != 1 or b.chance(4) else None
    if b.chance(3):
        attrs["kernel_shape"] = None  # inferred from the weight
    fan = C // g * int(np.prod(k))
    wb = max(min(1.0, CAP / (fan * max(x.bound, 1e-3))), 1 / 64)
    w = b.operand((M, C // g, *k), F32, wb, runtime_ok=True)
    x = b.scale_to(x, max(CAP / (fan * max(w.bound, 1e-3)), 1e-3))
    inputs = [x, w]
    if b.bool():
        inputs.append(b.operand((M,), F32, 1.0))
    (shape,) = _infer(b, "Conv", inputs, attrs)
    m = fan * x.bound * w.bound + 1.0
    b.one("Conv", inputs, shape=shape, lo=-m, hi=m, exact=False, attrs=attrs)


def g_pool(b: Builder) -> None:
    op = b.choice(["MaxPool", "AveragePool", "GlobalAveragePool", "GlobalMaxPool", "MaxPool", "AveragePool"])
    nd = b.choice([2, 2, 1])
    x = b.pick_float(lambda t: t.rank == nd + 2, rank=[nd + 2])
    if op.startswith("Global"):
        b.one(op, [x], shape=x.shape[:2] + (1,) * nd, lo=x.lo, hi=x.hi,
              exact=x.exact and op == "GlobalMaxPool")
        return
    attrs, _ = _window_attrs(b, nd, x.shape[2:], pool=True)
    if op == "AveragePool":
        if attrs.pop("dilations", None):  # AveragePool dilations are opset 19+
            raise Reject("dilations")
        if b.bool():
            attrs["count_include_pad"] = b.int(0, 1)
    if b.chance(3):  # (with any auto_pad: VALID + ceil_mode was a bug, fixed in 9a2ae8a)
        attrs["ceil_mode"] = 1
    (shape,) = _infer(b, op, [x], attrs)
    if op == "MaxPool":
        lo, hi = x.lo, x.hi
        if b.chance(4) and nd == 2:
            attrs["storage_order"] = b.int(0, 1) if b.bool() else None
            b.node("MaxPool", [x], [dict(shape=shape, lo=lo, hi=hi, exact=x.exact),
                                    dict(shape=shape, dtype=I64, lo=0, hi=x.size - 1, exact=True)], **attrs)
            return
        attrs.pop("storage_order", None)
        b.one("MaxPool", [x], shape=shape, lo=lo, hi=hi, exact=x.exact, attrs=attrs)
    else:
        b.one(op, [x], shape=shape, lo=min(x.lo, 0), hi=max(x.hi, 0), exact=False, attrs=attrs)


def g_batchnorm(b: Builder) -> None:
    x = b.pick_float(lambda t: 2 <= t.rank <= 4, rank=[2, 3, 4])
    C = x.shape[1]
    scale = b.weight((C,), 1.5)
    bias = b.weight((C,), 1.0)
    mean = b.weight((C,), 1.0)
    var = b.const(b.rng.uniform(0.5, 2.0, size=(C,)).astype(F32), share=False)
    eps = b.choice([1e-5, 1e-3, 0.1])
    x = b.scale_to(x, CAP / 4)
    m = (x.bound + 1.0) / math.sqrt(0.5) * 1.5 + 1.0
    b.one("BatchNormalization", [x, scale, bias, mean, var], shape=x.shape, lo=-m, hi=m, exact=False,
          attrs={"epsilon": eps if eps != 1e-5 else None})


def g_layernorm(b: Builder) -> None:
    if b.opset < 17:
        return g_layernorm_decomposed(b)
    x = b.generic(b.pick_float(min_rank=1))
    r = x.rank
    axis = b.int(-r, r - 1)
    ns = x.shape[axis % r:]
    form = b.choice(["full", "full", "trailing"])
    ss = ns if form == "full" else tuple(1 if (i < len(ns) - 1 and b.bool()) else d for i, d in enumerate(ns))
    scale = b.operand(ss, F32, 1.5)
    inputs = [x, scale]
    if b.bool():
        inputs.append(b.operand(ss, F32, 1.0))
    eps = b.choice([1e-5, 1e-3, 1e-2])
    n = int(np.prod(ns))
    m = math.sqrt(n) * scale.bound + 1.0
    outs = [dict(shape=x.shape, lo=-m, hi=m)]
    kshape = tuple(d if i < axis % r else 1 for i, d in enumerate(x.shape))
    extra = b.int(0, 2) if b.chance(3) else 0
    if extra >= 1:
        outs.append(dict(shape=kshape, lo=x.lo, hi=x.hi))
    if extra >= 2:
        outs.append(dict(shape=kshape, lo=0, hi=1 / math.sqrt(eps)))
    if x.is_float:
        x = b.scale_to(x, CAP / 2)
        inputs[0] = x
    attrs = {"axis": axis if axis != -1 or b.bool() else None, "epsilon": eps if eps != 1e-5 else None}
    if extra and b.chance(3) and len(outs) == 3:
        outs[1] = None  # only InvStdDev
    b.node("LayerNormalization", inputs, outs, **attrs)


def g_layernorm_decomposed(b: Builder) -> None:
    """The exported-from-PyTorch LayerNorm: ReduceMean, Sub, Pow 2, ReduceMean, Add eps, Sqrt,
    Div, Mul, Add."""
    x = b.generic(b.pick_float(min_rank=1))
    axis = -1
    kshape = x.shape[:-1] + (1,)

    def reduce_mean(t):
        if b.opset >= 18:
            return b.one("ReduceMean", [t, b.ints([axis])], shape=kshape, lo=t.lo, hi=t.hi)
        return b.one("ReduceMean", [t], shape=kshape, lo=t.lo, hi=t.hi, attrs={"axes": [axis]})

    mean = reduce_mean(x)
    d = b.one("Sub", [x, mean], shape=x.shape, lo=x.lo - x.hi, hi=x.hi - x.lo)
    two = b.const(np.asarray(2.0, F32), share=False)
    sq = b.one("Pow", [d, two], shape=x.shape, lo=0, hi=d.bound ** 2)
    var = reduce_mean(sq)
    eps = b.const(np.asarray(b.choice([1e-5, 1e-3, 1e-2]), F32), share=False)
    ve = b.one("Add", [var, eps], shape=kshape, lo=1e-5, hi=var.hi + 1)
    sd = b.one("Sqrt", [ve], shape=kshape, lo=0.003, hi=math.sqrt(ve.hi))
    y = b.one("Div", [d, sd], shape=x.shape, lo=-math.sqrt(x.shape[-1]), hi=math.sqrt(x.shape[-1]))
    g = b.weight((x.shape[-1],), 1.5)
    y = b.one("Mul", [y, g], shape=x.shape, lo=-2 * math.sqrt(x.shape[-1]), hi=2 * math.sqrt(x.shape[-1]))
    bb = b.weight((x.shape[-1],), 1.0)
    b.one("Add", [y, bb], shape=x.shape, lo=-2 * math.sqrt(x.shape[-1]) - 1, hi=2 * math.sqrt(x.shape[-1]) + 1)


def g_gelu(b: Builder) -> None:
    x = b.pick_float()
    x = b.scale_to(x, 8.0)
    form = b.choice(["erf", "tanh", "op", "erf"])
    lo, hi = -0.2, max(x.hi, 0.0)
    if form == "op":
        if b.opset < 20:
            form = "erf"
        else:
            approx = b.choice(["none", "tanh"])
            b.one("Gelu", [x], shape=x.shape, lo=lo, hi=hi, attrs={"approximate": approx if approx != "none" else None})
            return
    if form == "erf":
        # x * 0.5 * (1 + erf(x / sqrt(2)))   (the torch.onnx export)
        s2 = b.const(np.asarray(1.4142135, F32), share=False)
        d = b.one("Div", [x, s2], shape=x.shape, lo=x.lo, hi=x.hi)
        e = b.one("Erf", [d], shape=x.shape, lo=-1, hi=1)
        one = b.const(np.asarray(1.0, F32), share=False)
        p = b.one("Add", [e, one], shape=x.shape, lo=0, hi=2)
        m = b.one("Mul", [x, p], shape=x.shape, lo=-2 * x.bound, hi=2 * x.bound)
        half = b.const(np.asarray(0.5, F32), share=False)
        b.one("Mul", [m, half], shape=x.shape, lo=lo, hi=hi)
        return
    # 0.5 * x * (1 + tanh(sqrt(2/pi) * (x + 0.044715 * x^3)))
    three = b.const(np.asarray(3.0, F32), share=False)
    cube = b.one("Pow", [x, three], shape=x.shape, lo=-x.bound ** 3, hi=x.bound ** 3)
    c = b.const(np.asarray(0.044715, F32), share=False)
    t = b.one("Mul", [cube, c], shape=x.shape, lo=-0.05 * x.bound ** 3, hi=0.05 * x.bound ** 3)
    s = b.one("Add", [x, t], shape=x.shape, lo=-30, hi=30)
    k = b.const(np.asarray(0.7978846, F32), share=False)
    u = b.one("Mul", [s, k], shape=x.shape, lo=-30, hi=30)
    th = b.one("Tanh", [u], shape=x.shape, lo=-1, hi=1)
    one = b.const(np.asarray(1.0, F32), share=False)
    p = b.one("Add", [th, one], shape=x.shape, lo=0, hi=2)
    half = b.const(np.asarray(0.5, F32), share=False)
    h = b.one("Mul", [x, half], shape=x.shape, lo=-x.bound / 2, hi=x.bound / 2)
    b.one("Mul", [h, p], shape=x.shape, lo=lo, hi=hi)


def g_transpose(b: Builder) -> None:
    low = b.chance(10)  # rank 0/1 Transposes are identities
    x = b.pick(lambda t: (t.rank >= 2 or low) and t.dtype != F16,
               create=lambda: b.new_input(b.random_shape(b.int(2, 4))))
    r = x.rank
    perm = b.draw(st.permutations(list(range(r))))
    attrs = {"perm": list(perm)}
    if b.chance(5) or r == 0:
        perm = list(range(r))[::-1]
        attrs = {}
    b.one("Transpose", [x], shape=tuple(x.shape[p] for p in perm), dtype=x.dtype, lo=x.lo, hi=x.hi,
          exact=x.exact, attrs=attrs)


def _factor(b: Builder, total: int, max_rank: int = 5) -> list[int]:
    """A random shape with product ``total`` and every dim <= 8."""
    dims = []
    rem = total
    while rem > 1 and len(dims) < max_rank - 1:
        divs = [d for d in range(2, min(MAX_DIM, rem) + 1) if rem % d == 0]
        if not divs:
            break
        d = b.choice(divs)
        dims.append(d)
        rem //= d
    if rem > 1:
        if rem > MAX_DIM * 2:
            raise Reject("cannot factor")
        dims.append(rem)
    while b.chance(4) and len(dims) < max_rank:
        dims.insert(b.int(0, len(dims)), 1)
    if not dims and not b.chance(4):
        dims = [1]
    perm = b.draw(st.permutations(list(range(len(dims)))))
    return [dims[p] for p in perm]


def _reshape_spec(b: Builder, in_shape, out: list[int]) -> list[int]:
    """``out`` written with 0 (copy) and -1 (infer) where allowed."""
    spec = list(out)
    for i, d in enumerate(spec):
        if i < len(in_shape) and in_shape[i] == d and b.chance(3):
            spec[i] = 0
    cands = [i for i, d in enumerate(spec) if d != 0]
    if cands and b.bool():
        spec[b.choice(cands)] = -1
    return spec


def g_reshape(b: Builder) -> None:
    x = b.pick(lambda t: t.dtype != F16)
    if b.chance(6):
        r = x.rank
        axis = b.int(-r, r) if r else 0
        a = axis + r if axis < 0 else axis
        out = [int(np.prod(x.shape[:a])), int(np.prod(x.shape[a:]))]
        b.one("Flatten", [x], shape=out, dtype=x.dtype, lo=x.lo, hi=x.hi, exact=x.exact,
              attrs={"axis": axis if axis != 1 or b.bool() else None})
        return
    out = _factor(b, x.size)
    spec = _reshape_spec(b, x.shape, out)
    shape_t = b.ints(spec)
    b.one("Reshape", [x, shape_t], shape=out, dtype=x.dtype, lo=x.lo, hi=x.hi, exact=x.exact)


def g_squeeze(b: Builder) -> None:
    x = b.pick(lambda t: t.dtype != F16)
    ones = [i for i, d in enumerate(x.shape) if d == 1]
    if ones and b.bool():
        axes = sorted(set(b.draw(st.lists(st.sampled_from(ones), min_size=1, max_size=len(ones)))))
        r = x.rank
        spec = [a - r if b.bool() else a for a in axes]
        if b.chance(4):
            spec = None  # all size-1 axes
            axes = ones
        shape = tuple(d for i, d in enumerate(x.shape) if i not in axes)
        if spec is None:
            b.one("Squeeze", [x], shape=shape, dtype=x.dtype, lo=x.lo, hi=x.hi, exact=x.exact)
        elif b.opset >= 13:
            b.one("Squeeze", [x, b.ints(spec)], shape=shape, dtype=x.dtype, lo=x.lo, hi=x.hi, exact=x.exact)
        else:
            b.one("Squeeze", [x], shape=shape, dtype=x.dtype, lo=x.lo, hi=x.hi, exact=x.exact,
                  attrs={"axes": spec})
        return
    if x.rank >= MAX_RANK:
        raise Reject("rank")
    k = b.int(1, min(2, MAX_RANK - x.rank))
    R = x.rank + k
    axes = sorted(b.draw(st.lists(st.integers(0, R - 1), min_size=k, max_size=k, unique=True)))
    shape = list(x.shape)
    for a in axes:
        shape.insert(a, 1)
    spec = [a - R if b.bool() else a for a in axes]
    if b.opset >= 13:
        b.one("Unsqueeze", [x, b.ints(spec)], shape=shape, dtype=x.dtype, lo=x.lo, hi=x.hi, exact=x.exact)
    else:
        b.one("Unsqueeze", [x], shape=shape, dtype=x.dtype, lo=x.lo, hi=x.hi, exact=x.exact, attrs={"axes": spec})


def g_concat(b: Builder) -> None:
    x = b.pick(lambda t: t.rank >= 1 and t.dtype != F16)
    r = x.rank
    axis = b.int(-r, r - 1)
    a = axis % r
    parts = [x]
    total = x.shape[a]
    for _ in range(b.int(0, 3) if b.chance(8) else b.int(1, 3)):
        def ok(t):
            return (t.dtype == x.dtype and t.rank == r and all(t.shape[i] == x.shape[i] for i in range(r) if i != a)
                    and total + t.shape[a] <= 12)

        cands = [t for t in reversed(b.pool) if ok(t)]
        if cands and b.bool():
            t = cands[b.int(0, len(cands) - 1)]
        else:
            d = b.int(1, 4)
            if total + d > 12:
                break
            s = list(x.shape)
            s[a] = d
            t = b.operand(s, x.dtype, x.bound if x.is_float else 5) if x.dtype != BOOL else b.operand(s, BOOL)
        parts.append(t)
        total += t.shape[a]
    shape = list(x.shape)
    shape[a] = total
    b.one("Concat", parts, shape=shape, dtype=x.dtype, lo=min(p.lo for p in parts), hi=max(p.hi for p in parts),
          exact=all(p.exact for p in parts), attrs={"axis": axis})


def _slice_bounds(b: Builder, d: int) -> tuple[int, int, int, int]:
    """(start, end, step, length) for one axis of size ``d``; the result is empty only in
    graphs with ``allow_empty`` (zero-size tensors then flow through the rest of the graph)."""
    if b.allow_empty and b.chance(4):
        s = b.int(-d, d)
        return s, s, b.choice([1, -1, 2]), 0
    for _ in range(10):
        step = b.choice([1, 1, 1, 2, 3, -1, -1, -2])
        form_s = b.choice(["pos", "neg", "pos", "big", "default"])
        form_e = b.choice(["pos", "neg", "pos", "big", "default"])

        def bound(form, is_start):
            if form == "pos":
                return b.int(0, d)
            if form == "neg":
                return b.int(-d - 2, -1)
            if form == "big":
                if step > 0:
                    return b.choice([INT64_MIN, -d - 3]) if is_start else b.choice([INT64_MAX, d + 3])
                return b.choice([INT64_MAX, d + 3]) if is_start else b.choice([INT64_MIN, -d - 3])
            if step > 0:
                return 0 if is_start else INT64_MAX
            return -1 if is_start else INT64_MIN

        s, e = bound(form_s, True), bound(form_e, False)
        n = len(range(d)[slice(s, e, step)])
        if n >= 1 or b.allow_empty and b.chance(3):
            return s, e, step, n
    return 0, d, 1, d


def g_slice(b: Builder) -> None:
    x = b.pick(lambda t: t.rank >= 1 and t.dtype != F16)
    r = x.rank
    axes = b.draw(st.lists(st.integers(0, r - 1), min_size=1, max_size=r, unique=True))
    starts, ends, steps = [], [], []
    shape = list(x.shape)
    for a in axes:
        s, e, t, n = _slice_bounds(b, x.shape[a])
        starts.append(s)
        ends.append(e)
        steps.append(t)
        shape[a] = n
    dt = I64 if b.int(0, 3) else I32
    if dt == I32:
        clamp = lambda v: int(np.clip(v, np.iinfo(np.int32).min, np.iinfo(np.int32).max))  # noqa: E731
        starts, ends = [clamp(v) for v in starts], [clamp(v) for v in ends]
    inputs = [x, b.ints(starts, dt), b.ints(ends, dt)]
    spec_axes = [a - r if b.bool() else a for a in axes]
    if spec_axes != list(range(len(axes))) or any(t != 1 for t in steps) or b.bool():
        inputs.append(b.ints(spec_axes, dt))
        if any(t != 1 for t in steps) or b.bool():
            inputs.append(b.ints(steps, dt))
    b.one("Slice", inputs, shape=shape, dtype=x.dtype, lo=x.lo, hi=x.hi, exact=x.exact)


def g_split(b: Builder) -> None:
    x = b.pick(lambda t: t.rank >= 1 and max(t.shape) >= 2 and t.dtype != F16,
               create=lambda: b.new_input((b.int(2, 6), b.int(1, 4))))
    r = x.rank
    axes = [i for i, d in enumerate(x.shape) if d >= 2]
    a = b.choice(axes)
    d = x.shape[a]
    n = b.int(2, min(4, d))
    form = b.choice(["sizes", "even", "sizes"])
    attrs: dict[str, Any] = {}
    axis = a - r if b.bool() else a
    if axis != 0 or b.bool():
        attrs["axis"] = axis
    inputs = [x]
    if form == "sizes":
        cuts = sorted(b.draw(st.lists(st.integers(1, d - 1), min_size=n - 1, max_size=n - 1, unique=True)))
        sizes = [hi - lo for lo, hi in zip([0] + cuts, cuts + [d])]
        if b.opset >= 13:
            inputs.append(b.ints(sizes))
        else:
            attrs["split"] = sizes
    elif b.opset >= 18:
        chunk = -(-d // n)
        sizes = [chunk] * (n - 1) + [d - chunk * (n - 1)]
        if sizes[-1] <= 0:
            raise Reject("split")
        attrs["num_outputs"] = n
    else:
        if d % n:
            raise Reject("uneven")
        sizes = [d // n] * n
    outs = []
    for s in sizes:
        shape = list(x.shape)
        shape[a] = s
        outs.append(dict(shape=shape, dtype=x.dtype, lo=x.lo, hi=x.hi, exact=x.exact))
    b.node("Split", inputs, outs, **attrs)


def g_gather(b: Builder) -> None:
    x = b.pick(lambda t: t.rank >= 1 and t.dtype != F16)
    r = x.rank
    axis = b.int(-r, r - 1)
    d = x.shape[axis % r]
    form = b.choice(["scalar", "1d", "2d", "runtime", "scalar", "1d"])
    if form == "runtime":
        idx = b.pick(lambda t: t.is_int and t.lo >= -d and t.hi <= d - 1 and t.rank <= 2 and r - 1 + t.rank <= 5,
                     create=lambda: b.new_input(b.random_shape(b.int(0, 2), 8), b.choice([I64, I32]), -d, d - 1))
    else:
        shape = {"scalar": (), "1d": (b.int(1, 6),), "2d": (b.int(1, 3), b.int(1, 3))}[form]
        v = b.rng.integers(-d, d, size=shape)
        idx = b.ints(v, b.choice([I64, I64, I32]))
    shape = x.shape[:axis % r] + idx.shape + x.shape[axis % r + 1:]
    if len(shape) > MAX_RANK:
        raise Reject("rank")
    b.one("Gather", [x, idx], shape=shape, dtype=x.dtype, lo=x.lo, hi=x.hi, exact=x.exact,
          attrs={"axis": axis if axis != 0 or b.bool() else None})


def g_gather_elements(b: Builder) -> None:
    x = b.pick(lambda t: t.rank >= 1 and t.dtype != F16)
    r = x.rank
    axis = b.int(-r, r - 1)
    d = x.shape[axis % r]
    s = [b.int(1, v) for v in x.shape]  # indices may be smaller than the data on the other axes
    s[axis % r] = b.int(1, 4)
    idx = b.ints(b.rng.integers(-d, d, size=s))
    b.one("GatherElements", [x, idx], shape=s, dtype=x.dtype, lo=x.lo, hi=x.hi, exact=x.exact,
          attrs={"axis": axis})


def g_pad(b: Builder) -> None:
    x = b.pick(lambda t: t.rank >= 1 and (t.is_float or t.is_int))
    r = x.rank
    mode = b.choice(["constant", "constant", "reflect", "edge"])
    if b.opset >= 18 and b.chance(3):
        axes = sorted(b.draw(st.lists(st.integers(0, r - 1), min_size=1, max_size=r, unique=True)))
        spec_axes = [a - r if b.bool() else a for a in axes]
    else:
        axes, spec_axes = list(range(r)), None
    begin, end = [], []
    shape = list(x.shape)
    for a in axes:
        d = x.shape[a]
        hi = 2 if mode != "reflect" else min(2, d - 1)
        lo = -min(2, d - 1) if mode == "constant" and b.chance(4) else 0
        p0, p1 = b.int(lo, hi), b.int(lo, hi)
        if d + p0 + p1 < 1:
            p0, p1 = 0, 0
        begin.append(p0)
        end.append(p1)
        shape[a] = d + p0 + p1
    inputs = [x, b.ints(begin + end)]
    lo_v, hi_v = x.lo, x.hi
    attrs = {"mode": mode if mode != "constant" or b.bool() else None}
    if mode == "constant" and b.bool():
        v = float(b.rng.integers(-4, 5) / 2) if x.is_float else int(b.rng.integers(-4, 5))
        inputs.append(b.const(np.asarray(v, x.dtype), share=False))
        lo_v, hi_v = min(lo_v, v), max(hi_v, v)
    elif mode == "constant":
        lo_v, hi_v = min(lo_v, 0), max(hi_v, 0)
    if spec_axes is not None:
        while len(inputs) < 3:
            inputs.append(None)
        inputs.append(b.ints(spec_axes))
    b.one("Pad", inputs, shape=shape, dtype=x.dtype, lo=lo_v, hi=hi_v, exact=x.exact, attrs=attrs)


def g_tile(b: Builder) -> None:
    x = b.pick(lambda t: t.rank >= 1 and t.dtype != F16)
    reps = [b.int(1, max(1, 8 // d)) for d in x.shape]
    shape = [d * k for d, k in zip(x.shape, reps)]
    b.one("Tile", [x, b.ints(reps)], shape=shape, dtype=x.dtype, lo=x.lo, hi=x.hi, exact=x.exact)


def g_expand(b: Builder) -> None:
    x = b.pick(lambda t: t.dtype != F16)
    target = [b.int(2, 4) if d == 1 and b.bool() else (1 if b.chance(4) else d) for d in x.shape]
    while len(target) < 4 and b.chance(3):
        target.insert(0, b.int(1, 3))
    shape = _bcast(x.shape, target)
    if len(shape) > MAX_RANK:
        raise Reject("rank")
    b.one("Expand", [x, b.ints(target)], shape=shape, dtype=x.dtype, lo=x.lo, hi=x.hi, exact=x.exact)


def g_shape_chain(b: Builder) -> None:
    """Shape computations tpuc must fold: Shape -> Gather/Slice -> Concat -> Reshape, Expand to
    Shape(x), ConstantOfShape, Size, Range."""
    form = b.choice(["flatten_tail", "reshape_like", "expand_like", "const_of_shape", "size", "range", "unsq"])
    x = b.pick(lambda t: t.rank >= 1 and t.dtype != F16)
    r = x.rank

    def shape_of(t, start=None, end=None):
        attrs = {}
        s = np.array(t.shape, np.int64)
        if b.opset >= 15 and (start is not None or end is not None):
            attrs = {"start": start, "end": end}
            s = s[slice(start, end)]
        return b.one("Shape", [t], shape=s.shape, dtype=I64, lo=0, hi=8, exact=True, attrs=attrs), s

    if form in ("flatten_tail", "unsq"):
        k = b.int(0, r - 1) if r > 1 else 0
        sh, s = shape_of(x)
        pieces = []
        if k > 0:
            how = b.choice(["slice", "gather", "shape_end"])
            if how == "slice":
                sl = b.one("Slice", [sh, b.ints([0]), b.ints([k])], shape=(k,), dtype=I64, lo=0, hi=8, exact=True)
            elif how == "shape_end" and b.opset >= 15:
                sl, _ = shape_of(x, None, k)
            else:
                if form == "unsq":
                    for i in range(k):
                        g = b.one("Gather", [sh, b.ints(np.asarray(i))], shape=(), dtype=I64, lo=0, hi=8, exact=True,
                                  attrs={"axis": 0})
                        if b.opset >= 13:
                            u = b.one("Unsqueeze", [g, b.ints([0])], shape=(1,), dtype=I64, lo=0, hi=8, exact=True)
                        else:
                            u = b.one("Unsqueeze", [g], shape=(1,), dtype=I64, lo=0, hi=8, exact=True,
                                      attrs={"axes": [0]})
                        pieces.append(u)
                    sl = None
                else:
                    sl = b.one("Gather", [sh, b.ints(list(range(k)))], shape=(k,), dtype=I64, lo=0, hi=8, exact=True,
                               attrs={"axis": 0})
            if sl is not None:
                pieces.append(sl)
        rest = int(np.prod(x.shape[k:]))
        pieces.append(b.ints([-1 if b.bool() else rest]))
        cat = b.one("Concat", pieces, shape=(k + 1,), dtype=I64, lo=-1, hi=64, exact=True, attrs={"axis": 0})
        b.one("Reshape", [x, cat], shape=tuple(x.shape[:k]) + (rest,), dtype=x.dtype, lo=x.lo, hi=x.hi,
              exact=x.exact)
    elif form == "reshape_like":
        y = b.pick(lambda t: t.size == x.size and t is not x and t.dtype != F16 and t.rank <= MAX_RANK)
        sh, _ = shape_of(x)
        b.one("Reshape", [y, sh], shape=x.shape, dtype=y.dtype, lo=y.lo, hi=y.hi, exact=y.exact)
    elif form == "expand_like":
        def unidir_shape():
            s = [1 if b.bool() else d for d in x.shape]
            return tuple(s[b.int(0, len(s)):])

        y = b.pick(lambda t: _unidir(t.shape, x.shape) and t.dtype != F16 and t is not x,
                   create=lambda: b.operand(unidir_shape(), F32))
        sh, _ = shape_of(x)
        b.one("Expand", [y, sh], shape=x.shape, dtype=y.dtype, lo=y.lo, hi=y.hi, exact=y.exact)
    elif form == "const_of_shape":
        sh, _ = shape_of(x)
        v = float(b.rng.integers(-4, 5)) / 2
        if x.is_float:
            cs = b.one("ConstantOfShape", [sh], shape=x.shape, lo=v, hi=v, exact=True,
                       attrs={"value": numpy_helper.from_array(np.asarray([v], F32), "value")})
            b.one("Add", [x, cs], shape=x.shape, lo=x.lo + v, hi=x.hi + v, exact=x.exact)
        else:
            b.one("ConstantOfShape", [sh], shape=x.shape, dtype=I64, lo=int(v), hi=int(v), exact=True,
                  attrs={"value": numpy_helper.from_array(np.asarray([int(v)], I64), "value")})
    elif form == "size":
        if not x.is_float:
            raise Reject("size")
        x = b.scale_to(x, CAP / max(x.size, 1))
        sz = b.one("Size", [x], shape=(), dtype=I64, lo=x.size, hi=x.size, exact=True)
        szf = b.one("Cast", [sz], shape=(), dtype=F32, lo=x.size, hi=x.size, exact=True,
                    attrs={"to": TensorProto.FLOAT})
        tot = b.one("ReduceSum", [x] + ([] if b.opset >= 13 else []), shape=(), lo=x.size * x.lo,
                    hi=x.size * x.hi, attrs={"keepdims": 0})
        b.one("Div", [tot, szf], shape=(), lo=x.lo, hi=x.hi)
    else:  # range over the last dim, added to x
        sh, _ = shape_of(x)
        last = b.one("Gather", [sh, b.ints(np.asarray(-1))], shape=(), dtype=I64, lo=1, hi=8, exact=True,
                     attrs={"axis": 0})
        zero, one = b.ints(np.asarray(0)), b.ints(np.asarray(1))
        rg = b.one("Range", [zero, last, one], shape=(x.shape[-1],), dtype=I64, lo=0, hi=8, exact=True)
        if x.is_float:
            rf = b.one("Cast", [rg], shape=(x.shape[-1],), lo=0, hi=8, exact=True, attrs={"to": TensorProto.FLOAT})
            x = b.scale_to(x, CAP / 2)
            b.one("Add", [x, rf], shape=x.shape, lo=x.lo, hi=x.hi + 8, exact=x.exact)
        elif x.is_int:
            if x.dtype != I64:
                raise Reject("dtype")
            b.one("Add", [x, rg], shape=x.shape, dtype=I64, lo=x.lo, hi=x.hi + 8, exact=True)


def g_attention(b: Builder) -> None:
    """A Swin/ViT attention block in its exported forms (what MatmulWithPermuteAndSplit,
    MatMulHdimIsBatch, MatMulRightTranspose and the Permute sinking rewrite)."""
    B, N, H, D = b.int(1, 2), b.int(1, 4), b.int(1, 3), b.int(1, 3)
    x = b.pick(lambda t: t.is_float and t.rank == 3 and t.shape[0] == B and t.shape[1] == N,
               create=lambda: b.new_input((B, N, b.int(1, 6)), F32, -1, 1))
    x = b.scale_to(x, 2.0)
    Cin = x.shape[2]
    wb = 1.0 / Cin
    w = b.operand((Cin, 3 * H * D), F32, wb)
    qkv = b.one("MatMul", [x, w], shape=(B, N, 3 * H * D), lo=-2, hi=2)
    if b.bool():
        qkv = b.one("Add", [qkv, b.weight((3 * H * D,), 0.5)], shape=qkv.shape, lo=-2.5, hi=2.5)
    r5 = b.one("Reshape", [qkv, b.ints([B, N, 3, H, D] if b.bool() else [0, 0, 3, H, -1])], shape=(B, N, 3, H, D),
               lo=-2.5, hi=2.5)
    p = b.one("Transpose", [r5], shape=(3, B, H, N, D), lo=-2.5, hi=2.5, attrs={"perm": [2, 0, 3, 1, 4]})
    how = b.choice(["gather", "split", "slice"])
    if how == "gather":
        q, k, v = (b.one("Gather", [p, b.ints(np.asarray(i))], shape=(B, H, N, D), lo=-2.5, hi=2.5,
                         attrs={"axis": 0}) for i in range(3))
    else:
        if how == "split":
            if b.opset >= 18:
                parts = b.node("Split", [p], [dict(shape=(1, B, H, N, D), lo=-2.5, hi=2.5)] * 3, axis=0,
                               num_outputs=3)
            elif b.opset >= 13:
                parts = b.node("Split", [p, b.ints([1, 1, 1])], [dict(shape=(1, B, H, N, D), lo=-2.5, hi=2.5)] * 3,
                               axis=0)
            else:
                parts = b.node("Split", [p], [dict(shape=(1, B, H, N, D), lo=-2.5, hi=2.5)] * 3, axis=0)
        else:
            parts = [b.one("Slice", [p, b.ints([i]), b.ints([i + 1]), b.ints([0])], shape=(1, B, H, N, D), lo=-2.5,
                           hi=2.5) for i in range(3)]
        outs = []
        for t in parts:
            if b.opset >= 13:
                outs.append(b.one("Squeeze", [t, b.ints([0])], shape=(B, H, N, D), lo=-2.5, hi=2.5))
            else:
                outs.append(b.one("Squeeze", [t], shape=(B, H, N, D), lo=-2.5, hi=2.5, attrs={"axes": [0]}))
        q, k, v = outs
    scale = b.const(np.asarray(D ** -0.5, F32), share=False)
    q = b.one("Mul", [q, scale], shape=q.shape, lo=-2.5, hi=2.5)
    kt = b.one("Transpose", [k], shape=(B, H, D, N), lo=-2.5, hi=2.5, attrs={"perm": [0, 1, 3, 2]})
    att = b.one("MatMul", [q, kt], shape=(B, H, N, N), lo=-7 * D, hi=7 * D)
    if b.bool():
        att = b.one("Add", [att, b.weight((H, N, N), 1.0)], shape=att.shape, lo=att.lo - 1, hi=att.hi + 1)
    sm = b.one("Softmax", [att], shape=att.shape, lo=0, hi=1, attrs={"axis": -1} if b.opset >= 13 else {"axis": 3})
    o = b.one("MatMul", [sm, v], shape=(B, H, N, D), lo=-2.5, hi=2.5)
    o = b.one("Transpose", [o], shape=(B, N, H, D), lo=-2.5, hi=2.5, attrs={"perm": [0, 2, 1, 3]})
    b.one("Reshape", [o, b.ints([B, N, H * D])], shape=(B, N, H * D), lo=-2.5, hi=2.5)


def g_hdim_matmul(b: Builder) -> None:
    """``MatMul(Transpose(a, 0213), Transpose(b, 0213|0231))`` on 4-D tensors."""
    B, N, H, D = b.int(1, 2), b.int(1, 4), b.int(1, 3), b.int(1, 4)
    a = b.pick(lambda t: t.is_float and t.rank == 4, create=lambda: b.new_input((B, N, H, D), F32, -2, 2))
    B, N, H, D = a.shape
    pa = b.one("Transpose", [a], shape=(B, H, N, D), lo=a.lo, hi=a.hi, exact=a.exact, attrs={"perm": [0, 2, 1, 3]})
    M = b.int(1, 4)
    if b.bool():
        c = b.operand((B, M, H, D), F32, 1.0)
        pc = b.one("Transpose", [c], shape=(B, H, D, M), lo=-1, hi=1, attrs={"perm": [0, 2, 3, 1]})
    else:
        c = b.operand((B, D, H, M), F32, 1.0)
        pc = b.one("Transpose", [c], shape=(B, H, D, M), lo=-1, hi=1, attrs={"perm": [0, 2, 1, 3]})
    pa = b.scale_to(pa, CAP / D)
    m = D * pa.bound
    b.one("MatMul", [pa, pc], shape=(B, H, N, M), lo=-m, hi=m)


def g_permute_sandwich(b: Builder) -> None:
    """Transpose -> elementwise with a weight / another Transpose -> Reshape/Softmax: the Permute
    sinking rewrites."""
    x = b.pick(lambda t: t.is_float and t.rank >= 2, create=lambda: b.new_input(b.random_shape(b.int(2, 4))))
    r = x.rank
    perm = list(b.draw(st.permutations(list(range(r)))))
    shape = tuple(x.shape[p] for p in perm)
    p = b.one("Transpose", [x], shape=shape, lo=x.lo, hi=x.hi, exact=x.exact, attrs={"perm": perm})
    nxt = b.choice(["binary_w", "binary_pp", "unary", "softmax", "reshape", "transpose"])
    if nxt == "binary_w":
        op = b.choice(["Add", "Sub", "Mul", "Div"])
        w = b.weight(b.partner_shape(shape) if b.bool() else shape, 1.0)
        if op == "Div":
            w = b.const(np.where(b.rng.random(w.shape) < 0.5, -1, 1).astype(F32) * b.rng.uniform(1, 2, w.shape)
                        .astype(F32))
        p2 = b.scale_to(p, CAP / 2)
        operands = [p2, w] if b.bool() else [w, p2]
        if op == "Div" and operands[1] is p2:
            operands = [p2, w]
        out = _bcast(p2.shape, w.shape)
        if len(out) > MAX_RANK:
            raise Reject("rank")
        b.one(op, operands, shape=out, lo=-CAP, hi=CAP, exact=p2.exact)
    elif nxt == "binary_pp":
        y = b.pick(lambda t: t.is_float and t.shape == x.shape and t is not x,
                   create=lambda: b.new_input(x.shape, F32, -2, 2))
        py = b.one("Transpose", [y], shape=shape, lo=y.lo, hi=y.hi, exact=y.exact, attrs={"perm": perm})
        op = b.choice(["Add", "Sub", "Mul"])
        p2 = b.scale_to(p, 4.0)
        py = b.scale_to(py, 4.0)
        b.one(op, [p2, py], shape=shape, lo=-16, hi=16, exact=p2.exact and py.exact)
    elif nxt == "unary":
        op = b.choice(["Relu", "Sigmoid", "Tanh", "Neg", "Abs", "Erf"])
        b.one(op, [p], shape=shape, lo=-CAP, hi=CAP, exact=op in ("Relu", "Neg", "Abs") and p.exact)
    elif nxt == "softmax":
        axis = b.int(-r, r - 1)
        if b.opset < 13 and axis % r != r - 1:
            raise Reject("coerce")
        b.one("Softmax", [b.scale_to(p, 8.0)], shape=shape, lo=0, hi=1, attrs={"axis": axis})
    elif nxt == "transpose":
        q = list(b.draw(st.permutations(list(range(r)))))
        b.one("Transpose", [p], shape=tuple(shape[i] for i in q), lo=p.lo, hi=p.hi, exact=p.exact,
              attrs={"perm": q})
    else:
        out = _factor(b, x.size)
        b.one("Reshape", [p, b.ints(_reshape_spec(b, shape, out))], shape=out, lo=p.lo, hi=p.hi, exact=p.exact)


def g_identity(b: Builder) -> None:
    x = b.pick(lambda t: t.dtype != F16)
    if b.opset >= 12 and x.is_float and b.bool():
        inputs = [x]
        if x.is_float and b.bool():
            inputs.append(b.const(np.asarray(0.5, F32), share=False))
            if b.bool():
                inputs.append(b.const(np.asarray(False), share=False))
        outs = [dict(shape=x.shape, dtype=x.dtype, lo=x.lo, hi=x.hi, exact=x.exact)]
        if b.chance(3):
            outs.append(dict(shape=x.shape, dtype=BOOL, exact=True))
        if not x.is_float:
            inputs = [x]
        b.node("Dropout", inputs, outs)
        return
    b.one("Identity", [x], shape=x.shape, dtype=x.dtype, lo=x.lo, hi=x.hi, exact=x.exact)


# ------------------------------------------------------------------------------- extras


def g_topk(b: Builder) -> None:
    x = b.pick(lambda t: (t.is_float or t.dtype == I64) and t.exact and t.rank >= 1,
               create=lambda: b.new_input(b.random_shape(b.int(1, 3)), F32, -2, 2, grid=0.25))
    r = x.rank
    axis = b.int(-r, r - 1)
    d = x.shape[axis % r]
    k = b.int(1, d)
    shape = list(x.shape)
    shape[axis % r] = k
    attrs = {"axis": axis if axis != -1 else None, "largest": b.int(0, 1) if b.bool() else None,
             "sorted": 1 if b.bool() else None}
    outs = [dict(shape=shape, dtype=x.dtype, lo=x.lo, hi=x.hi, exact=True),
            dict(shape=shape, dtype=I64, lo=0, hi=d - 1, exact=True)]
    # (ties: ONNX puts the lower index first, so the indices are well defined too)
    b.node("TopK", [x, b.ints([k])], outs, **attrs)


def g_cumsum(b: Builder) -> None:
    x = b.pick(lambda t: t.rank >= 1 and (t.is_float or t.dtype == I64 and t.bound < 1000),
               create=lambda: b.new_input(b.random_shape(b.int(1, 3))))
    r = x.rank
    axis = b.int(-r, r - 1)
    n = x.shape[axis % r]
    if x.is_float:
        x = b.scale_to(x, CAP / n)
    b.one("CumSum", [x, b.ints(np.asarray(axis), b.choice([I64, I32]))], shape=x.shape, dtype=x.dtype,
          lo=-n * x.bound, hi=n * x.bound, exact=x.is_int,
          attrs={"exclusive": b.int(0, 1) if b.bool() else None, "reverse": b.int(0, 1) if b.bool() else None})


def g_trilu(b: Builder) -> None:
    if b.opset < 14:
        raise Reject("opset")
    x = b.pick(lambda t: t.rank >= 2 and t.dtype != F16)
    inputs = [x]
    if b.bool():
        inputs.append(b.ints(np.asarray(b.int(-3, 3))))
    b.one("Trilu", inputs, shape=x.shape, dtype=x.dtype, lo=min(x.lo, 0), hi=max(x.hi, 0), exact=x.exact,
          attrs={"upper": b.int(0, 1) if b.bool() else None})


def g_depth_space(b: Builder) -> None:
    x = b.pick_float(lambda t: t.rank == 4, rank=[4])
    N, C, H, W = x.shape
    if b.bool():
        bs = b.choice([s for s in (2, 3) if C % (s * s) == 0] or [0])
        if not bs:
            raise Reject("d2s")
        attrs = {"blocksize": bs}
        if b.bool():
            attrs["mode"] = b.choice(["DCR", "CRD"])
        b.one("DepthToSpace", [x], shape=(N, C // bs // bs, H * bs, W * bs), lo=x.lo, hi=x.hi, exact=x.exact,
              attrs=attrs)
    else:
        bs = b.choice([s for s in (2, 3) if H % s == 0 and W % s == 0] or [0])
        if not bs:
            raise Reject("s2d")
        b.one("SpaceToDepth", [x], shape=(N, C * bs * bs, H // bs, W // bs), lo=x.lo, hi=x.hi, exact=x.exact,
              attrs={"blocksize": bs})


EINSUMS = [  # (equation, operand shapes from letters) -- all forms tpu-mlir models use and a few more
    "bmk,bkn->bmn", "bmk,kn->bmn", "bmk->bkm", "bmk,bmk->bm", "bhqd,bhkd->bhqk", "bhqk,bhkd->bhqd",
    "ij,jk->ik", "ij,jk", "ij->ji", "ij->", "i,i->", "i,j->ij", "ii->i", "...ij,...jk->...ik", "bij->bj",
    "nchw,oc->nohw", "bhwc,hkc->bhwk",
]


def g_einsum(b: Builder) -> None:
    if b.opset < 12:
        raise Reject("opset")
    eq = b.choice(EINSUMS)
    lhs, _, rhs = eq.partition("->")
    terms = lhs.split(",")
    sizes: dict[str, int] = {}
    x = b.pick_float(lambda t: t.rank == len(terms[0].replace("...", "X")), rank=[len(terms[0].replace("...", "X"))])
    first = terms[0].replace("...", "X")
    for ch, d in zip(first, x.shape):
        if ch in sizes and sizes[ch] != d:
            raise Reject("einsum diagonal needs equal dims")
        sizes[ch] = d
    ops = [b.scale_to(x, 2.0)]
    for term in terms[1:]:
        shape = []
        for ch in term.replace("...", "X"):
            if ch not in sizes:
                sizes[ch] = b.int(1, 4)
            shape.append(sizes[ch])
        ops.append(b.operand(tuple(shape), F32, 1.0))
    if rhs == "" and "->" not in eq:
        out_letters = sorted(ch for ch in set("".join(terms)) if "".join(terms).count(ch) == 1)
    else:
        out_letters = list(rhs.replace("...", "X"))
    shape = tuple(sizes[ch] for ch in out_letters)
    k = int(np.prod([sizes[ch] for ch in set("".join(t.replace("...", "X") for t in terms)) - set(out_letters)]
                    or [1]))
    try:
        ref = np.einsum(eq.replace("X", "..."), *[np.zeros(o.shape, np.float32) for o in ops])
    except ValueError:
        raise Reject("einsum shapes") from None
    if tuple(ref.shape) != shape:
        shape = tuple(ref.shape)
    m = 2.0 * k * (1.0 if len(ops) > 1 else 1.0)
    b.one("Einsum", ops, shape=shape, lo=-m, hi=m, exact=len(ops) == 1 and k == 1 and x.exact,
          attrs={"equation": eq})


def g_instnorm(b: Builder) -> None:
    op = b.choice(["InstanceNormalization", "GroupNormalization", "LRN"])
    x = b.pick_float(rank=[4] if op == "LRN" else [3, 4])
    C = x.shape[1]
    if op == "InstanceNormalization":
        b.one(op, [b.generic(x), b.weight((C,), 1.0), b.weight((C,), 1.0)], shape=x.shape, lo=-CAP, hi=CAP,
              attrs={"epsilon": b.choice([1e-5, 1e-2])})
    elif op == "GroupNormalization":
        if b.opset < 21:  # the opset-18 form is deprecated (onnx.checker rejects it)
            raise Reject("opset")
        g = b.choice([g for g in range(1, C + 1) if C % g == 0])
        n = C if b.opset >= 21 else g
        b.one(op, [b.generic(x), b.weight((n,), 1.0), b.weight((n,), 1.0)], shape=x.shape, lo=-CAP, hi=CAP,
              attrs={"num_groups": g, "epsilon": b.choice([1e-5, 1e-2])})
    else:
        b.one(op, [b.scale_to(x, 8.0)], shape=x.shape, lo=-8, hi=8,
              attrs={"size": b.choice([1, 3, 5]), "alpha": b.choice([1e-4, 0.01]), "beta": 0.75,
                     "bias": b.choice([1.0, 2.0])})


def g_resize(b: Builder) -> None:
    mode = b.choice(["nearest", "nearest", "linear", "cubic"])
    rank = b.choice([4, 4, 2, 3])
    x = b.pick_float(rank=[rank])
    x = b.scale_to(x, 8.0)
    xs = x.shape
    # onnxruntime resizes linear/cubic only over the last 2 dims of 4-D (or both dims of 2-D)
    movable = list(range(rank)) if (mode == "nearest" or rank == 2) else [rank - 2, rank - 1]
    if mode != "nearest" and rank == 3:
        raise Reject("3-D linear")
    # (tf_half_pixel_for_nn: tpuc says unsupported, cleanly)
    coord = b.choice(["half_pixel", "asymmetric", "align_corners", "pytorch_half_pixel", "half_pixel",
                      "tf_crop_and_resize"])
    # resize_coords_float64 (fixed, no longer avoided by default): nearest picks an index by rounding
    # a coordinate tpuc used to compute in float64 and onnxruntime in float32; avoiding the id keeps
    # coordinates exact in both (dyadic scales, half_pixel/asymmetric)
    exact_coords = mode == "nearest" and "resize_coords_float64" in b.avoid
    if exact_coords:
        coord = b.choice(["half_pixel", "asymmetric"])
    attrs: dict[str, Any] = {"mode": mode if mode != "nearest" or b.bool() else None,
                             "coordinate_transformation_mode": coord if coord != "half_pixel" or b.bool() else None}
    if mode == "nearest" and b.bool():
        attrs["nearest_mode"] = b.choice(["round_prefer_floor", "round_prefer_ceil", "floor", "ceil"])
    if mode == "cubic":
        if b.bool():
            attrs["cubic_coeff_a"] = b.choice([-0.5, -0.75])
        if b.bool():
            attrs["exclude_outside"] = 1
    axes = None
    # (onnxruntime wants a full-rank roi even with axes: no axes with tf_crop_and_resize)
    if b.opset >= 18 and coord != "tf_crop_and_resize" and b.chance(3):
        axes = sorted(b.draw(st.lists(st.sampled_from(movable), min_size=1, max_size=len(movable), unique=True)))
    sel = axes if axes is not None else list(range(rank))
    # With scales, tpuc (like onnx.reference) puts the fractional length in*scale into the
    # align_corners / tf_crop_and_resize / pytorch_half_pixel formulas, onnxruntime the integer
    # output length: a known, deliberate divergence; only sizes there (integral lengths).
    use_sizes = (b.bool() or coord in ("align_corners", "tf_crop_and_resize", "pytorch_half_pixel")) \
        and not exact_coords
    out = list(xs)
    empty_f = b.const(np.zeros((0,), F32), share=False)
    roi = None
    if coord == "tf_crop_and_resize":
        # onnxruntime ignores the roi of axes its linear/cubic kernels do not resize and of axes
        # whose size does not change: crop only the resizable axes, which then get a new size
        dyadic = "resize_coords_float64" in b.avoid
        lo_r = [float(b.choice([0.0, 0.25] if dyadic else [0.0, 0.1, 0.25])) if a in movable else 0.0 for a in sel]
        hi_r = [float(b.choice([1.0, 0.75] if dyadic else [1.0, 0.9, 0.75])) if a in movable else 1.0 for a in sel]
        if b.bool():
            attrs["extrapolation_value"] = b.choice([0.0, -1.0, 0.5])
    if use_sizes:
        sizes = [b.int(1, 8) if a in movable else xs[a] for a in sel]
        if coord == "tf_crop_and_resize":
            sizes = [v if lo_r[i] == 0.0 and hi_r[i] == 1.0 or v != xs[sel[i]] else v % 8 + 1
                     for i, v in enumerate(sizes)]
        if b.opset >= 18 and len([a for a in sel if a in movable]) == len(sel) and coord != "tf_crop_and_resize" \
                and b.chance(3):
            pol = b.choice(["not_larger", "not_smaller"])
            attrs["keep_aspect_ratio_policy"] = pol
            ratios = [sizes[i] / xs[a] for i, a in enumerate(sel)]
            sc = min(ratios) if pol == "not_larger" else max(ratios)
            for a in sel:
                out[a] = int(sc * xs[a] + 0.5)
        else:
            for i, a in enumerate(sel):
                out[a] = sizes[i]
        if coord == "tf_crop_and_resize":
            roi = b.const(np.asarray(lo_r + hi_r, F32), share=False)
        inputs = [x, roi if roi is not None else (empty_f if b.opset < 13 or b.bool() else None),
                  empty_f if b.opset < 13 or b.bool() else None, b.ints(sizes)]
    else:
        choices = [0.5, 1.5, 2.0, 0.75, 3.0, 1.0, 0.25] + ([] if exact_coords else [0.6])
        scales = [float(b.choice(choices)) if a in movable else 1.0 for a in sel]
        for i, a in enumerate(sel):
            out[a] = int(np.floor(np.float32(scales[i]) * np.float32(xs[a])))
        inputs = [x, empty_f if b.opset < 13 or b.bool() else None,
                  b.const(np.asarray(scales, F32), share=False)]
    if any(d < 1 or d > 16 for d in out):
        raise Reject("resize size")
    if axes is not None:
        # (onnxruntime ignores negative axes together with keep_aspect_ratio_policy)
        neg_ok = "keep_aspect_ratio_policy" not in attrs
        attrs["axes"] = [a - rank if neg_ok and b.bool() else a for a in axes]
    if b.opset >= 18 and mode != "nearest" and b.chance(4):
        attrs["antialias"] = 1
    lo, hi = (x.lo, x.hi) if mode != "cubic" else (-2 * x.bound, 2 * x.bound)
    if coord == "tf_crop_and_resize":
        lo, hi = min(lo, -1.0), max(hi, 1.0)
    b.one("Resize", inputs, shape=out, lo=lo, hi=hi, exact=mode == "nearest" and x.exact, attrs=attrs)


def g_conv_transpose(b: Builder) -> None:
    nd = b.choice([2, 2, 1])
    x = b.pick_float(rank=[nd + 2])
    C, xs = x.shape[1], x.shape[2:]
    g = b.choice([g for g in range(1, C + 1) if C % g == 0]) if b.chance(3) else 1
    m = b.int(1, max(1, 6 // g))
    k = [b.int(1, 3) for _ in range(nd)]
    attrs: dict[str, Any] = {"kernel_shape": k if b.bool() else None, "group": g if g > 1 else None}
    s = [b.int(1, 3) for _ in range(nd)] if b.bool() else [1] * nd
    d = [b.int(1, 2) for _ in range(nd)] if b.chance(3) else [1] * nd
    if any(v != 1 for v in s) or b.bool():
        attrs["strides"] = s
    if any(v != 1 for v in d):
        attrs["dilations"] = d
    eff = [(kk - 1) * dd + 1 for kk, dd in zip(k, d)]
    full = [ss * (xi - 1) + e for ss, xi, e in zip(s, xs, eff)]
    # (no output_shape: ONNX shape inference drops dims for it, so onnx.checker rejects the model)
    form = b.choice(["pads", "pads", "output_padding", "auto"])
    if form == "pads":
        pads = [b.int(0, kk - 1) for kk in k] + [b.int(0, kk - 1) for kk in k]
        attrs["pads"] = pads
        out = [f - pads[i] - pads[nd + i] for i, f in enumerate(full)]
    elif form == "output_padding":
        op = [b.int(0, ss - 1) for ss in s]  # onnxruntime wants output_padding < stride
        attrs["output_padding"] = op
        out = [f + p for f, p in zip(full, op)]
    elif form == "output_shape":
        out = [max(1, f - b.int(0, 2)) if not b.chance(4) else f + b.int(0, ss - 1) for f, ss in zip(full, s)]
        attrs["output_shape"] = out
    else:
        auto = b.choice(["SAME_UPPER", "SAME_LOWER", "VALID"])
        attrs["auto_pad"] = auto
        if auto == "VALID":
            out = full
        else:
            if "conv_transpose_same_small_kernel" in b.avoid and any(e < ss for e, ss in zip(eff, s)):
                raise Reject("known bug")
            # onnxruntime: total padding s*(in-1)+eff-in*s clamped at 0
            out = [min(xi * ss, f) for xi, ss, f in zip(xs, s, full)]
    if any(o < 1 or o > 16 for o in out):
        raise Reject("conv transpose size")
    fan = C // g * int(np.prod(k))
    w = b.operand((C, m, *k), F32, max(min(1.0, CAP / (C * max(x.bound, 1e-3) * int(np.prod(k)))), 1 / 64))
    x = b.scale_to(x, max(CAP / (C * int(np.prod(k)) * max(w.bound, 1e-3)), 1e-3))
    inputs = [x, w]
    if b.bool():
        inputs.append(b.operand((m * g,), F32, 1.0))
    mm = fan * x.bound * w.bound + 1.0
    b.one("ConvTranspose", inputs, shape=(x.shape[0], m * g, *out), lo=-mm, hi=mm, exact=False, attrs=attrs)


def g_gather_nd(b: Builder) -> None:
    x = b.pick(lambda t: t.rank >= 1 and t.dtype != F16)
    r = x.rank
    bd = b.int(0, r - 1) if b.opset >= 12 and r >= 2 and b.bool() else 0
    k = b.int(1, r - bd)
    batch = list(x.shape[:bd])
    mid = [b.int(1, 3) for _ in range(b.int(0, 1))]
    ishape = batch + mid + [k]
    cols = [b.rng.integers(-x.shape[bd + j], x.shape[bd + j], size=ishape[:-1]) for j in range(k)]
    idx = b.ints(np.stack(cols, axis=-1) if k else np.zeros(ishape, np.int64))
    shape = tuple(ishape[:-1]) + tuple(x.shape[bd + k:])
    if len(shape) > MAX_RANK:
        raise Reject("rank")
    b.one("GatherND", [x, idx], shape=shape, dtype=x.dtype, lo=x.lo, hi=x.hi, exact=x.exact,
          attrs={"batch_dims": bd or None})


def g_scatter(b: Builder) -> None:
    x = b.pick(lambda t: t.rank >= 1 and (t.is_float or t.is_int))
    r = x.rank
    reds = ["none"] + (["add", "mul"] if b.opset >= 16 else []) + (["max", "min"] if b.opset >= 18 else [])
    red = b.choice(reds)
    attrs: dict[str, Any] = {"reduction": red if red != "none" else None}
    if b.bool():
        # ScatterND: unique index tuples (duplicates are undefined for reduction none)
        k = b.int(1, r)
        n = b.int(1, min(4, int(np.prod(x.shape[:k]))))
        flat = b.rng.choice(int(np.prod(x.shape[:k])), size=n, replace=red != "none")
        tuples = np.stack(np.unravel_index(flat, x.shape[:k]), axis=-1)
        neg = b.rng.random(tuples.shape) < 0.3
        tuples = np.where(neg, tuples - np.asarray(x.shape[:k]), tuples)
        idx = b.ints(tuples)
        ushape = (n,) + tuple(x.shape[k:])
        upd = b.operand(ushape, x.dtype, 1.0 if x.is_float else 3)
        op = "ScatterND"
    else:
        axis = b.int(-r, r - 1)
        a = axis % r
        ishape = [b.int(1, dd) for dd in x.shape]  # (indices smaller than the data: fine for scatters)
        ishape[a] = b.int(1, x.shape[a])
        # unique positions along the axis for each other coordinate
        v = np.stack([b.rng.permutation(x.shape[a])[:ishape[a]] for _ in range(int(np.prod(ishape)) // ishape[a])])
        v = np.moveaxis(v.reshape([dd for i, dd in enumerate(ishape) if i != a] + [ishape[a]]), -1, a)
        if red != "none" and b.bool():
            v = b.rng.integers(0, x.shape[a], size=ishape)
        v = np.where(b.rng.random(v.shape) < 0.3, v - x.shape[a], v)
        idx = b.ints(v)
        upd = b.operand(ishape, x.dtype, 1.0 if x.is_float else 3)
        attrs["axis"] = axis
        op = "ScatterElements"
    if x.is_int and red == "mul":
        raise Reject("int mul overflow")
    if x.is_float:
        x = b.scale_to(x, 4.0)
    lo, hi = min(x.lo, upd.lo) * 8, max(x.hi, upd.hi) * 8
    exact = x.exact and upd.exact and red in ("none", "max", "min")
    b.one(op, [x, idx, upd], shape=x.shape, dtype=x.dtype, lo=lo, hi=hi, exact=exact, attrs=attrs)


def g_onehot(b: Builder) -> None:
    depth = b.int(1, 6)
    # onnxruntime implements OneHot for int64 indices and depth with float or int64 values
    idx = b.pick(lambda t: t.dtype == I64 and t.lo >= -depth and t.hi <= depth - 1 and 1 <= t.rank <= 3,
                 create=lambda: b.new_input(b.random_shape(b.int(1, 3), 16), I64, -depth, depth - 1))
    r = idx.rank
    axis = b.int(-r - 1, r)
    dv = b.const(np.asarray(depth, I64) if b.bool() else np.asarray([depth], I64), share=False)
    vt = b.choice([F32, I64])
    vals = b.const(np.asarray([b.int(-2, 0), b.int(1, 3)], vt), share=False)
    shape = list(idx.shape)
    shape.insert(axis % (r + 1), depth)
    b.one("OneHot", [idx, dv, vals], shape=shape, dtype=vt, lo=-2, hi=3, exact=True,
          attrs={"axis": axis if axis != -1 else None})


def g_hardmax(b: Builder) -> None:
    x = b.pick(lambda t: t.is_float and t.exact and t.rank >= 1,
               create=lambda: b.new_input(b.random_shape(b.int(1, 3)), F32, -2, 2, grid=0.5))
    r = x.rank
    axis = b.int(-r, r - 1)
    if b.opset < 13 and axis % r != r - 1 and b.bool():
        axis = -1
    b.one("Hardmax", [x], shape=x.shape, lo=0, hi=1, exact=True, attrs={"axis": axis})


def g_mvn(b: Builder) -> None:
    x = b.pick_float(rank=[4, 3, 2])
    r = x.rank
    if r == 4 and b.bool():
        attrs = {"axes": [0, 2, 3]}  # the default (omitting it trips onnx.checker's function expansion)
    else:
        attrs = {"axes": sorted(b.draw(st.lists(st.integers(0, r - 1), min_size=1, max_size=r, unique=True)))}
    b.one("MeanVarianceNormalization", [b.generic(x)], shape=x.shape, lo=-8, hi=8, attrs=attrs)


def g_compress(b: Builder) -> None:
    x = b.pick(lambda t: t.rank >= 1 and t.dtype != F16)
    if b.bool():
        a = b.int(-x.rank, x.rank - 1)
        n = x.shape[a % x.rank]
        cond = b.rng.random(b.int(1, n)) < 0.6
        if not cond.any():
            cond[0] = True
        shape = list(x.shape)
        shape[a % x.rank] = int(cond.sum())
        attrs = {"axis": a}
    else:
        cond = b.rng.random(b.int(1, x.size)) < 0.5
        if not cond.any():
            cond[-1] = True
        shape = [int(cond.sum())]
        attrs = {}
    c = b.const(cond, share=False)
    b.one("Compress", [x, c], shape=shape, dtype=x.dtype, lo=x.lo, hi=x.hi, exact=x.exact, attrs=attrs)


def g_const_subgraph(b: Builder) -> None:
    """Ops on constants only (folded at import), joined with a runtime tensor; plus EyeLike
    and Range."""
    x = b.pick_float(rank=[2, 3, 2])
    form = b.choice(["eyelike", "range", "transpose_w", "concat_w", "arith_w"])
    if form == "eyelike":
        if x.rank != 2:
            raise Reject("eyelike")
        kk = b.int(-2, 2)
        e = b.one("EyeLike", [x], shape=x.shape, lo=0, hi=1, exact=True, attrs={"k": kk or None})
        b.one("Add", [x, e], shape=x.shape, lo=x.lo, hi=x.hi + 1, exact=x.exact)
        return
    if form == "range":
        n = x.shape[-1]
        st_, dl = float(b.int(-3, 3)), float(b.choice([0.5, 1.0, -1.0, 2.0]))
        rg = b.one("Range", [b.const(np.asarray(st_, F32), share=False),
                             b.const(np.asarray(st_ + dl * n - dl / 2, F32), share=False),
                             b.const(np.asarray(dl, F32), share=False)], shape=(n,), lo=-30, hi=30, exact=True)
        x = b.scale_to(x, 8.0)
        b.one("Mul", [x, rg], shape=x.shape, lo=-CAP * 8, hi=CAP * 8, exact=x.exact)
        return
    w = b.weight(x.shape[::-1] if form == "transpose_w" else x.shape, 1.0)
    if form == "transpose_w":
        w = b.one("Transpose", [w], shape=x.shape, lo=w.lo, hi=w.hi, exact=True)
    elif form == "concat_w":
        a = b.int(0, x.rank - 1)
        if x.shape[a] < 2:
            raise Reject("concat")
        s1 = list(x.shape)
        s1[a] = 1
        s2 = list(x.shape)
        s2[a] -= 1
        w1, w2 = b.weight(s1, 1.0), b.weight(s2, 1.0)
        w = b.one("Concat", [w1, w2], shape=x.shape, lo=-1, hi=1, exact=True, attrs={"axis": a})
    else:
        w2 = b.weight(x.shape, 1.0)
        w = b.one(b.choice(["Add", "Mul", "Sub"]), [w, w2], shape=x.shape, lo=-2, hi=2, exact=True)
    b.one(b.choice(["Add", "Mul"]), [b.scale_to(x, 8.0), w], shape=x.shape, lo=-16, hi=16, exact=x.exact)


def g_double(b: Builder) -> None:
    """An island computed in double: Cast to DOUBLE, a few ops, Cast back (or a double output)."""
    x = b.pick_float()
    x = b.scale_to(x, 4.0)
    d = b.one("Cast", [x], shape=x.shape, dtype=F64, lo=x.lo, hi=x.hi, exact=x.exact,
              attrs={"to": TensorProto.DOUBLE})
    b.pool.remove(d)  # double tensors stay inside the island
    t = d
    for _ in range(b.int(1, 3)):
        op = b.choice(["Add", "Mul", "Relu", "Exp", "Sqrt", "MatMul", "ReduceSum", "Softmax", "Transpose", "Neg"])
        if op in ("Add", "Mul"):
            w = b.const(b.rng.uniform(-1, 1, size=b.partner_shape(t.shape)).astype(F64), f64=True)
            shape = _bcast(t.shape, w.shape)
            if len(shape) > MAX_RANK:
                continue
            t = b.one(op, [t, w], shape=shape, dtype=F64, lo=-8, hi=8)
        elif op == "Exp":
            t = b.one("Exp", [b.one("Tanh", [t], shape=t.shape, dtype=F64)], shape=t.shape, dtype=F64, lo=0.3, hi=2.8)
        elif op == "Sqrt":
            t = b.one("Sqrt", [b.one("Abs", [t], shape=t.shape, dtype=F64)], shape=t.shape, dtype=F64, lo=0, hi=3)
        elif op == "MatMul" and t.rank >= 1:
            w = b.const(b.rng.uniform(-1, 1, size=(t.shape[-1], b.int(1, 4))).astype(F64), f64=True)
            shape = np.matmul(np.zeros(t.shape), np.zeros(w.shape)).shape
            t = b.one("MatMul", [t, w], shape=shape, dtype=F64, lo=-8, hi=8)
        elif op == "ReduceSum" and t.rank >= 1:
            axes = [b.int(0, t.rank - 1)]
            shape = tuple(1 if i == axes[0] else v for i, v in enumerate(t.shape))
            ins = [t, b.ints(axes)] if b.opset >= 13 else [t]
            t = b.one("ReduceSum", ins, shape=shape, dtype=F64, lo=-8, hi=8,
                      attrs={} if b.opset >= 13 else {"axes": axes})
        elif op == "Softmax" and t.rank >= 1:
            t = b.one("Softmax", [t], shape=t.shape, dtype=F64, lo=0, hi=1, attrs={"axis": -1 if b.opset >= 13 else
                                                                                   t.rank - 1})
        elif op == "Transpose" and t.rank >= 2:
            perm = list(b.draw(st.permutations(list(range(t.rank)))))
            t = b.one("Transpose", [t], shape=tuple(t.shape[p] for p in perm), dtype=F64, attrs={"perm": perm})
        else:
            t = b.one(b.choice(["Relu", "Neg"]), [t], shape=t.shape, dtype=F64, lo=-8, hi=8)
        b.pool[:] = [p for p in b.pool if p.dtype != F64]  # double tensors stay inside the island
    if b.chance(4):
        b.extra_outputs.append(t)  # a double graph output
        return
    b.one("Cast", [t], shape=t.shape, dtype=F32, lo=-8, hi=8, attrs={"to": TensorProto.FLOAT})


def g_window_partition(b: Builder) -> None:
    """Swin's window partition/reverse: Reshape to 6-D, Transpose (0,1,3,2,4,5), Reshape."""
    ws = b.choice([1, 2, 2, 3])
    x = b.pick(lambda t: t.is_float and t.rank == 4 and t.shape[1] % ws == 0 and t.shape[2] % ws == 0,
               create=lambda: b.new_input((b.int(1, 2), ws * b.int(1, 3), ws * b.int(1, 3), b.int(1, 4))))
    B, H, W, C = x.shape
    six = (B, H // ws, ws, W // ws, ws, C)
    r6 = b.one("Reshape", [x, b.ints(six)], shape=six, lo=x.lo, hi=x.hi, exact=x.exact)
    b.pool.remove(r6)
    p6 = b.one("Transpose", [r6], shape=(B, H // ws, W // ws, ws, ws, C), lo=x.lo, hi=x.hi, exact=x.exact,
               attrs={"perm": [0, 1, 3, 2, 4, 5]})
    b.pool.remove(p6)
    win = b.one("Reshape", [p6, b.ints([-1, ws * ws, C])], shape=(B * H * W // (ws * ws), ws * ws, C), lo=x.lo,
                hi=x.hi, exact=x.exact)
    if b.bool():
        # ... and back (window reverse)
        y = b.scale_to(win, 4.0)
        if b.bool():
            y = b.one("Add", [y, b.weight((C,), 1.0)], shape=y.shape, lo=-5, hi=5)
        r6b = b.one("Reshape", [y, b.ints([B, H // ws, W // ws, ws, ws, C])], shape=(B, H // ws, W // ws, ws, ws, C),
                    lo=y.lo, hi=y.hi, exact=y.exact)
        b.pool.remove(r6b)
        p6b = b.one("Transpose", [r6b], shape=six, lo=y.lo, hi=y.hi, exact=y.exact, attrs={"perm": [0, 1, 3, 2, 4, 5]})
        b.pool.remove(p6b)
        b.one("Reshape", [p6b, b.ints([B, H, W, C])], shape=(B, H, W, C), lo=y.lo, hi=y.hi, exact=y.exact)


def g_passthrough(b: Builder) -> None:
    """Identity of a graph input as a graph output, or the same tensor as two outputs."""
    ins = [t for t in b.graph_inputs if t.dtype != F16]
    if not ins:
        raise Reject("no input")
    x = ins[b.int(0, len(ins) - 1)]
    t = b.one("Identity", [x], shape=x.shape, dtype=x.dtype, lo=x.lo, hi=x.hi, exact=x.exact)
    if b.bool():  # an Identity chain with both ends graph outputs
        b.one("Identity", [t], shape=x.shape, dtype=x.dtype, lo=x.lo, hi=x.hi, exact=x.exact)
        b.extra_outputs.append(t)


# ------------------------------------------------------------------ rewrite-targeted templates
# Forms the Top canonicalizer rewrites (dialects/top/canonicalize): each template builds the
# matched form, sometimes in a variant the rewrite must refuse (multi-use, broadcasting, NaN-able
# operands, a graph output in the middle).


def _maybe_also_output(b: Builder, t: Tensor, k: int = 4) -> None:
    if b.chance(k):
        b.extra_outputs.append(t)


def g_conv_bn(b: Builder) -> None:
    """Conv/ConvTranspose -> BatchNormalization [-> Mul/Add per-channel] (BatchNormFoldIntoConv,
    BatchNormAbsorbScaleShift)."""
    x = b.pick_float(rank=[4, 3])
    x = b.scale_to(x, 4.0)
    C = x.shape[1]
    nd = x.rank - 2
    g = b.choice([v for v in range(1, C + 1) if C % v == 0]) if b.chance(3) else 1
    M = g * b.int(1, max(1, 6 // g))
    k = [b.int(1, 3) for _ in range(nd)]
    if any(kk > s for kk, s in zip(k, x.shape[2:])):
        k = [1] * nd
    transpose = b.chance(3)
    if transpose:
        w = b.weight((C, M // g, *k), 0.5)
        shape = (x.shape[0], M, *[s + kk - 1 for s, kk in zip(x.shape[2:], k)])
    else:
        w = b.weight((M, C // g, *k), 0.5)
        shape = (x.shape[0], M, *[s - kk + 1 for s, kk in zip(x.shape[2:], k)])
    ins = [x, w] + ([b.weight((M,), 0.5)] if b.bool() else [])
    conv = b.one("ConvTranspose" if transpose else "Conv", ins, shape=shape, lo=-CAP, hi=CAP,
                 attrs={"group": g if g > 1 else None})
    conv = b.scale_to(conv, 8.0) if b.chance(5) else conv
    _maybe_also_output(b, conv, 6)
    var = b.const(b.rng.uniform(0.5, 2.0, size=(M,)).astype(F32), share=False)
    bn = b.one("BatchNormalization", [conv, b.weight((M,), 1.5), b.weight((M,), 1.0), b.weight((M,), 1.0), var],
               shape=shape, lo=-CAP, hi=CAP, attrs={"epsilon": b.choice([1e-5, 1e-3, None])})
    if b.bool():
        _maybe_also_output(b, bn, 6)
        ws = b.choice([(M,) + (1,) * nd, (1, M) + (1,) * nd, (1,), (M, 1) + (1,) * (nd - 1) if nd else (M,), shape])
        w2 = b.weight(ws, 1.0)
        out = _bcast(shape, ws)
        if len(out) > MAX_RANK:
            raise Reject("rank")
        b.one(b.choice(["Mul", "Add"]), [bn, w2] if b.bool() else [w2, bn], shape=out, lo=-CAP, hi=CAP)
    if b.bool():
        b.one("Relu", [b.pool[-1]], shape=b.pool[-1].shape, lo=0, hi=CAP)


_VIEWS = ["Reshape", "Transpose", "Slice", "Split", "Unsqueeze", "Squeeze"]


def _view(b: Builder, t: Tensor) -> Tensor:
    """One data-movement view of ``t`` (the ops ScaleIntoProjection traces through)."""
    op = b.choice(_VIEWS)
    if op == "Reshape":
        out = _factor(b, t.size)
        return b.one("Reshape", [t, b.ints(_reshape_spec(b, t.shape, out))], shape=out, lo=t.lo, hi=t.hi)
    if op == "Transpose" and t.rank >= 2:
        perm = list(b.draw(st.permutations(list(range(t.rank)))))
        return b.one("Transpose", [t], shape=tuple(t.shape[p] for p in perm), lo=t.lo, hi=t.hi, attrs={"perm": perm})
    if op == "Slice":
        a = b.int(0, t.rank - 1)
        d = t.shape[a]
        s0 = b.int(0, d - 1)
        e0 = b.int(s0 + 1, d)
        shape = list(t.shape)
        shape[a] = e0 - s0
        return b.one("Slice", [t, b.ints([s0]), b.ints([e0]), b.ints([a])], shape=shape, lo=t.lo, hi=t.hi)
    if op == "Split" and b.opset >= 13:
        a = b.int(0, t.rank - 1)
        d = t.shape[a]
        if d < 2:
            return t
        cut = b.int(1, d - 1)
        shapes = [list(t.shape), list(t.shape)]
        shapes[0][a], shapes[1][a] = cut, d - cut
        parts = b.node("Split", [t, b.ints([cut, d - cut])], [dict(shape=sh, lo=t.lo, hi=t.hi) for sh in shapes],
                       axis=a)
        return parts[b.int(0, 1)]
    if op == "Unsqueeze" and b.opset >= 13 and t.rank < MAX_RANK:
        a = b.int(0, t.rank)
        shape = list(t.shape)
        shape.insert(a, 1)
        return b.one("Unsqueeze", [t, b.ints([a])], shape=shape, lo=t.lo, hi=t.hi)
    if op == "Squeeze" and b.opset >= 13 and 1 in t.shape:
        a = t.shape.index(1)
        return b.one("Squeeze", [t, b.ints([a])], shape=t.shape[:a] + t.shape[a + 1:], lo=t.lo, hi=t.hi)
    return t


def _projection(b: Builder, x: Tensor, n: int | None = None, bias: bool | None = None) -> Tensor:
    K = x.shape[-1]
    n = n or b.int(1, 8)
    w = b.weight((K, n), 1.0 / max(K, 1))
    mm = b.one("MatMul", [x, w], shape=x.shape[:-1] + (n,), lo=-x.bound, hi=x.bound)
    if bias if bias is not None else b.bool():
        mm = b.one("Add", [mm, b.weight((n,), 0.5)] if b.bool() else [b.weight((1,) * (x.rank - 1) + (n,), 0.5), mm],
                   shape=mm.shape, lo=mm.lo - 0.5, hi=mm.hi + 0.5)
    return mm


def g_projection_scale(b: Builder) -> None:
    """``Mul/Div(view(MatMul(x, W) [+ B]), C)`` (ScaleIntoProjection), ``Mul/Div(MatMul(a, b), c)``
    (ScaleThroughMatMul), ``Div(Add(MatMul, MatMul), C)`` (ScaleIntoSummedProjections)."""
    x = b.pick_float(rank=[2, 3])
    x = b.scale_to(x, 2.0)
    form = b.choice(["into", "into", "through", "summed"])
    if form == "summed":
        n = b.int(1, 6)
        p1 = _projection(b, x, n)
        y = b.pick_float(lambda t: t.shape[:-1] == x.shape[:-1] and t.rank == x.rank and t is not x,
                         rank=[x.rank]) if b.bool() else x
        if y.shape[:-1] != x.shape[:-1]:
            raise Reject("shapes")
        p2 = _projection(b, b.scale_to(y, 2.0), n)
        v = b.one("Add", [p1, p2], shape=p1.shape, lo=-8, hi=8)
    elif form == "through":
        q = _projection(b, x)
        if q.rank < 2:
            raise Reject("rank")
        kT = b.operand((q.shape[-1], b.int(1, 5)), F32, 1.0) if b.bool() else b.one(
            "Transpose", [_projection(b, x, q.shape[-1])], shape=x.shape[:-2] + (q.shape[-1], x.shape[-2]), lo=-4,
            hi=4, attrs={"perm": list(range(x.rank - 2)) + [x.rank - 1, x.rank - 2]})
        v = b.one("MatMul", [q, kT], shape=np.matmul(np.zeros(q.shape), np.zeros(kT.shape)).shape, lo=-16, hi=16)
    else:
        p = _projection(b, x)
        v = p
        for _ in range(b.int(0, 3)):
            v = _view(b, v)
        if b.chance(4):  # another consumer of the projection (must keep unscaled columns)
            other = _view(b, p)
            b.extra_outputs.append(other)
    cshape = b.choice([(), (1,), (v.shape[-1],) if v.rank else (), (1,) * max(v.rank - 1, 0) + (v.shape[-1],)
                       if v.rank else (), v.shape])
    if b.chance(5):
        c = b.const(np.full(cshape, b.choice([0.125, 0.5, 2.0, 1.0, -1.0]), F32), share=False)
    else:
        c = b.const(np.where(b.rng.random(cshape) < 0.5, -1, 1).astype(F32) * b.rng.uniform(0.5, 2.0, cshape)
                    .astype(F32), share=False)
    out = _bcast(v.shape, c.shape)
    if len(out) > MAX_RANK:
        raise Reject("rank")
    b.one(b.choice(["Mul", "Div"]), [v, c] if b.bool() else [v, c], shape=out, lo=-CAP, hi=CAP)


def g_shared_bias(b: Builder) -> None:
    """``MatMul(a, B) + C1`` and ``MatMul(a, B') + C2`` with B' equal to B (SharedMatMulBias);
    ``MatMul(Gather(T, idx), W) [+ b]`` (GatheredTableMatMul)."""
    if b.bool():
        x = b.scale_to(b.pick_float(rank=[2, 3]), 2.0)
        K, n = x.shape[-1], b.int(1, 6)
        wv = b.rng.uniform(-0.5, 0.5, (K, n)).astype(F32)
        w1 = b.const(wv, share=False)
        w2 = w1 if b.bool() else b.const(wv.copy(), share=False)
        for w in (w1, w2):
            mm = b.one("MatMul", [x, w], shape=x.shape[:-1] + (n,), lo=-4, hi=4)
            if b.chance(4) == 0 or True:
                b.one("Add", [mm, b.weight((n,), 1.0)], shape=mm.shape, lo=-5, hi=5)
        return
    V, D = b.int(2, 8), b.int(1, 6)
    table = b.weight((V, D), 1.0)
    idx = b.pick(lambda t: t.is_int and t.lo >= -V and t.hi <= V - 1 and t.rank <= 2,
                 create=lambda: b.new_input(b.random_shape(b.int(0, 2), 8), I64, -V, V - 1))
    g = b.one("Gather", [table, idx], shape=idx.shape + (D,), lo=-1, hi=1, attrs={"axis": 0})
    p = _projection(b, g)
    _ = p


def g_logic_rewrites(b: Builder) -> None:
    """Where(Not c), Where(c, 1, 0), Not(Not), Not(Compare), De Morgan, Equal(Cast(bool), 0)."""
    form = b.choice(["where_not", "where_cast", "not_not", "not_compare", "demorgan", "cmp_cast"])
    c = _bool_tensor(b)
    if form == "where_not":
        n = b.one("Not", [c], shape=c.shape, dtype=BOOL, exact=True)
        _maybe_also_output(b, n, 6)
        x = b.operand(b.partner_shape(c.shape), F32, 2.0)
        y = b.operand(b.partner_shape(c.shape), F32, 2.0)
        b.one("Where", [n, x, y], shape=_bcast(c.shape, x.shape, y.shape), lo=-2, hi=2, exact=True)
    elif form == "where_cast":
        dt = b.choice([F32, I64, I32])
        one, zero = np.ones(b.partner_shape(c.shape), dt), np.zeros(b.partner_shape(c.shape), dt)
        ins = [b.const(one, share=False), b.const(zero, share=False)]
        if b.bool():
            ins.reverse()
        b.one("Where", [c] + ins, shape=_bcast(c.shape, ins[0].shape, ins[1].shape), dtype=dt, lo=0, hi=1, exact=True)
    elif form == "not_not":
        n1 = b.one("Not", [c], shape=c.shape, dtype=BOOL, exact=True)
        b.one("Not", [n1], shape=c.shape, dtype=BOOL, exact=True)
    elif form == "not_compare":
        a = b.pick(lambda t: (t.is_float or t.is_int) and t.exact,
                   create=lambda: b.new_input(b.random_shape(b.int(1, 3)), F32, -2, 2, grid=0.5))
        other = _binary_partner(b, a, pred=lambda t: t.exact, bound=2.0)
        if not other.exact:
            raise Reject("inexact")
        cmp = b.one(b.choice(["Less", "Greater", "Equal"] + (["LessOrEqual", "GreaterOrEqual"] if b.opset >= 12
                                                              else [])), [a, other],
                    shape=_bcast(a.shape, other.shape), dtype=BOOL, exact=True)
        b.one("Not", [cmp], shape=cmp.shape, dtype=BOOL, exact=True)
    elif form == "demorgan":
        d = _binary_partner(b, c)
        na = b.one("Not", [c], shape=c.shape, dtype=BOOL, exact=True)
        nb = b.one("Not", [d], shape=d.shape, dtype=BOOL, exact=True) if b.bool() else d
        inner = b.one(b.choice(["Or", "And"]), [na, nb], shape=_bcast(c.shape, d.shape), dtype=BOOL, exact=True)
        if b.bool():
            e = _binary_partner(b, inner)
            inner = b.one(b.choice(["Or", "And"]), [inner, e], shape=_bcast(inner.shape, e.shape), dtype=BOOL,
                          exact=True)
        b.one("Not", [inner], shape=inner.shape, dtype=BOOL, exact=True)
    else:
        dt = b.choice([F32, I64, I32])
        cast = b.one("Cast", [c], shape=c.shape, dtype=dt, lo=0, hi=1, exact=True, attrs={"to": ONNX_TYPE[dt]})
        k = b.const(np.full(b.choice([(), (1,)]), b.int(0, 1), dt), share=False)
        ops = [cast, k] if b.bool() else [k, cast]
        b.one("Equal", ops, shape=_bcast(c.shape, k.shape), dtype=BOOL, exact=True)


def g_identities(b: Builder) -> None:
    """x+0, x-0, x*1, x/1 (maybe broadcasting), Cast to own type, Tile/Expand/Slice/Split that
    change nothing, Concat of one input, Clip that cannot clip, Softmax(x - max(x))."""
    x = b.pick(lambda t: t.is_float or t.is_int and b.chance(3),
               create=lambda: b.new_input(b.random_shape(b.int(1, 3))))
    form = b.choice(["arith", "arith", "cast", "tile", "expand", "slice", "split", "clip", "softmax_shift"])
    if form == "arith":
        op = b.choice(["Add", "Sub", "Mul", "Div"])
        v = 0 if op in ("Add", "Sub") else 1
        cs = b.choice([(), (1,), x.shape, b.partner_shape(x.shape)])
        c = b.const(np.full(cs, v, x.dtype), share=False)
        ops = [x, c] if op in ("Sub", "Div") or b.bool() else [c, x]
        out = _bcast(x.shape, cs)
        if len(out) > MAX_RANK:
            raise Reject("rank")
        b.one(op, ops, shape=out, dtype=x.dtype, lo=x.lo, hi=x.hi, exact=x.exact)
    elif form == "cast":
        b.one("Cast", [x], shape=x.shape, dtype=x.dtype, lo=x.lo, hi=x.hi, exact=x.exact,
              attrs={"to": ONNX_TYPE[x.dtype]})
    elif form == "tile":
        b.one("Tile", [x, b.ints([1] * x.rank)], shape=x.shape, dtype=x.dtype, lo=x.lo, hi=x.hi, exact=x.exact)
    elif form == "expand":
        b.one("Expand", [x, b.ints(list(x.shape) if b.bool() else [1] * x.rank)], shape=x.shape, dtype=x.dtype,
              lo=x.lo, hi=x.hi, exact=x.exact)
    elif form == "slice":
        a = b.int(0, x.rank - 1)
        b.one("Slice", [x, b.ints([0]), b.ints([INT64_MAX]), b.ints([a])], shape=x.shape, dtype=x.dtype, lo=x.lo,
              hi=x.hi, exact=x.exact)
    elif form == "split" and b.opset >= 13:
        a = b.int(0, x.rank - 1)
        b.node("Split", [x, b.ints([x.shape[a]])], [dict(shape=x.shape, dtype=x.dtype, lo=x.lo, hi=x.hi,
                                                          exact=x.exact)], axis=a)
    elif form == "clip" and x.is_float:
        t = b.one(b.choice(["Tanh", "Sigmoid"]), [x], shape=x.shape, lo=-1, hi=1)
        lo, hi = b.choice([(-1.0, 1.0), (-2.0, 2.0), (-0.5, 0.5), (0.0, 1.0)])
        b.clip(t, lo, hi)
    elif form == "softmax_shift" and x.is_float:
        x = b.scale_to(x, 8.0)
        r = x.rank
        ax = b.int(-r, r - 1)
        axes = sorted({ax % r} | ({b.int(0, r - 1)} if b.chance(3) else set()))
        kshape = tuple(1 if i in axes else d for i, d in enumerate(x.shape))
        ins = [x, b.ints(axes)] if b.opset >= 18 else [x]
        m = b.one("ReduceMax", ins, shape=kshape, lo=x.lo, hi=x.hi, exact=x.exact,
                  attrs={} if b.opset >= 18 else {"axes": axes})
        d = b.one("Sub", [x, m], shape=x.shape, lo=x.lo - x.hi, hi=0, exact=x.exact)
        if b.opset < 13 and ax % r != r - 1:
            raise Reject("coerce")
        b.one(b.choice(["Softmax", "LogSoftmax"]), [d], shape=x.shape, lo=-CAP, hi=1, attrs={"axis": ax})
    else:
        raise Reject("form")


def g_pad_into(b: Builder) -> None:
    """Pad (constant 0 / -inf / other) -> Conv / AveragePool / MaxPool (PadFoldIntoConsumer)."""
    x = b.pick_float(rank=[4, 3])
    nd = x.rank - 2
    pads = [0, 0] + [b.int(0, 2) for _ in range(nd)]
    pads = pads + [0, 0] + [b.int(0, 2) for _ in range(nd)]
    if b.chance(5):
        pads[1] = 1  # a channel pad: must not fold
    consumer = b.choice(["Conv", "AveragePool", "MaxPool"])
    val = {"Conv": 0.0, "AveragePool": 0.0, "MaxPool": float("-inf")}[consumer] if b.int(0, 3) else 0.5
    ins = [x, b.ints(pads)]
    if val != 0.0 or b.bool():
        ins.append(b.const(np.asarray(val, F32), share=False))
    shape = [d + pads[i] + pads[x.rank + i] for i, d in enumerate(x.shape)]
    p = b.one("Pad", ins, shape=shape, lo=min(x.lo, 0.5), hi=max(x.hi, 0.5))
    k = [b.int(1, min(3, s)) for s in shape[2:]]
    attrs: dict[str, Any] = {"kernel_shape": k}
    if b.bool():
        inner = [b.int(0, kk - 1) for kk in k]
        attrs["pads"] = inner + inner
    if consumer == "AveragePool" and b.bool():
        attrs["count_include_pad"] = 1
    if consumer != "Conv" and b.chance(4):
        attrs["ceil_mode"] = 1
    if b.bool():
        attrs["strides"] = [b.int(1, 2) for _ in range(nd)]
    if consumer == "Conv":
        C = shape[1]
        w = b.weight((b.int(1, 4), C, *k), 0.5)
        attrs.pop("ceil_mode", None)
        (oshape,) = _infer(b, "Conv", [p, w], attrs)
        b.one("Conv", [b.scale_to(p, 4.0) if p.bound > 4 else p, w], shape=oshape, lo=-CAP, hi=CAP, attrs=attrs)
        return
    (oshape,) = _infer(b, consumer, [p], attrs)
    if consumer == "MaxPool" and val == float("-inf"):
        # a window entirely in the padding is -inf in both; keep it finite downstream
        b.one("MaxPool", [p], shape=oshape, lo=p.lo, hi=p.hi, exact=p.exact, attrs=attrs)
        return
    b.one(consumer, [p], shape=oshape, lo=p.lo, hi=p.hi, exact=consumer == "MaxPool" and p.exact, attrs=attrs)


def g_tile_sink(b: Builder) -> None:
    """``op(Tile(x, t), w)`` with ``w`` periodic along the tiled axes, or Tile(x) op Tile(y)
    (TileSinkThroughElementwise); and Slice(Slice(x)) on the same axis (SliceCompose)."""
    x = b.pick(lambda t: t.is_float and 1 <= t.rank <= 4, create=lambda: b.new_input(b.random_shape(b.int(1, 3), 64)))
    if b.bool():
        reps = [b.int(1, max(1, 8 // d)) for d in x.shape]
        tshape = tuple(d * r for d, r in zip(x.shape, reps))
        t = b.one("Tile", [x, b.ints(reps)], shape=tshape, lo=x.lo, hi=x.hi, exact=x.exact)
        form = b.choice(["unary", "periodic", "broadcast", "both"])
        if form == "unary":
            b.one(b.choice(["Relu", "Neg", "Sigmoid", "Abs"]), [t], shape=tshape, lo=-CAP, hi=CAP)
        elif form == "periodic":
            base = b.rng.uniform(-1, 1, x.shape).astype(F32)
            w = b.const(np.tile(base, reps) if b.int(0, 3) else b.rng.uniform(-1, 1, tshape).astype(F32))
            b.one(b.choice(["Add", "Mul", "Sub", "Max"]), [t, w] if b.bool() else [w, t], shape=tshape, lo=-CAP,
                  hi=CAP)
        elif form == "broadcast":
            ws = tuple(1 if (r > 1 or b.bool()) else d for d, r in zip(tshape, reps))
            w = b.weight(ws, 1.0)
            b.one(b.choice(["Add", "Mul", "Div"]) if np.all(np.abs(w.value) > 0.1) else "Add", [t, w], shape=tshape,
                  lo=-CAP, hi=CAP)
        else:
            y = b.operand(x.shape, F32, 1.0)
            ty = b.one("Tile", [y, b.ints(reps)], shape=tshape, lo=-1, hi=1)
            b.one(b.choice(["Add", "Mul", "Sub"]), [t, ty], shape=tshape, lo=-CAP, hi=CAP)
        return
    a = b.int(0, x.rank - 1)
    d = x.shape[a]
    s1, e1, t1, n1 = _slice_bounds(b, d)
    shape1 = list(x.shape)
    shape1[a] = n1
    inner = b.one("Slice", [x, b.ints([s1]), b.ints([e1]), b.ints([a]), b.ints([t1])], shape=shape1, lo=x.lo,
                  hi=x.hi, exact=x.exact)
    _maybe_also_output(b, inner, 5)
    a2 = a if b.int(0, 2) else b.int(0, x.rank - 1)
    s2, e2, t2, n2 = _slice_bounds(b, shape1[a2])
    shape2 = list(shape1)
    shape2[a2] = n2
    b.one("Slice", [inner, b.ints([s2]), b.ints([e2]), b.ints([a2]), b.ints([t2])], shape=shape2, lo=x.lo, hi=x.hi,
          exact=x.exact)


GENERATORS: dict[str, tuple[Callable[[Builder], None], int]] = {
    # name: (generator, weight)
    "unary": (g_unary, 8),
    "binary": (g_binary, 10),
    "compare": (g_compare, 3),
    "logic": (g_logic, 2),
    "where": (g_where, 3),
    "cast": (g_cast, 3),
    "clip": (g_clip, 2),
    "reduce": (g_reduce, 5),
    "argmax": (g_argmax, 2),
    "softmax": (g_softmax, 3),
    "matmul": (g_matmul, 5),
    "gemm": (g_gemm, 2),
    "conv": (g_conv, 3),
    "pool": (g_pool, 3),
    "batchnorm": (g_batchnorm, 2),
    "layernorm": (g_layernorm, 2),
    "gelu": (g_gelu, 1),
    "transpose": (g_transpose, 5),
    "reshape": (g_reshape, 5),
    "squeeze": (g_squeeze, 3),
    "concat": (g_concat, 3),
    "slice": (g_slice, 4),
    "split": (g_split, 2),
    "gather": (g_gather, 3),
    "gather_elements": (g_gather_elements, 1),
    "pad": (g_pad, 2),
    "tile": (g_tile, 1),
    "expand": (g_expand, 2),
    "shape_chain": (g_shape_chain, 3),
    "attention": (g_attention, 1),
    "hdim_matmul": (g_hdim_matmul, 1),
    "permute_sandwich": (g_permute_sandwich, 3),
    "identity": (g_identity, 1),
    "topk": (g_topk, 1),
    "cumsum": (g_cumsum, 1),
    "trilu": (g_trilu, 1),
    "depth_space": (g_depth_space, 1),
    "einsum": (g_einsum, 1),
    "norms": (g_instnorm, 1),
    "resize": (g_resize, 2),
    "conv_transpose": (g_conv_transpose, 2),
    "gather_nd": (g_gather_nd, 1),
    "scatter": (g_scatter, 1),
    "onehot": (g_onehot, 1),
    "hardmax": (g_hardmax, 1),
    "mvn": (g_mvn, 1),
    "compress": (g_compress, 1),
    "const_subgraph": (g_const_subgraph, 1),
    "double": (g_double, 1),
    "window_partition": (g_window_partition, 1),
    "passthrough": (g_passthrough, 1),
    "conv_bn": (g_conv_bn, 2),
    "projection_scale": (g_projection_scale, 3),
    "shared_bias": (g_shared_bias, 1),
    "logic_rewrites": (g_logic_rewrites, 2),
    "identities": (g_identities, 2),
    "pad_into": (g_pad_into, 2),
    "tile_sink": (g_tile_sink, 2),
}
_WEIGHTED = [name for name, (_, w) in GENERATORS.items() for _ in range(w)]


@st.composite
def _step(draw, b: Builder, names: list[str], first: bool) -> bool | None:
    """One generator step as one hypothesis span (so the shrinker deletes whole steps), with its
    own value seed (deleting a step leaves the values of the others alone). False = stop,
    None = the generator did not apply (rolled back), True = done."""
    if not first and draw(st.integers(0, 7)) == 0:
        return False
    b.draw = draw
    b.rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    name = draw(st.sampled_from(names))
    n_nodes, n_pool, n_inputs_before = len(b.nodes), len(b.pool), len(b.graph_inputs)
    n_inits, n_consts, n_extra = len(b.inits), len(b.consts), len(b.extra_outputs)
    uses = b.uses.copy()
    try:
        GENERATORS[name][0](b)
    except (Reject, ValueError, ZeroDivisionError):  # (the last two: zero-size corner cases)
        del b.nodes[n_nodes:]
        del b.pool[n_pool:]
        for t in b.graph_inputs[n_inputs_before:]:
            b.input_values.pop(t.name, None)
        del b.graph_inputs[n_inputs_before:]
        del b.inits[n_inits:]
        del b.consts[n_consts:]
        del b.extra_outputs[n_extra:]
        b.uses = uses
        return None
    b.steps.append(name)
    if b.chance(10):  # an intermediate that is also a graph output (multi-use for the rewrites)
        cands = [t for t in b.pool if t not in b.graph_inputs and not t.const]
        if cands:
            b.extra_outputs.append(cands[b.int(0, len(cands) - 1)])
    return True


@st.composite
def fuzz_cases(draw, max_steps: int = 10, generators: list[str] | None = None,
               avoid=frozenset(KNOWN_BUGS)) -> FuzzCase:
    """A random valid ONNX model (1..``max_steps`` generator steps, about 6 on average) with its
    input values; the forms of the ``avoid`` known bugs are not generated."""
    opset = draw(st.sampled_from(OPSETS))
    b = Builder(draw, opset, draw(st.integers(0, 2**32 - 1)), frozenset(avoid))
    b.allow_empty = draw(st.integers(0, 19)) == 19  # 1 graph in 20 may slice to zero-size tensors
    for _ in range(draw(st.integers(1, 2))):
        rank = draw(st.sampled_from([4, 3, 2, 1, 0, 2, 3, 4]))
        dtype = F32 if draw(st.integers(0, 7)) else I64
        b.new_input(b.random_shape(rank), dtype, -3 if dtype == F32 else -6, 3 if dtype == F32 else 6)
    names = generators or _WEIGHTED
    done = 0
    for attempt in range(max_steps * 3):
        if done >= max_steps:
            break
        ok = draw(_step(b, names, first=done == 0 and attempt < max_steps))
        if ok is False:
            break
        done += bool(ok)
    b.draw = draw
    if not any(n.op_type != "Constant" for n in b.nodes):
        x = b.pick(lambda t: t.is_float, create=lambda: b.new_input(b.random_shape(2)))
        b.one("Relu", [x], shape=x.shape, lo=max(0.0, x.lo), hi=max(0.0, x.hi), exact=x.exact)
        b.steps.append("relu")
    return b.finish()


# ====================================================================================== the oracle

UNSUPPORTED_MARKERS = ("unsupported", "not supported", "must be a constant", "depends on runtime values",
                       "has no Top element type", "needs static shapes")


@dataclass
class Result:
    # ok | discard (invalid for onnx.checker/onnxruntime) | unsupported (clean CompileError) |
    # mismatch | crash (bugs) | noise (float32 rounding, see _noise) | ort_divergence (tpuc agrees
    # with onnx.reference, onnxruntime does not)
    kind: str
    detail: str = ""
    outputs: list[str] = field(default_factory=list)  # failing output names
    triage: str = ""

    @property
    def is_bug(self) -> bool:
        return self.kind in ("mismatch", "crash")


def run_onnxruntime(model: onnx.ModelProto, inputs: dict[str, np.ndarray]) -> list[np.ndarray]:
    import onnxruntime as ort

    ort.set_default_logger_severity(4)
    opts = ort.SessionOptions()
    opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
    opts.log_severity_level = 4
    opts.intra_op_num_threads = 1
    opts.inter_op_num_threads = 1
    sess = ort.InferenceSession(model.SerializeToString(), opts, providers=["CPUExecutionProvider"])
    return sess.run(None, dict(inputs))


def run_tpuc(model: onnx.ModelProto, inputs: dict[str, np.ndarray],
             tensors: dict[str, np.ndarray] | None = None, deploy: str | None = None) -> list[np.ndarray]:
    """Import, run the ``transform`` pipeline, interpret; ``tensors`` collects every named Top
    tensor (what ``tpuc transform`` compares by name). With ``deploy`` (a float mode, ``F32``)
    the module is lowered to the Tpu dialect first and the Tpu interpreter runs instead."""
    from tpuc.compiler.passes import PIPELINES
    from tpuc.compiler.pipeline import run_pipeline
    from tpuc.compiler.weights import attach_store
    from tpuc.dialects.top import interpreter
    from tpuc.lowering.onnx_to_top.importer import import_model

    module, store = import_model(model)
    attach_store(module, store)
    run_pipeline(module, PIPELINES["transform"])
    module.verify()
    if deploy is not None:
        from tpuc.lowering.top_to_tpu.convert import lower_module

        lower_module(module, deploy)
        module.verify()
    on_tensor = None if tensors is None else tensors.__setitem__
    with np.errstate(all="ignore"):
        return interpreter.run(module, store, inputs, on_tensor=on_tensor)


def compare(got: np.ndarray, ref: np.ndarray) -> str:
    """'' when equal within tolerance, else a one-line reason."""
    got, ref = np.asarray(got), np.asarray(ref)
    if got.shape != ref.shape:
        return f"shape {list(got.shape)} vs onnxruntime {list(ref.shape)}"
    if got.dtype != ref.dtype:
        return f"dtype {got.dtype} vs onnxruntime {ref.dtype}"
    if ref.dtype.kind in "f":
        try:
            np.testing.assert_allclose(got.astype(np.float64), ref.astype(np.float64), rtol=1e-4, atol=1e-5,
                                       equal_nan=True)
        except AssertionError as e:
            lines = [ln.strip() for ln in str(e).splitlines() if ln.strip().startswith(("Mismatch", "Max"))]
            return "; ".join(lines)
        nan_g, nan_r = np.isnan(got), np.isnan(ref)
        if not np.array_equal(nan_g, nan_r):
            return "NaN positions differ"
        return ""
    if not np.array_equal(got, ref):
        bad = int(np.sum(got != ref))
        return f"{bad}/{ref.size} elements differ"
    return ""


def to_float64(model: onnx.ModelProto) -> onnx.ModelProto:
    """The same graph computing in double: float inputs/outputs/initializers/constants and
    Cast-to-float become double."""
    m = onnx.ModelProto()
    m.CopyFrom(model)
    g = m.graph
    for vi in list(g.input) + list(g.output):
        if vi.type.tensor_type.elem_type == TensorProto.FLOAT:
            vi.type.tensor_type.elem_type = TensorProto.DOUBLE
    for i, init in enumerate(g.initializer):
        if init.data_type == TensorProto.FLOAT:
            g.initializer[i].CopyFrom(numpy_helper.from_array(numpy_helper.to_array(init).astype(F64), init.name))
    for n in g.node:
        for a in n.attribute:
            if a.name == "to" and a.i == TensorProto.FLOAT:
                a.i = TensorProto.DOUBLE
            if a.type == onnx.AttributeProto.TENSOR and a.t.data_type == TensorProto.FLOAT:
                a.t.CopyFrom(numpy_helper.from_array(numpy_helper.to_array(a.t).astype(F64), a.t.name))
    return m


def prune(model: onnx.ModelProto, keep: list[str]) -> onnx.ModelProto:
    """The model restricted to the graph outputs ``keep`` and the nodes they depend on."""
    m = onnx.ModelProto()
    m.CopyFrom(model)
    g = m.graph
    need = set(keep)
    nodes = []
    for n in reversed(list(g.node)):
        if any(o in need for o in n.output):
            nodes.append(n)
            need.update(i for i in n.input if i)
    nodes.reverse()
    del g.node[:]
    g.node.extend(nodes)
    outs = [o for o in g.output if o.name in keep]
    del g.output[:]
    g.output.extend(outs)
    ins = [i for i in g.input if i.name in need]
    del g.input[:]
    g.input.extend(ins)
    inits = [i for i in g.initializer if i.name in need]
    del g.initializer[:]
    g.initializer.extend(inits)
    return m


def _evaluate(model: onnx.ModelProto, feeds: dict[str, np.ndarray], double: bool) -> list[np.ndarray] | None:
    if double:
        model = to_float64(model)
        feeds = {k: (v.astype(F64) if v.dtype == F32 else v) for k, v in feeds.items()}
    feeds = {i.name: feeds[i.name] for i in model.graph.input}
    try:
        from onnx.reference import ReferenceEvaluator

        with np.errstate(all="ignore"):
            return list(ReferenceEvaluator(model).run(None, feeds))
    except Exception:  # noqa: BLE001
        pass
    if not double:
        return None
    try:
        with np.errstate(all="ignore"):
            return run_onnxruntime(model, feeds)
    except Exception:  # noqa: BLE001
        return None


def float64_truth(model: onnx.ModelProto, inputs: dict[str, np.ndarray], output: str) -> np.ndarray | None:
    """Graph output ``output`` computed in double (onnx.reference, else onnxruntime, on the
    model converted with :func:`to_float64` and pruned to that output), or None."""
    res = _evaluate(prune(model, [output]), inputs, double=True)
    return None if res is None else res[0]


def reference_output(model: onnx.ModelProto, inputs: dict[str, np.ndarray], output: str) -> np.ndarray | None:
    """Graph output ``output`` computed by onnx.reference in float32, or None."""
    res = _evaluate(prune(model, [output]), inputs, double=False)
    return None if res is None else res[0]


def _noise(got, ref, truth) -> bool:
    """A float mismatch caused by float32 rounding in an ill-conditioned graph: onnxruntime is
    close to the float64 truth overall (so both implement the same function), and every element
    of tpuc is within tolerance of the truth or no further from it than 4x onnxruntime's worst
    error."""
    if truth is None:
        return False
    g, r, t = (np.asarray(v, np.float64) for v in (got, ref, truth))
    if g.shape != t.shape or r.shape != t.shape:
        return False
    fin = np.isfinite(t)
    if not np.array_equal(np.isnan(g), np.isnan(r)):
        return False
    eg = np.where(fin, np.abs(g - t), 0)
    er = np.where(fin, np.abs(r - t), 0)
    scale = float(np.max(np.abs(np.where(fin, t, 0)), initial=0.0)) + 1e-6
    if er.max(initial=0.0) > 1e-3 * scale:
        return False  # onnxruntime itself is far from the float64 evaluation: not rounding noise
    tol = 1e-5 + 1e-4 * np.abs(t)
    return bool(np.all((eg <= tol) | (eg <= 4 * er.max(initial=0.0) + 1e-6)))


def _triage(model, inputs, name, g, r) -> tuple[str, str]:
    """(kind, note) of a differing tensor ``name`` (made a graph output if it is not one)."""
    if name not in {o.name for o in model.graph.output}:
        m = onnx.ModelProto()
        m.CopyFrom(model)
        m.graph.output.append(helper.make_tensor_value_info(name, ONNX_TYPE.get(r.dtype, TensorProto.FLOAT),
                                                            list(r.shape)))
        model = m
    t = float64_truth(model, inputs, name) if r.dtype.kind == "f" else None
    ref32 = reference_output(model, inputs, name)
    if r.dtype.kind == "f" and g.shape == r.shape and _noise(g, r, t):
        return "noise", ""
    if ref32 is not None and g.shape == np.shape(ref32) and not compare(g, np.asarray(ref32)):
        return "ort_divergence", f"{name}: tpuc agrees with onnx.reference, onnxruntime differs"
    if ref32 is not None and not compare(r, np.asarray(ref32)):
        return "mismatch", f"{name}: onnxruntime agrees with onnx.reference"
    return "mismatch", ""


def check_case(case: FuzzCase, *, triage: bool = True, intermediates: bool = True,
               deploy: str | None = None) -> Result:
    """Validate (onnx.checker full check + onnxruntime), compile and run with tpuc, compare every
    graph output and (``intermediates``) every tensor both name, as ``tpuc transform`` does."""
    from tpuc.compiler.errors import CompileError

    model = case.model
    try:
        onnx.checker.check_model(model, full_check=True)
    except Exception as e:  # noqa: BLE001
        return Result("discard", f"checker: {' '.join(str(e).split())[:300]}")
    outs = [o.name for o in model.graph.output]
    try:
        ref_all = _intermediates(model, case.inputs) if intermediates else dict(
            zip(outs, run_onnxruntime(model, case.inputs)))
    except Exception as e:  # noqa: BLE001
        return Result("discard", f"onnxruntime: {' '.join(str(e).split())[:300]}")
    named: dict[str, np.ndarray] = {}
    try:
        got = run_tpuc(model, case.inputs, named if intermediates else None, deploy=deploy)
    except CompileError as e:
        msg = str(e)
        if any(k in msg for k in UNSUPPORTED_MARKERS):
            return Result("unsupported", msg[:300])
        return Result("crash", f"CompileError: {msg[:500]}")
    except Exception as e:  # noqa: BLE001
        tb = traceback.format_exc().splitlines()
        return Result("crash", f"{type(e).__name__}: {' '.join(str(e).split())[:500]}\n" + "\n".join(tb[-8:]))
    if len(got) != len(outs):
        return Result("crash", f"{len(got)} outputs vs {len(outs)} graph outputs")
    bad = []
    for name, g in zip(outs, got):
        why = compare(g, ref_all[name])
        if why:
            bad.append((name, np.asarray(g), why))
    for name, g in named.items():
        if name in outs or name not in ref_all:
            continue
        g, r = np.asarray(g), np.asarray(ref_all[name])
        if g.shape != r.shape and g.size == r.size:
            g = g.reshape(r.shape)  # as tpuc transform's comparison does
        if deploy is not None and g.dtype == np.float32 and r.dtype == np.float64:
            g = g.astype(np.float64)  # deploy computes f64 in f32 (the chip has no f64); values still compared
        why = compare(g, r)
        if why:
            bad.append((name, g, "intermediate tensor: " + why))
    if not bad:
        return Result("ok")
    detail = "; ".join(f"{n}: {w}" for n, _, w in bad)
    if not triage:
        return Result("mismatch", detail, [n for n, _, _ in bad])
    notes, kinds = [], []
    for name, g, _ in bad:
        kind, note = _triage(model, case.inputs, name, g, np.asarray(ref_all[name]))
        kinds.append(kind)
        if note:
            notes.append(note)
    kind = "mismatch" if "mismatch" in kinds else ("ort_divergence" if "ort_divergence" in kinds else "noise")
    return Result(kind, detail, [n for n, _, _ in bad], "; ".join(notes))


# ====================================================================================== minimising


def _intermediates(model: onnx.ModelProto, inputs: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Every node output's value, by onnxruntime."""
    m = onnx.ModelProto()
    m.CopyFrom(model)
    have = {o.name for o in m.graph.output}
    for n in m.graph.node:
        for o in n.output:
            if o and o not in have:
                m.graph.output.append(onnx.ValueInfoProto(name=o))
    names = [o.name for o in m.graph.output]
    with np.errstate(all="ignore"):
        return dict(zip(names, run_onnxruntime(m, inputs)))


def _rebuild(model, nodes, outputs, values, new_inputs=()) -> tuple[onnx.ModelProto, dict]:
    """``model`` with ``nodes`` and graph outputs ``outputs`` (names), graph inputs restricted to
    the used ones plus ``new_inputs`` (names whose values are in ``values``)."""
    g = model.graph
    used = {i for n in nodes for i in n.input if i} | set(outputs)
    inits = [i for i in g.initializer if i.name in used]
    ins = []
    for name in dict.fromkeys(new_inputs):
        if name in used:
            v = values[name]
            ins.append(helper.make_tensor_value_info(name, ONNX_TYPE[np.dtype(v.dtype)], list(v.shape)))
    outs = [helper.make_tensor_value_info(o, ONNX_TYPE[np.dtype(values[o].dtype)], list(values[o].shape))
            for o in outputs]
    graph = helper.make_graph(nodes, g.name, ins, outs, inits)
    m = helper.make_model(graph, opset_imports=list(model.opset_import), producer_name=model.producer_name)
    m.ir_version = model.ir_version
    feeds = {i.name: values[i.name] for i in ins}
    return m, feeds


def minimize(case: FuzzCase, keep: Callable[[FuzzCase, Result], bool], max_checks: int = 400) -> FuzzCase:
    """Delta-debug a failing graph at the ONNX level while ``keep(case, check_case(case))``:
    keep only the failing graph outputs, cut the graph above a node by feeding that node's
    inputs as new graph inputs (their onnxruntime values), bypass same-shape nodes, drop dead
    nodes. Complements hypothesis' shrinking (which works on the generator's choices)."""
    checks = 0

    def ok(m, feeds):
        nonlocal checks
        checks += 1
        c = FuzzCase(m, feeds, case.op_types, case.opset)
        try:
            return keep(c, check_case(c))
        except Exception:  # noqa: BLE001
            return False

    try:
        values = dict(case.inputs) | _intermediates(case.model, case.inputs)
    except Exception:  # noqa: BLE001
        return case
    for init in case.model.graph.initializer:
        values[init.name] = numpy_helper.to_array(init)
    model, feeds = case.model, dict(case.inputs)
    outputs = [o.name for o in model.graph.output]
    nodes = list(model.graph.node)
    new_inputs = [i.name for i in model.graph.input if i.name not in {x.name for x in model.graph.initializer}]

    def live(nodes, outputs):
        need, kept = set(outputs), []
        for n in reversed(nodes):
            if any(o in need for o in n.output):
                kept.append(n)
                need.update(i for i in n.input if i)
        return kept[::-1]

    def attempt(nodes2, outputs2, inputs2):
        nodes2 = live(nodes2, outputs2)
        produced = {o for n in nodes2 for o in n.output}
        inputs2 = [i for i in inputs2 if i not in produced]
        try:
            m, f = _rebuild(model, nodes2, outputs2, values, inputs2)
            onnx.checker.check_model(m, full_check=True)
        except Exception:  # noqa: BLE001
            return None
        return (nodes2, outputs2, inputs2, m, f) if ok(m, f) else None

    changed = True
    best = None
    while changed and checks < max_checks:
        changed = False
        # 1. fewer graph outputs
        for o in list(outputs):
            if len(outputs) > 1 and checks < max_checks:
                r = attempt(nodes, [x for x in outputs if x != o], new_inputs)
                if r:
                    nodes, outputs, new_inputs, *best = r
                    changed = True
        # 2. cut above a node: its (non-constant) inputs become graph inputs
        for n in list(nodes):
            if n not in nodes or checks >= max_checks or n.op_type == "Constant":
                continue
            const = {i.name for i in model.graph.initializer} | {
                m.output[0] for m in nodes if m.op_type == "Constant"}
            cut = [i for i in n.input if i and i not in const and i not in new_inputs]
            if not cut:
                continue
            r = attempt(nodes, outputs, new_inputs + cut)
            if r:
                nodes, outputs, new_inputs, *best = r
                changed = True
        # 3. bypass a node whose first input has the output's shape and dtype
        for n in list(nodes):
            if n not in nodes or checks >= max_checks or len(n.output) != 1 or not n.input:
                continue
            src, dst = n.input[0], n.output[0]
            if src not in values or dst not in values or values[src].shape != values[dst].shape \
                    or values[src].dtype != values[dst].dtype:
                continue
            nodes2 = []
            for m in nodes:
                if m is n:
                    continue
                m2 = onnx.NodeProto()
                m2.CopyFrom(m)
                for k, i in enumerate(m2.input):
                    if i == dst:
                        m2.input[k] = src
                nodes2.append(m2)
            outputs2 = [src if o == dst else o for o in outputs]
            if len(set(outputs2)) != len(outputs2) or src in new_inputs and src in outputs2:
                continue
            r = attempt(nodes2, outputs2, new_inputs)
            if r:
                nodes, outputs, new_inputs, *best = r
                changed = True
    if best is None:
        return case
    m, f = best
    return FuzzCase(m, f, case.op_types, case.opset)


def node_op_types(model: onnx.ModelProto) -> list[str]:
    return sorted({n.op_type for n in model.graph.node})


