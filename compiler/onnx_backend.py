"""tpuc as an ``onnx.backend`` for ONNX's own conformance suite (the node test cases).

``run_case(case)`` compiles one test model with the importer and runs the Top interpreter on each
data set, comparing with the expected outputs at the case's tolerance. Results are one of
``pass``, ``fail`` (wrong numbers or a crash) and ``unsupported`` (an op type or dtype tpuc does not
import, or a runtime value tpuc needs constant), never hidden.

Two normalisations, both exact:

* a case stamped with an opset above tpuc's maximum is re-stamped to that maximum only when every
  op in it has the same schema version at both opsets (so its semantics are unchanged);
* inputs that tpuc requires constant (shapes, axes, pads, ...) are frozen to the data set's values
  when compiling with them as runtime inputs reports that they must be constant; such cases are
  counted as ``pass (frozen inputs)``.
"""

from __future__ import annotations

import collections
from dataclasses import dataclass

import numpy as np
import onnx
from onnx import numpy_helper

from tpuc.compiler.errors import CompileError, UnsupportedOpError
from tpuc.dialects.top import interpreter
from tpuc.lowering.onnx_to_top.importer import MAX_OPSET, MIN_OPSET, check_supported, import_model
from tpuc.lowering.onnx_to_top.registry import load_all


@dataclass
class CaseResult:
    name: str
    op_types: tuple[str, ...]
    status: str  # pass | fail | unsupported
    detail: str = ""
    frozen: bool = False


def _to_array(x):
    if isinstance(x, onnx.TensorProto):
        return numpy_helper.to_array(x)
    return np.asarray(x) if not isinstance(x, (list, dict)) else x


def _same_signature(op_type: str, domain: str, v_new: int, v_old: int) -> bool:
    """True when an op's schemas at two opsets have the same attributes (and defaults) and the
    same inputs/outputs, i.e. they differ at most in the admitted types (checked separately)."""
    try:
        a = onnx.defs.get_schema(op_type, v_new, domain)
        b = onnx.defs.get_schema(op_type, v_old, domain)
    except Exception:
        return False
    if a.since_version == b.since_version:
        return True

    def sig(s):
        attrs = {k: (v.type, v.default_value.SerializeToString()) for k, v in s.attributes.items()}
        return attrs, [(i.name, i.option) for i in s.inputs], [(o.name, o.option) for o in s.outputs]

    return sig(a) == sig(b)


def _restamp(model: onnx.ModelProto) -> onnx.ModelProto | None:
    """The model at an opset tpuc imports if no op's signature differs there, else None.

    The restamped model is checked with ``onnx.checker`` (full check), so an element type the
    older opset does not admit makes the case unsupported rather than silently reinterpreted.
    """
    imp = next((i for i in model.opset_import if i.domain in ("", "ai.onnx")), None)
    if imp is None or MIN_OPSET <= imp.version <= MAX_OPSET:
        return model
    target = MAX_OPSET if imp.version > MAX_OPSET else MIN_OPSET
    for node in model.graph.node:
        if node.domain not in ("", "ai.onnx"):
            continue
        if not _same_signature(node.op_type, node.domain, imp.version, target):
            return None
    m = onnx.ModelProto()
    m.CopyFrom(model)
    for i in m.opset_import:
        if i.domain in ("", "ai.onnx"):
            i.version = target
    try:
        onnx.checker.check_model(m, full_check=True)
    except Exception:
        return None
    return m


def _freeze(model: onnx.ModelProto, inputs: list[np.ndarray], keep: set[str]) -> tuple[onnx.ModelProto, list]:
    """Turn every graph input not in ``keep`` into an initializer with its data-set value."""
    m = onnx.ModelProto()
    m.CopyFrom(model)
    names = [i.name for i in m.graph.input]
    kept_vals = []
    new_inputs = []
    for vi, val in zip(list(m.graph.input), inputs):
        if vi.name in keep:
            new_inputs.append(vi)
            kept_vals.append(val)
        else:
            m.graph.initializer.append(numpy_helper.from_array(np.asarray(val), vi.name))
    del m.graph.input[:]
    m.graph.input.extend(new_inputs)
    _ = names
    return m, kept_vals


def _run_once(model, inputs, outputs, rtol, atol, deploy: str | None = None) -> str:
    shapes = [list(np.asarray(x).shape) for x in inputs]
    module, store = import_model(model, shapes if shapes else None)
    module.verify()
    if deploy is not None:  # lower to the Tpu dialect; the Tpu interpreter runs instead
        from tpuc.compiler.weights import attach_store
        from tpuc.lowering.top_to_tpu.convert import lower_module

        attach_store(module, store)
        lower_module(module, deploy)
        module.verify()
    got = interpreter.run(module, store, [np.asarray(x) for x in inputs])
    if len(got) != len(outputs):
        return f"{len(got)} outputs, expected {len(outputs)}"
    for k, (g, e) in enumerate(zip(got, outputs)):
        e = np.asarray(e)
        g = np.asarray(g)
        if g.shape != e.shape:
            return f"output {k}: shape {list(g.shape)} vs expected {list(e.shape)}"
        if g.dtype != e.dtype:
            return f"output {k}: dtype {g.dtype} vs expected {e.dtype}"
        if e.dtype.kind in "biuUSO":
            if not np.array_equal(g, e):
                return f"output {k}: values differ"
        else:
            try:
                np.testing.assert_allclose(g.astype(np.float64), e.astype(np.float64), rtol=rtol, atol=atol,
                                           equal_nan=True)
            except AssertionError as err:
                lines = [ln for ln in str(err).splitlines() if "Max" in ln]
                return f"output {k}: " + "; ".join(lines)[:200]
    return ""


