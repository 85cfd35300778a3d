"""Exercises of lesson 06 · Learning filters."""

from __future__ import annotations

import numpy as np

from helpers.exercises.core import Exercise, Wrong, call, expect_equal


def _whole_number(answer, what: str) -> int:
    if isinstance(answer, np.ndarray) and answer.size == 1:
        answer = answer.item()
    if isinstance(answer, float) and answer.is_integer():
        answer = int(answer)
    if isinstance(answer, (bool, np.bool_)) or not isinstance(answer, (int, np.integer)):
        raise Wrong(f"{what}: expected a whole number, got {type(answer).__name__} {answer!r}")
    return int(answer)


# ---- q1: parameters of a convolutional layer -------------------------------------

Q1_EXPECTED = (5 * 5 * 3 + 1) * 16  # 1216


def _test_q1(answer):
    n = _whole_number(answer, "the number of parameters")
    if n == 5 * 5 * 3 * 16:
        raise Wrong("1200 counts the weights only: each of the 16 filters also has one bias.")
    if n == (5 * 5 + 1) * 16:
        raise Wrong("each filter spans all 3 input channels, so it has 5 x 5 x 3 weights, not 5 x 5.")
    if n == 5 * 5 * 16 or n == 5 * 5 * 3:
        raise Wrong(f"{n} misses a factor: weights per filter = 5 x 5 x 3 (channels in), times 16 filters, plus 16 biases.")
    expect_equal(n, Q1_EXPECTED, "the number of parameters")


q1 = Exercise(
    "Exercise 1 · Count the parameters",
    test=_test_q1,
    hint="""\
        One filter has kernel height x kernel width x input channels weights, plus one bias.
        The layer has as many filters as output channels. The image size does not matter.""",
    solution="""\
        answer = (5 * 5 * 3 + 1) * 16   # 1216; check: keras.layers.Conv2D(16, 5) on keras.Input((32, 32, 3))""",
    reference=Q1_EXPECTED,
    wrong_answers=(1200, 416, 400, 1216.5, "1216"),
)


# ---- q2: a dense layer in place of a convolution ------------------------------------

Q2_EXPECTED = (32 * 32 * 3) * (30 * 30 * 16) + 30 * 30 * 16  # 44,251,200


def _test_q2(answer):
    n = _whole_number(answer, "the number of parameters")
    if n == (32 * 32 * 3) * (30 * 30 * 16):
        raise Wrong("that counts the weights; a dense layer also has one bias per output.")
    if n == (3 * 3 * 3 + 1) * 16:
        raise Wrong("448 is the convolutional layer's count; the question asks for a dense layer with the same outputs.")
    if n == (32 * 32 * 3) * (32 * 32 * 16) + 32 * 32 * 16:
        raise Wrong("a 3 x 3 'valid' convolution gives 30 x 30 outputs per filter, not 32 x 32.")
    expect_equal(n, Q2_EXPECTED, "the number of parameters")


q2 = Exercise(
    "Exercise 2 · What weight sharing saves",
    test=_test_q2,
    hint="""\
        Count the inputs (32 x 32 x 3 numbers) and the outputs of Conv2D(16, 3) with its
        default 'valid' padding: (32 - 3 + 1) x (32 - 3 + 1) x 16. A dense layer connects
        every input to every output, plus one bias per output.""",
    solution="""\
        inputs, outputs = 32 * 32 * 3, 30 * 30 * 16
        answer = inputs * outputs + outputs   # 44,251,200, against (3*3*3 + 1) * 16 = 448 for the convolution""",
    reference=Q2_EXPECTED,
    wrong_answers=(
        (32 * 32 * 3) * (30 * 30 * 16),
        448,
        (32 * 32 * 3) * (32 * 32 * 16) + 32 * 32 * 16,
        1.5,
    ),
)


# ---- q3: how deep must a network be to see the whole image? ------------------------

def _reference_q3(target, convs_per_block):
    size, jump, n = 1, 1, 0
    while True:
        size += (3 - 1) * jump  # one more 3 x 3 convolution, stride 1
        n += 1
        if size >= target:
            return n
        if n % convs_per_block == 0:  # a 2 x 2 pooling with stride 2 after each block
            size += (2 - 1) * jump
            jump *= 2


#: (target, convs_per_block); 1000 convolutions per block means no pooling at all.
_Q3_CASES = [(5, 2), (3, 1), (28, 2), (28, 1), (28, 1000), (16, 2), (20, 1), (64, 2), (100, 3), (224, 2)]


def _test_q3(function):
    for target, per_block in _Q3_CASES:
        got = _whole_number(call(function, target, per_block), f"your convs_needed({target}, {per_block})")
        expect_equal(got, _reference_q3(target, per_block), f"your convs_needed({target}, {per_block})")


q3 = Exercise(
    "Exercise 3 · How deep to see the whole image?",
    test=_test_q3,
    hint="""\
        Walk through the network one layer at a time, keeping the receptive field `size`
        (start: 1) and the `jump` (start: 1), as `receptive_fields` does. Each convolution
        adds 2 * jump; count it and stop as soon as size >= target. After every
        `convs_per_block`-th convolution comes a pooling layer: it adds 1 * jump, then
        doubles the jump. Stop on a convolution, never on a pooling layer.""",
    solution="""\
        def convs_needed(target, convs_per_block):
            size, jump, n = 1, 1, 0
            while True:
                size += 2 * jump        # a 3 x 3 convolution
                n += 1
                if size >= target:
                    return n
                if n % convs_per_block == 0:
                    size += jump        # a 2 x 2 pooling, stride 2
                    jump *= 2""",
    reference=_reference_q3,
    wrong_answers=(
        # forgets that pooling itself adds (2 - 1) * jump
        lambda target, per: next(n for n in range(1, 999) if 1 + sum(2 * 2 ** ((k - 1) // per) for k in range(1, n + 1)) >= target),
        # ignores the jump: every convolution adds 2, every pooling 1
        lambda target, per: next(n for n in range(1, 999) if 1 + 2 * n + (n - 1) // per >= target),
        # "reaches" read as "exceeds": size > target
        lambda target, per: next(n for n in range(1, 999) if _reference_q3(target + 1, per) <= n),
    ),
)
