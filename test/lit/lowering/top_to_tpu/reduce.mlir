// RUN: %python %S/Inputs/prepare.py %s %t
// RUN: tpuc-opt %t/m.mlir -p 'convert-top-to-tpu{mode=F32}' | filecheck %s --check-prefix=F32
// RUN: tpuc-opt %t/m.mlir -p 'convert-top-to-tpu{mode=F16}' | filecheck %s --check-prefix=FLT -DT=f16 -DM=F16 -DCAST=float16
// RUN: tpuc-opt %t/m.mlir -p 'convert-top-to-tpu{mode=BF16}' | filecheck %s --check-prefix=FLT -DT=bf16 -DM=BF16 -DCAST=bfloat16
// RUN: tpuc-opt %t/m.mlir -p 'convert-top-to-tpu{mode=INT8 quant_output=true calibration_table="%t/m.table"}' | filecheck %s --check-prefix=INT8
//
// convert-top-to-tpu of the reduce family: ReduceMean (global average pooling) has an INT8 form,
// an exact integer sum over the reduced axes requantised by s_in / (s_out * count):
// 0.01 / (0.005 * 4) = 0.5 = 2**30 >> 31; ReduceMax has none and runs in F16 inside an INT8 model.
//
// TABLE: x 1.27
// TABLE: mean 0.635
// TABLE: max 1.27

module attributes {module.name = "reduce", module.weight_file = "w.npz"} {
  func.func @main(%arg0: tensor<1x4x2x2xf32>) -> (tensor<1x4x1x1xf32>, tensor<1x2x2xf32>) {
    %0 = top.Input(%arg0) : (tensor<1x4x2x2xf32>) -> tensor<1x4x2x2xf32> loc("x")
    %1 = top.Reduce(%0) {axes = array<i64: 2, 3>, keepdims = 1 : i64, mode = "ReduceMean"} : (tensor<1x4x2x2xf32>) -> tensor<1x4x1x1xf32> loc("mean")
    %2 = top.Reduce(%0) {axes = array<i64: 1>, keepdims = 0 : i64, mode = "ReduceMax"} : (tensor<1x4x2x2xf32>) -> tensor<1x2x2xf32> loc("max")
    func.return %1, %2 : tensor<1x4x1x1xf32>, tensor<1x2x2xf32>
  }
}

// F32:      %[[X:.*]] = top.Input(%arg0)
// F32-NEXT: %[[MEAN:.*]] = tpu.Reduce(%[[X]]) {axes = array<i64: 2, 3>, keepdims = 1 : i64, mode = "ReduceMean", quant_mode = "F32"} : (tensor<1x4x2x2xf32>) -> tensor<1x4x1x1xf32> loc("mean")
// F32-NEXT: %[[MAX:.*]] = tpu.Reduce(%[[X]]) {axes = array<i64: 1>, keepdims = 0 : i64, mode = "ReduceMax", quant_mode = "F32"} : (tensor<1x4x2x2xf32>) -> tensor<1x2x2xf32> loc("max")
// F32-NEXT: func.return %[[MEAN]], %[[MAX]] : tensor<1x4x1x1xf32>, tensor<1x2x2xf32>

// FLT:      %[[X:.*]] = top.Input(%arg0)
// FLT-NEXT: %[[XH:.*]] = tpu.Cast(%[[X]]) : (tensor<1x4x2x2xf32>) -> tensor<1x4x2x2x[[T]]> loc("x_[[CAST]]")
// FLT-NEXT: %[[MEAN:.*]] = tpu.Reduce(%[[XH]]) {axes = array<i64: 2, 3>, keepdims = 1 : i64, mode = "ReduceMean", quant_mode = "[[M]]"} : (tensor<1x4x2x2x[[T]]>) -> tensor<1x4x1x1x[[T]]> loc("mean")
// FLT-NEXT: %[[MAX:.*]] = tpu.Reduce(%[[XH]]) {axes = array<i64: 1>, keepdims = 0 : i64, mode = "ReduceMax", quant_mode = "[[M]]"} : (tensor<1x4x2x2x[[T]]>) -> tensor<1x2x2x[[T]]> loc("max")
// FLT-NEXT: %[[O1:.*]] = tpu.Cast(%[[MEAN]]) : (tensor<1x4x1x1x[[T]]>) -> tensor<1x4x1x1xf32> loc("mean_float32")
// FLT-NEXT: %[[O2:.*]] = tpu.Cast(%[[MAX]]) : (tensor<1x2x2x[[T]]>) -> tensor<1x2x2xf32> loc("max_float32")
// FLT-NEXT: func.return %[[O1]], %[[O2]]

// INT8:      %[[X:.*]] = top.Input(%arg0)
// INT8-NEXT: %[[XQ:.*]] = tpu.Cast(%[[X]]) {qscale = 1.000000e-02 : f64} : (tensor<1x4x2x2xf32>) -> tensor<1x4x2x2xi8> loc("x_int8")
// INT8-NEXT: %[[MEAN:.*]] = tpu.Reduce(%[[XQ]]) {axes = array<i64: 2, 3>, keepdims = 1 : i64, mode = "ReduceMean", quant_mode = "INT8", qscale = 5.000000e-03 : f64, multiplier = array<i64: 1073741824>, rshift = array<i64: 31>} : (tensor<1x4x2x2xi8>) -> tensor<1x4x1x1xi8> loc("mean")
// INT8-NEXT: %[[XH:.*]] = tpu.Cast(%[[X]]) : (tensor<1x4x2x2xf32>) -> tensor<1x4x2x2xf16> loc("x_float16")
// INT8-NEXT: %[[MAX:.*]] = tpu.Reduce(%[[XH]]) {axes = array<i64: 1>, keepdims = 0 : i64, mode = "ReduceMax", quant_mode = "F16"} : (tensor<1x4x2x2xf16>) -> tensor<1x2x2xf16> loc("max")
// INT8-NEXT: %[[O1:.*]] = tpu.Cast(%[[MEAN]]) {qscale = 5.000000e-03 : f64} : (tensor<1x4x1x1xi8>) -> tensor<1x4x1x1xf32> loc("mean_float32")
// INT8-NEXT: %[[O2:.*]] = tpu.Cast(%[[MAX]]) : (tensor<1x2x2xf16>) -> tensor<1x2x2xf32> loc("max_float32")
// INT8-NEXT: func.return %[[O1]], %[[O2]] : tensor<1x4x1x1xf32>, tensor<1x2x2xf32>
