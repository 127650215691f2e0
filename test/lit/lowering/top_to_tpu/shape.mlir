// RUN: %python %S/Inputs/prepare.py %s %t
// RUN: tpuc-opt %t/m.mlir -p 'convert-top-to-tpu{mode=F32}' | filecheck %s --check-prefix=F32
// RUN: tpuc-opt %t/m.mlir -p 'convert-top-to-tpu{mode=F16}' | filecheck %s --check-prefix=FLT -DT=f16 -DM=F16 -DCAST=float16
// RUN: tpuc-opt %t/m.mlir -p 'convert-top-to-tpu{mode=BF16}' | filecheck %s --check-prefix=FLT -DT=bf16 -DM=BF16 -DCAST=bfloat16
// RUN: tpuc-opt %t/m.mlir -p 'convert-top-to-tpu{mode=INT8 calibration_table="%t/m.table"}' | filecheck %s --check-prefix=INT8
//
// convert-top-to-tpu of the shape family: in INT8, data movement of an int8 tensor (Permute,
// Reshape, Slice) stays int8 and keeps the producer's qscale (whatever the table says for its own
// result); Concat brings every input to its calibrated output scale: the input already at
// s = 0.03 is used as it is, the one at 0.01 goes through a tpu.Requant (0.01 / 0.03 = 1/3 =
// 1431655765 >> 32). In F16/BF16 they are plain float ops of the mode.
//
// TABLE: x 1.27
// TABLE: y 2.54
// TABLE: add 3.81
// TABLE: perm 5.0
// TABLE: flat 5.0
// TABLE: sl 5.0
// TABLE: mul 1.27
// TABLE: mulflat 1.27
// TABLE: cat 3.81

module attributes {module.name = "shape", module.weight_file = "w.npz"} {
  func.func @main(%arg0: tensor<1x2x4xf32>, %arg1: tensor<1x2x4xf32>) -> (tensor<1x4xf32>, tensor<1x16xf32>) {
    %0 = top.Input(%arg0) : (tensor<1x2x4xf32>) -> tensor<1x2x4xf32> loc("x")
    %1 = top.Input(%arg1) : (tensor<1x2x4xf32>) -> tensor<1x2x4xf32> loc("y")
    %2 = top.Add(%0, %1) : (tensor<1x2x4xf32>, tensor<1x2x4xf32>) -> tensor<1x2x4xf32> loc("add")
    %3 = top.Permute(%2) {order = array<i64: 0, 2, 1>} : (tensor<1x2x4xf32>) -> tensor<1x4x2xf32> loc("perm")
    %4 = top.Reshape(%3) {shape = array<i64: 1, 8>} : (tensor<1x4x2xf32>) -> tensor<1x8xf32> loc("flat")
    %5 = top.Slice(%4) {offset = array<i64: 0, 2>, ends = array<i64: 1, 6>, steps = array<i64: 1, 1>} : (tensor<1x8xf32>) -> tensor<1x4xf32> loc("sl")
    %6 = top.Mul(%0, %1) : (tensor<1x2x4xf32>, tensor<1x2x4xf32>) -> tensor<1x2x4xf32> loc("mul")
    %7 = top.Reshape(%6) {shape = array<i64: 1, 8>} : (tensor<1x2x4xf32>) -> tensor<1x8xf32> loc("mulflat")
    %8 = top.Concat(%4, %7) {axis = 1 : i64} : (tensor<1x8xf32>, tensor<1x8xf32>) -> tensor<1x16xf32> loc("cat")
    func.return %5, %8 : tensor<1x4xf32>, tensor<1x16xf32>
  }
}

