"""Top ops of the nn family: convolution, matmul, pooling, normalisations, softmax, resize, einsum.

Layout is NCHW (N, C, spatial...) throughout, as in ONNX and tpu-mlir; 1-D, 2-D and 3-D spatial
ranks are supported wherever ONNX allows them. Property names follow tpu-mlir's ``TopOps.td``
(``kernel_shape``, ``strides``, ``pads`` = ``[begin..., end...]``, ``group``, ``dilations``,
``do_relu``, ``epsilon``/``eps`` ...).

Reference semantics (``compute``) are vectorised numpy: convolutions are an im2col
(``sliding_window_view``) followed by one batched matmul per group, pooling loops over the few
kernel taps with whole-tensor slices, never over pixels. Half-precision inputs are computed in
float32 and rounded back; float32 stays float32 (BLAS sgemm accumulates like onnxruntime's MLAS).
"""

from __future__ import annotations

import itertools
import math

import ml_dtypes
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from xdsl.dialects.builtin import DenseArrayBase, FloatAttr, IntegerAttr, StringAttr
from xdsl.irdl import (
    irdl_op_definition,
    operand_def,
    opt_prop_def,
    prop_def,
    result_def,
    traits_def,
    var_operand_def,
)
from xdsl.traits import Pure
from xdsl.utils.exceptions import VerifyException

from tpuc.dialects.top.base import TopOp, dtype_of, is_float, is_none, shape_of, tensor_type

# ------------------------------------------------------------------------------------ helpers

_HALF = (np.dtype(np.float16), np.dtype(ml_dtypes.bfloat16))


def _up(x: np.ndarray | None) -> np.ndarray | None:
    """Half-precision -> float32 (numpy's float16 matmul is slow and imprecise)."""
    if x is None:
        return None
    return x.astype(np.float32) if x.dtype in _HALF else x


def _norm_axis(axis: int, rank: int, what: str = "axis") -> int:
    """``axis`` in ``[-rank, rank)`` -> ``[0, rank)``, else a VerifyException."""
    if not -rank <= axis < max(rank, 1):
        raise VerifyException(f"{what} {axis} is out of range for rank {rank}")
    return axis + rank if axis < 0 else axis


def _contig(x: np.ndarray) -> np.ndarray:
    """C-contiguous ``x`` keeping 0-d arrays 0-d (``np.ascontiguousarray`` makes them 1-d)."""
    x = np.asarray(x)
    return x if x.flags.c_contiguous else x.copy()


def _relu(op: TopOp, out: np.ndarray) -> np.ndarray:
    """Apply the op's ``do_relu`` flag."""
    return np.maximum(out, 0).astype(out.dtype, copy=False) if op.p("do_relu", False) else out


def _pad_or_crop(x: np.ndarray, begins, ends, value=0) -> np.ndarray:
    """Pad the trailing ``len(begins)`` axes of ``x`` by ``begins``/``ends``; negative amounts crop."""
    nd = len(begins)
    lead = x.ndim - nd
    if any(b < 0 for b in begins) or any(e < 0 for e in ends):
        sl = [slice(None)] * lead + [slice(max(-b, 0), x.shape[lead + i] - max(-e, 0))
                                     for i, (b, e) in enumerate(zip(begins, ends))]
        x = x[tuple(sl)]
    widths = [(0, 0)] * lead + [(max(b, 0), max(e, 0)) for b, e in zip(begins, ends)]
    if any(w != (0, 0) for w in widths):
        x = np.pad(x, widths, constant_values=value)
    return x


class _SpatialMixin:
    """Accessors shared by convolution and pooling ops: per-axis kernel/stride/pad/dilation."""

    def spatial_params(self, nd: int):
        """``(kernel, strides, pads_begin, pads_end, dilations)`` for ``nd`` spatial axes, checked."""
        k = list(self.p("kernel_shape"))
        s = list(self.p("strides", (1,) * nd))
        pads = list(self.p("pads", (0,) * (2 * nd)))
        d = list(self.p("dilations", (1,) * nd))
        if not (len(k) == len(s) == len(d) == nd and len(pads) == 2 * nd):
            raise VerifyException(
                f"{self.name}: kernel_shape {k}, strides {s}, dilations {d} must have {nd} entries and "
                f"pads {pads} {2 * nd} for a {nd}-D spatial input")
        if any(v <= 0 for v in k + s + d):
            raise VerifyException(f"{self.name}: kernel_shape, strides and dilations must be positive")
        return k, s, pads[:nd], pads[nd:], d


def conv_out_dim(in_: int, k: int, s: int, pb: int, pe: int, d: int) -> int:
    """Output length of a convolution/pooling window along one axis (floor mode)."""
    return (in_ + pb + pe - d * (k - 1) - 1) // s + 1


