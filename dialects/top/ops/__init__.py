"""Top op definitions, one module per op family (tpu-mlir keeps them in TopOps.td)."""

from tpuc.dialects.top.ops import core, elementwise, nn, reduce, shape

FAMILIES = (core, elementwise, nn, reduce, shape)
