// top-cse: ops with the same class, operands, properties and result types are merged into the
// first one (which keeps its name); two-input Add/Mul and the symmetric Compare modes match
// with their operands swapped. Weights merge only when their names match too (the data is named
// by the location, so same-typed weights with different names differ). A graph output never
// loses its name: a duplicate that is a graph output passes its name to the kept op, and two
// graph outputs with different names stay apart. top.Input is never merged.
// RUN: tpuc-opt %s -p top-cse --split-input-file | filecheck %s

// Two Relus of x, two Adds with swapped operands, two Subs (not commutative: kept), one duplicated
// chain (the second Exp merges once its operand has).
// CHECK-LABEL: func.func @merge
// CHECK-NEXT:  %[[X:.*]] = top.Input(%{{.*}}) : (tensor<4xf32>) -> tensor<4xf32> loc("x")
// CHECK-NEXT:  %[[Y:.*]] = top.Input(%{{.*}}) : (tensor<4xf32>) -> tensor<4xf32> loc("y")
// CHECK-NEXT:  %[[R:.*]] = top.Relu(%[[X]]) : (tensor<4xf32>) -> tensor<4xf32> loc("r1")
// CHECK-NEXT:  %[[A:.*]] = top.Add(%[[R]], %[[Y]]) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32> loc("a1")
// CHECK-NEXT:  %[[S1:.*]] = top.Sub(%[[R]], %[[Y]]) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32> loc("s1")
// CHECK-NEXT:  %[[S2:.*]] = top.Sub(%[[Y]], %[[R]]) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32> loc("s2")
// CHECK-NEXT:  %[[E:.*]] = top.Exp(%[[A]]) : (tensor<4xf32>) -> tensor<4xf32> loc("e1")
// CHECK-NEXT:  %[[M:.*]] = top.Mul(%[[E]], %[[E]], %[[S1]], %[[S2]]) : {{.*}} loc("out")
// CHECK-NEXT:  func.return %[[M]] : tensor<4xf32>
func.func @merge(%arg0: tensor<4xf32>, %arg1: tensor<4xf32>) -> tensor<4xf32> {
  %0 = top.Input(%arg0) : (tensor<4xf32>) -> tensor<4xf32> loc("x")
  %1 = top.Input(%arg1) : (tensor<4xf32>) -> tensor<4xf32> loc("y")
  %2 = top.Relu(%0) : (tensor<4xf32>) -> tensor<4xf32> loc("r1")
  %3 = top.Relu(%0) : (tensor<4xf32>) -> tensor<4xf32> loc("r2")
  %4 = top.Add(%2, %1) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32> loc("a1")
  %5 = top.Add(%1, %3) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32> loc("a2")
  %6 = top.Sub(%2, %1) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32> loc("s1")
  %7 = top.Sub(%1, %3) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32> loc("s2")
  %8 = top.Exp(%4) : (tensor<4xf32>) -> tensor<4xf32> loc("e1")
  %9 = top.Exp(%5) : (tensor<4xf32>) -> tensor<4xf32> loc("e2")
  %10 = top.Mul(%8, %9, %6, %7) : (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32> loc("out")
  func.return %10 : tensor<4xf32>
}

// -----
// Weights: same name and type merge; same type, different names do not. The None ops merge, and
// then the two MatMuls that differed only by them. Different properties (Softmax axis) or result
// types (Cast) do not merge.
// CHECK-LABEL: func.func @weights_and_props
// CHECK-NEXT:  %[[X:.*]] = top.Input(%{{.*}}) : (tensor<2x4xf32>) -> tensor<2x4xf32> loc("x")
// CHECK-NEXT:  %[[W:.*]] = top.Weight() : () -> tensor<4xf32> loc("w")
// CHECK-NEXT:  %[[V:.*]] = top.Weight() : () -> tensor<4xf32> loc("v")
// CHECK-NEXT:  %[[WM:.*]] = top.Weight() : () -> tensor<4x4xf32> loc("wm")
// CHECK-NEXT:  %[[N:.*]] = top.None() : () -> none loc("none")
// CHECK-NEXT:  %[[A:.*]] = top.Add(%[[X]], %[[W]]) {{.*}} loc("aw1")
// CHECK-NEXT:  %[[B:.*]] = top.Add(%[[X]], %[[V]]) {{.*}} loc("av")
// CHECK-NEXT:  %[[M:.*]] = top.MatMul(%[[X]], %[[WM]], %[[N]]) {{.*}} loc("mm1")
// CHECK-NEXT:  %[[S0:.*]] = top.Softmax(%[[X]]) {axis = 0 : i64} {{.*}} loc("sm0")
// CHECK-NEXT:  %[[S1:.*]] = top.Softmax(%[[X]]) {axis = 1 : i64} {{.*}} loc("sm1")
// CHECK-NEXT:  %[[K:.*]] = top.Concat(%[[A]], %[[A]], %[[B]], %[[M]], %[[M]], %[[S0]], %[[S1]]) {{.*}} loc("cat")
// CHECK-NEXT:  %[[C1:.*]] = top.Cast(%[[X]]) {to = "f16"} {{.*}} loc("c16")
// CHECK-NEXT:  %[[C2:.*]] = top.Cast(%[[X]]) {to = "i32"} {{.*}} loc("c32")
// CHECK-NEXT:  func.return %[[K]], %[[C1]], %[[C2]]
func.func @weights_and_props(%arg0: tensor<2x4xf32>) -> (tensor<14x4xf32>, tensor<2x4xf16>, tensor<2x4xi32>) {
  %0 = top.Input(%arg0) : (tensor<2x4xf32>) -> tensor<2x4xf32> loc("x")
  %1 = top.Weight() : () -> tensor<4xf32> loc("w")
  %2 = top.Weight() : () -> tensor<4xf32> loc("w")
  %3 = top.Weight() : () -> tensor<4xf32> loc("v")
  %wm = top.Weight() : () -> tensor<4x4xf32> loc("wm")
  %n1 = top.None() : () -> none loc("none")
  %n2 = top.None() : () -> none loc("none_1")
  %4 = top.Add(%0, %1) : (tensor<2x4xf32>, tensor<4xf32>) -> tensor<2x4xf32> loc("aw1")
  %5 = top.Add(%0, %2) : (tensor<2x4xf32>, tensor<4xf32>) -> tensor<2x4xf32> loc("aw2")
  %6 = top.Add(%0, %3) : (tensor<2x4xf32>, tensor<4xf32>) -> tensor<2x4xf32> loc("av")
  %m1 = top.MatMul(%0, %wm, %n1) : (tensor<2x4xf32>, tensor<4x4xf32>, none) -> tensor<2x4xf32> loc("mm1")
  %m2 = top.MatMul(%0, %wm, %n2) : (tensor<2x4xf32>, tensor<4x4xf32>, none) -> tensor<2x4xf32> loc("mm2")
  %7 = top.Softmax(%0) {axis = 0 : i64} : (tensor<2x4xf32>) -> tensor<2x4xf32> loc("sm0")
  %8 = top.Softmax(%0) {axis = 1 : i64} : (tensor<2x4xf32>) -> tensor<2x4xf32> loc("sm1")
  %cat = top.Concat(%4, %5, %6, %m1, %m2, %7, %8) {axis = 0 : i64} : (tensor<2x4xf32>, tensor<2x4xf32>, tensor<2x4xf32>, tensor<2x4xf32>, tensor<2x4xf32>, tensor<2x4xf32>, tensor<2x4xf32>) -> tensor<14x4xf32> loc("cat")
  %9 = top.Cast(%0) {to = "f16"} : (tensor<2x4xf32>) -> tensor<2x4xf16> loc("c16")
  %10 = top.Cast(%0) {to = "i32"} : (tensor<2x4xf32>) -> tensor<2x4xi32> loc("c32")
  func.return %cat, %9, %10 : tensor<14x4xf32>, tensor<2x4xf16>, tensor<2x4xi32>
}

// -----
// Graph outputs: "out_b" duplicates the internal "t": the kept op takes the output's name; "o1"
// and "o2" are both graph outputs: not merged. Two Input ops of the same argument stay.
// CHECK-LABEL: func.func @graph_outputs
// CHECK-NEXT:  %[[X:.*]] = top.Input(%{{.*}}) : (tensor<4xf32>) -> tensor<4xf32> loc("x")
// CHECK-NEXT:  %[[X2:.*]] = top.Input(%{{.*}}) : (tensor<4xf32>) -> tensor<4xf32> loc("x_again")
// CHECK-NEXT:  %[[T:.*]] = top.Tanh(%[[X]]) : (tensor<4xf32>) -> tensor<4xf32> loc("out_b")
// CHECK-NEXT:  %[[S:.*]] = top.Sigmoid(%[[T]]) : (tensor<4xf32>) -> tensor<4xf32> loc("out_a")
// CHECK-NEXT:  %[[O1:.*]] = top.Exp(%[[X]]) : (tensor<4xf32>) -> tensor<4xf32> loc("o1")
// CHECK-NEXT:  %[[O2:.*]] = top.Exp(%[[X]]) : (tensor<4xf32>) -> tensor<4xf32> loc("o2")
// CHECK-NEXT:  %[[R:.*]] = top.Relu(%[[X2]]) : (tensor<4xf32>) -> tensor<4xf32> loc("rx2")
// CHECK-NEXT:  func.return %[[S]], %[[T]], %[[O1]], %[[O2]], %[[R]]
func.func @graph_outputs(%arg0: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) {
  %0 = top.Input(%arg0) : (tensor<4xf32>) -> tensor<4xf32> loc("x")
  %x2 = top.Input(%arg0) : (tensor<4xf32>) -> tensor<4xf32> loc("x_again")
  %1 = top.Tanh(%0) : (tensor<4xf32>) -> tensor<4xf32> loc("t")
  %2 = top.Sigmoid(%1) : (tensor<4xf32>) -> tensor<4xf32> loc("out_a")
  %3 = top.Tanh(%0) : (tensor<4xf32>) -> tensor<4xf32> loc("out_b")
  %4 = top.Exp(%0) : (tensor<4xf32>) -> tensor<4xf32> loc("o1")
  %5 = top.Exp(%0) : (tensor<4xf32>) -> tensor<4xf32> loc("o2")
  %6 = top.Relu(%x2) : (tensor<4xf32>) -> tensor<4xf32> loc("rx2")
  func.return %2, %3, %4, %5, %6 : tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
}

// -----
// A multi-result op: two identical Splits merge (results map one to one); then Mul(b, a) equals
// Mul(a, b), but both are graph outputs under different names, so they stay apart.
// CHECK-LABEL: func.func @split
// CHECK-NEXT:  %[[X:.*]] = top.Input(%{{.*}}) : (tensor<4xf32>) -> tensor<4xf32> loc("x")
// CHECK-NEXT:  %[[A:.*]], %[[B:.*]] = top.Split(%[[X]]) {{.*}} loc(fused["a", "b"])
// CHECK-NEXT:  %[[M1:.*]] = top.Mul(%[[A]], %[[B]]) {{.*}} loc("m1")
// CHECK-NEXT:  %[[M2:.*]] = top.Mul(%[[B]], %[[A]]) {{.*}} loc("m2")
// CHECK-NEXT:  %[[M3:.*]] = top.Mul(%[[M1]], %[[M2]]) {{.*}} loc("m3")
// CHECK-NEXT:  func.return %[[M1]], %[[M2]], %[[M3]]
func.func @split(%arg0: tensor<4xf32>) -> (tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) {
  %0 = top.Input(%arg0) : (tensor<4xf32>) -> tensor<4xf32> loc("x")
  %1, %2 = top.Split(%0) {axis = 0 : i64, split_size = array<i64: 2, 2>} : (tensor<4xf32>) -> (tensor<2xf32>, tensor<2xf32>) loc(fused["a", "b"])
  %3, %4 = top.Split(%0) {axis = 0 : i64, split_size = array<i64: 2, 2>} : (tensor<4xf32>) -> (tensor<2xf32>, tensor<2xf32>) loc(fused["c", "d"])
  %5 = top.Mul(%1, %2) : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32> loc("m1")
  %6 = top.Mul(%4, %3) : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32> loc("m2")
  %7 = top.Mul(%5, %6) : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32> loc("m3")
  func.return %5, %6, %7 : tensor<2xf32>, tensor<2xf32>, tensor<2xf32>
}

// -----
// Max/Min with swapped operands are not merged (max(+0, -0) and max(-0, +0) differ in sign);
// the same operand order is.
// CHECK-LABEL: func.func @max_not_commuted
// CHECK-NEXT:  %[[X:.*]] = top.Input(%{{.*}}) : (tensor<4xf32>) -> tensor<4xf32> loc("x")
// CHECK-NEXT:  %[[Y:.*]] = top.Input(%{{.*}}) : (tensor<4xf32>) -> tensor<4xf32> loc("y")
// CHECK-NEXT:  %[[M1:.*]] = top.Max(%[[X]], %[[Y]]) {{.*}} loc("m1")
// CHECK-NEXT:  %[[M2:.*]] = top.Max(%[[Y]], %[[X]]) {{.*}} loc("m2")
// CHECK-NEXT:  %[[S:.*]] = top.Add(%[[M1]], %[[M2]], %[[M1]]) {{.*}} loc("s")
func.func @max_not_commuted(%arg0: tensor<4xf32>, %arg1: tensor<4xf32>) -> tensor<4xf32> {
  %0 = top.Input(%arg0) : (tensor<4xf32>) -> tensor<4xf32> loc("x")
  %1 = top.Input(%arg1) : (tensor<4xf32>) -> tensor<4xf32> loc("y")
  %2 = top.Max(%0, %1) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32> loc("m1")
  %3 = top.Max(%1, %0) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32> loc("m2")
  %4 = top.Max(%0, %1) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32> loc("m3")
  %5 = top.Add(%2, %3, %4) : (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32> loc("s")
  func.return %5 : tensor<4xf32>
}
