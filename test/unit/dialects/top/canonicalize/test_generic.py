"""The generic Top rewrites preserve the interpreter's results.

For each pattern of cast.py, expand.py, tile.py, slice.py, pad.py, concat.py, split_identity.py,
add_identity.py, sub.py, mul.py, div.py, batchnorm.py, layernorm_fusion.py, gelu_fusion.py, and
for the ``top-cse`` pass: small modules (IR text) where the rewrite fires, run by the interpreter
on seeded random inputs (plus NaN/inf/-0 for the arithmetic identities) before and after
``top-canonicalize`` with only that pattern enabled; the pattern must have fired and the outputs
must agree (bit-exactly for the no-ops, else to float32 rounding), with the graph output names
kept. The must-not-fire preconditions are covered by the lit tests ``generic_*.mlir``.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from canonicalize_util import PATTERNS, assert_same_outputs, find, only, op_names, random_inputs, rnd

from tpuc.compiler.ir_io import parse_module
from tpuc.compiler.pipeline import run_pipeline
from tpuc.compiler.weights import WeightStore, attach_store
from tpuc.dialects.top import interpreter
from tpuc.dialects.top.canonicalize import STATS
from tpuc.dialects.top.transforms.cse import TopCSEPass


GENERIC = {
    "CastIdentity", "ExpandIdentity", "TileIdentity", "SliceIdentity", "PadIdentity", "PadFoldIntoConsumer",
    "ConcatDropEmpty", "ConcatIdentity", "SplitIdentity", "AddZero", "SubZero", "MulOne", "DivOne",
    "BatchNormFoldIntoConv", "BatchNormAbsorbScaleShift", "LayerNormFusion", "GeluErfFusion", "GeluTanhFusion",
    "ConvSiblingMerge", "SplitUnaryHoist",
}


def test_generic_patterns_registered():
    assert GENERIC <= set(PATTERNS)



def check(ir: str, weights: dict[str, np.ndarray] | None, names: tuple[str, ...] | None, *, fired: int = 1,
          exact: bool = False, rtol: float = 1e-5, atol: float = 1e-6, inputs: dict | None = None, seed: int = 0):
    """Run ``ir`` before and after ``top-canonicalize`` with only ``names`` enabled (or after
    ``top-cse`` when ``names`` is None) and compare. Each pattern must fire ``fired`` times or more.
    Returns the rewritten module."""
    module = parse_module(ir)
    module.verify()
    store = WeightStore({k: np.asarray(v) for k, v in (weights or {}).items()})
    attach_store(module, store)
    inputs = inputs if inputs is not None else random_inputs(module, seed, int_range=(-5, 6))
    before = interpreter.run(module, store, inputs)
    names_before = interpreter.output_names(module)
    STATS.clear()
    if names is None:
        TopCSEPass().apply(None, module)
        assert STATS["TopCSE"] >= fired, dict(STATS)
    else:
        run_pipeline(module, only(*names))
        for n in names:
            assert STATS[n] >= fired, f"{n} fired {STATS[n]} times, expected >= {fired}: {dict(STATS)}"
    module.verify()
    after = interpreter.run(module, store, inputs)
    assert_same_outputs(before, after, exact=exact, rtol=rtol, atol=atol)
    assert interpreter.output_names(module) == names_before
    return module


def ttype(shape, dt: str = "f32") -> str:
    return "tensor<" + "".join(f"{d}x" for d in shape) + dt + ">"


# ------------------------------------------------------------------------- no-op data movement

NOOPS = {
    "CastIdentity": 'top.Cast(%0) {to = "f32"}',
    "ExpandIdentity": "top.Expand(%0) {shape = array<i64: 2, 3, 4>}",
    "TileIdentity": "top.Tile(%0) {tile = array<i64: 1, 1, 1>}",
    "SliceIdentity": "top.Slice(%0) {offset = array<i64: 0, 0, 0>, ends = array<i64: 2, 3, 4>, steps = array<i64: 1, 1, 1>}",
    "PadIdentity": 'top.Pad(%0) {paddings = array<i64: 0, 0, 0, 0, 0, 0>, mode = "reflect"}',
    "ConcatIdentity": "top.Concat(%0) {axis = 2 : i64}",
    "SplitIdentity": "top.Split(%0) {axis = 1 : i64, split_size = array<i64: 3>}",
}

NOOP_IR = """
func.func @main(%arg0: tensor<2x3x4xf32>) -> tensor<2x3x4xf32> {
  %0 = top.Input(%arg0) : (tensor<2x3x4xf32>) -> tensor<2x3x4xf32> loc("x")
  %1 = OP : (tensor<2x3x4xf32>) -> tensor<2x3x4xf32> loc("noop")
  %2 = top.Sigmoid(%1) : (tensor<2x3x4xf32>) -> tensor<2x3x4xf32> loc("y")
  func.return %2 : tensor<2x3x4xf32>
}
"""


@pytest.mark.parametrize("pattern", sorted(NOOPS))
def test_noop_removed(pattern):
    m = check(NOOP_IR.replace("OP", NOOPS[pattern]), None, (pattern,), exact=True)
    assert op_names(m) == ["top.Input", "top.Sigmoid"]


def test_concat_drop_empty():
    ir = """
