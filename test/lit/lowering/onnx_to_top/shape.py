# Guards the shape-family importer on data movement: Reshape (0 = copy, -1 = infer) and Flatten to
# a resolved static top.Reshape, Transpose (default perm) -> top.Permute, Concat (negative axis,
# with an initializer as top.Weight named after it), Expand, Tile, Gather (scalar constant index,
# negative axis, runtime indices), Pad (opset 7 attributes, opset 13 inputs, opset 18 axes),
# DepthToSpace/SpaceToDepth -> top.Depth2Space; every model is checked against onnxruntime.
# The IR is checked as imported (--pipeline top-verify-shapes: no Top canonicalization).
# RUN: rm -rf %t && mkdir -p %t && %python %s %t
# RUN: %tpuc transform --model-def %t/opset13.onnx --mlir %t/opset13.mlir --pipeline top-verify-shapes --random-input 0
# RUN: filecheck %s --input-file %t/opset13.mlir --check-prefix=O13
# RUN: %tpuc transform --model-def %t/opset7.onnx --mlir %t/opset7.mlir --pipeline top-verify-shapes --random-input 0
# RUN: filecheck %s --input-file %t/opset7.mlir --check-prefix=O7
# RUN: %tpuc transform --model-def %t/opset18.onnx --mlir %t/opset18.mlir --pipeline top-verify-shapes --random-input 0
# RUN: filecheck %s --input-file %t/opset18.mlir --check-prefix=O18

# O13-LABEL: func.func @main
# O13:      %[[X:.*]] = top.Input(%{{.*}}) : (tensor<2x3x4xf32>) -> tensor<2x3x4xf32> loc("x")
# O13-NEXT: %[[IDS:.*]] = top.Input(%{{.*}}) : (tensor<5xi64>) -> tensor<5xi64> loc("ids")
# O13-NEXT: %[[Y:.*]] = top.Input(%{{.*}}) : (tensor<1x8x2x4xf32>) -> tensor<1x8x2x4xf32> loc("y")
#   Reshape [0, -1, 2]: dim 0 copied, -1 inferred
# O13-NEXT: top.Reshape(%[[X]]) {shape = array<i64: 2, 6, 2>} : (tensor<2x3x4xf32>) -> tensor<2x6x2xf32> loc("rs")
# O13-NEXT: top.Reshape(%[[X]]) {shape = array<i64: 6, 4>} : (tensor<2x3x4xf32>) -> tensor<6x4xf32> loc("fl")
# O13-NEXT: top.Permute(%[[X]]) {order = array<i64: 2, 1, 0>} : (tensor<2x3x4xf32>) -> tensor<4x3x2xf32> loc("tr")
# O13-NEXT: %[[W:.*]] = top.Weight() : () -> tensor<2x1x4xf32> loc("w")
# O13-NEXT: top.Concat(%[[X]], %[[W]]) {axis = 1 : i64} : (tensor<2x3x4xf32>, tensor<2x1x4xf32>) -> tensor<2x4x4xf32> loc("cat")
# O13-NEXT: top.Expand(%[[X]]) {shape = array<i64: 3, 2, 3, 4>} : (tensor<2x3x4xf32>) -> tensor<3x2x3x4xf32> loc("ex")
# O13-NEXT: top.Tile(%[[X]]) {tile = array<i64: 1, 2, 1>} : (tensor<2x3x4xf32>) -> tensor<2x6x4xf32> loc("ti")
#   a scalar index drops the axis; index tensors stay operands (weights or runtime values)
# O13-NEXT: %[[K:.*]] = top.Weight() : () -> tensor<i64> loc("k")
# O13-NEXT: top.Gather(%[[X]], %[[K]]) {axis = 1 : i64} : (tensor<2x3x4xf32>, tensor<i64>) -> tensor<2x4xf32> loc("g_scalar")
# O13-NEXT: %[[KV:.*]] = top.Weight() : () -> tensor<2xi64> loc("kv")
# O13-NEXT: top.Gather(%[[X]], %[[KV]]) {axis = 2 : i64} : (tensor<2x3x4xf32>, tensor<2xi64>) -> tensor<2x3x2xf32> loc("g_neg")
# O13-NEXT: top.Gather(%[[X]], %[[IDS]]) {axis = 1 : i64} : (tensor<2x3x4xf32>, tensor<5xi64>) -> tensor<2x5x4xf32> loc("g_rt")
#   negative pads crop; the constant_value input becomes val
# O13-NEXT: top.Pad(%[[X]]) {paddings = array<i64: 1, 0, 0, 0, 2, -1>, mode = "constant", val = -2.000000e+00 : f64} : (tensor<2x3x4xf32>) -> tensor<3x5x3xf32> loc("p")
# O13-NEXT: top.Pad(%[[X]]) {paddings = array<i64: 0, 0, 1, 0, 0, 1>, mode = "edge"} : (tensor<2x3x4xf32>) -> tensor<2x3x6xf32> loc("e")
# O13-NEXT: top.Depth2Space(%[[Y]]) {block_h = 2 : i64, block_w = 2 : i64, is_CRD = true} : (tensor<1x8x2x4xf32>) -> tensor<1x2x4x8xf32> loc("d")
# O13-NEXT: top.Depth2Space(%[[Y]]) {block_h = 2 : i64, block_w = 2 : i64, is_inversed = true} : (tensor<1x8x2x4xf32>) -> tensor<1x32x1x2xf32> loc("s")
# O13-NEXT: func.return

