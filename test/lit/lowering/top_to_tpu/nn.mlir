// convert-top-to-tpu on the nn family (Conv with bias and do_relu, MaxPool, AvgPool, MatMul with a
// weight right operand and a bias) in each mode. F32 keeps every type; F16/BF16 cast the input
// once, convert the weights at compile time and cast the output back to f32; INT8 quantises the
// input with the calibrated scale, quantises the conv weights per output channel (int8) and the
// bias to int32 at s_x * s_w[c], requantises per channel (one multiplier/rshift per output
// channel), keeps MaxPool's scale, requantises AvgPool by s_in / (s_out * k), and dequantises
// the output.
//
// Conv weights: channel c has max|w| = 2**c, so with thresholds x = 1.27 and conv = 12.7 the
// requant factors s_x * s_w[c] / s_out = 2**c / 1270 share one multiplier, shifts 41, 40, 39, 38;
// the bias b[c] / (s_x * s_w[c]) = [0.5, -0.5, 1, 2] * 12700 / 2**c.
//
// WEIGHT: conv_w = np.linspace(-1, 1, 18)[None, :] * np.array([[1], [2], [4], [8]])
// WEIGHT: conv_b = [0.5, -0.5, 1.0, 2.0]
// TABLE: x 1.27
// TABLE: conv 12.7
// TABLE: mp 12.7
// TABLE: ap 8.0
// TABLE: flat 8.0
// TABLE: fc 31.75
//
// RUN: %python %S/Inputs/prepare.py %s %t
// RUN: tpuc-opt %t/m.mlir -p 'convert-top-to-tpu{mode=F32}' > %t/f32.mlir
// RUN: filecheck %s --check-prefix=F32 --input-file %t/f32.mlir
// RUN: not grep -E "tpu\.Cast|top\.(Conv|MaxPool|AvgPool|Reshape|MatMul)|f16|i8" %t/f32.mlir
// RUN: tpuc-opt %t/m.mlir -p 'convert-top-to-tpu{mode=F16}' | filecheck %s --check-prefix=F16
// RUN: tpuc-opt %t/m.mlir -p 'convert-top-to-tpu{mode=BF16}' | filecheck %s --check-prefix=BF16
// RUN: tpuc-opt %t/m.mlir -p 'convert-top-to-tpu{mode=INT8 quant_output=true calibration_table="%t/m.table"}' -o %t/int8.mlir
// RUN: filecheck %s --check-prefix=INT8 --input-file %t/int8.mlir
// RUN: %python %S/../../Inputs/npz_dump.py %t/int8_weight.npz | filecheck %s --check-prefix=W8

module attributes {module.name = "nn", module.state = "TOP_F32", module.weight_file = "w.npz"} {
  func.func @main(%arg0: tensor<1x2x8x8xf32>) -> tensor<1x3xf32> {
    %0 = top.Input(%arg0) : (tensor<1x2x8x8xf32>) -> tensor<1x2x8x8xf32> loc("x")
    %1 = top.Weight() : () -> tensor<4x2x3x3xf32> loc("conv_w")
    %2 = top.Weight() : () -> tensor<4xf32> loc("conv_b")
    %3 = top.Conv(%0, %1, %2) {kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 1 : i64, do_relu = 1 : i64} : (tensor<1x2x8x8xf32>, tensor<4x2x3x3xf32>, tensor<4xf32>) -> tensor<1x4x8x8xf32> loc("conv")
    %4 = top.MaxPool(%3) {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>} : (tensor<1x4x8x8xf32>) -> tensor<1x4x4x4xf32> loc("mp")
    %5 = top.AvgPool(%4) {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>} : (tensor<1x4x4x4xf32>) -> tensor<1x4x2x2xf32> loc("ap")
    %6 = top.Reshape(%5) {shape = array<i64: 1, 16>} : (tensor<1x4x2x2xf32>) -> tensor<1x16xf32> loc("flat")
    %7 = top.Weight() : () -> tensor<16x3xf32> loc("fc_w")
    %8 = top.Weight() : () -> tensor<3xf32> loc("fc_b")
    %9 = top.MatMul(%6, %7, %8) : (tensor<1x16xf32>, tensor<16x3xf32>, tensor<3xf32>) -> tensor<1x3xf32> loc("fc")
    func.return %9 : tensor<1x3xf32>
  }
}

