// Quantize-table errors of convert-top-to-tpu, each one line "tpuc: error: ..." with exit code 2:
// a name the module does not have, an unknown mode, INT8 forced on an op without an INT8 form
// (LayerNorm), INT8 forced in a float model without a calibration table (file errors:
// errors_qtable_file.mlir).
//
// RUN: %python %S/Inputs/prepare.py %s %t
// RUN: echo "ghost F16" > %t/unknown_name.qtable
// RUN: %python %S/../../Inputs/expect_exit.py 2 tpuc-opt %t/m.mlir -p 'convert-top-to-tpu{mode=INT8 calibration_table="%t/m.table" quantize_table="%t/unknown_name.qtable"}' | filecheck %s --check-prefix=NAME
// RUN: echo "ln INT4" > %t/unknown_mode.qtable
// RUN: %python %S/../../Inputs/expect_exit.py 2 tpuc-opt %t/m.mlir -p 'convert-top-to-tpu{mode=F16 quantize_table="%t/unknown_mode.qtable"}' | filecheck %s --check-prefix=QMODE
// RUN: echo "ln INT8" > %t/ln_int8.qtable
// RUN: %python %S/../../Inputs/expect_exit.py 2 tpuc-opt %t/m.mlir -p 'convert-top-to-tpu{mode=INT8 calibration_table="%t/m.table" quantize_table="%t/ln_int8.qtable"}' | filecheck %s --check-prefix=LN
// RUN: %python %S/../../Inputs/expect_exit.py 2 tpuc-opt %t/m.mlir -p 'convert-top-to-tpu{mode=F16 quantize_table="%t/ln_int8.qtable"}' | filecheck %s --check-prefix=NOTABLE
//
// TABLE: x 1.27
// TABLE: ln 2.0
// TABLE: out 3.0

module attributes {module.name = "err", module.weight_file = "w.npz"} {
  func.func @main(%arg0: tensor<1x8xf32>) -> tensor<1x8xf32> {
    %0 = top.Input(%arg0) : (tensor<1x8xf32>) -> tensor<1x8xf32> loc("x")
    %1 = top.Weight() : () -> tensor<8xf32> loc("ln_w")
    %2 = top.None() : () -> none loc("none")
    %3 = top.LayerNorm(%0, %1, %2) {axis = 1 : i64, eps = 1.0e-05 : f64} : (tensor<1x8xf32>, tensor<8xf32>, none) -> tensor<1x8xf32> loc("ln")
    %4 = top.Add(%3, %0) : (tensor<1x8xf32>, tensor<1x8xf32>) -> tensor<1x8xf32> loc("out")
    func.return %4 : tensor<1x8xf32>
  }
}

// NAME:        {{^}}tpuc: error: quantize table names 1 op(s) the module does not have: 'ghost'{{$}}
// NAME-NOT:    {{.}}
// QMODE:       {{^}}tpuc: error: {{.*}}unknown_mode.qtable:1: unknown mode 'INT4' for 'ln' (use one of F32, F16, BF16, INT8){{$}}
// QMODE-NOT:   {{.}}
// LN:          {{^}}tpuc: error: quantize table asks INT8 for top.LayerNorm 'ln', but tpuc has no INT8 lowering for it{{$}}
// LN-NOT:      {{.}}
// NOTABLE:     {{^}}tpuc: error: INT8 needs a calibration table {{.*}}{{$}}
// NOTABLE-NOT: {{.}}
