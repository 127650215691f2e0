"""ONNX -> Top importer.

Loads and checks the model, binds input shapes, then converts nodes in topological order with
the converters of ``registry.py``. Every tensor is either a *constant* (numpy value, from an
initializer, a ``Constant`` node or folding) or an SSA value of a Top op. Emitting an op whose
operands are all constant evaluates it immediately with the op's reference ``compute`` instead,
so every shape computation (Shape, Gather, Concat, Range, Equal, Where, ... chains) folds at
import and only ops on real data reach the IR. Constants become ``top.Weight`` ops (values in
the :class:`WeightStore`) only where a real op uses them.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import onnx
from onnx import numpy_helper
from xdsl.builder import Builder
from xdsl.dialects import func
from xdsl.dialects.builtin import ModuleOp, NoneType, StringAttr, TensorType
from xdsl.ir import Block, Region, SSAValue
from xdsl.rewriter import InsertPoint
from xdsl.utils.exceptions import VerifyException

from tpuc.compiler.errors import CompileError, ShapeError, UnsupportedOpError
from tpuc.compiler.weights import WeightStore
from tpuc.dialects.top.base import TopOp, build, dtype_of, set_name, shape_of, tensor_type
from tpuc.dialects.top.ops.core import InputOp, NoneOp, WeightOp
from tpuc.lowering.onnx_to_top.registry import load_all

MIN_OPSET, MAX_OPSET = 7, 21


@dataclass
class Node:
    """An ONNX node with decoded attributes."""

    proto: onnx.NodeProto
    opset: int
    attrs: dict[str, Any] = field(default_factory=dict)

    @property
    def op_type(self) -> str:
        return self.proto.op_type

    @property
    def name(self) -> str:
        return self.proto.name or (self.proto.output[0] if self.proto.output else "?")

    @property
    def inputs(self) -> list[str]:
        return list(self.proto.input)

    @property
    def outputs(self) -> list[str]:
        return list(self.proto.output)

    def input(self, i: int) -> str:
        """Name of input ``i``, or ``""`` when absent (optional inputs)."""
        return self.proto.input[i] if i < len(self.proto.input) else ""

    def attr(self, key: str, default: Any = None) -> Any:
        return self.attrs.get(key, default)

    def where(self) -> str:
        return f"node '{self.name}' ({self.op_type})"


def _decode_attr(a: onnx.AttributeProto) -> Any:
    v = onnx.helper.get_attribute_value(a)
    if isinstance(v, bytes):
        return v.decode()
    if isinstance(v, list) and v and isinstance(v[0], bytes):
        return [x.decode() for x in v]
    if isinstance(v, onnx.TensorProto):
        return numpy_helper.to_array(v)
    return v


def _decode_attrs(proto: onnx.NodeProto) -> dict[str, Any]:
    out = {}
    for a in proto.attribute:
        try:
            out[a.name] = _decode_attr(a)
        except (UnicodeDecodeError, ValueError, TypeError) as e:
            raise CompileError(f"attribute '{a.name}' cannot be read ({type(e).__name__})",
                               where=f"node '{proto.name or proto.output[0]}' ({proto.op_type})") from None
    return out


def _check_names(model: onnx.ModelProto, path: str) -> None:
    """Names must be text: python-protobuf hands back ``bytes`` for invalid UTF-8."""
    g = model.graph
    seqs = [(n.name, n.op_type, *n.input, *n.output) for n in g.node]
    seqs += [(i.name,) for i in (*g.input, *g.output, *g.initializer, *g.value_info)]
    for seq in seqs:
        for x in seq:
            if isinstance(x, bytes):
                raise CompileError(f"{path}: a node or tensor name is not valid UTF-8 text ({x[:40]!r})")


class ImportContext:
    """What converters see: tensors by name (constant or SSA), and ``emit`` to create ops."""

    def __init__(self, store: WeightStore, opset: int):
        self.store = store
        self.opset = opset
        self.consts: dict[str, np.ndarray] = {}
        self.values: dict[str, SSAValue] = {}
        self.ops: list[TopOp] = []
        self.node: Node | None = None
        self._none: SSAValue | None = None
        self._weights: dict[str, SSAValue] = {}

    # --- errors -------------------------------------------------------------------------------
    def error(self, message: str) -> CompileError:
        return CompileError(message, where=self.node.where() if self.node else None)

    # --- tensor queries -------------------------------------------------------------------------
    def has(self, name: str) -> bool:
        return bool(name) and (name in self.consts or name in self.values)

    def const(self, name: str) -> np.ndarray | None:
        """The value of a constant tensor, or ``None`` (absent or not constant)."""
        return self.consts.get(name) if name else None

    def need_const(self, name: str, what: str) -> np.ndarray:
        v = self.const(name)
        if v is None:
            raise self.error(f"{what} ('{name}') must be a constant (after shape folding) for tpuc")
        return v

    def shape(self, name: str) -> tuple[int, ...]:
        if name in self.consts:
            return tuple(self.consts[name].shape)
        return shape_of(self._lookup(name))

    def dtype(self, name: str) -> np.dtype:
        if name in self.consts:
            return self.consts[name].dtype
        return dtype_of(self._lookup(name))

    def _lookup(self, name: str) -> SSAValue:
        try:
            return self.values[name]
        except KeyError:
            raise self.error(f"input tensor '{name}' is not defined by any earlier node") from None

    # --- definitions ----------------------------------------------------------------------------
    def set_const(self, name: str, value: np.ndarray) -> None:
        value = np.asarray(value)
        if value.dtype.kind in "cSUO":
            raise self.error(f"tensor '{name}' has element type {value.dtype}, which tpuc does not support")
        self.consts[name] = value

    def alias(self, out: str, src: str) -> None:
        """``out`` is the same tensor as ``src`` (Identity, Dropout in inference)."""
        if src in self.consts:
            self.consts[out] = self.consts[src]
        else:
            self.values[out] = self._lookup(src)

    def value(self, name: str) -> SSAValue:
        """The SSA value of a tensor; constants become a ``top.Weight`` on first use."""
        if name in self.values:
            return self.values[name]
        if name in self.consts:
            if name not in self._weights:
                arr = np.require(self.consts[name], requirements="C")
                try:
                    wtype = tensor_type(arr.shape, arr.dtype)
                except ValueError as e:
                    raise self.error(f"constant '{name}': {e}") from None
                key = self.store.unique_name(name)
                self.store[key] = arr
                op = build(WeightOp, [], name=key, result_types=[wtype])
                self.ops.append(op)
                self._weights[name] = op.results[0]
            return self._weights[name]
        return self._lookup(name)

    def none(self) -> SSAValue:
        if self._none is None:
            op = build(NoneOp, [], name="none")
            self.ops.append(op)
            self._none = op.results[0]
        return self._none

    def fresh(self, base: str) -> str:
        """A new tensor name derived from ``base`` (for the intermediates of multi-op converters)."""
        name, i = base, 0
        while self.has(name) or name in self.store:
            i += 1
            name = f"{base}_{i}"
        return name

    def _check_fold_size(self, cls: type[TopOp], names, properties, n_results: int) -> None:
        """Infer the folded result's type on placeholder operands first, so a constant that would
        be absurdly large (Tile/Expand/Pad of a constant to terabytes) is refused, not allocated."""
        from tpuc.lowering.onnx_to_top.constant import MAX_FOLDED_ELEMENTS

        types = []
        for n in names:
            if n is None:
                types.append(NoneType())
            else:
                c = self.consts[n]
                types.append(tensor_type(c.shape, c.dtype))
        block = Block(arg_types=types)
        probe = cls.create(operands=list(block.args), result_types=[NoneType()] * n_results, properties=properties)
        try:
            rtypes = probe.infer_types()
        except (VerifyException, ValueError, TypeError, IndexError, AssertionError) as e:
            raise self.error(f"{cls.name}: {e}") from None
        finally:
            probe.drop_all_references()
        for t in rtypes:
            if isinstance(t, TensorType) and float(np.prod(shape_of(t), dtype=np.float64)) > MAX_FOLDED_ELEMENTS:
                raise self.error(f"folding would create a constant of shape {list(shape_of(t))}, too large")

    def emit(self, cls: type[TopOp], inputs: Sequence[str | np.ndarray | None], props: dict[str, Any] | None = None,
             outs: str | Sequence[str] | None = None) -> list[str]:
        """Define ``outs`` as ``cls(inputs, props)``: folded to constants when every input is
        constant, else a new op with inferred result types. Returns the output names."""
        outs = [outs] if isinstance(outs, str) else list(outs or [self.fresh(self.node.outputs[0])])
        names: list[str | None] = []
        for i, x in enumerate(inputs):
            if isinstance(x, np.ndarray):
                n = self.fresh(f"{outs[0]}_in{i}")
                self.set_const(n, x)
                names.append(n)
            else:
                names.append(x or None)
        if all(n is None or n in self.consts for n in names):
            properties = {k: _to_attr(v) for k, v in (props or {}).items() if v is not None}
            if not cls.DATA_DEPENDENT:
                self._check_fold_size(cls, names, properties, len(outs))
            op = cls.create(operands=[], result_types=[], properties=properties)
            try:
                with np.errstate(all="ignore"):
                    results = op.compute([self.consts[n] if n else None for n in names])
            except CompileError:
                raise
            except Exception as e:
                raise self.error(f"cannot evaluate {cls.name} on constant inputs: {e}") from e
            for n, r in zip(outs, results, strict=True):
                self.set_const(n, r)
            return outs
        operands = [self.value(n) if n else self.none() for n in names]
        try:
            op = build(cls, operands, props, n_results=len(outs), name=outs)
        except (VerifyException, ValueError, TypeError, IndexError, AssertionError) as e:
            raise self.error(f"{cls.name}: {e}") from None
        if cls.DATA_DEPENDENT:
            raise self.error(f"the output shape depends on runtime values of {', '.join(n for n in names if n)}; "
                             "tpuc needs static shapes")
        self.ops.append(op)
        for n, r in zip(outs, op.results, strict=True):
            self.values[n] = r
        return outs


def _to_attr(v):
    from tpuc.dialects.top.base import to_attr

    return to_attr(v)


# ------------------------------------------------------------------------------------- loading


def load_model(path: str | os.PathLike) -> onnx.ModelProto:
    """Load and check an ONNX model; every failure is a one-line :class:`CompileError`."""
    path = os.fspath(path)
    if not os.path.exists(path):
        raise CompileError(f"model file not found: {path}")
    if os.path.isdir(path):
        raise CompileError(f"model path is a directory, not an ONNX file: {path}")
    try:
        model = onnx.load(path)
    except Exception as e:  # protobuf DecodeError, truncated external data, ...
        msg = str(e).splitlines()[0] if str(e) else type(e).__name__
        raise CompileError(f"{path} is not a readable ONNX model ({msg})") from None
    if not model.graph.node and not model.graph.output:
        raise CompileError(f"{path} is not an ONNX model (no graph found)")
    _check_names(model, path)
    try:
        onnx.checker.check_model(model)
    except Exception as e:
        msg = " ".join(str(e).split())[:300]
        raise CompileError(f"{path} fails onnx.checker: {msg}") from None
    return model


def default_opset(model: onnx.ModelProto) -> int:
    for imp in model.opset_import:
        if imp.domain in ("", "ai.onnx"):
            return imp.version
    raise CompileError("model imports no default-domain (ai.onnx) opset")


def parse_input_shapes(text: str | None) -> list[list[int]] | None:
    """``[[1,3,224,224],[1,20]]`` (tpu-mlir's ``--input_shapes`` syntax) -> lists of ints."""
    if text is None or text == "":
        return None
    import ast

    try:
        val = ast.literal_eval(text)
    except (ValueError, SyntaxError):
        raise CompileError(f"--input-shapes: cannot parse '{text}'; expected e.g. [[1,3,224,224],[1,20]]") from None
    if isinstance(val, (list, tuple)) and val and all(isinstance(d, int) for d in val):
        val = [val]
    if (not isinstance(val, (list, tuple)) or not all(isinstance(s, (list, tuple)) for s in val)
            or not all(isinstance(d, int) and not isinstance(d, bool) and d > 0 for s in val for d in s)):
        raise CompileError(f"--input-shapes: '{text}' must be a list of shapes of positive integers")
    return [list(s) for s in val]


_ONNX_TO_NP = {k: np.dtype(v) for k, v in onnx.helper.get_all_tensor_types().items()} \
    if hasattr(onnx.helper, "get_all_tensor_types") else {}


def _np_dtype(elem_type: int, where: str) -> np.dtype:
    try:
        return np.dtype(onnx.helper.tensor_dtype_to_np_dtype(elem_type))
    except Exception:
        raise CompileError(f"{where}: unsupported element type {onnx.TensorProto.DataType.Name(elem_type) if elem_type in onnx.TensorProto.DataType.values() else elem_type}") from None


def bind_inputs(model: onnx.ModelProto, shapes: list[list[int]] | None) -> list[tuple[str, tuple[int, ...], np.dtype]]:
    """Graph inputs with every dim static; ``shapes`` overrides in input order."""
    inits = {i.name for i in model.graph.initializer}
    inputs = [i for i in model.graph.input if i.name not in inits]
    if shapes is not None and len(shapes) != len(inputs):
        raise ShapeError(f"--input-shapes gives {len(shapes)} shape(s) but the model has {len(inputs)} input(s): "
                         + ", ".join(repr(i.name) for i in inputs))
    bound = []
    for k, vi in enumerate(inputs):
        tt = vi.type.tensor_type
        if not vi.type.HasField("tensor_type"):
            raise CompileError(f"input '{vi.name}' is not a tensor")
        dtype = _np_dtype(tt.elem_type, f"input '{vi.name}'")
        try:
            tensor_type([], dtype)
        except ValueError:
            raise CompileError(f"input '{vi.name}': element type {dtype} is not supported by tpuc") from None
        dims = list(tt.shape.dim) if tt.HasField("shape") else None
        if shapes is not None:
            shape = shapes[k]
            if dims is not None and len(dims) != len(shape):
                raise ShapeError(f"--input-shapes gives input '{vi.name}' rank {len(shape)} {shape}, "
                                 f"the model declares rank {len(dims)}")
            for j, d in enumerate(dims or []):
                if d.HasField("dim_value") and d.dim_value > 0 and d.dim_value != shape[j]:
                    raise ShapeError(f"--input-shapes gives input '{vi.name}' dim {j} = {shape[j]}, "
                                     f"but the model fixes it to {d.dim_value}")
        else:
            if dims is None:
                raise ShapeError(f"input '{vi.name}' has no shape; bind it with --input-shapes")
            shape = []
            for j, d in enumerate(dims):
                if d.HasField("dim_value") and d.dim_value > 0:
                    shape.append(d.dim_value)
                elif d.HasField("dim_value") and d.dim_value == 0:
                    raise ShapeError(f"input '{vi.name}' dim {j} is 0 (an empty tensor); tpuc needs non-empty "
                                     "inputs")
                else:
                    label = f" ('{d.dim_param}')" if d.dim_param else ""
                    raise ShapeError(f"input '{vi.name}' dim {j}{label} is dynamic; bind it with --input-shapes")
        if len(shape) > 32:
            raise ShapeError(f"input '{vi.name}' has rank {len(shape)}; tpuc supports ranks up to 32")
        if any(s > 2**31 for s in shape) or float(np.prod(shape, dtype=np.float64)) > 2**31:
            raise ShapeError(f"input '{vi.name}' shape {shape} is absurdly large (more than 2^31 elements)")
        bound.append((vi.name, tuple(shape), dtype))
    return bound


def _toposort(nodes: list[onnx.NodeProto], known: set[str]) -> list[onnx.NodeProto]:
    """Kahn's sort of the nodes; a tensor nobody defines or a cycle is a clear error."""
    producers: dict[str, int] = {}
    for i, n in enumerate(nodes):
        for o in n.output:
            if o:
                if o in producers or o in known:
                    raise CompileError(f"tensor '{o}' is defined twice (node '{n.name or o}')")
                producers[o] = i
    deps = []
    for i, n in enumerate(nodes):
        d = set()
        for x in n.input:
            if not x or x in known:
                continue
            if x not in producers:
                raise CompileError(f"node '{n.name or n.output[0]}' ({n.op_type}) uses tensor '{x}' that no node, "
                                   "input or initializer defines")
            d.add(producers[x])
        deps.append(d)
    users: list[list[int]] = [[] for _ in nodes]
    indeg = [len(d) for d in deps]
    for i, d in enumerate(deps):
        for j in d:
            users[j].append(i)
    ready = [i for i, k in enumerate(indeg) if k == 0]
    order: list[int] = []
    import heapq

    heapq.heapify(ready)
    while ready:
        i = heapq.heappop(ready)
        order.append(i)
        for u in users[i]:
            indeg[u] -= 1
            if indeg[u] == 0:
                heapq.heappush(ready, u)
    if len(order) != len(nodes):
        stuck = next(i for i, k in enumerate(indeg) if k > 0)
        raise CompileError(f"the graph has a cycle through node '{nodes[stuck].name or nodes[stuck].output[0]}'")
    return [nodes[i] for i in order]


def check_supported(model: onnx.ModelProto, converters: dict) -> None:
    """Fail up front listing every unsupported op type with the first node of each."""
    missing: dict[str, str] = {}
    for n in model.graph.node:
        key = n.op_type if n.domain in ("", "ai.onnx") else f"{n.domain}.{n.op_type}"
        if (n.domain not in ("", "ai.onnx") or n.op_type not in converters) and key not in missing:
            missing[key] = n.name or (n.output[0] if n.output else "?")
    if missing:
        listed = ", ".join(f"{t} (first node '{nm}')" for t, nm in missing.items())
        raise UnsupportedOpError(f"unsupported ONNX op type{'s' if len(missing) > 1 else ''}: {listed}")


# ------------------------------------------------------------------------------------- import


def import_model(model: onnx.ModelProto, input_shapes: list[list[int]] | None = None, *, name: str = "model",
                 weight_file: str | None = None) -> tuple[ModuleOp, WeightStore]:
    """Import a checked ONNX model into a Top module plus its weight store."""
    opset = default_opset(model)
    if not MIN_OPSET <= opset <= MAX_OPSET:
        raise CompileError(f"opset {opset} is not supported (tpuc imports opsets {MIN_OPSET}-{MAX_OPSET})")
    converters = load_all()
    check_supported(model, converters)
    bound = bind_inputs(model, input_shapes)

    store = WeightStore()
    ctx = ImportContext(store, opset)
    for init in model.graph.initializer:
        try:
            ctx.set_const(init.name, numpy_helper.to_array(init))
        except Exception as e:
            raise CompileError(f"initializer '{init.name}' cannot be read: {str(e).splitlines()[0][:200]}") from None

    arg_types = [tensor_type(s, d) for _, s, d in bound]
    block = Block(arg_types=arg_types)
    for (iname, _, _), arg in zip(bound, block.args):
        op = build(InputOp, [arg], name=iname)
        ctx.ops.append(op)
        ctx.values[iname] = op.results[0]

    known = set(ctx.consts) | set(ctx.values)
    for proto in _toposort(list(model.graph.node), known):
        node = Node(proto, opset, _decode_attrs(proto))
        ctx.node = node
        converters[node.op_type](ctx, node)
        for o in node.outputs:
            if o and not ctx.has(o):
                raise CompileError("converter did not define output '" + o + "'", where=node.where())
    ctx.node = None

    outputs = [o.name for o in model.graph.output]
    ret_vals = []
    for o in outputs:
        if not ctx.has(o):
            raise CompileError(f"graph output '{o}' is not produced by any node")
        ret_vals.append(ctx.value(o))
    # Graph outputs must be distinct named ops: an output that is an alias of another tensor
    # (Identity) keeps the producer's name; that is what tpu-mlir does too.
    for op in ctx.ops:
        block.add_op(op)
    block.add_op(func.ReturnOp(*ret_vals))
    _dce(block)
    fn = func.FuncOp("main", (arg_types, [v.type for v in ret_vals]), Region(block))
    module = ModuleOp([fn])
    module.attributes["module.name"] = StringAttr(name)
    module.attributes["module.state"] = StringAttr("TOP_F32")
    module.attributes["module.platform"] = StringAttr("ONNX")
    module.attributes["module.weight_file"] = StringAttr(weight_file or f"{name}_top_f32_weight.npz")
    used = {op.location.desc.data for op in block.ops if isinstance(op, WeightOp)}
    store.keep_only(used)
    return module, store


def _dce(block: Block) -> None:
    """Remove ops whose results are unused (walking backwards), keeping graph inputs."""
    for op in reversed(list(block.ops)):
        if isinstance(op, (func.ReturnOp, InputOp)):
            continue
        if all(not r.uses for r in op.results):
            block.erase_op(op)
