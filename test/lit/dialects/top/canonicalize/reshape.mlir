// top-canonicalize, reshape.py: ReshapeIdentity, ReshapeCompose and PermuteSinkThroughReshape
// (Reshape(Permute(x, p)) -> Permute(Reshape(x), p') when the reshape only merges or splits dims
// that are contiguous and in order in x). The sunk Reshape is named <name>_before_permute, the new
// Permute (which computes the original tensor) keeps the Reshape's name.
// RUN: tpuc-opt %s -p top-canonicalize --split-input-file | filecheck %s

// CHECK-LABEL: func.func @identity
// CHECK-NEXT:  %[[X:.*]] = top.Input(%{{.*}}) : (tensor<2x3x4xf32>) -> tensor<2x3x4xf32> loc("x")
// CHECK-NEXT:  %[[R:.*]] = top.Relu(%[[X]]) : (tensor<2x3x4xf32>) -> tensor<2x3x4xf32> loc("r")
// CHECK-NEXT:  func.return %[[R]] : tensor<2x3x4xf32>
func.func @identity(%arg0: tensor<2x3x4xf32>) -> tensor<2x3x4xf32> {
  %0 = top.Input(%arg0) : (tensor<2x3x4xf32>) -> tensor<2x3x4xf32> loc("x")
  %1 = top.Reshape(%0) {shape = array<i64: 2, 3, 4>} : (tensor<2x3x4xf32>) -> tensor<2x3x4xf32> loc("rs")
  %2 = top.Relu(%1) : (tensor<2x3x4xf32>) -> tensor<2x3x4xf32> loc("r")
  func.return %2 : tensor<2x3x4xf32>
}

// -----
// CHECK-LABEL: func.func @compose
// CHECK-NEXT:  %[[X:.*]] = top.Input(%{{.*}}) : (tensor<2x3x4xf32>) -> tensor<2x3x4xf32> loc("x")
// CHECK-NEXT:  %[[R:.*]] = top.Reshape(%[[X]]) {shape = array<i64: 4, 6>} : (tensor<2x3x4xf32>) -> tensor<4x6xf32> loc("r2")
// CHECK-NEXT:  func.return %[[R]] : tensor<4x6xf32>
func.func @compose(%arg0: tensor<2x3x4xf32>) -> tensor<4x6xf32> {
  %0 = top.Input(%arg0) : (tensor<2x3x4xf32>) -> tensor<2x3x4xf32> loc("x")
  %1 = top.Reshape(%0) {shape = array<i64: 24>} : (tensor<2x3x4xf32>) -> tensor<24xf32> loc("r1")
  %2 = top.Reshape(%1) {shape = array<i64: 4, 6>} : (tensor<24xf32>) -> tensor<4x6xf32> loc("r2")
  func.return %2 : tensor<4x6xf32>
}

// -----
// Compose then identity: a round trip through another shape disappears.
// CHECK-LABEL: func.func @compose_to_identity
// CHECK-NEXT:  %[[X:.*]] = top.Input(%{{.*}}) : (tensor<2x3x4xf32>) -> tensor<2x3x4xf32> loc("x")
// CHECK-NEXT:  %[[S:.*]] = top.Sigmoid(%[[X]]) : (tensor<2x3x4xf32>) -> tensor<2x3x4xf32> loc("s")
// CHECK-NEXT:  func.return %[[S]] : tensor<2x3x4xf32>
func.func @compose_to_identity(%arg0: tensor<2x3x4xf32>) -> tensor<2x3x4xf32> {
  %0 = top.Input(%arg0) : (tensor<2x3x4xf32>) -> tensor<2x3x4xf32> loc("x")
  %1 = top.Reshape(%0) {shape = array<i64: 6, 4>} : (tensor<2x3x4xf32>) -> tensor<6x4xf32> loc("r1")
  %2 = top.Reshape(%1) {shape = array<i64: 2, 3, 4>} : (tensor<6x4xf32>) -> tensor<2x3x4xf32> loc("r2")
  %3 = top.Sigmoid(%2) : (tensor<2x3x4xf32>) -> tensor<2x3x4xf32> loc("s")
  func.return %3 : tensor<2x3x4xf32>
}

