"""MNIST-family data: IDX files, network2's mnist.pkl.gz, an embedded digits set,
and artificial expansion of training images.

    data = pynn.datasets.load("digits")            # offline: shipped in the package
    X, y = data.train                              # rows in [0, 1], int labels
    training, validation, test = pynn.datasets.load_data_wrapper("data/mnist")

``"mnist"`` and ``"fashion-mnist"`` are looked for in ``path``, then in
``$PYNN_DATA/<name>``, then in the user cache (``$XDG_CACHE_HOME/pynn/<name>``,
by default ``~/.cache/pynn/<name>``), then (Fashion-MNIST) in Debian's
``/usr/share/datasets/fashion-mnist``; failing that the four files are
downloaded into the cache and checked against their published SHA-256.
"""
import collections
import contextlib
import gzip
import hashlib
import math
import os
import pathlib
import pickle
import random
import struct
import tempfile
import urllib.error
import urllib.request
import zlib

import numpy as np

from . import _layout
from .io import FormatError, open_regular

try:  # numpy >= 2
    from numpy._core.multiarray import _reconstruct, scalar as _scalar
    from numpy._core.numeric import _frombuffer
except ImportError:  # pragma: no cover - numpy 1.x
    from numpy.core.multiarray import _reconstruct, scalar as _scalar
    from numpy.core.numeric import _frombuffer

Dataset = collections.namedtuple("Dataset", "train validation test")
Dataset.__doc__ = "train, validation and test, each a tuple (X, y): float rows in [0, 1], int64 labels."

_FILES = ("train-images-idx3-ubyte", "train-labels-idx1-ubyte",
          "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")
_SOURCES = {
    "mnist": ("https://ossci-datasets.s3.amazonaws.com/mnist/", {
        "train-images-idx3-ubyte": "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
        "train-labels-idx1-ubyte": "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
        "t10k-images-idx3-ubyte": "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
        "t10k-labels-idx1-ubyte": "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
    }),
    "fashion-mnist": ("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/", {
        "train-images-idx3-ubyte": "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84",
        "train-labels-idx1-ubyte": "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845",
        "t10k-images-idx3-ubyte": "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073",
        "t10k-labels-idx1-ubyte": "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5",
    }),
}
_SYSTEM_DIRS = {"fashion-mnist": ("/usr/share/datasets/fashion-mnist",)}
_VALIDATION_SIZE = 10000  # network2's split of the 60,000 training images: 50k / 10k

# IDX element types: code -> numpy big-endian dtype
_IDX_TYPES = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}


# ---- IDX ----------------------------------------------------------------------

# deflate cannot shrink data by more than about 1032:1: a gzip file declaring
# more inflated bytes than this times its size is not telling the truth
_GZIP_MAX_RATIO = 1100


@contextlib.contextmanager
def _data_stream(path):
    """(stream, bound, why): path's bytes, gunzipped when it starts with gzip's
    magic, an upper bound of how many the stream can give, and what to say
    when a format declares more.  Regular files
    only (a FIFO or a device is refused, not read); gzip errors and short
    reads become FormatError."""
    with open_regular(path) as raw:
        size = os.fstat(raw.fileno()).st_size
        if raw.peek(2)[:2] == b"\x1f\x8b":
            with gzip.GzipFile(fileobj=raw, mode="rb") as inflated:
                try:
                    yield inflated, size * _GZIP_MAX_RATIO, "more than the gzip file can hold"
                except (OSError, EOFError, zlib.error) as error:
                    raise FormatError(f"{path}: damaged or truncated gzip data ({error})") from None
        else:
            yield raw, size, f"the file has {size} (truncated)"


def _read_exactly(stream, count, path, what):
    """count bytes of stream (FormatError when it ends first)."""
    data = stream.read(count)
    if len(data) != count:
        raise FormatError(f"{path}: truncated {what} ({len(data)} of {count} bytes)")
    return data


