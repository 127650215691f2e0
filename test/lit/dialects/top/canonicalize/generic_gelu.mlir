// top-canonicalize, gelu_fusion.py: GeluErfFusion (rooted at the Erf) and GeluTanhFusion (at the
// Tanh). x * 0.5 * (1 + erf(x / sqrt 2)) in its three association orders, and the tanh form, become
// top.GELU named as the final Mul. Needs the weight store (the constants are weights).
// RUN: mkdir -p %t && %python -c "import numpy as np; s = lambda v: np.array(v, np.float32); np.savez('%t/gelu_w.npz', sqrt2=s(2 ** 0.5), rsqrt2=s(2 ** -0.5), one=s(1), half=s(0.5), three=s(3), k=s(0.044715), c=s((2 / np.pi) ** 0.5), third=s(1 / 3), half4=np.full(4, 0.5, np.float32), half24=np.full((2, 4), 0.5, np.float32))" && cp %s %t/gelu.mlir
// RUN: tpuc-opt %t/gelu.mlir -p top-canonicalize --split-input-file | filecheck %s --check-prefixes=CHECK,STORE
// RUN: tpuc-opt %s -p top-canonicalize --split-input-file | filecheck %s --check-prefixes=CHECK,NOSTORE

// PyTorch's (x * (erf(x / sqrt2) + 1)) * 0.5, HF's x * (0.5 * (1 + erf(x * 1/sqrt2))) and
// (0.5 * x) * (erf(..) + 1): three GELUs, each named as its final Mul.
// CHECK-LABEL: func.func @erf_forms
// CHECK-NEXT:  %[[X:.*]] = top.Input(%{{.*}}) : (tensor<4xf32>) -> tensor<4xf32> loc("x")
// STORE-NEXT:  %[[G1:.*]] = top.GELU(%[[X]]) : (tensor<4xf32>) -> tensor<4xf32> loc("g1")
// STORE-NEXT:  %[[G2:.*]] = top.GELU(%[[X]]) : (tensor<4xf32>) -> tensor<4xf32> loc("g2")
// STORE-NEXT:  %[[G3:.*]] = top.GELU(%[[X]]) : (tensor<4xf32>) -> tensor<4xf32> loc("g3")
// STORE-NEXT:  func.return %[[G1]], %[[G2]], %[[G3]]
// NOSTORE-COUNT-3: top.Erf
module attributes {module.weight_file = "gelu_w.npz"} {
  func.func @erf_forms(%arg0: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) {
    %0 = top.Input(%arg0) : (tensor<4xf32>) -> tensor<4xf32> loc("x")
    %sqrt2 = top.Weight() : () -> tensor<f32> loc("sqrt2")
    %rsqrt2 = top.Weight() : () -> tensor<f32> loc("rsqrt2")
    %one = top.Weight() : () -> tensor<f32> loc("one")
    %half = top.Weight() : () -> tensor<f32> loc("half")
    %1 = top.Div(%0, %sqrt2) : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32> loc("d1")
    %2 = top.Erf(%1) : (tensor<4xf32>) -> tensor<4xf32> loc("e1")
    %3 = top.Add(%2, %one) : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32> loc("a1")
    %4 = top.Mul(%0, %3) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32> loc("m1")
    %5 = top.Mul(%4, %half) : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32> loc("g1")
    %11 = top.Mul(%rsqrt2, %0) : (tensor<f32>, tensor<4xf32>) -> tensor<4xf32> loc("d2")
    %12 = top.Erf(%11) : (tensor<4xf32>) -> tensor<4xf32> loc("e2")
    %13 = top.Add(%one, %12) : (tensor<f32>, tensor<4xf32>) -> tensor<4xf32> loc("a2")
    %14 = top.Mul(%half, %13) : (tensor<f32>, tensor<4xf32>) -> tensor<4xf32> loc("h2")
    %15 = top.Mul(%0, %14) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32> loc("g2")
    %21 = top.Mul(%half, %0) : (tensor<f32>, tensor<4xf32>) -> tensor<4xf32> loc("xh3")
    %22 = top.Div(%0, %sqrt2) : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32> loc("d3")
    %23 = top.Erf(%22) : (tensor<4xf32>) -> tensor<4xf32> loc("e3")
    %24 = top.Add(%23, %one) : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32> loc("a3")
    %25 = top.Mul(%24, %21) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32> loc("g3")
    func.return %5, %15, %25 : tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
  }
}

