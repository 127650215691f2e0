# Guards constant folding at import: Constant (value/value_float/value_ints), ConstantOfShape,
# Range, Size, Shape (opset 15 start/end) and EyeLike fold to constants that become top.Weight only
# where a real op uses them; a Shape->Gather->Unsqueeze->Concat->Reshape chain leaves a single
# static top.Reshape; a constant-only graph output (also of a graph without inputs) folds to one
# top.Weight with the right value; Identity and Dropout vanish; unused initializers and Constant
# nodes never reach the IR.
# The IR is checked as imported (--pipeline top-verify-shapes: no Top canonicalization).
# RUN: rm -rf %t && mkdir -p %t && %python %s %t
# RUN: %tpuc transform --model-def %t/shape_chain.onnx --mlir %t/shape_chain.mlir --pipeline top-verify-shapes --random-input 0
# RUN: filecheck %s --input-file %t/shape_chain.mlir --check-prefix=CHAIN
# RUN: %tpuc transform --model-def %t/consts.onnx --mlir %t/consts.mlir --pipeline top-verify-shapes --random-input 0
# RUN: filecheck %s --input-file %t/consts.mlir --check-prefix=CONST
# RUN: filecheck %s --input-file %t/consts.mlir --check-prefix=ABSENT
# RUN: %python %S/../../Inputs/npz_dump.py %t/consts_top_f32_weight.npz | filecheck %s --check-prefix=NPZ
# RUN: %tpuc transform --model-def %t/const_only.onnx --mlir %t/const_only.mlir --pipeline top-verify-shapes --random-input 0
# RUN: filecheck %s --input-file %t/const_only.mlir --check-prefix=ONLY
# RUN: %python %S/../../Inputs/npz_dump.py %t/const_only_top_f32_weight.npz | filecheck %s --check-prefix=ONLYNPZ

#   nothing of the shape computation survives: no Gather/Concat/Unsqueeze, no weight
# CHAIN-LABEL: func.func @main
# CHAIN-NEXT: %[[X:.*]] = top.Input(%{{.*}}) : (tensor<2x3x4xf32>) -> tensor<2x3x4xf32> loc("x")
# CHAIN-NEXT: %[[R:.*]] = top.Reshape(%[[X]]) {shape = array<i64: 2, 12>} : (tensor<2x3x4xf32>) -> tensor<2x12xf32> loc("y")
# CHAIN-NEXT: func.return %[[R]] : tensor<2x12xf32>
# CHAIN-NOT:  top.

# CONST-LABEL: func.func @main
# CONST-SAME: -> (tensor<2x3x4xf32>, tensor<2x2xf32>)
# CONST-NEXT: %[[X:.*]] = top.Input(%{{.*}}) : (tensor<2x3x4xf32>) -> tensor<2x3x4xf32> loc("x")
#   Constant value_float: a scalar weight named after the Constant's output
# CONST-NEXT: %[[CF:.*]] = top.Weight() : () -> tensor<f32> loc("cf")
# CONST-NEXT: %[[M:.*]] = top.Mul(%[[X]], %[[CF]]) : (tensor<2x3x4xf32>, tensor<f32>) -> tensor<2x3x4xf32> loc("m")
#   Cast(Constant value_ints) folded: the weight is named after the Cast's output
# CONST-NEXT: %[[CIF:.*]] = top.Weight() : () -> tensor<4xf32> loc("cif")
# CONST-NEXT: %[[A:.*]] = top.Add(%[[M]], %[[CIF]]) : (tensor<2x3x4xf32>, tensor<4xf32>) -> tensor<2x3x4xf32> loc("a")
# CONST-NEXT: %[[FILL:.*]] = top.Weight() : () -> tensor<2x3x4xf32> loc("fill")
# CONST-NEXT: %[[MF:.*]] = top.Mul(%[[A]], %[[FILL]]) : (tensor<2x3x4xf32>, tensor<2x3x4xf32>) -> tensor<2x3x4xf32> loc("mf")
# CONST-NEXT: %[[RNG:.*]] = top.Weight() : () -> tensor<4xf32> loc("rngf")
#   Identity is an alias: Sub reads Mul's result directly
# CONST-NEXT: %[[SUB:.*]] = top.Sub(%[[MF]], %[[RNG]]) : (tensor<2x3x4xf32>, tensor<4xf32>) -> tensor<2x3x4xf32> loc("sub")
#   Dropout is an alias too
# CONST-NEXT: %[[Y:.*]] = top.Relu(%[[SUB]]) : (tensor<2x3x4xf32>) -> tensor<2x3x4xf32> loc("y")
#   the constant-only output is one folded weight
# CONST-NEXT: %[[F:.*]] = top.Weight() : () -> tensor<2x2xf32> loc("folded")
# CONST-NEXT: func.return %[[Y]], %[[F]] : tensor<2x3x4xf32>, tensor<2x2xf32>

#   checked over the whole file: nothing unused, no alias op, no shape computation
# ABSENT-NOT: unused
# ABSENT-NOT: top.Identity
# ABSENT-NOT: top.Dropout
# ABSENT-NOT: top.Shape
# ABSENT-NOT: top.Gather
# ABSENT-NOT: top.Range

