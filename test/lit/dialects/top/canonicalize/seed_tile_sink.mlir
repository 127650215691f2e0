// top-canonicalize, tile_sink.py: TileSinkThroughElementwise (the seed's "move Tile later").
// op(Tile(x, t), w) -> Tile(op(x, w'), t) for elementwise ops when w does not vary along the tiled
// axes (size 1 there: w' = w; or a weight repeating with the period: w' = its first period
// <w>_untiled, needs the store); unary ops and two equally tiled operands too. The new op is
// <name>_before_tile, the Tile takes the op's name. Not when the Tile has another user.
// RUN: mkdir -p %t && %python -c "import numpy as np; w = np.arange(4, dtype=np.float32).reshape(4, 1); np.savez('%t/tile_w.npz', w=np.arange(4, dtype=np.float32), b=np.ones((1, 4), np.float32), wp=np.concatenate([w, w]), wn=np.arange(8, dtype=np.float32).reshape(8, 1))" && cp %s %t/tile.mlir
// RUN: tpuc-opt %t/tile.mlir -p top-canonicalize --split-input-file | filecheck %s --check-prefixes=CHECK,STORE
// RUN: tpuc-opt %s -p top-canonicalize --split-input-file | filecheck %s --check-prefixes=CHECK,NOSTORE

// The seed: x -> Tile -> Mul -> Add -> y becomes x -> Mul -> Add -> Tile -> y (w, b are [4] and
// [1, 4]: constant along the tiled axis 0; shape-only, no store needed).
// CHECK-LABEL: func.func @seed_chain
// CHECK-NEXT:  %[[X:.*]] = top.Input(%{{.*}}) : (tensor<4x4xf32>) -> tensor<4x4xf32> loc("x")
// CHECK-NEXT:  %[[W:.*]] = top.Weight() : () -> tensor<4xf32> loc("w")
// CHECK-NEXT:  %[[M:.*]] = top.Mul(%[[X]], %[[W]]) : (tensor<4x4xf32>, tensor<4xf32>) -> tensor<4x4xf32> loc("m_before_tile")
// CHECK-NEXT:  %[[B:.*]] = top.Weight() : () -> tensor<1x4xf32> loc("b")
// CHECK-NEXT:  %[[A:.*]] = top.Add(%[[M]], %[[B]]) : (tensor<4x4xf32>, tensor<1x4xf32>) -> tensor<4x4xf32> loc("y_before_tile")
// CHECK-NEXT:  %[[T:.*]] = top.Tile(%[[A]]) {tile = array<i64: 3, 1>} : (tensor<4x4xf32>) -> tensor<12x4xf32> loc("y")
// CHECK-NEXT:  func.return %[[T]] : tensor<12x4xf32>
module attributes {module.weight_file = "tile_w.npz"} {
  func.func @seed_chain(%arg0: tensor<4x4xf32>) -> tensor<12x4xf32> {
    %0 = top.Input(%arg0) : (tensor<4x4xf32>) -> tensor<4x4xf32> loc("x")
    %1 = top.Tile(%0) {tile = array<i64: 3, 1>} : (tensor<4x4xf32>) -> tensor<12x4xf32> loc("t")
    %2 = top.Weight() : () -> tensor<4xf32> loc("w")
    %3 = top.Mul(%1, %2) : (tensor<12x4xf32>, tensor<4xf32>) -> tensor<12x4xf32> loc("m")
    %4 = top.Weight() : () -> tensor<1x4xf32> loc("b")
    %5 = top.Add(%3, %4) : (tensor<12x4xf32>, tensor<1x4xf32>) -> tensor<12x4xf32> loc("y")
    func.return %5 : tensor<12x4xf32>
  }
}

// -----
// A weight with the full tiled size that repeats with the period: its first period is used.
// CHECK-LABEL: func.func @periodic_weight
// STORE:       %[[W:.*]] = top.Weight() : () -> tensor<4x1xf32> loc("wp_untiled")
// STORE-NEXT:  %[[S:.*]] = top.Sub(%[[W]], %{{.*}}) : (tensor<4x1xf32>, tensor<4x3xf32>) -> tensor<4x3xf32> loc("y_before_tile")
// STORE-NEXT:  top.Tile(%[[S]]) {tile = array<i64: 2, 1>} : (tensor<4x3xf32>) -> tensor<8x3xf32> loc("y")
// NOSTORE:     top.Tile(%{{.*}}) {{.*}} loc("t")
// NOSTORE-NEXT: top.Weight() : () -> tensor<8x1xf32> loc("wp")
// NOSTORE-NEXT: top.Sub
module attributes {module.weight_file = "tile_w.npz"} {
  func.func @periodic_weight(%arg0: tensor<4x3xf32>) -> tensor<8x3xf32> {
    %0 = top.Input(%arg0) : (tensor<4x3xf32>) -> tensor<4x3xf32> loc("x")
    %1 = top.Tile(%0) {tile = array<i64: 2, 1>} : (tensor<4x3xf32>) -> tensor<8x3xf32> loc("t")
    %2 = top.Weight() : () -> tensor<8x1xf32> loc("wp")
    %3 = top.Sub(%2, %1) : (tensor<8x1xf32>, tensor<8x3xf32>) -> tensor<8x3xf32> loc("y")
    func.return %3 : tensor<8x3xf32>
  }
}

