"""helpers.convolution: the loops, every fast route, SciPy and TensorFlow agree on random
shapes, kernels, strides, paddings and modes; every error gets a clear message."""

from __future__ import annotations

import os

import numpy as np
import pytest
import scipy.ndimage
import scipy.signal

from helpers import convolution as conv
from helpers.convolution import (
    KERNELS,
    PAD_MODES,
    convolve2d,
    correlate2d,
    correlate2d_loops,
    output_size,
    pad,
    same_padding,
)

#: NumPy padding mode -> scipy.ndimage mode with the same meaning
NDIMAGE_MODE = {"constant": "constant", "edge": "nearest", "reflect": "mirror", "symmetric": "reflect", "wrap": "wrap"}
ROUTES = ("numpy", "ndimage", "fft")


def random_case(rng, *, max_size=14, max_kernel=7, channels=True):
    """A random image, kernel, stride, padding and mode (sometimes invalid combinations)."""
    h, w = (int(x) for x in rng.integers(1, max_size, 2))
    shape = (h, w, int(rng.integers(1, 4))) if channels and rng.random() < 0.3 else (h, w)
    image = rng.normal(size=shape) * 50
    kernel = rng.normal(size=tuple(int(x) for x in rng.integers(1, max_kernel + 1, 2)))
    stride = int(rng.integers(1, 4)) if rng.random() < 0.5 else tuple(int(x) for x in rng.integers(1, 4, 2))
    padding = [
        "same",
        "valid",
        int(rng.integers(0, 4)),
        tuple(int(x) for x in rng.integers(0, 4, 2)),
        tuple(tuple(int(x) for x in rng.integers(0, 5, 2)) for _ in range(2)),
    ][int(rng.integers(0, 5))]
    mode = PAD_MODES[int(rng.integers(0, len(PAD_MODES)))]
    return image, kernel, stride, padding, mode


def fits(image, kernel, padding):
    if padding == "same":
        return True
    widths = conv._pad_widths(0 if padding == "valid" else padding)
    return all(image.shape[a] + sum(widths[a]) >= kernel.shape[a] for a in (0, 1))


# ---- loops == every vectorised route -----------------------------------------------------

@pytest.mark.parametrize("seed", range(6))
def test_every_route_equals_the_loops(seed):
    rng = np.random.default_rng(seed)
    checked = 0
    while checked < 40:
        image, kernel, stride, padding, mode = random_case(rng)
        if not fits(image, kernel, padding):
            continue
        expected = correlate2d_loops(image, kernel, stride=stride, padding=padding, pad_mode=mode)
        for method in ROUTES + ("auto",):
            got = correlate2d(image, kernel, stride=stride, padding=padding, pad_mode=mode, method=method)
            assert got.shape == expected.shape, (method, image.shape, kernel.shape, stride, padding, mode)
            assert got.dtype == np.float64
            np.testing.assert_allclose(got, expected, rtol=1e-9, atol=1e-9, err_msg=f"{method} {padding} {mode}")
        checked += 1


def test_numpy_route_adds_in_the_same_order_as_the_loops():
    rng = np.random.default_rng(7)
    image, kernel = rng.normal(size=(9, 8)), rng.normal(size=(3, 4))
    np.testing.assert_array_equal(
        correlate2d(image, kernel, method="numpy", stride=2), correlate2d_loops(image, kernel, stride=2)
    )


def test_large_kernels_take_the_fft_route_and_stay_accurate():
    rng = np.random.default_rng(8)
    image = rng.integers(0, 256, size=(60, 50)).astype(np.uint8)
    kernel = rng.normal(size=(21, 21))
    assert conv.choose_method(kernel.shape) == "fft" and conv.choose_method((3, 3)) == "ndimage"
    np.testing.assert_allclose(
        correlate2d(image, kernel, pad_mode="reflect"),
        correlate2d(image, kernel, pad_mode="reflect", method="numpy"),
        rtol=1e-9,
        atol=1e-8,
    )


# ---- against SciPy --------------------------------------------------------------------