def read_idx(path):
    """The array stored in an IDX file (gzipped or raw), checked strictly: the
    declared dimensions are checked against the file before anything is
    allocated, and reading stops at the declared size."""
    with _data_stream(path) as (stream, bound, too_much):
        magic = stream.read(4)
        if len(magic) < 4:
            raise FormatError(f"{path}: too short for an IDX header ({len(magic)} bytes)")
        zero, type_code, ndim = struct.unpack(">HBB", magic)
        if zero != 0 or type_code not in _IDX_TYPES:
            raise FormatError(f"{path}: bad IDX magic number 0x{magic.hex()}")
        if ndim < 1:
            raise FormatError(f"{path}: IDX file declares {ndim} dimensions")
        shape = struct.unpack(f">{ndim}I", _read_exactly(stream, 4 * ndim, path, "IDX header"))
        dtype = np.dtype(_IDX_TYPES[type_code])
        expected = math.prod(shape) * dtype.itemsize  # Python ints: no wrap-around
        header = 4 + 4 * ndim
        if header + expected > bound:
            raise FormatError(f"{path}: IDX dimensions {shape} need {header + expected} bytes, {too_much}")
        data = _read_exactly(stream, expected, path, f"IDX data for dimensions {shape}")
        if stream.read(1):
            raise FormatError(f"{path}: IDX dimensions {shape} need {header + expected} bytes, "
                              f"the file has more (trailing data)")
    return np.frombuffer(data, dtype=dtype).reshape(shape).astype(dtype.newbyteorder("="))


def _find(directory, stem):
    for name in (stem + ".gz", stem, stem.replace("-idx", ".idx")):
        candidate = pathlib.Path(directory) / name
        if candidate.is_file():
            return candidate
    return None


def read_idx_dir(directory):
    """(train images, train labels, test images, test labels) from a directory of IDX files."""
    paths = [_find(directory, stem) for stem in _FILES]
    missing = [stem for stem, path in zip(_FILES, paths) if path is None]
    if missing:
        raise FileNotFoundError(f"{directory}: missing {', '.join(m + '[.gz]' for m in missing)}")
    arrays = [read_idx(path) for path in paths]
    for images, labels, images_path, labels_path in ((arrays[0], arrays[1], paths[0], paths[1]),
                                                     (arrays[2], arrays[3], paths[2], paths[3])):
        if images.ndim != 3:
            raise FormatError(f"{images_path}: expected images (n, rows, cols), got shape {images.shape}")
        if labels.ndim != 1 or len(labels) != len(images):
            raise FormatError(f"{labels_path}: expected {len(images)} labels, got shape {labels.shape}")
        if labels.dtype.kind not in "iu":
            raise FormatError(f"{labels_path}: labels must be stored as integers, got {labels.dtype}")
        if images.dtype != np.uint8:
            raise FormatError(f"{images_path}: expected unsigned bytes, got {images.dtype}")
        if labels.size and (labels.min() < 0 or labels.max() > 9):
            raise FormatError(f"{labels_path}: labels must lie in 0..9")
    if arrays[0].shape[1:] != arrays[2].shape[1:]:
        raise FormatError(f"{directory}: training and test images differ in size")
    return arrays


def _rows(images, dtype):
    """Images (n, r, c) of bytes -> float rows (n, r*c) in [0, 1], on a cache
    line (as training reads them fastest, _layout.aligned_copy)."""
    X = _layout.aligned_copy(images.reshape(len(images), -1), dtype)
    X /= 255
    return X


def _split_idx(arrays, dtype):
    train_images, train_labels, test_images, test_labels = arrays
    if len(train_images) <= _VALIDATION_SIZE:
        raise FormatError(f"training set has {len(train_images)} images; "
                          f"the 50k/10k split needs more than {_VALIDATION_SIZE}")
    X, y = _rows(train_images, dtype), train_labels.astype(np.int64)
    cut = len(X) - _VALIDATION_SIZE
    return Dataset((X[:cut], y[:cut]), (X[cut:], y[cut:]),
                   (_rows(test_images, dtype), test_labels.astype(np.int64)))


# ---- network2's mnist.pkl.gz, without running pickle code -------------------------

class _ArraysOnly(pickle.Unpickler):
    """Unpickles numpy arrays and scalars and nothing else: any other global is
    refused, so a hostile pickle cannot run code.  Covers every protocol: 0-4
    rebuild arrays with _reconstruct, 5 with _frombuffer; numpy 1.x writes the
    module as numpy.core, numpy 2 as numpy._core."""

    _ALLOWED = {
        "_reconstruct": _reconstruct, "_frombuffer": _frombuffer, "scalar": _scalar,
        "ndarray": np.ndarray, "dtype": np.dtype,
    }
    _MODULES = {
        "_reconstruct": ("numpy.core.multiarray", "numpy._core.multiarray"),
        "scalar": ("numpy.core.multiarray", "numpy._core.multiarray"),
        "_frombuffer": ("numpy.core.numeric", "numpy._core.numeric"),
        "ndarray": ("numpy",), "dtype": ("numpy",),
    }

    def find_class(self, module, name):
        if module == "_codecs" and name == "encode":  # how Python 3 writes bytes into protocols 0-2
            import codecs
            return codecs.encode
        if module not in self._MODULES.get(name, ()):
            raise pickle.UnpicklingError(f"global {module}.{name} is not allowed")
        return self._ALLOWED[name]


