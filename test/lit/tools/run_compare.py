# Guards `tpuc run` (the Top interpreter on a written module + its weight file) and `tpuc compare`:
# run reproduces every tensor transform saved with --test-result (compare exits 0, all PASS),
# --outputs-only writes just the graph outputs, and compare exits 1 on a numerical mismatch and
# 2 (one line) on a missing file.
# RUN: rm -rf %t && mkdir -p %t && %python %s %t
# RUN: %tpuc transform --model-def %t/m.onnx --mlir %t/m.mlir --test-input %t/in.npz --test-result %t/ref.npz
# RUN: %tpuc run --mlir %t/m.mlir --input %t/in.npz --output %t/all.npz
# RUN: %tpuc compare %t/ref.npz %t/all.npz -v | filecheck %s --check-prefix=SAME
# RUN: %tpuc run --mlir %t/m.mlir --input %t/in.npz --output %t/outs.npz --outputs-only
# RUN: %python %S/../Inputs/npz_dump.py %t/outs.npz | filecheck %s --check-prefix=OUTS
# RUN: %python %S/../Inputs/expect_exit.py 1 %tpuc compare %t/ref.npz %t/wrong.npz | filecheck %s --check-prefix=DIFF
# RUN: %python %S/../Inputs/expect_exit.py 2 %tpuc compare %t/ref.npz %t/missing.npz | filecheck %s --check-prefix=MISSING

# SAME: x {{.*}} PASS
# SAME: h {{.*}} PASS
# SAME: y {{.*}} PASS
# SAME: 3 tensors compared (tolerance cos>=0.99, euclid>=0.99): 3 passed, 0 failed

# OUTS:      y: shape=[2, 3] dtype=float32 values={{.*}}
# OUTS-NOT:  {{.}}

# DIFF: y {{.*}} FAIL
# DIFF: 1 failed

# MISSING:     tpuc: error: file not found: {{.*}}missing.npz
# MISSING-NOT: Traceback
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "Inputs"))
import numpy as np  # noqa: E402
from onnx_builder import F32, main, model, node  # noqa: E402

main({"m": model([node("Mul", ["x", "w"], ["h"], name="mul"), node("Tanh", ["h"], ["y"], name="tanh")],
                 inputs=[("x", F32, [2, 3])], outputs=["y"], inits={"w": np.float32([1.0, -2.0, 0.5])})})
out = sys.argv[1]
x = np.random.default_rng(0).standard_normal((2, 3)).astype(np.float32)
np.savez(os.path.join(out, "in.npz"), x=x)
np.savez(os.path.join(out, "wrong.npz"), y=-np.tanh(x * np.float32([1.0, -2.0, 0.5])))
