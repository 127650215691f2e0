"""Top -> ONNX: export a Top module and its weight store as a standard ONNX model.

``export(module, store, opset=17)`` maps every Top op back to default-domain ONNX nodes of one
opset (17 to 21): ``top.Weight`` becomes an initializer, ``top.Input`` a graph input, and every
other op one node, or a few where ONNX has no single equivalent (``top.MatMul`` flags become
Transposes or Gemm's ``transA``/``transB``, ``do_relu`` a Relu, ``top.GELU`` below opset 20 its Erf
form, ...). Each op's result keeps its tensor name (the op's ``loc``); graph inputs and outputs
keep theirs; every named tensor gets a ``value_info`` with its Top type, so
``onnx.checker.check_model(model, full_check=True)`` (strict shape inference) checks the export
against Top's own shape inference. The Ascend backend builds on this.

``export_file(model, out)`` is ``tpuc export-onnx``: load an ONNX model (or a Top ``.mlir`` with
its weight file), import, run :data:`EXPORT_PIPELINE`, export, check and write atomically.

Emission choices that change the node count but never the values:

* constant operands that must be reshaped or transposed (a MatMul weight with ``right_transpose``,
  a LayerNorm scale that has to be materialised) become new initializers, never nodes; shape-like
  properties (Reshape shapes, Slice bounds, axes, pads, ...) become initializers; bitwise-equal
  constants share one initializer;
* no-op ops (identity Permute/Reshape/Slice/Pad/Tile/Expand, a Concat of one input) and exact
  identity arithmetic (``x + 0``, ``x - 0``, ``x * 1``, ``x / 1`` with a constant that does not
  broadcast ``x``, a zero MatMul bias) are not emitted unless their tensor is a graph output;
* a 2-D MatMul with transposes, a bias or ``output_transpose`` is one ``Gemm``;
* ``Squeeze(Slice(x, axis a, i:i+1), a)`` (the form Top's canonicalizer gives ``Gather`` and
  ``Split + Squeeze``) is one ``Gather(x, i, axis=a)`` when the Slice has no other use, and a
  global pool flattened to ``[N, C]`` (a CNN's classifier input) one ``ReduceMean``/``ReduceMax``;
* an opset < 13 Softmax (``coerce_2d``) whose trailing dims have at most one dim above 1 is one
  Softmax on that axis;
* finally, equal nodes (same op type, inputs and attributes) are merged (``cse``).

Forms an opset cannot express (AveragePool dilations before 19, Pad ``wrap`` before 19, scatter
max/min before 18, antialiased Resize before 18, ...) raise :class:`CompileError` naming the op.
"""

from __future__ import annotations

import hashlib
import math
import os
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import ml_dtypes
import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper
from xdsl.dialects import func
from xdsl.dialects.builtin import ModuleOp, StringAttr
from xdsl.ir import Operation, SSAValue

from tpuc.compiler.errors import CompileError
from tpuc.compiler.weights import WeightStore
from tpuc.dialects.top.base import TopOp, dtype_of, is_float, is_none, result_names, shape_of
from tpuc.dialects.top.ops.core import InputOp, NoneOp, WeightOp

#: The Top pipeline before export: target-neutral rewrites only. Disabled, because standard ONNX
#: would need extra nodes to express their result: ``MatMulHdimIsBatch`` and
#: ``MatMulRightTranspose`` (ONNX MatMul has no flags: the absorbed Permutes would come back as
#: Transposes), ``MatmulWithPermuteAndSplit`` (one qkv Transpose becomes three) and
#: ``GatherScalarToSliceSqueeze`` (one Gather becomes Slice + Squeeze). ``SplitToSliceForSqueeze``
#: stays on: its Slice + Squeeze pairs are emitted as one Gather each, so ``Split -> Squeeze x N``
#: (N + 1 nodes) exports as N Gathers. Permute sinking stays on: it cancels Transposes (mha_encoder
#: 81 -> 75 nodes) and measured neutral in onnxruntime (``test/bench/bench_graph_opt.py --ablation``).
EXPORT_PIPELINE = ("top-canonicalize{disable=MatMulHdimIsBatch,MatMulRightTranspose,"
                   "MatmulWithPermuteAndSplit,GatherScalarToSliceSqueeze},top-verify-shapes")

MIN_OPSET, MAX_OPSET = 17, 21
_GEMM_TYPES = frozenset([np.dtype(t) for t in ("float16", "float32", "float64", "int32", "int64", "uint32", "uint64")]
                        + [np.dtype(ml_dtypes.bfloat16)])
_INT64_MIN = int(np.iinfo(np.int64).min)
#: Top ops that are the ONNX op of the same name with one input and no attributes
UNARY = frozenset(("Relu", "Sigmoid", "Tanh", "Exp", "Log", "Sqrt", "Reciprocal", "Erf", "Abs", "Neg", "Sign", "Floor",
                   "Ceil", "Round", "Sin", "Cos", "Softplus", "Softsign", "HardSwish", "IsNaN", "Not"))


class _Unsupported(CompileError):
    """A Top op (or property value) that the requested opset cannot express."""


def onnx_dtype(dtype: np.dtype) -> int:
    """The ONNX element type of a numpy dtype (bfloat16 included)."""
    return helper.np_dtype_to_tensor_dtype(np.dtype(dtype))


def _compose(first: Sequence[int], then: Sequence[int]) -> tuple[int, ...]:
    """The single permutation equal to ``Transpose(first)`` followed by ``Transpose(then)``."""
    return tuple(first[i] for i in then)


def _swap_last(n: int) -> tuple[int, ...]:
    return tuple(range(n - 2)) + (n - 1, n - 2)


def _is_identity(perm: Sequence[int]) -> bool:
    return tuple(perm) == tuple(range(len(perm)))