func.func @main(%arg0: tensor<2x3xf32>, %arg1: tensor<2x0xf32>, %arg2: tensor<2x1xf32>) -> tensor<2x4xf32> {
  %0 = top.Input(%arg0) : (tensor<2x3xf32>) -> tensor<2x3xf32> loc("x")
  %1 = top.Input(%arg1) : (tensor<2x0xf32>) -> tensor<2x0xf32> loc("e")
  %2 = top.Input(%arg2) : (tensor<2x1xf32>) -> tensor<2x1xf32> loc("z")
  %3 = top.Concat(%1, %0, %1, %2) {axis = 1 : i64} : (tensor<2x0xf32>, tensor<2x3xf32>, tensor<2x0xf32>, tensor<2x1xf32>) -> tensor<2x4xf32> loc("c")
  func.return %3 : tensor<2x4xf32>
}
"""
    m = check(ir, None, ("ConcatDropEmpty",), exact=True)
    assert len(find(m, "c").operands) == 2


# ------------------------------------------------------------------------------- x+0, x-0, x*1, x/1

ARITH_IR = """
builtin.module attributes {module.weight_file = "w.npz"} {
  func.func @main(%arg0: XT) -> XT {
    %0 = top.Input(%arg0) : (XT) -> XT loc("x")
    %1 = top.Weight() : () -> WT loc("c")
    %2 = top.OP(OPERANDS) : (TYPES) -> XT loc("r")
    %3 = top.Abs(%2) : (XT) -> XT loc("y")
    func.return %3 : XT
  }
}
"""

ARITH = [("AddZero", "Add", 0, True), ("SubZero", "Sub", 0, False), ("MulOne", "Mul", 1, True), ("DivOne", "Div", 1, False)]


def arith_ir(op: str, xs, ws, dt: str, weight_first: bool) -> str:
    xt, wt = ttype(xs, dt), ttype(ws, dt)
    operands, types = ("%1, %0", f"{wt}, {xt}") if weight_first else ("%0, %1", f"{xt}, {wt}")
    return (ARITH_IR.replace("XT", xt).replace("WT", wt).replace("OPERANDS", operands).replace("OP", op)
            .replace("TYPES", types))


@pytest.mark.parametrize("pattern,op,c,commutes", ARITH)
@pytest.mark.parametrize("wshape", [(), (1,), (4,), (3, 1), (2, 3, 4), (1, 1, 1)])
@pytest.mark.parametrize("weight_first", [False, True])
def test_arith_identity(pattern, op, c, commutes, wshape, weight_first):
    if weight_first and not commutes:
        pytest.skip("0 - x and 1 / x are not identities (lit: generic_arith.mlir)")
    xs = (2, 3, 4)
    special = np.array([np.nan, np.inf, -np.inf, -0.0, 0.0, 1e-45, -3.5, 3e38], np.float32)
    x = np.resize(special, xs).astype(np.float32)
    w = {"c": np.full(wshape, -0.0 if c == 0 else c, np.float32)}
    m = check(arith_ir(op, xs, wshape, "f32", weight_first), w, (pattern,), exact=True, inputs={"x": x})
    assert f"top.{op}" not in op_names(m)


@pytest.mark.parametrize("pattern,op,c,commutes", ARITH)
@pytest.mark.parametrize("dt,npdt", [("i64", np.int64), ("i32", np.int32), ("f16", np.float16)])
def test_arith_identity_dtypes(pattern, op, c, commutes, dt, npdt):
    m = check(arith_ir(op, (3, 4), (4,), dt, False), {"c": np.full(4, c, npdt)}, (pattern,), exact=True)
    assert f"top.{op}" not in op_names(m)


def test_add_zero_variadic_keeps_name():
    ir = """
