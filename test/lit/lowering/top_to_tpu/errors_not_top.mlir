// convert-top-to-tpu refuses a module that is already lowered (one line "tpuc: error: ...",
// exit code 2), naming the first non-Top op.
//
// RUN: %python %S/Inputs/prepare.py %s %t
// RUN: %python %S/../../Inputs/expect_exit.py 2 tpuc-opt %t/m.mlir -p 'convert-top-to-tpu{mode=F16}' | filecheck %s

module attributes {module.name = "low", module.weight_file = "w.npz", module.state = "TPU_LOWERED"} {
  func.func @main(%arg0: tensor<1x8xf32>) -> tensor<1x8xf32> {
    %0 = top.Input(%arg0) : (tensor<1x8xf32>) -> tensor<1x8xf32> loc("x")
    %1 = top.Weight() : () -> tensor<8xf16> loc("b_float16")
    %2 = tpu.Cast(%0) : (tensor<1x8xf32>) -> tensor<1x8xf16> loc("x_float16")
    %3 = tpu.Add(%2, %1) {quant_mode = "F16"} : (tensor<1x8xf16>, tensor<8xf16>) -> tensor<1x8xf16> loc("out")
    %4 = tpu.Cast(%3) : (tensor<1x8xf16>) -> tensor<1x8xf32> loc("out_float32")
    func.return %4 : tensor<1x8xf32>
  }
}

// CHECK:     {{^}}tpuc: error: convert-top-to-tpu expects a Top module (from tpuc transform), but the module is lowered to the Tpu dialect (it has 'tpu.Cast'){{$}}
// CHECK-NOT: {{.}}
