// Guards top-dce: a dead chain is removed to a fixpoint (including the top.Weight and top.None it
// used), while graph inputs (top.Input, even unused), used ops and multi-result ops with one used
// result are kept.
// RUN: tpuc-opt %s -p top-dce --split-input-file | filecheck %s

// A dead chain Add(x, w) -> Relu -> Sigmoid hanging off a live Exp: all of it goes, the weight too.
// CHECK-LABEL: func.func @dead_chain
// CHECK-NEXT:  %[[X:.*]] = top.Input(%{{.*}}) : (tensor<4xf32>) -> tensor<4xf32> loc("x")
// CHECK-NEXT:  %[[E:.*]] = top.Exp(%[[X]]) : (tensor<4xf32>) -> tensor<4xf32> loc("e")
// CHECK-NEXT:  func.return %[[E]] : tensor<4xf32>
func.func @dead_chain(%arg0: tensor<4xf32>) -> tensor<4xf32> {
  %0 = top.Input(%arg0) : (tensor<4xf32>) -> tensor<4xf32> loc("x")
  %1 = top.Weight() : () -> tensor<4xf32> loc("w")
  %2 = top.Add(%0, %1) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32> loc("dead_add")
  %3 = top.Relu(%2) : (tensor<4xf32>) -> tensor<4xf32> loc("dead_relu")
  %4 = top.Sigmoid(%3) : (tensor<4xf32>) -> tensor<4xf32> loc("dead_sigmoid")
  %5 = top.Exp(%0) : (tensor<4xf32>) -> tensor<4xf32> loc("e")
  %6 = top.None() : () -> none loc("none")
  func.return %5 : tensor<4xf32>
}

// -----
// An unused graph input stays (it is part of the signature); a used weight stays.
// CHECK-LABEL: func.func @keep_inputs
// CHECK-NEXT:  %[[X:.*]] = top.Input(%{{.*}}) : (tensor<4xf32>) -> tensor<4xf32> loc("x")
// CHECK-NEXT:  top.Input(%{{.*}}) : (tensor<2xf32>) -> tensor<2xf32> loc("unused_input")
// CHECK-NEXT:  %[[W:.*]] = top.Weight() : () -> tensor<4xf32> loc("w")
// CHECK-NEXT:  %[[A:.*]] = top.Add(%[[X]], %[[W]]) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32> loc("a")
// CHECK-NEXT:  func.return %[[A]] : tensor<4xf32>
func.func @keep_inputs(%arg0: tensor<4xf32>, %arg1: tensor<2xf32>) -> tensor<4xf32> {
  %0 = top.Input(%arg0) : (tensor<4xf32>) -> tensor<4xf32> loc("x")
  %1 = top.Input(%arg1) : (tensor<2xf32>) -> tensor<2xf32> loc("unused_input")
  %2 = top.Weight() : () -> tensor<4xf32> loc("w")
  %3 = top.Add(%0, %2) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32> loc("a")
  func.return %3 : tensor<4xf32>
}

// -----
// A Split with one used result is live; a Split with no used result is dead.
// CHECK-LABEL: func.func @split
// CHECK-NEXT:  %[[X:.*]] = top.Input(%{{.*}}) : (tensor<6xf32>) -> tensor<6xf32> loc("x")
// CHECK-NEXT:  %{{.*}}, %[[B:.*]] = top.Split(%[[X]]) {axis = 0 : i64, split_size = array<i64: 2, 4>} : (tensor<6xf32>) -> (tensor<2xf32>, tensor<4xf32>) loc(fused["a", "b"])
// CHECK-NEXT:  func.return %[[B]] : tensor<4xf32>
func.func @split(%arg0: tensor<6xf32>) -> tensor<4xf32> {
  %0 = top.Input(%arg0) : (tensor<6xf32>) -> tensor<6xf32> loc("x")
  %1, %2 = top.Split(%0) {axis = 0 : i64, split_size = array<i64: 2, 4>} : (tensor<6xf32>) -> (tensor<2xf32>, tensor<4xf32>) loc(fused["a", "b"])
  %3, %4 = top.Split(%0) {axis = 0 : i64, split_size = array<i64: 3, 3>} : (tensor<6xf32>) -> (tensor<3xf32>, tensor<3xf32>) loc(fused["c", "d"])
  func.return %2 : tensor<4xf32>
}

// -----
// Nothing to do: the IR is unchanged.
// CHECK-LABEL: func.func @all_live
// CHECK-NEXT:  %[[X:.*]] = top.Input(%{{.*}}) : (tensor<4xf32>) -> tensor<4xf32> loc("x")
// CHECK-NEXT:  %[[R:.*]] = top.Relu(%[[X]]) : (tensor<4xf32>) -> tensor<4xf32> loc("r")
// CHECK-NEXT:  %[[S:.*]] = top.Sigmoid(%[[R]]) : (tensor<4xf32>) -> tensor<4xf32> loc("s")
// CHECK-NEXT:  func.return %[[R]], %[[S]] : tensor<4xf32>, tensor<4xf32>
func.func @all_live(%arg0: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
  %0 = top.Input(%arg0) : (tensor<4xf32>) -> tensor<4xf32> loc("x")
  %1 = top.Relu(%0) : (tensor<4xf32>) -> tensor<4xf32> loc("r")
  %2 = top.Sigmoid(%1) : (tensor<4xf32>) -> tensor<4xf32> loc("s")
  func.return %1, %2 : tensor<4xf32>, tensor<4xf32>
}
