"""helpers.pooling: equal to TensorFlow's pooling ops, loops == vectorised, clear errors."""

from __future__ import annotations

import os

import numpy as np
import pytest

from helpers.pooling import pool2d, pool2d_loops, pooled_size

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


@pytest.fixture(scope="module")
def tf():
    return pytest.importorskip("tensorflow")


def random_cases(n: int, seed: int):
    """Random (x, size, stride) with shapes from 1 to 13 pixels, 2-D and with channels."""
    rng = np.random.default_rng(seed)
    for _ in range(n):
        h, w = rng.integers(1, 14, size=2)
        size = int(rng.integers(1, min(h, w) + 1))
        stride = int(rng.integers(1, 6))
        shape = (h, w) if rng.random() < 0.5 else (h, w, int(rng.integers(1, 4)))
        yield rng.normal(size=shape).astype(np.float32), size, stride


def tf_pool(tf, x, size, stride, op):
    batch = x[None, ..., None] if x.ndim == 2 else x[None]
    pool = {"max": tf.nn.max_pool2d, "mean": tf.nn.avg_pool2d}[op]
    out = pool(batch, ksize=size, strides=stride, padding="VALID").numpy()[0]
    return out[..., 0] if x.ndim == 2 else out


@pytest.mark.parametrize("op", ["max", "mean"])
def test_equals_tensorflow_on_random_shapes(tf, op):
    for x, size, stride in random_cases(40, seed={"max": 1, "mean": 2}[op]):
        expected = tf_pool(tf, x, size, stride, op)
        got = pool2d(x, size, stride=stride, op=op)
        assert got.shape == expected.shape, (x.shape, size, stride)
        np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6)


def test_sum_is_mean_times_window_area(tf):
    for x, size, stride in random_cases(20, seed=3):
        expected = tf_pool(tf, x, size, stride, "mean") * size * size
        np.testing.assert_allclose(pool2d(x, size, stride=stride, op="sum"), expected, rtol=1e-4, atol=1e-5)


def test_keras_layers_agree(tf):
    import keras

    x = np.random.default_rng(4).normal(size=(1, 11, 9, 2)).astype(np.float32)
    max_layer = keras.layers.MaxPooling2D(pool_size=3, strides=2)
    avg_layer = keras.layers.AveragePooling2D(pool_size=2)  # strides default to pool_size, as in pool2d
    np.testing.assert_allclose(pool2d(x[0], 3, stride=2), np.asarray(max_layer(x))[0], rtol=1e-6)
    np.testing.assert_allclose(pool2d(x[0], 2, op="mean"), np.asarray(avg_layer(x))[0], rtol=1e-6)


