// Guards parsing/printing of a multi-result op: top.Split's result list, its tuple result type and
// its fused location (one tensor name per result) survive the custom and the generic round trip,
// and its results are used independently afterwards.
// RUN: %roundtrip
// RUN: %generic-roundtrip
// RUN: tpuc-opt %s --generic | filecheck %s --check-prefix=GEN

// CHECK-LABEL: func.func @main
// CHECK:      %[[X:.*]] = top.Input(%{{.*}}) : (tensor<2x6xf32>) -> tensor<2x6xf32> loc("x")
// CHECK-NEXT: %[[A:.*]], %[[B:.*]], %[[C:.*]] = top.Split(%[[X]]) {axis = 1 : i64, split_size = array<i64: 1, 2, 3>} : (tensor<2x6xf32>) -> (tensor<2x1xf32>, tensor<2x2xf32>, tensor<2x3xf32>) loc(fused["q", "k", "v"])
// CHECK-NEXT: %[[R:.*]] = top.Relu(%[[B]]) : (tensor<2x2xf32>) -> tensor<2x2xf32> loc("k_relu")
// CHECK-NEXT: func.return %[[C]], %[[R]], %[[A]] : tensor<2x3xf32>, tensor<2x2xf32>, tensor<2x1xf32>

// GEN: %{{.*}}, %{{.*}}, %{{.*}} = "top.Split"(%{{.*}}) <{axis = 1 : i64, split_size = array<i64: 1, 2, 3>}> : (tensor<2x6xf32>) -> (tensor<2x1xf32>, tensor<2x2xf32>, tensor<2x3xf32>) loc(fused["q", "k", "v"])
func.func @main(%arg0: tensor<2x6xf32>) -> (tensor<2x3xf32>, tensor<2x2xf32>, tensor<2x1xf32>) {
  %0 = top.Input(%arg0) : (tensor<2x6xf32>) -> tensor<2x6xf32> loc("x")
  %1, %2, %3 = top.Split(%0) {axis = 1 : i64, split_size = array<i64: 1, 2, 3>} : (tensor<2x6xf32>) -> (tensor<2x1xf32>, tensor<2x2xf32>, tensor<2x3xf32>) loc(fused["q", "k", "v"])
  %4 = top.Relu(%2) : (tensor<2x2xf32>) -> tensor<2x2xf32> loc("k_relu")
  func.return %3, %4, %1 : tensor<2x3xf32>, tensor<2x2xf32>, tensor<2x1xf32>
}
