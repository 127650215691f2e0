// top-canonicalize, constant.py: FoldConstantOp replaces any Top op whose operands are all weights
// (or top.None) by new weights named as the op's results (a chain folds completely; the dead
// inputs go). It needs the weight store: the NOSTORE run (no weight file) folds nothing.
// RUN: mkdir -p %t && %python -c "import numpy as np; np.savez('%t/const_w.npz', a=np.array([1, -2, 3, -4], np.float32), b=np.array([10, 20, 30, 40], np.float32), m=np.arange(6, dtype=np.float32).reshape(2, 3), n=np.arange(3, dtype=np.float32).reshape(3, 1))" && cp %s %t/const.mlir
// RUN: tpuc-opt %t/const.mlir -p top-canonicalize --split-input-file -o %t/out.mlir && filecheck %s --check-prefixes=CHECK,STORE < %t/out.mlir
// RUN: tpuc-opt %s -p top-canonicalize --split-input-file | filecheck %s --check-prefixes=CHECK,NOSTORE
// The folded values (of the last chunk, @fold_split: -o writes each chunk's weights in turn).
// RUN: %python %S/../../../Inputs/npz_dump.py %t/out_weight.npz | filecheck %s --check-prefix=NPZ
// Only the folded weights are left (the inputs a, b are dropped with their dead ops).
// NPZ-NOT:  {{^}}a:
// NPZ:      {{^}}s0: shape=[1] dtype=float32 values=[11.0]
// NPZ-NEXT: {{^}}s1: shape=[3] dtype=float32 values=[18.0, 33.0, 36.0]
// NPZ-NOT:  {{.}}

// Relu(Add(a, b)) folds to one weight "r"; the Mul with the input stays.
// CHECK-LABEL: func.func @fold_chain
// CHECK-NEXT:  %[[X:.*]] = top.Input(%{{.*}}) : (tensor<4xf32>) -> tensor<4xf32> loc("x")
// STORE-NEXT:  %[[W:.*]] = top.Weight() : () -> tensor<4xf32> loc("r")
// STORE-NEXT:  %[[M:.*]] = top.Mul(%[[X]], %[[W]]) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32> loc("y")
// STORE-NEXT:  func.return %[[M]] : tensor<4xf32>
// NOSTORE:     top.Add
// NOSTORE:     top.Relu
module attributes {module.weight_file = "const_w.npz"} {
  func.func @fold_chain(%arg0: tensor<4xf32>) -> tensor<4xf32> {
    %0 = top.Input(%arg0) : (tensor<4xf32>) -> tensor<4xf32> loc("x")
    %1 = top.Weight() : () -> tensor<4xf32> loc("a")
    %2 = top.Weight() : () -> tensor<4xf32> loc("b")
    %3 = top.Add(%1, %2) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32> loc("s")
    %4 = top.Relu(%3) : (tensor<4xf32>) -> tensor<4xf32> loc("r")
    %5 = top.Mul(%0, %4) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32> loc("y")
    func.return %5 : tensor<4xf32>
  }
}

// -----
// A top.None operand does not prevent folding (MatMul without bias).
// CHECK-LABEL: func.func @fold_with_none
// STORE-NEXT:  %[[W:.*]] = top.Weight() : () -> tensor<2x1xf32> loc("mm")
// STORE-NEXT:  func.return %[[W]] : tensor<2x1xf32>
// NOSTORE:     top.MatMul
module attributes {module.weight_file = "const_w.npz"} {
  func.func @fold_with_none() -> tensor<2x1xf32> {
    %0 = top.Weight() : () -> tensor<2x3xf32> loc("m")
    %1 = top.Weight() : () -> tensor<3x1xf32> loc("n")
    %2 = top.None() : () -> none loc("none")
    %3 = top.MatMul(%0, %1, %2) : (tensor<2x3xf32>, tensor<3x1xf32>, none) -> tensor<2x1xf32> loc("mm")
    func.return %3 : tensor<2x1xf32>
  }
}

// -----
// Must not fold: an operand is an activation.
// CHECK-LABEL: func.func @no_fold_activation
// CHECK-NEXT:  %[[X:.*]] = top.Input(%{{.*}}) : (tensor<4xf32>) -> tensor<4xf32> loc("x")
// CHECK-NEXT:  %[[A:.*]] = top.Weight() : () -> tensor<4xf32> loc("a")
// CHECK-NEXT:  %[[S:.*]] = top.Add(%[[X]], %[[A]]) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32> loc("s")
// CHECK-NEXT:  func.return %[[S]] : tensor<4xf32>
module attributes {module.weight_file = "const_w.npz"} {
  func.func @no_fold_activation(%arg0: tensor<4xf32>) -> tensor<4xf32> {
    %0 = top.Input(%arg0) : (tensor<4xf32>) -> tensor<4xf32> loc("x")
    %1 = top.Weight() : () -> tensor<4xf32> loc("a")
    %2 = top.Add(%0, %1) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32> loc("s")
    func.return %2 : tensor<4xf32>
  }
}

// -----
// Must not fold: a weight missing from the weight file (nothing to read).
// CHECK-LABEL: func.func @no_fold_missing_weight
// CHECK:       top.Add
module attributes {module.weight_file = "const_w.npz"} {
  func.func @no_fold_missing_weight() -> tensor<4xf32> {
    %0 = top.Weight() : () -> tensor<4xf32> loc("a")
    %1 = top.Weight() : () -> tensor<4xf32> loc("not_in_file")
    %2 = top.Add(%0, %1) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32> loc("s")
    func.return %2 : tensor<4xf32>
  }
}

// -----
// A multi-result op folds to one weight per result, named by its fused loc; Add(a, b) folds first.
// CHECK-LABEL: func.func @fold_split
// STORE-NEXT:  %[[S0:.*]] = top.Weight() : () -> tensor<1xf32> loc("s0")
// STORE-NEXT:  %[[S1:.*]] = top.Weight() : () -> tensor<3xf32> loc("s1")
// STORE-NEXT:  func.return %[[S0]], %[[S1]] : tensor<1xf32>, tensor<3xf32>
// NOSTORE:     top.Split
module attributes {module.weight_file = "const_w.npz"} {
  func.func @fold_split() -> (tensor<1xf32>, tensor<3xf32>) {
    %0 = top.Weight() : () -> tensor<4xf32> loc("a")
    %1 = top.Weight() : () -> tensor<4xf32> loc("b")
    %2 = top.Add(%0, %1) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32> loc("sum")
    %3 = top.Relu(%2) : (tensor<4xf32>) -> tensor<4xf32> loc("r")
    %4, %5 = top.Split(%3) {axis = 0 : i64, split_size = array<i64: 1, 3>} : (tensor<4xf32>) -> (tensor<1xf32>, tensor<3xf32>) loc(fused["s0", "s1"])
    func.return %4, %5 : tensor<1xf32>, tensor<3xf32>
  }
}
