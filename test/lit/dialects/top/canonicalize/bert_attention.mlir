// BERT (HF) self-attention as imported: q, k, v Permute(0,2,1,3); the mask [1,1,s,s] is added to
// the scores; Where(IsNaN(p), 0, p) after Softmax. top-canonicalize must leave no Permute and set
// hdim_is_batch on both MatMuls (the mask Permute becomes a Reshape; the IsNaN diamond sinks).
// RUN: tpuc-opt %s -p top-canonicalize | filecheck %s

// CHECK-LABEL: func.func @main
// CHECK-NOT:   top.Permute
// CHECK:       top.MatMul({{.*}}) {{{.*}}hdim_is_batch = true{{.*}}} {{.*}} loc("qk_hdim")
// CHECK-NOT:   top.Permute
// CHECK:       top.Reshape({{.*}}) {shape = array<i64: 1, 4, 1, 4>} : (tensor<1x1x4x4xf32>) -> tensor<1x4x1x4xf32>
// CHECK-NOT:   top.Permute
// CHECK:       top.MatMul({{.*}}) {{{.*}}hdim_is_batch = true{{.*}}} {{.*}} loc("pv_hdim")
// CHECK-NOT:   top.Permute
// CHECK:       top.Reshape({{.*}}) {shape = array<i64: 1, 4, 16>} {{.*}} loc("out")
func.func @main(%q: tensor<1x4x2x8xf32>, %k: tensor<1x4x2x8xf32>, %v: tensor<1x4x2x8xf32>, %m: tensor<1x1x4x4xf32>) -> tensor<1x4x16xf32> {
  %0 = top.Input(%q) : (tensor<1x4x2x8xf32>) -> tensor<1x4x2x8xf32> loc("q")
  %1 = top.Input(%k) : (tensor<1x4x2x8xf32>) -> tensor<1x4x2x8xf32> loc("k")
  %2 = top.Input(%v) : (tensor<1x4x2x8xf32>) -> tensor<1x4x2x8xf32> loc("v")
  %3 = top.Input(%m) : (tensor<1x1x4x4xf32>) -> tensor<1x1x4x4xf32> loc("mask")
  %n = top.None() : () -> none loc("none")
  %4 = top.Permute(%0) {order = array<i64: 0, 2, 1, 3>} : (tensor<1x4x2x8xf32>) -> tensor<1x2x4x8xf32> loc("qt")
  %5 = top.Permute(%1) {order = array<i64: 0, 2, 3, 1>} : (tensor<1x4x2x8xf32>) -> tensor<1x2x8x4xf32> loc("kt")
  %6 = top.Permute(%2) {order = array<i64: 0, 2, 1, 3>} : (tensor<1x4x2x8xf32>) -> tensor<1x2x4x8xf32> loc("vt")
  %7 = top.MatMul(%4, %5, %n) : (tensor<1x2x4x8xf32>, tensor<1x2x8x4xf32>, none) -> tensor<1x2x4x4xf32> loc("qk")
  %8 = top.Add(%7, %3) : (tensor<1x2x4x4xf32>, tensor<1x1x4x4xf32>) -> tensor<1x2x4x4xf32> loc("masked")
  %9 = top.Softmax(%8) {axis = 3 : i64} : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32> loc("p")
  %10 = top.IsNaN(%9) : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xi1> loc("nan")
  %11 = top.Weight() : () -> tensor<1xf32> loc("zero")
  %12 = top.Where(%10, %11, %9) : (tensor<1x2x4x4xi1>, tensor<1xf32>, tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32> loc("p0")
  %13 = top.MatMul(%12, %6, %n) : (tensor<1x2x4x4xf32>, tensor<1x2x4x8xf32>, none) -> tensor<1x2x4x8xf32> loc("pv")
  %14 = top.Permute(%13) {order = array<i64: 0, 2, 1, 3>} : (tensor<1x2x4x8xf32>) -> tensor<1x4x2x8xf32> loc("ctx")
  %15 = top.Reshape(%14) {shape = array<i64: 1, 4, 16>} : (tensor<1x4x2x8xf32>) -> tensor<1x4x16xf32> loc("out")
  func.return %15 : tensor<1x4x16xf32>
}
