// top-canonicalize, not_.py (the seed's logic simplifications).
// * NotOfCompare: Not(Compare(a, b, m)) -> Compare(a, b, inverse m), named as the Not. Ordered
//   modes (Less/Greater/...) only when no operand can be NaN (ints/bools, or floats proven
//   NaN-free: a NaN-free weight, a Cast from an int, ...); Equal/NotEqual always. Not when the
//   Compare has another user.
// * NotNot: Not(Not(x)) -> x, not for a graph output.
// * DeMorgan: Not(Or(Not A, Not B, C)) -> And(A, B, Not C) (and And -> Or) when it removes Nots.
// The STORE run has the weight file (weights' values are known), the NOSTORE run has none.
// RUN: mkdir -p %t && %python -c "import numpy as np; np.savez('%t/not_w.npz', w=np.array([-1.5, 0.0, 2.0, 3.0], np.float32), wnan=np.array([-1.5, np.nan, 2.0, 3.0], np.float32))" && cp %s %t/not.mlir
// RUN: tpuc-opt %t/not.mlir -p top-canonicalize --split-input-file | filecheck %s --check-prefixes=CHECK,STORE
// RUN: tpuc-opt %s -p top-canonicalize --split-input-file | filecheck %s --check-prefixes=CHECK,NOSTORE

// The seed's Less + Not = GreaterOrEqual, on ints (exact).
// CHECK-LABEL: func.func @less_not_int
// CHECK-NEXT:  %[[A:.*]] = top.Input(%{{.*}}) : (tensor<3x4xi64>) -> tensor<3x4xi64> loc("a")
// CHECK-NEXT:  %[[B:.*]] = top.Input(%{{.*}}) : (tensor<4xi64>) -> tensor<4xi64> loc("b")
// CHECK-NEXT:  %[[C:.*]] = top.Compare(%[[A]], %[[B]]) {mode = "GreaterOrEqual"} : (tensor<3x4xi64>, tensor<4xi64>) -> tensor<3x4xi1> loc("ge")
// CHECK-NEXT:  func.return %[[C]] : tensor<3x4xi1>
func.func @less_not_int(%arg0: tensor<3x4xi64>, %arg1: tensor<4xi64>) -> tensor<3x4xi1> {
  %0 = top.Input(%arg0) : (tensor<3x4xi64>) -> tensor<3x4xi64> loc("a")
  %1 = top.Input(%arg1) : (tensor<4xi64>) -> tensor<4xi64> loc("b")
  %2 = top.Compare(%0, %1) {mode = "Less"} : (tensor<3x4xi64>, tensor<4xi64>) -> tensor<3x4xi1> loc("lt")
  %3 = top.Not(%2) : (tensor<3x4xi1>) -> tensor<3x4xi1> loc("ge")
  func.return %3 : tensor<3x4xi1>
}

// -----
// The other ordered inversions on ints, and Equal -> NotEqual.
// CHECK-LABEL: func.func @other_inversions
// CHECK:       top.Compare(%{{.*}}, %{{.*}}) {mode = "LessOrEqual"} : {{.*}} loc("n1")
// CHECK-NEXT:  top.Compare(%{{.*}}, %{{.*}}) {mode = "Greater"} : {{.*}} loc("n2")
// CHECK-NEXT:  top.Compare(%{{.*}}, %{{.*}}) {mode = "NotEqual"} : {{.*}} loc("n3")
// CHECK-NOT:   top.Not
func.func @other_inversions(%arg0: tensor<4xi32>, %arg1: tensor<4xi32>) -> (tensor<4xi1>, tensor<4xi1>, tensor<4xi1>) {
  %0 = top.Input(%arg0) : (tensor<4xi32>) -> tensor<4xi32> loc("a")
  %1 = top.Input(%arg1) : (tensor<4xi32>) -> tensor<4xi32> loc("b")
  %2 = top.Compare(%0, %1) {mode = "Greater"} : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi1> loc("c1")
  %3 = top.Not(%2) : (tensor<4xi1>) -> tensor<4xi1> loc("n1")
  %4 = top.Compare(%0, %1) {mode = "LessOrEqual"} : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi1> loc("c2")
  %5 = top.Not(%4) : (tensor<4xi1>) -> tensor<4xi1> loc("n2")
  %6 = top.Compare(%0, %1) {mode = "Equal"} : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi1> loc("c3")
  %7 = top.Not(%6) : (tensor<4xi1>) -> tensor<4xi1> loc("n3")
  func.return %3, %5, %7 : tensor<4xi1>, tensor<4xi1>, tensor<4xi1>
}

