// top-canonicalize, matmul.py.
// * MatMulRightTranspose: MatMul(a, Permute(b, swap last two)) -> MatMul(a, b) with
//   right_transpose toggled, named as the MatMul; not for a multi-use Permute, another order, a
//   right operand of another rank than the input, or an hdim_is_batch MatMul.
// * MatMulHdimIsBatch: MatMul(Permute(a, 0213), Permute(b, 0213 | 0231)) ->
//   Permute(MatMul(a, b, hdim_is_batch, right_transpose for 0231), 0213): the new MatMul is
//   <name>_hdim, the Permute keeps the name; not for 3-D operands, batch or heads that differ
//   (broadcast), a bias, left_transpose, a multi-use Permute or another left order.
// * MatmulWithPermuteAndSplit: MatMul -> Reshape [B, N, 3, H, D] -> Permute(2, 0, 3, 1, 4) ->
//   Slice(i:i+1 on axis 0) -> Squeeze(0), for i = 0, 1, 2, becomes per branch
//   Slice(axis 2) <name>_slice -> Squeeze(2) <name>_squeeze -> Permute(0, 2, 1, 3) <name>; the
//   Reshape input may be an Add(MatMul, bias) too. Not for another order, a non-MatMul input, a
//   missing branch, a Slice of two indices or a Slice with another user.
// RUN: tpuc-opt %s -p top-canonicalize --split-input-file | filecheck %s
// RUN: tpuc-opt %s -p 'top-canonicalize{disable=MatMulBiasFuse}' --split-input-file | filecheck %s --check-prefix=NOFUSE

// CHECK-LABEL: func.func @right_transpose
// CHECK-NEXT:  %[[A:.*]] = top.Input(%{{.*}}) : (tensor<2x3x4xf32>) -> tensor<2x3x4xf32> loc("a")
// CHECK-NEXT:  %[[B:.*]] = top.Input(%{{.*}}) : (tensor<2x5x4xf32>) -> tensor<2x5x4xf32> loc("b")
// CHECK-NEXT:  %[[N:.*]] = top.None() : () -> none loc("none")
// CHECK-NEXT:  %[[M:.*]] = top.MatMul(%[[A]], %[[B]], %[[N]]) {right_transpose = true} : (tensor<2x3x4xf32>, tensor<2x5x4xf32>, none) -> tensor<2x3x5xf32> loc("mm")
// CHECK-NEXT:  func.return %[[M]] : tensor<2x3x5xf32>
func.func @right_transpose(%arg0: tensor<2x3x4xf32>, %arg1: tensor<2x5x4xf32>) -> tensor<2x3x5xf32> {
  %0 = top.Input(%arg0) : (tensor<2x3x4xf32>) -> tensor<2x3x4xf32> loc("a")
  %1 = top.Input(%arg1) : (tensor<2x5x4xf32>) -> tensor<2x5x4xf32> loc("b")
  %2 = top.Permute(%1) {order = array<i64: 0, 2, 1>} : (tensor<2x5x4xf32>) -> tensor<2x4x5xf32> loc("bt")
  %3 = top.None() : () -> none loc("none")
  %4 = top.MatMul(%0, %2, %3) : (tensor<2x3x4xf32>, tensor<2x4x5xf32>, none) -> tensor<2x3x5xf32> loc("mm")
  func.return %4 : tensor<2x3x5xf32>
}

// -----
// right_transpose = true is toggled off; the bias and do_relu are kept.
// CHECK-LABEL: func.func @right_transpose_toggle
// CHECK:       %[[M:.*]] = top.MatMul(%[[A:.*]], %[[B:.*]], %[[W:.*]]) {right_transpose = false, do_relu = true} : (tensor<3x4xf32>, tensor<4x5xf32>, tensor<5xf32>) -> tensor<3x5xf32> loc("mm")
// CHECK-NEXT:  func.return %[[M]] : tensor<3x5xf32>
// CHECK-NOT:   top.Permute
func.func @right_transpose_toggle(%arg0: tensor<3x4xf32>, %arg1: tensor<4x5xf32>) -> tensor<3x5xf32> {
  %0 = top.Input(%arg0) : (tensor<3x4xf32>) -> tensor<3x4xf32> loc("a")
  %1 = top.Input(%arg1) : (tensor<4x5xf32>) -> tensor<4x5xf32> loc("b")
  %2 = top.Permute(%1) {order = array<i64: 1, 0>} : (tensor<4x5xf32>) -> tensor<5x4xf32> loc("bt")
  %3 = top.Weight() : () -> tensor<5xf32> loc("bias")
  %4 = top.MatMul(%0, %2, %3) {right_transpose = true, do_relu = true} : (tensor<3x4xf32>, tensor<5x4xf32>, tensor<5xf32>) -> tensor<3x5xf32> loc("mm")
  func.return %4 : tensor<3x5xf32>
}

// -----
// Must not fire: the Permute has another user.
// CHECK-LABEL: func.func @no_rt_multi_use
// CHECK:       %[[P:.*]] = top.Permute({{.*}} loc("bt")
// CHECK:       top.MatMul(%{{.*}}, %[[P]], %{{.*}}) : (tensor<2x3x4xf32>, tensor<2x4x5xf32>, none) -> tensor<2x3x5xf32> loc("mm")
func.func @no_rt_multi_use(%arg0: tensor<2x3x4xf32>, %arg1: tensor<2x5x4xf32>) -> (tensor<2x3x5xf32>, tensor<2x4x5xf32>) {
  %0 = top.Input(%arg0) : (tensor<2x3x4xf32>) -> tensor<2x3x4xf32> loc("a")
  %1 = top.Input(%arg1) : (tensor<2x5x4xf32>) -> tensor<2x5x4xf32> loc("b")
  %2 = top.Permute(%1) {order = array<i64: 0, 2, 1>} : (tensor<2x5x4xf32>) -> tensor<2x4x5xf32> loc("bt")
  %3 = top.None() : () -> none loc("none")
  %4 = top.MatMul(%0, %2, %3) : (tensor<2x3x4xf32>, tensor<2x4x5xf32>, none) -> tensor<2x3x5xf32> loc("mm")
  func.return %4, %2 : tensor<2x3x5xf32>, tensor<2x4x5xf32>
}

