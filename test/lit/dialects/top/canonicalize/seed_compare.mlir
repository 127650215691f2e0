// top-canonicalize, compare.py: CompareOfBoolCast (the seed's bool -> Cast(int32) + Equal(0) = Not).
// Equal(Cast(b: bool), 0) -> Not(b) named as the Compare; Equal(.., 1) and NotEqual(.., 0) -> b
// (not for a graph output); NotEqual(.., 1) -> Not(b). Needs the constant's values (weight
// store): all 0 or all 1, and must not broadcast b.
// RUN: mkdir -p %t && %python -c "import numpy as np; np.savez('%t/cmp_w.npz', zero=np.array(0, np.int32), one=np.ones(5, np.float32), mixed=np.array([0, 1, 0, 0, 0], np.int32), zero3=np.zeros((3, 1, 5), np.int32))" && cp %s %t/cmp.mlir
// RUN: tpuc-opt %t/cmp.mlir -p top-canonicalize --split-input-file | filecheck %s --check-prefixes=CHECK,STORE
// RUN: tpuc-opt %s -p top-canonicalize --split-input-file | filecheck %s --check-prefixes=CHECK,NOSTORE

// CHECK-LABEL: func.func @equal_cast_zero
// STORE-NEXT:  %[[B:.*]] = top.Input(%{{.*}}) : (tensor<2x5xi1>) -> tensor<2x5xi1> loc("b")
// STORE-NEXT:  %[[N:.*]] = top.Not(%[[B]]) : (tensor<2x5xi1>) -> tensor<2x5xi1> loc("eq")
// STORE-NEXT:  func.return %[[N]] : tensor<2x5xi1>
// NOSTORE:     top.Cast
// NOSTORE:     top.Compare(%{{.*}}, %{{.*}}) {mode = "Equal"}
module attributes {module.weight_file = "cmp_w.npz"} {
  func.func @equal_cast_zero(%arg0: tensor<2x5xi1>) -> tensor<2x5xi1> {
    %0 = top.Input(%arg0) : (tensor<2x5xi1>) -> tensor<2x5xi1> loc("b")
    %1 = top.Cast(%0) {to = "i32"} : (tensor<2x5xi1>) -> tensor<2x5xi32> loc("bi")
    %2 = top.Weight() : () -> tensor<i32> loc("zero")
    %3 = top.Compare(%1, %2) {mode = "Equal"} : (tensor<2x5xi32>, tensor<i32>) -> tensor<2x5xi1> loc("eq")
    func.return %3 : tensor<2x5xi1>
  }
}

// -----
// The constant first, a float Cast: Equal(1.0, Cast(b)) is b itself; NotEqual(Cast(b), 1.0) is Not(b).
// CHECK-LABEL: func.func @one_float
// STORE-NEXT:  %[[B:.*]] = top.Input(%{{.*}}) {{.*}} loc("b")
// STORE-NEXT:  %[[N:.*]] = top.Not(%[[B]]) : (tensor<2x5xi1>) -> tensor<2x5xi1> loc("ne")
// STORE-NEXT:  %[[Y:.*]] = top.Compare(%[[B]], %[[N]]) {mode = "And"} {{.*}} loc("y")
// STORE-NEXT:  func.return %[[Y]]
module attributes {module.weight_file = "cmp_w.npz"} {
  func.func @one_float(%arg0: tensor<2x5xi1>) -> tensor<2x5xi1> {
    %0 = top.Input(%arg0) : (tensor<2x5xi1>) -> tensor<2x5xi1> loc("b")
    %1 = top.Cast(%0) {to = "f32"} : (tensor<2x5xi1>) -> tensor<2x5xf32> loc("bf")
    %2 = top.Weight() : () -> tensor<5xf32> loc("one")
    %3 = top.Compare(%2, %1) {mode = "Equal"} : (tensor<5xf32>, tensor<2x5xf32>) -> tensor<2x5xi1> loc("eq")
    %4 = top.Compare(%1, %2) {mode = "NotEqual"} : (tensor<2x5xf32>, tensor<5xf32>) -> tensor<2x5xi1> loc("ne")
    %5 = top.Compare(%3, %4) {mode = "And"} : (tensor<2x5xi1>, tensor<2x5xi1>) -> tensor<2x5xi1> loc("y")
    func.return %5 : tensor<2x5xi1>
  }
}

