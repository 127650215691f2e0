// MatmulWithPermuteAndSplit, SAM variant (segment-anything's image encoder): qkv MatMul ->
// Reshape [B, N, 3, H, D] -> Permute(2,0,3,1,4) -> Reshape [3, B*H, N, D] -> Split -> Squeeze x3
// becomes per branch Slice(axis 2) -> Squeeze -> Permute(0,2,1,3) -> Reshape [B*H, N, D].
// RUN: tpuc-opt %s -p 'top-canonicalize{disable=MatMulRightTranspose}' | filecheck %s

// CHECK-LABEL: func.func @main
// CHECK:      %[[QKV:.*]] = top.MatMul
// CHECK-NEXT: %[[R:.*]] = top.Reshape(%[[QKV]]) {shape = array<i64: 2, 4, 3, 2, 4>}
// CHECK-NEXT: %[[QS:.*]] = top.Slice(%[[R]]) {offset = array<i64: 0, 0, 0, 0, 0>, ends = array<i64: 2, 4, 1, 2, 4>, {{.*}} loc("q_slice")
// CHECK-NEXT: %[[QQ:.*]] = top.Squeeze(%[[QS]]) {axes = array<i64: 2>} {{.*}} loc("q_squeeze")
// CHECK-NEXT: %[[QP:.*]] = top.Permute(%[[QQ]]) {order = array<i64: 0, 2, 1, 3>} : (tensor<2x4x2x4xf32>) -> tensor<2x2x4x4xf32> loc("q_permute")
// CHECK-NEXT: %[[Q:.*]] = top.Reshape(%[[QP]]) {shape = array<i64: 4, 4, 4>} : (tensor<2x2x4x4xf32>) -> tensor<4x4x4xf32> loc("q")
// CHECK:      top.Reshape({{.*}}) {shape = array<i64: 4, 4, 4>} {{.*}} loc("k")
// CHECK:      top.Reshape({{.*}}) {shape = array<i64: 4, 4, 4>} {{.*}} loc("v")
// CHECK-NOT:  top.Split
// CHECK-NOT:  array<i64: 2, 0, 3, 1, 4>
func.func @main(%arg0: tensor<2x4x8xf32>, %w: tensor<8x24xf32>) -> (tensor<4x4x4xf32>, tensor<4x4x4xf32>, tensor<4x4x4xf32>) {
  %0 = top.Input(%arg0) : (tensor<2x4x8xf32>) -> tensor<2x4x8xf32> loc("x")
  %1 = top.Input(%w) : (tensor<8x24xf32>) -> tensor<8x24xf32> loc("w")
  %n = top.None() : () -> none loc("none")
  %2 = top.MatMul(%0, %1, %n) : (tensor<2x4x8xf32>, tensor<8x24xf32>, none) -> tensor<2x4x24xf32> loc("qkv")
  %3 = top.Reshape(%2) {shape = array<i64: 2, 4, 3, 2, 4>} : (tensor<2x4x24xf32>) -> tensor<2x4x3x2x4xf32> loc("qkv5")
  %4 = top.Permute(%3) {order = array<i64: 2, 0, 3, 1, 4>} : (tensor<2x4x3x2x4xf32>) -> tensor<3x2x2x4x4xf32> loc("qkvt")
  %5 = top.Reshape(%4) {shape = array<i64: 3, 4, 4, 4>} : (tensor<3x2x2x4x4xf32>) -> tensor<3x4x4x4xf32> loc("qkv4")
  %6, %7, %8 = top.Split(%5) {axis = 0 : i64, split_size = array<i64: 1, 1, 1>} : (tensor<3x4x4x4xf32>) -> (tensor<1x4x4x4xf32>, tensor<1x4x4x4xf32>, tensor<1x4x4x4xf32>) loc(fused["s0", "s1", "s2"])
  %9 = top.Squeeze(%6) {axes = array<i64: 0>} : (tensor<1x4x4x4xf32>) -> tensor<4x4x4xf32> loc("q")
  %10 = top.Squeeze(%7) {axes = array<i64: 0>} : (tensor<1x4x4x4xf32>) -> tensor<4x4x4xf32> loc("k")
  %11 = top.Squeeze(%8) {axes = array<i64: 0>} : (tensor<1x4x4x4xf32>) -> tensor<4x4x4xf32> loc("v")
  func.return %9, %10, %11 : tensor<4x4x4xf32>, tensor<4x4x4xf32>, tensor<4x4x4xf32>
}
