"""Exercises of lesson 08 · A CNN for handwritten digits."""

from __future__ import annotations

import math

import numpy as np

from helpers.exercises.core import Exercise, Wrong, call, choice_test, expect_source_avoids

# ---- q1: predict the shapes and parameters of a CNN for colour photos ----------------------

#: Exercise 1's network: 32 x 32 colour photos through Conv2D(16, 5) -> MaxPooling2D(2)
#: -> Conv2D(32, 3) -> MaxPooling2D(2) -> Flatten, all convolutions "valid".
Q1_SIDE, Q1_CHANNELS = 32, 3
Q1_FILTERS, Q1_KERNELS = (16, 32), (5, 3)


def _reference_q1() -> tuple[int, int]:
    side = (Q1_SIDE - Q1_KERNELS[0] + 1) // 2
    side = (side - Q1_KERNELS[1] + 1) // 2
    flatten = side * side * Q1_FILTERS[1]
    conv1 = (Q1_KERNELS[0] ** 2 * Q1_CHANNELS + 1) * Q1_FILTERS[0]
    return flatten, conv1


def _whole(value) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))


def _test_q1(answer):
    if not isinstance(answer, (tuple, list)) or len(answer) != 2 or not all(_whole(v) for v in answer):
        raise Wrong(f"write two whole numbers as a tuple, (Flatten's length, parameters of the first Conv2D); got {answer!r}")
    flatten, conv1 = (int(v) for v in answer)
    expected_flatten, expected_conv1 = _reference_q1()
    if flatten != expected_flatten:
        if flatten == 8 * 8 * 32:
            raise Wrong(f"Flatten: {flatten} is 8 x 8 x 32, what padding=\"same\" would give (32 -> 16 -> 8). "
                        "The convolutions here are \"valid\": each one shrinks the side by k - 1 first.")
        if flatten == 5 * 5 * 32:
            raise Wrong(f"Flatten: {flatten} is 5 x 5 x 32. Either you started from 28 pixels (these photos have 32) "
                        "or a convolution lost one pixel too many: a k x k kernel fits n - k + 1 positions, not n - k.")
        if flatten in (6 * 6, 6 * 6 * 3, 6 * 6 * 16):
            raise Wrong(f"Flatten: the map before it is 6 x 6, right; but it has one channel per filter of the last "
                        f"Conv2D ({Q1_FILTERS[1]}), and Flatten lays out all of them.")
        raise Wrong(f"Flatten: expected another number than {flatten}. Follow the side length layer by layer "
                    "(convolution: n - k + 1; pooling: n // 2), then multiply by the channels.")
    if conv1 != expected_conv1:
        if conv1 == (5 * 5 + 1) * 16:
            raise Wrong(f"first Conv2D: {conv1} counts one weight per kernel position. Each filter has a 5 x 5 grid "
                        f"of weights *per input channel*, and a colour photo has {Q1_CHANNELS}.")
        if conv1 == 5 * 5 * 3 * 16:
            raise Wrong(f"first Conv2D: {conv1} counts the weights; each of the 16 filters also has one bias.")
        if conv1 == (5 * 5 + 1) * 3 * 16:
            raise Wrong(f"first Conv2D: {conv1} gives every filter one bias per input channel; it has one bias in all.")
        raise Wrong(f"first Conv2D: expected another number than {conv1}: (k x k x input channels + 1) per filter, "
                    "times the filters.")


q1 = Exercise(
    "Exercise 1 · Predict a CNN's shapes",
    test=_test_q1,
    hint="""\
        Follow the side length: a "valid" k x k convolution leaves n - k + 1, a 2 x 2 pooling n // 2.
        Flatten lays out every channel of the last map. For the parameters, count per filter: one
        weight per kernel position and input channel, plus one bias.""",
    solution="""\
        shapes = (6 * 6 * 32, (5 * 5 * 3 + 1) * 16)   # 32 -> 28 -> 14 -> 12 -> 6; (1152, 1216)""",
    reference=_reference_q1(),
    wrong_answers=((2048, 1216), (800, 1216), (36, 1216), (1152, 416), (1152, 1200), (1152, 1248), 1152),
    explanation="""\
        The colour channels change the first layer's parameters, not its output shape: each filter
        still gives one number per position. The same network on 28 x 28 digits would pass 800 numbers
        to its head.""",
    level=1,
    kinds=("predict",),
)


