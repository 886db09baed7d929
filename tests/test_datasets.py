"""pynn.datasets on files the tests write: IDX, network2's pickle, the embedded
digits, downloads (faked), and artificial expansion."""
import gzip
import os
import pickle
import random
import struct
import urllib.error

import numpy as np
import pytest

import pynn
from pynn import datasets


def idx_bytes(array, type_code=0x08):
    header = struct.pack(">BBBB", 0, 0, type_code, array.ndim) + struct.pack(f">{array.ndim}I", *array.shape)
    return header + array.astype(array.dtype.newbyteorder(">")).tobytes()


def write_idx_dir(directory, n_train=10050, n_test=30, gz=True, seed=0):
    rng = np.random.default_rng(seed)
    arrays = {
        "train-images-idx3-ubyte": rng.integers(0, 256, (n_train, 28, 28), dtype=np.uint8),
        "train-labels-idx1-ubyte": rng.integers(0, 10, n_train, dtype=np.uint8),
        "t10k-images-idx3-ubyte": rng.integers(0, 256, (n_test, 28, 28), dtype=np.uint8),
        "t10k-labels-idx1-ubyte": rng.integers(0, 10, n_test, dtype=np.uint8),
    }
    directory.mkdir(parents=True, exist_ok=True)
    for stem, array in arrays.items():
        raw = idx_bytes(array)
        if gz:
            (directory / (stem + ".gz")).write_bytes(gzip.compress(raw))
        else:
            (directory / stem).write_bytes(raw)
    return arrays


@pytest.mark.parametrize("gz", [True, False])
def test_read_idx_round_trip(tmp_path, gz):
    for array, code in ((np.arange(24, dtype=np.uint8).reshape(2, 3, 4), 0x08),
                        (np.array([-5, 7, 300000], dtype=np.int32), 0x0C),
                        (np.linspace(0, 1, 6).reshape(2, 3), 0x0E)):
        raw = idx_bytes(array, code)
        path = tmp_path / "a.idx"
        path.write_bytes(gzip.compress(raw) if gz else raw)
        got = datasets.read_idx(path)
        assert got.shape == array.shape and np.array_equal(got, array)


@pytest.mark.parametrize("mutate,message", [
    (lambda raw: b"\x01" + raw[1:], "magic"),
    (lambda raw: raw[:2] + b"\x42" + raw[3:], "magic"),
    (lambda raw: raw[:3] + b"\x00" + raw[4:], "dimensions"),
    (lambda raw: raw[:-1], "truncated"),
    (lambda raw: raw + b"\x00", "trailing"),
    (lambda raw: raw[:6], "header"),
    (lambda raw: b"", "too short"),
    (lambda raw: gzip.compress(raw)[:-9], "gzip"),
])
def test_malformed_idx_raises_format_error_naming_the_file(tmp_path, mutate, message):
    raw = idx_bytes(np.arange(24, dtype=np.uint8).reshape(2, 3, 4))
    path = tmp_path / "broken.idx"
    path.write_bytes(mutate(raw))
    with pytest.raises(pynn.FormatError, match=message) as info:
        datasets.read_idx(path)
    assert str(path) in str(info.value)


def test_load_data_wrapper_from_idx_has_network2_types(tmp_path):
    arrays = write_idx_dir(tmp_path / "mnist")
    training, validation, test = datasets.load_data_wrapper(tmp_path / "mnist")
    assert isinstance(training, list) and len(training) == 50 and len(validation) == 10000 and len(test) == 30
    x, y = training[0]
    assert x.shape == (784, 1) and x.dtype == np.float32 and y.shape == (10, 1) and y.sum() == 1
    assert y[arrays["train-labels-idx1-ubyte"][0], 0] == 1
    np.testing.assert_allclose(x.ravel(), arrays["train-images-idx3-ubyte"][0].ravel() / 255, rtol=1e-6)
    xv, label = validation[0]
    assert xv.shape == (784, 1) and isinstance(label, np.integer)
    assert label == arrays["train-labels-idx1-ubyte"][50]  # validation: the last 10,000 training images
    assert test[-1][1] == arrays["t10k-labels-idx1-ubyte"][-1]
    # the raw (not gzipped) files read the same
    write_idx_dir(tmp_path / "raw", gz=False)
    assert np.array_equal(datasets.load_data(tmp_path / "raw")[2][0], datasets.load_data(tmp_path / "mnist")[2][0])


