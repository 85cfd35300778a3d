"""Exercises of lesson 09 · CNN vs dense network on Fashion-MNIST."""

from __future__ import annotations

import numpy as np

from helpers.exercises.core import Exercise, Wrong, call, choice_test, expect_array

# ---- q1: predict the CNN's accuracy at a shift the lesson did not measure (a diagonal) --------

_Q1_EXPLANATIONS = {
    "a": (
        "each axis moves by 2 pixels, but every pixel now moves about 2.8 pixels in all, and the dense head "
        "is tied to positions along both axes: the two misalignments add up rather than stay at one axis' cost."
    ),
    "b": (
        "a move right and a move down do not cancel: they push the garment further from where the head's "
        "weights expect it. Nothing in a shift along one axis undoes a shift along the other."
    ),
    "c": (
        "right: the garment moves about 2.8 pixels, further than 2 along one axis but less than 4, and the head "
        "is off along both axes at once."
    ),
    "d": (
        "the ink that leaves the frame is 2 pixels' worth on each of two edges, less than 4 pixels' worth on one; "
        "and the total move (about 2.8 pixels) is shorter than 4. Both point to a smaller cost than at 4 pixels."
    ),
}

q1 = Exercise(
    "Exercise 1 · Predict a diagonal shift",
    test=choice_test("c", _Q1_EXPLANATIONS),
    hint="""\
        How far does each pixel travel when it moves 2 right and 2 down (Pythagoras)? Compare that
        distance with the two distances the shift test measured along one axis. Which parts of the
        CNN are tied to positions, and along which axes?""",
    solution="""\
        answer = "c"   # about 2.8 pixels in all, off along both axes: between the 2 px and 4 px values""",
    reference="c",
    wrong_answers=("a", "b", "d", 3),
    explanation="""\
        A diagonal move of 2 pixels per axis travels about 2.8 pixels, and the position-tied head
        (Flatten and Dense) sees the maps misaligned along both axes, so it costs more than 2 pixels
        along one axis; it stays short of 4 pixels along one axis, which moves the garment further.
        The cell after this one measures it.""",
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
