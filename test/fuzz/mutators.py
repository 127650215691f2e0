"""Seeded mutators of valid ONNX models, for malformed-input fuzzing of ``tpuc transform``.

Three small, valid seed models (:func:`seed_models`):

* ``swin``  -- the bundled Swin window-attention block (``examples/swin_block.py``, windows=2),
  dynamic first dim bound with ``--input-shapes [[2,49,96]]``;
* ``cnn``   -- Conv/BatchNormalization/Relu/MaxPool/Flatten/Gemm on ``[1,3,16,16]``;
* ``shape`` -- a shape chain: Shape/Gather/Unsqueeze/Concat/Reshape/Slice/ConstantOfShape/
  Expand/Tile/Range on ``[2,3,4,5]``.

Every mutator is a function of ``(model or bytes, rng)`` registered in :data:`MUTATORS`;
:func:`make_mutant(name, seed)` is deterministic: the same ``(name, seed)`` always gives the
same bytes, so a failure is reproduced with::

    python test/fuzz/mutators.py MUTATOR SEED OUT.onnx     # prints the tpuc command line

Byte-level mutators work on the serialized model (truncation, flips, splices, empty file);
structural ones edit the ``ModelProto`` (dtypes, dangling inputs, cycles, duplicate names,
absurd or negative dims, opsets, attributes, arity, raw data, external data, strings, outputs).
Many structural mutants are rejected by ``onnx.checker`` (that is fine: the contract is a clean
error); several are built to pass the checker so that the importer itself is exercised.
"""

from __future__ import annotations

import random
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import onnx
from onnx import AttributeProto, TensorProto, helper, numpy_helper

REPO = Path(__file__).resolve().parents[2]

OPSET = 17


# ------------------------------------------------------------------------------------ seeds


def _swin() -> onnx.ModelProto:
    sys.path.insert(0, str(REPO / "examples"))
    try:
        import swin_block
    finally:
        sys.path.pop(0)
    return swin_block.build(windows=2)


def _cnn() -> onnx.ModelProto:
    rng = np.random.default_rng(0)

    def w(name, shape, scale=0.2):
        return numpy_helper.from_array((rng.standard_normal(shape) * scale).astype(np.float32), name)

    inits = [
        w("conv.w", [8, 3, 3, 3]), w("conv.b", [8], 0.05),
        numpy_helper.from_array(np.abs(rng.standard_normal(8)).astype(np.float32) + 0.5, "bn.scale"),
        w("bn.bias", [8], 0.1), w("bn.mean", [8], 0.1),
        numpy_helper.from_array(np.abs(rng.standard_normal(8)).astype(np.float32) + 0.5, "bn.var"),
        w("fc.w", [10, 8 * 8 * 8], 0.05), w("fc.b", [10], 0.05),
    ]
    n = helper.make_node
    nodes = [
        n("Conv", ["x", "conv.w", "conv.b"], ["conv"], name="conv", kernel_shape=[3, 3], pads=[1, 1, 1, 1],
          strides=[1, 1], auto_pad="NOTSET", group=1),
        n("BatchNormalization", ["conv", "bn.scale", "bn.bias", "bn.mean", "bn.var"], ["bn"], name="bn",
          epsilon=1e-5),
        n("Relu", ["bn"], ["relu"], name="relu"),
        n("MaxPool", ["relu"], ["pool"], name="pool", kernel_shape=[2, 2], strides=[2, 2], auto_pad="NOTSET"),
        n("Flatten", ["pool"], ["flat"], name="flatten", axis=1),
        n("Gemm", ["flat", "fc.w", "fc.b"], ["y"], name="fc", transB=1, alpha=1.0, beta=1.0),
    ]
    g = helper.make_graph(nodes, "small_cnn", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 16, 16])],
                          [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 10])], inits)
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", OPSET)], ir_version=8)
    onnx.checker.check_model(m, full_check=True)
    return m


def _shape_chain() -> onnx.ModelProto:
    i64 = lambda name, v: numpy_helper.from_array(np.array(v, np.int64), name)  # noqa: E731
    inits = [
        i64("idx0", 0), i64("ax0", [0]), i64("minus1", [-1]),
        i64("sl.starts", [0]), i64("sl.ends", [30]), i64("sl.axes", [1]), i64("sl.steps", [1]),
        i64("cos.shape", [2, 30]), i64("exp.shape", [3, 2, 30]), i64("tile.reps", [1, 1]),
        numpy_helper.from_array(np.array(0, np.float32), "r.start"),
        numpy_helper.from_array(np.array(30, np.float32), "r.limit"),
        numpy_helper.from_array(np.array(1, np.float32), "r.delta"),
    ]
    n = helper.make_node
    nodes = [
        n("Shape", ["x"], ["s"], name="shape"),
        n("Gather", ["s", "idx0"], ["b"], name="gather", axis=0),
        n("Unsqueeze", ["b", "ax0"], ["b1"], name="unsqueeze"),
        n("Concat", ["b1", "minus1"], ["rshape"], name="concat", axis=0),
        n("Reshape", ["x", "rshape"], ["flat"], name="reshape"),
        n("Slice", ["flat", "sl.starts", "sl.ends", "sl.axes", "sl.steps"], ["sl"], name="slice"),
        n("ConstantOfShape", ["cos.shape"], ["ones"], name="cos",
          value=numpy_helper.from_array(np.array([1.0], np.float32), "value")),
        n("Tile", ["ones", "tile.reps"], ["tiled"], name="tile"),
        n("Range", ["r.start", "r.limit", "r.delta"], ["ramp"], name="range"),
        n("Add", ["sl", "tiled"], ["sum1"], name="add1"),
        n("Add", ["sum1", "ramp"], ["sum2"], name="add2"),
        n("Expand", ["sum2", "exp.shape"], ["y"], name="expand"),
    ]
    g = helper.make_graph(nodes, "shape_chain", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 3, 4, 5])],
                          [helper.make_tensor_value_info("y", TensorProto.FLOAT, [3, 2, 30])], inits)
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", OPSET)], ir_version=8)
    onnx.checker.check_model(m, full_check=True)
    return m


@dataclass(frozen=True)
class Seed:
    name: str
    model: onnx.ModelProto
    args: tuple[str, ...]  # extra CLI args the valid model needs (--input-shapes)

    def copy(self) -> onnx.ModelProto:
        m = onnx.ModelProto()
        m.CopyFrom(self.model)
        return m


_SEEDS: dict[str, Seed] | None = None


def seed_models() -> dict[str, Seed]:
    global _SEEDS
    if _SEEDS is None:
        _SEEDS = {
            "swin": Seed("swin", _swin(), ("--input-shapes", "[[2,49,96]]")),
            "cnn": Seed("cnn", _cnn(), ()),
            "shape": Seed("shape", _shape_chain(), ()),
        }
    return _SEEDS


# ----------------------------------------------------------------------------------- mutant


@dataclass
class Mutant:
    mutator: str
    seed: int
    base: str
    data: bytes
    args: list[str]
    note: str
    files: dict[str, bytes] = field(default_factory=dict)  # side files next to the model

    @property
    def id(self) -> str:
        return f"{self.mutator}-{self.seed}"

    def describe(self) -> str:
        return (f"mutator={self.mutator} seed={self.seed} base={self.base} args={' '.join(self.args)!r}: "
                f"{self.note}  [repro: python test/fuzz/mutators.py {self.mutator} {self.seed} m.onnx]")


