// Verifier diagnostics of the Tpu dialect: each chunk is invalid and must be rejected with a
// message naming the problem (and the op, for the ops with a name).
// RUN: tpuc-opt %s --split-input-file --verify-diagnostics | filecheck %s

// CHECK: error: invalid IR: tpu.Cast 'x_int8': an INT8 op's int8 result needs a qscale
func.func @main(%arg0: tensor<4xf32>) -> tensor<4xi8> {
  %0 = top.Input(%arg0) : (tensor<4xf32>) -> tensor<4xf32> loc("x")
  %1 = tpu.Cast(%0) {quant_mode = "INT8"} : (tensor<4xf32>) -> tensor<4xi8> loc("x_int8")
  func.return %1 : tensor<4xi8>
}

// -----
// CHECK: error: invalid IR: an INT8 tpu.Cast needs a qscale
func.func @main(%arg0: tensor<4xf32>) -> tensor<4xf16> {
  %0 = top.Input(%arg0) : (tensor<4xf32>) -> tensor<4xf32> loc("x")
  %1 = tpu.Cast(%0) {qscale = 0.1 : f64} : (tensor<4xf32>) -> tensor<4xi8> loc("x_int8")
  %2 = tpu.Cast(%1) {quant_mode = "INT8"} : (tensor<4xi8>) -> tensor<4xf16> loc("x_f16")
  func.return %2 : tensor<4xf16>
}

// -----
// CHECK: error: invalid IR: tpu.Cast with a qscale (de)quantises between float and int8, not f32 -> i32
func.func @main(%arg0: tensor<4xf32>) -> tensor<4xi32> {
  %0 = top.Input(%arg0) : (tensor<4xf32>) -> tensor<4xf32> loc("x")
  %1 = tpu.Cast(%0) {qscale = 0.1 : f64} : (tensor<4xf32>) -> tensor<4xi32> loc("x_i32")
  func.return %1 : tensor<4xi32>
}

// -----
// CHECK: error: invalid IR: tpu.Cast changes the shape [4] -> [2, 2]
func.func @main(%arg0: tensor<4xf32>) -> tensor<2x2xf16> {
  %0 = top.Input(%arg0) : (tensor<4xf32>) -> tensor<4xf32> loc("x")
  %1 = tpu.Cast(%0) : (tensor<4xf32>) -> tensor<2x2xf16> loc("x_f16")
  func.return %1 : tensor<2x2xf16>
}

// -----
// CHECK: error: invalid IR: tpu.Lut table must have 256 entries, has shape [128]
func.func @main(%arg0: tensor<4xf32>) -> tensor<4xi8> {
  %0 = top.Input(%arg0) : (tensor<4xf32>) -> tensor<4xf32> loc("x")
  %1 = tpu.Cast(%0) {qscale = 0.1 : f64} : (tensor<4xf32>) -> tensor<4xi8> loc("x_int8")
  %2 = top.Weight() : () -> tensor<128xi8> loc("lut")
  %3 = tpu.Lut(%1, %2) {quant_mode = "INT8", qscale = 0.1 : f64} : (tensor<4xi8>, tensor<128xi8>) -> tensor<4xi8> loc("sig")
  func.return %3 : tensor<4xi8>
}

// -----
// CHECK: error: invalid IR: tpu.Lut maps i8 to i8 through an i8 table
func.func @main(%arg0: tensor<4xf32>) -> tensor<4xi8> {
  %0 = top.Input(%arg0) : (tensor<4xf32>) -> tensor<4xf32> loc("x")
  %1 = top.Weight() : () -> tensor<256xi8> loc("lut")
  %2 = tpu.Lut(%0, %1) {quant_mode = "INT8", qscale = 0.1 : f64} : (tensor<4xf32>, tensor<256xi8>) -> tensor<4xi8> loc("sig")
  func.return %2 : tensor<4xi8>
}

