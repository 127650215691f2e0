"""Exit 0 iff none of the given paths exists (failed commands must leave no output files).

Usage: ``%python Inputs/file_absent.py PATH...``
"""

import os
import sys

present = [p for p in sys.argv[1:] if os.path.exists(p)]
for p in present:
    print(f"file_absent: {p} exists")
sys.exit(1 if present else 0)