class Skip(Exception):
    """The mutator does not apply to this model (the generator tries another base)."""


# ------------------------------------------------------------------------- value pools

ABSURD_DIMS = [2**40, 2**31, 2**31 - 1, 2**33, 2**62, 2**63 - 1, 2**20, 3 * 2**30]
NEGATIVE_DIMS = [-1, -2, -7, -2**31, -2**40, -2**63]
ODD_INTS = [0, 1, -1, 2, 3, 7, 64, 65, 1000, -100, 2**31, 2**31 - 1, 2**40, 2**63 - 1, -2**63]
ODD_FLOATS = [0.0, -1.0, 1e30, -1e30, 1e-30, float("nan"), float("inf"), float("-inf"), 0.5, 3.0]
ODD_STRINGS = [b"", b"bogus", b"NOTSET", b"SAME_UPPER", b"VALID", b"\xff\xfe", b"constant", b"reflect",
               b"tanh", b"CRD", b"DCR", b"\x00", "\u00e9".encode(), b"x" * 1000]
ALL_DTYPES = [v for k, v in TensorProto.DataType.items()]
NUMERIC_DTYPES = [TensorProto.FLOAT, TensorProto.DOUBLE, TensorProto.FLOAT16, TensorProto.BFLOAT16,
                  TensorProto.INT8, TensorProto.INT16, TensorProto.INT32, TensorProto.INT64, TensorProto.UINT8,
                  TensorProto.UINT16, TensorProto.UINT32, TensorProto.UINT64, TensorProto.BOOL]

# input positions that are shape-like (constants after folding) per op type
SHAPE_INPUTS = {
    "Reshape": [1], "ConstantOfShape": [0], "Expand": [1], "Tile": [1], "Slice": [1, 2, 3, 4],
    "Range": [0, 1, 2], "Pad": [1, 2, 3], "Split": [1], "Squeeze": [1], "Unsqueeze": [1], "Gather": [1],
    "TopK": [1], "OneHot": [1], "Resize": [1, 2, 3], "ReduceSum": [1], "ReduceMean": [1], "CumSum": [1],
    "Trilu": [1], "Upsample": [1],
}


def _supported_ops() -> list[str]:
    from tpuc.lowering.onnx_to_top.registry import load_all

    return sorted(load_all())


# ------------------------------------------------------------------------- helpers


def _opset(model: onnx.ModelProto) -> int:
    for imp in model.opset_import:
        if imp.domain in ("", "ai.onnx"):
            return imp.version
    return OPSET


def _pick(rng: random.Random, xs):
    xs = list(xs)
    if not xs:
        raise Skip("nothing to pick")
    return rng.choice(xs)


def _tensor_names(model: onnx.ModelProto) -> list[str]:
    g = model.graph
    names = [i.name for i in g.input] + [i.name for i in g.initializer]
    names += [o for n in g.node for o in n.output if o]
    return names


def _init_by_name(model: onnx.ModelProto, name: str) -> TensorProto | None:
    for t in model.graph.initializer:
        if t.name == name:
            return t
    return None


def _new_name(model: onnx.ModelProto, base: str) -> str:
    used = set(_tensor_names(model))
    name, i = base, 0
    while name in used:
        i += 1
        name = f"{base}_{i}"
    return name


def _add_init(model: onnx.ModelProto, base: str, arr: np.ndarray) -> str:
    name = _new_name(model, base)
    model.graph.initializer.append(numpy_helper.from_array(np.asarray(arr), name))
    return name


def _int_array(values: list[int]) -> np.ndarray:
    """int64 array; values beyond int64 wrap like a careless exporter would."""
    return np.array([((v + 2**63) % 2**64) - 2**63 for v in values], np.int64)


def _default_outputs(model: onnx.ModelProto) -> list[str]:
    return [o.name for o in model.graph.output]


def _declare_output(model: onnx.ModelProto, name: str, elem: int | None = None) -> None:
    """Append graph output ``name`` with the shape onnx's inference gives (the checker needs a
    shape on every graph output); unknown dims stay symbolic."""
    dims = None
    try:
        inferred = onnx.shape_inference.infer_shapes(model)
        for vi in list(inferred.graph.value_info) + list(inferred.graph.output) + list(inferred.graph.input):
            if vi.name == name and vi.type.tensor_type.HasField("shape"):
                dims = [d.dim_value if d.HasField("dim_value") else (d.dim_param or f"u{i}")
                        for i, d in enumerate(vi.type.tensor_type.shape.dim)]
                if elem is None:
                    elem = vi.type.tensor_type.elem_type
                break
    except Exception:
        pass
    model.graph.output.append(helper.make_tensor_value_info(name, TensorProto.FLOAT if elem is None else elem,
                                                            dims if dims is not None else ["u0"]))


# ------------------------------------------------------------------------ byte mutators


