"""Exercises of lesson 07 · A dense baseline on Fashion-MNIST."""

from __future__ import annotations

import numpy as np

from helpers.exercises.core import Exercise, Wrong, call, expect_array, expect_equal


def _test_param_count(answer):
    if isinstance(answer, bool) or not isinstance(answer, (int, np.integer)):
        raise Wrong(f"expected a whole number of parameters, got {type(answer).__name__} {answer!r}")
    if answer == 784 * 64 + 64 * 10:
        raise Wrong("you counted the weights but not the biases: every neuron also has one bias.")
    if answer == 784 * 64 + 64:
        raise Wrong("that is the hidden layer only; add the output layer's 64 x 10 weights and 10 biases.")
    expect_equal(answer, (784 * 64 + 64) + (64 * 10 + 10), "the number of parameters")


q1 = Exercise(
    "Exercise 1 · Count the parameters of a dense network",
    test=_test_param_count,
    hint="""\
        Flatten has no parameters; it turns 28 x 28 x 1 into 784 numbers.
        A Dense layer with n inputs and m neurons has n * m weights and m biases.""",
    solution="answer = (784 * 64 + 64) + (64 * 10 + 10)   # 50,890",
    reference=(784 * 64 + 64) + (64 * 10 + 10),
    wrong_answers=(784 * 64 + 64 * 10, 784 * 64 + 64, 50_000),
)


def _reference_per_class_accuracy(cm):
    cm = np.asarray(cm, dtype=float)
    return np.diag(cm) / cm.sum(axis=1)


def _test_per_class_accuracy(function):
    cm = np.array([[8, 2, 0], [1, 3, 0], [0, 5, 5]])
    result = call(function, cm)
    if isinstance(result, np.ndarray) and np.allclose(result, np.diag(cm) / cm.sum(axis=0)):
        raise Wrong("you divided by the column sums (what was *predicted* as each class); "
                    "rows hold the true classes, so divide by the row sums: cm.sum(axis=1).")
    if isinstance(result, (float, np.floating)) or (isinstance(result, np.ndarray) and result.ndim == 0):
        raise Wrong("expected one accuracy per class (a 1-D array), got a single number; "
                    "np.trace(cm) / cm.sum() is the overall accuracy.")
    expect_array(np.asarray(result, dtype=float) if isinstance(result, list) else result,
                 _reference_per_class_accuracy(cm), "per_class_accuracy(cm)")


q2 = Exercise(
    "Exercise 2 · Accuracy per class from a confusion matrix",
    test=_test_per_class_accuracy,
    hint="""\
        The correct answers are on the diagonal: np.diag(cm).
        Row i holds all images whose true class is i, so their number is cm.sum(axis=1)[i].""",
    solution="""\
        def per_class_accuracy(cm):
            cm = np.asarray(cm, dtype=float)
            return np.diag(cm) / cm.sum(axis=1)""",
    reference=_reference_per_class_accuracy,
    wrong_answers=(
        lambda cm: np.diag(cm) / np.asarray(cm).sum(axis=0),  # column sums
        lambda cm: np.trace(cm) / np.asarray(cm).sum(),  # overall accuracy
        lambda cm: np.diag(cm),  # counts, not fractions
    ),
)


def _reference_build_bigger():
    import keras

    model = keras.Sequential(
        [
            keras.Input(shape=(28, 28, 1)),
            keras.layers.Flatten(),
            keras.layers.Dense(256, activation="relu"),
            keras.layers.Dense(256, activation="relu"),
            keras.layers.Dense(10, activation="softmax"),
        ],
        name="bigger_dense",
    )
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-3),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def _test_build_bigger(function):
    import keras

    model = call(function)
    if not isinstance(model, keras.Model):
        raise Wrong(f"build_bigger() must return a Keras model, got {type(model).__name__}")
    dense = [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)]
    units = [layer.units for layer in dense]
    if units != [256, 256, 10]:
        raise Wrong(f"expected Dense layers with 256, 256 and 10 neurons, got {units}")
    if not model.built:
        raise Wrong("the model has no input shape yet: start it with keras.Input(shape=(28, 28, 1)).")
    activations = [layer.activation.__name__ for layer in dense]
    if activations != ["relu", "relu", "softmax"]:
        raise Wrong(f"expected activations relu, relu, softmax, got {activations}")
    expect_equal(model.count_params(), (784 * 256 + 256) + (256 * 256 + 256) + (256 * 10 + 10), "model.count_params()")
    if model.name != "bigger_dense":
        raise Wrong(f'name the model explicitly: keras.Sequential([...], name="bigger_dense"), got name {model.name!r}')
    if getattr(model, "optimizer", None) is None:
        raise Wrong("the model is not compiled: call model.compile(optimizer=..., loss=..., metrics=[...]) before returning it.")


def _wrong_units():
    import keras

    model = keras.Sequential([keras.Input(shape=(28, 28, 1)), keras.layers.Flatten(),
                              keras.layers.Dense(128, activation="relu"),
                              keras.layers.Dense(10, activation="softmax")], name="bigger_dense")
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def _wrong_not_compiled():
    import keras

    return keras.Sequential([keras.Input(shape=(28, 28, 1)), keras.layers.Flatten(),
                             keras.layers.Dense(256, activation="relu"), keras.layers.Dense(256, activation="relu"),
                             keras.layers.Dense(10, activation="softmax")], name="bigger_dense")


def _wrong_no_softmax():
    import keras

    model = keras.Sequential([keras.Input(shape=(28, 28, 1)), keras.layers.Flatten(),
                              keras.layers.Dense(256, activation="relu"), keras.layers.Dense(256, activation="relu"),
                              keras.layers.Dense(10)], name="bigger_dense")
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


q3 = Exercise(
    "Exercise 3 · A bigger dense network",
    test=_test_build_bigger,
    hint="""\
        Copy the baseline's keras.Sequential([...]) cell and add a second Dense(256, activation="relu")
        after the first (also change 128 to 256). Then call model.compile(...) as above and return model.
        It has (784*256 + 256) + (256*256 + 256) + (256*10 + 10) = 269,322 parameters.""",
    solution="""\
        def build_bigger():
            model = keras.Sequential(
                [
                    keras.Input(shape=(28, 28, 1)),
                    keras.layers.Flatten(),
                    keras.layers.Dense(256, activation="relu"),
                    keras.layers.Dense(256, activation="relu"),
                    keras.layers.Dense(10, activation="softmax"),
                ],
                name="bigger_dense",
            )
            model.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-3),
                          loss="sparse_categorical_crossentropy", metrics=["accuracy"])
            return model

        # Trained for 10 epochs (measured when the course was written): validation accuracy
        # 88.2 % instead of 87.6 %, half a point better, while the gap between training
        # and validation accuracy grows from about 3 to about 4 points. 2.6 times the
        # parameters buy little, because they still see pixels, not patterns.""",
    reference=_reference_build_bigger,
    wrong_answers=(_wrong_units, _wrong_not_compiled, _wrong_no_softmax),
)
