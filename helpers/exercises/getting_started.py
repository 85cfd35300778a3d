"""Exercises of lesson 00 · Getting started."""

from __future__ import annotations

import numpy as np

from helpers.exercises.core import Exercise, Wrong, call, choice_test, expect_equal

#: Shape of MNIST's training images, ``x_train.shape`` (the lesson prints it).
TRAIN_SHAPE = (60000, 28, 28)


# ---- warm-up · one pixel (the lesson's main path runs it, to show ❌, a hint and ✅) -------

#: ``x_train[0, 7, 8]`` and ``x_train[0, 8, 7]``, as the lesson prints them in ``block``.
PIXEL_ROW7_COL8, PIXEL_ROW8_COL7 = 238, 18


def _test_warm_up(answer):
    if isinstance(answer, (bool, np.bool_)) or not isinstance(answer, (int, np.integer)):
        raise Wrong(f"expected a whole number, the pixel's value, got {type(answer).__name__} {answer!r}")
    if int(answer) == PIXEL_ROW8_COL7:
        raise Wrong(f"{int(answer)} is the number at row 8, column 7: rows and columns are swapped. "
                    "After the image number, the row comes first, then the column.")
    if int(answer) != PIXEL_ROW7_COL8:
        raise Wrong(f"{int(answer)} is not it. Index the first image at row 7, column 8, "
                    "or find that place in the printout of block.")


warm_up = Exercise(
    "Warm-up · One pixel",
    test=_test_warm_up,
    hint="""\
        Index x_train with three parts: the image, then the row, then the column.
        In the printout of block, which starts at row 4 and column 4, row 7 is the
        fourth line.""",
    solution="""\
        answer = x_train[0, 7, 8]""",
    reference=PIXEL_ROW7_COL8,
    wrong_answers=(PIXEL_ROW8_COL7, 0, "238"),
    level=1,
    kinds=("code",),
    explanation="""\
        x_train[0, 7, 8] is 238: image 0, row 7, column 8, the fourth line and fifth
        number of block.""",
)


# ---- 1 · count the numbers in x_train ---------------------------------------------------

def _test_q1(answer):
    if isinstance(answer, (bool, np.bool_)) or not isinstance(answer, (int, np.integer)):
        raise Wrong(f"expected a whole number, such as 10 * 28, got {type(answer).__name__} {answer!r}")
    images, rows, cols = TRAIN_SHAPE
    mistakes = {
        images: "60,000 is the number of images; each of them holds 28 × 28 numbers.",
        rows * cols: "784 is what one image holds; x_train stacks 60,000 of them.",
        images * rows: "that counts one row of numbers per image; each image has 28 rows of 28 numbers.",
        (images + 10000) * rows * cols: "that includes the 10,000 test images; count only x_train.",
    }
    if int(answer) in mistakes:
        raise Wrong(mistakes[int(answer)])
    if int(answer) != images * rows * cols:
        raise Wrong(f"{int(answer)} is not it. Multiply the three numbers of x_train.shape: images × rows × columns.")


q1 = Exercise(
    "Exercise 1 · Count the pixels",
    test=_test_q1,
    hint="""\
        Read x_train.shape as three counts, one per axis: how many images, how many
        rows in each image, how many numbers in each row. How many numbers does one
        image hold, then? And how many such images are there?""",
    solution="""\
        answer = x_train.shape[0] * x_train.shape[1] * x_train.shape[2]   # or x_train.size""",
    reference=60000 * 28 * 28,
    wrong_answers=(60000, 28 * 28, 60000 * 28, 70000 * 28 * 28, 47040000.0),
    level=1,
    kinds=("code",),
)


# ---- 2 · predict the shape of a slice -----------------------------------------------------