class OnnxExporter:
    """One export: walks ``@main`` once, emitting nodes into ``self.nodes``.

    An emitter (a method ``op_<TopName>``, or one passed in ``emitters``) gets
    ``(op, ins, outs, base)``: the ONNX names of the operands (``""`` for ``top.None``), the names
    its results must take, and the node name to use; it appends nodes with :meth:`node` (helpers:
    :meth:`const`, :meth:`i64`, :meth:`tmp`, :meth:`weight`) and returns None, or a list giving
    for each result the existing tensor it is (no node: an elided no-op).
    """

    def __init__(self, module: ModuleOp, store: WeightStore, opset: int, node_names: Mapping[str, str] | None,
                 cse: bool = True, emitters: Mapping[str, Callable] | None = None):
        if not MIN_OPSET <= opset <= MAX_OPSET:
            raise CompileError(f"export opset {opset} is not supported (tpuc exports opsets {MIN_OPSET}-{MAX_OPSET})")
        self.module, self.store, self.opset = module, store, opset
        self.node_names = dict(node_names or {})
        self.reserved = set(self.node_names.values())
        self.nodes: list[onnx.NodeProto] = []
        self.inits: list[TensorProto] = []
        self.value_infos: list[onnx.ValueInfoProto] = []
        self.names: dict[SSAValue, str] = {}       # SSA value -> ONNX tensor name
        self.used: set[str] = set()                # every ONNX tensor name in use
        self.node_used: set[str] = set()           # every node name in use
        self.consts: dict[tuple, list] = {}        # (dtype, shape) -> [[name, array(, digest)], ...]
        self.derived: dict[tuple, str] = {}        # transposed / reshaped weights
        self.weight_value: dict[SSAValue, np.ndarray] = {}
        self.returned: set[SSAValue] = set()
        # consumer op -> how to emit it instead, when its producer was folded into it (see fuse_into)
        self.fused: dict[Operation, Callable[[list[str], list[str], str], None]] = {}
        self.fn = _main(module)
        self.cse = cse
        self.emitters = dict(emitters or {})

    # ------------------------------------------------------------------------------ naming

    def unique(self, base: str) -> str:
        name, i = base or "t", 0
        while name in self.used:
            i += 1
            name = f"{base}_{i}"
        self.used.add(name)
        return name

    def tmp(self, base: str, what: str) -> str:
        """A fresh name for an intermediate tensor of a multi-node expansion."""
        return self.unique(f"{base}_{what}")

    def node_name(self, base: str, main: bool) -> str:
        """A unique node name; the name of an original node is kept for the node that produces
        that node's tensor (``main``), other nodes stay off it."""
        name, i = base, 0
        while name in self.node_used or (not main and name in self.reserved):
            i += 1
            name = f"{base}_{i}"
        self.node_used.add(name)
        return name

    # ------------------------------------------------------------------------------ building

    def node(self, op_type: str, inputs: Sequence[str], outputs: Sequence[str], name: str, **attrs) -> str:
        """Append a node; returns its first output. ``name`` is the node's (uniquified) name."""
        while inputs and inputs[-1] == "":
            inputs = inputs[:-1]
        attrs = {k: v for k, v in attrs.items() if v is not None}
        main = self.node_names.get(outputs[0]) == name
        self.nodes.append(helper.make_node(op_type, list(inputs), list(outputs), name=self.node_name(name, main),
                                           **attrs))
        return outputs[0]

    def const(self, value, base: str, dtype=None) -> str:
        """An initializer holding ``value``; bitwise-equal constants share one initializer."""
        arr = np.asarray(value, dtype=dtype)
        if arr.ndim and not arr.flags.c_contiguous:
            arr = np.ascontiguousarray(arr)
        bucket = self.consts.setdefault((arr.dtype.str, arr.shape), [])
        digest = None
        for entry in bucket:  # hash only when another constant has the same dtype and shape
            if arr.size <= 1024:
                if entry[1].tobytes() == arr.tobytes():
                    return entry[0]
                continue
            digest = digest or _digest(arr)
            if len(entry) == 2:
                entry.append(_digest(entry[1]))
            if entry[2] == digest:
                return entry[0]
        name = self.unique(base)
        self.inits.append(numpy_helper.from_array(arr, name))
        bucket.append([name, arr] if digest is None else [name, arr, digest])
        return name

    def i64(self, values, base: str) -> str:
        return self.const(np.asarray(values, np.int64).reshape(-1), base)

    def scalar(self, value, dtype, base: str) -> str:
        return self.const(np.asarray(value).astype(dtype), base)

    def weight(self, v: SSAValue) -> np.ndarray | None:
        """The value of a ``top.Weight`` operand, else None."""
        return self.weight_value.get(v)

    def transpose(self, v: SSAValue, name: str, perm: Sequence[int], base: str, what: str) -> str:
        """``name`` (the tensor of ``v``) transposed by ``perm``: a new initializer for weights,
        nothing for the identity, else a Transpose node."""
        if _is_identity(perm):
            return name
        w = self.weight(v)
        if w is not None:
            key = ("T", name, tuple(perm))
            if key not in self.derived:
                self.derived[key] = self.const(np.ascontiguousarray(np.transpose(w, perm)), f"{name}_T")
            return self.derived[key]
        return self.node("Transpose", [name], [self.tmp(base, what)], f"{base}/{what}", perm=list(perm))

    # ------------------------------------------------------------------------------ driver

    def run(self) -> onnx.ModelProto:
        block = self.fn.body.block
        ret = block.last_op
        assert isinstance(ret, func.ReturnOp)
        self.returned = set(ret.operands)
        # graph inputs first: their names are fixed
        inputs = []
        for op in block.ops:
            if isinstance(op, InputOp):
                name = result_names(op)[0] if result_names(op) else f"input_{len(inputs)}"
                name = self.unique(name)
                self.names[op.output] = self.names[op.input] = name
                inputs.append(helper.make_tensor_value_info(name, onnx_dtype(dtype_of(op.output)),
                                                            list(shape_of(op.output))))
        for arg in block.args:
            if arg not in self.names:  # an argument without top.Input (hand-written IR)
                name = self.unique(f"arg{arg.index}")
                self.names[arg] = name
                inputs.append(helper.make_tensor_value_info(name, onnx_dtype(dtype_of(arg)), list(shape_of(arg))))
        for op in block.ops:
            if isinstance(op, (InputOp, func.ReturnOp)):
                continue
            if isinstance(op, WeightOp):
                self.emit_weight(op)
            elif isinstance(op, NoneOp):
                self.names[op.output] = ""
            elif isinstance(op, TopOp) or op.name in self.emitters:
                self.emit_op(op)
            else:
                raise CompileError(f"cannot export '{op.name}': not a Top op")
        outputs = self.emit_outputs(ret)
        if self.cse:
            self.eliminate_common_subexpressions({o.name for o in outputs})
        name = self.module.attributes.get("module.name")
        graph = helper.make_graph(self.nodes, name.data if isinstance(name, StringAttr) else "tpuc", inputs, outputs,
                                  initializer=self.inits, value_info=self.value_infos)
        opset_id = helper.make_opsetid("", self.opset)
        model = helper.make_model(graph, opset_imports=[opset_id], producer_name="tpuc",
                                  ir_version=helper.find_min_ir_version_for([opset_id]))
        return model

    def eliminate_common_subexpressions(self, graph_outputs: set[str]) -> None:
        """Drop a node equal to an earlier one (same op type, inputs and attributes) and read the
        earlier one's outputs instead; nodes writing graph outputs stay. Equal constants already
        share one initializer, so this also merges ops on equal weights."""
        rename: dict[str, str] = {}
        seen: dict[tuple, onnx.NodeProto] = {}
        kept = []
        for n in self.nodes:
            for i, x in enumerate(n.input):
                if x in rename:
                    n.input[i] = rename[x]
            attrs = tuple(a.SerializeToString() for a in sorted(n.attribute, key=lambda a: a.name))
            key = (n.domain, n.op_type, tuple(n.input), len(n.output), attrs)
            prev = seen.get(key)
            if prev is not None and not graph_outputs.intersection(n.output):
                rename.update(zip(n.output, prev.output))
                continue
            seen[key] = n
            kept.append(n)
        self.nodes = kept
        self.value_infos = [v for v in self.value_infos if v.name not in rename]

    def emit_weight(self, op: WeightOp) -> None:
        key = result_names(op)[0]
        value = np.asarray(self.store[key])
        self.weight_value[op.output] = value
        # a weight that is a graph output is read by an Identity that takes its name
        self.names[op.output] = self.const(value, f"{key}_const" if op.output in self.returned else key)

    def out_names(self, op: TopOp) -> list[str]:
        """The ONNX names of ``op``'s results: their tensor names, made unique."""
        given = result_names(op)
        first = given[0] if given and given[0] else op.name.split(".")[-1].lower()
        names = []
        for i, r in enumerate(op.results):
            base = given[i] if i < len(given) and given[i] else (first if i == 0 else f"{first}_{i}")
            names.append(self.unique(base))
        return names

    def emit_op(self, op: TopOp) -> None:
        kind = op.name.split(".", 1)[1]
        custom = self.emitters.get(op.name)
        if custom is not None:
            emitter = lambda op, ins, outs, base: custom(self, op, ins, outs, base)  # noqa: E731
        else:
            emitter = self.op_unary if kind in UNARY else getattr(self, f"op_{kind}", None)
        if emitter is None:
            raise _Unsupported(f"cannot export {op.name} to ONNX")
        ins = [self.names[v] for v in op.operands]
        outs = self.out_names(op)
        tensor = outs[0]
        node_base = self.node_names.get(tensor, tensor)
        if op in self.fused:
            emitter = lambda op, ins, outs, base: self.fused.pop(op)(ins, outs, base)  # noqa: E731
        try:
            aliases = emitter(op, ins, outs, node_base)
        except _Unsupported as e:
            raise _Unsupported(str(e), where=f"{op.name} '{tensor}'") from None
        for i, r in enumerate(op.results):
            if aliases is not None and aliases[i] is not None:
                self.names[r] = aliases[i]
                self.used.discard(outs[i])
                continue
            self.names[r] = outs[i]
            if r not in self.returned and not getattr(op, "DATA_DEPENDENT", False):
                self.value_infos.append(helper.make_tensor_value_info(
                    outs[i], onnx_dtype(dtype_of(r)), list(shape_of(r))))

    def emit_outputs(self, ret: func.ReturnOp) -> list[onnx.ValueInfoProto]:
        from tpuc.dialects.top.interpreter import output_names

        wanted = output_names(self.module)
        inits = {t.name for t in self.inits}
        graph_inputs = {self.names[a] for a in self.fn.body.block.args}
        infos, seen = [], set()
        for i, v in enumerate(ret.operands):
            have = self.names[v]
            name = have
            if have in inits or have in graph_inputs or have in seen:
                # a constant, an input or a repeated output: an Identity names it
                base = wanted[i] or f"output_{i}"
                name = base if base not in self.used else self.unique(base)
                self.used.add(name)
                self.node("Identity", [have], [name], name)
            seen.add(name)
            infos.append(helper.make_tensor_value_info(name, onnx_dtype(dtype_of(v)), list(shape_of(v))))
        return infos

    def fuse_into(self, op: TopOp, consumer: str, emit: Callable[[list[str], list[str], str], None]):
        """Fold ``op`` into its only user when that is a ``consumer`` op: ``op`` emits nothing
        (its result aliases its first input) and the user is emitted by ``emit(ins, outs, base)``.
        Returns the alias list for ``op``'s emitter, or None when ``op`` has other uses."""
        if not op.results[0].has_one_use() or not self.can_elide(op):
            return None
        user = next(iter(op.results[0].uses)).operation
        if user.name != consumer:
            return None
        self.fused[user] = emit
        return [self.names[op.operands[0]]]

    def user(self, op: TopOp) -> Operation | None:
        """The only user of ``op``'s (only) result, or None."""
        r = op.results[0]
        return next(iter(r.uses)).operation if r.has_one_use() else None

    def can_elide(self, op: TopOp) -> bool:
        """A no-op may alias its input unless its tensor is a graph output."""
        return not any(r in self.returned for r in op.results)

    # ------------------------------------------------------------------------------ helpers

    def relu_tail(self, op: TopOp, out: str) -> tuple[str, bool]:
        """Where the main node writes: ``out`` directly, or a temporary when a Relu follows."""
        if op.p("do_relu", False):
            return self.tmp(out, "pre_relu"), True
        return out, False

    # ------------------------------------------------------------------------------ elementwise

    def _variadic(self, onnx_op: str, op, ins, outs, base, *, chain: bool):
        out, relu = self.relu_tail(op, outs[0])
        if len(ins) == 1 and not relu and self.can_elide(op):
            return [ins[0]]
        if len(ins) == 1:
            x = self.node("Identity", ins, [out], base)
        elif len(ins) == 2 or not chain:
            x = self.node(onnx_op, ins, [out], base)
        else:
            acc = ins[0]
            for k, y in enumerate(ins[1:], start=1):
                dst = out if k == len(ins) - 1 else self.tmp(base, f"{onnx_op.lower()}{k}")
                acc = self.node(onnx_op, [acc, y], [dst], base if dst == out else f"{base}/{onnx_op}{k}")
            x = acc
        if relu:
            self.node("Relu", [x], [outs[0]], f"{base}/Relu")
        return None

    def is_fill(self, v: SSAValue, value: float) -> bool:
        """``v`` is a weight whose every element equals ``value``."""
        w = self.weight(v)
        return w is not None and w.size > 0 and bool(np.all(w == value))

    def neutral_operand(self, op, keep: int, other: int, value: float) -> bool:
        """``op(x, c)`` is ``x``: ``c`` (operand ``other``) is all ``value`` and does not broadcast
        ``x`` (operand ``keep``) to a larger shape."""
        return (len(op.operands) == 2 and not op.p("do_relu", False) and self.can_elide(op)
                and shape_of(op.operands[keep]) == shape_of(op.output) and self.is_fill(op.operands[other], value))

    def op_Add(self, op, ins, outs, base):
        for keep in (0, 1):
            if self.neutral_operand(op, keep, 1 - keep, 0):  # x + 0 -> x
                return [ins[keep]]
        if len(ins) > 2:
            return self._variadic("Sum", op, ins, outs, base, chain=False)
        return self._variadic("Add", op, ins, outs, base, chain=True)

    def op_Mul(self, op, ins, outs, base):
        for keep in (0, 1):
            if self.neutral_operand(op, keep, 1 - keep, 1):  # x * 1 -> x
                return [ins[keep]]
        return self._variadic("Mul", op, ins, outs, base, chain=True)

    def op_Sub(self, op, ins, outs, base):
        if self.neutral_operand(op, 0, 1, 0):  # x - 0 -> x
            return [ins[0]]
        self.node("Sub", ins, outs, base)
        return None

    def op_Div(self, op, ins, outs, base):
        if self.neutral_operand(op, 0, 1, 1):  # x / 1 -> x
            return [ins[0]]
        self.node("Div", ins, outs, base)
        return None

    def op_Max(self, op, ins, outs, base):
        self.node("Max", ins, outs, base)

    def op_Min(self, op, ins, outs, base):
        self.node("Min", ins, outs, base)

    def op_Pow(self, op, ins, outs, base):
        self.node("Pow", ins, outs, base)

    def op_Mod(self, op, ins, outs, base):
        a, b = ins
        dt = dtype_of(op.output)
        fmod = op.p("fmod", False)
        if fmod or not is_float(dt):
            self.node("Mod", [a, b], outs, base, fmod=1 if fmod else None)
            return
        # float with the divisor's sign (numpy mod): r = fmod(a, b); r + b where r != 0 and
        # sign(r) != sign(b)
        r = self.node("Mod", [a, b], [self.tmp(base, "fmod")], f"{base}/Mod", fmod=1)
        zero = self.scalar(0, dt, f"{base}_zero")
        nz = self.node("Not", [self.node("Equal", [r, zero], [self.tmp(base, "is_zero")], f"{base}/Equal")],
                       [self.tmp(base, "nonzero")], f"{base}/Not")
        rneg = self.node("Less", [r, zero], [self.tmp(base, "r_neg")], f"{base}/Less")
        bneg = self.node("Less", [b, zero], [self.tmp(base, "b_neg")], f"{base}/Less_b")
        diff = self.node("Xor", [rneg, bneg], [self.tmp(base, "sign_differs")], f"{base}/Xor")
        fix = self.node("And", [nz, diff], [self.tmp(base, "fix")], f"{base}/And")
        shifted = self.node("Add", [r, b], [self.tmp(base, "shifted")], f"{base}/Add")
        self.node("Where", [fix, shifted, r], outs, base)

    def op_Compare(self, op, ins, outs, base):
        mode = op.p("mode")
        if mode == "NotEqual":
            eq = self.node("Equal", ins, [self.tmp(base, "equal")], f"{base}/Equal")
            self.node("Not", [eq], outs, base)
            return
        self.node(mode, ins, outs, base)

    def op_Where(self, op, ins, outs, base):
        self.node("Where", ins, outs, base)

    def op_unary(self, op, ins, outs, base):
        self.node(op.name.split(".", 1)[1], ins[:1], outs, base)

    def op_GELU(self, op, ins, outs, base):
        x = ins[0]
        dt = dtype_of(op.input)
        approx = op.p("approx_mode", "none")
        if self.opset >= 20:
            self.node("Gelu", [x], outs, base, approximate=approx)
            return
        c = lambda v, what: self.scalar(v, dt, f"{base}_{what}")  # noqa: E731
        if approx == "tanh":
            # 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))
            x2 = self.node("Mul", [x, x], [self.tmp(base, "x2")], f"{base}/Mul_x2")
            x3 = self.node("Mul", [x2, x], [self.tmp(base, "x3")], f"{base}/Mul_x3")
            t = self.node("Mul", [x3, c(0.044715, "coef")], [self.tmp(base, "cubic")], f"{base}/Mul_coef")
            t = self.node("Add", [x, t], [self.tmp(base, "inner")], f"{base}/Add_inner")
            t = self.node("Mul", [t, c(math.sqrt(2 / math.pi), "sqrt_2_pi")], [self.tmp(base, "scaled")],
                          f"{base}/Mul_scale")
            t = self.node("Tanh", [t], [self.tmp(base, "tanh")], f"{base}/Tanh")
        else:
            # 0.5 x (1 + erf(x / sqrt 2)): PyTorch's export, which onnxruntime fuses back into Gelu
            t = self.node("Div", [x, c(math.sqrt(2.0), "sqrt2")], [self.tmp(base, "scaled")], f"{base}/Div")
            t = self.node("Erf", [t], [self.tmp(base, "erf")], f"{base}/Erf")
        t = self.node("Add", [t, c(1.0, "one")], [self.tmp(base, "one_plus")], f"{base}/Add")
        t = self.node("Mul", [x, t], [self.tmp(base, "x_times")], f"{base}/Mul")
        self.node("Mul", [t, c(0.5, "half")], outs, base)

    def op_SiLU(self, op, ins, outs, base):
        s = self.node("Sigmoid", ins[:1], [self.tmp(outs[0], "sigmoid")], f"{base}/Sigmoid")
        self.node("Mul", [ins[0], s], outs, base)

    def op_Mish(self, op, ins, outs, base):
        if self.opset >= 18:
            self.node("Mish", ins[:1], outs, base)
            return
        sp = self.node("Softplus", ins[:1], [self.tmp(outs[0], "softplus")], f"{base}/Softplus")
        th = self.node("Tanh", [sp], [self.tmp(outs[0], "tanh")], f"{base}/Tanh")
        self.node("Mul", [ins[0], th], outs, base)

    def op_Elu(self, op, ins, outs, base):
        self.node("Elu", ins, outs, base, alpha=op.p("alpha"))

    def op_Selu(self, op, ins, outs, base):
        self.node("Selu", ins, outs, base, alpha=op.p("alpha"), gamma=op.p("gamma"))

    def op_LeakyRelu(self, op, ins, outs, base):
        self.node("LeakyRelu", ins, outs, base, alpha=op.p("alpha"))

    def op_HardSigmoid(self, op, ins, outs, base):
        self.node("HardSigmoid", ins, outs, base, alpha=op.p("alpha"), beta=op.p("beta"))

    def op_Clip(self, op, ins, outs, base):
        dt = dtype_of(op.input)
        lo, hi = op.p("min"), op.p("max")
        lo_n = "" if lo is None else self.scalar(lo, dt, f"{base}_min")
        hi_n = "" if hi is None else self.scalar(hi, dt, f"{base}_max")
        self.node("Clip", [ins[0], lo_n, hi_n], outs, base)

    def op_PRelu(self, op, ins, outs, base):
        xs, ss = shape_of(op.input), shape_of(op.slope)
        if tuple(np.broadcast_shapes(xs, ss)) == xs:
            self.node("PRelu", ins, outs, base)
            return
        # the slope broadcasts the result beyond x: x >= 0 ? x : x * slope
        dt = dtype_of(op.input)
        ge = self.node("GreaterOrEqual", [ins[0], self.scalar(0, dt, f"{base}_zero")], [self.tmp(base, "ge0")],
                       f"{base}/GreaterOrEqual")
        neg = self.node("Mul", ins, [self.tmp(base, "scaled")], f"{base}/Mul")
        self.node("Where", [ge, ins[0], neg], outs, base)

    def op_IsInf(self, op, ins, outs, base):
        x = ins[0]
        if dtype_of(op.input).itemsize < 4 and self.opset < 20:  # float16/bfloat16 from opset 20
            x = self.node("Cast", [x], [self.tmp(base, "f32")], f"{base}/Cast", to=TensorProto.FLOAT)
        self.node("IsInf", [x], outs, base, detect_positive=int(op.p("detect_positive")),
                  detect_negative=int(op.p("detect_negative")))

    def op_Cast(self, op, ins, outs, base):
        self.node("Cast", ins, outs, base, to=onnx_dtype(op.target()))

    # ------------------------------------------------------------------------------ nn

    def op_Conv(self, op, ins, outs, base):
        out, relu = self.relu_tail(op, outs[0])
        d = op.p("dilations")
        self.node("Conv", ins, [out], base, kernel_shape=list(op.p("kernel_shape")), strides=list(op.p("strides")),
                  pads=list(op.p("pads")), dilations=list(d) if d is not None and any(v != 1 for v in d) else None,
                  group=op.p("group", 1) if op.p("group", 1) != 1 else None)
        if relu:
            self.node("Relu", [out], outs, f"{base}/Relu")

    def op_Deconv(self, op, ins, outs, base):
        out, relu = self.relu_tail(op, outs[0])
        nd = len(shape_of(op.input)) - 2
        pads = list(op.p("pads"))
        opad = list(op.p("output_padding", (0,) * nd))
        strides = list(op.p("strides"))
        d = op.p("dilations")
        if any(p < 0 for p in pads[:nd]):
            raise _Unsupported(f"negative begin pads {pads[:nd]} have no ONNX ConvTranspose form")
        for i in range(nd):  # a negative end pad is extra output padding (zeros, then the bias)
            if pads[nd + i] < 0:
                opad[i] -= pads[nd + i]
                pads[nd + i] = 0
        if any(o >= max(s, dd) for o, s, dd in zip(opad, strides, d or [1] * nd)):
            raise _Unsupported(f"output_padding {opad} must be smaller than the stride or dilation")
        self.node("ConvTranspose", ins, [out], base, kernel_shape=list(op.p("kernel_shape")), strides=strides,
                  pads=pads, dilations=list(d) if d is not None and any(v != 1 for v in d) else None,
                  output_padding=opad if any(opad) else None,
                  group=op.p("group", 1) if op.p("group", 1) != 1 else None)
        if relu:
            self.node("Relu", [out], outs, f"{base}/Relu")

    def op_MatMul(self, op, ins, outs, base):
        a, b, bias = ins
        if bias and self.is_fill(op.bias, 0):  # a zero bias adds nothing
            bias = ""
        lt, rt, ot, hb = (bool(op.p(f, False)) for f in ("left_transpose", "right_transpose", "output_transpose",
                                                         "hdim_is_batch"))
        sa, sb = shape_of(op.input), shape_of(op.right)
        final, relu = self.relu_tail(op, outs[0])
        keep = op.p("keep_dims", True)
        prod_shape = op.out_shape(sa, sb)
        flatten = not keep and len(prod_shape) > 2
        last = final
        if flatten:
            last = self.tmp(base, "nd")

        gemm_ok = not hb and len(sa) == 2 and len(sb) == 2 and dtype_of(op.input) in _GEMM_TYPES
        if gemm_ok and (lt or rt or ot or bias):
            # (A' B')^T = B'^T A'^T: output_transpose swaps the operands
            if ot:
                ga, gb, ta, tb = b, a, not rt, not lt
            else:
                ga, gb, ta, tb = a, b, lt, rt
            self.node("Gemm", [ga, gb, bias], [last], base, transA=int(ta) or None, transB=int(tb) or None)
        else:
            perm_a = tuple(range(len(sa)))
            perm_b = tuple(range(len(sb)))
            if hb:
                perm_a, perm_b = (0, 2, 1, 3), (0, 2, 1, 3)
            if lt:
                perm_a = _compose(perm_a, _swap_last(len(sa)))
            if rt:
                perm_b = _compose(perm_b, _swap_last(len(sb)))
            a2 = self.transpose(op.input, a, perm_a, base, "lhs_T")
            b2 = self.transpose(op.right, b, perm_b, base, "rhs_T")
            std_rank = len(prod_shape)
            post = tuple(range(std_rank))
            if ot:
                post = _swap_last(std_rank)
            if hb:
                post = _compose(post, (0, 2, 1, 3))
            steps = (not _is_identity(post)) + bool(bias)
            x = self.node("MatMul", [a2, b2], [last if steps == 0 else self.tmp(base, "product")],
                          base if steps == 0 else f"{base}/MatMul")
            if not _is_identity(post):
                steps -= 1
                x = self.node("Transpose", [x], [last if steps == 0 else self.tmp(base, "product_T")],
                              base if steps == 0 else f"{base}/Transpose", perm=list(post))
            if bias:
                self.node("Add", [x, bias], [last], base)
        if flatten:
            shape = [int(np.prod(prod_shape[:-1])), prod_shape[-1]]
            self.node("Reshape", [last, self.i64(shape, f"{base}_shape")], [final], f"{base}/Reshape")
        if relu:
            self.node("Relu", [final], outs, f"{base}/Relu")

    def _pool_attrs(self, op):
        d = op.p("dilations")
        return dict(kernel_shape=list(op.p("kernel_shape")), strides=list(op.p("strides")), pads=list(op.p("pads")),
                    ceil_mode=1 if op.p("ceil_mode", False) else None,
                    dilations=list(d) if d is not None and any(v != 1 for v in d) else None)

    def _is_global(self, op) -> bool:
        xs = shape_of(op.input)
        return (list(op.p("kernel_shape")) == list(xs[2:]) and not any(op.p("pads"))
                and all(v == 1 for v in (op.p("dilations") or [1])))

    def _global_pool_flatten(self, op, reduce: str):
        """``Reshape(GlobalPool(x), [N, C])`` (a CNN's flatten before its classifier) is one
        ``ReduceMean``/``ReduceMax`` over the spatial axes without keepdims. Returns the pool's
        alias or None."""
        xs = shape_of(op.input)
        user = self.user(op)
        if op.p("do_relu", False) or not self._is_global(op) or user is None or user.name != "top.Reshape" \
                or tuple(shape_of(user.output)) != tuple(xs[:2]):
            return None
        axes = list(range(2, len(xs)))

        def reduce_spatial(ins, outs, base):
            if self.opset >= 18:  # axes became an input
                self.node(reduce, [ins[0], self.i64(axes, f"{base}_axes")], outs, base, keepdims=0)
            else:
                self.node(reduce, [ins[0]], outs, base, keepdims=0, axes=axes)

        return self.fuse_into(op, "top.Reshape", reduce_spatial)

    def op_MaxPool(self, op, ins, outs, base):
        fused = self._global_pool_flatten(op, "ReduceMax")
        if fused is not None:
            return fused
        out, relu = self.relu_tail(op, outs[0])
        if self._is_global(op):
            self.node("GlobalMaxPool", ins, [out], base)
        else:
            self.node("MaxPool", ins, [out], base, **self._pool_attrs(op))
        if relu:
            self.node("Relu", [out], outs, f"{base}/Relu")

    def op_MaxPoolWithMask(self, op, ins, outs, base):
        out, relu = self.relu_tail(op, outs[0])
        attrs = self._pool_attrs(op)
        self.node("MaxPool", ins, [out, outs[1]], base, storage_order=op.p("storage_order", 0) or None, **attrs)
        if relu:
            self.node("Relu", [out], [outs[0]], f"{base}/Relu")

    def op_AvgPool(self, op, ins, outs, base):
        fused = self._global_pool_flatten(op, "ReduceMean")
        if fused is not None:
            return fused
        out, relu = self.relu_tail(op, outs[0])
        if self._is_global(op):
            self.node("GlobalAveragePool", ins, [out], base)
        else:
            attrs = self._pool_attrs(op)
            if attrs["dilations"] is not None and self.opset < 19:
                raise _Unsupported(f"AveragePool with dilations needs opset 19 (exporting opset {self.opset})")
            include_pad = 1 if op.p("count_include_pad", False) else None
            self.node("AveragePool", ins, [out], base, count_include_pad=include_pad, **attrs)
        if relu:
            self.node("Relu", [out], outs, f"{base}/Relu")

    def _param(self, v: SSAValue, name: str, shape: Sequence[int], fill: float, dt, base: str, what: str) -> str:
        """An optional per-channel parameter as a tensor of exactly ``shape``: the operand itself,
        a broadcast copy of a weight, or a constant ``fill``."""
        if is_none(v):
            return self.const(np.full(tuple(shape), fill, dt), f"{base}_{what}")
        if shape_of(v) == tuple(shape):
            return name
        w = self.weight(v)
        if w is not None:
            return self.const(np.ascontiguousarray(np.broadcast_to(w, tuple(shape))), f"{name}_expanded")
        return self.node("Expand", [name, self.i64(shape, f"{base}_{what}_shape")], [self.tmp(base, what)],
                         f"{base}/Expand_{what}")

    def op_BatchNorm(self, op, ins, outs, base):
        out, relu = self.relu_tail(op, outs[0])
        x, mean, var, gamma, beta = ins
        c = shape_of(op.input)[1]
        dt = dtype_of(op.input)
        scale = self._param(op.gamma, gamma, [c], 1.0, dt, base, "scale")
        bias = self._param(op.beta, beta, [c], 0.0, dt, base, "bias")
        self.node("BatchNormalization", [x, scale, bias, mean, var], [out], base, epsilon=op.p("epsilon", 1e-5))
        if relu:
            self.node("Relu", [out], outs, f"{base}/Relu")

    def op_InstanceNorm(self, op, ins, outs, base):
        c = shape_of(op.input)[1]
        dt = dtype_of(op.input)
        scale = self._param(op.weight, ins[1], [c], 1.0, dt, base, "scale")
        bias = self._param(op.bias, ins[2], [c], 0.0, dt, base, "bias")
        self.node("InstanceNormalization", [ins[0], scale, bias], outs, base, epsilon=op.p("eps"))

    def op_LayerNorm(self, op, ins, outs, base):
        xs = shape_of(op.input)
        axis = op.p("axis") % len(xs)
        dt = dtype_of(op.input)
        norm = list(xs[axis:])
        scale = self._param(op.weight, ins[1], norm, 1.0, dt, base, "scale")
        bias = "" if is_none(op.bias) else self._param(op.bias, ins[2], norm, 0.0, dt, base, "bias")
        self.node("LayerNormalization", [ins[0], scale, bias], outs, base, axis=axis, epsilon=op.p("eps"))

    def op_GroupNorm(self, op, ins, outs, base):
        xs = shape_of(op.input)
        g, c = op.p("num_groups"), xs[1]
        dt = dtype_of(op.input)
        if self.opset >= 21:
            scale = self._param(op.weight, ins[1], [c], 1.0, dt, base, "scale")
            bias = self._param(op.bias, ins[2], [c], 0.0, dt, base, "bias")
            self.node("GroupNormalization", [ins[0], scale, bias], outs, base, num_groups=g, epsilon=op.p("eps"))
            return
        # [N, C, *S] -> [N, G, rest] -> InstanceNormalization -> [N, C, *S], then * scale + bias
        tail = [(op.weight, ins[1], "Mul", "scale"), (op.bias, ins[2], "Add", "bias")]
        tail = [t for t in tail if not is_none(t[0])]
        grouped = self.node("Reshape", [ins[0], self.i64([xs[0], g, -1], f"{base}_grouped_shape")],
                            [self.tmp(base, "grouped")], f"{base}/Reshape_grouped")
        normed = self.node("InstanceNormalization",
                           [grouped, self.const(np.ones(g, dt), f"{base}_ones"),
                            self.const(np.zeros(g, dt), f"{base}_zeros")],
                           [self.tmp(base, "normalized")], f"{base}/InstanceNormalization", epsilon=op.p("eps"))
        x = self.node("Reshape", [normed, self.i64(xs, f"{base}_shape")],
                      [outs[0] if not tail else self.tmp(base, "ungrouped")], base if not tail else f"{base}/Reshape")
        per_channel = [c] + [1] * (len(xs) - 2)
        for k, (v, name, onnx_op, what) in enumerate(tail):
            w = self.weight(v)
            if w is not None:
                p = self.const(np.ascontiguousarray(w.reshape(per_channel)), f"{name}_per_channel")
            else:
                p = self.node("Reshape", [name, self.i64(per_channel, f"{base}_channel_shape")],
                              [self.tmp(base, what)], f"{base}/Reshape_{what}")
            last = k == len(tail) - 1
            x = self.node(onnx_op, [x, p], [outs[0] if last else self.tmp(base, f"times_{what}")],
                          base if last else f"{base}/{onnx_op}")

    def op_LRN(self, op, ins, outs, base):
        self.node("LRN", ins, outs, base, size=op.p("size"), alpha=op.p("alpha"), beta=op.p("beta"),
                  bias=op.p("bias"))

    def op_MeanVarianceNormalization(self, op, ins, outs, base):
        self.node("MeanVarianceNormalization", ins, outs, base, axes=list(op.p("axes")))

    def _coerced(self, onnx_op: str, op, ins, outs, base, **attrs):
        xs = shape_of(op.input)
        axis = op.p("axis") % len(xs)
        if op.p("coerce_2d", False):
            # over [prod(xs[:axis]), prod(xs[axis:])]: one axis when at most one of xs[axis:] is not 1
            big = [a for a in range(axis, len(xs)) if xs[a] != 1]
            if len(big) <= 1:
                axis = big[0] if big else len(xs) - 1
            elif axis != len(xs) - 1:
                axis = -1
        if axis >= 0:
            self.node(onnx_op, ins, outs, base, axis=axis, **attrs)
            return
        axis = op.p("axis") % len(xs)
        flat = [int(np.prod(xs[:axis])), int(np.prod(xs[axis:]))]
        x2 = self.node("Reshape", [ins[0], self.i64(flat, f"{base}_2d")], [self.tmp(base, "2d")], f"{base}/Reshape_2d")
        y2 = self.node(onnx_op, [x2], [self.tmp(base, "2d_out")], f"{base}/{onnx_op}", axis=1, **attrs)
        self.node("Reshape", [y2, self.i64(xs, f"{base}_shape")], outs, base)

    def op_Softmax(self, op, ins, outs, base):
        self._coerced("LogSoftmax" if op.p("log", False) else "Softmax", op, ins, outs, base)

    def op_Hardmax(self, op, ins, outs, base):
        self._coerced("Hardmax", op, ins, outs, base)

    def op_Interp(self, op, ins, outs, base):
        xs = shape_of(op.input)
        ts, scales = list(op.p("target_shape")), list(op.p("scales"))
        mode, coord = op.p("mode"), op.p("coord_mode")
        if coord == "half_pixel_symmetric" and self.opset < 19:
            raise _Unsupported(f"coordinate mode half_pixel_symmetric needs opset 19 (exporting opset {self.opset})")
        if op.p("antialias", False) and self.opset < 18:
            raise _Unsupported(f"antialiased Resize needs opset 18 (exporting opset {self.opset})")
        nearest = op.p("nearest_mode", "round_prefer_floor") if mode == "nearest" else None
        active = [a for a in range(len(xs)) if not (math.isclose(scales[a], 1.0) and ts[a] == xs[a])]
        groups = [(active, nearest)]
        if nearest == "simple":  # onnxruntime's legacy rule: floor when upsampling, ceil when downsampling
            up = [a for a in active if scales[a] >= 1]
            down = [a for a in active if scales[a] < 1]
            groups = [(g, m) for g, m in ((up, "floor"), (down, "ceil")) if g] or [(active, "floor")]
        x, cur = ins[0], list(xs)
        for k, (axes, nmode) in enumerate(groups):
            step_scales = [scales[a] if a in axes else 1.0 for a in range(len(xs))]
            step_target = [ts[a] if a in axes else cur[a] for a in range(len(xs))]
            dst = outs[0] if k == len(groups) - 1 else self.tmp(base, f"resize{k}")
            x = self._resize(op, x, cur, step_target, step_scales, mode, coord, nmode, dst,
                             base if dst == outs[0] else f"{base}/Resize{k}")
            cur = step_target

    def _resize(self, op, x, xs, ts, scales, mode, coord, nearest, out, name):
        f32 = [np.float32(s) for s in scales]
        # onnxruntime sizes the output in float32, ONNX shape inference in float64: both must agree
        by_scales = all(int(np.floor(s * np.float32(d))) == t == int(math.floor(float(s) * d))
                        for s, d, t in zip(f32, xs, ts))
        policy = None
        if by_scales:
            scales_in, sizes_in = self.const(np.asarray(f32, np.float32), f"{name}_scales"), ""
        elif all(math.isclose(s, t / d, rel_tol=1e-6) for s, d, t in zip(scales, xs, ts) if d):
            scales_in, sizes_in = "", self.i64(ts, f"{name}_sizes")
        else:
            policy = self._aspect_policy(xs, ts, scales)
            if policy is None:
                raise _Unsupported(f"scales {scales} with target shape {ts} are neither ONNX scales nor sizes")
            scales_in, sizes_in = "", self.i64(ts, f"{name}_sizes")
        roi = ""
        if coord == "tf_crop_and_resize":
            roi = self.const(np.asarray(op.p("roi"), np.float32), f"{name}_roi")
        attrs = dict(mode=mode, coordinate_transformation_mode=coord, nearest_mode=nearest)
        if mode == "cubic":
            attrs["cubic_coeff_a"] = op.p("cubic_coeff_a", -0.75)
        if op.p("exclude_outside", False):
            attrs["exclude_outside"] = 1
        if coord == "tf_crop_and_resize":
            attrs["extrapolation_value"] = op.p("extrapolation_value", 0.0)
        if op.p("antialias", False):
            attrs["antialias"] = 1
        attrs["keep_aspect_ratio_policy"] = policy
        return self.node("Resize", [x, roi, scales_in, sizes_in], [out], name, **attrs)

    def _aspect_policy(self, xs, ts, scales) -> str | None:
        """A ``keep_aspect_ratio_policy`` (opset 18) under which ``sizes = ts`` reproduces one
        common scale and the target shape (how Top got them from such a Resize), else None."""
        axes = [a for a, (d, t) in enumerate(zip(xs, ts)) if d != t or not math.isclose(scales[a], 1.0)]
        if self.opset < 18 or not axes or len({scales[a] for a in axes}) != 1:
            return None
        for policy, pick in (("not_larger", min), ("not_smaller", max)):
            sc = pick(ts[a] / xs[a] for a in axes)
            if math.isclose(sc, scales[axes[0]], rel_tol=1e-6) and all(int(sc * xs[a] + 0.5) == ts[a] for a in axes):
                return policy
        return None

    def op_Einsum(self, op, ins, outs, base):
        self.node("Einsum", ins, outs, base, equation=op.p("mode"))

    # ------------------------------------------------------------------------------ shape

    def _noop(self, op, ins, outs, base) -> list[str] | None:
        """Alias the input (no node), or an Identity when the tensor is a graph output."""
        if self.can_elide(op):
            return [ins[0]]
        self.node("Identity", ins[:1], outs, base)
        return None

    def op_Reshape(self, op, ins, outs, base):
        if shape_of(op.input) == shape_of(op.output):
            return self._noop(op, ins, outs, base)
        shape = list(op.p("shape"))
        self.node("Reshape", [ins[0], self.i64(shape, f"{outs[0]}_shape")], outs, base,
                  allowzero=1 if 0 in shape else None)  # a 0 is a real 0, never "copy the dim"
        return None

    def op_Permute(self, op, ins, outs, base):
        if _is_identity(op.p("order")):
            return self._noop(op, ins, outs, base)
        self.node("Transpose", ins, outs, base, perm=list(op.p("order")))
        return None

    def op_Squeeze(self, op, ins, outs, base):
        axes = list(op.p("axes"))
        if not axes:
            return self._noop(op, ins, outs, base)
        self.node("Squeeze", [ins[0], self.i64(axes, f"{base}_axes")], outs, base)
        return None

    def op_Unsqueeze(self, op, ins, outs, base):
        axes = list(op.p("axes"))
        if not axes:
            return self._noop(op, ins, outs, base)
        self.node("Unsqueeze", [ins[0], self.i64(axes, f"{base}_axes")], outs, base)
        return None

    def op_Concat(self, op, ins, outs, base):
        if len(ins) == 1:
            return self._noop(op, ins, outs, base)
        self.node("Concat", ins, outs, base, axis=op.p("axis"))
        return None

    def _slice_spec(self, op) -> tuple[list[int], list[int], list[int], list[int]]:
        """``(starts, ends, axes, steps)`` of the non-trivial axes of a top.Slice."""
        shape = shape_of(op.input)
        starts, ends, axes, steps = [], [], [], []
        for a, (d, s, e, t) in enumerate(zip(shape, op.p("offset"), op.p("ends"), op.p("steps"))):
            if t == 1 and s == 0 and e >= d:
                continue
            starts.append(s)
            ends.append(_INT64_MIN if t < 0 and e < 0 else e)
            axes.append(a)
            steps.append(t)
        return starts, ends, axes, steps

    def op_Slice(self, op, ins, outs, base):
        starts, ends, axes, steps = self._slice_spec(op)
        if not axes:
            return self._noop(op, ins, outs, base)
        fused = self._slice_squeeze(op)
        if fused is not None:
            return fused
        step_in = "" if all(t == 1 for t in steps) else self.i64(steps, f"{base}_steps")
        self.node("Slice", [ins[0], self.i64(starts, f"{base}_starts"), self.i64(ends, f"{base}_ends"),
                            self.i64(axes, f"{base}_axes"), step_in], outs, base)
        return None

    def _slice_squeeze(self, op):
        """``Squeeze(Slice(x, a: i..i+1), a)`` with the Slice used only there: one
        ``Gather(x, i, axis=a)`` written by the Squeeze. Returns the Slice's alias or None."""
        sq = self.user(op)
        starts, ends, axes, steps = self._slice_spec(op)
        if sq is None or sq.name != "top.Squeeze" or len(axes) != 1 or steps[0] != 1 or ends[0] - starts[0] != 1 \
                or tuple(sq.p("axes")) != (axes[0],):
            return None
        index, axis = starts[0], axes[0]

        def gather(ins, outs, base):
            self.node("Gather", [ins[0], self.const(np.asarray(index, np.int64), f"{base}_index")], outs, base,
                      axis=axis)

        return self.fuse_into(op, "top.Squeeze", gather)

    def op_Split(self, op, ins, outs, base):
        self.node("Split", [ins[0], self.i64(op.p("split_size"), f"{base}_split")], outs, base, axis=op.p("axis"))

    def op_Tile(self, op, ins, outs, base):
        if all(t == 1 for t in op.p("tile")):
            return self._noop(op, ins, outs, base)
        self.node("Tile", [ins[0], self.i64(op.p("tile"), f"{base}_repeats")], outs, base)
        return None

    def op_Expand(self, op, ins, outs, base):
        if shape_of(op.input) == shape_of(op.output):
            return self._noop(op, ins, outs, base)
        self.node("Expand", [ins[0], self.i64(op.p("shape"), f"{base}_shape")], outs, base)
        return None

    def op_Gather(self, op, ins, outs, base):
        self.node("Gather", ins, outs, base, axis=op.p("axis"))

    def op_GatherElements(self, op, ins, outs, base):
        self.node("GatherElements", ins, outs, base, axis=op.p("axis"))

    def op_GatherND(self, op, ins, outs, base):
        self.node("GatherND", ins, outs, base, batch_dims=op.p("batch_dims", 0) or None)

    def _reduction(self, op) -> str | None:
        red = op.p("reduction", "none")
        if red in ("max", "min") and self.opset < 18:
            raise _Unsupported(f"scatter reduction '{red}' needs opset 18 (exporting opset {self.opset})")
        return None if red == "none" else red

    def op_ScatterND(self, op, ins, outs, base):
        self.node("ScatterND", ins, outs, base, reduction=self._reduction(op))

    def op_ScatterElements(self, op, ins, outs, base):
        self.node("ScatterElements", ins, outs, base, axis=op.p("axis"), reduction=self._reduction(op))

    def op_Pad(self, op, ins, outs, base):
        pads = list(op.p("paddings"))
        if not any(pads):
            return self._noop(op, ins, outs, base)
        mode = op.p("mode", "constant")
        if mode == "wrap" and self.opset < 19:
            raise _Unsupported(f"Pad mode 'wrap' needs opset 19 (exporting opset {self.opset})")
        value = ""
        if mode == "constant" and op.p("val", 0.0) != 0.0:
            value = self.scalar(op.p("val"), dtype_of(op.input), f"{base}_value")
        self.node("Pad", [ins[0], self.i64(pads, f"{base}_pads"), value], outs, base,
                  mode=mode if mode != "constant" else None)
        return None

    def op_Depth2Space(self, op, ins, outs, base):
        bh, bw = op.p("block_h"), op.p("block_w")
        crd, inv = op.p("is_CRD", False), op.p("is_inversed", False)
        if bh == bw and not inv:
            self.node("DepthToSpace", ins, outs, base, blocksize=bh, mode="CRD" if crd else "DCR")
            return
        if bh == bw and inv and not crd:
            self.node("SpaceToDepth", ins, outs, base, blocksize=bh)
            return
        n, c, h, w = shape_of(op.input)
        if inv:
            s1 = [n, c, h // bh, bh, w // bw, bw]
            perm = (0, 1, 3, 5, 2, 4) if crd else (0, 3, 5, 1, 2, 4)
        elif crd:
            s1, perm = [n, c // (bh * bw), bh, bw, h, w], (0, 1, 4, 2, 5, 3)
        else:
            s1, perm = [n, bh, bw, c // (bh * bw), h, w], (0, 3, 4, 1, 5, 2)
        t = self.node("Reshape", [ins[0], self.i64(s1, f"{base}_blocks")], [self.tmp(base, "blocks")],
                      f"{base}/Reshape_blocks")
        t = self.node("Transpose", [t], [self.tmp(base, "moved")], f"{base}/Transpose", perm=list(perm))
        self.node("Reshape", [t, self.i64(shape_of(op.output), f"{base}_shape")], outs, base)

    def op_Trilu(self, op, ins, outs, base):
        k = op.p("diagonal", 0)
        self.node("Trilu", [ins[0], self.const(np.asarray(k, np.int64), f"{base}_k") if k else ""], outs, base,
                  upper=int(op.p("upper")))

    def op_NonZero(self, op, ins, outs, base):
        self.node("NonZero", ins, outs, base)

    def op_OneHot(self, op, ins, outs, base):
        self.node("OneHot", [ins[0], self.const(np.asarray(op.p("depth"), np.int64), f"{base}_depth"), ins[1]], outs,
                  base, axis=op.p("axis"))

    # ------------------------------------------------------------------------------ reduce

    def op_Reduce(self, op, ins, outs, base):
        mode = op.p("mode")
        axes = list(op.p("axes"))
        keep = int(bool(op.p("keepdims")))
        x, out = ins[0], outs[0]
        as_uint8 = dtype_of(op.input) == np.bool_ and self.opset < 20  # bool ReduceMax/Min from opset 20
        if as_uint8:  # any/all as max/min of 0/1 bytes (empty: 0 = false, 255 = true, as for bool)
            x = self.node("Cast", [x], [self.tmp(base, "u8")], f"{base}/Cast_u8", to=TensorProto.UINT8)
            out = self.tmp(base, "reduced_u8")
        if mode == "ReduceSum" or self.opset >= 18:
            axes_in = self.i64(axes, f"{base}_axes") if axes else ""
            self.node(mode, [x, axes_in], [out], base if not as_uint8 else f"{base}/{mode}", keepdims=keep)
        else:
            self.node(mode, [x], [out], base if not as_uint8 else f"{base}/{mode}", keepdims=keep, axes=axes or None)
        if as_uint8:
            self.node("Cast", [out], outs, base, to=TensorProto.BOOL)

    def op_Arg(self, op, ins, outs, base):
        self.node(op.p("mode"), ins, outs, base, axis=op.p("axis"), keepdims=int(bool(op.p("keepdims"))),
                  select_last_index=1 if op.p("select_last_index", False) else None)

    def op_TopK(self, op, ins, outs, base):
        self.node("TopK", [ins[0], self.i64([op.p("K")], f"{base}_k")], outs, base, axis=op.p("axis"),
                  largest=int(op.p("largest", True)), sorted=int(op.p("sorted", True)))

    def op_CumSum(self, op, ins, outs, base):
        self.node("CumSum", [ins[0], self.const(np.asarray(op.p("axis"), np.int64), f"{base}_axis")], outs, base,
                  exclusive=1 if op.p("exclusive", False) else None, reverse=1 if op.p("reverse", False) else None)


def _digest(arr: np.ndarray) -> bytes:
    data = arr.reshape(-1).view(np.uint8) if arr.ndim else arr.tobytes()
    return hashlib.blake2b(data, digest_size=20).digest()


def _main(module: ModuleOp) -> func.FuncOp:
    for op in module.ops:
        if isinstance(op, func.FuncOp) and op.sym_name.data == "main":
            return op
    raise CompileError("module has no func.func @main")


def export(module: ModuleOp, store: WeightStore, *, opset: int = 17, node_names: Mapping[str, str] | None = None,
           cse: bool = True, emitters: Mapping[str, Callable] | None = None) -> onnx.ModelProto:
    """Export a Top module (with its weights) as an ONNX model of ``opset``.

    ``node_names`` maps tensor names to node names (``export_file`` passes the original model's,
    so nodes that survived keep their names); otherwise a node is named after its output tensor.
    ``cse`` merges equal nodes (common subexpression elimination on the ONNX graph).
    ``emitters`` maps op names (``"top.X"``, or another dialect's) to functions
    ``(exporter, op, ins, outs, base)`` used instead of the built-in emitter (see
    :class:`OnnxExporter`): how a backend emits its own ops or another form of a Top op.
    Raises :class:`CompileError` for an op or property the opset cannot express.
    """
    return OnnxExporter(module, store, opset, node_names, cse, emitters).run()


def node_names_of(model: onnx.ModelProto) -> dict[str, str]:
    """Tensor name -> name of the node producing it (first output of named nodes)."""
    out = {}
    for n in model.graph.node:
        if n.name:
            for o in n.output:
                if o:
                    out.setdefault(o, n.name)
    return out


def check(model: onnx.ModelProto | bytes | str) -> None:
    """``onnx.checker`` with the full check (strict shape inference); a failure is a tpuc bug."""
    try:
        onnx.checker.check_model(model, full_check=True)
    except Exception as e:  # ValidationError, InferenceError
        raise RuntimeError(f"internal error: the exported model fails onnx.checker: {' '.join(str(e).split())[:500]}") \
            from e


def load_top(path: str | os.PathLike) -> tuple[ModuleOp, WeightStore]:
    """A Top ``.mlir`` and the weight file its ``module.weight_file`` names (beside it)."""
    from tpuc.compiler.ir_io import load_module

    module = load_module(path)
    from tpuc.compiler.ir_io import require_top_module

    require_top_module(module, "tpuc export-onnx", str(path))
    attr = module.attributes.get("module.weight_file")
    wname = attr.data if attr is not None and hasattr(attr, "data") else f"{Path(path).stem}_top_f32_weight.npz"
    wpath = Path(wname) if Path(wname).is_absolute() else Path(path).parent / wname
    return module, WeightStore.load(wpath)


def export_file(model_path: str | os.PathLike, out_path: str | os.PathLike,
                input_shapes: str | Sequence[Sequence[int]] | None = None, *, opset: int = 17,
                pipeline: str = EXPORT_PIPELINE, dumps=None) -> onnx.ModelProto:
    """``tpuc export-onnx``: ONNX model or Top ``.mlir`` -> import -> ``pipeline`` -> export ->
    full check -> atomic write of ``out_path``; returns the model. User errors raise
    :class:`CompileError`; ``dumps`` (:class:`~tpuc.compiler.pipeline.DumpOptions`) as for the
    other commands."""
    from tpuc.compiler.pipeline import run_pipeline
    from tpuc.compiler.weights import attach_store

    out = Path(out_path)
    if not out.parent.is_dir():
        raise CompileError(f"output directory does not exist: {out.parent}")
    if not Path(model_path).exists():
        raise CompileError(f"model file not found: {model_path}")
    names: dict[str, str] = {}
    if str(model_path).endswith(".mlir"):
        if input_shapes:
            raise CompileError("--input-shapes applies to ONNX models; a Top .mlir has static shapes already")
        module, store = load_top(model_path)
    else:
        from tpuc.lowering.onnx_to_top.importer import import_model, load_model, parse_input_shapes

        shapes = parse_input_shapes(input_shapes) if isinstance(input_shapes, str) or input_shapes is None \
            else [list(s) for s in input_shapes]
        original = load_model(model_path)
        names = node_names_of(original)
        module, store = import_model(original, shapes, name=Path(model_path).stem)
        del original
    attach_store(module, store)
    if not MIN_OPSET <= opset <= MAX_OPSET:
        raise CompileError(f"export opset {opset} is not supported (tpuc exports opsets {MIN_OPSET}-{MAX_OPSET})")
    run_pipeline(module, pipeline, dumps, stage="export")
    model = export(module, store, opset=opset, node_names=names)
    save(model, out)
    return model


def save(model: onnx.ModelProto, out_path: str | os.PathLike) -> None:
    """Check (full) and write atomically through ``<out>.tmp``; a model whose weights pass 2 GB
    (protobuf's limit) keeps them in ``<out>.data`` beside it."""
    out = Path(out_path)
    tmp = out.with_name(out.name + ".tmp")
    try:
        if initializer_bytes(model) > 1_900_000_000:
            onnx.save_model(model, str(tmp), save_as_external_data=True, all_tensors_to_one_file=True,
                            location=out.name + ".data")
            check(str(tmp))
        else:
            data = model.SerializeToString()
            check(data)
            tmp.write_bytes(data)
        os.replace(tmp, out)
    finally:
        if tmp.exists():
            tmp.unlink()


def initializer_bytes(model: onnx.ModelProto) -> int:
    """Bytes of the initializers' data, from their dims (no copy of the data)."""
    total = 0
    for t in model.graph.initializer:
        item = np.dtype(helper.tensor_dtype_to_np_dtype(t.data_type)).itemsize
        total += int(np.prod(t.dims, dtype=np.int64)) * item
    return total
