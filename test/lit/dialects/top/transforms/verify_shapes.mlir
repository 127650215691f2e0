// Guards top-verify-shapes on valid IR: it changes nothing (ops, types, locations, weights all
// kept) alone and after top-dce; verify_shapes_fires.mlir covers the failing case.
// RUN: tpuc-opt %s -p top-verify-shapes | filecheck %s
// RUN: tpuc-opt %s -p top-dce,top-verify-shapes | filecheck %s

// CHECK-LABEL: func.func @main
// CHECK-NEXT:  %[[X:.*]] = top.Input(%{{.*}}) : (tensor<2x6xf32>) -> tensor<2x6xf32> loc("x")
// CHECK-NEXT:  %[[W:.*]] = top.Weight() : () -> tensor<6xf32> loc("w")
// CHECK-NEXT:  %[[A:.*]] = top.Add(%[[X]], %[[W]]) : (tensor<2x6xf32>, tensor<6xf32>) -> tensor<2x6xf32> loc("a")
// CHECK-NEXT:  %[[P:.*]] = top.Permute(%[[A]]) {order = array<i64: 1, 0>} : (tensor<2x6xf32>) -> tensor<6x2xf32> loc("p")
// CHECK-NEXT:  %[[S0:.*]], %[[S1:.*]] = top.Split(%[[P]]) {axis = 0 : i64, split_size = array<i64: 2, 4>} : (tensor<6x2xf32>) -> (tensor<2x2xf32>, tensor<4x2xf32>) loc(fused["s0", "s1"])
// CHECK-NEXT:  func.return %[[S0]], %[[S1]] : tensor<2x2xf32>, tensor<4x2xf32>
func.func @main(%arg0: tensor<2x6xf32>) -> (tensor<2x2xf32>, tensor<4x2xf32>) {
  %0 = top.Input(%arg0) : (tensor<2x6xf32>) -> tensor<2x6xf32> loc("x")
  %1 = top.Weight() : () -> tensor<6xf32> loc("w")
  %2 = top.Add(%0, %1) : (tensor<2x6xf32>, tensor<6xf32>) -> tensor<2x6xf32> loc("a")
  %3 = top.Permute(%2) {order = array<i64: 1, 0>} : (tensor<2x6xf32>) -> tensor<6x2xf32> loc("p")
  %4, %5 = top.Split(%3) {axis = 0 : i64, split_size = array<i64: 2, 4>} : (tensor<6x2xf32>) -> (tensor<2x2xf32>, tensor<4x2xf32>) loc(fused["s0", "s1"])
  func.return %4, %5 : tensor<2x2xf32>, tensor<4x2xf32>
}