def _test_q2(answer):
    if isinstance(answer, np.ndarray):
        raise Wrong("that is the array itself; answer with its shape, a tuple of numbers such as (5, 28, 28).")
    if not isinstance(answer, (tuple, list)) or not all(
        isinstance(n, (int, np.integer)) and not isinstance(n, (bool, np.bool_)) for n in answer
    ):
        raise Wrong(f"answer with a shape: a tuple of whole numbers such as (5, 28, 28); got {answer!r}")
    got = tuple(int(n) for n in answer)
    if len(got) == 2 and got == (3, 10):
        raise Wrong("your shape has two numbers, and x_test has three axes. The index names only the first two; "
                    "what happens to an axis you leave out?")
    if len(got) == 2:
        raise Wrong("`:3` is a slice, and a slice keeps its axis (only a single index such as x_test[0] removes one), "
                    "so the answer has three numbers.")
    if len(got) == 3 and got[1] in (11, 20):
        raise Wrong("`10:20` runs from row 10 up to but not including row 20: rows 10 to 19, that is 10 rows.")
    if len(got) == 3 and got[0] == 4:
        raise Wrong("`:3` means images 0, 1 and 2: a slice stops before its end.")
    if got != (3, 10, 28):
        raise Wrong(f"{got} is not it. Take the axes one at a time, with the three rules whose shapes the "
                    "lesson printed: which rule applies to each part of the index, and to the axis it leaves out?")


q2 = Exercise(
    "Exercise 2 · Predict a shape",
    test=_test_q2,
    hint="""\
        x_test has three axes: image, row, column. Before the block's numbers, the
        lesson printed three shapes, one per rule: a number, a slice, an axis left out.
        Decide which rule applies to each of the three axes here, then count what each
        keeps (a slice stops before its end).""",
    solution="""\
        answer = (3, 10, 28)   # images 0-2, rows 10-19, all 28 columns""",
    reference=(3, 10, 28),
    wrong_answers=((3, 10), (10, 28), (3, 11, 28), (3, 20, 28), (4, 10, 28), np.zeros((3, 10, 28)), "3, 10, 28"),
    level=2,
    kinds=("predict",),
)


# ---- 3 · what a restart forgets ----------------------------------------------------------

q3 = Exercise(
    "Exercise 3 · After a restart",
    test=choice_test("c", {
        "a": "the notebook file keeps each cell's *output* as text, not the variables behind it; "
             "variables live in the kernel's memory, and a restart empties it.",
        "b": "the setup cell you ran after the restart imports numpy as np again, so `np` is known; "
             "the name that is missing is the one only a skipped cell creates.",
        "c": "right.",
        "d": "nothing runs unless you run it: the kernel does not go back to run the cell that loaded MNIST.",
        "e": "Python does not invent a variable you have not created; using a name that was never assigned "
             "is an error, not an empty array.",
    }),
    hint="""\
        After the restart the kernel's memory is empty, and a name exists again only once
        a cell that creates it has run. The cell you run uses two names, `np` and
        `y_train`: which cell creates each of them?""",
    solution="""\
        answer = "c"   # setup re-imported np; y_train comes from the loading cell, which was skipped""",
    reference="c",
    wrong_answers=("a", "b", "d", "e", "f", 3),
    level=2,
    kinds=("concept",),
    explanation="""\
        A restart empties the kernel; a cell's names come back only when that cell runs
        again. The setup cell brings back `np`, `plt`, `helpers`, `datasets` and `plots`, but
        `y_train` is created by `(x_train, y_train), (x_test, y_test) = datasets.load_mnist()`,
        which you skipped. Run the cells in order, or use "Restart Kernel and Run All Cells".""",
)


# ---- 4 · the box around the ink -------------------------------------------------------------

def _reference_q4(image):
    rows = np.nonzero(image.any(axis=1))[0]
    cols = np.nonzero(image.any(axis=0))[0]
    return rows[0], rows[-1] + 1, cols[0], cols[-1] + 1


def _q4_cases():
    blob = np.zeros((7, 9), dtype=np.uint8)
    blob[2, 3:6] = 255
    blob[3:5, 4] = 200
    blob[4, 6] = 3  # faint ink counts too
    corner = np.zeros((5, 6), dtype=np.uint8)
    corner[0, 0] = 9
    edge = np.zeros((6, 4), dtype=np.uint8)
    edge[3, 1:] = 128
    edge[5, 2] = 255
    return [("a 7 × 9 image with a small digit-like blob", blob),
            ("a 5 × 6 image whose only ink is the top-left pixel", corner),
            ("a 6 × 4 image with ink touching the right and bottom edges", edge)]


