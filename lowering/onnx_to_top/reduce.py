"""ONNX converters: reduce family."""

from __future__ import annotations

from tpuc.lowering.onnx_to_top.registry import converter  # noqa: F401
