// top-canonicalize, the arithmetic identities: add_identity.py (AddZero), sub.py (SubZero),
// mul.py (MulOne), div.py (DivOne). An all-zero (all-one) weight operand is dropped when it does
// not broadcast x to a bigger shape; x is forwarded, or the op rebuilt under its name when two or
// more operands are left. Not for 0 - x, 1 / x, a do_relu op, a graph output that would be
// renamed, a weight that is not all zeros/ones, nor without the weight store (values unknown).
// x * 0 is never folded (NaN * 0 is NaN).
// RUN: mkdir -p %t && %python -c "import numpy as np; np.savez('%t/arith_w.npz', z4=np.zeros(4, np.float32), o4=np.ones(4, np.float32), z234=np.zeros((2, 3, 4), np.float32), o1=np.ones(1, np.float32), nz=np.array([0, 0, 1, 0], np.float32), iz=np.zeros((), np.int64), io=np.ones((), np.int64), negz=np.full(4, -0.0, np.float32))" && cp %s %t/arith.mlir
// RUN: tpuc-opt %t/arith.mlir -p top-canonicalize --split-input-file | filecheck %s --check-prefixes=CHECK,STORE
// RUN: tpuc-opt %s -p top-canonicalize --split-input-file | filecheck %s --check-prefixes=CHECK,NOSTORE

// x + 0, 0 + x, x - 0, x * 1, 1 * x, x / 1 (and -0.0 as the zero): all gone.
// CHECK-LABEL: func.func @identities
// CHECK-NEXT:     %[[X:.*]] = top.Input(%{{.*}}) : (tensor<2x3x4xf32>) -> tensor<2x3x4xf32> loc("x")
// STORE-NEXT:     %[[R:.*]] = top.Relu(%[[X]]) : (tensor<2x3x4xf32>) -> tensor<2x3x4xf32> loc("y")
// STORE-NEXT:     func.return %[[R]]
// NOSTORE:        top.Add({{.*}} loc("a1")
// NOSTORE:        top.Div({{.*}} loc("d")
// NOSTORE:        top.Relu({{.*}} loc("y")
module attributes {module.weight_file = "arith_w.npz"} {
  func.func @identities(%arg0: tensor<2x3x4xf32>) -> tensor<2x3x4xf32> {
    %0 = top.Input(%arg0) : (tensor<2x3x4xf32>) -> tensor<2x3x4xf32> loc("x")
    %z = top.Weight() : () -> tensor<4xf32> loc("z4")
    %o = top.Weight() : () -> tensor<4xf32> loc("o4")
    %zz = top.Weight() : () -> tensor<2x3x4xf32> loc("z234")
    %o1 = top.Weight() : () -> tensor<1xf32> loc("o1")
    %nz = top.Weight() : () -> tensor<4xf32> loc("negz")
    %1 = top.Add(%0, %z) : (tensor<2x3x4xf32>, tensor<4xf32>) -> tensor<2x3x4xf32> loc("a1")
    %2 = top.Add(%zz, %1) : (tensor<2x3x4xf32>, tensor<2x3x4xf32>) -> tensor<2x3x4xf32> loc("a2")
    %3 = top.Sub(%2, %z) : (tensor<2x3x4xf32>, tensor<4xf32>) -> tensor<2x3x4xf32> loc("s")
    %4 = top.Mul(%3, %o) : (tensor<2x3x4xf32>, tensor<4xf32>) -> tensor<2x3x4xf32> loc("m1")
    %5 = top.Mul(%o1, %4) : (tensor<1xf32>, tensor<2x3x4xf32>) -> tensor<2x3x4xf32> loc("m2")
    %6 = top.Div(%5, %o) : (tensor<2x3x4xf32>, tensor<4xf32>) -> tensor<2x3x4xf32> loc("d")
    %7 = top.Add(%6, %nz) : (tensor<2x3x4xf32>, tensor<4xf32>) -> tensor<2x3x4xf32> loc("a3")
    %8 = top.Relu(%7) : (tensor<2x3x4xf32>) -> tensor<2x3x4xf32> loc("y")
    func.return %8 : tensor<2x3x4xf32>
  }
}

