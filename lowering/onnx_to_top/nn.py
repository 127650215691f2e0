"""ONNX converters: nn family (Conv, ConvTranspose, MatMul, Gemm, pooling, normalisations,
Softmax, Resize/Upsample, Einsum).

Attribute conventions are resolved here so the Top ops stay simple: ``auto_pad`` and
ConvTranspose's ``output_shape`` become explicit ``pads``; Resize's ``axes``, ``sizes`` and
``keep_aspect_ratio_policy`` become a full-rank ``target_shape`` plus ``scales``; Gemm's
``alpha``/``beta``/``transB`` are folded into constant weights where possible.
"""

from __future__ import annotations

import numpy as np

from tpuc.dialects.top.ops import elementwise as E
from tpuc.dialects.top.ops import nn as N
from tpuc.dialects.top.ops import reduce as R
from tpuc.lowering.onnx_to_top.registry import converter

# ------------------------------------------------------------------------------------ helpers


def _ints(v) -> list[int]:
    """An int or int sequence/array as a list of Python ints."""
    return [int(x) for x in np.asarray(v).reshape(-1)]


def _const_ints(ctx, name: str, what: str) -> list[int]:
    """A constant integer input as a list of Python ints (CompileError if not constant)."""
    return _ints(ctx.need_const(name, what))


def _present(ctx, name: str) -> bool:
    """An optional input that is given and not an empty tensor."""
    if not name:
        return False
    c = ctx.const(name)
    return c is None or c.size > 0


def _axis(ctx, axis: int, rank: int, what: str = "axis") -> int:
    """``axis`` in ``[-rank, rank)`` -> ``[0, rank)``, else a CompileError."""
    axis = int(axis)
    if not -rank <= axis < max(rank, 1):
        raise ctx.error(f"{what} {axis} is out of range for rank {rank}")
    return axis + rank if axis < 0 else axis


