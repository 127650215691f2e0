"""Run one mutant through ``tpuc transform`` in a fresh process and classify the outcome.

The contract (README, ``tools/tpuc.py``): exit 0 (ok) or 1 (numerical mismatch), or exit 2 with
exactly one stderr line ``tpuc: error: ...`` and no ``*.mlir``/``*.npz``/``*.tmp`` left in the
output directory. Never a traceback, an internal error (exit 3), a signal, or a hang. A success
must also write IR that MLIR can read: every static dim fits int64 (``bad_ir`` otherwise).

Each run is bounded by a wall-clock timeout and an address-space limit (``RLIMIT_AS``) so that a
mutant asking for terabytes cannot take the machine down; a clean error that only happened
because of that limit (``out of memory`` / ``Unable to allocate``) is flagged ``memory``.
"""

from __future__ import annotations

import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from mutators import Mutant

DEFAULT_TIMEOUT = 60.0
DEFAULT_MEM_GIB = 4.0

OUTCOMES = ("ok", "mismatch", "clean", "bad_stderr", "traceback", "internal", "crash", "hang")


@dataclass
class Outcome:
    id: str
    mutator: str
    seed: int
    base: str
    note: str
    args: list[str]
    kind: str  # one of OUTCOMES
    returncode: int | None
    stderr_tail: str
    leftovers: list[str]
    memory: bool  # an error caused by the address-space limit
    seconds: float
    bad_ir: str = ""  # a success that wrote IR MLIR cannot read (a dim outside int64)

    @property
    def violates(self) -> bool:
        return self.kind not in ("ok", "mismatch", "clean") or bool(self.leftovers) or bool(self.bad_ir)

    def explain(self) -> str:
        return (f"[{self.kind}{' +leftovers ' + str(self.leftovers) if self.leftovers else ''}"
                f"{' +bad IR ' + self.bad_ir if self.bad_ir else ''}] "
                f"mutator={self.mutator} seed={self.seed} base={self.base} rc={self.returncode} "
                f"args={' '.join(self.args)!r}\n  mutation: {self.note}\n  stderr: {self.stderr_tail}\n"
                f"  repro: python test/fuzz/mutators.py {self.mutator} {self.seed} m.onnx && "
                f"tpuc transform --model-def m.onnx --mlir OUT/m.mlir {' '.join(self.args)}")

    def to_json(self) -> dict:
        return asdict(self)


def _limit(mem_bytes: int):
    def preexec():
        os.setsid()  # own process group: a hang is killed with all its threads/children
        if mem_bytes:
            resource.setrlimit(resource.RLIMIT_AS, (mem_bytes, mem_bytes))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))

    return preexec


def _leftovers(out: Path) -> list[str]:
    return sorted(p.name for p in out.iterdir()
                  if p.suffix in (".mlir", ".npz", ".tmp") or p.name.endswith(".tmp"))


_TENSOR_DIMS = re.compile(r"tensor<((?:\d+x)+)")
INT64_MAX = 2**63 - 1


def check_ir(path: Path) -> str:
    """'' if every static dim of every tensor type in ``path`` fits MLIR's int64, else the first
    offending type (upstream ``mlir-opt`` rejects it with 'invalid dimension')."""
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return ""
    for m in _TENSOR_DIMS.finditer(text):
        if any(int(d) > INT64_MAX for d in m.group(1).split("x") if d):
            return m.group(0)[:120] + "...>"
    return ""


def classify(rc: int | None, stderr: str, timed_out: bool) -> tuple[str, bool]:
    lines = [ln for ln in stderr.splitlines() if ln.strip()]
    memory = any(s in stderr for s in ("out of memory", "Unable to allocate", "MemoryError", "bad_alloc"))
    if timed_out:
        return "hang", memory
    if "Traceback (most recent call last)" in stderr:
        return "traceback", memory
    if rc is None or rc < 0 or rc > 3 and rc != 130:
        return "crash", memory  # killed by a signal (segfault, abort) or an odd exit code
    if rc == 3:
        return "internal", memory
    if rc == 0:
        return "ok", memory
    if rc == 1:
        return "mismatch", memory
    if rc == 2 and len(lines) == 1 and lines[0].startswith("tpuc: error: "):
        return "clean", memory
    return "bad_stderr", memory


def run_mutant(m: Mutant, workdir: Path | None = None, *, timeout: float = DEFAULT_TIMEOUT,
               mem_gib: float = DEFAULT_MEM_GIB, keep: bool = False) -> Outcome:
    """Write the mutant into a fresh directory (model + side files, output dir ``out/``), run
    the CLI, classify. The directory is removed afterwards unless ``keep``."""
    own = workdir is None
    root = Path(tempfile.mkdtemp(prefix=f"fuzz-{m.id}-")) if own else Path(workdir)
    root.mkdir(parents=True, exist_ok=True)
    model = root / "model.onnx"
    model.write_bytes(m.data)
    for name, content in m.files.items():
        (root / name).write_bytes(content)
    out = root / "out"
    out.mkdir(exist_ok=True)
    cmd = [sys.executable, "-m", "tpuc.tools.tpuc", "transform", "--model-def", str(model),
           "--mlir", str(out / "m.mlir"), *m.args]
    env = {k: v for k, v in os.environ.items() if k != "TPUC_TRACEBACK"}
    env.setdefault("OMP_NUM_THREADS", "1")
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            errors="replace", env=env, preexec_fn=_limit(int(mem_gib * 2**30)))
    timed_out = False
    try:
        _, stderr = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        timed_out = True
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        _, stderr = proc.communicate()
    dt = time.perf_counter() - t0
    rc = None if timed_out else proc.returncode
    kind, memory = classify(rc, stderr, timed_out)
    left = _leftovers(out) if kind not in ("ok", "mismatch") else []
    bad_ir = check_ir(out / "m.mlir") if kind in ("ok", "mismatch") else ""
    tail = " | ".join(ln for ln in stderr.strip().splitlines()[-4:])[:600]
    res = Outcome(m.id, m.mutator, m.seed, m.base, m.note, list(m.args), kind, rc, tail, left, memory, round(dt, 3),
                  bad_ir)
    if own and not keep:
        shutil.rmtree(root, ignore_errors=True)
    return res


def save_offender(m: Mutant, dest: Path) -> Path:
    """Save a failing mutant (model, side files, a README with the command) under ``dest``."""
    d = dest / m.id
    d.mkdir(parents=True, exist_ok=True)
    (d / "model.onnx").write_bytes(m.data)
    for name, content in m.files.items():
        (d / name).write_bytes(content)
    (d / "README.txt").write_text(m.describe() + "\n" +
                                  f"tpuc transform --model-def model.onnx --mlir out/m.mlir {' '.join(m.args)}\n")
    return d