// -----
// Must not compose: the inner Reshape has another user.
// CHECK-LABEL: func.func @compose_multi_use
// CHECK-NEXT:  %[[X:.*]] = top.Input(%{{.*}}) : (tensor<2x3x4xf32>) -> tensor<2x3x4xf32> loc("x")
// CHECK-NEXT:  %[[R1:.*]] = top.Reshape(%[[X]]) {shape = array<i64: 6, 4>} : (tensor<2x3x4xf32>) -> tensor<6x4xf32> loc("r1")
// CHECK-NEXT:  %[[R2:.*]] = top.Reshape(%[[R1]]) {shape = array<i64: 24>} : (tensor<6x4xf32>) -> tensor<24xf32> loc("r2")
// CHECK-NEXT:  func.return %[[R1]], %[[R2]] : tensor<6x4xf32>, tensor<24xf32>
func.func @compose_multi_use(%arg0: tensor<2x3x4xf32>) -> (tensor<6x4xf32>, tensor<24xf32>) {
  %0 = top.Input(%arg0) : (tensor<2x3x4xf32>) -> tensor<2x3x4xf32> loc("x")
  %1 = top.Reshape(%0) {shape = array<i64: 6, 4>} : (tensor<2x3x4xf32>) -> tensor<6x4xf32> loc("r1")
  %2 = top.Reshape(%1) {shape = array<i64: 24>} : (tensor<6x4xf32>) -> tensor<24xf32> loc("r2")
  func.return %1, %2 : tensor<6x4xf32>, tensor<24xf32>
}

// -----
// Splitting a leading batch dim (Swin's shifted-window mask add): x [4, 5, 3, 6] permuted (0, 2, 1, 3)
// to [4, 3, 5, 6] and reshaped to [2, 2, 3, 5, 6] becomes Reshape(x, [2, 2, 5, 3, 6]) + Permute(0, 1, 3, 2, 4).
// CHECK-LABEL: func.func @sink_split_batch
// CHECK-NEXT:  %[[X:.*]] = top.Input(%{{.*}}) : (tensor<4x5x3x6xf32>) -> tensor<4x5x3x6xf32> loc("x")
// CHECK-NEXT:  %[[R:.*]] = top.Reshape(%[[X]]) {shape = array<i64: 2, 2, 5, 3, 6>} : (tensor<4x5x3x6xf32>) -> tensor<2x2x5x3x6xf32> loc("rs_before_permute")
// CHECK-NEXT:  %[[P:.*]] = top.Permute(%[[R]]) {order = array<i64: 0, 1, 3, 2, 4>} : (tensor<2x2x5x3x6xf32>) -> tensor<2x2x3x5x6xf32> loc("rs")
// CHECK-NEXT:  func.return %[[P]] : tensor<2x2x3x5x6xf32>
func.func @sink_split_batch(%arg0: tensor<4x5x3x6xf32>) -> tensor<2x2x3x5x6xf32> {
  %0 = top.Input(%arg0) : (tensor<4x5x3x6xf32>) -> tensor<4x5x3x6xf32> loc("x")
  %1 = top.Permute(%0) {order = array<i64: 0, 2, 1, 3>} : (tensor<4x5x3x6xf32>) -> tensor<4x3x5x6xf32> loc("p")
  %2 = top.Reshape(%1) {shape = array<i64: 2, 2, 3, 5, 6>} : (tensor<4x3x5x6xf32>) -> tensor<2x2x3x5x6xf32> loc("rs")
  func.return %2 : tensor<2x2x3x5x6xf32>
}

// -----
// Merging two dims that stay adjacent and in order: x [2, 3, 4, 5] permuted (0, 3, 1, 2) to
// [2, 5, 3, 4], reshaped to [2, 5, 12] -> Reshape(x, [2, 12, 5]) + Permute(0, 2, 1).
// CHECK-LABEL: func.func @sink_merge
// CHECK-NEXT:  %[[X:.*]] = top.Input(%{{.*}}) : (tensor<2x3x4x5xf32>) -> tensor<2x3x4x5xf32> loc("x")
// CHECK-NEXT:  %[[R:.*]] = top.Reshape(%[[X]]) {shape = array<i64: 2, 12, 5>} : (tensor<2x3x4x5xf32>) -> tensor<2x12x5xf32> loc("rs_before_permute")
// CHECK-NEXT:  %[[P:.*]] = top.Permute(%[[R]]) {order = array<i64: 0, 2, 1>} : (tensor<2x12x5xf32>) -> tensor<2x5x12xf32> loc("rs")
// CHECK-NEXT:  func.return %[[P]] : tensor<2x5x12xf32>
func.func @sink_merge(%arg0: tensor<2x3x4x5xf32>) -> tensor<2x5x12xf32> {
  %0 = top.Input(%arg0) : (tensor<2x3x4x5xf32>) -> tensor<2x3x4x5xf32> loc("x")
  %1 = top.Permute(%0) {order = array<i64: 0, 3, 1, 2>} : (tensor<2x3x4x5xf32>) -> tensor<2x5x3x4xf32> loc("p")
  %2 = top.Reshape(%1) {shape = array<i64: 2, 5, 12>} : (tensor<2x5x3x4xf32>) -> tensor<2x5x12xf32> loc("rs")
  func.return %2 : tensor<2x5x12xf32>
}