def _named_inputs(msg: str, names: list[str]) -> set[str]:
    return {n for n in names if f"'{n}'" in msg}


def _run_frozen(model, inputs, outputs, case, msg: str, deploy: str | None = None) -> tuple[str, str]:
    """Freeze the inputs the error names (or every non-float input), retrying while tpuc asks."""
    names = [vi.name for vi in model.graph.input]
    frozen = _named_inputs(msg, names) or {n for n, x in zip(names, inputs) if np.asarray(x).dtype.kind != "f"}
    for _ in range(len(names) + 1):
        m, kept = _freeze(model, inputs, set(names) - frozen)
        try:
            with np.errstate(all="ignore"):
                detail = _run_once(m, kept, outputs, case.rtol, case.atol, deploy)
        except CompileError as e:
            more = _named_inputs(str(e), names) - frozen
            if ("must be a constant" in str(e) or "depends on runtime values" in str(e)) and more:
                frozen |= more
                continue
            return "unsupported", f"compile error: {e}"[:300]
        except Exception as e:  # noqa: BLE001 -- a crash is a failure we report
            return "fail", f"{type(e).__name__}: {e}"[:300]
        return ("fail", detail) if detail else ("pass", "")
    return "unsupported", "inputs must be constant"


def run_case(case, deploy: str | None = None) -> CaseResult:
    """Compile and run one ``onnx.backend.test`` node case through import + the Top interpreter
    (``deploy="F32"``: import, lowering to the Tpu dialect and the Tpu interpreter)."""
    model = case.model
    op_types = tuple(sorted({n.op_type for n in model.graph.node}))
    res = CaseResult(case.name, op_types, "fail")
    try:
        check_supported(model, load_all())
    except UnsupportedOpError as e:
        res.status, res.detail = "unsupported", str(e)
        return res
    stamped = _restamp(model)
    if stamped is None:
        res.status, res.detail = "unsupported", f"opset outside {MIN_OPSET}-{MAX_OPSET} with a different op signature"
        return res
    model = stamped
    for vi in list(model.graph.input) + list(model.graph.output):
        if vi.type.HasField("tensor_type") and vi.type.tensor_type.elem_type in (
                onnx.TensorProto.STRING, onnx.TensorProto.COMPLEX64, onnx.TensorProto.COMPLEX128):
            res.status, res.detail = "unsupported", "string/complex dtype"
            return res
        if not vi.type.HasField("tensor_type"):
            res.status, res.detail = "unsupported", "non-tensor input/output (sequence/optional)"
            return res
    for inputs, outputs in case.data_sets:
        inputs = [_to_array(x) for x in inputs]
        outputs = [_to_array(x) for x in outputs]
        try:
            with np.errstate(all="ignore"):
                detail = _run_once(model, inputs, outputs, case.rtol, case.atol, deploy)
        except UnsupportedOpError as e:
            res.status, res.detail = "unsupported", str(e)
            return res
        except CompileError as e:
            msg = str(e)
            if "must be a constant" in msg or "depends on runtime values" in msg:
                # tpuc needs some inputs constant: compile with those frozen to this data set.
                status, detail = _run_frozen(model, inputs, outputs, case, msg, deploy)
                if status != "pass":
                    res.status, res.detail = status, detail
                    return res
                res.frozen = True
            elif "unsupported element type" in msg or "has no Top element type" in msg:
                res.status, res.detail = "unsupported", msg
                return res
            elif "not supported" in msg:
                res.status, res.detail = "unsupported", msg[:300]
                return res
            else:
                res.status, res.detail = "fail", f"compile error: {msg}"[:300]
                return res
        except Exception as e:  # noqa: BLE001 -- a crash is a failure we report
            msg = f"{type(e).__name__}: {e}"
            if "has no Top element type" in msg or "has no numpy dtype" in msg:
                res.status, res.detail = "unsupported", msg[:300]
            else:
                res.status, res.detail = "fail", msg[:300]
            return res
        if detail:
            res.status, res.detail = "fail", detail
            return res
    res.status = "pass"
    return res


def node_cases():
    from onnx.backend.test.case.node import collect_testcases

    return [c for c in collect_testcases() if c.kind == "node"]


def summarize(results: list[CaseResult]) -> dict[str, collections.Counter]:
    """Counts per op type (multi-op ``_expanded`` cases count under their test's op name)."""
    table: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    for r in results:
        key = r.op_types[0] if len(r.op_types) == 1 else "(expanded) " + r.name.split("_expanded")[0][5:]
        table[key][r.status] += 1
        if r.frozen:
            table[key]["frozen"] += 1
    return table
