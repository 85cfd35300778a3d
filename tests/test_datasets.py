"""helpers.datasets: IDX parsing, checksums, search order, errors and downloads."""

from __future__ import annotations

import gzip
import hashlib
import os
from pathlib import Path

import numpy as np
import pytest

from helpers import datasets
from helpers.datasets import DatasetError, read_idx

SHARED = Path(__file__).resolve().parents[2] / "shared" / "datasets"


def idx_bytes(array: np.ndarray) -> bytes:
    """Serialise a uint8 array as IDX (images if 3-D, labels if 1-D)."""
    array = np.ascontiguousarray(array, dtype=np.uint8)
    magic = 2051 if array.ndim == 3 else 2049
    head = magic.to_bytes(4, "big") + b"".join(int(d).to_bytes(4, "big") for d in array.shape)
    return head + array.tobytes()


def write_gz(path: Path, payload: bytes) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(path, "wb") as f:
        f.write(payload)
    return hashlib.sha256(payload).hexdigest()


@pytest.fixture
def tiny_dataset(tmp_path, monkeypatch):
    """A fake 'mnist' of 5 + 3 random images in tmp_path/mnist, with matching checksums."""
    rng = np.random.default_rng(0)
    arrays = {
        "train-images-idx3-ubyte": rng.integers(0, 256, (5, 4, 3), dtype=np.uint8),
        "train-labels-idx1-ubyte": rng.integers(0, 10, 5, dtype=np.uint8),
        "t10k-images-idx3-ubyte": rng.integers(0, 256, (3, 4, 3), dtype=np.uint8),
        "t10k-labels-idx1-ubyte": rng.integers(0, 10, 3, dtype=np.uint8),
    }
    sums = {stem: write_gz(tmp_path / "mnist" / f"{stem}.gz", idx_bytes(a)) for stem, a in arrays.items()}
    spec = dict(datasets.DATASETS["mnist"], sha256=sums)
    monkeypatch.setitem(datasets.DATASETS, "mnist", spec)
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path))
    monkeypatch.setattr(datasets, "REPO_DATA_DIR", tmp_path / "repo-data")
    return tmp_path, arrays


def test_read_idx_round_trip(tmp_path):
    images = np.arange(2 * 3 * 4, dtype=np.uint8).reshape(2, 3, 4)
    digest = write_gz(tmp_path / "x.gz", idx_bytes(images))
    got = read_idx(tmp_path / "x.gz", digest)
    np.testing.assert_array_equal(got, images)
    assert got.dtype == np.uint8 and got.flags.writeable


def test_read_idx_labels(tmp_path):
    labels = np.array([3, 1, 4, 1, 5], dtype=np.uint8)
    write_gz(tmp_path / "y.gz", idx_bytes(labels))
    np.testing.assert_array_equal(read_idx(tmp_path / "y.gz"), labels)


def test_loader_returns_the_files_in_order(tiny_dataset):
    _, arrays = tiny_dataset
    (x_train, y_train), (x_test, y_test) = datasets.load_mnist(download=False)
    np.testing.assert_array_equal(x_train, arrays["train-images-idx3-ubyte"])
    np.testing.assert_array_equal(y_train, arrays["train-labels-idx1-ubyte"])
    np.testing.assert_array_equal(x_test, arrays["t10k-images-idx3-ubyte"])
    np.testing.assert_array_equal(y_test, arrays["t10k-labels-idx1-ubyte"])


def test_checksum_mismatch_names_the_file(tiny_dataset):
    root, arrays = tiny_dataset
    bad = arrays["train-images-idx3-ubyte"].copy()
    bad[0, 0, 0] ^= 1  # one flipped bit, same size
    write_gz(root / "mnist" / "train-images-idx3-ubyte.gz", idx_bytes(bad))
    with pytest.raises(DatasetError, match=r"train-images-idx3-ubyte\.gz fails its checksum.*delete it"):
        datasets.load_mnist(download=False)


