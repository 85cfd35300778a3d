"""The course's models and the tutorial recipes they are compared with (lessons 07-10).

Each builder returns a **compiled** Keras model with an explicit name, so
``model.summary()`` prints the same names on every run. A :class:`Recipe` bundles a
builder with the batch size and number of epochs it is trained with; :data:`RECIPES`
lists them all, which is what the benchmark (``make bench``) compares::

    recipe = models.RECIPES["mnist_cnn"]
    model = recipe.build()
    training.train(model, x_train, y_train, batch_size=recipe.batch_size, epochs=recipe.epochs)

The second half of the module looks inside a trained model: an occlusion map (lesson 10
builds its activation, class-score and Grad-CAM models in plain cells).

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
    "VALIDATION_SIZE",
    "DesignRow",
    "compile_one_cycle",
    "design_results",
    "course_cnn_layers",
    "dense_baseline",
    "fashion_cnn",
    "mnist_cnn",
    "occlusion_map",
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
COURSE_FILTERS = (16, 32)
"""Filters of the two convolutions in the Fashion-MNIST CNN (lessons 09-10), the default.
On the validation split 24/48 filters scored 0.56 points more (92.38 % against 91.82 %,
two seeds each, 6 epochs) for 1.5 times the compute: too slow on a 2-core AVX2 laptop for
lesson 09's three-minute compute budget (design_results("fashion"))."""
MNIST_FILTERS = (16, 32)
"""The MNIST CNN's filters (lesson 08): on the validation split they tie with 24/48
(mean 99.21 % over three seeds each) at about two thirds of the compute (design_results)."""
VALIDATION_SIZE = 5_000
"""The course trains on the first 55,000 training images and keeps the last 5,000 for validation."""


def course_cnn_layers(
    *,
    filters: tuple[int, int] = COURSE_FILTERS,
    first_kernel: int = 5,
    batch_norm: bool = True,
    dropout: float = 0.3,
    dense: int = 128,
) -> list[keras.layers.Layer]:
    """The layers of the course's CNN, without the input (lessons 08-10).

    Conv2D(filters[0], first_kernel) -> MaxPool(2) -> [BatchNorm] -> Conv2D(filters[1], 3)
    -> MaxPool(2) -> [BatchNorm] -> Flatten -> Dense(dense, ReLU) -> Dropout(dropout)
    -> Dense(10) named ``class_scores`` (the logits) -> Softmax named
    ``class_probabilities``. Keeping the softmax as a layer of its own makes the class
    scores one ``keras.Model(model.inputs, model.get_layer("class_scores").output)`` away
    (lesson 10). Put them after ``keras.Input`` (and any augmentation layer) in a
    ``keras.Sequential``.
    """
    for arg, value in (("first_kernel", first_kernel), ("dense", dense), *((f"filters[{i}]", f) for i, f in enumerate(filters))):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
            raise ValueError(f"{arg} must be a positive whole number, got {value!r}")
    if len(filters) != 2:
        raise ValueError(f"filters must hold two numbers (first and second convolution), got {filters!r}")
    if not 0 <= dropout < 1:
        raise ValueError(f"dropout must be in [0, 1), got {dropout!r}")
    norm = (lambda name: [layers.BatchNormalization(name=name)]) if batch_norm else (lambda name: [])
    return [
        layers.Conv2D(filters[0], first_kernel, activation="relu", name="conv1"),
        layers.MaxPooling2D(2, name="pool1"),
        *norm("bn1"),
        layers.Conv2D(filters[1], 3, activation="relu", name="conv2"),
        layers.MaxPooling2D(2, name="pool2"),
        *norm("bn2"),
        layers.Flatten(name="flatten"),
        layers.Dense(dense, activation="relu", name="dense"),
        layers.Dropout(dropout, name="dropout"),
        layers.Dense(10, name="class_scores"),
        layers.Softmax(name="class_probabilities"),
    ]


def compile_one_cycle(
    model: keras.Model, *, epochs: int, batch_size: int, train_size: int, peak_learning_rate: float = 3e-3
) -> keras.Model:
    """Compile ``model`` with Adam and a one-cycle learning rate that ends with training.

    The schedule rises for the first 20 % of the ``ceil(train_size / batch_size) * epochs``
    steps, then falls to zero, so pass exactly the plan you train with. Loss: sparse
    categorical cross-entropy on the probabilities; metric: accuracy. Returns the model.
    """
    _check_plan(epochs, batch_size, train_size)
    if not isinstance(model, keras.Model):
        raise TypeError(f"model must be a keras.Model, got {type(model).__name__}")
    model.compile(
        optimizer=_adam_one_cycle(peak_learning_rate, epochs=epochs, batch_size=batch_size, train_size=train_size),
        loss=_LOSS,
        metrics=["accuracy"],
    )
    return model


