"""Train one model recipe of helpers.models.RECIPES and print its numbers as JSON.

    python benchmarks/training.py mnist-course          # the course's tuned MNIST CNN
    python benchmarks/training.py fashion-recipe --epochs 1

Run by benchmarks/run.py, one process per model, so no model inherits another's state.
The last line printed is a JSON object: model, epochs, batch size, training seconds
(wall time of fit), seconds per epoch, test accuracy, parameter count, peak RSS.
Every model trains on the course's training part (the first 55,000 images).
"""

from __future__ import annotations

import argparse
import json
import resource
import sys

import helpers
from helpers import datasets

WHICH = {
    "mnist-course": ("mnist_cnn", datasets.load_mnist),
    "mnist-recipe": ("mnist_tutorial", datasets.load_mnist),
    "fashion-course": ("fashion_cnn", datasets.load_fashion_mnist),
    "fashion-recipe": ("fashion_tutorial", datasets.load_fashion_mnist),
    "fashion-dense": ("fashion_dense", datasets.load_fashion_mnist),
}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("which", choices=sorted(WHICH))
    parser.add_argument("--epochs", type=int, default=None, help="train fewer epochs than the recipe (reduced mode)")
    args = parser.parse_args(argv)

    helpers.setup(tensorflow=True)  # seeds, quiet TensorFlow import
    from helpers import models, training

    recipe_name, load = WHICH[args.which]
    recipe = models.RECIPES[recipe_name]
    (x_train, y_train), (x_test, y_test) = load()
    n_train = models.TRAIN_SIZE - models.VALIDATION_SIZE  # the course's training part, as in the lessons
    x_train, y_train = x_train[:n_train], y_train[:n_train]
    # Every model, course or recipe, is fed by the same tf.data pipeline the lessons use
    # (uint8 images, batches converted to float32 on the fly, prefetch).
    train_data = training.make_dataset(x_train, y_train, batch_size=recipe.batch_size, seed=0)
    epochs = args.epochs or recipe.epochs
    if recipe.takes_plan:
        model = recipe.builder(epochs=epochs, batch_size=recipe.batch_size, train_size=n_train)
    else:
        model = recipe.build()
    run = training.train(model, train_data, epochs=epochs, log=False)
    _, accuracy = model.evaluate(training.to_model_input(x_test), y_test, batch_size=1000, verbose=0)
    print(json.dumps({
        "model": recipe_name,
        "description": recipe.description,
        "epochs": epochs,
        "recipe_epochs": recipe.epochs,
        "batch_size": recipe.batch_size,
        "train_seconds": round(run.seconds, 2),
        "epoch_seconds": [round(s, 2) for s in run.epoch_seconds],
        "test_accuracy": round(float(accuracy), 4),
        "parameters": int(model.count_params()),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
