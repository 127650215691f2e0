"""Print an npz (e.g. a weight file) for FileCheck: one line per array, sorted by name:
``name: shape=[2, 3] dtype=float32 values=[...]`` (values flattened, at most 16 shown).

Usage: ``%python Inputs/npz_dump.py FILE.npz``
"""

import sys

import numpy as np

with np.load(sys.argv[1], allow_pickle=False) as z:
    for k in sorted(z.files):
        a = z[k]
        flat = a.reshape(-1)[:16].tolist()
        print(f"{k}: shape={list(a.shape)} dtype={a.dtype} values={flat}")
