"""Exercises of lesson 09 · CNN vs dense network on Fashion-MNIST."""

from __future__ import annotations

import numpy as np

from helpers.exercises.core import Exercise, Outcome, Wrong, call, choice_test, expect_array, is_placeholder

# ---- q1: predict the CNN's accuracy at a shift the lesson did not measure ------------------

#: What the lesson's CNN (16/32 filters, 6 epochs, seed 0) scored (%) on the validation images in one
#: run on the course's 2-core machine, as the mean over the four moves (right, left, down, up) at each
#: distance: unshifted, 2, 3 and 4 pixels. Used only when no model is passed (the tests).
Q1_MEASURED = {"clean": 92.2, "two": 85.0, "three": 72.8, "four": 54.3}
Q1_TOLERANCE = 10.0  # percentage points: the curve bends, so a fair reading can land off the midpoint


def _q1_measure(model, images, labels) -> dict[str, float]:
    from helpers import training

    def mean_accuracy(s):
        moves = [(0, 0)] if s == 0 else [(s, 0), (-s, 0), (0, s), (0, -s)]
        accuracies = []
        for dx, dy in moves:
            shifted = training.to_model_input(training.shift_images(images, dx, dy))
            accuracies.append(np.mean(training.predict_classes(model, shifted) == labels))
        return 100 * float(np.mean(accuracies))

    return {"clean": mean_accuracy(0), "two": mean_accuracy(2), "three": mean_accuracy(3), "four": mean_accuracy(4)}


def _q1_number(answer) -> float:
    """The prediction as a percentage, or Wrong (checked before anything is measured)."""
    if isinstance(answer, np.ndarray) and answer.size == 1:
        answer = answer.item()
    if isinstance(answer, (bool, np.bool_)) or not isinstance(answer, (int, float, np.integer, np.floating)):
        raise Wrong(f"write your prediction as a number, the accuracy in percent (such as 50); got {answer!r}")
    answer = float(answer)
    if 0 < answer <= 1:
        raise Wrong(f"{answer} looks like a fraction; write the accuracy in percent (0.5 -> 50).")
    if not 0 <= answer <= 100:
        raise Wrong(f"{answer} is not an accuracy in percent: it lies between 0 and 100.")
    return answer


def _q1_verdict(answer, measured: dict[str, float]) -> str:
    answer = _q1_number(answer)
    three = measured["three"]
    if answer > three + Q1_TOLERANCE:
        if answer >= measured["clean"] - 2:
            raise Wrong(
                f"{answer:g} % is about what the CNN scores on images that have not moved at all. The printed "
                "curve shows that every pixel of shift cost it points."
            )
        if answer >= measured["two"] - 2:
            raise Wrong(
                f"{answer:g} % is about what the CNN kept at 2 pixels. A 3-pixel move goes one pixel further, "
                "and the printed curve is falling fast between 2 and 4 pixels."
            )
        raise Wrong(f"{answer:g} % is too optimistic: 3 pixels lie between two distances the lesson measured. "
                    "Where between their two accuracies should yours fall?")
    if answer < three - Q1_TOLERANCE:
        if answer <= measured["four"] + 2:
            raise Wrong(
                f"{answer:g} % is about what the CNN kept at 4 pixels, or less. A 3-pixel move goes one pixel "
                "less far, so it should cost less."
            )
        raise Wrong(f"{answer:g} % is too pessimistic: 3 pixels lie between two distances the lesson measured. "
                    "Where between their two accuracies should yours fall?")
    return (f"the CNN keeps {three:.1f} % at 3 pixels, the mean of the four directions (you said {answer:g} %; "
            f"within {Q1_TOLERANCE:g} points counts as right).")


