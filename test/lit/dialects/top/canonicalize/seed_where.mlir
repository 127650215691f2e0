// top-canonicalize, where.py.
// * WhereOfNot: Where(Not(c), x, y) -> Where(c, y, x); not when the Not has another user.
// * WhereToCast: Where(c, 1, 0) -> Cast(c), Where(c, 0, 1) -> Cast(Not c) (<name>_not), for
//   weight branches uniformly 1/0 (needs the store) not broadcasting c.
// RUN: mkdir -p %t && %python -c "import numpy as np; np.savez('%t/where_w.npz', one=np.array(1, np.float32), zero=np.zeros(1, np.float32), onei=np.ones((1, 4), np.int64), zeroi=np.array(0, np.int64), big=np.zeros((2, 3, 4), np.float32))" && cp %s %t/where.mlir
// RUN: tpuc-opt %t/where.mlir -p top-canonicalize --split-input-file | filecheck %s --check-prefixes=CHECK,STORE
// RUN: tpuc-opt %s -p top-canonicalize --split-input-file | filecheck %s --check-prefixes=CHECK,NOSTORE

// CHECK-LABEL: func.func @where_of_not
// CHECK-NEXT:  %[[C:.*]] = top.Input(%{{.*}}) {{.*}} loc("c")
// CHECK-NEXT:  %[[X:.*]] = top.Input(%{{.*}}) {{.*}} loc("x")
// CHECK-NEXT:  %[[Y:.*]] = top.Input(%{{.*}}) {{.*}} loc("y")
// CHECK-NEXT:  %[[W:.*]] = top.Where(%[[C]], %[[Y]], %[[X]]) : (tensor<3x4xi1>, tensor<4xf32>, tensor<3x4xf32>) -> tensor<3x4xf32> loc("w")
// CHECK-NEXT:  func.return %[[W]]
func.func @where_of_not(%arg0: tensor<3x4xi1>, %arg1: tensor<3x4xf32>, %arg2: tensor<4xf32>) -> tensor<3x4xf32> {
  %0 = top.Input(%arg0) : (tensor<3x4xi1>) -> tensor<3x4xi1> loc("c")
  %1 = top.Input(%arg1) : (tensor<3x4xf32>) -> tensor<3x4xf32> loc("x")
  %2 = top.Input(%arg2) : (tensor<4xf32>) -> tensor<4xf32> loc("y")
  %3 = top.Not(%0) : (tensor<3x4xi1>) -> tensor<3x4xi1> loc("nc")
  %4 = top.Where(%3, %1, %2) : (tensor<3x4xi1>, tensor<3x4xf32>, tensor<4xf32>) -> tensor<3x4xf32> loc("w")
  func.return %4 : tensor<3x4xf32>
}

// -----
// Must not fire: the Not is also a graph output.
// CHECK-LABEL: func.func @where_of_not_multi_use
// CHECK:       %[[N:.*]] = top.Not
// CHECK-NEXT:  top.Where(%[[N]], %{{.*}}, %{{.*}})
func.func @where_of_not_multi_use(%arg0: tensor<4xi1>, %arg1: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xi1>) {
  %0 = top.Input(%arg0) : (tensor<4xi1>) -> tensor<4xi1> loc("c")
  %1 = top.Input(%arg1) : (tensor<4xf32>) -> tensor<4xf32> loc("x")
  %2 = top.Not(%0) : (tensor<4xi1>) -> tensor<4xi1> loc("nc")
  %3 = top.Where(%2, %1, %1) : (tensor<4xi1>, tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32> loc("w")
  func.return %3, %2 : tensor<4xf32>, tensor<4xi1>
}

// -----
// CHECK-LABEL: func.func @where_to_cast
// STORE-NEXT:  %[[C:.*]] = top.Input(%{{.*}}) {{.*}} loc("c")
// STORE-NEXT:  %[[F:.*]] = top.Cast(%[[C]]) {to = "f32"} : (tensor<3x4xi1>) -> tensor<3x4xf32> loc("wf")
// STORE-NEXT:  %[[N:.*]] = top.Not(%[[C]]) : (tensor<3x4xi1>) -> tensor<3x4xi1> loc("wi_not")
// STORE-NEXT:  %[[I:.*]] = top.Cast(%[[N]]) {to = "i64"} : (tensor<3x4xi1>) -> tensor<3x4xi64> loc("wi")
// STORE-NEXT:  func.return %[[F]], %[[I]]
// NOSTORE-COUNT-2: top.Where
module attributes {module.weight_file = "where_w.npz"} {
  func.func @where_to_cast(%arg0: tensor<3x4xi1>) -> (tensor<3x4xf32>, tensor<3x4xi64>) {
    %0 = top.Input(%arg0) : (tensor<3x4xi1>) -> tensor<3x4xi1> loc("c")
    %1 = top.Weight() : () -> tensor<f32> loc("one")
    %2 = top.Weight() : () -> tensor<1xf32> loc("zero")
    %3 = top.Where(%0, %1, %2) : (tensor<3x4xi1>, tensor<f32>, tensor<1xf32>) -> tensor<3x4xf32> loc("wf")
    %4 = top.Weight() : () -> tensor<i64> loc("zeroi")
    %5 = top.Weight() : () -> tensor<1x4xi64> loc("onei")
    %6 = top.Where(%0, %4, %5) : (tensor<3x4xi1>, tensor<i64>, tensor<1x4xi64>) -> tensor<3x4xi64> loc("wi")
    func.return %3, %6 : tensor<3x4xf32>, tensor<3x4xi64>
  }
}

// -----
// Must not fire: a branch broadcasts the result beyond c's shape; both branches 0.
// CHECK-LABEL: func.func @where_to_cast_refused
// CHECK-NOT:   top.Cast
// CHECK-COUNT-2: top.Where
module attributes {module.weight_file = "where_w.npz"} {
  func.func @where_to_cast_refused(%arg0: tensor<3x4xi1>) -> (tensor<2x3x4xf32>, tensor<3x4xf32>) {
    %0 = top.Input(%arg0) : (tensor<3x4xi1>) -> tensor<3x4xi1> loc("c")
    %1 = top.Weight() : () -> tensor<f32> loc("one")
    %2 = top.Weight() : () -> tensor<2x3x4xf32> loc("big")
    %3 = top.Where(%0, %1, %2) : (tensor<3x4xi1>, tensor<f32>, tensor<2x3x4xf32>) -> tensor<2x3x4xf32> loc("wb")
    %4 = top.Weight() : () -> tensor<1xf32> loc("zero")
    %5 = top.Where(%0, %4, %4) : (tensor<3x4xi1>, tensor<1xf32>, tensor<1xf32>) -> tensor<3x4xf32> loc("w0")
    func.return %3, %5 : tensor<2x3x4xf32>, tensor<3x4xf32>
  }
}
