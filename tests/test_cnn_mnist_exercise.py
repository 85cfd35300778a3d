"""Lesson 08's Exercise 1 follow-up: Keras's own numbers for the photo CNN."""

from helpers.exercises import cnn_mnist as ex


def test_photo_cnn_numbers_match_the_reference():
    # Builds the network in Keras (no `.output` of an uncalled Sequential) and agrees with q1.
    assert ex.photo_cnn_numbers() == ex.q1.reference == (1152, 1216)