// -----
// Must not fire: the Reshape merges dims 2 and 1 of x, which the Permute put out of order.
// CHECK-LABEL: func.func @no_sink_scattered_merge
// CHECK-NEXT:  %[[X:.*]] = top.Input(%{{.*}}) : (tensor<2x3x4xf32>) -> tensor<2x3x4xf32> loc("x")
// CHECK-NEXT:  %[[P:.*]] = top.Permute(%[[X]]) {order = array<i64: 0, 2, 1>} : (tensor<2x3x4xf32>) -> tensor<2x4x3xf32> loc("p")
// CHECK-NEXT:  %[[R:.*]] = top.Reshape(%[[P]]) {shape = array<i64: 2, 12>} : (tensor<2x4x3xf32>) -> tensor<2x12xf32> loc("rs")
// CHECK-NEXT:  func.return %[[R]] : tensor<2x12xf32>
func.func @no_sink_scattered_merge(%arg0: tensor<2x3x4xf32>) -> tensor<2x12xf32> {
  %0 = top.Input(%arg0) : (tensor<2x3x4xf32>) -> tensor<2x3x4xf32> loc("x")
  %1 = top.Permute(%0) {order = array<i64: 0, 2, 1>} : (tensor<2x3x4xf32>) -> tensor<2x4x3xf32> loc("p")
  %2 = top.Reshape(%1) {shape = array<i64: 2, 12>} : (tensor<2x4x3xf32>) -> tensor<2x12xf32> loc("rs")
  func.return %2 : tensor<2x12xf32>
}

// -----
// Must not fire: the Reshape merges dims that are not adjacent in x (x dims 0 and 2 of
// [2, 3, 4] permuted (0, 2, 1) merge with nothing in between: [2, 4, 3] -> [8, 3]).
// CHECK-LABEL: func.func @no_sink_non_adjacent
// CHECK:       top.Permute
// CHECK-NEXT:  top.Reshape({{.*}}) {shape = array<i64: 8, 3>} {{.*}} loc("rs")
func.func @no_sink_non_adjacent(%arg0: tensor<2x3x4xf32>) -> tensor<8x3xf32> {
  %0 = top.Input(%arg0) : (tensor<2x3x4xf32>) -> tensor<2x3x4xf32> loc("x")
  %1 = top.Permute(%0) {order = array<i64: 0, 2, 1>} : (tensor<2x3x4xf32>) -> tensor<2x4x3xf32> loc("p")
  %2 = top.Reshape(%1) {shape = array<i64: 8, 3>} : (tensor<2x4x3xf32>) -> tensor<8x3xf32> loc("rs")
  func.return %2 : tensor<8x3xf32>
}

// -----
// Must not fire: the Permute has another user.
// CHECK-LABEL: func.func @no_sink_multi_use
// CHECK-NEXT:  %[[X:.*]] = top.Input(%{{.*}}) : (tensor<4x5x3x6xf32>) -> tensor<4x5x3x6xf32> loc("x")
// CHECK-NEXT:  %[[P:.*]] = top.Permute(%[[X]]) {order = array<i64: 0, 2, 1, 3>} : (tensor<4x5x3x6xf32>) -> tensor<4x3x5x6xf32> loc("p")
// CHECK-NEXT:  %[[R:.*]] = top.Reshape(%[[P]]) {shape = array<i64: 2, 2, 3, 5, 6>} : (tensor<4x3x5x6xf32>) -> tensor<2x2x3x5x6xf32> loc("rs")
// CHECK-NEXT:  func.return %[[P]], %[[R]]
func.func @no_sink_multi_use(%arg0: tensor<4x5x3x6xf32>) -> (tensor<4x3x5x6xf32>, tensor<2x2x3x5x6xf32>) {
  %0 = top.Input(%arg0) : (tensor<4x5x3x6xf32>) -> tensor<4x5x3x6xf32> loc("x")
  %1 = top.Permute(%0) {order = array<i64: 0, 2, 1, 3>} : (tensor<4x5x3x6xf32>) -> tensor<4x3x5x6xf32> loc("p")
  %2 = top.Reshape(%1) {shape = array<i64: 2, 2, 3, 5, 6>} : (tensor<4x3x5x6xf32>) -> tensor<2x2x3x5x6xf32> loc("rs")
  func.return %1, %2 : tensor<4x3x5x6xf32>, tensor<2x2x3x5x6xf32>
}
