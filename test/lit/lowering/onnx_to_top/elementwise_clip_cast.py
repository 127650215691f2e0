# Guards Clip and Cast import: Clip min/max as attributes (opset 9) vs constant inputs (opset 11,
# omitted bound) -> top.Clip; runtime bounds (opset 13) -> top.Max/top.Min with broadcasting;
# Cast/CastLike to another dtype -> top.Cast {to}, to the same dtype -> nothing; checked against
# onnxruntime.
# The IR is checked as imported (--pipeline top-verify-shapes: no Top canonicalization).
# RUN: rm -rf %t && mkdir -p %t && %python %s %t
# RUN: %tpuc transform --model-def %t/clip9.onnx --mlir %t/clip9.mlir --pipeline top-verify-shapes --random-input 0
# RUN: filecheck %s --input-file %t/clip9.mlir --check-prefix=CLIP9
# RUN: %tpuc transform --model-def %t/clip11.onnx --mlir %t/clip11.mlir --pipeline top-verify-shapes --random-input 0
# RUN: filecheck %s --input-file %t/clip11.mlir --check-prefix=CLIP11
# RUN: %tpuc transform --model-def %t/clip13.onnx --mlir %t/clip13.mlir --pipeline top-verify-shapes --random-input 0
# RUN: filecheck %s --input-file %t/clip13.mlir --check-prefix=CLIP13
# RUN: %tpuc transform --model-def %t/cast.onnx --mlir %t/cast.mlir --pipeline top-verify-shapes --random-input 0
# RUN: filecheck %s --input-file %t/cast.mlir --check-prefix=CAST

# CLIP9:      %[[X:.*]] = top.Input(%{{.*}}) : (tensor<2x3xf32>) -> tensor<2x3xf32> loc("x")
# CLIP9-NEXT: top.Clip(%[[X]]) {min = -5.000000e-01 : f64, max = 5.000000e-01 : f64} : (tensor<2x3xf32>) -> tensor<2x3xf32> loc("c")
# CLIP9-NEXT: top.Clip(%[[X]]) {min = 0.000000e+00 : f64} : (tensor<2x3xf32>) -> tensor<2x3xf32> loc("lo")
# CLIP9-NEXT: func.return

#   constant bounds become properties (no weights); an omitted bound is an absent property
# CLIP11:      %[[X:.*]] = top.Input(%{{.*}}) : (tensor<2x3xf32>) -> tensor<2x3xf32> loc("x")
# CLIP11-NEXT: top.Clip(%[[X]]) {min = -1.000000e+00 : f64, max = 6.000000e+00 : f64} : (tensor<2x3xf32>) -> tensor<2x3xf32> loc("c")
# CLIP11-NEXT: top.Clip(%[[X]]) {max = 6.000000e+00 : f64} : (tensor<2x3xf32>) -> tensor<2x3xf32> loc("hi_only")
# CLIP11-NEXT: top.Clip(%[[X]]) : (tensor<2x3xf32>) -> tensor<2x3xf32> loc("none")
# CLIP11-NEXT: func.return

#   runtime bounds: min(max(x, lo), hi); the intermediate is named <output>_lo
# CLIP13:      %[[X:.*]] = top.Input(%{{.*}}) : (tensor<2x3xf32>) -> tensor<2x3xf32> loc("x")
# CLIP13-NEXT: %[[LO:.*]] = top.Input(%{{.*}}) : (tensor<f32>) -> tensor<f32> loc("rlo")
# CLIP13-NEXT: %[[HI:.*]] = top.Input(%{{.*}}) : (tensor<f32>) -> tensor<f32> loc("rhi")
# CLIP13-NEXT: %[[C1:.*]] = top.Max(%[[X]], %[[LO]]) : (tensor<2x3xf32>, tensor<f32>) -> tensor<2x3xf32> loc("c_lo")
# CLIP13-NEXT: top.Min(%[[C1]], %[[HI]]) : (tensor<2x3xf32>, tensor<f32>) -> tensor<2x3xf32> loc("c")
# CLIP13-NEXT: top.Min(%[[X]], %[[HI]]) : (tensor<2x3xf32>, tensor<f32>) -> tensor<2x3xf32> loc("hi_only")
#   one runtime bound is enough: the constant one becomes a weight operand
# CLIP13-NEXT: %[[M1:.*]] = top.Max(%[[X]], %[[LO]]) : (tensor<2x3xf32>, tensor<f32>) -> tensor<2x3xf32> loc("mixed_lo")
# CLIP13-NEXT: %[[W:.*]] = top.Weight() : () -> tensor<f32> loc("hi")
# CLIP13-NEXT: top.Min(%[[M1]], %[[W]]) : (tensor<2x3xf32>, tensor<f32>) -> tensor<2x3xf32> loc("mixed")
# CLIP13-NEXT: func.return
# CLIP13-NOT:  top.Clip

