"""Exercises of lesson 10 · What the CNN learned."""

from __future__ import annotations

import numpy as np

from helpers.exercises.core import Exercise, Wrong, call, choice_test, expect_array

# ---- q1: predict which input rows a conv2 row sees, in a variant network -------------------

#: The variant of exercise 1: conv1 with a 3 x 3 kernel, then the lesson's 2 x 2 pooling and
#: 3 x 3 conv2. The question is about conv2's output row Q1_ROW.
Q1_FIRST_KERNEL, Q1_ROW = 3, 4


def _rows_seen(row: int, first_kernel: int, pool: int = 2, second_kernel: int = 3) -> tuple[int, int]:
    """Input rows (first, last) that conv2's output row ``row`` depends on (valid convolutions)."""
    first_pool_row, last_pool_row = row, row + second_kernel - 1         # conv2 reads pool1 rows
    first_conv_row, last_conv_row = pool * first_pool_row, pool * last_pool_row + pool - 1  # pool1 reads conv1 rows
    return first_conv_row, last_conv_row + first_kernel - 1              # conv1 reads input rows


def _test_q1(answer):
    if not isinstance(answer, (tuple, list)) or len(answer) != 2 or not all(
        isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in answer
    ):
        raise Wrong(f"answer with two whole numbers, (first row, last row), e.g. (3, 9); got {answer!r}")
    got = (int(answer[0]), int(answer[1]))
    expected = _rows_seen(Q1_ROW, Q1_FIRST_KERNEL)
    if got == expected:
        return
    if got == _rows_seen(Q1_ROW, 5):
        raise Wrong(f"{got} is right for the lesson's network, whose conv1 kernel is 5 x 5. In the variant it is "
                    f"{Q1_FIRST_KERNEL} x {Q1_FIRST_KERNEL}: a conv1 row reads {Q1_FIRST_KERNEL} input rows, not 5.")
    if got == (Q1_ROW, Q1_ROW + 2):
        raise Wrong(f"{got} are the rows of conv2's own input (pool1) that row {Q1_ROW} reads. Go two steps further "
                    "back: each pool1 row comes from 2 conv1 rows, and each conv1 row from several input rows.")
    if got[0] == Q1_ROW:
        raise Wrong(f"the first row cannot be {Q1_ROW}: pooling halves the rows, so pool1 row {Q1_ROW} starts at "
                    f"conv1 row {2 * Q1_ROW}, and conv1 row {2 * Q1_ROW} starts at input row {2 * Q1_ROW}.")
    if got[0] == expected[0] and got[1] == expected[1] + 1:
        raise Wrong(f"one row too many: the last pool1 row ({Q1_ROW + 2}) comes from conv1 rows "
                    f"{2 * (Q1_ROW + 2)} and {2 * (Q1_ROW + 2) + 1}, and a conv1 row r reads input rows r to "
                    f"r + {Q1_FIRST_KERNEL - 1} (a kernel of {Q1_FIRST_KERNEL} rows covers {Q1_FIRST_KERNEL - 1} more than its first).")
    if got[0] == expected[0]:
        raise Wrong(f"the first row {got[0]} is right; the last is not {got[1]}. Follow the last pool1 row conv2 reads "
                    "back through the pooling (2 conv1 rows) and conv1 (its kernel's rows).")
    raise Wrong(f"{got} is not it. Walk back one layer at a time: which pool1 rows does conv2 row {Q1_ROW} read, "
                "which conv1 rows do they come from, which input rows do those read?")


q1 = Exercise(
    "Exercise 1 · Which rows does conv2 see?",
    test=_test_q1,
    hint="""\
        Walk back one layer at a time, as the lesson did for its own network. A 3 x 3 "valid"
        convolution's output row r reads rows r to r + 2 of its input. A 2 x 2 pooling's output
        row q comes from rows 2q and 2q + 1. Start at conv2 row 4, then apply the first kernel's
        rule with the variant's kernel size.""",
    solution="""\
        answer = (8, 15)   # conv2 row 4 reads pool1 rows 4-6 = conv1 rows 8-13 = input rows 8-15 (8 rows)""",
    reference=_rows_seen(Q1_ROW, Q1_FIRST_KERNEL),
    wrong_answers=(
        _rows_seen(Q1_ROW, 5),   # the lesson's 5 x 5 numbers
        (Q1_ROW, Q1_ROW + 2),    # stopped at pool1
        (4, 11),                 # forgot that pooling doubles the row index
        (8, 16),                 # one row too many
    ),
    level=1,
    kinds=("predict",),
)


