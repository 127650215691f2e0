// top-canonicalize, split.py: SplitToSliceForSqueeze turns a Split whose every result feeds exactly
// one Squeeze of the split axis into one Slice per result (named as that Split result; the
// Squeezes are kept), the form MatmulWithPermuteAndSplit matches. Any other Split is left alone.
// RUN: tpuc-opt %s -p top-canonicalize --split-input-file | filecheck %s

// CHECK-LABEL: func.func @split_to_slices
// CHECK-NEXT:  %[[X:.*]] = top.Input(%{{.*}}) : (tensor<2x3x4xf32>) -> tensor<2x3x4xf32> loc("x")
// CHECK-NEXT:  %[[S0:.*]] = top.Slice(%[[X]]) {offset = array<i64: 0, 0, 0>, ends = array<i64: 2, 1, 4>, steps = array<i64: 1, 1, 1>} : (tensor<2x3x4xf32>) -> tensor<2x1x4xf32> loc("s0")
// CHECK-NEXT:  %[[S1:.*]] = top.Slice(%[[X]]) {offset = array<i64: 0, 1, 0>, ends = array<i64: 2, 2, 4>, steps = array<i64: 1, 1, 1>} : (tensor<2x3x4xf32>) -> tensor<2x1x4xf32> loc("s1")
// CHECK-NEXT:  %[[S2:.*]] = top.Slice(%[[X]]) {offset = array<i64: 0, 2, 0>, ends = array<i64: 2, 3, 4>, steps = array<i64: 1, 1, 1>} : (tensor<2x3x4xf32>) -> tensor<2x1x4xf32> loc("s2")
// CHECK-NEXT:  %[[Q0:.*]] = top.Squeeze(%[[S0]]) {axes = array<i64: 1>} : (tensor<2x1x4xf32>) -> tensor<2x4xf32> loc("q0")
// CHECK-NEXT:  %[[Q1:.*]] = top.Squeeze(%[[S1]]) {axes = array<i64: 1>} : (tensor<2x1x4xf32>) -> tensor<2x4xf32> loc("q1")
// CHECK-NEXT:  %[[Q2:.*]] = top.Squeeze(%[[S2]]) {axes = array<i64: 1>} : (tensor<2x1x4xf32>) -> tensor<2x4xf32> loc("q2")
// CHECK-NEXT:  func.return %[[Q0]], %[[Q1]], %[[Q2]]
func.func @split_to_slices(%arg0: tensor<2x3x4xf32>) -> (tensor<2x4xf32>, tensor<2x4xf32>, tensor<2x4xf32>) {
  %0 = top.Input(%arg0) : (tensor<2x3x4xf32>) -> tensor<2x3x4xf32> loc("x")
  %1, %2, %3 = top.Split(%0) {axis = 1 : i64, split_size = array<i64: 1, 1, 1>} : (tensor<2x3x4xf32>) -> (tensor<2x1x4xf32>, tensor<2x1x4xf32>, tensor<2x1x4xf32>) loc(fused["s0", "s1", "s2"])
  %4 = top.Squeeze(%1) {axes = array<i64: 1>} : (tensor<2x1x4xf32>) -> tensor<2x4xf32> loc("q0")
  %5 = top.Squeeze(%2) {axes = array<i64: 1>} : (tensor<2x1x4xf32>) -> tensor<2x4xf32> loc("q1")
  %6 = top.Squeeze(%3) {axes = array<i64: 1>} : (tensor<2x1x4xf32>) -> tensor<2x4xf32> loc("q2")
  func.return %4, %5, %6 : tensor<2x4xf32>, tensor<2x4xf32>, tensor<2x4xf32>
}

// -----
// The qkv form: axis 0, every result squeezed on axis 0.
// CHECK-LABEL: func.func @axis0
// CHECK-NEXT:  %[[X:.*]] = top.Input(%{{.*}}) : (tensor<2x3xf32>) -> tensor<2x3xf32> loc("x")
// CHECK-NEXT:  %[[S0:.*]] = top.Slice(%[[X]]) {offset = array<i64: 0, 0>, ends = array<i64: 1, 3>, steps = array<i64: 1, 1>} : (tensor<2x3xf32>) -> tensor<1x3xf32> loc("s0")
// CHECK-NEXT:  %[[S1:.*]] = top.Slice(%[[X]]) {offset = array<i64: 1, 0>, ends = array<i64: 2, 3>, steps = array<i64: 1, 1>} : (tensor<2x3xf32>) -> tensor<1x3xf32> loc("s1")
// CHECK-NEXT:  top.Squeeze(%[[S0]]) {axes = array<i64: 0>} : (tensor<1x3xf32>) -> tensor<3xf32> loc("q0")
// CHECK-NEXT:  top.Squeeze(%[[S1]]) {axes = array<i64: 0>} : (tensor<1x3xf32>) -> tensor<3xf32> loc("q1")
// CHECK-NOT:   top.Split
func.func @axis0(%arg0: tensor<2x3xf32>) -> (tensor<3xf32>, tensor<3xf32>) {
  %0 = top.Input(%arg0) : (tensor<2x3xf32>) -> tensor<2x3xf32> loc("x")
  %1, %2 = top.Split(%0) {axis = 0 : i64, split_size = array<i64: 1, 1>} : (tensor<2x3xf32>) -> (tensor<1x3xf32>, tensor<1x3xf32>) loc(fused["s0", "s1"])
  %3 = top.Squeeze(%1) {axes = array<i64: 0>} : (tensor<1x3xf32>) -> tensor<3xf32> loc("q0")
  %4 = top.Squeeze(%2) {axes = array<i64: 0>} : (tensor<1x3xf32>) -> tensor<3xf32> loc("q1")
  func.return %3, %4 : tensor<3xf32>, tensor<3xf32>
}

