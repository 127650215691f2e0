// An INT8 chain: Conv (INT8) -> Add(conv, x) -> Mul(add, x) stays INT8 end to end (Add/Sub/Mul accept
// operands that are already int8 results of INT8 ops), with the multipliers the scales give.
//
// RUN: %python %S/Inputs/prepare.py %s %t
// RUN: tpuc-opt %t/m.mlir -p 'convert-top-to-tpu{mode=INT8 quant_output=true calibration_table="%t/m.table"}' | filecheck %s
//
// Conv (s_x = 0.01, s_conv = 0.02) -> residual Add with x (s_add = 0.03: 2/3 and 1/3 at one shift
// 31) -> Mul with x (0.03 * 0.01 / 0.01 = 0.03 -> 2061584302 >> 36): every op stays INT8, no f16.
//
// TABLE: x 1.27
// TABLE: conv 2.54
// TABLE: add 3.81
// TABLE: mul 1.27

module attributes {module.name = "chain", module.weight_file = "w.npz"} {
  func.func @main(%arg0: tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32> {
    %0 = top.Input(%arg0) : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32> loc("x")
    %1 = top.Weight() : () -> tensor<2x2x1x1xf32> loc("conv_w")
    %2 = top.None() : () -> none loc("none")
    %3 = top.Conv(%0, %1, %2) {kernel_shape = array<i64: 1, 1>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>} : (tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>, none) -> tensor<1x2x4x4xf32> loc("conv")
    %4 = top.Add(%3, %0) : (tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32> loc("add")
    %5 = top.Mul(%4, %0) : (tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32> loc("mul")
    func.return %5 : tensor<1x2x4x4xf32>
  }
}

// CHECK:      %[[XQ:.*]] = tpu.Cast(%{{.*}}) {qscale = 1.000000e-02 : f64} : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xi8> loc("x_int8")
// CHECK:      %[[C:.*]] = tpu.Conv(%[[XQ]], {{.*}}quant_mode = "INT8", qscale = 2.000000e-02 : f64{{.*}} -> tensor<1x2x4x4xi8> loc("conv")
// CHECK-NEXT: %[[A:.*]] = tpu.Add(%[[C]], %[[XQ]]) {quant_mode = "INT8", qscale = 3.000000e-02 : f64, multiplier = array<i64: 1431655765, 715827883>, rshift = array<i64: 31>} : (tensor<1x2x4x4xi8>, tensor<1x2x4x4xi8>) -> tensor<1x2x4x4xi8> loc("add")
// CHECK-NEXT: %[[M:.*]] = tpu.Mul(%[[A]], %[[XQ]]) {quant_mode = "INT8", qscale = 1.000000e-02 : f64, multiplier = array<i64: 2061584302>, rshift = array<i64: 36>} : (tensor<1x2x4x4xi8>, tensor<1x2x4x4xi8>) -> tensor<1x2x4x4xi8> loc("mul")
// CHECK-NEXT: %[[O:.*]] = tpu.Cast(%[[M]]) {qscale = 1.000000e-02 : f64} : (tensor<1x2x4x4xi8>) -> tensor<1x2x4x4xf32> loc("mul_float32")
// CHECK-NEXT: func.return %[[O]] : tensor<1x2x4x4xf32>
// CHECK-NOT:  f16
