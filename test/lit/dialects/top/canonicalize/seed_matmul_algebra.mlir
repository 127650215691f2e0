// top-canonicalize, matmul_algebra.py (the seed's algebraic simplifications and the attention
// scale fold). All need the weight store (the NOSTORE run shows nothing fires without it).
// * ScaleIntoProjection: Mul/Div(view of MatMul(x, W, b), C) -> the view of MatMul(x, W C, b C)
//   when C is per column or scalar and no other consumer reads a scaled column; values now
//   holding scaled data are renamed <name>_scaled, the value replacing the Mul takes its name.
// * ScaleThroughMatMul: Mul/Div(MatMul(q, k), c) -> MatMul(q c, k), c folded into q's projection.
// * ScaleIntoSummedProjections: Div(Add(MatMul(a, W1), MatMul(c, W2)), C) -> Add(MatMul(a, W1/C), ..).
// * SharedMatMulBias: MatMul(a, B, C1), MatMul(a, B, C2) -> y2 = Add(y1, C2 - C1).
// * GatheredTableMatMul: MatMul(Gather(T, idx), W, b) -> Gather(T W + b, idx) (table not larger).
// The Slice(pos_embedding) -> MatMul form is constant folding (FoldConstantOp).
// RUN: mkdir -p %t && %python -c "import numpy as np; r = np.random.default_rng(0); f = lambda *s: r.standard_normal(s).astype(np.float32); np.savez('%t/mm_w.npz', W=np.arange(32, dtype=np.float32).reshape(8, 4), B=np.ones(4, np.float32), Bfull=f(5, 4), C=np.array([0.5, 2, 4, 0.25], np.float32), Crow=np.arange(1, 6, dtype=np.float32).reshape(5, 1), s=np.array(0.25, np.float32), Wqkv=f(8, 24), bqkv=f(24), sq=np.array([8.0], np.float32), T=f(10, 8), Wt=f(8, 4), Wbig=f(8, 16), C1=f(4), C2=f(4))" && cp %s %t/mm.mlir
// RUN: tpuc-opt %t/mm.mlir -p top-canonicalize --split-input-file -o %t/out.mlir && filecheck %s --check-prefixes=CHECK,STORE < %t/out.mlir
// RUN: tpuc-opt %s -p top-canonicalize --split-input-file | filecheck %s --check-prefixes=CHECK,NOSTORE
// The last chunk's weights: W [8, 4] = arange(32) scaled by C per column, B = ones scaled by C.
// RUN: %python %S/../../../Inputs/npz_dump.py %t/out_weight.npz | filecheck %s --check-prefix=NPZ
// NPZ: B_scaled: shape=[4] dtype=float32 values=[0.5, 2.0, 4.0, 0.25]
// NPZ: W_scaled: shape=[8, 4] dtype=float32 values=[0.0, 2.0, 8.0, 0.75, 2.0, 10.0, 24.0, 1.75, 4.0, 18.0, 40.0, 2.75, 6.0, 26.0, 56.0, 3.75]

// Full bias [5, 4] (not fusable as a MatMul bias) and a scalar Div: the Add form.
// CHECK-LABEL: func.func @add_form_div
// STORE:       %[[W:.*]] = top.Weight() : () -> tensor<8x4xf32> loc("W_scaled")
// STORE-NEXT:  %[[M:.*]] = top.MatMul(%{{.*}}, %[[W]], %{{.*}}) : (tensor<2x5x8xf32>, tensor<8x4xf32>, none) -> tensor<2x5x4xf32> loc("mm_scaled")
// STORE-NEXT:  %[[B:.*]] = top.Weight() : () -> tensor<5x4xf32> loc("add_bias_scaled")
// STORE-NEXT:  %[[Y:.*]] = top.Add(%[[B]], %[[M]]) : (tensor<5x4xf32>, tensor<2x5x4xf32>) -> tensor<2x5x4xf32> loc("y")
// STORE-NEXT:  func.return %[[Y]]
// NOSTORE:     top.Div
module attributes {module.weight_file = "mm_w.npz"} {
  func.func @add_form_div(%arg0: tensor<2x5x8xf32>) -> tensor<2x5x4xf32> {
    %0 = top.Input(%arg0) : (tensor<2x5x8xf32>) -> tensor<2x5x8xf32> loc("x")
    %1 = top.Weight() : () -> tensor<8x4xf32> loc("W")
    %2 = top.None() : () -> none loc("none")
    %3 = top.MatMul(%0, %1, %2) : (tensor<2x5x8xf32>, tensor<8x4xf32>, none) -> tensor<2x5x4xf32> loc("mm")
    %4 = top.Weight() : () -> tensor<5x4xf32> loc("Bfull")
    %5 = top.Add(%4, %3) : (tensor<5x4xf32>, tensor<2x5x4xf32>) -> tensor<2x5x4xf32> loc("add")
    %6 = top.Weight() : () -> tensor<f32> loc("s")
    %7 = top.Div(%5, %6) : (tensor<2x5x4xf32>, tensor<f32>) -> tensor<2x5x4xf32> loc("y")
    func.return %7 : tensor<2x5x4xf32>
  }
}

