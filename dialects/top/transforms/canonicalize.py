"""``top-canonicalize``: apply the Top canonicalization patterns to a fixpoint.

Patterns are indexed by the op type they are rooted at (``dialects/top/canonicalize``), so each
op only meets its own patterns. Counts of fired patterns go to
``tpuc.dialects.top.canonicalize.STATS`` (printed by ``--pattern-stats``). Weight-reading
rewrites (constant folding, bias reshapes, permuted weights) need the module's weight store; without
one they do not fire. Dead ops are removed afterwards.
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.ir import Operation
from xdsl.passes import ModulePass
from xdsl.pattern_rewriter import PatternRewriter, PatternRewriteWalker, RewritePattern

from tpuc.dialects.top.canonicalize import STATS, patterns_by_op
from tpuc.dialects.top.transforms.dce import TopDCEPass


class TopPatternApplier(RewritePattern):
    """Try the patterns registered for ``type(op)`` in order; count the one that fires."""

    def __init__(self, disabled: frozenset[str] = frozenset()):
        known = {type(p).__name__ for v in patterns_by_op().values() for p in v}
        unknown = sorted(disabled - known)
        if unknown:
            from tpuc.compiler.errors import CompileError

            raise CompileError(f"top-canonicalize: unknown pattern(s) to disable: {', '.join(unknown)} "
                               f"(known: {', '.join(sorted(known))})")
        self.table = {k: [p for p in v if type(p).__name__ not in disabled] for k, v in patterns_by_op().items()}

    def match_and_rewrite(self, op: Operation, rewriter: PatternRewriter) -> None:
        for pattern in self.table.get(type(op), ()):
            pattern.match_and_rewrite(op, rewriter)
            if rewriter.has_done_action:
                STATS[type(pattern).__name__] += 1
                return


@dataclass(frozen=True)
class TopCanonicalizePass(ModulePass):
    """Canonicalize Top: constant folding, the seed rewrites, MatmulWithPermuteAndSplit,
    hdim_is_batch and Permute sinking/absorption; ``disable`` names patterns to skip."""

    name = "top-canonicalize"
    disable: tuple[str, ...] = ()

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        applier = TopPatternApplier(frozenset(self.disable))
        PatternRewriteWalker(applier, apply_recursively=True).rewrite_module(op)
        TopDCEPass().apply(ctx, op)
