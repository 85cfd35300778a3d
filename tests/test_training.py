"""helpers.training: model input, the quiet fit wrapper, schedules, confusion matrices, shifts."""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras
import subprocess
import sys

import numpy as np
import pytest

from helpers import training


@pytest.fixture(scope="module")
def rng():
    return np.random.default_rng(7)


# ---- to_model_input ---------------------------------------------------------------------

def test_to_model_input_matches_naive_version(rng):
    images = rng.integers(0, 256, size=(5, 6, 7), dtype=np.uint8)
    x = training.to_model_input(images)
    assert x.shape == (5, 6, 7, 1) and x.dtype == np.float32
    np.testing.assert_allclose(x[..., 0], images.astype(np.float64) / 255, rtol=1e-6)
    assert x.min() >= 0 and x.max() <= 1
    assert x.base is not None and x.base.shape == (5, 6, 7)  # the channel axis is a view of one array


def test_to_model_input_single_image_and_input_untouched(rng):
    image = rng.integers(0, 256, size=(4, 4), dtype=np.uint8)
    before = image.copy()
    assert training.to_model_input(image).shape == (1, 4, 4, 1)
    np.testing.assert_array_equal(image, before)


@pytest.mark.parametrize(
    "images, error, message",
    [
        (np.zeros((2, 3, 4, 1), np.uint8), ValueError, r"shape \(N, H, W\) or \(H, W\), got shape \(2, 3, 4, 1\)"),
        (np.zeros(5, np.uint8), ValueError, r"got shape \(5,\)"),
        (np.zeros((2, 3, 3), np.float32), TypeError, "must be uint8 .* got dtype float32"),
    ],
)
def test_to_model_input_errors(images, error, message):
    with pytest.raises(error, match=message):
        training.to_model_input(images)


# ---- one-cycle schedule -------------------------------------------------------------------

def test_one_cycle_schedule_shape():
    schedule = training.one_cycle_schedule(0.01, 100, warmup_fraction=0.2, start_factor=0.1)
    lr = np.array([float(schedule(step)) for step in range(101)])
    np.testing.assert_allclose(lr[0], 0.001, rtol=1e-5)
    assert np.argmax(lr) == 20 and np.isclose(lr.max(), 0.01)
    assert np.all(np.diff(lr[:21]) > 0) and np.all(np.diff(lr[20:]) <= 1e-9)
    assert lr[-1] < 1e-6


def test_one_cycle_without_warmup_starts_at_peak():
    schedule = training.one_cycle_schedule(0.5, 10, warmup_fraction=0.0)
    assert np.isclose(float(schedule(0)), 0.5)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(peak=0.0, total_steps=10), "peak must be a positive"),
        (dict(peak=0.1, total_steps=1), "total_steps must be a whole number >= 2"),
        (dict(peak=0.1, total_steps=10.5), "total_steps must be a whole number"),
        (dict(peak=0.1, total_steps=10, warmup_fraction=1.0), r"warmup_fraction must be in \[0, 1\)"),
    ],
)
def test_one_cycle_errors(kwargs, message):
    with pytest.raises(ValueError, match=message):
        training.one_cycle_schedule(**kwargs)


# ---- train and EpochLogger -----------------------------------------------------------------

def _tiny_problem(rng, n=256):
    """A separable toy task: the class is which quadrant holds the bright square."""
    x = np.zeros((n, 8, 8, 1), np.float32)
    y = rng.integers(0, 4, size=n).astype(np.int64)
    for i, c in enumerate(y):
        r, col = divmod(int(c), 2)
        x[i, 4 * r:4 * r + 4, 4 * col:4 * col + 4] = 1.0
    x += rng.normal(0, 0.1, size=x.shape).astype(np.float32)
    return x, y


def _tiny_model():
    model = keras.Sequential(
        [keras.Input(shape=(8, 8, 1)), keras.layers.Flatten(), keras.layers.Dense(4, activation="softmax")],
        name="tiny",
    )
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.05), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    return model