// -----
// Must not fire: C varies by row ([5, 1]), not by column; the MatMul result is also a graph output.
// CHECK-LABEL: func.func @refused
// CHECK-COUNT-2: top.Mul
module attributes {module.weight_file = "mm_w.npz"} {
  func.func @refused(%arg0: tensor<2x5x8xf32>) -> (tensor<2x5x4xf32>, tensor<2x5x4xf32>, tensor<2x5x4xf32>) {
    %0 = top.Input(%arg0) : (tensor<2x5x8xf32>) -> tensor<2x5x8xf32> loc("x")
    %1 = top.Weight() : () -> tensor<8x4xf32> loc("W")
    %2 = top.Weight() : () -> tensor<4xf32> loc("B")
    %3 = top.MatMul(%0, %1, %2) : (tensor<2x5x8xf32>, tensor<8x4xf32>, tensor<4xf32>) -> tensor<2x5x4xf32> loc("mm1")
    %4 = top.Weight() : () -> tensor<5x1xf32> loc("Crow")
    %5 = top.Mul(%3, %4) : (tensor<2x5x4xf32>, tensor<5x1xf32>) -> tensor<2x5x4xf32> loc("y1")
    %6 = top.MatMul(%0, %1, %2) : (tensor<2x5x8xf32>, tensor<8x4xf32>, tensor<4xf32>) -> tensor<2x5x4xf32> loc("mm2")
    %7 = top.Weight() : () -> tensor<4xf32> loc("C")
    %8 = top.Mul(%6, %7) : (tensor<2x5x4xf32>, tensor<4xf32>) -> tensor<2x5x4xf32> loc("y2")
    func.return %5, %8, %6 : tensor<2x5x4xf32>, tensor<2x5x4xf32>, tensor<2x5x4xf32>
  }
}

