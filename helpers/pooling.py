"""Pooling: summarise each window of an image by its maximum, mean or sum.

Introduced in lesson 05 · Pooling. :func:`pool2d_loops` is the reference version the
lesson writes with two loops; :func:`pool2d` gives the same results with NumPy's
sliding windows, fast enough for real photos. Both use "VALID" padding, like
``tf.nn.max_pool2d(..., padding="VALID")``: windows never hang over the edge, so rows
and columns that no whole window reaches are left out.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

__all__ = ["OPS", "pool2d", "pool2d_loops", "pooled_size"]

#: The summaries a window can be reduced to.
OPS: dict[str, Callable[..., np.ndarray]] = {"max": np.max, "mean": np.mean, "sum": np.sum}


def pooled_size(n: int, size: int, stride: int) -> int:
    """Number of whole windows of ``size`` that fit along ``n`` pixels, moving by ``stride``.

    This is the output-size formula ``floor((n - size) / stride) + 1`` of "VALID" pooling
    (lesson 05). It assumes ``1 <= size <= n`` and ``stride >= 1``.
    """
    return (n - size) // stride + 1


def _check_int(value, name: str) -> int:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be a whole number (int), got {type(value).__name__} {value!r}")
    if value < 1:
        raise ValueError(f"{name} must be at least 1, got {value}")
    return int(value)


def _validate(x, size, stride, op) -> tuple[np.ndarray, int, int, Callable[..., np.ndarray]]:
    """Check the arguments once; return the array, size, stride and the reducing function."""
    x = np.asarray(x)
    if x.ndim not in (2, 3):
        raise ValueError(
            f"x must be a 2-D image (H, W) or a 3-D image with channels (H, W, C), got shape {x.shape}"
        )
    if x.dtype.kind not in "biuf":
        raise TypeError(f"x must hold numbers (bool, int or float), got dtype {x.dtype}")
    size = _check_int(size, "size")
    stride = size if stride is None else _check_int(stride, "stride")
    if not isinstance(op, str) or op not in OPS:
        raise ValueError(f"op must be one of {', '.join(repr(k) for k in OPS)}; got {op!r}")
    height, width = x.shape[:2]
    if size > height or size > width:
        raise ValueError(
            f"size {size} is larger than the input ({height} x {width} pixels): "
            f"no whole {size} x {size} window fits; use a smaller size"
        )
    return x, size, stride, OPS[op]


def pool2d(x, size: int = 2, *, stride: int | None = None, op: str = "max") -> np.ndarray:
    """Pool a 2-D image or an (H, W, C) image window by window, vectorised ("VALID" padding).

    Parameters
    ----------
    x
        Image of shape ``(H, W)`` or ``(H, W, C)``; each channel is pooled on its own.
    size
        Height and width of the square window.
    stride
        Step between neighbouring windows; defaults to ``size`` (windows touch, no overlap).
    op
        ``"max"``, ``"mean"`` or ``"sum"``: how a window is summarised.

    Returns
    -------
    numpy.ndarray
        Shape ``(pooled_size(H, size, stride), pooled_size(W, size, stride)[, C])``. The
        dtype is what NumPy's ``max`` / ``mean`` / ``sum`` give for ``x`` (``max`` keeps
        it; ``mean`` of integers is float64).

    Examples
    --------
    >>> pool2d(np.arange(16).reshape(4, 4))
    array([[ 5,  7],
           [13, 15]])
    """
    x, size, stride, reduce = _validate(x, size, stride, op)
    # windows[i, j, (c,) a, b] == x[i + a, j + b (, c)]: every window position, as a view
    windows = np.lib.stride_tricks.sliding_window_view(x, (size, size), axis=(0, 1))
    return reduce(windows[::stride, ::stride], axis=(-2, -1))


def pool2d_loops(x, size: int = 2, *, stride: int | None = None, op: str = "max") -> np.ndarray:
    """Same as :func:`pool2d`, with two explicit loops over the output (the lesson's version)."""
    x, size, stride, reduce = _validate(x, size, stride, op)
    out_h = pooled_size(x.shape[0], size, stride)
    out_w = pooled_size(x.shape[1], size, stride)
    rows = []
    for i in range(out_h):
        row = []
        for j in range(out_w):
            top, left = i * stride, j * stride
            window = x[top : top + size, left : left + size]  # (size, size) or (size, size, C)
            row.append(reduce(window, axis=(0, 1)))
        rows.append(row)
    return np.array(rows)
