#!/usr/bin/env python3
"""Benchmark tpuc as an ONNX graph optimiser against onnxsim and onnxslim.

For every shared model and every light CNN of ``onnx``: the node count and the onnxruntime CPU
latency of the original model, onnxsim 0.8.1, onnxslim 0.1.98 and ``tpuc export-onnx``
(:func:`tpuc.compiler.export_onnx.export_file`). Every variant is first checked against the
original on the same random inputs (cosine >= 0.99999 on every output). Then all variants of a
model are timed *interleaved* in one process: each round runs every variant once (in a rotating
order), so a noisy neighbour hits all of them alike; the table gives the median of ``--runs``
rounds (default 30, at least 20). Sessions use the CPU provider with ``intra_op_num_threads``
= ``--threads`` (default 1: the stablest on a shared machine), one inter-op thread and
onnxruntime's default graph optimisations (``ORT_ENABLE_ALL``), as a user would run them.
"x" is a variant's value over the best peer's (the better of onnxsim and onnxslim), for the node
count, the median and the minimum (on a loaded machine the minimum is the steadier figure).

The peers are test-only tools (``pip install onnxsim==0.8.1 onnxslim==0.1.98``); a missing one is
reported and skipped. ``--ablation`` adds tpuc variants without Permute sinking and without the
exporter's common-subexpression elimination. ``--pipeline-timing`` (on by default for swin_t)
times the whole Top pipeline on Swin-T in-process: load + import + ``top-canonicalize`` (the
``transform`` pipeline) and the export path (import + ``EXPORT_PIPELINE`` + export + check).

    python test/bench/bench_graph_opt.py [--models swin_micro,resnet50] [--runs 30] [--threads 1]
                                         [--ablation] [--json bench_graph_opt.json]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import onnx

REPO = Path(__file__).resolve().parents[2]
MODEL_DIRS = [Path(p) for p in (os.environ.get("TPUC_MODELS"),) if p] + [
    REPO / "test" / "data" / "models", REPO.parent / "shared" / "models"]
LIGHT_DIR = Path(onnx.__file__).parent / "backend" / "test" / "data" / "light"
SHARED = ["swin_t", "swin_micro", "vit_tiny", "vit_micro", "mha_encoder", "bert_tiny_dynamic"]
LIGHT = ["bvlc_alexnet", "densenet121", "inception_v1", "inception_v2", "resnet50", "shufflenet", "squeezenet",
         "vgg19", "zfnet512"]
SHAPES = {"bert_tiny_dynamic": [[1, 16], [1, 16]]}
PEERS = ("onnxsim", "onnxslim")
SINKING = ("PermuteSinkThroughBinary", "PermuteSinkThroughUnary", "PermuteSinkThroughReshape",
           "PermuteSinkThroughSoftmax")


def model_path(name: str) -> Path:
    if name in LIGHT:
        return LIGHT_DIR / f"light_{name}.onnx"
    for d in MODEL_DIRS:
        if (d / f"{name}.onnx").exists():
            return d / f"{name}.onnx"
    raise SystemExit(f"model {name} not found in {', '.join(map(str, MODEL_DIRS))} (set TPUC_MODELS)")


# ------------------------------------------------------------------------------------ variants


def run_onnxsim(model: onnx.ModelProto, shapes, input_names) -> onnx.ModelProto:
    import onnxsim

    kw = {"overwrite_input_shapes": dict(zip(input_names, shapes))} if shapes else {}
    simplified, ok = onnxsim.simplify(model, **kw)
    if not ok:
        raise RuntimeError("onnxsim's own check failed")
    return simplified


def run_onnxslim(model: onnx.ModelProto, shapes, input_names) -> onnx.ModelProto:
    import onnxslim

    kw = {"input_shapes": [f"{n}:{','.join(map(str, s))}" for n, s in zip(input_names, shapes)]} if shapes else {}
    return onnxslim.slim(model, **kw)


def run_tpuc(path: Path, out: Path, shapes, pipeline: str | None = None, cse: bool = True) -> onnx.ModelProto:
    from tpuc.compiler import export_onnx as X

    if cse and pipeline is None:
        return X.export_file(path, out, shapes)
    # ablations: the same steps as export_file with another pipeline / no CSE
    from tpuc.compiler.pipeline import run_pipeline
    from tpuc.compiler.weights import attach_store
    from tpuc.lowering.onnx_to_top.importer import import_model, load_model

    original = load_model(path)
    module, store = import_model(original, shapes, name=path.stem)
    attach_store(module, store)
    run_pipeline(module, pipeline or X.EXPORT_PIPELINE)
    model = X.export(module, store, node_names=X.node_names_of(original), cse=cse)
    X.save(model, out)
    return model


def no_sinking_pipeline() -> str:
    from tpuc.compiler.export_onnx import EXPORT_PIPELINE

    return EXPORT_PIPELINE.replace("disable=", "disable=" + ",".join(SINKING) + ",", 1)


# ------------------------------------------------------------------------------------ running


def make_inputs(sess, rng: np.random.Generator) -> dict[str, np.ndarray]:
    feeds = {}
    for i in sess.get_inputs():
        shape = [d if isinstance(d, int) else 1 for d in i.shape]
        if "int64" in i.type or "int32" in i.type:
            hi = 2 if "mask" in i.name else 100
            x = rng.integers(0, hi, size=shape)
            x = x.astype(np.int64 if "int64" in i.type else np.int32)
            if "mask" in i.name:
                x[..., 0] = 1  # at least one key attended
        elif "bool" in i.type:
            x = rng.random(shape) < 0.2
            x[..., 0] = False
        else:
            x = rng.standard_normal(shape).astype(np.float32)
        feeds[i.name] = x
    return feeds


def session(path: Path, threads: int):
    import onnxruntime as ort

    so = ort.SessionOptions()
    so.intra_op_num_threads = threads
    so.inter_op_num_threads = 1
    so.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    so.log_severity_level = 3
    return ort.InferenceSession(str(path), so, providers=["CPUExecutionProvider"])


def cosine(a: np.ndarray, b: np.ndarray) -> float:
    a = np.asarray(a, np.float64).ravel()
    b = np.asarray(b, np.float64).ravel()
    if a.shape != b.shape:
        return float("nan")
    if not np.all(np.isfinite(a)) or not np.all(np.isfinite(b)):
        same = np.array_equal(np.isfinite(a), np.isfinite(b))
        a, b = a[np.isfinite(a)], b[np.isfinite(b)]
        if not same or a.shape != b.shape:
            return float("nan")
    na, nb = np.linalg.norm(a), np.linalg.norm(b)
    if na == 0 or nb == 0:
        return 1.0 if na == nb else 0.0
    return float(a @ b / (na * nb))


def bench_model(name: str, args, tmp: Path) -> list[dict]:
    path = model_path(name)
    shapes = SHAPES.get(name)
    original = onnx.load(path)
    inits = {i.name for i in original.graph.initializer}
    input_names = [i.name for i in original.graph.input if i.name not in inits]
    variants: dict[str, tuple[Path, onnx.ModelProto | None, float]] = {"original": (path, original, 0.0)}
    notes: dict[str, str] = {}

    def produce(label, fn):
        out = tmp / f"{name}.{label}.onnx"
        t = time.perf_counter()
        try:
            m = fn(out)
        except ImportError as e:
            notes[label] = f"not installed ({e.name})"
            return
        except Exception as e:  # a peer that fails on a model is a result, not a crash
            notes[label] = f"failed: {' '.join(str(e).split())[:120]}"
            return
        dt = time.perf_counter() - t
        if not out.exists():
            onnx.save(m, out)
        variants[label] = (out, m, dt)

    produce("onnxsim", lambda out: run_onnxsim(onnx.load(path), shapes, input_names))
    produce("onnxslim", lambda out: run_onnxslim(onnx.load(path), shapes, input_names))
    produce("tpuc", lambda out: run_tpuc(path, out, shapes))
    if args.ablation:
        produce("tpuc-nosink", lambda out: run_tpuc(path, out, shapes, pipeline=no_sinking_pipeline()))
        produce("tpuc-nocse", lambda out: run_tpuc(path, out, shapes, cse=False))

    sessions = {label: session(p, args.threads) for label, (p, _, _) in variants.items()}
    feeds = make_inputs(sessions["tpuc" if "tpuc" in sessions else "original"], np.random.default_rng(0))
    ref = sessions["original"].run(None, {k: feeds[k] for k in input_names})
    cos = {}
    for label, sess in sessions.items():
        outs = sess.run(None, {i.name: feeds[i.name] for i in sess.get_inputs()})
        cos[label] = min(cosine(r, o) for r, o in zip(ref, outs)) if len(outs) == len(ref) else float("nan")

    labels = list(sessions)
    times: dict[str, list[float]] = {label: [] for label in labels}
    run_feeds = {label: {i.name: feeds[i.name] for i in s.get_inputs()} for label, s in sessions.items()}
    for _ in range(args.warmup):
        for label in labels:
            sessions[label].run(None, run_feeds[label])
    for r in range(args.runs):
        for k in range(len(labels)):
            label = labels[(r + k) % len(labels)]
            t = time.perf_counter()
            sessions[label].run(None, run_feeds[label])
            times[label].append((time.perf_counter() - t) * 1e3)

    rows = []
    for label in labels:
        p, m, dt = variants[label]
        m = m if m is not None else onnx.load(p, load_external_data=False)
        rows.append({"model": name, "variant": label, "nodes": len(m.graph.node),
                     "median_ms": statistics.median(times[label]), "min_ms": min(times[label]),
                     "cos": cos[label], "produce_s": dt})
    for label, note in notes.items():
        rows.append({"model": name, "variant": label, "note": note})
    peers = [r for r in rows if r["variant"] in PEERS and "nodes" in r]
    if peers:
        best_ms = min(r["median_ms"] for r in peers)
        best_nodes = min(r["nodes"] for r in peers)
        best_min = min(r["min_ms"] for r in peers)
        for r in rows:
            if "nodes" in r:
                r["ratio_ms"] = r["median_ms"] / best_ms
                r["ratio_min_ms"] = r["min_ms"] / best_min
                r["ratio_nodes"] = r["nodes"] / best_nodes
    return rows


def print_table(rows: list[dict], threads: int, runs: int) -> None:
    print(f"\nonnxruntime CPU, intra_op_num_threads={threads}, {runs} interleaved rounds; x = variant / best peer "
          "(the better of onnxsim and onnxslim, per column)")
    head = (f"{'model':<18}{'variant':<13}{'nodes':>7}{'x':>6}{'median ms':>11}{'x':>6}{'min ms':>9}{'x':>6}"
            f"{'cos':>6}{'make s':>8}")
    print(head)
    print("-" * len(head))
    last = None
    for r in rows:
        model = r["model"] if r["model"] != last else ""
        last = r["model"]
        if "note" in r:
            print(f"{model:<18}{r['variant']:<13}  {r['note']}")
            continue

        def x(key):
            return f"{r[key]:.2f}" if key in r else "-"

        cos = "ok" if r["cos"] >= 0.99999 else f"{r['cos']:.5f}"
        print(f"{model:<18}{r['variant']:<13}{r['nodes']:>7}{x('ratio_nodes'):>6}{r['median_ms']:>11.3f}"
              f"{x('ratio_ms'):>6}{r['min_ms']:>9.3f}{x('ratio_min_ms'):>6}{cos:>6}{r['produce_s']:>8.1f}")


# ------------------------------------------------------------------------------- pipeline timing


def pipeline_timing(repeat: int) -> dict:
    """Seconds of load, import and the Top pipelines on Swin-T (in-process, ``repeat`` times)."""
    from tpuc.compiler import export_onnx as X
    from tpuc.compiler.passes import PIPELINES
    from tpuc.compiler.pipeline import run_pipeline
    from tpuc.compiler.weights import attach_store
    from tpuc.lowering.onnx_to_top.importer import import_model, load_model

    path = model_path("swin_t")
    samples: dict[str, list[float]] = {}

    def clock(key, fn):
        t = time.perf_counter()
        out = fn()
        samples.setdefault(key, []).append(time.perf_counter() - t)
        return out

    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(repeat):
            t0 = time.perf_counter()
            model = clock("load + check", lambda: load_model(path))
            module, store = clock("import", lambda: import_model(model, None, name="swin_t"))
            attach_store(module, store)
            clock(f"transform pipeline ({PIPELINES['transform']})",
                  lambda: run_pipeline(module, PIPELINES["transform"]))
            samples.setdefault("load + import + transform pipeline", []).append(time.perf_counter() - t0)
            module, store = import_model(model, None, name="swin_t")
            attach_store(module, store)
            clock("EXPORT_PIPELINE", lambda: run_pipeline(module, X.EXPORT_PIPELINE))
            onnx_model = clock("export", lambda: X.export(module, store, node_names=X.node_names_of(model)))
            clock("check (full) + write", lambda: X.save(onnx_model, Path(tmp) / "swin_t.onnx"))
            clock("export_file (all of it)", lambda: X.export_file(path, Path(tmp) / "swin_t2.onnx"))
    return {k: {"median_s": statistics.median(v), "min_s": min(v), "runs": len(v)} for k, v in samples.items()}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--models", default=",".join(SHARED + LIGHT))
    ap.add_argument("--runs", type=int, default=30)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--ablation", action="store_true", help="also tpuc without Permute sinking / without CSE")
    ap.add_argument("--pipeline-timing", choices=("auto", "on", "off"), default="auto",
                    help="time import + Top pipelines on Swin-T (auto: when swin_t is benchmarked)")
    ap.add_argument("--pipeline-repeat", type=int, default=3)
    ap.add_argument("--json", default="bench_graph_opt.json")
    args = ap.parse_args()
    if args.runs < 20:
        ap.error("--runs must be at least 20")
    models = [m for m in args.models.split(",") if m]
    rows: list[dict] = []
    with tempfile.TemporaryDirectory() as tmp:
        for name in models:
            print(f"[{name}] ...", file=sys.stderr, flush=True)
            rows.extend(bench_model(name, args, Path(tmp)))
    print_table(rows, args.threads, args.runs)
    timing = None
    if args.pipeline_timing == "on" or (args.pipeline_timing == "auto" and "swin_t" in models):
        timing = pipeline_timing(args.pipeline_repeat)
        print(f"\nSwin-T, Top pipeline in-process (median / min of {args.pipeline_repeat}):")
        for k, v in timing.items():
            print(f"  {k:<62}{v['median_s']:8.2f} s {v['min_s']:8.2f} s")
    import onnxruntime

    meta = {"threads": args.threads, "runs": args.runs, "warmup": args.warmup, "onnxruntime": onnxruntime.__version__,
            "onnx": onnx.__version__, "cpu_count": os.cpu_count()}
    for peer in PEERS:
        try:
            meta[peer] = __import__(peer).__version__
        except Exception:  # noqa: BLE001 -- reported as absent
            meta[peer] = None
    Path(args.json).write_text(json.dumps({"meta": meta, "rows": rows, "swin_t_pipeline": timing}, indent=1))
    print(f"\nwrote {args.json}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