def photo_cnn_numbers() -> tuple[int, int]:
    """Exercise 1's network built in Keras: (Flatten's length, the first Conv2D's parameters)."""
    import keras

    photo_cnn = keras.Sequential([
        keras.Input(shape=(Q1_SIDE, Q1_SIDE, Q1_CHANNELS)),
        keras.layers.Conv2D(Q1_FILTERS[0], Q1_KERNELS[0]), keras.layers.MaxPooling2D(2),
        keras.layers.Conv2D(Q1_FILTERS[1], Q1_KERNELS[1]), keras.layers.MaxPooling2D(2),
        keras.layers.Flatten()])
    # A Sequential's own `.output` is undefined until it is called; its last layer's is not.
    return int(photo_cnn.layers[-1].output.shape[1]), int(photo_cnn.layers[0].count_params())


# ---- q2: which of two comparisons the spread of the seeds resolves ------------------------

#: Exercise 2's runs (validation accuracy in %, three seeds per variant). A-B differ by less
#: than their seeds' spread; D's worst seed beats C's best by more than either spread.
Q2_RUNS = {"A": (99.18, 99.27, 99.10), "B": (99.30, 99.16, 99.21),
           "C": (99.10, 99.14, 99.12), "D": (99.31, 99.26, 99.33)}

_Q2_EXPLANATIONS = {
    "a": (
        "a higher mean is not enough. By the rule, compare B - A at each seed with the spread: +0.12, -0.11, "
        "+0.11, against a spread of 0.17 (A's seeds run from 99.10 to 99.27). B is even behind at seed 1, so the "
        "seeds alone could give that difference. Check C and D the same way."
    ),
    "b": (
        "right, by the lesson's rule: D - C is +0.21, +0.12, +0.21 at the three seeds, every gap more than the "
        "spread (at most 0.07): resolved. B - A is +0.12, -0.11, +0.11, against a spread of 0.17: not resolved."
    ),
    "c": (
        "three seeds are enough when every gap is large against the spread. D - C is +0.21, +0.12, +0.21, while "
        "C's seeds span 0.04 points and D's 0.07. What three seeds cannot resolve is a difference as small as "
        "A's and B's."
    ),
    "d": (
        "the best seed is one lucky run, not a measurement of the variant. By the rule, compare each seed's gap "
        "with the spread: B - A is -0.11 at seed 1 and at most +0.12 elsewhere, inside A's spread of 0.17, so "
        "another seed could swap them."
    ),
}

q2 = Exercise(
    "Exercise 2 · Which difference is real?",
    test=choice_test("b", _Q2_EXPLANATIONS),
    hint="""\
        The lesson's design table printed every seed of each row, and its rule (What the changes buy)
        said when a difference is resolved. Read each pair here the same way.""",
    solution="""\
        answer = "b"   # D - C: +0.21 +0.12 +0.21, all above the spread 0.07; B - A: -0.11 at seed 1""",
    reference="b",
    wrong_answers=("a", "c", "d", 2),
    explanation="""\
        The spread between seeds is the noise of one measurement: a difference smaller than it is not
        resolved, however many decimals you print, and a difference much larger than it is, even with three
        seeds. That is why the lesson's table shows every seed of each row.""",
    level=1,
    kinds=("concept",),
)


# ---- q3: accuracy when the network may say "not sure" -------------------------------------

def _reference_q3(probabilities, labels, threshold):
    probabilities = np.asarray(probabilities)
    sure = probabilities.max(axis=1) >= threshold
    correct = probabilities.argmax(axis=1) == np.asarray(labels)
    return float(sure.mean()), float(correct[sure].mean())


def _all_images_q3(probabilities, labels, threshold):  # accuracy over every image, not the answered ones
    probabilities = np.asarray(probabilities)
    sure = probabilities.max(axis=1) >= threshold
    return float(sure.mean()), float((probabilities.argmax(axis=1) == labels).mean())


def _abstained_q3(probabilities, labels, threshold):  # the share left unanswered
    share, accuracy = _reference_q3(probabilities, labels, threshold)
    return 1 - share, accuracy


def _strict_q3(probabilities, labels, threshold):  # > instead of >=
    probabilities = np.asarray(probabilities)
    sure = probabilities.max(axis=1) > threshold
    correct = probabilities.argmax(axis=1) == labels
    return float(sure.mean()), float(correct[sure].mean())


def _true_class_q3(probabilities, labels, threshold):  # sure about the *true* class: needs the labels
    probabilities = np.asarray(probabilities)
    sure = probabilities[np.arange(len(labels)), labels] >= threshold
    correct = probabilities.argmax(axis=1) == labels
    return float(sure.mean()), float(correct[sure].mean())


def _loop_q3(probabilities, labels, threshold):
    answered = right = 0
    for p, label in zip(probabilities, labels):
        if max(p) >= threshold:
            answered += 1
            right += int(np.argmax(p) == label)
    return answered / len(labels), right / answered


