"""The course's models and the tutorial recipes they are compared with (lessons 07-10).

Each builder returns a **compiled** Keras model with an explicit name, so
``model.summary()`` prints the same names on every run. A :class:`Recipe` bundles a
builder with the batch size and number of epochs it is trained with; :data:`RECIPES`
lists them all, which is what the benchmark (``make bench``) compares::

    recipe = models.RECIPES["mnist_cnn"]
    model = recipe.build()
    training.train(model, x_train, y_train, batch_size=recipe.batch_size, epochs=recipe.epochs)

The second half of the module looks inside a trained model: an activation model over
chosen layers, a saliency map (gradient of a class score) and an occlusion map.

Import it only in lessons that use TensorFlow (it imports Keras).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable, Sequence

import keras
import numpy as np
from keras import layers

from helpers.training import one_cycle_schedule

__all__ = [
    "RECIPES",
    "Recipe",
    "activation_model",
    "class_scores",
    "dense_baseline",
    "fashion_cnn",
    "mnist_cnn",
    "occlusion_map",
    "saliency_map",
    "tutorial_fashion_cnn",
    "tutorial_mnist_cnn",
]

INPUT_SHAPE = (28, 28, 1)
TRAIN_SIZE = 60_000
_LOSS = "sparse_categorical_crossentropy"


# ---- the tutorial recipes (what the course improves on) --------------------------------

def tutorial_mnist_cnn(*, name: str = "tutorial_mnist_cnn") -> keras.Model:
    """The classic MNIST CNN of the TensorFlow tutorials, written correctly (lesson 08).

    Conv2D(32)-MaxPool-Conv2D(64)-MaxPool-Conv2D(64)-Flatten-Dense(64)-Dense(10), all 3x3
    "valid" convolutions with ReLU, compiled with RMSprop; trained with batch 64 for
    5 epochs (:data:`RECIPES` ``["mnist_tutorial"]``).
    """
    model = keras.Sequential(
        [
            keras.Input(shape=INPUT_SHAPE),
            layers.Conv2D(32, 3, activation="relu", name="conv1"),
            layers.MaxPooling2D(2, name="pool1"),
            layers.Conv2D(64, 3, activation="relu", name="conv2"),
            layers.MaxPooling2D(2, name="pool2"),
            layers.Conv2D(64, 3, activation="relu", name="conv3"),
            layers.Flatten(name="flatten"),
            layers.Dense(64, activation="relu", name="dense"),
            layers.Dense(10, activation="softmax", name="class_probabilities"),
        ],
        name=name,
    )
    model.compile(optimizer="rmsprop", loss=_LOSS, metrics=["accuracy"])
    return model


def tutorial_fashion_cnn(*, name: str = "tutorial_fashion_cnn") -> keras.Model:
    """The Fashion-MNIST CNN of the common tutorials (lesson 09).

    Conv2D(64)-MaxPool-Conv2D(64)-MaxPool-Flatten-Dense(20)-Dense(10), 3x3 "valid"
    convolutions with ReLU, compiled with Adam (default learning rate); trained with
    batch 32 for 20 epochs (:data:`RECIPES` ``["fashion_tutorial"]``).
    """
    model = keras.Sequential(
        [
            keras.Input(shape=INPUT_SHAPE),
            layers.Conv2D(64, 3, activation="relu", name="conv1"),
            layers.MaxPooling2D(2, name="pool1"),
            layers.Conv2D(64, 3, activation="relu", name="conv2"),
            layers.MaxPooling2D(2, name="pool2"),
            layers.Flatten(name="flatten"),
            layers.Dense(20, activation="relu", name="dense"),
            layers.Dense(10, activation="softmax", name="class_probabilities"),
        ],
        name=name,
    )
    model.compile(optimizer="adam", loss=_LOSS, metrics=["accuracy"])
    return model


# ---- the course's models ------------------------------------------------------------------

def _adam_one_cycle(peak: float, *, epochs: int, batch_size: int, train_size: int) -> keras.optimizers.Optimizer:
    total = math.ceil(train_size / batch_size) * epochs
    return keras.optimizers.Adam(learning_rate=one_cycle_schedule(peak, total))


def _check_plan(epochs: int, batch_size: int, train_size: int) -> None:
    for arg, value in (("epochs", epochs), ("batch_size", batch_size), ("train_size", train_size)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
            raise ValueError(f"{arg} must be a positive whole number, got {value!r}")


MNIST_CNN_PLAN = {"batch_size": 128, "epochs": 3}
FASHION_CNN_PLAN = {"batch_size": 128, "epochs": 6}
DENSE_BASELINE_PLAN = {"batch_size": 128, "epochs": 10}


def _course_cnn(name: str, *, dropout: float, filters: tuple[int, int] = (24, 48)) -> keras.Sequential:
    """The body and head shared by the course's MNIST and Fashion-MNIST CNNs."""
    return keras.Sequential(
        [
            keras.Input(shape=INPUT_SHAPE),
            layers.Conv2D(filters[0], 5, activation="relu", name="conv1"),  # 28 -> 24
            layers.MaxPooling2D(2, name="pool1"),  # 24 -> 12
            layers.BatchNormalization(name="bn1"),
            layers.Conv2D(filters[1], 3, activation="relu", name="conv2"),  # 12 -> 10
            layers.MaxPooling2D(2, name="pool2"),  # 10 -> 5
            layers.BatchNormalization(name="bn2"),
            layers.Flatten(name="flatten"),  # 5 * 5 * 48 = 1200
            layers.Dense(128, activation="relu", name="dense"),
            layers.Dropout(dropout, name="dropout"),
            layers.Dense(10, activation="softmax", name="class_probabilities"),
        ],
        name=name,
    )


