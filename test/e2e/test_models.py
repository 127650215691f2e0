"""End to end: ``tpuc transform`` on the shared models and onnx's light CNNs matches onnxruntime.

Final outputs must reach cos >= 0.99999 and euclid >= 0.9999 (F32); every tensor present in
both onnxruntime and Top must pass cos >= 0.9999, euclid >= 0.999. The light CNNs are also checked
against their shipped reference outputs (input: onnx's dummy ``arange(n) / n``).
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import onnx
import pytest
from onnx import numpy_helper

from e2e_util import shared_model
from tpuc.compiler.compare import similarity
from tpuc.compiler.transform import TransformOptions, transform

LIGHT_DIR = Path(onnx.__file__).parent / "backend" / "test" / "data" / "light"
LIGHT = ["bvlc_alexnet", "densenet121", "inception_v1", "inception_v2", "resnet50", "shufflenet",
         "squeezenet", "vgg19", "zfnet512"]

# (file, --input-shapes); the big ones (swin_t, vit_tiny) run in test/bench/bench_transform.py.
SHARED = [
    ("swin_micro.onnx", None),
    ("vit_micro.onnx", None),
    ("mha_encoder.onnx", None),
    ("bert_tiny_dynamic.onnx", "[[1,16],[1,16]]"),
]
if os.environ.get("TPUC_BIG_MODELS"):
    SHARED += [("swin_t.onnx", None), ("vit_tiny.onnx", None)]


def _check(opts: TransformOptions, ref_outputs: dict[str, np.ndarray] | None = None):
    opts.tolerance = (0.9999, 0.999)
    opts.quiet = True
    res = transform(opts)
    cmp = res.comparison
    assert cmp is not None and cmp.rows, "nothing was compared"
    assert not cmp.failed, cmp.table()
    model = onnx.load(opts.model_def, load_external_data=False)
    for out in model.graph.output:
        row = next((r for r in cmp.rows if r.name == out.name), None)
        assert row is not None, f"output {out.name} was not compared"
        assert row.cos >= 0.99999 and row.euclid >= 0.9999, row
    return res


@pytest.mark.parametrize("name,shapes", SHARED, ids=[s[0] for s in SHARED])
def test_shared_model(tmp_path, name, shapes):
    path = shared_model(name)
    opts = TransformOptions(model_def=str(path), mlir=str(tmp_path / "m.mlir"), input_shapes=shapes,
                            random_input=0, test_result=str(tmp_path / "top_outputs.npz"))
    res = _check(opts)
    assert "top.Shape" not in res.op_counts


@pytest.mark.parametrize("name", LIGHT)
def test_light_cnn(tmp_path, name):
    path = LIGHT_DIR / f"light_{name}.onnx"
    model = onnx.load(path)
    inits = {i.name for i in model.graph.initializer}
    (inp,) = [i for i in model.graph.input if i.name not in inits]
    shape = tuple(d.dim_value for d in inp.type.tensor_type.shape.dim)
    x = (np.arange(np.prod(shape)).reshape(shape) / np.prod(shape)).astype(np.float32)
    np.savez(tmp_path / "in.npz", **{inp.name: x})
    opts = TransformOptions(model_def=str(path), mlir=str(tmp_path / "m.mlir"), test_input=str(tmp_path / "in.npz"),
                            test_result=str(tmp_path / "top.npz"))
    _check(opts)
    ref = numpy_helper.to_array(onnx.load_tensor(str(LIGHT_DIR / f"light_{name}_output_0.pb")))
    with np.load(tmp_path / "top.npz") as z:
        got = z[model.graph.output[0].name]
    cos, euclid, _, _ = similarity(ref, got)
    assert cos >= 0.99999 and euclid >= 0.9999, (cos, euclid)