// F32:      module attributes {{{.*}}module.state = "TPU_LOWERED"{{.*}}module.chip = "bm1684x", module.mode = "F32"}
// F32:      %[[X:.*]] = top.Input(%arg0)
// F32:      top.Weight() : () -> tensor<4x2x3x3xf32> loc("conv_w")
// F32:      top.Weight() : () -> tensor<4xf32> loc("conv_b")
// F32:      tpu.Conv(%[[X]], {{.*}}do_relu = 1 : i64, quant_mode = "F32"} : (tensor<1x2x8x8xf32>, tensor<4x2x3x3xf32>, tensor<4xf32>) -> tensor<1x4x8x8xf32> loc("conv")
// F32:      tpu.MaxPool({{.*}}quant_mode = "F32"} : (tensor<1x4x8x8xf32>) -> tensor<1x4x4x4xf32> loc("mp")
// F32:      tpu.AvgPool({{.*}}quant_mode = "F32"} : (tensor<1x4x4x4xf32>) -> tensor<1x4x2x2xf32> loc("ap")
// F32:      tpu.Reshape({{.*}}quant_mode = "F32"} : (tensor<1x4x2x2xf32>) -> tensor<1x16xf32> loc("flat")
// F32:      %[[FC:.*]] = tpu.MatMul({{.*}}) {quant_mode = "F32"} : (tensor<1x16xf32>, tensor<16x3xf32>, tensor<3xf32>) -> tensor<1x3xf32> loc("fc")
// F32-NEXT: func.return %[[FC]] : tensor<1x3xf32>

// F16:      module attributes {{{.*}}module.mode = "F16"}
// F16:      %[[X:.*]] = top.Input(%arg0) : (tensor<1x2x8x8xf32>) -> tensor<1x2x8x8xf32> loc("x")
// F16-NEXT: %[[XH:.*]] = tpu.Cast(%[[X]]) : (tensor<1x2x8x8xf32>) -> tensor<1x2x8x8xf16> loc("x_float16")
// F16-NEXT: %[[W:.*]] = top.Weight() : () -> tensor<4x2x3x3xf16> loc("conv_w_float16")
// F16-NEXT: %[[B:.*]] = top.Weight() : () -> tensor<4xf16> loc("conv_b_float16")
// F16-NEXT: tpu.Conv(%[[XH]], %[[W]], %[[B]]) {{{.*}}do_relu = 1 : i64, quant_mode = "F16"} : (tensor<1x2x8x8xf16>, tensor<4x2x3x3xf16>, tensor<4xf16>) -> tensor<1x4x8x8xf16> loc("conv")
// F16-NEXT: tpu.MaxPool({{.*}}quant_mode = "F16"} : (tensor<1x4x8x8xf16>) -> tensor<1x4x4x4xf16> loc("mp")
// F16-NEXT: tpu.AvgPool({{.*}}quant_mode = "F16"} : (tensor<1x4x4x4xf16>) -> tensor<1x4x2x2xf16> loc("ap")
// F16-NEXT: tpu.Reshape({{.*}}quant_mode = "F16"} : (tensor<1x4x2x2xf16>) -> tensor<1x16xf16> loc("flat")
// F16-NEXT: top.Weight() : () -> tensor<16x3xf16> loc("fc_w_float16")
// F16-NEXT: top.Weight() : () -> tensor<3xf16> loc("fc_b_float16")
// F16-NEXT: %[[FC:.*]] = tpu.MatMul({{.*}}) {quant_mode = "F16"} : (tensor<1x16xf16>, tensor<16x3xf16>, tensor<3xf16>) -> tensor<1x3xf16> loc("fc")
// F16-NEXT: %[[OUT:.*]] = tpu.Cast(%[[FC]]) : (tensor<1x3xf16>) -> tensor<1x3xf32> loc("fc_float32")
// F16-NEXT: func.return %[[OUT]] : tensor<1x3xf32>

// BF16:      module attributes {{{.*}}module.mode = "BF16"}
// BF16:      %[[X:.*]] = top.Input(%arg0) : (tensor<1x2x8x8xf32>) -> tensor<1x2x8x8xf32> loc("x")
// BF16-NEXT: %[[XH:.*]] = tpu.Cast(%[[X]]) : (tensor<1x2x8x8xf32>) -> tensor<1x2x8x8xbf16> loc("x_bfloat16")
// BF16-NEXT: %[[W:.*]] = top.Weight() : () -> tensor<4x2x3x3xbf16> loc("conv_w_bfloat16")
// BF16-NEXT: %[[B:.*]] = top.Weight() : () -> tensor<4xbf16> loc("conv_b_bfloat16")
// BF16-NEXT: tpu.Conv(%[[XH]], %[[W]], %[[B]]) {{{.*}}do_relu = 1 : i64, quant_mode = "BF16"} : (tensor<1x2x8x8xbf16>, tensor<4x2x3x3xbf16>, tensor<4xbf16>) -> tensor<1x4x8x8xbf16> loc("conv")
// BF16-NEXT: tpu.MaxPool({{.*}}quant_mode = "BF16"} : (tensor<1x4x8x8xbf16>) -> tensor<1x4x4x4xbf16> loc("mp")
// BF16-NEXT: tpu.AvgPool({{.*}}quant_mode = "BF16"} : (tensor<1x4x4x4xbf16>) -> tensor<1x4x2x2xbf16> loc("ap")
// BF16-NEXT: tpu.Reshape({{.*}}quant_mode = "BF16"} : (tensor<1x4x2x2xbf16>) -> tensor<1x16xbf16> loc("flat")
// BF16-NEXT: top.Weight() : () -> tensor<16x3xbf16> loc("fc_w_bfloat16")
// BF16-NEXT: top.Weight() : () -> tensor<3xbf16> loc("fc_b_bfloat16")
// BF16-NEXT: %[[FC:.*]] = tpu.MatMul({{.*}}) {quant_mode = "BF16"} : (tensor<1x16xbf16>, tensor<16x3xbf16>, tensor<3xbf16>) -> tensor<1x3xbf16> loc("fc")
// BF16-NEXT: %[[OUT:.*]] = tpu.Cast(%[[FC]]) : (tensor<1x3xbf16>) -> tensor<1x3xf32> loc("fc_float32")
// BF16-NEXT: func.return %[[OUT]] : tensor<1x3xf32>

