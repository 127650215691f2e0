# Guards the dump flags on `tpuc transform`: --dump-dir (the "top" stage's 00-top-input.mlir and
# one file per pass of the transform pipeline), --print-ir-before/after and --time-passes on
# stderr, --generic for the written IR, --pipeline overriding the pipeline (also the default one's
# dumps), and the final summary line.
# RUN: rm -rf %t && mkdir -p %t && %python %s %t
# RUN: %tpuc transform --model-def %t/m.onnx --mlir %t/m.mlir --pipeline top-dce,top-verify-shapes --dump-dir %t/d --print-ir-before=top-dce --print-ir-after=top-verify-shapes --time-passes --generic 2>&1 | filecheck %s --check-prefix=ERR
# RUN: ls %t/d | filecheck %s --check-prefix=LS
# RUN: filecheck %s --input-file %t/d/00-top-input.mlir --check-prefix=D0
# RUN: filecheck %s --input-file %t/d/01-top-dce.mlir --check-prefix=D1
# RUN: filecheck %s --input-file %t/m.mlir --check-prefix=GEN
# RUN: %tpuc transform --model-def %t/m.onnx --mlir %t/p.mlir --dump-dir %t/p --pipeline top-verify-shapes
# RUN: ls %t/p | filecheck %s --check-prefix=PIPE
#   the default pipeline: input first, one dump per pass, ending with the shape verification
# RUN: %tpuc transform --model-def %t/m.onnx --mlir %t/q.mlir --dump-dir %t/q
# RUN: ls %t/q | filecheck %s --check-prefix=DEFAULT

# ERR:      // -----// IR Dump Before top-dce //----- //
# ERR-NEXT: "builtin.module"() ({
# ERR:      // -----// IR Dump After top-verify-shapes //----- //
# ERR:      Pass execution timing report (top)
# ERR-NEXT:   Total:
# ERR-NEXT: top-dce
# ERR-NEXT: top-verify-shapes
# ERR:      wrote {{.*}}m.mlir and {{.*}}m_top_f32_weight.npz (1 weights, 3 top ops)

# LS:      00-top-input.mlir
# LS-NEXT: 01-top-dce.mlir
# LS-NEXT: 02-top-verify-shapes.mlir
# LS-NOT:  {{.}}

# D0:      // input of pipeline 'top-dce,top-verify-shapes'
# D0-NEXT: "builtin.module"() ({
# D0:      "top.Input"(%{{.*}}) : (tensor<2x3xf32>) -> tensor<2x3xf32> loc("x")
# D0-NEXT: "top.Weight"() : () -> tensor<3xf32> loc("b")
# D0-NEXT: "top.Add"
# D0:      {module.name = "m", module.state = "TOP_F32", module.platform = "ONNX", module.weight_file = "m_top_f32_weight.npz"}

# D1: // after pass 1: top-dce

# GEN:      "builtin.module"() ({
# GEN:      "top.Add"(%{{.*}}, %{{.*}}) : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32> loc("y")

# DEFAULT:      00-top-input.mlir
# DEFAULT-NEXT: 01-{{.*}}.mlir
# DEFAULT:      {{[0-9][0-9]}}-top-verify-shapes.mlir
# DEFAULT-NOT:  {{.}}

# PIPE:      00-top-input.mlir
# PIPE-NEXT: 01-top-verify-shapes.mlir
# PIPE-NOT:  {{.}}
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "Inputs"))
import numpy as np  # noqa: E402
from onnx_builder import F32, main, model, node  # noqa: E402

main({"m": model([node("Add", ["x", "b"], ["y"], name="add")], inputs=[("x", F32, [2, 3])], outputs=["y"],
                 inits={"b": np.ones(3, np.float32)})})
