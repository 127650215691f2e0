#!/usr/bin/env python3
"""Differential fuzzing of tpuc against onnxruntime, the long run.

Generates random valid ONNX graphs with ``test/fuzz/graphs.py`` (hypothesis), compiles each with
tpuc (import + ``transform`` pipeline + Top interpreter), runs onnxruntime and compares every
graph output (see ``graphs.check_case``). Prints, per ONNX op type, how many graphs containing it
were generated / checked / discarded / ok / unsupported / noise / ort_divergence / mismatches /
crashes, and writes everything as JSON.

Each new bug (by signature: verdict, op type at fault, normalised message) is shrunk by
hypothesis and the minimal graph is printed and saved (``--save-dir``: ``model.onnx``,
``inputs.npz``, ``README.txt`` with the repro command). Later graphs failing with a known
signature are counted, not shrunk again. Forms of ``graphs.KNOWN_BUGS`` are not generated unless
``--include-known``.

    python test/bench/fuzz_differential.py --n 10000 --seed 1 --jobs 2 --minutes 20 --json fuzz.json

Workers run hypothesis in chunks (``--chunk`` graphs, each chunk its own seed derived from
``--seed``, the worker and the chunk index), so a run is reproducible for a given
``--seed/--jobs/--chunk/--n`` as long as no time limit cuts it short.
"""

from __future__ import annotations

import argparse
import collections
import json
import multiprocessing as mp
import os
import re
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "test" / "fuzz"))

COLUMNS = ("generated", "checked", "discard", "ok", "unsupported", "noise", "ort_divergence", "mismatch", "crash")


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "_", text).strip("_")[:80]


def signature(case, res) -> str:
    """A stable identity for a failure: verdict, the op type at fault, the normalised message."""
    if res.kind == "crash":
        first = res.detail.splitlines()[0]
        m = re.search(r"\((\w+)\)", first)
        op = m.group(1) if m else ""
        m2 = re.search(r"interpreting (top\.\w+)", first)
        op = op or (m2.group(1) if m2 else "")
        msg = re.sub(r"'[^']*'", "'_'", first)
        msg = re.sub(r"\d+", "N", msg)
        msg = re.split(r"[(\[]", msg)[0]  # before any shape/list: those change while shrinking
        return f"crash:{op}:{msg[:90].strip()}"
    producers = {o: n.op_type for n in case.model.graph.node for o in n.output}
    out = res.outputs[0] if res.outputs else ""
    what = "shape" if "shape" in res.detail.split(";")[0] else ("dtype" if "dtype" in res.detail else "values")
    what = what if "intermediate" not in res.detail.split(";")[0] else what + "(intermediate)"
    return f"{res.kind}:{producers.get(out, '?')}:{what}"


def _save(case, res, sig: str, dest: Path) -> str:
    import numpy as np
    import onnx

    d = dest / _slug(sig)
    d.mkdir(parents=True, exist_ok=True)
    onnx.save(case.model, d / "model.onnx")
    np.savez(d / "inputs.npz", **case.inputs)
    (d / "README.txt").write_text(
        f"{sig}\n{res.kind}: {res.detail}\n{res.triage}\n\n{case.describe()}\n\nrepro:\n"
        f"  tpuc transform --model-def model.onnx --mlir out.mlir --test-input inputs.npz\n"
        f"  python -c \"import sys; sys.path.insert(0, 'test/fuzz'); import graphs, onnx, numpy as np; "
        f"m = onnx.load('{d}/model.onnx'); x = dict(np.load('{d}/inputs.npz')); "
        f"print(graphs.check_case(graphs.FuzzCase(m, x, [], 0)))\"\n")
    return str(d)


