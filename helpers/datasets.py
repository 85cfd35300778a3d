"""MNIST and Fashion-MNIST, offline first and verified (introduced in lesson 00).

``load_mnist()`` and ``load_fashion_mnist()`` return exactly what
``keras.datasets.mnist.load_data()`` and ``keras.datasets.fashion_mnist.load_data()``
return -- ``((x_train, y_train), (x_test, y_test))`` as uint8 arrays in the published
order -- but they look for the files on disk before they try the network:

1. the directory named by the environment variable ``COURSE_DATA_DIR``
   (``$COURSE_DATA_DIR/mnist/*.gz`` and ``$COURSE_DATA_DIR/fashion-mnist/*.gz``);
2. ``data/`` in the course repository;
3. a download through Keras (first use only), saved into ``data/`` for next time.

Every file is checked against the SHA-256 of its decompressed content, the checksums
the data sets' publishers list, so a truncated or corrupt file is caught and named.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import shutil
import tempfile
from pathlib import Path
from typing import BinaryIO

import numpy as np

__all__ = [
    "DATASETS",
    "FASHION_MNIST_CLASSES",
    "DatasetError",
    "data_dirs",
    "describe_source",
    "find_dataset",
    "load_fashion_mnist",
    "load_mnist",
    "read_idx",
]

#: Name of the environment variable that points at a directory holding the data sets.
DATA_DIR_VARIABLE = "COURSE_DATA_DIR"

_CHECKOUT = Path(__file__).resolve().parent.parent

#: Where downloads are stored: ``data/`` in a clone of the repository; in an installed
#: copy of ``helpers`` without the repository (Colab), a cache folder in the home directory.
REPO_DATA_DIR = (
    _CHECKOUT / "data"
    if (_CHECKOUT / "pyproject.toml").is_file()
    else Path.home() / ".cache" / "pixels-to-cnns"
)

#: Class names of Fashion-MNIST, indexed by label.
FASHION_MNIST_CLASSES: tuple[str, ...] = (
    "T-shirt/top",
    "Trouser",
    "Pullover",
    "Dress",
    "Coat",
    "Sandal",
    "Shirt",
    "Sneaker",
    "Bag",
    "Ankle boot",
)

_FILES = (
    "train-images-idx3-ubyte",
    "train-labels-idx1-ubyte",
    "t10k-images-idx3-ubyte",
    "t10k-labels-idx1-ubyte",
)

#: Per data set: sub-folder name, download mirror, and the SHA-256 of each file's
#: decompressed content (the published checksums).
DATASETS: dict[str, dict] = {
    "mnist": {
        "folder": "mnist",
        "url": "https://storage.googleapis.com/cvdf-datasets/mnist/",
        "sha256": {
            "train-images-idx3-ubyte": "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
            "train-labels-idx1-ubyte": "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
            "t10k-images-idx3-ubyte": "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
            "t10k-labels-idx1-ubyte": "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
        },
    },
    "fashion-mnist": {
        "folder": "fashion-mnist",
        "url": "https://storage.googleapis.com/tensorflow/tf-keras-datasets/",
        "sha256": {
            "train-images-idx3-ubyte": "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",
            "train-labels-idx1-ubyte": "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9",
            "t10k-images-idx3-ubyte": "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b",
            "t10k-labels-idx1-ubyte": "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34",
        },
    },
}

_IMAGES_MAGIC = 2051
_LABELS_MAGIC = 2049

_HOW_TO_PROVIDE = """\
There are three ways to provide it (README, section "Data sets and offline use"):
  1. set the environment variable {var} to a folder that holds {folder}/<the four .gz files>;
  2. copy the four .gz files into {repo}/{folder}/;
  3. connect to the internet once: the course downloads the files into data/ itself."""


class DatasetError(RuntimeError):
    """A data set file is missing, truncated or corrupt, or could not be downloaded."""


def data_dirs() -> list[Path]:
    """The folders searched for data sets, in order: ``$COURSE_DATA_DIR``, then ``data/``."""
    dirs = []
    env = os.environ.get(DATA_DIR_VARIABLE, "").strip()
    if env:
        dirs.append(Path(env).expanduser())
    dirs.append(REPO_DATA_DIR)
    return dirs


def _read_exact(stream: BinaryIO, n: int, path: Path) -> bytes:
    data = stream.read(n)
    if len(data) != n:
        raise DatasetError(_truncated(path))
    return data


def _truncated(path: Path) -> str:
    return (
        f"{path} is truncated: it ends before all its images or labels are read. "
        f"Delete it and copy or download it again."
    )


def read_idx(path: str | os.PathLike, expected_sha256: str | None = None) -> np.ndarray:
    """Read one gzip-compressed IDX file (images or labels) into a uint8 array.

    The pixels are decompressed straight into the returned array (no temporary copy),
    and the SHA-256 of the decompressed bytes is compared with ``expected_sha256``.

    Parameters
    ----------
    path
        A ``*-idx3-ubyte.gz`` (images, shape ``(n, rows, cols)``) or
        ``*-idx1-ubyte.gz`` (labels, shape ``(n,)``) file.
    expected_sha256
        Hex digest of the decompressed content; ``None`` skips the check.

    Raises
    ------
    DatasetError
        If the file is not gzip, not IDX, truncated, too long or fails the checksum.
    """
    path = Path(path)
    digest = hashlib.sha256()
    try:
        with gzip.open(path, "rb") as stream:
            head = _read_exact(stream, 8, path)
            magic = int.from_bytes(head[:4], "big")
            count = int.from_bytes(head[4:8], "big")
            if magic == _IMAGES_MAGIC:
                dims = _read_exact(stream, 8, path)
                head += dims
                shape: tuple[int, ...] = (
                    count,
                    int.from_bytes(dims[:4], "big"),
                    int.from_bytes(dims[4:], "big"),
                )
            elif magic == _LABELS_MAGIC:
                shape = (count,)
            else:
                raise DatasetError(
                    f"{path} is not an IDX image or label file (magic number {magic}, "
                    f"expected {_IMAGES_MAGIC} or {_LABELS_MAGIC}). "
                    f"Delete it and copy or download it again."
                )
            digest.update(head)
            array = np.empty(shape, dtype=np.uint8)
            view = memoryview(array).cast("B")
            filled = 0
            while filled < len(view):  # 1 MB at a time: one big readinto() makes a temporary copy of it all
                got = stream.readinto(view[filled : filled + (1 << 20)])
                if not got:
                    raise DatasetError(_truncated(path))
                filled += got
            digest.update(view)
            if stream.read(1):
                raise DatasetError(
                    f"{path} holds more bytes than its header announces. "
                    f"Delete it and copy or download it again."
                )
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        if isinstance(exc, FileNotFoundError):
            raise DatasetError(f"{path} does not exist.") from None
        raise DatasetError(
            f"{path} could not be read as a gzip file ({exc}). "
            f"It is probably truncated or corrupt: delete it and copy or download it again."
        ) from None
    if expected_sha256 is not None and digest.hexdigest() != expected_sha256:
        raise DatasetError(
            f"{path} fails its checksum: the SHA-256 of its content is {digest.hexdigest()}, "
            f"the published value is {expected_sha256}. The file is corrupt or not the "
            f"original; delete it and copy or download it again."
        )
    return array


def find_dataset(name: str) -> Path | None:
    """The first folder among :func:`data_dirs` that holds all four files of ``name``."""
    spec = _spec(name)
    for base in data_dirs():
        folder = base / spec["folder"]
        if all((folder / f"{f}.gz").is_file() for f in _FILES):
            return folder
    return None


def describe_source(name: str) -> str:
    """Where ``name`` would be loaded from, in words, without machine-specific paths."""
    spec = _spec(name)
    folder = find_dataset(name)
    if folder is None:
        return (
            f"{name}: not on this machine yet; it will be downloaded into data/ on first use "
            f"(needs internet; see README, 'Data sets and offline use')"
        )
    if folder.parent == REPO_DATA_DIR:
        return f"{name}: found in data/{spec['folder']}"
    return f"{name}: found in ${DATA_DIR_VARIABLE}/{spec['folder']}"


def _spec(name: str) -> dict:
    if name not in DATASETS:
        raise ValueError(f"name must be one of {sorted(DATASETS)}, got {name!r}")
    return DATASETS[name]


def _download(name: str) -> Path:
    """Download the four files of ``name`` through Keras into ``data/``, atomically."""
    spec = _spec(name)
    target = REPO_DATA_DIR / spec["folder"]
    try:
        target.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DatasetError(f"Could not create {target} for the download: {exc}") from None
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    from keras.utils import get_file  # imported late: Keras is slow to import

    for stem in _FILES:
        final = target / f"{stem}.gz"
        if final.is_file():
            continue
        with tempfile.TemporaryDirectory(dir=target, prefix=".download-") as tmp:
            try:
                fetched = get_file(
                    fname=f"{stem}.gz",
                    origin=spec["url"] + f"{stem}.gz",
                    cache_dir=tmp,
                    cache_subdir=".",
                )
            except Exception as exc:  # Keras raises a bare Exception when offline
                raise DatasetError(
                    f"The {name} data set is not on this machine and downloading "
                    f"{stem}.gz failed ({type(exc).__name__}: {exc}).\n"
                    + _HOW_TO_PROVIDE.format(
                        var=DATA_DIR_VARIABLE, folder=spec["folder"], repo="data"
                    )
                ) from None
            read_idx(fetched, spec["sha256"][stem])  # verify before keeping it
            shutil.move(fetched, final)
    return target


def _load(name: str, download: bool) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    spec = _spec(name)
    folder = find_dataset(name)
    if folder is None:
        if not download:
            searched = ", ".join(str(d / spec["folder"]) for d in data_dirs())
            raise DatasetError(
                f"The {name} data set was not found (looked in {searched}).\n"
                + _HOW_TO_PROVIDE.format(var=DATA_DIR_VARIABLE, folder=spec["folder"], repo="data")
            )
        folder = _download(name)
    arrays = [read_idx(folder / f"{stem}.gz", spec["sha256"][stem]) for stem in _FILES]
    x_train, y_train, x_test, y_test = arrays
    if len(x_train) != len(y_train) or len(x_test) != len(y_test):
        raise DatasetError(f"{folder}: the numbers of images and labels differ. Copy the files again.")
    return (x_train, y_train), (x_test, y_test)


def load_mnist(*, download: bool = True):
    """Load MNIST: ``((x_train, y_train), (x_test, y_test))``, uint8, as Keras returns it.

    Shapes: (60000, 28, 28), (60000,), (10000, 28, 28), (10000,). Looks in
    ``$COURSE_DATA_DIR/mnist``, then ``data/mnist``, then downloads (unless
    ``download=False``). Raises :class:`DatasetError` with what to do if that fails.
    """
    return _load("mnist", download)


def load_fashion_mnist(*, download: bool = True):
    """Load Fashion-MNIST: ``((x_train, y_train), (x_test, y_test))``, uint8, as Keras returns it.

    Shapes: (60000, 28, 28), (60000,), (10000, 28, 28), (10000,); class names in
    :data:`FASHION_MNIST_CLASSES`. Looks in ``$COURSE_DATA_DIR/fashion-mnist``, then
    ``data/fashion-mnist``, then downloads (unless ``download=False``).
    """
    return _load("fashion-mnist", download)
