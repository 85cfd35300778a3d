"""Measure the course on this machine: how fast, how big (`make bench`).

    python benchmarks/run.py                       # everything (recipes in reduced-epoch mode)
    python benchmarks/run.py --full-recipes        # train the tutorial recipes for all their epochs
    python benchmarks/run.py --full-recipes mnist  # only the MNIST recipe in full
    python benchmarks/run.py --only notebooks      # one or more of: notebooks training convolution suite
    python benchmarks/run.py --only training --reuse-recipes   # re-measure the course models only
    python benchmarks/run.py --only notebooks --lessons 08 09  # only these lessons
    ONEDNN_MAX_CPU_ISA=AVX2 python benchmarks/run.py --only training   # as on an AVX2-only laptop

Sections:

notebooks    each lesson executed headlessly in a fresh kernel: wall time and the
             kernel's peak resident memory (VmHWM of the kernel process).
training     training time and test accuracy of the course's MNIST and Fashion-MNIST
             CNNs against the tutorial recipes they improve on, each run in its own
             Python process.
convolution  helpers.convolution.correlate2d and helpers.pooling.pool2d against their
             loop versions, scipy.ndimage.correlate, scipy.signal.fftconvolve and
             tf.nn.conv2d over image sizes 64..1024 and kernel sizes 3..21, as ratios.
suite        the whole test suite (`python -m pytest`), wall time.

Results go to benchmarks/results/latest.json (machine-readable) and latest.md (a
Markdown report); a section not re-measured keeps its previous numbers. The runtimes in
README's lesson index are refreshed from the JSON. Every budget is checked; a missed one
prints a line starting with "FAIL" and makes the exit status 1. Benchmarks measure;
the tests never assert on time.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"
NOTEBOOKS = ROOT / "notebooks"

BUDGETS = {
    "suite_seconds": 600,  # whole test suite under 10 minutes on a 2-core CPU
    "notebook_peak_rss_mb": 1000,  # every notebook within Binder's guaranteed 1 GB (peak RSS)
    "mnist_accuracy": 0.992,
    "mnist_train_seconds": 30,
    "mnist_time_ratio": 2 / 3,  # course / recipe training time
    "fashion_accuracy": 0.920,
    "fashion_train_seconds": 60,
    "fashion_time_ratio": 1 / 5,
    "correlate_vs_scipy_3x3": 1.5,  # correlate2d / scipy.ndimage.correlate, 3x3 kernel
    "correlate_vs_best_scipy": 2.0,  # correlate2d / min(ndimage, fftconvolve), kernels up to 21x21
}


# ----------------------------------------------------------------------------- machine

def machine() -> dict:
    """What these numbers were measured on."""
    info = {
        "date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "python": platform.python_version(),
        "system": f"{platform.system()} {platform.machine()}",
        "cores": os.cpu_count(),
    }
    try:
        cpuinfo = Path("/proc/cpuinfo").read_text()
        model = re.search(r"model name\s*:\s*(.+)", cpuinfo)
        info["cpu"] = model.group(1).strip() if model else platform.processor()
        flags = re.search(r"flags\s*:\s*(.+)", cpuinfo)
        flags = set(flags.group(1).split()) if flags else set()
        info["cpu_isa"] = "AVX-512" if "avx512f" in flags else "AVX2" if "avx2" in flags else "older than AVX2"
        mem = re.search(r"MemTotal:\s*(\d+) kB", Path("/proc/meminfo").read_text())
        info["memory_gb"] = round(int(mem.group(1)) / 1024**2, 1) if mem else None
    except OSError:
        info["cpu"] = platform.processor()
    from importlib import metadata

    for package in ("numpy", "scipy", "tensorflow", "keras"):
        try:
            info[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            info[package] = None
    # What oneDNN (TensorFlow's CPU kernels) may use: ONEDNN_MAX_CPU_ISA=AVX2 on an AVX-512
    # machine shows what an AVX2-only laptop gets.
    forced = os.environ.get("ONEDNN_MAX_CPU_ISA")
    info["isa"] = forced.upper().replace("AVX512_CORE", "AVX-512") if forced else info.get("cpu_isa", "unknown")
    info["load_average_at_start"] = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    return info


# ----------------------------------------------------------------------------- notebooks

def _peak_rss_mb(pid: int) -> float | None:
    """Peak resident memory of a process (Linux VmHWM), in MB."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    match = re.search(r"VmHWM:\s*(\d+) kB", status)
    return int(match.group(1)) / 1024 if match else None


