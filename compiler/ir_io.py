"""Reading and writing Top/Tpu IR text.

Dumps use the custom format with locations (tensor names are the contract); ``generic=True``
prints MLIR's generic form, which upstream ``mlir-opt --allow-unregistered-dialect`` parses.
Weights are never in the text: ``top.Weight`` is a name and a type.
"""

from __future__ import annotations

import io
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


def print_module(module: ModuleOp, *, generic: bool = False) -> str:
    out = io.StringIO()
    Printer(stream=out, print_generic_format=generic, print_debuginfo=True).print_op(module)
    out.write("\n")
    return out.getvalue()


def parse_module(text: str, name: str = "<input>", ctx: Context | None = None) -> ModuleOp:
    try:
        module = Parser(ctx or make_context(), text, name).parse_module()
    except ParseError as e:
        first = str(e).strip().splitlines()
        raise CompileError(f"cannot parse {name}: {' '.join(first[:4])}") from None
    return module


def load_module(path: str | os.PathLike) -> ModuleOp:
    p = Path(path)
    if not p.is_file():
        raise CompileError(f"IR file not found: {path}")
    return parse_module(p.read_text(), str(path))


def write_atomic(path: str | os.PathLike, text: str) -> None:
    """Write a text file via a temporary name so a failure never leaves half a file."""
    path = Path(path)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text)
    os.replace(tmp, path)