_Q3_CASES = (
    # 6 images, 4 classes; rows 1 and 4 sit exactly on the threshold 0.5
    (np.array([[0.9, 0.05, 0.03, 0.02], [0.5, 0.4, 0.05, 0.05], [0.2, 0.3, 0.25, 0.25],
               [0.05, 0.05, 0.1, 0.8], [0.1, 0.5, 0.2, 0.2], [0.3, 0.3, 0.35, 0.05]]),
     np.array([0, 1, 1, 3, 1, 2]), 0.5),
    # a confident mistake counts against the answered images
    (np.array([[0.99, 0.01], [0.02, 0.98], [0.6, 0.4], [0.97, 0.03], [0.45, 0.55]]),
     np.array([0, 1, 1, 1, 1]), 0.9),
)


def _test_q3(function):
    expect_source_avoids(function, loops=True, why="Use a boolean mask over all images at once.")
    for probabilities, labels, threshold in _Q3_CASES:
        what = f"answer_when_sure(probabilities, labels, {threshold}) on {len(labels)} made-up images"
        got = call(function, probabilities.copy(), labels.copy(), threshold)
        if isinstance(got, np.ndarray):
            got = tuple(got.tolist())
        if not isinstance(got, (tuple, list)) or len(got) != 2:
            raise Wrong(f"{what}: return two numbers, (share, accuracy); got {got!r}")
        try:
            share, accuracy = (float(v) for v in got)
        except (TypeError, ValueError):
            raise Wrong(f"{what}: return two numbers, (share, accuracy); got {got!r}") from None
        expected = _reference_q3(probabilities, labels, threshold)
        close = lambda a, b: math.isclose(a, b, abs_tol=1e-9)  # noqa: E731
        for wrong, message in (
            (_abstained_q3, "the share is of the images the network *answers* (largest probability at least "
                            "the threshold), not of those it leaves out."),
            (_all_images_q3, "the accuracy counts all images; count only the answered ones, the others get no answer."),
            (_strict_q3, "an image whose largest probability equals the threshold exactly counts as answered: "
                         "use >=, not >."),
            (_true_class_q3, "the network cannot use the labels to decide whether it is sure: take the largest of "
                             "its probabilities, whatever the true class."),
        ):
            w_share, w_accuracy = wrong(probabilities, labels, threshold)
            if close(share, w_share) and close(accuracy, w_accuracy) and not (
                close(share, expected[0]) and close(accuracy, expected[1])
            ):
                raise Wrong(f"{what} returned ({share:.3g}, {accuracy:.3g}): {message}")
        if not (close(share, expected[0]) and close(accuracy, expected[1])):
            raise Wrong(f"{what}: expected ({expected[0]:.3g}, {expected[1]:.3g}), got ({share:.3g}, {accuracy:.3g})")


q3 = Exercise(
    "Exercise 3 · Answer only when sure",
    test=_test_q3,
    hint="""\
        Ask two yes/no questions about every image at once, with NumPy along axis 1: is the network
        sure enough, and is its answer right? Then: what is the mean of an array of True/False values,
        and how do you keep only some images of an array?""",
    solution="""\
        def answer_when_sure(probabilities, labels, threshold):
            sure = probabilities.max(axis=1) >= threshold           # the images the network answers
            correct = probabilities.argmax(axis=1) == labels        # is its answer right?
            return float(sure.mean()), float(correct[sure].mean())  # share answered, accuracy on those""",
    reference=_reference_q3,
    wrong_answers=(_all_images_q3, _abstained_q3, _strict_q3, _true_class_q3, _loop_q3),
    explanation="""\
        Raising the threshold trades answers for accuracy: the network leaves out the digits it is least
        sure about, and those hold most of its mistakes. A bank reading cheques works this way, sending
        the uncertain ones to a person.""",
    level=2,
    kinds=("code",),
)


# ---- q4: multiply-adds of one forward pass -------------------------------------------------

def _reference_q4(model):
    import keras

    total = 0
    for layer in model.layers:
        if isinstance(layer, keras.layers.Conv2D):
            _, h, w, _ = layer.output.shape
            total += h * w * int(np.prod(layer.kernel.shape))
        elif isinstance(layer, keras.layers.Dense):
            total += int(np.prod(layer.kernel.shape))
    return int(total)


def _parts_q4(model):
    """(conv multiply-adds, dense multiply-adds, conv weights, conv on input positions)."""
    import keras

    conv = dense = conv_weights = conv_inputs = 0
    for layer in model.layers:
        if isinstance(layer, keras.layers.Conv2D):
            _, h, w, _ = layer.output.shape
            _, hi, wi, _ = layer.input.shape
            size = int(np.prod(layer.kernel.shape))
            conv += h * w * size
            conv_weights += size
            conv_inputs += hi * wi * size
        elif isinstance(layer, keras.layers.Dense):
            dense += int(np.prod(layer.kernel.shape))
    return conv, dense, conv_weights, conv_inputs


