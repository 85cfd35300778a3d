"""Training plumbing for lessons 07-10: data to model input, a quiet fit, timing, memory.

The ideas (what a layer does, why a schedule helps) live in the notebooks; this module
holds what every training lesson repeats: turning uint8 images into float32 model input,
``fit`` with one line of progress per epoch and its wall time, predictions as classes, a
confusion matrix, shifted copies of images, and the kernel's peak memory.

Import it only in lessons that use TensorFlow (it imports Keras).
"""

from __future__ import annotations

import math
import resource
import sys
import time
from dataclasses import dataclass, field

import keras
import numpy as np

__all__ = [
    "EpochLogger",
    "Training",
    "confusion_matrix",
    "make_dataset",
    "most_confused_pairs",
    "one_cycle_schedule",
    "peak_memory_mb",
    "predict_classes",
    "shift_images",
    "steps_per_epoch",
    "to_model_input",
    "train",
]


def to_model_input(images: np.ndarray) -> np.ndarray:
    """Turn uint8 images ``(N, H, W)`` into float32 model input ``(N, H, W, 1)`` in 0..1.

    One float32 array is allocated (``np.divide`` writes straight into it, no float64
    intermediate); the channel axis is a view, not a copy. Introduced in lesson 08.

    Parameters
    ----------
    images
        A stack of grayscale images ``(N, H, W)`` with values 0..255 (uint8), or one
        image ``(H, W)``.

    Returns
    -------
    numpy.ndarray
        float32 array of shape ``(N, H, W, 1)`` (or ``(1, H, W, 1)`` for one image).
    """
    images = np.asarray(images)
    if images.ndim == 2:
        images = images[None]
    if images.ndim != 3:
        raise ValueError(f"images must have shape (N, H, W) or (H, W), got shape {images.shape}")
    if images.dtype != np.uint8:
        raise TypeError(
            f"images must be uint8 with values 0..255, got dtype {images.dtype}; "
            "they may already be scaled (then add the channel axis with x[..., None])"
        )
    return np.divide(images, np.float32(255), dtype=np.float32)[..., None]


def make_dataset(images: np.ndarray, labels: np.ndarray, *, batch_size: int, shuffle: bool = True, seed: int = 0):
    """A ``tf.data`` pipeline of shuffled batches that keeps the images as uint8 until the last moment.

    ``model.fit`` on NumPy arrays copies the whole float32 training set into TensorFlow
    (about 190 MB for MNIST, once more per ``fit`` call). This pipeline stores the uint8
    images once (47 MB), shuffles only their *indices* each epoch, gathers one batch at
    a time, converts it to float32 in 0..1 with a channel axis (what
    :func:`to_model_input` does for a whole array) and prepares the next batch while the
    model trains on the current one (``prefetch``). Lesson 08.

    Parameters
    ----------
    images
        uint8 images ``(N, H, W)`` (or float32 model input ``(N, H, W, 1)``, used as is).
    labels
        Integer labels ``(N,)``.
    batch_size
        Images per batch (the last batch may be smaller).
    shuffle, seed
        Reshuffle every epoch, in an order fixed by ``seed``.
    """
    import tensorflow as tf

    images = np.asarray(images)
    labels = np.asarray(labels)
    if images.ndim not in (3, 4) or len(images) != len(labels):
        raise ValueError(
            f"images must have shape (N, H, W) or (N, H, W, 1) with one label each; "
            f"got images of shape {images.shape} and {len(labels)} labels"
        )
    if images.dtype != np.uint8 and images.dtype != np.float32:
        raise TypeError(f"images must be uint8 (0..255) or float32 model input, got dtype {images.dtype}")
    if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)) or batch_size < 1:
        raise ValueError(f"batch_size must be a positive whole number, got {batch_size!r}")
    # One copy of the images inside TensorFlow. (tf.constant(images) keeps two copies of a
    # large array resident, measured with TF 2.20-2.21: 94 MB for MNIST's 47 MB.)
    stored_images = tf.raw_ops.Identity(input=images)
    stored_labels = tf.constant(labels.astype(np.int32))
    n = len(images)

    def load(index):
        x = tf.gather(stored_images, index)
        if x.dtype == tf.uint8:
            x = tf.cast(x, tf.float32) / 255.0
        if x.shape.rank == 3:
            x = x[..., None]
        return x, tf.gather(stored_labels, index)

    indices = tf.data.Dataset.range(n)
    if shuffle:
        indices = indices.shuffle(n, seed=seed, reshuffle_each_iteration=True)
    return indices.batch(batch_size).map(load, num_parallel_calls=tf.data.AUTOTUNE).prefetch(tf.data.AUTOTUNE)


