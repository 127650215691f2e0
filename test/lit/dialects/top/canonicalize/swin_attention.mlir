// top-canonicalize on one Swin window-attention block as the ONNX importer emits it (2 windows of
// 4 tokens, 8 channels, 2 heads of 4): qkv MatMul + Add bias -> Reshape [2, 4, 3, 2, 4] ->
// Permute(2, 0, 3, 1, 4) -> Split -> Squeeze x3 -> q * scale, k^T via Permute(0, 1, 3, 2) ->
// MatMul -> Add relative-position bias -> Softmax -> MatMul v -> Permute(0, 2, 1, 3) -> Reshape ->
// proj MatMul + Add bias. After canonicalization no Permute is left between the qkv MatMul and
// the proj MatMul: both attention MatMuls are hdim_is_batch (q k^T with right_transpose), the
// q scale folded into the qkv projection weights (ScaleIntoProjection: qkv_w_scaled), the bias Add
// (with the bias weight permuted once, rel_bias_permuted) and the Softmax
// run in the [b, s, h, d] layout, and both biases are fused.
// RUN: mkdir -p %t && %python -c "import numpy as np; r = np.random.default_rng(0); np.savez('%t/swin_w.npz', qkv_w=r.standard_normal((8, 24), np.float32), qkv_b=r.standard_normal(24, np.float32), scale=np.array(0.5, np.float32), rel_bias=r.standard_normal((1, 2, 4, 4), np.float32), proj_w=r.standard_normal((8, 8), np.float32), proj_b=r.standard_normal(8, np.float32))" && cp %s %t/swin.mlir
// RUN: tpuc-opt %t/swin.mlir -p top-canonicalize -o %t/out.mlir
// RUN: filecheck %s < %t/out.mlir
// RUN: filecheck %s --check-prefix=LOOSE < %t/out.mlir

