"""The seed rewrites preserve the interpreter's results (random inputs, before/after).

One small module per rewrite: run it with the Top interpreter, apply ``top-canonicalize`` with
only the pattern(s) under test enabled, check that they fired and that every output agrees
(exactly for logic and data movement, rtol 1e-5 otherwise) and keeps its name. Plus the
preconditions that make a rewrite refuse (NaN, broadcasting, other users), the Slice
composition against numpy on every small case, the value-range analysis, and the opt-in
``top-slice-to-conv`` pass.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from canonicalize_util import PATTERNS, assert_same_outputs, find, only, op_names, random_inputs, rnd

from tpuc.compiler.ir_io import parse_module
from tpuc.compiler.pipeline import run_pipeline
from tpuc.compiler.weights import WeightStore, attach_store
from tpuc.dialects.top import interpreter
from tpuc.dialects.top.base import name_of
from tpuc.dialects.top.canonicalize import STATS
from tpuc.dialects.top.canonicalize.slice_merge import compose
from tpuc.dialects.top.ops.shape import slice_length

ALL = PATTERNS


def check(ir: str, weights: dict | None, patterns: tuple[str, ...] | str, *, fired: dict[str, int],
          exact: bool = False, seeds=(0, 1, 2), special: bool = False, rtol: float = 1e-5, atol: float = 1e-6):
    """Run before/after; ``fired`` gives exact firing counts (0 = must not fire)."""
    module = parse_module(ir)
    module.verify()
    store = WeightStore({k: np.asarray(v) for k, v in (weights or {}).items()})
    attach_store(module, store)
    inputs = [random_inputs(module, s, special=special) for s in seeds]
    before = [interpreter.run(module, store, i) for i in inputs]
    names = interpreter.output_names(module)
    STATS.clear()
    run_pipeline(module, only(*patterns) if isinstance(patterns, tuple) else patterns)
    for p, n in fired.items():
        assert STATS[p] == n, f"{p} fired {STATS[p]} times, expected {n}: {dict(STATS)}"
    module.verify()
    for inp, b_outs in zip(inputs, before):
        a_outs = interpreter.run(module, store, inp)
        assert_same_outputs(b_outs, a_outs, exact=exact, rtol=rtol, atol=atol)
    assert interpreter.output_names(module) == names
    return module


MOD = 'builtin.module attributes {module.weight_file = "w.npz"} {\n%s\n}'

# ------------------------------------------------------------------------------ not_.py

NOT_CMP = MOD % """
  func.func @main(%arg0: tensor<3x4xDT>, %arg1: tensor<4xDT>) -> tensor<3x4xi1> {
    %0 = top.Input(%arg0) : (tensor<3x4xDT>) -> tensor<3x4xDT> loc("a")
    %1 = top.Input(%arg1) : (tensor<4xDT>) -> tensor<4xDT> loc("b")
    %2 = top.Compare(%0, %1) {mode = "MODE"} : (tensor<3x4xDT>, tensor<4xDT>) -> tensor<3x4xi1> loc("c")
    %3 = top.Not(%2) : (tensor<3x4xi1>) -> tensor<3x4xi1> loc("n")
    func.return %3 : tensor<3x4xi1>
  }"""

INVERSES = {"Less": "GreaterOrEqual", "GreaterOrEqual": "Less", "Greater": "LessOrEqual",
            "LessOrEqual": "Greater", "Equal": "NotEqual", "NotEqual": "Equal"}


@pytest.mark.parametrize("mode", sorted(INVERSES))
@pytest.mark.parametrize("dt", ["i64", "i32", "i1"])
def test_not_of_compare_ints(mode, dt):
    m = check(NOT_CMP.replace("MODE", mode).replace("DT", dt), None, ("NotOfCompare",),
              fired={"NotOfCompare": 1}, exact=True)
    assert op_names(m).count("top.Not") == 0 and find(m, "n").p("mode") == INVERSES[mode]


@pytest.mark.parametrize("mode", sorted(INVERSES))
def test_not_of_compare_float_inputs(mode):
    """Float graph inputs may be NaN: only Equal/NotEqual invert (and stay exact with NaN)."""
    ordered = mode not in ("Equal", "NotEqual")
    check(NOT_CMP.replace("MODE", mode).replace("DT", "f32"), None, ("NotOfCompare",),
          fired={"NotOfCompare": 0 if ordered else 1}, exact=True, special=True)


NOT_CMP_CAST = MOD % """
  func.func @main(%arg0: tensor<3x4xi32>) -> tensor<3x4xi1> {
    %0 = top.Input(%arg0) : (tensor<3x4xi32>) -> tensor<3x4xi32> loc("a")
    %1 = top.Cast(%0) {to = "f32"} : (tensor<3x4xi32>) -> tensor<3x4xf32> loc("af")
    %2 = top.Weight() : () -> tensor<4xf32> loc("w")
    %3 = top.Compare(%1, %2) {mode = "Less"} : (tensor<3x4xf32>, tensor<4xf32>) -> tensor<3x4xi1> loc("c")
    %4 = top.Not(%3) : (tensor<3x4xi1>) -> tensor<3x4xi1> loc("n")
    func.return %4 : tensor<3x4xi1>
  }"""


def test_not_of_compare_float_proven_nan_free():
    w = np.array([-1.5, 0.0, 2.0, 3.0], np.float32)
    m = check(NOT_CMP_CAST, {"w": w}, ("NotOfCompare",), fired={"NotOfCompare": 1}, exact=True)
    assert find(m, "n").p("mode") == "GreaterOrEqual"


def test_not_of_compare_float_weight_with_nan():
    w = np.array([-1.5, np.nan, 2.0, 3.0], np.float32)
    check(NOT_CMP_CAST, {"w": w}, ("NotOfCompare",), fired={"NotOfCompare": 0}, exact=True)


NOT_NOT = """
func.func @main(%arg0: tensor<5xi1>) -> tensor<5xi1> {
  %0 = top.Input(%arg0) : (tensor<5xi1>) -> tensor<5xi1> loc("a")
  %1 = top.Not(%0) : (tensor<5xi1>) -> tensor<5xi1> loc("n1")
  %2 = top.Not(%1) : (tensor<5xi1>) -> tensor<5xi1> loc("n2")
  %3 = top.Compare(%2, %0) {mode = "Xor"} : (tensor<5xi1>, tensor<5xi1>) -> tensor<5xi1> loc("y")
  func.return %3 : tensor<5xi1>
}"""


def test_not_not():
    m = check(NOT_NOT, None, ("NotNot",), fired={"NotNot": 1}, exact=True)
    assert "top.Not" not in op_names(m)


DEMORGAN3 = """
func.func @main(%arg0: tensor<2x3xi1>, %arg1: tensor<3xi1>, %arg2: tensor<2x1xi1>) -> tensor<2x3xi1> {
  %0 = top.Input(%arg0) : (tensor<2x3xi1>) -> tensor<2x3xi1> loc("A")
  %1 = top.Input(%arg1) : (tensor<3xi1>) -> tensor<3xi1> loc("B")
  %2 = top.Input(%arg2) : (tensor<2x1xi1>) -> tensor<2x1xi1> loc("C")
  %3 = top.Not(%0) : (tensor<2x3xi1>) -> tensor<2x3xi1> loc("nA")
  %4 = top.Not(%1) : (tensor<3xi1>) -> tensor<3xi1> loc("nB")
  %5 = top.Compare(%3, %4) {mode = "OR"} : (tensor<2x3xi1>, tensor<3xi1>) -> tensor<2x3xi1> loc("o1")
  %6 = top.Compare(%5, %2) {mode = "OR"} : (tensor<2x3xi1>, tensor<2x1xi1>) -> tensor<2x3xi1> loc("o2")
  %7 = top.Not(%6) : (tensor<2x3xi1>) -> tensor<2x3xi1> loc("y")
  func.return %7 : tensor<2x3xi1>
}"""


@pytest.mark.parametrize("mode,dual", [("Or", "And"), ("And", "Or")])
def test_de_morgan_three_inputs(mode, dual):
    """The seed's ``not(not A or not B or C) = A and B and not C``: 3 Nots become 1."""
    m = check(DEMORGAN3.replace("OR", mode), None, ("DeMorgan",), fired={"DeMorgan": 1}, exact=True)
    assert op_names(m).count("top.Not") == 1 and find(m, "C_not").name == "top.Not"
    assert find(m, "y").p("mode") == dual and [o for o in op_names(m) if o == "top.Compare"] == ["top.Compare"] * 2


