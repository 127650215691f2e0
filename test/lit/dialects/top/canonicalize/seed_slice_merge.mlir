// top-canonicalize, slice_merge.py: SliceCompose. Slice(Slice(x)) -> one Slice with every axis's
// offset/end/step composed exactly (same axis included, negative steps, clamped ends); the new
// Slice takes the outer name; the inner Slice stays only if it has other users.
// RUN: tpuc-opt %s -p top-canonicalize --split-input-file | filecheck %s

// The seed: x[:, :, 0:-2:2][:, :, 0:-2:2] on H = 16 takes rows 0, 4, 8 = x[:, :, 0:9:4].
// CHECK-LABEL: func.func @seed_same_axis
// CHECK-NEXT:  %[[X:.*]] = top.Input
// CHECK-NEXT:  %[[S:.*]] = top.Slice(%[[X]]) {offset = array<i64: 0, 0, 0, 0>, ends = array<i64: 1, 3, 9, 5>, steps = array<i64: 1, 1, 4, 1>} : (tensor<1x3x16x5xf32>) -> tensor<1x3x3x5xf32> loc("s2")
// CHECK-NEXT:  func.return %[[S]]
func.func @seed_same_axis(%arg0: tensor<1x3x16x5xf32>) -> tensor<1x3x3x5xf32> {
  %0 = top.Input(%arg0) : (tensor<1x3x16x5xf32>) -> tensor<1x3x16x5xf32> loc("x")
  %1 = top.Slice(%0) {offset = array<i64: 0, 0, 0, 0>, ends = array<i64: 1, 3, 14, 5>, steps = array<i64: 1, 1, 2, 1>} : (tensor<1x3x16x5xf32>) -> tensor<1x3x7x5xf32> loc("s1")
  %2 = top.Slice(%1) {offset = array<i64: 0, 0, 0, 0>, ends = array<i64: 1, 3, 5, 5>, steps = array<i64: 1, 1, 2, 1>} : (tensor<1x3x7x5xf32>) -> tensor<1x3x3x5xf32> loc("s2")
  func.return %2 : tensor<1x3x3x5xf32>
}

// -----
// Negative steps: x[9::-2] = x[9, 7, 5, 3, 1], then [4:0:-2] takes its elements 4, 2 = x[1], x[5]:
// x[1:6:4]. The reversed Slice is a graph output, so it stays.
// CHECK-LABEL: func.func @negative_steps
// CHECK-NEXT:  %[[X:.*]] = top.Input
// CHECK-NEXT:  %[[R:.*]] = top.Slice(%[[X]]) {offset = array<i64: 9, 0>, ends = array<i64: -1, 6>, steps = array<i64: -2, 1>} {{.*}} loc("rev")
// CHECK-NEXT:  %[[F:.*]] = top.Slice(%[[X]]) {offset = array<i64: 1, 0>, ends = array<i64: 6, 6>, steps = array<i64: 4, 1>} : (tensor<10x6xf32>) -> tensor<2x6xf32> loc("fwd")
// CHECK-NEXT:  func.return %[[F]], %[[R]]
func.func @negative_steps(%arg0: tensor<10x6xf32>) -> (tensor<2x6xf32>, tensor<5x6xf32>) {
  %0 = top.Input(%arg0) : (tensor<10x6xf32>) -> tensor<10x6xf32> loc("x")
  %1 = top.Slice(%0) {offset = array<i64: 9, 0>, ends = array<i64: -1, 6>, steps = array<i64: -2, 1>} : (tensor<10x6xf32>) -> tensor<5x6xf32> loc("rev")
  %2 = top.Slice(%1) {offset = array<i64: 4, 0>, ends = array<i64: 0, 6>, steps = array<i64: -2, 1>} : (tensor<5x6xf32>) -> tensor<2x6xf32> loc("fwd")
  func.return %2, %1 : tensor<2x6xf32>, tensor<5x6xf32>
}

// -----
// Three Slices on different axes and one reversal: one Slice. x[:, 2:] -> [::-1, :] -> [:, 1::3]:
// axis 0 reversed 3, 2, 1, 0 ("through 0": end -1); axis 1 takes 2 + 1 + 3j = 3, 6.
// CHECK-LABEL: func.func @chain
// CHECK-NEXT:  %[[X:.*]] = top.Input
// CHECK-NEXT:  %[[S:.*]] = top.Slice(%[[X]]) {offset = array<i64: 3, 3>, ends = array<i64: -1, 7>, steps = array<i64: -1, 3>} : (tensor<4x8xf32>) -> tensor<4x2xf32> loc("c")
// CHECK-NEXT:  func.return %[[S]]
func.func @chain(%arg0: tensor<4x8xf32>) -> tensor<4x2xf32> {
  %0 = top.Input(%arg0) : (tensor<4x8xf32>) -> tensor<4x8xf32> loc("x")
  %1 = top.Slice(%0) {offset = array<i64: 0, 2>, ends = array<i64: 4, 8>, steps = array<i64: 1, 1>} : (tensor<4x8xf32>) -> tensor<4x6xf32> loc("a")
  %2 = top.Slice(%1) {offset = array<i64: 3, 0>, ends = array<i64: -1, 6>, steps = array<i64: -1, 1>} : (tensor<4x6xf32>) -> tensor<4x6xf32> loc("b")
  %3 = top.Slice(%2) {offset = array<i64: 0, 1>, ends = array<i64: 4, 6>, steps = array<i64: 1, 3>} : (tensor<4x6xf32>) -> tensor<4x2xf32> loc("c")
  func.return %3 : tensor<4x2xf32>
}

// -----
// An empty outer Slice composes to an empty 0:0:1 axis.
// CHECK-LABEL: func.func @empty
// CHECK:       top.Slice(%{{.*}}) {offset = array<i64: 0, 0>, ends = array<i64: 0, 3>, steps = array<i64: 1, 1>} : (tensor<6x3xf32>) -> tensor<0x3xf32> loc("e")
func.func @empty(%arg0: tensor<6x3xf32>) -> tensor<0x3xf32> {
  %0 = top.Input(%arg0) : (tensor<6x3xf32>) -> tensor<6x3xf32> loc("x")
  %1 = top.Slice(%0) {offset = array<i64: 1, 0>, ends = array<i64: 5, 3>, steps = array<i64: 2, 1>} : (tensor<6x3xf32>) -> tensor<2x3xf32> loc("a")
  %2 = top.Slice(%1) {offset = array<i64: 2, 0>, ends = array<i64: 2, 3>, steps = array<i64: 1, 1>} : (tensor<2x3xf32>) -> tensor<0x3xf32> loc("e")
  func.return %2 : tensor<0x3xf32>
}