def _course_model(name: str, *, epochs: int, batch_size: int, train_size: int, peak_learning_rate: float, **layer_options) -> keras.Model:
    model = keras.Sequential([keras.Input(shape=INPUT_SHAPE), *course_cnn_layers(**layer_options)], name=name)
    return compile_one_cycle(model, epochs=epochs, batch_size=batch_size, train_size=train_size,
                             peak_learning_rate=peak_learning_rate)


def mnist_cnn(
    *,
    epochs: int = MNIST_CNN_PLAN["epochs"],
    batch_size: int = MNIST_CNN_PLAN["batch_size"],
    train_size: int = TRAIN_SIZE - VALIDATION_SIZE,
    peak_learning_rate: float = 3e-3,
    name: str = "mnist_cnn",
    **layer_options,
) -> keras.Model:
    """The course's MNIST CNN (lesson 08): :func:`course_cnn_layers` with
    :data:`MNIST_FILTERS` and dropout 0.3.

    Adam with a one-cycle learning rate over exactly ``epochs`` epochs of ``train_size``
    samples in batches of ``batch_size``: the schedule must know when training ends, so
    pass the values you train with. ``layer_options`` go to :func:`course_cnn_layers`.
    """
    layer_options.setdefault("dropout", 0.3)
    layer_options.setdefault("filters", MNIST_FILTERS)
    return _course_model(name, epochs=epochs, batch_size=batch_size, train_size=train_size,
                         peak_learning_rate=peak_learning_rate, **layer_options)


def fashion_cnn(
    *,
    epochs: int = FASHION_CNN_PLAN["epochs"],
    batch_size: int = FASHION_CNN_PLAN["batch_size"],
    train_size: int = TRAIN_SIZE - VALIDATION_SIZE,
    peak_learning_rate: float = 3e-3,
    name: str = "fashion_cnn",
    **layer_options,
) -> keras.Model:
    """The course's Fashion-MNIST CNN (lessons 09-10): the same layers with dropout 0.15.

    Trained for :data:`FASHION_CNN_PLAN` epochs (:data:`RECIPES` ``["fashion_cnn"]``);
    ``layer_options`` go to :func:`course_cnn_layers`.
    """
    layer_options.setdefault("dropout", 0.15)
    return _course_model(name, epochs=epochs, batch_size=batch_size, train_size=train_size,
                         peak_learning_rate=peak_learning_rate, **layer_options)


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
    ``epochs`` on the course's training part of ``dataset`` ("mnist" or "fashion_mnist"):
    the first ``TRAIN_SIZE - VALIDATION_SIZE`` (55,000) images.
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
        "course: Conv(16,5x5)-Pool-BN-Conv(32)-Pool-BN-Dense(128)-Dropout-Dense(10); Adam one-cycle",
        builder=mnist_cnn, takes_plan=True, **MNIST_CNN_PLAN,
    ),
    "fashion_tutorial": Recipe(
        "fashion_tutorial", "fashion_mnist",
        "Conv2D(64)-MaxPool-Conv2D(64)-MaxPool-Flatten-Dense(20)-Dense(10), adam",
        batch_size=32, epochs=20, builder=tutorial_fashion_cnn,
    ),
    "fashion_cnn": Recipe(
        "fashion_cnn", "fashion_mnist",
        "course: Conv(16,5x5)-Pool-BN-Conv(32)-Pool-BN-Dense(128)-Dropout 0.15-Dense(10), 6 epochs; Adam one-cycle",
        builder=fashion_cnn, takes_plan=True, **FASHION_CNN_PLAN,
    ),
    "fashion_dense": Recipe(
        "fashion_dense", "fashion_mnist",
        "dense baseline: Flatten-Dense(128)-Dense(10), adam",
        builder=dense_baseline, **DENSE_BASELINE_PLAN,
    ),
}


# ---- looking inside a trained model (lesson 10) ------------------------------------------