// -----
// Must not fire: the Permute is not a swap of the last two dims.
// CHECK-LABEL: func.func @no_rt_other_order
// CHECK:       %[[P:.*]] = top.Permute({{.*}}) {order = array<i64: 1, 0, 2>} {{.*}} loc("bt")
// CHECK:       top.MatMul(%{{.*}}, %[[P]], %{{.*}}) : (tensor<2x3x4xf32>, tensor<2x4x5xf32>, none) -> tensor<2x3x5xf32> loc("mm")
func.func @no_rt_other_order(%arg0: tensor<2x3x4xf32>, %arg1: tensor<4x2x5xf32>) -> tensor<2x3x5xf32> {
  %0 = top.Input(%arg0) : (tensor<2x3x4xf32>) -> tensor<2x3x4xf32> loc("a")
  %1 = top.Input(%arg1) : (tensor<4x2x5xf32>) -> tensor<4x2x5xf32> loc("b")
  %2 = top.Permute(%1) {order = array<i64: 1, 0, 2>} : (tensor<4x2x5xf32>) -> tensor<2x4x5xf32> loc("bt")
  %3 = top.None() : () -> none loc("none")
  %4 = top.MatMul(%0, %2, %3) : (tensor<2x3x4xf32>, tensor<2x4x5xf32>, none) -> tensor<2x3x5xf32> loc("mm")
  func.return %4 : tensor<2x3x5xf32>
}

// -----
// Must not fire: a 2-D right operand against a 3-D input (batch broadcasting).
// CHECK-LABEL: func.func @no_rt_rank_mismatch
// CHECK:       %[[P:.*]] = top.Permute({{.*}}) {order = array<i64: 1, 0>} {{.*}} loc("bt")
// CHECK:       top.MatMul(%{{.*}}, %[[P]], %{{.*}}) : (tensor<2x3x4xf32>, tensor<4x5xf32>, none) -> tensor<2x3x5xf32> loc("mm")
func.func @no_rt_rank_mismatch(%arg0: tensor<2x3x4xf32>, %arg1: tensor<5x4xf32>) -> tensor<2x3x5xf32> {
  %0 = top.Input(%arg0) : (tensor<2x3x4xf32>) -> tensor<2x3x4xf32> loc("a")
  %1 = top.Input(%arg1) : (tensor<5x4xf32>) -> tensor<5x4xf32> loc("b")
  %2 = top.Permute(%1) {order = array<i64: 1, 0>} : (tensor<5x4xf32>) -> tensor<4x5xf32> loc("bt")
  %3 = top.None() : () -> none loc("none")
  %4 = top.MatMul(%0, %2, %3) : (tensor<2x3x4xf32>, tensor<4x5xf32>, none) -> tensor<2x3x5xf32> loc("mm")
  func.return %4 : tensor<2x3x5xf32>
}

// -----
// Must not fire: an hdim_is_batch MatMul (its matrix axes are 1 and 3, not the last two).
// CHECK-LABEL: func.func @no_rt_hdim
// CHECK:       %[[P:.*]] = top.Permute({{.*}}) {order = array<i64: 0, 1, 3, 2>} {{.*}} loc("bt")
// CHECK:       top.MatMul(%{{.*}}, %[[P]], %{{.*}}) {hdim_is_batch = true} : (tensor<2x5x3x4xf32>, tensor<2x4x3x6xf32>, none) -> tensor<2x5x3x6xf32> loc("mm")
func.func @no_rt_hdim(%arg0: tensor<2x5x3x4xf32>, %arg1: tensor<2x4x6x3xf32>) -> tensor<2x5x3x6xf32> {
  %0 = top.Input(%arg0) : (tensor<2x5x3x4xf32>) -> tensor<2x5x3x4xf32> loc("a")
  %1 = top.Input(%arg1) : (tensor<2x4x6x3xf32>) -> tensor<2x4x6x3xf32> loc("b")
  %2 = top.Permute(%1) {order = array<i64: 0, 1, 3, 2>} : (tensor<2x4x6x3xf32>) -> tensor<2x4x3x6xf32> loc("bt")
  %3 = top.None() : () -> none loc("none")
  %4 = top.MatMul(%0, %2, %3) {hdim_is_batch = true} : (tensor<2x5x3x4xf32>, tensor<2x4x3x6xf32>, none) -> tensor<2x5x3x6xf32> loc("mm")
  func.return %4 : tensor<2x5x3x6xf32>
}

// -----
// q [2, 5, 3, 4] and k [2, 6, 3, 4] in [b, s, h, d]: q.permute(0213) @ k.permute(0231).
// CHECK-LABEL: func.func @hdim_kt
// CHECK-NEXT:  %[[A:.*]] = top.Input(%{{.*}}) : (tensor<2x5x3x4xf32>) -> tensor<2x5x3x4xf32> loc("a")
// CHECK-NEXT:  %[[B:.*]] = top.Input(%{{.*}}) : (tensor<2x6x3x4xf32>) -> tensor<2x6x3x4xf32> loc("b")
// CHECK-NEXT:  %[[N:.*]] = top.None() : () -> none loc("none")
// CHECK-NEXT:  %[[M:.*]] = top.MatMul(%[[A]], %[[B]], %[[N]]) {hdim_is_batch = true, right_transpose = true} : (tensor<2x5x3x4xf32>, tensor<2x6x3x4xf32>, none) -> tensor<2x5x3x6xf32> loc("mm_hdim")
// CHECK-NEXT:  %[[P:.*]] = top.Permute(%[[M]]) {order = array<i64: 0, 2, 1, 3>} : (tensor<2x5x3x6xf32>) -> tensor<2x3x5x6xf32> loc("mm")
// CHECK-NEXT:  func.return %[[P]] : tensor<2x3x5x6xf32>
func.func @hdim_kt(%arg0: tensor<2x5x3x4xf32>, %arg1: tensor<2x6x3x4xf32>) -> tensor<2x3x5x6xf32> {
  %0 = top.Input(%arg0) : (tensor<2x5x3x4xf32>) -> tensor<2x5x3x4xf32> loc("a")
  %1 = top.Input(%arg1) : (tensor<2x6x3x4xf32>) -> tensor<2x6x3x4xf32> loc("b")
  %2 = top.Permute(%0) {order = array<i64: 0, 2, 1, 3>} : (tensor<2x5x3x4xf32>) -> tensor<2x3x5x4xf32> loc("pa")
  %3 = top.Permute(%1) {order = array<i64: 0, 2, 3, 1>} : (tensor<2x6x3x4xf32>) -> tensor<2x3x4x6xf32> loc("pb")
  %4 = top.None() : () -> none loc("none")
  %5 = top.MatMul(%2, %3, %4) : (tensor<2x3x5x4xf32>, tensor<2x3x4x6xf32>, none) -> tensor<2x3x5x6xf32> loc("mm")
  func.return %5 : tensor<2x3x5x6xf32>
}

