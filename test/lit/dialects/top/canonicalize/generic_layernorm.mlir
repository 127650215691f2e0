// top-canonicalize, layernorm_fusion.py (LayerNormFusion, rooted at the Sqrt): the decomposed
// LayerNorm over the trailing axes, (x - mean) / sqrt(mean((x - mean)^2) + eps) [* gamma] [+ beta],
// becomes top.LayerNorm named as the last op matched. Needs the weight store (eps and the
// exponent are weights).
// RUN: mkdir -p %t && %python -c "import numpy as np; np.savez('%t/ln_w.npz', eps=np.array(1e-5, np.float32), two=np.array(2, np.float32), three=np.array(3, np.float32), gamma=np.arange(1, 5, dtype=np.float32), beta=np.arange(4, dtype=np.float32), gamma13=np.ones((1, 1, 4), np.float32), gamma34=np.ones((3, 4), np.float32))" && cp %s %t/ln.mlir
// RUN: tpuc-opt %t/ln.mlir -p top-canonicalize --split-input-file | filecheck %s --check-prefixes=CHECK,STORE
// RUN: tpuc-opt %s -p top-canonicalize --split-input-file | filecheck %s --check-prefixes=CHECK,NOSTORE

// PyTorch's form: Pow(d, 2), Div, Mul gamma, Add beta -> LayerNorm(x, gamma, beta) "y".
// CHECK-LABEL: func.func @pytorch_form
// CHECK-NEXT:  %[[X:.*]] = top.Input(%{{.*}}) : (tensor<2x3x4xf32>) -> tensor<2x3x4xf32> loc("x")
// STORE-NEXT:  %[[G:.*]] = top.Weight() : () -> tensor<4xf32> loc("gamma")
// STORE-NEXT:  %[[B:.*]] = top.Weight() : () -> tensor<4xf32> loc("beta")
// STORE-NEXT:  %[[L:.*]] = top.LayerNorm(%[[X]], %[[G]], %[[B]]) {axis = 2 : i64, eps = 9.99999974{{[0-9]*}}e-06 : f64} : (tensor<2x3x4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<2x3x4xf32> loc("y")
// STORE-NEXT:  func.return %[[L]] : tensor<2x3x4xf32>
// NOSTORE:     top.Sqrt
// NOSTORE-NOT: top.LayerNorm
module attributes {module.weight_file = "ln_w.npz"} {
  func.func @pytorch_form(%arg0: tensor<2x3x4xf32>) -> tensor<2x3x4xf32> {
    %0 = top.Input(%arg0) : (tensor<2x3x4xf32>) -> tensor<2x3x4xf32> loc("x")
    %1 = top.Reduce(%0) {axes = array<i64: -1>, keepdims = 1 : i64, mode = "ReduceMean"} : (tensor<2x3x4xf32>) -> tensor<2x3x1xf32> loc("mean")
    %2 = top.Sub(%0, %1) : (tensor<2x3x4xf32>, tensor<2x3x1xf32>) -> tensor<2x3x4xf32> loc("d")
    %3 = top.Weight() : () -> tensor<f32> loc("two")
    %4 = top.Pow(%2, %3) : (tensor<2x3x4xf32>, tensor<f32>) -> tensor<2x3x4xf32> loc("sq")
    %5 = top.Reduce(%4) {axes = array<i64: -1>, keepdims = 1 : i64, mode = "ReduceMean"} : (tensor<2x3x4xf32>) -> tensor<2x3x1xf32> loc("var")
    %6 = top.Weight() : () -> tensor<f32> loc("eps")
    %7 = top.Add(%5, %6) : (tensor<2x3x1xf32>, tensor<f32>) -> tensor<2x3x1xf32> loc("ve")
    %8 = top.Sqrt(%7) : (tensor<2x3x1xf32>) -> tensor<2x3x1xf32> loc("std")
    %9 = top.Div(%2, %8) : (tensor<2x3x4xf32>, tensor<2x3x1xf32>) -> tensor<2x3x4xf32> loc("n")
    %10 = top.Weight() : () -> tensor<4xf32> loc("gamma")
    %11 = top.Mul(%9, %10) : (tensor<2x3x4xf32>, tensor<4xf32>) -> tensor<2x3x4xf32> loc("scaled")
    %12 = top.Weight() : () -> tensor<4xf32> loc("beta")
    %13 = top.Add(%12, %11) : (tensor<4xf32>, tensor<2x3x4xf32>) -> tensor<2x3x4xf32> loc("y")
    func.return %13 : tensor<2x3x4xf32>
  }
}