# ---- q2: what a channel's top images prove ---------------------------------------------------

_Q2_EXPLANATIONS = {
    "a": (
        "the 12 strongest of 10,000 images only show where the channel responds *most*; they say nothing about the rest. Images of other "
        "classes may excite it almost as much (the 13th could be a sneaker), and selectivity compares the "
        "top responses with the channel's own mean, not with other classes."
    ),
    "b": "",  # the right answer: its explanation is printed after a correct answer
    "c": (
        "the top images say nothing about how the network *uses* the channel: the Dense layer may give it "
        "little weight, and other channels may carry the same evidence. Only an experiment tells, e.g. setting "
        "the channel to 0 and measuring the accuracy on ankle boots."
    ),
    "d": (
        "a conv2 filter has a 3 x 3 grid of weights for *each* channel of its input (3 x 3 x conv1.filters "
        "numbers) and it acts on conv1's feature maps, not on pixels: it is no picture of a heel. Through conv1 "
        "and the pooling, one conv2 position sees a 10 x 10 patch of the input, not 3 x 3."
    ),
}

q2 = Exercise(
    "Exercise 2 · What do the top images prove?",
    test=choice_test("b", _Q2_EXPLANATIONS),
    hint="""\
        For each statement ask: is it about what the channel responds to in these 10,000 images
        (what the list shows), or about how the network uses the channel, or about what its
        weights look like? Which of those can a list of the strongest images show?""",
    solution="""\
        answer = "b"   # the list describes the channel's responses on this data, not its role""",
    reference="b",
    wrong_answers=("a", "c", "d", 2),
    explanation="""\
        A channel's top images describe its responses on one data set. To claim what the network
        *uses*, you need an intervention and a measurement, as in the occlusion experiment: change
        the input (or the channel) and see what happens to the class score.""",
    level=2,
    kinds=("concept",),
)


# ---- q3: cover the square a map blames most --------------------------------------------------