// -----
// attn [2, 5, 3, 7] @ v [2, 7, 3, 4], both (0, 2, 1, 3); the output Permute(0, 2, 1, 3) then meets
// the model's own transpose back and both cancel: the Reshape reads the hdim MatMul directly.
// CHECK-LABEL: func.func @hdim_v_cancel
// CHECK-NEXT:  %[[A:.*]] = top.Input(%{{.*}}) : (tensor<2x5x3x7xf32>) -> tensor<2x5x3x7xf32> loc("a")
// CHECK-NEXT:  %[[B:.*]] = top.Input(%{{.*}}) : (tensor<2x7x3x4xf32>) -> tensor<2x7x3x4xf32> loc("b")
// CHECK-NEXT:  %[[N:.*]] = top.None() : () -> none loc("none")
// CHECK-NEXT:  %[[M:.*]] = top.MatMul(%[[A]], %[[B]], %[[N]]) {hdim_is_batch = true, right_transpose = false} : (tensor<2x5x3x7xf32>, tensor<2x7x3x4xf32>, none) -> tensor<2x5x3x4xf32> loc("mm_hdim")
// CHECK-NEXT:  %[[R:.*]] = top.Reshape(%[[M]]) {shape = array<i64: 2, 5, 12>} : (tensor<2x5x3x4xf32>) -> tensor<2x5x12xf32> loc("out")
// CHECK-NEXT:  func.return %[[R]] : tensor<2x5x12xf32>
func.func @hdim_v_cancel(%arg0: tensor<2x5x3x7xf32>, %arg1: tensor<2x7x3x4xf32>) -> tensor<2x5x12xf32> {
  %0 = top.Input(%arg0) : (tensor<2x5x3x7xf32>) -> tensor<2x5x3x7xf32> loc("a")
  %1 = top.Input(%arg1) : (tensor<2x7x3x4xf32>) -> tensor<2x7x3x4xf32> loc("b")
  %2 = top.Permute(%0) {order = array<i64: 0, 2, 1, 3>} : (tensor<2x5x3x7xf32>) -> tensor<2x3x5x7xf32> loc("pa")
  %3 = top.Permute(%1) {order = array<i64: 0, 2, 1, 3>} : (tensor<2x7x3x4xf32>) -> tensor<2x3x7x4xf32> loc("pb")
  %4 = top.None() : () -> none loc("none")
  %5 = top.MatMul(%2, %3, %4) : (tensor<2x3x5x7xf32>, tensor<2x3x7x4xf32>, none) -> tensor<2x3x5x4xf32> loc("mm")
  %6 = top.Permute(%5) {order = array<i64: 0, 2, 1, 3>} : (tensor<2x3x5x4xf32>) -> tensor<2x5x3x4xf32> loc("back")
  %7 = top.Reshape(%6) {shape = array<i64: 2, 5, 12>} : (tensor<2x5x3x4xf32>) -> tensor<2x5x12xf32> loc("out")
  func.return %7 : tensor<2x5x12xf32>
}

// -----
// Must not fire: 3-D operands (the heads swap of a 3-D tensor is not the hdim form).
// CHECK-LABEL: func.func @no_hdim_3d
// CHECK:       top.Permute({{.*}}) {order = array<i64: 1, 0, 2>} {{.*}} loc("pa")
// CHECK:       top.Permute({{.*}}) {order = array<i64: 1, 0, 2>} {{.*}} loc("pb")
// CHECK:       top.MatMul({{.*}}) : (tensor<3x5x4xf32>, tensor<3x4x6xf32>, none) -> tensor<3x5x6xf32> loc("mm")
// CHECK-NOT:   hdim_is_batch
func.func @no_hdim_3d(%arg0: tensor<5x3x4xf32>, %arg1: tensor<4x3x6xf32>) -> tensor<3x5x6xf32> {
  %0 = top.Input(%arg0) : (tensor<5x3x4xf32>) -> tensor<5x3x4xf32> loc("a")
  %1 = top.Input(%arg1) : (tensor<4x3x6xf32>) -> tensor<4x3x6xf32> loc("b")
  %2 = top.Permute(%0) {order = array<i64: 1, 0, 2>} : (tensor<5x3x4xf32>) -> tensor<3x5x4xf32> loc("pa")
  %3 = top.Permute(%1) {order = array<i64: 1, 0, 2>} : (tensor<4x3x6xf32>) -> tensor<3x4x6xf32> loc("pb")
  %4 = top.None() : () -> none loc("none")
  %5 = top.MatMul(%2, %3, %4) : (tensor<3x5x4xf32>, tensor<3x4x6xf32>, none) -> tensor<3x5x6xf32> loc("mm")
  func.return %5 : tensor<3x5x6xf32>
}

// -----
// Must not fire: the batch dims differ (1 broadcasts against 2).
// CHECK-LABEL: func.func @no_hdim_batch_broadcast
// CHECK:       top.MatMul({{.*}}) : (tensor<1x3x5x4xf32>, tensor<2x3x4x6xf32>, none) -> tensor<2x3x5x6xf32> loc("mm")
// CHECK-NOT:   hdim_is_batch
func.func @no_hdim_batch_broadcast(%arg0: tensor<1x5x3x4xf32>, %arg1: tensor<2x6x3x4xf32>) -> tensor<2x3x5x6xf32> {
  %0 = top.Input(%arg0) : (tensor<1x5x3x4xf32>) -> tensor<1x5x3x4xf32> loc("a")
  %1 = top.Input(%arg1) : (tensor<2x6x3x4xf32>) -> tensor<2x6x3x4xf32> loc("b")
  %2 = top.Permute(%0) {order = array<i64: 0, 2, 1, 3>} : (tensor<1x5x3x4xf32>) -> tensor<1x3x5x4xf32> loc("pa")
  %3 = top.Permute(%1) {order = array<i64: 0, 2, 3, 1>} : (tensor<2x6x3x4xf32>) -> tensor<2x3x4x6xf32> loc("pb")
  %4 = top.None() : () -> none loc("none")
  %5 = top.MatMul(%2, %3, %4) : (tensor<1x3x5x4xf32>, tensor<2x3x4x6xf32>, none) -> tensor<2x3x5x6xf32> loc("mm")
  func.return %5 : tensor<2x3x5x6xf32>
}

// -----
// Must not fire: the heads differ (1 broadcasts against 3).
// CHECK-LABEL: func.func @no_hdim_heads_broadcast
// CHECK:       top.MatMul({{.*}}) : (tensor<2x1x5x4xf32>, tensor<2x3x4x6xf32>, none) -> tensor<2x3x5x6xf32> loc("mm")
// CHECK-NOT:   hdim_is_batch
func.func @no_hdim_heads_broadcast(%arg0: tensor<2x5x1x4xf32>, %arg1: tensor<2x6x3x4xf32>) -> tensor<2x3x5x6xf32> {
  %0 = top.Input(%arg0) : (tensor<2x5x1x4xf32>) -> tensor<2x5x1x4xf32> loc("a")
  %1 = top.Input(%arg1) : (tensor<2x6x3x4xf32>) -> tensor<2x6x3x4xf32> loc("b")
  %2 = top.Permute(%0) {order = array<i64: 0, 2, 1, 3>} : (tensor<2x5x1x4xf32>) -> tensor<2x1x5x4xf32> loc("pa")
  %3 = top.Permute(%1) {order = array<i64: 0, 2, 3, 1>} : (tensor<2x6x3x4xf32>) -> tensor<2x3x4x6xf32> loc("pb")
  %4 = top.None() : () -> none loc("none")
  %5 = top.MatMul(%2, %3, %4) : (tensor<2x1x5x4xf32>, tensor<2x3x4x6xf32>, none) -> tensor<2x3x5x6xf32> loc("mm")
  func.return %5 : tensor<2x3x5x6xf32>
}