def test_load_data_checks_consistency(tmp_path):
    write_idx_dir(tmp_path / "d")
    (tmp_path / "d" / "t10k-labels-idx1-ubyte.gz").write_bytes(
        gzip.compress(idx_bytes(np.zeros(29, dtype=np.uint8))))
    with pytest.raises(pynn.FormatError, match="t10k-labels"):
        datasets.load_data(tmp_path / "d")
    os.remove(tmp_path / "d" / "t10k-labels-idx1-ubyte.gz")
    with pytest.raises(FileNotFoundError, match="t10k-labels"):
        datasets.load_data(tmp_path / "d")


def _network2_pickle(path, n=(20, 5, 5), protocol=2):
    rng = np.random.default_rng(1)
    parts = tuple((rng.random((k, 784), dtype=np.float32), rng.integers(0, 10, k)) for k in n)
    with gzip.open(path, "wb") as stream:
        pickle.dump(parts, stream, protocol=protocol)
    return parts


@pytest.mark.parametrize("protocol", range(pickle.HIGHEST_PROTOCOL + 1))
def test_every_pickle_protocol_is_read(tmp_path, protocol):
    path = tmp_path / "mnist.pkl.gz"
    parts = _network2_pickle(path, protocol=protocol)
    for (X, y), (X0, y0) in zip(datasets.load_data(path), parts):
        assert np.array_equal(X, X0) and np.array_equal(y, y0) and X.flags.writeable


def test_expand_mnist_output_is_read(tmp_path):
    # expand_mnist.py pickles ([list of 784-pixel rows, list of numpy int labels],
    # validation, test) with Python's default protocol
    rng = np.random.default_rng(5)
    X = rng.random((12, 784), dtype=np.float32)
    y = rng.integers(0, 10, 12)
    rest = (rng.random((3, 784), dtype=np.float32), rng.integers(0, 10, 3))
    path = tmp_path / "mnist_expanded.pkl.gz"
    with gzip.open(path, "wb") as stream:
        pickle.dump(([list(X), list(y)], rest, rest), stream)
    training, validation, _ = datasets.load_data(path)
    assert np.array_equal(training[0], X) and np.array_equal(training[1], y)
    assert np.array_equal(validation[0], rest[0])
    pairs, _, _ = datasets.load_data_wrapper(path)
    assert len(pairs) == 12 and pairs[0][0].shape == (784, 1)
    assert np.array_equal(pairs[3][1], datasets.vectorized_result(int(y[3])))


def test_pickle_labels_outside_0_to_9_are_refused(tmp_path):
    path = tmp_path / "mnist.pkl.gz"
    part = (np.zeros((2, 784), np.float32), np.array([3, -1]))
    with gzip.open(path, "wb") as stream:
        pickle.dump((part, part, part), stream)
    with pytest.raises(pynn.FormatError, match="0..9"):
        datasets.load_data(path)


def test_load_data_reads_mnist_loaders_location(tmp_path, monkeypatch):
    # mnist_loader opens ../data/mnist.pkl.gz from the script's folder
    (tmp_path / "data").mkdir()
    (tmp_path / "src").mkdir()
    parts = _network2_pickle(tmp_path / "data" / "mnist.pkl.gz")
    monkeypatch.chdir(tmp_path / "src")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    got = datasets.load_data()
    assert np.array_equal(got[2][0], parts[2][0])
    assert len(datasets.load_data_wrapper()[0]) == 20
    assert not (tmp_path / "cache").exists()  # nothing was looked up or downloaded


def test_vectorized_result_is_mnist_loaders():
    e = datasets.vectorized_result(3)
    assert e.shape == (10, 1) and e[3, 0] == 1.0 and e.sum() == 1.0
    assert pynn.vectorized_result is datasets.vectorized_result
    assert datasets.vectorized_result(1, n=4).shape == (4, 1)
    with pytest.raises(ValueError, match="j"):
        datasets.vectorized_result(10)
    with pytest.raises(TypeError, match="j"):
        datasets.vectorized_result(2.0)


def test_network2_pickle_is_read(tmp_path):
    path = tmp_path / "mnist.pkl.gz"
    parts = _network2_pickle(path)
    got = datasets.load_data(path)
    for (X, y), (X0, y0) in zip(got, parts):
        assert np.array_equal(X, X0) and np.array_equal(y, y0) and y.dtype == np.int64
    training, validation, test = datasets.load_data_wrapper(path)
    assert len(training) == 20 and training[0][1].shape == (10, 1) and len(test) == 5