class _PredictBetween(Exercise):
    """``check(answer, model=cnn, images=..., labels=...)`` measures the learner's own CNN.

    ``check`` judges the *first* prediction only (kept in ``first_prediction``): a number
    tried after a verdict, or after the measurement, is not a prediction. ``evaluate``
    stays a pure function of its answer (the tests rely on it).
    """

    first_prediction: float | None = None

    def evaluate(self, answer=..., model=None, images=None, labels=None):
        if is_placeholder(answer):
            return super().evaluate(answer)
        try:
            _q1_number(answer)
            measured = Q1_MEASURED if model is None else _q1_measure(model, images, labels)
            message = _q1_verdict(answer, measured)
        except Wrong as exc:
            return Outcome("wrong", str(exc))
        except Exception as exc:  # never crash the learner's notebook
            return Outcome("wrong", f"the answer could not be checked ({type(exc).__name__}: {exc}).")
        return Outcome("correct", message)

    def check(self, answer=..., model=None, images=None, labels=None):
        note = ""
        if not is_placeholder(answer):
            try:
                number = _q1_number(answer)
            except Wrong:
                number = None  # not a usable prediction: the verdict says why, nothing is recorded
            if number is not None and self.first_prediction is None:
                self.first_prediction = number
            elif number is not None and number != self.first_prediction:
                note = (f"You changed your prediction to {number:g} %, but only your first one, "
                        f"{self.first_prediction:g} %, is judged: a guess made after a verdict is not a prediction. ")
                answer = self.first_prediction
        outcome = self.evaluate(answer, model=model, images=images, labels=labels)
        self._print(outcome, note)

    def _print(self, outcome, note=""):
        from helpers.exercises.core import _capitalise

        if note:
            print(note)
        if outcome.status == "correct":
            print(f"✅ {self.title}: correct, {outcome.message}")
            print("   " + self.explanation.replace("\n", "\n   "))
        elif outcome.status == "not attempted":
            print(f"⏳ {self.title}: not attempted yet. {_capitalise(outcome.message)}")
        else:
            print(f"❌ {self.title}: not quite. {_capitalise(outcome.message)}")
            if self.first_prediction is not None:
                print("   Your first prediction is the one judged: run the next cell to see the measurement.")


q1 = _PredictBetween(
    "Exercise 1 · Predict a 3-pixel shift",
    test=lambda answer: _q1_verdict(answer, Q1_MEASURED),
    hint="""\
        The printed CNN row skips 3 pixels. Find the distances it did measure on either side of 3,
        and what the CNN kept at each.""",
    solution="""\
        # 3 px lies between the measured 2 px and 4 px: about halfway between their accuracies
        answer = 100 * (cnn_curve[2] + cnn_curve[4]) / 2""",
    reference=70,
    wrong_answers=(85, 92, 54, 0.7, "70"),
    explanation="""\
        3 pixels lie between two measured distances, so the accuracy lies between theirs: reading a value
        between two measurements is interpolation. It works because the accuracy changes smoothly with the
        shift; beyond the last measured distance (extrapolation) the curve could do anything.""",
    level=1,
    kinds=("predict",),
)


# ---- q2: how much does one confusion cost? -----------------------------------------------

def _reference_q2(cm, i, j):
    cm = np.asarray(cm)
    return float((np.trace(cm) + cm[i, j] + cm[j, i]) / cm.sum())


def _one_way_q2(cm, i, j):
    cm = np.asarray(cm)
    return float((np.trace(cm) + cm[i, j]) / cm.sum())


def _counts_q2(cm, i, j):
    cm = np.asarray(cm)
    return int(np.trace(cm) + cm[i, j] + cm[j, i])


def _no_diagonal_q2(cm, i, j):
    cm = np.asarray(cm)
    return float((cm[i, j] + cm[j, i]) / cm.sum())


def _two_classes_only_q2(cm, i, j):  # the accuracy on the merged class alone
    cm = np.asarray(cm)
    return float((cm[i, i] + cm[j, j] + cm[i, j] + cm[j, i]) / (cm[i].sum() + cm[j].sum()))


