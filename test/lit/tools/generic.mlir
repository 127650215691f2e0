// Guards --generic printing of tpuc opt: MLIR generic syntax with quoted op names, properties in
// <{...}>, explicit block arguments and locations (what upstream mlir-opt parses), and that the
// generic output parses back to the same custom form.
// RUN: tpuc-opt %s --generic | filecheck %s
// RUN: tpuc-opt %s --generic | tpuc-opt - | filecheck %s --check-prefix=BACK

// CHECK:      "builtin.module"() ({
// CHECK-NEXT:   "func.func"() <{sym_name = "main", function_type = (tensor<1x3x8x8xf32>) -> tensor<1x3x8x8xi1>}> ({
// CHECK-NEXT:   ^bb0(%[[ARG:.*]]: tensor<1x3x8x8xf32> loc(unknown)):
// CHECK-NEXT:     %[[X:.*]] = "top.Input"(%[[ARG]]) : (tensor<1x3x8x8xf32>) -> tensor<1x3x8x8xf32> loc("x")
// CHECK-NEXT:     %[[W:.*]] = "top.Weight"() : () -> tensor<8xf32> loc("w")
// CHECK-NEXT:     %[[A:.*]] = "top.Add"(%[[X]], %[[W]]) <{do_relu = true}> : (tensor<1x3x8x8xf32>, tensor<8xf32>) -> tensor<1x3x8x8xf32> loc("add")
// CHECK-NEXT:     %[[C:.*]] = "top.Compare"(%[[X]], %[[A]]) <{mode = "Less"}> : (tensor<1x3x8x8xf32>, tensor<1x3x8x8xf32>) -> tensor<1x3x8x8xi1> loc("less")
// CHECK-NEXT:     "func.return"(%[[C]]) : (tensor<1x3x8x8xi1>) -> () loc(unknown)
// CHECK-NEXT:   }) : () -> () loc(unknown)
// CHECK-NEXT: }) {module.weight_file = "m_top_f32_weight.npz"} : () -> () loc(unknown)

// BACK:      builtin.module attributes {module.weight_file = "m_top_f32_weight.npz"} {
// BACK:      top.Add(%{{.*}}, %{{.*}}) {do_relu = true} : (tensor<1x3x8x8xf32>, tensor<8xf32>) -> tensor<1x3x8x8xf32> loc("add")
// BACK-NEXT: top.Compare(%{{.*}}, %{{.*}}) {mode = "Less"} : (tensor<1x3x8x8xf32>, tensor<1x3x8x8xf32>) -> tensor<1x3x8x8xi1> loc("less")
module attributes {module.weight_file = "m_top_f32_weight.npz"} {
  func.func @main(%arg0: tensor<1x3x8x8xf32>) -> tensor<1x3x8x8xi1> {
    %0 = top.Input(%arg0) : (tensor<1x3x8x8xf32>) -> tensor<1x3x8x8xf32> loc("x")
    %1 = top.Weight() : () -> tensor<8xf32> loc("w")
    %2 = top.Add(%0, %1) {do_relu = true} : (tensor<1x3x8x8xf32>, tensor<8xf32>) -> tensor<1x3x8x8xf32> loc("add")
    %3 = top.Compare(%0, %2) {mode = "Less"} : (tensor<1x3x8x8xf32>, tensor<1x3x8x8xf32>) -> tensor<1x3x8x8xi1> loc("less")
    func.return %3 : tensor<1x3x8x8xi1>
  }
}