# O7-LABEL: func.func @main
# O7:      %[[X:.*]] = top.Input(%{{.*}}) : (tensor<2x3x4xf32>) -> tensor<2x3x4xf32> loc("x")
# O7-NEXT: top.Pad(%[[X]]) {paddings = array<i64: 0, 1, 2, 0, 0, 1>, mode = "constant", val = 1.500000e+00 : f64} : (tensor<2x3x4xf32>) -> tensor<2x4x7xf32> loc("p")
# O7-NEXT: top.Pad(%[[X]]) {paddings = array<i64: 0, 0, 1, 0, 0, 2>, mode = "reflect"} : (tensor<2x3x4xf32>) -> tensor<2x3x7xf32> loc("r")
# O7-NEXT: func.return

#   axes [-1, 0] with pads [1, 2, 3, 4]: begins (axis 2: 1, axis 0: 2), ends (axis 2: 3, axis 0: 4)
# O18:      top.Pad(%{{.*}}) {paddings = array<i64: 2, 0, 1, 4, 0, 3>, mode = "constant", val = 0.000000e+00 : f64} : (tensor<2x3x4xf32>) -> tensor<8x3x8xf32> loc("p")
# O18-NEXT: func.return
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "Inputs"))
import numpy as np  # noqa: E402
from onnx_builder import F32, I64, main, model, node  # noqa: E402


def i64(*v):
    return np.array(v, np.int64)


X = [("x", F32, [2, 3, 4])]

main({
    "opset13": model([node("Reshape", ["x", "shp"], ["rs"], name="reshape"),
                      node("Flatten", ["x"], ["fl"], name="flatten", axis=-1),
                      node("Transpose", ["x"], ["tr"], name="transpose"),
                      node("Concat", ["x", "w"], ["cat"], name="concat", axis=-2),
                      node("Expand", ["x", "eshp"], ["ex"], name="expand"),
                      node("Tile", ["x", "reps"], ["ti"], name="tile"),
                      node("Gather", ["x", "k"], ["g_scalar"], name="g0", axis=1),
                      node("Gather", ["x", "kv"], ["g_neg"], name="g1", axis=-1),
                      node("Gather", ["x", "ids"], ["g_rt"], name="g2", axis=1),
                      node("Pad", ["x", "pads", "cv"], ["p"], name="pad"),
                      node("Pad", ["x", "pads_e"], ["e"], name="pad_e", mode="edge"),
                      node("DepthToSpace", ["y"], ["d"], name="d2s", blocksize=2, mode="CRD"),
                      node("SpaceToDepth", ["y"], ["s"], name="s2d", blocksize=2)],
                     inputs=X + [("ids", I64, [5]), ("y", F32, [1, 8, 2, 4])],
                     outputs=["rs", "fl", "tr", "cat", "ex", "ti", "g_scalar", "g_neg", "g_rt", "p", "e", "d", "s"],
                     opset=13,
                     inits={"shp": i64(0, -1, 2), "w": np.ones((2, 1, 4), np.float32), "eshp": i64(3, 1, 1, 4),
                            "reps": i64(1, 2, 1), "k": np.array(2, np.int64), "kv": i64(-1, 0),
                            "pads": i64(1, 0, 0, 0, 2, -1), "cv": np.array(-2.0, np.float32),
                            "pads_e": i64(0, 0, 1, 0, 0, 1)}),
    "opset7": model([node("Pad", ["x"], ["p"], name="pad", pads=[0, 1, 2, 0, 0, 1], value=1.5),
                     node("Pad", ["x"], ["r"], name="pad_r", mode="reflect", pads=[0, 0, 1, 0, 0, 2])],
                    inputs=X, outputs=["p", "r"], opset=7),
    "opset18": model([node("Pad", ["x", "pads", "", "axes"], ["p"], name="pad")],
                     inputs=X, outputs=["p"], opset=18, inits={"pads": i64(1, 2, 3, 4), "axes": i64(-1, 0)}),
})