_Q2_CASES = (
    (np.array([[50, 9, 0, 1], [2, 40, 6, 0], [0, 7, 45, 3], [1, 0, 4, 30]]), 1, 2),
    (np.array([[70, 3, 1], [2, 80, 5], [12, 4, 60]]), 2, 0),
)


def _test_q2(function):
    for cm, i, j in _Q2_CASES:
        what = f"your merged_accuracy(cm, {i}, {j}) on cm =\n{cm}\n  "
        got = call(function, cm.copy(), i, j)
        if isinstance(got, np.ndarray) and got.size == 1:
            got = got.item()
        if isinstance(got, (bool, np.bool_)) or not isinstance(got, (int, float, np.integer, np.floating)):
            raise Wrong(f"{what}expected one number (an accuracy between 0 and 1), got {type(got).__name__} {got!r}")
        got = float(got)
        expected = _reference_q2(cm, i, j)
        if np.isclose(got, expected):
            continue
        if np.isclose(got, 100 * expected):
            raise Wrong(f"{what}returned {got:g}, a percentage; return the accuracy as a fraction, as Keras does ({expected:.4f}).")
        if np.isclose(got, _counts_q2(cm, i, j)):
            raise Wrong(f"{what}returned {got:g}, a count of images; divide by the number of images, cm.sum().")
        if np.isclose(got, _one_way_q2(cm, i, j)) or np.isclose(got, (np.trace(cm) + cm[j, i]) / cm.sum()):
            raise Wrong(
                f"{what}returned {got:.4f}, which adds only one direction. Once {i} and {j} are one class, "
                f"class {i} taken for {j} (cm[{i}, {j}]) and class {j} taken for {i} (cm[{j}, {i}]) are both right."
            )
        if np.isclose(got, _two_classes_only_q2(cm, i, j)):
            raise Wrong(
                f"{what}returned {got:.4f}, the accuracy on the images of classes {i} and {j} only. The question is "
                "the accuracy over all images, as in the lesson: divide by cm.sum()."
            )
        if np.isclose(got, _no_diagonal_q2(cm, i, j)):
            raise Wrong(f"{what}returned {got:.4f}, only the mistakes that become right; the images that were right all along (the diagonal) still count.")
        raise Wrong(f"{what}expected {expected:.4f}, got {got:.4f}")


q2 = Exercise(
    "Exercise 2 · What one confusion costs",
    test=_test_q2,
    hint="""\
        Accuracy is (images on the diagonal) / (all images). If classes i and j became one class,
        which mistakes would stop being mistakes? Find them in cm by their row and column.""",
    solution="""\
        def merged_accuracy(cm, i, j):
            cm = np.asarray(cm)
            right = np.trace(cm) + cm[i, j] + cm[j, i]   # the diagonal, plus i <-> j in both directions
            return right / cm.sum()""",
    reference=_reference_q2,
    wrong_answers=(_one_way_q2, _counts_q2, _no_diagonal_q2, _two_classes_only_q2),
    level=1,
    kinds=("code",),
)


# ---- q3: is the information gone? ----------------------------------------------------------

_Q3_EXPLANATIONS = {
    "a": (
        "right: this is the control the explanation needs. Train on shifts up to 6 pixels and test on the same "
        "6-pixel images: if that network keeps most of its accuracy, the information is still in the images."
    ),
    "b": (
        "the dense network is tied to pixel positions even more than the CNN: its drop at 6 pixels says "
        "nothing about whether the shifted images still hold what is needed. Both could fail on images "
        "that hold everything."
    ),
    "c": (
        "both explanations predict a further drop at 8 pixels (more ink leaves, and the head is tied to "
        "positions), so that result cannot tell them apart. A test needs a result the two explanations "
        "predict differently."
    ),
    "d": (
        "counting tells you that *some* ink leaves the frame, not whether what is left is enough to name "
        "the garment. Only a network that has learned to look anywhere can show how much is still there."
    ),
}