// -----
// Must not fire: one Split result has two users (two Squeezes).
// CHECK-LABEL: func.func @no_fire_result_two_users
// CHECK:       top.Split
// CHECK-NOT:   top.Slice
func.func @no_fire_result_two_users(%arg0: tensor<2x3xf32>) -> (tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) {
  %0 = top.Input(%arg0) : (tensor<2x3xf32>) -> tensor<2x3xf32> loc("x")
  %1, %2 = top.Split(%0) {axis = 0 : i64, split_size = array<i64: 1, 1>} : (tensor<2x3xf32>) -> (tensor<1x3xf32>, tensor<1x3xf32>) loc(fused["s0", "s1"])
  %3 = top.Squeeze(%1) {axes = array<i64: 0>} : (tensor<1x3xf32>) -> tensor<3xf32> loc("q0")
  %4 = top.Squeeze(%2) {axes = array<i64: 0>} : (tensor<1x3xf32>) -> tensor<3xf32> loc("q1")
  %5 = top.Squeeze(%2) {axes = array<i64: 0>} : (tensor<1x3xf32>) -> tensor<3xf32> loc("q1b")
  func.return %3, %4, %5 : tensor<3xf32>, tensor<3xf32>, tensor<3xf32>
}

// -----
// Must not fire: a result feeds something other than a Squeeze, or is unused.
// CHECK-LABEL: func.func @no_fire_other_user
// CHECK:       top.Split
// CHECK-NOT:   top.Slice
// CHECK-LABEL: func.func @no_fire_unused_result
// CHECK:       top.Split
// CHECK-NOT:   top.Slice
func.func @no_fire_other_user(%arg0: tensor<2x3xf32>) -> (tensor<3xf32>, tensor<1x3xf32>) {
  %0 = top.Input(%arg0) : (tensor<2x3xf32>) -> tensor<2x3xf32> loc("x")
  %1, %2 = top.Split(%0) {axis = 0 : i64, split_size = array<i64: 1, 1>} : (tensor<2x3xf32>) -> (tensor<1x3xf32>, tensor<1x3xf32>) loc(fused["s0", "s1"])
  %3 = top.Squeeze(%1) {axes = array<i64: 0>} : (tensor<1x3xf32>) -> tensor<3xf32> loc("q0")
  %4 = top.Relu(%2) : (tensor<1x3xf32>) -> tensor<1x3xf32> loc("r1")
  func.return %3, %4 : tensor<3xf32>, tensor<1x3xf32>
}
func.func @no_fire_unused_result(%arg0: tensor<2x3xf32>) -> tensor<3xf32> {
  %0 = top.Input(%arg0) : (tensor<2x3xf32>) -> tensor<2x3xf32> loc("x")
  %1, %2 = top.Split(%0) {axis = 0 : i64, split_size = array<i64: 1, 1>} : (tensor<2x3xf32>) -> (tensor<1x3xf32>, tensor<1x3xf32>) loc(fused["s0", "s1"])
  %3 = top.Squeeze(%1) {axes = array<i64: 0>} : (tensor<1x3xf32>) -> tensor<3xf32> loc("q0")
  func.return %3 : tensor<3xf32>
}

// -----
// Must not fire: the Squeezes remove another (size-1) axis, not the split axis.
// CHECK-LABEL: func.func @no_fire_other_axis
// CHECK:       top.Split
// CHECK-NOT:   top.Slice
func.func @no_fire_other_axis(%arg0: tensor<2x1x3xf32>) -> (tensor<1x3xf32>, tensor<1x3xf32>) {
  %0 = top.Input(%arg0) : (tensor<2x1x3xf32>) -> tensor<2x1x3xf32> loc("x")
  %1, %2 = top.Split(%0) {axis = 0 : i64, split_size = array<i64: 1, 1>} : (tensor<2x1x3xf32>) -> (tensor<1x1x3xf32>, tensor<1x1x3xf32>) loc(fused["s0", "s1"])
  %3 = top.Squeeze(%1) {axes = array<i64: 1>} : (tensor<1x1x3xf32>) -> tensor<1x3xf32> loc("q0")
  %4 = top.Squeeze(%2) {axes = array<i64: 1>} : (tensor<1x1x3xf32>) -> tensor<1x3xf32> loc("q1")
  func.return %3, %4 : tensor<1x3xf32>, tensor<1x3xf32>
}
