// top-slice-to-conv (opt-in pass, dialects/top/transforms/slice_to_conv.py): SliceToDepthwiseConv
// turns yolov5 Focus's strided spatial Slices into depthwise one-hot Convs (group = C, stride =
// step, kernel max(o + 1, S - n s + 1) <= step; the kernel is a new weight <name>_onehot, the Conv
// takes the Slice's name). top-canonicalize never does it. Not for a channel/batch slice, a
// window wider than the stride (an offset >= step, or a slice ending early: 0:5:2 of 8 would
// need a 3-wide window), a negative step, a trim without stride, or without the store.
// (The %python wrapper registers the pass until compiler/passes.py lists it.)
// RUN: mkdir -p %t && %python -c "import numpy as np; np.savez('%t/focus_w.npz', unused=np.zeros(1, np.float32))" && cp %s %t/focus.mlir
// RUN: %python -c "import sys; from tpuc.compiler import passes; from tpuc.dialects.top.transforms.slice_to_conv import TopSliceToConvPass; passes.PASSES.setdefault('top-slice-to-conv', lambda: TopSliceToConvPass); from tpuc.tools.tpuc import main; sys.exit(main(sys.argv[1:]))" opt %t/focus.mlir -p top-slice-to-conv --split-input-file -o %t/out.mlir && filecheck %s < %t/out.mlir
// RUN: tpuc-opt %t/focus.mlir -p top-canonicalize --split-input-file | filecheck %s --check-prefix=CANON
// Without the weight file the kernels cannot be created: nothing changes.
// RUN: %python -c "import sys; from tpuc.compiler import passes; from tpuc.dialects.top.transforms.slice_to_conv import TopSliceToConvPass; passes.PASSES.setdefault('top-slice-to-conv', lambda: TopSliceToConvPass); from tpuc.tools.tpuc import main; sys.exit(main(sys.argv[1:]))" opt %s -p top-slice-to-conv --split-input-file | filecheck %s --check-prefix=NOSTORE
// The one-hot kernel of the last Slice of @focus (offsets 1, 1 in a 2x2 window, 3 channels):
// RUN: %python %S/../../../Inputs/npz_dump.py %t/out_weight.npz | filecheck %s --check-prefix=NPZ
// NPZ: s3_onehot: shape=[3, 1, 2, 2] dtype=float32 values=[0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0]

// CHECK-LABEL: func.func @refused
// CHECK-COUNT-5: top.Slice
// CHECK-NOT:   top.Conv
// CANON-LABEL: func.func @refused
module attributes {module.weight_file = "focus_w.npz"} {
  func.func @refused(%arg0: tensor<1x3x8x6xf32>) -> (tensor<1x3x7x6xf32>, tensor<1x2x4x3xf32>, tensor<1x3x3x3xf32>, tensor<1x3x4x3xf32>, tensor<1x3x3x3xf32>) {
    %0 = top.Input(%arg0) : (tensor<1x3x8x6xf32>) -> tensor<1x3x8x6xf32> loc("x")
    %1 = top.Slice(%0) {offset = array<i64: 0, 0, 1, 0>, ends = array<i64: 1, 3, 8, 6>, steps = array<i64: 1, 1, 1, 1>} : (tensor<1x3x8x6xf32>) -> tensor<1x3x7x6xf32> loc("trim")
    %2 = top.Slice(%0) {offset = array<i64: 0, 1, 0, 0>, ends = array<i64: 1, 3, 8, 6>, steps = array<i64: 1, 1, 2, 2>} : (tensor<1x3x8x6xf32>) -> tensor<1x2x4x3xf32> loc("channels")
    %3 = top.Slice(%0) {offset = array<i64: 0, 0, 2, 0>, ends = array<i64: 1, 3, 8, 6>, steps = array<i64: 1, 1, 2, 2>} : (tensor<1x3x8x6xf32>) -> tensor<1x3x3x3xf32> loc("wide")
    %4 = top.Slice(%0) {offset = array<i64: 0, 0, 7, 0>, ends = array<i64: 1, 3, -1, 6>, steps = array<i64: 1, 1, -2, 2>} : (tensor<1x3x8x6xf32>) -> tensor<1x3x4x3xf32> loc("reversed")
    %5 = top.Slice(%0) {offset = array<i64: 0, 0, 0, 0>, ends = array<i64: 1, 3, 5, 6>, steps = array<i64: 1, 1, 2, 2>} : (tensor<1x3x8x6xf32>) -> tensor<1x3x3x3xf32> loc("short")
    func.return %1, %2, %3, %4, %5 : tensor<1x3x7x6xf32>, tensor<1x2x4x3xf32>, tensor<1x3x3x3xf32>, tensor<1x3x4x3xf32>, tensor<1x3x3x3xf32>
  }
}

