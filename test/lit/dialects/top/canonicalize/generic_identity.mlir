// top-canonicalize, the no-op data movement: cast.py, expand.py, tile.py, slice.py, pad.py
// (PadIdentity), concat.py, split_identity.py. Each no-op is forwarded to its input; none is
// removed when it is a graph output (that would rename the output), and the look-alikes that do
// move data (a reversing Slice, a Tile/Expand that grows, a Cast that converts) stay.
// RUN: tpuc-opt %s -p top-canonicalize --split-input-file | filecheck %s

// Every no-op in a chain goes; the Relu at the end keeps the graph output's name.
// CHECK-LABEL: func.func @noop_chain
// CHECK-NEXT:  %[[X:.*]] = top.Input(%{{.*}}) : (tensor<2x3x4xf32>) -> tensor<2x3x4xf32> loc("x")
// CHECK-NEXT:  %[[R:.*]] = top.Relu(%[[X]]) : (tensor<2x3x4xf32>) -> tensor<2x3x4xf32> loc("y")
// CHECK-NEXT:  func.return %[[R]] : tensor<2x3x4xf32>
func.func @noop_chain(%arg0: tensor<2x3x4xf32>) -> tensor<2x3x4xf32> {
  %0 = top.Input(%arg0) : (tensor<2x3x4xf32>) -> tensor<2x3x4xf32> loc("x")
  %1 = top.Cast(%0) {to = "f32"} : (tensor<2x3x4xf32>) -> tensor<2x3x4xf32> loc("cast")
  %2 = top.Expand(%1) {shape = array<i64: 2, 3, 4>} : (tensor<2x3x4xf32>) -> tensor<2x3x4xf32> loc("expand")
  %3 = top.Tile(%2) {tile = array<i64: 1, 1, 1>} : (tensor<2x3x4xf32>) -> tensor<2x3x4xf32> loc("tile")
  %4 = top.Slice(%3) {offset = array<i64: 0, 0, 0>, ends = array<i64: 2, 3, 4>, steps = array<i64: 1, 1, 1>} : (tensor<2x3x4xf32>) -> tensor<2x3x4xf32> loc("slice")
  %5 = top.Pad(%4) {paddings = array<i64: 0, 0, 0, 0, 0, 0>, mode = "constant", val = 0.0 : f64} : (tensor<2x3x4xf32>) -> tensor<2x3x4xf32> loc("pad")
  %6 = top.Concat(%5) {axis = 1 : i64} : (tensor<2x3x4xf32>) -> tensor<2x3x4xf32> loc("concat")
  %7 = top.Split(%6) {axis = 2 : i64, split_size = array<i64: 4>} : (tensor<2x3x4xf32>) -> tensor<2x3x4xf32> loc("split")
  %8 = top.Relu(%7) : (tensor<2x3x4xf32>) -> tensor<2x3x4xf32> loc("y")
  func.return %8 : tensor<2x3x4xf32>
}

// -----
// A no-op that is a graph output stays (removing it would rename the output "y" to "x").
// CHECK-LABEL: func.func @noop_graph_outputs
// CHECK-NEXT:  %[[X:.*]] = top.Input(%{{.*}}) : (tensor<2x3xf32>) -> tensor<2x3xf32> loc("x")
// CHECK-NEXT:  %[[C:.*]] = top.Cast(%[[X]]) {to = "f32"} : (tensor<2x3xf32>) -> tensor<2x3xf32> loc("cast")
// CHECK-NEXT:  %[[E:.*]] = top.Expand(%[[X]]) {shape = array<i64: 2, 3>} : (tensor<2x3xf32>) -> tensor<2x3xf32> loc("expand")
// CHECK-NEXT:  %[[T:.*]] = top.Tile(%[[X]]) {tile = array<i64: 1, 1>} : (tensor<2x3xf32>) -> tensor<2x3xf32> loc("tile")
// CHECK-NEXT:  %[[S:.*]] = top.Slice(%[[X]]) {{.*}} loc("slice")
// CHECK-NEXT:  %[[P:.*]] = top.Pad(%[[X]]) {{.*}} loc("pad")
// CHECK-NEXT:  %[[K:.*]] = top.Concat(%[[X]]) {{.*}} loc("concat")
// CHECK-NEXT:  %[[L:.*]] = top.Split(%[[X]]) {{.*}} loc("split")
// CHECK-NEXT:  func.return %[[C]], %[[E]], %[[T]], %[[S]], %[[P]], %[[K]], %[[L]]
func.func @noop_graph_outputs(%arg0: tensor<2x3xf32>) -> (tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>) {
  %0 = top.Input(%arg0) : (tensor<2x3xf32>) -> tensor<2x3xf32> loc("x")
  %1 = top.Cast(%0) {to = "f32"} : (tensor<2x3xf32>) -> tensor<2x3xf32> loc("cast")
  %2 = top.Expand(%0) {shape = array<i64: 2, 3>} : (tensor<2x3xf32>) -> tensor<2x3xf32> loc("expand")
  %3 = top.Tile(%0) {tile = array<i64: 1, 1>} : (tensor<2x3xf32>) -> tensor<2x3xf32> loc("tile")
  %4 = top.Slice(%0) {offset = array<i64: 0, 0>, ends = array<i64: 2, 3>, steps = array<i64: 1, 1>} : (tensor<2x3xf32>) -> tensor<2x3xf32> loc("slice")
  %5 = top.Pad(%0) {paddings = array<i64: 0, 0, 0, 0>} : (tensor<2x3xf32>) -> tensor<2x3xf32> loc("pad")
  %6 = top.Concat(%0) {axis = 0 : i64} : (tensor<2x3xf32>) -> tensor<2x3xf32> loc("concat")
  %7 = top.Split(%0) {axis = 0 : i64, split_size = array<i64: 2>} : (tensor<2x3xf32>) -> tensor<2x3xf32> loc("split")
  func.return %1, %2, %3, %4, %5, %6, %7 : tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>
}

