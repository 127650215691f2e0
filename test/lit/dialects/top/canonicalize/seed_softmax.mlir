// top-canonicalize, softmax.py: SoftmaxDropMaxShift (GLIP seed: the ReduceMax + Sub before
// Softmax is dead weight, Softmax is shift-invariant). Softmax(Sub(x, ReduceMax(x, axes,
// keepdims)), axis) -> Softmax(x, axis) when axes include the Softmax axis (coerce_2d: every
// axis from it on); not for keepdims = false, another reduction, a max of another tensor, a
// max over other axes, or a Sub that broadcasts x.
// RUN: tpuc-opt %s -p top-canonicalize --split-input-file | filecheck %s

// CHECK-LABEL: func.func @drop_max_shift
// CHECK-NEXT:  %[[X:.*]] = top.Input(%{{.*}}) : (tensor<2x4x5xf32>) -> tensor<2x4x5xf32> loc("x")
// CHECK-NEXT:  %[[S:.*]] = top.Softmax(%[[X]]) {axis = -1 : i64} : (tensor<2x4x5xf32>) -> tensor<2x4x5xf32> loc("y")
// CHECK-NEXT:  func.return %[[S]]
func.func @drop_max_shift(%arg0: tensor<2x4x5xf32>) -> tensor<2x4x5xf32> {
  %0 = top.Input(%arg0) : (tensor<2x4x5xf32>) -> tensor<2x4x5xf32> loc("x")
  %1 = top.Reduce(%0) {axes = array<i64: 2>, keepdims = true, mode = "ReduceMax"} : (tensor<2x4x5xf32>) -> tensor<2x4x1xf32> loc("m")
  %2 = top.Sub(%0, %1) : (tensor<2x4x5xf32>, tensor<2x4x1xf32>) -> tensor<2x4x5xf32> loc("s")
  %3 = top.Softmax(%2) {axis = -1 : i64} : (tensor<2x4x5xf32>) -> tensor<2x4x5xf32> loc("y")
  func.return %3 : tensor<2x4x5xf32>
}

// -----
// The article's x - x.max() (every axis) before LogSoftmax; the max is also a graph output, so
// the ReduceMax stays (the Sub goes).
// CHECK-LABEL: func.func @global_max_log
// CHECK-NEXT:  %[[X:.*]] = top.Input
// CHECK-NEXT:  %[[M:.*]] = top.Reduce(%[[X]])
// CHECK-NEXT:  %[[S:.*]] = top.Softmax(%[[X]]) {axis = 1 : i64, log = true} {{.*}} loc("y")
// CHECK-NEXT:  func.return %[[S]], %[[M]]
func.func @global_max_log(%arg0: tensor<2x6xf32>) -> (tensor<2x6xf32>, tensor<1x1xf32>) {
  %0 = top.Input(%arg0) : (tensor<2x6xf32>) -> tensor<2x6xf32> loc("x")
  %1 = top.Reduce(%0) {axes = array<i64>, keepdims = true, mode = "ReduceMax"} : (tensor<2x6xf32>) -> tensor<1x1xf32> loc("m")
  %2 = top.Sub(%0, %1) : (tensor<2x6xf32>, tensor<1x1xf32>) -> tensor<2x6xf32> loc("s")
  %3 = top.Softmax(%2) {axis = 1 : i64, log = true} : (tensor<2x6xf32>) -> tensor<2x6xf32> loc("y")
  func.return %3, %1 : tensor<2x6xf32>, tensor<1x1xf32>
}

// -----
// Must not fire: the max over axis 1 is not constant along the Softmax axis 2; a ReduceMean;
// the max of another tensor; coerce_2d needs axes 1 and 2.
// CHECK-LABEL: func.func @refused
// CHECK-COUNT-4: top.Sub
func.func @refused(%arg0: tensor<2x4x5xf32>, %arg1: tensor<2x4x5xf32>) -> (tensor<2x4x5xf32>, tensor<2x4x5xf32>, tensor<2x4x5xf32>, tensor<2x4x5xf32>) {
  %0 = top.Input(%arg0) : (tensor<2x4x5xf32>) -> tensor<2x4x5xf32> loc("x")
  %1 = top.Input(%arg1) : (tensor<2x4x5xf32>) -> tensor<2x4x5xf32> loc("z")
  %2 = top.Reduce(%0) {axes = array<i64: 1>, keepdims = true, mode = "ReduceMax"} : (tensor<2x4x5xf32>) -> tensor<2x1x5xf32> loc("m1")
  %3 = top.Sub(%0, %2) : (tensor<2x4x5xf32>, tensor<2x1x5xf32>) -> tensor<2x4x5xf32> loc("s1")
  %4 = top.Softmax(%3) {axis = 2 : i64} : (tensor<2x4x5xf32>) -> tensor<2x4x5xf32> loc("y1")
  %5 = top.Reduce(%0) {axes = array<i64: 2>, keepdims = true, mode = "ReduceMean"} : (tensor<2x4x5xf32>) -> tensor<2x4x1xf32> loc("m2")
  %6 = top.Sub(%0, %5) : (tensor<2x4x5xf32>, tensor<2x4x1xf32>) -> tensor<2x4x5xf32> loc("s2")
  %7 = top.Softmax(%6) {axis = 2 : i64} : (tensor<2x4x5xf32>) -> tensor<2x4x5xf32> loc("y2")
  %8 = top.Reduce(%1) {axes = array<i64: 2>, keepdims = true, mode = "ReduceMax"} : (tensor<2x4x5xf32>) -> tensor<2x4x1xf32> loc("m3")
  %9 = top.Sub(%0, %8) : (tensor<2x4x5xf32>, tensor<2x4x1xf32>) -> tensor<2x4x5xf32> loc("s3")
  %10 = top.Softmax(%9) {axis = 2 : i64} : (tensor<2x4x5xf32>) -> tensor<2x4x5xf32> loc("y3")
  %11 = top.Reduce(%0) {axes = array<i64: 2>, keepdims = true, mode = "ReduceMax"} : (tensor<2x4x5xf32>) -> tensor<2x4x1xf32> loc("m4")
  %12 = top.Sub(%0, %11) : (tensor<2x4x5xf32>, tensor<2x4x1xf32>) -> tensor<2x4x5xf32> loc("s4")
  %13 = top.Softmax(%12) {axis = 1 : i64, coerce_2d = true} : (tensor<2x4x5xf32>) -> tensor<2x4x5xf32> loc("y4")
  func.return %4, %7, %10, %13 : tensor<2x4x5xf32>, tensor<2x4x5xf32>, tensor<2x4x5xf32>, tensor<2x4x5xf32>
}
