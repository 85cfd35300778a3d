"""Exercises of lesson 10 · What the CNN learned."""

from __future__ import annotations

import numpy as np

from helpers.exercises.core import Exercise, NotAttempted, Wrong, call, choice_test, is_placeholder

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
        Walk back one layer at a time, as the lesson did before drawing the channel's boxes:
        conv2 row 4 -> pool1 rows -> conv1 rows -> input rows. Write down the first and last row
        after each step. Only the last step differs from the lesson's network: how many input
        rows does one output row of a 3 x 3 convolution read?""",
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
        "the 12 strongest of 10,000 images only show where the channel responds *most*; they say nothing about "
        "the other 9,988. Images of other classes may excite it almost as much (the 13th could be a sneaker)."
    ),
    "b": (
        "the top 12 are the 12 largest values, not an average. A class can hold a few very strong responses "
        "and many weak ones; another class can respond moderately in almost every image and have the higher "
        "mean. To compare classes on average, compute each class's mean score."
    ),
    "c": "",  # the right answer: its explanation is printed after a correct answer
    "d": (
        "the top images say nothing about how the network *uses* the channel: the Dense layer may give it "
        "little weight, and other channels may carry the same evidence. Only an experiment tells, e.g. setting "
        "the channel to 0 and measuring the accuracy on ankle boots."
    ),
}

q2 = Exercise(
    "Exercise 2 · What do the top images prove?",
    test=choice_test("c", _Q2_EXPLANATIONS),
    hint="""\
        The list holds the 12 largest values of one number per image, and nothing else. For
        each statement, ask what you would have to measure to be sure of it, and whether those
        12 values are that measurement.""",
    solution="""\
        answer = "c"   # the list describes the channel's largest responses on this data, nothing more""",
    reference="c",
    wrong_answers=("a", "b", "d", 3),
    explanation="""\
        A channel's top images describe its largest responses on one data set. Statements about
        the other images need their scores (class means, a histogram); statements about what the
        network *uses* need an intervention and a measurement, as in the occlusion experiment.""",
    level=2,
    kinds=("concept",),
)


# ---- q3: occlusion square by square ----------------------------------------------------------

def _scores(logits_model, batch, class_index):
    return np.asarray(logits_model(np.asarray(batch, dtype=np.float32), training=False))[:, class_index].astype(np.float64)


def _square_starts(size, patch, stride):
    return range(0, size - patch + 1, stride)


def _covered_batch(image, patch, stride, starts=_square_starts):
    image = np.asarray(image, dtype=np.float32)
    h, w = image.shape[:2]
    rows, cols = list(starts(h, patch, stride)), list(starts(w, patch, stride))
    batch = np.repeat(image[None], len(rows) * len(cols), axis=0)
    for k, (top, left) in enumerate((t, l) for t in rows for l in cols):
        batch[k, top:top + patch, left:left + patch] = 0
    return batch, (len(rows), len(cols))


def _reference_square_drops(logits_model, image, class_index, patch, stride):
    batch, shape = _covered_batch(image, patch, stride)
    original = _scores(logits_model, np.asarray(image)[None], class_index)[0]
    return (original - _scores(logits_model, batch, class_index)).reshape(shape)


def _flipped_square_drops(logits_model, image, class_index, patch, stride):  # covered minus original
    return -_reference_square_drops(logits_model, image, class_index, patch, stride)


def _covered_scores_only(logits_model, image, class_index, patch, stride):  # forgot to subtract
    batch, shape = _covered_batch(image, patch, stride)
    return _scores(logits_model, batch, class_index).reshape(shape)


def _last_square_missing(logits_model, image, class_index, patch, stride):  # range(0, H - patch, stride)
    batch, shape = _covered_batch(image, patch, stride, starts=lambda n, p, s: range(0, n - p, s))
    original = _scores(logits_model, np.asarray(image)[None], class_index)[0]
    return (original - _scores(logits_model, batch, class_index)).reshape(shape)


def _square_at_index(logits_model, image, class_index, patch, stride):  # square k starts at row k, not k * stride
    image = np.asarray(image, dtype=np.float32)
    n = (image.shape[0] - patch) // stride + 1
    m = (image.shape[1] - patch) // stride + 1
    batch = np.repeat(image[None], n * m, axis=0)
    for k, (i, j) in enumerate((i, j) for i in range(n) for j in range(m)):
        batch[k, i:i + patch, j:j + patch] = 0
    original = _scores(logits_model, image[None], class_index)[0]
    return (original - _scores(logits_model, batch, class_index)).reshape(n, m)