def _reference_cover_peak(image, heat, size):
    row, col = np.unravel_index(np.argmax(heat), heat.shape)
    top = int(np.clip(row - size // 2, 0, image.shape[0] - size))
    left = int(np.clip(col - size // 2, 0, image.shape[1] - size))
    covered = np.array(image, copy=True)
    covered[top:top + size, left:left + size] = 0
    return covered


def _in_place_cover_peak(image, heat, size):
    row, col = np.unravel_index(np.argmax(heat), heat.shape)
    top = int(np.clip(row - size // 2, 0, image.shape[0] - size))
    left = int(np.clip(col - size // 2, 0, image.shape[1] - size))
    image[top:top + size, left:left + size] = 0
    return image


def _swapped_cover_peak(image, heat, size):
    return _reference_cover_peak(image, heat.T, size)


def _corner_cover_peak(image, heat, size):  # the peak as top-left corner, not the centre
    row, col = np.unravel_index(np.argmax(heat), heat.shape)
    covered = np.array(image, copy=True)
    covered[row:row + size, col:col + size] = 0
    return covered


def _unclipped_cover_peak(image, heat, size):  # negative start near the top edge: the slice is empty
    row, col = np.unravel_index(np.argmax(heat), heat.shape)
    covered = np.array(image, copy=True)
    covered[row - size // 2:row - size // 2 + size, col - size // 2:col - size // 2 + size] = 0
    return covered


def _flat_index_cover_peak(image, heat, size):  # np.argmax gives a flat index
    peak = int(np.argmax(heat))
    covered = np.array(image, copy=True)
    start = max(peak - size // 2, 0)
    covered[start:start + size, start:start + size] = 0
    return covered


def _q3_cases():
    """(image, heat, size, what) cases: a peak inside, one near the top-left and one near the bottom-right border."""
    rng = np.random.default_rng(3)
    image = rng.integers(1, 256, size=(12, 10)).astype(np.float32)   # no zeros, so every covered pixel shows
    cases = []
    for (row, col), size, what in [((5, 3), 4, "a peak at row 5, column 3"),
                                    ((1, 8), 4, "a peak at row 1, column 8, near the top and right border"),
                                    ((11, 0), 3, "a peak at row 11, column 0, in the bottom-left corner")]:
        heat = rng.random(image.shape) * 0.5
        heat[row, col] = 2.0
        cases.append((image, heat, size, what))
    return cases


def _test_q3(function):
    for image, heat, size, what in _q3_cases():
        original = image.copy()
        got = call(function, image, heat.copy(), size)
        if not np.array_equal(image, original):
            raise Wrong("your function changed the image it was given; copy it first (image.copy()) and cover the copy.")
        expected = _reference_cover_peak(original, heat, size)
        if isinstance(got, np.ndarray) and got.shape == expected.shape:
            zeros = int(np.sum(got == 0))
            if np.array_equal(got, _corner_cover_peak(original, heat, size)) and not np.array_equal(got, expected):
                raise Wrong(f"with {what}, your square starts at the peak; centre it on the peak: its top-left "
                            "corner is size // 2 rows above and size // 2 columns left of it.")
            if np.array_equal(got, _swapped_cover_peak(original, heat, size)) and not np.array_equal(got, expected):
                raise Wrong(f"with {what}, your square is around (column, row): np.unravel_index returns (row, column), "
                            "and image[row, column] indexes rows first.")
            if zeros != size * size and np.array_equal(got, _unclipped_cover_peak(original, heat, size)):
                raise Wrong(f"with {what}, the square sticks out of the image and {zeros} pixels were covered instead "
                            f"of {size * size}: a negative start makes the slice empty or short. Move the square "
                            "inside: clip its top-left corner to 0 .. image size − size.")
            if zeros != size * size:
                raise Wrong(f"with {what}, {zeros} pixels are 0 in your result; a {size} x {size} square inside the "
                            f"image covers {size * size}.")
        expect_array(got, expected, f"cover_peak(image, heat, {size}) with {what}")
    image3 = _q3_cases()[0][0][..., None]   # a (H, W, 1) image, like the lesson's model input
    heat = _q3_cases()[0][1]
    expect_array(call(function, image3.copy(), heat, 4), _reference_cover_peak(image3, heat, 4),
                 "cover_peak on an image of shape (12, 10, 1)")


q3 = Exercise(
    "Exercise 3 · Cover what the map blames",
    test=_test_q3,
    hint="""\
        np.argmax gives the position of the largest value in the flattened map;
        np.unravel_index turns it into (row, column). The square's top-left corner is
        size // 2 above and left of the peak; np.clip keeps it between 0 and the image size
        minus size. Cover a copy of the image, not the image itself.""",
    solution="""\
        def cover_peak(image, heat, size):
            row, col = np.unravel_index(np.argmax(heat), heat.shape)
            top = int(np.clip(row - size // 2, 0, image.shape[0] - size))
            left = int(np.clip(col - size // 2, 0, image.shape[1] - size))
            covered = image.copy()
            covered[top:top + size, left:left + size] = 0
            return covered""",
    reference=_reference_cover_peak,
    wrong_answers=(
        _in_place_cover_peak,
        _swapped_cover_peak,
        _corner_cover_peak,
        _unclipped_cover_peak,
        _flat_index_cover_peak,
    ),
    level=2,
    kinds=("code",),
)


# ---- q4: integrated gradients, with their completeness check --------------------------------

_SMALL_MODEL = None


def small_logits_model():
    """A small fixed network (8 x 8 x 1 input, 4 class scores) the checker of exercise 4 uses."""
    global _SMALL_MODEL
    if _SMALL_MODEL is None:
        import keras

        model = keras.Sequential(
            [
                keras.Input(shape=(8, 8, 1)),
                keras.layers.Conv2D(4, 3, activation="relu"),
                keras.layers.Flatten(),
                keras.layers.Dense(6, activation="relu"),
                keras.layers.Dense(4),
            ],
            name="exercise_small_cnn",
        )
        rng = np.random.default_rng(10)
        model.set_weights([rng.normal(0.0, 0.6, w.shape).astype(np.float32) for w in model.get_weights()])
        _SMALL_MODEL = model
    return _SMALL_MODEL


def _gradients(logits_model, batch, class_index):
    import tensorflow as tf

    x = tf.convert_to_tensor(np.asarray(batch, dtype=np.float32))
    with tf.GradientTape() as tape:
        tape.watch(x)
        score = tf.reduce_sum(logits_model(x, training=False)[:, class_index])
    return tape.gradient(score, x).numpy()


def _reference_integrated_gradients(logits_model, image, class_index, steps=32):
    image = np.asarray(image, dtype=np.float32)
    alphas = (np.arange(steps) + 0.5) / steps
    path = alphas[:, None, None, None] * image[None]
    return image * _gradients(logits_model, path, class_index).mean(axis=0)


def _average_gradient_only(logits_model, image, class_index, steps=32):
    alphas = (np.arange(steps) + 0.5) / steps
    return _gradients(logits_model, alphas[:, None, None, None] * image[None], class_index).mean(axis=0)


def _gradient_times_input(logits_model, image, class_index, steps=32):
    return image * _gradients(logits_model, image[None], class_index)[0]


def _summed_not_averaged(logits_model, image, class_index, steps=32):
    alphas = (np.arange(steps) + 0.5) / steps
    return image * _gradients(logits_model, alphas[:, None, None, None] * image[None], class_index).sum(axis=0)


def _q4_image():
    return np.random.default_rng(4).random((8, 8, 1)).astype(np.float32)


def _score(model, image, class_index):
    return float(np.asarray(model(np.asarray(image, np.float32)[None], training=False))[0, class_index])


def _test_q4(function):
    model = small_logits_model()
    image = _q4_image()
    for class_index in (1, 3):
        got = call(function, model, image.copy(), class_index, steps=64)
        if hasattr(got, "numpy"):
            got = got.numpy()
        got = np.asarray(got, dtype=np.float64) if isinstance(got, np.ndarray) else got
        if not isinstance(got, np.ndarray):
            raise Wrong(f"integrated_gradients must return a NumPy array of the image's shape, got {type(got).__name__}")
        if got.shape != image.shape:
            raise Wrong(f"integrated_gradients must return an array of the image's shape {image.shape}, got shape {got.shape}")
        change = _score(model, image, class_index) - _score(model, np.zeros_like(image), class_index)
        total = float(got.sum())
        expected = _reference_integrated_gradients(model, image, class_index, steps=64)
        scale = float(np.abs(expected).max())
        if np.allclose(got, expected, atol=0.03 * scale, rtol=0):
            continue
        if np.allclose(got, _average_gradient_only(model, image, class_index, 64), atol=0.03 * scale, rtol=0):
            raise Wrong("you return the average gradient; multiply it by the image (the way from the black image "
                        "to the image is image − 0), so that each pixel's attribution is in units of the score.")
        if np.allclose(got, expected * 64, rtol=0.03):
            raise Wrong("your attributions are `steps` times too large: average the gradients over the steps, don't sum them.")
        if np.allclose(got, _gradient_times_input(model, image, class_index), atol=0.03 * scale, rtol=0):
            raise Wrong("this is the gradient at the image itself times the image: integrated gradients average the "
                        "gradient over the images alpha × image for alpha between 0 and 1.")
        raise Wrong(f"for class {class_index} your attributions add up to {total:.3g}, but the score changes by "
                    f"{change:.3g} from the black image to the image; the checker's own attributions add up to "
                    f"{float(expected.sum()):.3g}.")


q4 = Exercise(
    "Exercise 4 · Integrated gradients",
    test=_test_q4,
    hint="""\
        Build the batch of scaled images with broadcasting: for an image of shape (H, W, 1),
        alphas[:, None, None, None] * image[None] has shape (steps, H, W, 1) (8 x 8 in the checker). Convert it with tf.convert_to_tensor, call tape.watch on it
        inside the GradientTape, and take the gradient of the sum of the class scores over the
        batch (each image's score depends only on its own pixels). Average over the batch axis and
        multiply by the image.""",
    solution="""\
        def integrated_gradients(logits_model, image, class_index, steps=32):
            alphas = (np.arange(steps) + 0.5) / steps
            path = tf.convert_to_tensor((alphas[:, None, None, None] * image[None]).astype("float32"))
            with tf.GradientTape() as tape:
                tape.watch(path)
                score = tf.reduce_sum(logits_model(path, training=False)[:, class_index])
            gradients = tape.gradient(score, path).numpy()
            return image * gradients.mean(axis=0)""",
    reference=_reference_integrated_gradients,
    wrong_answers=(_average_gradient_only, _gradient_times_input, _summed_not_averaged),
    level=3,
    kinds=("code", "beyond"),
)
