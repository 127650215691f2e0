// top-canonicalize, unary.py: PermuteSinkThroughUnary rewrites U(Permute(x, p)) -> Permute(U(x), p)
// for every elementwise unary op and Cast, keeping U's properties; the new U is named
// <name>_before_permute and the Permute keeps U's name. Not when the Permute has another user.
// RUN: tpuc-opt %s -p top-canonicalize --split-input-file | filecheck %s

// CHECK-LABEL: func.func @relu
// CHECK-NEXT:  %[[X:.*]] = top.Input(%{{.*}}) : (tensor<2x3x4xf32>) -> tensor<2x3x4xf32> loc("x")
// CHECK-NEXT:  %[[R:.*]] = top.Relu(%[[X]]) : (tensor<2x3x4xf32>) -> tensor<2x3x4xf32> loc("r_before_permute")
// CHECK-NEXT:  %[[P:.*]] = top.Permute(%[[R]]) {order = array<i64: 2, 0, 1>} : (tensor<2x3x4xf32>) -> tensor<4x2x3xf32> loc("r")
// CHECK-NEXT:  func.return %[[P]] : tensor<4x2x3xf32>
func.func @relu(%arg0: tensor<2x3x4xf32>) -> tensor<4x2x3xf32> {
  %0 = top.Input(%arg0) : (tensor<2x3x4xf32>) -> tensor<2x3x4xf32> loc("x")
  %1 = top.Permute(%0) {order = array<i64: 2, 0, 1>} : (tensor<2x3x4xf32>) -> tensor<4x2x3xf32> loc("p")
  %2 = top.Relu(%1) : (tensor<4x2x3xf32>) -> tensor<4x2x3xf32> loc("r")
  func.return %2 : tensor<4x2x3xf32>
}

// -----
// Properties are kept (LeakyRelu's alpha, Clip's bounds); the Permute sinks through the chain.
// CHECK-LABEL: func.func @chain_with_properties
// CHECK-NEXT:  %[[X:.*]] = top.Input(%{{.*}}) : (tensor<2x3xf32>) -> tensor<2x3xf32> loc("x")
// CHECK-NEXT:  %[[L:.*]] = top.LeakyRelu(%[[X]]) {alpha = 1.000000e-01 : f64} : (tensor<2x3xf32>) -> tensor<2x3xf32> loc("lr_before_permute")
// CHECK-NEXT:  %[[C:.*]] = top.Clip(%[[L]]) {min = 0.000000e+00 : f64, max = 6.000000e+00 : f64} : (tensor<2x3xf32>) -> tensor<2x3xf32> loc("clip_before_permute")
// CHECK-NEXT:  %[[P:.*]] = top.Permute(%[[C]]) {order = array<i64: 1, 0>} : (tensor<2x3xf32>) -> tensor<3x2xf32> loc("clip")
// CHECK-NEXT:  func.return %[[P]] : tensor<3x2xf32>
func.func @chain_with_properties(%arg0: tensor<2x3xf32>) -> tensor<3x2xf32> {
  %0 = top.Input(%arg0) : (tensor<2x3xf32>) -> tensor<2x3xf32> loc("x")
  %1 = top.Permute(%0) {order = array<i64: 1, 0>} : (tensor<2x3xf32>) -> tensor<3x2xf32> loc("p")
  %2 = top.LeakyRelu(%1) {alpha = 0.1 : f64} : (tensor<3x2xf32>) -> tensor<3x2xf32> loc("lr")
  %3 = top.Clip(%2) {min = 0.0 : f64, max = 6.0 : f64} : (tensor<3x2xf32>) -> tensor<3x2xf32> loc("clip")
  func.return %3 : tensor<3x2xf32>
}

