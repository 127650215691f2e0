"""onnxruntime as the reference: run a model exposing chosen intermediate tensors."""

from __future__ import annotations

import numpy as np
import onnx

from tpuc.compiler.errors import CompileError


def run_onnxruntime(model: onnx.ModelProto, inputs: dict[str, np.ndarray], expose: set[str]) -> dict[str, np.ndarray]:
    """Run ``model`` on CPU; return the graph outputs and every tensor of ``expose`` it computes."""
    import onnxruntime as ort

    m = onnx.ModelProto()
    m.CopyFrom(model)
    have = {o.name for o in m.graph.output}
    produced = {o for n in m.graph.node for o in n.output if o}
    for name in sorted((expose & produced) - have):
        m.graph.output.append(onnx.ValueInfoProto(name=name))
    if m.ir_version > 10:
        m.ir_version = 10  # what onnxruntime 1.2x reads; our models use nothing newer
    opts = ort.SessionOptions()
    opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
    opts.log_severity_level = 4
    try:
        sess = ort.InferenceSession(m.SerializeToString(), opts, providers=["CPUExecutionProvider"])
        names = [o.name for o in sess.get_outputs()]
        feeds = {i.name: inputs[i.name] for i in sess.get_inputs()}
        values = sess.run(names, feeds)
    except Exception as e:
        raise CompileError(f"onnxruntime cannot run the model: {' '.join(str(e).split())[:300]}") from None
    return dict(zip(names, values))