def test_truncated_file_names_the_file(tiny_dataset):
    root, arrays = tiny_dataset
    payload = idx_bytes(arrays["t10k-images-idx3-ubyte"])
    write_gz(root / "mnist" / "t10k-images-idx3-ubyte.gz", payload[:-7])
    with pytest.raises(DatasetError, match=r"t10k-images-idx3-ubyte\.gz is truncated"):
        datasets.load_mnist(download=False)


def test_truncated_gzip_stream_names_the_file(tiny_dataset):
    root, _ = tiny_dataset
    path = root / "mnist" / "train-labels-idx1-ubyte.gz"
    path.write_bytes(path.read_bytes()[:-12])  # cut the gzip trailer and some data
    with pytest.raises(DatasetError, match=r"train-labels-idx1-ubyte\.gz"):
        datasets.load_mnist(download=False)


def test_not_gzip_names_the_file(tiny_dataset):
    root, _ = tiny_dataset
    (root / "mnist" / "train-labels-idx1-ubyte.gz").write_text("<html>Not Found</html>")
    with pytest.raises(DatasetError, match=r"train-labels-idx1-ubyte\.gz could not be read as a gzip file"):
        datasets.load_mnist(download=False)


def test_wrong_magic_number(tmp_path):
    write_gz(tmp_path / "z.gz", (1234).to_bytes(4, "big") + bytes(8))
    with pytest.raises(DatasetError, match="not an IDX image or label file"):
        read_idx(tmp_path / "z.gz")


def test_trailing_bytes_are_rejected(tmp_path):
    write_gz(tmp_path / "t.gz", idx_bytes(np.zeros(3, np.uint8)) + b"extra")
    with pytest.raises(DatasetError, match="more bytes than its header"):
        read_idx(tmp_path / "t.gz")


def test_missing_data_without_download_lists_the_three_ways(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path / "nowhere"))
    monkeypatch.setattr(datasets, "REPO_DATA_DIR", tmp_path / "repo-data")
    with pytest.raises(DatasetError) as info:
        datasets.load_fashion_mnist(download=False)
    message = str(info.value)
    assert "fashion-mnist data set was not found" in message
    assert "COURSE_DATA_DIR" in message and "data/fashion-mnist" in message and "internet" in message


def test_search_order_env_before_repo_data(tiny_dataset, monkeypatch):
    root, _ = tiny_dataset
    assert datasets.find_dataset("mnist") == root / "mnist"
    assert datasets.describe_source("mnist") == "mnist: found in $COURSE_DATA_DIR/mnist"
    monkeypatch.delenv("COURSE_DATA_DIR")
    assert datasets.find_dataset("mnist") is None
    assert "not on this machine yet" in datasets.describe_source("mnist")


def test_unknown_dataset_name():
    with pytest.raises(ValueError, match="name must be one of"):
        datasets.find_dataset("cifar10")


def test_download_through_keras_is_verified_and_atomic(tmp_path, monkeypatch):
    """A 'download' from a file:// mirror lands in data/ only after its checksum passes."""
    rng = np.random.default_rng(1)
    mirror = tmp_path / "mirror"
    arrays = {
        "train-images-idx3-ubyte": rng.integers(0, 256, (4, 2, 2), dtype=np.uint8),
        "train-labels-idx1-ubyte": rng.integers(0, 10, 4, dtype=np.uint8),
        "t10k-images-idx3-ubyte": rng.integers(0, 256, (2, 2, 2), dtype=np.uint8),
        "t10k-labels-idx1-ubyte": rng.integers(0, 10, 2, dtype=np.uint8),
    }
    sums = {stem: write_gz(mirror / f"{stem}.gz", idx_bytes(a)) for stem, a in arrays.items()}
    repo_data = tmp_path / "repo-data"
    monkeypatch.delenv("COURSE_DATA_DIR", raising=False)
    monkeypatch.setattr(datasets, "REPO_DATA_DIR", repo_data)

    # 1. a corrupt file on the mirror: error names it, nothing is left behind
    good = dict(sums)
    bad_sums = dict(sums, **{"t10k-images-idx3-ubyte": "0" * 64})
    monkeypatch.setitem(datasets.DATASETS, "mnist", dict(datasets.DATASETS["mnist"], url=mirror.as_uri() + "/", sha256=bad_sums))
    with pytest.raises(DatasetError, match=r"t10k-images-idx3-ubyte\.gz fails its checksum"):
        datasets.load_mnist()
    left = sorted(p.name for p in (repo_data / "mnist").iterdir())
    assert left == ["train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"]  # verified ones only

    # 2. a good mirror completes the set, and the second call reads from disk
    monkeypatch.setitem(datasets.DATASETS, "mnist", dict(datasets.DATASETS["mnist"], url=mirror.as_uri() + "/", sha256=good))
    (x_train, y_train), (x_test, y_test) = datasets.load_mnist()
    np.testing.assert_array_equal(x_test, arrays["t10k-images-idx3-ubyte"])
    assert sorted(p.name for p in (repo_data / "mnist").iterdir()) == sorted(f"{s}.gz" for s in arrays)
    for p in (mirror).iterdir():
        p.unlink()
    datasets.load_mnist()  # mirror is empty now: must not be needed