def _test_q3(function):
    model = small_logits_model()
    rng = np.random.default_rng(3)
    image = (0.2 + 0.8 * rng.random((8, 8, 1))).astype(np.float32)   # no zeros: every covered pixel changes
    for class_index, patch, stride in ((2, 3, 2), (0, 4, 1)):
        original = image.copy()
        got = call(function, model, image, class_index, patch, stride)
        if not np.array_equal(image, original):
            raise Wrong("your function changed the image it was given; cover copies of it, not the image itself.")
        if hasattr(got, "numpy"):
            got = got.numpy()
        if not isinstance(got, np.ndarray):
            raise Wrong(f"square_drops must return a NumPy array, got {type(got).__name__}")
        got = got.astype(np.float64)
        expected = _reference_square_drops(model, image, class_index, patch, stride)
        case = f"for an 8 x 8 image with patch={patch}, stride={stride}"
        if got.shape != expected.shape:
            hint = ""
            if got.shape == _last_square_missing(model, image, class_index, patch, stride).shape:
                hint = (f" The last square fits too: it starts at row 8 − {patch} = {8 - patch}, so the starts are "
                        f"range(0, 8 − {patch} + 1, {stride}).")
            raise Wrong(f"{case} there are {expected.shape[0]} x {expected.shape[1]} squares, so the result has shape "
                        f"{expected.shape}; yours has shape {got.shape}.{hint}")
        if np.allclose(got, expected, atol=1e-3 * max(1.0, float(np.abs(expected).max()))):
            continue
        if np.allclose(got, -expected, atol=1e-3 * max(1.0, float(np.abs(expected).max()))):
            raise Wrong(f"{case} your values have the wrong sign: a drop is the score of the image minus the score "
                        "with the square covered, so covering what matters gives a positive drop.")
        if np.allclose(got, _covered_scores_only(model, image, class_index, patch, stride), atol=1e-3):
            raise Wrong(f"{case} you return the scores of the covered images; subtract each from the score of "
                        "the uncovered image.")
        if stride > 1 and np.allclose(got, _square_at_index(model, image, class_index, patch, stride), atol=1e-3):
            raise Wrong(f"{case} entry [i, j] covers the square starting at row i, column j; it should start at "
                        f"row i × stride, column j × stride (here {stride} × i).")
        raise Wrong(f"{case} your drops differ from the checker's: first row {np.round(got[0], 3)}, "
                    f"expected {np.round(expected[0], 3)}. Check which square entry [i, j] covers.")


q3 = Exercise(
    "Exercise 3 · Occlusion, square by square",
    test=_test_q3,
    hint="""\
        First work out where a square may start so that it fits inside the image: the last
        start leaves room for all `patch` rows (count them on 8 rows with patch 3). For each (top, left) pair, cover a
        copy of the image; put all the copies in one batch, so the network is called once.
        The drop is the uncovered image's score minus the covered one's, arranged as a grid with
        one row per top and one column per left.""",
    solution="""\
        def square_drops(logits_model, image, class_index, patch, stride):
            starts = [range(0, n - patch + 1, stride) for n in image.shape[:2]]
            batch = [image]
            for top in starts[0]:
                for left in starts[1]:
                    covered = image.copy()
                    covered[top:top + patch, left:left + patch] = 0
                    batch.append(covered)
            scores = logits_model(np.stack(batch), training=False).numpy()[:, class_index]
            return (scores[0] - scores[1:]).reshape(len(starts[0]), len(starts[1]))""",
    reference=_reference_square_drops,
    wrong_answers=(_flipped_square_drops, _covered_scores_only, _last_square_missing, _square_at_index),
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


def _watches_numpy(logits_model, image, class_index, steps=32):  # tape.watch on a NumPy array: TensorFlow refuses
    import tensorflow as tf

    alphas = (np.arange(steps) + 0.5) / steps
    path = (alphas[:, None, None, None] * image[None]).astype(np.float32)
    with tf.GradientTape() as tape:
        tape.watch(path)
        score = tf.reduce_sum(logits_model(path, training=False)[:, class_index])
    return image * tape.gradient(score, path).numpy().mean(axis=0)


def _q4_image():
    return np.random.default_rng(4).random((8, 8, 1)).astype(np.float32)


def _score(model, image, class_index):
    return float(np.asarray(model(np.asarray(image, np.float32)[None], training=False))[0, class_index])


def _call_q4(function, *args, **kwargs):
    # Like core.call, but an error becomes one line: TensorFlow's messages can print a whole batch of images.
    if is_placeholder(function):
        raise NotAttempted
    if not callable(function):
        raise Wrong(f"expected a function, got {type(function).__name__}")
    try:
        result = function(*args, **kwargs)
    except Exception as exc:  # the learner's code failed: one sentence, no arrays dumped
        text = str(exc)
        if "not tf.Tensor" in text or ("watch" in text and "ndarray" in text):
            raise Wrong("`tape.watch` needs a tensor: convert the batch with tf.convert_to_tensor(...) (or tf.constant) "
                        "first, as float32.") from None
        if "NoneType" in text:
            raise Wrong("your code used a gradient that is None: did you `tape.watch` the batch of scaled images "
                        "(as a float32 tensor) inside the `with tf.GradientTape()` block? The tape only watches "
                        "the model's weights by itself.") from None
        first_line = next((line for line in text.splitlines() if line.strip()), "")
        first_line = first_line if len(first_line) <= 160 else first_line[:157] + "..."
        raise Wrong(f"your function raised {type(exc).__name__}: {first_line} "
                    f"(called on an 8 x 8 x 1 image, class {args[2]}, steps={kwargs.get('steps')})") from None
    if is_placeholder(result):
        raise NotAttempted("your function returns None: fill in its body and make sure it ends with `return`.")
    return result


def _test_q4(function):
    model = small_logits_model()
    image = _q4_image()
    for class_index in (1, 3):
        got = _call_q4(function, model, image.copy(), class_index, steps=64)
        if hasattr(got, "numpy"):
            got = got.numpy()
        if not isinstance(got, np.ndarray) or got.dtype == object:
            raise Wrong(f"integrated_gradients must return a NumPy array of numbers of the image's shape, got "
                        f"{type(got).__name__}; if a gradient came out as None, did you `tape.watch` the input?")
        got = np.asarray(got, dtype=np.float64)
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
        Three questions to answer in order. (1) All the scaled images form one batch: what shape
        must it have, and how can broadcasting build it from the alphas and the image without a
        loop? (2) The batch is not a weight of the model: what must you tell the tape about it, and
        in what type must it be? (3) One gradient call can give every image's gradient at once if
        the target is a single number built from the batch's class scores: which number, given that
        each image's score depends only on its own pixels? The prompt's last two steps finish it.""",
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
    wrong_answers=(_average_gradient_only, _gradient_times_input, _summed_not_averaged, _watches_numpy),
    level=3,
    kinds=("code", "beyond"),
)