def run_worker(cfg: dict) -> dict:
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis import seed as hseed

    import graphs
    from tpuc.dialects.top.canonicalize import STATS as PATTERN_STATS

    per_op: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    totals: collections.Counter = collections.Counter()
    reasons: dict[str, collections.Counter] = {k: collections.Counter() for k in ("discard", "unsupported")}
    examples: dict[str, list] = {"noise": [], "ort_divergence": []}
    repeats: collections.Counter = collections.Counter()
    failures: list[dict] = []
    known: set[str] = set()
    avoid = frozenset() if cfg["include_known"] else frozenset(graphs.KNOWN_BUGS)
    strategy = graphs.fuzz_cases(max_steps=cfg["max_steps"], avoid=avoid)
    t_end = cfg["t_end"]
    done, chunk = 0, 0
    save_dir = Path(cfg["save_dir"]) if cfg["save_dir"] else None

    while done < cfg["n"] and time.time() < t_end:
        k = min(cfg["chunk"], cfg["n"] - done)
        state: dict = {"count": 0, "sig": None}

        class Found(Exception):
            pass

        def found(sig: str):
            raise Found(sig)  # one raise site: hypothesis tells failures apart by where they are raised

        def body(case):
            if state["sig"] is not None:  # shrinking a new bug: fail only with the same signature
                if time.time() > state["shrink_end"]:
                    return
                res = graphs.check_case(case, deploy=cfg.get("deploy"))
                if res.is_bug and signature(case, res) == state["sig"]:
                    state["last"] = (case, res)
                    found(state["sig"])
                return
            if time.time() > t_end or state["count"] >= k:
                return
            res = graphs.check_case(case, deploy=cfg.get("deploy"))
            state["count"] += 1
            totals["generated"] += 1
            ops = sorted({n.op_type for n in case.model.graph.node})
            for op in ops:
                per_op[op]["generated"] += 1
                per_op[op][res.kind] += 1
                if res.kind != "discard":
                    per_op[op]["checked"] += 1
            totals[res.kind] += 1
            if res.kind != "discard":
                totals["checked"] += 1
            if res.kind in reasons:
                reasons[res.kind][re.sub(r"\d+", "N", res.detail)[:160]] += 1
            if res.kind in examples:
                sig = signature(case, res)
                repeats[sig] += 1
                if sig not in known:  # not a tpuc bug by the triage: record it minimised, do not shrink
                    known.add(sig)
                    small = graphs.minimize(case, lambda c, r: r.kind == res.kind and signature(c, r) == sig,
                                            max_checks=150)
                    rec = {"signature": sig, "detail": res.detail[:300], "triage": res.triage, "ops": ops,
                           "minimal_nodes": len(small.model.graph.node), "model": small.describe()[:4000]}
                    if save_dir is not None:
                        rec["saved"] = _save(small, graphs.check_case(small, deploy=cfg.get("deploy")), sig, save_dir)
                    examples[res.kind].append(rec)
            if res.is_bug:
                sig = signature(case, res)
                repeats[sig] += 1
                if sig in known:
                    return
                known.add(sig)
                state.update(sig=sig, first=(case, res), last=(case, res),
                             shrink_end=time.time() + cfg["shrink_seconds"])
                if cfg["shrink"]:
                    found(sig)

        phases = [Phase.generate] + ([Phase.shrink] if cfg["shrink"] else [])
        test = hseed(cfg["seed"] * 1_000_003 + cfg["worker"] * 10_007 + chunk)(
            settings(max_examples=k, deadline=None, database=None, report_multiple_bugs=False, phases=phases,
                     suppress_health_check=list(HealthCheck), print_blob=False)(given(strategy)(body)))
        try:
            test()
        except BaseException as e:  # noqa: BLE001 -- Found after shrinking, or Flaky and friends
            if os.environ.get("FUZZ_DEBUG"):
                import traceback
                traceback.print_exception(e)
            if isinstance(e, KeyboardInterrupt):
                raise
            if state["sig"] is None:
                failures.append({"signature": "fuzzer-error", "detail": f"{type(e).__name__}: {e}"[:500]})
        if state["sig"] is not None:
            case, res = state["last"]
            if cfg["shrink"]:  # then delta-debug the ONNX graph itself
                sig = state["sig"]
                case = graphs.minimize(case, lambda c, r: r.is_bug and signature(c, r) == sig)
                res = graphs.check_case(case, deploy=cfg.get("deploy"))
            rec = {"signature": state["sig"], "kind": res.kind, "detail": res.detail[:1000], "triage": res.triage,
                   "first_nodes": len(state["first"][0].model.graph.node), "minimal_nodes": len(case.model.graph.node),
                   "opset": case.opset, "model": case.describe()[:6000]}
            if save_dir is not None:
                rec["saved"] = _save(case, res, state["sig"], save_dir)
            failures.append(rec)
        done += state["count"]
        chunk += 1
    return {"per_op": {k: dict(v) for k, v in per_op.items()}, "totals": dict(totals), "failures": failures,
            "repeats": dict(repeats), "reasons": {k: dict(v) for k, v in reasons.items()}, "examples": examples,
            "patterns": dict(PATTERN_STATS)}