DEMORGAN2 = """
func.func @main(%arg0: tensor<4xi1>, %arg1: tensor<4xi64>, %arg2: tensor<4xi64>) -> tensor<4xi1> {
  %0 = top.Input(%arg0) : (tensor<4xi1>) -> tensor<4xi1> loc("A")
  %1 = top.Input(%arg1) : (tensor<4xi64>) -> tensor<4xi64> loc("p")
  %2 = top.Input(%arg2) : (tensor<4xi64>) -> tensor<4xi64> loc("q")
  %3 = top.Compare(%1, %2) {mode = "Less"} : (tensor<4xi64>, tensor<4xi64>) -> tensor<4xi1> loc("lt")
  %4 = top.Not(%0) : (tensor<4xi1>) -> tensor<4xi1> loc("nA")
  %5 = top.Compare(LEAVES) {mode = "Or"} : (tensor<4xi1>, tensor<4xi1>) -> tensor<4xi1> loc("o")
  %6 = top.Not(%5) : (tensor<4xi1>) -> tensor<4xi1> loc("y")
  func.return %6 : tensor<4xi1>
}"""


def test_de_morgan_absorbs_invertible_compare():
    """``Not(Or(Not A, p < q))`` on ints -> ``And(A, p >= q)``: no Not left."""
    m = check(DEMORGAN2.replace("LEAVES", "%4, %3"), None, ("DeMorgan",), fired={"DeMorgan": 1}, exact=True)
    assert "top.Not" not in op_names(m) and find(m, "lt_not").p("mode") == "GreaterOrEqual"
    assert find(m, "y").p("mode") == "And"


@pytest.mark.parametrize("leaves", ["%0, %3", "%0, %0"])
def test_de_morgan_refuses_without_gain(leaves):
    """``Not(Or(A, p < q))`` would trade one Not for another; ``Not(Or(A, A))`` would add one."""
    check(DEMORGAN2.replace("LEAVES", leaves), None, ("DeMorgan",), fired={"DeMorgan": 0}, exact=True)


# ------------------------------------------------------------------------------ compare.py

EQ_CAST = MOD % """
  func.func @main(%arg0: tensor<2x5xi1>) -> tensor<2x5xi1> {
    %0 = top.Input(%arg0) : (tensor<2x5xi1>) -> tensor<2x5xi1> loc("b")
    %1 = top.Cast(%0) {to = "TO"} : (tensor<2x5xi1>) -> tensor<2x5xTO> loc("bi")
    %2 = top.Weight() : () -> tensor<CSHAPETO> loc("zero")
    %3 = top.Compare(OPERANDS) {mode = "MODE"} : (TYPES) -> tensor<2x5xi1> loc("eq")
    %4 = top.Compare(%3, %0) {mode = "Xor"} : (tensor<2x5xi1>, tensor<2x5xi1>) -> tensor<2x5xi1> loc("y")
    func.return %4, %3 : tensor<2x5xi1>, tensor<2x5xi1>
  }""".replace("-> tensor<2x5xi1> {", "-> (tensor<2x5xi1>, tensor<2x5xi1>) {")


@pytest.mark.parametrize("to", ["i32", "i64", "f32", "i8"])
@pytest.mark.parametrize("mode,value,expect_not", [("Equal", 0, True), ("Equal", 1, False),
                                                    ("NotEqual", 0, False), ("NotEqual", 1, True)])
@pytest.mark.parametrize("const_first", [False, True])
def test_compare_of_bool_cast(to, mode, value, expect_not, const_first):
    cshape = "5x"
    ct, bt = f"tensor<{cshape}{to}>", f"tensor<2x5x{to}>"
    operands, types = ("%2, %1", f"{ct}, {bt}") if const_first else ("%1, %2", f"{bt}, {ct}")
    ir = (EQ_CAST.replace("CSHAPE", cshape).replace("TO", to).replace("MODE", mode)
          .replace("OPERANDS", operands).replace("TYPES", types))
    dt = {"i32": np.int32, "i64": np.int64, "f32": np.float32, "i8": np.int8}[to]
    # "eq" is a graph output: the forms reducing to b itself must not fire (it would be renamed)
    m = check(ir, {"zero": np.full(5, value, dt)}, ("CompareOfBoolCast",),
              fired={"CompareOfBoolCast": 1 if expect_not else 0}, exact=True)
    if expect_not:
        assert find(m, "eq").name == "top.Not"


