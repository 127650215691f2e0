// RUN: %python %S/Inputs/prepare.py %s %t
// RUN: tpuc-opt %t/m.mlir -p 'convert-top-to-tpu{mode=F32}' > %t/f32.mlir
// RUN: filecheck %s --check-prefix=F32 --input-file %t/f32.mlir
// RUN: not grep -E "tpu\\.Cast|top\\.(Add|Mul|Relu|Sigmoid|GELU|Softmax|LayerNorm)|f16|i8" %t/f32.mlir
// RUN: tpuc-opt %t/m.mlir -p 'convert-top-to-tpu{mode=F16}' | filecheck %s --check-prefix=FLT -DT=f16 -DM=F16 -DCAST=float16
// RUN: tpuc-opt %t/m.mlir -p 'convert-top-to-tpu{mode=BF16}' | filecheck %s --check-prefix=FLT -DT=bf16 -DM=BF16 -DCAST=bfloat16
// RUN: tpuc-opt %t/m.mlir -p 'convert-top-to-tpu{mode=INT8 quant_output=true calibration_table="%t/m.table"}' -o %t/int8.mlir
// RUN: filecheck %s --check-prefix=INT8 --input-file %t/int8.mlir
// RUN: %python %S/../../Inputs/npz_dump.py %t/int8_weight.npz | filecheck %s --check-prefix=W8
//
// convert-top-to-tpu of the elementwise family in each mode: Add, Mul, Relu, Sigmoid (in INT8 a
// tpu.Lut with a 256-entry int8 table), and GELU / Softmax / LayerNorm, which have no INT8 form
// and run in F16 inside an INT8 model (int8 -> f16 cast with the producer's scale before, f16 ->
// int8 cast with the calibrated scale where an INT8 op reads them again).
//
// INT8 numbers: s_x = 0.01, s_y = 0.02, s_add = 0.03: Add brings each operand to the output
// scale with its own multiplier and one shift: 1/3 and 2/3 -> 715827883, 1431655765 >> 31.
// Mul: s_x * s_y / s_mul = 0.01 * 0.02 / 0.01 = 0.02 -> 1374389535 >> 36. Relu keeps the Mul's
// scale; the Sigmoid table maps q * 0.01 to sigmoid(.) / (1/127): table[0] = sigmoid(-1.28) * 127
// = 27.7 -> 28 (the first entries the weight file shows).
// Add and Mul read the graph inputs (float) here: see int8_chain.mlir for INT8 ops reading INT8 results.
//
// TABLE: x 1.27
// TABLE: y 2.54
// TABLE: add 3.81
// TABLE: mul 1.27
// TABLE: relu 1.27
// TABLE: sig 1.0
// TABLE: gelu 1.0
// TABLE: sm 1.0
// TABLE: ln 2.54
// TABLE: out 3.81

