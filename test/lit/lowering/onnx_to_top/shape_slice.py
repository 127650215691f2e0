# Guards the Slice importer: opset 9 attributes vs opset 13 constant inputs (negative, clamped and
# INT64_MAX bounds, negative axes and steps, omitted axes/steps, empty results), all normalised into
# top.Slice's full per-axis offset/ends/steps; both models are also checked against onnxruntime.
# The IR is checked as imported (--pipeline top-verify-shapes: no Top canonicalization).
# RUN: rm -rf %t && mkdir -p %t && %python %s %t
# RUN: %tpuc transform --model-def %t/slice9.onnx --mlir %t/slice9.mlir --pipeline top-verify-shapes --random-input 0
# RUN: filecheck %s --input-file %t/slice9.mlir --check-prefix=S9
# RUN: %tpuc transform --model-def %t/slice13.onnx --mlir %t/slice13.mlir --pipeline top-verify-shapes --random-input 0
# RUN: filecheck %s --input-file %t/slice13.mlir --check-prefix=S13

# S9-LABEL: func.func @main
# S9:      %[[X:.*]] = top.Input(%{{.*}}) : (tensor<2x6x8xf32>) -> tensor<2x6x8xf32> loc("x")
#   starts=[1,-3] ends=[100,-1] axes=[1,2]: end 100 clamps to 6, -3/-1 count from the end
# S9-NEXT: top.Slice(%[[X]]) {offset = array<i64: 0, 1, 5>, ends = array<i64: 2, 6, 7>, steps = array<i64: 1, 1, 1>} : (tensor<2x6x8xf32>) -> tensor<2x5x2xf32> loc("a")
#   no axes: starts/ends apply to the leading axes
# S9-NEXT: top.Slice(%[[X]]) {offset = array<i64: 0, 2, 0>, ends = array<i64: 1, 5, 8>, steps = array<i64: 1, 1, 1>} : (tensor<2x6x8xf32>) -> tensor<1x3x8xf32> loc("b")
# S9-NEXT: func.return
# S9-NOT:  top.

# S13-LABEL: func.func @main
# S13:      %[[X:.*]] = top.Input(%{{.*}}) : (tensor<2x6x8xf32>) -> tensor<2x6x8xf32> loc("x")
#   start -4 on dim 6, INT64_MAX end; end 1000 clamps to 8 on axis -1 with step 3
# S13-NEXT: top.Slice(%[[X]]) {offset = array<i64: 0, 2, 1>, ends = array<i64: 2, 6, 8>, steps = array<i64: 1, 1, 3>} : (tensor<2x6x8xf32>) -> tensor<2x4x3xf32> loc("a")
#   step -2 from the last element; end -INT64_MAX clamps to -1 ("through index 0")
# S13-NEXT: top.Slice(%[[X]]) {offset = array<i64: 0, 0, 7>, ends = array<i64: 2, 6, -1>, steps = array<i64: 1, 1, -2>} : (tensor<2x6x8xf32>) -> tensor<2x6x4xf32> loc("b")
#   no axes/steps; start == end on axis 1 is an empty result
# S13-NEXT: top.Slice(%[[X]]) {offset = array<i64: 0, 4, 0>, ends = array<i64: 2, 4, 8>, steps = array<i64: 1, 1, 1>} : (tensor<2x6x8xf32>) -> tensor<2x0x8xf32> loc("c")
# S13-NEXT: func.return
# S13-NOT:  top.
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "Inputs"))
import numpy as np  # noqa: E402
from onnx_builder import F32, INT64_MAX, main, model, node  # noqa: E402

X = [("x", F32, [2, 6, 8])]


def i64(*v):
    return np.array(v, np.int64)


main({
    "slice9": model([node("Slice", ["x"], ["a"], name="s9", starts=[1, -3], ends=[100, -1], axes=[1, 2]),
                     node("Slice", ["x"], ["b"], name="s9n", starts=[0, 2], ends=[1, 5])],
                    inputs=X, outputs=["a", "b"], opset=9),
    "slice13": model([node("Slice", ["x", "st", "en", "ax", "sp"], ["a"], name="s13"),
                      node("Slice", ["x", "st_n", "en_n", "ax_n", "sp_n"], ["b"], name="s13n"),
                      node("Slice", ["x", "st_e", "en_e"], ["c"], name="s13e")],
                     inputs=X, outputs=["a", "b", "c"], opset=13,
                     inits={"st": i64(-4, 1), "en": i64(INT64_MAX, 1000), "ax": i64(1, -1), "sp": i64(1, 3),
                            "st_n": i64(-1), "en_n": i64(-INT64_MAX), "ax_n": i64(2), "sp_n": i64(-2),
                            "st_e": i64(0, 4), "en_e": i64(2, 4)}),
})
