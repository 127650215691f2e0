// top-canonicalize, add.py.
// * MatMulBiasFuse: Add(MatMul(x, W), b) -> MatMul(x, W, b) named as the Add, for a weight b of
//   shape [N] (no weight store needed) or [1, ..., 1, N] (reshaped to a new weight <b>_1d: needs
//   the store); not for a bias that is not last-dim only, a MatMul with a bias, a flag or another
//   user, an Add with do_relu, or an activation bias.
// * PermuteSinkThroughBinary: op(Permute(x, p), Permute(y, p)) -> Permute(op(x, y), p) and
//   op(Permute(x, p), W) -> Permute(op(x, W'), p) with W' = W permuted by p^-1 as a new weight
//   <W>_permuted (a scalar W is reused as is, no store needed). The new op is
//   <name>_before_permute, the Permute keeps the op's name.
// The STORE run has the weight file, the NOSTORE run has none (weight-reading forms must not fire).
// RUN: mkdir -p %t && %python -c "import numpy as np; np.savez('%t/add_w.npz', b3=np.arange(4, dtype=np.float32).reshape(1, 1, 4), w43=np.arange(1, 13, dtype=np.float32).reshape(4, 3))" && cp %s %t/add.mlir
// RUN: tpuc-opt %t/add.mlir -p top-canonicalize --split-input-file -o %t/out.mlir && filecheck %s --check-prefixes=CHECK,STORE < %t/out.mlir
// RUN: tpuc-opt %s -p top-canonicalize --split-input-file | filecheck %s --check-prefixes=CHECK,NOSTORE
// The permuted weight's values (from the last chunk, @sink_weight: -o writes each chunk's weights
// to out_weight.npz in turn): w43 [4, 3] as [1, 4, 3] transposed by (0, 2, 1).
// RUN: %python %S/../../../Inputs/npz_dump.py %t/out_weight.npz | filecheck %s --check-prefix=NPZ
// NPZ: w43_permuted: shape=[1, 3, 4] dtype=float32 values=[1.0, 4.0, 7.0, 10.0, 2.0, 5.0, 8.0, 11.0, 3.0, 6.0, 9.0, 12.0]

// CHECK-LABEL: func.func @bias_fuse
// CHECK-NEXT:  %[[X:.*]] = top.Input(%{{.*}}) : (tensor<2x3x8xf32>) -> tensor<2x3x8xf32> loc("x")
// CHECK-NEXT:  %[[W:.*]] = top.Weight() : () -> tensor<8x4xf32> loc("w")
// CHECK-NEXT:  %[[B:.*]] = top.Weight() : () -> tensor<4xf32> loc("b")
// CHECK-NEXT:  %[[M:.*]] = top.MatMul(%[[X]], %[[W]], %[[B]]) : (tensor<2x3x8xf32>, tensor<8x4xf32>, tensor<4xf32>) -> tensor<2x3x4xf32> loc("fc")
// CHECK-NEXT:  func.return %[[M]] : tensor<2x3x4xf32>
module attributes {module.weight_file = "add_w.npz"} {
  func.func @bias_fuse(%arg0: tensor<2x3x8xf32>) -> tensor<2x3x4xf32> {
    %0 = top.Input(%arg0) : (tensor<2x3x8xf32>) -> tensor<2x3x8xf32> loc("x")
    %1 = top.Weight() : () -> tensor<8x4xf32> loc("w")
    %2 = top.None() : () -> none loc("none")
    %3 = top.MatMul(%0, %1, %2) : (tensor<2x3x8xf32>, tensor<8x4xf32>, none) -> tensor<2x3x4xf32> loc("fc_mm")
    %4 = top.Weight() : () -> tensor<4xf32> loc("b")
    %5 = top.Add(%3, %4) : (tensor<2x3x4xf32>, tensor<4xf32>) -> tensor<2x3x4xf32> loc("fc")
    func.return %5 : tensor<2x3x4xf32>
  }
}

