# Guards the elementwise importer on arithmetic and logic: binary ops with broadcasting and
# initializer operands (top.Weight named after the initializer), Pow, Mod fmod=1, variadic
# Sum/Max/Min (one input = alias), Mean -> top.Add + top.Div by a folded count, comparisons ->
# top.Compare {mode}, And/Or/Xor/Not on i1, Where; checked against onnxruntime.
# The IR is checked as imported (--pipeline top-verify-shapes: no Top canonicalization).
# RUN: rm -rf %t && mkdir -p %t && %python %s %t
# RUN: %tpuc transform --model-def %t/arith.onnx --mlir %t/arith.mlir --pipeline top-verify-shapes --random-input 0
# RUN: filecheck %s --input-file %t/arith.mlir --check-prefix=ARITH
# RUN: %tpuc transform --model-def %t/logic.onnx --mlir %t/logic.mlir --pipeline top-verify-shapes --random-input 0
# RUN: filecheck %s --input-file %t/logic.mlir --check-prefix=LOGIC

# ARITH-LABEL: func.func @main
# ARITH:      %[[X:.*]] = top.Input(%{{.*}}) : (tensor<2x3x4xf32>) -> tensor<2x3x4xf32> loc("x")
# ARITH-NEXT: %[[Z:.*]] = top.Input(%{{.*}}) : (tensor<3x1xf32>) -> tensor<3x1xf32> loc("z")
# ARITH-NEXT: %[[B:.*]] = top.Weight() : () -> tensor<4xf32> loc("bias")
# ARITH-NEXT: top.Add(%[[X]], %[[B]]) : (tensor<2x3x4xf32>, tensor<4xf32>) -> tensor<2x3x4xf32> loc("add")
# ARITH-NEXT: top.Sub(%[[X]], %[[Z]]) : (tensor<2x3x4xf32>, tensor<3x1xf32>) -> tensor<2x3x4xf32> loc("sub")
# ARITH-NEXT: top.Mul(%[[X]], %[[Z]]) : (tensor<2x3x4xf32>, tensor<3x1xf32>) -> tensor<2x3x4xf32> loc("mul")
#   one weight per initializer, however many users
# ARITH-NEXT: %[[TWO:.*]] = top.Weight() : () -> tensor<f32> loc("two")
# ARITH-NEXT: top.Div(%[[X]], %[[TWO]]) : (tensor<2x3x4xf32>, tensor<f32>) -> tensor<2x3x4xf32> loc("div")
# ARITH-NEXT: %[[AX:.*]] = top.Abs(%[[X]]) : (tensor<2x3x4xf32>) -> tensor<2x3x4xf32> loc("ax")
# ARITH-NEXT: top.Pow(%[[AX]], %[[TWO]]) : (tensor<2x3x4xf32>, tensor<f32>) -> tensor<2x3x4xf32> loc("pow")
# ARITH-NEXT: top.Mod(%[[X]], %[[TWO]]) {fmod = true} : (tensor<2x3x4xf32>, tensor<f32>) -> tensor<2x3x4xf32> loc("mod")
#   Sum of one input is an alias
# ARITH-NEXT: top.Neg(%[[X]]) : (tensor<2x3x4xf32>) -> tensor<2x3x4xf32> loc("neg")
# ARITH-NEXT: top.Add(%[[X]], %[[Z]], %[[B]]) : (tensor<2x3x4xf32>, tensor<3x1xf32>, tensor<4xf32>) -> tensor<2x3x4xf32> loc("sum3")
# ARITH-NEXT: top.Max(%[[X]], %[[Z]], %[[B]]) : (tensor<2x3x4xf32>, tensor<3x1xf32>, tensor<4xf32>) -> tensor<2x3x4xf32> loc("max")
# ARITH-NEXT: top.Min(%[[X]], %[[Z]]) : (tensor<2x3x4xf32>, tensor<3x1xf32>) -> tensor<2x3x4xf32> loc("min")
#   Mean = variadic Add then Div by the input count (a fresh scalar weight)
# ARITH-NEXT: %[[S:.*]] = top.Add(%[[X]], %[[Z]], %[[B]]) : (tensor<2x3x4xf32>, tensor<3x1xf32>, tensor<4xf32>) -> tensor<2x3x4xf32> loc("mean_sum")
# ARITH-NEXT: %[[N:.*]] = top.Weight() : () -> tensor<f32> loc("mean_in1")
# ARITH-NEXT: top.Div(%[[S]], %[[N]]) : (tensor<2x3x4xf32>, tensor<f32>) -> tensor<2x3x4xf32> loc("mean")
# ARITH-NEXT: func.return