q3 = Exercise(
    "Exercise 3 · Is the information gone?",
    test=choice_test("a", _Q3_EXPLANATIONS),
    hint="""\
        If the information were gone, what would follow for *any* network tested on the same 6-pixel
        images, however it was trained? For each option, ask: would its result differ depending on
        which explanation is true?""",
    solution="""\
        answer = "a"   # a network trained on 6-pixel shifts, tested on the same images: the control""",
    reference="a",
    wrong_answers=("b", "c", "d", 2),
    explanation="""\
        An explanation is tested by a consequence it predicts that the other does not. "The information is
        gone" predicts that no network does well on the 6-pixel images, however it was trained; "the network
        never learned to look there" predicts that training on such shifts wins most of it back. Only (a)
        separates the two. In this lesson the same test, at 4 pixels, sided with the second.""",
    level=2,
    kinds=("concept",),
)


# ---- q4: fix the input, not the network -----------------------------------------------------

def _box_shift(image):
    """The (dx, dy) that centres the box around the image's ink; (0, 0) for an empty image."""
    rows = np.flatnonzero(image.max(axis=1) > 0)
    cols = np.flatnonzero(image.max(axis=0) > 0)
    if rows.size == 0:
        return 0, 0
    h, w = image.shape
    return (w - 1 - cols[-1] - cols[0]) / 2, (h - 1 - rows[-1] - rows[0]) / 2


def _shift(image, dx, dy):
    out = np.zeros_like(image)
    h, w = image.shape
    out[max(0, dy):h - max(0, -dy), max(0, dx):w - max(0, -dx)] = image[max(0, -dy):h - max(0, dy), max(0, -dx):w - max(0, dx)]
    return out


def _reference_q4(images):
    images = np.asarray(images)
    out = np.zeros_like(images)
    for n, image in enumerate(images):
        dx, dy = _box_shift(image)
        out[n] = _shift(image, int(np.floor(dx)), int(np.floor(dy)))
    return out


def _whole_stack_q4(images):  # one box around the ink of all images together
    images = np.asarray(images)
    dx, dy = _box_shift(images.max(axis=0))
    return np.stack([_shift(im, int(np.floor(dx)), int(np.floor(dy))) for im in images])


def _columns_only_q4(images):
    images = np.asarray(images)
    return np.stack([_shift(im, int(np.floor(_box_shift(im)[0])), 0) for im in images])


def _wrong_sign_q4(images):
    images = np.asarray(images)
    return np.stack([_shift(im, -int(np.floor(_box_shift(im)[0])), -int(np.floor(_box_shift(im)[1]))) for im in images])


def _centre_of_mass_q4(images):
    images = np.asarray(images)
    out = np.zeros_like(images)
    h, w = images.shape[1:]
    for n, image in enumerate(images):
        weights = image.astype(np.float64)
        if weights.sum() == 0:
            continue
        cy = (weights.sum(axis=1) * np.arange(h)).sum() / weights.sum()
        cx = (weights.sum(axis=0) * np.arange(w)).sum() / weights.sum()
        out[n] = _shift(image, int(round((w - 1) / 2 - cx)), int(round((h - 1) / 2 - cy)))
    return out


def _float_q4(images):
    return _reference_q4(images).astype(np.float32) / 255


def _q4_cases():
    """Small uint8 stacks: boxes at known places, an L shape, a box touching the edge, an empty image."""
    stack = np.zeros((5, 9, 12), np.uint8)
    stack[0, 1:4, 1:5] = 200               # top left: must move right and down
    stack[1, 5:9, 7:12] = 90               # bottom right, touching two edges
    stack[2, 2:8, 3:5] = 255               # an L shape: its centre of mass is not its box's centre
    stack[2, 6:8, 3:10] = 255
    stack[3, 3:6, 4:8] = 120               # already centred
    # stack[4] stays empty: no ink, nothing to centre
    wide = np.zeros((2, 10, 10), np.uint8)
    wide[0, 0:3, 2:9] = 50                  # touches the top; odd free space in both directions
    wide[1, 4:10, 0:4] = 180
    lopsided = np.zeros((2, 12, 16), np.uint8)
    lopsided[0, 4:8, 1:5] = 255             # a bright block and a faint line: the box is centred already,
    lopsided[0, 5, 5:15] = 10               # the centre of mass is far to the left
    lopsided[1, 0:6, 0:3] = 255
    return stack, wide, lopsided