// -----
// Attention: q * scale where q is the Split/Squeeze view of a fused qkv projection. Only q's
// columns of Wqkv/bqkv are scaled; the chain up to q is renamed *_scaled, k and v keep their
// names (v is a graph output through a Reshape). (The whole pipeline runs: the Split becomes
// Slices, the Mul first sinks below the Permute, which the hdim_is_batch MatMul then absorbs;
// the q Squeeze ends up holding the Mul's value, "qs_before_permute".)
// CHECK-LABEL: func.func @qkv_scale
// STORE:       top.Weight() : () -> tensor<8x24xf32> loc("Wqkv_scaled")
// STORE-NEXT:  top.Weight() : () -> tensor<24xf32> loc("bqkv_scaled")
// STORE-NEXT:  %[[QKV:.*]] = top.MatMul({{.*}} loc("qkv_scaled")
// STORE-NEXT:  %[[R:.*]] = top.Reshape(%[[QKV]]) {{.*}} loc("r_scaled")
// STORE-NEXT:  %[[Q5:.*]] = top.Slice(%[[R]]) {{.*}} loc("q5_scaled")
// STORE-NEXT:  %[[K5:.*]] = top.Slice(%[[R]]) {{.*}} loc("k5")
// STORE-NEXT:  %[[V5:.*]] = top.Slice(%[[R]]) {{.*}} loc("v5")
// STORE-NEXT:  %[[Q:.*]] = top.Squeeze(%[[Q5]]) {{.*}} loc("qs_before_permute")
// STORE-NEXT:  %[[K:.*]] = top.Squeeze(%[[K5]]) {{.*}} loc("k")
// STORE-NOT:   top.Mul
// NOSTORE:     top.Mul({{.*}} loc("qs_before_permute")
module attributes {module.weight_file = "mm_w.npz"} {
  func.func @qkv_scale(%arg0: tensor<1x6x8xf32>) -> (tensor<1x2x6x6xf32>, tensor<1x6x8xf32>) {
    %0 = top.Input(%arg0) : (tensor<1x6x8xf32>) -> tensor<1x6x8xf32> loc("x")
    %1 = top.Weight() : () -> tensor<8x24xf32> loc("Wqkv")
    %2 = top.Weight() : () -> tensor<24xf32> loc("bqkv")
    %3 = top.MatMul(%0, %1, %2) : (tensor<1x6x8xf32>, tensor<8x24xf32>, tensor<24xf32>) -> tensor<1x6x24xf32> loc("qkv")
    %4 = top.Reshape(%3) {shape = array<i64: 1, 6, 3, 2, 4>} : (tensor<1x6x24xf32>) -> tensor<1x6x3x2x4xf32> loc("r")
    %5, %6, %7 = top.Split(%4) {axis = 2 : i64, split_size = array<i64: 1, 1, 1>} : (tensor<1x6x3x2x4xf32>) -> (tensor<1x6x1x2x4xf32>, tensor<1x6x1x2x4xf32>, tensor<1x6x1x2x4xf32>) loc(fused["q5", "k5", "v5"])
    %8 = top.Squeeze(%5) {axes = array<i64: 2>} : (tensor<1x6x1x2x4xf32>) -> tensor<1x6x2x4xf32> loc("q")
    %9 = top.Squeeze(%6) {axes = array<i64: 2>} : (tensor<1x6x1x2x4xf32>) -> tensor<1x6x2x4xf32> loc("k")
    %10 = top.Permute(%8) {order = array<i64: 0, 2, 1, 3>} : (tensor<1x6x2x4xf32>) -> tensor<1x2x6x4xf32> loc("qt")
    %11 = top.Weight() : () -> tensor<1xf32> loc("sq")
    %12 = top.Mul(%10, %11) : (tensor<1x2x6x4xf32>, tensor<1xf32>) -> tensor<1x2x6x4xf32> loc("qs")
    %13 = top.Permute(%9) {order = array<i64: 0, 2, 3, 1>} : (tensor<1x6x2x4xf32>) -> tensor<1x2x4x6xf32> loc("kt")
    %14 = top.None() : () -> none loc("none")
    %15 = top.MatMul(%12, %13, %14) : (tensor<1x2x6x4xf32>, tensor<1x2x4x6xf32>, none) -> tensor<1x2x6x6xf32> loc("scores")
    %16 = top.Softmax(%15) {axis = 3 : i64} : (tensor<1x2x6x6xf32>) -> tensor<1x2x6x6xf32> loc("attn")
    %17 = top.Squeeze(%7) {axes = array<i64: 2>} : (tensor<1x6x1x2x4xf32>) -> tensor<1x6x2x4xf32> loc("v")
    %18 = top.Reshape(%17) {shape = array<i64: 1, 6, 8>} : (tensor<1x6x2x4xf32>) -> tensor<1x6x8xf32> loc("vflat")
    func.return %16, %18 : tensor<1x2x6x6xf32>, tensor<1x6x8xf32>
  }
}