// -----
// Must not fire: the MatMul has a bias, or left_transpose.
// CHECK-LABEL: func.func @no_hdim_bias_or_left_transpose
// CHECK:       top.MatMul({{.*}}) : (tensor<2x3x5x4xf32>, tensor<2x3x4x6xf32>, tensor<6xf32>) -> tensor<2x3x5x6xf32> loc("mm1")
// CHECK:       top.MatMul({{.*}}) {left_transpose = true} : (tensor<2x3x4x5xf32>, tensor<2x3x4x6xf32>, none) -> tensor<2x3x5x6xf32> loc("mm2")
// CHECK-NOT:   hdim_is_batch
func.func @no_hdim_bias_or_left_transpose(%arg0: tensor<2x5x3x4xf32>, %arg1: tensor<2x6x3x4xf32>, %arg2: tensor<2x4x3x5xf32>, %arg3: tensor<2x6x3x4xf32>) -> (tensor<2x3x5x6xf32>, tensor<2x3x5x6xf32>) {
  %0 = top.Input(%arg0) : (tensor<2x5x3x4xf32>) -> tensor<2x5x3x4xf32> loc("a")
  %1 = top.Input(%arg1) : (tensor<2x6x3x4xf32>) -> tensor<2x6x3x4xf32> loc("b")
  %2 = top.Permute(%0) {order = array<i64: 0, 2, 1, 3>} : (tensor<2x5x3x4xf32>) -> tensor<2x3x5x4xf32> loc("pa")
  %3 = top.Permute(%1) {order = array<i64: 0, 2, 3, 1>} : (tensor<2x6x3x4xf32>) -> tensor<2x3x4x6xf32> loc("pb")
  %4 = top.Weight() : () -> tensor<6xf32> loc("bias")
  %5 = top.MatMul(%2, %3, %4) : (tensor<2x3x5x4xf32>, tensor<2x3x4x6xf32>, tensor<6xf32>) -> tensor<2x3x5x6xf32> loc("mm1")
  %6 = top.Input(%arg2) : (tensor<2x4x3x5xf32>) -> tensor<2x4x3x5xf32> loc("c")
  %7 = top.Input(%arg3) : (tensor<2x6x3x4xf32>) -> tensor<2x6x3x4xf32> loc("d")
  %8 = top.Permute(%6) {order = array<i64: 0, 2, 1, 3>} : (tensor<2x4x3x5xf32>) -> tensor<2x3x4x5xf32> loc("pc")
  %9 = top.Permute(%7) {order = array<i64: 0, 2, 3, 1>} : (tensor<2x6x3x4xf32>) -> tensor<2x3x4x6xf32> loc("pd")
  %10 = top.None() : () -> none loc("none")
  %11 = top.MatMul(%8, %9, %10) {left_transpose = true} : (tensor<2x3x4x5xf32>, tensor<2x3x4x6xf32>, none) -> tensor<2x3x5x6xf32> loc("mm2")
  func.return %5, %11 : tensor<2x3x5x6xf32>, tensor<2x3x5x6xf32>
}

// -----
// Must not fire: the left Permute has another user.
// CHECK-LABEL: func.func @no_hdim_multi_use
// CHECK:       %[[PA:.*]] = top.Permute({{.*}} loc("pa")
// CHECK:       top.MatMul(%[[PA]], {{.*}}) : (tensor<2x3x5x4xf32>, tensor<2x3x4x6xf32>, none) -> tensor<2x3x5x6xf32> loc("mm")
// CHECK-NOT:   hdim_is_batch
func.func @no_hdim_multi_use(%arg0: tensor<2x5x3x4xf32>, %arg1: tensor<2x6x3x4xf32>) -> (tensor<2x3x5x6xf32>, tensor<2x3x5x4xf32>) {
  %0 = top.Input(%arg0) : (tensor<2x5x3x4xf32>) -> tensor<2x5x3x4xf32> loc("a")
  %1 = top.Input(%arg1) : (tensor<2x6x3x4xf32>) -> tensor<2x6x3x4xf32> loc("b")
  %2 = top.Permute(%0) {order = array<i64: 0, 2, 1, 3>} : (tensor<2x5x3x4xf32>) -> tensor<2x3x5x4xf32> loc("pa")
  %3 = top.Permute(%1) {order = array<i64: 0, 2, 3, 1>} : (tensor<2x6x3x4xf32>) -> tensor<2x3x4x6xf32> loc("pb")
  %4 = top.None() : () -> none loc("none")
  %5 = top.MatMul(%2, %3, %4) : (tensor<2x3x5x4xf32>, tensor<2x3x4x6xf32>, none) -> tensor<2x3x5x6xf32> loc("mm")
  func.return %5, %2 : tensor<2x3x5x6xf32>, tensor<2x3x5x4xf32>
}

// -----
// Must not fire: the left Permute is (0, 2, 3, 1), not the heads swap.
// CHECK-LABEL: func.func @no_hdim_left_order
// CHECK:       top.MatMul({{.*}}) : (tensor<2x3x5x4xf32>, tensor<2x3x4x6xf32>, none) -> tensor<2x3x5x6xf32> loc("mm")
// CHECK-NOT:   hdim_is_batch
func.func @no_hdim_left_order(%arg0: tensor<2x4x3x5xf32>, %arg1: tensor<2x6x3x4xf32>) -> tensor<2x3x5x6xf32> {
  %0 = top.Input(%arg0) : (tensor<2x4x3x5xf32>) -> tensor<2x4x3x5xf32> loc("a")
  %1 = top.Input(%arg1) : (tensor<2x6x3x4xf32>) -> tensor<2x6x3x4xf32> loc("b")
  %2 = top.Permute(%0) {order = array<i64: 0, 2, 3, 1>} : (tensor<2x4x3x5xf32>) -> tensor<2x3x5x4xf32> loc("pa")
  %3 = top.Permute(%1) {order = array<i64: 0, 2, 3, 1>} : (tensor<2x6x3x4xf32>) -> tensor<2x3x4x6xf32> loc("pb")
  %4 = top.None() : () -> none loc("none")
  %5 = top.MatMul(%2, %3, %4) : (tensor<2x3x5x4xf32>, tensor<2x3x4x6xf32>, none) -> tensor<2x3x5x6xf32> loc("mm")
  func.return %5 : tensor<2x3x5x6xf32>
}