def _test_q4(function):
    for images in _q4_cases():
        what = f"your recentre(images) on {len(images)} images of {images.shape[1]} x {images.shape[2]}"
        got = call(function, images.copy())
        if hasattr(got, "numpy"):
            got = got.numpy()
        if not isinstance(got, np.ndarray):
            raise Wrong(f"{what}: expected a NumPy array, got {type(got).__name__}")
        if got.shape != images.shape:
            raise Wrong(f"{what}: expected shape {images.shape} (the same as the input), got {got.shape}")
        if got.dtype != images.dtype:
            raise Wrong(f"{what}: expected dtype {images.dtype}, the input's, got {got.dtype}; keep the pixels as they are, only move them.")
        for n, (image, result) in enumerate(zip(images, got)):
            dx, dy = _box_shift(image)
            allowed = [_shift(image, x, y) for x in {int(np.floor(dx)), int(np.ceil(dx))} for y in {int(np.floor(dy)), int(np.ceil(dy))}]
            if any(np.array_equal(result, a) for a in allowed):
                continue
            if not image.any():
                raise Wrong(f"{what}: image {n} has no ink at all; return it unchanged (all zeros).")
            for wrong, message in (
                (_whole_stack_q4, "moved every image by the same amount: find the box of *each* image's ink."),
                (_columns_only_q4, "centred the columns only; centre the rows too."),
                (_wrong_sign_q4, "moved the ink away from the middle: check the sign of your shift."),
                (_centre_of_mass_q4, "centred the centre of mass (the mean position of the ink, weighted by brightness). "
                                     "The exercise asks for the box: first and last row and column with ink."),
            ):
                if np.array_equal(result, wrong(images)[n]):
                    raise Wrong(f"{what}: image {n}: you {message}")
            expect_array(result, allowed[0], f"{what}: image {n}")


q4 = Exercise(
    "Exercise 4 · Fix the input, not the network",
    test=_test_q4,
    hint="""\
        Work on one image first. Which rows and which columns hold any ink (np.flatnonzero helps)?
        How many empty columns are left of the ink, how many right of it, and what move would make
        the two equal (as nearly as whole pixels allow)? The same for the rows. training.shift_images
        moves a stack of images.""",
    solution="""\
        def recentre(images):
            out = np.zeros_like(images)
            h, w = images.shape[1:]
            for n, image in enumerate(images):
                rows = np.flatnonzero(image.max(axis=1) > 0)
                cols = np.flatnonzero(image.max(axis=0) > 0)
                if rows.size == 0:   # no ink: nothing to centre
                    continue
                dx = (w - 1 - cols[-1] - cols[0]) // 2   # half the difference of the free columns
                dy = (h - 1 - rows[-1] - rows[0]) // 2
                out[n] = training.shift_images(image[None], dx, dy)[0]
            return out""",
    reference=_reference_q4,
    wrong_answers=(_whole_stack_q4, _columns_only_q4, _wrong_sign_q4, _centre_of_mass_q4, _float_q4),
    explanation="""\
        Fashion-MNIST was made by putting each garment in the middle of the canvas, so centring its box
        undoes most of a shift, for no training at all. It only works because every image holds one
        object on a black background: in a photo there is no "box of the ink" to find, and the network
        has to cope with positions itself (augmentation, or finding the object first, as detectors do).""",
    level=3,
    kinds=("code", "beyond"),
)