# CAST:      %[[X:.*]] = top.Input(%{{.*}}) : (tensor<2x3xf32>) -> tensor<2x3xf32> loc("x")
# CAST-NEXT: %[[IDS:.*]] = top.Input(%{{.*}}) : (tensor<3xi64>) -> tensor<3xi64> loc("ids")
#   Cast to the input's own dtype is an alias: Relu reads x
# CAST-NEXT: %[[R:.*]] = top.Relu(%[[X]]) : (tensor<2x3xf32>) -> tensor<2x3xf32> loc("r")
# CAST-NEXT: top.Cast(%[[X]]) {to = "i32"} : (tensor<2x3xf32>) -> tensor<2x3xi32> loc("xi")
# CAST-NEXT: top.Cast(%[[X]]) {to = "i1"} : (tensor<2x3xf32>) -> tensor<2x3xi1> loc("xb")
# CAST-NEXT: top.Cast(%[[IDS]]) {to = "f32"} : (tensor<3xi64>) -> tensor<3xf32> loc("idf")
# CAST-NEXT: top.Cast(%[[IDS]]) {to = "f32"} : (tensor<3xi64>) -> tensor<3xf32> loc("idl")
# CAST-NEXT: top.Neg(%[[R]]) : (tensor<2x3xf32>) -> tensor<2x3xf32> loc("nr")
# CAST-NEXT: func.return
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "Inputs"))
import numpy as np  # noqa: E402
from onnx_builder import BOOL, F32, I32, I64, main, model, node  # noqa: E402

X = [("x", F32, [2, 3])]

main({
    "clip9": model([node("Clip", ["x"], ["c"], name="clip", min=-0.5, max=0.5),
                    node("Clip", ["x"], ["lo"], name="clip_lo", min=0.0)],
                   inputs=X, outputs=["c", "lo"], opset=9),
    "clip11": model([node("Clip", ["x", "lo", "hi"], ["c"], name="clip"),
                     node("Clip", ["x", "", "hi"], ["hi_only"], name="clip_hi"),
                     node("Clip", ["x"], ["none"], name="clip_none")],
                    inputs=X, outputs=["c", "hi_only", "none"], opset=11,
                    inits={"lo": np.array(-1.0, np.float32), "hi": np.array(6.0, np.float32)}),
    "clip13": model([node("Clip", ["x", "rlo", "rhi"], ["c"], name="clip"),
                     node("Clip", ["x", "", "rhi"], ["hi_only"], name="clip_hi"),
                     node("Clip", ["x", "rlo", "hi"], ["mixed"], name="clip_mixed")],
                    inputs=X + [("rlo", F32, []), ("rhi", F32, [])], outputs=["c", "hi_only", "mixed"], opset=13,
                    inits={"hi": np.array(1.0, np.float32)}),
    "cast": model([node("Cast", ["x"], ["same"], name="cast_same", to=F32),
                   node("Relu", ["same"], ["r"], name="relu"),
                   node("Cast", ["x"], ["xi"], name="cast_i32", to=I32),
                   node("Cast", ["x"], ["xb"], name="cast_bool", to=BOOL),
                   node("Cast", ["ids"], ["idf"], name="cast_f32", to=F32),
                   node("CastLike", ["ids", "x"], ["idl"], name="castlike"),
                   node("CastLike", ["r", "x"], ["rl"], name="castlike_same"),
                   node("Neg", ["rl"], ["nr"], name="neg")],
                  inputs=X + [("ids", I64, [3])], outputs=["xi", "xb", "idf", "idl", "nr"], opset=15),
})