def test_compare_of_bool_cast_not_output_forwards():
    ir = (EQ_CAST.replace("CSHAPE", "").replace("TO", "i32").replace("MODE", "NotEqual")
          .replace("OPERANDS", "%1, %2").replace("TYPES", "tensor<2x5xi32>, tensor<i32>")
          .replace("func.return %4, %3 : tensor<2x5xi1>, tensor<2x5xi1>", "func.return %4 : tensor<2x5xi1>")
          .replace("-> (tensor<2x5xi1>, tensor<2x5xi1>) {", "-> tensor<2x5xi1> {"))
    m = check(ir, {"zero": np.array(0, np.int32)}, ("CompareOfBoolCast",), fired={"CompareOfBoolCast": 1}, exact=True)
    assert "top.Cast" not in op_names(m) and op_names(m).count("top.Compare") == 1


@pytest.mark.parametrize("values", [[0, 0, 1, 0, 0], [2, 2, 2, 2, 2]])
def test_compare_of_bool_cast_refuses_other_constants(values):
    ir = (EQ_CAST.replace("CSHAPE", "5x").replace("TO", "i32").replace("MODE", "Equal")
          .replace("OPERANDS", "%1, %2").replace("TYPES", "tensor<2x5xi32>, tensor<5xi32>"))
    check(ir, {"zero": np.array(values, np.int32)}, ("CompareOfBoolCast",), fired={"CompareOfBoolCast": 0}, exact=True)


# ------------------------------------------------------------------------------ where.py

WHERE = MOD % """
  func.func @main(%arg0: tensor<3x4xi1>, %arg1: tensor<3x4xf32>, %arg2: tensor<4xf32>) -> tensor<3x4xf32> {
    %0 = top.Input(%arg0) : (tensor<3x4xi1>) -> tensor<3x4xi1> loc("c")
    %1 = top.Input(%arg1) : (tensor<3x4xf32>) -> tensor<3x4xf32> loc("x")
    %2 = top.Input(%arg2) : (tensor<4xf32>) -> tensor<4xf32> loc("y")
    %3 = top.Not(%0) : (tensor<3x4xi1>) -> tensor<3x4xi1> loc("nc")
    %4 = top.Where(%3, %1, %2) : (tensor<3x4xi1>, tensor<3x4xf32>, tensor<4xf32>) -> tensor<3x4xf32> loc("w")
    func.return %4 : tensor<3x4xf32>
  }"""


def test_where_of_not():
    m = check(WHERE, None, ("WhereOfNot",), fired={"WhereOfNot": 1}, exact=True, special=True)
    assert "top.Not" not in op_names(m)


WHERE_CAST = MOD % """
  func.func @main(%arg0: tensor<3x4xi1>) -> tensor<3x4xDT> {
    %0 = top.Input(%arg0) : (tensor<3x4xi1>) -> tensor<3x4xi1> loc("c")
    %1 = top.Weight() : () -> tensor<DT> loc("t")
    %2 = top.Weight() : () -> tensor<1xDT> loc("f")
    %3 = top.Where(%0, %1, %2) : (tensor<3x4xi1>, tensor<DT>, tensor<1xDT>) -> tensor<3x4xDT> loc("w")
    func.return %3 : tensor<3x4xDT>
  }"""


@pytest.mark.parametrize("dt", ["f32", "i64"])
@pytest.mark.parametrize("t,f,fires", [(1, 0, True), (0, 1, True), (1, 1, False), (2, 0, False)])
def test_where_to_cast(dt, t, f, fires):
    npdt = np.float32 if dt == "f32" else np.int64
    m = check(WHERE_CAST.replace("DT", dt), {"t": np.array(t, npdt), "f": np.array([f], npdt)}, ("WhereToCast",),
              fired={"WhereToCast": int(fires)}, exact=True)
    if fires:
        assert find(m, "w").name == "top.Cast" and "top.Where" not in op_names(m)


# ------------------------------------------------------------------------------ slice_merge.py


def test_slice_compose_matches_numpy_exhaustively():
    def norm(d, s, e, t):  # numpy's slice normalisation -> tpuc's (end -1 = through 0)
        start, stop, step = slice(s, e, t).indices(d)
        if not len(range(start, stop, step)):
            return 0, 0, t  # tpuc's importer form of an empty axis
        if step < 0 and stop < 0:
            stop = -1
        return start, stop, step

    for d in range(0, 7):
        x = np.arange(d)
        specs = [norm(d, s, e, t) for s in (None, 0, 1, -1, -3, 5) for e in (None, 0, 2, -2, 9)
                 for t in (1, 2, 3, -1, -2)]
        for s1, e1, t1 in set(specs):
            y = x[slice(s1, None if e1 < 0 else e1, t1)]
            for s2, e2, t2 in {norm(len(y), *sp) for sp in [(s, e, t) for s in (None, 0, 1, -1) for e in (None, 1, -1, 4)
                                                          for t in (1, 2, -1, -3)]}:
                want = y[slice(s2, None if e2 < 0 else e2, t2)]
                o, e, t = compose(s1, e1, t1, s2, e2, t2)
                got = x[slice(o, None if e < 0 else e, t)]
                assert slice_length(o, e, t) == len(want)
                np.testing.assert_array_equal(got, want, err_msg=str((d, (s1, e1, t1), (s2, e2, t2), (o, e, t))))
                ok = (0 <= o <= d and 0 <= e <= d) if (t > 0 or d == 0) else (0 <= o <= d - 1 and -1 <= e <= d - 1)
                assert ok, (d, (o, e, t))


SLICE2 = """
func.func @main(%arg0: tensor<2x12x9xf32>) -> tensor<OUTxf32> {
  %0 = top.Input(%arg0) : (tensor<2x12x9xf32>) -> tensor<2x12x9xf32> loc("x")
  %1 = top.Slice(%0) {offset = array<i64: O1>, ends = array<i64: E1>, steps = array<i64: S1>} : (tensor<2x12x9xf32>) -> tensor<MIDxf32> loc("s1")
  %2 = top.Slice(%1) {offset = array<i64: O2>, ends = array<i64: E2>, steps = array<i64: S2>} : (tensor<MIDxf32>) -> tensor<OUTxf32> loc("s2")
  func.return %2 : tensor<OUTxf32>
}"""