// -----
// The bias first (as the ONNX importer emits it for PyTorch Linear).
// CHECK-LABEL: func.func @bias_fuse_bias_first
// CHECK:       %[[M:.*]] = top.MatMul(%{{.*}}, %{{.*}}, %{{.*}}) : (tensor<6x8xf32>, tensor<8x4xf32>, tensor<4xf32>) -> tensor<6x4xf32> loc("fc")
// CHECK-NEXT:  func.return %[[M]] : tensor<6x4xf32>
// CHECK-NOT:   top.Add
module attributes {module.weight_file = "add_w.npz"} {
  func.func @bias_fuse_bias_first(%arg0: tensor<6x8xf32>) -> tensor<6x4xf32> {
    %0 = top.Input(%arg0) : (tensor<6x8xf32>) -> tensor<6x8xf32> loc("x")
    %1 = top.Weight() : () -> tensor<8x4xf32> loc("w")
    %2 = top.None() : () -> none loc("none")
    %3 = top.MatMul(%0, %1, %2) : (tensor<6x8xf32>, tensor<8x4xf32>, none) -> tensor<6x4xf32> loc("fc_mm")
    %4 = top.Weight() : () -> tensor<4xf32> loc("b")
    %5 = top.Add(%4, %3) : (tensor<4xf32>, tensor<6x4xf32>) -> tensor<6x4xf32> loc("fc")
    func.return %5 : tensor<6x4xf32>
  }
}

// -----
// A [1, 1, N] bias is reshaped to a new [N] weight b3_1d (needs the store).
// CHECK-LABEL: func.func @bias_fuse_3d_bias
// CHECK-NEXT:  %[[X:.*]] = top.Input(%{{.*}}) : (tensor<2x3x8xf32>) -> tensor<2x3x8xf32> loc("x")
// CHECK-NEXT:  %[[W:.*]] = top.Weight() : () -> tensor<8x4xf32> loc("w")
// STORE-NEXT:  %[[B:.*]] = top.Weight() : () -> tensor<4xf32> loc("b3_1d")
// STORE-NEXT:  %[[M:.*]] = top.MatMul(%[[X]], %[[W]], %[[B]]) : (tensor<2x3x8xf32>, tensor<8x4xf32>, tensor<4xf32>) -> tensor<2x3x4xf32> loc("fc")
// STORE-NEXT:  func.return %[[M]] : tensor<2x3x4xf32>
// NOSTORE-NEXT: %[[N:.*]] = top.None() : () -> none loc("none")
// NOSTORE-NEXT: %[[M:.*]] = top.MatMul(%[[X]], %[[W]], %[[N]]) : (tensor<2x3x8xf32>, tensor<8x4xf32>, none) -> tensor<2x3x4xf32> loc("fc_mm")
// NOSTORE-NEXT: %[[B:.*]] = top.Weight() : () -> tensor<1x1x4xf32> loc("b3")
// NOSTORE-NEXT: %[[A:.*]] = top.Add(%[[M]], %[[B]]) : (tensor<2x3x4xf32>, tensor<1x1x4xf32>) -> tensor<2x3x4xf32> loc("fc")
module attributes {module.weight_file = "add_w.npz"} {
  func.func @bias_fuse_3d_bias(%arg0: tensor<2x3x8xf32>) -> tensor<2x3x4xf32> {
    %0 = top.Input(%arg0) : (tensor<2x3x8xf32>) -> tensor<2x3x8xf32> loc("x")
    %1 = top.Weight() : () -> tensor<8x4xf32> loc("w")
    %2 = top.None() : () -> none loc("none")
    %3 = top.MatMul(%0, %1, %2) : (tensor<2x3x8xf32>, tensor<8x4xf32>, none) -> tensor<2x3x4xf32> loc("fc_mm")
    %4 = top.Weight() : () -> tensor<1x1x4xf32> loc("b3")
    %5 = top.Add(%3, %4) : (tensor<2x3x4xf32>, tensor<1x1x4xf32>) -> tensor<2x3x4xf32> loc("fc")
    func.return %5 : tensor<2x3x4xf32>
  }
}

