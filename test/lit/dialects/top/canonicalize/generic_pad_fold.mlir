// top-canonicalize, pad.py (PadFoldIntoConsumer): a constant Pad of the spatial axes only, with
// non-negative amounts, moves into the pads of the Conv (value 0), AvgPool (value 0; the result
// counts the pads, so the AvgPool must count its own pads already or have none; no ceil_mode) or
// MaxPool (value -inf only; no ceil_mode) that reads it; each consumer keeps its name, and the
// Pad goes once unused. Needs no weight store.
// RUN: tpuc-opt %s -p top-canonicalize --split-input-file | filecheck %s

// One Pad feeding a Conv and an AvgPool (with count_include_pad): both absorb it, the Pad goes.
// CHECK-LABEL: func.func @conv_and_avgpool
// CHECK-NEXT:  %[[X:.*]] = top.Input(%{{.*}}) : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32> loc("x")
// CHECK-NEXT:  %[[W:.*]] = top.Weight() : () -> tensor<3x2x3x3xf32> loc("w")
// CHECK-NEXT:  %[[N:.*]] = top.None() : () -> none loc("none")
// CHECK-NEXT:  %[[C:.*]] = top.Conv(%[[X]], %[[W]], %[[N]]) {kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 1, 3, 2, 1>} : (tensor<1x2x4x4xf32>, tensor<3x2x3x3xf32>, none) -> tensor<1x3x5x6xf32> loc("conv")
// CHECK-NEXT:  %[[A:.*]] = top.AvgPool(%[[X]]) {kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 1, 2, 1, 1>, count_include_pad = true} : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x5xf32> loc("avg")
// CHECK-NEXT:  func.return %[[C]], %[[A]]
func.func @conv_and_avgpool(%arg0: tensor<1x2x4x4xf32>) -> (tensor<1x3x5x6xf32>, tensor<1x2x4x5xf32>) {
  %0 = top.Input(%arg0) : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32> loc("x")
  %1 = top.Pad(%0) {paddings = array<i64: 0, 0, 1, 2, 0, 0, 0, 1>, mode = "constant", val = 0.0 : f64} : (tensor<1x2x4x4xf32>) -> tensor<1x2x5x7xf32> loc("pad")
  %2 = top.Weight() : () -> tensor<3x2x3x3xf32> loc("w")
  %3 = top.None() : () -> none loc("none")
  %4 = top.Conv(%1, %2, %3) {kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 0, 1, 2, 0>} : (tensor<1x2x5x7xf32>, tensor<3x2x3x3xf32>, none) -> tensor<1x3x5x6xf32> loc("conv")
  %5 = top.AvgPool(%1) {kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 1, 0>, count_include_pad = true} : (tensor<1x2x5x7xf32>) -> tensor<1x2x4x5xf32> loc("avg")
  func.return %4, %5 : tensor<1x3x5x6xf32>, tensor<1x2x4x5xf32>
}

// -----
// A -inf Pad into a MaxPool; a 0 Pad into an AvgPool without pads of its own (it gets
// count_include_pad, since the padded zeros were real elements before).
// CHECK-LABEL: func.func @maxpool_and_avgpool_no_pads
// CHECK-NEXT:  %[[X:.*]] = top.Input(%{{.*}}) : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32> loc("x")
// CHECK-NEXT:  %[[M:.*]] = top.MaxPool(%[[X]]) {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>} : (tensor<1x2x4x4xf32>) -> tensor<1x2x3x3xf32> loc("max")
// CHECK-NEXT:  %[[A:.*]] = top.AvgPool(%[[X]]) {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>, count_include_pad = true} : (tensor<1x2x4x4xf32>) -> tensor<1x2x3x3xf32> loc("avg")
// CHECK-NEXT:  func.return %[[M]], %[[A]]
func.func @maxpool_and_avgpool_no_pads(%arg0: tensor<1x2x4x4xf32>) -> (tensor<1x2x3x3xf32>, tensor<1x2x3x3xf32>) {
  %0 = top.Input(%arg0) : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32> loc("x")
  %1 = top.Pad(%0) {paddings = array<i64: 0, 0, 1, 1, 0, 0, 1, 1>, mode = "constant", val = 0xFFF0000000000000 : f64} : (tensor<1x2x4x4xf32>) -> tensor<1x2x6x6xf32> loc("pad_inf")
  %2 = top.MaxPool(%1) {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>} : (tensor<1x2x6x6xf32>) -> tensor<1x2x3x3xf32> loc("max")
  %3 = top.Pad(%0) {paddings = array<i64: 0, 0, 1, 1, 0, 0, 1, 1>, mode = "constant", val = 0.0 : f64} : (tensor<1x2x4x4xf32>) -> tensor<1x2x6x6xf32> loc("pad0")
  %4 = top.AvgPool(%3) {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>} : (tensor<1x2x6x6xf32>) -> tensor<1x2x3x3xf32> loc("avg")
  func.return %2, %4 : tensor<1x2x3x3xf32>, tensor<1x2x3x3xf32>
}