@pytest.mark.parametrize("first,second", [
    # the seed: x[:, 0:-2:2] twice on the same axis
    (((0, 0, 0), (2, 10, 9), (1, 2, 1)), ((0, 0, 0), (2, 3, 9), (1, 2, 1))),
    # negative steps on both (reverse twice = forward), clamped ends
    (((0, 11, 8), (2, -1, -1), (1, -1, -2)), ((0, 11, 4), (2, -1, -1), (1, -3, -1))),
    # different axes, one reversed
    (((1, 0, 0), (2, 12, 9), (1, 1, 1)), ((0, 2, 8), (1, 8, 0), (1, 3, -2))),
])
def test_slice_compose(first, second):
    shape = (2, 12, 9)

    def out(sh, o, e, s):
        return tuple(slice_length(*t) for t in zip(o, e, s))

    mid = out(shape, *first)
    fin = out(mid, *second)
    fmt = lambda t: ", ".join(map(str, t))  # noqa: E731
    ir = SLICE2
    for k, v in zip(("O1", "E1", "S1"), first):
        ir = ir.replace(k, fmt(v))
    for k, v in zip(("O2", "E2", "S2"), second):
        ir = ir.replace(k, fmt(v))
    ir = ir.replace("MID", "x".join(map(str, mid))).replace("OUT", "x".join(map(str, fin)))
    m = check(ir, None, ("SliceCompose",), fired={"SliceCompose": 1}, exact=True)
    assert op_names(m).count("top.Slice") == 1 and find(m, "s2").name == "top.Slice"


# ------------------------------------------------------------------------------ tile_sink.py

TILE = MOD % """
  func.func @main(%arg0: tensor<2x3x4xf32>) -> tensor<2x6x4xf32> {
    %0 = top.Input(%arg0) : (tensor<2x3x4xf32>) -> tensor<2x3x4xf32> loc("x")
    %1 = top.Tile(%0) {tile = array<i64: 1, 2, 1>} : (tensor<2x3x4xf32>) -> tensor<2x6x4xf32> loc("t")
    %2 = top.Weight() : () -> tensor<WSxf32> loc("w")
    %3 = top.Mul(%1, %2) : (tensor<2x6x4xf32>, tensor<WSxf32>) -> tensor<2x6x4xf32> loc("m")
    %4 = top.Weight() : () -> tensor<BSxf32> loc("b")
    %5 = top.Add(%4, %3) : (tensor<BSxf32>, tensor<2x6x4xf32>) -> tensor<2x6x4xf32> loc("a")
    %6 = top.Sigmoid(%5) : (tensor<2x6x4xf32>) -> tensor<2x6x4xf32> loc("y")
    func.return %6 : tensor<2x6x4xf32>
  }"""


@pytest.mark.parametrize("ws,bs", [((4,), (1, 4)), ((2, 1, 4), (6, 4)), ((6, 1), (1,))])
def test_tile_sink_chain(ws, bs):
    """``x -> Tile -> Mul(w) -> Add(b) -> Sigmoid`` becomes ``x -> Mul -> Add -> Sigmoid -> Tile``
    (a weight with the full tiled size is accepted when it repeats with the period)."""
    w, b = rnd(*ws), rnd(*bs, seed=3)
    if ws[-2:] == (6, 1):
        w[3:] = w[:3]
    if bs == (6, 4):
        b[3:] = b[:3]
    ir = TILE.replace("WS", "x".join(map(str, ws))).replace("BS", "x".join(map(str, bs)))
    m = check(ir, {"w": w, "b": b}, ("TileSinkThroughElementwise",), fired={"TileSinkThroughElementwise": 3},
              exact=True)
    assert op_names(m)[-1] == "top.Tile" and op_names(m).count("top.Tile") == 1 and find(m, "y").name == "top.Tile"
    assert find(m, "y_before_tile").name == "top.Sigmoid"


def test_tile_sink_refuses_non_periodic_weight():
    w = rnd(6, 1)  # depends on the tiled axis
    ir = TILE.replace("WS", "6x1").replace("BS", "1")
    m = check(ir, {"w": w, "b": rnd(1)}, ("TileSinkThroughElementwise",), fired={"TileSinkThroughElementwise": 0},
              exact=True)
    assert op_names(m).index("top.Tile") < op_names(m).index("top.Mul")


TILE2 = """
func.func @main(%arg0: tensor<3x1xf32>, %arg1: tensor<3x1xf32>) -> (tensor<3x4xi1>, tensor<3x4xf32>) {
  %0 = top.Input(%arg0) : (tensor<3x1xf32>) -> tensor<3x1xf32> loc("x")
  %1 = top.Input(%arg1) : (tensor<3x1xf32>) -> tensor<3x1xf32> loc("y")
  %2 = top.Tile(%0) {tile = array<i64: 1, 4>} : (tensor<3x1xf32>) -> tensor<3x4xf32> loc("tx")
  %3 = top.Tile(%1) {tile = array<i64: 1, 4>} : (tensor<3x1xf32>) -> tensor<3x4xf32> loc("ty")
  %4 = top.Compare(%2, %3) {mode = "Less"} : (tensor<3x4xf32>, tensor<3x4xf32>) -> tensor<3x4xi1> loc("c")
  %5 = top.Tile(%0) {tile = array<i64: 1, 4>} : (tensor<3x1xf32>) -> tensor<3x4xf32> loc("tz")
  %6 = top.Exp(%5) : (tensor<3x4xf32>) -> tensor<3x4xf32> loc("e")
  func.return %4, %6 : tensor<3x4xi1>, tensor<3x4xf32>
}"""


def test_tile_sink_two_tiles_and_unary():
    m = check(TILE2, None, ("TileSinkThroughElementwise",), fired={"TileSinkThroughElementwise": 2}, exact=True,
              special=True)
    assert find(m, "c").name == "top.Tile" and find(m, "e").name == "top.Tile" and op_names(m).count("top.Tile") == 2


# ------------------------------------------------------------------------------ softmax.py

SOFTMAX_SHIFT = MOD % """
  func.func @main(%arg0: tensor<2x3x5xf32>) -> tensor<2x3x5xf32> {
    %0 = top.Input(%arg0) : (tensor<2x3x5xf32>) -> tensor<2x3x5xf32> loc("x")
    %1 = top.Reduce(%0) {axes = array<i64: AXES>, keepdims = true, mode = "ReduceMax"} : (tensor<2x3x5xf32>) -> tensor<RSxf32> loc("m")
    %2 = top.Sub(%0, %1) : (tensor<2x3x5xf32>, tensor<RSxf32>) -> tensor<2x3x5xf32> loc("s")
    %3 = top.Softmax(%2) {axis = AXIS : i64PROPS} : (tensor<2x3x5xf32>) -> tensor<2x3x5xf32> loc("y")
    func.return %3 : tensor<2x3x5xf32>
  }"""