// -----
// Must not fuse: the bias varies along dim 1 too.
// CHECK-LABEL: func.func @no_fuse_bias_not_last_dim
// CHECK:       top.MatMul(%{{.*}}, %{{.*}}, %{{.*}}) : (tensor<2x3x8xf32>, tensor<8x4xf32>, none) -> tensor<2x3x4xf32> loc("fc_mm")
// CHECK:       top.Add(%{{.*}}, %{{.*}}) : (tensor<2x3x4xf32>, tensor<3x4xf32>) -> tensor<2x3x4xf32> loc("fc")
module attributes {module.weight_file = "add_w.npz"} {
  func.func @no_fuse_bias_not_last_dim(%arg0: tensor<2x3x8xf32>) -> tensor<2x3x4xf32> {
    %0 = top.Input(%arg0) : (tensor<2x3x8xf32>) -> tensor<2x3x8xf32> loc("x")
    %1 = top.Weight() : () -> tensor<8x4xf32> loc("w")
    %2 = top.None() : () -> none loc("none")
    %3 = top.MatMul(%0, %1, %2) : (tensor<2x3x8xf32>, tensor<8x4xf32>, none) -> tensor<2x3x4xf32> loc("fc_mm")
    %4 = top.Weight() : () -> tensor<3x4xf32> loc("b34")
    %5 = top.Add(%3, %4) : (tensor<2x3x4xf32>, tensor<3x4xf32>) -> tensor<2x3x4xf32> loc("fc")
    func.return %5 : tensor<2x3x4xf32>
  }
}

// -----
// Must not fuse: the bias is a [N, 1] column (broadcast along the last dim).
// CHECK-LABEL: func.func @no_fuse_column_bias
// CHECK:       top.MatMul(%{{.*}}, %{{.*}}, %{{.*}}) : (tensor<4x8xf32>, tensor<8x4xf32>, none) -> tensor<4x4xf32> loc("fc_mm")
// CHECK:       top.Add(%{{.*}}, %{{.*}}) : (tensor<4x4xf32>, tensor<4x1xf32>) -> tensor<4x4xf32> loc("fc")
module attributes {module.weight_file = "add_w.npz"} {
  func.func @no_fuse_column_bias(%arg0: tensor<4x8xf32>) -> tensor<4x4xf32> {
    %0 = top.Input(%arg0) : (tensor<4x8xf32>) -> tensor<4x8xf32> loc("x")
    %1 = top.Weight() : () -> tensor<8x4xf32> loc("w")
    %2 = top.None() : () -> none loc("none")
    %3 = top.MatMul(%0, %1, %2) : (tensor<4x8xf32>, tensor<8x4xf32>, none) -> tensor<4x4xf32> loc("fc_mm")
    %4 = top.Weight() : () -> tensor<4x1xf32> loc("b41")
    %5 = top.Add(%3, %4) : (tensor<4x4xf32>, tensor<4x1xf32>) -> tensor<4x4xf32> loc("fc")
    func.return %5 : tensor<4x4xf32>
  }
}

// -----
// Must not fuse: the MatMul has another user.
// CHECK-LABEL: func.func @no_fuse_multi_use
// CHECK:       %[[M:.*]] = top.MatMul(%{{.*}}, %{{.*}}, %{{.*}}) : (tensor<6x8xf32>, tensor<8x4xf32>, none) -> tensor<6x4xf32> loc("fc_mm")
// CHECK:       %[[A:.*]] = top.Add(%[[M]], %{{.*}}) : (tensor<6x4xf32>, tensor<4xf32>) -> tensor<6x4xf32> loc("fc")
// CHECK-NEXT:  func.return %[[M]], %[[A]]
module attributes {module.weight_file = "add_w.npz"} {
  func.func @no_fuse_multi_use(%arg0: tensor<6x8xf32>) -> (tensor<6x4xf32>, tensor<6x4xf32>) {
    %0 = top.Input(%arg0) : (tensor<6x8xf32>) -> tensor<6x8xf32> loc("x")
    %1 = top.Weight() : () -> tensor<8x4xf32> loc("w")
    %2 = top.None() : () -> none loc("none")
    %3 = top.MatMul(%0, %1, %2) : (tensor<6x8xf32>, tensor<8x4xf32>, none) -> tensor<6x4xf32> loc("fc_mm")
    %4 = top.Weight() : () -> tensor<4xf32> loc("b")
    %5 = top.Add(%3, %4) : (tensor<6x4xf32>, tensor<4xf32>) -> tensor<6x4xf32> loc("fc")
    func.return %3, %5 : tensor<6x4xf32>, tensor<6x4xf32>
  }
}