module attributes {module.name = "ew", module.weight_file = "w.npz"} {
  func.func @main(%arg0: tensor<1x8xf32>, %arg1: tensor<1x8xf32>) -> (tensor<1x8xf32>, tensor<1x8xf32>) {
    %0 = top.Input(%arg0) : (tensor<1x8xf32>) -> tensor<1x8xf32> loc("x")
    %1 = top.Input(%arg1) : (tensor<1x8xf32>) -> tensor<1x8xf32> loc("y")
    %2 = top.Add(%0, %1) : (tensor<1x8xf32>, tensor<1x8xf32>) -> tensor<1x8xf32> loc("add")
    %3 = top.Mul(%0, %1) : (tensor<1x8xf32>, tensor<1x8xf32>) -> tensor<1x8xf32> loc("mul")
    %4 = top.Relu(%3) : (tensor<1x8xf32>) -> tensor<1x8xf32> loc("relu")
    %5 = top.Sigmoid(%4) : (tensor<1x8xf32>) -> tensor<1x8xf32> loc("sig")
    %6 = top.GELU(%5) : (tensor<1x8xf32>) -> tensor<1x8xf32> loc("gelu")
    %7 = top.Softmax(%6) {axis = 1 : i64} : (tensor<1x8xf32>) -> tensor<1x8xf32> loc("sm")
    %8 = top.Weight() : () -> tensor<8xf32> loc("ln_w")
    %9 = top.Weight() : () -> tensor<8xf32> loc("ln_b")
    %10 = top.LayerNorm(%7, %8, %9) {axis = 1 : i64, eps = 1.0e-05 : f64} : (tensor<1x8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<1x8xf32> loc("ln")
    %11 = top.Add(%10, %0) : (tensor<1x8xf32>, tensor<1x8xf32>) -> tensor<1x8xf32> loc("out")
    func.return %11, %2 : tensor<1x8xf32>, tensor<1x8xf32>
  }
}

// F32:      %[[X:.*]] = top.Input(%arg0)
// F32-NEXT: %[[Y:.*]] = top.Input(%arg1)
// F32-NEXT: %[[ADD:.*]] = tpu.Add(%[[X]], %[[Y]]) {quant_mode = "F32"} : (tensor<1x8xf32>, tensor<1x8xf32>) -> tensor<1x8xf32> loc("add")
// F32-NEXT: tpu.Mul(%[[X]], %[[Y]]) {quant_mode = "F32"} : {{.*}} -> tensor<1x8xf32> loc("mul")
// F32-NEXT: tpu.Relu({{.*}}) {quant_mode = "F32"} : (tensor<1x8xf32>) -> tensor<1x8xf32> loc("relu")
// F32-NEXT: tpu.Sigmoid({{.*}}) {quant_mode = "F32"} : (tensor<1x8xf32>) -> tensor<1x8xf32> loc("sig")
// F32-NEXT: tpu.GELU({{.*}}) {quant_mode = "F32"} : (tensor<1x8xf32>) -> tensor<1x8xf32> loc("gelu")
// F32-NEXT: tpu.Softmax({{.*}}) {axis = 1 : i64, quant_mode = "F32"} : (tensor<1x8xf32>) -> tensor<1x8xf32> loc("sm")
// F32-NEXT: top.Weight() : () -> tensor<8xf32> loc("ln_w")
// F32-NEXT: top.Weight() : () -> tensor<8xf32> loc("ln_b")
// F32-NEXT: tpu.LayerNorm({{.*}}quant_mode = "F32"} : (tensor<1x8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<1x8xf32> loc("ln")
// F32-NEXT: %[[OUT:.*]] = tpu.Add({{.*}}, %[[X]]) {quant_mode = "F32"} : {{.*}} -> tensor<1x8xf32> loc("out")
// F32-NEXT: func.return %[[OUT]], %[[ADD]] : tensor<1x8xf32>, tensor<1x8xf32>

//   F16 / BF16: one cast per input, every op in the mode, one cast back per output
// FLT:      %[[X:.*]] = top.Input(%arg0)
// FLT-NEXT: %[[Y:.*]] = top.Input(%arg1)
// FLT-NEXT: %[[XH:.*]] = tpu.Cast(%[[X]]) : (tensor<1x8xf32>) -> tensor<1x8x[[T]]> loc("x_[[CAST]]")
// FLT-NEXT: %[[YH:.*]] = tpu.Cast(%[[Y]]) : (tensor<1x8xf32>) -> tensor<1x8x[[T]]> loc("y_[[CAST]]")
// FLT-NEXT: %[[ADD:.*]] = tpu.Add(%[[XH]], %[[YH]]) {quant_mode = "[[M]]"} : (tensor<1x8x[[T]]>, tensor<1x8x[[T]]>) -> tensor<1x8x[[T]]> loc("add")
// FLT-NEXT: tpu.Mul(%[[XH]], %[[YH]]) {quant_mode = "[[M]]"} : {{.*}} -> tensor<1x8x[[T]]> loc("mul")
// FLT-NEXT: tpu.Relu({{.*}}) {quant_mode = "[[M]]"} : (tensor<1x8x[[T]]>) -> tensor<1x8x[[T]]> loc("relu")
// FLT-NEXT: tpu.Sigmoid({{.*}}) {quant_mode = "[[M]]"} : (tensor<1x8x[[T]]>) -> tensor<1x8x[[T]]> loc("sig")
// FLT-NEXT: tpu.GELU({{.*}}) {quant_mode = "[[M]]"} : (tensor<1x8x[[T]]>) -> tensor<1x8x[[T]]> loc("gelu")
// FLT-NEXT: tpu.Softmax({{.*}}) {axis = 1 : i64, quant_mode = "[[M]]"} : (tensor<1x8x[[T]]>) -> tensor<1x8x[[T]]> loc("sm")
// FLT-NEXT: top.Weight() : () -> tensor<8x[[T]]> loc("ln_w_[[CAST]]")
// FLT-NEXT: top.Weight() : () -> tensor<8x[[T]]> loc("ln_b_[[CAST]]")
// FLT-NEXT: tpu.LayerNorm({{.*}}quant_mode = "[[M]]"} : (tensor<1x8x[[T]]>, tensor<8x[[T]]>, tensor<8x[[T]]>) -> tensor<1x8x[[T]]> loc("ln")
// FLT-NEXT: %[[OUT:.*]] = tpu.Add({{.*}}, %[[XH]]) {quant_mode = "[[M]]"} : {{.*}} -> tensor<1x8x[[T]]> loc("out")
// FLT-NEXT: %[[O1:.*]] = tpu.Cast(%[[OUT]]) : (tensor<1x8x[[T]]>) -> tensor<1x8xf32> loc("out_float32")
// FLT-NEXT: %[[O2:.*]] = tpu.Cast(%[[ADD]]) : (tensor<1x8x[[T]]>) -> tensor<1x8xf32> loc("add_float32")
// FLT-NEXT: func.return %[[O1]], %[[O2]] : tensor<1x8xf32>, tensor<1x8xf32>

// INT8:      %[[X:.*]] = top.Input(%arg0)
// INT8-NEXT: %[[Y:.*]] = top.Input(%arg1)
// INT8-NEXT: %[[XQ:.*]] = tpu.Cast(%[[X]]) {qscale = 1.000000e-02 : f64} : (tensor<1x8xf32>) -> tensor<1x8xi8> loc("x_int8")
// INT8-NEXT: %[[YQ:.*]] = tpu.Cast(%[[Y]]) {qscale = 2.000000e-02 : f64} : (tensor<1x8xf32>) -> tensor<1x8xi8> loc("y_int8")
// INT8-NEXT: %[[ADD:.*]] = tpu.Add(%[[XQ]], %[[YQ]]) {quant_mode = "INT8", qscale = 3.000000e-02 : f64, multiplier = array<i64: 715827883, 1431655765>, rshift = array<i64: 31>} : (tensor<1x8xi8>, tensor<1x8xi8>) -> tensor<1x8xi8> loc("add")
// INT8-NEXT: %[[MUL:.*]] = tpu.Mul(%[[XQ]], %[[YQ]]) {quant_mode = "INT8", qscale = 1.000000e-02 : f64, multiplier = array<i64: 1374389535>, rshift = array<i64: 36>} : (tensor<1x8xi8>, tensor<1x8xi8>) -> tensor<1x8xi8> loc("mul")
// INT8-NEXT: %[[RELU:.*]] = tpu.Relu(%[[MUL]]) {quant_mode = "INT8", qscale = 1.000000e-02 : f64} : (tensor<1x8xi8>) -> tensor<1x8xi8> loc("relu")
// INT8-NEXT: %[[TAB:.*]] = top.Weight() : () -> tensor<256xi8> loc("sig_lut")
// INT8-NEXT: %[[SIG:.*]] = tpu.Lut(%[[RELU]], %[[TAB]]) {quant_mode = "INT8", qscale = 0.007874015748031496 : f64} : (tensor<1x8xi8>, tensor<256xi8>) -> tensor<1x8xi8> loc("sig")
//   GELU, Softmax, LayerNorm: F16 between an int8 -> f16 and an f16 -> int8 cast
// INT8-NEXT: %[[SIGH:.*]] = tpu.Cast(%[[SIG]]) {qscale = 0.007874015748031496 : f64} : (tensor<1x8xi8>) -> tensor<1x8xf16> loc("sig_float16")
// INT8-NEXT: %[[GELU:.*]] = tpu.GELU(%[[SIGH]]) {quant_mode = "F16"} : (tensor<1x8xf16>) -> tensor<1x8xf16> loc("gelu")
// INT8-NEXT: %[[SM:.*]] = tpu.Softmax(%[[GELU]]) {axis = 1 : i64, quant_mode = "F16"} : (tensor<1x8xf16>) -> tensor<1x8xf16> loc("sm")
// INT8-NEXT: %[[LW:.*]] = top.Weight() : () -> tensor<8xf16> loc("ln_w_float16")
// INT8-NEXT: %[[LB:.*]] = top.Weight() : () -> tensor<8xf16> loc("ln_b_float16")
// INT8-NEXT: %[[LN:.*]] = tpu.LayerNorm(%[[SM]], %[[LW]], %[[LB]]) {axis = 1 : i64, eps = 1.000000e-05 : f64, quant_mode = "F16"} : (tensor<1x8xf16>, tensor<8xf16>, tensor<8xf16>) -> tensor<1x8xf16> loc("ln")
// INT8-NEXT: %[[LNQ:.*]] = tpu.Cast(%[[LN]]) {qscale = 2.000000e-02 : f64} : (tensor<1x8xf16>) -> tensor<1x8xi8> loc("ln_int8")
//   the quantised x is reused (one cast per tensor and scale)
// INT8-NEXT: %[[OUT:.*]] = tpu.Add(%[[LNQ]], %[[XQ]]) {quant_mode = "INT8", qscale = 3.000000e-02 : f64, multiplier = array<i64: 1431655765, 715827883>, rshift = array<i64: 31>} : (tensor<1x8xi8>, tensor<1x8xi8>) -> tensor<1x8xi8> loc("out")
// INT8-NEXT: %[[O1:.*]] = tpu.Cast(%[[OUT]]) {qscale = 3.000000e-02 : f64} : (tensor<1x8xi8>) -> tensor<1x8xf32> loc("out_float32")
// INT8-NEXT: %[[O2:.*]] = tpu.Cast(%[[ADD]]) {qscale = 3.000000e-02 : f64} : (tensor<1x8xi8>) -> tensor<1x8xf32> loc("add_float32")
// INT8-NEXT: func.return %[[O1]], %[[O2]] : tensor<1x8xf32>, tensor<1x8xf32>

// W8:      ln_b_float16: shape=[8] dtype=float16
// W8-NEXT: ln_w_float16: shape=[8] dtype=float16
// W8-NEXT: sig_lut: shape=[256] dtype=int8 values=[28, 28, 28, 28, 29, 29, 29, 29, 29, 30, 30, 30, 30, 31, 31, 31]