// -----
// x[..., ::2, ::2], x[..., 1::2, ::2], x[..., ::2, 1::2], x[..., 1::2, 1::2] then Concat.
// CHECK-LABEL: func.func @focus
// CHECK-NEXT:  %[[X:.*]] = top.Input
// CHECK-NEXT:  %[[W0:.*]] = top.Weight() : () -> tensor<3x1x1x1xf32> loc("s0_onehot")
// CHECK-NEXT:  %[[N:.*]] = top.None
// CHECK-NEXT:  %[[C0:.*]] = top.Conv(%[[X]], %[[W0]], %[[N]]) {kernel_shape = array<i64: 1, 1>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 3 : i64} : (tensor<1x3x8x6xf32>, tensor<3x1x1x1xf32>, none) -> tensor<1x3x4x3xf32> loc("s0")
// CHECK:       top.Conv({{.*}}) {kernel_shape = array<i64: 2, 1>, {{.*}} loc("s1")
// CHECK:       top.Conv({{.*}}) {kernel_shape = array<i64: 1, 2>, {{.*}} loc("s2")
// CHECK:       %[[C3:.*]] = top.Conv({{.*}}) {kernel_shape = array<i64: 2, 2>, {{.*}} -> tensor<1x3x4x3xf32> loc("s3")
// CHECK-NEXT:  top.Concat(%[[C0]], %{{.*}}, %{{.*}}, %[[C3]]) {axis = 1 : i64} {{.*}} loc("focus")
// CHECK-NOT:   top.Slice
// NOSTORE-LABEL: func.func @focus
// NOSTORE-COUNT-4: top.Slice
// NOSTORE-NOT:   top.Conv
// CANON-LABEL: func.func @focus
// CANON-COUNT-4: top.Slice
// CANON-NOT:   top.Conv
module attributes {module.weight_file = "focus_w.npz"} {
  func.func @focus(%arg0: tensor<1x3x8x6xf32>) -> tensor<1x12x4x3xf32> {
    %0 = top.Input(%arg0) : (tensor<1x3x8x6xf32>) -> tensor<1x3x8x6xf32> loc("x")
    %1 = top.Slice(%0) {offset = array<i64: 0, 0, 0, 0>, ends = array<i64: 1, 3, 8, 6>, steps = array<i64: 1, 1, 2, 2>} : (tensor<1x3x8x6xf32>) -> tensor<1x3x4x3xf32> loc("s0")
    %2 = top.Slice(%0) {offset = array<i64: 0, 0, 1, 0>, ends = array<i64: 1, 3, 8, 6>, steps = array<i64: 1, 1, 2, 2>} : (tensor<1x3x8x6xf32>) -> tensor<1x3x4x3xf32> loc("s1")
    %3 = top.Slice(%0) {offset = array<i64: 0, 0, 0, 1>, ends = array<i64: 1, 3, 8, 6>, steps = array<i64: 1, 1, 2, 2>} : (tensor<1x3x8x6xf32>) -> tensor<1x3x4x3xf32> loc("s2")
    %4 = top.Slice(%0) {offset = array<i64: 0, 0, 1, 1>, ends = array<i64: 1, 3, 8, 6>, steps = array<i64: 1, 1, 2, 2>} : (tensor<1x3x8x6xf32>) -> tensor<1x3x4x3xf32> loc("s3")
    %5 = top.Concat(%1, %2, %3, %4) {axis = 1 : i64} : (tensor<1x3x4x3xf32>, tensor<1x3x4x3xf32>, tensor<1x3x4x3xf32>, tensor<1x3x4x3xf32>) -> tensor<1x12x4x3xf32> loc("focus")
    func.return %5 : tensor<1x12x4x3xf32>
  }
}