// -----
// Floats: NaN-free when compared value is a Cast from an int and the other a NaN-free weight
// (needs the store to see the weight); a float graph input may be NaN.
// CHECK-LABEL: func.func @less_not_float_proven
// STORE:       top.Compare(%{{.*}}, %{{.*}}) {mode = "GreaterOrEqual"} : (tensor<3x4xf32>, tensor<4xf32>) -> tensor<3x4xi1> loc("n")
// STORE-NOT:   top.Not
// NOSTORE:     %[[C:.*]] = top.Compare(%{{.*}}, %{{.*}}) {mode = "Less"}
// NOSTORE-NEXT: top.Not(%[[C]]) : (tensor<3x4xi1>) -> tensor<3x4xi1> loc("n")
module attributes {module.weight_file = "not_w.npz"} {
  func.func @less_not_float_proven(%arg0: tensor<3x4xi32>) -> tensor<3x4xi1> {
    %0 = top.Input(%arg0) : (tensor<3x4xi32>) -> tensor<3x4xi32> loc("a")
    %1 = top.Cast(%0) {to = "f32"} : (tensor<3x4xi32>) -> tensor<3x4xf32> loc("af")
    %2 = top.Weight() : () -> tensor<4xf32> loc("w")
    %3 = top.Compare(%1, %2) {mode = "Less"} : (tensor<3x4xf32>, tensor<4xf32>) -> tensor<3x4xi1> loc("lt")
    %4 = top.Not(%3) : (tensor<3x4xi1>) -> tensor<3x4xi1> loc("n")
    func.return %4 : tensor<3x4xi1>
  }
}

// -----
// Must not fire: the weight holds a NaN (Not(NaN < x) is true, NaN >= x is false).
// CHECK-LABEL: func.func @less_not_float_weight_nan
// CHECK:       %[[C:.*]] = top.Compare(%{{.*}}, %{{.*}}) {mode = "Less"}
// CHECK-NEXT:  top.Not(%[[C]]) : (tensor<3x4xi1>) -> tensor<3x4xi1> loc("n")
module attributes {module.weight_file = "not_w.npz"} {
  func.func @less_not_float_weight_nan(%arg0: tensor<3x4xi32>) -> tensor<3x4xi1> {
    %0 = top.Input(%arg0) : (tensor<3x4xi32>) -> tensor<3x4xi32> loc("a")
    %1 = top.Cast(%0) {to = "f32"} : (tensor<3x4xi32>) -> tensor<3x4xf32> loc("af")
    %2 = top.Weight() : () -> tensor<4xf32> loc("wnan")
    %3 = top.Compare(%1, %2) {mode = "Less"} : (tensor<3x4xf32>, tensor<4xf32>) -> tensor<3x4xi1> loc("lt")
    %4 = top.Not(%3) : (tensor<3x4xi1>) -> tensor<3x4xi1> loc("n")
    func.return %4 : tensor<3x4xi1>
  }
}

// -----
// Must not fire: a float graph input may be NaN (Equal still inverts: exact with NaN).
// CHECK-LABEL: func.func @less_not_float_input
// CHECK:       %[[C:.*]] = top.Compare(%{{.*}}, %{{.*}}) {mode = "Less"}
// CHECK-NEXT:  top.Not(%[[C]]) : (tensor<4xi1>) -> tensor<4xi1> loc("n")
// CHECK-NEXT:  top.Compare(%{{.*}}, %{{.*}}) {mode = "NotEqual"} : {{.*}} loc("ne")
func.func @less_not_float_input(%arg0: tensor<4xf32>, %arg1: tensor<4xf32>) -> (tensor<4xi1>, tensor<4xi1>) {
  %0 = top.Input(%arg0) : (tensor<4xf32>) -> tensor<4xf32> loc("a")
  %1 = top.Input(%arg1) : (tensor<4xf32>) -> tensor<4xf32> loc("b")
  %2 = top.Compare(%0, %1) {mode = "Less"} : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xi1> loc("lt")
  %3 = top.Not(%2) : (tensor<4xi1>) -> tensor<4xi1> loc("n")
  %4 = top.Compare(%0, %1) {mode = "Equal"} : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xi1> loc("eq")
  %5 = top.Not(%4) : (tensor<4xi1>) -> tensor<4xi1> loc("ne")
  func.return %3, %5 : tensor<4xi1>, tensor<4xi1>
}

