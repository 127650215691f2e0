# The Top -> ONNX export of a small attention-like model, node by node: the bias Add stays one
# Add after its MatMul (3-D input; the MatMul is named after it, as Top fused them), the zero Pad
# leaves no node, the qkv Transpose -> Split -> Squeeze x3 becomes one Gather per branch, K's
# Transpose stays next to the MatMul (standard ONNX MatMul has no transpose flags), the opset-20
# Gelu becomes its opset-17 Erf form, and a 2-D MatMul with bias is one Gemm. Every node that
# computes an original tensor keeps the original node's name; graph inputs and outputs keep theirs.
# (Through the Python API: `%python %s export` calls tpuc.compiler.export_onnx.export_file.)
# RUN: rm -rf %t && mkdir -p %t && %python %s %t
# RUN: %python %s export %t/attn.onnx %t/out.onnx | filecheck %s

# CHECK:      opset 17, inputs x:[2, 4, 6] x2:[2, 5], outputs y:[2, 2, 4, 4] head:[2, 3]
# CHECK-NEXT: MatMul  'lin/MatMul'  x, w_qkv -> lin_product
# CHECK-NEXT: Add  'lin'  lin_product, b_qkv -> lin_out
# CHECK-NEXT: Reshape  'split_heads'  lin_out, split_heads_out_shape -> split_heads_out
# CHECK-NEXT: Transpose  'to_qkv'  split_heads_out -> qkv {perm=[2, 0, 3, 1, 4]}
# CHECK-NEXT: Gather  'squeeze_q'  qkv, squeeze_q_index -> q {axis=0}
# CHECK-NEXT: Gather  'squeeze_k'  qkv, squeeze_k_index -> k {axis=0}
# CHECK-NEXT: Gather  'squeeze_v'  qkv, squeeze_v_index -> v {axis=0}
# CHECK-NEXT: Transpose  'k_t'  k -> kt {perm=[0, 1, 3, 2]}
# CHECK-NEXT: MatMul  'scores'  q, kt -> s
# CHECK-NEXT: Div  'act/Div'  s, act_sqrt2 -> act_scaled
# CHECK-NEXT: Erf  'act/Erf'  act_scaled -> act_erf
# CHECK-NEXT: Add  'act/Add'  act_erf, act_one -> act_one_plus
# CHECK-NEXT: Mul  'act/Mul'  s, act_one_plus -> act_x_times
# CHECK-NEXT: Mul  'act'  act_x_times, act_half -> a
# CHECK-NEXT: MatMul  'attn_v'  a, v -> y
# CHECK-NEXT: Gemm  'head'  x2, w_head, b_head -> head
# CHECK-NOT:  {{.}}

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "Inputs"))
import numpy as np  # noqa: E402

if len(sys.argv) == 4 and sys.argv[1] == "export":
    import onnx

    from tpuc.compiler.export_onnx import export_file

    m = export_file(sys.argv[2], sys.argv[3])
    onnx.checker.check_model(onnx.load(sys.argv[3]), full_check=True)

    def dims(vi):
        return [d.dim_value for d in vi.type.tensor_type.shape.dim]

    print(f"opset {m.opset_import[0].version}, inputs "
          + " ".join(f"{i.name}:{dims(i)}" for i in m.graph.input) + ", outputs "
          + " ".join(f"{o.name}:{dims(o)}" for o in m.graph.output))
    for n in m.graph.node:
        attrs = {a.name: onnx.helper.get_attribute_value(a) for a in n.attribute}
        tail = (" {" + ", ".join(f"{k}={v}" for k, v in attrs.items()) + "}") if attrs else ""
        print(f"{n.op_type}  '{n.name}'  {', '.join(n.input)} -> {', '.join(n.output)}{tail}")
    sys.exit(0)

from onnx_builder import F32, main, model, node  # noqa: E402

rng = np.random.default_rng(0)
D, H = 6, 2
main({"attn": model([
    node("MatMul", ["x", "w_qkv"], ["mm_out"], name="mm"),
    node("Add", ["mm_out", "b_qkv"], ["lin_out"], name="lin"),
    node("Pad", ["lin_out", "no_pads"], ["padded"], name="pad0"),
    node("Reshape", ["padded", "heads_shape"], ["split_heads_out"], name="split_heads"),
    node("Transpose", ["split_heads_out"], ["qkv"], name="to_qkv", perm=[2, 0, 3, 1, 4]),
    node("Split", ["qkv", "ones3"], ["q5", "k5", "v5"], name="split_qkv", axis=0),
    node("Squeeze", ["q5", "zero"], ["q"], name="squeeze_q"),
    node("Squeeze", ["k5", "zero"], ["k"], name="squeeze_k"),
    node("Squeeze", ["v5", "zero"], ["v"], name="squeeze_v"),
    node("Transpose", ["k"], ["kt"], name="k_t", perm=[0, 1, 3, 2]),
    node("MatMul", ["q", "kt"], ["s"], name="scores"),
    node("Gelu", ["s"], ["a"], name="act"),
    node("MatMul", ["a", "v"], ["y"], name="attn_v"),
    node("Gemm", ["x2", "w_head", "b_head"], ["head"], name="head"),
], inputs=[("x", F32, [2, 4, D]), ("x2", F32, [2, 5])], outputs=["y", "head"], opset=20, inits={
    "w_qkv": rng.standard_normal((D, 3 * 4 * H)).astype(np.float32),
    "b_qkv": rng.standard_normal(3 * 4 * H).astype(np.float32),
    "no_pads": np.zeros(6, np.int64),
    "heads_shape": np.array([2, 4, 3, H, 4], np.int64),
    "ones3": np.ones(3, np.int64),
    "zero": np.zeros(1, np.int64),
    "w_head": rng.standard_normal((5, 3)).astype(np.float32),
    "b_head": rng.standard_normal(3).astype(np.float32),
})})