# LOGIC-LABEL: func.func @main
# LOGIC:      %[[X:.*]] = top.Input(%{{.*}}) : (tensor<2x3x4xf32>) -> tensor<2x3x4xf32> loc("x")
# LOGIC-NEXT: %[[Z:.*]] = top.Input(%{{.*}}) : (tensor<3x1xf32>) -> tensor<3x1xf32> loc("z")
# LOGIC-NEXT: %[[GT:.*]] = top.Compare(%[[X]], %[[Z]]) {mode = "Greater"} : (tensor<2x3x4xf32>, tensor<3x1xf32>) -> tensor<2x3x4xi1> loc("gt")
# LOGIC-NEXT: %[[ZERO:.*]] = top.Weight() : () -> tensor<f32> loc("zero")
# LOGIC-NEXT: %[[LE:.*]] = top.Compare(%[[X]], %[[ZERO]]) {mode = "LessOrEqual"} : (tensor<2x3x4xf32>, tensor<f32>) -> tensor<2x3x4xi1> loc("le")
# LOGIC-NEXT: %[[EQ:.*]] = top.Compare(%[[X]], %[[X]]) {mode = "Equal"} : (tensor<2x3x4xf32>, tensor<2x3x4xf32>) -> tensor<2x3x4xi1> loc("eq")
# LOGIC-NEXT: %[[AND:.*]] = top.Compare(%[[GT]], %[[LE]]) {mode = "And"} : (tensor<2x3x4xi1>, tensor<2x3x4xi1>) -> tensor<2x3x4xi1> loc("and")
# LOGIC-NEXT: %[[OR:.*]] = top.Compare(%[[GT]], %[[EQ]]) {mode = "Or"} : (tensor<2x3x4xi1>, tensor<2x3x4xi1>) -> tensor<2x3x4xi1> loc("or")
# LOGIC-NEXT: %[[XOR:.*]] = top.Compare(%[[OR]], %[[AND]]) {mode = "Xor"} : (tensor<2x3x4xi1>, tensor<2x3x4xi1>) -> tensor<2x3x4xi1> loc("xor")
# LOGIC-NEXT: %[[NOT:.*]] = top.Not(%[[XOR]]) : (tensor<2x3x4xi1>) -> tensor<2x3x4xi1> loc("not")
# LOGIC-NEXT: top.Where(%[[NOT]], %[[X]], %[[Z]]) : (tensor<2x3x4xi1>, tensor<2x3x4xf32>, tensor<3x1xf32>) -> tensor<2x3x4xf32> loc("where")
# LOGIC-NEXT: func.return
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "Inputs"))
import numpy as np  # noqa: E402
from onnx_builder import F32, main, model, node  # noqa: E402

main({
    "arith": model([node("Add", ["x", "bias"], ["add"], name="n_add"),
                    node("Sub", ["x", "z"], ["sub"], name="n_sub"),
                    node("Mul", ["x", "z"], ["mul"], name="n_mul"),
                    node("Div", ["x", "two"], ["div"], name="n_div"),
                    node("Abs", ["x"], ["ax"], name="n_abs"),
                    node("Pow", ["ax", "two"], ["pow"], name="n_pow"),
                    node("Mod", ["x", "two"], ["mod"], name="n_mod", fmod=1),
                    node("Sum", ["x"], ["sum1"], name="n_sum1"),
                    node("Neg", ["sum1"], ["neg"], name="n_neg"),
                    node("Sum", ["x", "z", "bias"], ["sum3"], name="n_sum3"),
                    node("Max", ["x", "z", "bias"], ["max"], name="n_max"),
                    node("Min", ["x", "z"], ["min"], name="n_min"),
                    node("Mean", ["x", "z", "bias"], ["mean"], name="n_mean")],
                   inputs=[("x", F32, [2, 3, 4]), ("z", F32, [3, 1])],
                   outputs=["add", "sub", "mul", "div", "pow", "mod", "neg", "sum3", "max", "min", "mean"],
                   inits={"bias": np.arange(4, dtype=np.float32), "two": np.array(2.0, np.float32)}),
    "logic": model([node("Greater", ["x", "z"], ["gt"], name="n_gt"),
                    node("LessOrEqual", ["x", "zero"], ["le"], name="n_le"),
                    node("Equal", ["x", "x"], ["eq"], name="n_eq"),
                    node("And", ["gt", "le"], ["and"], name="n_and"),
                    node("Or", ["gt", "eq"], ["or"], name="n_or"),
                    node("Xor", ["or", "and"], ["xor"], name="n_xor"),
                    node("Not", ["xor"], ["not"], name="n_not"),
                    node("Where", ["not", "x", "z"], ["where"], name="n_where")],
                   inputs=[("x", F32, [2, 3, 4]), ("z", F32, [3, 1])],
                   outputs=["and", "where"], opset=16, inits={"zero": np.array(0.0, np.float32)}),
})
