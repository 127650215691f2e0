# Guards Squeeze/Unsqueeze/Split import across opsets: axes and split sizes as attributes (opset 11)
# vs constant inputs (opset 13), omitted axes (squeeze every 1), negative axes, even splits and
# opset 18 num_outputs with a smaller last chunk; top.Split is one op with one result per output.
# The IR is checked as imported (--pipeline top-verify-shapes: no Top canonicalization).
# RUN: rm -rf %t && mkdir -p %t && %python %s %t
# RUN: %tpuc transform --model-def %t/opset11.onnx --mlir %t/opset11.mlir --pipeline top-verify-shapes --random-input 0
# RUN: filecheck %s --input-file %t/opset11.mlir --check-prefix=O11
# RUN: %tpuc transform --model-def %t/opset13.onnx --mlir %t/opset13.mlir --pipeline top-verify-shapes --random-input 0
# RUN: filecheck %s --input-file %t/opset13.mlir --check-prefix=O13
# RUN: %tpuc transform --model-def %t/opset18.onnx --mlir %t/opset18.mlir --pipeline top-verify-shapes --random-input 0
# RUN: filecheck %s --input-file %t/opset18.mlir --check-prefix=O18
# O11-LABEL: func.func @main
# O11:      %[[X:.*]] = top.Input(%{{.*}}) : (tensor<1x6x1x4xf32>) -> tensor<1x6x1x4xf32> loc("x")
# O11-NEXT: top.Squeeze(%[[X]]) {axes = array<i64: 2>} : (tensor<1x6x1x4xf32>) -> tensor<1x6x4xf32> loc("sq")
# O11-NEXT: top.Squeeze(%[[X]]) {axes = array<i64: 0, 2>} : (tensor<1x6x1x4xf32>) -> tensor<6x4xf32> loc("sq_all")
# O11-NEXT: top.Unsqueeze(%[[X]]) {axes = array<i64: 0, 5>} : (tensor<1x6x1x4xf32>) -> tensor<1x1x6x1x4x1xf32> loc("usq")
# O11-NEXT: %{{.*}}, %{{.*}} = top.Split(%[[X]]) {axis = 1 : i64, split_size = array<i64: 2, 4>} : (tensor<1x6x1x4xf32>) -> (tensor<1x2x1x4xf32>, tensor<1x4x1x4xf32>) loc(fused["p0", "p1"])
# O11-NEXT: %{{.*}}, %{{.*}} = top.Split(%[[X]]) {axis = 3 : i64, split_size = array<i64: 2, 2>} : (tensor<1x6x1x4xf32>) -> (tensor<1x6x1x2xf32>, tensor<1x6x1x2xf32>) loc(fused["e0", "e1"])
# O11-NEXT: func.return

# O13-LABEL: func.func @main
# O13:      %[[X:.*]] = top.Input(%{{.*}}) : (tensor<1x6x1x4xf32>) -> tensor<1x6x1x4xf32> loc("x")
# O13-NEXT: top.Squeeze(%[[X]]) {axes = array<i64: 0, 2>} : (tensor<1x6x1x4xf32>) -> tensor<6x4xf32> loc("sq")
# O13-NEXT: top.Squeeze(%[[X]]) {axes = array<i64: 0, 2>} : (tensor<1x6x1x4xf32>) -> tensor<6x4xf32> loc("sq_all")
# O13-NEXT: top.Unsqueeze(%[[X]]) {axes = array<i64: 1, 5>} : (tensor<1x6x1x4xf32>) -> tensor<1x1x6x1x4x1xf32> loc("usq")
# O13-NEXT: %{{.*}}, %{{.*}}, %{{.*}} = top.Split(%[[X]]) {axis = 1 : i64, split_size = array<i64: 1, 2, 3>} : (tensor<1x6x1x4xf32>) -> (tensor<1x1x1x4xf32>, tensor<1x2x1x4xf32>, tensor<1x3x1x4xf32>) loc(fused["p0", "p1", "p2"])
# O13-NEXT: %{{.*}}, %{{.*}} = top.Split(%[[X]]) {axis = 3 : i64, split_size = array<i64: 2, 2>} : (tensor<1x6x1x4xf32>) -> (tensor<1x6x1x2xf32>, tensor<1x6x1x2xf32>) loc(fused["e0", "e1"])
# O13-NEXT: func.return
#   the axes/split constants are consumed as properties, never materialised as weights
# O13-NOT:  top.Weight

# O18-LABEL: func.func @main
# O18:      %[[X:.*]] = top.Input(%{{.*}}) : (tensor<1x7x4xf32>) -> tensor<1x7x4xf32> loc("x")
#   num_outputs=4 on 7: chunks of ceil(7/4) = 2, the last one smaller
# O18-NEXT: top.Split(%[[X]]) {axis = 1 : i64, split_size = array<i64: 2, 2, 2, 1>} : (tensor<1x7x4xf32>) -> (tensor<1x2x4xf32>, tensor<1x2x4xf32>, tensor<1x2x4xf32>, tensor<1x1x4xf32>) loc(fused["n0", "n1", "n2", "n3"])
# O18-NEXT: top.Split(%[[X]]) {axis = 2 : i64, split_size = array<i64: 3, 1>} : (tensor<1x7x4xf32>) -> (tensor<1x7x3xf32>, tensor<1x7x1xf32>) loc(fused["s0", "s1"])
# O18-NEXT: func.return
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "Inputs"))
import numpy as np  # noqa: E402
from onnx_builder import F32, main, model, node  # noqa: E402

X = [("x", F32, [1, 6, 1, 4])]


def i64(*v):
    return np.array(v, np.int64)


main({
    "opset11": model([node("Squeeze", ["x"], ["sq"], name="sq", axes=[-2]),
                      node("Squeeze", ["x"], ["sq_all"], name="sq_all"),
                      node("Unsqueeze", ["x"], ["usq"], name="usq", axes=[0, -1]),
                      node("Split", ["x"], ["p0", "p1"], name="split", axis=1, split=[2, 4]),
                      node("Split", ["x"], ["e0", "e1"], name="split_even", axis=-1)],
                     inputs=X, outputs=["sq", "sq_all", "usq", "p0", "p1", "e0", "e1"], opset=11),
    "opset13": model([node("Squeeze", ["x", "ax"], ["sq"], name="sq"),
                      node("Squeeze", ["x"], ["sq_all"], name="sq_all"),
                      node("Unsqueeze", ["x", "uax"], ["usq"], name="usq"),
                      node("Split", ["x", "sizes"], ["p0", "p1", "p2"], name="split", axis=1),
                      node("Split", ["x"], ["e0", "e1"], name="split_even", axis=-1)],
                     inputs=X, outputs=["sq", "sq_all", "usq", "p0", "p1", "p2", "e0", "e1"], opset=13,
                     inits={"ax": i64(0, 2), "uax": i64(-1, 1), "sizes": i64(1, 2, 3)}),
    "opset18": model([node("Split", ["x"], ["n0", "n1", "n2", "n3"], name="split_num", axis=1, num_outputs=4),
                      node("Split", ["x", "sizes"], ["s0", "s1"], name="split_in", axis=-1)],
                     inputs=[("x", F32, [1, 7, 4])], outputs=["n0", "n1", "n2", "n3", "s0", "s1"], opset=18,
                     inits={"sizes": i64(3, 1)}),
})