// -----
// The qkv rewrite: x [2, 4, 8] @ W [8, 24] -> [2, 4, 3, 2, 4] -> Permute(2, 0, 3, 1, 4) -> three
// Slice + Squeeze(0); each branch becomes Slice(axis 2) -> Squeeze(2) -> Permute(0, 2, 1, 3).
// CHECK-LABEL: func.func @qkv_split
// CHECK:       %[[MM:.*]] = top.MatMul({{.*}}) : (tensor<2x4x8xf32>, tensor<8x24xf32>, none) -> tensor<2x4x24xf32> loc("qkv")
// CHECK-NEXT:  %[[R:.*]] = top.Reshape(%[[MM]]) {shape = array<i64: 2, 4, 3, 2, 4>} : (tensor<2x4x24xf32>) -> tensor<2x4x3x2x4xf32> loc("rs")
// CHECK-NEXT:  %[[S0:.*]] = top.Slice(%[[R]]) {offset = array<i64: 0, 0, 0, 0, 0>, ends = array<i64: 2, 4, 1, 2, 4>, steps = array<i64: 1, 1, 1, 1, 1>} : (tensor<2x4x3x2x4xf32>) -> tensor<2x4x1x2x4xf32> loc("q_slice")
// CHECK-NEXT:  %[[Q0:.*]] = top.Squeeze(%[[S0]]) {axes = array<i64: 2>} : (tensor<2x4x1x2x4xf32>) -> tensor<2x4x2x4xf32> loc("q_squeeze")
// CHECK-NEXT:  %[[Q:.*]] = top.Permute(%[[Q0]]) {order = array<i64: 0, 2, 1, 3>} : (tensor<2x4x2x4xf32>) -> tensor<2x2x4x4xf32> loc("q")
// CHECK-NEXT:  %[[S1:.*]] = top.Slice(%[[R]]) {offset = array<i64: 0, 0, 1, 0, 0>, ends = array<i64: 2, 4, 2, 2, 4>, steps = array<i64: 1, 1, 1, 1, 1>} : (tensor<2x4x3x2x4xf32>) -> tensor<2x4x1x2x4xf32> loc("k_slice")
// CHECK-NEXT:  %[[K0:.*]] = top.Squeeze(%[[S1]]) {axes = array<i64: 2>} : (tensor<2x4x1x2x4xf32>) -> tensor<2x4x2x4xf32> loc("k_squeeze")
// CHECK-NEXT:  %[[K:.*]] = top.Permute(%[[K0]]) {order = array<i64: 0, 2, 1, 3>} : (tensor<2x4x2x4xf32>) -> tensor<2x2x4x4xf32> loc("k")
// CHECK-NEXT:  %[[S2:.*]] = top.Slice(%[[R]]) {offset = array<i64: 0, 0, 2, 0, 0>, ends = array<i64: 2, 4, 3, 2, 4>, steps = array<i64: 1, 1, 1, 1, 1>} : (tensor<2x4x3x2x4xf32>) -> tensor<2x4x1x2x4xf32> loc("v_slice")
// CHECK-NEXT:  %[[V0:.*]] = top.Squeeze(%[[S2]]) {axes = array<i64: 2>} : (tensor<2x4x1x2x4xf32>) -> tensor<2x4x2x4xf32> loc("v_squeeze")
// CHECK-NEXT:  %[[V:.*]] = top.Permute(%[[V0]]) {order = array<i64: 0, 2, 1, 3>} : (tensor<2x4x2x4xf32>) -> tensor<2x2x4x4xf32> loc("v")
// CHECK-NEXT:  func.return %[[Q]], %[[K]], %[[V]]
func.func @qkv_split(%arg0: tensor<2x4x8xf32>) -> (tensor<2x2x4x4xf32>, tensor<2x2x4x4xf32>, tensor<2x2x4x4xf32>) {
  %0 = top.Input(%arg0) : (tensor<2x4x8xf32>) -> tensor<2x4x8xf32> loc("x")
  %1 = top.Weight() : () -> tensor<8x24xf32> loc("w")
  %2 = top.None() : () -> none loc("none")
  %3 = top.MatMul(%0, %1, %2) : (tensor<2x4x8xf32>, tensor<8x24xf32>, none) -> tensor<2x4x24xf32> loc("qkv")
  %4 = top.Reshape(%3) {shape = array<i64: 2, 4, 3, 2, 4>} : (tensor<2x4x24xf32>) -> tensor<2x4x3x2x4xf32> loc("rs")
  %5 = top.Permute(%4) {order = array<i64: 2, 0, 3, 1, 4>} : (tensor<2x4x3x2x4xf32>) -> tensor<3x2x2x4x4xf32> loc("perm")
  %6 = top.Slice(%5) {offset = array<i64: 0, 0, 0, 0, 0>, ends = array<i64: 1, 2, 2, 4, 4>, steps = array<i64: 1, 1, 1, 1, 1>} : (tensor<3x2x2x4x4xf32>) -> tensor<1x2x2x4x4xf32> loc("s0")
  %7 = top.Squeeze(%6) {axes = array<i64: 0>} : (tensor<1x2x2x4x4xf32>) -> tensor<2x2x4x4xf32> loc("q")
  %8 = top.Slice(%5) {offset = array<i64: 1, 0, 0, 0, 0>, ends = array<i64: 2, 2, 2, 4, 4>, steps = array<i64: 1, 1, 1, 1, 1>} : (tensor<3x2x2x4x4xf32>) -> tensor<1x2x2x4x4xf32> loc("s1")
  %9 = top.Squeeze(%8) {axes = array<i64: 0>} : (tensor<1x2x2x4x4xf32>) -> tensor<2x2x4x4xf32> loc("k")
  %10 = top.Slice(%5) {offset = array<i64: 2, 0, 0, 0, 0>, ends = array<i64: 3, 2, 2, 4, 4>, steps = array<i64: 1, 1, 1, 1, 1>} : (tensor<3x2x2x4x4xf32>) -> tensor<1x2x2x4x4xf32> loc("s2")
  %11 = top.Squeeze(%10) {axes = array<i64: 0>} : (tensor<1x2x2x4x4xf32>) -> tensor<2x2x4x4xf32> loc("v")
  func.return %7, %9, %11 : tensor<2x2x4x4xf32>, tensor<2x2x4x4xf32>, tensor<2x2x4x4xf32>
}