def _check_image(image: np.ndarray, model: keras.Model) -> np.ndarray:
    image = np.asarray(image, dtype=np.float32)
    expected = tuple(model.inputs[0].shape[1:])
    if image.shape != expected:
        raise ValueError(f"image must have the model's input shape {expected} (one image, no batch axis), got {image.shape}")
    return image


def occlusion_map(
    model: keras.Model,
    image: np.ndarray,
    class_index: int,
    *,
    patch: int = 6,
    stride: int = 2,
    fill: float = 0.0,
) -> np.ndarray:
    """Drop in the model's output for a class when a ``patch`` x ``patch`` square is covered (lesson 10).

    Slides a square of value ``fill`` over the image with ``stride``; each covered
    position gets the drop ``out(original) - out(covered)``, averaged over the squares that
    covered it. Zeiler & Fergus (2014), "Visualizing and understanding convolutional
    networks". Returns an ``(H, W)`` float32 array; positive means "this region mattered".
    The drop is in the units of the model's output: probabilities for the course models,
    class scores for a model that stops at the ``class_scores`` layer (lesson 10 uses those).
    """
    image = _check_image(image, model)
    h, w = image.shape[:2]
    if not 1 <= patch <= min(h, w) or stride < 1:
        raise ValueError(f"patch must be in 1..{min(h, w)} and stride >= 1, got patch={patch}, stride={stride}")
    positions = [(y, x) for y in range(0, h - patch + 1, stride) for x in range(0, w - patch + 1, stride)]
    batch = np.repeat(image[None], len(positions) + 1, axis=0)
    for i, (y, x) in enumerate(positions, start=1):
        batch[i, y:y + patch, x:x + patch] = fill
    # A direct call, not model.predict: predict traces a new graph per model, and a loop of
    # occlusion maps over several models would fill the notebook with retracing warnings.
    p = np.concatenate([np.asarray(model(batch[i:i + 256], training=False))[:, class_index]
                        for i in range(0, len(batch), 256)])
    drop = np.zeros((h, w), np.float64)
    count = np.zeros((h, w), np.float64)
    for i, (y, x) in enumerate(positions, start=1):
        drop[y:y + patch, x:x + patch] += p[0] - p[i]
        count[y:y + patch, x:x + patch] += 1
    return (drop / np.maximum(count, 1)).astype(np.float32)


# ---- the measured design tables (lessons 08-09) ------------------------------------------

@dataclass(frozen=True)
class DesignRow:
    """One row of a design table: a way to build and train a network, measured over seeds.

    Accuracies are on the validation part (the last 5,000 training images), never the
    test set; ``seconds`` is the median wall time of training, ``cpu_seconds`` the median
    CPU time (all threads), on the ISA the table was measured with.
    """

    key: str
    label: str
    epochs: int
    batch_size: int
    seeds: tuple[int, ...]
    val_accuracies: tuple[float, ...]
    seconds: float
    cpu_seconds: float

    @property
    def mean_accuracy(self) -> float:
        return float(np.mean(self.val_accuracies))


def design_results(dataset: str, isa: str = "AVX2") -> list[DesignRow]:
    """The design table measured by ``benchmarks/design.py`` for ``dataset`` on ``isa``.

    Shipped with the package (``helpers/measured/design_<dataset>.json``), so the lessons
    print the same table on Colab. Rows keep the order in which they were measured.
    """
    import json
    from pathlib import Path

    if dataset not in ("mnist", "fashion"):
        raise ValueError(f"dataset must be 'mnist' or 'fashion', got {dataset!r}")
    path = Path(__file__).resolve().parent / "measured" / f"design_{dataset}.json"
    if not path.exists():
        raise FileNotFoundError(f"{path} is missing: reinstall the course package, or run `python benchmarks/design.py {dataset}`")
    tables = json.loads(path.read_text())
    if isa not in tables:
        measured = sorted(k for k in tables if k != "measured")
        raise ValueError(f"isa must be one of {measured} (the ISAs {path.name} was measured on), got {isa!r}")
    rows = []
    for key, entry in tables[isa].items():
        runs = entry["runs"]
        rows.append(DesignRow(
            key=key, label=entry["label"], epochs=entry["epochs"], batch_size=entry["batch_size"],
            seeds=tuple(r["seed"] for r in runs), val_accuracies=tuple(r["val_accuracy"] for r in runs),
            seconds=float(np.median([r["train_seconds"] for r in runs])),
            cpu_seconds=float(np.median([r["cpu_seconds"] for r in runs])),
        ))
    return rows
