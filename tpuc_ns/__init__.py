"""tpuc: a readable deep-learning compiler for AI accelerators, built on xDSL."""

__version__ = "0.1.0"