@pytest.mark.parametrize("mode", PAD_MODES)
def test_same_stride_one_equals_scipy_ndimage(mode):
    rng = np.random.default_rng(PAD_MODES.index(mode))
    for _ in range(25):
        kh, kw = (int(x) for x in rng.integers(1, 8, 2))
        image = rng.normal(size=(int(rng.integers(kh, 30)), int(rng.integers(kw, 30))))
        kernel = rng.normal(size=(kh, kw))
        # TensorFlow's SAME puts the extra padding of an even kernel after: ndimage's origin -1
        origin = ((kh - 1) // 2 - kh // 2, (kw - 1) // 2 - kw // 2)
        expected = scipy.ndimage.correlate(image, kernel, mode=NDIMAGE_MODE[mode], origin=origin)
        for method in ROUTES:
            np.testing.assert_allclose(correlate2d(image, kernel, pad_mode=mode, method=method), expected, atol=1e-9)


@pytest.mark.parametrize("seed", range(3))
def test_padding_and_stride_equal_scipy_on_the_padded_image(seed):
    """out = every stride-th 'valid' position of ndimage's result on the padded image."""
    rng = np.random.default_rng(100 + seed)
    checked = 0
    while checked < 30:
        image, kernel, stride, padding, mode = random_case(rng, channels=False)
        if padding == "same" or not fits(image, kernel, padding):
            continue
        widths = conv._pad_widths(0 if padding == "valid" else padding)
        padded = np.pad(image, widths, mode=mode)
        full = scipy.ndimage.correlate(padded, kernel, mode="constant")
        kh, kw = kernel.shape
        valid = full[kh // 2 : kh // 2 + padded.shape[0] - kh + 1, kw // 2 : kw // 2 + padded.shape[1] - kw + 1]
        sr, sc = (stride, stride) if isinstance(stride, int) else stride
        np.testing.assert_allclose(
            correlate2d(image, kernel, stride=stride, padding=padding, pad_mode=mode), valid[::sr, ::sc], atol=1e-9
        )
        checked += 1


def test_channels_are_filtered_one_by_one():
    rng = np.random.default_rng(11)
    image = rng.integers(0, 256, size=(20, 17, 3)).astype(np.uint8)
    kernel = rng.normal(size=(5, 3))
    got = correlate2d(image, kernel, stride=(2, 1), pad_mode="symmetric")
    for c in range(3):
        np.testing.assert_allclose(got[..., c], correlate2d(image[..., c], kernel, stride=(2, 1), pad_mode="symmetric"))
    assert got.shape == (10, 17, 3)


@pytest.mark.parametrize("seed", range(4))
def test_convolve2d_equals_scipy_signal_for_odd_kernels(seed):
    rng = np.random.default_rng(200 + seed)
    kh, kw = (int(2 * x + 1) for x in rng.integers(0, 4, 2))
    image = rng.normal(size=(int(rng.integers(kh, 25)), int(rng.integers(kw, 25))))
    kernel = rng.normal(size=(kh, kw))
    np.testing.assert_allclose(convolve2d(image, kernel), scipy.signal.convolve2d(image, kernel, mode="same"), atol=1e-9)
    np.testing.assert_allclose(correlate2d(image, kernel), scipy.signal.correlate2d(image, kernel, mode="same"), atol=1e-9)
    np.testing.assert_allclose(
        convolve2d(image, kernel, pad_mode="symmetric"), scipy.ndimage.convolve(image, kernel, mode="reflect"), atol=1e-9
    )


# ---- against TensorFlow -----------------------------------------------------------------

@pytest.fixture(scope="module")
def tf():
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    return pytest.importorskip("tensorflow")


def tf_conv(tf, image, kernel, stride, padding):
    """tf.nn.conv2d on one image, channel by channel (depthwise), back to NumPy."""
    x = image if image.ndim == 3 else image[:, :, None]
    channels = x.shape[2]
    weights = np.repeat(kernel[:, :, None, None], channels, axis=2)  # [kh, kw, C, 1]
    sr, sc = (stride, stride) if isinstance(stride, int) else stride
    if not isinstance(padding, str):
        (t, b), (l, r) = conv._pad_widths(padding)
        padding = [[0, 0], [t, b], [l, r], [0, 0]]
    else:
        padding = padding.upper()
    if channels == 1:
        y = tf.nn.conv2d(x[None], weights, strides=[1, sr, sc, 1], padding=padding)
    else:
        if isinstance(padding, list) or sr != sc:  # depthwise conv needs equal strides, no explicit padding
            return None
        y = tf.nn.depthwise_conv2d(x[None], weights, strides=[1, sr, sc, 1], padding=padding)
    y = y.numpy()[0]
    return y if image.ndim == 3 else y[:, :, 0]


@pytest.mark.parametrize("seed", range(4))
def test_equals_tf_nn_conv2d_for_any_kernel_stride_and_padding(tf, seed):
    rng = np.random.default_rng(300 + seed)
    checked = 0
    while checked < 25:
        image, kernel, stride, padding, _ = random_case(rng, max_size=20)
        if not fits(image, kernel, padding):
            continue
        expected = tf_conv(tf, image, kernel, stride, padding)
        if expected is None:
            continue
        got = correlate2d(image, kernel, stride=stride, padding=padding)
        assert got.shape == expected.shape, (image.shape, kernel.shape, stride, padding)
        np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-3)
        checked += 1


def test_same_padding_matches_tensorflow_for_every_even_and_odd_case(tf):
    """Every n, k and stride up to 9: shapes and values, so the extra padding goes after."""
    rng = np.random.default_rng(400)
    for n in range(1, 10):
        image = rng.normal(size=(n, n + 1))
        for k in range(1, 6):
            kernel = rng.normal(size=(k, k))
            for s in range(1, 4):
                expected = tf_conv(tf, image, kernel, s, "same")
                got = correlate2d(image, kernel, stride=s)
                assert got.shape == expected.shape == (-(-n // s), -(-(n + 1) // s))
                np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-4)


# ---- geometry -------------------------------------------------------------------------------

def test_output_size_formula_matches_results():
    rng = np.random.default_rng(500)
    for n in range(1, 12):
        for k in range(1, n + 5):
            for s in range(1, 4):
                for p in range(0, 3):
                    image = rng.normal(size=(n, 3))
                    if n + 2 * p >= k:
                        assert output_size(n, k, stride=s, padding=p) == (n + 2 * p - k) // s + 1
                        got = correlate2d(image, np.ones((k, 1)), stride=(s, 1), padding=(p, 0))
                        assert got.shape[0] == output_size(n, k, stride=s, padding=p)
                    else:
                        with pytest.raises(ValueError, match="larger than the padded input"):
                            output_size(n, k, stride=s, padding=p)
                same = correlate2d(image, np.ones((k, 1)), stride=(s, 1))
                assert same.shape[0] == output_size(n, k, stride=s) == -(-n // s)
                if n >= k:
                    assert output_size(n, k, stride=s, padding="valid") == (n - k) // s + 1
    assert output_size(10, 3, padding=(0, 2)) == 10
    assert output_size(7, 3, padding="SAME", stride=2) == 4


def test_same_padding_rule():
    for n in range(1, 15):
        for k in range(1, 8):
            for s in range(1, 5):
                before, after = same_padding(n, k, s)
                out = -(-n // s)
                assert before + after == max((out - 1) * s + k - n, 0)
                assert after - before in (0, 1)
                assert (n + before + after - k) // s + 1 == out


@pytest.mark.parametrize("mode", PAD_MODES)
def test_pad_equals_numpy_and_leaves_channels_alone(mode):
    rng = np.random.default_rng(600)
    image = rng.normal(size=(6, 5, 2))
    np.testing.assert_array_equal(pad(image, 2, mode), np.pad(image, ((2, 2), (2, 2), (0, 0)), mode=mode))
    np.testing.assert_array_equal(pad(image[..., 0], (1, 3), mode), np.pad(image[..., 0], ((1, 1), (3, 3)), mode=mode))
    np.testing.assert_array_equal(pad(image[..., 0], ((0, 2), (3, 1)), mode), np.pad(image[..., 0], ((0, 2), (3, 1)), mode=mode))
    assert pad(image, 0, mode).shape == image.shape


# ---- kernels and simple facts ------------------------------------------------------------

def test_kernel_bank():
    assert set(KERNELS) >= {"box_3x3", "box_7x7", "box_21x21", "gaussian_5x5", "sharpen", "unsharp_mask_5x5",
                            "laplacian", "sobel_x", "sobel_y", "emboss", "identity"}
    for name, kernel in KERNELS.items():
        assert kernel.dtype == np.float64 and kernel.ndim == 2, name
        assert not kernel.flags.writeable, f"{name} must be read-only"
        expected_sum = 0.0 if name in ("laplacian", "sobel_x", "sobel_y") else 1.0
        assert abs(kernel.sum() - expected_sum) < 1e-12, name
    assert KERNELS["box_21x21"].shape == (21, 21) and KERNELS["unsharp_mask_5x5"].shape == (5, 5)
    ramp = np.tile(np.arange(10.0), (10, 1))  # brighter to the right
    assert (correlate2d(ramp, KERNELS["sobel_x"], padding="valid") > 0).all()
    np.testing.assert_allclose(correlate2d(ramp.T, KERNELS["sobel_y"], padding="valid"), 8.0)


def test_identity_and_dtypes():
    rng = np.random.default_rng(700)
    image = rng.integers(0, 256, size=(13, 9)).astype(np.uint8)
    for method in ROUTES:
        out = correlate2d(image, KERNELS["identity"], method=method)
        assert out.dtype == np.float64
        np.testing.assert_allclose(out, image, atol=1e-9)
    np.testing.assert_array_equal(correlate2d_loops(image, KERNELS["identity"]), image)
    assert correlate2d(image.astype(bool), np.ones((2, 2))).dtype == np.float64
    assert correlate2d([[1, 2], [3, 4]], [[1]]).tolist() == [[1.0, 2.0], [3.0, 4.0]]


def test_inputs_are_not_modified():
    rng = np.random.default_rng(800)
    image, kernel = rng.normal(size=(8, 8)), rng.normal(size=(3, 3))
    before_image, before_kernel = image.copy(), kernel.copy()
    for method in ROUTES:
        out = correlate2d(image, kernel, method=method)
        out += 1  # the result is a new array, not a view of the input
    convolve2d(image, kernel)
    np.testing.assert_array_equal(image, before_image)
    np.testing.assert_array_equal(kernel, before_kernel)


# ---- errors -----------------------------------------------------------------------------

@pytest.mark.parametrize("function", [correlate2d, correlate2d_loops, convolve2d])
@pytest.mark.parametrize(
    "image, kernel, kwargs, error, message",
    [
        (np.zeros((3, 3)), np.ones((5, 5)), {"padding": "valid"}, ValueError, r"kernel of shape \(5, 5\) is larger than the padded image \(3, 3\)"),
        (np.zeros((3, 3)), np.ones((5, 2)), {"padding": 0}, ValueError, "larger than the padded image"),
        (np.zeros((4, 4)), np.ones(3), {}, ValueError, r"kernel must be a 2-D array, got shape \(3,\)"),
        (np.zeros((4, 4)), np.ones((3, 3, 1)), {}, ValueError, "kernel must be a 2-D array"),
        (np.zeros((4, 4)), np.ones((0, 3)), {}, ValueError, r"kernel must not be empty, got shape \(0, 3\)"),
        (np.zeros((4, 4)), [[1.0, np.nan]], {}, ValueError, "kernel must hold finite numbers, got 1 NaN"),
        (np.full((4, 4), np.inf), np.ones((3, 3)), {}, ValueError, "image must hold finite numbers"),
        (np.zeros(4), np.ones((3, 3)), {}, ValueError, r"image must be 2-D \(H, W\) or 3-D \(H, W, C\), got shape \(4,\)"),
        (np.zeros((0, 4)), np.ones((1, 1)), {}, ValueError, "image must not be empty"),
        (np.zeros((4, 4)), np.ones((3, 3)), {"stride": 0}, ValueError, "stride must be at least 1, got 0"),
        (np.zeros((4, 4)), np.ones((3, 3)), {"stride": (1, -2)}, ValueError, "stride must be at least 1"),
        (np.zeros((4, 4)), np.ones((3, 3)), {"stride": 1.5}, TypeError, "stride must be an int or a pair of ints"),
        (np.zeros((4, 4)), np.ones((3, 3)), {"stride": (1, 2, 3)}, TypeError, "stride must be an int or a pair"),
        (np.zeros((4, 4)), np.ones((3, 3)), {"padding": "full"}, ValueError, "unknown padding 'full'"),
        (np.zeros((4, 4)), np.ones((3, 3)), {"padding": -1}, ValueError, "padding must not be negative"),
        (np.zeros((4, 4)), np.ones((3, 3)), {"padding": 1.0}, TypeError, "padding must be 'same', 'valid', an int"),
        (np.zeros((4, 4)), np.ones((3, 3)), {"padding": (1, 2, 3)}, TypeError, "padding must be"),
        (np.zeros((4, 4)), np.ones((3, 3)), {"pad_mode": "zeros"}, ValueError, "unknown pad_mode 'zeros'"),
        (np.zeros((4, 4)), np.ones((3, 3)), {"pad_mode": 0}, TypeError, "pad_mode must be a string"),
        (np.array([["a", "b"]]), np.ones((1, 1)), {}, TypeError, "image must hold real numbers"),
        (np.zeros((4, 4)), np.ones((2, 2), complex), {}, TypeError, "kernel must hold real numbers"),
    ],
)
def test_errors(function, image, kernel, kwargs, error, message):
    with pytest.raises(error, match=message):
        function(image, kernel, **kwargs)


def test_unknown_method():
    with pytest.raises(ValueError, match="unknown method 'gpu'"):
        correlate2d(np.zeros((4, 4)), np.ones((3, 3)), method="gpu")


@pytest.mark.parametrize(
    "args, kwargs, error, message",
    [
        ((0, 3), {}, ValueError, "n must be at least 1, got 0"),
        ((5, 0), {}, ValueError, "k must be at least 1"),
        ((5, 3), {"stride": 0}, ValueError, "stride must be at least 1"),
        ((5.0, 3), {}, TypeError, "n must be an int"),
        ((5, 3), {"padding": "full"}, ValueError, "unknown padding 'full'"),
        ((5, 3), {"padding": -1}, ValueError, "padding must not be negative"),
        ((5, 3), {"padding": 1.5}, TypeError, "padding must be"),
        ((2, 5), {"padding": "valid"}, ValueError, r"kernel \(5\) is larger than the padded input \(2 \+ 0 \+ 0\)"),
    ],
)
def test_output_size_errors(args, kwargs, error, message):
    with pytest.raises(error, match=message):
        output_size(*args, **kwargs)


@pytest.mark.parametrize(
    "image, padding, mode, error, message",
    [
        (np.zeros((3, 3)), 1, "mirror", ValueError, "unknown pad_mode 'mirror'"),
        (np.zeros((3, 3)), "same", "constant", TypeError, "padding must be"),
        (np.zeros((3, 3)), (1, -1), "constant", ValueError, "padding must not be negative"),
        (np.zeros(3), 1, "constant", ValueError, "image must be 2-D"),
    ],
)
def test_pad_errors(image, padding, mode, error, message):
    with pytest.raises(error, match=message):
        pad(image, padding, mode)


def test_huge_finite_values_are_not_mistaken_for_infinite():
    """The finiteness check sums first (fast); a sum that overflows must not reject finite values."""
    image = np.full((3, 4), 1e308)
    np.testing.assert_array_equal(correlate2d(image, [[1.0]]), image)
    half = np.full((4, 4), 60000, dtype=np.float16)  # float16 sums overflow at 65504
    np.testing.assert_array_equal(correlate2d(half, [[1.0]]), half.astype(np.float64))
    with pytest.raises(ValueError, match="image must hold finite numbers, got 4 NaN"):
        correlate2d(np.where(np.eye(4, dtype=bool), np.nan, 1e308), [[1.0]])
