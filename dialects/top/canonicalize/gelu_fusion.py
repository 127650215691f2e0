"""GELU fusion from decomposed exports.

* ``GeluErfFusion`` (rooted at the Erf): ``x * 0.5 * (1 + Erf(x / sqrt 2))`` -> ``GELU(x)``.
* ``GeluTanhFusion`` (rooted at the Tanh): ``x * 0.5 * (1 + Tanh(sqrt(2/pi) * (x + 0.044715 x^3)))``
  -> ``GELU(x) {approx_mode = "tanh"}``, with ``x^3`` as ``Pow(x, 3)`` or ``x * x * x``.

The inner argument is ``Div(x, sqrt 2)`` or ``Mul(x, 1/sqrt 2)``; ``1 + f`` is an Add; the outer
product comes in the three association orders exporters emit (operands of Add/Mul in either order):
``(x * (1 + f)) * 0.5`` (PyTorch), ``x * ((1 + f) * 0.5)``, ``(x * 0.5) * (1 + f)`` (HF gelu_new).
Constants are splat weights (usually one element) matched to a relative 1e-3 (f16 exports round
them); every intermediate must be used only inside the pattern; ``x`` must be float and the result
must have ``x``'s type (no broadcasting by a constant). The GELU takes the name of the final Mul.
"""

from __future__ import annotations

import math

from xdsl.ir import Operation, SSAValue
from xdsl.pattern_rewriter import PatternRewriter, RewritePattern, op_type_rewrite_pattern

from tpuc.dialects.top.base import dtype_of, is_float, name_of
from tpuc.dialects.top.canonicalize.common import new_op
from tpuc.dialects.top.canonicalize.layernorm_fusion import binary, only_user, other_operand, scalar
from tpuc.dialects.top.ops import elementwise as E

SQRT2 = math.sqrt(2.0)
TANH_SCALE = math.sqrt(2.0 / math.pi)
TANH_CUBIC = 0.044715


def is_const(value: SSAValue | None, c: float) -> bool:
    """True when ``value`` is a splat weight within a relative 1e-3 of ``c``."""
    v = None if value is None else scalar(value)
    return v is not None and abs(v - c) <= 1e-3 * abs(c)


def plain_binary(op: Operation | None, cls: type) -> tuple[SSAValue, SSAValue] | None:
    """The operands of a two-input ``cls`` without ``do_relu``."""
    ab = binary(op, cls)
    return None if ab is None or op.p("do_relu", False) else ab


def times_const(value: SSAValue, c: float) -> SSAValue | None:
    """``y`` when ``value = Mul(y, c)`` (either order), else None."""
    ab = plain_binary(value.owner, E.MulOp)
    if ab is None:
        return None
    if is_const(ab[1], c):
        return ab[0]
    if is_const(ab[0], c):
        return ab[1]
    return None


def outer(one_plus: SSAValue, x: SSAValue) -> list[Operation] | None:
    """The ops of ``x * 0.5 * one_plus`` in one of the three orders (the final Mul last), or None."""
    u = only_user(one_plus)
    if plain_binary(u, E.MulOp) is None:
        return None
    other = other_operand(u, one_plus)
    if other is x:  # (x * a) * 0.5
        m2 = only_user(u.output)
        if plain_binary(m2, E.MulOp) is not None and is_const(other_operand(m2, u.output), 0.5):
            return [u, m2]
        return None
    if other is not None and is_const(other, 0.5):  # x * (a * 0.5)
        m2 = only_user(u.output)
        if plain_binary(m2, E.MulOp) is not None and other_operand(m2, u.output) is x:
            return [u, m2]
        return None
    if other is not None and other.has_one_use() and times_const(other, 0.5) is x:  # (x * 0.5) * a
        return [other.owner, u]
    return None


def one_plus(f: Operation) -> SSAValue | None:
    """``1 + f`` (an Add using ``f``'s result only), else None."""
    a = only_user(f.results[0])
    ab = plain_binary(a, E.AddOp)
    if ab is None or not is_const(other_operand(a, f.results[0]), 1.0):
        return None
    return a.output


def replace_with_gelu(rewriter: PatternRewriter, x: SSAValue, chain: list[Operation], mode: str | None) -> None:
    """Replace the final op of ``chain`` by ``GELU(x)`` and erase the rest of ``chain``."""
    final = chain[-1]
    props = {"approx_mode": mode} if mode else None
    gelu = new_op(rewriter, E.GELUOp, [x], props, name_of(final), before=final)
    rewriter.replace(final, [], [gelu.output])
    for op in sorted(chain[:-1], key=lambda o: o.parent_block().get_operation_index(o), reverse=True):
        rewriter.erase(op)


def finish(rewriter: PatternRewriter, x: SSAValue, f: Operation, inner: list[Operation], mode: str | None) -> None:
    """Match ``x * 0.5 * (1 + f)`` after ``inner`` (the ops computing ``f``'s argument)."""
    if not is_float(dtype_of(x)):
        return
    a = one_plus(f)
    if a is None:
        return
    tail = outer(a, x)
    if tail is None or tail[-1].results[0].type != x.type:
        return
    replace_with_gelu(rewriter, x, [*inner, f, a.owner, *tail], mode)


class GeluErfFusion(RewritePattern):
    """``x * 0.5 * (1 + Erf(x / sqrt 2)) -> GELU(x)``."""

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: E.ErfOp, rewriter: PatternRewriter) -> None:
        arg = op.input
        if not arg.has_one_use():
            return
        div = plain_binary(arg.owner, E.DivOp)
        if div is not None and is_const(div[1], SQRT2):
            x = div[0]
        else:
            x = times_const(arg, 1.0 / SQRT2)
        if x is None:
            return
        finish(rewriter, x, op, [arg.owner], None)


def cube_ops(value: SSAValue, x: SSAValue) -> list[Operation] | None:
    """The ops of ``value = x^3`` (``Pow(x, 3)``, ``(x * x) * x`` or ``x * (x * x)``), or None."""
    owner = value.owner
    if isinstance(owner, E.PowOp):
        return [owner] if owner.lhs is x and scalar(owner.rhs) == 3.0 else None
    ab = plain_binary(owner, E.MulOp)
    if ab is None:
        return None
    for sq, other in ((ab[0], ab[1]), (ab[1], ab[0])):
        inner = plain_binary(sq.owner, E.MulOp)
        if other is x and inner is not None and inner[0] is x and inner[1] is x and sq.has_one_use():
            return [sq.owner, owner]
    return None


class GeluTanhFusion(RewritePattern):
    """``x * 0.5 * (1 + Tanh(sqrt(2/pi) (x + 0.044715 x^3))) -> GELU(x) {approx_mode = "tanh"}``."""

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: E.TanhOp, rewriter: PatternRewriter) -> None:
        arg = op.input
        inner = times_const(arg, TANH_SCALE)
        if inner is None or not arg.has_one_use() or not inner.has_one_use():
            return
        add = plain_binary(inner.owner, E.AddOp)
        if add is None:
            return
        for x, term in ((add[0], add[1]), (add[1], add[0])):
            cube = times_const(term, TANH_CUBIC)
            if cube is None or not term.has_one_use() or not cube.has_one_use():
                continue
            ops = cube_ops(cube, x)
            if ops is None:
                continue
            finish(rewriter, x, op, [*ops, term.owner, inner.owner, arg.owner], "tanh")
            return


PATTERNS = [(E.ErfOp, GeluErfFusion()), (E.TanhOp, GeluTanhFusion())]