@pytest.mark.parametrize("axes,axis,props,fires", [
    ((2,), -1, "", True), ((2,), 2, ", log = true", True), ((1, 2), 2, "", True), ((), 1, "", True),
    ((1, 2), 1, ", coerce_2d = true", True), ((1,), 1, ", coerce_2d = true", False), ((1,), 2, "", False),
])
def test_softmax_drop_max_shift(axes, axis, props, fires):
    shape = [2, 3, 5]
    red = [1 if (not axes or i in axes) else d for i, d in enumerate(shape)]
    ir = (SOFTMAX_SHIFT.replace("AXES", ", ".join(map(str, axes))).replace("RS", "x".join(map(str, red)))
          .replace("AXIS", str(axis)).replace("PROPS", props).replace("array<i64: >", "array<i64>"))
    exact = axes == (axis % 3,) and not props  # bit-exact when the max is the Softmax's own
    m = check(ir, None, ("SoftmaxDropMaxShift",), fired={"SoftmaxDropMaxShift": int(fires)}, exact=exact)
    if fires:
        assert op_names(m) == ["top.Input", "top.Softmax"]


# ------------------------------------------------------------------------------ clip.py

CLIP = MOD % """
  func.func @main(%arg0: tensor<4x6xf32>) -> tensor<4x6xf32> {
    %0 = top.Input(%arg0) : (tensor<4x6xf32>) -> tensor<4x6xf32> loc("x")
    %1 = SRC
    %2 = top.Weight() : () -> tensor<f32> loc("k")
    %3 = top.Mul(%1, %2) : (tensor<4x6xf32>, tensor<f32>) -> tensor<4x6xf32> loc("scaled")
    %4 = top.Clip(%3) {min = LO : f64, max = HI : f64} : (tensor<4x6xf32>) -> tensor<4x6xf32> loc("clip")
    %5 = top.Softmax(%4) {axis = 1 : i64} : (tensor<4x6xf32>) -> tensor<4x6xf32> loc("y")
    func.return %5 : tensor<4x6xf32>
  }"""
TANH = 'top.Tanh(%0) : (tensor<4x6xf32>) -> tensor<4x6xf32> loc("t")'
RELU = 'top.Relu(%0) : (tensor<4x6xf32>) -> tensor<4x6xf32> loc("t")'


@pytest.mark.parametrize("src,k,lo,hi,fires", [
    (TANH, 40000.0, -50000.0, 50000.0, True),   # |tanh| <= 1: the clamp(±50000) never acts
    (TANH, 60000.0, -50000.0, 50000.0, False),  # could reach 60000: the clamp may act
    (TANH, -2.0, -2.0, 2.0, True),              # bounds exactly reachable: still a no-op
    (RELU, 1.0, -50000.0, 50000.0, False),      # relu is unbounded above
    (RELU, 1.0, -50000.0, 3.0e38, False),       # only bounded by the f32 range: inf may remain
])
def test_clip_before_softmax(src, k, lo, hi, fires):
    ir = CLIP.replace("SRC", src).replace("LO", f"{lo:.6e}").replace("HI", f"{hi:.6e}")
    m = check(ir, {"k": np.array(k, np.float32)}, ("ClipNoOp",), fired={"ClipNoOp": int(fires)}, exact=True,
              special=True)
    assert ("top.Clip" in op_names(m)) != fires


def test_value_range_facts():
    from tpuc.dialects.top.canonicalize.clip import value_range

    ir = MOD % """
  func.func @main(%arg0: tensor<4xf32>, %arg1: tensor<4xi8>) -> tensor<4xf32> {
    %0 = top.Input(%arg0) : (tensor<4xf32>) -> tensor<4xf32> loc("x")
    %1 = top.Input(%arg1) : (tensor<4xi8>) -> tensor<4xi8> loc("i")
    %2 = top.Cast(%1) {to = "f32"} : (tensor<4xi8>) -> tensor<4xf32> loc("c")
    %3 = top.Sigmoid(%0) : (tensor<4xf32>) -> tensor<4xf32> loc("s")
    %4 = top.Add(%2, %3) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32> loc("a")
    %5 = top.Sub(%2, %2) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32> loc("d")
    %6 = top.Exp(%0) : (tensor<4xf32>) -> tensor<4xf32> loc("e")
    %7 = top.Sub(%6, %6) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32> loc("inf_minus_inf")
    %8 = top.Mul(%4, %5) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32> loc("y")
    func.return %8 : tensor<4xf32>
  }"""
    module = parse_module(ir)
    attach_store(module, WeightStore({}))
    by = {name_of(op): op for op in module.walk() if op.name.startswith("top.")}
    r = value_range(by["c"].results[0])
    assert (r.lo, r.hi, r.nan) == (-128.0, 127.0, False)
    assert value_range(by["s"].results[0]).nan  # a float input may be NaN
    r = value_range(by["a"].results[0])
    assert r.lo <= -128 and r.hi >= 128 and r.hi < 128.01 and r.nan
    assert not value_range(by["d"].results[0]).nan
    r = value_range(by["inf_minus_inf"].results[0])
    assert r.nan and r.lo == -np.inf


# ------------------------------------------------------------------------------ matmul_algebra.py

MM_ADD_MUL = MOD % """
  func.func @main(%arg0: tensor<2x5x8xf32>) -> tensor<2x5x4xf32> {
    %0 = top.Input(%arg0) : (tensor<2x5x8xf32>) -> tensor<2x5x8xf32> loc("x")
    %1 = top.Weight() : () -> tensor<8x4xf32> loc("W")
    %2 = top.None() : () -> none loc("none")
    %3 = top.MatMul(%0, %1, %2) : (tensor<2x5x8xf32>, tensor<8x4xf32>, none) -> tensor<2x5x4xf32> loc("mm")
    %4 = top.Weight() : () -> tensor<BSxf32> loc("B")
    %5 = top.Add(%3, %4) : (tensor<2x5x4xf32>, tensor<BSxf32>) -> tensor<2x5x4xf32> loc("add")
    %6 = top.Weight() : () -> tensor<CSxf32> loc("C")
    %7 = top.OP(%5, %6) : (tensor<2x5x4xf32>, tensor<CSxf32>) -> tensor<2x5x4xf32> loc("y")
    func.return %7 : tensor<2x5x4xf32>
  }"""


