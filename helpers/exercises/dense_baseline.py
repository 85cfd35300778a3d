"""Exercises of lesson 07 · A dense baseline on Fashion-MNIST."""

from __future__ import annotations

import math

import numpy as np

from helpers.exercises.core import Exercise, Wrong, call, choice_test, expect_array

# ---- q1: predict how often the optimizer changes the weights -------------------------------

#: What the lesson trained on: 50,000 images, batches of 128, 10 epochs.
Q1_IMAGES, Q1_BATCH, Q1_EPOCHS = 50_000, 128, 10


def _reference_q1() -> int:
    return math.ceil(Q1_IMAGES / Q1_BATCH) * Q1_EPOCHS


def _test_q1(answer):
    if isinstance(answer, np.ndarray) and answer.size == 1:
        answer = answer.item()
    if isinstance(answer, (bool, np.bool_)) or not isinstance(answer, (int, float, np.integer, np.floating)):
        raise Wrong(f"write the number of weight updates as a number (or an expression such as 2 * 3); got {answer!r}")
    if not float(answer).is_integer():
        raise Wrong(
            f"{answer} is not a whole number: the optimizer changes the weights once per batch, and there is no "
            "fraction of a batch. 50,000 / 128 is not whole, so the last batch of each epoch is a smaller one."
        )
    got = int(answer)
    expected = _reference_q1()
    per_epoch = math.ceil(Q1_IMAGES / Q1_BATCH)
    if got == (Q1_IMAGES // Q1_BATCH) * Q1_EPOCHS:
        raise Wrong(
            f"{got} counts only the full batches. 50,000 = 390 x 128 + {Q1_IMAGES % Q1_BATCH}: the "
            f"{Q1_IMAGES % Q1_BATCH} images left over form one more, smaller batch, and it changes the weights too."
        )
    if got == int(Q1_IMAGES / Q1_BATCH * Q1_EPOCHS):
        raise Wrong(
            f"{got} rounds 50,000 / 128 x 10 = 3906.25. But batches are counted per epoch: each epoch ends "
            f"with one smaller batch of {Q1_IMAGES % Q1_BATCH} images, which changes the weights like any other."
        )
    if got == per_epoch:
        raise Wrong(f"{got} is one epoch's worth; the lesson trained for {Q1_EPOCHS} epochs.")
    if got == Q1_EPOCHS:
        raise Wrong(f"{got} is the number of epochs; within each epoch the weights change once per batch.")
    if got in (Q1_IMAGES * Q1_EPOCHS, Q1_IMAGES):
        raise Wrong(f"{got} counts images; the weights change once per batch of {Q1_BATCH} images, not once per image.")
    if got == math.ceil(60_000 / Q1_BATCH) * Q1_EPOCHS:
        raise Wrong(
            f"{got} trains on all 60,000 images, but the last 10,000 are the validation set: "
            "the network never trains on them."
        )
    if got != expected:
        raise Wrong(
            f"expected another number than {got}: count the batches of one epoch "
            f"({Q1_IMAGES:,} images in batches of {Q1_BATCH}), then multiply by the epochs."
        )


q1 = Exercise(
    "Exercise 1 · How often do the weights change?",
    test=_test_q1,
    hint="""\
        First count the batches in one epoch: 50,000 images, 128 per batch. Is 50,000 a multiple
        of 128? If not, what happens to the images left over at the end of an epoch? Then think
        about how many epochs there were.""",
    solution="""\
        answer = 391 * 10   # 50,000 = 390 x 128 + 80: 390 full batches and one of 80, in each of 10 epochs""",
    reference=_reference_q1(),
    wrong_answers=(3900, 3906.25, 391, 10, 500_000, 4690),
    explanation="""\
        The logged training loss of an epoch is the average over its 391 batches, each computed with
        the weights of that moment: at epoch 1, the first batches met nearly random weights.""",
    level=1,
    kinds=("predict",),
)


# ---- q2: read someone else's learning curves -----------------------------------------------

_Q2_EXPLANATIONS = {
    "a": (
        "a leak would make the validation loss look good all the way, not get worse after epoch 8. And epoch 1's "
        "training loss (0.62) is high with no leak at all: it is an average over the epoch's batches, and the "
        "first ones met nearly random weights. The validation loss (0.45) was measured after the epoch."
    ),
    "b": (
        "a network that underfits has a high training loss, but by epoch 30 the training loss (0.12) is far "
        "below the validation loss (0.41): it fits its training images well. The epoch-1 comparison (0.62 "
        "against 0.45) is not like with like: an average taken while the weights changed, against a score "
        "with the weights at the end of the epoch."
    ),
    "c": (
        "right: after epoch 8 the validation loss stopped improving (0.33 was its lowest; 0.41 at epoch 30) "
        "while the gap between the losses grew from 0.06 to 0.29. This late in training the epoch average is "
        "close to the end-of-epoch value (the lesson checked it at epoch 10), so the two are measured alike."
    ),
    "d": (
        "the training loss does keep falling, but that only says the network gets better at the images it "
        "trains on. On images it has not seen it got worse: the validation loss went up from 0.33 at "
        "epoch 8 to 0.41 at epoch 30."
    ),
    "e": (
        "at epoch 1 the training loss is an average taken while the weights were still nearly random, so the "
        "two losses are not measured alike there. (They were closer at epoch 8 anyway: 0.06 apart, against "
        "0.17.) And the validation loss kept falling until epoch 8, from 0.45 to 0.33: stopping after epoch 1 "
        "would have thrown that away."
    ),
}

q2 = Exercise(
    "Exercise 2 · Read someone else's learning curves",
    test=choice_test("c", _Q2_EXPLANATIONS),
    hint="""\
        The lesson's sign of overfitting has two parts: the gap between the two losses grows, while
        the validation loss stops improving. Which row of the table is an average taken while
        the weights change, and in which epochs does that matter (the lesson compared it with the
        end value at epoch 10)? Then check each option against the numbers.""",
    solution="""\
        answer = "c"   # after epoch 8: gap 0.06 -> 0.29, validation loss no better than its 0.33""",
    reference="c",
    wrong_answers=("a", "b", "d", "e", 4),
    explanation="""\
        Overfitting shows as a gap between training and validation loss (measured alike) that keeps
        growing while the validation loss stops improving: here from 0.06 at epoch 8 to 0.29 at
        epoch 30, with the validation loss lowest at epoch 8.
        Leave epoch 1 out of the comparison: its training loss is an average over batches met while
        the weights were nearly random. Once the validation loss stops improving, more epochs only cost: keep
        the weights of about epoch 8 (Keras's EarlyStopping callback with restore_best_weights=True
        does that for you).""",
    level=2,
    kinds=("concept",),
)


# ---- q3: the pair of classes mixed up most, both directions together -----------------------

def _reference_q3(cm):
    cm = np.asarray(cm)
    both = cm + cm.T  # both[i, j] = i taken for j plus j taken for i
    both = np.triu(both, k=1)  # each pair once, i < j, and no diagonal
    i, j = np.unravel_index(np.argmax(both), both.shape)
    return int(i), int(j), int(both[i, j])


def _one_way_q3(cm):  # the largest single cell, one direction only
    off = np.array(cm) - np.diag(np.diag(cm))
    i, j = np.unravel_index(np.argmax(off), off.shape)
    return int(i), int(j), int(off[i, j])


def _with_diagonal_q3(cm):  # forgot that the diagonal holds the correct answers
    both = np.triu(np.asarray(cm) + np.asarray(cm).T)
    i, j = np.unravel_index(np.argmax(both), both.shape)
    return int(i), int(j), int(both[i, j])


def _unordered_q3(cm):  # right pair, larger class number first
    both = np.asarray(cm) + np.asarray(cm).T
    np.fill_diagonal(both, 0)
    i, j = np.unravel_index(np.argmax(np.tril(both)), both.shape)
    return int(i), int(j), int(both[i, j])


_Q3_CASES = (
    # one direction alone would pick (0, 1): 9; both directions: (1, 2) with 6 + 7 = 13
    np.array([[50, 9, 0, 1], [2, 40, 6, 0], [0, 7, 45, 3], [1, 0, 4, 30]]),
    # the largest pair sits below the diagonal this time: (0, 2) with 1 + 12 = 13
    np.array([[70, 3, 1], [2, 80, 5], [12, 4, 60]]),
)


def _test_q3(function):
    for cm in _Q3_CASES:
        what = f"your most_confused_both_ways(cm) on cm =\n{cm}\n  "
        got = call(function, cm.copy())
        if isinstance(got, np.ndarray):
            got = got.tolist()
        if not isinstance(got, (tuple, list)) or len(got) != 3 or not all(
            isinstance(v, (int, np.integer)) and not isinstance(v, (bool, np.bool_)) for v in got
        ):
            raise Wrong(f"{what}expected a tuple of three whole numbers (i, j, count), got {got!r}")
        i, j, n = (int(v) for v in got)
        expected = _reference_q3(cm)
        if i == j:
            raise Wrong(
                f"{what}returned ({i}, {j}, {n}): a cell on the diagonal counts correct answers, not mistakes. "
                "Leave the diagonal out."
            )
        if (i, j, n) == _one_way_q3(cm) and (i, j, n) != expected:
            raise Wrong(
                f"{what}returned ({i}, {j}, {n}), the largest single cell: class {i} taken for {j}. "
                f"Add the other direction too, class {j} taken for {i}: cm[j, i]."
            )
        if (j, i, n) == expected:
            raise Wrong(f"{what}returned ({i}, {j}, {n}): the right pair, but put the smaller class number first: ({j}, {i}, {n}).")
        if (i, j) == expected[:2] and n != expected[2]:
            raise Wrong(
                f"{what}returned the right pair ({i}, {j}) with count {n}; expected cm[{i}, {j}] + cm[{j}, {i}] = {expected[2]}."
            )
        if (i, j, n) != expected:
            raise Wrong(f"{what}expected {expected}, got ({i}, {j}, {n})")


q3 = Exercise(
    "Exercise 3 · Mixed up in both directions",
    test=_test_q3,
    hint="""\
        Start with one pair: which two cells of cm count how often classes i and j were mixed up?
        Can you get that sum for every pair at once, as one matrix? Which of its cells are not
        mistakes, and which count a pair a second time? To find where a 2-D array is largest,
        np.argmax gives a flat position and np.unravel_index turns it into (row, column); a loop
        over the pairs i < j works too.""",
    solution="""\
        def most_confused_both_ways(cm):
            cm = np.asarray(cm)
            both = cm + cm.T                 # both[i, j] = i taken for j plus j taken for i
            both = np.triu(both, k=1)        # each pair once (i < j), without the diagonal
            i, j = np.unravel_index(np.argmax(both), both.shape)
            return int(i), int(j), int(both[i, j])""",
    reference=_reference_q3,
    wrong_answers=(_one_way_q3, _with_diagonal_q3, _unordered_q3, lambda cm: int(np.argmax(cm))),
    level=2,
    kinds=("code",),
)


# ---- q4: the weights of one hidden neuron, seen as an image --------------------------------

_Q4_UNITS = 5


def _q4_model():
    """A small model like the lesson's, with known weights: kernel[p, k] = weight of pixel p for neuron k."""
    import keras

    model = keras.Sequential(
        [
            keras.Input(shape=(28, 28, 1)),
            keras.layers.Flatten(name="flatten"),
            keras.layers.Dense(_Q4_UNITS, activation="relu", name="hidden"),
            keras.layers.Dense(10, activation="softmax", name="class_probabilities"),
        ],
        name="exercise_4_model",
    )
    rng = np.random.default_rng(4)
    kernel = rng.normal(size=(784, _Q4_UNITS)).astype(np.float32)
    bias = np.arange(_Q4_UNITS, dtype=np.float32)
    out_kernel = rng.normal(size=(_Q4_UNITS, 10)).astype(np.float32)
    model.get_layer("hidden").set_weights([kernel, bias])
    model.get_layer("class_probabilities").set_weights([out_kernel, np.zeros(10, np.float32)])
    return model, kernel


def _reference_q4(model):
    kernel = model.get_layer("hidden").get_weights()[0]
    return kernel.T.reshape(-1, 28, 28)


def _no_transpose_q4(model):
    return model.get_layer("hidden").get_weights()[0].reshape(-1, 28, 28)


def _neurons_last_q4(model):
    return model.get_layer("hidden").get_weights()[0].reshape(28, 28, -1)


def _output_layer_q4(model):
    return model.get_layer("class_probabilities").get_weights()[0].T


def _biases_q4(model):
    return model.get_layer("hidden").get_weights()[1]


def _test_q4(function):
    model, kernel = _q4_model()
    got = call(function, model)
    if hasattr(got, "numpy"):
        got = got.numpy()
    expected = kernel.T.reshape(_Q4_UNITS, 28, 28)
    what = f"your hidden_templates(model) on a model whose layer \"hidden\" has {_Q4_UNITS} neurons"
    if not isinstance(got, np.ndarray):
        raise Wrong(f"{what}: expected a NumPy array, got {type(got).__name__}")
    if got.shape == (_Q4_UNITS,):
        raise Wrong(f"{what}: got shape {got.shape}, one number per neuron: those are the biases. The weights come first in get_weights().")
    if got.shape in ((10, _Q4_UNITS), (_Q4_UNITS, 10)):
        raise Wrong(f"{what}: got shape {got.shape}: these are the weights of the output layer. Take the layer named \"hidden\".")
    if got.shape == (28, 28, _Q4_UNITS):
        raise Wrong(
            f"{what}: got shape {got.shape}; put the neurons first, so that result[k] is the image of neuron k "
            "(np.moveaxis, or transpose the kernel before the reshape)."
        )
    if got.shape == expected.shape and np.allclose(got, kernel.reshape(_Q4_UNITS, 28, 28)):
        raise Wrong(
            f"{what}: right shape, wrong numbers. The kernel has shape (784, neurons): row p holds pixel p's "
            "weights for every neuron, so one neuron's 784 weights are a *column*. A reshape alone cuts the rows "
            "into pieces: bring the neuron axis first, then reshape."
        )
    expect_array(got, expected, what, atol=1e-6)


q4 = Exercise(
    "Exercise 4 · What a hidden neuron looks for",
    test=_test_q4,
    hint="""\
        model.get_layer("hidden").get_weights() gives a list of arrays. Print their shapes: which one
        holds the weights, which axis runs over the 784 pixels and which over the neurons? Flatten
        lays the pixels out row by row, as reshape does: in which order must the axes be before
        the reshape, so that result[k] holds neuron k?""",
    solution="""\
        def hidden_templates(model):
            kernel = model.get_layer("hidden").get_weights()[0]   # (784, neurons): column k = neuron k
            return kernel.T.reshape(-1, 28, 28)                    # (neurons, 28, 28)""",
    reference=_reference_q4,
    wrong_answers=(_no_transpose_q4, _neurons_last_q4, _output_layer_q4, _biases_q4),
    explanation="""\
        Each hidden neuron computes one weighted sum of all 784 pixels, so its weights form one
        image-sized template: light where bright pixels raise its output, dark where they lower it.
        Draw ten of them with the cell below and look for an outline, or a stripe such as the gap
        between trouser legs (a neuron that would help to pick out trousers). They depend on the
        random start, so they differ between computers.""",
    level=3,
    kinds=("code", "beyond"),
)