// -----
// Must not fuse: the MatMul already has a bias.
// CHECK-LABEL: func.func @no_fuse_has_bias
// CHECK:       top.MatMul(%{{.*}}, %{{.*}}, %{{.*}}) : (tensor<6x8xf32>, tensor<8x4xf32>, tensor<4xf32>) -> tensor<6x4xf32> loc("fc_mm")
// CHECK:       top.Add(%{{.*}}, %{{.*}}) : (tensor<6x4xf32>, tensor<4xf32>) -> tensor<6x4xf32> loc("fc")
module attributes {module.weight_file = "add_w.npz"} {
  func.func @no_fuse_has_bias(%arg0: tensor<6x8xf32>) -> tensor<6x4xf32> {
    %0 = top.Input(%arg0) : (tensor<6x8xf32>) -> tensor<6x8xf32> loc("x")
    %1 = top.Weight() : () -> tensor<8x4xf32> loc("w")
    %2 = top.Weight() : () -> tensor<4xf32> loc("b0")
    %3 = top.MatMul(%0, %1, %2) : (tensor<6x8xf32>, tensor<8x4xf32>, tensor<4xf32>) -> tensor<6x4xf32> loc("fc_mm")
    %4 = top.Weight() : () -> tensor<4xf32> loc("b")
    %5 = top.Add(%3, %4) : (tensor<6x4xf32>, tensor<4xf32>) -> tensor<6x4xf32> loc("fc")
    func.return %5 : tensor<6x4xf32>
  }
}

// -----
// Must not fuse: the MatMul has a flag (right_transpose), or do_relu (Relu would precede the bias).
// CHECK-LABEL: func.func @no_fuse_flags
// CHECK:       %[[M1:.*]] = top.MatMul({{.*}}) {right_transpose = true} : (tensor<6x8xf32>, tensor<4x8xf32>, none) -> tensor<6x4xf32> loc("mm1")
// CHECK:       top.Add(%[[M1]], %{{.*}}) : {{.*}} loc("fc1")
// CHECK:       %[[M2:.*]] = top.MatMul({{.*}}) {do_relu = true} : (tensor<6x8xf32>, tensor<8x4xf32>, none) -> tensor<6x4xf32> loc("mm2")
// CHECK:       top.Add(%[[M2]], %{{.*}}) : {{.*}} loc("fc2")
module attributes {module.weight_file = "add_w.npz"} {
  func.func @no_fuse_flags(%arg0: tensor<6x8xf32>) -> (tensor<6x4xf32>, tensor<6x4xf32>) {
    %0 = top.Input(%arg0) : (tensor<6x8xf32>) -> tensor<6x8xf32> loc("x")
    %1 = top.Weight() : () -> tensor<4x8xf32> loc("wt")
    %2 = top.None() : () -> none loc("none")
    %3 = top.MatMul(%0, %1, %2) {right_transpose = true} : (tensor<6x8xf32>, tensor<4x8xf32>, none) -> tensor<6x4xf32> loc("mm1")
    %4 = top.Weight() : () -> tensor<4xf32> loc("b")
    %5 = top.Add(%3, %4) : (tensor<6x4xf32>, tensor<4xf32>) -> tensor<6x4xf32> loc("fc1")
    %6 = top.Weight() : () -> tensor<8x4xf32> loc("w")
    %7 = top.MatMul(%0, %6, %2) {do_relu = true} : (tensor<6x8xf32>, tensor<8x4xf32>, none) -> tensor<6x4xf32> loc("mm2")
    %8 = top.Add(%7, %4) : (tensor<6x4xf32>, tensor<4xf32>) -> tensor<6x4xf32> loc("fc2")
    func.return %5, %8 : tensor<6x4xf32>, tensor<6x4xf32>
  }
}