// -----
// Must not fire: the Compare has another user (both would stay).
// CHECK-LABEL: func.func @less_not_multi_use
// CHECK:       %[[C:.*]] = top.Compare(%{{.*}}, %{{.*}}) {mode = "Less"}
// CHECK-NEXT:  %[[N:.*]] = top.Not(%[[C]])
// CHECK-NEXT:  func.return %[[N]], %[[C]]
func.func @less_not_multi_use(%arg0: tensor<4xi64>, %arg1: tensor<4xi64>) -> (tensor<4xi1>, tensor<4xi1>) {
  %0 = top.Input(%arg0) : (tensor<4xi64>) -> tensor<4xi64> loc("a")
  %1 = top.Input(%arg1) : (tensor<4xi64>) -> tensor<4xi64> loc("b")
  %2 = top.Compare(%0, %1) {mode = "Less"} : (tensor<4xi64>, tensor<4xi64>) -> tensor<4xi1> loc("lt")
  %3 = top.Not(%2) : (tensor<4xi1>) -> tensor<4xi1> loc("n")
  func.return %3, %2 : tensor<4xi1>, tensor<4xi1>
}

// -----
// NotNot; not when the outer Not is a graph output (forwarding would rename it).
// CHECK-LABEL: func.func @not_not
// CHECK-NEXT:  %[[A:.*]] = top.Input
// CHECK-NEXT:  %[[N1:.*]] = top.Not(%[[A]]) {{.*}} loc("n1")
// CHECK-NEXT:  %[[N2:.*]] = top.Not(%[[N1]]) {{.*}} loc("n2")
// CHECK-NEXT:  %[[Y:.*]] = top.Compare(%[[A]], %[[A]]) {mode = "Xor"} {{.*}} loc("y")
// CHECK-NEXT:  func.return %[[Y]], %[[N2]]
func.func @not_not(%arg0: tensor<5xi1>) -> (tensor<5xi1>, tensor<5xi1>) {
  %0 = top.Input(%arg0) : (tensor<5xi1>) -> tensor<5xi1> loc("a")
  %1 = top.Not(%0) : (tensor<5xi1>) -> tensor<5xi1> loc("n1")
  %2 = top.Not(%1) : (tensor<5xi1>) -> tensor<5xi1> loc("n2")
  %3 = top.Not(%1) : (tensor<5xi1>) -> tensor<5xi1> loc("n3")
  %4 = top.Compare(%3, %0) {mode = "Xor"} : (tensor<5xi1>, tensor<5xi1>) -> tensor<5xi1> loc("y")
  func.return %4, %2 : tensor<5xi1>, tensor<5xi1>
}

// -----
// The seed's De Morgan: not((not A) or (not B) or C) = A and B and (not C); 3 Nots -> 1.
// CHECK-LABEL: func.func @de_morgan
// CHECK-NEXT:  %[[A:.*]] = top.Input(%{{.*}}) {{.*}} loc("A")
// CHECK-NEXT:  %[[B:.*]] = top.Input(%{{.*}}) {{.*}} loc("B")
// CHECK-NEXT:  %[[C:.*]] = top.Input(%{{.*}}) {{.*}} loc("C")
// CHECK-NEXT:  %[[AB:.*]] = top.Compare(%[[A]], %[[B]]) {mode = "And"} : (tensor<2x3xi1>, tensor<3xi1>) -> tensor<2x3xi1> loc("y_demorgan0")
// CHECK-NEXT:  %[[NC:.*]] = top.Not(%[[C]]) : (tensor<2x1xi1>) -> tensor<2x1xi1> loc("C_not")
// CHECK-NEXT:  %[[Y:.*]] = top.Compare(%[[AB]], %[[NC]]) {mode = "And"} : (tensor<2x3xi1>, tensor<2x1xi1>) -> tensor<2x3xi1> loc("y")
// CHECK-NEXT:  func.return %[[Y]]
func.func @de_morgan(%arg0: tensor<2x3xi1>, %arg1: tensor<3xi1>, %arg2: tensor<2x1xi1>) -> tensor<2x3xi1> {
  %0 = top.Input(%arg0) : (tensor<2x3xi1>) -> tensor<2x3xi1> loc("A")
  %1 = top.Input(%arg1) : (tensor<3xi1>) -> tensor<3xi1> loc("B")
  %2 = top.Input(%arg2) : (tensor<2x1xi1>) -> tensor<2x1xi1> loc("C")
  %3 = top.Not(%0) : (tensor<2x3xi1>) -> tensor<2x3xi1> loc("nA")
  %4 = top.Not(%1) : (tensor<3xi1>) -> tensor<3xi1> loc("nB")
  %5 = top.Compare(%3, %4) {mode = "Or"} : (tensor<2x3xi1>, tensor<3xi1>) -> tensor<2x3xi1> loc("o1")
  %6 = top.Compare(%5, %2) {mode = "Or"} : (tensor<2x3xi1>, tensor<2x1xi1>) -> tensor<2x3xi1> loc("o2")
  %7 = top.Not(%6) : (tensor<2x3xi1>) -> tensor<2x3xi1> loc("y")
  func.return %7 : tensor<2x3xi1>
}