// -----
// Must not fold: a nonzero pad value into a Conv; a 0 pad into a MaxPool (0 could win the max);
// a pad of the channel axis; an AvgPool that does not count its own pads; a reflect Pad; a
// ceil_mode pool; pads that would reach the window size (2 + 1 >= 3 for a 3-wide window).
// CHECK-LABEL: func.func @must_not_fold
// CHECK-COUNT-7: top.Pad
// CHECK-NOT:   top.Pad
func.func @must_not_fold(%arg0: tensor<1x2x4x4xf32>) -> (tensor<1x3x4x4xf32>, tensor<1x2x3x3xf32>, tensor<1x3x4x4xf32>, tensor<1x2x5x5xf32>, tensor<1x3x4x4xf32>, tensor<1x2x3x3xf32>, tensor<1x2x7x7xf32>) {
  %0 = top.Input(%arg0) : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32> loc("x")
  %w = top.Weight() : () -> tensor<3x2x3x3xf32> loc("w")
  %w4 = top.Weight() : () -> tensor<3x4x3x3xf32> loc("w4")
  %n = top.None() : () -> none loc("none")
  %1 = top.Pad(%0) {paddings = array<i64: 0, 0, 1, 1, 0, 0, 1, 1>, mode = "constant", val = 1.0 : f64} : (tensor<1x2x4x4xf32>) -> tensor<1x2x6x6xf32> loc("pad_one")
  %2 = top.Conv(%1, %w, %n) {kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>} : (tensor<1x2x6x6xf32>, tensor<3x2x3x3xf32>, none) -> tensor<1x3x4x4xf32> loc("c1")
  %3 = top.Pad(%0) {paddings = array<i64: 0, 0, 1, 1, 0, 0, 1, 1>, mode = "constant", val = 0.0 : f64} : (tensor<1x2x4x4xf32>) -> tensor<1x2x6x6xf32> loc("pad_zero")
  %4 = top.MaxPool(%3) {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>} : (tensor<1x2x6x6xf32>) -> tensor<1x2x3x3xf32> loc("max")
  %5 = top.Pad(%0) {paddings = array<i64: 0, 1, 1, 1, 0, 1, 1, 1>, mode = "constant", val = 0.0 : f64} : (tensor<1x2x4x4xf32>) -> tensor<1x4x6x6xf32> loc("pad_channels")
  %6 = top.Conv(%5, %w4, %n) {kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>} : (tensor<1x4x6x6xf32>, tensor<3x4x3x3xf32>, none) -> tensor<1x3x4x4xf32> loc("c2")
  %7 = top.Pad(%0) {paddings = array<i64: 0, 0, 1, 1, 0, 0, 1, 1>, mode = "constant", val = 0.0 : f64} : (tensor<1x2x4x4xf32>) -> tensor<1x2x6x6xf32> loc("pad_avg")
  %8 = top.AvgPool(%7) {kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>} : (tensor<1x2x6x6xf32>) -> tensor<1x2x6x6xf32> loc("avg")
  %9 = top.Slice(%8) {offset = array<i64: 0, 0, 0, 0>, ends = array<i64: 1, 2, 5, 5>, steps = array<i64: 1, 1, 1, 1>} : (tensor<1x2x6x6xf32>) -> tensor<1x2x5x5xf32> loc("avg_crop")
  %10 = top.Pad(%0) {paddings = array<i64: 0, 0, 1, 1, 0, 0, 1, 1>, mode = "reflect"} : (tensor<1x2x4x4xf32>) -> tensor<1x2x6x6xf32> loc("pad_reflect")
  %11 = top.Conv(%10, %w, %n) {kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>} : (tensor<1x2x6x6xf32>, tensor<3x2x3x3xf32>, none) -> tensor<1x3x4x4xf32> loc("c3")
  %12 = top.Pad(%0) {paddings = array<i64: 0, 0, 0, 0, 0, 0, 1, 1>, mode = "constant", val = 0xFFF0000000000000 : f64} : (tensor<1x2x4x4xf32>) -> tensor<1x2x5x5xf32> loc("pad_ceil")
  %13 = top.MaxPool(%12) {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, ceil_mode = true} : (tensor<1x2x5x5xf32>) -> tensor<1x2x3x3xf32> loc("max_ceil")
  %14 = top.Pad(%0) {paddings = array<i64: 0, 0, 2, 2, 0, 0, 2, 2>, mode = "constant", val = 0xFFF0000000000000 : f64} : (tensor<1x2x4x4xf32>) -> tensor<1x2x8x8xf32> loc("pad_wide")
  %15 = top.MaxPool(%14) {kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 0, 0>} : (tensor<1x2x8x8xf32>) -> tensor<1x2x7x7xf32> loc("max_wide")
  func.return %2, %4, %6, %9, %11, %13, %15 : tensor<1x3x4x4xf32>, tensor<1x2x3x3xf32>, tensor<1x3x4x4xf32>, tensor<1x2x5x5xf32>, tensor<1x3x4x4xf32>, tensor<1x2x3x3xf32>, tensor<1x2x7x7xf32>
}
