// What convert-top-to-tpu prints parses back to the same text: lower a Top module (INT8 with
// tpu.Cast / tpu.Requant / tpu.Lut / per-channel Conv and F16 fallbacks, and BF16), then
// parse -> print (INT8 through the generic form, BF16 in the custom form): identical output.
//
// RUN: %python %S/../../lowering/top_to_tpu/Inputs/prepare.py %s %t
// RUN: tpuc-opt %t/m.mlir -p 'convert-top-to-tpu{mode=INT8 calibration_table="%t/m.table"}' -o %t/int8.mlir
// RUN: filecheck %s --input-file %t/int8.mlir
// RUN: tpuc-opt %t/int8.mlir --generic | tpuc-opt - > %t/int8_rt.mlir
// RUN: diff %t/int8.mlir %t/int8_rt.mlir
// RUN: tpuc-opt %t/m.mlir -p 'convert-top-to-tpu{mode=BF16}' -o %t/bf16.mlir
// RUN: tpuc-opt %t/bf16.mlir > %t/bf16_rt.mlir
// RUN: diff %t/bf16.mlir %t/bf16_rt.mlir
//
// TABLE: x 1.27
// TABLE: conv 2.54
// TABLE: sig 1.0
// TABLE: flat 2.54
// TABLE: convflat 2.54
// TABLE: cat 2.54
// TABLE: gelu 2.0

module attributes {module.name = "rt", module.weight_file = "w.npz"} {
  func.func @main(%arg0: tensor<1x2x4x4xf32>) -> tensor<1x64xf32> {
    %0 = top.Input(%arg0) : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32> loc("x")
    %1 = top.Weight() : () -> tensor<2x2x3x3xf32> loc("conv_w")
    %2 = top.Weight() : () -> tensor<2xf32> loc("conv_b")
    %3 = top.Conv(%0, %1, %2) {kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 1 : i64} : (tensor<1x2x4x4xf32>, tensor<2x2x3x3xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32> loc("conv")
    %4 = top.Sigmoid(%3) : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32> loc("sig")
    %5 = top.Reshape(%4) {shape = array<i64: 1, 32>} : (tensor<1x2x4x4xf32>) -> tensor<1x32xf32> loc("flat")
    %6 = top.Reshape(%3) {shape = array<i64: 1, 32>} : (tensor<1x2x4x4xf32>) -> tensor<1x32xf32> loc("convflat")
    %7 = top.Concat(%5, %6) {axis = 1 : i64} : (tensor<1x32xf32>, tensor<1x32xf32>) -> tensor<1x64xf32> loc("cat")
    %8 = top.GELU(%7) : (tensor<1x64xf32>) -> tensor<1x64xf32> loc("gelu")
    func.return %8 : tensor<1x64xf32>
  }
}

// CHECK: tpu.Cast({{.*}}) {qscale = {{.*}}} : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xi8> loc("x_int8")
// CHECK: tpu.Conv({{.*}}quant_mode = "INT8"{{.*}}multiplier = array<i64: {{[0-9]+}}, {{[0-9]+}}>{{.*}} -> tensor<1x2x4x4xi8> loc("conv")
// CHECK: tpu.Lut({{.*}} : (tensor<1x2x4x4xi8>, tensor<256xi8>) -> tensor<1x2x4x4xi8> loc("sig")
// CHECK: tpu.Requant({{.*}} : (tensor<1x32xi8>) -> tensor<1x32xi8>
// CHECK: tpu.Concat({{.*}}quant_mode = "INT8"{{.*}} -> tensor<1x64xi8> loc("cat")
// CHECK: tpu.GELU({{.*}}) {quant_mode = "F16"} : (tensor<1x64xf16>) -> tensor<1x64xf16> loc("gelu")