builtin.module attributes {module.weight_file = "w.npz"} {
  func.func @main(%arg0: tensor<3x4xf32>, %arg1: tensor<4xf32>) -> tensor<3x4xf32> {
    %0 = top.Input(%arg0) : (tensor<3x4xf32>) -> tensor<3x4xf32> loc("x")
    %1 = top.Input(%arg1) : (tensor<4xf32>) -> tensor<4xf32> loc("b")
    %2 = top.Weight() : () -> tensor<3x4xf32> loc("z")
    %3 = top.Add(%1, %2, %0) : (tensor<4xf32>, tensor<3x4xf32>, tensor<3x4xf32>) -> tensor<3x4xf32> loc("sum")
    func.return %3 : tensor<3x4xf32>
  }
}
"""
    m = check(ir, {"z": np.zeros((3, 4), np.float32)}, ("AddZero",), exact=True)
    assert len(find(m, "sum").operands) == 2


# ------------------------------------------------------------------------------------ batchnorm

BN_CONV_IR = """
builtin.module attributes {module.weight_file = "w.npz"} {
  func.func @main(%arg0: tensor<2x4x6x6xf32>) -> OUT {
    %0 = top.Input(%arg0) : (tensor<2x4x6x6xf32>) -> tensor<2x4x6x6xf32> loc("x")
    %w = top.Weight() : () -> WT loc("w")
    %b = BIAS
    %n = top.None() : () -> none loc("none")
    %1 = top.CONV(%0, %w, %b) {kernel_shape = array<i64: 3, 3>, strides = array<i64: 2, 2>, pads = array<i64: 1, 0, 1, 1>, group = G : i64} : (tensor<2x4x6x6xf32>, WT, BT) -> OUT loc("conv")
    %m = top.Weight() : () -> tensor<OCxf32> loc("mean")
    %v = top.Weight() : () -> tensor<OCxf32> loc("var")
    %g = GAMMA
    %be = BETA
    %2 = top.BatchNorm(%1, %m, %v, %g, %be) {epsilon = 1.0e-03 : f64 RELU} : (OUT, tensor<OCxf32>, tensor<OCxf32>, GT, BET) -> OUT loc("bn")
    func.return %2 : OUT
  }
}
"""


def bn_conv_ir(conv: str, group: int, bias: bool, gamma: bool, beta: bool, relu: bool) -> tuple[str, dict]:
    oc = 6
    if conv == "Conv":
        ws, out = (oc, 4 // group, 3, 3), "tensor<2x6x3x3xf32>"
    else:  # Deconv: [C, OC/group, K, K]; out = 2 (6 - 1) + 3 - 1 - 1 = 11 (H), 12 (W)
        ws, out = (4, oc // group, 3, 3), "tensor<2x6x11x12xf32>"
    vec = f"tensor<{oc}xf32>"
    ir = (BN_CONV_IR.replace("CONV", conv).replace("WT", ttype(ws)).replace("OUT", out).replace("G :", f"{group} :")
          .replace("OC", str(oc))
          .replace("BIAS", f'top.Weight() : () -> {vec} loc("cb")' if bias else 'top.None() : () -> none loc("nb")')
          .replace("BT", vec if bias else "none")
          .replace("GAMMA", f'top.Weight() : () -> {vec} loc("gamma")' if gamma else 'top.None() : () -> none loc("ng")')
          .replace("GT", vec if gamma else "none")
          .replace("BETA", f'top.Weight() : () -> {vec} loc("beta")' if beta else 'top.None() : () -> none loc("nbe")')
          .replace("BET", vec if beta else "none")
          .replace(" RELU", ", do_relu = true" if relu else ""))
    weights = {"w": rnd(*ws), "cb": rnd(oc, seed=2), "mean": rnd(oc, seed=3), "var": np.abs(rnd(oc, seed=4)) + 0.1,
               "gamma": rnd(oc, seed=5), "beta": rnd(oc, seed=6)}
    return ir, weights


@pytest.mark.parametrize("conv,group", [("Conv", 1), ("Conv", 2), ("Deconv", 1), ("Deconv", 2)])
@pytest.mark.parametrize("bias,gamma,beta,relu", [(True, True, True, False), (False, True, True, True),
                                                  (True, False, False, False), (False, False, True, True)])
def test_batchnorm_fold_into_conv(conv, group, bias, gamma, beta, relu):
    ir, weights = bn_conv_ir(conv, group, bias, gamma, beta, relu)
    m = check(ir, weights, ("BatchNormFoldIntoConv",), rtol=1e-4, atol=1e-5)
    assert "top.BatchNorm" not in op_names(m)
    new = find(m, "bn")
    assert new.name == f"top.{conv}" and new.p("do_relu", False) is relu


BN_ABSORB_IR = """
builtin.module attributes {module.weight_file = "w.npz"} {
  func.func @main(%arg0: tensor<2x3x4x5xf32>) -> tensor<2x3x4x5xf32> {
    %0 = top.Input(%arg0) : (tensor<2x3x4x5xf32>) -> tensor<2x3x4x5xf32> loc("x")
    %m = top.Weight() : () -> tensor<3xf32> loc("mean")
    %v = top.Weight() : () -> tensor<3xf32> loc("var")
    %g = GAMMA
    %be = top.Weight() : () -> tensor<3xf32> loc("beta")
    %1 = top.BatchNorm(%0, %m, %v, %g, %be) {epsilon = 1.0e-05 : f64} : (tensor<2x3x4x5xf32>, tensor<3xf32>, tensor<3xf32>, GT, tensor<3xf32>) -> tensor<2x3x4x5xf32> loc("bn")
    %s = top.Weight() : () -> ST loc("s")
    %2 = top.OP(OPERANDS) RELU : (TYPES) -> tensor<2x3x4x5xf32> loc("y")
    func.return %2 : tensor<2x3x4x5xf32>
  }
}
"""


@pytest.mark.parametrize("op", ["Mul", "Add"])
@pytest.mark.parametrize("sshape", [(3, 1, 1), (1, 3, 1, 1), (), (1,), (1, 1, 1)])
@pytest.mark.parametrize("gamma,first,relu", [(True, False, False), (False, True, True)])
def test_batchnorm_absorb_scale_shift(op, sshape, gamma, first, relu):
    st, xt = ttype(sshape), "tensor<2x3x4x5xf32>"
    ir = (BN_ABSORB_IR.replace("OPERANDS", "%s, %1" if first else "%1, %s").replace("OP", op).replace("ST", st)
          .replace("GAMMA", 'top.Weight() : () -> tensor<3xf32> loc("gamma")' if gamma else 'top.None() : () -> none loc("ng")')
          .replace("GT", "tensor<3xf32>" if gamma else "none")
          .replace("TYPES", f"{st}, {xt}" if first else f"{xt}, {st}")
          .replace(" RELU", " {do_relu = true}" if relu else ""))
    weights = {"mean": rnd(3), "var": np.abs(rnd(3, seed=2)) + 0.5, "gamma": rnd(3, seed=3), "beta": rnd(3, seed=4),
               "s": rnd(*sshape, seed=5)}
    m = check(ir, weights, ("BatchNormAbsorbScaleShift",), rtol=1e-4, atol=1e-5)
    assert op_names(m).count("top.BatchNorm") == 1 and f"top.{op}" not in op_names(m)
    assert find(m, "y").name == "top.BatchNorm"


# ------------------------------------------------------------------------------------- pad fold

PAD_IR = """
builtin.module attributes {module.weight_file = "w.npz"} {
  func.func @main(%arg0: tensor<1x2x7x6xf32>) -> OUT {
    %0 = top.Input(%arg0) : (tensor<1x2x7x6xf32>) -> tensor<1x2x7x6xf32> loc("x")
    %1 = top.Pad(%0) {paddings = array<i64: 0, 0, PB, 0, 0, PE>, mode = "constant", val = VAL : f64} : (tensor<1x2x7x6xf32>) -> PT loc("pad")
    %2 = CONSUMER loc("y")
    func.return %2 : OUT
  }
}
"""


def pad_case(kind: str, pb, pe, own_b, own_e, **kw):
    from tpuc.dialects.top.ops.nn import conv_out_dim, pool_out_dim

    h, w = 7 + pb[0] + pe[0], 6 + pb[1] + pe[1]
    pt = f"tensor<1x2x{h}x{w}xf32>"
    k, s = (3, 2), (2, 1)
    pads = f"array<i64: {own_b[0]}, {own_b[1]}, {own_e[0]}, {own_e[1]}>"
    common = f"kernel_shape = array<i64: {k[0]}, {k[1]}>, strides = array<i64: {s[0]}, {s[1]}>, pads = {pads}"
    dims = [h, w]
    if kind == "Conv":
        oh, ow = (conv_out_dim(dims[i], k[i], s[i], own_b[i], own_e[i], 1) for i in range(2))
        out = f"tensor<1x3x{oh}x{ow}xf32>"
        cons = f"top.Conv(%1, %w, %n) {{{common}}} : ({pt}, tensor<3x2x3x2xf32>, none) -> {out}"
        cons = ('%w = top.Weight() : () -> tensor<3x2x3x2xf32> loc("w")\n    %n = top.None() : () -> none loc("none")\n    '
                + "%2 = " + cons)
        val = "0.0"
    else:
        oh, ow = (pool_out_dim(dims[i], k[i], s[i], own_b[i], own_e[i], 1, False) for i in range(2))
        out = f"tensor<1x2x{oh}x{ow}xf32>"
        extra = ", count_include_pad = true" if kw.get("incl") else ""
        cons = "%2 = " + f"top.{kind}(%1) {{{common}{extra}}} : ({pt}) -> {out}"
        val = "0xFFF0000000000000" if kind == "MaxPool" else "0.0"
    ir = (PAD_IR.replace("%2 = CONSUMER", cons).replace("OUT", out).replace("PT", pt).replace("VAL", val)
          .replace("PB", f"{pb[0]}, {pb[1]}").replace("PE", f"{pe[0]}, {pe[1]}"))
    return ir, {"w": rnd(3, 2, 3, 2)}


@pytest.mark.parametrize("kind,own,incl", [("Conv", ((0, 0), (0, 0)), False), ("Conv", ((1, 0), (0, 2)), False),
                                           ("AvgPool", ((0, 0), (0, 0)), False), ("AvgPool", ((1, 0), (0, 1)), True),
                                           ("MaxPool", ((0, 0), (0, 0)), False), ("MaxPool", ((0, 1), (1, 0)), False)])
@pytest.mark.parametrize("pb,pe", [((1, 1), (1, 0)), ((0, 1), (2, 0)), ((1, 0), (0, 0))])
def test_pad_fold_into_consumer(kind, own, incl, pb, pe):
    own_b, own_e = own
    if kind != "Conv" and any(o + p > k - 1 for o, p, k in zip(own_b + own_e, pb + pe, (3, 2, 3, 2))):
        pytest.skip("the summed pads would reach the pooling window (lit: generic_pad_fold.mlir)")
    ir, weights = pad_case(kind, pb, pe, own_b, own_e, incl=incl)
    m = check(ir, weights, ("PadFoldIntoConsumer",), exact=kind == "MaxPool", rtol=1e-5, atol=1e-5)
    assert "top.Pad" not in op_names(m)


# ------------------------------------------------------------------------------------ layernorm

LN_IR = """
builtin.module attributes {module.weight_file = "w.npz"} {
  func.func @main(%arg0: tensor<2x5x8xf32>) -> tensor<2x5x8xf32> {
    %0 = top.Input(%arg0) : (tensor<2x5x8xf32>) -> tensor<2x5x8xf32> loc("x")
    %1 = top.Reduce(%0) {axes = array<i64: AXES>, keepdims = 1 : i64, mode = "ReduceMean"} : (tensor<2x5x8xf32>) -> RT loc("mean")
    %2 = top.Sub(%0, %1) : (tensor<2x5x8xf32>, RT) -> tensor<2x5x8xf32> loc("d")
    SQUARE
    %4 = top.Reduce(%3) {axes = array<i64: AXES>, keepdims = 1 : i64, mode = "ReduceMean"} : (tensor<2x5x8xf32>) -> RT loc("var")
    %eps = top.Weight() : () -> tensor<1xf32> loc("eps")
    %5 = top.Add(%4, %eps) : (RT, tensor<1xf32>) -> RT loc("ve")
    %6 = top.Sqrt(%5) : (RT) -> RT loc("std")
    NORMALISE
    TAIL
    func.return %LAST : tensor<2x5x8xf32>
  }
}
"""


def ln_ir(axes: tuple[int, ...], pow_form: bool, div_form: bool, gamma_shape, beta_shape) -> str:
    rt = "tensor<2x1x1xf32>" if len(axes) == 2 else "tensor<2x5x1xf32>"
    xt = "tensor<2x5x8xf32>"
    square = (f'%two = top.Weight() : () -> tensor<f32> loc("two")\n    %3 = top.Pow(%2, %two) : ({xt}, tensor<f32>) -> {xt} loc("sq")'
              if pow_form else f'%3 = top.Mul(%2, %2) : ({xt}, {xt}) -> {xt} loc("sq")')
    if div_form:
        norm = f'%7 = top.Div(%2, %6) : ({xt}, {rt}) -> {xt} loc("n")'
    else:
        norm = (f'%r = top.Reciprocal(%6) : ({rt}) -> {rt} loc("rstd")\n'
                f'    %7 = top.Mul(%r, %2) : ({rt}, {xt}) -> {xt} loc("n")')
    tail, last = [], "7"
    if gamma_shape is not None:
        gt = ttype(gamma_shape)
        tail += [f'%g = top.Weight() : () -> {gt} loc("gamma")',
                 f'%8 = top.Mul(%g, %7) : ({gt}, {xt}) -> {xt} loc("scaled")']
        last = "8"
    if beta_shape is not None:
        bt = ttype(beta_shape)
        tail += [f'%b = top.Weight() : () -> {bt} loc("beta")',
                 f'%9 = top.Add(%{last}, %b) : ({xt}, {bt}) -> {xt} loc("shifted")']
        last = "9"
    tail.append(f'%y = top.Tanh(%{last}) : ({xt}) -> {xt} loc("y")')
    return (LN_IR.replace("SQUARE", square).replace("NORMALISE", norm)
            .replace("TAIL", "\n    ".join(tail)).replace("%LAST", "%y").replace("RT", rt)
            .replace("AXES", ", ".join(map(str, axes))))


@pytest.mark.parametrize("axes,gamma_shape,beta_shape", [
    ((-1,), (8,), (8,)), ((2,), (1, 1, 8), None), ((2,), None, (8,)), ((2,), None, None), ((2,), (), (1,)),
    ((1, 2), (5, 8), (1, 8)), ((-2, -1), (8,), (5, 8)),
])
@pytest.mark.parametrize("pow_form,div_form", [(True, True), (False, False), (True, False)])
def test_layernorm_fusion(axes, gamma_shape, beta_shape, pow_form, div_form):
    ir = ln_ir(axes, pow_form, div_form, gamma_shape, beta_shape)
    weights = {"eps": np.array([1e-5], np.float32), "two": np.array(2.0, np.float32)}
    if gamma_shape is not None:
        weights["gamma"] = rnd(*gamma_shape, seed=2)
    if beta_shape is not None:
        weights["beta"] = rnd(*beta_shape, seed=3)
    m = check(ir, weights, ("LayerNormFusion",), rtol=1e-5, atol=2e-6)
    assert op_names(m).count("top.LayerNorm") == 1 and "top.Reduce" not in op_names(m)
    last = "shifted" if beta_shape is not None else "scaled" if gamma_shape is not None else "n"
    ln = find(m, last)
    assert ln.name == "top.LayerNorm" and ln.p("axis") == (1 if len(axes) == 2 else 2)


# ----------------------------------------------------------------------------------------- gelu

GELU_IR = """
builtin.module attributes {module.weight_file = "w.npz"} {
  func.func @main(%arg0: tensor<3x16xf32>) -> tensor<3x16xf32> {
    %x = top.Input(%arg0) : (tensor<3x16xf32>) -> tensor<3x16xf32> loc("x")
    %one = top.Weight() : () -> tensor<f32> loc("one")
    %half = top.Weight() : () -> tensor<f32> loc("half")
    BODY
    %y = top.Neg(%g) : (tensor<3x16xf32>) -> tensor<3x16xf32> loc("y")
    func.return %y : tensor<3x16xf32>
  }
}
"""

T = "tensor<3x16xf32>"
S = "tensor<f32>"


SCALARS = {"%half", "%one", "%k", "%c", "%r", "%s2", "%three"}


def mul(out: str, a: str, b: str, name: str) -> str:
    ta = S if a in SCALARS else T
    tb = S if b in SCALARS else T
    return f'%{out} = top.Mul({a}, {b}) : ({ta}, {tb}) -> {T} loc("{name}")'


def outer_ops(order: str, f: str) -> list[str]:
    add = f'%a = top.Add(%one, {f}) : ({S}, {T}) -> {T} loc("a")'
    if order == "pytorch":  # (x * (1 + f)) * 0.5
        return [add, mul("m", "%x", "%a", "m"), mul("g", "%m", "%half", "gelu")]
    if order == "half_first":  # x * ((1 + f) * 0.5)
        return [add, mul("h", "%half", "%a", "h"), mul("g", "%x", "%h", "gelu")]
    return [mul("xh", "%x", "%half", "xh"), add, mul("g", "%a", "%xh", "gelu")]  # (x * 0.5) * (1 + f)


@pytest.mark.parametrize("order", ["pytorch", "half_first", "x_half"])
@pytest.mark.parametrize("div", [True, False])
def test_gelu_erf_fusion(order, div):
    if div:
        inner = [f'%s2 = top.Weight() : () -> {S} loc("sqrt2")', f'%d = top.Div(%x, %s2) : ({T}, {S}) -> {T} loc("d")']
    else:
        inner = [f'%r = top.Weight() : () -> {S} loc("rsqrt2")', mul("d", "%r", "%x", "d")]
    body = inner + [f'%e = top.Erf(%d) : ({T}) -> {T} loc("e")'] + outer_ops(order, "%e")
    weights = {"one": np.float32(1.0), "half": np.float32(0.5), "sqrt2": np.float32(math.sqrt(2)),
               "rsqrt2": np.float32(1 / math.sqrt(2))}
    x = np.linspace(-6, 6, 48, dtype=np.float32).reshape(3, 16)
    m = check(GELU_IR.replace("BODY", "\n    ".join(body)), weights, ("GeluErfFusion",), inputs={"x": x})
    assert op_names(m) == ["top.Input", "top.GELU", "top.Neg"]
    assert find(m, "gelu").p("approx_mode") is None


@pytest.mark.parametrize("order", ["pytorch", "half_first", "x_half"])
@pytest.mark.parametrize("cube", ["pow", "mul_left", "mul_right"])
def test_gelu_tanh_fusion(order, cube):
    cubes = {
        "pow": [f'%three = top.Weight() : () -> {S} loc("three")',
                f'%cu = top.Pow(%x, %three) : ({T}, {S}) -> {T} loc("cu")'],
        "mul_left": [mul("sq", "%x", "%x", "sq"), mul("cu", "%sq", "%x", "cu")],
        "mul_right": [mul("sq", "%x", "%x", "sq"), mul("cu", "%x", "%sq", "cu")],
    }[cube]
    body = cubes + [
        f'%k = top.Weight() : () -> {S} loc("k")', mul("kc", "%k", "%cu", "kc"),
        f'%in = top.Add(%x, %kc) : ({T}, {T}) -> {T} loc("in")',
        f'%c = top.Weight() : () -> {S} loc("c")', mul("sc", "%in", "%c", "sc"),
        f'%t = top.Tanh(%sc) : ({T}) -> {T} loc("t")',
    ] + outer_ops(order, "%t")
    weights = {"one": np.float32(1.0), "half": np.float32(0.5), "three": np.float32(3.0),
               "k": np.float32(0.044715), "c": np.float32(math.sqrt(2 / math.pi))}
    x = np.linspace(-6, 6, 48, dtype=np.float32).reshape(3, 16)
    m = check(GELU_IR.replace("BODY", "\n    ".join(body)), weights, ("GeluTanhFusion",), inputs={"x": x},
              atol=2e-6)
    assert op_names(m) == ["top.Input", "top.GELU", "top.Neg"]
    assert find(m, "gelu").p("approx_mode") == "tanh"


# ------------------------------------------------------------------------------------------ cse

CSE_IR = """
builtin.module attributes {module.weight_file = "w.npz"} {
  func.func @main(%arg0: tensor<4x8xf32>) -> (tensor<4x8xf32>, tensor<4x8xf32>) {
    %0 = top.Input(%arg0) : (tensor<4x8xf32>) -> tensor<4x8xf32> loc("x")
    %w1 = top.Weight() : () -> tensor<8x8xf32> loc("w")
    %w2 = top.Weight() : () -> tensor<8x8xf32> loc("w")
    %v = top.Weight() : () -> tensor<8x8xf32> loc("v")
    %n1 = top.None() : () -> none loc("none")
    %n2 = top.None() : () -> none loc("none_1")
    %1 = top.MatMul(%0, %w1, %n1) : (tensor<4x8xf32>, tensor<8x8xf32>, none) -> tensor<4x8xf32> loc("mm1")
    %2 = top.MatMul(%0, %w2, %n2) : (tensor<4x8xf32>, tensor<8x8xf32>, none) -> tensor<4x8xf32> loc("mm2")
    %3 = top.MatMul(%0, %v, %n2) : (tensor<4x8xf32>, tensor<8x8xf32>, none) -> tensor<4x8xf32> loc("mv")
    %4 = top.Add(%1, %3) : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32> loc("a1")
    %5 = top.Add(%3, %2) : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32> loc("a2")
    %6 = top.Sub(%4, %5) : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32> loc("zero")
    %7 = top.Sigmoid(%5) : (tensor<4x8xf32>) -> tensor<4x8xf32> loc("out2")
    func.return %6, %7 : tensor<4x8xf32>, tensor<4x8xf32>
  }
}
"""


def test_cse():
    m = check(CSE_IR, {"w": rnd(8, 8), "v": rnd(8, 8, seed=2)}, None, fired=4, exact=True)
    assert op_names(m).count("top.MatMul") == 2 and op_names(m).count("top.Weight") == 2
    sub = find(m, "zero")
    assert sub.operands[0] is sub.operands[1]  # a1 and a2 merged: x - x stays a Sub (NaN-safe)


# ------------------------------------------------------------------- sibling Conv merge (inception)

SIBLINGS_IR = """
builtin.module attributes {module.weight_file = "w.npz"} {
  func.func @main(%arg0: tensor<1x4x6x6xf32>) -> (tensor<1x8x8x8xf32>, tensor<1x3x8x8xf32>, tensor<1x5x8x8xf32>) {
    %0 = top.Input(%arg0) : (tensor<1x4x6x6xf32>) -> tensor<1x4x6x6xf32> loc("x")
    %w1 = top.Weight() : () -> tensor<8x4x3x3xf32> loc("w1")
    %b1 = top.Weight() : () -> tensor<8xf32> loc("b1")
    %w2 = top.Weight() : () -> tensor<3x4x3x3xf32> loc("w2")
    %n = top.None() : () -> none loc("none")
    %w3 = top.Weight() : () -> tensor<5x4x3x3xf32> loc("w3")
    %b3 = top.Weight() : () -> tensor<5xf32> loc("b3")
    %1 = top.Conv(%0, %w1, %b1) {kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 2, 2, 2, 2>} : (tensor<1x4x6x6xf32>, tensor<8x4x3x3xf32>, tensor<8xf32>) -> tensor<1x8x8x8xf32> loc("c1")
    %2 = top.Conv(%0, %w2, %n) {kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 2, 2, 2, 2>} : (tensor<1x4x6x6xf32>, tensor<3x4x3x3xf32>, none) -> tensor<1x3x8x8xf32> loc("c2")
    %3 = top.Conv(%0, %w3, %b3) {kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 2, 2, 2, 2>} : (tensor<1x4x6x6xf32>, tensor<5x4x3x3xf32>, tensor<5xf32>) -> tensor<1x5x8x8xf32> loc("c3")
    %4 = top.Relu(%1) : (tensor<1x8x8x8xf32>) -> tensor<1x8x8x8xf32> loc("r1")
    %5 = top.Relu(%2) : (tensor<1x3x8x8xf32>) -> tensor<1x3x8x8xf32> loc("r2")
    %6 = top.Relu(%3) : (tensor<1x5x8x8xf32>) -> tensor<1x5x8x8xf32> loc("r3")
    func.return %4, %5, %6 : tensor<1x8x8x8xf32>, tensor<1x3x8x8xf32>, tensor<1x5x8x8xf32>
  }
}
"""


def test_conv_sibling_merge_and_relu_hoist():
    weights = {"w1": rnd(8, 4, 3, 3), "b1": rnd(8, seed=2), "w2": rnd(3, 4, 3, 3, seed=3), "w3": rnd(5, 4, 3, 3, seed=4),
               "b3": rnd(5, seed=5)}
    m = check(SIBLINGS_IR, weights, ("ConvSiblingMerge",), rtol=1e-6, atol=1e-6)
    assert op_names(m).count("top.Conv") == 1 and "top.Split" in op_names(m)
    m = check(SIBLINGS_IR, weights, ("ConvSiblingMerge", "SplitUnaryHoist"), rtol=1e-6, atol=1e-6)
    assert op_names(m).count("top.Relu") == 1 and op_names(m).count("top.Conv") == 1
