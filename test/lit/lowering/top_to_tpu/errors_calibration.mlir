// convert-top-to-tpu's calibration errors: each is one line "tpuc: error: ..." with exit code 2
// (no traceback, no output IR): INT8 without a calibration table, a table missing a float tensor
// of the module (checked up front, naming the tensor), a table file that does not exist.
//
// RUN: %python %S/Inputs/prepare.py %s %t
// RUN: %python %S/../../Inputs/expect_exit.py 2 tpuc-opt %t/m.mlir -p 'convert-top-to-tpu{mode=INT8}' | filecheck %s --check-prefix=NOTABLE
// RUN: grep -v "^ln " %t/m.table > %t/missing.table
// RUN: %python %S/../../Inputs/expect_exit.py 2 tpuc-opt %t/m.mlir -p 'convert-top-to-tpu{mode=INT8 calibration_table="%t/missing.table"}' | filecheck %s --check-prefix=MISSING
// RUN: %python %S/../../Inputs/expect_exit.py 2 tpuc-opt %t/m.mlir -p 'convert-top-to-tpu{mode=INT8 calibration_table="%t/nope.table"}' | filecheck %s --check-prefix=NOFILE
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

// NOTABLE:     {{^}}tpuc: error: INT8 needs a calibration table (--calibration-table; make one with tpuc calibrate){{$}}
// NOTABLE-NOT: {{.}}
// MISSING:     {{^}}tpuc: error: calibration table has no threshold for 1 float tensor(s) of the module: 'ln' {{.*}}rerun tpuc calibrate){{$}}
// MISSING-NOT: {{.}}
// NOFILE:      {{^}}tpuc: error: calibration table not found: {{.*}}nope.table{{$}}
// NOFILE-NOT:  {{.}}
