"""Cross-correlation and convolution of images, with padding and stride.

Introduced in lesson 03 (convolution by hand) and lesson 04 (padding, stride and fast
convolution). Deep-learning libraries call this operation "convolution"; what they
compute is cross-correlation (no kernel flip), and so does :func:`correlate2d`.

- :func:`correlate2d_loops`: plain Python loops, written to be read.
- :func:`correlate2d`: the same numbers, fast. It picks one of three routes by kernel
  size (``method="auto"``): NumPy shift-and-add (the vectorised version lesson 04
  teaches), SciPy's direct C loops (``scipy.ndimage.correlate``) or the FFT
  (``scipy.signal.fftconvolve``). Every route pads the image the same way first, then
  computes a "valid" correlation, so they agree with the loops to float rounding.
- :func:`convolve2d`: true convolution (kernel flipped).
- :func:`pad`, :func:`output_size`, :func:`same_padding`: the geometry.
- :data:`KERNELS`: the classic named kernels of lesson 03.

``padding="same"`` follows TensorFlow's ``SAME`` rule exactly: the output has
``ceil(n / stride)`` rows, the total padding is ``max((out - 1) * stride + k - n, 0)``
and when it is odd the extra row (column) goes after (bottom, right). So the results
equal ``tf.nn.conv2d`` for any kernel size, odd or even, and any stride.
"""

from __future__ import annotations

import numbers
from typing import Union

import numpy as np

__all__ = [
    "KERNELS",
    "METHODS",
    "PAD_MODES",
    "choose_method",
    "convolve2d",
    "correlate2d",
    "correlate2d_loops",
    "output_size",
    "pad",
    "same_padding",
]

#: Padding modes, with NumPy's names: zeros, repeat the edge pixel, mirror without
#: repeating the edge pixel, mirror repeating it, and wrap around (periodic).
PAD_MODES = ("constant", "edge", "reflect", "symmetric", "wrap")

#: Routes of :func:`correlate2d`; "auto" chooses by kernel size (see :func:`choose_method`).
METHODS = ("auto", "numpy", "ndimage", "fft")

#: With ``method="auto"``, kernels with at most this many weights (6 x 6) take SciPy's
#: direct route, larger ones the FFT. Measured on a 2-core CPU (lesson 04): direct time
#: grows with the number of weights (512 x 512: 1.8 ms at 3 x 3, 7 ms at 7 x 7, 90 ms at
#: 21 x 21), the FFT's barely depends on the kernel (4-8 ms); they cross between 6 x 6
#: and 9 x 9 for images from 64 x 64 to 1024 x 1024.
DIRECT_MAX_WEIGHTS = 36

Padding = Union[str, int, tuple]


def _kernel(rows) -> np.ndarray:
    array = np.array(rows, dtype=np.float64)
    array.setflags(write=False)  # shared by every lesson: nobody changes it by accident
    return array


_BINOMIAL_5 = np.outer([1, 4, 6, 4, 1], [1, 4, 6, 4, 1]) / 256
_IDENTITY_5 = np.zeros((5, 5))
_IDENTITY_5[2, 2] = 1

#: Named kernels of lesson 03, as read-only float64 arrays. Cross-correlation
#: convention: ``sobel_x`` is positive where brightness grows to the right,
#: ``sobel_y`` where it grows downwards.
KERNELS: dict[str, np.ndarray] = {
    "identity": _kernel([[0, 0, 0], [0, 1, 0], [0, 0, 0]]),
    "box_3x3": _kernel(np.ones((3, 3)) / 9),
    "box_7x7": _kernel(np.ones((7, 7)) / 49),
    "box_21x21": _kernel(np.ones((21, 21)) / 441),
    # binomial weights approximate a Gaussian with sigma = 1
    "gaussian_5x5": _kernel(_BINOMIAL_5),
    "sharpen": _kernel([[0, -1, 0], [-1, 5, -1], [0, -1, 0]]),
    # 2 x identity - Gaussian blur: add back the detail the blur removes
    "unsharp_mask_5x5": _kernel(2 * _IDENTITY_5 - _BINOMIAL_5),
    "laplacian": _kernel([[0, 1, 0], [1, -4, 1], [0, 1, 0]]),
    "sobel_x": _kernel([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]),
    "sobel_y": _kernel([[-1, -2, -1], [0, 0, 0], [1, 2, 1]]),
    "emboss": _kernel([[-2, -1, 0], [-1, 1, 1], [0, 1, 2]]),
}