// -----
// Attention: Div(q @ k^T, sqrt(d)) after the scores MatMul: the 1/8 goes into q's projection
// and the scores MatMul takes the Div's name.
// CHECK-LABEL: func.func @scores_div
// STORE:       %[[Q:.*]] = top.MatMul({{.*}} loc("q_scaled")
// STORE:       %[[S:.*]] = top.MatMul(%[[Q]], %{{.*}}, %{{.*}}) {right_transpose = true} {{.*}} loc("scaled_scores")
// STORE-NEXT:  top.Softmax(%[[S]])
// STORE-NOT:   top.Div
// NOSTORE:     top.Div
module attributes {module.weight_file = "mm_w.npz"} {
  func.func @scores_div(%arg0: tensor<6x8xf32>, %arg1: tensor<6x4xf32>) -> tensor<6x6xf32> {
    %0 = top.Input(%arg0) : (tensor<6x8xf32>) -> tensor<6x8xf32> loc("x")
    %1 = top.Input(%arg1) : (tensor<6x4xf32>) -> tensor<6x4xf32> loc("k")
    %2 = top.Weight() : () -> tensor<8x4xf32> loc("Wt")
    %3 = top.Weight() : () -> tensor<4xf32> loc("B")
    %4 = top.MatMul(%0, %2, %3) : (tensor<6x8xf32>, tensor<8x4xf32>, tensor<4xf32>) -> tensor<6x4xf32> loc("q")
    %5 = top.None() : () -> none loc("none")
    %6 = top.MatMul(%4, %1, %5) {right_transpose = true} : (tensor<6x4xf32>, tensor<6x4xf32>, none) -> tensor<6x6xf32> loc("scores")
    %7 = top.Weight() : () -> tensor<1xf32> loc("sq")
    %8 = top.Div(%6, %7) : (tensor<6x6xf32>, tensor<1xf32>) -> tensor<6x6xf32> loc("scaled_scores")
    %9 = top.Softmax(%8) {axis = 1 : i64} : (tensor<6x6xf32>) -> tensor<6x6xf32> loc("attn")
    func.return %9 : tensor<6x6xf32>
  }
}

// -----
// The seed's Add(MatMul, MatMul) + Div: the divisor is distributed over both projections.
// CHECK-LABEL: func.func @summed_div
// STORE:       %[[M1:.*]] = top.MatMul({{.*}} loc("m1_scaled")
// STORE:       %[[M2:.*]] = top.MatMul({{.*}} loc("m2_scaled")
// STORE-NEXT:  %[[Y:.*]] = top.Add(%[[M1]], %[[M2]]) : (tensor<2x5x4xf32>, tensor<2x5x4xf32>) -> tensor<2x5x4xf32> loc("y")
// STORE-NEXT:  func.return %[[Y]]
// NOSTORE:     top.Div
module attributes {module.weight_file = "mm_w.npz"} {
  func.func @summed_div(%arg0: tensor<2x5x8xf32>, %arg1: tensor<2x5x8xf32>) -> tensor<2x5x4xf32> {
    %0 = top.Input(%arg0) : (tensor<2x5x8xf32>) -> tensor<2x5x8xf32> loc("a")
    %1 = top.Input(%arg1) : (tensor<2x5x8xf32>) -> tensor<2x5x8xf32> loc("c")
    %2 = top.Weight() : () -> tensor<8x4xf32> loc("W")
    %3 = top.Weight() : () -> tensor<4xf32> loc("B")
    %4 = top.MatMul(%0, %2, %3) : (tensor<2x5x8xf32>, tensor<8x4xf32>, tensor<4xf32>) -> tensor<2x5x4xf32> loc("m1")
    %5 = top.Weight() : () -> tensor<8x4xf32> loc("Wt")
    %6 = top.None() : () -> none loc("none")
    %7 = top.MatMul(%1, %5, %6) : (tensor<2x5x8xf32>, tensor<8x4xf32>, none) -> tensor<2x5x4xf32> loc("m2")
    %8 = top.Add(%4, %7) : (tensor<2x5x4xf32>, tensor<2x5x4xf32>) -> tensor<2x5x4xf32> loc("s")
    %9 = top.Weight() : () -> tensor<1xf32> loc("sq")
    %10 = top.Div(%8, %9) : (tensor<2x5x4xf32>, tensor<1xf32>) -> tensor<2x5x4xf32> loc("y")
    func.return %10 : tensor<2x5x4xf32>
  }
}