// -----
// Over the last two axes, Mul(d, d), the Reciprocal form, eps first, a [1, 1, 4] gamma (trimmed to
// the normalised rank: a new weight y_gamma of shape [1, 4]) and no beta.
// CHECK-LABEL: func.func @reciprocal_form
// CHECK-NEXT:  %[[X:.*]] = top.Input(%{{.*}}) : (tensor<2x3x4xf32>) -> tensor<2x3x4xf32> loc("x")
// STORE-NEXT:  %[[G:.*]] = top.Weight() : () -> tensor<1x4xf32> loc("y_gamma")
// STORE-NEXT:  %[[N:.*]] = top.None() : () -> none loc("none")
// STORE-NEXT:  %[[L:.*]] = top.LayerNorm(%[[X]], %[[G]], %[[N]]) {axis = 1 : i64, eps = {{.*}}} : (tensor<2x3x4xf32>, tensor<1x4xf32>, none) -> tensor<2x3x4xf32> loc("y")
// STORE-NEXT:  func.return %[[L]] : tensor<2x3x4xf32>
module attributes {module.weight_file = "ln_w.npz"} {
  func.func @reciprocal_form(%arg0: tensor<2x3x4xf32>) -> tensor<2x3x4xf32> {
    %0 = top.Input(%arg0) : (tensor<2x3x4xf32>) -> tensor<2x3x4xf32> loc("x")
    %1 = top.Reduce(%0) {axes = array<i64: 1, 2>, keepdims = 1 : i64, mode = "ReduceMean"} : (tensor<2x3x4xf32>) -> tensor<2x1x1xf32> loc("mean")
    %2 = top.Sub(%0, %1) : (tensor<2x3x4xf32>, tensor<2x1x1xf32>) -> tensor<2x3x4xf32> loc("d")
    %4 = top.Mul(%2, %2) : (tensor<2x3x4xf32>, tensor<2x3x4xf32>) -> tensor<2x3x4xf32> loc("sq")
    %5 = top.Reduce(%4) {axes = array<i64: 1, 2>, keepdims = 1 : i64, mode = "ReduceMean"} : (tensor<2x3x4xf32>) -> tensor<2x1x1xf32> loc("var")
    %6 = top.Weight() : () -> tensor<f32> loc("eps")
    %7 = top.Add(%6, %5) : (tensor<f32>, tensor<2x1x1xf32>) -> tensor<2x1x1xf32> loc("ve")
    %8 = top.Sqrt(%7) : (tensor<2x1x1xf32>) -> tensor<2x1x1xf32> loc("std")
    %9 = top.Reciprocal(%8) : (tensor<2x1x1xf32>) -> tensor<2x1x1xf32> loc("rstd")
    %10 = top.Mul(%9, %2) : (tensor<2x1x1xf32>, tensor<2x3x4xf32>) -> tensor<2x3x4xf32> loc("n")
    %11 = top.Weight() : () -> tensor<1x1x4xf32> loc("gamma13")
    %12 = top.Mul(%10, %11) : (tensor<2x3x4xf32>, tensor<1x1x4xf32>) -> tensor<2x3x4xf32> loc("y")
    func.return %12 : tensor<2x3x4xf32>
  }
}

