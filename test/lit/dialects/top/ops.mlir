// Round-trip of the Top custom syntax and of the generic form.
// RUN: %roundtrip
// RUN: %generic-roundtrip

// CHECK-LABEL: func.func @main
// CHECK:      %{{.*}} = top.Input(%{{.*}}) : (tensor<1x3x8x8xf32>) -> tensor<1x3x8x8xf32> loc("x")
// CHECK-NEXT: %{{.*}} = top.Weight() : () -> tensor<8xf32> loc("w")
// CHECK-NEXT: %{{.*}} = top.Add(%{{.*}}, %{{.*}}) {do_relu = true} : (tensor<1x3x8x8xf32>, tensor<8xf32>) -> tensor<1x3x8x8xf32> loc("add")
// CHECK-NEXT: %{{.*}} = top.Compare(%{{.*}}, %{{.*}}) {mode = "Less"} : (tensor<1x3x8x8xf32>, tensor<1x3x8x8xf32>) -> tensor<1x3x8x8xi1> loc("less")
// CHECK-NEXT: %{{.*}} = top.Cast(%{{.*}}) {to = "f32"} : (tensor<1x3x8x8xi1>) -> tensor<1x3x8x8xf32> loc("cast")
// CHECK-NEXT: %{{.*}} = top.Clip(%{{.*}}) {min = 0.000000e+00 : f64, max = 6.000000e+00 : f64} : (tensor<1x3x8x8xf32>) -> tensor<1x3x8x8xf32> loc("relu6")
module attributes {module.weight_file = "m_top_f32_weight.npz"} {
  func.func @main(%arg0: tensor<1x3x8x8xf32>) -> tensor<1x3x8x8xf32> {
    %0 = top.Input(%arg0) : (tensor<1x3x8x8xf32>) -> tensor<1x3x8x8xf32> loc("x")
    %1 = top.Weight() : () -> tensor<8xf32> loc("w")
    %2 = top.Add(%0, %1) {do_relu = true} : (tensor<1x3x8x8xf32>, tensor<8xf32>) -> tensor<1x3x8x8xf32> loc("add")
    %3 = top.Compare(%0, %2) {mode = "Less"} : (tensor<1x3x8x8xf32>, tensor<1x3x8x8xf32>) -> tensor<1x3x8x8xi1> loc("less")
    %4 = top.Cast(%3) {to = "f32"} : (tensor<1x3x8x8xi1>) -> tensor<1x3x8x8xf32> loc("cast")
    %5 = top.Clip(%4) {min = 0.0 : f64, max = 6.0 : f64} : (tensor<1x3x8x8xf32>) -> tensor<1x3x8x8xf32> loc("relu6")
    func.return %5 : tensor<1x3x8x8xf32>
  }
}
