"""Exercises of lesson 05 · Pooling."""

from __future__ import annotations

import numpy as np

from helpers import pooling
from helpers.exercises.core import (
    Exercise,
    Wrong,
    call,
    choice_test,
    expect_array,
    expect_source_avoids,
)

# ---- q1: predict the shape of a Keras pooling layer's output ------------------------------

#: The input of exercise 1: a batch of 8 colour images, 13 rows by 10 columns.
Q1_INPUT_SHAPE = (8, 13, 10, 3)
Q1_POOL, Q1_STRIDE = 3, 2


def _valid(n: int, k: int, s: int) -> int:
    return (n - k) // s + 1


def _reference_q1() -> tuple[int, int, int, int]:
    batch, h, w, c = Q1_INPUT_SHAPE
    return (batch, _valid(h, Q1_POOL, Q1_STRIDE), _valid(w, Q1_POOL, Q1_STRIDE), c)


def _test_q1(answer):
    if hasattr(answer, "as_list"):  # a TensorShape
        answer = tuple(answer.as_list())
    if not isinstance(answer, (tuple, list)) or not all(
        isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in answer
    ):
        raise Wrong(f"write the shape as a tuple of whole numbers, such as (1, 2, 3, 4); got {answer!r}")
    got = tuple(int(v) for v in answer)
    expected = _reference_q1()
    batch, h, w, c = Q1_INPUT_SHAPE
    if len(got) == 2:
        raise Wrong(
            f"{got} has two numbers, but the layer gets a 4-D batch {Q1_INPUT_SHAPE}: Keras keeps the batch "
            "axis and the channel axis and pools only rows and columns, so the answer has four numbers."
        )
    if len(got) != 4:
        raise Wrong(f"the input has 4 axes (batch, rows, columns, channels), so the output has 4 too; got {len(got)}")
    if got[0] != batch or got[3] != c:
        raise Wrong(
            f"pooling never mixes images or channels: the batch stays {batch} and the channels stay {c}; "
            f"got batch {got[0]} and {got[3]} channels."
        )
    rows_cols = got[1:3]
    if rows_cols == (-(-h // Q1_STRIDE), -(-w // Q1_STRIDE)):
        raise Wrong(
            f"{rows_cols} is what padding=\"same\" gives (ceil(n / stride)). The default is padding=\"valid\": "
            "only whole windows count."
        )
    if rows_cols == (h // Q1_POOL, w // Q1_POOL):
        raise Wrong(
            f"{rows_cols} counts windows that touch without overlapping (n // 3). Here the window moves by "
            f"strides={Q1_STRIDE}, less than its size {Q1_POOL}, so the windows overlap and more of them fit."
        )
    if rows_cols == ((h - Q1_POOL) // Q1_STRIDE, (w - Q1_POOL) // Q1_STRIDE):
        raise Wrong(
            f"{rows_cols} counts the moves of the window but not its first position: the formula ends with + 1."
        )
    if rows_cols != expected[1:3]:
        raise Wrong(
            f"rows and columns: expected other numbers than {rows_cols}; apply floor((n - k) / s) + 1 "
            "to the rows and to the columns separately."
        )


q1 = Exercise(
    "Exercise 1 · Predict the output shape",
    test=_test_q1,
    hint="""\
        Keras pools rows and columns only; the batch axis (8) and the channel axis (3)
        come out unchanged. For rows and columns, use the output-size formula of "valid"
        pooling, floor((n - k) / s) + 1, with k = 3 and s = 2: once for n = 13, once for n = 10.""",
    solution="""\
        answer = (8, 6, 4, 3)   # rows: (13 - 3) // 2 + 1 = 6; columns: (10 - 3) // 2 + 1 = 4""",
    reference=_reference_q1(),
    wrong_answers=(
        (8, 7, 5, 3),  # padding="same": ceil(n / s)
        (8, 4, 3, 3),  # n // k: as if the stride were the window size
        (8, 5, 3, 3),  # forgot the + 1
        (6, 4),  # dropped the batch and channel axes
        (8, 6, 4, 1),  # thought the channels get pooled together
    ),
    level=1,
    kinds=("predict",),
)


# ---- q2: why pooling, not subsampling, gives the tolerance --------------------------------

_Q2_EXPLANATIONS = {
    "a": (
        "the map size alone does not decide it. The lesson's experiment kept every 4th pixel, as few "
        "numbers as 4 x 4 pooling, and that map changed as much after a shift as the full edge map."
    ),
    "b": (
        "a 1 x 1 kernel with stride 2 only samples: each output is one input pixel times a weight, like "
        "f[::2, ::2], and nothing summarises the pixels in between. A thin edge that moves by one pixel "
        "falls between the samples, so the output changes about as much as without any downsampling; the "
        "max over a 2 x 2 window still sees the edge in its window."
    ),
    "c": (
        "a convolution's output does move along with its input, but that movement is exactly the change "
        "the lesson measured. And with stride 2 it does not even move along for a 1-pixel shift: the kept "
        "samples land on other pixels."
    ),
    "d": (
        "the single weight w of a 1 x 1 kernel only scales each sampled pixel; no value of w makes the layer "
        "look at the pixels between the samples, which it never sees."
    ),
}

q2 = Exercise(
    "Exercise 2 · Pooling or sampling?",
    test=choice_test("b", _Q2_EXPLANATIONS),
    hint="""\
        For each of the two layers, write down which input pixels one output number depends on.
        Then look for the row of the lesson's shift experiment whose map is built the same way
        as the new layer's, and read how much that row changed.""",
    solution="""\
        answer = "b"   # sampling summarises no neighbourhood, so small shifts are not absorbed""",
    reference="b",
    wrong_answers=("a", "c", "d", 2),
    explanation="""\
        The tolerance comes from summarising a neighbourhood, not from having fewer numbers. This is why
        networks that downsample with strided convolutions use kernels of 3 x 3 or larger: they look
        at a neighbourhood too, and their weights decide how to summarise it.""",
    level=2,
    kinds=("concept",),
)


# ---- q3: max pooling of a colour image with a reshape --------------------------------------

def _reference_q3(x, size):
    h, w, c = x.shape
    x = x[: h - h % size, : w - w % size]  # "valid": only whole windows
    return x.reshape(h // size, size, w // size, size, c).max(axis=(1, 3))


def _wrong_order_q3(x, size):  # the lesson's pitfall: axes in the wrong order
    h, w, c = x.shape
    x = x[: h - h % size, : w - w % size]
    return x.reshape(h // size, w // size, size, size, c).max(axis=(2, 3))


def _mean_q3(x, size):
    h, w, c = x.shape
    x = x[: h - h % size, : w - w % size]
    return x.reshape(h // size, size, w // size, size, c).mean(axis=(1, 3))


def _no_crop_q3(x, size):
    h, w, c = x.shape
    return x.reshape(h // size, size, w // size, size, c).max(axis=(1, 3))


def _uses_pool2d_q3(x, size):
    return pooling.pool2d(x, size)


def _loops_q3(x, size):
    h, w, c = x.shape
    out = np.zeros((h // size, w // size, c), dtype=x.dtype)
    for i in range(h // size):
        for j in range(w // size):
            out[i, j] = x[i * size : (i + 1) * size, j * size : (j + 1) * size].max(axis=(0, 1))
    return out


_Q3_CASES = [((8, 6, 3), 2), ((7, 9, 3), 2), ((9, 7, 2), 3), ((8, 8, 1), 4)]


def _test_q3(function):
    expect_source_avoids(
        function, loops=True, names=("pool2d", "pool2d_loops", "pool2d_windows", "sliding_window_view"),
        why="Use one reshape and one max.",
    )
    rng = np.random.default_rng(5)
    for shape, size in _Q3_CASES:
        x = rng.integers(0, 100, size=shape).astype(np.float64)
        what = f"your max_pool_reshape(x, {size}) on an x of shape {shape}"
        try:
            got = call(function, x.copy(), size)
        except Wrong as exc:
            if "reshape" in str(exc) and (shape[0] % size or shape[1] % size):
                raise Wrong(
                    f"{what}: the reshape fails because {shape[0]} x {shape[1]} is not a whole number of "
                    f"{size} x {size} windows. \"Valid\" pooling drops the left-over rows and columns: "
                    "crop x to whole windows before the reshape."
                ) from None
            raise
        expected = _reference_q3(x, size)
        if isinstance(got, np.ndarray) and got.shape == expected.shape:
            if np.allclose(got, _wrong_order_q3(x, size)) and not np.allclose(got, expected):
                raise Wrong(
                    f"{what}: the windows are not {size} x {size} squares. A reshape to "
                    "(H/k, W/k, k, k, C) puts consecutive pixels of one row into a \"window\" (the lesson's "
                    "pitfall); keep the order (window row, row inside it, window column, column inside it, channel)."
                )
            if np.allclose(got, _mean_q3(x, size)) and not np.allclose(got, expected):
                raise Wrong(f"{what}: these are the means of the windows; max pooling keeps the largest value.")
        expect_array(got, expected, what)


q3 = Exercise(
    "Exercise 3 · Max pooling a colour image with a reshape",
    test=_test_q3,
    hint="""\
        Start from the lesson's reshape of a 2-D map into 2 x 2 windows. What must change when the
        window is size x size, when a channel axis comes along (pooling never mixes channels), and
        when size does not divide H or W ("valid" keeps only whole windows)?""",
    solution="""\
        def max_pool_reshape(x, size):
            h, w, c = x.shape
            x = x[: h - h % size, : w - w % size]   # "valid": only whole windows
            return x.reshape(h // size, size, w // size, size, c).max(axis=(1, 3))""",
    reference=_reference_q3,
    wrong_answers=(_wrong_order_q3, _mean_q3, _no_crop_q3, _uses_pool2d_q3, _loops_q3),
    level=2,
    kinds=("code",),
)


# ---- q4: which pixel each max-pooling window keeps ----------------------------------------

def _reference_q4(x, size):
    h, w = x.shape
    hh, ww = h - h % size, w - w % size
    pooled = pooling.pool2d(x, size)
    spread = np.repeat(np.repeat(pooled, size, axis=0), size, axis=1)  # each max over its own window
    mask = np.zeros(x.shape, dtype=bool)
    mask[:hh, :ww] = x[:hh, :ww] == spread
    return mask


def _tile_q4(x, size):  # np.tile repeats the whole pooled map, not each value
    h, w = x.shape
    hh, ww = h - h % size, w - w % size
    mask = np.zeros(x.shape, dtype=bool)
    mask[:hh, :ww] = x[:hh, :ww] == np.tile(pooling.pool2d(x, size), (size, size))
    return mask


def _pooled_shape_q4(x, size):  # answers per window, not per pixel
    return pooling.pool2d(x, size) > 0


def _cropped_q4(x, size):  # forgets the left-over rows and columns
    h, w = x.shape
    hh, ww = h - h % size, w - w % size
    spread = np.repeat(np.repeat(pooling.pool2d(x, size), size, axis=0), size, axis=1)
    return x[:hh, :ww] == spread


def _global_max_q4(x, size):
    return x == x.max()


def _kron_q4(x, size):  # compares all of x with maxima that cover only the whole windows
    return x == np.kron(pooling.pool2d(x, size), np.ones((size, size)))


def _test_q4(function):
    rng = np.random.default_rng(4)
    for shape, size in [((4, 4), 2), ((6, 9), 3), ((7, 5), 2)]:
        x = rng.permutation(shape[0] * shape[1]).reshape(shape).astype(np.float64)  # no ties
        what = f"your winners(x, {size}) on an x of shape {shape}"
        covered = (shape[0] - shape[0] % size, shape[1] - shape[1] % size)
        try:
            got = call(function, x.copy(), size)
        except Wrong as exc:
            if "broadcast" in str(exc) and covered != shape:
                error = str(exc).split("\n")[0].replace("your function raised ", "").strip()
                raise Wrong(
                    f"{what} compares arrays of different shapes ({error}). The maxima spread over their "
                    f"windows cover only the whole windows, {covered[0]} x {covered[1]} pixels, not all of x: "
                    "the left-over rows and columns belong to no window. Compare only the covered part "
                    "and leave the rest False."
                ) from None
            raise
        expected = _reference_q4(x, size)
        if isinstance(got, np.ndarray):
            if got.shape == (shape[0] // size, shape[1] // size):
                raise Wrong(
                    f"{what}: expected one True/False per input pixel, shape {shape}; got the pooled "
                    f"shape {got.shape}."
                )
            if got.shape == (shape[0] - shape[0] % size, shape[1] - shape[1] % size) and got.shape != shape:
                raise Wrong(
                    f"{what}: expected shape {shape}, got {got.shape}: the left-over rows and columns are "
                    "part of x too. They are in no window, so they are False."
                )
            if got.shape == shape and got.dtype != bool:
                raise Wrong(f"{what}: expected a boolean array (True/False), got dtype {got.dtype}")
            if got.shape == shape and np.array_equal(got, _tile_q4(x, size)) and not np.array_equal(got, expected):
                raise Wrong(
                    f"{what}: np.tile repeats the whole pooled map side by side, so pixels are compared with "
                    "the maximum of another window. Each pooled value must cover its own window: repeat every "
                    "value size times along rows and along columns (np.repeat with axis=)."
                )
            if got.shape == shape and got.sum() == 1 and expected.sum() > 1:
                raise Wrong(
                    f"{what}: only one pixel is True; every window has its own winner, "
                    f"{int(expected.sum())} in all."
                )
        expect_array(got, expected, what, dtype=bool)


q4 = Exercise(
    "Exercise 4 · Which pixels win?",
    test=_test_q4,
    hint="""\
        Pool first: pooling.pool2d(x, size) gives the winning value of every window. A pixel wins
        when it equals the maximum of its own window. Can you build an array of x's shape that
        holds, at every pixel, that window's maximum? And which pixels belong to no window?""",
    solution="""\
        def winners(x, size):
            h, w = x.shape
            hh, ww = h - h % size, w - w % size                  # the part covered by whole windows
            pooled = pooling.pool2d(x, size)
            spread = np.repeat(np.repeat(pooled, size, axis=0), size, axis=1)
            mask = np.zeros(x.shape, dtype=bool)
            mask[:hh, :ww] = x[:hh, :ww] == spread
            return mask""",
    reference=_reference_q4,
    wrong_answers=(_tile_q4, _pooled_shape_q4, _cropped_q4, _global_max_q4, _kron_q4),
    explanation="""\
        This mask shows the only pixels a max-pooling layer lets through: nudge a winner and the
        output changes by the same amount; nudge any other pixel of its window (a little) and the
        output does not change at all. So when a network learns, only the winners are corrected
        through this layer. Average pooling lets every pixel through, each with weight 1 / size².""",
    level=3,
    kinds=("code", "beyond"),
)
