"""Malformed-input fuzzing of ``tpuc deploy``: mutated Top IR text, weight npz files, calibration
tables and quantize tables (seeded, CI-sized: 240 mutants, in-process for speed).

Each mutant runs ``tpuc deploy --quantize INT8 --random-input 0`` (lowering plus both
interpreters) on the MHA encoder's Top module and must honour the CLI contract: exit 0 or 1, or
exit 2 with exactly one stderr line ``tpuc: error: ...`` and no Tpu ``.mlir``/``.npz``/``.tmp``
written; never an internal error (exit 3). Knobs: ``TPUC_DEPLOY_FUZZ_N`` (default 240).
"""

from __future__ import annotations

import io
import os
import random
import re
import shutil
import zipfile
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import numpy as np
import pytest

from tpuc.tools.tpuc import main

REPO = Path(__file__).resolve().parents[2]
N = int(os.environ.get("TPUC_DEPLOY_FUZZ_N", "240"))
KINDS = ("mlir", "weights", "table", "qtable")


@pytest.fixture(scope="module")
def seed_dir(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("deploy_seed")
    model = REPO / "test" / "data" / "models" / "mha_encoder.onnx"
    with redirect_stderr(io.StringIO()):
        assert main(["transform", "--model-def", str(model), "--mlir", str(d / "m.mlir")]) == 0
        assert main(["calibrate", str(d / "m.mlir"), "--random", "2", "--seed", "1", "-o", str(d / "m.table"),
                     "-q"]) == 0
    names = re.findall(r'loc\("([^"]+)"\)', (d / "m.mlir").read_text())
    (d / "m.qtable").write_text("".join(f"{n} F16\n" for n in names[5:8]))
    return d


def _mutate_text(text: str, rng: random.Random) -> str:
    lines = text.splitlines(keepends=True)
    how = rng.choice(["truncate", "drop_line", "dup_line", "swap_lines", "number", "type", "junk", "bytes"])
    if how == "truncate":
        return text[: rng.randrange(len(text))]
    i = rng.randrange(len(lines))
    if how == "drop_line":
        del lines[i]
    elif how == "dup_line":
        lines.insert(i, lines[i])
    elif how == "swap_lines":
        j = rng.randrange(len(lines))
        lines[i], lines[j] = lines[j], lines[i]
    elif how == "number":
        nums = list(re.finditer(r"-?\d+(\.\d+)?(e[-+]?\d+)?", lines[i]))
        if nums:
            m = rng.choice(nums)
            new = rng.choice(["0", "-1", "1e30", "nan", "inf", "2147483648", "3", "1e-30", "-0.5", "x"])
            lines[i] = lines[i][: m.start()] + new + lines[i][m.end():]
    elif how == "type":
        lines[i] = re.sub(r"\b(f32|f16|i64|i1)\b", rng.choice(["i8", "f16", "bf16", "i32", "f64", "ui8"]), lines[i],
                          count=1)
    elif how == "junk":
        lines.insert(i, rng.choice(["garbage\n", "%x = tpu.Cast(%0) : (f32) -> i8\n", "#float_keep\n", "a b c d e\n",
                                    "\x00\xff\n", "name INT8\n", "\n"]))
    else:
        b = bytearray("".join(lines).encode("utf-8", "surrogateescape"))
        for _ in range(rng.randint(1, 4)):
            if b:
                b[rng.randrange(len(b))] = rng.randrange(256)
        return b.decode("utf-8", "replace")
    return "".join(lines)


def _mutate_weights(src: Path, dst: Path, rng: random.Random) -> None:
    how = rng.choice(["truncate", "drop", "shape", "dtype", "nan", "bytes"])
    data = src.read_bytes()
    if how == "truncate":
        dst.write_bytes(data[: rng.randrange(len(data))])
        return
    if how == "bytes":
        b = bytearray(data)
        for _ in range(rng.randint(1, 8)):
            b[rng.randrange(len(b))] = rng.randrange(256)
        dst.write_bytes(bytes(b))
        return
    with np.load(src) as npz:
        arrays = {k: npz[k] for k in npz.files}
    key = rng.choice(sorted(arrays))
    if how == "drop":
        del arrays[key]
    elif how == "shape":
        arrays[key] = np.resize(arrays[key], (arrays[key].size + rng.randint(1, 3),))
    elif how == "dtype":
        arrays[key] = arrays[key].astype(rng.choice([np.int64, np.float64, np.int8, np.bool_]))
    else:
        a = arrays[key].astype(np.float32)
        a.reshape(-1)[rng.randrange(a.size)] = rng.choice([np.nan, np.inf, -np.inf, 1e38])
        arrays[key] = a
    with zipfile.ZipFile(dst, "w") as z:
        for k, v in arrays.items():
            buf = io.BytesIO()
            np.save(buf, v)
            z.writestr(k + ".npy", buf.getvalue())


@pytest.mark.parametrize("i", range(N))
def test_deploy_mutant(seed_dir, tmp_path, i):
    rng = random.Random(1000 + i)
    kind = KINDS[i % len(KINDS)]
    for f in seed_dir.iterdir():
        shutil.copy(f, tmp_path / f.name)
    target = {"mlir": "m.mlir", "table": "m.table", "qtable": "m.qtable"}.get(kind)
    if kind == "weights":
        w = seed_dir / "m_top_f32_weight.npz"
        _mutate_weights(w, tmp_path / w.name, rng)
    else:
        text = (seed_dir / target).read_text()
        (tmp_path / target).write_text(_mutate_text(text, rng), errors="surrogateescape")
    out = tmp_path / "out"
    out.mkdir()
    args = ["deploy", "--mlir", str(tmp_path / "m.mlir"), "--quantize", "INT8", "--calibration-table",
            str(tmp_path / "m.table"), "--quantize-table", str(tmp_path / "m.qtable"), "--tpu-mlir",
            str(out / "t.mlir"), "--random-input", "0"]
    err = io.StringIO()
    with redirect_stderr(err), redirect_stdout(io.StringIO()), np.errstate(all="ignore"):
        rc = main(args)
    lines = [ln for ln in err.getvalue().splitlines() if ln.strip()]
    repro = f"mutant {kind} #{i}: tpuc {' '.join(args)}"
    assert rc in (0, 1, 2), f"{repro}\nexit {rc}: {lines[-1] if lines else ''}"
    if rc == 2:
        assert len(lines) == 1 and lines[0].startswith("tpuc: error:"), f"{repro}\n" + "\n".join(lines[-3:])
        assert not list(out.iterdir()), f"{repro}: left {sorted(p.name for p in out.iterdir())}"