def m_truncate(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    cut = rng.choice([rng.randrange(0, len(data)), rng.randrange(0, 64), len(data) - rng.randrange(1, 64)])
    cut = max(0, min(len(data) - 1, cut))
    return data[:cut], f"truncated to {cut} of {len(data)} bytes"


def m_byteflip(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    b = bytearray(data)
    k = rng.choice([1, 1, 2, 4, 16, 64])
    # bias towards the structure at the start and the end (names, dims, opsets live there)
    region = rng.choice(["any", "head", "tail"])
    pos = []
    for _ in range(k):
        if region == "head":
            i = rng.randrange(0, min(len(b), 512))
        elif region == "tail":
            i = rng.randrange(max(0, len(b) - 2048), len(b))
        else:
            i = rng.randrange(0, len(b))
        b[i] ^= rng.choice([1, 2, 4, 8, 16, 32, 64, 128, 255, rng.randrange(1, 256)])
        pos.append(i)
    return bytes(b), f"flipped {k} byte(s) ({region}) at {sorted(pos)[:8]}"


def m_splice(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    kind = rng.choice(["dup", "move", "insert_random", "delete", "other_seed"])
    n = len(data)
    a = rng.randrange(0, n)
    ln = rng.randrange(1, min(4096, n - a) + 1)
    at = rng.randrange(0, n)
    if kind == "dup":
        out = data[:at] + data[a:a + ln] + data[at:]
    elif kind == "move":
        chunk = data[a:a + ln]
        rest = data[:a] + data[a + ln:]
        at = min(at, len(rest))
        out = rest[:at] + chunk + rest[at:]
    elif kind == "insert_random":
        out = data[:at] + bytes(rng.randrange(256) for _ in range(rng.choice([1, 3, 17, 300]))) + data[at:]
    elif kind == "delete":
        out = data[:a] + data[a + ln:]
    else:
        other = rng.choice(list(seed_models().values())).model.SerializeToString()
        b = rng.randrange(0, len(other))
        out = data[:at] + other[b:b + ln] + data[at + rng.randrange(0, ln + 1):]
    return out, f"splice {kind} (src {a}, len {ln}, at {at})"


def m_zero_length(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    return rng.choice([(b"", "empty file"), (b"\x00", "one zero byte"), (b"\n", "one newline"),
                       (b"\x08\x07", "only ir_version"), (b"\x3a\x00", "empty graph field"),
                       (data[:1], "first byte only")])


# ------------------------------------------------------------------- structural mutators


def m_input_dtype(model, rng):
    vi = _pick(rng, model.graph.input)
    dt = rng.choice(ALL_DTYPES)
    vi.type.tensor_type.elem_type = dt
    return f"input '{vi.name}' elem_type -> {TensorProto.DataType.Name(dt)}"


def m_init_dtype(model, rng):
    init = _pick(rng, model.graph.initializer)
    dt = rng.choice(ALL_DTYPES)
    mode = rng.choice(["relabel", "convert"])
    if mode == "relabel" or dt in (TensorProto.STRING, TensorProto.UNDEFINED) or dt >= 17:
        init.data_type = dt  # the payload stays: wrong raw_data length or reinterpreted bytes
        return f"initializer '{init.name}' data_type relabelled -> {TensorProto.DataType.Name(dt)}"
    arr = numpy_helper.to_array(init)
    npdt = helper.tensor_dtype_to_np_dtype(dt)
    with np.errstate(all="ignore"):
        new = numpy_helper.from_array(arr.astype(npdt), init.name)
    init.CopyFrom(new)
    return f"initializer '{init.name}' converted to {TensorProto.DataType.Name(dt)}"


def m_dangling_input(model, rng):
    node = _pick(rng, [n for n in model.graph.node if n.input])
    i = rng.randrange(len(node.input))
    old = node.input[i]
    node.input[i] = rng.choice(["ghost", "", old + "_missing", " ", "x/../y"])
    return f"node '{node.name}' input {i} '{old}' -> '{node.input[i]}'"


def m_rewire(model, rng):
    """Feed a node an earlier tensor of another shape/dtype (stays topologically sorted, so the
    checker passes and the converter sees operands it did not expect)."""
    g = model.graph
    nodes = [n for n in g.node if n.input]
    node = _pick(rng, nodes)
    pos = list(g.node).index(node)
    earlier = [i.name for i in g.input] + [t.name for t in g.initializer]
    earlier += [o for n in list(g.node)[:pos] for o in n.output if o]
    k = rng.randrange(len(node.input))
    old = node.input[k]
    node.input[k] = _pick(rng, [e for e in earlier if e != old])
    return f"node '{node.name}' ({node.op_type}) input {k} '{old}' -> '{node.input[k]}'"


def m_cycle(model, rng):
    nodes = model.graph.node
    if len(nodes) < 2:
        raise Skip("needs two nodes")
    i = rng.randrange(0, len(nodes) - 1)
    j = rng.randrange(i, len(nodes))
    src = nodes[j]
    dst = nodes[i]
    k = rng.randrange(len(dst.input)) if dst.input else 0
    if dst.input:
        dst.input[k] = src.output[0]
    else:
        dst.input.append(src.output[0])
    note = f"node '{dst.name}' input {k} <- output '{src.output[0]}' of later node '{src.name}'"
    if rng.random() < 0.5:  # also put the nodes in an order the checker cannot fault locally
        order = list(nodes)
        rng.shuffle(order)
        del model.graph.node[:]
        model.graph.node.extend(order)
        note += " (nodes shuffled)"
    return note


def m_shuffle_nodes(model, rng):
    order = list(model.graph.node)
    rng.shuffle(order)
    del model.graph.node[:]
    model.graph.node.extend(order)
    return "nodes shuffled (not topologically sorted)"


def m_dup_names(model, rng):
    g = model.graph
    kind = rng.choice(["node_name", "output", "initializer", "input", "init_as_output", "input_as_output"])
    if kind == "node_name":
        a, b = rng.sample(list(g.node), 2) if len(g.node) > 1 else (g.node[0], g.node[0])
        b.name = a.name
        return f"node '{b.output[0]}' renamed to duplicate node name '{a.name}'"
    if kind == "output":
        if len(g.node) < 2:
            raise Skip("needs two nodes")
        a, b = rng.sample(list(g.node), 2)
        old = b.output[0]
        b.output[0] = a.output[0]
        return f"node '{b.name}' output '{old}' -> duplicate '{a.output[0]}'"
    if kind == "initializer":
        init = _pick(rng, g.initializer)
        dup = TensorProto()
        dup.CopyFrom(init)
        if rng.random() < 0.5:
            arr = numpy_helper.to_array(init)
            dup.CopyFrom(numpy_helper.from_array(np.zeros((arr.size + 1,), arr.dtype), init.name))
        g.initializer.append(dup)
        return f"initializer '{init.name}' duplicated (same name{', different shape' if dup.dims != init.dims else ''})"
    if kind == "input":
        vi = _pick(rng, g.input)
        dup = g.input.add()
        dup.CopyFrom(vi)
        if rng.random() < 0.5:
            dup.type.tensor_type.elem_type = TensorProto.INT64
        return f"graph input '{vi.name}' declared twice"
    if kind == "init_as_output":
        node = _pick(rng, g.node)
        init = _pick(rng, g.initializer)
        old = node.output[0]
        node.output[0] = init.name
        return f"node '{node.name}' output '{old}' -> initializer name '{init.name}'"
    node = _pick(rng, g.node)
    vi = _pick(rng, g.input)
    old = node.output[0]
    node.output[0] = vi.name
    return f"node '{node.name}' output '{old}' -> graph input name '{vi.name}'"


def m_missing_initializer(model, rng):
    init = _pick(rng, model.graph.initializer)
    model.graph.initializer.remove(init)
    note = f"initializer '{init.name}' removed"
    if rng.random() < 0.3:  # ... but still declared as a graph input (old exporters), maybe unshaped
        vi = helper.make_tensor_value_info(init.name, init.data_type, None if rng.random() < 0.5 else list(init.dims))
        model.graph.input.append(vi)
        note += " and declared as a graph input"
    return note


def _set_input_dims(vi, dims):
    shape = vi.type.tensor_type.shape
    del shape.dim[:]
    for d in dims:
        dd = shape.dim.add()
        if isinstance(d, str):
            dd.dim_param = d
        elif d is not None:
            dd.dim_value = d


def m_absurd_input_dim(model, rng, args):
    vi = _pick(rng, model.graph.input)
    dims = [d.dim_value if d.HasField("dim_value") else None for d in vi.type.tensor_type.shape.dim]
    if not dims:
        raise Skip("rank 0 input")
    k = rng.randrange(len(dims))
    big = rng.choice(ABSURD_DIMS)
    how = rng.choice(["proto", "flag"])
    if how == "flag" or dims[k] is None:
        # bind through --input-shapes (the first input; the seeds have one input)
        bound = [d if d is not None else 2 for d in dims]
        if "--input-shapes" in args:
            import ast

            bound = ast.literal_eval(args[args.index("--input-shapes") + 1])[0]
        bound = list(bound)
        bound[k] = big
        if dims[k] is not None:
            dims[k] = None
            _set_input_dims(vi, [("d%d" % i) if d is None else d for i, d in enumerate(dims)])
        _replace_flag(args, "--input-shapes", str([bound]).replace(" ", ""))
        return f"input '{vi.name}' dim {k} bound to {big} via --input-shapes {args[-1]}"
    dims[k] = big
    _set_input_dims(vi, dims)
    return f"input '{vi.name}' dim {k} -> {big} in the model"


def _replace_flag(args: list[str], flag: str, value: str | None) -> None:
    if flag in args:
        i = args.index(flag)
        del args[i:i + 2]
    if value is not None:
        args += [flag, value]


def m_negative_dim(model, rng, args):
    vi = _pick(rng, model.graph.input)
    dims = [d.dim_value if d.HasField("dim_value") else None for d in vi.type.tensor_type.shape.dim]
    if not dims:
        raise Skip("rank 0 input")
    k = rng.randrange(len(dims))
    neg = rng.choice(NEGATIVE_DIMS + [0])
    if rng.random() < 0.3:
        bound = [d if d is not None else 2 for d in dims]
        bound[k] = neg
        _replace_flag(args, "--input-shapes", str([bound]).replace(" ", ""))
        return f"--input-shapes with dim {k} = {neg}"
    dims[k] = neg
    _set_input_dims(vi, [d if d is not None else "n" for d in dims])
    _replace_flag(args, "--input-shapes", None)
    return f"input '{vi.name}' dim {k} -> {neg} in the model (no --input-shapes)"


def _shape_slots(model):
    slots = []
    for n in model.graph.node:
        for i in SHAPE_INPUTS.get(n.op_type, []):
            if i < len(n.input) and n.input[i]:
                slots.append((n, i))
    return slots


def m_absurd_shape_const(model, rng):
    """Absurd / negative / overflowing values in the constant shape-like input of Reshape,
    ConstantOfShape, Expand, Tile, Slice, Range, Pad, Split, (Un)Squeeze, Gather ..."""
    n, i = _pick(rng, _shape_slots(model))
    old = _init_by_name(model, n.input[i])
    if old is not None and old.data_type in (TensorProto.INT64, TensorProto.INT32):
        vals = [int(v) for v in numpy_helper.to_array(old).reshape(-1)] or [1]
        shape0 = list(old.dims)
    else:
        vals, shape0 = [rng.choice([1, 2, 3])], [1]
    how = rng.choice(["one_big", "all_big", "one_neg", "longer", "empty", "huge_rank", "mixed", "scalar"])
    pool = ABSURD_DIMS + NEGATIVE_DIMS
    if how == "one_big":
        vals[rng.randrange(len(vals))] = rng.choice(ABSURD_DIMS)
    elif how == "all_big":
        vals = [rng.choice(ABSURD_DIMS) for _ in vals]
    elif how == "one_neg":
        vals[rng.randrange(len(vals))] = rng.choice(NEGATIVE_DIMS)
    elif how == "longer":
        vals = vals + [rng.choice([1, 2, 2**20, 2**31]) for _ in range(rng.randrange(1, 4))]
    elif how == "empty":
        vals = []
    elif how == "huge_rank":
        vals = [1] * rng.choice([33, 64, 65, 100, 300])
    elif how == "mixed":
        vals = [rng.choice(pool + [0, 1]) for _ in range(rng.randrange(1, 6))]
    else:
        vals = [rng.choice(pool)]
    arr = _int_array(vals)
    if how == "scalar" or (shape0 == [] and len(vals) == 1):
        arr = arr.reshape(())
    if old is not None and rng.random() < 0.5 and old.data_type == TensorProto.INT32:
        arr = arr.astype(np.int32)
    name = _add_init(model, f"{n.input[i]}_mut", arr)
    n.input[i] = name
    shown = list(arr.reshape(-1))[:8]
    return f"node '{n.name}' ({n.op_type}) input {i} -> {how} {shown}{'...' if arr.size > 8 else ''}"


def m_int_const(model, rng):
    """Overwrite an integer initializer (wherever used) with odd values of the same shape."""
    ints = [t for t in model.graph.initializer if t.data_type in (TensorProto.INT64, TensorProto.INT32)]
    t = _pick(rng, ints)
    arr = numpy_helper.to_array(t).copy()
    flat = arr.reshape(-1)
    if flat.size:
        j = rng.randrange(flat.size)
        flat[j] = _int_array([rng.choice(ODD_INTS + NEGATIVE_DIMS + ABSURD_DIMS)])[0].astype(arr.dtype)
    t.CopyFrom(numpy_helper.from_array(arr, t.name))
    return f"int initializer '{t.name}' -> {list(flat)[:8]}"


def m_opset(model, rng):
    kind = rng.choice(["version", "version", "remove", "duplicate", "domain_only", "ir_version"])
    if kind == "version":
        v = rng.choice([99, 1, 0, -1, 6, 22, 23, 2**31, 7, 21, 11])
        for imp in model.opset_import:
            if imp.domain in ("", "ai.onnx"):
                imp.version = v
        return f"default opset -> {v}"
    if kind == "remove":
        del model.opset_import[:]
        return "no opset_import at all"
    if kind == "duplicate":
        model.opset_import.append(helper.make_opsetid("", rng.choice([7, 13, 99])))
        return "default opset imported twice"
    if kind == "domain_only":
        del model.opset_import[:]
        model.opset_import.append(helper.make_opsetid("com.example", 1))
        return "only a custom-domain opset"
    v = rng.choice([0, 1, 2, 3, 4, 10, 11, 12, 99])
    model.ir_version = v
    return f"ir_version -> {v}"


def _random_value_of_type(rng, atype):
    if atype == AttributeProto.INT:
        return rng.choice(ODD_INTS)
    if atype == AttributeProto.FLOAT:
        return rng.choice(ODD_FLOATS)
    if atype == AttributeProto.STRING:
        return rng.choice(ODD_STRINGS)
    if atype == AttributeProto.INTS:
        return [rng.choice(ODD_INTS) for _ in range(rng.choice([0, 1, 2, 4, 5, 70]))]
    if atype == AttributeProto.FLOATS:
        return [rng.choice(ODD_FLOATS) for _ in range(rng.choice([0, 1, 3]))]
    if atype == AttributeProto.STRINGS:
        return [rng.choice(ODD_STRINGS) for _ in range(rng.choice([0, 1, 3]))]
    if atype == AttributeProto.TENSOR:
        return _odd_tensor(rng)
    raise Skip(f"attribute type {atype}")


def _odd_tensor(rng, name="value"):
    kind = rng.choice(["string", "empty", "multi", "int", "bool", "f16", "scalar", "nan", "2d"])
    if kind == "string":
        return helper.make_tensor(name, TensorProto.STRING, [1], [b"abc"])
    arr = {"empty": np.zeros((0,), np.float32), "multi": np.arange(5, dtype=np.float32),
           "int": np.array([2**40], np.int64), "bool": np.array([True]), "f16": np.array([1.5], np.float16),
           "scalar": np.array(3.0, np.float32), "nan": np.array([np.nan], np.float32),
           "2d": np.ones((2, 2), np.float32)}[kind]
    return numpy_helper.from_array(arr, name)


def _make_attr(name, atype, value):
    if atype == AttributeProto.STRING:
        a = AttributeProto(name=name, type=atype, s=value)
    elif atype == AttributeProto.STRINGS:
        a = AttributeProto(name=name, type=atype, strings=value)
    elif atype == AttributeProto.TENSOR:
        a = AttributeProto(name=name, type=atype)
        a.t.CopyFrom(value)
    else:
        a = helper.make_attribute(name, value, attr_type=atype)
    return a


def _set_attr(node, attr: AttributeProto) -> None:
    for a in list(node.attribute):
        if a.name == attr.name:
            node.attribute.remove(a)
    node.attribute.append(attr)


def m_attr_value(model, rng):
    """Schema-valid attribute name and type, odd value (passes the checker, hits the importer)."""
    node = _pick(rng, [n for n in model.graph.node if n.attribute] or model.graph.node)
    if node.attribute and rng.random() < 0.7:
        a = rng.choice(list(node.attribute))
        name, atype = a.name, a.type
    else:
        try:
            schema = onnx.defs.get_schema(node.op_type, _opset(model), node.domain)
        except Exception:
            raise Skip("no schema") from None
        if not schema.attributes:
            raise Skip("no attributes")
        name = rng.choice(sorted(schema.attributes))
        atype = int(schema.attributes[name].type)
    value = _random_value_of_type(rng, atype)
    _set_attr(node, _make_attr(name, atype, value))
    shown = (f"tensor {TensorProto.DataType.Name(value.data_type)}{list(value.dims)}"
             if isinstance(value, TensorProto) else value)
    return f"node '{node.name}' ({node.op_type}) attribute {name} = {str(shown)[:80]}"


def m_attr_type(model, rng):
    node = _pick(rng, [n for n in model.graph.node if n.attribute])
    a = rng.choice(list(node.attribute))
    new_type = rng.choice([t for t in (AttributeProto.INT, AttributeProto.FLOAT, AttributeProto.STRING,
                                       AttributeProto.INTS, AttributeProto.FLOATS, AttributeProto.TENSOR,
                                       AttributeProto.STRINGS) if t != a.type])
    name = a.name
    value = _random_value_of_type(rng, new_type)
    if rng.random() < 0.3:  # type field says one thing, the payload is another
        bad = AttributeProto()
        bad.CopyFrom(a)
        bad.type = new_type
        _set_attr(node, bad)
        tname = AttributeProto.AttributeType.Name(new_type)
        return f"node '{node.name}' attribute {name} type field -> {tname} (payload unchanged)"
    _set_attr(node, _make_attr(name, new_type, value))
    return f"node '{node.name}' attribute {name} -> type {AttributeProto.AttributeType.Name(new_type)}"


def m_remove_attr(model, rng):
    node = _pick(rng, [n for n in model.graph.node if n.attribute])
    a = rng.choice(list(node.attribute))
    node.attribute.remove(a)
    return f"node '{node.name}' ({node.op_type}) attribute {a.name} removed"


def m_unknown_attr(model, rng):
    node = _pick(rng, model.graph.node)
    name = rng.choice(["bogus", "axis", "perm", "to"])
    node.attribute.append(helper.make_attribute(name, rng.choice([1, [1, 2], 0.5])))
    return f"node '{node.name}' ({node.op_type}) gets an extra attribute"


def m_empty_graph(model, rng, args):
    g = model.graph
    kind = rng.choice(["nothing", "no_nodes", "no_nodes_passthrough", "no_inputs", "no_outputs",
                       "only_initializer_output", "no_graph"])
    if kind == "nothing":
        del g.node[:], g.input[:], g.output[:], g.initializer[:]
        _replace_flag(args, "--input-shapes", None)
    elif kind == "no_nodes":
        del g.node[:]
    elif kind == "no_nodes_passthrough":
        del g.node[:], g.output[:]
        o = g.output.add()
        o.CopyFrom(g.input[0])
    elif kind == "no_inputs":
        del g.input[:]
        _replace_flag(args, "--input-shapes", None)
    elif kind == "no_outputs":
        del g.output[:]
    elif kind == "only_initializer_output":
        init = _pick(rng, g.initializer)
        del g.node[:], g.input[:], g.output[:]
        g.output.append(helper.make_tensor_value_info(init.name, init.data_type, list(init.dims)))
        _replace_flag(args, "--input-shapes", None)
    else:
        model.ClearField("graph")
    return f"empty graph variant: {kind}"


def m_huge_rank(model, rng, args):
    rank = rng.choice([33, 64, 65, 70, 100, 1000])
    kind = rng.choice(["new_input", "reshape"])
    g = model.graph
    if kind == "new_input":
        name = _new_name(model, "hr")
        g.input.append(helper.make_tensor_value_info(name, TensorProto.FLOAT, [1] * rank))
        out = _new_name(model, "hr_out")
        op = rng.choice(["Relu", "Neg", "Identity", "Transpose", "ReduceSum", "Softmax", "Add", "Mul", "Where"])
        ins = {"Add": [name, name], "Mul": [name, name]}.get(op, [name])
        if op == "Where":
            cond = _add_init(model, "hr_cond", np.array(True))
            ins = [cond, name, name]
        g.node.append(helper.make_node(op, ins, [out], name="hr_node"))
        _declare_output(model, out)
        if "--input-shapes" in args:
            import ast

            shapes = ast.literal_eval(args[args.index("--input-shapes") + 1]) + [[1] * rank]
            _replace_flag(args, "--input-shapes", str(shapes).replace(" ", ""))
        return f"new input '{name}' of rank {rank} through {g.node[-1].op_type}"
    src = _pick(rng, [o for n in g.node for o in n.output if o] + [i.name for i in g.input])
    shp = _add_init(model, "hr_shape", np.array([1] * (rank - 1) + [-1], np.int64))
    out = _new_name(model, "hr_out")
    g.node.append(helper.make_node("Reshape", [src, shp], [out], name="hr_reshape"))
    g.node.append(helper.make_node("Relu", [out], [out + "_relu"], name="hr_relu"))
    _declare_output(model, out + "_relu")
    return f"'{src}' reshaped to rank {rank}"


def m_node_arity(model, rng):
    node = _pick(rng, model.graph.node)
    names = _tensor_names(model)
    kind = rng.choice(["more_inputs", "fewer_inputs", "no_inputs", "more_outputs", "no_outputs", "empty_input"])
    if kind == "more_inputs":
        for _ in range(rng.randrange(1, 4)):
            node.input.append(rng.choice(names))
    elif kind == "fewer_inputs":
        if not node.input:
            raise Skip("no inputs")
        del node.input[rng.randrange(len(node.input)):]
    elif kind == "no_inputs":
        del node.input[:]
    elif kind == "more_outputs":
        node.output.append(_new_name(model, node.output[0] + "_extra"))
    elif kind == "no_outputs":
        del node.output[:]
    else:
        if not node.input:
            raise Skip("no inputs")
        node.input[rng.randrange(len(node.input))] = ""
    return f"node '{node.name}' ({node.op_type}) {kind}: inputs {list(node.input)} outputs {list(node.output)}"


def m_raw_data_len(model, rng):
    init = _pick(rng, [t for t in model.graph.initializer if t.data_type != TensorProto.STRING])
    arr = numpy_helper.to_array(init)
    kind = rng.choice(["short", "long", "empty", "odd", "typed_field_wrong_count", "both_fields", "dims_lie"])
    if kind in ("short", "long", "empty", "odd"):
        init.CopyFrom(numpy_helper.from_array(arr, init.name))  # raw_data form
        raw = init.raw_data
        if kind == "short":
            raw = raw[: rng.randrange(0, max(1, len(raw)))]
        elif kind == "long":
            raw = raw + bytes(rng.choice([1, 4, 8, 1000]))
        elif kind == "empty":
            raw = b""
        else:
            raw = raw[:-1] if raw else b"\x01"
        init.raw_data = raw
        return f"initializer '{init.name}' raw_data {kind}: {len(raw)} bytes for dims {list(init.dims)}"
    if kind == "typed_field_wrong_count":
        t = helper.make_tensor(init.name, TensorProto.FLOAT, list(arr.shape), np.zeros(arr.size, np.float32))
        if t.float_data:
            del t.float_data[rng.randrange(len(t.float_data)):]
        else:
            t.float_data.extend([1.0, 2.0])
        init.CopyFrom(t)
        return f"initializer '{init.name}' float_data count != dims {list(arr.shape)}"
    if kind == "both_fields":
        init.CopyFrom(numpy_helper.from_array(arr, init.name))
        if init.data_type == TensorProto.FLOAT:
            init.float_data.extend([1.0] * max(1, arr.size))
        else:
            init.int64_data.extend([1] * max(1, arr.size))
        return f"initializer '{init.name}' has raw_data and a typed field"
    init.CopyFrom(numpy_helper.from_array(arr, init.name))
    del init.dims[:]
    init.dims.extend(rng.choice([[2**40], [arr.size + 1], [-1, arr.size], [0], [2**31, 2**31]]))
    return f"initializer '{init.name}' dims -> {list(init.dims)} (payload {arr.size} elements)"


def m_external_data(model, rng, files):
    init = _pick(rng, model.graph.initializer)
    arr = numpy_helper.to_array(init)
    raw = numpy_helper.from_array(arr).raw_data
    kind = rng.choice(["missing", "absolute", "parent", "empty_loc", "short_file", "bad_offset", "dir",
                       "huge_length", "ok"])
    loc, extra = "weights.bin", {}
    if kind == "missing":
        loc = "no_such_weights.bin"
    elif kind == "absolute":
        loc = "/etc/hostname"
    elif kind == "parent":
        loc = "../../../../etc/hostname"
    elif kind == "empty_loc":
        loc = ""
    elif kind == "short_file":
        files[loc] = raw[: len(raw) // 2]
    elif kind == "bad_offset":
        files[loc] = raw
        extra = {"offset": str(len(raw) * 4), "length": str(len(raw))}
    elif kind == "dir":
        loc = "."
    elif kind == "huge_length":
        files[loc] = raw
        extra = {"offset": "0", "length": str(2**40)}
    else:
        files[loc] = raw
    init.ClearField("raw_data")
    for f in ("float_data", "int64_data", "int32_data", "double_data"):
        init.ClearField(f)
    init.data_location = TensorProto.EXTERNAL
    del init.external_data[:]
    for k, v in {"location": loc, **extra}.items():
        e = init.external_data.add()
        e.key, e.value = k, v
    return f"initializer '{init.name}' external data {kind} (location '{loc}' {extra})"


def m_string_tensor(model, rng, args):
    g = model.graph
    kind = rng.choice(["input", "initializer", "constant_node", "cos_value", "cast_to_string"])
    if kind == "input":
        vi = _pick(rng, g.input)
        vi.type.tensor_type.elem_type = TensorProto.STRING
        return f"graph input '{vi.name}' is a string tensor"
    node = _pick(rng, [n for n in g.node if n.input and n.op_type not in ("Shape", "Size")] or g.node)
    strs = helper.make_tensor("s", TensorProto.STRING, [2], [b"ab", b"\xff"])
    if kind == "initializer":
        name = _new_name(model, "str_init")
        strs.name = name
        g.initializer.append(strs)
        k = rng.randrange(max(1, len(node.input)))
        if node.input:
            node.input[k] = name
        else:
            node.input.append(name)
        return f"node '{node.name}' ({node.op_type}) input {k} <- string initializer"
    if kind == "constant_node":
        name = _new_name(model, "str_const")
        g.node.insert(0, helper.make_node("Constant", [], [name], name="str_const", value=strs))
        k = rng.randrange(max(1, len(node.input)))
        if node.input:
            node.input[k] = name
        return f"node '{node.name}' ({node.op_type}) input {k} <- string Constant node"
    if kind == "cos_value":
        shp = _add_init(model, "str_shape", np.array([2, 3], np.int64))
        name = _new_name(model, "str_cos")
        g.node.append(helper.make_node("ConstantOfShape", [shp], [name], name="str_cos",
                                       value=helper.make_tensor("v", TensorProto.STRING, [1], [b"z"])))
        g.output.append(helper.make_tensor_value_info(name, TensorProto.STRING, [2, 3]))
        return "ConstantOfShape with a string value as a graph output"
    src = _pick(rng, [o for n in g.node for o in n.output if o] + [i.name for i in g.input])
    name = _new_name(model, "to_str")
    g.node.append(helper.make_node("Cast", [src], [name], name="to_str", to=TensorProto.STRING))
    _declare_output(model, name, TensorProto.STRING)
    return f"Cast '{src}' to STRING as a graph output"


def m_output_unproduced(model, rng):
    g = model.graph
    kind = rng.choice(["rename", "extra", "initializer", "input", "twice", "intermediate", "empty_name"])
    if kind == "rename":
        g.output[0].name = "ghost_output"
    elif kind == "extra":
        g.output.append(helper.make_tensor_value_info("ghost_output", TensorProto.FLOAT, [1]))
    elif kind == "initializer":
        init = _pick(rng, g.initializer)
        g.output.append(helper.make_tensor_value_info(init.name, init.data_type, list(init.dims)))
    elif kind == "input":
        vi = g.input[0]
        o = g.output.add()
        o.CopyFrom(vi)
    elif kind == "twice":
        o = g.output.add()
        o.CopyFrom(g.output[0])
    elif kind == "intermediate":
        src = _pick(rng, [o for n in g.node for o in n.output if o])
        _declare_output(model, src, rng.choice([None, TensorProto.FLOAT, TensorProto.INT64]))
    else:
        g.output[0].name = ""
    return f"graph outputs: {kind} -> {[o.name for o in g.output]}"


def m_op_type(model, rng):
    """Swap a node's op type for another supported one whose schema accepts the arity (so many
    mutants pass the checker and reach the converters with surprising operands)."""
    node = _pick(rng, model.graph.node)
    opset = _opset(model)
    cands = []
    for op in _supported_ops():
        try:
            s = onnx.defs.get_schema(op, opset)
        except Exception:
            continue
        if s.min_input <= len(node.input) <= s.max_input and s.min_output <= len(node.output) <= s.max_output:
            cands.append((op, s))
    if not cands:
        raise Skip("no op fits")
    op, schema = rng.choice(cands)
    old = node.op_type
    node.op_type = op
    keep = [a for a in node.attribute if a.name in schema.attributes and a.type == schema.attributes[a.name].type]
    del node.attribute[:]
    node.attribute.extend(keep)
    for name, a in sorted(schema.attributes.items()):
        if a.required and name not in {x.name for x in node.attribute}:
            node.attribute.append(_make_attr(name, int(a.type), _sane_value(rng, int(a.type))))
    return f"node '{node.name}' {old} -> {op}"


def _sane_value(rng, atype):
    return {AttributeProto.INT: rng.choice([0, 1, 2]), AttributeProto.FLOAT: 1.0, AttributeProto.STRING: b"",
            AttributeProto.INTS: [1], AttributeProto.FLOATS: [1.0], AttributeProto.STRINGS: [b""],
            AttributeProto.TENSOR: numpy_helper.from_array(np.array([1.0], np.float32), "v")}.get(atype, 0)


def m_domain(model, rng):
    node = _pick(rng, model.graph.node)
    node.domain = rng.choice(["com.microsoft", "ai.onnx.ml", "bogus", "ai.onnx", " "])
    if rng.random() < 0.5:
        model.opset_import.append(helper.make_opsetid(node.domain, 1))
    return f"node '{node.name}' domain -> '{node.domain}'"


def m_value_info(model, rng):
    """Lying value_info / output types (exporters get these wrong; the importer recomputes)."""
    g = model.graph
    src = _pick(rng, [o for n in g.node for o in n.output if o])
    dims = rng.choice([[1], [2**40], [-3], [0, 0], ["n", 7], []])
    dt = rng.choice([TensorProto.FLOAT, TensorProto.INT64, TensorProto.STRING, TensorProto.FLOAT16, TensorProto.BOOL])
    if rng.random() < 0.5:
        g.value_info.append(helper.make_tensor_value_info(src, dt, dims))
        return f"value_info '{src}' claims {TensorProto.DataType.Name(dt)}{dims}"
    o = g.output[0]
    o.type.tensor_type.elem_type = dt
    _set_input_dims(o, dims)
    return f"graph output '{o.name}' declared {TensorProto.DataType.Name(dt)}{dims}"


def m_weird_weights(model, rng):
    """NaN / Inf / huge / denormal / all-zero float weights (numerically hostile, not malformed)."""
    init = _pick(rng, [t for t in model.graph.initializer if t.data_type in (TensorProto.FLOAT, TensorProto.DOUBLE)])
    arr = numpy_helper.to_array(init).copy()
    kind = rng.choice(["nan", "inf", "huge", "zero", "denormal", "one_nan"])
    if kind == "nan":
        arr[...] = np.nan
    elif kind == "inf":
        arr[...] = np.inf
    elif kind == "huge":
        arr *= 1e38
    elif kind == "zero":
        arr[...] = 0
    elif kind == "denormal":
        arr[...] = 1e-42
    elif arr.size:
        arr.reshape(-1)[rng.randrange(arr.size)] = np.nan
    init.CopyFrom(numpy_helper.from_array(arr, init.name))
    return f"initializer '{init.name}' -> {kind}"


def m_sparse_and_subgraph(model, rng):
    g = model.graph
    kind = rng.choice(["sparse", "if", "function", "training_info", "metadata"])
    if kind == "sparse":
        vals = numpy_helper.from_array(np.array([1.0], np.float32), "sp")
        idx = numpy_helper.from_array(np.array([0], np.int64), "sp_idx")
        g.sparse_initializer.append(helper.make_sparse_tensor(vals, idx, [4]))
        src = "sp"
        node = _pick(rng, [n for n in g.node if n.input])
        node.input[0] = src
        return f"sparse initializer 'sp' feeds node '{node.name}'"
    if kind == "if":
        cond = _add_init(model, "cond", np.array(True))
        sub_out = helper.make_tensor_value_info("sub_y", TensorProto.FLOAT, [])
        c = helper.make_node("Constant", [], ["sub_y"], value_float=1.0)
        sub = helper.make_graph([c], "branch", [], [sub_out])
        g.node.append(helper.make_node("If", [cond], ["if_y"], name="if", then_branch=sub, else_branch=sub))
        _declare_output(model, "if_y")
        return "an If node with subgraphs"
    if kind == "function":
        f = helper.make_function("local", "MyRelu", ["a"], ["b"], [helper.make_node("Relu", ["a"], ["b"])],
                                 [helper.make_opsetid("", _opset(model))])
        model.functions.append(f)
        model.opset_import.append(helper.make_opsetid("local", 1))
        node = _pick(rng, [n for n in g.node if n.op_type in ("Relu", "Add", "Erf", "Reshape")] or g.node)
        node.op_type, node.domain = "MyRelu", "local"
        del node.input[1:]
        del node.attribute[:]
        return f"node '{node.name}' calls a model-local function"
    if kind == "training_info":
        model.training_info.add()
        return "empty training_info"
    model.metadata_props.append(onnx.StringStringEntryProto(key="\x00", value="\xff" * 3))
    model.producer_name = "\u202e" * 10
    return "odd metadata/producer"


_ODD_NAMES = ["", " ", "a b", "x\ny", "q\"uote", "back\\slash", "%0", "@main", "loc(\"x\")", "../../etc/passwd",
              "a/b/c.npy", "\u00e9t\u00e9", "\U0001F600", "\x00nul", "n" * 5000, "0", "-1", "x.npy", "#", "{}"]
_BAD_UTF8 = b"\xff\xfe\xfd\xfc"


def m_odd_names(model, rng, patches):
    """Rename a tensor everywhere (or a node, or the graph) to an odd string; ``raw`` puts
    invalid UTF-8 in it by patching the serialized bytes (protobuf proto2 allows that)."""
    g = model.graph
    kind = rng.choice(["tensor", "tensor", "raw_tensor", "node", "graph", "input", "raw_input", "raw_op_type"])
    if kind == "raw_op_type":
        node = _pick(rng, g.node)
        node.op_type = "ZZQQ"
        patches.append((b"ZZQQ", _BAD_UTF8))
        return f"node '{node.name}' op_type is invalid UTF-8"
    if kind == "node":
        node = _pick(rng, g.node)
        node.name = rng.choice(_ODD_NAMES)
        return f"node name -> {node.name[:40]!r}"
    if kind == "graph":
        g.name = rng.choice(_ODD_NAMES)
        return f"graph name -> {g.name[:40]!r}"
    if kind in ("input", "raw_input"):
        old = g.input[0].name
    else:
        old = _pick(rng, [o for n in g.node for o in n.output if o] + [t.name for t in g.initializer])
    new = "ZZQQ" if kind.startswith("raw") else rng.choice([n for n in _ODD_NAMES if n])
    if new in _tensor_names(model):
        raise Skip("name taken")
    for n in g.node:
        for i, x in enumerate(n.input):
            if x == old:
                n.input[i] = new
        for i, x in enumerate(n.output):
            if x == old:
                n.output[i] = new
    for coll in (g.input, g.output, g.initializer, g.value_info):
        for v in coll:
            if v.name == old:
                v.name = new
    if kind.startswith("raw"):
        patches.append((b"ZZQQ", _BAD_UTF8))
        return f"tensor '{old}' renamed to invalid UTF-8 {_BAD_UTF8!r}"
    return f"tensor '{old}' renamed to {new[:40]!r}"


def m_memory_bomb(model, rng):
    """A side chain whose constant folding (or whose runtime tensors) would need tens of GiB:
    the compiler should refuse by size, not by running out of memory."""
    g = model.graph
    kind = rng.choice(["cos_tile", "expand_const", "range", "pad_const", "cos_big", "expand_input",
                       "tile_input", "concat_self"])
    n = helper.make_node
    out = _new_name(model, "bomb")
    if kind == "cos_tile":
        shp = _add_init(model, "bomb_shape", np.array([2**14, 2**14], np.int64))
        reps = _add_init(model, "bomb_reps", np.array(rng.choice([[4, 4], [2**10, 2**10], [1, 64]]), np.int64))
        g.node.extend([n("ConstantOfShape", [shp], [out + "_c"], name="bomb_cos"),
                       n("Tile", [out + "_c", reps], [out], name="bomb_tile")])
    elif kind == "expand_const":
        one = _add_init(model, "bomb_one", np.ones((1,), np.float32))
        dims = rng.choice([[2**16, 2**16], [2**20, 2**20], [2**31, 4]])
        shp = _add_init(model, "bomb_shape", np.array(dims, np.int64))
        g.node.extend([n("Expand", [one, shp], [out + "_e"], name="bomb_expand"),
                       n("Add", [out + "_e", one], [out], name="bomb_add")])
    elif kind == "range":
        lim = rng.choice([2.0**28, 2.0**27 * 3, 2.0**34])
        a, b, c = (_add_init(model, f"bomb_r{i}", np.array(v, np.float32)) for i, v in enumerate((0.0, lim, 1.0)))
        g.node.append(n("Range", [a, b, c], [out], name="bomb_range"))
    elif kind == "pad_const":
        one = _add_init(model, "bomb_one", np.ones((2, 2), np.float32))
        pads = _add_init(model, "bomb_pads", np.array([0, 0, rng.choice([2**16, 2**31]), 2**16], np.int64))
        g.node.append(n("Pad", [one, pads], [out], name="bomb_pad"))
    elif kind == "cos_big":
        shp = _add_init(model, "bomb_shape", np.array(rng.choice([[2**14, 2**14], [2**28], [2**13, 2**15]]), np.int64))
        g.node.append(n("ConstantOfShape", [shp], [out], name="bomb_cos",
                        value=numpy_helper.from_array(np.array([1.0], np.float32), "v")))
    elif kind in ("expand_input", "tile_input"):
        src = _pick(rng, [i.name for i in g.input])
        rank = len(g.input[0].type.tensor_type.shape.dim)
        if kind == "expand_input":
            shp = _add_init(model, "bomb_shape", np.array([2**rng.choice([16, 24, 31])] + [1] * rank, np.int64))
            g.node.append(n("Expand", [src, shp], [out], name="bomb_expand"))
        else:
            reps = _add_init(model, "bomb_reps", np.array([2**rng.choice([12, 20, 31])] + [1] * (rank - 1), np.int64))
            g.node.append(n("Tile", [src, reps], [out], name="bomb_tile"))
    else:
        shp = _add_init(model, "bomb_shape", np.array([2**14, 2**14], np.int64))
        g.node.append(n("ConstantOfShape", [shp], [out + "_c"], name="bomb_cos"))
        g.node.append(n("Concat", [out + "_c"] * rng.choice([4, 16, 64]), [out], name="bomb_concat", axis=0))
    _declare_output(model, out)
    return f"memory bomb: {kind}"


def m_input_shapes_flag(model, rng, args):
    val = rng.choice(["[[0]]", "[[]]", "[]", "[[1,2,3,4,5,6,7,8,9]]", "[[2**40]]", "[[1099511627776,49,96]]",
                      "[[2,49,96],[2,49,96]]", "[[-1,49,96]]", "[[1.5,49,96]]", "[['a']]", "[[True,49,96]]",
                      "x" * 5000, "[[" * 200, "[[2147483648,1,1,1]]", "[[65536,65536,3,16]]", "__import__('os')"])
    _replace_flag(args, "--input-shapes", val)
    return f"--input-shapes {val[:60]}"


def m_stack(model, rng, args, files, patches):
    """Two or three structural mutators in a row."""
    notes = []
    names = [n for n, (kind, _) in MUTATORS.items() if kind == "proto" and n not in ("stack",)]
    for _ in range(rng.choice([2, 2, 3])):
        name = rng.choice(names)
        try:
            notes.append(f"{name}: " + _apply_proto(name, model, rng, args, files, patches))
        except Skip:
            continue
    if not notes:
        raise Skip("nothing applied")
    return " | ".join(notes)


# --------------------------------------------------------------------------- registry

MUTATORS: dict[str, tuple[str, Callable]] = {
    # byte-level
    "truncate": ("bytes", m_truncate),
    "byteflip": ("bytes", m_byteflip),
    "splice": ("bytes", m_splice),
    "zero_length": ("bytes", m_zero_length),
    # structural
    "input_dtype": ("proto", m_input_dtype),
    "init_dtype": ("proto", m_init_dtype),
    "dangling_input": ("proto", m_dangling_input),
    "rewire": ("proto", m_rewire),
    "cycle": ("proto", m_cycle),
    "shuffle_nodes": ("proto", m_shuffle_nodes),
    "dup_names": ("proto", m_dup_names),
    "missing_initializer": ("proto", m_missing_initializer),
    "absurd_input_dim": ("proto", m_absurd_input_dim),
    "negative_dim": ("proto", m_negative_dim),
    "absurd_shape_const": ("proto", m_absurd_shape_const),
    "int_const": ("proto", m_int_const),
    "opset": ("proto", m_opset),
    "attr_value": ("proto", m_attr_value),
    "attr_type": ("proto", m_attr_type),
    "remove_attr": ("proto", m_remove_attr),
    "unknown_attr": ("proto", m_unknown_attr),
    "empty_graph": ("proto", m_empty_graph),
    "huge_rank": ("proto", m_huge_rank),
    "node_arity": ("proto", m_node_arity),
    "raw_data_len": ("proto", m_raw_data_len),
    "external_data": ("proto", m_external_data),
    "string_tensor": ("proto", m_string_tensor),
    "output_unproduced": ("proto", m_output_unproduced),
    "op_type": ("proto", m_op_type),
    "domain": ("proto", m_domain),
    "value_info": ("proto", m_value_info),
    "weird_weights": ("proto", m_weird_weights),
    "sparse_subgraph": ("proto", m_sparse_and_subgraph),
    "memory_bomb": ("proto", m_memory_bomb),
    "odd_names": ("proto", m_odd_names),
    "input_shapes_flag": ("proto", m_input_shapes_flag),
    "stack": ("proto", m_stack),
}


def _apply_proto(name: str, model, rng, args, files, patches) -> str:
    fn = MUTATORS[name][1]
    import inspect

    params = list(inspect.signature(fn).parameters)
    kw = {}
    if "args" in params:
        kw["args"] = args
    if "files" in params:
        kw["files"] = files
    if "patches" in params:
        kw["patches"] = patches
    return fn(model, rng, **kw)


def make_mutant(name: str, seed: int) -> Mutant:
    """The mutant ``(name, seed)``: deterministic bytes, CLI args and side files."""
    kind, fn = MUTATORS[name]
    rng = random.Random(f"{name}:{seed}")
    seeds = seed_models()
    order = list(seeds)
    rng.shuffle(order)
    last_skip = None
    for attempt in range(12):
        base = seeds[order[attempt % len(order)]]
        args = list(base.args)
        files: dict[str, bytes] = {}
        if kind == "bytes":
            data, note = fn(base.model.SerializeToString(), rng)
        else:
            model = base.copy()
            patches: list[tuple[bytes, bytes]] = []
            try:
                note = _apply_proto(name, model, rng, args, files, patches)
            except Skip as e:
                last_skip = e
                continue
            try:
                data = model.SerializeToString()
            except Exception as e:  # protobuf refuses (e.g. invalid UTF-8 in a string field)
                last_skip = e
                continue
            for old, new in patches:  # same-length byte patches keep the protobuf framing valid
                data = data.replace(old, new)
        if rng.random() < 0.5:
            args += ["--random-input", "0"]
        return Mutant(name, seed, base.name, data, args, note, files)
    raise RuntimeError(f"mutator {name} seed {seed} never applied: {last_skip}")


def mutant_plan(n: int, seed: int = 0, names: list[str] | None = None) -> list[tuple[str, int]]:
    """``n`` (mutator, seed) pairs, round-robin over the mutators (balanced, deterministic)."""
    names = names or list(MUTATORS)
    return [(names[i % len(names)], seed * 1_000_003 + i) for i in range(n)]


if __name__ == "__main__":
    if len(sys.argv) != 4:
        print("usage: python test/fuzz/mutators.py MUTATOR SEED OUT.onnx", file=sys.stderr)
        sys.exit(2)
    m = make_mutant(sys.argv[1], int(sys.argv[2]))
    out = Path(sys.argv[3])
    out.write_bytes(m.data)
    for fname, content in m.files.items():
        (out.parent / fname).write_bytes(content)
    print(m.describe())
    print(f"tpuc transform --model-def {out} --mlir OUT/m.mlir {' '.join(m.args)}")
