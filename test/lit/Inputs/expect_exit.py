"""Run a command and require a given exit code (lit's ``not`` only checks "non-zero").

Usage: ``%python Inputs/expect_exit.py CODE cmd args...`` -- the command's stdout and stderr are
passed through (stderr to stdout, so ``| filecheck`` sees both); exits 0 iff the code matched,
else 1 with a line saying what was expected.
"""

import subprocess
import sys

want = int(sys.argv[1])
proc = subprocess.run(sys.argv[2:], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
sys.stdout.write(proc.stdout)
if proc.returncode != want:
    print(f"expect_exit: exit code {proc.returncode}, expected {want}")
    sys.exit(1)
