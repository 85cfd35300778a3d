"""helpers.models: the recipes' architectures and parameter counts, the course models, and
the occlusion map of lesson 10."""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras
import numpy as np
import pytest

from helpers import models, training


def conv_params(k, c_in, c_out, bias=True):
    return k * k * c_in * c_out + (c_out if bias else 0)


def dense_params(n_in, n_out):
    return n_in * n_out + n_out


def _layer_kinds(model):
    return [type(layer).__name__ for layer in model.layers]


def test_tutorial_mnist_cnn_is_the_published_stack():
    model = models.tutorial_mnist_cnn()
    assert _layer_kinds(model) == ["Conv2D", "MaxPooling2D", "Conv2D", "MaxPooling2D", "Conv2D", "Flatten", "Dense", "Dense"]
    assert [layer.output.shape[1:] for layer in model.layers] == [
        (26, 26, 32), (13, 13, 32), (11, 11, 64), (5, 5, 64), (3, 3, 64), (576,), (64,), (10,)]
    expected = conv_params(3, 1, 32) + conv_params(3, 32, 64) + conv_params(3, 64, 64) + dense_params(576, 64) + dense_params(64, 10)
    assert model.count_params() == expected == 93_322
    assert isinstance(model.optimizer, keras.optimizers.RMSprop)
    assert model.name == "tutorial_mnist_cnn"


def test_tutorial_fashion_cnn_is_the_published_stack():
    model = models.tutorial_fashion_cnn()
    assert _layer_kinds(model) == ["Conv2D", "MaxPooling2D", "Conv2D", "MaxPooling2D", "Flatten", "Dense", "Dense"]
    assert [layer.filters for layer in model.layers if hasattr(layer, "filters")] == [64, 64]
    assert model.get_layer("flatten").output.shape[1:] == (5 * 5 * 64,)
    expected = conv_params(3, 1, 64) + conv_params(3, 64, 64) + dense_params(1600, 20) + dense_params(20, 10)
    assert model.count_params() == expected
    assert isinstance(model.optimizer, keras.optimizers.Adam)
    assert np.isclose(float(model.optimizer.learning_rate), 1e-3)


def test_recipes_match_the_published_training_settings():
    assert (models.RECIPES["mnist_tutorial"].batch_size, models.RECIPES["mnist_tutorial"].epochs) == (64, 5)
    assert (models.RECIPES["fashion_tutorial"].batch_size, models.RECIPES["fashion_tutorial"].epochs) == (32, 20)
    for name, recipe in models.RECIPES.items():
        assert recipe.name == name and recipe.dataset in ("mnist", "fashion_mnist")
        model = recipe.build()
        assert model.layers[-1].output.shape[1:] == (10,)
        assert tuple(model.inputs[0].shape[1:]) == (28, 28, 1)
        assert getattr(model, "optimizer", None) is not None


@pytest.mark.parametrize("builder, filters", [(models.mnist_cnn, models.MNIST_FILTERS), (models.fashion_cnn, models.COURSE_FILTERS)])
def test_course_cnns(builder, filters):
    model = builder()
    f1, f2 = filters
    assert _layer_kinds(model) == ["Conv2D", "MaxPooling2D", "BatchNormalization", "Conv2D", "MaxPooling2D",
                                   "BatchNormalization", "Flatten", "Dense", "Dropout", "Dense", "Softmax"]
    assert [layer.output.shape[1:] for layer in model.layers if isinstance(layer, keras.layers.MaxPooling2D)] == [
        (12, 12, f1), (5, 5, f2)]
    bn_params = 4 * f1 + 4 * f2  # gamma, beta, moving mean, moving variance per channel
    expected = conv_params(5, 1, f1) + conv_params(3, f1, f2) + bn_params + dense_params(25 * f2, 128) + dense_params(128, 10)
    assert model.count_params() == expected
    assert model.get_layer("class_scores").activation.__name__ == "linear"  # the logits ...
    assert model.layers[-1].name == "class_probabilities"  # ... then a separate softmax
    assert isinstance(model.optimizer, keras.optimizers.Adam)


def test_course_cnn_layer_options():
    plain = keras.Sequential([keras.Input(shape=(28, 28, 1)), *models.course_cnn_layers(
        filters=(8, 16), first_kernel=3, batch_norm=False, dropout=0.0, dense=32)])
    assert "BatchNormalization" not in _layer_kinds(plain)
    assert plain.get_layer("conv1").output.shape[1:] == (26, 26, 8)
    assert plain.get_layer("flatten").output.shape[1:] == (5 * 5 * 16,)
    assert plain.count_params() == conv_params(3, 1, 8) + conv_params(3, 8, 16) + dense_params(400, 32) + dense_params(32, 10)
    x = np.random.default_rng(0).random((2, 28, 28, 1)).astype(np.float32)
    np.testing.assert_allclose(plain.predict(x, verbose=0).sum(axis=1), 1.0, rtol=1e-5)  # probabilities


