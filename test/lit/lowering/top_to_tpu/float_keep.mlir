// RUN: %python %S/Inputs/prepare.py %s %t
// RUN: echo "#float_keep mk nonfinite excluded=3/8" >> %t/m.table
// RUN: tpuc-opt %t/m.mlir -p 'convert-top-to-tpu{mode=INT8 quant_output=true calibration_table="%t/m.table"}' | filecheck %s
//
// Tensors the calibration table marks '#float_keep' (attention masks holding -inf / finfo.min)
// are never quantised: in an INT8 model the op producing one ('mk') and the ops reading it ('s')
// run in F16, though Mul and Add have INT8 forms; the same Mul on ordinary tensors ('plain') is
// INT8.
//
// TABLE: x 1.27
// TABLE: y 1.27
// TABLE: mk 1.27
// TABLE: s 2.54
// TABLE: plain 1.27

module attributes {module.name = "keep", module.weight_file = "w.npz"} {
  func.func @main(%arg0: tensor<1x8xf32>, %arg1: tensor<1x8xf32>) -> (tensor<1x8xf32>, tensor<1x8xf32>) {
    %0 = top.Input(%arg0) : (tensor<1x8xf32>) -> tensor<1x8xf32> loc("x")
    %1 = top.Input(%arg1) : (tensor<1x8xf32>) -> tensor<1x8xf32> loc("y")
    %2 = top.Mul(%0, %1) : (tensor<1x8xf32>, tensor<1x8xf32>) -> tensor<1x8xf32> loc("mk")
    %3 = top.Add(%0, %2) : (tensor<1x8xf32>, tensor<1x8xf32>) -> tensor<1x8xf32> loc("s")
    %4 = top.Mul(%0, %1) : (tensor<1x8xf32>, tensor<1x8xf32>) -> tensor<1x8xf32> loc("plain")
    func.return %3, %4 : tensor<1x8xf32>, tensor<1x8xf32>
  }
}

// CHECK:      %[[X:.*]] = top.Input(%arg0)
// CHECK-NEXT: %[[Y:.*]] = top.Input(%arg1)
// CHECK-NEXT: %[[XH:.*]] = tpu.Cast(%[[X]]) : (tensor<1x8xf32>) -> tensor<1x8xf16> loc("x_float16")
// CHECK-NEXT: %[[YH:.*]] = tpu.Cast(%[[Y]]) : (tensor<1x8xf32>) -> tensor<1x8xf16> loc("y_float16")
// CHECK-NEXT: %[[MK:.*]] = tpu.Mul(%[[XH]], %[[YH]]) {quant_mode = "F16"} : (tensor<1x8xf16>, tensor<1x8xf16>) -> tensor<1x8xf16> loc("mk")
// CHECK-NEXT: %[[S:.*]] = tpu.Add(%[[XH]], %[[MK]]) {quant_mode = "F16"} : (tensor<1x8xf16>, tensor<1x8xf16>) -> tensor<1x8xf16> loc("s")
// CHECK-NEXT: %[[XQ:.*]] = tpu.Cast(%[[X]]) {qscale = 1.000000e-02 : f64} : (tensor<1x8xf32>) -> tensor<1x8xi8> loc("x_int8")
// CHECK-NEXT: %[[YQ:.*]] = tpu.Cast(%[[Y]]) {qscale = 1.000000e-02 : f64} : (tensor<1x8xf32>) -> tensor<1x8xi8> loc("y_int8")
// CHECK-NEXT: %[[P:.*]] = tpu.Mul(%[[XQ]], %[[YQ]]) {quant_mode = "INT8", qscale = 1.000000e-02 : f64, {{.*}}} : (tensor<1x8xi8>, tensor<1x8xi8>) -> tensor<1x8xi8> loc("plain")
// CHECK-NEXT: %[[O1:.*]] = tpu.Cast(%[[S]]) : (tensor<1x8xf16>) -> tensor<1x8xf32> loc("s_float32")
// CHECK-NEXT: %[[O2:.*]] = tpu.Cast(%[[P]]) {qscale = 1.000000e-02 : f64} : (tensor<1x8xi8>) -> tensor<1x8xf32> loc("plain_float32")
// CHECK-NEXT: func.return %[[O1]], %[[O2]]