@pytest.mark.parametrize("op", ["Mul", "Div"])
@pytest.mark.parametrize("bs,cs,fires", [
    ((4,), (4,), True), ((5, 4), (1, 1, 4), True), ((4,), (), True), ((5, 4), (5, 1), False), ((4,), (2, 5, 4), False),
])
def test_scale_into_projection_seed_form(op, bs, cs, fires):
    """``Mul(Add(MatMul(x, W), B), C) -> MatMul(x, W C) + B C``; C must be per column or scalar."""
    c = np.abs(rnd(*cs, seed=5)) + 0.5
    ir = (MM_ADD_MUL.replace("BS", "x".join(map(str, bs))).replace("CS", "x".join(map(str, cs)))
          .replace("tensor<xf32>", "tensor<f32>").replace("OP", op))
    pats = ("MatMulBiasFuse", "ScaleIntoProjection")
    m = check(ir, {"W": rnd(8, 4), "B": rnd(*bs, seed=4), "C": c}, pats,
              fired={"ScaleIntoProjection": int(fires)})
    assert (f"top.{op}" in op_names(m)) != fires
    if fires:
        assert find(m, "y").name in ("top.MatMul", "top.Add")


QKV = MOD % """
  func.func @main(%arg0: tensor<1x6x8xf32>) -> (tensor<1x2x6x6xf32>, tensor<1x6x8xf32>) {
    %0 = top.Input(%arg0) : (tensor<1x6x8xf32>) -> tensor<1x6x8xf32> loc("x")
    %1 = top.Weight() : () -> tensor<8x24xf32> loc("Wqkv")
    %2 = top.Weight() : () -> tensor<24xf32> loc("bqkv")
    %3 = top.MatMul(%0, %1, %2) : (tensor<1x6x8xf32>, tensor<8x24xf32>, tensor<24xf32>) -> tensor<1x6x24xf32> loc("qkv")
    %4 = top.Reshape(%3) {shape = array<i64: 1, 6, 3, 2, 4>} : (tensor<1x6x24xf32>) -> tensor<1x6x3x2x4xf32> loc("r")
    %5, %6, %7 = top.Split(%4) {axis = 2 : i64, split_size = array<i64: 1, 1, 1>} : (tensor<1x6x3x2x4xf32>) -> (tensor<1x6x1x2x4xf32>, tensor<1x6x1x2x4xf32>, tensor<1x6x1x2x4xf32>) loc(fused["q5", "k5", "v5"])
    %8 = top.Squeeze(%5) {axes = array<i64: 2>} : (tensor<1x6x1x2x4xf32>) -> tensor<1x6x2x4xf32> loc("q")
    %9 = top.Squeeze(%6) {axes = array<i64: 2>} : (tensor<1x6x1x2x4xf32>) -> tensor<1x6x2x4xf32> loc("k")
    %10 = top.Permute(%8) {order = array<i64: 0, 2, 1, 3>} : (tensor<1x6x2x4xf32>) -> tensor<1x2x6x4xf32> loc("qt")
    %11 = top.Permute(%9) {order = array<i64: 0, 2, 3, 1>} : (tensor<1x6x2x4xf32>) -> tensor<1x2x4x6xf32> loc("kt")
    %12 = top.Weight() : () -> tensor<1xf32> loc("scale")
    %13 = QSCALE
    %14 = top.None() : () -> none loc("none")
    %15 = top.MatMul(%13, %11, %14) : (tensor<1x2x6x4xf32>, tensor<1x2x4x6xf32>, none) -> tensor<1x2x6x6xf32> loc("scores")
    %16 = SSCALE
    %17 = top.Softmax(%16) {axis = 3 : i64} : (tensor<1x2x6x6xf32>) -> tensor<1x2x6x6xf32> loc("attn")
    %18 = top.Squeeze(%7) {axes = array<i64: 2>} : (tensor<1x6x1x2x4xf32>) -> tensor<1x6x2x4xf32> loc("v")
    %19 = top.Reshape(%18) {shape = array<i64: 1, 6, 8>} : (tensor<1x6x2x4xf32>) -> tensor<1x6x8xf32> loc("vflat")
    func.return %17, %19 : tensor<1x2x6x6xf32>, tensor<1x6x8xf32>
  }"""
Q_MUL = 'top.Mul(%10, %12) : (tensor<1x2x6x4xf32>, tensor<1xf32>) -> tensor<1x2x6x4xf32> loc("qs")'
S_DIV = 'top.Div(%15, %12) : (tensor<1x2x6x6xf32>, tensor<1xf32>) -> tensor<1x2x6x6xf32> loc("ss")'


def test_scale_into_fused_qkv_projection():
    """``q * scale`` on the q part of a fused qkv projection: only the q columns are scaled, k and
    v (v is a graph output through a Reshape) are untouched."""
    ir = QKV.replace("QSCALE", Q_MUL).replace("%16 = SSCALE\n", "").replace("%17 = top.Softmax(%16)",
                                                                             "%17 = top.Softmax(%15)")
    w = {"Wqkv": rnd(8, 24), "bqkv": rnd(24, seed=2), "scale": np.array([0.35], np.float32)}
    m = check(ir, w, ("ScaleIntoProjection",), fired={"ScaleIntoProjection": 1})
    assert "top.Mul" not in op_names(m)
    assert find(m, "qs").name == "top.Permute" and find(m, "qkv_scaled").name == "top.MatMul"
    assert find(m, "q_scaled").name == "top.Squeeze" and find(m, "k").name == "top.Squeeze"
    assert find(m, "vflat").name == "top.Reshape"


def test_scale_through_attention_matmul():
    """``Div(q @ k^T, c)``: the scale goes into q's columns of the qkv projection."""
    ir = (QKV.replace("%13 = QSCALE\n", "").replace("top.MatMul(%13, %11, %14)", "top.MatMul(%10, %11, %14)")
          .replace("SSCALE", S_DIV).replace("%17 = top.Softmax(%16)", "%17 = top.Softmax(%16)"))
    w = {"Wqkv": rnd(8, 24), "bqkv": rnd(24, seed=2), "scale": np.array([2.83], np.float32)}
    m = check(ir, w, ("ScaleThroughMatMul",), fired={"ScaleThroughMatMul": 1})
    assert "top.Div" not in op_names(m) and find(m, "ss").name == "top.MatMul"
    assert find(m, "qt_scaled").name == "top.Permute"


def test_scale_refuses_when_scaled_columns_are_read_elsewhere():
    """The q part is also a graph output: scaling the projection would change it."""
    ir = (QKV.replace("QSCALE", Q_MUL).replace("%16 = SSCALE\n", "").replace("top.Softmax(%16)", "top.Softmax(%15)")
          .replace("func.return %17, %19 : tensor<1x2x6x6xf32>, tensor<1x6x8xf32>",
                   "func.return %17, %19, %8 : tensor<1x2x6x6xf32>, tensor<1x6x8xf32>, tensor<1x6x2x4xf32>")
          .replace("-> (tensor<1x2x6x6xf32>, tensor<1x6x8xf32>) {",
                   "-> (tensor<1x2x6x6xf32>, tensor<1x6x8xf32>, tensor<1x6x2x4xf32>) {"))
    w = {"Wqkv": rnd(8, 24), "bqkv": rnd(24, seed=2), "scale": np.array([0.35], np.float32)}
    check(ir, w, ("ScaleIntoProjection",), fired={"ScaleIntoProjection": 0})