// INT8:      module attributes {{{.*}}module.weight_file = "int8_weight.npz", module.chip = "bm1684x", module.mode = "INT8"}
// INT8:      %[[X:.*]] = top.Input(%arg0) : (tensor<1x2x8x8xf32>) -> tensor<1x2x8x8xf32> loc("x")
// INT8-NEXT: %[[XQ:.*]] = tpu.Cast(%[[X]]) {qscale = 1.000000e-02 : f64} : (tensor<1x2x8x8xf32>) -> tensor<1x2x8x8xi8> loc("x_int8")
// INT8-NEXT: %[[W:.*]] = top.Weight() : () -> tensor<4x2x3x3xi8> loc("conv_w_int8")
// INT8-NEXT: %[[B:.*]] = top.Weight() : () -> tensor<4xi32> loc("conv_b_int32")
// INT8-NEXT: %[[C:.*]] = tpu.Conv(%[[XQ]], %[[W]], %[[B]]) {{{.*}}do_relu = 1 : i64, quant_mode = "INT8", qscale = 0.099999999999999992 : f64, multiplier = array<i64: [[M:[0-9]+]], [[M]], [[M]], [[M]]>, rshift = array<i64: 41, 40, 39, 38>} : (tensor<1x2x8x8xi8>, tensor<4x2x3x3xi8>, tensor<4xi32>) -> tensor<1x4x8x8xi8> loc("conv")
//   MaxPool: data movement, the conv's scale
// INT8-NEXT: %[[MP:.*]] = tpu.MaxPool(%[[C]]) {{{.*}}quant_mode = "INT8", qscale = 0.099999999999999992 : f64} : (tensor<1x4x8x8xi8>) -> tensor<1x4x4x4xi8> loc("mp")
//   AvgPool: 0.1 / (8/127 * 4) = 0.396875 = 1704565146 / 2**32
// INT8-NEXT: %[[AP:.*]] = tpu.AvgPool(%[[MP]]) {{{.*}}quant_mode = "INT8", qscale = 0.062992125984251968 : f64, multiplier = array<i64: 1704565146>, rshift = array<i64: 32>} : (tensor<1x4x4x4xi8>) -> tensor<1x4x2x2xi8> loc("ap")
// INT8-NEXT: %[[FL:.*]] = tpu.Reshape(%[[AP]]) {shape = array<i64: 1, 16>, quant_mode = "INT8", qscale = 0.062992125984251968 : f64} : (tensor<1x4x2x2xi8>) -> tensor<1x16xi8> loc("flat")
// INT8-NEXT: %[[FW:.*]] = top.Weight() : () -> tensor<16x3xi8> loc("fc_w_int8")
// INT8-NEXT: %[[FB:.*]] = top.Weight() : () -> tensor<3xi32> loc("fc_b_int32")
//   weight right operand: per output channel (3 multipliers and shifts)
// INT8-NEXT: %[[FC:.*]] = tpu.MatMul(%[[FL]], %[[FW]], %[[FB]]) {quant_mode = "INT8", qscale = 2.500000e-01 : f64, multiplier = array<i64: {{[0-9]+}}, {{[0-9]+}}, {{[0-9]+}}>, rshift = array<i64: {{[0-9]+}}, {{[0-9]+}}, {{[0-9]+}}>} : (tensor<1x16xi8>, tensor<16x3xi8>, tensor<3xi32>) -> tensor<1x3xi8> loc("fc")
// INT8-NEXT: %[[OUT:.*]] = tpu.Cast(%[[FC]]) {qscale = 2.500000e-01 : f64} : (tensor<1x3xi8>) -> tensor<1x3xf32> loc("fc_float32")
// INT8-NEXT: func.return %[[OUT]] : tensor<1x3xf32>
// INT8-NOT:  f16

// W8:      conv_b_int32: shape=[4] dtype=int32 values=[6350, -3175, 3175, 3175]
// W8-NEXT: conv_w_int8: shape=[4, 2, 3, 3] dtype=int8 values=[-127, -112, -97, -82, -67, -52, -37, -22, -7, 7, 22, 37, 52, 67, 82, 97]
// W8-NEXT: fc_b_int32: shape=[3] dtype=int32{{.*}}
// W8-NEXT: fc_w_int8: shape=[16, 3] dtype=int8{{.*}}
// W8-NOT:  {{.}}