// F32:      %[[X:.*]] = top.Input(%arg0)
// F32-NEXT: %[[Y:.*]] = top.Input(%arg1)
// F32-NEXT: tpu.Add(%[[X]], %[[Y]]) {quant_mode = "F32"}
// F32-NEXT: tpu.Permute({{.*}}) {order = array<i64: 0, 2, 1>, quant_mode = "F32"} : (tensor<1x2x4xf32>) -> tensor<1x4x2xf32> loc("perm")
// F32-NEXT: tpu.Reshape({{.*}}) {shape = array<i64: 1, 8>, quant_mode = "F32"} : (tensor<1x4x2xf32>) -> tensor<1x8xf32> loc("flat")
// F32-NEXT: tpu.Slice({{.*}}quant_mode = "F32"} : (tensor<1x8xf32>) -> tensor<1x4xf32> loc("sl")
// F32-NEXT: tpu.Mul(%[[X]], %[[Y]]) {quant_mode = "F32"}
// F32-NEXT: tpu.Reshape({{.*}}) {shape = array<i64: 1, 8>, quant_mode = "F32"} : (tensor<1x2x4xf32>) -> tensor<1x8xf32> loc("mulflat")
// F32-NEXT: tpu.Concat({{.*}}) {axis = 1 : i64, quant_mode = "F32"} : (tensor<1x8xf32>, tensor<1x8xf32>) -> tensor<1x16xf32> loc("cat")
// F32-NEXT: func.return

// FLT:      %[[XH:.*]] = tpu.Cast(%{{.*}}) : (tensor<1x2x4xf32>) -> tensor<1x2x4x[[T]]> loc("x_[[CAST]]")
// FLT-NEXT: %[[YH:.*]] = tpu.Cast(%{{.*}}) : (tensor<1x2x4xf32>) -> tensor<1x2x4x[[T]]> loc("y_[[CAST]]")
// FLT-NEXT: %[[ADD:.*]] = tpu.Add(%[[XH]], %[[YH]]) {quant_mode = "[[M]]"} : (tensor<1x2x4x[[T]]>, tensor<1x2x4x[[T]]>) -> tensor<1x2x4x[[T]]> loc("add")
// FLT-NEXT: %[[P:.*]] = tpu.Permute(%[[ADD]]) {order = array<i64: 0, 2, 1>, quant_mode = "[[M]]"} : (tensor<1x2x4x[[T]]>) -> tensor<1x4x2x[[T]]> loc("perm")
// FLT-NEXT: %[[F:.*]] = tpu.Reshape(%[[P]]) {shape = array<i64: 1, 8>, quant_mode = "[[M]]"} : (tensor<1x4x2x[[T]]>) -> tensor<1x8x[[T]]> loc("flat")
// FLT-NEXT: %[[S:.*]] = tpu.Slice(%[[F]]) {offset = array<i64: 0, 2>, ends = array<i64: 1, 6>, steps = array<i64: 1, 1>, quant_mode = "[[M]]"} : (tensor<1x8x[[T]]>) -> tensor<1x4x[[T]]> loc("sl")
// FLT-NEXT: %[[MUL:.*]] = tpu.Mul(%[[XH]], %[[YH]]) {quant_mode = "[[M]]"} : (tensor<1x2x4x[[T]]>, tensor<1x2x4x[[T]]>) -> tensor<1x2x4x[[T]]> loc("mul")
// FLT-NEXT: %[[MF:.*]] = tpu.Reshape(%[[MUL]]) {shape = array<i64: 1, 8>, quant_mode = "[[M]]"} : (tensor<1x2x4x[[T]]>) -> tensor<1x8x[[T]]> loc("mulflat")
// FLT-NEXT: %[[C:.*]] = tpu.Concat(%[[F]], %[[MF]]) {axis = 1 : i64, quant_mode = "[[M]]"} : (tensor<1x8x[[T]]>, tensor<1x8x[[T]]>) -> tensor<1x16x[[T]]> loc("cat")
// FLT-NEXT: %[[O1:.*]] = tpu.Cast(%[[S]]) : (tensor<1x4x[[T]]>) -> tensor<1x4xf32> loc("sl_float32")
// FLT-NEXT: %[[O2:.*]] = tpu.Cast(%[[C]]) : (tensor<1x16x[[T]]>) -> tensor<1x16xf32> loc("cat_float32")
// FLT-NEXT: func.return %[[O1]], %[[O2]]
// FLT-NOT:  tpu.Requant