// -----
// The Reshape may read Add(MatMul, bias) (with MatMulBiasFuse disabled the Add stays) or the
// fused MatMul (default); the Split form reaches the Slice form first (SplitToSliceForSqueeze).
// CHECK-LABEL: func.func @qkv_split_op_with_bias
// CHECK:       %[[MM:.*]] = top.MatMul({{.*}}) : (tensor<2x4x8xf32>, tensor<8x24xf32>, tensor<24xf32>) -> tensor<2x4x24xf32> loc("qkv")
// CHECK-NEXT:  %[[R:.*]] = top.Reshape(%[[MM]]) {{.*}} loc("rs")
// CHECK-NEXT:  top.Slice(%[[R]]) {offset = array<i64: 0, 0, 0, 0, 0>, ends = array<i64: 2, 4, 1, 2, 4>, {{.*}} loc("q_slice")
// CHECK-NOT:   top.Split
// CHECK-NOT:   top.Permute({{.*}}) {order = array<i64: 2, 0, 3, 1, 4>}
// NOFUSE-LABEL: func.func @qkv_split_op_with_bias
// NOFUSE:       %[[MM:.*]] = top.MatMul({{.*}}) : (tensor<2x4x8xf32>, tensor<8x24xf32>, none) -> tensor<2x4x24xf32> loc("qkv_mm")
// NOFUSE:       %[[A:.*]] = top.Add(%{{.*}}, %[[MM]]) : (tensor<24xf32>, tensor<2x4x24xf32>) -> tensor<2x4x24xf32> loc("qkv")
// NOFUSE-NEXT:  %[[R:.*]] = top.Reshape(%[[A]]) {{.*}} loc("rs")
// NOFUSE-NEXT:  top.Slice(%[[R]]) {offset = array<i64: 0, 0, 0, 0, 0>, ends = array<i64: 2, 4, 1, 2, 4>, {{.*}} loc("q_slice")
// NOFUSE-NEXT:  top.Squeeze({{.*}}) {axes = array<i64: 2>} {{.*}} loc("q_squeeze")
// NOFUSE-NEXT:  top.Permute({{.*}}) {order = array<i64: 0, 2, 1, 3>} : (tensor<2x4x2x4xf32>) -> tensor<2x2x4x4xf32> loc("q")
// NOFUSE-NOT:   top.Split
func.func @qkv_split_op_with_bias(%arg0: tensor<2x4x8xf32>) -> (tensor<2x2x4x4xf32>, tensor<2x2x4x4xf32>, tensor<2x2x4x4xf32>) {
  %0 = top.Input(%arg0) : (tensor<2x4x8xf32>) -> tensor<2x4x8xf32> loc("x")
  %1 = top.Weight() : () -> tensor<8x24xf32> loc("w")
  %2 = top.None() : () -> none loc("none")
  %3 = top.MatMul(%0, %1, %2) : (tensor<2x4x8xf32>, tensor<8x24xf32>, none) -> tensor<2x4x24xf32> loc("qkv_mm")
  %b = top.Weight() : () -> tensor<24xf32> loc("b")
  %a = top.Add(%b, %3) : (tensor<24xf32>, tensor<2x4x24xf32>) -> tensor<2x4x24xf32> loc("qkv")
  %4 = top.Reshape(%a) {shape = array<i64: 2, 4, 3, 2, 4>} : (tensor<2x4x24xf32>) -> tensor<2x4x3x2x4xf32> loc("rs")
  %5 = top.Permute(%4) {order = array<i64: 2, 0, 3, 1, 4>} : (tensor<2x4x3x2x4xf32>) -> tensor<3x2x2x4x4xf32> loc("perm")
  %6, %7, %8 = top.Split(%5) {axis = 0 : i64, split_size = array<i64: 1, 1, 1>} : (tensor<3x2x2x4x4xf32>) -> (tensor<1x2x2x4x4xf32>, tensor<1x2x2x4x4xf32>, tensor<1x2x2x4x4xf32>) loc(fused["s0", "s1", "s2"])
  %9 = top.Squeeze(%6) {axes = array<i64: 0>} : (tensor<1x2x2x4x4xf32>) -> tensor<2x2x4x4xf32> loc("q")
  %10 = top.Squeeze(%7) {axes = array<i64: 0>} : (tensor<1x2x2x4x4xf32>) -> tensor<2x2x4x4xf32> loc("k")
  %11 = top.Squeeze(%8) {axes = array<i64: 0>} : (tensor<1x2x2x4x4xf32>) -> tensor<2x2x4x4xf32> loc("v")
  func.return %9, %10, %11 : tensor<2x2x4x4xf32>, tensor<2x2x4x4xf32>, tensor<2x2x4x4xf32>
}

// -----
// Must not fire: the Reshape does not read a MatMul.
// CHECK-LABEL: func.func @no_qkv_not_matmul
// NOFUSE-LABEL: func.func @no_qkv_not_matmul
// CHECK:       top.Permute({{.*}}) {order = array<i64: 2, 0, 3, 1, 4>} {{.*}} loc("perm")
// CHECK-NOT:   loc("q_slice")
func.func @no_qkv_not_matmul(%arg0: tensor<2x4x24xf32>) -> (tensor<2x2x4x4xf32>, tensor<2x2x4x4xf32>, tensor<2x2x4x4xf32>) {
  %3 = top.Input(%arg0) : (tensor<2x4x24xf32>) -> tensor<2x4x24xf32> loc("x")
  %4 = top.Reshape(%3) {shape = array<i64: 2, 4, 3, 2, 4>} : (tensor<2x4x24xf32>) -> tensor<2x4x3x2x4xf32> loc("rs")
  %5 = top.Permute(%4) {order = array<i64: 2, 0, 3, 1, 4>} : (tensor<2x4x3x2x4xf32>) -> tensor<3x2x2x4x4xf32> loc("perm")
  %6 = top.Slice(%5) {offset = array<i64: 0, 0, 0, 0, 0>, ends = array<i64: 1, 2, 2, 4, 4>, steps = array<i64: 1, 1, 1, 1, 1>} : (tensor<3x2x2x4x4xf32>) -> tensor<1x2x2x4x4xf32> loc("s0")
  %7 = top.Squeeze(%6) {axes = array<i64: 0>} : (tensor<1x2x2x4x4xf32>) -> tensor<2x2x4x4xf32> loc("q")
  %8 = top.Slice(%5) {offset = array<i64: 1, 0, 0, 0, 0>, ends = array<i64: 2, 2, 2, 4, 4>, steps = array<i64: 1, 1, 1, 1, 1>} : (tensor<3x2x2x4x4xf32>) -> tensor<1x2x2x4x4xf32> loc("s1")
  %9 = top.Squeeze(%8) {axes = array<i64: 0>} : (tensor<1x2x2x4x4xf32>) -> tensor<2x2x4x4xf32> loc("k")
  %10 = top.Slice(%5) {offset = array<i64: 2, 0, 0, 0, 0>, ends = array<i64: 3, 2, 2, 4, 4>, steps = array<i64: 1, 1, 1, 1, 1>} : (tensor<3x2x2x4x4xf32>) -> tensor<1x2x2x4x4xf32> loc("s2")
  %11 = top.Squeeze(%10) {axes = array<i64: 0>} : (tensor<1x2x2x4x4xf32>) -> tensor<2x2x4x4xf32> loc("v")
  func.return %7, %9, %11 : tensor<2x2x4x4xf32>, tensor<2x2x4x4xf32>, tensor<2x2x4x4xf32>
}

