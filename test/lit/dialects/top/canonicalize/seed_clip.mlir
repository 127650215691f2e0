// top-canonicalize, clip.py: ClipNoOp. Clip(x, lo, hi) -> x only when the value-range analysis
// proves x already within [lo, hi]. This is the whole rule for GLIP's clamp(±50000) before Softmax:
// an active Clip changes Softmax's result whatever the bounds (softmax([6e4, 7e4]) = [0, 1] but
// [0.5, 0.5] clamped), so on unbounded attention logits the Clip stays.
// RUN: mkdir -p %t && %python -c "import numpy as np; np.savez('%t/clip_w.npz', k=np.array(40000, np.float32), k6=np.array(60000, np.float32))" && cp %s %t/clip.mlir
// RUN: tpuc-opt %t/clip.mlir -p top-canonicalize --split-input-file | filecheck %s --check-prefixes=CHECK,STORE
// RUN: tpuc-opt %s -p top-canonicalize --split-input-file | filecheck %s --check-prefixes=CHECK,NOSTORE

// 40000 * tanh(x) lies in [-40000, 40000]: the clamp never acts (needs k's value).
// CHECK-LABEL: func.func @bounded_logits
// STORE:       %[[M:.*]] = top.Mul(%{{.*}}, %{{.*}}) {{.*}} loc("logits")
// STORE-NEXT:  top.Softmax(%[[M]])
// NOSTORE:     top.Clip
module attributes {module.weight_file = "clip_w.npz"} {
  func.func @bounded_logits(%arg0: tensor<4x6xf32>) -> tensor<4x6xf32> {
    %0 = top.Input(%arg0) : (tensor<4x6xf32>) -> tensor<4x6xf32> loc("x")
    %1 = top.Tanh(%0) : (tensor<4x6xf32>) -> tensor<4x6xf32> loc("t")
    %2 = top.Weight() : () -> tensor<f32> loc("k")
    %3 = top.Mul(%1, %2) : (tensor<4x6xf32>, tensor<f32>) -> tensor<4x6xf32> loc("logits")
    %4 = top.Clip(%3) {min = -5.0e4 : f64, max = 5.0e4 : f64} : (tensor<4x6xf32>) -> tensor<4x6xf32> loc("clamped")
    %5 = top.Softmax(%4) {axis = 1 : i64} : (tensor<4x6xf32>) -> tensor<4x6xf32> loc("y")
    func.return %5 : tensor<4x6xf32>
  }
}

// -----
// Must not fire: 60000 * tanh(x) can exceed 50000; raw MatMul logits are unbounded.
// CHECK-LABEL: func.func @active_clip
// CHECK-COUNT-2: top.Clip
module attributes {module.weight_file = "clip_w.npz"} {
  func.func @active_clip(%arg0: tensor<4x6xf32>, %arg1: tensor<6x6xf32>) -> (tensor<4x6xf32>, tensor<4x6xf32>) {
    %0 = top.Input(%arg0) : (tensor<4x6xf32>) -> tensor<4x6xf32> loc("x")
    %1 = top.Input(%arg1) : (tensor<6x6xf32>) -> tensor<6x6xf32> loc("kt")
    %2 = top.Tanh(%0) : (tensor<4x6xf32>) -> tensor<4x6xf32> loc("t")
    %3 = top.Weight() : () -> tensor<f32> loc("k6")
    %4 = top.Mul(%2, %3) : (tensor<4x6xf32>, tensor<f32>) -> tensor<4x6xf32> loc("logits")
    %5 = top.Clip(%4) {min = -5.0e4 : f64, max = 5.0e4 : f64} : (tensor<4x6xf32>) -> tensor<4x6xf32> loc("clamped")
    %6 = top.Softmax(%5) {axis = 1 : i64} : (tensor<4x6xf32>) -> tensor<4x6xf32> loc("y")
    %7 = top.None() : () -> none loc("none")
    %8 = top.MatMul(%0, %1, %7) : (tensor<4x6xf32>, tensor<6x6xf32>, none) -> tensor<4x6xf32> loc("qk")
    %9 = top.Clip(%8) {min = -5.0e4 : f64, max = 5.0e4 : f64} : (tensor<4x6xf32>) -> tensor<4x6xf32> loc("qk_clamped")
    %10 = top.Softmax(%9) {axis = 1 : i64} : (tensor<4x6xf32>) -> tensor<4x6xf32> loc("y2")
    func.return %6, %10 : tensor<4x6xf32>, tensor<4x6xf32>
  }
}

// -----
// A Clip inside a narrower Clip, and Relu6 of a sigmoid: no store needed. Not for a graph output.
// CHECK-LABEL: func.func @nested
// CHECK-NEXT:  %[[X:.*]] = top.Input
// CHECK-NEXT:  %[[C:.*]] = top.Clip(%[[X]]) {min = -1.000000e+00 : f64, max = 1.000000e+00 : f64} {{.*}} loc("inner")
// CHECK-NEXT:  %[[N:.*]] = top.Neg(%[[C]]) {{.*}} loc("n")
// CHECK-NEXT:  %[[S:.*]] = top.Sigmoid(%[[X]])
// CHECK-NEXT:  %[[E:.*]] = top.Exp(%[[S]])
// CHECK-NEXT:  %[[O:.*]] = top.Clip(%[[S]]) {{.*}} loc("out")
// CHECK-NEXT:  func.return %[[N]], %[[E]], %[[O]]
func.func @nested(%arg0: tensor<8xf32>) -> (tensor<8xf32>, tensor<8xf32>, tensor<8xf32>) {
  %0 = top.Input(%arg0) : (tensor<8xf32>) -> tensor<8xf32> loc("x")
  %1 = top.Clip(%0) {min = -1.0 : f64, max = 1.0 : f64} : (tensor<8xf32>) -> tensor<8xf32> loc("inner")
  %2 = top.Clip(%1) {min = -2.0 : f64, max = 3.0 : f64} : (tensor<8xf32>) -> tensor<8xf32> loc("outer")
  %3 = top.Neg(%2) : (tensor<8xf32>) -> tensor<8xf32> loc("n")
  %4 = top.Sigmoid(%0) : (tensor<8xf32>) -> tensor<8xf32> loc("s")
  %5 = top.Clip(%4) {min = 0.0 : f64, max = 6.0 : f64} : (tensor<8xf32>) -> tensor<8xf32> loc("relu6")
  %6 = top.Exp(%5) : (tensor<8xf32>) -> tensor<8xf32> loc("e")
  %7 = top.Clip(%4) {min = 0.0 : f64, max = 6.0 : f64} : (tensor<8xf32>) -> tensor<8xf32> loc("out")
  func.return %3, %6, %7 : tensor<8xf32>, tensor<8xf32>, tensor<8xf32>
}