def test_scale_refuses_row_dependent_factor():
    ir = QKV.replace("QSCALE", Q_MUL.replace("tensor<1xf32>", "tensor<6x1xf32>")).replace(
        'tensor<1xf32> loc("scale")', 'tensor<6x1xf32> loc("scale")').replace("%16 = SSCALE\n", "").replace(
        "top.Softmax(%16)", "top.Softmax(%15)")
    w = {"Wqkv": rnd(8, 24), "bqkv": rnd(24, seed=2), "scale": np.linspace(0.5, 1.5, 6, dtype=np.float32).reshape(6, 1)}
    check(ir, w, ("ScaleIntoProjection",), fired={"ScaleIntoProjection": 0})


SUMMED = MOD % """
  func.func @main(%arg0: tensor<2x5x8xf32>, %arg1: tensor<2x5x6xf32>) -> tensor<2x5x4xf32> {
    %0 = top.Input(%arg0) : (tensor<2x5x8xf32>) -> tensor<2x5x8xf32> loc("a")
    %1 = top.Input(%arg1) : (tensor<2x5x6xf32>) -> tensor<2x5x6xf32> loc("c")
    %2 = top.Weight() : () -> tensor<8x4xf32> loc("W1")
    %3 = top.Weight() : () -> tensor<4xf32> loc("b1")
    %4 = top.MatMul(%0, %2, %3) : (tensor<2x5x8xf32>, tensor<8x4xf32>, tensor<4xf32>) -> tensor<2x5x4xf32> loc("m1")
    %5 = top.Weight() : () -> tensor<6x4xf32> loc("W2")
    %6 = top.None() : () -> none loc("none")
    %7 = top.MatMul(%1, %5, %6) : (tensor<2x5x6xf32>, tensor<6x4xf32>, none) -> tensor<2x5x4xf32> loc("m2")
    %8 = top.Add(%4, %7) : (tensor<2x5x4xf32>, tensor<2x5x4xf32>) -> tensor<2x5x4xf32> loc("s")
    %9 = top.Weight() : () -> tensor<CSxf32> loc("C")
    %10 = top.Div(%8, %9) : (tensor<2x5x4xf32>, tensor<CSxf32>) -> tensor<2x5x4xf32> loc("y")
    func.return %10 : tensor<2x5x4xf32>
  }"""


@pytest.mark.parametrize("cs,fires", [((), True), ((4,), True), ((5, 1), False)])
def test_scale_into_summed_projections(cs, fires):
    """The seed's ``Add(MatMul, MatMul) + Div``: the divisor goes into both projections."""
    ir = SUMMED.replace("CS", "x".join(map(str, cs))).replace("tensor<xf32>", "tensor<f32>")
    w = {"W1": rnd(8, 4), "b1": rnd(4, seed=2), "W2": rnd(6, 4, seed=3), "C": np.abs(rnd(*cs, seed=4)) + 0.5}
    m = check(ir, w, ("ScaleIntoSummedProjections",), fired={"ScaleIntoSummedProjections": int(fires)})
    if fires:
        assert "top.Div" not in op_names(m) and find(m, "y").name == "top.Add"
        assert find(m, "m1_scaled").name == find(m, "m2_scaled").name == "top.MatMul"


SHARED = MOD % """
  func.func @main(%arg0: tensor<3x8xf32>) -> (tensor<3x4xf32>, tensor<3x4xf32>) {
    %0 = top.Input(%arg0) : (tensor<3x8xf32>) -> tensor<3x8xf32> loc("a")
    %1 = top.Weight() : () -> tensor<8x4xf32> loc("B1")
    %2 = top.Weight() : () -> tensor<8x4xf32> loc("B2")
    %3 = top.Weight() : () -> tensor<4xf32> loc("C1")
    %4 = top.Weight() : () -> tensor<3x4xf32> loc("C2")
    %5 = top.MatMul(%0, %1, %3) : (tensor<3x8xf32>, tensor<8x4xf32>, tensor<4xf32>) -> tensor<3x4xf32> loc("y1")
    %6 = top.MatMul(%0, %2, %4) : (tensor<3x8xf32>, tensor<8x4xf32>, tensor<3x4xf32>) -> tensor<3x4xf32> loc("y2")
    func.return %5, %6 : tensor<3x4xf32>, tensor<3x4xf32>
  }"""


@pytest.mark.parametrize("equal", [True, False])
def test_shared_matmul_bias(equal):
    b = rnd(8, 4)
    w = {"B1": b, "B2": b.copy() if equal else b + 1, "C1": rnd(4, seed=2), "C2": rnd(3, 4, seed=3)}
    m = check(SHARED, w, ("SharedMatMulBias",), fired={"SharedMatMulBias": int(equal)})
    assert op_names(m).count("top.MatMul") == (1 if equal else 2)
    if equal:
        assert find(m, "y2").name == "top.Add"


GATHER_MM = MOD % """
  func.func @main(%arg0: tensor<2x3xi64>) -> tensor<2x3x4xf32> {
    %0 = top.Input(%arg0) : (tensor<2x3xi64>) -> tensor<2x3xi64> loc("idx")
    %1 = top.Weight() : () -> tensor<10x8xf32> loc("pos_embedding")
    %2 = top.Gather(%1, %0) {axis = 0 : i64} : (tensor<10x8xf32>, tensor<2x3xi64>) -> tensor<2x3x8xf32> loc("g")
    %3 = top.Weight() : () -> tensor<8x4xf32> loc("W")
    %4 = top.Weight() : () -> tensor<4xf32> loc("b")
    %5 = top.MatMul(%2, %3, %4) {do_relu = true} : (tensor<2x3x8xf32>, tensor<8x4xf32>, tensor<4xf32>) -> tensor<2x3x4xf32> loc("y")
    func.return %5 : tensor<2x3x4xf32>
  }"""


def test_gathered_table_matmul():
    w = {"pos_embedding": rnd(10, 8), "W": rnd(8, 4, seed=2), "b": rnd(4, seed=3)}
    module = parse_module(GATHER_MM)
    store = WeightStore(w)
    attach_store(module, store)
    idx = np.array([[0, 9, -1], [3, 3, 5]], np.int64)
    (before,) = interpreter.run(module, store, {"idx": idx})
    STATS.clear()
    run_pipeline(module, only("GatheredTableMatMul"))
    assert STATS["GatheredTableMatMul"] == 1 and op_names(module) == ["top.Input", "top.Weight", "top.Gather"]
    (after,) = interpreter.run(module, store, {"idx": idx})
    np.testing.assert_allclose(after, before, rtol=1e-5, atol=1e-6)


