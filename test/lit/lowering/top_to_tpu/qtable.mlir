// RUN: %python %S/Inputs/prepare.py %s %t
// RUN: tpuc-opt %t/m.mlir -p 'convert-top-to-tpu{mode=INT8 quant_output=true calibration_table="%t/m.table" quantize_table="%t/m.qtable"}' | filecheck %s --check-prefix=INT8
// RUN: echo "mul INT8  # forced INT8 in an F16 model" > %t/f16.qtable
// RUN: tpuc-opt %t/m.mlir -p 'convert-top-to-tpu{mode=F16 calibration_table="%t/m.table" quantize_table="%t/f16.qtable"}' | filecheck %s --check-prefix=F16
//
// The quantize table forces a mode per op (tensor name): in an INT8 model, 'add' runs in F32 and
// 'sig', which has an INT8 (table) form, runs in F16; 'mul', whose only reader is now the F16
// Sigmoid, stays F16 too (an int8 result read as f16 would only add error); in an F16 model, 'mul' is forced to INT8 (its f16
// and f32 operands quantised by tpu.Cast, its int8 result cast to f16 for the F16 Sigmoid).
// Modes are case-insensitive.
//
// QTABLE: add F32
// QTABLE: sig f16
// TABLE: x 1.27
// TABLE: y 2.54
// TABLE: add 3.81
// TABLE: mul 1.27
// TABLE: sig 1.0

module attributes {module.name = "qtable", module.weight_file = "w.npz"} {
  func.func @main(%arg0: tensor<1x8xf32>, %arg1: tensor<1x8xf32>) -> tensor<1x8xf32> {
    %0 = top.Input(%arg0) : (tensor<1x8xf32>) -> tensor<1x8xf32> loc("x")
    %1 = top.Input(%arg1) : (tensor<1x8xf32>) -> tensor<1x8xf32> loc("y")
    %2 = top.Add(%0, %1) : (tensor<1x8xf32>, tensor<1x8xf32>) -> tensor<1x8xf32> loc("add")
    %3 = top.Mul(%2, %0) : (tensor<1x8xf32>, tensor<1x8xf32>) -> tensor<1x8xf32> loc("mul")
    %4 = top.Sigmoid(%3) : (tensor<1x8xf32>) -> tensor<1x8xf32> loc("sig")
    func.return %4 : tensor<1x8xf32>
  }
}

// INT8:      module attributes {{{.*}}module.mode = "INT8"
// INT8:      %[[X:.*]] = top.Input(%arg0)
// INT8-NEXT: %[[Y:.*]] = top.Input(%arg1)
// INT8-NEXT: %[[ADD:.*]] = tpu.Add(%[[X]], %[[Y]]) {quant_mode = "F32"} : (tensor<1x8xf32>, tensor<1x8xf32>) -> tensor<1x8xf32> loc("add")
// INT8-NEXT: %[[AH:.*]] = tpu.Cast(%[[ADD]]) : (tensor<1x8xf32>) -> tensor<1x8xf16> loc("add_float16")
// INT8-NEXT: %[[XH:.*]] = tpu.Cast(%[[X]]) : (tensor<1x8xf32>) -> tensor<1x8xf16> loc("x_float16")
// INT8-NEXT: %[[MH:.*]] = tpu.Mul(%[[AH]], %[[XH]]) {quant_mode = "F16"} : (tensor<1x8xf16>, tensor<1x8xf16>) -> tensor<1x8xf16> loc("mul")
// INT8-NEXT: %[[SIG:.*]] = tpu.Sigmoid(%[[MH]]) {quant_mode = "F16"} : (tensor<1x8xf16>) -> tensor<1x8xf16> loc("sig")
// INT8-NEXT: %[[O:.*]] = tpu.Cast(%[[SIG]]) : (tensor<1x8xf16>) -> tensor<1x8xf32> loc("sig_float32")
// INT8-NEXT: func.return %[[O]] : tensor<1x8xf32>
// INT8-NOT:  tpu.Lut
// INT8-NOT:  INT8"

// F16:      module attributes {{{.*}}module.mode = "F16"
// F16:      %[[X:.*]] = top.Input(%arg0)
// F16-NEXT: %[[Y:.*]] = top.Input(%arg1)
// F16-NEXT: %[[XH:.*]] = tpu.Cast(%[[X]]) : (tensor<1x8xf32>) -> tensor<1x8xf16> loc("x_float16")
// F16-NEXT: %[[YH:.*]] = tpu.Cast(%[[Y]]) : (tensor<1x8xf32>) -> tensor<1x8xf16> loc("y_float16")
// F16-NEXT: %[[ADD:.*]] = tpu.Add(%[[XH]], %[[YH]]) {quant_mode = "F16"} : (tensor<1x8xf16>, tensor<1x8xf16>) -> tensor<1x8xf16> loc("add")
// F16-NEXT: %[[AQ:.*]] = tpu.Cast(%[[ADD]]) {qscale = 3.000000e-02 : f64} : (tensor<1x8xf16>) -> tensor<1x8xi8> loc("add_int8")
// F16-NEXT: %[[XQ:.*]] = tpu.Cast(%[[X]]) {qscale = 1.000000e-02 : f64} : (tensor<1x8xf32>) -> tensor<1x8xi8> loc("x_int8")
// F16-NEXT: %[[MUL:.*]] = tpu.Mul(%[[AQ]], %[[XQ]]) {quant_mode = "INT8", qscale = 1.000000e-02 : f64, multiplier = array<i64: 2061584302>, rshift = array<i64: 36>} : (tensor<1x8xi8>, tensor<1x8xi8>) -> tensor<1x8xi8> loc("mul")
// F16-NEXT: %[[MH:.*]] = tpu.Cast(%[[MUL]]) {qscale = 1.000000e-02 : f64} : (tensor<1x8xi8>) -> tensor<1x8xf16> loc("mul_float16")
// F16-NEXT: %[[SIG:.*]] = tpu.Sigmoid(%[[MH]]) {quant_mode = "F16"} : (tensor<1x8xf16>) -> tensor<1x8xf16> loc("sig")
// F16-NEXT: %[[O:.*]] = tpu.Cast(%[[SIG]]) : (tensor<1x8xf16>) -> tensor<1x8xf32> loc("sig_float32")
// F16-NEXT: func.return %[[O]] : tensor<1x8xf32>