// -----
// Partial matches: the fusion stops before a gamma that varies along a leading (not normalised)
// axis ([3, 4] for a LayerNorm over the last axis); it is the plain LayerNorm "n" then.
// CHECK-LABEL: func.func @gamma_not_normalised_axes
// STORE:       %[[N:.*]] = top.None() : () -> none loc("none")
// STORE-NEXT:  %[[L:.*]] = top.LayerNorm(%{{.*}}, %[[N]], %[[N]]) {axis = 2 : i64, {{.*}}} : (tensor<2x3x4xf32>, none, none) -> tensor<2x3x4xf32> loc("n")
// STORE-NEXT:  %[[G:.*]] = top.Weight() : () -> tensor<3x4xf32> loc("gamma34")
// STORE-NEXT:  top.Mul(%[[L]], %[[G]]) {{.*}} loc("y")
module attributes {module.weight_file = "ln_w.npz"} {
  func.func @gamma_not_normalised_axes(%arg0: tensor<2x3x4xf32>) -> tensor<2x3x4xf32> {
    %0 = top.Input(%arg0) : (tensor<2x3x4xf32>) -> tensor<2x3x4xf32> loc("x")
    %1 = top.Reduce(%0) {axes = array<i64: 2>, keepdims = 1 : i64, mode = "ReduceMean"} : (tensor<2x3x4xf32>) -> tensor<2x3x1xf32> loc("mean")
    %2 = top.Sub(%0, %1) : (tensor<2x3x4xf32>, tensor<2x3x1xf32>) -> tensor<2x3x4xf32> loc("d")
    %3 = top.Weight() : () -> tensor<f32> loc("two")
    %4 = top.Pow(%2, %3) : (tensor<2x3x4xf32>, tensor<f32>) -> tensor<2x3x4xf32> loc("sq")
    %5 = top.Reduce(%4) {axes = array<i64: 2>, keepdims = 1 : i64, mode = "ReduceMean"} : (tensor<2x3x4xf32>) -> tensor<2x3x1xf32> loc("var")
    %6 = top.Weight() : () -> tensor<f32> loc("eps")
    %7 = top.Add(%5, %6) : (tensor<2x3x1xf32>, tensor<f32>) -> tensor<2x3x1xf32> loc("ve")
    %8 = top.Sqrt(%7) : (tensor<2x3x1xf32>) -> tensor<2x3x1xf32> loc("std")
    %9 = top.Div(%2, %8) : (tensor<2x3x4xf32>, tensor<2x3x1xf32>) -> tensor<2x3x4xf32> loc("n")
    %10 = top.Weight() : () -> tensor<3x4xf32> loc("gamma34")
    %11 = top.Mul(%9, %10) : (tensor<2x3x4xf32>, tensor<3x4xf32>) -> tensor<2x3x4xf32> loc("y")
    func.return %11 : tensor<2x3x4xf32>
  }
}

