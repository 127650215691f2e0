"""The Top reference interpreter (numpy).

Runs ``func.func @main`` of a Top module op by op with each op's ``compute`` (its reference
semantics). It can report every named tensor as it is produced (``on_tensor(name, value)``), so
callers can compare or save tensors in a streaming way instead of holding all of them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np
from xdsl.dialects import func
from xdsl.dialects.builtin import ModuleOp
from xdsl.ir import SSAValue

from tpuc.compiler.errors import CompileError
from tpuc.compiler.weights import WeightStore
from tpuc.dialects.top.base import TopOp, dtype_of, name_of, result_names, shape_of
from tpuc.dialects.top.ops.core import InputOp, WeightOp


def main_func(module: ModuleOp) -> func.FuncOp:
    for op in module.ops:
        if isinstance(op, func.FuncOp) and op.sym_name.data == "main":
            return op
    raise CompileError("module has no func.func @main")


def input_specs(module: ModuleOp) -> list[tuple[str, tuple[int, ...], np.dtype]]:
    """``(name, shape, dtype)`` of each graph input, in argument order."""
    fn = main_func(module)
    names = {}
    for op in fn.body.block.ops:
        if isinstance(op, InputOp):
            names[op.input] = name_of(op)
    return [(names.get(a, f"arg{i}"), shape_of(a), dtype_of(a)) for i, a in enumerate(fn.args)]


def output_names(module: ModuleOp) -> list[str]:
    fn = main_func(module)
    ret = fn.body.block.last_op
    names = []
    for v in ret.operands:
        owner = v.owner
        rn = result_names(owner) if not isinstance(owner, type(fn.body.block)) else []
        names.append(rn[v.index] if len(rn) > getattr(v, "index", 0) else "")
    return names


def stored_weight(op: WeightOp, store: WeightStore) -> np.ndarray:
    """The value of a ``top.Weight``; npz cannot name bfloat16, so bf16 weights are stored as
    their 2-byte patterns and viewed back here."""
    value = store[name_of(op)]
    want = dtype_of(op.output)
    if value.dtype != want and value.dtype.itemsize == want.itemsize and value.dtype.kind in "uV":
        value = value.view(want)
    if value.dtype != want or tuple(value.shape) != shape_of(op.output):
        raise CompileError(f"weight '{name_of(op)}' in the weight file is {value.dtype}{list(value.shape)}, "
                           f"the IR declares {want}{list(shape_of(op.output))}")
    return value


def run(module: ModuleOp, store: WeightStore, inputs: Sequence[np.ndarray] | Mapping[str, np.ndarray],
        on_tensor: Callable[[str, np.ndarray], None] | None = None) -> list[np.ndarray]:
    """Execute ``@main``; returns the outputs and streams ``(name, value)`` of every named op."""
    fn = main_func(module)
    specs = input_specs(module)
    if isinstance(inputs, Mapping):
        missing = [n for n, _, _ in specs if n not in inputs]
        if missing:
            raise CompileError(f"test input has no tensor named {', '.join(map(repr, missing))}")
        inputs = [inputs[n] for n, _, _ in specs]
    if len(inputs) != len(specs):
        raise CompileError(f"model takes {len(specs)} inputs, got {len(inputs)}")
    env: dict[SSAValue, np.ndarray | None] = {}
    for (name, shape, dtype), arg, x in zip(specs, fn.args, inputs):
        x = np.asarray(x)
        if tuple(x.shape) != shape:
            raise CompileError(f"input '{name}' has shape {list(x.shape)}, the model expects {list(shape)}")
        env[arg] = x.astype(dtype, copy=False)

    # Free each value after its last use so peak memory stays the live set.
    block = fn.body.block
    ops = list(block.ops)
    last_use: dict[SSAValue, int] = {}
    for i, op in enumerate(ops):
        for v in op.operands:
            last_use[v] = i
    outputs: list[np.ndarray] = []
    for i, op in enumerate(ops):
        if isinstance(op, func.ReturnOp):
            outputs = [env[v] for v in op.operands]
            break
        if isinstance(op, WeightOp):
            results = [stored_weight(op, store)]
        elif isinstance(op, TopOp):
            args = [env[v] for v in op.operands]
            try:
                results = op.compute(args)
            except CompileError:
                raise
            except Exception as e:  # an interpreter bug or an unsupported corner: say which op
                raise RuntimeError(f"interpreting {op.name} '{name_of(op)}' failed: {e}") from e
        else:
            raise CompileError(f"the Top interpreter cannot run '{op.name}'")
        for r, val in zip(op.results, results, strict=True):
            env[r] = val
        if on_tensor is not None and not isinstance(op, WeightOp):
            for name, val in zip(result_names(op), results):
                if name and val is not None:
                    on_tensor(name, val)
        for v in op.operands:
            if last_use.get(v) == i:
                env.pop(v, None)
    return outputs
