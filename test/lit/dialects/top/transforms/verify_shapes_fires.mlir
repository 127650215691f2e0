// Guards top-verify-shapes firing: on IR whose result type disagrees with shape inference (fed
// unverified, since tpuc opt verifies its input first) the pass fails naming itself, the op and
// both types; the verifier of tpuc opt rejects the same IR up front.
// RUN: not %python %S/../../../Inputs/run_pass_unverified.py %s top-verify-shapes | filecheck %s --check-prefix=PASS
// RUN: not %python %S/../../../Inputs/run_pass_unverified.py %s top-dce,top-verify-shapes | filecheck %s --check-prefix=PASS
// RUN: not tpuc-opt %s -p top-verify-shapes 2>&1 | filecheck %s --check-prefix=OPT

// PASS: error: pass 'top-verify-shapes' failed: {{.*}}top.Relu 'r': result types ['tensor<2xf32>'] do not match the inferred ['tensor<4xf32>']
// OPT: tpuc: error: invalid IR: top.Relu 'r': result types ['tensor<2xf32>'] do not match the inferred ['tensor<4xf32>']
func.func @main(%arg0: tensor<4xf32>) -> tensor<2xf32> {
  %0 = top.Input(%arg0) : (tensor<4xf32>) -> tensor<4xf32> loc("x")
  %1 = top.Relu(%0) : (tensor<4xf32>) -> tensor<2xf32> loc("r")
  func.return %1 : tensor<2xf32>
}