// -----
// The tanh form with Pow(x, 3) (HF gelu_new), and with x * x * x.
// CHECK-LABEL: func.func @tanh_forms
// CHECK-NEXT:  %[[X:.*]] = top.Input(%{{.*}}) : (tensor<4xf32>) -> tensor<4xf32> loc("x")
// STORE-NEXT:  %[[G1:.*]] = top.GELU(%[[X]]) {approx_mode = "tanh"} : (tensor<4xf32>) -> tensor<4xf32> loc("g1")
// STORE-NEXT:  %[[G2:.*]] = top.GELU(%[[X]]) {approx_mode = "tanh"} : (tensor<4xf32>) -> tensor<4xf32> loc("g2")
// STORE-NEXT:  func.return %[[G1]], %[[G2]]
// NOSTORE-COUNT-2: top.Tanh
module attributes {module.weight_file = "gelu_w.npz"} {
  func.func @tanh_forms(%arg0: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
    %0 = top.Input(%arg0) : (tensor<4xf32>) -> tensor<4xf32> loc("x")
    %one = top.Weight() : () -> tensor<f32> loc("one")
    %half = top.Weight() : () -> tensor<f32> loc("half")
    %three = top.Weight() : () -> tensor<f32> loc("three")
    %k = top.Weight() : () -> tensor<f32> loc("k")
    %c = top.Weight() : () -> tensor<f32> loc("c")
    %1 = top.Pow(%0, %three) : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32> loc("cube1")
    %2 = top.Mul(%k, %1) : (tensor<f32>, tensor<4xf32>) -> tensor<4xf32> loc("kc1")
    %3 = top.Add(%0, %2) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32> loc("in1")
    %4 = top.Mul(%c, %3) : (tensor<f32>, tensor<4xf32>) -> tensor<4xf32> loc("sc1")
    %5 = top.Tanh(%4) : (tensor<4xf32>) -> tensor<4xf32> loc("t1")
    %6 = top.Add(%one, %5) : (tensor<f32>, tensor<4xf32>) -> tensor<4xf32> loc("a1")
    %7 = top.Mul(%half, %0) : (tensor<f32>, tensor<4xf32>) -> tensor<4xf32> loc("xh1")
    %8 = top.Mul(%7, %6) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32> loc("g1")
    %11 = top.Mul(%0, %0) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32> loc("sq2")
    %12 = top.Mul(%11, %0) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32> loc("cube2")
    %13 = top.Mul(%12, %k) : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32> loc("kc2")
    %14 = top.Add(%13, %0) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32> loc("in2")
    %15 = top.Mul(%14, %c) : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32> loc("sc2")
    %16 = top.Tanh(%15) : (tensor<4xf32>) -> tensor<4xf32> loc("t2")
    %17 = top.Add(%16, %one) : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32> loc("a2")
    %18 = top.Mul(%0, %17) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32> loc("m2")
    %19 = top.Mul(%18, %half) : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32> loc("g2")
    func.return %8, %19 : tensor<4xf32>, tensor<4xf32>
  }
}

// -----
// Must not fuse: a wrong constant (x / 3 inside the Erf); an intermediate that is also a graph
// output (the Erf's Add); the 0.5 is a [2, 4] weight that broadcasts x ([4]) up; 0.5 is a [4]
// weight (fine, it keeps the shape: this one fuses).
// CHECK-LABEL: func.func @must_not_fuse
// CHECK:       top.Erf({{.*}} loc("e1")
// CHECK:       top.Erf({{.*}} loc("e2")
// CHECK:       top.Erf({{.*}} loc("e3")
// STORE:       top.GELU({{.*}} loc("g4")
module attributes {module.weight_file = "gelu_w.npz"} {
  func.func @must_not_fuse(%arg0: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<2x4xf32>, tensor<4xf32>) {
    %0 = top.Input(%arg0) : (tensor<4xf32>) -> tensor<4xf32> loc("x")
    %sqrt2 = top.Weight() : () -> tensor<f32> loc("sqrt2")
    %third = top.Weight() : () -> tensor<f32> loc("third")
    %one = top.Weight() : () -> tensor<f32> loc("one")
    %half = top.Weight() : () -> tensor<f32> loc("half")
    %half4 = top.Weight() : () -> tensor<4xf32> loc("half4")
    %half24 = top.Weight() : () -> tensor<2x4xf32> loc("half24")
    %1 = top.Mul(%0, %third) : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32> loc("d1")
    %2 = top.Erf(%1) : (tensor<4xf32>) -> tensor<4xf32> loc("e1")
    %3 = top.Add(%2, %one) : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32> loc("a1")
    %4 = top.Mul(%0, %3) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32> loc("m1")
    %5 = top.Mul(%4, %half) : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32> loc("g1")
    %11 = top.Div(%0, %sqrt2) : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32> loc("d2")
    %12 = top.Erf(%11) : (tensor<4xf32>) -> tensor<4xf32> loc("e2")
    %13 = top.Add(%12, %one) : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32> loc("a2")
    %14 = top.Mul(%0, %13) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32> loc("m2")
    %15 = top.Mul(%14, %half) : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32> loc("g2")
    %21 = top.Div(%0, %sqrt2) : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32> loc("d3")
    %22 = top.Erf(%21) : (tensor<4xf32>) -> tensor<4xf32> loc("e3")
    %23 = top.Add(%22, %one) : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32> loc("a3")
    %24 = top.Mul(%0, %23) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32> loc("m3")
    %25 = top.Mul(%24, %half24) : (tensor<4xf32>, tensor<2x4xf32>) -> tensor<2x4xf32> loc("g3")
    %31 = top.Div(%0, %sqrt2) : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32> loc("d4")
    %32 = top.Erf(%31) : (tensor<4xf32>) -> tensor<4xf32> loc("e4")
    %33 = top.Add(%32, %one) : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32> loc("a4")
    %34 = top.Mul(%0, %33) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32> loc("m4")
    %35 = top.Mul(%34, %half4) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32> loc("g4")
    func.return %5, %15, %13, %25, %35 : tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<2x4xf32>, tensor<4xf32>
  }
}
