# Guards the --input-shapes errors of tpuc transform: an unbound dynamic dim, a wrong rank, a wrong
# count, a dim the model fixes otherwise, unparsable text; each one line, exit code 2, no output left.
# RUN: rm -rf %t && mkdir -p %t && %python %s %t
# RUN: %python %S/../../Inputs/expect_exit.py 2 %tpuc transform --model-def %t/dynamic.onnx --mlir %t/o.mlir | filecheck %s --check-prefix=DYN
# RUN: %python %S/../../Inputs/expect_exit.py 2 %tpuc transform --model-def %t/dynamic.onnx --mlir %t/o.mlir --input-shapes '[[4,3,1]]' | filecheck %s --check-prefix=RANK
# RUN: %python %S/../../Inputs/expect_exit.py 2 %tpuc transform --model-def %t/dynamic.onnx --mlir %t/o.mlir --input-shapes '[[4,3],[1]]' | filecheck %s --check-prefix=COUNT
# RUN: %python %S/../../Inputs/expect_exit.py 2 %tpuc transform --model-def %t/dynamic.onnx --mlir %t/o.mlir --input-shapes '[[4,5]]' | filecheck %s --check-prefix=FIXED
# RUN: %python %S/../../Inputs/expect_exit.py 2 %tpuc transform --model-def %t/dynamic.onnx --mlir %t/o.mlir --input-shapes '[[4,x]]' | filecheck %s --check-prefix=PARSE
# RUN: %python %S/../../Inputs/file_absent.py %t/o.mlir %t/o_top_f32_weight.npz

# DYN: tpuc: error: input 'x' dim 0 ('batch') is dynamic; bind it with --input-shapes
# RANK: tpuc: error: --input-shapes gives input 'x' rank 3 [4, 3, 1], the model declares rank 2
# COUNT: tpuc: error: --input-shapes gives 2 shape(s) but the model has 1 input(s): 'x'
# FIXED: tpuc: error: --input-shapes gives input 'x' dim 1 = 5, but the model fixes it to 3
# PARSE: tpuc: error: --input-shapes: cannot parse '[[4,x]]'
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "Inputs"))
from onnx_builder import F32, main, model, node  # noqa: E402

main({
    "dynamic": model([node("Relu", ["x"], ["y"], name="relu")],
                     inputs=[("x", F32, ["batch", 3])], outputs=[("y", F32, ["batch", 3])]),
})
