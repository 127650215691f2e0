// Round trip of a lowered module (custom print -> parse -> print, and through the generic form):
// the quantisation properties (quant_mode, qscale as f64, per-channel multiplier/rshift arrays),
// the chip-only tpu.Cast / tpu.Requant / tpu.Lut, int8/int32/f16/bf16 storage types, top.Input /
// top.Weight / top.None kept at the boundary, and the module's lowering attributes survive.
// RUN: %roundtrip
// RUN: %generic-roundtrip
// RUN: tpuc-opt %s --generic | filecheck %s --check-prefix=GEN

module attributes {module.name = "m", module.weight_file = "m_weight.npz", module.chip = "bm1684x", module.mode = "INT8", module.state = "TPU_LOWERED"} {
  func.func @main(%arg0: tensor<1x2x8x8xf32>) -> (tensor<1x4x8x8xf32>, tensor<1x4x8x8xf32>) {
    %0 = top.Input(%arg0) : (tensor<1x2x8x8xf32>) -> tensor<1x2x8x8xf32> loc("x")
    %1 = top.None() : () -> none loc("none")
    %2 = tpu.Cast(%0) {qscale = 1.000000e-02 : f64} : (tensor<1x2x8x8xf32>) -> tensor<1x2x8x8xi8> loc("x_int8")
    %3 = top.Weight() : () -> tensor<4x2x3x3xi8> loc("w_int8")
    %4 = top.Weight() : () -> tensor<4xi32> loc("b_int32")
    %5 = tpu.Conv(%2, %3, %4) {kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 1 : i64, do_relu = 1 : i64, quant_mode = "INT8", qscale = 0.099999999999999992 : f64, multiplier = array<i64: 1731514368, 1731514368, 1731514368, 1731514368>, rshift = array<i64: 41, 40, 39, 38>} : (tensor<1x2x8x8xi8>, tensor<4x2x3x3xi8>, tensor<4xi32>) -> tensor<1x4x8x8xi8> loc("conv")
    %6 = tpu.Requant(%5) {quant_mode = "INT8", qscale = 2.000000e-01 : f64, multiplier = array<i64: 1073741824>, rshift = array<i64: 31>} : (tensor<1x4x8x8xi8>) -> tensor<1x4x8x8xi8> loc("conv_requant")
    %7 = top.Weight() : () -> tensor<256xi8> loc("sig_lut")
    %8 = tpu.Lut(%6, %7) {quant_mode = "INT8", qscale = 0.007874015748031496 : f64} : (tensor<1x4x8x8xi8>, tensor<256xi8>) -> tensor<1x4x8x8xi8> loc("sig")
    %9 = tpu.Add(%5, %8) {quant_mode = "INT8", qscale = 3.000000e-02 : f64, multiplier = array<i64: 715827883, 1431655765>, rshift = array<i64: 31>} : (tensor<1x4x8x8xi8>, tensor<1x4x8x8xi8>) -> tensor<1x4x8x8xi8> loc("add")
    %10 = tpu.Cast(%9) {qscale = 3.000000e-02 : f64} : (tensor<1x4x8x8xi8>) -> tensor<1x4x8x8xf16> loc("add_float16")
    %11 = tpu.Softmax(%10) {axis = 1 : i64, quant_mode = "F16"} : (tensor<1x4x8x8xf16>) -> tensor<1x4x8x8xf16> loc("sm")
    %12 = tpu.Cast(%11) : (tensor<1x4x8x8xf16>) -> tensor<1x4x8x8xf32> loc("sm_float32")
    %13 = tpu.Cast(%0) : (tensor<1x2x8x8xf32>) -> tensor<1x2x8x8xbf16> loc("x_bfloat16")
    %14 = top.Weight() : () -> tensor<4x2x1x1xbf16> loc("w2_bfloat16")
    %15 = tpu.Conv(%13, %14, %1) {kernel_shape = array<i64: 1, 1>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, quant_mode = "BF16"} : (tensor<1x2x8x8xbf16>, tensor<4x2x1x1xbf16>, none) -> tensor<1x4x8x8xbf16> loc("conv2")
    %16 = tpu.Cast(%15) : (tensor<1x4x8x8xbf16>) -> tensor<1x4x8x8xf32> loc("conv2_float32")
    func.return %12, %16 : tensor<1x4x8x8xf32>, tensor<1x4x8x8xf32>
  }
}