def merge(results: list[dict]) -> dict:
    per_op: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    totals: collections.Counter = collections.Counter()
    reasons: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    repeats: collections.Counter = collections.Counter()
    patterns: collections.Counter = collections.Counter()
    failures, examples = [], collections.defaultdict(list)
    seen = set()
    for r in results:
        for op, c in r["per_op"].items():
            per_op[op].update(c)
        totals.update(r["totals"])
        repeats.update(r["repeats"])
        patterns.update(r["patterns"])
        for k, v in r["reasons"].items():
            reasons[k].update(v)
        for k, v in r["examples"].items():
            for ex in v:
                if ex["signature"] not in {e["signature"] for e in examples[k]}:
                    examples[k].append(ex)
        for f in r["failures"]:
            if f.get("signature") not in seen or f.get("signature") == "fuzzer-error":
                seen.add(f.get("signature"))
                failures.append(f)
    return {"totals": dict(totals), "per_op": {k: dict(v) for k, v in sorted(per_op.items())}, "failures": failures,
            "repeats": dict(repeats), "reasons": {k: dict(v.most_common(20)) for k, v in reasons.items()},
            "examples": {k: v[:40] for k, v in examples.items()}, "patterns": dict(patterns)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=10000, help="graphs to generate (in total)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1))
    ap.add_argument("--minutes", type=float, default=None, help="stop generating after this long")
    ap.add_argument("--chunk", type=int, default=250, help="graphs per hypothesis run")
    ap.add_argument("--max-steps", type=int, default=10, help="generator steps per graph")
    ap.add_argument("--no-shrink", dest="shrink", action="store_false")
    ap.add_argument("--shrink-seconds", type=float, default=180.0, help="shrinking budget per new bug")
    ap.add_argument("--deploy", choices=["F32"], default=None,
                    help="also lower to the Tpu dialect and run the Tpu interpreter (tpuc deploy --quantize F32)")
    ap.add_argument("--include-known", action="store_true", help="also generate the forms of graphs.KNOWN_BUGS")
    ap.add_argument("--save-dir", default="fuzz_failures", help="minimal failing graphs go here ('' = none)")
    ap.add_argument("--json", default="fuzz_differential.json")
    args = ap.parse_args()

    t0 = time.time()
    t_end = t0 + args.minutes * 60 if args.minutes else float("inf")
    share = [args.n // args.jobs + (1 if w < args.n % args.jobs else 0) for w in range(args.jobs)]
    cfgs = [{"n": share[w], "seed": args.seed, "worker": w, "chunk": args.chunk, "max_steps": args.max_steps,
             "shrink": args.shrink, "shrink_seconds": args.shrink_seconds, "include_known": args.include_known,
             "save_dir": args.save_dir, "t_end": t_end, "deploy": args.deploy} for w in range(args.jobs)]
    if args.jobs == 1:
        results = [run_worker(cfgs[0])]
    else:
        with mp.get_context("spawn").Pool(args.jobs) as pool:
            results = pool.map(run_worker, cfgs)
    out = merge(results)
    secs = time.time() - t0
    out["settings"] = {k: v for k, v in vars(args).items()} | {"seconds": round(secs, 1)}

    cols = COLUMNS
    print(f"{'op type':<28}" + "".join(f"{c[:10]:>11}" for c in cols))
    for op, c in out["per_op"].items():
        print(f"{op:<28}" + "".join(f"{c.get(k, 0):>11}" for k in cols))
    t = out["totals"]
    print(f"{'TOTAL (graphs)':<28}" + "".join(f"{t.get(k, 0):>11}" for k in cols))
    print(f"\n{t.get('generated', 0)} graphs in {secs:.0f} s ({args.jobs} jobs, seed {args.seed}); "
          f"{len(out['failures'])} distinct failure signature(s)")
    for kind in ("discard", "unsupported"):
        for reason, n in list(out["reasons"].get(kind, {}).items())[:5]:
            print(f"  {kind} {n}x: {reason}")
    for f in out["failures"]:
        print(f"\n=== {f['signature']} (seen {out['repeats'].get(f['signature'], 0)}x; shrunk "
              f"{f.get('first_nodes')} -> {f.get('minimal_nodes')} nodes) {f.get('saved', '')}")
        print(f.get("detail", "")[:400])
        if f.get("triage"):
            print(f["triage"])
        print(f.get("model", "")[:2500])
    Path(args.json).write_text(json.dumps(out, indent=1, default=str))
    for kind in ("ort_divergence", "noise"):
        for ex in out["examples"].get(kind, []):
            print(f"\n--- {kind} (not counted as a tpuc bug): {ex['signature']} (seen "
                  f"{out['repeats'].get(ex['signature'], 0)}x) {ex.get('saved', '')}")
            print(ex["detail"][:300])
            print(ex.get("triage", ""))
            print(ex.get("model", "")[:1500])
    print(f"\nwrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
