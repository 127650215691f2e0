"""Tile sinking (the seed's "move Tile later": ``x -> Tile -> Mul -> Add`` becomes
``x -> Mul -> Add -> Tile``, so the elementwise work runs on the small tensor).

``TileSinkThroughElementwise``, rooted at the elementwise op, requires the Tile single-use and no
zero repeat, and then:

* unary (every ``top`` unary elementwise op, Cast, Not, IsNaN...): ``U(Tile(x, t)) -> Tile(U(x), t)``;
* binary (Add, Sub, Mul, Div, Max, Min, Mod, Compare with two inputs):
  ``op(Tile(x, t), Tile(y, t)) -> Tile(op(x, y), t)`` when ``x`` and ``y`` have the same shape;
  ``op(Tile(x, t), w) -> Tile(op(x, w'), t)`` (either operand order) when ``w`` "does not depend
  on the tiled axes" and does not broadcast the result beyond the Tile's output: on every axis
  with ``t > 1`` (right-aligned), ``w`` has size 1 (then ``w' = w``, any value), or has the full
  tiled size, is a weight and repeats with period ``x.shape[axis]`` (then ``w'`` is its first
  period, a new weight ``<w>_untiled``).

The new elementwise op is ``<op>_before_tile``; the Tile takes the op's name. Sinking through a
chain repeats this op by op.
"""

from __future__ import annotations

import numpy as np
from xdsl.ir import SSAValue
from xdsl.pattern_rewriter import PatternRewriter, RewritePattern

from tpuc.dialects.top import all_ops
from tpuc.dialects.top.base import TopOp, broadcast_shapes, name_of, shape_of
from tpuc.dialects.top.canonicalize.common import new_op, new_weight, single_use, weight_value
from tpuc.dialects.top.ops import elementwise as E
from tpuc.dialects.top.ops.shape import TileOp


def _tile_of(v: SSAValue) -> TileOp | None:
    op = v.owner
    if isinstance(op, TileOp) and single_use(v) and all(t > 0 for t in op.p("tile")):
        return op
    return None


def _untile(rewriter: PatternRewriter, anchor: TopOp, tile: TileOp, w: SSAValue) -> SSAValue | None:
    """``w'`` with ``Tile(op(x, w'))`` equal to ``op(Tile(x), w)``, or None."""
    out = shape_of(tile.output)
    ws = shape_of(w)
    try:
        if broadcast_shapes(out, ws) != out:
            return None
    except Exception:  # noqa: BLE001 -- VerifyException: does not broadcast
        return None
    x_shape = shape_of(tile.input)
    reps = tile.p("tile")
    rank = len(out)
    padded = (1,) * (rank - len(ws)) + ws
    full_axes = [a for a in range(rank) if reps[a] > 1 and padded[a] != 1]
    if not full_axes:
        return w
    data = weight_value(w)
    if data is None:
        return None
    data = data.reshape(padded)
    first = data[tuple(slice(0, x_shape[a]) if a in full_axes else slice(None) for a in range(rank))]
    if not np.array_equal(np.tile(first, [reps[a] if a in full_axes else 1 for a in range(rank)]), data,
                          equal_nan=np.issubdtype(data.dtype, np.floating)):
        return None
    first = first.reshape(first.shape[rank - len(ws):]) if len(ws) < rank else first
    return new_weight(rewriter, anchor, f"{name_of(w.owner)}_untiled", first)


class TileSinkThroughElementwise(RewritePattern):
    """``op(Tile(x, t), ...) -> Tile(op(x, ...), t)`` for elementwise ``op``."""

    def match_and_rewrite(self, op: TopOp, rewriter: PatternRewriter) -> None:
        operands = list(op.operands)
        name = name_of(op)
        props = dict(op.properties)
        if len(operands) == 1:
            tile = _tile_of(operands[0])
            if tile is None:
                return
            new_operands = [tile.input]
        elif len(operands) == 2:
            ta, tb = _tile_of(operands[0]), _tile_of(operands[1])
            if ta is not None and tb is not None:
                if ta.p("tile") != tb.p("tile") or shape_of(ta.input) != shape_of(tb.input):
                    return
                tile, new_operands = ta, [ta.input, tb.input]
            elif ta is not None or tb is not None:
                tile = ta or tb
                other = operands[1] if ta is not None else operands[0]
                w = _untile(rewriter, op, tile, other)
                if w is None:
                    return
                new_operands = [tile.input, w] if ta is not None else [w, tile.input]
            else:
                return
        else:
            return
        inner = new_op(rewriter, type(op), new_operands, props, f"{name}_before_tile")
        outer = new_op(rewriter, TileOp, [inner.results[0]], {"tile": tile.p("tile")}, name)
        rewriter.replace(op, [], [outer.output])
        for t in {o.owner: None for o in operands}:
            if isinstance(t, TileOp) and not t.output.uses:
                rewriter.erase(t)


_UNARY = [c for c in all_ops() if issubclass(c, E._Unary)] + [E.CastOp]  # noqa: SLF001
_BINARY = [E.AddOp, E.SubOp, E.MulOp, E.DivOp, E.MaxOp, E.MinOp, E.ModOp, E.CompareOp]
_SINK = TileSinkThroughElementwise()
PATTERNS = [(c, _SINK) for c in _UNARY + _BINARY]
