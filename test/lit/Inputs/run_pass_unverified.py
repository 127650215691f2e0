"""Run a pass pipeline on IR that is *not* verified first (``tpuc opt`` always verifies its input,
so it cannot show a verification pass firing). Prints the resulting IR, or ``error: ...`` and
exits 2 on a CompileError, like the CLI.

Usage: ``%python Inputs/run_pass_unverified.py FILE.mlir PIPELINE``
"""

import sys

from tpuc.compiler.errors import CompileError
from tpuc.compiler.ir_io import parse_module, print_module
from tpuc.compiler.pipeline import DumpOptions, run_pipeline

path, spec = sys.argv[1], sys.argv[2]
with open(path) as f:
    module = parse_module(f.read(), path)
try:
    run_pipeline(module, spec, DumpOptions(verify_each=False))
except CompileError as e:
    print(f"error: {e}")
    sys.exit(2)
sys.stdout.write(print_module(module))
