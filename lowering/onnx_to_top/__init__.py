"""onnx_to_top."""
