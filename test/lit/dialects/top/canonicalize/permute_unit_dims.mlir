// PermuteCanonicalUnitDims: a Permute whose input has size-1 dims gets a Reshape view that puts
// them where the output has them, so the order moves only real dims; nn.MultiheadAttention's
// seq-first q/k Permutes (1,2,0,3) / (1,2,3,1) on [20,1,4,16] become (0,2,1,3) / (0,2,3,1) on
// [1,20,4,16], which hdim_is_batch absorbs. Must not fire when the view equals the input shape.
// RUN: tpuc-opt %s -p 'top-canonicalize{disable=PermuteCompose}' --split-input-file | filecheck %s

// CHECK-LABEL: func.func @seq_first
// CHECK:      %[[V:.*]] = top.Reshape(%{{.*}}) {shape = array<i64: 1, 20, 4, 16>} : (tensor<20x1x4x16xf32>) -> tensor<1x20x4x16xf32> loc("q_t_unit_view")
// CHECK-NEXT: top.Permute(%[[V]]) {order = array<i64: 0, 2, 1, 3>} : (tensor<1x20x4x16xf32>) -> tensor<1x4x20x16xf32> loc("q_t")
func.func @seq_first(%arg0: tensor<20x1x4x16xf32>) -> tensor<1x4x20x16xf32> {
  %0 = top.Input(%arg0) : (tensor<20x1x4x16xf32>) -> tensor<20x1x4x16xf32> loc("q")
  %1 = top.Permute(%0) {order = array<i64: 1, 2, 0, 3>} : (tensor<20x1x4x16xf32>) -> tensor<1x4x20x16xf32> loc("q_t")
  func.return %1 : tensor<1x4x20x16xf32>
}

// -----
// CHECK-LABEL: func.func @already_canonical
// CHECK-NOT:  top.Reshape
// CHECK:      top.Permute(%{{.*}}) {order = array<i64: 0, 3, 1, 2>} {{.*}} loc("nchw")
func.func @already_canonical(%arg0: tensor<1x56x56x96xf32>) -> tensor<1x96x56x56xf32> {
  %0 = top.Input(%arg0) : (tensor<1x56x56x96xf32>) -> tensor<1x56x56x96xf32> loc("x")
  %1 = top.Permute(%0) {order = array<i64: 0, 3, 1, 2>} : (tensor<1x56x56x96xf32>) -> tensor<1x96x56x56xf32> loc("nchw")
  func.return %1 : tensor<1x96x56x56xf32>
}
