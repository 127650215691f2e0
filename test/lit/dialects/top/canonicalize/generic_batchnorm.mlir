// top-canonicalize, batchnorm.py.
// * BatchNormAbsorbScaleShift: Mul/Add of a BatchNorm by a per-channel weight becomes one
//   BatchNorm (new gamma <mul>_gamma = gamma w, beta <mul>_beta = beta w; <add>_beta = beta + w)
//   named as the Mul/Add; not for a weight varying along another axis, a BatchNorm with do_relu
//   or another user.
// * BatchNormFoldIntoConv: BatchNorm(Conv) -> Conv with new weights <bn>_filter, <bn>_bias,
//   named as the BatchNorm; not for a Conv with another user or with do_relu. A BatchNorm that
//   follows no Conv stays one op.
// Both read weights: without the weight store nothing fires.
// RUN: mkdir -p %t && %python -c "import numpy as np; f = lambda *v: np.array(v, np.float32); np.savez('%t/bn_w.npz', cw=f(1, 2).reshape(2, 1, 1, 1), cb=f(1, -1), mean=f(1, 2), var=f(4, 1), gamma=f(2, 3), beta=f(0.5, 1), s=f(10, 20).reshape(2, 1, 1), t=f(1, 2).reshape(1, 2, 1, 1), sp=f(1, 2, 3).reshape(3, 1), c3=f(1, 2, 3))" && cp %s %t/bn.mlir
// RUN: tpuc-opt %t/bn.mlir -p top-canonicalize --split-input-file -o %t/out.mlir && filecheck %s --check-prefixes=CHECK,STORE < %t/out.mlir
// RUN: tpuc-opt %s -p top-canonicalize --split-input-file | filecheck %s --check-prefixes=CHECK,NOSTORE
// The folded Conv weights of the last chunk: s = gamma / sqrt(var) = [1, 3], filter [1, 2] * s,
// bias (cb - mean) * s + beta = [0 * 1 + 0.5, -3 * 3 + 1].
// RUN: %python %S/../../../Inputs/npz_dump.py %t/out_weight.npz | filecheck %s --check-prefix=NPZ
// NPZ: y_bias: shape=[2] dtype=float32 values=[0.5, -8.0]
// NPZ: y_filter: shape=[2, 1, 1, 1] dtype=float32 values=[1.0, 6.0]