def pool_out_dim(in_: int, k: int, s: int, pb: int, pe: int, d: int, ceil_mode: bool) -> int:
    """Pool output length; ``ceil_mode`` rounds up but drops a window starting in the end padding."""
    num = in_ + pb + pe - d * (k - 1) - 1
    if not ceil_mode:
        return num // s + 1
    out = -(-num // s) + 1
    if (out - 1) * s >= in_ + pb:
        out -= 1
    return out


# --------------------------------------------------------------------------------- convolution


def _windows(xp: np.ndarray, k, s, d) -> np.ndarray:
    """Strided, dilated windows of a padded [N, C, *P] array: a view [N, C, *O, *K]."""
    nd = len(k)
    ext = [dd * (kk - 1) + 1 for kk, dd in zip(k, d)]
    win = sliding_window_view(xp, ext, axis=tuple(range(2, 2 + nd)))
    return win[(slice(None), slice(None)) + tuple(slice(None, None, ss) for ss in s)
               + tuple(slice(None, None, dd) for dd in d)]


_IM2COL_LIMIT = 1 << 25  # elements of one im2col chunk (128 MiB of f32)


def conv_nd(x: np.ndarray, w: np.ndarray, b: np.ndarray | None, strides, pads_b, pads_e, dilations,
            group: int) -> np.ndarray:
    """N-D grouped convolution (cross-correlation), ONNX Conv semantics, via im2col + matmul."""
    nd = x.ndim - 2
    n, c = x.shape[:2]
    oc = w.shape[0]
    k = w.shape[2:]
    g = group
    cg, ocg = c // g, oc // g
    kk = int(np.prod(k))
    xp = _pad_or_crop(x, pads_b, pads_e)
    win = _windows(xp, k, strides, dilations)  # [N, C, *O, *K]
    out_sp = win.shape[2:2 + nd]
    win = win.reshape((n, g, cg) + win.shape[2:])  # [N, G, Cg, *O, *K]
    wm = w.reshape(g, ocg, cg * kk).transpose(0, 2, 1)  # [G, Cg*K, OCg]
    perm = (1, 0) + tuple(range(3, 3 + nd)) + (2,) + tuple(range(3 + nd, 3 + 2 * nd))
    # chunk along the first output spatial axis so the im2col buffer stays bounded
    rest = int(np.prod(out_sp[1:])) if nd > 1 else 1
    per_row = g * n * rest * cg * kk
    rows = max(1, _IM2COL_LIMIT // max(per_row, 1))
    parts = []
    for r0 in range(0, out_sp[0], rows):
        chunk = win[:, :, :, r0:r0 + rows]
        o0 = chunk.shape[3]
        cols = chunk.transpose(perm).reshape(g, n * o0 * rest, cg * kk)
        res = np.matmul(cols, wm)  # [G, N*o0*rest, OCg]
        res = res.reshape((g, n, o0) + tuple(out_sp[1:]) + (ocg,))
        parts.append(res)
    res = parts[0] if len(parts) == 1 else np.concatenate(parts, axis=2)
    # [G, N, *O, OCg] -> [N, G, OCg, *O]
    res = res.transpose((1, 0, 2 + nd) + tuple(range(2, 2 + nd))).reshape((n, oc) + tuple(out_sp))
    if b is not None:
        res = res + b.reshape((1, oc) + (1,) * nd)
    return _contig(res)


def deconv_nd(x: np.ndarray, w: np.ndarray, b: np.ndarray | None, strides, pads_b, pads_e, dilations,
              output_padding, group: int) -> np.ndarray:
    """N-D grouped transposed convolution (ONNX ConvTranspose): matmul + col2im scatter-add."""
    nd = x.ndim - 2
    n, c = x.shape[:2]
    isp = x.shape[2:]
    g = group
    cg = c // g
    ocg = w.shape[1]
    k = w.shape[2:]
    kk = int(np.prod(k))
    pi = int(np.prod(isp))
    xm = x.reshape(n, g, cg, pi).transpose(1, 0, 3, 2).reshape(g, n * pi, cg)
    wm = w.reshape(g, cg, ocg * kk)
    cols = np.matmul(xm, wm).reshape((g, n) + tuple(isp) + (ocg,) + tuple(k))
    # -> [N, G, OCg, *K, *I]
    cols = cols.transpose((1, 0, 2 + nd) + tuple(range(3 + nd, 3 + 2 * nd)) + tuple(range(2, 2 + nd)))
    full_sp = [(i - 1) * s + (kd - 1) * d + 1 for i, s, kd, d in zip(isp, strides, k, dilations)]
    full = np.zeros((n, g, ocg) + tuple(full_sp), dtype=cols.dtype)
    for kidx in itertools.product(*[range(v) for v in k]):
        sl = tuple(slice(ki * d, ki * d + (i - 1) * s + 1, s)
                   for ki, d, i, s in zip(kidx, dilations, isp, strides))
        full[(slice(None),) * 3 + sl] += cols[(slice(None),) * 3 + kidx]
    full = full.reshape((n, g * ocg) + tuple(full_sp))
    out = _pad_or_crop(full, [-p for p in pads_b], [op - p for op, p in zip(output_padding, pads_e)])
    if b is not None:
        out = out + b.reshape((1, g * ocg) + (1,) * nd)
    return _contig(out)


@irdl_op_definition
class ConvOp(_SpatialMixin, TopOp):
    """N-D convolution (ONNX Conv; 1-D, 2-D, 3-D): ``input [N, C, *S]``, ``filter [OC, C/group, *K]``,
    ``bias [OC]`` or ``top.None``.

    ``pads`` is ``[begin_0.., end_0..]`` (ONNX ``auto_pad`` is resolved to explicit pads at
    import); ``strides``/``dilations`` default to 1, ``group`` to 1; ``do_relu`` applies Relu.
    Output spatial size ``(S + pb + pe - d (K - 1) - 1) // s + 1``.
    """

    name = "top.Conv"
    input = operand_def()
    filter = operand_def()
    bias = operand_def()
    output = result_def()
    kernel_shape = prop_def(DenseArrayBase)
    strides = prop_def(DenseArrayBase)
    pads = prop_def(DenseArrayBase)
    dilations = opt_prop_def(DenseArrayBase)
    group = opt_prop_def(IntegerAttr)
    do_relu = opt_prop_def(IntegerAttr)
    traits = traits_def(Pure())

    def infer_types(self):
        xs, ws = shape_of(self.input), shape_of(self.filter)
        dt = dtype_of(self.input)
        nd = len(xs) - 2
        if nd < 1:
            raise VerifyException(f"top.Conv input must be [N, C, spatial...], got {list(xs)}")
        if len(ws) != len(xs):
            raise VerifyException(f"top.Conv filter {list(ws)} must have the input's rank {len(xs)}")
        if dtype_of(self.filter) != dt:
            raise VerifyException("top.Conv input and filter differ in dtype")
        k, s, pb, pe, d = self.spatial_params(nd)
        g = self.p("group", 1)
        if g <= 0 or xs[1] % g or ws[0] % g:
            raise VerifyException(f"top.Conv group {g} must divide input channels {xs[1]} and "
                                  f"output channels {ws[0]}")
        if ws[1] * g != xs[1]:
            raise VerifyException(f"top.Conv filter {list(ws)} expects {ws[1] * g} input channels "
                                  f"(group {g}), input has {xs[1]}")
        if list(ws[2:]) != k:
            raise VerifyException(f"top.Conv kernel_shape {k} does not match filter {list(ws)}")
        if not is_none(self.bias) and shape_of(self.bias) != (ws[0],):
            raise VerifyException(f"top.Conv bias must be [{ws[0]}], got {list(shape_of(self.bias))}")
        out = [conv_out_dim(xs[2 + i], k[i], s[i], pb[i], pe[i], d[i]) for i in range(nd)]
        if any(o <= 0 for o in out):
            raise VerifyException(f"top.Conv output spatial size {out} is empty")
        return [tensor_type((xs[0], ws[0], *out), dt)]

    def compute(self, inputs):
        x, w, b = inputs
        dt = x.dtype
        nd = x.ndim - 2
        _, s, pb, pe, d = self.spatial_params(nd)
        out = conv_nd(_up(x), _up(w), _up(b), s, pb, pe, d, self.p("group", 1))
        return [_relu(self, out.astype(dt, copy=False))]


@irdl_op_definition
class DeconvOp(_SpatialMixin, TopOp):
    """N-D transposed convolution (ONNX ConvTranspose): ``input [N, C, *S]``,
    ``filter [C, OC/group, *K]``, ``bias [OC]`` or ``top.None``.

    Output size ``s (S - 1) + output_padding + d (K - 1) + 1 - pb - pe``. ``pads`` may be
    negative (the output then extends with zeros before/after the computed region); ONNX
    ``output_shape`` and ``auto_pad`` are resolved to ``pads`` at import.
    """

    name = "top.Deconv"
    input = operand_def()
    filter = operand_def()
    bias = operand_def()
    output = result_def()
    kernel_shape = prop_def(DenseArrayBase)
    strides = prop_def(DenseArrayBase)
    pads = prop_def(DenseArrayBase)
    dilations = opt_prop_def(DenseArrayBase)
    output_padding = opt_prop_def(DenseArrayBase)
    group = opt_prop_def(IntegerAttr)
    do_relu = opt_prop_def(IntegerAttr)
    traits = traits_def(Pure())

    def _out_pad(self, nd):
        """``output_padding`` with its default (zeros)."""
        op = list(self.p("output_padding", (0,) * nd))
        if len(op) != nd:
            raise VerifyException(f"top.Deconv output_padding {op} must have {nd} entries")
        return op

    def infer_types(self):
        xs, ws = shape_of(self.input), shape_of(self.filter)
        dt = dtype_of(self.input)
        nd = len(xs) - 2
        if nd < 1 or len(ws) != len(xs):
            raise VerifyException(f"top.Deconv input {list(xs)} / filter {list(ws)} ranks are invalid")
        if dtype_of(self.filter) != dt:
            raise VerifyException("top.Deconv input and filter differ in dtype")
        k, s, pb, pe, d = self.spatial_params(nd)
        op = self._out_pad(nd)
        g = self.p("group", 1)
        if g <= 0 or xs[1] % g or ws[0] != xs[1]:
            raise VerifyException(f"top.Deconv filter {list(ws)} must have {xs[1]} input channels "
                                  f"divisible by group {g}")
        if list(ws[2:]) != k:
            raise VerifyException(f"top.Deconv kernel_shape {k} does not match filter {list(ws)}")
        oc = ws[1] * g
        if not is_none(self.bias) and shape_of(self.bias) != (oc,):
            raise VerifyException(f"top.Deconv bias must be [{oc}], got {list(shape_of(self.bias))}")
        out = [s[i] * (xs[2 + i] - 1) + op[i] + d[i] * (k[i] - 1) + 1 - pb[i] - pe[i] for i in range(nd)]
        if any(o <= 0 for o in out):
            raise VerifyException(f"top.Deconv output spatial size {out} is empty")
        return [tensor_type((xs[0], oc, *out), dt)]

    def compute(self, inputs):
        x, w, b = inputs
        dt = x.dtype
        nd = x.ndim - 2
        _, s, pb, pe, d = self.spatial_params(nd)
        out = deconv_nd(_up(x), _up(w), _up(b), s, pb, pe, d, self._out_pad(nd), self.p("group", 1))
        return [_relu(self, out.astype(dt, copy=False))]


# -------------------------------------------------------------------------------------- matmul


def _swap(shape: tuple[int, ...], i: int, j: int) -> tuple[int, ...]:
    """``shape`` with dims ``i`` and ``j`` exchanged."""
    s = list(shape)
    s[i], s[j] = s[j], s[i]
    return tuple(s)


@irdl_op_definition
class MatMulOp(TopOp):
    """Matrix product with tpu-mlir's flags (ONNX MatMul, Gemm): ``output = input @ right + bias``.

    Default: numpy/ONNX ``matmul`` semantics -- 1-D operands are promoted (and the added axis
    removed), batch dims broadcast. Then:

    * ``left_transpose`` / ``right_transpose``: swap the last two dims of ``input`` / ``right``
      before multiplying (operand must be >= 2-D);
    * ``output_transpose``: swap the last two dims of the product;
    * ``hdim_is_batch``: operands are 4-D ``[b, s, h, d]`` with the heads axis 2 as a second batch
      axis (tpu-mlir's attention form): ``input [b, M, h, K]`` and ``right [b, K, h, N]`` give
      ``[b, M, h, N]``. The matrix axes are then 1 and 3: ``left_transpose`` means ``input`` is
      ``[b, K, h, M]``, ``right_transpose`` means ``right`` is ``[b, N, h, K]``,
      ``output_transpose`` gives ``[b, N, h, M]``;
    * ``bias`` (or ``top.None``) is added with broadcasting to the product's shape (Gemm's C);
    * ``do_relu`` applies Relu; ``keep_dims = false`` flattens the result to 2-D
      ``[prod(leading dims), last dim]`` (default true).
    """

    name = "top.MatMul"
    input = operand_def()
    right = operand_def()
    bias = operand_def()
    output = result_def()
    left_transpose = opt_prop_def(IntegerAttr)
    right_transpose = opt_prop_def(IntegerAttr)
    output_transpose = opt_prop_def(IntegerAttr)
    hdim_is_batch = opt_prop_def(IntegerAttr)
    keep_dims = opt_prop_def(IntegerAttr)
    do_relu = opt_prop_def(IntegerAttr)
    traits = traits_def(Pure())

    def _flags(self):
        """``(left_transpose, right_transpose, output_transpose, hdim_is_batch)``."""
        return (self.p("left_transpose", False), self.p("right_transpose", False),
                self.p("output_transpose", False), self.p("hdim_is_batch", False))

    def out_shape(self, a: tuple[int, ...], b: tuple[int, ...]) -> tuple[int, ...]:
        """Shape of the product (before bias and ``keep_dims``) for operand shapes ``a``, ``b``."""
        lt, rt, ot, hb = self._flags()
        if hb:
            if len(a) != 4 or len(b) != 4:
                raise VerifyException(f"top.MatMul hdim_is_batch needs 4-D operands, got {list(a)}, {list(b)}")
            a = (a[0], a[2], a[1], a[3])
            b = (b[0], b[2], b[1], b[3])
        for flag, s, what in ((lt, a, "input"), (rt, b, "right")):
            if flag and len(s) < 2:
                raise VerifyException(f"top.MatMul cannot transpose the 1-D {what}")
        if lt:
            a = _swap(a, -1, -2)
        if rt:
            b = _swap(b, -1, -2)
        if len(a) == 0 or len(b) == 0:
            raise VerifyException("top.MatMul operands must be at least 1-D")
        ka = a[-1]
        kb = b[-2] if len(b) >= 2 else b[0]
        if ka != kb:
            raise VerifyException(f"top.MatMul contraction dims differ: input {list(a)} vs right {list(b)}")
        try:
            batch = tuple(np.broadcast_shapes(a[:-2], b[:-2]))
        except ValueError:
            raise VerifyException(f"top.MatMul batch dims {list(a[:-2])} and {list(b[:-2])} do not broadcast") from None
        out = batch + ((a[-2],) if len(a) >= 2 else ()) + ((b[-1],) if len(b) >= 2 else ())
        if ot:
            if len(out) < 2:
                raise VerifyException("top.MatMul output_transpose needs a >= 2-D product")
            out = _swap(out, -1, -2)
        if hb:
            out = (out[0], out[2], out[1], out[3])
        return out

    def infer_types(self):
        a, b = shape_of(self.input), shape_of(self.right)
        dt = dtype_of(self.input)
        if dtype_of(self.right) != dt:
            raise VerifyException(f"top.MatMul operands differ in dtype ({dt} vs {dtype_of(self.right)})")
        out = self.out_shape(a, b)
        if not is_none(self.bias):
            bs = shape_of(self.bias)
            try:
                full = tuple(np.broadcast_shapes(out, bs))
            except ValueError:
                full = None
            if full != out:
                raise VerifyException(f"top.MatMul bias {list(bs)} does not broadcast to the product {list(out)}")
            if dtype_of(self.bias) != dt:
                raise VerifyException("top.MatMul bias dtype differs from the operands'")
        if not self.p("keep_dims", True) and len(out) > 2:
            out = (int(np.prod(out[:-1])), out[-1])
        return [tensor_type(out, dt)]

    def compute(self, inputs):
        a, b, bias = inputs
        dt = a.dtype
        a, b, bias = _up(a), _up(b), _up(bias)
        lt, rt, ot, hb = self._flags()
        if hb:
            a = a.transpose(0, 2, 1, 3)
            b = b.transpose(0, 2, 1, 3)
        if lt:
            a = np.swapaxes(a, -1, -2)
        if rt:
            b = np.swapaxes(b, -1, -2)
        out = np.matmul(a, b)
        if ot:
            out = np.swapaxes(out, -1, -2)
        if hb:
            out = out.transpose(0, 2, 1, 3)
        if bias is not None:
            out = out + bias
        out = _contig(out).astype(dt, copy=False)
        out = _relu(self, out)
        if not self.p("keep_dims", True) and out.ndim > 2:
            out = out.reshape(-1, out.shape[-1])
        return [out]


# ------------------------------------------------------------------------------------- pooling


class _PoolOp(_SpatialMixin, TopOp):
    """Shared shape logic of the pooling ops."""

    input = operand_def()
    kernel_shape = prop_def(DenseArrayBase)
    strides = prop_def(DenseArrayBase)
    pads = prop_def(DenseArrayBase)
    dilations = opt_prop_def(DenseArrayBase)
    ceil_mode = opt_prop_def(IntegerAttr)
    do_relu = opt_prop_def(IntegerAttr)
    traits = traits_def(Pure())

    def out_spatial(self, xs: tuple[int, ...]) -> list[int]:
        """Output spatial dims for input shape ``xs`` (checks pads and emptiness)."""
        nd = len(xs) - 2
        if nd < 1:
            raise VerifyException(f"{self.name} input must be [N, C, spatial...], got {list(xs)}")
        k, s, pb, pe, d = self.spatial_params(nd)
        if any(b >= (kk - 1) * dd + 1 or e >= (kk - 1) * dd + 1 for b, e, kk, dd in zip(pb, pe, k, d)):
            raise VerifyException(f"{self.name}: pads {pb + pe} must be smaller than the window {k}")
        cm = self.p("ceil_mode", False)
        out = [pool_out_dim(xs[2 + i], k[i], s[i], pb[i], pe[i], d[i], cm) for i in range(nd)]
        if any(o <= 0 for o in out):
            raise VerifyException(f"{self.name} output spatial size {out} is empty")
        return out

    def taps(self, x: np.ndarray, fill):
        """Padded input and, for each kernel tap, the strided slice giving that tap of every window."""
        nd = x.ndim - 2
        k, s, pb, pe, d = self.spatial_params(nd)
        out = self.out_spatial(x.shape)
        need = [(o - 1) * ss + (kk - 1) * dd + 1 - i - b for o, ss, kk, dd, i, b in
                zip(out, s, k, d, x.shape[2:], pb)]
        xp = _pad_or_crop(x, pb, need, fill)
        for kidx in itertools.product(*[range(v) for v in k]):
            sl = tuple(slice(ki * dd, ki * dd + (o - 1) * ss + 1, ss) for ki, dd, o, ss in zip(kidx, d, out, s))
            yield kidx, xp[(slice(None), slice(None)) + sl]


def _lowest(dtype: np.dtype):
    """The pad value max pooling can never select: -inf, or the integer dtype's minimum."""
    return -np.inf if is_float(dtype) else np.iinfo(dtype).min


@irdl_op_definition
class MaxPoolOp(_PoolOp):
    """N-D max pooling (ONNX MaxPool, GlobalMaxPool): padding never wins (it is ``-inf``);
    ``ceil_mode`` rounds the output size up (a window starting in the end padding is dropped)."""

    name = "top.MaxPool"
    output = result_def()

    def infer_types(self):
        xs = shape_of(self.input)
        return [tensor_type((*xs[:2], *self.out_spatial(xs)), dtype_of(self.input))]

    def compute(self, inputs):
        x = inputs[0]
        out = None
        for _, t in self.taps(x, _lowest(x.dtype)):
            out = t.copy() if out is None else np.fmax(out, t)  # NaN skipped, as onnxruntime does
        return [_relu(self, out)]


@irdl_op_definition
class MaxPoolWithMaskOp(_PoolOp):
    """Max pooling that also returns, as ``mask`` (int64), the flat index of each maximum in the
    input (ONNX MaxPool's ``Indices``): ``((n C + c) H + h) W + w``, or with
    ``storage_order = 1`` the column-major ``(n C + c) H W + w H + h`` (2-D only). The first
    maximum in window order wins."""

    name = "top.MaxPoolWithMask"
    output = result_def()
    mask = result_def()
    storage_order = opt_prop_def(IntegerAttr)

    def infer_types(self):
        xs = shape_of(self.input)
        shape = (*xs[:2], *self.out_spatial(xs))
        if self.p("storage_order", 0) and len(xs) != 4:
            raise VerifyException("top.MaxPoolWithMask storage_order = 1 needs a 2-D spatial input")
        return [tensor_type(shape, dtype_of(self.input)), tensor_type(shape, np.int64)]

    def compute(self, inputs):
        x = inputs[0]
        nd = x.ndim - 2
        _, s, pb, _, d = self.spatial_params(nd)
        out_sp = self.out_spatial(x.shape)
        best, arg = None, None
        for kidx, t in self.taps(x, _lowest(x.dtype)):
            flat = np.ravel_multi_index(kidx, self.p("kernel_shape"))
            if best is None:
                best, arg = t.copy(), np.zeros(t.shape, np.int64)
            else:
                better = t > best
                best = np.where(better, t, best)
                arg = np.where(better, flat, arg)
        # decode the winning tap into input coordinates
        kcoords = np.unravel_index(arg, self.p("kernel_shape"))
        sp = x.shape[2:]
        pos = []
        for i in range(nd):
            o = np.arange(out_sp[i]).reshape((1, 1) + tuple(-1 if j == i else 1 for j in range(nd)))
            pos.append(o * s[i] + kcoords[i] * d[i] - pb[i])
        nc = np.arange(x.shape[0] * x.shape[1]).reshape((x.shape[0], x.shape[1]) + (1,) * nd)
        if self.p("storage_order", 0):
            idx = nc * (sp[0] * sp[1]) + pos[1] * sp[0] + pos[0]
        else:
            idx = nc
            for i in range(nd):
                idx = idx * sp[i] + pos[i]
        return [_relu(self, best), idx.astype(np.int64)]


@irdl_op_definition
class AvgPoolOp(_PoolOp):
    """N-D average pooling (ONNX AveragePool, GlobalAveragePool).

    The divisor counts the window taps inside the input (``count_include_pad = false``) or inside
    the explicitly padded input (``true``); taps added only by ``ceil_mode`` never count.
    Accumulates in the input precision (float32), like onnxruntime.
    """

    name = "top.AvgPool"
    output = result_def()
    count_include_pad = opt_prop_def(IntegerAttr)

    def infer_types(self):
        xs = shape_of(self.input)
        if not is_float(dtype_of(self.input)):
            raise VerifyException("top.AvgPool needs a floating-point input")
        return [tensor_type((*xs[:2], *self.out_spatial(xs)), dtype_of(self.input))]

    def compute(self, inputs):
        x = inputs[0]
        dt = x.dtype
        x = _up(x)
        nd = x.ndim - 2
        k, s, pb, pe, d = self.spatial_params(nd)
        out_sp = self.out_spatial(x.shape)
        if out_sp == [1] * nd and not any(pb) and not any(pe) and list(k) == list(x.shape[2:]) \
                and all(v == 1 for v in d):
            out = x.mean(axis=tuple(range(2, 2 + nd)), keepdims=True, dtype=x.dtype)
            return [_relu(self, out.astype(dt, copy=False))]
        total = None
        for _, t in self.taps(x, 0):
            total = t.astype(x.dtype, copy=True) if total is None else total + t
        incl = self.p("count_include_pad", False)
        count = np.ones((), np.float64)
        for i in range(nd):
            o = np.arange(out_sp[i])[:, None] * s[i] + np.arange(k[i])[None, :] * d[i]  # padded coords
            n_in = x.shape[2 + i]
            valid = (o < n_in + pb[i] + pe[i]) if incl else ((o >= pb[i]) & (o < pb[i] + n_in))
            ci = valid.sum(axis=1).astype(np.float64)
            count = np.multiply.outer(count, ci)
        count = np.maximum(count, 1).astype(x.dtype)
        out = total / count
        return [_relu(self, out.astype(dt, copy=False))]


# ------------------------------------------------------------------------------ normalisation


def _channel_vec(v: np.ndarray | None, nd: int):
    """A per-channel ``[C]`` vector shaped ``[1, C, 1, ...]`` to broadcast over ``nd`` spatial axes."""
    return None if v is None else v.reshape((1, -1) + (1,) * nd)


@irdl_op_definition
class BatchNormOp(TopOp):
    """Inference batch normalisation (ONNX BatchNormalization, ``training_mode = 0``):
    ``(x - mean) / sqrt(variance + epsilon) * gamma + beta`` per channel (axis 1).

    ``mean``, ``variance``, ``gamma``, ``beta`` are ``[C]``; ``gamma``/``beta`` may be ``top.None``
    (1 and 0). Computed like onnxruntime: ``x * s + (beta - mean * s)``, ``s = gamma / sqrt(var + eps)``.
    """

    name = "top.BatchNorm"
    input = operand_def()
    mean = operand_def()
    variance = operand_def()
    gamma = operand_def()
    beta = operand_def()
    output = result_def()
    epsilon = opt_prop_def(FloatAttr)
    do_relu = opt_prop_def(IntegerAttr)
    traits = traits_def(Pure())

    def infer_types(self):
        xs = shape_of(self.input)
        if len(xs) < 2:
            raise VerifyException(f"top.BatchNorm input must be at least [N, C], got {list(xs)}")
        if not is_float(dtype_of(self.input)):
            raise VerifyException("top.BatchNorm needs a floating-point input")
        for v, what in ((self.mean, "mean"), (self.variance, "variance"), (self.gamma, "gamma"), (self.beta, "beta")):
            if not is_none(v) and shape_of(v) != (xs[1],):
                raise VerifyException(f"top.BatchNorm {what} must be [{xs[1]}], got {list(shape_of(v))}")
        return [self.input.type]

    def compute(self, inputs):
        x, mean, var, gamma, beta = inputs
        dt = x.dtype
        x = _up(x)
        ct = x.dtype
        nd = x.ndim - 2
        eps = self.p("epsilon", 1e-5)
        scale = 1.0 / np.sqrt(var.astype(ct) + ct.type(eps))
        if gamma is not None:
            scale = scale * gamma.astype(ct)
        shift = -mean.astype(ct) * scale
        if beta is not None:
            shift = shift + beta.astype(ct)
        out = x * _channel_vec(scale, nd) + _channel_vec(shift, nd)
        return [_relu(self, out.astype(dt, copy=False))]


def _normalize(x: np.ndarray, axes: tuple[int, ...], eps: float) -> np.ndarray:
    """``(x - mean) / sqrt(var + eps)`` over ``axes`` (two-pass, in ``x``'s precision)."""
    mean = x.mean(axis=axes, keepdims=True, dtype=x.dtype)
    xc = x - mean
    var = np.mean(xc * xc, axis=axes, keepdims=True, dtype=x.dtype)
    return xc / np.sqrt(var + x.dtype.type(eps))


@irdl_op_definition
class InstanceNormOp(TopOp):
    """Instance normalisation (ONNX InstanceNormalization): normalise each ``(n, c)`` over the
    spatial axes, then ``* weight[c] + bias[c]`` (``[C]`` each, or ``top.None``). Float32 math."""

    name = "top.InstanceNorm"
    input = operand_def()
    weight = operand_def()
    bias = operand_def()
    output = result_def()
    eps = prop_def(FloatAttr)
    traits = traits_def(Pure())

    def infer_types(self):
        xs = shape_of(self.input)
        if len(xs) < 3:
            raise VerifyException(f"top.InstanceNorm input must be [N, C, spatial...], got {list(xs)}")
        for v, what in ((self.weight, "weight"), (self.bias, "bias")):
            if not is_none(v) and shape_of(v) != (xs[1],):
                raise VerifyException(f"top.InstanceNorm {what} must be [{xs[1]}], got {list(shape_of(v))}")
        return [self.input.type]

    def compute(self, inputs):
        x, w, b = inputs
        dt = x.dtype
        x = _up(x)
        nd = x.ndim - 2
        y = _normalize(x, tuple(range(2, x.ndim)), self.p("eps"))
        if w is not None:
            y = y * _channel_vec(w.astype(x.dtype), nd)
        if b is not None:
            y = y + _channel_vec(b.astype(x.dtype), nd)
        return [y.astype(dt, copy=False)]


@irdl_op_definition
class LayerNormOp(TopOp):
    """Layer normalisation (ONNX LayerNormalization): normalise over axes ``axis..rank-1``, then
    ``* weight + bias`` (each broadcastable to ``shape[axis:]``, or ``top.None``).

    ``eps`` is added to the variance; statistics are computed in float32 like onnxruntime
    (``stash_type = 1``). ONNX's optional Mean/InvStdDev outputs are separate Reduce ops.
    """

    name = "top.LayerNorm"
    input = operand_def()
    weight = operand_def()
    bias = operand_def()
    output = result_def()
    axis = prop_def(IntegerAttr)
    eps = prop_def(FloatAttr)
    traits = traits_def(Pure())

    def infer_types(self):
        xs = shape_of(self.input)
        if not is_float(dtype_of(self.input)):
            raise VerifyException("top.LayerNorm needs a floating-point input")
        axis = _norm_axis(self.p("axis"), len(xs))
        norm = xs[axis:]
        for v, what in ((self.weight, "weight"), (self.bias, "bias")):
            if is_none(v):
                continue
            try:
                ok = tuple(np.broadcast_shapes(norm, shape_of(v))) == tuple(norm) and len(shape_of(v)) <= len(norm)
            except ValueError:
                ok = False
            if not ok:
                raise VerifyException(f"top.LayerNorm {what} {list(shape_of(v))} does not broadcast to the "
                                      f"normalised shape {list(norm)}")
        return [self.input.type]

    def compute(self, inputs):
        x, w, b = inputs
        dt = x.dtype
        x = x.astype(np.float32) if x.dtype != np.float64 else x
        axis = _norm_axis(self.p("axis"), x.ndim)
        y = _normalize(x, tuple(range(axis, x.ndim)), self.p("eps"))
        if w is not None:
            y = y * w.astype(x.dtype)
        if b is not None:
            y = y + b.astype(x.dtype)
        return [y.astype(dt, copy=False)]


@irdl_op_definition
class GroupNormOp(TopOp):
    """Group normalisation (ONNX GroupNormalization, opset-21 semantics): split the channels into
    ``num_groups`` groups, normalise each ``(n, group)`` over its channels and spatial axes, then
    ``* weight[c] + bias[c]`` (``[C]`` each, or ``top.None``). Float32 math."""

    name = "top.GroupNorm"
    input = operand_def()
    weight = operand_def()
    bias = operand_def()
    output = result_def()
    num_groups = prop_def(IntegerAttr)
    eps = prop_def(FloatAttr)
    traits = traits_def(Pure())

    def infer_types(self):
        xs = shape_of(self.input)
        g = self.p("num_groups")
        if len(xs) < 2 or g <= 0 or xs[1] % g:
            raise VerifyException(f"top.GroupNorm num_groups {g} must divide the channels of {list(xs)}")
        for v, what in ((self.weight, "weight"), (self.bias, "bias")):
            if not is_none(v) and shape_of(v) != (xs[1],):
                raise VerifyException(f"top.GroupNorm {what} must be [{xs[1]}], got {list(shape_of(v))}")
        return [self.input.type]

    def compute(self, inputs):
        x, w, b = inputs
        dt = x.dtype
        x = _up(x)
        g = self.p("num_groups")
        nd = x.ndim - 2
        y = _normalize(x.reshape(x.shape[0], g, -1), (2,), self.p("eps")).reshape(x.shape)
        if w is not None:
            y = y * _channel_vec(w.astype(x.dtype), nd)
        if b is not None:
            y = y + _channel_vec(b.astype(x.dtype), nd)
        return [y.astype(dt, copy=False)]


@irdl_op_definition
class LRNOp(TopOp):
    """Local response normalisation across channels (ONNX LRN):
    ``x / (bias + alpha / size * sum_{c' in window(c)} x[c']^2) ^ beta`` with the window
    ``[c - floor((size-1)/2), c + ceil((size-1)/2)]`` clipped to the channels."""

    name = "top.LRN"
    input = operand_def()
    output = result_def()
    size = prop_def(IntegerAttr)
    alpha = prop_def(FloatAttr)
    beta = prop_def(FloatAttr)
    bias = prop_def(FloatAttr)
    traits = traits_def(Pure())

    def infer_types(self):
        if len(shape_of(self.input)) < 3 or self.p("size") <= 0:
            raise VerifyException("top.LRN needs an [N, C, spatial...] input and a positive size")
        return [self.input.type]

    def compute(self, inputs):
        x = inputs[0]
        dt = x.dtype
        x = _up(x)
        size = self.p("size")
        lo, hi = (size - 1) // 2, -(-(size - 1) // 2)
        sq = x * x
        padded = _pad_or_crop(np.moveaxis(sq, 1, -1), [lo], [hi])
        acc = np.zeros_like(sq)
        c = x.shape[1]
        for i in range(size):
            acc += np.moveaxis(padded[..., i:i + c], -1, 1)
        t = x.dtype.type
        y = x / (t(self.p("bias")) + t(self.p("alpha") / size) * acc) ** t(self.p("beta"))
        return [y.astype(dt, copy=False)]


@irdl_op_definition
class MeanVarianceNormalizationOp(TopOp):
    """``(x - mean) / sqrt(var)`` over ``axes`` (ONNX MeanVarianceNormalization; default axes
    ``[0, 2, 3]``); onnxruntime's epsilon: ``/ (sqrt(var) + 1e-9)``."""

    name = "top.MeanVarianceNormalization"
    input = operand_def()
    output = result_def()
    axes = prop_def(DenseArrayBase)
    traits = traits_def(Pure())

    def infer_types(self):
        rank = len(shape_of(self.input))
        for a in self.p("axes"):
            _norm_axis(a, rank, "top.MeanVarianceNormalization axis")
        return [self.input.type]

    def compute(self, inputs):
        x = inputs[0]
        dt = x.dtype
        x = _up(x)
        axes = tuple(sorted(_norm_axis(a, x.ndim) for a in self.p("axes")))
        mean = x.mean(axis=axes, keepdims=True, dtype=x.dtype)
        xc = x - mean
        var = np.mean(xc * xc, axis=axes, keepdims=True, dtype=x.dtype)
        return [(xc / (np.sqrt(var) + x.dtype.type(1e-9))).astype(dt, copy=False)]


# --------------------------------------------------------------------------------- softmax


def _coerced(x: np.ndarray, axis: int, coerce: bool):
    """View ``x`` so that the softmax reduces one axis: ``(array, axis, original shape)``."""
    if coerce:
        return x.reshape(int(np.prod(x.shape[:axis])), -1), 1
    return x, axis


@irdl_op_definition
class SoftmaxOp(TopOp):
    """``exp(x) / sum(exp(x))`` along ``axis`` (ONNX Softmax); ``log`` gives LogSoftmax.

    ``coerce_2d`` gives the opset < 13 semantics: the input is viewed as 2-D
    ``[prod(shape[:axis]), prod(shape[axis:])]`` and normalised over the second dim.
    Numerically stable (the max is subtracted first).
    """

    name = "top.Softmax"
    input = operand_def()
    output = result_def()
    axis = prop_def(IntegerAttr)
    log = opt_prop_def(IntegerAttr)
    coerce_2d = opt_prop_def(IntegerAttr)
    traits = traits_def(Pure())

    def infer_types(self):
        if not is_float(dtype_of(self.input)):
            raise VerifyException(f"{self.name} needs a floating-point input")
        _norm_axis(self.p("axis"), len(shape_of(self.input)))
        return [self.input.type]

    def compute(self, inputs):
        x = inputs[0]
        dt = x.dtype
        if x.size == 0:
            return [x.copy()]
        xs, axis = _coerced(_up(x), _norm_axis(self.p("axis"), x.ndim), self.p("coerce_2d", False))
        m = xs.max(axis=axis, keepdims=True)
        with np.errstate(invalid="ignore", over="ignore"):
            z = xs - m  # a row max of +-inf gives NaN rows, as onnxruntime does
            e = np.exp(z)
        s = e.sum(axis=axis, keepdims=True)
        y = z - np.log(s) if self.p("log", False) else e / s
        return [y.reshape(x.shape).astype(dt, copy=False)]


@irdl_op_definition
class HardmaxOp(TopOp):
    """One-hot of the first maximum along ``axis`` (ONNX Hardmax); ``coerce_2d`` as in top.Softmax."""

    name = "top.Hardmax"
    input = operand_def()
    output = result_def()
    axis = prop_def(IntegerAttr)
    coerce_2d = opt_prop_def(IntegerAttr)
    traits = traits_def(Pure())

    def infer_types(self):
        _norm_axis(self.p("axis"), len(shape_of(self.input)))
        return [self.input.type]

    def compute(self, inputs):
        x = inputs[0]
        if x.size == 0:
            return [x.copy()]
        xs, axis = _coerced(x, _norm_axis(self.p("axis"), x.ndim), self.p("coerce_2d", False))
        idx = np.expand_dims(np.argmax(xs, axis=axis), axis)
        y = np.zeros(xs.shape, x.dtype)
        np.put_along_axis(y, idx, 1, axis=axis)
        return [y.reshape(x.shape)]


# ------------------------------------------------------------------------------------ resize

INTERP_MODES = ("nearest", "linear", "cubic")
COORD_MODES = ("half_pixel", "half_pixel_symmetric", "pytorch_half_pixel", "align_corners", "asymmetric",
               "tf_crop_and_resize")
NEAREST_MODES = ("round_prefer_floor", "round_prefer_ceil", "floor", "ceil", "simple")


def _source_coords(mode: str, n_out: int, n_in: int, scale: float, roi,
                   dtype=np.float64) -> tuple[np.ndarray, np.ndarray | None]:
    """Input coordinate of each output index along one axis, and (tf_crop_and_resize) which of
    them fall outside the input. ``dtype`` is the arithmetic's precision: nearest resizing picks
    an index from the coordinate, so it is computed in float32 like onnxruntime (a coordinate
    that is exactly x.5 in float32 may not be in float64)."""
    y = np.arange(n_out, dtype=dtype)
    scale = dtype(scale)
    if roi is not None:
        roi = tuple(dtype(v) for v in roi)
    out_len = scale * n_in  # the (possibly fractional) resized length, as ONNX defines it
    if mode == "align_corners":
        # The fractional resized length, as ONNX's own conformance data (onnx.reference) expects;
        # onnxruntime uses the integer output length (test_differential_regressions.py, xfail).
        return (np.zeros(n_out) if out_len == 1 else y * (n_in - 1) / (out_len - 1)), None
    if mode == "asymmetric":
        return y / scale, None
    if mode == "pytorch_half_pixel":
        return (np.zeros(n_out) if n_out == 1 else (y + 0.5) / scale - 0.5), None  # spec: "... : 0"
    if mode == "half_pixel":
        return (y + 0.5) / scale - 0.5, None
    if mode == "half_pixel_symmetric":
        offset = n_in / 2 * (1 - n_out / out_len)
        return offset + (y + 0.5) / scale - 0.5, None
    if mode == "tf_crop_and_resize":
        r0, r1 = roi
        if out_len == 1:
            x = np.full(n_out, (r1 - r0) * (n_in - 1) / 2)
        else:
            x = y * (r1 - r0) * (n_in - 1) / (out_len - 1)
        x = x + r0 * (n_in - 1)
        return x, (x < 0) | (x > n_in - 1)
    raise ValueError(f"unknown coordinate mode '{mode}'")


def _cubic_kernel(t: np.ndarray, a: float) -> np.ndarray:
    """Keys' cubic convolution kernel with coefficient ``a`` (ONNX ``cubic_coeff_a``)."""
    t = np.abs(t)
    t2, t3 = t * t, t * t * t
    return np.where(t <= 1, (a + 2) * t3 - (a + 3) * t2 + 1,
                    np.where(t < 2, a * t3 - 5 * a * t2 + 8 * a * t - 4 * a, 0.0))


def _axis_taps(mode: str, x: np.ndarray, scale: float, n_in: int, antialias: bool, cubic_a: float,
               exclude_outside: bool) -> tuple[np.ndarray, np.ndarray]:
    """Tap indices [out, T] (clamped to the input) and weights [out, T] of linear/cubic
    interpolation at coordinates ``x`` (ONNX reference semantics, incl. antialias)."""
    x0 = np.floor(x)
    ratio = np.where(x == x0, 1.0, x - x0)  # in (0, 1]: the left neighbour is preferred
    if mode == "linear":
        if antialias and scale < 1:
            start = int(np.floor(-1 / scale) + 1)
            off = np.arange(start, 2 - start)
            w = np.clip(1 - np.abs((off[None, :] - ratio[:, None]) * scale), 0, 1)
            w = w / w.sum(axis=1, keepdims=True)
        else:
            w = np.stack([1 - ratio, ratio], axis=1)
    else:  # cubic
        if antialias and scale < 1:
            start = int(np.floor(-2 / scale) + 1)
            off = np.arange(start, 2 - start)
            w = _cubic_kernel(scale * (off[None, :] - ratio[:, None]), cubic_a)
            w = w / w.sum(axis=1, keepdims=True)
        else:
            w = np.stack([_cubic_kernel(ratio + 1, cubic_a), _cubic_kernel(ratio, cubic_a),
                          _cubic_kernel(1 - ratio, cubic_a), _cubic_kernel(2 - ratio, cubic_a)], axis=1)
    n = w.shape[1]
    # the n taps nearest to x, ties to the smaller index (the reference's neighbour search)
    pad = -(-n // 2)
    xp = x + pad
    p = np.floor(xp)
    frac = xp - p
    if n % 2 == 0:
        off0 = np.where(frac == 0, -(n // 2), -(n // 2) + 1)
    else:
        base = -((n - 1) // 2)
        off0 = np.where(frac <= 0.5, base, base + 1)
    idx = (p.astype(np.int64) + off0)[:, None] + np.arange(n)[None, :] - pad
    if exclude_outside:
        w = np.where((idx < 0) | (idx >= n_in), 0.0, w)
        s = w.sum(axis=1, keepdims=True)
        w = w / np.where(s == 0, 1.0, s)
    return np.clip(idx, 0, n_in - 1), w


def _nearest_index(x: np.ndarray, mode: str, scale: float, n_in: int) -> np.ndarray:
    """Input index picked by nearest interpolation at coordinates ``x`` (clamped to the input)."""
    if mode == "round_prefer_floor":
        i = np.ceil(x - 0.5)
    elif mode == "round_prefer_ceil":
        i = np.floor(x + 0.5)
    elif mode == "floor":
        i = np.floor(x)
    elif mode == "ceil":
        i = np.ceil(x)
    else:  # "simple": onnxruntime's legacy (Upsample, Resize-10) rule
        i = np.ceil(x) if scale < 1 else np.floor(x)
    return np.clip(i, 0, n_in - 1).astype(np.int64)


@irdl_op_definition
class InterpOp(TopOp):
    """N-D resize (ONNX Resize and Upsample), applied axis by axis (interpolation is separable).

    ``target_shape`` is the full output shape; ``scales`` (one per axis) is the scale used by the
    coordinate transform (ONNX: the ``scales`` input, or ``output / input`` for ``sizes``).
    ``mode``: nearest | linear | cubic; ``coord_mode``: half_pixel, half_pixel_symmetric,
    pytorch_half_pixel, align_corners, asymmetric, tf_crop_and_resize (with ``roi``
    ``[starts..., ends...]`` and ``extrapolation_value``); ``nearest_mode``: round_prefer_floor,
    round_prefer_ceil, floor, ceil, or ``simple`` (onnxruntime's Upsample/Resize-10 rule: floor
    when upsampling, ceil when downsampling); ``cubic_coeff_a``, ``exclude_outside`` and
    ``antialias`` as in ONNX. Axes with scale 1 and an unchanged size are left alone.
    Coordinates are computed in float64 (like the ONNX reference), values in float32.
    """

    name = "top.Interp"
    input = operand_def()
    output = result_def()
    mode = prop_def(StringAttr)
    coord_mode = prop_def(StringAttr)
    target_shape = prop_def(DenseArrayBase)
    scales = prop_def(DenseArrayBase)
    nearest_mode = opt_prop_def(StringAttr)
    cubic_coeff_a = opt_prop_def(FloatAttr)
    exclude_outside = opt_prop_def(IntegerAttr)
    extrapolation_value = opt_prop_def(FloatAttr)
    antialias = opt_prop_def(IntegerAttr)
    roi = opt_prop_def(DenseArrayBase)
    traits = traits_def(Pure())

    def _check(self, rank: int):
        """Validate the properties for an input of rank ``rank``; returns ``target_shape``."""
        if self.p("mode") not in INTERP_MODES:
            raise VerifyException(f"top.Interp: unknown mode '{self.p('mode')}'")
        if self.p("coord_mode") not in COORD_MODES:
            raise VerifyException(f"top.Interp: unknown coord_mode '{self.p('coord_mode')}'")
        if self.p("nearest_mode", "round_prefer_floor") not in NEAREST_MODES:
            raise VerifyException(f"top.Interp: unknown nearest_mode '{self.p('nearest_mode')}'")
        ts, sc = self.p("target_shape"), self.p("scales")
        if len(ts) != rank or len(sc) != rank:
            raise VerifyException(f"top.Interp target_shape {list(ts)} and scales {list(sc)} need {rank} entries")
        if any(v <= 0 for v in sc) or any(v < 0 for v in ts):
            raise VerifyException("top.Interp scales must be positive and target_shape non-negative")
        roi = self.p("roi")
        if self.p("coord_mode") == "tf_crop_and_resize" and (roi is None or len(roi) != 2 * rank):
            raise VerifyException(f"top.Interp tf_crop_and_resize needs a roi of {2 * rank} values")
        return ts

    def infer_types(self):
        ts = self._check(len(shape_of(self.input)))
        return [tensor_type(ts, dtype_of(self.input))]

    def compute(self, inputs):
        x = inputs[0]
        dt = x.dtype
        rank = x.ndim
        ts, scales = self._check(rank), self.p("scales")
        mode, cmode = self.p("mode"), self.p("coord_mode")
        roi = self.p("roi")
        ext = self.p("extrapolation_value", 0.0)
        y = x.astype(np.float64 if dt == np.float64 else np.float32)
        for ax in range(rank):
            n_in, n_out, sc = x.shape[ax], ts[ax], scales[ax]
            r = None if roi is None else (roi[ax], roi[ax + rank])
            full_roi = r is None or (math.isclose(r[0], 0) and math.isclose(r[1], 1))
            if math.isclose(sc, 1.0) and n_out == n_in and full_roi:
                continue
            if n_out == 0 or n_in == 0:
                shape = list(y.shape)
                shape[ax] = n_out
                y = np.zeros(shape, y.dtype)
                continue
            xo, outside = _source_coords(cmode, n_out, n_in, sc, r,
                                         np.float32 if mode == "nearest" else np.float64)
            if mode == "nearest":
                y = np.take(y, _nearest_index(xo, self.p("nearest_mode", "round_prefer_floor"), sc, n_in), axis=ax)
            else:
                idx, w = _axis_taps(mode, xo, sc, n_in, self.p("antialias", False), self.p("cubic_coeff_a", -0.75),
                                    self.p("exclude_outside", False))
                w = w.astype(y.dtype)
                bshape = [1] * rank
                bshape[ax] = n_out
                acc = None
                for t in range(idx.shape[1]):
                    term = np.take(y, idx[:, t], axis=ax) * w[:, t].reshape(bshape)
                    acc = term if acc is None else acc + term
                y = acc
            if outside is not None and outside.any():
                bshape = [1] * rank
                bshape[ax] = n_out
                y = np.where(outside.reshape(bshape), y.dtype.type(ext), y)
        if not is_float(dt):
            info = np.iinfo(dt)
            y = np.clip(np.rint(y), info.min, info.max)
        return [_contig(y).astype(dt, copy=False)]


# ------------------------------------------------------------------------------------ einsum


@irdl_op_definition
class EinsumOp(TopOp):
    """Einstein summation (ONNX Einsum); ``mode`` is the equation (tpu-mlir's name), e.g.
    ``"bij,bjk->bik"``; implicit-output equations follow numpy/ONNX (sorted free indices)."""

    name = "top.Einsum"
    inputs = var_operand_def()
    output = result_def()
    mode = prop_def(StringAttr)
    traits = traits_def(Pure())

    def infer_types(self):
        if not self.inputs:
            raise VerifyException("top.Einsum needs at least one input")
        dts = {dtype_of(v) for v in self.inputs}
        if len(dts) != 1:
            raise VerifyException("top.Einsum inputs differ in dtype")
        shapes = [shape_of(v) for v in self.inputs]
        try:
            np.einsum_path(self.p("mode"), *[np.broadcast_to(np.zeros((), np.float32), s) for s in shapes],
                           optimize="greedy")
            shape = _einsum_shape(self.p("mode"), shapes)
        except (ValueError, KeyError) as e:
            raise VerifyException(f"top.Einsum '{self.p('mode')}': {e}") from None
        return [tensor_type(shape, dts.pop())]

    def compute(self, inputs):
        dt = inputs[0].dtype
        args = [_up(a) for a in inputs]
        out = np.einsum(self.p("mode"), *args, optimize=len(args) > 1)
        return [_contig(np.asarray(out)).astype(dt, copy=False)]


def _einsum_shape(eq: str, shapes: list[tuple[int, ...]]) -> tuple[int, ...]:
    """Output shape of an einsum equation (explicit or implicit, with ``...``)."""
    eq = eq.replace(" ", "")
    lhs, _, rhs = eq.partition("->")
    terms = lhs.split(",")
    if len(terms) != len(shapes):
        raise ValueError(f"{len(terms)} operand terms for {len(shapes)} inputs")
    sizes: dict[str, int] = {}
    ell: tuple[int, ...] = ()
    for term, shape in zip(terms, shapes):
        letters = term.replace("...", "")
        n_ell = len(shape) - len(letters)
        if "..." not in term and n_ell != 0:
            raise ValueError(f"term '{term}' does not match rank {len(shape)}")
        if n_ell < 0:
            raise ValueError(f"term '{term}' has more indices than rank {len(shape)}")
        pre = term.split("...")[0] if "..." in term else term
        dims = list(shape)
        if "..." in term:
            e = tuple(dims[len(pre):len(pre) + n_ell])
            ell = tuple(np.broadcast_shapes(ell, e))
            dims = dims[:len(pre)] + dims[len(pre) + n_ell:]
        for ch, d in zip(letters, dims):
            if ch in sizes and sizes[ch] != d and 1 not in (sizes[ch], d):
                raise ValueError(f"index '{ch}' has sizes {sizes[ch]} and {d}")
            sizes[ch] = max(sizes.get(ch, d), d) if 1 in (sizes.get(ch, d), d) else d
    if "->" not in eq:
        counts: dict[str, int] = {}
        for ch in lhs.replace(",", "").replace("...", ""):
            counts[ch] = counts.get(ch, 0) + 1
        rhs = ("..." if "..." in lhs else "") + "".join(sorted(c for c, n in counts.items() if n == 1))
    out: list[int] = []
    parts = rhs.split("...")
    for i, part in enumerate(parts):
        if i:
            out.extend(ell)
        out.extend(sizes[ch] for ch in part)
    return tuple(out)


__all__ = [
    "ConvOp", "DeconvOp", "MatMulOp", "MaxPoolOp", "MaxPoolWithMaskOp", "AvgPoolOp", "BatchNormOp",
    "InstanceNormOp", "LayerNormOp", "GroupNormOp", "LRNOp", "MeanVarianceNormalizationOp", "SoftmaxOp",
    "HardmaxOp", "InterpOp", "EinsumOp", "conv_out_dim", "pool_out_dim",
]

