// top-canonicalize, conv.py and split.py.
// * ConvSiblingMerge: Convs of the same input with the same geometry, group 1 and constant weights
//   become one Conv (<first>_siblings, filters stacked, a missing bias as zeros) and a Split whose
//   results carry the siblings' names; not for different geometry, group > 1, or a Conv whose
//   result a BatchNorm still has to fold into.
// * SplitUnaryHoist: one Relu before the Split instead of one per result; not when a Split result
//   has another user.
// RUN: mkdir -p %t && %python -c "import numpy as np; r = np.random.default_rng(0); np.savez('%t/w.npz', w1=r.standard_normal((2, 3, 1, 1)).astype(np.float32), w2=r.standard_normal((4, 3, 1, 1)).astype(np.float32), w3=r.standard_normal((4, 3, 3, 3)).astype(np.float32), wg=r.standard_normal((3, 1, 1, 1)).astype(np.float32), b1=np.ones(2, np.float32), mean=np.zeros(2, np.float32), var=np.ones(2, np.float32))" && cp %s %t/m.mlir
// RUN: tpuc-opt %t/m.mlir -p top-canonicalize --split-input-file -o %t/out.mlir && filecheck %s < %t/out.mlir
// RUN: %python %S/../../../Inputs/npz_dump.py %t/out_weight.npz | filecheck %s --check-prefix=NPZ
// (the weight file holds the last chunk's weights)
// NPZ: c1_siblings_bias: shape=[6] dtype=float32 values=[1.0, 1.0, 0.0, 0.0, 0.0, 0.0]