// -----
// CHECK: error: invalid IR: tpu.Relu 'r': an INT8 op's int8 result needs a qscale
func.func @main(%arg0: tensor<4xf32>) -> tensor<4xi8> {
  %0 = top.Input(%arg0) : (tensor<4xf32>) -> tensor<4xf32> loc("x")
  %1 = tpu.Cast(%0) {qscale = 0.1 : f64} : (tensor<4xf32>) -> tensor<4xi8> loc("x_int8")
  %2 = tpu.Relu(%1) {quant_mode = "INT8"} : (tensor<4xi8>) -> tensor<4xi8> loc("r")
  func.return %2 : tensor<4xi8>
}

// -----
// CHECK: error: invalid IR: tpu.Relu 'r': quant_mode must be one of F32, F16, BF16, INT8, got 'INT4'
func.func @main(%arg0: tensor<4xf32>) -> tensor<4xf32> {
  %0 = top.Input(%arg0) : (tensor<4xf32>) -> tensor<4xf32> loc("x")
  %1 = tpu.Relu(%0) {quant_mode = "INT4"} : (tensor<4xf32>) -> tensor<4xf32> loc("r")
  func.return %1 : tensor<4xf32>
}

// -----
// CHECK: error: invalid IR: tpu.Requant needs one multiplier and one rshift
func.func @main(%arg0: tensor<4xf32>) -> tensor<4xi8> {
  %0 = top.Input(%arg0) : (tensor<4xf32>) -> tensor<4xf32> loc("x")
  %1 = tpu.Cast(%0) {qscale = 0.1 : f64} : (tensor<4xf32>) -> tensor<4xi8> loc("x_int8")
  %2 = tpu.Requant(%1) {quant_mode = "INT8", qscale = 0.2 : f64, multiplier = array<i64: 1073741824, 1073741824>, rshift = array<i64: 31>} : (tensor<4xi8>) -> tensor<4xi8> loc("rq")
  func.return %2 : tensor<4xi8>
}

// -----
// CHECK: error: invalid IR: tpu.Conv 'conv': result shape [1, 4, 8, 8] does not match the inferred [1, 4, 6, 6]
func.func @main(%arg0: tensor<1x2x8x8xf32>) -> tensor<1x4x8x8xi8> {
  %0 = top.Input(%arg0) : (tensor<1x2x8x8xf32>) -> tensor<1x2x8x8xf32> loc("x")
  %1 = tpu.Cast(%0) {qscale = 0.1 : f64} : (tensor<1x2x8x8xf32>) -> tensor<1x2x8x8xi8> loc("x_int8")
  %2 = top.Weight() : () -> tensor<4x2x3x3xi8> loc("w")
  %3 = top.None() : () -> none loc("none")
  %4 = tpu.Conv(%1, %2, %3) {kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, quant_mode = "INT8", qscale = 0.1 : f64, multiplier = array<i64: 1073741824, 1073741824, 1073741824, 1073741824>, rshift = array<i64: 38, 38, 38, 38>} : (tensor<1x2x8x8xi8>, tensor<4x2x3x3xi8>, none) -> tensor<1x4x8x8xi8> loc("conv")
  func.return %4 : tensor<1x4x8x8xi8>
}

// -----
//   a valid chunk between invalid ones still prints
// CHECK: tpu.Lut(%{{.*}}, %{{.*}}) {quant_mode = "INT8", qscale = 1.000000e-01 : f64} : (tensor<4xi8>, tensor<256xi8>) -> tensor<4xi8> loc("sig")
func.func @main(%arg0: tensor<4xf32>) -> tensor<4xi8> {
  %0 = top.Input(%arg0) : (tensor<4xf32>) -> tensor<4xf32> loc("x")
  %1 = tpu.Cast(%0) {qscale = 0.1 : f64} : (tensor<4xf32>) -> tensor<4xi8> loc("x_int8")
  %2 = top.Weight() : () -> tensor<256xi8> loc("lut")
  %3 = tpu.Lut(%1, %2) {quant_mode = "INT8", qscale = 0.1 : f64} : (tensor<4xi8>, tensor<256xi8>) -> tensor<4xi8> loc("sig")
  func.return %3 : tensor<4xi8>
}