def _q4_models():
    import keras
    from keras import layers

    small = keras.Sequential([keras.Input(shape=(10, 10, 1)), layers.Conv2D(4, 3, name="conv"),
                              layers.Flatten(), layers.Dense(3, name="dense")], name="exercise_4_small")
    deeper = keras.Sequential([keras.Input(shape=(12, 12, 2)), layers.Conv2D(6, 5, activation="relu"),
                               layers.MaxPooling2D(2), layers.BatchNormalization(),
                               layers.Conv2D(8, 3, padding="same", activation="relu"), layers.Flatten(),
                               layers.Dense(7, activation="relu"), layers.Dropout(0.2), layers.Dense(5)],
                              name="exercise_4_deeper")
    return small, deeper


def _params_q4(model):
    return int(model.count_params())


def _weights_only_q4(model):  # every weight used once: forgets the output positions
    conv, dense, conv_weights, _ = _parts_q4(model)
    return conv_weights + dense


def _input_positions_q4(model):
    conv, dense, _, conv_inputs = _parts_q4(model)
    return conv_inputs + dense


def _conv_only_q4(model):
    return _parts_q4(model)[0]


def _test_q4(function):
    for model in _q4_models():
        what = f"your multiply_adds(model) on the model {model.name!r}"
        got = call(function, model)
        if isinstance(got, np.ndarray) and got.size == 1:
            got = got.item()
        if isinstance(got, float) and got.is_integer():
            got = int(got)
        if not _whole(got):
            raise Wrong(f"{what}: expected a whole number of multiply-adds, got {type(got).__name__} {got!r}")
        expected = _reference_q4(model)
        conv, dense, conv_weights, conv_inputs = _parts_q4(model)
        if got == expected:
            continue
        if got == model.count_params():
            raise Wrong(f"{what} gave {got}, the number of parameters. A convolution uses each of its weights once "
                        "per output position, so it does far more multiply-adds than it has weights.")
        if got == conv_weights + dense:
            raise Wrong(f"{what} gave {got}: every weight counted once. A Conv2D slides its kernel over the image: "
                        "multiply its kernel size by the number of output positions (rows x columns of its output).")
        if got == conv_inputs + dense:
            raise Wrong(f"{what} gave {got}: the kernel counted at every *input* position. A \"valid\" kernel fits "
                        "fewer positions than the input has: use the layer's output rows and columns.")
        if got == conv:
            raise Wrong(f"{what} gave {got}: the convolutions are right; add the Dense layers (inputs x outputs each).")
        if got == dense:
            raise Wrong(f"{what} gave {got}: the Dense layers are right; add the Conv2D layers.")
        raise Wrong(f"{what}: expected {expected:,}, got {got:,}")


q4 = Exercise(
    "Exercise 4 · Count the multiply-adds",
    test=_test_q4,
    hint="""\
        Loop over model.layers and skip every layer that is neither a Conv2D nor a Dense (isinstance
        tells you the kind). For each kind, ask: how many weights (layer.kernel.shape), and how many
        times does one image use each of them? A Dense weight meets its input once. A Conv2D weight is
        used once at every place the kernel visits. The lesson already read, for every layer, how many
        places that is (how did it get from 28 to 26?); what Keras prints there, each layer object keeps too.""",
    solution="""\
        def multiply_adds(model):
            total = 0
            for layer in model.layers:
                if isinstance(layer, keras.layers.Conv2D):
                    _, rows, cols, _ = layer.output.shape   # each kernel weight is used once per output position
                    total += rows * cols * int(np.prod(layer.kernel.shape))
                elif isinstance(layer, keras.layers.Dense):
                    total += int(np.prod(layer.kernel.shape))   # inputs x outputs
            return total""",
    reference=_reference_q4,
    wrong_answers=(_params_q4, _weights_only_q4, _input_positions_q4, _conv_only_q4, lambda model: float("nan")),
    explanation="""\
        The classic network needs about 2.8 million multiply-adds per digit, the tuned one (16 and 32
        filters) about 0.8 million, although it has more parameters: most of its parameters sit in the
        dense head, which each image uses once, while conv2's few weights are used at 100 positions.
        Time on a CPU follows the multiply-adds only roughly: how well the library's kernels keep the
        processor busy depends on the layers' shapes and on the processor (lesson 04 measured the same
        for convolution).""",
    level=3,
    kinds=("code", "beyond"),
)