// -----
// Cast changes the element type: the sunk Cast and the Permute both carry the new type.
// CHECK-LABEL: func.func @cast
// CHECK-NEXT:  %[[X:.*]] = top.Input(%{{.*}}) : (tensor<2x3xf32>) -> tensor<2x3xf32> loc("x")
// CHECK-NEXT:  %[[C:.*]] = top.Cast(%[[X]]) {to = "i32"} : (tensor<2x3xf32>) -> tensor<2x3xi32> loc("c_before_permute")
// CHECK-NEXT:  %[[P:.*]] = top.Permute(%[[C]]) {order = array<i64: 1, 0>} : (tensor<2x3xi32>) -> tensor<3x2xi32> loc("c")
// CHECK-NEXT:  func.return %[[P]] : tensor<3x2xi32>
func.func @cast(%arg0: tensor<2x3xf32>) -> tensor<3x2xi32> {
  %0 = top.Input(%arg0) : (tensor<2x3xf32>) -> tensor<2x3xf32> loc("x")
  %1 = top.Permute(%0) {order = array<i64: 1, 0>} : (tensor<2x3xf32>) -> tensor<3x2xf32> loc("p")
  %2 = top.Cast(%1) {to = "i32"} : (tensor<3x2xf32>) -> tensor<3x2xi32> loc("c")
  func.return %2 : tensor<3x2xi32>
}

// -----
// Sunk to meet its inverse: both Permutes cancel (PermuteCompose), leaving Exp(x) for the Neg.
// CHECK-LABEL: func.func @sink_and_cancel
// CHECK-NEXT:  %[[X:.*]] = top.Input(%{{.*}}) : (tensor<2x3x4xf32>) -> tensor<2x3x4xf32> loc("x")
// CHECK-NEXT:  %[[E:.*]] = top.Exp(%[[X]]) : (tensor<2x3x4xf32>) -> tensor<2x3x4xf32> loc("e_before_permute")
// CHECK-NEXT:  %[[N:.*]] = top.Neg(%[[E]]) : (tensor<2x3x4xf32>) -> tensor<2x3x4xf32> loc("n")
// CHECK-NEXT:  func.return %[[N]] : tensor<2x3x4xf32>
func.func @sink_and_cancel(%arg0: tensor<2x3x4xf32>) -> tensor<2x3x4xf32> {
  %0 = top.Input(%arg0) : (tensor<2x3x4xf32>) -> tensor<2x3x4xf32> loc("x")
  %1 = top.Permute(%0) {order = array<i64: 2, 0, 1>} : (tensor<2x3x4xf32>) -> tensor<4x2x3xf32> loc("p")
  %2 = top.Exp(%1) : (tensor<4x2x3xf32>) -> tensor<4x2x3xf32> loc("e")
  %3 = top.Permute(%2) {order = array<i64: 1, 2, 0>} : (tensor<4x2x3xf32>) -> tensor<2x3x4xf32> loc("q")
  %4 = top.Neg(%3) : (tensor<2x3x4xf32>) -> tensor<2x3x4xf32> loc("n")
  func.return %4 : tensor<2x3x4xf32>
}

// -----
// Must not fire: the Permute has another user.
// CHECK-LABEL: func.func @no_sink_multi_use
// CHECK-NEXT:  %[[X:.*]] = top.Input(%{{.*}}) : (tensor<2x3xf32>) -> tensor<2x3xf32> loc("x")
// CHECK-NEXT:  %[[P:.*]] = top.Permute(%[[X]]) {order = array<i64: 1, 0>} : (tensor<2x3xf32>) -> tensor<3x2xf32> loc("p")
// CHECK-NEXT:  %[[S:.*]] = top.Sigmoid(%[[P]]) : (tensor<3x2xf32>) -> tensor<3x2xf32> loc("s")
// CHECK-NEXT:  %[[T:.*]] = top.Tanh(%[[P]]) : (tensor<3x2xf32>) -> tensor<3x2xf32> loc("t")
// CHECK-NEXT:  func.return %[[S]], %[[T]]
func.func @no_sink_multi_use(%arg0: tensor<2x3xf32>) -> (tensor<3x2xf32>, tensor<3x2xf32>) {
  %0 = top.Input(%arg0) : (tensor<2x3xf32>) -> tensor<2x3xf32> loc("x")
  %1 = top.Permute(%0) {order = array<i64: 1, 0>} : (tensor<2x3xf32>) -> tensor<3x2xf32> loc("p")
  %2 = top.Sigmoid(%1) : (tensor<3x2xf32>) -> tensor<3x2xf32> loc("s")
  %3 = top.Tanh(%1) : (tensor<3x2xf32>) -> tensor<3x2xf32> loc("t")
  func.return %2, %3 : tensor<3x2xf32>, tensor<3x2xf32>
}