def _part_arrays(part, path, name):
    """(X, y) of one part: a pair of arrays (mnist.pkl.gz), or a pair of lists
    of rows and labels (the file expand_mnist.py writes)."""
    if not (isinstance(part, (tuple, list)) and len(part) == 2):
        raise FormatError(f"{path}: {name} data must be a pair (images, labels)")
    X, y = part
    try:
        if isinstance(X, list):
            if not all(isinstance(x, np.ndarray) for x in X):
                raise FormatError(f"{path}: {name} images must be arrays")
            X = np.stack(X) if X else np.zeros((0, 0), np.float32)
        if isinstance(y, list):
            if not all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in y):
                raise FormatError(f"{path}: {name} labels must be ints")
            y = np.array(y, dtype=np.int64)
    except ValueError:
        raise FormatError(f"{path}: {name} images do not all have the same shape") from None
    if not (isinstance(X, np.ndarray) and isinstance(y, np.ndarray)):
        raise FormatError(f"{path}: {name} data must be a pair of arrays")
    return X, y


def _read_pickle(path):
    try:
        with _data_stream(path) as (stream, _, _):
            content = _ArraysOnly(stream, encoding="latin1").load()
    except FormatError:
        raise
    except Exception as error:  # any failure to decode is a malformed file
        raise FormatError(f"{path}: not a readable MNIST pickle ({type(error).__name__}: {error})") from None
    if not (isinstance(content, tuple) and len(content) == 3):
        raise FormatError(f"{path}: expected (training, validation, test)")
    parts = []
    for name, part in zip(("training", "validation", "test"), content):
        X, y = _part_arrays(part, path, name)
        if X.ndim != 2 or y.ndim != 1 or len(X) != len(y):
            raise FormatError(f"{path}: {name} data has shapes {X.shape} and {y.shape}")
        if not np.issubdtype(X.dtype, np.floating) or not np.issubdtype(y.dtype, np.integer):
            raise FormatError(f"{path}: {name} data has dtypes {X.dtype} and {y.dtype}")
        if y.size and (y.min() < 0 or y.max() > 9):
            raise FormatError(f"{path}: {name} labels must lie in 0..9, got {y.min()} to {y.max()}")
        parts.append((X if X.flags.writeable else X.copy(), y.astype(np.int64)))
    return tuple(parts)


# ---- locating, downloading --------------------------------------------------------