def one_cycle_schedule(
    peak: float, total_steps: int, *, warmup_fraction: float = 0.2, start_factor: float = 0.1
) -> keras.optimizers.schedules.LearningRateSchedule:
    """A "one-cycle" learning rate: linear warm-up to ``peak``, then cosine decay to 0.

    Warm-up lets batch norm statistics settle before big steps; the decay lets the
    weights settle at the end (Smith & Topin, 2017, "Super-convergence"). Lesson 08.

    Parameters
    ----------
    peak
        Highest learning rate, reached after ``warmup_fraction`` of the steps.
    total_steps
        Number of optimizer steps in the whole training (batches per epoch x epochs).
    warmup_fraction
        Share of the steps spent warming up, in [0, 1).
    start_factor
        The first learning rate is ``start_factor * peak``.
    """
    if not peak > 0:
        raise ValueError(f"peak must be a positive learning rate, got {peak!r}")
    if int(total_steps) != total_steps or total_steps < 2:
        raise ValueError(f"total_steps must be a whole number >= 2, got {total_steps!r}")
    if not 0 <= warmup_fraction < 1:
        raise ValueError(f"warmup_fraction must be in [0, 1), got {warmup_fraction!r}")
    warmup = int(round(warmup_fraction * total_steps))
    return keras.optimizers.schedules.CosineDecay(
        initial_learning_rate=start_factor * peak if warmup else peak,
        decay_steps=int(total_steps) - warmup,
        alpha=0.0,
        warmup_target=peak if warmup else None,
        warmup_steps=warmup,
    )


class EpochLogger(keras.callbacks.Callback):
    """Print one short line per epoch (loss, accuracy, validation) and time each epoch.

    ``fit(verbose=2)`` prints per-step timings and ``verbose=1`` a progress bar that
    floods a notebook; this prints ``epoch 2/5  loss 0.1234  accuracy 0.9612 ...  3.1 s``.
    """

    def __init__(self, *, every: int = 1, show_time: bool = True, quiet: bool = False) -> None:
        super().__init__()
        if every < 1:
            raise ValueError(f"every must be at least 1, got {every!r}")
        self.every = every
        self.show_time = show_time
        self.quiet = quiet
        self.epoch_seconds: list[float] = []
        self._start = 0.0

    def on_train_begin(self, logs=None):
        self.epoch_seconds = []

    def on_epoch_begin(self, epoch, logs=None):
        self._start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        self.epoch_seconds.append(time.perf_counter() - self._start)
        epochs = self.params.get("epochs", "?")
        if self.quiet or ((epoch + 1) % self.every and epoch + 1 != epochs):
            return
        parts = [f"epoch {epoch + 1}/{epochs}"]
        for key in ("loss", "accuracy", "val_loss", "val_accuracy"):
            if logs and key in logs:
                parts.append(f"{key} {float(logs[key]):.4f}")
        if self.show_time:
            parts.append(f"{self.epoch_seconds[-1]:5.1f} s")
        print("  ".join(parts), flush=True)


@dataclass
class Training:
    """What :func:`train` returns: the per-epoch history and the time it took."""

    history: dict[str, list[float]]
    seconds: float
    epoch_seconds: list[float] = field(default_factory=list)

    @property
    def epochs(self) -> int:
        """Number of epochs trained."""
        return len(self.epoch_seconds)


