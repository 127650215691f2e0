// Input of tools/opt.test: one live op (loc "e") and one dead op (loc "dead").
func.func @main(%arg0: tensor<4xf32>) -> tensor<4xf32> {
  %0 = top.Input(%arg0) : (tensor<4xf32>) -> tensor<4xf32> loc("x")
  %1 = top.Relu(%0) : (tensor<4xf32>) -> tensor<4xf32> loc("dead")
  %2 = top.Exp(%0) : (tensor<4xf32>) -> tensor<4xf32> loc("e")
  func.return %2 : tensor<4xf32>
}
