// top-canonicalize, gather.py: GatherScalarToSliceSqueeze rewrites Gather(x, i, axis) with a
// constant scalar index into Squeeze(Slice(x, axis: i..i+1), axis) (qkv[0]-style indexing takes the
// Split + Squeeze form). The Squeeze keeps the Gather's name, the Slice is <name>_slice; a negative
// index counts from the end. It reads the index, so the NOSTORE run (no weight file) leaves every
// Gather alone; a 1-D index or an activation index never fires.
// RUN: mkdir -p %t && %python -c "import numpy as np; np.savez('%t/gather_w.npz', i1=np.array(1, np.int64), im1=np.array(-1, np.int32), v1=np.array([1], np.int64))" && cp %s %t/gather.mlir
// RUN: tpuc-opt %t/gather.mlir -p top-canonicalize --split-input-file | filecheck %s --check-prefixes=CHECK,STORE
// RUN: tpuc-opt %s -p top-canonicalize --split-input-file | filecheck %s --check-prefixes=CHECK,NOSTORE

// CHECK-LABEL: func.func @scalar_index
// CHECK-NEXT:  %[[X:.*]] = top.Input(%{{.*}}) : (tensor<3x4x5xf32>) -> tensor<3x4x5xf32> loc("x")
// STORE-NEXT:  %[[S:.*]] = top.Slice(%[[X]]) {offset = array<i64: 1, 0, 0>, ends = array<i64: 2, 4, 5>, steps = array<i64: 1, 1, 1>} : (tensor<3x4x5xf32>) -> tensor<1x4x5xf32> loc("g_slice")
// STORE-NEXT:  %[[Q:.*]] = top.Squeeze(%[[S]]) {axes = array<i64: 0>} : (tensor<1x4x5xf32>) -> tensor<4x5xf32> loc("g")
// STORE-NEXT:  func.return %[[Q]] : tensor<4x5xf32>
// NOSTORE-NEXT: %[[I:.*]] = top.Weight() : () -> tensor<i64> loc("i1")
// NOSTORE-NEXT: %[[G:.*]] = top.Gather(%[[X]], %[[I]]) {axis = 0 : i64} : (tensor<3x4x5xf32>, tensor<i64>) -> tensor<4x5xf32> loc("g")
// NOSTORE-NEXT: func.return %[[G]] : tensor<4x5xf32>
module attributes {module.weight_file = "gather_w.npz"} {
  func.func @scalar_index(%arg0: tensor<3x4x5xf32>) -> tensor<4x5xf32> {
    %0 = top.Input(%arg0) : (tensor<3x4x5xf32>) -> tensor<3x4x5xf32> loc("x")
    %1 = top.Weight() : () -> tensor<i64> loc("i1")
    %2 = top.Gather(%0, %1) {axis = 0 : i64} : (tensor<3x4x5xf32>, tensor<i64>) -> tensor<4x5xf32> loc("g")
    func.return %2 : tensor<4x5xf32>
  }
}

// -----
// Index -1 (i32) on axis 1 of size 4 takes row 3.
// CHECK-LABEL: func.func @negative_index
// CHECK-NEXT:  %[[X:.*]] = top.Input(%{{.*}}) : (tensor<3x4x5xf32>) -> tensor<3x4x5xf32> loc("x")
// STORE-NEXT:  %[[S:.*]] = top.Slice(%[[X]]) {offset = array<i64: 0, 3, 0>, ends = array<i64: 3, 4, 5>, steps = array<i64: 1, 1, 1>} : (tensor<3x4x5xf32>) -> tensor<3x1x5xf32> loc("g_slice")
// STORE-NEXT:  %[[Q:.*]] = top.Squeeze(%[[S]]) {axes = array<i64: 1>} : (tensor<3x1x5xf32>) -> tensor<3x5xf32> loc("g")
// STORE-NEXT:  func.return %[[Q]] : tensor<3x5xf32>
// NOSTORE:     top.Gather
module attributes {module.weight_file = "gather_w.npz"} {
  func.func @negative_index(%arg0: tensor<3x4x5xf32>) -> tensor<3x5xf32> {
    %0 = top.Input(%arg0) : (tensor<3x4x5xf32>) -> tensor<3x4x5xf32> loc("x")
    %1 = top.Weight() : () -> tensor<i32> loc("im1")
    %2 = top.Gather(%0, %1) {axis = 1 : i64} : (tensor<3x4x5xf32>, tensor<i32>) -> tensor<3x5xf32> loc("g")
    func.return %2 : tensor<3x5xf32>
  }
}

// -----
// Must not fire: a 1-D index (keeps the axis).
// CHECK-LABEL: func.func @no_fire_1d_index
// CHECK-NEXT:  %[[X:.*]] = top.Input(%{{.*}}) : (tensor<3x4xf32>) -> tensor<3x4xf32> loc("x")
// CHECK-NEXT:  %[[I:.*]] = top.Weight() : () -> tensor<1xi64> loc("v1")
// CHECK-NEXT:  %[[G:.*]] = top.Gather(%[[X]], %[[I]]) {axis = 0 : i64} : (tensor<3x4xf32>, tensor<1xi64>) -> tensor<1x4xf32> loc("g")
// CHECK-NEXT:  func.return %[[G]] : tensor<1x4xf32>
module attributes {module.weight_file = "gather_w.npz"} {
  func.func @no_fire_1d_index(%arg0: tensor<3x4xf32>) -> tensor<1x4xf32> {
    %0 = top.Input(%arg0) : (tensor<3x4xf32>) -> tensor<3x4xf32> loc("x")
    %1 = top.Weight() : () -> tensor<1xi64> loc("v1")
    %2 = top.Gather(%0, %1) {axis = 0 : i64} : (tensor<3x4xf32>, tensor<1xi64>) -> tensor<1x4xf32> loc("g")
    func.return %2 : tensor<1x4xf32>
  }
}

// -----
// Must not fire: the index is not a constant.
// CHECK-LABEL: func.func @no_fire_activation_index
// CHECK-NEXT:  %[[X:.*]] = top.Input(%{{.*}}) : (tensor<3x4xf32>) -> tensor<3x4xf32> loc("x")
// CHECK-NEXT:  %[[I:.*]] = top.Input(%{{.*}}) : (tensor<i64>) -> tensor<i64> loc("idx")
// CHECK-NEXT:  %[[G:.*]] = top.Gather(%[[X]], %[[I]]) {axis = 0 : i64} : (tensor<3x4xf32>, tensor<i64>) -> tensor<4xf32> loc("g")
// CHECK-NEXT:  func.return %[[G]] : tensor<4xf32>
module attributes {module.weight_file = "gather_w.npz"} {
  func.func @no_fire_activation_index(%arg0: tensor<3x4xf32>, %arg1: tensor<i64>) -> tensor<4xf32> {
    %0 = top.Input(%arg0) : (tensor<3x4xf32>) -> tensor<3x4xf32> loc("x")
    %1 = top.Input(%arg1) : (tensor<i64>) -> tensor<i64> loc("idx")
    %2 = top.Gather(%0, %1) {axis = 0 : i64} : (tensor<3x4xf32>, tensor<i64>) -> tensor<4xf32> loc("g")
    func.return %2 : tensor<4xf32>
  }
}