#   the weight file holds exactly the used weights, with the folded values
#   a 0-d constant stays 0-d in the weight file
# NPZ:      cf: shape=[] dtype=float32 values=[2.0]
# NPZ-NEXT: cif: shape=[4] dtype=float32 values=[1.0, 2.0, 3.0, 4.0]
# NPZ-NEXT: fill: shape=[2, 3, 4] dtype=float32 values=[0.5, 0.5,
#   Shape(x, start=-2) = [3, 4] times EyeLike 2x2
# NPZ-NEXT: folded: shape=[2, 2] dtype=float32 values=[3.0, 0.0, 0.0, 4.0]
# NPZ-NEXT: rngf: shape=[4] dtype=float32 values=[0.0, 1.0, 2.0, 3.0]
# NPZ-NOT:  {{.}}

#   a graph without inputs: Constant + Cast(Range) -> Add folds completely
# ONLY:      func.func @main() -> tensor<3xf32> {
# ONLY-NEXT: %[[Y:.*]] = top.Weight() : () -> tensor<3xf32> loc("y")
# ONLY-NEXT: func.return %[[Y]] : tensor<3xf32>
# ONLYNPZ:      y: shape=[3] dtype=float32 values=[1.0, 3.0, 5.0]
# ONLYNPZ-NOT:  {{.}}
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "Inputs"))
import numpy as np  # noqa: E402
from onnx import helper  # noqa: E402
from onnx_builder import F32, const, main, model, node  # noqa: E402


def i64(*v):
    return np.array(v, np.int64)


X = [("x", F32, [2, 3, 4])]

main({
    # Shape -> Gather -> Unsqueeze -> Concat -> Reshape: the classic exported "flatten but keep batch"
    "shape_chain": model([node("Shape", ["x"], ["s"], name="shape"),
                          const("zero", np.array(0, np.int64)),
                          node("Gather", ["s", "zero"], ["b"], name="gather", axis=0),
                          node("Unsqueeze", ["b", "ax0"], ["b1"], name="unsqueeze"),
                          node("Concat", ["b1", "minus1"], ["shp"], name="concat", axis=0),
                          node("Reshape", ["x", "shp"], ["y"], name="reshape")],
                         inputs=X, outputs=["y"], opset=13, inits={"ax0": i64(0), "minus1": i64(-1)}),
    "consts": model([helper.make_node("Constant", [], ["cf"], name="cf", value_float=2.0),
                     helper.make_node("Constant", [], ["ci"], name="ci", value_ints=[1, 2, 3, 4]),
                     const("unused_const", np.ones(3, np.float32)),
                     node("Mul", ["x", "cf"], ["m"], name="mul"),
                     node("Cast", ["ci"], ["cif"], name="cast", to=F32),
                     node("Add", ["m", "cif"], ["a"], name="add"),
                     # ConstantOfShape(Shape(x)) * x: the filled tensor is one folded weight
                     node("Shape", ["x"], ["xs"], name="xshape"),
                     node("ConstantOfShape", ["xs"], ["fill"], name="cos",
                          value=helper.make_tensor("v", F32, [1], [0.5])),
                     node("Mul", ["a", "fill"], ["mf"], name="mul_fill"),
                     # Range(0, Size(x)/6, 1) -> [0, 1, 2, 3] along the last axis
                     node("Size", ["x"], ["n"], name="size"),
                     node("Div", ["n", "six"], ["n4"], name="div6"),
                     node("Range", ["r0", "n4", "r1"], ["rng"], name="range"),
                     node("Cast", ["rng"], ["rngf"], name="cast_rng", to=F32),
                     node("Identity", ["mf"], ["mf_id"], name="identity"),
                     node("Sub", ["mf_id", "rngf"], ["sub"], name="sub"),
                     node("Dropout", ["sub"], ["drop"], name="dropout"),
                     node("Relu", ["drop"], ["y"], name="relu"),
                     # a graph output computed from constants only (and the Shape of an input)
                     node("Shape", ["x"], ["s15"], name="shape15", start=-2),
                     node("Cast", ["s15"], ["s15f"], name="cast_s15", to=F32),
                     node("EyeLike", ["eye_src"], ["eye"], name="eyelike"),
                     node("Mul", ["s15f", "eye"], ["folded"], name="mul_const")],
                    inputs=X, outputs=["y", "folded"], opset=15,
                    inits={"six": np.array(6, np.int64), "r0": np.array(0, np.int64),
                           "r1": np.array(1, np.int64), "eye_src": np.zeros((2, 2), np.float32),
                           "unused_init": np.ones((5, 5), np.float32)}),
    "const_only": model([const("a", np.float32([1, 2, 3])),
                         node("Range", ["r0", "r3", "r1"], ["r"], name="range"),
                         node("Cast", ["r"], ["rf"], name="cast", to=F32),
                         node("Add", ["a", "rf"], ["y"], name="add")],
                        inputs=[], outputs=["y"], opset=13,
                        inits={"r0": np.array(0, np.int64), "r3": np.array(3, np.int64), "r1": np.array(1, np.int64)}),
})
