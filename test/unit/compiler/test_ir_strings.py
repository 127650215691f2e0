"""Unterminated strings and bad escapes in IR text fail fast with one-line errors.

xDSL 0.74 lexes string literals with ``"(?:[^"\\\\\\n\\v\\f]+|\\\\(?:["nt\\\\]|[0-9A-Fa-f]{2}))*"``,
which backtracks exponentially when the closing quote is missing or an escape is invalid (found
by test/fuzz/test_malformed_deploy.py: a byte flip in a .mlir hung ``tpuc deploy``).
:func:`tpuc.compiler.ir_io.check_string_literals` rejects such text before xDSL sees it.
"""

from __future__ import annotations

import signal

import pytest

from tpuc.compiler.errors import CompileError
from tpuc.compiler.ir_io import check_string_literals, parse_module


def _bounded(seconds: int):
    def handler(signum, frame):
        raise TimeoutError("parsing hung")

    signal.signal(signal.SIGALRM, handler)
    signal.alarm(seconds)


@pytest.mark.parametrize("text,what", [
    ('builtin.module {} loc("' + "a" * 60, "unterminated"),
    ('builtin.module {} loc("' + "a" * 60 + '\\q' + "b" * 10 + '")', "invalid escape"),
    ('builtin.module {} loc("' + "a" * 60 + "\x00" + '\\', "invalid escape"),
])
def test_bad_strings_fail_fast(text, what):
    _bounded(5)
    try:
        with pytest.raises(CompileError, match=what):
            parse_module(text)
    finally:
        signal.alarm(0)


@pytest.mark.parametrize("line", ['loc("a//b")', '"x\\"y" // "', '"\\0A\\n\\t\\\\"', "// unterminated \" in a comment"])
def test_good_strings_pass(line):
    check_string_literals(line)


def test_non_ascii_tensor_names_round_trip():
    """xDSL prints non-ASCII bytes as \\XX escapes its own location parser rejects; tpuc prints
    UTF-8 names as characters (a Chinese-named ONNX graph failed in calibrate/deploy before)."""
    from tpuc.compiler.ir_io import print_module

    text = ('builtin.module {\n  func.func @main(%a: tensor<2xf32>) -> tensor<2xf32> {\n'
            '    %0 = top.Input(%a) : (tensor<2xf32>) -> tensor<2xf32> loc("中间")\n'
            '    func.return %0 : tensor<2xf32>\n  }\n}\n')
    printed = print_module(parse_module(text))
    assert 'loc("中间")' in printed
    assert print_module(parse_module(printed)) == printed
    check_string_literals('loc("a\u2028b")')  # line separators inside a name are not line ends
    with pytest.raises(CompileError, match="control character"):
        check_string_literals('loc("a\x0bb")')