@pytest.mark.parametrize("op", ["max", "mean", "sum"])
def test_loops_equal_vectorised(op):
    for x, size, stride in random_cases(30, seed=5):
        fast, slow = pool2d(x, size, stride=stride, op=op), pool2d_loops(x, size, stride=stride, op=op)
        assert fast.shape == slow.shape and fast.dtype == slow.dtype
        np.testing.assert_allclose(fast, slow, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("dtype", [np.uint8, np.int32, np.float64, bool])
@pytest.mark.parametrize("op", ["max", "mean", "sum"])
def test_integer_and_bool_inputs(dtype, op):
    x = np.random.default_rng(6).integers(0, 256, size=(7, 6)).astype(dtype)
    fast, slow = pool2d(x, 3, stride=2, op=op), pool2d_loops(x, 3, stride=2, op=op)
    assert fast.dtype == slow.dtype
    np.testing.assert_array_equal(fast, slow)
    if op == "max":
        assert fast.dtype == np.dtype(dtype)  # max picks one of the input values: no conversion
    # uint8 sums must not wrap around at 256
    if op == "sum" and dtype == np.uint8:
        assert fast.max() == max(x[i:i + 3, j:j + 3].astype(int).sum() for i in (0, 2, 4) for j in (0, 2))


def test_small_example_by_hand():
    x = np.array([[1, 3, 2, 0], [4, 0, 1, 5], [2, 2, 8, 1], [0, 6, 3, 3]])
    np.testing.assert_array_equal(pool2d(x), [[4, 5], [6, 8]])
    np.testing.assert_array_equal(pool2d(x, op="sum"), [[8, 8], [10, 15]])
    np.testing.assert_array_equal(pool2d(x, 3, stride=1), [[8, 8], [8, 8]])
    np.testing.assert_allclose(pool2d_loops(x, op="mean"), [[2, 2], [2.5, 3.75]])


def test_stride_defaults_to_size():
    x = np.random.default_rng(7).normal(size=(12, 10))
    np.testing.assert_array_equal(pool2d(x, 3), pool2d(x, 3, stride=3))
    assert pool2d(x, 3).shape == (4, 3)


def test_left_over_rows_and_columns_are_dropped():
    x = np.zeros((5, 5))
    x[4, 4] = 9  # only the last row/column reach it: no whole 2x2 window covers it
    assert pool2d(x).shape == (2, 2) and pool2d(x).max() == 0
    assert pool2d_loops(x).max() == 0


def test_pooled_size_formula_matches_output_shapes():
    for n in range(1, 12):
        for size in range(1, n + 1):
            for stride in range(1, 5):
                expected = len(range(0, n - size + 1, stride))  # count the window positions
                assert pooled_size(n, size, stride) == expected
                assert pool2d(np.zeros((n, size)), size, stride=stride).shape == (expected, 1)


def test_channels_are_pooled_independently():
    rng = np.random.default_rng(8)
    x = rng.normal(size=(9, 8, 3))
    out = pool2d(x, 2, stride=3, op="mean")
    for c in range(3):
        np.testing.assert_allclose(out[..., c], pool2d(x[..., c], 2, stride=3, op="mean"))


def test_accepts_lists_and_numpy_integers():
    np.testing.assert_array_equal(pool2d([[1, 2], [3, 4]], np.int64(2)), [[4]])


# ---- errors ----------------------------------------------------------------------

@pytest.mark.parametrize("function", [pool2d, pool2d_loops])
def test_window_larger_than_input(function):
    with pytest.raises(ValueError, match=r"size 5 is larger than the input \(4 x 6 pixels\)"):
        function(np.zeros((4, 6)), 5)
    with pytest.raises(ValueError, match=r"size 7 is larger than the input \(9 x 6 pixels\)"):
        function(np.zeros((9, 6, 3)), 7)


@pytest.mark.parametrize("function", [pool2d, pool2d_loops])
def test_size_and_stride_below_one(function):
    with pytest.raises(ValueError, match="size must be at least 1, got 0"):
        function(np.zeros((4, 4)), 0)
    with pytest.raises(ValueError, match="stride must be at least 1, got -1"):
        function(np.zeros((4, 4)), 2, stride=-1)
    with pytest.raises(ValueError, match="stride must be at least 1, got 0"):
        function(np.zeros((4, 4)), 2, stride=0)


@pytest.mark.parametrize("function", [pool2d, pool2d_loops])
def test_size_and_stride_must_be_whole_numbers(function):
    with pytest.raises(TypeError, match="size must be a whole number.*float 2.0"):
        function(np.zeros((4, 4)), 2.0)
    with pytest.raises(TypeError, match="stride must be a whole number.*bool True"):
        function(np.zeros((4, 4)), 2, stride=True)
    with pytest.raises(TypeError, match="size must be a whole number.*tuple"):
        function(np.zeros((4, 4)), (2, 2))


@pytest.mark.parametrize("function", [pool2d, pool2d_loops])
def test_unknown_op(function):
    with pytest.raises(ValueError, match=r"op must be one of 'max', 'mean', 'sum'; got 'min'"):
        function(np.zeros((4, 4)), op="min")
    with pytest.raises(ValueError, match="op must be one of .* got 'average'"):
        function(np.zeros((4, 4)), op="average")
    with pytest.raises(ValueError, match="op must be one of"):
        function(np.zeros((4, 4)), op=np.max)


@pytest.mark.parametrize("function", [pool2d, pool2d_loops])
def test_wrong_dimensions_and_dtype(function):
    with pytest.raises(ValueError, match=r"x must be a 2-D image .* got shape \(5,\)"):
        function(np.zeros(5))
    with pytest.raises(ValueError, match=r"got shape \(2, 4, 4, 1\)"):
        function(np.zeros((2, 4, 4, 1)))  # a batch: pool each image on its own
    with pytest.raises(TypeError, match="x must hold numbers .* got dtype <U1"):
        function(np.array([["a", "b"], ["c", "d"]]))
