"""Build the bundled example: one Swin-T window-attention block, written with ``onnx.helper``.

Shaped like the seed article's block and timm's export of it (stage 1 of Swin-T: 64 windows of
7x7 tokens, C=96, 3 heads of 32): LayerNorm -> qkv MatMul+Add -> Reshape [B_,N,3,heads,d] ->
Transpose(2,0,3,1,4) -> Split(axis 0) -> Squeeze x3 -> q*scale -> q @ Transpose(k) ->
+ relative position bias -> Softmax -> @ v -> Transpose(0,2,1,3) -> Reshape -> proj MatMul+Add ->
residual Add -> LayerNorm -> MLP (MatMul, GELU via Erf, MatMul) -> residual Add.

Usage: ``python examples/swin_block.py OUT.onnx`` (weights are seeded random, seed 0).
"""

from __future__ import annotations

import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

WINDOWS, TOKENS, DIM, HEADS = 64, 49, 96, 3


def build(windows: int = WINDOWS, tokens: int = TOKENS, dim: int = DIM, heads: int = HEADS) -> onnx.ModelProto:
    rng = np.random.default_rng(0)
    hd = dim // heads
    inits: list[onnx.TensorProto] = []

    def w(name, shape, scale=None):
        scale = scale if scale is not None else 1.0 / np.sqrt(shape[0])
        inits.append(numpy_helper.from_array((rng.standard_normal(shape) * scale).astype(np.float32), name))
        return name

    def c(name, value):
        inits.append(numpy_helper.from_array(np.asarray(value), name))
        return name

    n = helper.make_node
    nodes = [
        n("LayerNormalization", ["x", w("norm1.weight", [dim], 0.1), w("norm1.bias", [dim], 0.1)], ["ln1"],
          name="norm1", axis=-1, epsilon=1e-5),
        n("MatMul", ["ln1", w("attn.qkv.weight", [dim, 3 * dim])], ["qkv_mm"], name="attn.qkv.MatMul"),
        n("Add", ["qkv_mm", w("attn.qkv.bias", [3 * dim], 0.02)], ["qkv"], name="attn.qkv.Add"),
        n("Reshape", ["qkv", c("qkv_shape", np.array([windows, tokens, 3, heads, hd], np.int64))], ["qkv_r"],
          name="attn.Reshape"),
        n("Transpose", ["qkv_r"], ["qkv_t"], name="attn.Transpose", perm=[2, 0, 3, 1, 4]),
        n("Split", ["qkv_t", c("split", np.array([1, 1, 1], np.int64))], ["q_s", "k_s", "v_s"], name="attn.Split",
          axis=0),
        n("Squeeze", ["q_s", c("ax0", np.array([0], np.int64))], ["q"], name="attn.Squeeze_q"),
        n("Squeeze", ["k_s", "ax0"], ["k"], name="attn.Squeeze_k"),
        n("Squeeze", ["v_s", "ax0"], ["v"], name="attn.Squeeze_v"),
        n("Mul", ["q", c("scale", np.array(hd ** -0.5, np.float32))], ["q_scaled"], name="attn.Mul"),
        n("Transpose", ["k"], ["k_t"], name="attn.Transpose_k", perm=[0, 1, 3, 2]),
        n("MatMul", ["q_scaled", "k_t"], ["attn_qk"], name="attn.MatMul_qk"),
        n("Add", ["attn_qk", w("attn.relative_position_bias", [1, heads, tokens, tokens], 0.5)], ["attn_b"],
          name="attn.Add_bias"),
        n("Softmax", ["attn_b"], ["attn_p"], name="attn.Softmax", axis=-1),
        n("MatMul", ["attn_p", "v"], ["attn_v"], name="attn.MatMul_v"),
        n("Transpose", ["attn_v"], ["attn_vt"], name="attn.Transpose_out", perm=[0, 2, 1, 3]),
        n("Reshape", ["attn_vt", c("out_shape", np.array([windows, tokens, dim], np.int64))], ["attn_o"],
          name="attn.Reshape_out"),
        n("MatMul", ["attn_o", w("attn.proj.weight", [dim, dim])], ["proj_mm"], name="attn.proj.MatMul"),
        n("Add", ["proj_mm", w("attn.proj.bias", [dim], 0.02)], ["proj"], name="attn.proj.Add"),
        n("Add", ["x", "proj"], ["res1"], name="residual1"),
        n("LayerNormalization", ["res1", w("norm2.weight", [dim], 0.1), w("norm2.bias", [dim], 0.1)], ["ln2"],
          name="norm2", axis=-1, epsilon=1e-5),
        n("MatMul", ["ln2", w("mlp.fc1.weight", [dim, 4 * dim])], ["fc1_mm"], name="mlp.fc1.MatMul"),
        n("Add", ["fc1_mm", w("mlp.fc1.bias", [4 * dim], 0.02)], ["fc1"], name="mlp.fc1.Add"),
        n("Div", ["fc1", c("sqrt2", np.array(np.sqrt(2.0), np.float32))], ["gelu_div"], name="mlp.gelu.Div"),
        n("Erf", ["gelu_div"], ["gelu_erf"], name="mlp.gelu.Erf"),
        n("Add", ["gelu_erf", c("one", np.array(1.0, np.float32))], ["gelu_add"], name="mlp.gelu.Add"),
        n("Mul", ["fc1", "gelu_add"], ["gelu_mul"], name="mlp.gelu.Mul"),
        n("Mul", ["gelu_mul", c("half", np.array(0.5, np.float32))], ["gelu"], name="mlp.gelu.Mul_half"),
        n("MatMul", ["gelu", w("mlp.fc2.weight", [4 * dim, dim])], ["fc2_mm"], name="mlp.fc2.MatMul"),
        n("Add", ["fc2_mm", w("mlp.fc2.bias", [dim], 0.02)], ["fc2"], name="mlp.fc2.Add"),
        n("Add", ["res1", "fc2"], ["y"], name="residual2"),
    ]
    graph = helper.make_graph(
        nodes, "swin_window_attention_block",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["num_windows", tokens, dim])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["num_windows", tokens, dim])],
        inits,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], ir_version=8,
                              producer_name="tpuc-examples")
    onnx.checker.check_model(model, full_check=True)
    return model


if __name__ == "__main__":
    out = sys.argv[1] if len(sys.argv) > 1 else "swin_block.onnx"
    onnx.save(build(), out)
    print(f"wrote {out}: Swin-T window-attention block, input x [num_windows, {TOKENS}, {DIM}] "
          f"(bind num_windows with --input-shapes [[{WINDOWS},{TOKENS},{DIM}]])")