class _RssPoller(threading.Thread):
    """Fallback where /proc has no VmHWM: poll the kernel's RSS with psutil."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid, self.peak, self.stop = pid, 0.0, threading.Event()

    def run(self):
        try:
            import psutil

            process = psutil.Process(self.pid)
            while not self.stop.is_set():
                self.peak = max(self.peak, process.memory_info().rss / 1024**2)
                time.sleep(0.05)
        except Exception:
            pass


def bench_notebook(path: Path) -> dict:
    """Execute one notebook (not saved) in a fresh kernel; wall time and kernel peak RSS."""
    import nbformat

    sys.path.insert(0, str(ROOT / "tools"))
    from patient_client import PatientClient  # nbclient#312 workaround, see that file

    nb = nbformat.read(path, as_version=4)
    client = PatientClient(nb, timeout=900, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}})
    start = time.perf_counter()
    with client.setup_kernel():
        pid = client.km.provisioner.process.pid
        poller = _RssPoller(pid)
        poller.start()
        for index, cell in enumerate(nb.cells):
            client.execute_cell(cell, index)
        seconds = time.perf_counter() - start
        peak = _peak_rss_mb(pid)
        poller.stop.set()
        if peak is None:
            peak = poller.peak or None
    return {"notebook": path.name, "seconds": round(seconds, 1), "peak_rss_mb": round(peak) if peak else None}


def section_notebooks(only: list[str] | None = None, previous: list[dict] | None = None) -> list[dict]:
    """Every lesson, or only those whose two-digit numbers are in ``only`` (the others keep
    their ``previous`` rows)."""
    rows = []
    kept = {r["notebook"]: r for r in previous or []}
    for path in sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb")):
        if only and path.name[:2] not in only:
            if path.name in kept:
                rows.append(kept[path.name])
            continue
        print(f"  {path.name:48s}", end=" ", flush=True)
        row = bench_notebook(path)
        print(f"{row['seconds']:6.1f} s  {row['peak_rss_mb']} MB", flush=True)
        rows.append(row)
    return rows


# ----------------------------------------------------------------------------- training

def _train_in_subprocess(which: str, epochs: int | None) -> dict:
    command = [sys.executable, str(ROOT / "benchmarks" / "training.py"), which]
    if epochs is not None:
        command += ["--epochs", str(epochs)]
    result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
    if result.returncode != 0:
        raise RuntimeError(f"training run {which} failed:\n{result.stdout[-2000:]}\n{result.stderr[-4000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def section_training(full_recipes: list[str], repeats: int = 3, previous: dict | None = None) -> dict:
    """Course models ``repeats`` times (the median run counts: a VM's timings are noisy);
    the recipes named in ``full_recipes`` in full, the others for 1 epoch, extrapolated to
    all their epochs (stated as an estimate). With ``previous`` (an earlier training
    section), its recipe results are reused instead of training the recipes again."""
    out = {}
    for data in ("mnist", "fashion"):
        runs = [_train_in_subprocess(f"{data}-course", None) for _ in range(repeats)]
        runs.sort(key=lambda r: r["train_seconds"])
        course = dict(runs[len(runs) // 2])
        course["train_seconds_runs"] = [r["train_seconds"] for r in runs]
        course["test_accuracy_runs"] = [r["test_accuracy"] for r in runs]
        print(f"  {data} course: {course['train_seconds']:.1f} s (median of {course['train_seconds_runs']}), "
              f"accuracy {course['test_accuracy']:.4f}", flush=True)
        if previous and data in previous:
            recipe = dict(previous[data]["recipe"])
            recipe["reused"] = True
        elif data in full_recipes:
            recipe = _train_in_subprocess(f"{data}-recipe", None)
            recipe["estimated"] = False
        else:
            one = _train_in_subprocess(f"{data}-recipe", 1)
            per_epoch = one["epoch_seconds"][-1] if len(one["epoch_seconds"]) > 0 else one["train_seconds"]
            recipe = dict(one)
            recipe["estimated"] = True
            recipe["train_seconds"] = round(one["train_seconds"] + per_epoch * (one["recipe_epochs"] - 1), 1)
            recipe["test_accuracy"] = None  # not measured: only one of its epochs was run
            recipe["note"] = f"estimated from 1 of {one['recipe_epochs']} epochs"
        print(f"  {data} recipe: {recipe['train_seconds']:.1f} s" + (" (estimated)" if recipe.get("estimated") else f", accuracy {recipe['test_accuracy']:.4f}")
              + (" (reused from the previous run)" if recipe.get("reused") else ""), flush=True)
        out[data] = {"course": course, "recipe": recipe, "time_ratio": round(course["train_seconds"] / recipe["train_seconds"], 3)}
    return out


# ----------------------------------------------------------------------------- convolution

def _best_time(function, *, repeat: int = 5, budget: float = 2.0) -> float:
    """Best of several runs (seconds); fewer runs for slow functions."""
    times = []
    start = time.perf_counter()
    for _ in range(repeat):
        t0 = time.perf_counter()
        function()
        times.append(time.perf_counter() - t0)
        if time.perf_counter() - start > budget:
            break
    return min(times)


def section_convolution() -> dict:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import numpy as np
    from scipy import ndimage, signal

    from helpers.convolution import correlate2d, correlate2d_loops
    from helpers.notebook import _quiet_stderr_fd
    from helpers.pooling import pool2d, pool2d_loops

    with _quiet_stderr_fd():
        import tensorflow as tf

        tf.config.list_physical_devices()  # its GPU probe logs "failed call to cuInit" on CPU-only machines

    rng = np.random.default_rng(0)
    rows = []
    for n in (64, 128, 256, 512, 1024):
        image = rng.random((n, n))
        for k in (3, 5, 7, 11, 15, 21):
            kernel = rng.standard_normal((k, k))
            t = {
                "correlate2d": _best_time(lambda: correlate2d(image, kernel)),
                "ndimage": _best_time(lambda: ndimage.correlate(image, kernel, mode="constant")),
                "fftconvolve": _best_time(lambda: signal.fftconvolve(image, kernel[::-1, ::-1], mode="same")),
            }
            x = tf.constant(image[None, :, :, None], tf.float32)
            w = tf.constant(kernel[:, :, None, None], tf.float32)
            tf.nn.conv2d(x, w, 1, "SAME")  # warm-up (graph tracing, thread pools)
            t["tf.nn.conv2d"] = _best_time(lambda: tf.nn.conv2d(x, w, 1, "SAME").numpy())
            if n <= 128:  # the loops take minutes on larger images
                t["loops"] = _best_time(lambda: correlate2d_loops(image, kernel), repeat=1)
            best_scipy = min(t["ndimage"], t["fftconvolve"])
            rows.append({
                "image": n, "kernel": k,
                "seconds": {name: round(v, 6) for name, v in t.items()},
                "ratio_vs_ndimage": round(t["correlate2d"] / t["ndimage"], 3),
                "ratio_vs_best_scipy": round(t["correlate2d"] / best_scipy, 3),
                "ratio_vs_tf": round(t["correlate2d"] / t["tf.nn.conv2d"], 3),
                "loops_ratio": round(t["loops"] / t["correlate2d"], 1) if "loops" in t else None,
            })
            print(f"  correlate2d {n}x{n} k={k:2d}: {t['correlate2d'] * 1e3:8.2f} ms, "
                  f"x{rows[-1]['ratio_vs_ndimage']:.2f} of ndimage, x{rows[-1]['ratio_vs_best_scipy']:.2f} of best SciPy", flush=True)
    pool_rows = []
    for n in (64, 256, 1024):
        image = rng.random((n, n)).astype(np.float32)
        for size in (2, 4):
            t_vec = _best_time(lambda: pool2d(image, size))
            x = tf.constant(image[None, :, :, None])
            tf.nn.max_pool2d(x, size, size, "VALID")
            t_tf = _best_time(lambda: tf.nn.max_pool2d(x, size, size, "VALID").numpy())
            row = {"image": n, "size": size, "seconds": {"pool2d": round(t_vec, 6), "tf.nn.max_pool2d": round(t_tf, 6)}}
            if n <= 256:
                t_loop = _best_time(lambda: pool2d_loops(image, size), repeat=1)
                row["seconds"]["loops"] = round(t_loop, 6)
                row["loops_ratio"] = round(t_loop / t_vec, 1)
            row["ratio_vs_tf"] = round(t_vec / t_tf, 3)
            pool_rows.append(row)
    return {"correlate2d": rows, "pool2d": pool_rows}


# ----------------------------------------------------------------------------- suite

def section_suite() -> dict:
    start = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:randomly"], cwd=ROOT, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    summary = [l for l in result.stdout.splitlines() if re.search(r"\d+ (passed|failed)", l)]
    return {"seconds": round(seconds, 1), "exit_code": result.returncode, "summary": summary[-1] if summary else ""}


# ----------------------------------------------------------------------------- budgets

def check_budgets(results: dict) -> list[str]:
    """One line per budget: 'ok ...' or 'FAIL ...'."""
    lines = []

    def verdict(ok: bool, text: str):
        lines.append(("ok   " if ok else "FAIL ") + text)

    for row in results.get("notebooks", []):
        if row["peak_rss_mb"] is not None:
            verdict(row["peak_rss_mb"] <= BUDGETS["notebook_peak_rss_mb"],
                    f"{row['notebook']}: peak RSS {row['peak_rss_mb']} MB (budget {BUDGETS['notebook_peak_rss_mb']} MB)")
    by_isa = results.get("training_by_isa") or ({"unknown ISA": results["training"]} if results.get("training") else {})
    for isa, training in by_isa.items():
        for data, label in (("mnist", "MNIST"), ("fashion", "Fashion-MNIST")):
            if data not in training:
                continue
            t = training[data]
            label = f"[{isa}] {label}"
            acc, secs = t["course"]["test_accuracy"], t["course"]["train_seconds"]
            verdict(acc >= BUDGETS[f"{data}_accuracy"], f"{label} course CNN test accuracy {acc:.4f} (budget >= {BUDGETS[f'{data}_accuracy']})")
            verdict(secs <= BUDGETS[f"{data}_train_seconds"], f"{label} course CNN training {secs:.1f} s (budget <= {BUDGETS[f'{data}_train_seconds']} s)")
            verdict(t["time_ratio"] <= BUDGETS[f"{data}_time_ratio"],
                    f"{label} course/recipe training time {t['time_ratio']:.3f} (budget <= {BUDGETS[f'{data}_time_ratio']:.3f})"
                    + (" [recipe time estimated]" if t["recipe"].get("estimated") else ""))
            recipe_acc = t["recipe"].get("test_accuracy")
            if recipe_acc is not None:
                verdict(acc > recipe_acc, f"{label} course accuracy {acc:.4f} above the recipe's {recipe_acc:.4f}")
    conv = results.get("convolution", {}).get("correlate2d", [])
    for row in conv:
        if row["kernel"] == 3 and row["image"] == 512:
            verdict(row["ratio_vs_ndimage"] <= BUDGETS["correlate_vs_scipy_3x3"],
                    f"correlate2d 512x512, 3x3: x{row['ratio_vs_ndimage']:.2f} of scipy.ndimage.correlate (budget x{BUDGETS['correlate_vs_scipy_3x3']})")
    if conv:
        worst = max(conv, key=lambda r: r["ratio_vs_best_scipy"])
        verdict(worst["ratio_vs_best_scipy"] <= BUDGETS["correlate_vs_best_scipy"],
                f"correlate2d, worst case over {len(conv)} sizes ({worst['image']}x{worst['image']}, k={worst['kernel']}): "
                f"x{worst['ratio_vs_best_scipy']:.2f} of SciPy's best route (budget x{BUDGETS['correlate_vs_best_scipy']})")
    if "suite" in results:
        s = results["suite"]
        verdict(s["exit_code"] == 0 and s["seconds"] <= BUDGETS["suite_seconds"],
                f"test suite {s['seconds']:.0f} s, exit {s['exit_code']} (budget {BUDGETS['suite_seconds']} s, green)")
    return lines


# ----------------------------------------------------------------------------- reports

def markdown(results: dict, budget_lines: list[str]) -> str:
    m = results["machine"]
    out = ["# Benchmark results", "",
           f"Measured {m['date']} on {m.get('cpu')} ({m['cores']} cores, {m.get('memory_gb')} GB), "
           f"{m['system']}, Python {m['python']}, NumPy {m['numpy']}, SciPy {m['scipy']}, "
           f"TensorFlow {m['tensorflow']}, Keras {m['keras']}. Produced by `make bench`.", ""]
    out += ["## Budgets", ""] + [f"- {'✅' if l.startswith('ok') else '❌'} {l[5:]}" for l in budget_lines] + [""]
    if results.get("notebooks"):
        out += ["## Notebooks (fresh kernel, headless)", "", "| Notebook | Wall time (s) | Kernel peak RSS (MB) |", "|---|---:|---:|"]
        out += [f"| {r['notebook']} | {r['seconds']} | {r['peak_rss_mb']} |" for r in results["notebooks"]]
        total = sum(r["seconds"] for r in results["notebooks"])
        out += [f"| **all** | **{total:.0f}** | |", ""]
    by_isa = results.get("training_by_isa") or ({"unknown ISA": results["training"]} if results.get("training") else {})
    for isa, training in by_isa.items():
        out += [f"## Training on {isa}: course models vs tutorial recipes", "",
                f"Measured {training.get('measured', 'earlier')}; CPU kernels limited to {isa} "
                "(ONEDNN_MAX_CPU_ISA when it is set). Trained on the first 55,000 training images.", "",
                "| Data | Model | Epochs | Batch | Training (s) | Test accuracy | Parameters |", "|---|---|---:|---:|---:|---:|---:|"]
        for data, t in training.items():
            if data == "measured":
                continue
            for kind in ("course", "recipe"):
                r = t[kind]
                acc = f"{r['test_accuracy']:.4f}" if r.get("test_accuracy") is not None else "not run"
                secs = f"{r['train_seconds']:.1f}" + (" (est.)" if r.get("estimated") else "")
                if r.get("train_seconds_runs"):
                    secs += f" (median of {', '.join(f'{v:.1f}' for v in r['train_seconds_runs'])})"
                out.append(f"| {data} | {r['model']} | {r['recipe_epochs'] if kind == 'recipe' else r['epochs']} | {r['batch_size']} | {secs} | {acc} | {r['parameters']:,} |")
            out.append(f"| {data} | **course / recipe time** | | | **{t['time_ratio']:.3f}** | | |")
        out += [""]
    if by_isa:
        out += ["Each course model is trained several times in fresh processes and the median run "
                "counts: on this virtual machine one epoch sometimes takes 30 % longer than the next. "
                "Recipe times marked (est.) come from the reduced-epoch mode: one epoch timed, the "
                "others assumed as long as it; `--full-recipes` trains them completely. "
                "`ONEDNN_MAX_CPU_ISA=AVX2 make bench` measures what an AVX2-only laptop gets.", ""]
    conv = results.get("convolution")
    if conv:
        out += ["## Convolution: `correlate2d` time relative to other routes", "",
                "Ratios below 1 mean `correlate2d` is faster. Loops: how many times slower the loop "
                "version is (measured up to 128x128).", "",
                "| Image | Kernel | correlate2d (ms) | ÷ ndimage | ÷ best SciPy | ÷ tf.nn.conv2d | loops ÷ correlate2d |",
                "|---:|---:|---:|---:|---:|---:|---:|"]
        for r in conv["correlate2d"]:
            out.append(f"| {r['image']} | {r['kernel']} | {r['seconds']['correlate2d'] * 1e3:.2f} | {r['ratio_vs_ndimage']:.2f} | "
                       f"{r['ratio_vs_best_scipy']:.2f} | {r['ratio_vs_tf']:.2f} | {r['loops_ratio'] if r['loops_ratio'] else ''} |")
        out += ["", "## Pooling: `pool2d` (max)", "", "| Image | Window | pool2d (ms) | ÷ tf.nn.max_pool2d | loops ÷ pool2d |", "|---:|---:|---:|---:|---:|"]
        for r in conv["pool2d"]:
            out.append(f"| {r['image']} | {r['size']} | {r['seconds']['pool2d'] * 1e3:.2f} | {r['ratio_vs_tf']:.2f} | {r.get('loops_ratio', '')} |")
        out.append("")
    if results.get("suite"):
        s = results["suite"]
        out += ["## Test suite", "", f"`python -m pytest`: {s['seconds']:.0f} s, exit code {s['exit_code']} ({s['summary']}).", ""]
    return "\n".join(out)


def update_readme(results: dict) -> bool:
    """Refresh the Runtime column of README's lesson index from the notebook timings."""
    rows = {r["notebook"]: r for r in results.get("notebooks", [])}
    if not rows:
        return False
    readme = ROOT / "README.md"
    text = readme.read_text()
    changed = text
    for name, row in rows.items():
        pattern = re.compile(r"^(\| \d\d \| \[[^\]]+\]\(notebooks/" + re.escape(name) + r"\) \|[^\n]*\| )[^|\n]*( \|)$", re.M)
        changed = pattern.sub(lambda m: f"{m.group(1)}{row['seconds']:.0f} s{m.group(2)}", changed)
    m = results["machine"]
    changed = re.sub(
        r"Runtimes are wall-clock times[^\n]*\n[^\n]*\n",
        f"Runtimes are wall-clock times of each notebook in a fresh kernel, measured by `make bench`\n"
        f"on {m['date'][:10]}: {m['cores']} cores ({m.get('cpu')}), {m.get('memory_gb')} GB, no GPU, TensorFlow {m['tensorflow']}.\n",
        changed, count=1)
    if changed != text:
        readme.write_text(changed)
        return True
    return False


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="+", choices=["notebooks", "training", "convolution", "suite"])
    parser.add_argument("--full-recipes", nargs="*", choices=["mnist", "fashion"], default=None,
                        help="train these tutorial recipes (default: both) for all their epochs instead of estimating")
    parser.add_argument("--repeats", type=int, default=3, help="runs of each course model; the median counts (default 3)")
    parser.add_argument("--reuse-recipes", action="store_true",
                        help="keep the recipes' results of the previous run (they take minutes) and re-measure only the course models")
    parser.add_argument("--lessons", nargs="+", metavar="NN", help="notebooks section: only these lessons (e.g. 08 09)")
    parser.add_argument("--no-readme", action="store_true", help="do not touch README.md")
    args = parser.parse_args(argv)
    sections = args.only or ["notebooks", "training", "convolution", "suite"]

    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / "latest.json"
    results = json.loads(path.read_text()) if path.exists() else {}
    results["machine"] = machine()
    print(f"machine: {results['machine']}")
    for name in sections:
        print(f"== {name}", flush=True)
        results.setdefault("measured", {})[name] = results["machine"]["date"]
        if name == "notebooks":
            results["notebooks"] = section_notebooks(args.lessons, results.get("notebooks"))
        elif name == "training":
            full = [] if args.full_recipes is None else (args.full_recipes or ["mnist", "fashion"])
            isa = results["machine"]["isa"]
            by_isa = results.setdefault("training_by_isa", {})
            previous = by_isa.get(isa) if args.reuse_recipes else None
            by_isa[isa] = section_training(full, args.repeats, previous)
            by_isa[isa]["measured"] = results["machine"]["date"]
            results["training"] = by_isa[isa]
        elif name == "convolution":
            results["convolution"] = section_convolution()
        elif name == "suite":
            results["suite"] = section_suite()
    lines = check_budgets(results)
    results["budgets"] = lines
    path.write_text(json.dumps(results, indent=1) + "\n")
    (RESULTS / "latest.md").write_text(markdown(results, lines))
    if not args.no_readme and update_readme(results):
        print("README.md: lesson runtimes refreshed")
    print("\n".join(lines))
    failed = [l for l in lines if l.startswith("FAIL")]
    print(f"{len(lines) - len(failed)} budgets met, {len(failed)} missed; report in benchmarks/results/latest.md")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
