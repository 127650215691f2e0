# Guards the index-based shape ops: GatherElements (negative axis), GatherND (batch_dims),
# ScatterND (reduction), ScatterElements (negative axis, reduction), Trilu (constant k), OneHot
# (constant depth/values, negative axis, runtime indices) and Compress (constant condition ->
# top.Gather, flattening top.Reshape without an axis); indices stay operands (weights here).
# The IR is checked as imported (--pipeline top-verify-shapes: no Top canonicalization).
# RUN: rm -rf %t && mkdir -p %t && %python %s %t
# RUN: %tpuc transform --model-def %t/m.onnx --mlir %t/m.mlir --pipeline top-verify-shapes --random-input 0
# RUN: filecheck %s --input-file %t/m.mlir

# CHECK-LABEL: func.func @main
# CHECK:      %[[X:.*]] = top.Input(%{{.*}}) : (tensor<2x3x4xf32>) -> tensor<2x3x4xf32> loc("x")
# CHECK-NEXT: %[[IDS:.*]] = top.Input(%{{.*}}) : (tensor<5xi64>) -> tensor<5xi64> loc("ids")
# CHECK-NEXT: %[[GEI:.*]] = top.Weight() : () -> tensor<2x3x2xi64> loc("ge_idx")
# CHECK-NEXT: top.GatherElements(%[[X]], %[[GEI]]) {axis = 2 : i64} : (tensor<2x3x4xf32>, tensor<2x3x2xi64>) -> tensor<2x3x2xf32> loc("ge")
# CHECK-NEXT: %[[GNI:.*]] = top.Weight() : () -> tensor<2x1xi64> loc("gnd_idx")
# CHECK-NEXT: top.GatherND(%[[X]], %[[GNI]]) {batch_dims = 1 : i64} : (tensor<2x3x4xf32>, tensor<2x1xi64>) -> tensor<2x4xf32> loc("gnd")
# CHECK-NEXT: %[[SNI:.*]] = top.Weight() : () -> tensor<2x2xi64> loc("snd_idx")
# CHECK-NEXT: %[[SNU:.*]] = top.Weight() : () -> tensor<2x4xf32> loc("snd_upd")
# CHECK-NEXT: top.ScatterND(%[[X]], %[[SNI]], %[[SNU]]) {reduction = "add"} : (tensor<2x3x4xf32>, tensor<2x2xi64>, tensor<2x4xf32>) -> tensor<2x3x4xf32> loc("snd")
# CHECK-NEXT: %[[SEU:.*]] = top.Weight() : () -> tensor<2x3x2xf32> loc("se_upd")
# CHECK-NEXT: top.ScatterElements(%[[X]], %[[GEI]], %[[SEU]]) {axis = 2 : i64, reduction = "max"} : (tensor<2x3x4xf32>, tensor<2x3x2xi64>, tensor<2x3x2xf32>) -> tensor<2x3x4xf32> loc("se")
# CHECK-NEXT: top.Trilu(%[[X]]) {upper = false, diagonal = -1 : i64} : (tensor<2x3x4xf32>) -> tensor<2x3x4xf32> loc("tril")
#   OneHot's values are re-emitted flattened, as a fresh weight named after the output
# CHECK-NEXT: %[[OHV:.*]] = top.Weight() : () -> tensor<2xf32> loc("oh_in1")
# CHECK-NEXT: top.OneHot(%[[IDS]], %[[OHV]]) {depth = 3 : i64, axis = 0 : i64} : (tensor<5xi64>, tensor<2xf32>) -> tensor<3x5xf32> loc("oh")
# CHECK-NEXT: %[[CI:.*]] = top.Weight() : () -> tensor<2xi64> loc("cmp_in1")
# CHECK-NEXT: top.Gather(%[[X]], %[[CI]]) {axis = 1 : i64} : (tensor<2x3x4xf32>, tensor<2xi64>) -> tensor<2x2x4xf32> loc("cmp")
# CHECK-NEXT: %[[FLAT:.*]] = top.Reshape(%[[X]]) {shape = array<i64: 24>} : (tensor<2x3x4xf32>) -> tensor<24xf32> loc("cmp_flat_out_flat")
# CHECK-NEXT: %[[CF:.*]] = top.Weight() : () -> tensor<2xi64> loc("cmp_flat_out_in1")
# CHECK-NEXT: top.Gather(%[[FLAT]], %[[CF]]) {axis = 0 : i64} : (tensor<24xf32>, tensor<2xi64>) -> tensor<2xf32> loc("cmp_flat_out")
# CHECK-NEXT: func.return
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "Inputs"))
import numpy as np  # noqa: E402
from onnx_builder import F32, I64, main, model, node  # noqa: E402

main({"m": model([node("GatherElements", ["x", "ge_idx"], ["ge"], name="n_ge", axis=-1),
                  node("GatherND", ["x", "gnd_idx"], ["gnd"], name="n_gnd", batch_dims=1),
                  node("ScatterND", ["x", "snd_idx", "snd_upd"], ["snd"], name="n_snd", reduction="add"),
                  node("ScatterElements", ["x", "ge_idx", "se_upd"], ["se"], name="n_se", axis=-1, reduction="max"),
                  node("Trilu", ["x", "k"], ["tril"], name="n_tril", upper=0),
                  node("OneHot", ["ids", "depth", "oh_values"], ["oh"], name="n_oh", axis=-2),
                  node("Compress", ["x", "cond"], ["cmp"], name="n_cmp", axis=1),
                  node("Compress", ["x", "cond"], ["cmp_flat_out"], name="n_cmp_flat")],
                 inputs=[("x", F32, [2, 3, 4]), ("ids", I64, [5])],
                 outputs=["ge", "gnd", "snd", "se", "tril", "oh", "cmp", "cmp_flat_out"], opset=18,
                 inits={"ge_idx": np.array([[[0, -1], [1, 2], [3, 0]]] * 2, np.int64),
                        "gnd_idx": np.array([[2], [0]], np.int64),
                        "snd_idx": np.array([[0, 1], [1, 2]], np.int64),
                        "snd_upd": np.ones((2, 4), np.float32),
                        "se_upd": np.zeros((2, 3, 2), np.float32),
                        "k": np.array(-1, np.int64), "depth": np.array(3, np.int64),
                        "oh_values": np.array([0.0, 5.0], np.float32),
                        "cond": np.array([True, False, True])})})