// -----
// Must not fire: a converting Cast, an Expand and a Tile that grow, a Slice that reverses an
// axis (full size, step -1), a Slice that crops, a Pad that pads, a Split into two pieces.
// CHECK-LABEL: func.func @not_noops
// CHECK:       top.Cast({{.*}} loc("to_f16")
// CHECK:       top.Expand({{.*}} loc("grow")
// CHECK:       top.Tile({{.*}} loc("tile2")
// CHECK:       top.Slice({{.*}} loc("reverse")
// CHECK:       top.Slice({{.*}} loc("crop")
// CHECK:       top.Pad({{.*}} loc("pad1")
// CHECK:       top.Split({{.*}} loc(fused["s0", "s1"])
func.func @not_noops(%arg0: tensor<1x3xf32>) -> (tensor<1x3xf16>, tensor<2x3xf32>, tensor<1x6xf32>, tensor<1x3xf32>, tensor<1x2xf32>, tensor<1x5xf32>, tensor<1x1xf32>, tensor<1x2xf32>) {
  %0 = top.Input(%arg0) : (tensor<1x3xf32>) -> tensor<1x3xf32> loc("x")
  %1 = top.Cast(%0) {to = "f16"} : (tensor<1x3xf32>) -> tensor<1x3xf16> loc("to_f16")
  %2 = top.Expand(%0) {shape = array<i64: 2, 3>} : (tensor<1x3xf32>) -> tensor<2x3xf32> loc("grow")
  %3 = top.Tile(%0) {tile = array<i64: 1, 2>} : (tensor<1x3xf32>) -> tensor<1x6xf32> loc("tile2")
  %4 = top.Slice(%0) {offset = array<i64: 0, 2>, ends = array<i64: 1, -1>, steps = array<i64: 1, -1>} : (tensor<1x3xf32>) -> tensor<1x3xf32> loc("reverse")
  %5 = top.Slice(%0) {offset = array<i64: 0, 1>, ends = array<i64: 1, 3>, steps = array<i64: 1, 1>} : (tensor<1x3xf32>) -> tensor<1x2xf32> loc("crop")
  %6 = top.Pad(%0) {paddings = array<i64: 0, 1, 0, 1>} : (tensor<1x3xf32>) -> tensor<1x5xf32> loc("pad1")
  %7, %8 = top.Split(%0) {axis = 1 : i64, split_size = array<i64: 1, 2>} : (tensor<1x3xf32>) -> (tensor<1x1xf32>, tensor<1x2xf32>) loc(fused["s0", "s1"])
  func.return %1, %2, %3, %4, %5, %6, %7, %8 : tensor<1x3xf16>, tensor<2x3xf32>, tensor<1x6xf32>, tensor<1x3xf32>, tensor<1x2xf32>, tensor<1x5xf32>, tensor<1x1xf32>, tensor<1x2xf32>
}

// -----
// A size-1 axis can be sliced with any step (step -1 over one element is still the identity);
// a Concat drops its empty inputs (then the single piece left goes too).
// CHECK-LABEL: func.func @size1_slice_and_empty_concat
// CHECK-NEXT:  %[[X:.*]] = top.Input(%{{.*}}) : (tensor<1x3xf32>) -> tensor<1x3xf32> loc("x")
// CHECK-NEXT:  %[[E:.*]] = top.Input(%{{.*}}) : (tensor<0x3xf32>) -> tensor<0x3xf32> loc("e")
// CHECK-NEXT:  %[[R:.*]] = top.Relu(%[[X]]) : (tensor<1x3xf32>) -> tensor<1x3xf32> loc("y")
// CHECK-NEXT:  %[[K:.*]] = top.Concat(%[[X]], %[[X]]) {axis = 0 : i64} : (tensor<1x3xf32>, tensor<1x3xf32>) -> tensor<2x3xf32> loc("k")
// CHECK-NEXT:  func.return %[[R]], %[[K]]
func.func @size1_slice_and_empty_concat(%arg0: tensor<1x3xf32>, %arg1: tensor<0x3xf32>) -> (tensor<1x3xf32>, tensor<2x3xf32>) {
  %0 = top.Input(%arg0) : (tensor<1x3xf32>) -> tensor<1x3xf32> loc("x")
  %e = top.Input(%arg1) : (tensor<0x3xf32>) -> tensor<0x3xf32> loc("e")
  %1 = top.Slice(%0) {offset = array<i64: 0, 0>, ends = array<i64: -1, 3>, steps = array<i64: -1, 1>} : (tensor<1x3xf32>) -> tensor<1x3xf32> loc("s")
  %2 = top.Concat(%e, %1, %e) {axis = 0 : i64} : (tensor<0x3xf32>, tensor<1x3xf32>, tensor<0x3xf32>) -> tensor<1x3xf32> loc("c")
  %3 = top.Relu(%2) : (tensor<1x3xf32>) -> tensor<1x3xf32> loc("y")
  %4 = top.Concat(%0, %e, %0) {axis = 0 : i64} : (tensor<1x3xf32>, tensor<0x3xf32>, tensor<1x3xf32>) -> tensor<2x3xf32> loc("k")
  func.return %3, %4 : tensor<1x3xf32>, tensor<2x3xf32>
}