def _test_q4(function):
    for what, image in _q4_cases():
        before = image.copy()
        got = call(function, image)
        if not np.array_equal(image, before):
            raise Wrong("your function changed the image it was given; only read it.")
        if isinstance(got, np.ndarray) and got.ndim == 2:
            raise Wrong("your function returns the cropped image; return the four numbers "
                        "(top, bottom, left, right) that crop it instead.")
        if isinstance(got, np.ndarray) and got.ndim == 1:  # np.array([top, bottom, left, right]) is fine
            got = list(got)
        if not isinstance(got, (tuple, list)) or len(got) != 4 or not all(
            isinstance(n, (int, np.integer)) and not isinstance(n, (bool, np.bool_)) for n in got
        ):
            shown = [n.item() if isinstance(n, np.generic) else n for n in got] if isinstance(got, list) else got
            raise Wrong(f"return four whole numbers (top, bottom, left, right); for {what} you returned {shown!r}")
        got = tuple(int(n) for n in got)
        top, bottom, left, right = (int(n) for n in _reference_q4(image))
        if got == (top, bottom - 1, left, right - 1):
            raise Wrong(f"for {what} you returned {got}, the last row and column with ink. bottom and right must "
                        "be one past them, like a slice's end, so that image[top:bottom, left:right] keeps them.")
        if got == (left, right, top, bottom) and (left, right) != (top, bottom):
            raise Wrong(f"for {what} you returned {got}: rows and columns are swapped. Rows are axis 0 "
                        "(top, bottom), columns axis 1 (left, right).")
        bright = image == 255
        if bright.any() and got == tuple(int(n) for n in _reference_q4(bright)) and got != (top, bottom, left, right):
            raise Wrong(f"for {what} you returned {got}, the box around the pure white (255) pixels only. "
                        "Faint pixels are ink too: any value above 0 counts.")
        expect_equal(got, (top, bottom, left, right), f"ink_box of {what}")


q4 = Exercise(
    "Exercise 4 · The box around the ink",
    test=_test_q4,
    hint="""\
        Go one axis at a time: which rows hold at least one non-zero pixel, and which
        are the first and the last of them? Then the same for columns. A loop over the
        rows works; so does one NumPy call that answers "any non-zero?" for every row
        at once, followed by finding where the answers are True. Last: how far past the
        last inky row must bottom be, for a slice to keep that row?""",
    solution="""\
        def ink_box(image):
            rows = np.nonzero(image.any(axis=1))[0]   # rows holding at least one non-zero pixel
            cols = np.nonzero(image.any(axis=0))[0]   # columns likewise
            return rows[0], rows[-1] + 1, cols[0], cols[-1] + 1""",
    reference=_reference_q4,
    wrong_answers=(
        lambda image: np.array(_reference_q4(image), dtype=float),  # four numbers, but not whole numbers
        lambda image: (lambda r, c: (r[0], r[-1], c[0], c[-1]))(
            np.nonzero(image.any(axis=1))[0], np.nonzero(image.any(axis=0))[0]),  # inclusive ends
        lambda image: (lambda r, c: (c[0], c[-1] + 1, r[0], r[-1] + 1))(
            np.nonzero(image.any(axis=1))[0], np.nonzero(image.any(axis=0))[0]),  # rows and columns swapped
        lambda image: (lambda r, c: (r[0], r[-1] + 1, c[0], c[-1] + 1))(
            np.nonzero((image == 255).any(axis=1))[0], np.nonzero((image == 255).any(axis=0))[0]),  # only full white
        lambda image: image[_reference_q4(image)[0]:_reference_q4(image)[1], _reference_q4(image)[2]:_reference_q4(image)[3]],
    ),
    level=3,
    kinds=("code", "beyond"),
)