// INT8:      %[[XQ:.*]] = tpu.Cast(%{{.*}}) {qscale = 1.000000e-02 : f64} : (tensor<1x2x4xf32>) -> tensor<1x2x4xi8> loc("x_int8")
// INT8-NEXT: %[[YQ:.*]] = tpu.Cast(%{{.*}}) {qscale = 2.000000e-02 : f64} : (tensor<1x2x4xf32>) -> tensor<1x2x4xi8> loc("y_int8")
// INT8-NEXT: %[[ADD:.*]] = tpu.Add(%[[XQ]], %[[YQ]]) {quant_mode = "INT8", qscale = 3.000000e-02 : f64, {{.*}}} : (tensor<1x2x4xi8>, tensor<1x2x4xi8>) -> tensor<1x2x4xi8> loc("add")
//   the table's 5.0 for perm/flat/sl is not used: data movement keeps its input's scale
// INT8-NEXT: %[[P:.*]] = tpu.Permute(%[[ADD]]) {order = array<i64: 0, 2, 1>, quant_mode = "INT8", qscale = 3.000000e-02 : f64} : (tensor<1x2x4xi8>) -> tensor<1x4x2xi8> loc("perm")
// INT8-NEXT: %[[F:.*]] = tpu.Reshape(%[[P]]) {shape = array<i64: 1, 8>, quant_mode = "INT8", qscale = 3.000000e-02 : f64} : (tensor<1x4x2xi8>) -> tensor<1x8xi8> loc("flat")
// INT8-NEXT: %[[S:.*]] = tpu.Slice(%[[F]]) {offset = array<i64: 0, 2>, ends = array<i64: 1, 6>, steps = array<i64: 1, 1>, quant_mode = "INT8", qscale = 3.000000e-02 : f64} : (tensor<1x8xi8>) -> tensor<1x4xi8> loc("sl")
// INT8-NEXT: %[[MUL:.*]] = tpu.Mul(%[[XQ]], %[[YQ]]) {quant_mode = "INT8", qscale = 1.000000e-02 : f64, {{.*}}} : (tensor<1x2x4xi8>, tensor<1x2x4xi8>) -> tensor<1x2x4xi8> loc("mul")
// INT8-NEXT: %[[MF:.*]] = tpu.Reshape(%[[MUL]]) {shape = array<i64: 1, 8>, quant_mode = "INT8", qscale = 1.000000e-02 : f64} : (tensor<1x2x4xi8>) -> tensor<1x8xi8> loc("mulflat")
// INT8-NEXT: %[[RQ:.*]] = tpu.Requant(%[[MF]]) {quant_mode = "INT8", qscale = 3.000000e-02 : f64, multiplier = array<i64: 1431655765>, rshift = array<i64: 32>} : (tensor<1x8xi8>) -> tensor<1x8xi8> loc("mulflat_requant")
// INT8-NEXT: %[[C:.*]] = tpu.Concat(%[[F]], %[[RQ]]) {axis = 1 : i64, quant_mode = "INT8", qscale = 3.000000e-02 : f64} : (tensor<1x8xi8>, tensor<1x8xi8>) -> tensor<1x16xi8> loc("cat")
// INT8-NEXT: %[[O1:.*]] = tpu.Cast(%[[S]]) {qscale = 3.000000e-02 : f64} : (tensor<1x4xi8>) -> tensor<1x4xf32> loc("sl_float32")
// INT8-NEXT: %[[O2:.*]] = tpu.Cast(%[[C]]) {qscale = 3.000000e-02 : f64} : (tensor<1x16xi8>) -> tensor<1x16xf32> loc("cat_float32")
// INT8-NEXT: func.return %[[O1]], %[[O2]] : tensor<1x4xf32>, tensor<1x16xf32>