def train(
    model: keras.Model,
    x,
    y: np.ndarray | None = None,
    *,
    epochs: int,
    batch_size: int | None = None,
    validation_data=None,
    log: bool = True,
    **fit_kwargs,
) -> Training:
    """``model.fit`` quietly, with one printed line per epoch and the wall time measured.

    Parameters
    ----------
    model
        A compiled Keras model.
    x, y
        Training inputs and integer labels, or a ``tf.data.Dataset`` of ``(x, y)``
        batches (from :func:`make_dataset`) as ``x`` with ``y=None``.
    epochs, batch_size
        As in ``model.fit`` (no ``batch_size`` with a dataset: it is already batched).
    validation_data
        Optional ``(x_val, y_val)`` evaluated after each epoch (its time is included).
    log
        Print one line per epoch (``False``: silent).
    **fit_kwargs
        Passed on to ``model.fit`` (``callbacks`` are added to the logger).

    Returns
    -------
    Training
        ``history`` (lists per metric), ``seconds`` (wall time of ``fit``) and
        ``epoch_seconds``.
    """
    if not isinstance(model, keras.Model):
        raise TypeError(f"model must be a keras.Model, got {type(model).__name__}")
    if getattr(model, "optimizer", None) is None or not getattr(model, "compiled", True):
        raise ValueError("model must be compiled first: model.compile(optimizer=..., loss=..., metrics=[...])")
    if y is None:
        if not hasattr(x, "element_spec"):
            raise ValueError("y (the labels) is missing; only a tf.data.Dataset of (x, y) batches can go without it")
        if batch_size is not None:
            raise ValueError("a dataset is already batched: leave out batch_size")
        fit_kwargs.setdefault("shuffle", False)  # the dataset shuffles itself
    elif len(x) != len(y):
        raise ValueError(f"x and y must have the same length, got {len(x)} inputs and {len(y)} labels")
    logger = EpochLogger(quiet=not log)
    callbacks = list(fit_kwargs.pop("callbacks", [])) + [logger]
    start = time.perf_counter()
    history = model.fit(
        x, y, epochs=epochs, batch_size=batch_size, validation_data=validation_data,
        verbose=0, callbacks=callbacks, **fit_kwargs,
    )
    seconds = time.perf_counter() - start
    return Training(
        history={k: [float(v) for v in vs] for k, vs in history.history.items()},
        seconds=seconds,
        epoch_seconds=list(logger.epoch_seconds),
    )


def score_each_epoch(images: np.ndarray, labels: np.ndarray, *, prefix: str = "end_", batch_size: int = 1000):
    """A Keras callback that scores fixed images after every epoch, as validation is scored.

    ``model.fit`` logs the training loss as an average over the epoch's batches, each scored
    with the weights of that moment. This callback instead evaluates ``images`` (not shuffled)
    with the weights at the *end* of each epoch and adds ``prefix + name`` for every
    compiled metric (``end_loss``, ``end_accuracy``) to the epoch's logs, so the history
    gets them next to ``loss`` and ``val_loss``. Lesson 07.

    Parameters
    ----------
    images, labels
        uint8 images ``(N, H, W)`` (or float32 model input) and their integer labels.
    prefix
        Put in front of each metric name in the history.
    batch_size
        Images per evaluation batch.
    """
    data = make_dataset(images, labels, batch_size=batch_size, shuffle=False)

    class _ScoreEachEpoch(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            scores = self.model.evaluate(data, verbose=0, return_dict=True)
            if logs is not None:
                logs.update({prefix + name: float(value) for name, value in scores.items()})

    return _ScoreEachEpoch()


def predict_classes(model: keras.Model, x: np.ndarray, *, batch_size: int = 1000) -> np.ndarray:
    """The class each input is given: ``argmax`` of the model's outputs, as int64.

    Works through ``x`` one batch at a time (``model.predict`` on a whole array first
    copies all of it into TensorFlow), so memory stays flat whatever the size of ``x``.
    """
    x = np.asarray(x)
    if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)) or batch_size < 1:
        raise ValueError(f"batch_size must be a positive whole number, got {batch_size!r}")
    if len(x) == 0:
        raise ValueError("x is empty: pass at least one input")
    classes = [np.argmax(np.asarray(model.predict_on_batch(x[i : i + batch_size])), axis=-1)
               for i in range(0, len(x), batch_size)]
    return np.concatenate(classes).astype(np.int64)