class _Hostile:
    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


def test_hostile_pickle_runs_nothing(tmp_path):
    marker = tmp_path / "pwned"
    path = tmp_path / "evil.pkl.gz"
    with gzip.open(path, "wb") as stream:
        pickle.dump(_Hostile(marker), stream, protocol=2)
    with pytest.raises(pynn.FormatError, match="not allowed"):
        datasets.load_data(path)
    assert not marker.exists()


@pytest.mark.parametrize("content", [b"", b"garbage", gzip.compress(b"\x80\x02garbage"),
                                     gzip.compress(pickle.dumps((1, 2, 3), protocol=2)),
                                     gzip.compress(pickle.dumps(np.zeros(3), protocol=2))])
def test_malformed_pickles(tmp_path, content):
    path = tmp_path / "bad.pkl.gz"
    path.write_bytes(content)
    with pytest.raises(pynn.FormatError):
        datasets.load_data(path)


def _offline(monkeypatch, tmp_path):
    def refuse(*args, **kwargs):
        raise urllib.error.URLError("no network in this test")
    monkeypatch.setattr(datasets.urllib.request, "urlopen", refuse)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("PYNN_DATA", raising=False)


def test_digits_work_offline_and_train_to_93_percent(monkeypatch, tmp_path):
    _offline(monkeypatch, tmp_path)
    data = datasets.load("digits")
    (X, y), (Xv, yv), (Xt, yt) = data
    assert X.shape == (1197, 64) and Xv.shape == (300, 64) and Xt.shape == (300, 64)
    assert X.min() >= 0 and X.max() <= 1 and set(np.unique(y)) == set(range(10))
    assert np.array_equal(datasets.load("digits").test[0], Xt)  # fixed split
    net = pynn.Network([64, 30, 10], seed=0)
    net.SGD(data.train, 30, 10, 0.5)
    accuracy = net.accuracy(data.test) / len(yt)
    assert accuracy >= 0.93, accuracy


def test_offline_without_files_says_where_to_put_them(monkeypatch, tmp_path):
    _offline(monkeypatch, tmp_path)
    with pytest.raises(FileNotFoundError, match="cache"):
        datasets.load("mnist")
    assert not (tmp_path / "cache").exists()  # no empty folders left behind
    (tmp_path / "cache").mkdir()  # a folder that was there before stays
    with pytest.raises(FileNotFoundError, match="cache"):
        datasets.load_data()
    assert list((tmp_path / "cache").iterdir()) == []


def test_pynn_data_and_cache_are_searched(monkeypatch, tmp_path):
    _offline(monkeypatch, tmp_path)
    write_idx_dir(tmp_path / "cache" / "pynn" / "mnist", seed=3)
    from_cache = datasets.load("mnist")
    write_idx_dir(tmp_path / "data" / "mnist", seed=4)
    monkeypatch.setenv("PYNN_DATA", str(tmp_path / "data"))
    from_env = datasets.load("mnist")
    assert not np.array_equal(from_cache.test[0], from_env.test[0])
    assert from_env.train[0].shape == (50, 784) and from_env.train[0].dtype == np.float32
    assert datasets.load("mnist", dtype="float64").train[0].dtype == np.float64


def test_download_is_checked_against_sha256(monkeypatch, tmp_path):
    class FakeResponse:
        def __init__(self):
            self.chunks = [b"not the real file"]

        def read(self, size):
            return self.chunks.pop() if self.chunks else b""

        def __enter__(self):
            return self

        def __exit__(self, *args):
            return False

    monkeypatch.setattr(datasets.urllib.request, "urlopen", lambda *a, **k: FakeResponse())
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("PYNN_DATA", raising=False)
    with pytest.raises(pynn.FormatError, match="SHA-256"):
        datasets.load("mnist")
    assert not (tmp_path / "cache").exists()  # nothing half-written kept, no empty folders left


def test_bad_names():
    with pytest.raises(ValueError, match="name"):
        datasets.load("cifar")
    with pytest.raises(ValueError, match="dtype"):
        datasets.load("digits", dtype="int8")