// -----
// Must not fire: the weight varies along the tiled axis (0..7 is not 4-periodic).
// CHECK-LABEL: func.func @non_periodic_weight
// CHECK:       %[[T:.*]] = top.Tile
// CHECK:       top.Sub(%{{.*}}, %[[T]])
module attributes {module.weight_file = "tile_w.npz"} {
  func.func @non_periodic_weight(%arg0: tensor<4x3xf32>) -> tensor<8x3xf32> {
    %0 = top.Input(%arg0) : (tensor<4x3xf32>) -> tensor<4x3xf32> loc("x")
    %1 = top.Tile(%0) {tile = array<i64: 2, 1>} : (tensor<4x3xf32>) -> tensor<8x3xf32> loc("t")
    %2 = top.Weight() : () -> tensor<8x1xf32> loc("wn")
    %3 = top.Sub(%2, %1) : (tensor<8x1xf32>, tensor<8x3xf32>) -> tensor<8x3xf32> loc("y")
    func.return %3 : tensor<8x3xf32>
  }
}

// -----
// Unary ops and two equally tiled operands.
// CHECK-LABEL: func.func @unary_and_two_tiles
// CHECK-NEXT:  %[[X:.*]] = top.Input(%{{.*}}) {{.*}} loc("x")
// CHECK-NEXT:  %[[Y:.*]] = top.Input(%{{.*}}) {{.*}} loc("y")
// CHECK-NEXT:  %[[E:.*]] = top.Exp(%[[X]]) : (tensor<2x3xf32>) -> tensor<2x3xf32> loc("e_before_tile")
// CHECK-NEXT:  %[[C:.*]] = top.Compare(%[[E]], %[[Y]]) {mode = "Less"} : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xi1> loc("c_before_tile")
// CHECK-NEXT:  %[[T:.*]] = top.Tile(%[[C]]) {tile = array<i64: 1, 2>} : (tensor<2x3xi1>) -> tensor<2x6xi1> loc("c")
// CHECK-NEXT:  func.return %[[T]]
func.func @unary_and_two_tiles(%arg0: tensor<2x3xf32>, %arg1: tensor<2x3xf32>) -> tensor<2x6xi1> {
  %0 = top.Input(%arg0) : (tensor<2x3xf32>) -> tensor<2x3xf32> loc("x")
  %1 = top.Input(%arg1) : (tensor<2x3xf32>) -> tensor<2x3xf32> loc("y")
  %2 = top.Tile(%0) {tile = array<i64: 1, 2>} : (tensor<2x3xf32>) -> tensor<2x6xf32> loc("tx")
  %3 = top.Exp(%2) : (tensor<2x6xf32>) -> tensor<2x6xf32> loc("e")
  %4 = top.Tile(%1) {tile = array<i64: 1, 2>} : (tensor<2x3xf32>) -> tensor<2x6xf32> loc("ty")
  %5 = top.Compare(%3, %4) {mode = "Less"} : (tensor<2x6xf32>, tensor<2x6xf32>) -> tensor<2x6xi1> loc("c")
  func.return %5 : tensor<2x6xi1>
}

// -----
// Must not fire: the Tile has another user; the other operand is an activation varying along
// the tiled axis.
// CHECK-LABEL: func.func @refused
// CHECK:       %[[T:.*]] = top.Tile(%{{.*}}) {{.*}} loc("t")
// CHECK-NEXT:  top.Relu(%[[T]])
// CHECK:       %[[T2:.*]] = top.Tile(%{{.*}}) {{.*}} loc("t2")
// CHECK-NEXT:  top.Add(%[[T2]], %{{.*}})
func.func @refused(%arg0: tensor<2x3xf32>, %arg1: tensor<4x3xf32>) -> (tensor<4x3xf32>, tensor<4x3xf32>, tensor<4x3xf32>) {
  %0 = top.Input(%arg0) : (tensor<2x3xf32>) -> tensor<2x3xf32> loc("x")
  %1 = top.Input(%arg1) : (tensor<4x3xf32>) -> tensor<4x3xf32> loc("z")
  %2 = top.Tile(%0) {tile = array<i64: 2, 1>} : (tensor<2x3xf32>) -> tensor<4x3xf32> loc("t")
  %3 = top.Relu(%2) : (tensor<4x3xf32>) -> tensor<4x3xf32> loc("r")
  %4 = top.Tile(%0) {tile = array<i64: 2, 1>} : (tensor<2x3xf32>) -> tensor<4x3xf32> loc("t2")
  %5 = top.Add(%4, %1) : (tensor<4x3xf32>, tensor<4x3xf32>) -> tensor<4x3xf32> loc("a")
  func.return %3, %2, %5 : tensor<4x3xf32>, tensor<4x3xf32>, tensor<4x3xf32>
}