// -----
// A variadic Add (ONNX Sum) loses only its zero operand and keeps its name; integer identities.
// CHECK-LABEL: func.func @variadic_and_int
// CHECK-NEXT:  %[[X:.*]] = top.Input(%{{.*}}) : (tensor<4xf32>) -> tensor<4xf32> loc("x")
// CHECK-NEXT:  %[[Y:.*]] = top.Input(%{{.*}}) : (tensor<4xf32>) -> tensor<4xf32> loc("y")
// CHECK-NEXT:  %[[I:.*]] = top.Input(%{{.*}}) : (tensor<3xi64>) -> tensor<3xi64> loc("i")
// STORE-NEXT:  %[[A:.*]] = top.Add(%[[X]], %[[Y]]) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32> loc("sum")
// STORE-NEXT:  %[[B:.*]] = top.Abs(%[[I]]) : (tensor<3xi64>) -> tensor<3xi64> loc("iabs")
// STORE-NEXT:  func.return %[[A]], %[[B]] : tensor<4xf32>, tensor<3xi64>
// NOSTORE:     top.Add({{.*}}) : (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32> loc("sum")
module attributes {module.weight_file = "arith_w.npz"} {
  func.func @variadic_and_int(%arg0: tensor<4xf32>, %arg1: tensor<4xf32>, %arg2: tensor<3xi64>) -> (tensor<4xf32>, tensor<3xi64>) {
    %0 = top.Input(%arg0) : (tensor<4xf32>) -> tensor<4xf32> loc("x")
    %1 = top.Input(%arg1) : (tensor<4xf32>) -> tensor<4xf32> loc("y")
    %2 = top.Input(%arg2) : (tensor<3xi64>) -> tensor<3xi64> loc("i")
    %z = top.Weight() : () -> tensor<4xf32> loc("z4")
    %3 = top.Add(%0, %z, %1) : (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32> loc("sum")
    %iz = top.Weight() : () -> tensor<i64> loc("iz")
    %io = top.Weight() : () -> tensor<i64> loc("io")
    %4 = top.Add(%2, %iz) : (tensor<3xi64>, tensor<i64>) -> tensor<3xi64> loc("ia")
    %5 = top.Div(%4, %io) : (tensor<3xi64>, tensor<i64>) -> tensor<3xi64> loc("id")
    %6 = top.Mul(%io, %5) : (tensor<i64>, tensor<3xi64>) -> tensor<3xi64> loc("im")
    %7 = top.Abs(%6) : (tensor<3xi64>) -> tensor<3xi64> loc("iabs")
    func.return %3, %7 : tensor<4xf32>, tensor<3xi64>
  }
}

// -----
// Must not fire: zeros that broadcast x up ([4] + [2, 3, 4]), 0 - x, 1 / x, x * 0, a weight
// that is not all zeros, an Add with do_relu, and an identity whose result is a graph output.
// CHECK-LABEL: func.func @must_not_fire
// CHECK:       top.Add({{.*}}) : (tensor<4xf32>, tensor<2x3x4xf32>) -> tensor<2x3x4xf32> loc("bcast")
// CHECK:       top.Sub({{.*}}) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32> loc("zero_minus_x")
// CHECK:       top.Div({{.*}}) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32> loc("one_over_x")
// CHECK:       top.Mul({{.*}}) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32> loc("times_zero")
// CHECK:       top.Add({{.*}}) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32> loc("not_zero")
// CHECK:       top.Add({{.*}}) {do_relu = true} : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32> loc("relu_add")
// CHECK:       top.Mul({{.*}}) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32> loc("out")
module attributes {module.weight_file = "arith_w.npz"} {
  func.func @must_not_fire(%arg0: tensor<4xf32>) -> (tensor<2x3x4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) {
    %0 = top.Input(%arg0) : (tensor<4xf32>) -> tensor<4xf32> loc("x")
    %z = top.Weight() : () -> tensor<4xf32> loc("z4")
    %o = top.Weight() : () -> tensor<4xf32> loc("o4")
    %zz = top.Weight() : () -> tensor<2x3x4xf32> loc("z234")
    %nz = top.Weight() : () -> tensor<4xf32> loc("nz")
    %1 = top.Add(%0, %zz) : (tensor<4xf32>, tensor<2x3x4xf32>) -> tensor<2x3x4xf32> loc("bcast")
    %2 = top.Sub(%z, %0) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32> loc("zero_minus_x")
    %3 = top.Div(%o, %0) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32> loc("one_over_x")
    %4 = top.Mul(%0, %z) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32> loc("times_zero")
    %5 = top.Add(%0, %nz) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32> loc("not_zero")
    %6 = top.Add(%0, %z) {do_relu = true} : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32> loc("relu_add")
    %7 = top.Mul(%0, %o) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32> loc("out")
    func.return %1, %2, %3, %4, %5, %6, %7 : tensor<2x3x4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
  }
}
