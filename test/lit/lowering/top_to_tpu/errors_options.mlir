// convert-top-to-tpu's option and input errors: each is one line "tpuc: error: ..." with exit code
// 2: an unknown mode, an unknown chip, and a module whose weight file is absent (lowering
// converts and quantises weights, so it needs them).
//
// RUN: %python %S/Inputs/prepare.py %s %t
// RUN: %python %S/../../Inputs/expect_exit.py 2 tpuc-opt %t/m.mlir -p 'convert-top-to-tpu{mode=INT4}' | filecheck %s --check-prefix=MODE
// RUN: %python %S/../../Inputs/expect_exit.py 2 tpuc-opt %t/m.mlir -p 'convert-top-to-tpu{mode=F16 chip=bm1688}' | filecheck %s --check-prefix=CHIP
// RUN: rm %t/w.npz
// RUN: %python %S/../../Inputs/expect_exit.py 2 tpuc-opt %t/m.mlir -p 'convert-top-to-tpu{mode=F16}' | filecheck %s --check-prefix=NOWEIGHTS

module attributes {module.name = "err", module.weight_file = "w.npz"} {
  func.func @main(%arg0: tensor<1x8xf32>) -> tensor<1x8xf32> {
    %0 = top.Input(%arg0) : (tensor<1x8xf32>) -> tensor<1x8xf32> loc("x")
    %1 = top.Weight() : () -> tensor<8xf32> loc("b")
    %2 = top.Add(%0, %1) : (tensor<1x8xf32>, tensor<8xf32>) -> tensor<1x8xf32> loc("out")
    func.return %2 : tensor<1x8xf32>
  }
}

// MODE:          {{^}}tpuc: error: unknown quantize mode 'INT4' (use one of F32, F16, BF16, INT8){{$}}
// MODE-NOT:      {{.}}
// CHIP:          {{^}}tpuc: error: unknown chip 'bm1688' (tpuc supports bm1684x){{$}}
// CHIP-NOT:      {{.}}
// NOWEIGHTS:     {{^}}tpuc: error: lowering needs the module's weight file (module.weight_file next to the .mlir){{$}}
// NOWEIGHTS-NOT: {{.}}