// -----
// Must not fuse: the Add has do_relu, or the bias is an activation, not a weight.
// CHECK-LABEL: func.func @no_fuse_add_relu_or_activation
// CHECK:       top.Add({{.*}}) {do_relu = true} : (tensor<6x4xf32>, tensor<4xf32>) -> tensor<6x4xf32> loc("fc1")
// CHECK:       top.Add({{.*}}) : (tensor<6x4xf32>, tensor<4xf32>) -> tensor<6x4xf32> loc("fc2")
module attributes {module.weight_file = "add_w.npz"} {
  func.func @no_fuse_add_relu_or_activation(%arg0: tensor<6x8xf32>, %arg1: tensor<4xf32>) -> (tensor<6x4xf32>, tensor<6x4xf32>) {
    %0 = top.Input(%arg0) : (tensor<6x8xf32>) -> tensor<6x8xf32> loc("x")
    %b = top.Input(%arg1) : (tensor<4xf32>) -> tensor<4xf32> loc("bias_in")
    %1 = top.Weight() : () -> tensor<8x4xf32> loc("w")
    %2 = top.None() : () -> none loc("none")
    %3 = top.MatMul(%0, %1, %2) : (tensor<6x8xf32>, tensor<8x4xf32>, none) -> tensor<6x4xf32> loc("mm1")
    %4 = top.Weight() : () -> tensor<4xf32> loc("b")
    %5 = top.Add(%3, %4) {do_relu = true} : (tensor<6x4xf32>, tensor<4xf32>) -> tensor<6x4xf32> loc("fc1")
    %6 = top.MatMul(%0, %1, %2) : (tensor<6x8xf32>, tensor<8x4xf32>, none) -> tensor<6x4xf32> loc("mm2")
    %7 = top.Add(%6, %b) : (tensor<6x4xf32>, tensor<4xf32>) -> tensor<6x4xf32> loc("fc2")
    func.return %5, %7 : tensor<6x4xf32>, tensor<6x4xf32>
  }
}

// -----
// Two operands permuted alike.
// CHECK-LABEL: func.func @sink_two_permutes
// CHECK-NEXT:  %[[X:.*]] = top.Input(%{{.*}}) : (tensor<2x3x4xf32>) -> tensor<2x3x4xf32> loc("x")
// CHECK-NEXT:  %[[Y:.*]] = top.Input(%{{.*}}) : (tensor<2x3x4xf32>) -> tensor<2x3x4xf32> loc("y")
// CHECK-NEXT:  %[[A:.*]] = top.Add(%[[X]], %[[Y]]) : (tensor<2x3x4xf32>, tensor<2x3x4xf32>) -> tensor<2x3x4xf32> loc("a_before_permute")
// CHECK-NEXT:  %[[P:.*]] = top.Permute(%[[A]]) {order = array<i64: 1, 2, 0>} : (tensor<2x3x4xf32>) -> tensor<3x4x2xf32> loc("a")
// CHECK-NEXT:  func.return %[[P]] : tensor<3x4x2xf32>
module attributes {module.weight_file = "add_w.npz"} {
  func.func @sink_two_permutes(%arg0: tensor<2x3x4xf32>, %arg1: tensor<2x3x4xf32>) -> tensor<3x4x2xf32> {
    %0 = top.Input(%arg0) : (tensor<2x3x4xf32>) -> tensor<2x3x4xf32> loc("x")
    %1 = top.Input(%arg1) : (tensor<2x3x4xf32>) -> tensor<2x3x4xf32> loc("y")
    %2 = top.Permute(%0) {order = array<i64: 1, 2, 0>} : (tensor<2x3x4xf32>) -> tensor<3x4x2xf32> loc("px")
    %3 = top.Permute(%1) {order = array<i64: 1, 2, 0>} : (tensor<2x3x4xf32>) -> tensor<3x4x2xf32> loc("py")
    %4 = top.Add(%2, %3) : (tensor<3x4x2xf32>, tensor<3x4x2xf32>) -> tensor<3x4x2xf32> loc("a")
    func.return %4 : tensor<3x4x2xf32>
  }
}

// -----
// A scalar weight is reused as is (no store needed) and the operand order is kept (Sub(s, P)).
// CHECK-LABEL: func.func @sink_scalar_weight_first
// CHECK-NEXT:  %[[X:.*]] = top.Input(%{{.*}}) : (tensor<2x3x4xf32>) -> tensor<2x3x4xf32> loc("x")
// CHECK-NEXT:  %[[S:.*]] = top.Weight() : () -> tensor<f32> loc("s")
// CHECK-NEXT:  %[[D:.*]] = top.Sub(%[[S]], %[[X]]) : (tensor<f32>, tensor<2x3x4xf32>) -> tensor<2x3x4xf32> loc("d_before_permute")
// CHECK-NEXT:  %[[P:.*]] = top.Permute(%[[D]]) {order = array<i64: 0, 2, 1>} : (tensor<2x3x4xf32>) -> tensor<2x4x3xf32> loc("d")
// CHECK-NEXT:  func.return %[[P]] : tensor<2x4x3xf32>
module attributes {module.weight_file = "add_w.npz"} {
  func.func @sink_scalar_weight_first(%arg0: tensor<2x3x4xf32>) -> tensor<2x4x3xf32> {
    %0 = top.Input(%arg0) : (tensor<2x3x4xf32>) -> tensor<2x3x4xf32> loc("x")
    %1 = top.Permute(%0) {order = array<i64: 0, 2, 1>} : (tensor<2x3x4xf32>) -> tensor<2x4x3xf32> loc("p")
    %2 = top.Weight() : () -> tensor<f32> loc("s")
    %3 = top.Sub(%2, %1) : (tensor<f32>, tensor<2x4x3xf32>) -> tensor<2x4x3xf32> loc("d")
    func.return %3 : tensor<2x4x3xf32>
  }
}

