# Guards the elementwise importer on unary ops and activations: one top op per ONNX op with its
# attributes as properties (defaults filled in: LeakyRelu alpha 0.01, Selu alpha/gamma, HardSigmoid
# alpha/beta; Gelu approximate at opset 20), PRelu with a slope weight, IsNaN/IsInf -> i1;
# checked against onnxruntime.
# The IR is checked as imported (--pipeline top-verify-shapes: no Top canonicalization).
# RUN: rm -rf %t && mkdir -p %t && %python %s %t
# RUN: %tpuc transform --model-def %t/act.onnx --mlir %t/act.mlir --pipeline top-verify-shapes --random-input 0
# RUN: filecheck %s --input-file %t/act.mlir

# CHECK-LABEL: func.func @main
# CHECK:      %[[X:.*]] = top.Input(%{{.*}}) : (tensor<1x3x2x2xf32>) -> tensor<1x3x2x2xf32> loc("x")
# CHECK-NEXT: top.Relu(%[[X]]) : (tensor<1x3x2x2xf32>) -> tensor<1x3x2x2xf32> loc("relu")
# CHECK-NEXT: top.Sigmoid(%[[X]]) : (tensor<1x3x2x2xf32>) -> tensor<1x3x2x2xf32> loc("sigmoid")
# CHECK-NEXT: top.Tanh(%[[X]]) : (tensor<1x3x2x2xf32>) -> tensor<1x3x2x2xf32> loc("tanh")
# CHECK-NEXT: top.Exp(%[[X]]) : (tensor<1x3x2x2xf32>) -> tensor<1x3x2x2xf32> loc("exp")
# CHECK-NEXT: top.Reciprocal(%[[X]]) : (tensor<1x3x2x2xf32>) -> tensor<1x3x2x2xf32> loc("reciprocal")
# CHECK-NEXT: top.Erf(%[[X]]) : (tensor<1x3x2x2xf32>) -> tensor<1x3x2x2xf32> loc("erf")
# CHECK-NEXT: top.Abs(%[[X]]) : (tensor<1x3x2x2xf32>) -> tensor<1x3x2x2xf32> loc("abs")
# CHECK-NEXT: top.Neg(%[[X]]) : (tensor<1x3x2x2xf32>) -> tensor<1x3x2x2xf32> loc("neg")
# CHECK-NEXT: top.Sign(%[[X]]) : (tensor<1x3x2x2xf32>) -> tensor<1x3x2x2xf32> loc("sign")
# CHECK-NEXT: top.Floor(%[[X]]) : (tensor<1x3x2x2xf32>) -> tensor<1x3x2x2xf32> loc("floor")
# CHECK-NEXT: top.Ceil(%[[X]]) : (tensor<1x3x2x2xf32>) -> tensor<1x3x2x2xf32> loc("ceil")
# CHECK-NEXT: top.Round(%[[X]]) : (tensor<1x3x2x2xf32>) -> tensor<1x3x2x2xf32> loc("round")
# CHECK-NEXT: top.Sin(%[[X]]) : (tensor<1x3x2x2xf32>) -> tensor<1x3x2x2xf32> loc("sin")
# CHECK-NEXT: top.Cos(%[[X]]) : (tensor<1x3x2x2xf32>) -> tensor<1x3x2x2xf32> loc("cos")
# CHECK-NEXT: top.Softplus(%[[X]]) : (tensor<1x3x2x2xf32>) -> tensor<1x3x2x2xf32> loc("softplus")
# CHECK-NEXT: top.Softsign(%[[X]]) : (tensor<1x3x2x2xf32>) -> tensor<1x3x2x2xf32> loc("softsign")
# CHECK-NEXT: top.Mish(%[[X]]) : (tensor<1x3x2x2xf32>) -> tensor<1x3x2x2xf32> loc("mish")
# CHECK-NEXT: top.HardSwish(%[[X]]) : (tensor<1x3x2x2xf32>) -> tensor<1x3x2x2xf32> loc("hardswish")
# CHECK-NEXT: %[[AX:.*]] = top.Abs(%[[X]]) : (tensor<1x3x2x2xf32>) -> tensor<1x3x2x2xf32> loc("ax")
# CHECK-NEXT: top.Log(%[[AX]]) : (tensor<1x3x2x2xf32>) -> tensor<1x3x2x2xf32> loc("log")
# CHECK-NEXT: top.Sqrt(%[[AX]]) : (tensor<1x3x2x2xf32>) -> tensor<1x3x2x2xf32> loc("sqrt")
# CHECK-NEXT: top.GELU(%[[X]]) {approx_mode = "none"} : (tensor<1x3x2x2xf32>) -> tensor<1x3x2x2xf32> loc("gelu")
# CHECK-NEXT: top.GELU(%[[X]]) {approx_mode = "tanh"} : (tensor<1x3x2x2xf32>) -> tensor<1x3x2x2xf32> loc("gelu_tanh")
# CHECK-NEXT: top.Elu(%[[X]]) {alpha = 5.000000e-01 : f64} : (tensor<1x3x2x2xf32>) -> tensor<1x3x2x2xf32> loc("elu")
#   ONNX defaults are made explicit
# CHECK-NEXT: top.Selu(%[[X]]) {alpha = 1.67326{{[0-9]*}} : f64, gamma = 1.05070{{[0-9]*}} : f64} : (tensor<1x3x2x2xf32>) -> tensor<1x3x2x2xf32> loc("selu")
# CHECK-NEXT: top.LeakyRelu(%[[X]]) {alpha = 1.000000e-02 : f64} : (tensor<1x3x2x2xf32>) -> tensor<1x3x2x2xf32> loc("leaky")
# CHECK-NEXT: top.HardSigmoid(%[[X]]) {alpha = 2.500000e-01 : f64, beta = 5.000000e-01 : f64} : (tensor<1x3x2x2xf32>) -> tensor<1x3x2x2xf32> loc("hsig")
# CHECK-NEXT: %[[SLOPE:.*]] = top.Weight() : () -> tensor<3x1x1xf32> loc("slope")
# CHECK-NEXT: top.PRelu(%[[X]], %[[SLOPE]]) : (tensor<1x3x2x2xf32>, tensor<3x1x1xf32>) -> tensor<1x3x2x2xf32> loc("prelu")
# CHECK-NEXT: top.IsNaN(%[[X]]) : (tensor<1x3x2x2xf32>) -> tensor<1x3x2x2xi1> loc("isnan")
# CHECK-NEXT: top.IsInf(%[[X]]) {detect_positive = true, detect_negative = false} : (tensor<1x3x2x2xf32>) -> tensor<1x3x2x2xi1> loc("isinf")
# CHECK-NEXT: func.return
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "Inputs"))
import numpy as np  # noqa: E402
from onnx_builder import F32, main, model, node  # noqa: E402

