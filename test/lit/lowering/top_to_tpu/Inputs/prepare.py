"""Set up a convert-top-to-tpu lit test whose Top IR is the test file itself.

Usage: ``%python %S/Inputs/prepare.py %s %t`` -- (re)creates the folder ``%t`` holding

* ``m.mlir``: a copy of the test file (``tpuc opt`` loads ``module.weight_file`` relative to it);
* the weight npz named by ``module.weight_file``: one array per ``top.Weight`` of the IR, of its
  declared shape and element type; ``// WEIGHT: NAME = EXPR`` sets one (a numpy expression, ``np``
  in scope, reshaped to the declared shape), every other float weight is seeded normal noise;
* ``m.table``: a calibration table (tpu-mlir's format) from the ``// TABLE: NAME THRESHOLD``
  lines (min/max written as -threshold/threshold), only when the test has such lines;
* ``m.qtable``: a quantize table from the ``// QTABLE: NAME MODE`` lines, when there are some.
"""

import os
import re
import shutil
import sys
import zlib

import ml_dtypes
import numpy as np

DTYPES = {"f32": np.float32, "f16": np.float16, "bf16": ml_dtypes.bfloat16, "i64": np.int64, "i32": np.int32,
          "i8": np.int8, "i1": np.bool_}
WEIGHT = re.compile(r'top\.Weight\(\)\s*:\s*\(\)\s*->\s*tensor<([^>]*)>\s*loc\("([^"]+)"\)')

src, out = sys.argv[1], sys.argv[2]
shutil.rmtree(out, ignore_errors=True)
os.makedirs(out)
text = open(src).read()
shutil.copy(src, os.path.join(out, "m.mlir"))

given = {}
for name, expr in re.findall(r"^// WEIGHT:\s*(\S+)\s*=\s*(.+)$", text, re.M):
    given[name] = eval(expr, {"np": np})
weights = {}
code = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("//"))
for spec, name in WEIGHT.findall(code):
    *dims, elem = spec.split("x")
    shape = [int(d) for d in dims]
    dtype = DTYPES[elem]
    if name in given:
        value = np.asarray(given[name], np.float64).reshape(shape)
    else:
        value = np.random.RandomState(zlib.crc32(name.encode())).randn(*shape)
    weights[name] = np.asarray(value).astype(dtype)
wf = re.search(r'module\.weight_file\s*=\s*"([^"]+)"', code)
if wf:
    np.savez(os.path.join(out, wf.group(1)), **weights)

rows = re.findall(r"^// TABLE:\s*(\S+)\s+(\S+)\s*$", text, re.M)
if rows:
    with open(os.path.join(out, "m.table"), "w") as f:
        f.write("# tpuc calibration table (hand-written for a lit test)\n###\n# op_name    threshold    min    max\n")
        for name, t in rows:
            t = float(t)
            f.write(f"{name} {t:.7f} {-t:.7f} {t:.7f}\n")
qrows = re.findall(r"^// QTABLE:\s*(\S+)\s+(\S+)\s*$", text, re.M)
if qrows:
    with open(os.path.join(out, "m.qtable"), "w") as f:
        f.write("# quantize table (lit test)\n")
        for name, mode in qrows:
            f.write(f"{name} {mode}\n")