// -----
// Must not fire: the two Permutes have different orders.
// CHECK-LABEL: func.func @no_sink_different_orders
// CHECK:       top.Permute({{.*}}) {order = array<i64: 1, 0, 2>} {{.*}} loc("px")
// CHECK:       top.Permute({{.*}}) {order = array<i64: 0, 2, 1>} {{.*}} loc("py")
// CHECK:       top.Mul({{.*}}) : (tensor<2x2x2xf32>, tensor<2x2x2xf32>) -> tensor<2x2x2xf32> loc("m")
module attributes {module.weight_file = "add_w.npz"} {
  func.func @no_sink_different_orders(%arg0: tensor<2x2x2xf32>, %arg1: tensor<2x2x2xf32>) -> tensor<2x2x2xf32> {
    %0 = top.Input(%arg0) : (tensor<2x2x2xf32>) -> tensor<2x2x2xf32> loc("x")
    %1 = top.Input(%arg1) : (tensor<2x2x2xf32>) -> tensor<2x2x2xf32> loc("y")
    %2 = top.Permute(%0) {order = array<i64: 1, 0, 2>} : (tensor<2x2x2xf32>) -> tensor<2x2x2xf32> loc("px")
    %3 = top.Permute(%1) {order = array<i64: 0, 2, 1>} : (tensor<2x2x2xf32>) -> tensor<2x2x2xf32> loc("py")
    %4 = top.Mul(%2, %3) : (tensor<2x2x2xf32>, tensor<2x2x2xf32>) -> tensor<2x2x2xf32> loc("m")
    func.return %4 : tensor<2x2x2xf32>
  }
}

// -----
// Fires: permuted operands of equal rank that broadcast against each other still commute with the
// Permute (broadcasting is per axis, and both use the same order).
// CHECK-LABEL: func.func @no_sink_broadcasting_permutes
// CHECK-NOT:   loc("px")
// CHECK:       top.Add({{.*}}) : (tensor<3x4xf32>, tensor<3x1xf32>) -> tensor<3x4xf32> loc("a_before_permute")
// CHECK-NEXT:  top.Permute({{.*}}) {order = array<i64: 1, 0>} : (tensor<3x4xf32>) -> tensor<4x3xf32> loc("a")
module attributes {module.weight_file = "add_w.npz"} {
  func.func @no_sink_broadcasting_permutes(%arg0: tensor<3x4xf32>, %arg1: tensor<3x1xf32>) -> tensor<4x3xf32> {
    %0 = top.Input(%arg0) : (tensor<3x4xf32>) -> tensor<3x4xf32> loc("x")
    %1 = top.Input(%arg1) : (tensor<3x1xf32>) -> tensor<3x1xf32> loc("y")
    %2 = top.Permute(%0) {order = array<i64: 1, 0>} : (tensor<3x4xf32>) -> tensor<4x3xf32> loc("px")
    %3 = top.Permute(%1) {order = array<i64: 1, 0>} : (tensor<3x1xf32>) -> tensor<1x3xf32> loc("py")
    %4 = top.Add(%2, %3) : (tensor<4x3xf32>, tensor<1x3xf32>) -> tensor<4x3xf32> loc("a")
    func.return %4 : tensor<4x3xf32>
  }
}