def test_shifted_images_are_the_original_moved_by_one_pixel():
    rng = np.random.default_rng(0)
    X = rng.random((3, 25))
    y = np.array([1, 2, 3])
    Xe, ye = datasets.expand(X, y, shuffle=False)
    assert Xe.shape == (15, 25) and np.array_equal(ye, np.tile(y, 5))
    images = X.reshape(3, 5, 5)
    up, down, left, right = (Xe[3 * k:3 * k + 3].reshape(3, 5, 5) for k in range(1, 5))
    assert np.array_equal(up[:, :-1], images[:, 1:]) and not up[:, -1].any()
    assert np.array_equal(down[:, 1:], images[:, :-1]) and not down[:, 0].any()
    assert np.array_equal(left[:, :, :-1], images[:, :, 1:]) and not left[:, :, -1].any()
    assert np.array_equal(right[:, :, 1:], images[:, :, :-1]) and not right[:, :, 0].any()
    assert np.array_equal(Xe[:3], X)


def test_rotations_and_more_shifts():
    rng = np.random.default_rng(1)
    X = rng.random((2, 36))
    Xe, ye = datasets.expand(X, np.array([0, 1]), shifts=2, rotations=(90, 0, -15), shuffle=False)
    assert Xe.shape == (2 * (1 + 8 + 3), 36)
    images = X.reshape(2, 6, 6)
    rot90 = Xe[18:20].reshape(2, 6, 6)
    np.testing.assert_allclose(rot90, np.rot90(images, 1, axes=(1, 2)), atol=1e-12)
    np.testing.assert_allclose(Xe[20:22], X, atol=1e-12)  # 0 degrees: unchanged
    small = Xe[22:24]
    assert 0 < np.abs(small - X).max() and small.max() <= X.max() + 1e-12
    again, _ = datasets.expand(X, np.array([0, 1]), shifts=2, rotations=(90, 0, -15), shuffle=False)
    assert np.array_equal(again, Xe)


def test_expand_shuffles_like_expand_mnist():
    rng = np.random.default_rng(2)
    X = rng.random((50, 16))
    y = np.arange(50)
    ordered, ordered_y = datasets.expand(X, y, shuffle=False)
    mixed, mixed_y = datasets.expand(X, y, seed=3)
    # the same rows with their labels, in another order
    order = np.lexsort(mixed.T)
    assert np.array_equal(mixed[order], ordered[np.lexsort(ordered.T)])
    assert np.array_equal(mixed_y[order], ordered_y[np.lexsort(ordered.T)])
    # a leading slice holds originals and shifted copies alike
    originals = {row.tobytes() for row in X}
    head = [row.tobytes() in originals for row in mixed[:50]]
    assert 0 < sum(head) < 50
    # an int seed fixes the order; without one, Python's random does (random.seed)
    assert np.array_equal(datasets.expand(X, y, seed=3)[0], mixed)
    assert not np.array_equal(datasets.expand(X, y, seed=4)[0], mixed)
    random.seed(11)
    first = datasets.expand(X, y)[0]
    random.seed(11)
    assert np.array_equal(datasets.expand(X, y)[0], first)
    with pytest.raises(TypeError, match="shuffle"):
        datasets.expand(X, y, shuffle="yes")
    with pytest.raises(ValueError, match="seed"):
        datasets.expand(X, y, seed=-1)
    with pytest.raises(ValueError, match="rotations"):
        datasets.expand(X, y, rotations=[float("nan")])


def test_expand_checks_its_arguments():
    with pytest.raises(ValueError, match="square"):
        datasets.expand(np.zeros((2, 10)), np.zeros(2))
    with pytest.raises(ValueError, match="y"):
        datasets.expand(np.zeros((2, 9)), np.zeros(3))
    with pytest.raises(ValueError, match="shifts"):
        datasets.expand(np.zeros((2, 9)), np.zeros(2), shifts=3)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_loaded_rows_start_on_cache_lines(tmp_path, dtype):
    # the fast step reads rows on a cache line with unsplit vector loads
    write_idx_dir(tmp_path / "fashion")
    for data in (datasets.load("digits", dtype=dtype), datasets.load("fashion-mnist", tmp_path / "fashion", dtype)):
        for X, _ in data:
            assert X.dtype == dtype and X.flags.c_contiguous
            assert X.ctypes.data % pynn._layout.ALIGNMENT == 0
