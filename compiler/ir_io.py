"""Reading and writing Top/Tpu IR text.

Dumps use the custom format with locations (tensor names are the contract); ``generic=True``
prints MLIR's generic form, which upstream ``mlir-opt --allow-unregistered-dialect`` parses.
Weights are never in the text: ``top.Weight`` is a name and a type.
"""

from __future__ import annotations

import io
import re
import os
from pathlib import Path

from xdsl.context import Context
from xdsl.dialects.builtin import Builtin, ModuleOp
from xdsl.dialects.func import Func
from xdsl.parser import Parser
from xdsl.printer import Printer
from xdsl.utils.exceptions import ParseError

from tpuc.compiler.errors import CompileError


def make_context() -> Context:
    """A context with builtin, func and (lazily) the Top and Tpu dialects."""
    from tpuc.dialects.top import Top
    from tpuc.dialects.tpu import Tpu

    ctx = Context()
    ctx.load_dialect(Builtin)
    ctx.load_dialect(Func)
    ctx.register_dialect("top", Top)
    ctx.register_dialect("tpu", Tpu)
    return ctx


_HEX_UTF8 = re.compile(r"(?<!\\)((?:\\[89A-Fa-f][0-9A-Fa-f])+)")


def _utf8_strings(text: str) -> str:
    r"""xDSL prints non-ASCII bytes of a string as ``\XX`` escapes, which its own location parser
    then rejects (``loc("\E4\B8\AD")``): print valid UTF-8 runs as the characters (MLIR and
    xDSL both read raw UTF-8 in strings), so tensor names like ``中间`` round-trip."""

    def decode(m: re.Match) -> str:
        try:
            return bytes.fromhex(m.group(1).replace("\\", "")).decode("utf-8")
        except UnicodeDecodeError:
            return m.group(1)

    return _HEX_UTF8.sub(decode, text)


def print_module(module: ModuleOp, *, generic: bool = False) -> str:
    out = io.StringIO()
    Printer(stream=out, print_generic_format=generic, print_debuginfo=True).print_op(module)
    out.write("\n")
    return _utf8_strings(out.getvalue())


def check_string_literals(text: str, name: str = "<input>") -> None:
    """Reject an unterminated string literal before xDSL lexes it: xDSL 0.74's string regex
    (``"(?:[^"\\\n]+|\\...)*"``) backtracks exponentially on a long line whose string never
    closes, so a truncated or corrupted file would hang the parser instead of failing."""
    for lineno, line in enumerate(text.split("\n"), 1):  # not splitlines(): \x85, \u2028 may be in names
        in_string, i, n = False, 0, len(line)
        while i < n:
            c = line[i]
            if in_string:
                if c == "\\":
                    esc = line[i + 1:i + 3]
                    if esc[:1] in ('"', "n", "t", "\\"):
                        i += 2
                        continue
                    if len(esc) == 2 and all(ch in "0123456789abcdefABCDEF" for ch in esc):
                        i += 3
                        continue
                    raise CompileError(f"cannot parse {name}: invalid escape in a string literal on line {lineno}")
                if c == '"':
                    in_string = False
                elif c in "\v\f":  # xDSL's string regex stops at these too (and would backtrack)
                    raise CompileError(f"cannot parse {name}: control character in a string literal on line {lineno}")
            elif c == '"':
                in_string = True
            elif c == "/" and line.startswith("//", i):
                break
            i += 1
        if in_string:
            raise CompileError(f"cannot parse {name}: unterminated string literal on line {lineno}")


def parse_module(text: str, name: str = "<input>", ctx: Context | None = None) -> ModuleOp:
    check_string_literals(text, name)
    try:
        module = Parser(ctx or make_context(), text, name).parse_module()
    except ParseError as e:
        first = str(e).strip().splitlines()
        raise CompileError(f"cannot parse {name}: {' '.join(first[:4])}") from None
    return module


def load_module(path: str | os.PathLike, *, verify: bool = True) -> ModuleOp:
    """Parse an IR file and (by default) verify it; both failures are one-line CompileErrors."""
    p = Path(path)
    if not p.is_file():
        raise CompileError(f"IR file not found: {path}")
    try:
        text = p.read_text()
    except UnicodeDecodeError as e:
        raise CompileError(f"cannot read {path}: not UTF-8 text ({e.reason} at byte {e.start})") from None
    module = parse_module(text, str(path))
    if verify:
        from xdsl.utils.exceptions import VerifyException

        try:
            module.verify()
        except VerifyException as e:
            raise CompileError(f"invalid IR in {path}: {' '.join(str(e).split())[:400]}") from None
        check_dominance(module, str(path))
    return module


def require_top_module(module: ModuleOp, what: str, path: str = "the module") -> None:
    """A one-line error when ``module`` holds Tpu ops (it was lowered by ``tpuc deploy``)."""
    for op in module.walk():
        if op.name.startswith("tpu."):
            raise CompileError(f"{what} expects a Top module (from tpuc transform), but {path} is lowered to the "
                               f"Tpu dialect (it has '{op.name}')")


def check_dominance(module: ModuleOp, where: str = "the IR") -> None:
    """Every operand is defined before its use within its block (xDSL's verifier does not check
    SSA dominance; a value used before its definition would crash an interpreter later)."""
    for op in module.walk():
        for region in op.regions:
            for block in region.blocks:
                seen = set(block.args)
                for inner in block.ops:
                    for v in inner.operands:
                        owner = v.owner
                        if v not in seen and getattr(owner, "parent", None) is block:
                            from tpuc.dialects.top.base import name_of

                            name = name_of(inner) or inner.name
                            raise CompileError(f"invalid IR in {where}: {inner.name} '{name}' uses a value "
                                               f"defined later in the block (by {owner.name} '{name_of(owner)}')")
                    seen.update(inner.results)


def write_atomic(path: str | os.PathLike, text: str) -> None:
    """Write a text file via a unique temporary name beside it, so a failure never leaves half a
    file (nor a stray temporary) and concurrent writers do not collide."""
    import tempfile

    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