@pytest.mark.parametrize(
    "kwargs, message",
    [(dict(filters=(8,)), "filters must hold two numbers"),
     (dict(filters=(8, 0)), r"filters\[1\] must be a positive whole number, got 0"),
     (dict(first_kernel=2.5), "first_kernel must be a positive whole number"),
     (dict(dropout=1.0), r"dropout must be in \[0, 1\)")],
)
def test_course_cnn_layer_errors(kwargs, message):
    with pytest.raises(ValueError, match=message):
        models.course_cnn_layers(**kwargs)


def test_compile_one_cycle_errors():
    with pytest.raises(TypeError, match="model must be a keras.Model"):
        models.compile_one_cycle("model", epochs=1, batch_size=8, train_size=64)


def test_course_split_is_55000_and_5000():
    assert models.TRAIN_SIZE - models.VALIDATION_SIZE == 55_000 and models.VALIDATION_SIZE == 5_000


def test_course_cnn_schedule_ends_with_training():
    epochs, batch_size, train_size = 2, 100, 1000
    model = models.mnist_cnn(epochs=epochs, batch_size=batch_size, train_size=train_size)
    schedule = model.optimizer.learning_rate if callable(model.optimizer.learning_rate) else model.optimizer._learning_rate
    total = train_size // batch_size * epochs
    peak = max(float(schedule(s)) for s in range(total + 1))
    assert np.isclose(peak, 3e-3, rtol=1e-4)
    assert float(schedule(total)) < 1e-7


@pytest.mark.parametrize(
    "kwargs, message",
    [(dict(epochs=0), "epochs must be a positive whole number, got 0"),
     (dict(batch_size=1.5), "batch_size must be a positive whole number"),
     (dict(train_size=True), "train_size must be a positive whole number")],
)
def test_course_cnn_errors(kwargs, message):
    with pytest.raises(ValueError, match=message):
        models.mnist_cnn(**kwargs)


def test_dense_baseline():
    model = models.dense_baseline()
    assert model.count_params() == dense_params(784, 128) + dense_params(128, 10) == 101_770
    assert models.dense_baseline(hidden=64).count_params() == dense_params(784, 64) + dense_params(64, 10)
    with pytest.raises(ValueError, match="hidden must be a positive whole number of units, got 0"):
        models.dense_baseline(hidden=0)


def test_course_cnn_trains_on_a_few_hundred_samples():
    """One epoch on 384 MNIST-like samples runs, keeps shapes, and lowers the loss."""
    keras.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    y = rng.integers(0, 10, size=384)
    x = np.zeros((384, 28, 28, 1), np.float32)
    for i, c in enumerate(y):  # class c: a bright bar in row band c
        x[i, 2 * c + 3:2 * c + 6, 4:24] = 1.0
    x += rng.normal(0, 0.05, size=x.shape).astype(np.float32)
    model = models.mnist_cnn(epochs=2, batch_size=64, train_size=len(x))
    run = training.train(model, x, y, epochs=2, batch_size=64, log=False)
    assert run.history["loss"][-1] < run.history["loss"][0]
    assert model.predict(x[:5], verbose=0).shape == (5, 10)


# ---- inspection ------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def small_cnn():
    keras.utils.set_random_seed(1)
    return models.mnist_cnn(epochs=1, batch_size=32, train_size=64)


def test_occlusion_map_values(small_cnn):
    rng = np.random.default_rng(4)
    image = rng.random((28, 28, 1)).astype(np.float32)
    occ = models.occlusion_map(small_cnn, image, 2, patch=7, stride=7)
    assert occ.shape == (28, 28) and occ.dtype == np.float32
    # with patch == stride the squares tile the image: each block holds one drop value
    p0 = small_cnn.predict(image[None], verbose=0)[0, 2]
    covered = image.copy()
    covered[7:14, 14:21] = 0
    p1 = small_cnn.predict(covered[None], verbose=0)[0, 2]
    np.testing.assert_allclose(occ[7:14, 14:21], p0 - p1, atol=1e-5)


def test_inspection_errors(small_cnn):
    with pytest.raises(ValueError, match=r"input shape \(28, 28, 1\) .* got \(1, 28, 28, 1\)"):
        models.occlusion_map(small_cnn, np.zeros((1, 28, 28, 1)), 0)
    with pytest.raises(ValueError, match="patch must be in 1..28"):
        models.occlusion_map(small_cnn, np.zeros((28, 28, 1)), 0, patch=40)
