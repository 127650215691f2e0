"""Shared helper of the lit tests: build small ONNX models with ``onnx.helper`` (ir_version 8).

A test file is its own model builder. It adds this folder to ``sys.path``, describes each model
and calls :func:`main`, which writes ``<name>.onnx`` into the directory given on the command line
(lit's ``%t``)::

    # RUN: rm -rf %t && mkdir -p %t && %python %s %t
    import os, sys
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "Inputs"))
    from onnx_builder import F32, I64, const, main, model, node

    main({
        "relu": model([node("Relu", ["x"], ["y"], name="r")], inputs=[("x", F32, [2, 3])], outputs=["y"]),
    })

Graph outputs given as bare names get their type from ONNX shape inference (with data
propagation), else from running the model on zeros with ``onnx.reference``; give
``(name, elem_type, shape)`` for a declared type (e.g. a symbolic dim). Initializers are numpy
arrays; :func:`const` builds a ``Constant`` node. Models are checked with ``onnx.checker``
(``full_check``) unless ``check=False`` (the invalid models of the error tests).

The other helpers here: ``npz_dump.py`` (print an npz for FileCheck), ``expect_exit.py`` (require
an exact exit code), ``file_absent.py`` (no output left behind), ``run_pass_unverified.py`` (run
a pipeline on IR that was not verified first).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

F32, F16, I64, I32, I8, U8, BOOL = (TensorProto.FLOAT, TensorProto.FLOAT16, TensorProto.INT64, TensorProto.INT32,
                                    TensorProto.INT8, TensorProto.UINT8, TensorProto.BOOL)
INT64_MAX = np.iinfo(np.int64).max

node = helper.make_node


def const(name: str, value, *, node_name: str | None = None) -> onnx.NodeProto:
    """A ``Constant`` node defining ``name`` as ``value`` (numpy dtype kept)."""
    return helper.make_node("Constant", [], [name], name=node_name or name,
                            value=numpy_helper.from_array(np.asarray(value), name))


def _value_info(spec) -> onnx.ValueInfoProto:
    name, elem, shape = spec
    return helper.make_tensor_value_info(name, elem, shape)


def model(nodes: Sequence[onnx.NodeProto], *, inputs: Iterable, outputs: Iterable, opset: int = 13,
          inits: Mapping[str, np.ndarray] | None = None, graph_name: str = "g",
          check: bool = True) -> onnx.ModelProto:
    """A checked single-graph model. ``inputs``: ``(name, elem_type, shape)``; ``outputs``: names
    (typed by shape inference) or ``(name, elem_type, shape)``; ``inits``: name -> array.
    ``check=False`` skips ``onnx.checker`` (to build the invalid models of the error tests)."""
    inits = dict(inits or {})
    init_protos = [numpy_helper.from_array(np.asarray(v), k) for k, v in inits.items()]
    ins = [_value_info(s) for s in inputs]
    outputs = list(outputs)
    typed = {o[0]: _value_info(o) for o in outputs if not isinstance(o, str)}
    names = [o if isinstance(o, str) else o[0] for o in outputs]
    if len(typed) < len(names):
        probe = helper.make_graph(list(nodes), graph_name, ins, [onnx.ValueInfoProto(name=n) for n in names],
                                  init_protos)
        probe_model = helper.make_model(probe, opset_imports=[helper.make_opsetid("", opset)], ir_version=8)
        inferred = onnx.shape_inference.infer_shapes(probe_model, strict_mode=check, data_prop=True)
        known = {v.name: v for v in list(inferred.graph.value_info) + list(inferred.graph.output)
                 + list(inferred.graph.input)}
        missing = [n for n in names if n not in typed
                   and (n not in known or not known[n].type.tensor_type.HasField("shape"))]
        if missing:  # shape inference stops at data-dependent shapes: run the model on zeros
            values = _evaluate(probe_model, missing)
            for n in missing:
                v = values[n]
                known[n] = helper.make_tensor_value_info(n, helper.np_dtype_to_tensor_dtype(v.dtype), v.shape)
        for n in names:
            typed.setdefault(n, known[n])
    graph = helper.make_graph(list(nodes), graph_name, ins, [typed[n] for n in names], init_protos)
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)], ir_version=8,
                          producer_name="tpuc-lit")
    if check:
        onnx.checker.check_model(m, full_check=True)
    return m


def _evaluate(m: onnx.ModelProto, names: list[str]) -> dict[str, np.ndarray]:
    from onnx.reference import ReferenceEvaluator

    init_names = {i.name for i in m.graph.initializer}
    feeds = {}
    for vi in m.graph.input:
        if vi.name in init_names:
            continue
        tt = vi.type.tensor_type
        feeds[vi.name] = np.zeros([d.dim_value for d in tt.shape.dim], helper.tensor_dtype_to_np_dtype(tt.elem_type))
    outs = ReferenceEvaluator(m).run(names, feeds)
    return {n: np.asarray(v) for n, v in zip(names, outs)}


def main(models: Mapping[str, onnx.ModelProto]) -> None:
    """Write each model as ``<outdir>/<name>.onnx`` (``outdir`` = ``sys.argv[1]``)."""
    if len(sys.argv) != 2:
        raise SystemExit(f"usage: {sys.argv[0]} OUTDIR")
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for name, m in models.items():
        onnx.save(m, os.path.join(out, f"{name}.onnx"))