def _compiled_course_cnn(name: str, dropout: float, peak: float, epochs: int, batch_size: int, train_size: int) -> keras.Model:
    """The course CNN compiled with Adam and a one-cycle schedule over exactly this plan."""
    _check_plan(epochs, batch_size, train_size)
    model = _course_cnn(name, dropout=dropout)
    model.compile(
        optimizer=_adam_one_cycle(peak, epochs=epochs, batch_size=batch_size, train_size=train_size),
        loss=_LOSS,
        metrics=["accuracy"],
    )
    return model


def mnist_cnn(
    *,
    epochs: int = MNIST_CNN_PLAN["epochs"],
    batch_size: int = MNIST_CNN_PLAN["batch_size"],
    train_size: int = TRAIN_SIZE,
    peak_learning_rate: float = 3e-3,
    name: str = "mnist_cnn",
) -> keras.Model:
    """The course's MNIST CNN, tuned for a CPU: >= 99.2 % in 3 epochs (lesson 08).

    Conv2D(24, 5x5)-MaxPool-BatchNorm, Conv2D(48, 3x3)-MaxPool-BatchNorm, Flatten,
    Dense(128) with dropout 0.3, Dense(10). Batch norm sits *after* pooling, where the
    maps are 4 times smaller (cheaper on a CPU). Adam with a one-cycle learning rate
    over exactly ``epochs`` epochs of ``train_size`` samples in batches of
    ``batch_size``: the schedule must know when training ends, so pass the values you
    train with.
    """
    return _compiled_course_cnn(name, 0.3, peak_learning_rate, epochs, batch_size, train_size)


def fashion_cnn(
    *,
    epochs: int = FASHION_CNN_PLAN["epochs"],
    batch_size: int = FASHION_CNN_PLAN["batch_size"],
    train_size: int = TRAIN_SIZE,
    peak_learning_rate: float = 3e-3,
    name: str = "fashion_cnn",
) -> keras.Model:
    """The course's Fashion-MNIST CNN: >= 92 % within a minute on a 2-core CPU (lesson 09).

    The same layers as :func:`mnist_cnn` with less dropout (0.15: in 6 epochs the
    network underfits more than it overfits), trained for 6 epochs
    (:data:`RECIPES` ``["fashion_cnn"]``).
    """
    return _compiled_course_cnn(name, 0.15, peak_learning_rate, epochs, batch_size, train_size)