def test_train_prints_one_line_per_epoch_and_learns(rng, capsys):
    keras.utils.set_random_seed(0)
    x, y = _tiny_problem(rng)
    run = training.train(_tiny_model(), x, y, epochs=3, batch_size=64, validation_data=(x[:64], y[:64]))
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 3
    assert lines[0].startswith("epoch 1/3  loss ") and "val_accuracy" in lines[0] and lines[0].endswith(" s")
    assert set(run.history) >= {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert all(len(v) == 3 for v in run.history.values())
    assert run.epochs == 3 and len(run.epoch_seconds) == 3
    assert 0 < sum(run.epoch_seconds) <= run.seconds
    assert run.history["loss"][-1] < run.history["loss"][0]
    assert run.history["accuracy"][-1] > 0.9


def test_train_silent(rng, capsys):
    x, y = _tiny_problem(rng, 64)
    run = training.train(_tiny_model(), x, y, epochs=2, batch_size=32, log=False)
    assert capsys.readouterr().out == ""
    assert run.epochs == 2


def test_train_keeps_user_callbacks(rng):
    x, y = _tiny_problem(rng, 64)
    seen = []
    callback = keras.callbacks.LambdaCallback(on_epoch_end=lambda epoch, logs: seen.append(epoch))
    training.train(_tiny_model(), x, y, epochs=2, batch_size=32, log=False, callbacks=[callback])
    assert seen == [0, 1]


def test_score_each_epoch_adds_end_of_epoch_scores(rng):
    x, y = _tiny_problem(rng, 64)
    model = _tiny_model()
    callback = training.score_each_epoch(x, y, batch_size=32)
    run = training.train(model, x, y, epochs=2, batch_size=32, log=False, callbacks=[callback])
    assert len(run.history["end_loss"]) == len(run.history["end_accuracy"]) == 2
    loss, accuracy = model.evaluate(x, y, batch_size=32, verbose=0)  # the final weights, scored alike
    assert run.history["end_loss"][-1] == pytest.approx(loss, rel=1e-5)
    assert run.history["end_accuracy"][-1] == pytest.approx(accuracy, rel=1e-5)


def test_epoch_logger_every(capsys):
    logger = training.EpochLogger(every=2, show_time=False)
    logger.set_params({"epochs": 5})
    for epoch in range(5):
        logger.on_epoch_begin(epoch)
        logger.on_epoch_end(epoch, {"loss": 0.5, "accuracy": 0.25})
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines == [
        "epoch 2/5  loss 0.5000  accuracy 0.2500",
        "epoch 4/5  loss 0.5000  accuracy 0.2500",
        "epoch 5/5  loss 0.5000  accuracy 0.2500",
    ]
    with pytest.raises(ValueError, match="every must be at least 1"):
        training.EpochLogger(every=0)


def test_train_errors(rng):
    x, y = _tiny_problem(rng, 32)
    with pytest.raises(TypeError, match="model must be a keras.Model, got str"):
        training.train("model", x, y, epochs=1, batch_size=8)
    uncompiled = keras.Sequential([keras.Input(shape=(8, 8, 1)), keras.layers.Flatten(), keras.layers.Dense(4)])
    with pytest.raises(ValueError, match="must be compiled first"):
        training.train(uncompiled, x, y, epochs=1, batch_size=8)
    with pytest.raises(ValueError, match="same length, got 32 inputs and 31 labels"):
        training.train(_tiny_model(), x, y[:-1], epochs=1, batch_size=8)


def test_predict_classes_is_argmax(rng):
    x, _ = _tiny_problem(rng, 20)
    model = _tiny_model()
    expected = np.argmax(model.predict(x, verbose=0), axis=1)
    np.testing.assert_array_equal(training.predict_classes(model, x, batch_size=7), expected)
    assert training.predict_classes(model, x[:1]).dtype == np.int64


def test_predict_classes_errors(rng):
    x, _ = _tiny_problem(rng, 4)
    with pytest.raises(ValueError, match="batch_size must be a positive whole number, got 0"):
        training.predict_classes(_tiny_model(), x, batch_size=0)
    with pytest.raises(ValueError, match="x is empty"):
        training.predict_classes(_tiny_model(), x[:0])


# ---- confusion matrix -----------------------------------------------------------------------

def test_confusion_matrix_matches_a_loop(rng):
    y_true = rng.integers(0, 5, size=300)
    y_pred = rng.integers(0, 5, size=300)
    loop = np.zeros((5, 5), int)
    for t, p in zip(y_true, y_pred):
        loop[t, p] += 1
    cm = training.confusion_matrix(y_true, y_pred, num_classes=5)
    np.testing.assert_array_equal(cm, loop)
    assert cm.sum() == 300 and np.trace(cm) == np.sum(y_true == y_pred)
    assert training.confusion_matrix([0, 2], [0, 1]).shape == (3, 3)  # classes inferred
    labels = np.array([0, 1, 1], np.uint8)  # the data sets' labels are uint8
    np.testing.assert_array_equal(training.confusion_matrix(labels, labels), np.diag([1, 2]))


@pytest.mark.parametrize(
    "y_true, y_pred, kwargs, message",
    [
        ([0, 1], [0], {}, r"same length, got shapes \(2,\) and \(1,\)"),
        ([0.5, 1], [0, 1], {}, "y_true must hold class numbers"),
        ([0, -1], [0, 1], {}, "y_true must hold class numbers"),
        ([0, 3], [0, 1], {"num_classes": 3}, "a label is >= num_classes=3"),
    ],
)
def test_confusion_matrix_errors(y_true, y_pred, kwargs, message):
    with pytest.raises(ValueError, match=message):
        training.confusion_matrix(np.asarray(y_true), np.asarray(y_pred), **kwargs)


def test_most_confused_pairs():
    cm = np.array([[50, 3, 0], [9, 40, 1], [0, 3, 7]])
    assert training.most_confused_pairs(cm, top=3) == [(1, 0, 9), (0, 1, 3), (2, 1, 3)]
    assert training.most_confused_pairs(np.diag([5, 5]), top=3) == []  # no mistakes, no pairs
    with pytest.raises(ValueError, match=r"square matrix, got shape \(2, 3\)"):
        training.most_confused_pairs(np.zeros((2, 3)))


# ---- shift_images ---------------------------------------------------------------------------

@pytest.mark.parametrize("dx, dy", [(0, 0), (1, 0), (-2, 0), (0, 3), (2, -1), (-3, -3)])
def test_shift_images_matches_scipy(rng, dx, dy):
    from scipy import ndimage

    images = rng.integers(1, 256, size=(3, 9, 10), dtype=np.uint8)
    shifted = training.shift_images(images, dx, dy)
    expected = ndimage.shift(images, (0, dy, dx), order=0, mode="constant", cval=0)
    np.testing.assert_array_equal(shifted, expected)
    assert shifted.dtype == images.dtype


def test_shift_images_with_channel_axis(rng):
    images = rng.random((2, 5, 5, 1)).astype(np.float32)
    shifted = training.shift_images(images, 1, 0)
    np.testing.assert_array_equal(shifted[:, :, 1:], images[:, :, :-1])
    assert np.all(shifted[:, :, 0] == 0)


def test_shift_images_errors():
    with pytest.raises(ValueError, match=r"shape \(N, H, W\) or \(N, H, W, C\), got shape \(5, 5\)"):
        training.shift_images(np.zeros((5, 5)), 1)
    with pytest.raises(ValueError, match="as large as the image"):
        training.shift_images(np.zeros((1, 5, 5)), 5)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc and exec semantics of Linux")
def test_peak_memory_mb_is_the_programs_own_not_its_parents():
    # ru_maxrss survives exec: a child started by a process with 200 MB resident would
    # report 200 MB. peak_memory_mb must report the child's own, small peak.
    code = "from helpers import training; print(round(training.peak_memory_mb()))"
    ballast = bytearray(1024 * 2**20)  # make this (parent) process 1 GB bigger than the child can be
    ballast[::4096] = b"x" * len(ballast[::4096])
    parent = training.peak_memory_mb()
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    del ballast
    assert int(out) < parent - 500, (out, parent)


def test_peak_memory_mb_is_plausible():
    peak = training.peak_memory_mb()
    block = np.ones(30 * 2**20 // 8)  # 30 MB touched
    assert training.peak_memory_mb() >= peak
    assert 10 < training.peak_memory_mb() < 100_000
    del block


def test_steps_per_epoch():
    assert training.steps_per_epoch(60_000, 128) == 469
    assert training.steps_per_epoch(256, 64) == 4


# ---- make_dataset -------------------------------------------------------------------------------

def test_make_dataset_batches_match_to_model_input(rng):
    images = rng.integers(0, 256, size=(10, 5, 6), dtype=np.uint8)
    labels = np.arange(10)
    ds = training.make_dataset(images, labels, batch_size=4, shuffle=False)
    batches = [(x.numpy(), y.numpy()) for x, y in ds]
    assert [b[0].shape for b in batches] == [(4, 5, 6, 1), (4, 5, 6, 1), (2, 5, 6, 1)]
    x = np.concatenate([b[0] for b in batches])
    y = np.concatenate([b[1] for b in batches])
    np.testing.assert_array_equal(y, labels)
    np.testing.assert_allclose(x, training.to_model_input(images), rtol=1e-6)
    assert x.dtype == np.float32


def test_make_dataset_shuffles_each_epoch_reproducibly(rng):
    images = rng.integers(0, 256, size=(50, 3, 3), dtype=np.uint8)
    labels = np.arange(50)

    def orders(seed):
        ds = training.make_dataset(images, labels, batch_size=50, seed=seed)
        return [next(iter(ds))[1].numpy() for _ in range(2)]

    first, second = orders(1)
    assert sorted(first) == list(range(50)) and not np.array_equal(first, second)  # reshuffled
    again = orders(1)
    np.testing.assert_array_equal(first, again[0])  # same seed, same order
    x, y = next(iter(training.make_dataset(images, labels, batch_size=50, seed=1)))
    np.testing.assert_allclose(x.numpy()[:, :, :, 0], images[y.numpy()] / 255, rtol=1e-6)  # pairs kept


def test_make_dataset_float_input_and_errors(rng):
    x = rng.random((6, 4, 4, 1)).astype(np.float32)
    batch = next(iter(training.make_dataset(x, np.zeros(6), batch_size=6, shuffle=False)))[0].numpy()
    np.testing.assert_array_equal(batch, x)
    with pytest.raises(ValueError, match="one label each; got images of shape \\(6, 4, 4, 1\\) and 5 labels"):
        training.make_dataset(x, np.zeros(5), batch_size=2)
    with pytest.raises(TypeError, match="got dtype float64"):
        training.make_dataset(x.astype(np.float64), np.zeros(6), batch_size=2)
    with pytest.raises(ValueError, match="batch_size must be a positive whole number, got 0"):
        training.make_dataset(x, np.zeros(6), batch_size=0)


def test_train_on_a_dataset(rng, capsys):
    x, y = _tiny_problem(rng, 128)
    ds = training.make_dataset(x, y, batch_size=32)
    run = training.train(_tiny_model(), ds, epochs=2)
    assert run.epochs == 2 and len(capsys.readouterr().out.strip().splitlines()) == 2
    with pytest.raises(ValueError, match="leave out batch_size"):
        training.train(_tiny_model(), ds, epochs=1, batch_size=32)
    with pytest.raises(ValueError, match="y \\(the labels\\) is missing"):
        training.train(_tiny_model(), x, epochs=1, batch_size=32)