def test_failed_download_says_what_to_do(tmp_path, monkeypatch):
    monkeypatch.delenv("COURSE_DATA_DIR", raising=False)
    monkeypatch.setattr(datasets, "REPO_DATA_DIR", tmp_path / "repo-data")
    missing = (tmp_path / "no-mirror").as_uri() + "/"
    monkeypatch.setitem(datasets.DATASETS, "fashion-mnist", dict(datasets.DATASETS["fashion-mnist"], url=missing))
    with pytest.raises(DatasetError) as info:
        datasets.load_fashion_mnist()
    message = str(info.value)
    assert "downloading train-images-idx3-ubyte.gz failed" in message
    assert "COURSE_DATA_DIR" in message and "internet" in message
    assert not any(p.is_file() for p in (tmp_path / "repo-data").rglob("*"))  # no half-written file


real_data = pytest.mark.skipif(
    not os.environ.get("COURSE_DATA_DIR"), reason="COURSE_DATA_DIR is not set (CI points it at ../shared/datasets)"
)


@real_data
@pytest.mark.parametrize("loader", [datasets.load_mnist, datasets.load_fashion_mnist])
def test_real_datasets_have_keras_shapes(loader):
    (x_train, y_train), (x_test, y_test) = loader(download=False)
    assert x_train.shape == (60000, 28, 28) and y_train.shape == (60000,)
    assert x_test.shape == (10000, 28, 28) and y_test.shape == (10000,)
    for a in (x_train, y_train, x_test, y_test):
        assert a.dtype == np.uint8
    assert set(np.unique(y_train)) == set(range(10))


@real_data
def test_fashion_mnist_equals_keras_loader(tmp_path, monkeypatch):
    """Keras's own loader, fed the same files from its cache, returns identical arrays."""
    source = Path(os.environ["COURSE_DATA_DIR"]) / "fashion-mnist"
    cache = tmp_path / "keras-home" / "datasets" / "fashion-mnist"
    cache.mkdir(parents=True)
    for f in source.glob("*.gz"):
        (cache / f.name).symlink_to(f)
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras-home"))
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import keras
    from keras.src.datasets import fashion_mnist

    monkeypatch.setattr(fashion_mnist, "get_file", _offline_get_file(keras, cache))
    theirs = keras.datasets.fashion_mnist.load_data()
    ours = datasets.load_fashion_mnist(download=False)
    for a, b in zip((*theirs[0], *theirs[1]), (*ours[0], *ours[1])):
        assert a.dtype == b.dtype and a.shape == b.shape
        np.testing.assert_array_equal(a, b)


def _offline_get_file(keras, cache: Path):
    """get_file that serves from ``cache`` and fails loudly if Keras would download."""

    def get_file(fname, origin=None, cache_dir=None, **kwargs):
        path = cache / fname
        if not path.exists():
            raise AssertionError(f"Keras tried to download {fname}")
        return str(path)

    return get_file
