// The seed's key_padding_mask subgraph on a real export (test/data/models/mha_encoder.onnx,
// nn.TransformerEncoder with src_key_padding_mask): per layer, Shape -> Slice -> Concat ->
// ConstantOfShape -> Mul -> Equal -> Where computes the shape of the mask's Expand. With static
// dims the importer folds all of it: the Expand gets a constant shape, and the only mask op
// left is the runtime Where(pad_mask, -inf, 0) (it depends on the input). The full transform
// pipeline then folds each layer's q and k scales (Mul by 1/sqrt(sqrt(d))) into the fused
// in_proj weights (ScaleIntoProjection, 2 per layer) and still matches onnxruntime.
// RUN: rm -rf %t && mkdir -p %t
// RUN: %tpuc transform --model-def %S/../../../../data/models/mha_encoder.onnx --mlir %t/imported.mlir --pipeline "" > %t/import.log 2>&1
// RUN: filecheck %s --check-prefixes=MASK,IMPORT < %t/imported.mlir
// RUN: %tpuc transform --model-def %S/../../../../data/models/mha_encoder.onnx --mlir %t/mha.mlir --random-input 0 --pattern-stats > %t/stats.txt 2>&1
// RUN: filecheck %s --check-prefixes=MASK,FULL < %t/mha.mlir
// RUN: filecheck %s --check-prefix=STATS < %t/stats.txt
// RUN: grep -c "top.Mul" %t/imported.mlir | filecheck %s --check-prefix=IMPORT-MULS
// RUN: not grep "top.Mul" %t/mha.mlir
// No trace of the constant mask chain, one Where in each IR:
// RUN: not grep -E "top.Compare|Shape_output|ConstantOfShape|Equal_output|self_attn/Concat|self_attn/Where" %t/imported.mlir %t/mha.mlir
// RUN: grep -c "top.Where" %t/imported.mlir %t/mha.mlir | sed 's/.*://' | filecheck %s --check-prefix=WHERES

// MASK:       %[[PAD:.*]] = top.Input(%{{.*}}) : (tensor<1x20xi1>) -> tensor<1x20xi1> loc("pad_mask")
// MASK:       %[[M:.*]] = top.Where(%[[PAD]], %{{.*}}, %{{.*}}) : (tensor<1x20xi1>, tensor<f32>, tensor<1x20xf32>) -> tensor<1x20xf32> loc("/enc/Where_output_0")
// FULL:       top.MatMul({{.*}}) : (tensor<20x1x64xf32>, tensor<64x192xf32>, tensor<192xf32>) -> tensor<20x1x192xf32> loc("/enc/layers.0/self_attn/Add_output_0_scaled")
// MASK:       top.Expand(%{{.*}}) {shape = array<i64: 1, 4, 1, 20>} : (tensor<1x1x1x20xf32>) -> tensor<1x4x1x20xf32> loc("/enc/layers.0/self_attn/Expand_output_0")
// FULL:       top.MatMul({{.*}}) : (tensor<20x1x64xf32>, tensor<64x192xf32>, tensor<192xf32>) -> tensor<20x1x192xf32> loc("/enc/layers.1/self_attn/Add_output_0_scaled")
// IMPORT:     top.Expand(%{{.*}}) {shape = array<i64: 1, 4, 1, 20>} : (tensor<1x1x1x20xf32>) -> tensor<1x4x1x20xf32> loc("/enc/layers.1/self_attn/Expand_output_0")
// (top-cse merges layer 1's identical mask Reshape/Expand into layer 0's in the full pipeline.)
// FULL-NOT:   loc("/enc/layers.1/self_attn/Expand_output_0")

// IMPORT-MULS: 4
// WHERES: 1
// WHERES-NEXT: 1

// STATS: ScaleIntoProjection 4
// STATS: 0 failed