def cache_dir():
    """pynn's download cache: $XDG_CACHE_HOME/pynn (default ~/.cache/pynn)."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return pathlib.Path(base) / "pynn"


def _candidates(name, path):
    if path is not None:
        yield pathlib.Path(path)
        return
    if os.environ.get("PYNN_DATA"):
        yield pathlib.Path(os.environ["PYNN_DATA"]) / name
    yield cache_dir() / name
    for directory in _SYSTEM_DIRS.get(name, ()):
        yield pathlib.Path(directory)


def _download(name, target):
    """The four files into target; a failure leaves no folder it created behind."""
    created = [parent for parent in (target, *target.parents) if not parent.exists()]
    target.mkdir(parents=True, exist_ok=True)
    try:
        _download_into(name, target)
    except BaseException:
        for folder in created:  # deepest first; only the ones still empty
            try:
                folder.rmdir()
            except OSError:
                break
        raise


def _download_into(name, target):
    base, checksums = _SOURCES[name]
    for stem, expected in checksums.items():
        destination = target / (stem + ".gz")
        if destination.exists():
            continue
        handle, temporary = tempfile.mkstemp(dir=target, suffix=".part")
        try:
            digest = hashlib.sha256()
            with os.fdopen(handle, "wb") as out, urllib.request.urlopen(base + stem + ".gz", timeout=60) as response:
                for block in iter(lambda: response.read(1 << 20), b""):
                    digest.update(block)
                    out.write(block)
            if digest.hexdigest() != expected:
                raise FormatError(f"{base + stem}.gz: SHA-256 {digest.hexdigest()} is not the published {expected}")
            os.replace(temporary, destination)
        finally:
            if os.path.exists(temporary):
                os.unlink(temporary)


def local_dir(name, path=None):
    """The first folder holding all four files of name, without downloading; or None."""
    for directory in _candidates(name, path):
        if directory.is_dir() and all(_find(directory, stem) for stem in _FILES):
            return directory
    return None


def _locate(name, path):
    found = local_dir(name, path)
    if found is not None:
        return found
    if path is not None:
        return pathlib.Path(path)  # let read_idx_dir name what is missing
    target = cache_dir() / name
    try:
        _download(name, target)
    except (urllib.error.URLError, OSError) as error:
        raise FileNotFoundError(
            f"{name}: no local copy and the download failed ({error}). Put the four files "
            f"{', '.join(s + '.gz' for s in _FILES)} into {target} (or a folder named in "
            f"$PYNN_DATA/{name}, or pass path=...)") from None
    return target


# ---- public loaders ---------------------------------------------------------------

def load(name, path=None, dtype="float32"):
    """A Dataset: ``"digits"`` (shipped, offline), ``"mnist"`` or ``"fashion-mnist"``.

    X are float rows in [0, 1] (dtype float32 by default), y int64 labels.
    MNIST-family sets are split like network2: the first 50,000 training images
    train, the last 10,000 validate, the 10,000 test images test.
    """
    dtype = np.dtype(dtype)
    if dtype not in (np.float32, np.float64):
        raise ValueError(f"dtype: expected float32 or float64, got {dtype}")
    if name == "digits":
        return _digits(dtype)
    if name not in _SOURCES:
        raise ValueError(f"name: expected 'digits', 'mnist' or 'fashion-mnist', got {name!r}")
    return _split_idx(read_idx_dir(_locate(name, path)), dtype)


def _digits(dtype):
    """The UCI optical digits (1,797 8x8 images, pixel counts 0..16), split
    1,197 / 300 / 300 by a fixed permutation."""
    here = pathlib.Path(__file__).resolve().parent / "data"
    images = read_idx(here / "digits-images-idx3-ubyte.gz")
    labels = read_idx(here / "digits-labels-idx1-ubyte.gz").astype(np.int64)
    order = np.random.default_rng(20261128).permutation(len(images))
    X = _layout.aligned_copy(images.reshape(len(images), -1)[order], dtype)
    X /= dtype.type(16)
    y = labels[order]
    return Dataset((X[:1197], y[:1197]), (X[1197:1497], y[1197:1497]), (X[1497:], y[1497:]))


# Where network2's mnist_loader reads its data: relative to the working
# directory (the book's scripts run from its src/ folder).
NETWORK2_PICKLE = os.path.join("..", "data", "mnist.pkl.gz")


def load_data(path=None):
    """network2's mnist_loader.load_data: (training, validation, test), each a
    pair (X float32 (n, 784), y int64 (n,)), 50,000 / 10,000 / 10,000.

    path: network2's mnist.pkl.gz or the mnist_expanded.pkl.gz that its
    expand_mnist.py writes (either read without executing pickle code, any
    pickle protocol), or a directory of MNIST IDX files.  None reads
    mnist_loader's own ``../data/mnist.pkl.gz`` when it exists, else looks
    for MNIST as ``load("mnist")`` does.
    """
    if path is None and os.path.isfile(NETWORK2_PICKLE):
        path = NETWORK2_PICKLE
    if path is not None and os.path.exists(path) and not os.path.isdir(path):
        return _read_pickle(path)  # a file: network2's pickle (a FIFO or device is refused there)
    return tuple(load("mnist", path))


def load_data_wrapper(path=None):
    """network2's mnist_loader.load_data_wrapper: lists of (x, y) pairs with x
    a (784, 1) column; training y one-hot (10, 1) columns, validation and
    test y int labels."""
    training, validation, test = load_data(path)
    training_data = [(x.reshape(-1, 1), vectorized_result(label)) for x, label in zip(*training)]
    validation_data = [(x.reshape(-1, 1), label) for x, label in zip(*validation)]
    test_data = [(x.reshape(-1, 1), label) for x, label in zip(*test)]
    return training_data, validation_data, test_data


def vectorized_result(j, n=10):
    """mnist_loader's vectorized_result: a (n, 1) column, 1.0 at index j, 0.0 elsewhere."""
    if isinstance(j, (bool, np.bool_)) or not isinstance(j, (int, np.integer)):
        raise TypeError(f"j: expected an int label, got {j!r}")
    if not 0 <= j < n:
        raise ValueError(f"j: expected a label in [0, {n}), got {j}")
    e = np.zeros((n, 1))
    e[j] = 1.0
    return e


# ---- artificial expansion ---------------------------------------------------------

