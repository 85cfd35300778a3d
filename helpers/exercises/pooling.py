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
        Which of the four axes does a pooling layer shrink, and which does it leave alone?
        For the axes it shrinks, the lesson's output-size formula needs n, k and s: read them
        off the input shape and the layer's arguments, and think about which padding Keras
        uses when you do not say.""",
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


def q1_keras_shape() -> tuple[int, ...]:
    """Exercise 1's layer run in Keras on zeros of the exercise's input shape: the output shape."""
    import keras

    layer = keras.layers.MaxPooling2D(pool_size=Q1_POOL, strides=Q1_STRIDE)
    return tuple(int(n) for n in layer(np.zeros(Q1_INPUT_SHAPE, dtype="float32")).shape)


# ---- q2: does the stride matter for the tolerance to shifts? --------------------------------

_Q2_EXPLANATIONS = {
    "a": (
        "the lesson's experiment showed that the number of outputs does not decide it: keeping every 4th pixel "
        "gave as few numbers as 4 x 4 pooling and changed as much as the full edge map. What absorbs a shift is "
        "each output summarising a neighbourhood, and with stride 1 every output still summarises 3 x 3 pixels. "
        "Measured on the lesson's 40 crops: about 30 % after a 1-pixel shift, against 55 % without pooling."
    ),
    "b": (
        "pool2d(f, 3, stride=2) is exactly pool2d(f, 3, stride=1)[::2, ::2], every 2nd row and column of the "
        "stride-1 output, and the lesson showed that keeping every n-th value leaves the relative change as it was."
    ),
    "c": (
        "overlap does not help by itself: the stride-2 output is every 2nd row and column of the stride-1 output "
        "(pool2d(f, 3, stride=2) == pool2d(f, 3, stride=1)[::2, ::2]), and keeping every n-th value leaves the "
        "relative change as it was (the lesson's every-4th-pixel row). Measured on the lesson's 40 crops: about "
        "30 % after a 1-pixel shift with either stride."
    ),
    "d": (
        "max pooling spreads each thin edge over 3 pixels, and that helps rather than hurts: the widened edge and its copy moved by one pixel "
        "overlap on 2 of their 3 pixels, and the relative change divides by the size of the map, which grows "
        "as well. Measured on the lesson's 40 crops: about 30 % after a 1-pixel shift, against 55 % without pooling."
    ),
}

q2 = Exercise(
    "Exercise 2 · Does the stride matter?",
    test=choice_test("b", _Q2_EXPLANATIONS),
    hint="""\
        First ask: how is the stride-2 output related to the stride-1 one? Both strides use the
        same 3 x 3 windows. Then ask what the shift experiment says about keeping only some of
        the values of a map.""",
    solution="""\
        answer = "b"   # the window decides the tolerance; stride 2 only keeps every 2nd output""",
    reference="b",
    wrong_answers=("a", "c", "d", 2),
    explanation="""\
        The window decides the tolerance, the stride decides how many outputs are kept: the stride-2
        output is every 2nd row and column of the stride-1 output (pool2d(f, 3, stride=2) equals
        pool2d(f, 3, stride=1)[::2, ::2]), and keeping every n-th value did not change the relative
        change in the lesson's experiment. On the lesson's
        40 crops, 3 x 3 max pooling changes by about 30 % after a 1-pixel shift with stride 1 and with
        stride 2 (no pooling: 55 %). The tolerance comes from the window; stride 2
        makes the maps, and the work of the next layer, 4 times smaller. To see it, add both to the
        lesson's variants dict and rerun the experiment.""",
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
        why="Use a reshape and max.",
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
        Start from Going further's reshape of a 2-D map into 2 x 2 windows. What must change when the
        window is size x size, and when a channel axis comes along (pooling never mixes channels)?
        When size does not divide H or W, the reshape fails: what does "valid" pooling do with the
        left-over rows and columns, and what can you do to x before the reshape to match it?""",
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


# ---- q4: overlapping pooling (3 x 3, stride 2) with strided slices, no loops ---------------

Q4_SIZE, Q4_STRIDE = 3, 2
_Q4_BANNED = ("pool2d", "pool2d_loops", "pool2d_windows", "sliding_window_view", "as_strided",
              "maximum_filter", "grey_dilation", "max_pool2d", "max_pool", "MaxPooling2D")


def _out(n: int) -> int:
    return (n - Q4_SIZE) // Q4_STRIDE + 1


def _reference_q4(x):
    oh, ow = _out(x.shape[0]), _out(x.shape[1])
    # max over the 3 rows of every window, for all windows at once: (oh, W)
    rows = np.maximum(np.maximum(x[0 : 2 * oh : 2], x[1 : 2 * oh + 1 : 2]), x[2 : 2 * oh + 2 : 2])
    # then over the 3 columns: (oh, ow)
    return np.maximum(np.maximum(rows[:, 0 : 2 * ow : 2], rows[:, 1 : 2 * ow + 1 : 2]), rows[:, 2 : 2 * ow + 2 : 2])


def _sampling_q4(x):  # keeps one pixel per window, the top-left one: sampling, not pooling
    return x[0 : 2 * _out(x.shape[0]) : 2, 0 : 2 * _out(x.shape[1]) : 2]


def _two_by_two_q4(x):  # 2 x 2 windows: only the offsets 0 and 1
    oh, ow = _out(x.shape[0]), _out(x.shape[1])
    rows = np.maximum(x[0 : 2 * oh : 2], x[1 : 2 * oh + 1 : 2])
    return np.maximum(rows[:, 0 : 2 * ow : 2], rows[:, 1 : 2 * ow + 1 : 2])


def _rows_only_q4(x):  # pools down the rows, forgets the columns: 3 x 1 windows
    oh, ow = _out(x.shape[0]), _out(x.shape[1])
    rows = np.maximum(np.maximum(x[0 : 2 * oh : 2], x[1 : 2 * oh + 1 : 2]), x[2 : 2 * oh + 2 : 2])
    return rows[:, 0 : 2 * ow : 2]


def _stride_one_q4(x):  # the 3 x 3 maxima at every position (stride 1), not every 2nd
    h, w = x.shape
    rows = np.maximum(np.maximum(x[0 : h - 2], x[1 : h - 1]), x[2:h])
    return np.maximum(np.maximum(rows[:, 0 : w - 2], rows[:, 1 : w - 1]), rows[:, 2:w])


def _untrimmed_q4(x):  # slices run to the end of x, so their lengths differ
    rows = np.maximum(np.maximum(x[0::2], x[1::2]), x[2::2])
    return np.maximum(np.maximum(rows[:, 0::2], rows[:, 1::2]), rows[:, 2::2])


def _untrimmed_list_q4(x):  # a list of the 9 slices, each running to the end of x: a ragged list
    return np.max(np.array([x[a::2, b::2] for a in range(3) for b in range(3)]), axis=0)


def _slices_not_combined_q4(x):  # the 9 trimmed slices, returned as a list without taking their maximum
    oh, ow = _out(x.shape[0]), _out(x.shape[1])
    return [x[a : a + 2 * oh : 2, b : b + 2 * ow : 2] for a in range(3) for b in range(3)]


def _half_size_q4(x):  # counts n // 2 outputs per side, as for 2 x 2 windows: too many on even sizes
    oh, ow = x.shape[0] // 2, x.shape[1] // 2
    return np.max([x[a : a + 2 * oh : 2, b : b + 2 * ow : 2] for a in range(3) for b in range(3)], axis=0)


def _loops_q4(x):  # the lesson's loop, adapted: correct numbers, but a loop over the windows
    out = np.zeros((_out(x.shape[0]), _out(x.shape[1])), dtype=x.dtype)
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            out[i, j] = x[2 * i : 2 * i + 3, 2 * j : 2 * j + 3].max()
    return out


def _row_loop_q4(x):  # vectorised along each row of windows, but a loop over the rows of windows
    ow = _out(x.shape[1])
    rows = []
    for i in range(_out(x.shape[0])):
        band = x[2 * i : 2 * i + 3].max(axis=0)
        rows.append(np.maximum(np.maximum(band[0 : 2 * ow : 2], band[1 : 2 * ow + 1 : 2]), band[2 : 2 * ow + 2 : 2]))
    return np.array(rows)


def _offset_loop_q4(x):  # allowed: a loop over the 9 positions inside the window
    oh, ow = _out(x.shape[0]), _out(x.shape[1])
    out = x[0 : 2 * oh : 2, 0 : 2 * ow : 2]
    for a in range(3):
        for b in range(3):
            out = np.maximum(out, x[a : a + 2 * oh : 2, b : b + 2 * ow : 2])
    return out


def _python_steps(function, x) -> int:
    """How many Python lines run during ``function(x)``, outside the installed libraries (NumPy...)."""
    import sys

    libraries = tuple({sys.prefix, sys.base_prefix, sys.exec_prefix})
    steps = 0

    def count(frame, event, arg):
        nonlocal steps
        if event == "line":
            steps += 1
        return count

    def enter(frame, event, arg):
        return None if frame.f_code.co_filename.startswith(libraries) else count

    previous = sys.gettrace()
    sys.settrace(enter)
    try:
        function(x)
    except Exception:  # the correctness checks report errors
        pass
    finally:
        sys.settrace(previous)
    return steps


def _expect_no_loop_over_pixels(function):
    """A loop over the 9 offsets runs the same lines on any input; a loop over windows or rows grows with it."""
    small, large = np.zeros((9, 9)), np.zeros((41, 41))  # 4 x 4 and 20 x 20 windows
    few, many = _python_steps(function, small), _python_steps(function, large)
    if many > few + 5:
        raise Wrong(
            f"your function runs {few} Python lines on a 9 x 9 input and {many} on a 41 x 41 input: it loops "
            "over the windows, rows or pixels, which this exercise rules out. A loop of fixed length is fine, "
            "as long as each of its steps handles all the windows at once."
        )


def _uses_pool2d_q4(x):
    return pooling.pool2d(x, 3, stride=2)


_Q4_CASES = [(7, 7), (8, 10), (9, 6), (12, 11)]
#: What NumPy says when slices of different shapes are stacked or combined (in the learner's function).
_Q4_RAGGED_SIGNS = ("broadcast", "inhomogeneous", "same shape", "setting an array element with a sequence")


def _test_q4(function):
    expect_source_avoids(
        function, names=_Q4_BANNED,
        why="Build the result from NumPy indexing of x and element-wise operations.",
    )
    rng = np.random.default_rng(4)
    for shape in _Q4_CASES:
        x = rng.permutation(shape[0] * shape[1]).reshape(shape).astype(np.float64)  # no ties
        what = f"your max_pool_3x3_s2(x) on an x of shape {shape}"
        expected = pooling.pool2d(x, Q4_SIZE, stride=Q4_STRIDE)
        oh, ow = expected.shape
        ragged = (
            f"{what} puts together slices of different shapes (on this x, x[0::2] has "
            f"{len(range(0, shape[0], 2))} rows but x[2::2] only {len(range(2, shape[0], 2))}): every slice must "
            f"hold exactly one pixel per output, {oh} x {ow} here (the output-size formula), so give each slice "
            "an end as well as a start and a step."
        )
        try:
            got = call(function, x.copy())
        except Wrong as exc:
            if any(sign in str(exc) for sign in _Q4_RAGGED_SIGNS):
                raise Wrong(ragged) from None
            raise
        if isinstance(got, (list, tuple)):  # a list of lists is fine if it is a proper grid of numbers
            try:
                got = np.array(got, dtype=np.float64)
            except (ValueError, TypeError):
                raise Wrong(ragged) from None
        if isinstance(got, np.ndarray) and got.dtype == object:
            raise Wrong(ragged)
        if isinstance(got, np.ndarray) and got.shape == (9, oh, ow):
            raise Wrong(
                f"{what}: you return the 9 slices, one per position inside the window, shape (9, {oh}, {ow}); "
                "combine them into one output by taking their maximum (np.maximum, or .max(axis=0))."
            )
        if isinstance(got, np.ndarray) and got.shape == expected.shape and not np.allclose(got, expected):
            for wrong, message in (
                (_sampling_q4, "these are single pixels, the top-left one of each window: that is sampling. "
                               "Each output is the maximum of 9 pixels, so 9 offsets inside the window count."),
                (_two_by_two_q4, "these are maxima over 2 x 2 windows (offsets 0 and 1); a 3 x 3 window also "
                                 "reaches offset 2, in rows and in columns."),
                (_rows_only_q4, "these are maxima over 3 rows only; each output must also take the maximum "
                                "over 3 columns."),
            ):
                if np.allclose(got, wrong(x)):
                    raise Wrong(f"{what}: {message}")
        if isinstance(got, np.ndarray) and got.shape == (shape[0] - 2, shape[1] - 2) and got.shape != expected.shape:
            raise Wrong(
                f"{what}: shape {got.shape} is one output per position of the window (stride 1); with stride 2 "
                f"the windows start every 2nd row and column, so the output is {expected.shape}."
            )
        if isinstance(got, np.ndarray) and got.ndim == 2 and got.shape != expected.shape:
            raise Wrong(
                f"{what}: shape {got.shape} instead of {expected.shape}, the output-size formula's "
                f"floor((n - 3) / 2) + 1 per side; make every slice stop after {oh} rows and {ow} columns, "
                "so that only whole windows count."
            )
        expect_array(got, expected, what)
    _expect_no_loop_over_pixels(function)


q4 = Exercise(
    "Exercise 4 · Fast overlapping pooling",
    test=_test_q4,
    hint="""\
        Think of one position inside the window at a time, not one window at a time. The
        top-left pixel of window (i, j) is x[2i, 2j]: can one NumPy expression pick it for
        every window at once, and how many pixels per side must it pick? Once you have such
        an array for each position inside the window, how can you combine them?""",
    solution="""\
        def max_pool_3x3_s2(x):
            oh, ow = (x.shape[0] - 3) // 2 + 1, (x.shape[1] - 3) // 2 + 1   # the output size
            out = x[0 : 2 * oh : 2, 0 : 2 * ow : 2]   # position (0, 0) of every window
            for a in range(3):   # a loop over the 9 positions inside the window, not over the windows
                for b in range(3):
                    out = np.maximum(out, x[a : a + 2 * oh : 2, b : b + 2 * ow : 2])   # position (a, b)
            return out""",
    reference=_reference_q4,
    wrong_answers=(_sampling_q4, _two_by_two_q4, _rows_only_q4, _stride_one_q4, _untrimmed_q4,
                   _untrimmed_list_q4, _slices_not_combined_q4, _half_size_q4, _loops_q4, _row_loop_q4,
                   _uses_pool2d_q4),
    explanation="""\
        A slice with a step is a view, like sliding_window_view: no copy, and one NumPy call per position
        inside the window (9 here) instead of one per window (about 65,000 on the 512 x 512 photo). The
        same idea pools with any window and stride. The maximum of a 3 x 3 window is also the maximum over
        its 3 rows of the maxima over its 3 columns, so 6 slices can do the work of 9.""",
    level=3,
    kinds=("code", "beyond"),
)
