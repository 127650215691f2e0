// Quantize-table file errors of convert-top-to-tpu, one line "tpuc: error: ..." and exit code 2:
// a line that is not 'OP_NAME MODE' (named by file and line number; comments and blank lines
// before it are fine), and a table file that does not exist.
//
// RUN: %python %S/Inputs/prepare.py %s %t
// RUN: echo "# comment" > %t/bad.qtable
// RUN: echo "" >> %t/bad.qtable
// RUN: echo "out F16 extra" >> %t/bad.qtable
// RUN: %python %S/../../Inputs/expect_exit.py 2 tpuc-opt %t/m.mlir -p 'convert-top-to-tpu{mode=F16 quantize_table="%t/bad.qtable"}' | filecheck %s --check-prefix=LINE
// RUN: %python %S/../../Inputs/expect_exit.py 2 tpuc-opt %t/m.mlir -p 'convert-top-to-tpu{mode=F16 quantize_table="%t/none.qtable"}' | filecheck %s --check-prefix=NOFILE

module attributes {module.name = "err", module.weight_file = "w.npz"} {
  func.func @main(%arg0: tensor<1x8xf32>) -> tensor<1x8xf32> {
    %0 = top.Input(%arg0) : (tensor<1x8xf32>) -> tensor<1x8xf32> loc("x")
    %1 = top.Relu(%0) : (tensor<1x8xf32>) -> tensor<1x8xf32> loc("out")
    func.return %1 : tensor<1x8xf32>
  }
}

// LINE:       {{^}}tpuc: error: {{.*}}bad.qtable:3: expected 'OP_NAME MODE', got 'out F16 extra'{{$}}
// LINE-NOT:   {{.}}
// NOFILE:     {{^}}tpuc: error: quantize table not found: {{.*}}none.qtable{{$}}
// NOFILE-NOT: {{.}}
