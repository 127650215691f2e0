"""The pass registry: CLI name -> lazy factory (start-up stays fast), and named pipelines."""

from __future__ import annotations

from collections.abc import Callable

from xdsl.passes import ModulePass


def _xdsl(name: str) -> Callable[[], type[ModulePass]]:
    def load():
        from xdsl.transforms import get_all_passes

        return get_all_passes()[name]()

    return load


def _top_dce():
    from tpuc.dialects.top.transforms.dce import TopDCEPass

    return TopDCEPass


def _top_canonicalize():
    from tpuc.dialects.top.transforms.canonicalize import TopCanonicalizePass

    return TopCanonicalizePass


def _top_cse():
    from tpuc.dialects.top.transforms.cse import TopCSEPass

    return TopCSEPass


def _top_slice_to_conv():
    from tpuc.dialects.top.transforms.slice_to_conv import TopSliceToConvPass

    return TopSliceToConvPass


def _top_verify_shapes():
    from tpuc.dialects.top.transforms.verify_shapes import TopVerifyShapesPass

    return TopVerifyShapesPass


def _convert_top_to_tpu():
    from tpuc.lowering.top_to_tpu.convert import ConvertTopToTpuPass

    return ConvertTopToTpuPass


#: every pass ``tpuc opt -p`` and the drivers know, by CLI name
PASSES: dict[str, Callable[[], type[ModulePass]]] = {
    "canonicalize": _xdsl("canonicalize"),
    "convert-top-to-tpu": _convert_top_to_tpu,
    "top-canonicalize": _top_canonicalize,
    "top-cse": _top_cse,
    "top-dce": _top_dce,
    "top-slice-to-conv": _top_slice_to_conv,
    "top-verify-shapes": _top_verify_shapes,
}

#: named pipelines run by the drivers
PIPELINES: dict[str, str] = {
    # Import already folds every constant/shape computation; this cleans up what remains.
    "transform": "top-cse,top-canonicalize,top-verify-shapes",
}


def available() -> dict[str, Callable[[], type[ModulePass]]]:
    return dict(PASSES)