// -----
// Must not fire: another order ((2, 0, 1, 3, 4) keeps tokens before heads).
// CHECK-LABEL: func.func @no_qkv_other_order
// CHECK:       top.Permute({{.*}}) {order = array<i64: 2, 0, 1, 3, 4>} {{.*}} loc("perm")
// CHECK-NOT:   loc("q_slice")
func.func @no_qkv_other_order(%arg0: tensor<2x4x8xf32>) -> (tensor<2x4x2x4xf32>, tensor<2x4x2x4xf32>, tensor<2x4x2x4xf32>) {
  %0 = top.Input(%arg0) : (tensor<2x4x8xf32>) -> tensor<2x4x8xf32> loc("x")
  %1 = top.Weight() : () -> tensor<8x24xf32> loc("w")
  %2 = top.None() : () -> none loc("none")
  %3 = top.MatMul(%0, %1, %2) : (tensor<2x4x8xf32>, tensor<8x24xf32>, none) -> tensor<2x4x24xf32> loc("qkv")
  %4 = top.Reshape(%3) {shape = array<i64: 2, 4, 3, 2, 4>} : (tensor<2x4x24xf32>) -> tensor<2x4x3x2x4xf32> loc("rs")
  %5 = top.Permute(%4) {order = array<i64: 2, 0, 1, 3, 4>} : (tensor<2x4x3x2x4xf32>) -> tensor<3x2x4x2x4xf32> loc("perm")
  %6 = top.Slice(%5) {offset = array<i64: 0, 0, 0, 0, 0>, ends = array<i64: 1, 2, 4, 2, 4>, steps = array<i64: 1, 1, 1, 1, 1>} : (tensor<3x2x4x2x4xf32>) -> tensor<1x2x4x2x4xf32> loc("s0")
  %7 = top.Squeeze(%6) {axes = array<i64: 0>} : (tensor<1x2x4x2x4xf32>) -> tensor<2x4x2x4xf32> loc("q")
  %8 = top.Slice(%5) {offset = array<i64: 1, 0, 0, 0, 0>, ends = array<i64: 2, 2, 4, 2, 4>, steps = array<i64: 1, 1, 1, 1, 1>} : (tensor<3x2x4x2x4xf32>) -> tensor<1x2x4x2x4xf32> loc("s1")
  %9 = top.Squeeze(%8) {axes = array<i64: 0>} : (tensor<1x2x4x2x4xf32>) -> tensor<2x4x2x4xf32> loc("k")
  %10 = top.Slice(%5) {offset = array<i64: 2, 0, 0, 0, 0>, ends = array<i64: 3, 2, 4, 2, 4>, steps = array<i64: 1, 1, 1, 1, 1>} : (tensor<3x2x4x2x4xf32>) -> tensor<1x2x4x2x4xf32> loc("s2")
  %11 = top.Squeeze(%10) {axes = array<i64: 0>} : (tensor<1x2x4x2x4xf32>) -> tensor<2x4x2x4xf32> loc("v")
  func.return %7, %9, %11 : tensor<2x4x2x4xf32>, tensor<2x4x2x4xf32>, tensor<2x4x2x4xf32>
}

// -----
// Must not fire: only two of the three branches (the Permute result would still be needed).
// CHECK-LABEL: func.func @no_qkv_missing_branch
// CHECK:       top.Permute({{.*}}) {order = array<i64: 2, 0, 3, 1, 4>} {{.*}} loc("perm")
// CHECK-NOT:   loc("q_slice")
func.func @no_qkv_missing_branch(%arg0: tensor<2x4x8xf32>) -> (tensor<2x2x4x4xf32>, tensor<2x2x4x4xf32>) {
  %0 = top.Input(%arg0) : (tensor<2x4x8xf32>) -> tensor<2x4x8xf32> loc("x")
  %1 = top.Weight() : () -> tensor<8x24xf32> loc("w")
  %2 = top.None() : () -> none loc("none")
  %3 = top.MatMul(%0, %1, %2) : (tensor<2x4x8xf32>, tensor<8x24xf32>, none) -> tensor<2x4x24xf32> loc("qkv")
  %4 = top.Reshape(%3) {shape = array<i64: 2, 4, 3, 2, 4>} : (tensor<2x4x24xf32>) -> tensor<2x4x3x2x4xf32> loc("rs")
  %5 = top.Permute(%4) {order = array<i64: 2, 0, 3, 1, 4>} : (tensor<2x4x3x2x4xf32>) -> tensor<3x2x2x4x4xf32> loc("perm")
  %6 = top.Slice(%5) {offset = array<i64: 0, 0, 0, 0, 0>, ends = array<i64: 1, 2, 2, 4, 4>, steps = array<i64: 1, 1, 1, 1, 1>} : (tensor<3x2x2x4x4xf32>) -> tensor<1x2x2x4x4xf32> loc("s0")
  %7 = top.Squeeze(%6) {axes = array<i64: 0>} : (tensor<1x2x2x4x4xf32>) -> tensor<2x2x4x4xf32> loc("q")
  %8 = top.Slice(%5) {offset = array<i64: 1, 0, 0, 0, 0>, ends = array<i64: 2, 2, 2, 4, 4>, steps = array<i64: 1, 1, 1, 1, 1>} : (tensor<3x2x2x4x4xf32>) -> tensor<1x2x2x4x4xf32> loc("s1")
  %9 = top.Squeeze(%8) {axes = array<i64: 0>} : (tensor<1x2x2x4x4xf32>) -> tensor<2x2x4x4xf32> loc("k")
  func.return %7, %9 : tensor<2x2x4x4xf32>, tensor<2x2x4x4xf32>
}

// -----
// Must not fire: one Slice takes two indices (0:2) and is not squeezed.
// CHECK-LABEL: func.func @no_qkv_wide_slice
// CHECK:       top.Permute({{.*}}) {order = array<i64: 2, 0, 3, 1, 4>} {{.*}} loc("perm")
// CHECK-NOT:   loc("q_slice")
func.func @no_qkv_wide_slice(%arg0: tensor<2x4x8xf32>) -> (tensor<2x2x2x4x4xf32>, tensor<2x2x4x4xf32>) {
  %0 = top.Input(%arg0) : (tensor<2x4x8xf32>) -> tensor<2x4x8xf32> loc("x")
  %1 = top.Weight() : () -> tensor<8x24xf32> loc("w")
  %2 = top.None() : () -> none loc("none")
  %3 = top.MatMul(%0, %1, %2) : (tensor<2x4x8xf32>, tensor<8x24xf32>, none) -> tensor<2x4x24xf32> loc("qkv")
  %4 = top.Reshape(%3) {shape = array<i64: 2, 4, 3, 2, 4>} : (tensor<2x4x24xf32>) -> tensor<2x4x3x2x4xf32> loc("rs")
  %5 = top.Permute(%4) {order = array<i64: 2, 0, 3, 1, 4>} : (tensor<2x4x3x2x4xf32>) -> tensor<3x2x2x4x4xf32> loc("perm")
  %6 = top.Slice(%5) {offset = array<i64: 0, 0, 0, 0, 0>, ends = array<i64: 2, 2, 2, 4, 4>, steps = array<i64: 1, 1, 1, 1, 1>} : (tensor<3x2x2x4x4xf32>) -> tensor<2x2x2x4x4xf32> loc("qk")
  %8 = top.Slice(%5) {offset = array<i64: 2, 0, 0, 0, 0>, ends = array<i64: 3, 2, 2, 4, 4>, steps = array<i64: 1, 1, 1, 1, 1>} : (tensor<3x2x2x4x4xf32>) -> tensor<1x2x2x4x4xf32> loc("s2")
  %9 = top.Squeeze(%8) {axes = array<i64: 0>} : (tensor<1x2x2x4x4xf32>) -> tensor<2x2x4x4xf32> loc("v")
  func.return %6, %9 : tensor<2x2x2x4x4xf32>, tensor<2x2x4x4xf32>
}