// CHECK-LABEL: func.func @main
// CHECK-NEXT:  %[[X:.*]] = top.Input(%{{.*}}) : (tensor<2x4x8xf32>) -> tensor<2x4x8xf32> loc("x")
// CHECK-NEXT:  %[[N:.*]] = top.None() : () -> none loc("none")
// CHECK-NEXT:  %[[WQKV:.*]] = top.Weight() : () -> tensor<8x24xf32> loc("qkv_w_scaled")
// CHECK-NEXT:  %[[BQKV:.*]] = top.Weight() : () -> tensor<24xf32> loc("qkv_b_scaled")
// CHECK-NEXT:  %[[QKV:.*]] = top.MatMul(%[[X]], %[[WQKV]], %[[BQKV]]) : (tensor<2x4x8xf32>, tensor<8x24xf32>, tensor<24xf32>) -> tensor<2x4x24xf32> loc("qkv_scaled")
// CHECK-NOT:   top.Permute
// CHECK:       %[[R:.*]] = top.Reshape(%[[QKV]]) {shape = array<i64: 2, 4, 3, 2, 4>} : (tensor<2x4x24xf32>) -> tensor<2x4x3x2x4xf32> loc("qkv_reshape_scaled")
// CHECK-NEXT:  %[[QS:.*]] = top.Slice(%[[R]]) {offset = array<i64: 0, 0, 0, 0, 0>, ends = array<i64: 2, 4, 1, 2, 4>, steps = array<i64: 1, 1, 1, 1, 1>} : (tensor<2x4x3x2x4xf32>) -> tensor<2x4x1x2x4xf32> loc("q_scaled_slice")
// CHECK-NEXT:  %[[Q:.*]] = top.Squeeze(%[[QS]]) {axes = array<i64: 2>} : (tensor<2x4x1x2x4xf32>) -> tensor<2x4x2x4xf32> loc("q_scaled_squeeze")
// CHECK-NEXT:  %[[KS:.*]] = top.Slice(%[[R]]) {offset = array<i64: 0, 0, 1, 0, 0>, ends = array<i64: 2, 4, 2, 2, 4>, steps = array<i64: 1, 1, 1, 1, 1>} : (tensor<2x4x3x2x4xf32>) -> tensor<2x4x1x2x4xf32> loc("k_slice")
// CHECK-NEXT:  %[[K:.*]] = top.Squeeze(%[[KS]]) {axes = array<i64: 2>} : (tensor<2x4x1x2x4xf32>) -> tensor<2x4x2x4xf32> loc("k_squeeze")
// CHECK-NEXT:  %[[VS:.*]] = top.Slice(%[[R]]) {offset = array<i64: 0, 0, 2, 0, 0>, ends = array<i64: 2, 4, 3, 2, 4>, steps = array<i64: 1, 1, 1, 1, 1>} : (tensor<2x4x3x2x4xf32>) -> tensor<2x4x1x2x4xf32> loc("v_slice")
// CHECK-NEXT:  %[[V:.*]] = top.Squeeze(%[[VS]]) {axes = array<i64: 2>} : (tensor<2x4x1x2x4xf32>) -> tensor<2x4x2x4xf32> loc("v_squeeze")
// CHECK-NEXT:  %[[A:.*]] = top.MatMul(%[[Q]], %[[K]], %[[N]]) {hdim_is_batch = true, right_transpose = true} : (tensor<2x4x2x4xf32>, tensor<2x4x2x4xf32>, none) -> tensor<2x4x2x4xf32> loc("attn_hdim")
// CHECK-NEXT:  %[[RB:.*]] = top.Weight() : () -> tensor<1x4x2x4xf32> loc("rel_bias_permuted")
// CHECK-NEXT:  %[[AB:.*]] = top.Add(%[[A]], %[[RB]]) : (tensor<2x4x2x4xf32>, tensor<1x4x2x4xf32>) -> tensor<2x4x2x4xf32> loc("attn_bias_before_permute")
// CHECK-NEXT:  %[[SM:.*]] = top.Softmax(%[[AB]]) {axis = 3 : i64} : (tensor<2x4x2x4xf32>) -> tensor<2x4x2x4xf32> loc("attn_softmax_before_permute")
// CHECK-NEXT:  %[[O:.*]] = top.MatMul(%[[SM]], %[[V]], %[[N]]) {hdim_is_batch = true, right_transpose = false} : (tensor<2x4x2x4xf32>, tensor<2x4x2x4xf32>, none) -> tensor<2x4x2x4xf32> loc("attn_v_hdim")
// CHECK-NEXT:  %[[OR:.*]] = top.Reshape(%[[O]]) {shape = array<i64: 2, 4, 8>} : (tensor<2x4x2x4xf32>) -> tensor<2x4x8xf32> loc("attn_out")
// CHECK-NEXT:  %[[WP:.*]] = top.Weight() : () -> tensor<8x8xf32> loc("proj_w")
// CHECK-NEXT:  %[[BP:.*]] = top.Weight() : () -> tensor<8xf32> loc("proj_b")
// CHECK-NEXT:  %[[P:.*]] = top.MatMul(%[[OR]], %[[WP]], %[[BP]]) : (tensor<2x4x8xf32>, tensor<8x8xf32>, tensor<8xf32>) -> tensor<2x4x8xf32> loc("proj")
// CHECK-NEXT:  func.return %[[P]] : tensor<2x4x8xf32>
// The same, checked loosely: no Permute from the qkv MatMul to the proj MatMul.
// LOOSE-LABEL: func.func @main
// LOOSE:       top.MatMul({{.*}} loc("qkv_scaled")
// LOOSE-NOT:   top.Permute
// LOOSE:       top.MatMul({{.*}}) {hdim_is_batch = true, right_transpose = true}
// LOOSE-NOT:   top.Permute
// LOOSE:       top.MatMul({{.*}}) {hdim_is_batch = true, right_transpose = false}
// LOOSE-NOT:   top.Permute
// LOOSE:       top.MatMul({{.*}} loc("proj")
module attributes {module.weight_file = "swin_w.npz"} {
  func.func @main(%arg0: tensor<2x4x8xf32>) -> tensor<2x4x8xf32> {
    %0 = top.Input(%arg0) : (tensor<2x4x8xf32>) -> tensor<2x4x8xf32> loc("x")
    %1 = top.Weight() : () -> tensor<8x24xf32> loc("qkv_w")
    %2 = top.None() : () -> none loc("none")
    %3 = top.MatMul(%0, %1, %2) : (tensor<2x4x8xf32>, tensor<8x24xf32>, none) -> tensor<2x4x24xf32> loc("qkv_mm")
    %4 = top.Weight() : () -> tensor<24xf32> loc("qkv_b")
    %5 = top.Add(%4, %3) : (tensor<24xf32>, tensor<2x4x24xf32>) -> tensor<2x4x24xf32> loc("qkv")
    %6 = top.Reshape(%5) {shape = array<i64: 2, 4, 3, 2, 4>} : (tensor<2x4x24xf32>) -> tensor<2x4x3x2x4xf32> loc("qkv_reshape")
    %7 = top.Permute(%6) {order = array<i64: 2, 0, 3, 1, 4>} : (tensor<2x4x3x2x4xf32>) -> tensor<3x2x2x4x4xf32> loc("qkv_permute")
    %8, %9, %10 = top.Split(%7) {axis = 0 : i64, split_size = array<i64: 1, 1, 1>} : (tensor<3x2x2x4x4xf32>) -> (tensor<1x2x2x4x4xf32>, tensor<1x2x2x4x4xf32>, tensor<1x2x2x4x4xf32>) loc(fused["qkv_split_0", "qkv_split_1", "qkv_split_2"])
    %11 = top.Squeeze(%8) {axes = array<i64: 0>} : (tensor<1x2x2x4x4xf32>) -> tensor<2x2x4x4xf32> loc("q")
    %12 = top.Squeeze(%9) {axes = array<i64: 0>} : (tensor<1x2x2x4x4xf32>) -> tensor<2x2x4x4xf32> loc("k")
    %13 = top.Squeeze(%10) {axes = array<i64: 0>} : (tensor<1x2x2x4x4xf32>) -> tensor<2x2x4x4xf32> loc("v")
    %14 = top.Weight() : () -> tensor<f32> loc("scale")
    %15 = top.Mul(%11, %14) : (tensor<2x2x4x4xf32>, tensor<f32>) -> tensor<2x2x4x4xf32> loc("q_scaled")
    %16 = top.Permute(%12) {order = array<i64: 0, 1, 3, 2>} : (tensor<2x2x4x4xf32>) -> tensor<2x2x4x4xf32> loc("k_t")
    %17 = top.MatMul(%15, %16, %2) : (tensor<2x2x4x4xf32>, tensor<2x2x4x4xf32>, none) -> tensor<2x2x4x4xf32> loc("attn")
    %18 = top.Weight() : () -> tensor<1x2x4x4xf32> loc("rel_bias")
    %19 = top.Add(%17, %18) : (tensor<2x2x4x4xf32>, tensor<1x2x4x4xf32>) -> tensor<2x2x4x4xf32> loc("attn_bias")
    %20 = top.Softmax(%19) {axis = 3 : i64} : (tensor<2x2x4x4xf32>) -> tensor<2x2x4x4xf32> loc("attn_softmax")
    %21 = top.MatMul(%20, %13, %2) : (tensor<2x2x4x4xf32>, tensor<2x2x4x4xf32>, none) -> tensor<2x2x4x4xf32> loc("attn_v")
    %22 = top.Permute(%21) {order = array<i64: 0, 2, 1, 3>} : (tensor<2x2x4x4xf32>) -> tensor<2x4x2x4xf32> loc("attn_v_t")
    %23 = top.Reshape(%22) {shape = array<i64: 2, 4, 8>} : (tensor<2x4x2x4xf32>) -> tensor<2x4x8xf32> loc("attn_out")
    %24 = top.Weight() : () -> tensor<8x8xf32> loc("proj_w")
    %25 = top.MatMul(%23, %24, %2) : (tensor<2x4x8xf32>, tensor<8x8xf32>, none) -> tensor<2x4x8xf32> loc("proj_mm")
    %26 = top.Weight() : () -> tensor<8xf32> loc("proj_b")
    %27 = top.Add(%26, %25) : (tensor<8xf32>, tensor<2x4x8xf32>) -> tensor<2x4x8xf32> loc("proj")
    func.return %27 : tensor<2x4x8xf32>
  }
}