// BatchNorm -> Mul(s) -> Add(t) (densenet's form): one BatchNorm named "y".
// CHECK-LABEL: func.func @absorb_mul_add
// CHECK-NEXT:  %[[X:.*]] = top.Input(%{{.*}}) : (tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32> loc("x")
// CHECK-NEXT:  %[[M:.*]] = top.Weight() : () -> tensor<2xf32> loc("mean")
// CHECK-NEXT:  %[[V:.*]] = top.Weight() : () -> tensor<2xf32> loc("var")
// STORE-NEXT:  %[[G:.*]] = top.Weight() : () -> tensor<2xf32> loc("scaled_gamma")
// STORE-NEXT:  %[[B:.*]] = top.Weight() : () -> tensor<2xf32> loc("y_beta")
// STORE-NEXT:  %[[Y:.*]] = top.BatchNorm(%[[X]], %[[M]], %[[V]], %[[G]], %[[B]]) {epsilon = 0.000000e+00 : f64, do_relu = true} : {{.*}} loc("y")
// STORE-NEXT:  func.return %[[Y]]
// NOSTORE:     top.BatchNorm({{.*}} loc("bn")
// NOSTORE:     top.Mul({{.*}} loc("scaled")
// NOSTORE:     top.Add({{.*}} loc("y")
module attributes {module.weight_file = "bn_w.npz"} {
  func.func @absorb_mul_add(%arg0: tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32> {
    %0 = top.Input(%arg0) : (tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32> loc("x")
    %1 = top.Weight() : () -> tensor<2xf32> loc("mean")
    %2 = top.Weight() : () -> tensor<2xf32> loc("var")
    %3 = top.Weight() : () -> tensor<2xf32> loc("gamma")
    %4 = top.Weight() : () -> tensor<2xf32> loc("beta")
    %5 = top.BatchNorm(%0, %1, %2, %3, %4) {epsilon = 0.0 : f64} : (tensor<1x2x3x3xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x3x3xf32> loc("bn")
    %6 = top.Weight() : () -> tensor<2x1x1xf32> loc("s")
    %7 = top.Mul(%6, %5) : (tensor<2x1x1xf32>, tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32> loc("scaled")
    %8 = top.Weight() : () -> tensor<1x2x1x1xf32> loc("t")
    %9 = top.Add(%7, %8) {do_relu = true} : (tensor<1x2x3x3xf32>, tensor<1x2x1x1xf32>) -> tensor<1x2x3x3xf32> loc("y")
    func.return %9 : tensor<1x2x3x3xf32>
  }
}

// -----
// Must not absorb: the weight varies along H ([3, 1] against [1, 2, 3, 3]); the BatchNorm has
// do_relu; the BatchNorm has a second user. A BatchNorm after no Conv stays.
// CHECK-LABEL: func.func @no_absorb
// CHECK:       top.BatchNorm({{.*}} loc("bn1")
// CHECK:       top.Mul({{.*}} loc("m1")
// CHECK:       top.BatchNorm({{.*}} {epsilon = 0.000000e+00 : f64, do_relu = true} {{.*}} loc("bn2")
// CHECK:       top.Mul({{.*}} loc("m2")
// CHECK:       top.BatchNorm({{.*}} loc("bn3")
// CHECK:       top.Mul({{.*}} loc("m3")
module attributes {module.weight_file = "bn_w.npz"} {
  func.func @no_absorb(%arg0: tensor<1x2x3x3xf32>) -> (tensor<1x2x3x3xf32>, tensor<1x2x3x3xf32>, tensor<1x2x3x3xf32>, tensor<1x2x3x3xf32>) {
    %0 = top.Input(%arg0) : (tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32> loc("x")
    %1 = top.Weight() : () -> tensor<2xf32> loc("mean")
    %2 = top.Weight() : () -> tensor<2xf32> loc("var")
    %3 = top.Weight() : () -> tensor<2xf32> loc("gamma")
    %4 = top.Weight() : () -> tensor<2xf32> loc("beta")
    %s = top.Weight() : () -> tensor<2x1x1xf32> loc("s")
    %sp = top.Weight() : () -> tensor<3x1xf32> loc("sp")
    %5 = top.BatchNorm(%0, %1, %2, %3, %4) {epsilon = 0.0 : f64} : (tensor<1x2x3x3xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x3x3xf32> loc("bn1")
    %6 = top.Mul(%5, %sp) : (tensor<1x2x3x3xf32>, tensor<3x1xf32>) -> tensor<1x2x3x3xf32> loc("m1")
    %7 = top.BatchNorm(%0, %1, %2, %3, %4) {epsilon = 0.0 : f64, do_relu = true} : (tensor<1x2x3x3xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x3x3xf32> loc("bn2")
    %8 = top.Mul(%7, %s) : (tensor<1x2x3x3xf32>, tensor<2x1x1xf32>) -> tensor<1x2x3x3xf32> loc("m2")
    %9 = top.BatchNorm(%0, %1, %2, %3, %4) {epsilon = 0.0 : f64} : (tensor<1x2x3x3xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x3x3xf32> loc("bn3")
    %10 = top.Mul(%9, %s) : (tensor<1x2x3x3xf32>, tensor<2x1x1xf32>) -> tensor<1x2x3x3xf32> loc("m3")
    func.return %6, %8, %9, %10 : tensor<1x2x3x3xf32>, tensor<1x2x3x3xf32>, tensor<1x2x3x3xf32>, tensor<1x2x3x3xf32>
  }
}

// -----
// Must not fold: the Conv has a second user (a graph output), or do_relu.
// CHECK-LABEL: func.func @no_fold
// CHECK:       top.Conv({{.*}} loc("c1")
// CHECK:       top.BatchNorm({{.*}} loc("bn1")
// CHECK:       top.Conv({{.*}} do_relu = true{{.*}} loc("c2")
// CHECK:       top.BatchNorm({{.*}} loc("bn2")
module attributes {module.weight_file = "bn_w.npz"} {
  func.func @no_fold(%arg0: tensor<1x1x2x2xf32>) -> (tensor<1x2x2x2xf32>, tensor<1x2x2x2xf32>, tensor<1x2x2x2xf32>) {
    %0 = top.Input(%arg0) : (tensor<1x1x2x2xf32>) -> tensor<1x1x2x2xf32> loc("x")
    %w = top.Weight() : () -> tensor<2x1x1x1xf32> loc("cw")
    %b = top.Weight() : () -> tensor<2xf32> loc("cb")
    %1 = top.Weight() : () -> tensor<2xf32> loc("mean")
    %2 = top.Weight() : () -> tensor<2xf32> loc("var")
    %3 = top.Weight() : () -> tensor<2xf32> loc("gamma")
    %4 = top.Weight() : () -> tensor<2xf32> loc("beta")
    %5 = top.Conv(%0, %w, %b) {kernel_shape = array<i64: 1, 1>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>} : (tensor<1x1x2x2xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>) -> tensor<1x2x2x2xf32> loc("c1")
    %6 = top.BatchNorm(%5, %1, %2, %3, %4) {epsilon = 0.0 : f64} : (tensor<1x2x2x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x2x2xf32> loc("bn1")
    %7 = top.Conv(%0, %w, %b) {kernel_shape = array<i64: 1, 1>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, do_relu = true} : (tensor<1x1x2x2xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>) -> tensor<1x2x2x2xf32> loc("c2")
    %8 = top.BatchNorm(%7, %1, %2, %3, %4) {epsilon = 0.0 : f64} : (tensor<1x2x2x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x2x2xf32> loc("bn2")
    func.return %5, %6, %8 : tensor<1x2x2x2xf32>, tensor<1x2x2x2xf32>, tensor<1x2x2x2xf32>
  }
}

// -----
// Conv -> BatchNorm (with do_relu) -> one Conv "y" with folded weights and do_relu (values: NPZ).
// CHECK-LABEL: func.func @fold_into_conv
// CHECK-NEXT:  %[[X:.*]] = top.Input(%{{.*}}) : (tensor<1x1x2x2xf32>) -> tensor<1x1x2x2xf32> loc("x")
// STORE-NEXT:  %[[W:.*]] = top.Weight() : () -> tensor<2x1x1x1xf32> loc("y_filter")
// STORE-NEXT:  %[[B:.*]] = top.Weight() : () -> tensor<2xf32> loc("y_bias")
// STORE-NEXT:  %[[C:.*]] = top.Conv(%[[X]], %[[W]], %[[B]]) {kernel_shape = array<i64: 1, 1>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, do_relu = true} : (tensor<1x1x2x2xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>) -> tensor<1x2x2x2xf32> loc("y")
// STORE-NEXT:  func.return %[[C]]
// NOSTORE:     top.Conv({{.*}} loc("c")
// NOSTORE:     top.BatchNorm({{.*}} loc("y")
module attributes {module.weight_file = "bn_w.npz"} {
  func.func @fold_into_conv(%arg0: tensor<1x1x2x2xf32>) -> tensor<1x2x2x2xf32> {
    %0 = top.Input(%arg0) : (tensor<1x1x2x2xf32>) -> tensor<1x1x2x2xf32> loc("x")
    %w = top.Weight() : () -> tensor<2x1x1x1xf32> loc("cw")
    %b = top.Weight() : () -> tensor<2xf32> loc("cb")
    %1 = top.Weight() : () -> tensor<2xf32> loc("mean")
    %2 = top.Weight() : () -> tensor<2xf32> loc("var")
    %3 = top.Weight() : () -> tensor<2xf32> loc("gamma")
    %4 = top.Weight() : () -> tensor<2xf32> loc("beta")
    %5 = top.Conv(%0, %w, %b) {kernel_shape = array<i64: 1, 1>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>} : (tensor<1x1x2x2xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>) -> tensor<1x2x2x2xf32> loc("c")
    %6 = top.BatchNorm(%5, %1, %2, %3, %4) {epsilon = 0.0 : f64, do_relu = true} : (tensor<1x2x2x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x2x2xf32> loc("y")
    func.return %6 : tensor<1x2x2x2xf32>
  }
}
