"""Saving and loading networks as JSON, in network2.py's format.

The file holds network2's keys -- ``sizes``, ``weights`` (nested lists),
``biases`` (nested lists, columns) and ``cost`` (the class name) -- so a
sigmoid network saved here loads in network2.py, plus pynn's own keys
``activations``, ``dtype`` and ``format``, which network2 ignores.  A file
without them (one network2 wrote) is a sigmoid network in float64.  A network
network2 cannot represent (a layer that is not sigmoid, a cost it lacks) has
its cost name prefixed with ``pynn-only:``, so that network2's load raises
instead of building a different network.
"""
import collections
import json
import os
import stat
import tempfile

import numpy as np

from . import _checks, _layout, activations, costs

FORMAT = "pynn-network-1"
# network2 looks the cost up by name in its own module and builds an all-sigmoid
# network.  A network it cannot represent is saved under a cost name it does not
# have, so network2's load fails loudly instead of building a different network.
PYNN_ONLY = "pynn-only:"
NETWORK2_COSTS = ("QuadraticCost", "CrossEntropyCost")


def _cost_key(cost, names):
    """The file's "cost": the class name, prefixed when network2 cannot read the file."""
    if cost.__name__ in NETWORK2_COSTS and all(a == "sigmoid" for a in names):
        return cost.__name__
    return PYNN_ONLY + cost.__name__


class FormatError(ValueError):
    """A file is not what it claims to be (malformed, truncated or inconsistent)."""


def write(filename, saved):
    """Writes a Saved (a network's contents) to filename as JSON, atomically:
    a crash leaves the old file or the new one.  Only a regular file (or a new
    path) is replaced; errors name filename."""
    data = {
        "sizes": list(saved.sizes),
        "weights": [W.tolist() for W in saved.weights],
        "biases": [b.tolist() for b in saved.biases],
        "cost": _cost_key(saved.cost, saved.activations),
        "activations": list(saved.activations),
        "dtype": saved.dtype,
        "format": FORMAT,
    }
    path = os.fsdecode(os.fspath(filename))
    if not all(np.isfinite(array).all() for array in (*saved.weights, *saved.biases)):
        raise ValueError(f"{path}: the network's weights or biases hold NaN or infinity; nothing was saved")
    if os.path.lexists(path) and not os.path.isfile(path):
        # a device, FIFO, folder or link to one: replacing it is not saving
        raise ValueError(f"{path}: not a regular file; save() replaces only files")
    directory = os.path.dirname(os.path.abspath(path))
    try:
        handle, temporary = tempfile.mkstemp(prefix=".pynn-", suffix=".tmp", dir=directory)
    except OSError as error:  # the caller's name, not the temporary file's
        raise _naming(error, path) from None
    try:
        with os.fdopen(handle, "w") as stream:
            json.dump(data, stream, allow_nan=False)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException as error:
        try:
            os.unlink(temporary)
        except FileNotFoundError:
            pass
        if isinstance(error, OSError):
            raise _naming(error, path) from None
        raise


def _naming(error, path):
    """The same kind of OSError, saying which file could not be saved."""
    what = f"cannot save to {path}: {error.strerror or error}"
    return type(error)(error.errno, what) if error.errno is not None else type(error)(what)


def _fail(filename, what):
    raise FormatError(f"{filename}: {what}")


def open_regular(filename):
    """A binary stream on filename, refused (FormatError) unless it is a regular
    file: a FIFO would block, a device (/dev/zero) would never end.  Opened
    without blocking, then checked on the open descriptor (no race)."""
    path = os.fsdecode(os.fspath(filename))
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise FormatError(f"{path}: not a regular file")
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


Saved = collections.namedtuple("Saved", "sizes cost activations dtype weights biases")
Saved.__doc__ = "A model file's contents, checked: what Network needs to be rebuilt."