def confusion_matrix(y_true, y_pred, *, num_classes: int | None = None) -> np.ndarray:
    """Count matrix ``cm[true, predicted]``: row = the real class, column = the prediction.

    Lesson 08 builds it with ``np.add.at`` and checks it against this function.
    """
    y_true = np.asarray(y_true)
    y_pred = np.asarray(y_pred)
    if y_true.shape != y_pred.shape or y_true.ndim != 1:
        raise ValueError(
            f"y_true and y_pred must be 1-D and the same length, got shapes {y_true.shape} and {y_pred.shape}"
        )
    for name, labels in (("y_true", y_true), ("y_pred", y_pred)):
        if labels.size and (not np.issubdtype(labels.dtype, np.integer) or labels.min() < 0):
            raise ValueError(f"{name} must hold class numbers 0, 1, 2, ... (non-negative integers)")
    y_true = y_true.astype(np.int64)
    y_pred = y_pred.astype(np.int64)
    largest = int(max(y_true.max(initial=-1), y_pred.max(initial=-1)))
    if num_classes is None:
        num_classes = largest + 1
    if largest >= num_classes:
        raise ValueError(f"a label is >= num_classes={num_classes}")
    cm = np.zeros((num_classes, num_classes), dtype=np.int64)
    np.add.at(cm, (y_true, y_pred), 1)
    return cm


def most_confused_pairs(cm: np.ndarray, *, top: int = 5) -> list[tuple[int, int, int]]:
    """The ``top`` largest off-diagonal cells as ``(true, predicted, count)``, largest first."""
    cm = np.asarray(cm)
    if cm.ndim != 2 or cm.shape[0] != cm.shape[1]:
        raise ValueError(f"cm must be a square matrix, got shape {cm.shape}")
    off = cm.astype(np.int64).copy()
    np.fill_diagonal(off, -1)
    order = np.argsort(-off, axis=None, kind="stable")[:top]
    pairs = [(int(i), int(j), int(off[i, j])) for i, j in zip(*np.unravel_index(order, off.shape))]
    return [p for p in pairs if p[2] > 0]


def shift_images(images: np.ndarray, dx: int, dy: int = 0) -> np.ndarray:
    """Move every image ``dx`` pixels right and ``dy`` down, filling the gap with zeros.

    Works on ``(N, H, W)`` and ``(N, H, W, C)`` stacks; negative shifts move left/up.
    Lesson 09 uses it to test how robust a network is to small translations.
    """
    images = np.asarray(images)
    if images.ndim not in (3, 4):
        raise ValueError(f"images must have shape (N, H, W) or (N, H, W, C), got shape {images.shape}")
    h, w = images.shape[1:3]
    if abs(dy) >= h or abs(dx) >= w:
        raise ValueError(f"shift ({dx}, {dy}) is as large as the image ({h} x {w})")
    out = np.zeros_like(images)
    src_y = slice(max(0, -dy), h - max(0, dy))
    dst_y = slice(max(0, dy), h - max(0, -dy))
    src_x = slice(max(0, -dx), w - max(0, dx))
    dst_x = slice(max(0, dx), w - max(0, -dx))
    out[:, dst_y, dst_x] = images[:, src_y, src_x]
    return out


def peak_memory_mb() -> float:
    """Peak resident memory of this process (the notebook's kernel) so far, in MB.

    On Linux this is ``VmHWM`` of ``/proc/self/status``, the high-water mark of this
    program's own memory. (``ru_maxrss`` survives ``exec``: a kernel started by a big
    process, such as a test run that has imported TensorFlow, would report its parent's
    peak.) Elsewhere ``ru_maxrss``.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 2**10  # kB
    except OSError:
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 2**10  # bytes on macOS, KiB on Linux


def steps_per_epoch(n: int, batch_size: int) -> int:
    """Number of batches in one epoch of ``n`` samples."""
    return math.ceil(n / batch_size)