// -----
// Must not fire: Equal(Cast(b), 1) is b, but "eq" is a graph output (it would be renamed "b").
// CHECK-LABEL: func.func @forward_graph_output
// CHECK:       top.Compare(%{{.*}}, %{{.*}}) {mode = "Equal"} : (tensor<5xf32>, tensor<5xf32>) -> tensor<5xi1> loc("eq")
module attributes {module.weight_file = "cmp_w.npz"} {
  func.func @forward_graph_output(%arg0: tensor<5xi1>) -> tensor<5xi1> {
    %0 = top.Input(%arg0) : (tensor<5xi1>) -> tensor<5xi1> loc("b")
    %1 = top.Cast(%0) {to = "f32"} : (tensor<5xi1>) -> tensor<5xf32> loc("bf")
    %2 = top.Weight() : () -> tensor<5xf32> loc("one")
    %3 = top.Compare(%1, %2) {mode = "Equal"} : (tensor<5xf32>, tensor<5xf32>) -> tensor<5xi1> loc("eq")
    func.return %3 : tensor<5xi1>
  }
}

// -----
// Must not fire: the constant is not uniformly 0/1; it broadcasts b ([5] -> [3, 2, 5]); the
// Cast is not from bool.
// CHECK-LABEL: func.func @refused
// CHECK-NOT:   top.Not
// CHECK:       top.Compare(%{{.*}}, %{{.*}}) {mode = "Equal"} {{.*}} loc("mixed_eq")
// CHECK:       top.Compare(%{{.*}}, %{{.*}}) {mode = "Equal"} {{.*}} loc("bcast_eq")
// CHECK:       top.Compare(%{{.*}}, %{{.*}}) {mode = "Equal"} {{.*}} loc("int_eq")
module attributes {module.weight_file = "cmp_w.npz"} {
  func.func @refused(%arg0: tensor<2x5xi1>, %arg1: tensor<2x5xi64>) -> (tensor<2x5xi1>, tensor<3x2x5xi1>, tensor<2x5xi1>) {
    %0 = top.Input(%arg0) : (tensor<2x5xi1>) -> tensor<2x5xi1> loc("b")
    %1 = top.Input(%arg1) : (tensor<2x5xi64>) -> tensor<2x5xi64> loc("i")
    %2 = top.Cast(%0) {to = "i32"} : (tensor<2x5xi1>) -> tensor<2x5xi32> loc("bi")
    %3 = top.Weight() : () -> tensor<5xi32> loc("mixed")
    %4 = top.Compare(%2, %3) {mode = "Equal"} : (tensor<2x5xi32>, tensor<5xi32>) -> tensor<2x5xi1> loc("mixed_eq")
    %5 = top.Weight() : () -> tensor<3x1x5xi32> loc("zero3")
    %6 = top.Compare(%2, %5) {mode = "Equal"} : (tensor<2x5xi32>, tensor<3x1x5xi32>) -> tensor<3x2x5xi1> loc("bcast_eq")
    %7 = top.Cast(%1) {to = "i32"} : (tensor<2x5xi64>) -> tensor<2x5xi32> loc("ii")
    %8 = top.Weight() : () -> tensor<i32> loc("zero")
    %9 = top.Compare(%7, %8) {mode = "Equal"} : (tensor<2x5xi32>, tensor<i32>) -> tensor<2x5xi1> loc("int_eq")
    func.return %4, %6, %9 : tensor<2x5xi1>, tensor<3x2x5xi1>, tensor<2x5xi1>
  }
}