def expand(X, y, shifts=1, rotations=(), *, shuffle=True, seed=None):
    """More training data from the symmetries of images, as network2's expand_mnist:
    every image moved by 1 .. shifts pixels up, down, left and right (zero fill),
    and rotated by each angle in ``rotations`` (degrees, bilinear, zero fill).

    X: (n, side*side) square images as rows; y: (n,) or (n, k).  Returns
    n * (1 + 4 * shifts + len(rotations)) rows, shuffled as expand_mnist
    shuffles them (so that any leading slice mixes originals and copies):
    ``seed`` an int for a fixed order, None to draw it from Python's random
    (random.seed repeats it, as with expand_mnist).  ``shuffle=False`` keeps
    the order: the originals, then each family of copies.  Vectorized over images.
    """
    X = np.asarray(X)
    y = np.asarray(y)
    if X.ndim != 2:
        raise ValueError(f"X: expected images as rows (n, side*side), got shape {X.shape}")
    side = int(round(np.sqrt(X.shape[1])))
    if side * side != X.shape[1]:
        raise ValueError(f"X: rows of {X.shape[1]} pixels are not square images")
    if len(y) != len(X):
        raise ValueError(f"y: expected {len(X)} labels, got {len(y)}")
    if isinstance(shifts, bool) or not isinstance(shifts, (int, np.integer)) or not 0 <= shifts < side:
        raise ValueError(f"shifts: expected an int in [0, {side}), got {shifts!r}")
    try:
        angles = [float(a) for a in rotations]
    except (TypeError, ValueError):
        raise TypeError(f"rotations: expected a list of angles in degrees, got {rotations!r}") from None
    if not all(np.isfinite(angles)):
        raise ValueError(f"rotations: angles must be finite, got {angles}")
    if not isinstance(shuffle, (bool, np.bool_)):
        raise TypeError(f"shuffle: expected True or False, got {shuffle!r}")
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0):
        raise ValueError(f"seed: expected None or an int >= 0, got {seed!r}")
    images = X.reshape(-1, side, side)
    copies = [images]
    for s in range(1, shifts + 1):
        for axis, step in ((1, -s), (1, s), (2, -s), (2, s)):  # up, down, left, right
            copies.append(_shift(images, axis, step))
    for angle in angles:
        copies.append(_rotate(images, angle))
    expanded = np.concatenate(copies).reshape(-1, side * side)
    labels = np.concatenate([y] * len(copies))
    if not shuffle:
        return expanded, labels
    order = np.random.default_rng(random.getrandbits(64) if seed is None else seed).permutation(len(expanded))
    return expanded[order], labels[order]


def _shift(images, axis, step):
    """Images moved by step pixels along axis (1: rows, 2: columns), zeros shifted in."""
    out = np.zeros_like(images)
    source = [slice(None)] * 3
    target = [slice(None)] * 3
    if step > 0:
        source[axis], target[axis] = slice(0, -step), slice(step, None)
    else:
        source[axis], target[axis] = slice(-step, None), slice(0, step)
    out[tuple(target)] = images[tuple(source)]
    return out


def _rotate(images, degrees):
    """Images rotated about their centre, counter-clockwise as displayed (rows
    downwards; 90 degrees is numpy.rot90), bilinear, zeros outside."""
    n, side, _ = images.shape
    theta = -np.deg2rad(degrees)
    centre = (side - 1) / 2
    rows, cols = np.meshgrid(np.arange(side) - centre, np.arange(side) - centre, indexing="ij")
    # the source of each output pixel: rotate its coordinates back
    src_r = np.cos(theta) * rows - np.sin(theta) * cols + centre
    src_c = np.sin(theta) * rows + np.cos(theta) * cols + centre
    r0, c0 = np.floor(src_r).astype(int), np.floor(src_c).astype(int)
    fr, fc = src_r - r0, src_c - c0
    padded = np.zeros((n, side + 2, side + 2), dtype=np.float64)
    padded[:, 1:-1, 1:-1] = images
    out = np.zeros((n, side, side))
    for dr, dc, weight in ((0, 0, (1 - fr) * (1 - fc)), (0, 1, (1 - fr) * fc),
                           (1, 0, fr * (1 - fc)), (1, 1, fr * fc)):
        rr, cc = r0 + dr, c0 + dc
        inside = (rr >= -1) & (rr <= side) & (cc >= -1) & (cc <= side)
        rr, cc = np.clip(rr, -1, side) + 1, np.clip(cc, -1, side) + 1
        out += np.where(inside, weight, 0.0) * padded[:, rr, cc]
    return out.astype(images.dtype) if np.issubdtype(images.dtype, np.floating) else \
        np.clip(np.rint(out), np.iinfo(images.dtype).min, np.iinfo(images.dtype).max).astype(images.dtype)
