"""Re-measure the design tables of lessons 08 and 09 on the validation split (maintainers).

    python benchmarks/design.py mnist                 # every row, seeds 0 1 2, this CPU's ISA
    python benchmarks/design.py fashion --seeds 0 1
    ONEDNN_MAX_CPU_ISA=AVX2 python benchmarks/design.py mnist --isa-label AVX2

Each row is one way to build and train a network. Every (row, seed) trains in its own
Python process on the course's training part (the first 55,000 training images) and is
scored on the validation part (the last 5,000): the test set is never used here, so the
lessons can choose their network from these numbers and touch the test set once, at the
end. Results are merged into helpers/measured/design_<dataset>.json under the ISA
label (``default`` unless given); the package ships it and the lessons print it
(``models.design_results``).

Not part of `make bench` (it takes 20-40 minutes per dataset and ISA on 2 cores).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "helpers" / "measured"  # package data: the lessons read it, on Colab too

# label, how the network is built, how it is trained. "classic" is the tutorial stack of
# models.tutorial_mnist_cnn / tutorial_fashion_cnn; "course" is models.course_cnn_layers.
ROWS = {
    "mnist": [
        {"key": "recipe", "label": "classic network, RMSprop, batches of 64 (the recipe)",
         "arch": "classic", "optimizer": "rmsprop", "batch_size": 64, "epochs": 5, "seeds": [0]},
        {"key": "one_cycle", "label": "classic network, Adam one-cycle, batches of 128",
         "arch": "classic", "optimizer": "one_cycle", "batch_size": 128, "epochs": 3},
        {"key": "lean_5x5", "label": "the same with a 5x5 first layer",
         "arch": "course", "layers": {"first_kernel": 5, "filters": [24, 48]}, "optimizer": "one_cycle", "batch_size": 128, "epochs": 3},
        {"key": "narrow", "label": "... and 16/32 filters instead of 24/48",
         "arch": "course", "layers": {"first_kernel": 5, "filters": [16, 32]}, "optimizer": "one_cycle", "batch_size": 128, "epochs": 3},
        {"key": "narrow_no_bn", "label": "... without batch norm (same learning rate)",
         "arch": "course", "layers": {"first_kernel": 5, "filters": [16, 32], "batch_norm": False}, "optimizer": "one_cycle", "batch_size": 128, "epochs": 3},
        {"key": "narrow_2_epochs", "label": "16/32 filters, 2 epochs",
         "arch": "course", "layers": {"first_kernel": 5, "filters": [16, 32]}, "optimizer": "one_cycle", "batch_size": 128, "epochs": 2},
    ],
    "fashion": [
        {"key": "recipe", "label": "tutorial network, Adam, batches of 32 (the recipe)",
         "arch": "classic", "optimizer": "adam", "batch_size": 32, "epochs": 20, "seeds": [0]},
        {"key": "course_4", "label": "course CNN (16/32 filters, dropout 0.15), 4 epochs",
         "arch": "course", "layers": {"filters": [16, 32], "dropout": 0.15}, "optimizer": "one_cycle", "batch_size": 128, "epochs": 4},
        {"key": "course_6", "label": "the same, 6 epochs",
         "arch": "course", "layers": {"filters": [16, 32], "dropout": 0.15}, "optimizer": "one_cycle", "batch_size": 128, "epochs": 6},
        {"key": "course_6_drop30", "label": "the same, 6 epochs, dropout 0.3",
         "arch": "course", "layers": {"filters": [16, 32], "dropout": 0.3}, "optimizer": "one_cycle", "batch_size": 128, "epochs": 6},
        {"key": "wide_6", "label": "24/48 filters, dropout 0.15, 6 epochs",
         "arch": "course", "layers": {"filters": [24, 48], "dropout": 0.15}, "optimizer": "one_cycle", "batch_size": 128, "epochs": 6},
    ],
}


def _one_run(dataset: str, row: dict, seed: int) -> dict:
    """Train one row with one seed in this process and return its numbers."""
    import helpers

    helpers.setup(tensorflow=True)
    import keras
    import numpy as np

    from helpers import datasets, models, training

    keras.utils.set_random_seed(seed)
    (x, y), _ = datasets.load_mnist() if dataset == "mnist" else datasets.load_fashion_mnist()
    n_train = models.TRAIN_SIZE - models.VALIDATION_SIZE
    x_train, y_train, x_val, y_val = x[:n_train], y[:n_train], x[n_train:], y[n_train:]
    if row["arch"] == "classic":
        model = models.tutorial_mnist_cnn() if dataset == "mnist" else models.tutorial_fashion_cnn()
    else:
        options = dict(row.get("layers", {}))
        if "filters" in options:
            options["filters"] = tuple(options["filters"])
        model = keras.Sequential([keras.Input(shape=models.INPUT_SHAPE), *models.course_cnn_layers(**options)])
    if row["optimizer"] == "one_cycle":
        models.compile_one_cycle(model, epochs=row["epochs"], batch_size=row["batch_size"], train_size=n_train)
    elif row["optimizer"] != ("rmsprop" if dataset == "mnist" else "adam"):
        raise ValueError(f"row {row['key']}: optimizer {row['optimizer']!r} is not the recipe's")
    train_data = training.make_dataset(x_train, y_train, batch_size=row["batch_size"], seed=seed)
    cpu0 = time.process_time()
    run = training.train(model, train_data, epochs=row["epochs"], log=False)
    cpu = time.process_time() - cpu0
    val = float(np.mean(training.predict_classes(model, training.to_model_input(x_val)) == y_val))
    return {
        "seed": seed,
        "val_accuracy": round(val, 4),
        "train_accuracy_last_epoch": round(run.history["accuracy"][-1], 4),
        "train_seconds": round(run.seconds, 2),
        "cpu_seconds": round(cpu, 2),
        "epoch_seconds": [round(s, 2) for s in run.epoch_seconds],
        "parameters": int(model.count_params()),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dataset", choices=sorted(ROWS))
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--rows", nargs="+", help="only these row keys")
    parser.add_argument("--isa-label", default=os.environ.get("ONEDNN_MAX_CPU_ISA", "default"))
    parser.add_argument("--child", nargs=2, metavar=("ROW", "SEED"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    rows = {row["key"]: row for row in ROWS[args.dataset]}
    if args.child:
        print(json.dumps(_one_run(args.dataset, rows[args.child[0]], int(args.child[1]))))
        return 0

    path = RESULTS / f"design_{args.dataset}.json"
    results = json.loads(path.read_text()) if path.exists() else {}
    table = results.setdefault(args.isa_label, {})
    for key, row in rows.items():
        if args.rows and key not in args.rows:
            continue
        for seed in row.get("seeds", args.seeds) if not args.rows else args.seeds:
            command = [sys.executable, __file__, args.dataset, "--child", key, str(seed)]
            done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
            if done.returncode != 0:
                print(done.stderr[-3000:], file=sys.stderr)
                return 1
            run = json.loads(done.stdout.strip().splitlines()[-1])
            entry = table.setdefault(key, {k: v for k, v in row.items() if k != "seeds"})
            entry["runs"] = [r for r in entry.get("runs", []) if r["seed"] != seed] + [run]
            entry["runs"].sort(key=lambda r: r["seed"])
            results["measured"] = f"{dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M} UTC on {platform.processor() or platform.machine()}, {os.cpu_count()} cores"
            path.write_text(json.dumps(results, indent=1) + "\n")
            print(f"{args.isa_label} {key} seed {seed}: val {run['val_accuracy']:.4f}, {run['train_seconds']:.1f} s "
                  f"({run['cpu_seconds']:.0f} CPU-s)", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
