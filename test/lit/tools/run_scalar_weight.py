# Guards scalar (rank-0) weights through the weight file: a Gather with a scalar constant index
# (tensor<i64> weight) must be saved with shape [] (np.ascontiguousarray would make it [1]), and
# `tpuc run` from the saved npz must give the declared 2x4 output, not 2x1x4. (--pipeline
# top-verify-shapes keeps the imported top.Gather; canonicalization may turn it into a Slice.)
# RUN: rm -rf %t && mkdir -p %t && %python %s %t
# RUN: %tpuc transform --model-def %t/m.onnx --mlir %t/m.mlir --pipeline top-verify-shapes
# RUN: %python %S/../Inputs/npz_dump.py %t/m_top_f32_weight.npz | filecheck %s --check-prefix=W
# RUN: %tpuc run --mlir %t/m.mlir --input %t/in.npz --output %t/out.npz --outputs-only
# RUN: %python %S/../Inputs/npz_dump.py %t/out.npz | filecheck %s

# W: k: shape=[] dtype=int64 values=[2]
# CHECK: g: shape=[2, 4] dtype=float32
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "Inputs"))
import numpy as np  # noqa: E402
from onnx_builder import F32, main, model, node  # noqa: E402

main({"m": model([node("Gather", ["x", "k"], ["g"], name="gather", axis=1)],
                 inputs=[("x", F32, [2, 3, 4])], outputs=["g"], inits={"k": np.array(2, np.int64)})})
np.savez(os.path.join(sys.argv[1], "in.npz"), x=np.arange(24, dtype=np.float32).reshape(2, 3, 4))
