// The generic form of Top IR is parsed by upstream MLIR (mlir-opt --allow-unregistered-dialect),
// and what MLIR prints back is parsed by tpuc again.
// REQUIRES: mlir-opt
// RUN: tpuc-opt %s --generic | %mlir-opt --allow-unregistered-dialect --mlir-print-op-generic --mlir-print-debuginfo --mlir-print-local-scope | tpuc-opt - | filecheck %s

// CHECK: top.Add(%{{.*}}, %{{.*}}) {do_relu = true} : (tensor<1x3x8x8xf32>, tensor<8xf32>) -> tensor<1x3x8x8xf32> loc("add")
// CHECK: top.Compare(%{{.*}}, %{{.*}}) {mode = "Less"} {{.*}} loc("less")
module attributes {module.weight_file = "m_top_f32_weight.npz"} {
  func.func @main(%arg0: tensor<1x3x8x8xf32>) -> tensor<1x3x8x8xi1> {
    %0 = top.Input(%arg0) : (tensor<1x3x8x8xf32>) -> tensor<1x3x8x8xf32> loc("x")
    %1 = top.Weight() : () -> tensor<8xf32> loc("w")
    %2 = top.Add(%0, %1) {do_relu = true} : (tensor<1x3x8x8xf32>, tensor<8xf32>) -> tensor<1x3x8x8xf32> loc("add")
    %3 = top.Compare(%0, %2) {mode = "Less"} : (tensor<1x3x8x8xf32>, tensor<1x3x8x8xf32>) -> tensor<1x3x8x8xi1> loc("less")
    func.return %3 : tensor<1x3x8x8xi1>
  }
}
