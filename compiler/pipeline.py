"""Running pass pipelines with dumps, per-pass verification and timing.

``--dump-dir DIR`` writes ``00-input.mlir``, ``01-<pass>.mlir``, ... (every pass, including the
last); ``--print-ir-after-all``, ``--print-ir-after=PASS``, ``--print-ir-before=PASS`` print to
stderr in MLIR's ``// -----// IR Dump After X //----- //`` style; ``--time-passes`` prints a
timing report; the IR is verified after every pass (``verify_each``) and a failure names the pass.
"""

from __future__ import annotations

from collections.abc import Sequence

import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from xdsl.dialects.builtin import ModuleOp
from xdsl.passes import ModulePass, PassPipeline
from xdsl.utils.exceptions import ArgSpecParseError, ParseError, VerifyException

from tpuc.compiler.errors import CompileError
from tpuc.compiler.ir_io import make_context, print_module, write_atomic
from tpuc.compiler.passes import available


@dataclass
class DumpOptions:
    dump_dir: str | None = None
    print_after_all: bool = False
    print_after: set[str] = field(default_factory=set)
    print_before: set[str] = field(default_factory=set)
    time_passes: bool = False
    generic: bool = False
    verify_each: bool = True


def parse_pipeline(spec: str) -> tuple[ModulePass, ...]:
    if not spec:
        return ()
    try:
        return tuple(PassPipeline.parse_spec(available(), spec).passes)
    except (ArgSpecParseError, ParseError, ValueError, TypeError, KeyError) as e:  # unknown pass name and friends
        msg = str(e).splitlines()[0] if str(e) else type(e).__name__
        known = ", ".join(sorted(available()))
        raise CompileError(f"bad pass pipeline '{spec}': {msg} (known passes: {known})") from None


def run_pipeline(module: ModuleOp, spec: "str | Sequence[ModulePass]", opts: DumpOptions | None = None, *,
                 stage: str = "") -> list[tuple[str, float]]:
    """Apply ``spec`` (a pipeline string or pass instances) to ``module`` in place; returns
    ``(pass, seconds)`` per pass."""
    opts = opts or DumpOptions()
    passes = parse_pipeline(spec) if isinstance(spec, str) else tuple(spec)
    if not isinstance(spec, str):
        spec = ",".join(p.name for p in passes)
    unknown = sorted((opts.print_after | opts.print_before) - set(available()))
    if unknown:
        raise CompileError(f"--print-ir-after/--print-ir-before name unknown pass(es): {', '.join(unknown)}")
    ctx = make_context()
    timings: list[tuple[str, float]] = []
    dump_dir = Path(opts.dump_dir) if opts.dump_dir else None
    if dump_dir is not None:
        dump_dir.mkdir(parents=True, exist_ok=True)
    prefix = f"{stage}-" if stage else ""
    n_existing = len(list(dump_dir.glob("*.mlir"))) if dump_dir is not None else 0

    def dump(idx: int, label: str, header: str) -> None:
        if dump_dir is not None:
            text = f"// {header}\n" + print_module(module, generic=opts.generic)
            stem = f"{prefix}{label}" if idx == 0 else label
            write_atomic(dump_dir / f"{n_existing + idx:02d}-{stem}.mlir", text)

    def show(kind: str, p: ModulePass) -> None:
        print(f"// -----// IR Dump {kind} {p.spec()} //----- //", file=sys.stderr)
        print(print_module(module, generic=opts.generic), file=sys.stderr)

    dump(0, "input", f"input of pipeline '{spec}'")
    for i, p in enumerate(passes, start=1):
        if opts.print_before and p.name in opts.print_before:
            show("Before", p)
        t0 = time.perf_counter()
        try:
            p.apply(ctx, module)
        except CompileError:
            raise
        except VerifyException as e:
            raise CompileError(f"pass '{p.name}' failed: {str(e).splitlines()[0]}") from None
        dt = time.perf_counter() - t0
        timings.append((p.name, dt))
        if opts.verify_each:
            try:
                module.verify()
            except VerifyException as e:
                msg = " ".join(str(e).split())[:400]
                raise CompileError(f"IR verification failed after pass '{p.name}': {msg}") from None
        dump(i, p.name, f"after pass {i}: {p.spec()}")
        if opts.print_after_all or p.name in opts.print_after:
            show("After", p)
    if opts.time_passes:
        total = sum(t for _, t in timings) or 1e-12
        print("===-------------------------------------------------------------------------===", file=sys.stderr)
        print(f"  Pass execution timing report{' (' + stage + ')' if stage else ''}", file=sys.stderr)
        print(f"  Total: {total:.4f} s", file=sys.stderr)
        for name, t in timings:
            print(f"  {t:10.4f} s ({100 * t / total:5.1f}%)  {name}", file=sys.stderr)
    return timings