// -----
// Must not fire: a Slice has a second user besides its Squeeze.
// CHECK-LABEL: func.func @no_qkv_slice_two_users
// CHECK:       top.Permute({{.*}}) {order = array<i64: 2, 0, 3, 1, 4>} {{.*}} loc("perm")
// CHECK-NOT:   loc("q_slice")
func.func @no_qkv_slice_two_users(%arg0: tensor<2x4x8xf32>) -> (tensor<2x2x4x4xf32>, tensor<2x2x4x4xf32>, tensor<2x2x4x4xf32>, tensor<1x2x2x4x4xf32>) {
  %0 = top.Input(%arg0) : (tensor<2x4x8xf32>) -> tensor<2x4x8xf32> loc("x")
  %1 = top.Weight() : () -> tensor<8x24xf32> loc("w")
  %2 = top.None() : () -> none loc("none")
  %3 = top.MatMul(%0, %1, %2) : (tensor<2x4x8xf32>, tensor<8x24xf32>, none) -> tensor<2x4x24xf32> loc("qkv")
  %4 = top.Reshape(%3) {shape = array<i64: 2, 4, 3, 2, 4>} : (tensor<2x4x24xf32>) -> tensor<2x4x3x2x4xf32> loc("rs")
  %5 = top.Permute(%4) {order = array<i64: 2, 0, 3, 1, 4>} : (tensor<2x4x3x2x4xf32>) -> tensor<3x2x2x4x4xf32> loc("perm")
  %6 = top.Slice(%5) {offset = array<i64: 0, 0, 0, 0, 0>, ends = array<i64: 1, 2, 2, 4, 4>, steps = array<i64: 1, 1, 1, 1, 1>} : (tensor<3x2x2x4x4xf32>) -> tensor<1x2x2x4x4xf32> loc("s0")
  %7 = top.Squeeze(%6) {axes = array<i64: 0>} : (tensor<1x2x2x4x4xf32>) -> tensor<2x2x4x4xf32> loc("q")
  %8 = top.Slice(%5) {offset = array<i64: 1, 0, 0, 0, 0>, ends = array<i64: 2, 2, 2, 4, 4>, steps = array<i64: 1, 1, 1, 1, 1>} : (tensor<3x2x2x4x4xf32>) -> tensor<1x2x2x4x4xf32> loc("s1")
  %9 = top.Squeeze(%8) {axes = array<i64: 0>} : (tensor<1x2x2x4x4xf32>) -> tensor<2x2x4x4xf32> loc("k")
  %10 = top.Slice(%5) {offset = array<i64: 2, 0, 0, 0, 0>, ends = array<i64: 3, 2, 2, 4, 4>, steps = array<i64: 1, 1, 1, 1, 1>} : (tensor<3x2x2x4x4xf32>) -> tensor<1x2x2x4x4xf32> loc("s2")
  %11 = top.Squeeze(%10) {axes = array<i64: 0>} : (tensor<1x2x2x4x4xf32>) -> tensor<2x2x4x4xf32> loc("v")
  func.return %7, %9, %11, %6 : tensor<2x2x4x4xf32>, tensor<2x2x4x4xf32>, tensor<2x2x4x4xf32>, tensor<1x2x2x4x4xf32>
}

// -----
// Must not fire: a Split result has two users, so the Split stays and the Permute feeds it.
// CHECK-LABEL: func.func @no_qkv_split_result_two_users
// CHECK:       top.Permute({{.*}}) {order = array<i64: 2, 0, 3, 1, 4>} {{.*}} loc("perm")
// CHECK-NEXT:  top.Split
// CHECK-NOT:   loc("q_slice")
func.func @no_qkv_split_result_two_users(%arg0: tensor<2x4x8xf32>) -> (tensor<2x2x4x4xf32>, tensor<2x2x4x4xf32>, tensor<2x2x4x4xf32>, tensor<2x2x4x4xf32>) {
  %0 = top.Input(%arg0) : (tensor<2x4x8xf32>) -> tensor<2x4x8xf32> loc("x")
  %1 = top.Weight() : () -> tensor<8x24xf32> loc("w")
  %2 = top.None() : () -> none loc("none")
  %3 = top.MatMul(%0, %1, %2) : (tensor<2x4x8xf32>, tensor<8x24xf32>, none) -> tensor<2x4x24xf32> loc("qkv")
  %4 = top.Reshape(%3) {shape = array<i64: 2, 4, 3, 2, 4>} : (tensor<2x4x24xf32>) -> tensor<2x4x3x2x4xf32> loc("rs")
  %5 = top.Permute(%4) {order = array<i64: 2, 0, 3, 1, 4>} : (tensor<2x4x3x2x4xf32>) -> tensor<3x2x2x4x4xf32> loc("perm")
  %6, %7, %8 = top.Split(%5) {axis = 0 : i64, split_size = array<i64: 1, 1, 1>} : (tensor<3x2x2x4x4xf32>) -> (tensor<1x2x2x4x4xf32>, tensor<1x2x2x4x4xf32>, tensor<1x2x2x4x4xf32>) loc(fused["s0", "s1", "s2"])
  %9 = top.Squeeze(%6) {axes = array<i64: 0>} : (tensor<1x2x2x4x4xf32>) -> tensor<2x2x4x4xf32> loc("q")
  %10 = top.Squeeze(%7) {axes = array<i64: 0>} : (tensor<1x2x2x4x4xf32>) -> tensor<2x2x4x4xf32> loc("k")
  %11 = top.Squeeze(%8) {axes = array<i64: 0>} : (tensor<1x2x2x4x4xf32>) -> tensor<2x2x4x4xf32> loc("v")
  %12 = top.Squeeze(%8) {axes = array<i64: 0>} : (tensor<1x2x2x4x4xf32>) -> tensor<2x2x4x4xf32> loc("v2")
  func.return %9, %10, %11, %12 : tensor<2x2x4x4xf32>, tensor<2x2x4x4xf32>, tensor<2x2x4x4xf32>, tensor<2x2x4x4xf32>
}