// -----
// The seed's y1 = MatMul(a, B) + C1, y2 = MatMul(a, B) + C2 (biases fused): y2 = y1 + (C2 - C1).
// The third MatMul has another weight and stays.
// CHECK-LABEL: func.func @shared_matmul
// STORE:       %[[Y1:.*]] = top.MatMul({{.*}} loc("y1")
// STORE:       %[[D:.*]] = top.Weight() : () -> tensor<4xf32> loc("y2_bias_delta")
// STORE-NEXT:  %[[Y2:.*]] = top.Add(%[[Y1]], %[[D]]) : (tensor<3x8x4xf32>, tensor<4xf32>) -> tensor<3x8x4xf32> loc("y2")
// STORE-NEXT:  top.Weight() {{.*}} loc("W")
// STORE-NEXT:  top.MatMul({{.*}} loc("y3")
// NOSTORE-COUNT-3: top.MatMul
module attributes {module.weight_file = "mm_w.npz"} {
  func.func @shared_matmul(%arg0: tensor<3x8x8xf32>) -> (tensor<3x8x4xf32>, tensor<3x8x4xf32>, tensor<3x8x4xf32>) {
    %0 = top.Input(%arg0) : (tensor<3x8x8xf32>) -> tensor<3x8x8xf32> loc("a")
    %1 = top.Weight() : () -> tensor<8x4xf32> loc("Wt")
    %2 = top.Weight() : () -> tensor<4xf32> loc("C1")
    %3 = top.Weight() : () -> tensor<4xf32> loc("C2")
    %4 = top.MatMul(%0, %1, %2) : (tensor<3x8x8xf32>, tensor<8x4xf32>, tensor<4xf32>) -> tensor<3x8x4xf32> loc("y1")
    %5 = top.MatMul(%0, %1, %3) : (tensor<3x8x8xf32>, tensor<8x4xf32>, tensor<4xf32>) -> tensor<3x8x4xf32> loc("y2")
    %6 = top.Weight() : () -> tensor<8x4xf32> loc("W")
    %7 = top.MatMul(%0, %6, %3) : (tensor<3x8x8xf32>, tensor<8x4xf32>, tensor<4xf32>) -> tensor<3x8x4xf32> loc("y3")
    func.return %4, %5, %7 : tensor<3x8x4xf32>, tensor<3x8x4xf32>, tensor<3x8x4xf32>
  }
}

// -----
// The seed's pos_embedding: Gather rows of a constant table, then a MatMul -> precomputed table.
// A MatMul widening the rows (8 -> 16) would grow the table: refused.
// CHECK-LABEL: func.func @gathered_table
// STORE:       %[[T:.*]] = top.Weight() : () -> tensor<10x4xf32> loc("y_table")
// STORE-NEXT:  top.Gather(%[[T]], %{{.*}}) {axis = 0 : i64} : (tensor<10x4xf32>, tensor<2x3xi64>) -> tensor<2x3x4xf32> loc("y")
// STORE:       top.Gather({{.*}} loc("g2")
// STORE-NEXT:  top.Weight() : () -> tensor<8x16xf32> loc("Wbig")
// STORE-NEXT:  top.None
// STORE-NEXT:  top.MatMul({{.*}} loc("wide")
// NOSTORE-COUNT-2: top.MatMul
module attributes {module.weight_file = "mm_w.npz"} {
  func.func @gathered_table(%arg0: tensor<2x3xi64>) -> (tensor<2x3x4xf32>, tensor<2x3x16xf32>) {
    %0 = top.Input(%arg0) : (tensor<2x3xi64>) -> tensor<2x3xi64> loc("idx")
    %1 = top.Weight() : () -> tensor<10x8xf32> loc("T")
    %2 = top.Gather(%1, %0) {axis = 0 : i64} : (tensor<10x8xf32>, tensor<2x3xi64>) -> tensor<2x3x8xf32> loc("g")
    %3 = top.Weight() : () -> tensor<8x4xf32> loc("Wt")
    %4 = top.Weight() : () -> tensor<4xf32> loc("B")
    %5 = top.MatMul(%2, %3, %4) : (tensor<2x3x8xf32>, tensor<8x4xf32>, tensor<4xf32>) -> tensor<2x3x4xf32> loc("y")
    %6 = top.Gather(%1, %0) {axis = 0 : i64} : (tensor<10x8xf32>, tensor<2x3xi64>) -> tensor<2x3x8xf32> loc("g2")
    %7 = top.Weight() : () -> tensor<8x16xf32> loc("Wbig")
    %8 = top.None() : () -> none loc("none")
    %9 = top.MatMul(%6, %7, %8) : (tensor<2x3x8xf32>, tensor<8x16xf32>, none) -> tensor<2x3x16xf32> loc("wide")
    func.return %5, %9 : tensor<2x3x4xf32>, tensor<2x3x16xf32>
  }
}