def read(filename):
    """The checked contents (Saved) of a JSON file written by Network.save or by
    network2.py's save; FormatError for anything else.  Every declared size is
    checked against the others and against the file before arrays are built."""
    path = os.fsdecode(os.fspath(filename))
    with open_regular(path) as stream:
        raw = stream.read()
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        _fail(path, "not a text (JSON) file")
    except json.JSONDecodeError as error:
        _fail(path, f"not valid JSON ({error.msg} at line {error.lineno})")
    except RecursionError:
        _fail(path, "JSON nested too deeply to be a model file")
    if not isinstance(data, dict):
        _fail(path, "expected a JSON object with sizes, weights, biases and cost")
    missing = [key for key in ("sizes", "weights", "biases", "cost") if key not in data]
    if missing:
        _fail(path, f"missing key(s) {', '.join(missing)}")
    if data.get("format", FORMAT) != FORMAT:
        _fail(path, f"unknown format {data['format']!r} (this pynn reads {FORMAT!r})")

    sizes = data["sizes"]
    # every layer holds at least 2 parameters, 2 bytes of JSON each: refused
    # before its sizes are looked at one by one
    if isinstance(sizes, list) and len(sizes) - 1 > len(raw) // 4:
        _fail(path, f"'sizes' declares {len(sizes) - 1} layers, more than the file can hold")
    if not (isinstance(sizes, list) and len(sizes) >= 2 and
            all(isinstance(s, int) and not isinstance(s, bool) and 1 <= s <= _checks.MAX_LAYER for s in sizes)):
        _fail(path, f"'sizes' must be a list of at least 2 ints in [1, 2**30], got {_shorten(sizes)}")
    n_layers = len(sizes) - 1
    # every parameter takes at least 2 bytes of JSON ("0,"): a file cannot hold more
    count = _layout.count(sizes)
    if count > len(raw) // 2:
        _fail(path, f"'sizes' {_shorten(sizes)} declare {count} parameters, more than the file can hold")
    cost = data["cost"]
    if isinstance(cost, str) and cost.startswith(PYNN_ONLY):
        cost = cost[len(PYNN_ONLY):]
    if not isinstance(cost, str) or cost not in costs.BY_CLASS_NAME:
        _fail(path, f"unknown cost {_shorten(cost)}; expected one of {', '.join(costs.BY_CLASS_NAME)}")
    names = data.get("activations", ["sigmoid"] * n_layers)
    if not (isinstance(names, list) and len(names) == n_layers and all(isinstance(a, str) for a in names)):
        _fail(path, f"'activations' must list {n_layers} names, got {_shorten(names)}")
    for name in names[:-1]:
        if name not in activations.HIDDEN:
            _fail(path, f"unknown hidden activation {name!r}")
    if names[-1] not in activations.OUTPUT:
        _fail(path, f"unknown output activation {names[-1]!r}")
    dtype = data.get("dtype", "float64")
    if dtype not in ("float64", "float32"):
        _fail(path, f"unknown dtype {_shorten(dtype)}")

    arrays = {}
    for key in ("weights", "biases"):
        layers = data[key]
        if not isinstance(layers, list) or len(layers) != n_layers:
            _fail(path, f"'{key}' must hold {n_layers} layers")
        arrays[key] = []
        for index, (layer, n_in, n_out) in enumerate(zip(layers, sizes[:-1], sizes[1:])):
            shape = (n_out, n_in) if key == "weights" else (n_out, 1)
            try:
                array = np.array(layer, dtype=np.float64)
            except (TypeError, ValueError, OverflowError):
                _fail(path, f"{key}[{index}] is not a rectangular array of numbers")
            if array.shape != shape and not (key == "biases" and array.shape == shape[:1]):
                _fail(path, f"{key}[{index}] has shape {array.shape}, expected {shape}")
            if not np.isfinite(array).all():
                _fail(path, f"{key}[{index}] contains NaN or infinity")
            arrays[key].append(array.reshape(shape))
    return Saved(sizes, costs.BY_CLASS_NAME[cost], names, dtype, arrays["weights"], arrays["biases"])


def _shorten(value, limit=80):
    """repr(value), cut for an error message (a hostile file may hold megabytes:
    of a long list or string only the start is written out)."""
    head = value[:limit] if isinstance(value, (list, str)) and len(value) > limit else value
    text = repr(head)
    return text if head is value and len(text) <= limit else text[:limit] + "..."
