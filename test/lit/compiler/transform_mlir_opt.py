# Guards MLIR interop of a real transform output: the bundled Swin-T block (examples/swin_block.py,
# 2 windows) imported with --generic is parsed by upstream mlir-opt (exit 0, tensor names kept as
# locations, module attributes), mlir-opt's output parses back into tpuc,
# and `tpuc run` of that round-tripped IR reproduces transform's tensors (`tpuc compare`).
# Needs the nn family (LayerNorm, MatMul, Softmax) of the importer.
# REQUIRES: mlir-opt
# RUN: rm -rf %t && mkdir -p %t && %python %s %t
# RUN: %tpuc transform --model-def %t/swin.onnx --input-shapes '[[2,49,96]]' --mlir %t/swin.mlir --test-input %t/in.npz --test-result %t/ref.npz --generic
# RUN: %mlir-opt --allow-unregistered-dialect --mlir-print-op-generic --mlir-print-debuginfo --mlir-print-local-scope %t/swin.mlir -o %t/upstream.mlir
# RUN: filecheck %s --input-file %t/upstream.mlir
# RUN: tpuc-opt %t/upstream.mlir -o %t/back.mlir
# RUN: filecheck %s --input-file %t/back.mlir --check-prefix=BACK
# RUN: %tpuc run --mlir %t/back.mlir --input %t/in.npz --output %t/out.npz
# RUN: %tpuc compare %t/ref.npz %t/out.npz -v | filecheck %s --check-prefix=CMP

# CHECK:      "builtin.module"() ({
# CHECK:      "top.Input"(%{{.*}}) : (tensor<2x49x96xf32>) -> tensor<2x49x96xf32> loc("x")
# CHECK:      "top.LayerNorm"({{.*}}) -> tensor<2x49x96xf32> loc("ln1")
# CHECK:      "top.MatMul"
#   the node is "attn.Softmax"; as in tpu-mlir the location is named after its output tensor
#   ("attn_p", possibly suffixed by a canonicalization that moved it)
# CHECK:      "top.Softmax"(%{{.*}}) <{axis = {{[0-9]}} : i64}> : {{.*}} loc("attn_p{{[^"]*}}")
# CHECK:      "func.return"(%{{.*}}) : (tensor<2x49x96xf32>) -> ()
# CHECK:      module.weight_file = "swin_top_f32_weight.npz"

# BACK:      builtin.module attributes {{{.*}}module.weight_file = "{{[^"]+}}.npz"{{.*}}} {
# BACK:      top.LayerNorm({{.*}} loc("ln1")
# BACK:      top.Softmax(%{{.*}}) {axis = {{[0-9]}} : i64} : {{.*}} loc("attn_p{{[^"]*}}")

# CMP: ln1 {{.*}} PASS
# CMP: y {{.*}} PASS
# CMP: tensors compared {{.*}}: {{[0-9]+}} passed, 0 failed
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "..", "examples"))
import numpy as np  # noqa: E402
import onnx  # noqa: E402
import swin_block  # noqa: E402

out = sys.argv[1]
onnx.save(swin_block.build(windows=2), os.path.join(out, "swin.onnx"))
x = np.random.default_rng(0).standard_normal((2, 49, 96)).astype(np.float32)
np.savez(os.path.join(out, "in.npz"), x=x)
