// Guards --dump-dir of the pass pipeline runner: 00-input.mlir, then NN-<pass>.mlir for every pass
// including the last, each starting with a "// " header naming the pipeline or the pass, holding
// the IR as it was at that point (the dead op is in 00 and gone from 01); stdout is unaffected.
// RUN: rm -rf %t && mkdir -p %t
// RUN: tpuc-opt %s -p top-dce,top-verify-shapes --dump-dir %t/d | filecheck %s --check-prefix=OUT
// RUN: ls %t/d | filecheck %s --check-prefix=LS
// RUN: filecheck %s --input-file %t/d/00-input.mlir --check-prefix=D0
// RUN: filecheck %s --input-file %t/d/01-top-dce.mlir --check-prefix=D1
// RUN: filecheck %s --input-file %t/d/02-top-verify-shapes.mlir --check-prefix=D2
//   --generic applies to the dumps too
// RUN: tpuc-opt %s -p top-dce --dump-dir %t/g --generic > %t/g.out
// RUN: filecheck %s --input-file %t/g/01-top-dce.mlir --check-prefix=GEN

// OUT: func.func @main
// OUT-NOT: dead

// LS:      00-input.mlir
// LS-NEXT: 01-top-dce.mlir
// LS-NEXT: 02-top-verify-shapes.mlir
// LS-NOT:  {{.}}

// D0:      // input of pipeline 'top-dce,top-verify-shapes'
// D0-NEXT: builtin.module
// D0:      top.Relu({{.*}} loc("dead")

// D1:      // after pass 1: top-dce
// D1-NEXT: builtin.module
// D1:      top.Exp
// D1-NOT:  loc("dead")

// D2:      // after pass 2: top-verify-shapes
// D2-NEXT: builtin.module
// D2:      top.Exp

// GEN:      // after pass 1: top-dce
// GEN-NEXT: "builtin.module"() ({
// GEN:      "top.Exp"(%{{.*}}) : (tensor<4xf32>) -> tensor<4xf32> loc("e")
func.func @main(%arg0: tensor<4xf32>) -> tensor<4xf32> {
  %0 = top.Input(%arg0) : (tensor<4xf32>) -> tensor<4xf32> loc("x")
  %1 = top.Relu(%0) : (tensor<4xf32>) -> tensor<4xf32> loc("dead")
  %2 = top.Exp(%0) : (tensor<4xf32>) -> tensor<4xf32> loc("e")
  func.return %2 : tensor<4xf32>
}