# ---- validation (once, at the boundary) ------------------------------------------

def _is_int(value) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def _as_real_array(value, name: str) -> np.ndarray:
    try:
        array = np.asarray(value)
    except (TypeError, ValueError) as exc:  # ragged lists
        raise TypeError(f"{name} must be a numeric array, could not convert it ({exc})") from None
    if array.dtype == bool:
        array = array.astype(np.uint8)
    if not (np.issubdtype(array.dtype, np.integer) or np.issubdtype(array.dtype, np.floating)):
        raise TypeError(f"{name} must hold real numbers, got an array of dtype {array.dtype}")
    return array


def _check_finite(array: np.ndarray, name: str) -> None:
    if not np.issubdtype(array.dtype, np.floating):
        return
    with np.errstate(invalid="ignore", over="ignore"):
        total = array.sum()
    if np.isfinite(total):
        return  # a finite sum means finite values (fast); an infinite one may be an overflow: look closer
    if not np.isfinite(array).all():
        bad = int(np.count_nonzero(~np.isfinite(array)))
        raise ValueError(f"{name} must hold finite numbers, got {bad} NaN or infinite value(s)")


def _check_image(image) -> np.ndarray:
    array = _as_real_array(image, "image")
    if array.ndim not in (2, 3):
        raise ValueError(f"image must be 2-D (H, W) or 3-D (H, W, C), got shape {array.shape}")
    if array.size == 0:
        raise ValueError(f"image must not be empty, got shape {array.shape}")
    _check_finite(array, "image")
    return array


def _check_kernel(kernel) -> np.ndarray:
    array = _as_real_array(kernel, "kernel")
    if array.ndim != 2:
        raise ValueError(f"kernel must be a 2-D array, got shape {array.shape}")
    if array.size == 0:
        raise ValueError(f"kernel must not be empty, got shape {array.shape}")
    _check_finite(array, "kernel")
    return array.astype(np.float64, copy=False)


def _check_stride(stride) -> tuple[int, int]:
    pair = (stride, stride) if _is_int(stride) else stride
    if not (isinstance(pair, (tuple, list)) and len(pair) == 2 and all(_is_int(s) for s in pair)):
        raise TypeError(f"stride must be an int or a pair of ints (rows, cols), got {stride!r}")
    if min(pair) < 1:
        raise ValueError(f"stride must be at least 1, got {stride!r}")
    return int(pair[0]), int(pair[1])


def _check_mode(mode) -> str:
    if not isinstance(mode, str):
        raise TypeError(f"pad_mode must be a string, one of {PAD_MODES}, got {mode!r}")
    if mode not in PAD_MODES:
        raise ValueError(f"unknown pad_mode {mode!r}; expected one of {PAD_MODES}")
    return mode


def _check_padding_name(padding: str) -> str:
    name = padding.lower()
    if name not in ("same", "valid"):
        raise ValueError(f"unknown padding {padding!r}; expected 'same', 'valid', an int or a (rows, cols) pair")
    return name


def _pad_widths(padding) -> tuple[tuple[int, int], tuple[int, int]]:
    """Explicit padding -> ((top, bottom), (left, right)); accepts p, (pr, pc) or ((t, b), (l, r))."""
    def non_negative(p):
        if p < 0:
            raise ValueError(f"padding must not be negative, got {padding!r}")
        return int(p)

    if _is_int(padding):
        p = non_negative(padding)
        return (p, p), (p, p)
    if isinstance(padding, (tuple, list)) and len(padding) == 2:
        if all(_is_int(p) for p in padding):
            r, c = (non_negative(p) for p in padding)
            return (r, r), (c, c)
        if all(isinstance(p, (tuple, list)) and len(p) == 2 and all(_is_int(q) for q in p) for p in padding):
            (t, b), (l, r) = padding
            return (non_negative(t), non_negative(b)), (non_negative(l), non_negative(r))
    raise TypeError(
        f"padding must be 'same', 'valid', an int, a (rows, cols) pair or ((top, bottom), (left, right)), "
        f"got {padding!r}"
    )