// -----
// Two-input form with the dual (And -> Or): Not(And(Not A, B)) -> Or(A, Not B).
// CHECK-LABEL: func.func @de_morgan_and
// CHECK:       %[[NB:.*]] = top.Not(%{{.*}}) {{.*}} loc("B_not")
// CHECK-NEXT:  top.Compare(%{{.*}}, %[[NB]]) {mode = "Or"} {{.*}} loc("y")
// CHECK-NOT:   top.Not
func.func @de_morgan_and(%arg0: tensor<4xi1>, %arg1: tensor<4xi1>) -> tensor<4xi1> {
  %0 = top.Input(%arg0) : (tensor<4xi1>) -> tensor<4xi1> loc("A")
  %1 = top.Input(%arg1) : (tensor<4xi1>) -> tensor<4xi1> loc("B")
  %2 = top.Not(%0) : (tensor<4xi1>) -> tensor<4xi1> loc("nA")
  %3 = top.Compare(%2, %1) {mode = "And"} : (tensor<4xi1>, tensor<4xi1>) -> tensor<4xi1> loc("a")
  %4 = top.Not(%3) : (tensor<4xi1>) -> tensor<4xi1> loc("y")
  func.return %4 : tensor<4xi1>
}

// -----
// Must not fire: no Not to remove (Not(Or(A, B)) would become And(Not A, Not B)), or the Or has
// another user.
// CHECK-LABEL: func.func @de_morgan_no_gain
// CHECK:       %[[O:.*]] = top.Compare(%{{.*}}, %{{.*}}) {mode = "Or"} {{.*}} loc("o")
// CHECK-NEXT:  top.Not(%[[O]]) {{.*}} loc("y")
// CHECK:       %[[O2:.*]] = top.Compare(%{{.*}}, %{{.*}}) {mode = "Or"} {{.*}} loc("o2")
// CHECK-NEXT:  top.Not(%[[O2]]) {{.*}} loc("y2")
func.func @de_morgan_no_gain(%arg0: tensor<4xi1>, %arg1: tensor<4xi1>) -> (tensor<4xi1>, tensor<4xi1>, tensor<4xi1>) {
  %0 = top.Input(%arg0) : (tensor<4xi1>) -> tensor<4xi1> loc("A")
  %1 = top.Input(%arg1) : (tensor<4xi1>) -> tensor<4xi1> loc("B")
  %2 = top.Compare(%0, %1) {mode = "Or"} : (tensor<4xi1>, tensor<4xi1>) -> tensor<4xi1> loc("o")
  %3 = top.Not(%2) : (tensor<4xi1>) -> tensor<4xi1> loc("y")
  %4 = top.Not(%0) : (tensor<4xi1>) -> tensor<4xi1> loc("nA")
  %5 = top.Compare(%4, %1) {mode = "Or"} : (tensor<4xi1>, tensor<4xi1>) -> tensor<4xi1> loc("o2")
  %6 = top.Not(%5) : (tensor<4xi1>) -> tensor<4xi1> loc("y2")
  func.return %3, %6, %5 : tensor<4xi1>, tensor<4xi1>, tensor<4xi1>
}