def dense_baseline(
    *,
    hidden: int = 128,
    learning_rate: float = 1e-3,
    name: str = "dense_baseline",
) -> keras.Model:
    """Flatten -> Dense(hidden, ReLU) -> Dense(10, softmax), Adam: the baseline of lesson 07."""
    if isinstance(hidden, bool) or not isinstance(hidden, (int, np.integer)) or hidden < 1:
        raise ValueError(f"hidden must be a positive whole number of units, got {hidden!r}")
    model = keras.Sequential(
        [
            keras.Input(shape=INPUT_SHAPE),
            layers.Flatten(name="flatten"),
            layers.Dense(hidden, activation="relu", name="hidden"),
            layers.Dense(10, activation="softmax", name="class_probabilities"),
        ],
        name=name,
    )
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=learning_rate), loss=_LOSS, metrics=["accuracy"])
    return model


@dataclass(frozen=True)
class Recipe:
    """A model and how it is trained: the unit the benchmark compares.

    ``build()`` returns a fresh compiled model; train it with ``batch_size`` and
    ``epochs`` on the full training set of ``dataset`` ("mnist" or "fashion_mnist").
    """

    name: str
    dataset: str
    description: str
    batch_size: int
    epochs: int
    builder: Callable[..., keras.Model]
    takes_plan: bool = False

    def build(self) -> keras.Model:
        """A fresh compiled model (its learning-rate schedule matches ``epochs``/``batch_size``)."""
        if self.takes_plan:
            return self.builder(epochs=self.epochs, batch_size=self.batch_size)
        return self.builder()


RECIPES: dict[str, Recipe] = {
    "mnist_tutorial": Recipe(
        "mnist_tutorial", "mnist",
        "Conv2D(32)-MaxPool-Conv2D(64)-MaxPool-Conv2D(64)-Flatten-Dense(64)-Dense(10), rmsprop",
        batch_size=64, epochs=5, builder=tutorial_mnist_cnn,
    ),
    "mnist_cnn": Recipe(
        "mnist_cnn", "mnist",
        "course: Conv(24,5x5)-Pool-BN-Conv(48)-Pool-BN-Dense(128)-Dropout-Dense(10); Adam one-cycle",
        builder=mnist_cnn, takes_plan=True, **MNIST_CNN_PLAN,
    ),
    "fashion_tutorial": Recipe(
        "fashion_tutorial", "fashion_mnist",
        "Conv2D(64)-MaxPool-Conv2D(64)-MaxPool-Flatten-Dense(20)-Dense(10), adam",
        batch_size=32, epochs=20, builder=tutorial_fashion_cnn,
    ),
    "fashion_cnn": Recipe(
        "fashion_cnn", "fashion_mnist",
        "course: the MNIST CNN's layers, 6 epochs; Adam one-cycle",
        builder=fashion_cnn, takes_plan=True, **FASHION_CNN_PLAN,
    ),
    "fashion_dense": Recipe(
        "fashion_dense", "fashion_mnist",
        "dense baseline: Flatten-Dense(128)-Dense(10), adam",
        builder=dense_baseline, **DENSE_BASELINE_PLAN,
    ),
}


# ---- looking inside a trained model (lesson 10) ------------------------------------------

def activation_model(model: keras.Model, layer_names: Sequence[str]) -> keras.Model:
    """A model with the same input whose outputs are the named layers' outputs (lesson 10).

    Calling it on images returns one array per layer: the feature maps.
    """
    names = [layer.name for layer in model.layers]
    if isinstance(layer_names, str):
        raise TypeError("layer_names must be a list of names, e.g. ['conv1'], not one string")
    missing = [n for n in layer_names if n not in names]
    if missing or not layer_names:
        raise ValueError(f"layer_names must name layers of the model; unknown {missing}, the model has {names}")
    outputs = [model.get_layer(n).output for n in layer_names]
    return keras.Model(inputs=model.inputs[0], outputs=outputs, name=f"{model.name}_activations")


def _check_image(image: np.ndarray, model: keras.Model) -> np.ndarray:
    image = np.asarray(image, dtype=np.float32)
    expected = tuple(model.inputs[0].shape[1:])
    if image.shape != expected:
        raise ValueError(f"image must have the model's input shape {expected} (one image, no batch axis), got {image.shape}")
    return image


