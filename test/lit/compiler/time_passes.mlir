// Guards --time-passes: a report on stderr with the total and one line per pass in pipeline order
// (seconds and percentage); without the flag there is no report.
// RUN: tpuc-opt %s -p top-dce,top-verify-shapes --time-passes 2>&1 >/dev/null | filecheck %s
// RUN: tpuc-opt %s -p top-dce,top-verify-shapes 2>&1 >/dev/null | filecheck %s --check-prefix=NONE --allow-empty

// CHECK:      ===-------------------------------------------------------------------------===
// CHECK-NEXT:   Pass execution timing report
// CHECK-NEXT:   Total: {{[0-9]+\.[0-9]+}} s
// CHECK-NEXT:   {{[0-9]+\.[0-9]+}} s ({{ *[0-9]+\.[0-9]}}%)  top-dce
// CHECK-NEXT:   {{[0-9]+\.[0-9]+}} s ({{ *[0-9]+\.[0-9]}}%)  top-verify-shapes
// CHECK-NOT:  {{.}}

// NONE-NOT: timing report
func.func @main(%arg0: tensor<4xf32>) -> tensor<4xf32> {
  %0 = top.Input(%arg0) : (tensor<4xf32>) -> tensor<4xf32> loc("x")
  %1 = top.Exp(%0) : (tensor<4xf32>) -> tensor<4xf32> loc("e")
  func.return %1 : tensor<4xf32>
}