def _window(ctx, node, in_sp, kernel) -> tuple[list[int], list[int], list[int]]:
    """``strides``, ``dilations`` and explicit ``pads`` of a conv/pool node (auto_pad resolved:
    SAME_* gives output ``ceil(in / stride)``, the odd extra pad at the end for SAME_UPPER and at
    the beginning for SAME_LOWER)."""
    nd = len(in_sp)
    s = _ints(node.attr("strides", [1] * nd))
    d = _ints(node.attr("dilations", [1] * nd))
    if len(s) != nd or len(d) != nd or len(kernel) != nd:
        raise ctx.error(f"kernel_shape {list(kernel)}, strides {s}, dilations {d} must have {nd} entries")
    auto = node.attr("auto_pad", "NOTSET") or "NOTSET"
    if auto == "NOTSET":
        pads = _ints(node.attr("pads", [0] * (2 * nd)))
        if len(pads) != 2 * nd:
            raise ctx.error(f"pads {pads} must have {2 * nd} entries")
    elif auto == "VALID":
        pads = [0] * (2 * nd)
    elif auto in ("SAME_UPPER", "SAME_LOWER"):
        begin, end = [], []
        for i in range(nd):
            out = -(-in_sp[i] // s[i])
            total = max(0, (out - 1) * s[i] + (kernel[i] - 1) * d[i] + 1 - in_sp[i])
            small = total // 2
            begin.append(small if auto == "SAME_UPPER" else total - small)
            end.append(total - small if auto == "SAME_UPPER" else small)
        pads = begin + end
    else:
        raise ctx.error(f"unsupported auto_pad '{auto}'")
    return s, d, pads


# ------------------------------------------------------------------------------- convolution


@converter("Conv")
def convert_conv(ctx, node):
    """Conv -> top.Conv (1-D/2-D/3-D, groups, dilations; auto_pad resolved to pads; the kernel
    shape defaults to the filter's)."""
    x, w, b = node.input(0), node.input(1), node.input(2)
    xs, ws = ctx.shape(x), ctx.shape(w)
    if len(xs) < 3:
        raise ctx.error(f"Conv input must be [N, C, spatial...], got {list(xs)}")
    k = _ints(node.attr("kernel_shape", ws[2:]))
    s, d, pads = _window(ctx, node, xs[2:], k)
    props = {"kernel_shape": k, "strides": s, "pads": pads, "dilations": d, "group": int(node.attr("group", 1))}
    ctx.emit(N.ConvOp, [x, w, b or None], props, outs=node.outputs[0])


@converter("ConvTranspose")
def convert_conv_transpose(ctx, node):
    """ConvTranspose -> top.Deconv. ``output_shape`` (and ``auto_pad = SAME_*``, whose output is
    ``input * stride``) become pads as in the ONNX spec and onnxruntime: the total padding is
    split evenly, an odd one goes to the end for SAME_UPPER and to the beginning otherwise. An
    ``output_shape`` up to ``stride - 1`` larger than the computed output is zero-filled at the
    end (a negative end pad), anything larger is an error -- both as in onnxruntime."""
    x, w, b = node.input(0), node.input(1), node.input(2)
    xs, ws = ctx.shape(x), ctx.shape(w)
    nd = len(xs) - 2
    if nd < 1:
        raise ctx.error(f"ConvTranspose input must be [N, C, spatial...], got {list(xs)}")
    k = _ints(node.attr("kernel_shape", ws[2:]))
    s = _ints(node.attr("strides", [1] * nd))
    d = _ints(node.attr("dilations", [1] * nd))
    op = _ints(node.attr("output_padding", [0] * nd))
    if len(op) != nd:
        raise ctx.error(f"output_padding {op} must have {nd} entries")
    auto = node.attr("auto_pad", "NOTSET") or "NOTSET"
    out_shape = node.attr("output_shape")
    if out_shape is not None:
        out_shape = _ints(out_shape)
        if len(out_shape) == nd + 2:
            out_shape = out_shape[2:]
        if len(out_shape) != nd:
            raise ctx.error(f"output_shape {out_shape} must have {nd} entries")
    same = out_shape is None and auto in ("SAME_UPPER", "SAME_LOWER")
    if same:
        out_shape = [xs[2 + i] * s[i] for i in range(nd)]
    if out_shape is not None:
        begin, end = [], []
        for i in range(nd):
            full = s[i] * (xs[2 + i] - 1) + op[i] + (k[i] - 1) * d[i] + 1
            total = full - out_shape[i]
            if total < 0 and same:
                total = 0  # a kernel smaller than the stride: onnxruntime clamps the padding to 0
            if total < 0:
                # onnxruntime accepts a larger output_shape only within one stride (as if the
                # input were a little longer): zeros at the end, i.e. a negative end pad
                if -total >= s[i]:
                    raise ctx.error(f"output_shape {out_shape} does not fit the input: the transposed "
                                    f"convolution produces {full} along spatial axis {i}")
                begin.append(0)
                end.append(total)
                continue
            head = total // 2 if auto == "SAME_UPPER" else total - total // 2
            begin.append(head)
            end.append(total - head)
        pads = begin + end
    elif auto in ("NOTSET", "VALID"):
        pads = _ints(node.attr("pads", [0] * (2 * nd))) if auto == "NOTSET" else [0] * (2 * nd)
    else:
        raise ctx.error(f"unsupported auto_pad '{auto}'")
    props = {"kernel_shape": k, "strides": s, "pads": pads, "dilations": d, "output_padding": op,
             "group": int(node.attr("group", 1))}
    ctx.emit(N.DeconvOp, [x, w, b or None], props, outs=node.outputs[0])


# ------------------------------------------------------------------------------------ matmul


@converter("MatMul")
def convert_matmul(ctx, node):
    """MatMul -> top.MatMul (numpy semantics: 1-D operands, broadcast batch dims)."""
    ctx.emit(N.MatMulOp, [node.input(0), node.input(1), None], outs=node.outputs[0])


@converter("Gemm")
def convert_gemm(ctx, node):
    """Gemm ``alpha * A' B' + beta * C`` -> top.MatMul with ``C`` as bias.

    A constant ``B`` is transposed (``transB``) and scaled by ``alpha`` into a new weight; a
    constant ``C`` is scaled by ``beta``. Otherwise ``transA``/``transB`` become
    ``left_transpose``/``right_transpose`` and ``alpha``/``beta`` explicit top.Mul ops.
    """
    a, b, c = node.input(0), node.input(1), node.input(2)
    alpha, beta = float(node.attr("alpha", 1.0)), float(node.attr("beta", 1.0))
    ta, tb = bool(node.attr("transA", 0)), bool(node.attr("transB", 0))
    dt = ctx.dtype(a)
    out = node.outputs[0]
    if len(ctx.shape(a)) != 2 or len(ctx.shape(b)) != 2:
        raise ctx.error(f"Gemm needs 2-D A and B, got {list(ctx.shape(a))} and {list(ctx.shape(b))}")
    bc = ctx.const(b)
    post_alpha = alpha != 1.0
    right, rt = b, tb
    if bc is not None and (tb or alpha != 1.0):
        wb = bc.T if tb else bc
        if alpha != 1.0:
            wb = wb * np.asarray(alpha, wb.dtype)
            post_alpha = False
        right, rt = ctx.fresh(b + ("_scaled" if alpha != 1.0 else "_transposed")), False
        ctx.set_const(right, np.ascontiguousarray(wb.astype(dt, copy=False)))
    bias = None
    if c and beta != 0.0:
        cc = ctx.const(c)
        if cc is not None and beta != 1.0:
            bias = ctx.fresh(c + "_scaled")
            ctx.set_const(bias, (cc * np.asarray(beta, cc.dtype)).astype(cc.dtype))
        elif cc is not None:
            bias = c
        elif beta != 1.0:
            bias = ctx.emit(E.MulOp, [c, np.asarray(beta, dt)], outs=ctx.fresh(out + "_beta"))[0]
        else:
            bias = c
    props = {"left_transpose": ta or None, "right_transpose": rt or None}
    if not post_alpha:
        ctx.emit(N.MatMulOp, [a, right, bias], props, outs=out)
        return
    prod = ctx.emit(N.MatMulOp, [a, right, None], props, outs=ctx.fresh(out + "_matmul"))[0]
    if bias is None:
        ctx.emit(E.MulOp, [prod, np.asarray(alpha, dt)], outs=out)
        return
    scaled = ctx.emit(E.MulOp, [prod, np.asarray(alpha, dt)], outs=ctx.fresh(out + "_alpha"))[0]
    ctx.emit(E.AddOp, [scaled, bias], outs=out)


# ----------------------------------------------------------------------------------- pooling


def _pool_props(ctx, node, xs):
    """Properties shared by top.MaxPool/AvgPool from a pooling node (``ceil_mode`` applies with
    explicit pads and with ``auto_pad=VALID`` (zero pads), as onnxruntime; SAME_* fix the size)."""
    nd = len(xs) - 2
    if nd < 1:
        raise ctx.error(f"pooling input must be [N, C, spatial...], got {list(xs)}")
    k = node.attr("kernel_shape")
    if k is None:
        raise ctx.error("pooling needs kernel_shape")
    k = _ints(k)
    s, d, pads = _window(ctx, node, xs[2:], k)
    auto = node.attr("auto_pad", "NOTSET") or "NOTSET"
    ceil = bool(node.attr("ceil_mode", 0)) and auto in ("NOTSET", "VALID")  # VALID: zero pads, ceil applies
    return {"kernel_shape": k, "strides": s, "pads": pads, "dilations": d if any(v != 1 for v in d) else None,
            "ceil_mode": ceil or None}


@converter("MaxPool")
def convert_max_pool(ctx, node):
    """MaxPool -> top.MaxPool, or top.MaxPoolWithMask when the ``Indices`` output is used
    (``storage_order`` honoured)."""
    x = node.input(0)
    props = _pool_props(ctx, node, ctx.shape(x))
    if len(node.outputs) > 1 and node.outputs[1]:
        props["storage_order"] = int(node.attr("storage_order", 0)) or None
        ctx.emit(N.MaxPoolWithMaskOp, [x], props, outs=[node.outputs[0] or ctx.fresh(node.outputs[1] + "_values"),
                                                       node.outputs[1]])
        return
    ctx.emit(N.MaxPoolOp, [x], props, outs=node.outputs[0])


@converter("AveragePool")
def convert_avg_pool(ctx, node):
    """AveragePool -> top.AvgPool (``count_include_pad``, ``ceil_mode``, dilations)."""
    x = node.input(0)
    props = _pool_props(ctx, node, ctx.shape(x))
    props["count_include_pad"] = bool(node.attr("count_include_pad", 0)) or None
    ctx.emit(N.AvgPoolOp, [x], props, outs=node.outputs[0])


@converter("GlobalAveragePool", "GlobalMaxPool")
def convert_global_pool(ctx, node):
    """GlobalAveragePool/GlobalMaxPool -> top.AvgPool/top.MaxPool with the whole spatial extent
    as the kernel (as tpu-mlir imports them)."""
    x = node.input(0)
    xs = ctx.shape(x)
    nd = len(xs) - 2
    if nd < 1:
        raise ctx.error(f"global pooling input must be [N, C, spatial...], got {list(xs)}")
    props = {"kernel_shape": list(xs[2:]), "strides": [1] * nd, "pads": [0] * (2 * nd)}
    cls = N.AvgPoolOp if node.op_type == "GlobalAveragePool" else N.MaxPoolOp
    ctx.emit(cls, [x], props, outs=node.outputs[0])


# ---------------------------------------------------------------------------- normalisation


@converter("BatchNormalization")
def convert_batch_norm(ctx, node):
    """BatchNormalization (inference) -> top.BatchNorm. ``training_mode = 1`` and the legacy
    ``spatial = 0`` are rejected; the optional running-mean/var outputs of inference mode are the
    unchanged inputs."""
    if node.attr("training_mode", 0):
        raise ctx.error("BatchNormalization with training_mode = 1 is not supported (tpuc compiles inference)")
    if node.opset < 9 and not node.attr("spatial", 1):
        raise ctx.error("BatchNormalization with spatial = 0 is not supported")
    x, scale, bias, mean, var = (node.input(i) for i in range(5))
    outs = node.outputs
    if len(outs) > 3 and any(outs[3:]):
        raise ctx.error("BatchNormalization saved_mean/saved_var outputs exist only in training")
    ctx.emit(N.BatchNormOp, [x, mean, var, scale, bias], {"epsilon": float(node.attr("epsilon", 1e-5))},
             outs=outs[0])
    for o, src in zip(outs[1:3], (mean, var)):
        if o:
            ctx.alias(o, src)


@converter("InstanceNormalization")
def convert_instance_norm(ctx, node):
    """InstanceNormalization -> top.InstanceNorm."""
    ctx.emit(N.InstanceNormOp, [node.input(0), node.input(1), node.input(2)],
             {"eps": float(node.attr("epsilon", 1e-5))}, outs=node.outputs[0])


@converter("LayerNormalization")
def convert_layer_norm(ctx, node):
    """LayerNormalization -> top.LayerNorm; the optional Mean and InvStdDev outputs (float32,
    reduced axes kept as 1) are computed by top.Reduce and elementwise ops."""
    x, w, b = node.input(0), node.input(1), node.input(2)
    rank = len(ctx.shape(x))
    axis = _axis(ctx, node.attr("axis", -1), rank)
    eps = float(node.attr("epsilon", 1e-5))
    outs = node.outputs
    ctx.emit(N.LayerNormOp, [x, w, b or None], {"axis": axis, "eps": eps}, outs=outs[0] or ctx.fresh(outs[1] + "_y"))
    mean_out = outs[1] if len(outs) > 1 else ""
    rstd_out = outs[2] if len(outs) > 2 else ""
    if not mean_out and not rstd_out:
        return
    xf = x
    if ctx.dtype(x) != np.float32:
        xf = ctx.emit(E.CastOp, [x], {"to": E.cast_name(np.float32)}, outs=ctx.fresh(x + "_f32"))[0]
    axes = list(range(axis, rank))
    red = {"axes": axes, "keepdims": True, "mode": "ReduceMean"}
    mean = ctx.emit(R.ReduceOp, [xf], red, outs=mean_out or ctx.fresh(outs[0] + "_mean"))[0]
    if not rstd_out:
        return
    diff = ctx.emit(E.SubOp, [xf, mean], outs=ctx.fresh(outs[0] + "_centered"))[0]
    sq = ctx.emit(E.MulOp, [diff, diff], outs=ctx.fresh(outs[0] + "_sq"))[0]
    var = ctx.emit(R.ReduceOp, [sq], red, outs=ctx.fresh(outs[0] + "_var"))[0]
    ve = ctx.emit(E.AddOp, [var, np.asarray(eps, np.float32)], outs=ctx.fresh(outs[0] + "_var_eps"))[0]
    std = ctx.emit(E.SqrtOp, [ve], outs=ctx.fresh(outs[0] + "_std"))[0]
    ctx.emit(E.ReciprocalOp, [std], outs=rstd_out)


@converter("GroupNormalization")
def convert_group_norm(ctx, node):
    """GroupNormalization -> top.GroupNorm (per-channel scale/bias, opset 21). Opset 18's
    per-group scale/bias must be constant and are expanded to per-channel."""
    x, w, b = node.input(0), node.input(1), node.input(2)
    g = int(node.attr("num_groups"))
    xs = ctx.shape(x)
    if len(xs) < 2 or g <= 0 or xs[1] % g:
        raise ctx.error(f"num_groups {g} must divide the channels of {list(xs)}")
    if node.opset < 21:
        per = xs[1] // g
        expanded = []
        for name, what in ((w, "scale"), (b, "bias")):
            expanded.append(np.repeat(ctx.need_const(name, f"the per-group {what} (opset 18)"), per))
        w, b = expanded
    ctx.emit(N.GroupNormOp, [x, w, b], {"num_groups": g, "eps": float(node.attr("epsilon", 1e-5))},
             outs=node.outputs[0])


@converter("LRN")
def convert_lrn(ctx, node):
    """LRN -> top.LRN."""
    props = {"size": int(node.attr("size")), "alpha": float(node.attr("alpha", 1e-4)),
             "beta": float(node.attr("beta", 0.75)), "bias": float(node.attr("bias", 1.0))}
    ctx.emit(N.LRNOp, [node.input(0)], props, outs=node.outputs[0])


@converter("MeanVarianceNormalization")
def convert_mvn(ctx, node):
    """MeanVarianceNormalization -> top.MeanVarianceNormalization (default axes [0, 2, 3])."""
    x = node.input(0)
    rank = len(ctx.shape(x))
    axes = sorted({_axis(ctx, a, rank) for a in node.attr("axes", [0, 2, 3])})
    ctx.emit(N.MeanVarianceNormalizationOp, [x], {"axes": axes}, outs=node.outputs[0])


# ---------------------------------------------------------------------------------- softmax


@converter("Softmax", "LogSoftmax", "Hardmax")
def convert_softmax(ctx, node):
    """Softmax/LogSoftmax -> top.Softmax (``log`` for LogSoftmax), Hardmax -> top.Hardmax.
    Before opset 13 the input is coerced to 2-D at ``axis`` (default 1): ``coerce_2d``, needed
    only when ``axis`` is not the last axis."""
    x = node.input(0)
    rank = len(ctx.shape(x))
    legacy = node.opset < 13
    axis = _axis(ctx, node.attr("axis", 1 if legacy else -1), rank)
    props = {"axis": axis, "coerce_2d": (legacy and axis < rank - 1) or None}
    if node.op_type == "Hardmax":
        ctx.emit(N.HardmaxOp, [x], props, outs=node.outputs[0])
        return
    props["log"] = node.op_type == "LogSoftmax" or None
    ctx.emit(N.SoftmaxOp, [x], props, outs=node.outputs[0])


# ----------------------------------------------------------------------------------- resize


def _scaled_dim(dim: int, scale: float) -> int:
    """``floor(dim * scale)`` in float32, as onnxruntime computes it (``0.7 * 10`` is 7, not 6)."""
    return int(np.floor(np.float32(scale) * np.float32(dim)))


def _emit_interp(ctx, node, x, out_shape, scales, mode, coord, nearest="round_prefer_floor", roi=None):
    """Check the resize modes and emit top.Interp (Resize-11+ attributes included when present)."""
    if mode not in N.INTERP_MODES:
        raise ctx.error(f"unsupported resize mode '{mode}'")
    if coord not in N.COORD_MODES:
        raise ctx.error(f"unsupported coordinate_transformation_mode '{coord}'")
    if nearest not in N.NEAREST_MODES:
        raise ctx.error(f"unsupported nearest_mode '{nearest}'")
    if any(s <= 0 for s in scales):
        raise ctx.error(f"scales {scales} must be positive")
    props = {
        "mode": mode, "coord_mode": coord, "target_shape": [int(v) for v in out_shape],
        "scales": [float(v) for v in scales],
        "nearest_mode": nearest if mode == "nearest" else None,
        "roi": [float(v) for v in roi] if coord == "tf_crop_and_resize" else None,
    }
    if node.op_type == "Resize" and node.opset >= 11:
        if mode == "cubic":
            props["cubic_coeff_a"] = float(node.attr("cubic_coeff_a", -0.75))
        props["exclude_outside"] = bool(node.attr("exclude_outside", 0)) or None
        if coord == "tf_crop_and_resize":
            props["extrapolation_value"] = float(node.attr("extrapolation_value", 0.0))
        if mode != "nearest":
            props["antialias"] = bool(node.attr("antialias", 0)) or None
    ctx.emit(N.InterpOp, [x], props, outs=node.outputs[0])


@converter("Resize")
def convert_resize(ctx, node):
    """Resize -> top.Interp. ``scales`` or ``sizes`` (and ``roi`` for tf_crop_and_resize) must be
    constant; opset 18 ``axes`` and ``keep_aspect_ratio_policy`` are resolved here. Opset 10
    uses asymmetric coordinates and onnxruntime's legacy nearest rounding."""
    x = node.input(0)
    xs = list(ctx.shape(x))
    rank = len(xs)
    mode = node.attr("mode", "nearest")
    if node.opset < 11:
        scales = [float(v) for v in np.asarray(ctx.need_const(node.input(1), "the scales input")).reshape(-1)]
        if len(scales) != rank:
            raise ctx.error(f"scales {scales} need {rank} entries")
        out = [_scaled_dim(d, s) for d, s in zip(xs, scales)]
        _emit_interp(ctx, node, x, out, scales, mode, "asymmetric", "simple")
        return
    roi_name, scales_name, sizes_name = node.input(1), node.input(2), node.input(3)
    axes = node.attr("axes")
    axes = list(range(rank)) if axes is None else [_axis(ctx, a, rank) for a in axes]
    coord = node.attr("coordinate_transformation_mode", "half_pixel")
    scales = [1.0] * rank
    out = list(xs)
    if _present(ctx, sizes_name):
        if _present(ctx, scales_name):
            raise ctx.error("Resize takes scales or sizes, not both")
        sizes = _const_ints(ctx, sizes_name, "the sizes input")
        if len(sizes) != len(axes):
            raise ctx.error(f"sizes {sizes} need {len(axes)} entries")
        policy = node.attr("keep_aspect_ratio_policy", "stretch")
        ratios = [sizes[i] / xs[a] for i, a in enumerate(axes)]
        if policy == "stretch":
            for i, a in enumerate(axes):
                scales[a], out[a] = ratios[i], sizes[i]
        elif policy in ("not_larger", "not_smaller"):
            sc = min(ratios) if policy == "not_larger" else max(ratios)
            for a in axes:
                scales[a], out[a] = sc, int(sc * xs[a] + 0.5)
        else:
            raise ctx.error(f"unsupported keep_aspect_ratio_policy '{policy}'")
    elif _present(ctx, scales_name):
        given = [float(v) for v in np.asarray(ctx.need_const(scales_name, "the scales input")).reshape(-1)]
        if len(given) != len(axes):
            raise ctx.error(f"scales {given} need {len(axes)} entries")
        for i, a in enumerate(axes):
            scales[a], out[a] = given[i], _scaled_dim(xs[a], given[i])
    else:
        raise ctx.error("Resize needs scales or sizes")
    roi = None
    if coord == "tf_crop_and_resize":
        given = [float(v) for v in np.asarray(ctx.need_const(roi_name, "the roi input")).reshape(-1)] \
            if _present(ctx, roi_name) else None
        roi = [0.0] * rank + [1.0] * rank
        if given is not None:
            if len(given) != 2 * len(axes):
                raise ctx.error(f"roi {given} needs {2 * len(axes)} entries")
            for i, a in enumerate(axes):
                roi[a], roi[rank + a] = given[i], given[len(axes) + i]
    _emit_interp(ctx, node, x, out, scales, mode, coord, node.attr("nearest_mode", "round_prefer_floor"), roi)


@converter("Upsample")
def convert_upsample(ctx, node):
    """Upsample (opset 7-9) -> top.Interp with asymmetric coordinates and onnxruntime's legacy
    nearest rounding; ``scales`` is an attribute (7) or a constant input (9)."""
    x = node.input(0)
    xs = ctx.shape(x)
    if node.opset < 9:
        scales = node.attr("scales")
        if scales is None:
            raise ctx.error("Upsample needs scales")
    else:
        scales = ctx.need_const(node.input(1), "the scales input")
    scales = [float(v) for v in np.asarray(scales).reshape(-1)]
    if len(scales) != len(xs):
        raise ctx.error(f"scales {scales} need {len(xs)} entries")
    mode = node.attr("mode", "nearest")
    mode = "linear" if mode in ("bilinear", "trilinear") else mode
    out = [_scaled_dim(d, s) for d, s in zip(xs, scales)]
    _emit_interp(ctx, node, x, out, scales, mode, "asymmetric", "simple")


# ----------------------------------------------------------------------------------- einsum


@converter("Einsum")
def convert_einsum(ctx, node):
    """Einsum -> top.Einsum (the equation becomes ``mode``, as in tpu-mlir)."""
    eq = node.attr("equation")
    if not eq:
        raise ctx.error("Einsum needs an equation")
    ctx.emit(N.EinsumOp, [i for i in node.inputs if i], {"mode": eq.replace(" ", "")}, outs=node.outputs[0])
