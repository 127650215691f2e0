// top-canonicalize, permute.py: PermuteIdentity removes an identity Permute; PermuteCompose folds
// Permute(Permute(x, p), q) into one Permute(x, p[q]) named as the outer one (or x when the
// composition is the identity), and must not fire when the inner Permute has another user.
// RUN: tpuc-opt %s -p top-canonicalize --split-input-file | filecheck %s

// CHECK-LABEL: func.func @identity
// CHECK-NEXT:  %[[X:.*]] = top.Input(%{{.*}}) : (tensor<2x3x4xf32>) -> tensor<2x3x4xf32> loc("x")
// CHECK-NEXT:  %[[R:.*]] = top.Relu(%[[X]]) : (tensor<2x3x4xf32>) -> tensor<2x3x4xf32> loc("r")
// CHECK-NEXT:  func.return %[[R]] : tensor<2x3x4xf32>
func.func @identity(%arg0: tensor<2x3x4xf32>) -> tensor<2x3x4xf32> {
  %0 = top.Input(%arg0) : (tensor<2x3x4xf32>) -> tensor<2x3x4xf32> loc("x")
  %1 = top.Permute(%0) {order = array<i64: 0, 1, 2>} : (tensor<2x3x4xf32>) -> tensor<2x3x4xf32> loc("p")
  %2 = top.Relu(%1) : (tensor<2x3x4xf32>) -> tensor<2x3x4xf32> loc("r")
  func.return %2 : tensor<2x3x4xf32>
}

// -----
// p = (0, 2, 1), q = (2, 0, 1): composed order p[q] = (1, 0, 2); the outer name "q" survives.
// CHECK-LABEL: func.func @compose
// CHECK-NEXT:  %[[X:.*]] = top.Input(%{{.*}}) : (tensor<2x3x4xf32>) -> tensor<2x3x4xf32> loc("x")
// CHECK-NEXT:  %[[P:.*]] = top.Permute(%[[X]]) {order = array<i64: 1, 0, 2>} : (tensor<2x3x4xf32>) -> tensor<3x2x4xf32> loc("q")
// CHECK-NEXT:  func.return %[[P]] : tensor<3x2x4xf32>
func.func @compose(%arg0: tensor<2x3x4xf32>) -> tensor<3x2x4xf32> {
  %0 = top.Input(%arg0) : (tensor<2x3x4xf32>) -> tensor<2x3x4xf32> loc("x")
  %1 = top.Permute(%0) {order = array<i64: 0, 2, 1>} : (tensor<2x3x4xf32>) -> tensor<2x4x3xf32> loc("p")
  %2 = top.Permute(%1) {order = array<i64: 2, 0, 1>} : (tensor<2x4x3xf32>) -> tensor<3x2x4xf32> loc("q")
  func.return %2 : tensor<3x2x4xf32>
}

// -----
// A chain of three Permutes composes to one.
// CHECK-LABEL: func.func @compose_chain
// CHECK-NEXT:  %[[X:.*]] = top.Input(%{{.*}}) : (tensor<2x3x4x5xf32>) -> tensor<2x3x4x5xf32> loc("x")
// CHECK-NEXT:  %[[P:.*]] = top.Permute(%[[X]]) {order = array<i64: 3, 2, 1, 0>} : (tensor<2x3x4x5xf32>) -> tensor<5x4x3x2xf32> loc("p3")
// CHECK-NEXT:  func.return %[[P]] : tensor<5x4x3x2xf32>
func.func @compose_chain(%arg0: tensor<2x3x4x5xf32>) -> tensor<5x4x3x2xf32> {
  %0 = top.Input(%arg0) : (tensor<2x3x4x5xf32>) -> tensor<2x3x4x5xf32> loc("x")
  %1 = top.Permute(%0) {order = array<i64: 0, 2, 1, 3>} : (tensor<2x3x4x5xf32>) -> tensor<2x4x3x5xf32> loc("p1")
  %2 = top.Permute(%1) {order = array<i64: 0, 1, 3, 2>} : (tensor<2x4x3x5xf32>) -> tensor<2x4x5x3xf32> loc("p2")
  %3 = top.Permute(%2) {order = array<i64: 2, 1, 3, 0>} : (tensor<2x4x5x3xf32>) -> tensor<5x4x3x2xf32> loc("p3")
  func.return %3 : tensor<5x4x3x2xf32>
}

// -----
// Two Permutes that cancel: both go, the consumer reads x directly.
// CHECK-LABEL: func.func @compose_to_identity
// CHECK-NEXT:  %[[X:.*]] = top.Input(%{{.*}}) : (tensor<2x3x4x5xf32>) -> tensor<2x3x4x5xf32> loc("x")
// CHECK-NEXT:  %[[E:.*]] = top.Exp(%[[X]]) : (tensor<2x3x4x5xf32>) -> tensor<2x3x4x5xf32> loc("e")
// CHECK-NEXT:  func.return %[[E]] : tensor<2x3x4x5xf32>
func.func @compose_to_identity(%arg0: tensor<2x3x4x5xf32>) -> tensor<2x3x4x5xf32> {
  %0 = top.Input(%arg0) : (tensor<2x3x4x5xf32>) -> tensor<2x3x4x5xf32> loc("x")
  %1 = top.Permute(%0) {order = array<i64: 0, 2, 3, 1>} : (tensor<2x3x4x5xf32>) -> tensor<2x4x5x3xf32> loc("p")
  %2 = top.Permute(%1) {order = array<i64: 0, 3, 1, 2>} : (tensor<2x4x5x3xf32>) -> tensor<2x3x4x5xf32> loc("q")
  %3 = top.Exp(%2) : (tensor<2x3x4x5xf32>) -> tensor<2x3x4x5xf32> loc("e")
  func.return %3 : tensor<2x3x4x5xf32>
}

// -----
// Must not fire: the inner Permute has a second user (composing would keep both anyway).
// CHECK-LABEL: func.func @compose_multi_use
// CHECK-NEXT:  %[[X:.*]] = top.Input(%{{.*}}) : (tensor<2x3x4xf32>) -> tensor<2x3x4xf32> loc("x")
// CHECK-NEXT:  %[[P:.*]] = top.Permute(%[[X]]) {order = array<i64: 0, 2, 1>} : (tensor<2x3x4xf32>) -> tensor<2x4x3xf32> loc("p")
// CHECK-NEXT:  %[[Q:.*]] = top.Permute(%[[P]]) {order = array<i64: 0, 2, 1>} : (tensor<2x4x3xf32>) -> tensor<2x3x4xf32> loc("q")
// CHECK-NEXT:  func.return %[[P]], %[[Q]] : tensor<2x4x3xf32>, tensor<2x3x4xf32>
func.func @compose_multi_use(%arg0: tensor<2x3x4xf32>) -> (tensor<2x4x3xf32>, tensor<2x3x4xf32>) {
  %0 = top.Input(%arg0) : (tensor<2x3x4xf32>) -> tensor<2x3x4xf32> loc("x")
  %1 = top.Permute(%0) {order = array<i64: 0, 2, 1>} : (tensor<2x3x4xf32>) -> tensor<2x4x3xf32> loc("p")
  %2 = top.Permute(%1) {order = array<i64: 0, 2, 1>} : (tensor<2x4x3xf32>) -> tensor<2x3x4xf32> loc("q")
  func.return %1, %2 : tensor<2x4x3xf32>, tensor<2x3x4xf32>
}