# ---- geometry ----------------------------------------------------------------------

def same_padding(n: int, k: int, stride: int = 1) -> tuple[int, int]:
    """Padding (before, after) of TensorFlow's ``SAME`` rule along one axis (lesson 04).

    The output has ``ceil(n / stride)`` positions; the total padding is
    ``max((out - 1) * stride + k - n, 0)``, split in two with the extra one after.
    """
    out = -(-n // stride)
    total = max((out - 1) * stride + k - n, 0)
    return total // 2, total - total // 2


def output_size(n: int, k: int, *, stride: int = 1, padding: Padding = "same") -> int:
    """Length of the output along one axis: ``floor((n + 2p - k) / stride) + 1`` (lesson 04).

    Parameters
    ----------
    n, k
        Input and kernel length along the axis.
    stride
        Step between kernel positions.
    padding
        "same" (output ``ceil(n / stride)``, TensorFlow's rule), "valid" (p = 0), an int
        p added on both sides, or a pair (before, after).
    """
    for name, value in (("n", n), ("k", k), ("stride", stride)):
        if not _is_int(value):
            raise TypeError(f"{name} must be an int, got {value!r}")
        if value < 1:
            raise ValueError(f"{name} must be at least 1, got {value}")
    if isinstance(padding, str):
        if _check_padding_name(padding) == "same":
            return -(-n // stride)
        before = after = 0
    elif _is_int(padding):
        (before, after), _ = _pad_widths(padding)
    elif isinstance(padding, (tuple, list)) and len(padding) == 2 and all(_is_int(p) for p in padding):
        (before, _), (after, _) = _pad_widths(padding)
    else:
        raise TypeError(f"padding must be 'same', 'valid', an int or a (before, after) pair, got {padding!r}")
    if n + before + after < k:
        raise ValueError(f"kernel ({k}) is larger than the padded input ({n} + {before} + {after})")
    return (n + before + after - k) // stride + 1


def pad(image, padding, mode: str = "constant") -> np.ndarray:
    """Pad the rows and columns of an image (not its channels) (lesson 04).

    Parameters
    ----------
    image
        (H, W) or (H, W, C) array.
    padding
        p on every side, (rows, cols) on top/bottom and left/right, or
        ((top, bottom), (left, right)).
    mode
        "constant" (zeros), "edge", "reflect", "symmetric" or "wrap" (NumPy's names).
    """
    array = _check_image(image)
    widths = _pad_widths(padding)
    mode = _check_mode(mode)
    return _pad(array, widths, mode)


def _pad(array: np.ndarray, widths, mode: str) -> np.ndarray:
    if widths == ((0, 0), (0, 0)):
        return array
    full = widths + ((0, 0),) * (array.ndim - 2)
    return np.pad(array, full, mode=mode)


def _prepare(image, kernel, stride, padding, pad_mode):
    """Validate everything once; return the float64 image, kernel, stride pair, pad widths, mode."""
    array = _check_image(image)
    kernel = _check_kernel(kernel)
    strides = _check_stride(stride)
    mode = _check_mode(pad_mode)
    kh, kw = kernel.shape
    if isinstance(padding, str):
        if _check_padding_name(padding) == "same":
            widths = (same_padding(array.shape[0], kh, strides[0]), same_padding(array.shape[1], kw, strides[1]))
        else:
            widths = ((0, 0), (0, 0))
    else:
        widths = _pad_widths(padding)
    height = array.shape[0] + sum(widths[0])
    width = array.shape[1] + sum(widths[1])
    if kh > height or kw > width:
        raise ValueError(
            f"kernel of shape {kernel.shape} is larger than the padded image ({height}, {width}); "
            "use a smaller kernel, more padding or padding='same'"
        )
    return array.astype(np.float64, copy=False), kernel, strides, widths, mode


# ---- the loops, for reading ------------------------------------------------------------

def correlate2d_loops(image, kernel, *, stride=1, padding: Padding = "same", pad_mode: str = "constant") -> np.ndarray:
    """Cross-correlation with plain Python loops, written to be read (lesson 03).

    Same arguments and results as :func:`correlate2d`, far slower (lesson 04 times both).
    """
    image, kernel, (sr, sc), widths, mode = _prepare(image, kernel, stride, padding, pad_mode)
    padded = _pad(image, widths, mode)
    kh, kw = kernel.shape
    out_h = (padded.shape[0] - kh) // sr + 1
    out_w = (padded.shape[1] - kw) // sc + 1
    out = np.zeros((out_h, out_w) + padded.shape[2:])
    for i in range(out_h):  # each output row ...
        for j in range(out_w):  # ... and column: one position of the kernel
            top, left = i * sr, j * sc
            for u in range(kh):  # multiply the kernel with the window under it, and sum
                for v in range(kw):
                    out[i, j] += padded[top + u, left + v] * kernel[u, v]
    return out


# ---- the fast routes ---------------------------------------------------------------------

def _shift_and_add(padded: np.ndarray, kernel: np.ndarray, sr: int, sc: int) -> np.ndarray:
    """One pass over the image per kernel weight: out += w[u, v] * (image shifted by u, v)."""
    kh, kw = kernel.shape
    out_h = (padded.shape[0] - kh) // sr + 1
    out_w = (padded.shape[1] - kw) // sc + 1
    out = np.zeros((out_h, out_w) + padded.shape[2:])
    for u in range(kh):
        for v in range(kw):
            out += kernel[u, v] * padded[u : u + sr * (out_h - 1) + 1 : sr, v : v + sc * (out_w - 1) + 1 : sc]
    return out


#: scipy.ndimage's name for each NumPy padding mode, and how many pixels of padding
#: (relative to the image length n) the two agree on: NumPy's "reflect" is ndimage's
#: "mirror", NumPy's "symmetric" is ndimage's "reflect". Beyond that (a kernel wider
#: than the image) the route pads explicitly.
_NDIMAGE_MODES = {
    "constant": ("constant", None),
    "edge": ("nearest", None),
    "reflect": ("mirror", -1),
    "symmetric": ("reflect", 0),
    "wrap": ("grid-wrap", 0),
}


def _ndimage_origin(n: int, k: int, before: int, after: int, mode: str) -> int | None:
    """ndimage's ``origin`` that makes its output m start at our window m, or None.

    ndimage centres a kernel of length k at index m + k // 2 + origin; our window for
    output m starts at image index m - before. ndimage's output has the image's length,
    so this works when the stride-1 output is not longer than the image.
    """
    origin = before - k // 2
    limit = _NDIMAGE_MODES[mode][1]
    if not -(k // 2) <= origin <= (k - 1) // 2:
        return None
    if n + before + after - k + 1 > n:
        return None
    if limit is not None and max(before, after) > n + limit:
        return None
    return origin


def _direct_ndimage(image: np.ndarray, kernel: np.ndarray, widths, mode: str, sr: int, sc: int) -> np.ndarray:
    """SciPy's C loops (``scipy.ndimage.correlate``), letting it pad when it can."""
    from scipy import ndimage

    kh, kw = kernel.shape
    (top, bottom), (left, right) = widths
    out_h = image.shape[0] + top + bottom - kh + 1  # stride-1 output size
    out_w = image.shape[1] + left + right - kw + 1
    origins = (
        _ndimage_origin(image.shape[0], kh, top, bottom, mode),
        _ndimage_origin(image.shape[1], kw, left, right, mode),
    )
    if None in origins:  # pad ourselves; the window for output m then starts at m
        image = _pad(image, widths, mode)
        origins = (-(kh // 2), -(kw // 2))
        mode = "constant"  # never used: every kept window lies inside the padded image
    weights = kernel if image.ndim == 2 else kernel[:, :, None]
    origin = origins if image.ndim == 2 else origins + (0,)
    full = ndimage.correlate(image, weights, mode=_NDIMAGE_MODES[mode][0], cval=0.0, origin=origin)
    return full[:out_h:sr, :out_w:sc]  # a view: "same" at stride 1 keeps all of it


def _fft(image: np.ndarray, kernel: np.ndarray, widths, mode: str, sr: int, sc: int) -> np.ndarray:
    """Fourier route (``scipy.signal.fftconvolve``): cost barely depends on kernel size."""
    from scipy import signal

    kh, kw = kernel.shape
    (top, bottom), (left, right) = widths
    flipped = kernel[::-1, ::-1]  # correlation = convolution with the flipped kernel
    if image.ndim == 3:
        flipped = flipped[:, :, None]
    if mode == "constant" and max(top, bottom) <= kh - 1 and max(left, right) <= kw - 1:
        # the "full" convolution already sees zeros around the image: no padding copy
        full = signal.fftconvolve(image, flipped, mode="full", axes=(0, 1))
        r0, c0 = kh - 1 - top, kw - 1 - left
        out_h = image.shape[0] + top + bottom - kh + 1
        out_w = image.shape[1] + left + right - kw + 1
        return full[r0 : r0 + out_h : sr, c0 : c0 + out_w : sc]
    valid = signal.fftconvolve(_pad(image, widths, mode), flipped, mode="valid", axes=(0, 1))
    return valid[::sr, ::sc]


def choose_method(kernel_shape: tuple[int, int]) -> str:
    """The route ``correlate2d(method="auto")`` takes for a kernel of this shape (lesson 04).

    Direct sums cost one multiply-add per weight and pixel; the FFT costs about the same
    for any kernel size. Small kernels go direct ("ndimage"), large ones to "fft".
    """
    kh, kw = kernel_shape
    return "ndimage" if kh * kw <= DIRECT_MAX_WEIGHTS else "fft"


def correlate2d(
    image,
    kernel,
    *,
    stride=1,
    padding: Padding = "same",
    pad_mode: str = "constant",
    method: str = "auto",
) -> np.ndarray:
    """Cross-correlate an image with a kernel (what CNN layers call convolution) (lessons 03-04).

    ``out[i, j] = sum over u, v of padded[i * sr + u, j * sc + v] * kernel[u, v]``.

    Parameters
    ----------
    image
        (H, W) array, or (H, W, C) filtered channel by channel. Any real dtype.
    kernel
        Non-empty 2-D array of weights.
    stride
        Step between kernel positions: an int or a (rows, cols) pair, at least 1.
    padding
        "same" (TensorFlow's rule: output ``ceil(n / stride)``, extra padding after),
        "valid" (none), an int p on every side, a (rows, cols) pair, or
        ((top, bottom), (left, right)).
    pad_mode
        "constant" (zeros), "edge", "reflect", "symmetric" or "wrap".
    method
        "auto" (by kernel size, see :func:`choose_method`), "numpy" (shift-and-add),
        "ndimage" (``scipy.ndimage.correlate``) or "fft" (``scipy.signal.fftconvolve``).
        All give the same numbers up to float rounding.

    Returns
    -------
    numpy.ndarray
        float64, shape (out_h, out_w) or (out_h, out_w, C).

    Examples
    --------
    >>> correlate2d(np.arange(9.0).reshape(3, 3), KERNELS["identity"]).tolist()
    [[0.0, 1.0, 2.0], [3.0, 4.0, 5.0], [6.0, 7.0, 8.0]]
    """
    if not isinstance(method, str) or method not in METHODS:
        raise ValueError(f"unknown method {method!r}; expected one of {METHODS}")
    image, kernel, (sr, sc), widths, mode = _prepare(image, kernel, stride, padding, pad_mode)
    if method == "auto":
        method = choose_method(kernel.shape)
    if method == "numpy":
        return _shift_and_add(_pad(image, widths, mode), kernel, sr, sc)
    if method == "ndimage":
        return _direct_ndimage(image, kernel, widths, mode, sr, sc)
    return _fft(image, kernel, widths, mode, sr, sc)


def convolve2d(
    image,
    kernel,
    *,
    stride=1,
    padding: Padding = "same",
    pad_mode: str = "constant",
    method: str = "auto",
) -> np.ndarray:
    """True convolution: :func:`correlate2d` with the kernel flipped in both axes (lesson 03).

    With an odd kernel and zero padding it equals ``scipy.signal.convolve2d(image,
    kernel, mode="same")``. Arguments as for :func:`correlate2d`.
    """
    kernel = _check_kernel(kernel)
    return correlate2d(image, kernel[::-1, ::-1], stride=stride, padding=padding, pad_mode=pad_mode, method=method)