SLICE_MM = MOD % """
  func.func @main(%arg0: tensor<3x4xf32>) -> tensor<3x4xf32> {
    %0 = top.Input(%arg0) : (tensor<3x4xf32>) -> tensor<3x4xf32> loc("x")
    %1 = top.Weight() : () -> tensor<10x8xf32> loc("pos_embedding")
    %2 = top.Slice(%1) {offset = array<i64: 2, 0>, ends = array<i64: 5, 8>, steps = array<i64: 1, 1>} : (tensor<10x8xf32>) -> tensor<3x8xf32> loc("pos")
    %3 = top.Weight() : () -> tensor<8x4xf32> loc("W")
    %4 = top.None() : () -> none loc("none")
    %5 = top.MatMul(%2, %3, %4) : (tensor<3x8xf32>, tensor<8x4xf32>, none) -> tensor<3x4xf32> loc("pos_proj")
    %6 = top.Add(%0, %5) : (tensor<3x4xf32>, tensor<3x4xf32>) -> tensor<3x4xf32> loc("y")
    func.return %6 : tensor<3x4xf32>
  }"""


def test_slice_of_table_then_matmul_folds():
    """The seed's static ``pos_embedding -> Slice -> MatMul`` is constant folding: one weight."""
    m = check(SLICE_MM, {"pos_embedding": rnd(10, 8), "W": rnd(8, 4, seed=2)}, ("FoldConstantOp",),
              fired={"FoldConstantOp": 2})
    assert op_names(m) == ["top.Input", "top.Weight", "top.Add"] and find(m, "pos_proj").name == "top.Weight"


# ------------------------------------------------------------------------------ top-slice-to-conv

FOCUS = MOD % """
  func.func @main(%arg0: tensor<1x3x8x6xf32>) -> tensor<1x12x4x3xf32> {
    %0 = top.Input(%arg0) : (tensor<1x3x8x6xf32>) -> tensor<1x3x8x6xf32> loc("x")
    %1 = top.Slice(%0) {offset = array<i64: 0, 0, 0, 0>, ends = array<i64: 1, 3, 8, 6>, steps = array<i64: 1, 1, 2, 2>} : (tensor<1x3x8x6xf32>) -> tensor<1x3x4x3xf32> loc("s0")
    %2 = top.Slice(%0) {offset = array<i64: 0, 0, 1, 0>, ends = array<i64: 1, 3, 8, 6>, steps = array<i64: 1, 1, 2, 2>} : (tensor<1x3x8x6xf32>) -> tensor<1x3x4x3xf32> loc("s1")
    %3 = top.Slice(%0) {offset = array<i64: 0, 0, 0, 1>, ends = array<i64: 1, 3, 8, 6>, steps = array<i64: 1, 1, 2, 2>} : (tensor<1x3x8x6xf32>) -> tensor<1x3x4x3xf32> loc("s2")
    %4 = top.Slice(%0) {offset = array<i64: 0, 0, 1, 1>, ends = array<i64: 1, 3, 8, 6>, steps = array<i64: 1, 1, 2, 2>} : (tensor<1x3x8x6xf32>) -> tensor<1x3x4x3xf32> loc("s3")
    %6 = top.Concat(%1, %2, %3, %4) {axis = 1 : i64} : (tensor<1x3x4x3xf32>, tensor<1x3x4x3xf32>, tensor<1x3x4x3xf32>, tensor<1x3x4x3xf32>) -> tensor<1x12x4x3xf32> loc("focus")
    func.return %6 : tensor<1x12x4x3xf32>
  }"""


@pytest.fixture
def slice_to_conv_registered(monkeypatch):
    """Until the lead registers ``top-slice-to-conv`` in ``compiler/passes.py``."""
    from tpuc.compiler import passes
    from tpuc.dialects.top.transforms.slice_to_conv import TopSliceToConvPass

    if "top-slice-to-conv" not in passes.PASSES:
        monkeypatch.setitem(passes.PASSES, "top-slice-to-conv", lambda: TopSliceToConvPass)


def test_slice_to_conv_focus(slice_to_conv_registered):
    """yolov5 Focus: four ::2 slices become depthwise 1x1/2x1/1x2/2x2 one-hot convolutions.
    Opt-in pass only: top-canonicalize leaves them alone."""
    m = check(FOCUS, None, "top-canonicalize", fired={"SliceToDepthwiseConv": 0}, exact=True)
    assert op_names(m).count("top.Slice") == 4
    m = check(FOCUS, None, "top-slice-to-conv", fired={"SliceToDepthwiseConv": 4}, exact=True)
    assert "top.Slice" not in op_names(m) and op_names(m).count("top.Conv") == 4
    kernels = [tuple(op.p("kernel_shape")) for op in m.walk() if op.name == "top.Conv"]
    assert kernels == [(1, 1), (2, 1), (1, 2), (2, 2)]
    assert [op.p("group") for op in m.walk() if op.name == "top.Conv"] == [3] * 4


@pytest.mark.parametrize("spec", [
    ((0, 0, 1, 0), (1, 3, 8, 6), (1, 1, 1, 1)),  # trim only, no stride
    ((0, 1, 0, 0), (1, 3, 8, 6), (1, 1, 2, 2)),  # channel slice
    ((0, 0, 2, 0), (1, 3, 8, 6), (1, 1, 2, 2)),  # offset 2 needs a 3-wide window > stride 2
    ((0, 0, 7, 0), (1, 3, -1, 6), (1, 1, -2, 2)),  # reversed
])
def test_slice_to_conv_refuses(spec):
    from tpuc.dialects.top.transforms.slice_to_conv import conv_plan

    assert conv_plan((1, 3, 8, 6), *spec) is None


def test_slice_to_conv_plan_lengths():
    from tpuc.dialects.top.transforms.slice_to_conv import conv_plan
    from tpuc.dialects.top.ops.nn import conv_out_dim

    for d, s, o in itertools.product(range(1, 12), range(2, 5), range(0, 4)):
        for e in range(o + 1, d + 1):
            plan = conv_plan((1, 1, d), (0, 0, o), (1, 1, e), (1, 1, s))
            if plan is None:
                continue
            (k,), _, _ = plan
            assert conv_out_dim(d, k, s, 0, 0, 1) == slice_length(o, e, s) and k <= s and o < k