UNARY = ["Relu", "Sigmoid", "Tanh", "Exp", "Reciprocal", "Erf", "Abs", "Neg", "Sign", "Floor", "Ceil", "Round",
         "Sin", "Cos", "Softplus", "Softsign", "Mish", "HardSwish"]

nodes = [node(op, ["x"], [op.lower()], name=f"n_{op}") for op in UNARY]
nodes += [node("Abs", ["x"], ["ax"], name="n_ax"),
          node("Log", ["ax"], ["log"], name="n_log"),
          node("Sqrt", ["ax"], ["sqrt"], name="n_sqrt"),
          node("Gelu", ["x"], ["gelu"], name="n_gelu"),
          node("Gelu", ["x"], ["gelu_tanh"], name="n_gelu_tanh", approximate="tanh"),
          node("Elu", ["x"], ["elu"], name="n_elu", alpha=0.5),
          node("Selu", ["x"], ["selu"], name="n_selu"),
          node("LeakyRelu", ["x"], ["leaky"], name="n_leaky"),
          node("HardSigmoid", ["x"], ["hsig"], name="n_hsig", alpha=0.25),
          node("PRelu", ["x", "slope"], ["prelu"], name="n_prelu"),
          node("IsNaN", ["x"], ["isnan"], name="n_isnan"),
          node("IsInf", ["x"], ["isinf"], name="n_isinf", detect_negative=0)]
outs = [op.lower() for op in UNARY] + ["log", "sqrt", "gelu", "gelu_tanh", "elu", "selu", "leaky", "hsig", "prelu",
                                       "isnan", "isinf"]

main({"act": model(nodes, inputs=[("x", F32, [1, 3, 2, 2])], outputs=outs, opset=20,
                   inits={"slope": np.array([[[0.1]], [[0.2]], [[0.3]]], np.float32)})})