// -----
// Static Slice of the table, then MatMul: both fold to one weight named as the MatMul.
// CHECK-LABEL: func.func @sliced_table
// STORE-NEXT:  %[[X:.*]] = top.Input
// STORE-NEXT:  %[[P:.*]] = top.Weight() : () -> tensor<3x4xf32> loc("pos_proj")
// STORE-NEXT:  top.Add(%[[X]], %[[P]])
// NOSTORE:     top.Slice
module attributes {module.weight_file = "mm_w.npz"} {
  func.func @sliced_table(%arg0: tensor<3x4xf32>) -> tensor<3x4xf32> {
    %0 = top.Input(%arg0) : (tensor<3x4xf32>) -> tensor<3x4xf32> loc("x")
    %1 = top.Weight() : () -> tensor<10x8xf32> loc("T")
    %2 = top.Slice(%1) {offset = array<i64: 2, 0>, ends = array<i64: 5, 8>, steps = array<i64: 1, 1>} : (tensor<10x8xf32>) -> tensor<3x8xf32> loc("pos")
    %3 = top.Weight() : () -> tensor<8x4xf32> loc("Wt")
    %4 = top.None() : () -> none loc("none")
    %5 = top.MatMul(%2, %3, %4) : (tensor<3x8xf32>, tensor<8x4xf32>, none) -> tensor<3x4xf32> loc("pos_proj")
    %6 = top.Add(%0, %5) : (tensor<3x4xf32>, tensor<3x4xf32>) -> tensor<3x4xf32> loc("y")
    func.return %6 : tensor<3x4xf32>
  }
}

// -----
// The seed form Mul(Add(MatMul(x, W), B), C) with a per-column C = [0.5, 2, 4, 0.25]: the bias
// fuses first, then C goes into W and B (values checked in the NPZ lines above).
// CHECK-LABEL: func.func @seed_form
// STORE-NEXT:  %[[X:.*]] = top.Input
// STORE-NEXT:  %[[W:.*]] = top.Weight() : () -> tensor<8x4xf32> loc("W_scaled")
// STORE-NEXT:  %[[B:.*]] = top.Weight() : () -> tensor<4xf32> loc("B_scaled")
// STORE-NEXT:  %[[Y:.*]] = top.MatMul(%[[X]], %[[W]], %[[B]]) : (tensor<2x5x8xf32>, tensor<8x4xf32>, tensor<4xf32>) -> tensor<2x5x4xf32> loc("y")
// STORE-NEXT:  func.return %[[Y]]
// NOSTORE:     top.Mul
module attributes {module.weight_file = "mm_w.npz"} {
  func.func @seed_form(%arg0: tensor<2x5x8xf32>) -> tensor<2x5x4xf32> {
    %0 = top.Input(%arg0) : (tensor<2x5x8xf32>) -> tensor<2x5x8xf32> loc("x")
    %1 = top.Weight() : () -> tensor<8x4xf32> loc("W")
    %2 = top.None() : () -> none loc("none")
    %3 = top.MatMul(%0, %1, %2) : (tensor<2x5x8xf32>, tensor<8x4xf32>, none) -> tensor<2x5x4xf32> loc("mm")
    %4 = top.Weight() : () -> tensor<4xf32> loc("B")
    %5 = top.Add(%3, %4) : (tensor<2x5x4xf32>, tensor<4xf32>) -> tensor<2x5x4xf32> loc("add")
    %6 = top.Weight() : () -> tensor<4xf32> loc("C")
    %7 = top.Mul(%5, %6) : (tensor<2x5x4xf32>, tensor<4xf32>) -> tensor<2x5x4xf32> loc("y")
    func.return %7 : tensor<2x5x4xf32>
  }
}
