// Guards the MLIR interop of a multi-result op: tpuc's generic top.Split (one SSA name per result,
// fused loc) is parsed by upstream mlir-opt, which prints it as %N:3 / %N#i; tpuc parses that back
// to the same custom form.
// REQUIRES: mlir-opt
// RUN: tpuc-opt %s --generic | %mlir-opt --allow-unregistered-dialect --mlir-print-op-generic --mlir-print-debuginfo --mlir-print-local-scope | filecheck %s --check-prefix=UP
// RUN: tpuc-opt %s --generic | %mlir-opt --allow-unregistered-dialect --mlir-print-op-generic --mlir-print-debuginfo --mlir-print-local-scope | tpuc-opt - | filecheck %s

// UP:      %[[S:.*]]:3 = "top.Split"(%{{.*}}) <{axis = 1 : i64, split_size = array<i64: 1, 2, 3>}> : (tensor<2x6xf32>) -> (tensor<2x1xf32>, tensor<2x2xf32>, tensor<2x3xf32>) loc(fused["q", "k", "v"])
// UP-NEXT: %[[R:.*]] = "top.Relu"(%[[S]]#1) : (tensor<2x2xf32>) -> tensor<2x2xf32> loc("k_relu")
// UP-NEXT: "func.return"(%[[S]]#2, %[[R]], %[[S]]#0)

// CHECK:      %[[A:.*]], %[[B:.*]], %[[C:.*]] = top.Split(%{{.*}}) {axis = 1 : i64, split_size = array<i64: 1, 2, 3>} : (tensor<2x6xf32>) -> (tensor<2x1xf32>, tensor<2x2xf32>, tensor<2x3xf32>) loc(fused["q", "k", "v"])
// CHECK-NEXT: %[[R:.*]] = top.Relu(%[[B]]) : (tensor<2x2xf32>) -> tensor<2x2xf32> loc("k_relu")
// CHECK-NEXT: func.return %[[C]], %[[R]], %[[A]] : tensor<2x3xf32>, tensor<2x2xf32>, tensor<2x1xf32>
func.func @main(%arg0: tensor<2x6xf32>) -> (tensor<2x3xf32>, tensor<2x2xf32>, tensor<2x1xf32>) {
  %0 = top.Input(%arg0) : (tensor<2x6xf32>) -> tensor<2x6xf32> loc("x")
  %1, %2, %3 = top.Split(%0) {axis = 1 : i64, split_size = array<i64: 1, 2, 3>} : (tensor<2x6xf32>) -> (tensor<2x1xf32>, tensor<2x2xf32>, tensor<2x3xf32>) loc(fused["q", "k", "v"])
  %4 = top.Relu(%2) : (tensor<2x2xf32>) -> tensor<2x2xf32> loc("k_relu")
  func.return %3, %4, %1 : tensor<2x3xf32>, tensor<2x2xf32>, tensor<2x1xf32>
}
