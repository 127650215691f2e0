// Verifier diagnostics: each chunk is invalid and must be rejected with a message naming the op.
// RUN: tpuc-opt %s --split-input-file --verify-diagnostics | filecheck %s

// CHECK: error: invalid IR: top.Add 'add': shapes [1, 3, 8, 8], [3] do not broadcast
func.func @main(%arg0: tensor<1x3x8x8xf32>, %arg1: tensor<3xf32>) -> tensor<1x3x8x8xf32> {
  %0 = top.Add(%arg0, %arg1) : (tensor<1x3x8x8xf32>, tensor<3xf32>) -> tensor<1x3x8x8xf32> loc("add")
  func.return %0 : tensor<1x3x8x8xf32>
}

// -----
// CHECK: error: invalid IR: top.Relu 'r': result types ['tensor<2xf32>'] do not match the inferred ['tensor<4xf32>']
func.func @main(%arg0: tensor<4xf32>) -> tensor<2xf32> {
  %0 = top.Relu(%arg0) : (tensor<4xf32>) -> tensor<2xf32> loc("r")
  func.return %0 : tensor<2xf32>
}

// -----
// CHECK: error: invalid IR: top.Compare 'c': top.Compare: unknown mode 'Bigger'
func.func @main(%arg0: tensor<4xf32>) -> tensor<4xi1> {
  %0 = top.Compare(%arg0, %arg0) {mode = "Bigger"} : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xi1> loc("c")
  func.return %0 : tensor<4xi1>
}

// -----
// CHECK: error: invalid IR: {{.*}}top.Weight needs a loc("name")
func.func @main() -> tensor<4xf32> {
  %0 = top.Weight() : () -> tensor<4xf32>
  func.return %0 : tensor<4xf32>
}

// -----
// CHECK: error: invalid IR: top.Where 'w': top.Where condition must be i1
func.func @main(%arg0: tensor<4xf32>) -> tensor<4xf32> {
  %0 = top.Where(%arg0, %arg0, %arg0) : (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32> loc("w")
  func.return %0 : tensor<4xf32>
}
