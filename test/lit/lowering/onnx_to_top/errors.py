# Guards the importer's user errors on models (unsupported op types, a non-constant Reshape shape,
# a shape mismatch, a data-dependent output shape): each prints one line "tpuc: error: ..."
# naming what and the node, exits with code 2 (not 3, an internal error) and leaves no output
# file behind.
# RUN: rm -rf %t && mkdir -p %t && %python %s %t
# RUN: %python %S/../../Inputs/expect_exit.py 2 %tpuc transform --model-def %t/unsupported.onnx --mlir %t/o.mlir | filecheck %s --check-prefix=UNSUP
# RUN: %python %S/../../Inputs/expect_exit.py 2 %tpuc transform --model-def %t/reshape_runtime.onnx --mlir %t/o.mlir | filecheck %s --check-prefix=RESHAPE
# RUN: %python %S/../../Inputs/expect_exit.py 2 %tpuc transform --model-def %t/mismatch.onnx --mlir %t/o.mlir | filecheck %s --check-prefix=MISMATCH
# RUN: %python %S/../../Inputs/expect_exit.py 2 %tpuc transform --model-def %t/data_dependent.onnx --mlir %t/o.mlir | filecheck %s --check-prefix=DYNSHAPE
# RUN: %python %S/../../Inputs/file_absent.py %t/o.mlir %t/o_top_f32_weight.npz

# UNSUP: tpuc: error: unsupported ONNX op types: Det (first node 'det_first'), Unique (first node 'uniq')
# UNSUP-NOT: det_second
# RESHAPE: tpuc: error: node 'my_reshape' (Reshape): the shape input ('s') must be a constant
# MISMATCH: tpuc: error: node 'bad_add' (Add): top.Add: shapes [2, 3], [4] do not broadcast
# DYNSHAPE: tpuc: error: node 'my_nonzero' (NonZero): the output shape depends on runtime values of x; tpuc needs static shapes
#   one line each: no traceback, no usage text
# UNSUP-NOT: Traceback
# MISMATCH-NOT: {{.}}
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "Inputs"))
import numpy as np  # noqa: E402
from onnx_builder import F32, I64, main, model, node  # noqa: E402

main({
    # two unsupported op types, the first one twice: each listed once with its first node
    "unsupported": model([node("Relu", ["x"], ["r"], name="relu"),
                          node("Det", ["r"], ["d0"], name="det_first"),
                          node("Det", ["r"], ["d1"], name="det_second"),
                          node("Unique", ["i"], ["u"], name="uniq")],
                         inputs=[("x", F32, [2, 3, 3]), ("i", I64, [4])],
                         outputs=["d0", "d1", ("u", I64, ["n"])]),
    "reshape_runtime": model([node("Reshape", ["x", "s"], ["y"], name="my_reshape")],
                             inputs=[("x", F32, [2, 3]), ("s", I64, [2])], outputs=[("y", F32, [3, 2])]),
    # NonZero of runtime data: the output shape depends on values
    "data_dependent": model([node("NonZero", ["x"], ["nz"], name="my_nonzero")],
                            inputs=[("x", F32, [2, 3])], outputs=[("nz", I64, [2, "n"])]),
    "mismatch": model([node("Add", ["x", "b"], ["y"], name="bad_add")],
                      inputs=[("x", F32, [2, 3])], outputs=[("y", F32, [2, 3])],
                      inits={"b": np.ones(4, np.float32)}, check=False),
})