def class_scores(model: keras.Model, x):
    """The model's class *scores* (logits): its output before the final softmax.

    For a model that ends in ``Dense(..., activation="softmax")`` (all course models),
    the scores are computed from the last layer's weights; otherwise the output is
    returned as it is. Works on NumPy arrays and on tensors inside a ``GradientTape``.
    """
    last = model.layers[-1]
    if isinstance(last, layers.Dense) and getattr(last.activation, "__name__", "") == "softmax":
        features = keras.Model(model.inputs[0], model.layers[-2].output)(x, training=False)
        return keras.ops.matmul(features, last.kernel) + last.bias
    return model(x, training=False)


def saliency_map(
    model: keras.Model, image: np.ndarray, class_index: int, *, samples: int = 0, noise: float = 0.2, seed: int = 0
) -> np.ndarray:
    """|d score / d pixel|: how strongly each pixel moves the class's score (lesson 10).

    The score is the class's logit (the output before softmax): the probability of a
    confident prediction hardly moves, so its gradient would be almost zero everywhere.
    Simonyan, Vedaldi & Zisserman (2014), "Deep inside convolutional networks".

    Parameters
    ----------
    model, image, class_index
        A trained model, one input image (no batch axis) and the class to explain.
    samples
        0: the plain gradient. More: "SmoothGrad" (Smilkov et al., 2017), the mean
        of |gradient| over ``samples`` copies of the image with Gaussian noise of
        standard deviation ``noise`` added, which is much less speckled.
    noise, seed
        Noise level (in pixel units, 0..1 images) and the seed of the noise.

    Returns
    -------
    numpy.ndarray
        ``(H, W)`` float32 array (channels reduced by the maximum).
    """
    import tensorflow as tf

    image = _check_image(image, model)
    if samples < 0 or int(samples) != samples:
        raise ValueError(f"samples must be a whole number >= 0, got {samples!r}")
    batch = image[None]
    if samples:
        rng = np.random.default_rng(seed)
        batch = (batch + rng.normal(0.0, noise, size=(int(samples),) + image.shape)).astype(np.float32)
    x = tf.convert_to_tensor(batch)
    with tf.GradientTape() as tape:
        tape.watch(x)
        score = tf.reduce_sum(class_scores(model, x)[:, class_index])
    gradient = np.abs(tape.gradient(score, x).numpy()).mean(axis=0)
    return gradient.max(axis=-1).astype(np.float32)


def occlusion_map(
    model: keras.Model,
    image: np.ndarray,
    class_index: int,
    *,
    patch: int = 6,
    stride: int = 2,
    fill: float = 0.0,
) -> np.ndarray:
    """Drop in the class's probability when a ``patch`` x ``patch`` square is covered (lesson 10).

    Slides a square of value ``fill`` over the image with ``stride``; each covered
    position gets the drop ``p(original) - p(covered)``, averaged over the squares that
    covered it. Zeiler & Fergus (2014), "Visualizing and understanding convolutional
    networks". Returns an ``(H, W)`` float32 array; positive means "this region mattered".
    """
    image = _check_image(image, model)
    h, w = image.shape[:2]
    if not 1 <= patch <= min(h, w) or stride < 1:
        raise ValueError(f"patch must be in 1..{min(h, w)} and stride >= 1, got patch={patch}, stride={stride}")
    positions = [(y, x) for y in range(0, h - patch + 1, stride) for x in range(0, w - patch + 1, stride)]
    batch = np.repeat(image[None], len(positions) + 1, axis=0)
    for i, (y, x) in enumerate(positions, start=1):
        batch[i, y:y + patch, x:x + patch] = fill
    p = model.predict(batch, batch_size=256, verbose=0)[:, class_index]
    drop = np.zeros((h, w), np.float64)
    count = np.zeros((h, w), np.float64)
    for i, (y, x) in enumerate(positions, start=1):
        drop[y:y + patch, x:x + patch] += p[0] - p[i]
        count[y:y + patch, x:x + patch] += 1
    return (drop / np.maximum(count, 1)).astype(np.float32)
