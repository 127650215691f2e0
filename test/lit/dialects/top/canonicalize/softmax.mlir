// top-canonicalize, softmax.py: PermuteSinkThroughSoftmax rewrites
// Softmax(Permute(x, p), axis = a) -> Permute(Softmax(x, axis = p[a]), p): the new Softmax is named
// <name>_before_permute, the Permute keeps the Softmax's name. Not with coerce_2d (the 2-D view
// does not commute with a permutation) nor when the Permute has another user.
// RUN: tpuc-opt %s -p top-canonicalize --split-input-file | filecheck %s

// p = (0, 2, 3, 1), axis 3 -> p[3] = 1.
// CHECK-LABEL: func.func @sink
// CHECK-NEXT:  %[[X:.*]] = top.Input(%{{.*}}) : (tensor<2x3x4x5xf32>) -> tensor<2x3x4x5xf32> loc("x")
// CHECK-NEXT:  %[[S:.*]] = top.Softmax(%[[X]]) {axis = 1 : i64} : (tensor<2x3x4x5xf32>) -> tensor<2x3x4x5xf32> loc("sm_before_permute")
// CHECK-NEXT:  %[[P:.*]] = top.Permute(%[[S]]) {order = array<i64: 0, 2, 3, 1>} : (tensor<2x3x4x5xf32>) -> tensor<2x4x5x3xf32> loc("sm")
// CHECK-NEXT:  func.return %[[P]] : tensor<2x4x5x3xf32>
func.func @sink(%arg0: tensor<2x3x4x5xf32>) -> tensor<2x4x5x3xf32> {
  %0 = top.Input(%arg0) : (tensor<2x3x4x5xf32>) -> tensor<2x3x4x5xf32> loc("x")
  %1 = top.Permute(%0) {order = array<i64: 0, 2, 3, 1>} : (tensor<2x3x4x5xf32>) -> tensor<2x4x5x3xf32> loc("p")
  %2 = top.Softmax(%1) {axis = 3 : i64} : (tensor<2x4x5x3xf32>) -> tensor<2x4x5x3xf32> loc("sm")
  func.return %2 : tensor<2x4x5x3xf32>
}

// -----
// A negative axis is normalised first (-2 -> 1 -> p[1] = 2); other properties (log) are kept.
// CHECK-LABEL: func.func @sink_negative_axis_log
// CHECK-NEXT:  %[[X:.*]] = top.Input(%{{.*}}) : (tensor<2x3x4xf32>) -> tensor<2x3x4xf32> loc("x")
// CHECK-NEXT:  %[[S:.*]] = top.Softmax(%[[X]]) {axis = 2 : i64, log = true} : (tensor<2x3x4xf32>) -> tensor<2x3x4xf32> loc("sm_before_permute")
// CHECK-NEXT:  %[[P:.*]] = top.Permute(%[[S]]) {order = array<i64: 1, 2, 0>} : (tensor<2x3x4xf32>) -> tensor<3x4x2xf32> loc("sm")
// CHECK-NEXT:  func.return %[[P]] : tensor<3x4x2xf32>
func.func @sink_negative_axis_log(%arg0: tensor<2x3x4xf32>) -> tensor<3x4x2xf32> {
  %0 = top.Input(%arg0) : (tensor<2x3x4xf32>) -> tensor<2x3x4xf32> loc("x")
  %1 = top.Permute(%0) {order = array<i64: 1, 2, 0>} : (tensor<2x3x4xf32>) -> tensor<3x4x2xf32> loc("p")
  %2 = top.Softmax(%1) {axis = -2 : i64, log = true} : (tensor<3x4x2xf32>) -> tensor<3x4x2xf32> loc("sm")
  func.return %2 : tensor<3x4x2xf32>
}

// -----
// Must not fire: coerce_2d (opset < 13 semantics).
// CHECK-LABEL: func.func @no_sink_coerce_2d
// CHECK-NEXT:  %[[X:.*]] = top.Input(%{{.*}}) : (tensor<2x3x4xf32>) -> tensor<2x3x4xf32> loc("x")
// CHECK-NEXT:  %[[P:.*]] = top.Permute(%[[X]]) {order = array<i64: 1, 2, 0>} : (tensor<2x3x4xf32>) -> tensor<3x4x2xf32> loc("p")
// CHECK-NEXT:  %[[S:.*]] = top.Softmax(%[[P]]) {axis = 1 : i64, coerce_2d = true} : (tensor<3x4x2xf32>) -> tensor<3x4x2xf32> loc("sm")
// CHECK-NEXT:  func.return %[[S]] : tensor<3x4x2xf32>
func.func @no_sink_coerce_2d(%arg0: tensor<2x3x4xf32>) -> tensor<3x4x2xf32> {
  %0 = top.Input(%arg0) : (tensor<2x3x4xf32>) -> tensor<2x3x4xf32> loc("x")
  %1 = top.Permute(%0) {order = array<i64: 1, 2, 0>} : (tensor<2x3x4xf32>) -> tensor<3x4x2xf32> loc("p")
  %2 = top.Softmax(%1) {axis = 1 : i64, coerce_2d = true} : (tensor<3x4x2xf32>) -> tensor<3x4x2xf32> loc("sm")
  func.return %2 : tensor<3x4x2xf32>
}

// -----
// Must not fire: the Permute has another user.
// CHECK-LABEL: func.func @no_sink_multi_use
// CHECK-NEXT:  %[[X:.*]] = top.Input(%{{.*}}) : (tensor<2x3x4xf32>) -> tensor<2x3x4xf32> loc("x")
// CHECK-NEXT:  %[[P:.*]] = top.Permute(%[[X]]) {order = array<i64: 1, 2, 0>} : (tensor<2x3x4xf32>) -> tensor<3x4x2xf32> loc("p")
// CHECK-NEXT:  %[[S:.*]] = top.Softmax(%[[P]]) {axis = 2 : i64} : (tensor<3x4x2xf32>) -> tensor<3x4x2xf32> loc("sm")
// CHECK-NEXT:  func.return %[[P]], %[[S]]
func.func @no_sink_multi_use(%arg0: tensor<2x3x4xf32>) -> (tensor<3x4x2xf32>, tensor<3x4x2xf32>) {
  %0 = top.Input(%arg0) : (tensor<2x3x4xf32>) -> tensor<2x3x4xf32> loc("x")
  %1 = top.Permute(%0) {order = array<i64: 1, 2, 0>} : (tensor<2x3x4xf32>) -> tensor<3x4x2xf32> loc("p")
  %2 = top.Softmax(%1) {axis = 2 : i64} : (tensor<3x4x2xf32>) -> tensor<3x4x2xf32> loc("sm")
  func.return %1, %2 : tensor<3x4x2xf32>, tensor<3x4x2xf32>
}
