// convert-top-to-tpu of an activation x activation MatMul in tpu-mlir's attention form
// (hdim_is_batch, right_transpose: q [b, s, h, d] x k [b, s, h, d] -> scores [b, s, h, s]) with no
// bias (top.None stays). Float modes cast both inputs; INT8 quantises both inputs with their
// calibrated scales and requantises the int32 product by one multiplier/rshift for the whole
// tensor: s_q * s_k / s_out = 0.01 * 0.02 / 0.1 = 0.002 = 1099511628 / 2**39.
//
// TABLE: q 1.27
// TABLE: k 2.54
// TABLE: scores 12.7
//
// RUN: %python %S/Inputs/prepare.py %s %t
// RUN: tpuc-opt %t/m.mlir -p 'convert-top-to-tpu{mode=F32}' | filecheck %s --check-prefix=F32
// RUN: tpuc-opt %t/m.mlir -p 'convert-top-to-tpu{mode=F16}' | filecheck %s --check-prefix=F16 -DT=f16 -DCAST=float16
// RUN: tpuc-opt %t/m.mlir -p 'convert-top-to-tpu{mode=BF16}' | filecheck %s --check-prefix=F16 -DT=bf16 -DCAST=bfloat16
// RUN: tpuc-opt %t/m.mlir -p 'convert-top-to-tpu{mode=INT8 quant_output=true calibration_table="%t/m.table"}' | filecheck %s --check-prefix=INT8

module attributes {module.name = "attn", module.weight_file = "w.npz"} {
  func.func @main(%arg0: tensor<1x4x2x8xf32>, %arg1: tensor<1x4x2x8xf32>) -> tensor<1x4x2x4xf32> {
    %0 = top.Input(%arg0) : (tensor<1x4x2x8xf32>) -> tensor<1x4x2x8xf32> loc("q")
    %1 = top.Input(%arg1) : (tensor<1x4x2x8xf32>) -> tensor<1x4x2x8xf32> loc("k")
    %2 = top.None() : () -> none loc("none")
    %3 = top.MatMul(%0, %1, %2) {hdim_is_batch = 1 : i64, right_transpose = 1 : i64} : (tensor<1x4x2x8xf32>, tensor<1x4x2x8xf32>, none) -> tensor<1x4x2x4xf32> loc("scores")
    func.return %3 : tensor<1x4x2x4xf32>
  }
}

// F32:      %[[Q:.*]] = top.Input(%arg0)
// F32-NEXT: %[[K:.*]] = top.Input(%arg1)
// F32-NEXT: %[[N:.*]] = top.None() : () -> none
// F32-NEXT: %[[S:.*]] = tpu.MatMul(%[[Q]], %[[K]], %[[N]]) {hdim_is_batch = 1 : i64, right_transpose = 1 : i64, quant_mode = "F32"} : (tensor<1x4x2x8xf32>, tensor<1x4x2x8xf32>, none) -> tensor<1x4x2x4xf32> loc("scores")
// F32-NEXT: func.return %[[S]]

// F16:      %[[Q:.*]] = top.Input(%arg0)
// F16-NEXT: %[[K:.*]] = top.Input(%arg1)
// F16-NEXT: %[[N:.*]] = top.None() : () -> none
// F16-NEXT: %[[QH:.*]] = tpu.Cast(%[[Q]]) : (tensor<1x4x2x8xf32>) -> tensor<1x4x2x8x[[T]]> loc("q_[[CAST]]")
// F16-NEXT: %[[KH:.*]] = tpu.Cast(%[[K]]) : (tensor<1x4x2x8xf32>) -> tensor<1x4x2x8x[[T]]> loc("k_[[CAST]]")
// F16-NEXT: %[[S:.*]] = tpu.MatMul(%[[QH]], %[[KH]], %[[N]]) {hdim_is_batch = 1 : i64, right_transpose = 1 : i64, quant_mode = "{{B?F16}}"} : (tensor<1x4x2x8x[[T]]>, tensor<1x4x2x8x[[T]]>, none) -> tensor<1x4x2x4x[[T]]> loc("scores")
// F16-NEXT: %[[O:.*]] = tpu.Cast(%[[S]]) : (tensor<1x4x2x4x[[T]]>) -> tensor<1x4x2x4xf32> loc("scores_float32")
// F16-NEXT: func.return %[[O]] : tensor<1x4x2x4xf32>

// INT8:      %[[Q:.*]] = top.Input(%arg0)
// INT8-NEXT: %[[K:.*]] = top.Input(%arg1)
// INT8-NEXT: %[[N:.*]] = top.None() : () -> none
// INT8-NEXT: %[[QQ:.*]] = tpu.Cast(%[[Q]]) {qscale = 1.000000e-02 : f64} : (tensor<1x4x2x8xf32>) -> tensor<1x4x2x8xi8> loc("q_int8")
// INT8-NEXT: %[[KQ:.*]] = tpu.Cast(%[[K]]) {qscale = 2.000000e-02 : f64} : (tensor<1x4x2x8xf32>) -> tensor<1x4x2x8xi8> loc("k_int8")
// INT8-NEXT: %[[S:.*]] = tpu.MatMul(%[[QQ]], %[[KQ]], %[[N]]) {hdim_is_batch = 1 : i64, right_transpose = 1 : i64, quant_mode = "INT8", qscale = 0.099999999999999992 : f64, multiplier = array<i64: 1099511628>, rshift = array<i64: 39>} : (tensor<1x4x2x8xi8>, tensor<1x4x2x8xi8>, none) -> tensor<1x4x2x4xi8> loc("scores")
// INT8-NEXT: %[[O:.*]] = tpu.Cast(%[[S]]) {qscale = 0.099999999999999992 : f64} : (tensor<1x4x2x4xi8>) -> tensor<1x4x2x4xf32> loc("scores_float32")
// INT8-NEXT: func.return %[[O]] : tensor<1x4x2x4xf32>
