// Guards --print-ir-after-all, --print-ir-after=P and --print-ir-before=P: MLIR-style banners
// "// -----// IR Dump {After,Before} P //----- //" followed by the IR, on stderr only (stdout keeps
// just the result), in pass order, and only for the named passes.
// RUN: tpuc-opt %s -p top-dce,top-verify-shapes --print-ir-after-all 2>&1 >/dev/null | filecheck %s --check-prefix=ALL
// RUN: tpuc-opt %s -p top-dce,top-verify-shapes --print-ir-after=top-dce 2>&1 >/dev/null | filecheck %s --check-prefix=AFTER
// RUN: tpuc-opt %s -p top-dce,top-verify-shapes --print-ir-before=top-dce 2>&1 >/dev/null | filecheck %s --check-prefix=BEFORE
// RUN: tpuc-opt %s -p top-dce,top-verify-shapes --print-ir-before=top-verify-shapes --print-ir-after=top-verify-shapes 2>&1 >/dev/null | filecheck %s --check-prefix=BOTH
// RUN: tpuc-opt %s -p top-dce --print-ir-after-all 2>/dev/null | filecheck %s --check-prefix=STDOUT

// ALL:      // -----// IR Dump After top-dce //----- //
// ALL-NEXT: builtin.module {
// ALL-NOT:  loc("dead")
// ALL:      // -----// IR Dump After top-verify-shapes //----- //
// ALL-NEXT: builtin.module {
// ALL-NOT:  IR Dump

// AFTER:      // -----// IR Dump After top-dce //----- //
// AFTER-NEXT: builtin.module {
// AFTER-NOT:  IR Dump

//   before top-dce the dead op is still there
// BEFORE:      // -----// IR Dump Before top-dce //----- //
// BEFORE-NEXT: builtin.module {
// BEFORE:      loc("dead")
// BEFORE-NOT:  IR Dump

// BOTH-NOT:  IR Dump Before top-dce
// BOTH-NOT:  IR Dump After top-dce
// BOTH:      // -----// IR Dump Before top-verify-shapes //----- //
// BOTH:      // -----// IR Dump After top-verify-shapes //----- //
// BOTH-NOT:  IR Dump

// STDOUT-NOT: IR Dump
// STDOUT:     builtin.module {
// STDOUT-NOT: IR Dump
func.func @main(%arg0: tensor<4xf32>) -> tensor<4xf32> {
  %0 = top.Input(%arg0) : (tensor<4xf32>) -> tensor<4xf32> loc("x")
  %1 = top.Relu(%0) : (tensor<4xf32>) -> tensor<4xf32> loc("dead")
  %2 = top.Exp(%0) : (tensor<4xf32>) -> tensor<4xf32> loc("e")
  func.return %2 : tensor<4xf32>
}
