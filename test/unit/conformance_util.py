"""ONNX's single-node conformance cases for the per-family importer tests.

``single_node_cases(op_types)`` collects them; ``compile_and_run(case, inputs, const_inputs)``
freezes the inputs tpuc needs constant (shapes, axes, pads, ...) into initializers, caps the
opset at 21 (later versions of these ops only add types), imports, verifies and runs the Top
interpreter. (The whole suite, all op types, runs through ``tpuc.compiler.onnx_backend``.)
"""

from __future__ import annotations

import warnings

import numpy as np
import onnx
from onnx import numpy_helper

from tpuc.dialects.top import interpreter
from tpuc.lowering.onnx_to_top.importer import import_model


def single_node_cases(op_types) -> dict:
    from onnx.backend.test.case.node import collect_testcases

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cases = collect_testcases()
    return {c.name: c for c in cases if len(c.model.graph.node) == 1 and c.model.graph.node[0].op_type in op_types}


def freeze_inputs(case, inputs, const_inputs: dict[str, set[int]]):
    """The case's model with the inputs at ``const_inputs[op_type]`` as initializers, opset <= 21."""
    model = onnx.ModelProto()
    model.CopyFrom(case.model)
    for imp in model.opset_import:
        if imp.domain in ("", "ai.onnx") and imp.version > 21:
            imp.version = 21
    node = model.graph.node[0]
    frozen = {node.input[i] for i in const_inputs.get(node.op_type, ()) if i < len(node.input) and node.input[i]}
    keep, feeds = [], []
    for vi, val in zip(list(model.graph.input), inputs):
        if vi.name in frozen:
            model.graph.initializer.append(numpy_helper.from_array(np.asarray(val), vi.name))
        else:
            keep.append(vi)
            feeds.append(np.asarray(val))
    del model.graph.input[:]
    model.graph.input.extend(keep)
    return model, feeds


def compile_and_run(case, inputs, const_inputs: dict[str, set[int]]) -> list[np.ndarray]:
    """Import the frozen case, verify it and run the Top interpreter on the remaining inputs."""
    model, feeds = freeze_inputs(case, inputs, const_inputs)
    module, store = import_model(model, [list(f.shape) for f in feeds])
    module.verify()
    return interpreter.run(module, store, feeds)
