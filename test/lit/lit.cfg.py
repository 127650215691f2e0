"""lit configuration for tpuc's FileCheck regression tests (mirrors the source tree)."""

import os
import shutil
import sys

import lit.formats

config.name = "tpuc"
config.test_format = lit.formats.ShTest(execute_external=False)
config.suffixes = [".mlir", ".py", ".test"]
config.excludes = ["lit.cfg.py", "lit.local.cfg", "Inputs"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(os.environ.get("TPUC_LIT_OUT", "/tmp/tpuc-lit"))

python = sys.executable
# Macros first: substitutions apply in order and these contain `tpuc-opt`.
config.substitutions.append(("%roundtrip", f"tpuc-opt %s | tpuc-opt - | filecheck %s"))
config.substitutions.append(("%generic-roundtrip", f"tpuc-opt %s --generic | tpuc-opt - | filecheck %s"))
config.substitutions.append(("tpuc-opt", f"{python} -m tpuc.tools.tpuc opt"))
config.substitutions.append(("%tpuc", f"{python} -m tpuc.tools.tpuc"))
config.substitutions.append(("%python", python))

for var in ("PATH", "HOME", "TMPDIR", "PYTHONPATH", "TPUC_MODELS"):
    if var in os.environ:
        config.environment[var] = os.environ[var]

mlir_opt = os.environ.get("MLIR_OPT") or shutil.which("mlir-opt-22") or shutil.which("mlir-opt")
if mlir_opt:
    config.available_features.add("mlir-opt")
    config.substitutions.append(("%mlir-opt", mlir_opt))