// Different kernels (1x1 and 3x3), and a grouped Conv: nothing merges.
// CHECK-LABEL: func.func @geometry
// CHECK-COUNT-3: top.Conv
// CHECK-NOT:   top.Split
module attributes {module.weight_file = "w.npz"} {
  func.func @geometry(%arg0: tensor<1x3x4x4xf32>) -> (tensor<1x2x4x4xf32>, tensor<1x4x4x4xf32>, tensor<1x3x4x4xf32>) {
    %0 = top.Input(%arg0) : (tensor<1x3x4x4xf32>) -> tensor<1x3x4x4xf32> loc("x")
    %w1 = top.Weight() : () -> tensor<2x3x1x1xf32> loc("w1")
    %w3 = top.Weight() : () -> tensor<4x3x3x3xf32> loc("w3")
    %wg = top.Weight() : () -> tensor<3x1x1x1xf32> loc("wg")
    %n = top.None() : () -> none loc("none")
    %1 = top.Conv(%0, %w1, %n) {kernel_shape = array<i64: 1, 1>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>} : (tensor<1x3x4x4xf32>, tensor<2x3x1x1xf32>, none) -> tensor<1x2x4x4xf32> loc("c1")
    %2 = top.Conv(%0, %w3, %n) {kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>} : (tensor<1x3x4x4xf32>, tensor<4x3x3x3xf32>, none) -> tensor<1x4x4x4xf32> loc("c3")
    %3 = top.Conv(%0, %wg, %n) {kernel_shape = array<i64: 1, 1>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, group = 3 : i64} : (tensor<1x3x4x4xf32>, tensor<3x1x1x1xf32>, none) -> tensor<1x3x4x4xf32> loc("cg")
    func.return %1, %2, %3 : tensor<1x2x4x4xf32>, tensor<1x4x4x4xf32>, tensor<1x3x4x4xf32>
  }
}
// -----
// A BatchNorm still to fold into c1: it folds first, then the siblings merge; a Split result
// with a second user keeps the Relus where they are.
// CHECK-LABEL: func.func @bn_first
// CHECK:       top.Conv({{.*}} loc("bn_siblings")
// CHECK-NOT:   top.BatchNorm
// CHECK:       top.Split
// CHECK:       top.Relu
// CHECK:       top.Relu
module attributes {module.weight_file = "w.npz"} {
  func.func @bn_first(%arg0: tensor<1x3x4x4xf32>) -> (tensor<1x2x4x4xf32>, tensor<1x4x4x4xf32>, tensor<1x4x4x4xf32>) {
    %0 = top.Input(%arg0) : (tensor<1x3x4x4xf32>) -> tensor<1x3x4x4xf32> loc("x")
    %w1 = top.Weight() : () -> tensor<2x3x1x1xf32> loc("w1")
    %w2 = top.Weight() : () -> tensor<4x3x1x1xf32> loc("w2")
    %m = top.Weight() : () -> tensor<2xf32> loc("mean")
    %v = top.Weight() : () -> tensor<2xf32> loc("var")
    %n = top.None() : () -> none loc("none")
    %1 = top.Conv(%0, %w1, %n) {kernel_shape = array<i64: 1, 1>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>} : (tensor<1x3x4x4xf32>, tensor<2x3x1x1xf32>, none) -> tensor<1x2x4x4xf32> loc("c1")
    %b = top.BatchNorm(%1, %m, %v, %n, %n) {epsilon = 0.0 : f64} : (tensor<1x2x4x4xf32>, tensor<2xf32>, tensor<2xf32>, none, none) -> tensor<1x2x4x4xf32> loc("bn")
    %2 = top.Conv(%0, %w2, %n) {kernel_shape = array<i64: 1, 1>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>} : (tensor<1x3x4x4xf32>, tensor<4x3x1x1xf32>, none) -> tensor<1x4x4x4xf32> loc("c2")
    %3 = top.Relu(%b) : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32> loc("r1")
    %4 = top.Relu(%2) : (tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32> loc("r2")
    func.return %3, %4, %2 : tensor<1x2x4x4xf32>, tensor<1x4x4x4xf32>, tensor<1x4x4x4xf32>
  }
}
// -----
// Two 1x1 siblings, each followed by a Relu: one Conv, one Relu, one Split.
// CHECK-LABEL: func.func @merge
// CHECK:       %[[C:.*]] = top.Conv(%{{.*}}, %{{.*}}, %{{.*}}) {{.*}} -> tensor<1x6x4x4xf32> loc("c1_siblings")
// CHECK-NEXT:  %[[R:.*]] = top.Relu(%[[C]]) {{.*}} loc("r1_before_split")
// CHECK-NEXT:  %[[S0:.*]], %[[S1:.*]] = top.Split(%[[R]]) {axis = 1 : i64, split_size = array<i64: 2, 4>} {{.*}} loc(fused["r1", "r2"])
// CHECK-NEXT:  func.return %[[S0]], %[[S1]]
module attributes {module.weight_file = "w.npz"} {
  func.func @merge(%arg0: tensor<1x3x4x4xf32>) -> (tensor<1x2x4x4xf32>, tensor<1x4x4x4xf32>) {
    %0 = top.Input(%arg0) : (tensor<1x3x4x4xf32>) -> tensor<1x3x4x4xf32> loc("x")
    %w1 = top.Weight() : () -> tensor<2x3x1x1xf32> loc("w1")
    %b1 = top.Weight() : () -> tensor<2xf32> loc("b1")
    %w2 = top.Weight() : () -> tensor<4x3x1x1xf32> loc("w2")
    %n = top.None() : () -> none loc("none")
    %1 = top.Conv(%0, %w1, %b1) {kernel_shape = array<i64: 1, 1>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>} : (tensor<1x3x4x4xf32>, tensor<2x3x1x1xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32> loc("c1")
    %2 = top.Conv(%0, %w2, %n) {kernel_shape = array<i64: 1, 1>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>} : (tensor<1x3x4x4xf32>, tensor<4x3x1x1xf32>, none) -> tensor<1x4x4x4xf32> loc("c2")
    %3 = top.Relu(%1) : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32> loc("r1")
    %4 = top.Relu(%2) : (tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32> loc("r2")
    func.return %3, %4 : tensor<1x2x4x4xf32>, tensor<1x4x4x4xf32>
  }
}