// CHECK:      builtin.module attributes {module.name = "m", module.weight_file = "m_weight.npz", module.chip = "bm1684x", module.mode = "INT8", module.state = "TPU_LOWERED"} {
// CHECK-NEXT:   func.func @main(%{{.*}}: tensor<1x2x8x8xf32> {{.*}}) -> (tensor<1x4x8x8xf32>, tensor<1x4x8x8xf32>) {
// CHECK-NEXT:     %[[X:.*]] = top.Input(%{{.*}}) : (tensor<1x2x8x8xf32>) -> tensor<1x2x8x8xf32> loc("x")
// CHECK-NEXT:     %[[N:.*]] = top.None() : () -> none loc("none")
// CHECK-NEXT:     %[[XQ:.*]] = tpu.Cast(%[[X]]) {qscale = 1.000000e-02 : f64} : (tensor<1x2x8x8xf32>) -> tensor<1x2x8x8xi8> loc("x_int8")
// CHECK-NEXT:     %[[W:.*]] = top.Weight() : () -> tensor<4x2x3x3xi8> loc("w_int8")
// CHECK-NEXT:     %[[B:.*]] = top.Weight() : () -> tensor<4xi32> loc("b_int32")
// CHECK-NEXT:     %[[C:.*]] = tpu.Conv(%[[XQ]], %[[W]], %[[B]]) {kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 1 : i64, do_relu = 1 : i64, quant_mode = "INT8", qscale = 0.099999999999999992 : f64, multiplier = array<i64: 1731514368, 1731514368, 1731514368, 1731514368>, rshift = array<i64: 41, 40, 39, 38>} : (tensor<1x2x8x8xi8>, tensor<4x2x3x3xi8>, tensor<4xi32>) -> tensor<1x4x8x8xi8> loc("conv")
// CHECK-NEXT:     %[[R:.*]] = tpu.Requant(%[[C]]) {quant_mode = "INT8", qscale = 2.000000e-01 : f64, multiplier = array<i64: 1073741824>, rshift = array<i64: 31>} : (tensor<1x4x8x8xi8>) -> tensor<1x4x8x8xi8> loc("conv_requant")
// CHECK-NEXT:     %[[T:.*]] = top.Weight() : () -> tensor<256xi8> loc("sig_lut")
// CHECK-NEXT:     %[[S:.*]] = tpu.Lut(%[[R]], %[[T]]) {quant_mode = "INT8", qscale = 0.007874015748031496 : f64} : (tensor<1x4x8x8xi8>, tensor<256xi8>) -> tensor<1x4x8x8xi8> loc("sig")
// CHECK-NEXT:     %[[A:.*]] = tpu.Add(%[[C]], %[[S]]) {quant_mode = "INT8", qscale = 3.000000e-02 : f64, multiplier = array<i64: 715827883, 1431655765>, rshift = array<i64: 31>} : (tensor<1x4x8x8xi8>, tensor<1x4x8x8xi8>) -> tensor<1x4x8x8xi8> loc("add")
// CHECK-NEXT:     %[[AH:.*]] = tpu.Cast(%[[A]]) {qscale = 3.000000e-02 : f64} : (tensor<1x4x8x8xi8>) -> tensor<1x4x8x8xf16> loc("add_float16")
// CHECK-NEXT:     %[[SM:.*]] = tpu.Softmax(%[[AH]]) {axis = 1 : i64, quant_mode = "F16"} : (tensor<1x4x8x8xf16>) -> tensor<1x4x8x8xf16> loc("sm")
// CHECK-NEXT:     %[[O1:.*]] = tpu.Cast(%[[SM]]) : (tensor<1x4x8x8xf16>) -> tensor<1x4x8x8xf32> loc("sm_float32")
// CHECK-NEXT:     %[[XB:.*]] = tpu.Cast(%[[X]]) : (tensor<1x2x8x8xf32>) -> tensor<1x2x8x8xbf16> loc("x_bfloat16")
// CHECK-NEXT:     %[[W2:.*]] = top.Weight() : () -> tensor<4x2x1x1xbf16> loc("w2_bfloat16")
// CHECK-NEXT:     %[[C2:.*]] = tpu.Conv(%[[XB]], %[[W2]], %[[N]]) {kernel_shape = array<i64: 1, 1>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, quant_mode = "BF16"} : (tensor<1x2x8x8xbf16>, tensor<4x2x1x1xbf16>, none) -> tensor<1x4x8x8xbf16> loc("conv2")
// CHECK-NEXT:     %[[O2:.*]] = tpu.Cast(%[[C2]]) : (tensor<1x4x8x8xbf16>) -> tensor<1x4x8x8xf32> loc("conv2_float32")
// CHECK-NEXT:     func.return %[[O1]], %[[O2]] : tensor<1x4x8x8xf32>, tensor<1x4x8x8xf32>

// GEN:      "builtin.module"() ({
// GEN:      "tpu.Cast"(%{{.*}}) <{qscale = 1.000000e-02 : f64}> : (tensor<1x2x8x8xf32>) -> tensor<1x2x8x8xi8> loc("x_int8")
// GEN:      "tpu.Conv"(%{{.*}}, %{{.*}}, %{{.*}}) <{{{.*}}quant_mode = "INT8", qscale = 0.099999999999999992 : f64, multiplier = array<i64: 1731514368, 1731514368, 1731514368, 1731514368>, rshift = array<i64: 41, 40, 39, 38>}> : (tensor<1x2x8x8xi8>, tensor<4x2x3x3xi8>, tensor<4xi32>) -> tensor<1x4x8x8xi8> loc("conv")
// GEN-NEXT: "tpu.Requant"(%{{.*}}) <{quant_mode = "INT8", qscale = 2.000000e-01 : f64, multiplier = array<i64: 1073741824>, rshift = array<i64: 31>}> : (tensor<1x4x8x8xi8>) -> tensor<1x4x8x8xi8> loc("conv_requant")
// GEN:      "tpu.Lut"(%{{.*}}, %{{.*}}) <{quant_mode = "INT8", qscale = 0.007874015748031496 : f64}> : (tensor<1x4x8x8xi8>, tensor<256xi8>) -> tensor<1x4x8x8xi8> loc("sig")
// GEN:      "tpu.Cast"(%{{.*}}) : (tensor<1x2x8x8xf32>) -> tensor<1x2x8x8xbf16> loc("x_bfloat16")
// GEN:      }) {module.name = "m", module.weight_file = "m_weight.npz", module.chip = "bm1684x", module.mode = "INT8", module.state = "TPU_LOWERED"} : () -> () loc(unknown)