// -----
// Must not fire: the weight would enlarge the result by broadcasting.
// CHECK-LABEL: func.func @no_sink_weight_broadcast_enlarges
// CHECK:       top.Permute({{.*}} loc("p")
// CHECK:       top.Mul({{.*}}) : (tensor<4x3xf32>, tensor<2x4x3xf32>) -> tensor<2x4x3xf32> loc("m")
module attributes {module.weight_file = "add_w.npz"} {
  func.func @no_sink_weight_broadcast_enlarges(%arg0: tensor<3x4xf32>) -> tensor<2x4x3xf32> {
    %0 = top.Input(%arg0) : (tensor<3x4xf32>) -> tensor<3x4xf32> loc("x")
    %1 = top.Permute(%0) {order = array<i64: 1, 0>} : (tensor<3x4xf32>) -> tensor<4x3xf32> loc("p")
    %2 = top.Weight() : () -> tensor<2x4x3xf32> loc("w243")
    %3 = top.Mul(%1, %2) : (tensor<4x3xf32>, tensor<2x4x3xf32>) -> tensor<2x4x3xf32> loc("m")
    func.return %3 : tensor<2x4x3xf32>
  }
}

// -----
// Must not fire: the Permute has another user.
// CHECK-LABEL: func.func @no_sink_multi_use
// CHECK:       %[[P:.*]] = top.Permute({{.*}} loc("p")
// CHECK:       %[[M:.*]] = top.Mul(%[[P]], %{{.*}}) : (tensor<4x3xf32>, tensor<f32>) -> tensor<4x3xf32> loc("m")
// CHECK-NEXT:  func.return %[[P]], %[[M]]
module attributes {module.weight_file = "add_w.npz"} {
  func.func @no_sink_multi_use(%arg0: tensor<3x4xf32>) -> (tensor<4x3xf32>, tensor<4x3xf32>) {
    %0 = top.Input(%arg0) : (tensor<3x4xf32>) -> tensor<3x4xf32> loc("x")
    %1 = top.Permute(%0) {order = array<i64: 1, 0>} : (tensor<3x4xf32>) -> tensor<4x3xf32> loc("p")
    %2 = top.Weight() : () -> tensor<f32> loc("s")
    %3 = top.Mul(%1, %2) : (tensor<4x3xf32>, tensor<f32>) -> tensor<4x3xf32> loc("m")
    func.return %1, %3 : tensor<4x3xf32>, tensor<4x3xf32>
  }
}

// -----
// A [4, 3] weight against a permuted [2, 4, 3]: STORE gives the new weight w43_permuted [1, 3, 4].
// CHECK-LABEL: func.func @sink_weight
// CHECK-NEXT:  %[[X:.*]] = top.Input(%{{.*}}) : (tensor<2x3x4xf32>) -> tensor<2x3x4xf32> loc("x")
// STORE-NEXT:  %[[W:.*]] = top.Weight() : () -> tensor<1x3x4xf32> loc("w43_permuted")
// STORE-NEXT:  %[[D:.*]] = top.Div(%[[X]], %[[W]]) : (tensor<2x3x4xf32>, tensor<1x3x4xf32>) -> tensor<2x3x4xf32> loc("d_before_permute")
// STORE-NEXT:  %[[P:.*]] = top.Permute(%[[D]]) {order = array<i64: 0, 2, 1>} : (tensor<2x3x4xf32>) -> tensor<2x4x3xf32> loc("d")
// STORE-NEXT:  func.return %[[P]] : tensor<2x4x3xf32>
// NOSTORE-NEXT: %[[P:.*]] = top.Permute(%[[X]]) {order = array<i64: 0, 2, 1>} : (tensor<2x3x4xf32>) -> tensor<2x4x3xf32> loc("p")
// NOSTORE-NEXT: %[[W:.*]] = top.Weight() : () -> tensor<4x3xf32> loc("w43")
// NOSTORE-NEXT: %[[D:.*]] = top.Div(%[[P]], %[[W]]) : (tensor<2x4x3xf32>, tensor<4x3xf32>) -> tensor<2x4x3xf32> loc("d")
module attributes {module.weight_file = "add_w.npz"} {
  func.func @sink_weight(%arg0: tensor<2x3x4xf32>) -> tensor<2x4x3xf32> {
    %0 = top.Input(%arg0) : (tensor<2x3x4xf32>) -> tensor<2x3x4xf32> loc("x")
    %1 = top.Permute(%0) {order = array<i64: 0, 2, 1>} : (tensor<2x3x4xf32>) -> tensor<2x4x3xf32> loc("p")
    %2 = top.Weight() : () -> tensor<4x3xf32> loc("w43")
    %3 = top.Div(%1, %2) : (tensor<2x4x3xf32>, tensor<4x3xf32>) -> tensor<2x4x3xf32> loc("d")
    func.return %3 : tensor<2x4x3xf32>
  }
}