// -----
// Must not fuse: the exponent is 3; the mean is a graph output too; the reductions are over
// axis 1 of three (not the trailing axes).
// CHECK-LABEL: func.func @must_not_fuse
// CHECK-NOT:   top.LayerNorm
// CHECK:       func.return
module attributes {module.weight_file = "ln_w.npz"} {
  func.func @must_not_fuse(%arg0: tensor<2x3x4xf32>) -> (tensor<2x3x4xf32>, tensor<2x3x4xf32>, tensor<2x3x1xf32>, tensor<2x3x4xf32>) {
    %0 = top.Input(%arg0) : (tensor<2x3x4xf32>) -> tensor<2x3x4xf32> loc("x")
    %two = top.Weight() : () -> tensor<f32> loc("two")
    %three = top.Weight() : () -> tensor<f32> loc("three")
    %eps = top.Weight() : () -> tensor<f32> loc("eps")
    %1 = top.Reduce(%0) {axes = array<i64: 2>, keepdims = 1 : i64, mode = "ReduceMean"} : (tensor<2x3x4xf32>) -> tensor<2x3x1xf32> loc("mean1")
    %2 = top.Sub(%0, %1) : (tensor<2x3x4xf32>, tensor<2x3x1xf32>) -> tensor<2x3x4xf32> loc("d1")
    %3 = top.Pow(%2, %three) : (tensor<2x3x4xf32>, tensor<f32>) -> tensor<2x3x4xf32> loc("cube")
    %4 = top.Reduce(%3) {axes = array<i64: 2>, keepdims = 1 : i64, mode = "ReduceMean"} : (tensor<2x3x4xf32>) -> tensor<2x3x1xf32> loc("var1")
    %5 = top.Add(%4, %eps) : (tensor<2x3x1xf32>, tensor<f32>) -> tensor<2x3x1xf32> loc("ve1")
    %6 = top.Sqrt(%5) : (tensor<2x3x1xf32>) -> tensor<2x3x1xf32> loc("std1")
    %7 = top.Div(%2, %6) : (tensor<2x3x4xf32>, tensor<2x3x1xf32>) -> tensor<2x3x4xf32> loc("n1")
    %11 = top.Reduce(%0) {axes = array<i64: 2>, keepdims = 1 : i64, mode = "ReduceMean"} : (tensor<2x3x4xf32>) -> tensor<2x3x1xf32> loc("mean2")
    %12 = top.Sub(%0, %11) : (tensor<2x3x4xf32>, tensor<2x3x1xf32>) -> tensor<2x3x4xf32> loc("d2")
    %13 = top.Pow(%12, %two) : (tensor<2x3x4xf32>, tensor<f32>) -> tensor<2x3x4xf32> loc("sq2")
    %14 = top.Reduce(%13) {axes = array<i64: 2>, keepdims = 1 : i64, mode = "ReduceMean"} : (tensor<2x3x4xf32>) -> tensor<2x3x1xf32> loc("var2")
    %15 = top.Add(%14, %eps) : (tensor<2x3x1xf32>, tensor<f32>) -> tensor<2x3x1xf32> loc("ve2")
    %16 = top.Sqrt(%15) : (tensor<2x3x1xf32>) -> tensor<2x3x1xf32> loc("std2")
    %17 = top.Div(%12, %16) : (tensor<2x3x4xf32>, tensor<2x3x1xf32>) -> tensor<2x3x4xf32> loc("n2")
    %21 = top.Reduce(%0) {axes = array<i64: 1>, keepdims = 1 : i64, mode = "ReduceMean"} : (tensor<2x3x4xf32>) -> tensor<2x1x4xf32> loc("mean3")
    %22 = top.Sub(%0, %21) : (tensor<2x3x4xf32>, tensor<2x1x4xf32>) -> tensor<2x3x4xf32> loc("d3")
    %23 = top.Pow(%22, %two) : (tensor<2x3x4xf32>, tensor<f32>) -> tensor<2x3x4xf32> loc("sq3")
    %24 = top.Reduce(%23) {axes = array<i64: 1>, keepdims = 1 : i64, mode = "ReduceMean"} : (tensor<2x3x4xf32>) -> tensor<2x1x4xf32> loc("var3")
    %25 = top.Add(%24, %eps) : (tensor<2x1x4xf32>, tensor<f32>) -> tensor<2x1x4xf32> loc("ve3")
    %26 = top.Sqrt(%25) : (tensor<2x1x4xf32>) -> tensor<2x1x4xf32> loc("std3")
    %27 = top.Div(%22, %26) : (tensor<2x3x4xf32>, tensor<2x1x4xf32>) -> tensor<2x3x4xf32> loc("n3")
    func.return %7, %17, %11, %27 : tensor<2x3x4xf32>, tensor<2x3x4xf32>, tensor<2x3x1xf32>, tensor<2x3x4xf32>
  }
}
