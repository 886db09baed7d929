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
import json
import os
import tempfile

import numpy as np

from . import activations, costs

FORMAT = "pynn-network-1"
# network2 looks the cost up by name in its own module and builds an all-sigmoid
# network.  A network it cannot represent is saved under a cost name it does not
# have, so network2's load fails loudly instead of building a different network.
PYNN_ONLY = "pynn-only:"
NETWORK2_COSTS = ("QuadraticCost", "CrossEntropyCost")


def _cost_key(net):
    """The file's "cost": the class name, prefixed when network2 cannot read the file."""
    name = net.cost.__name__
    if name in NETWORK2_COSTS and all(a == "sigmoid" for a in net.activations):
        return name
    return PYNN_ONLY + name


class FormatError(ValueError):
    """A file is not what it claims to be (malformed, truncated or inconsistent)."""


def save(net, filename):
    """Writes net to filename atomically: a crash leaves the old file or the new one."""
    with net._exclusive("saving"):
        data = {
            "sizes": list(net.sizes),
            "weights": [W.tolist() for W in net._weight_views()],
            "biases": [b.tolist() for b in net._bias_views()],
            "cost": _cost_key(net),
            "activations": list(net.activations),
            "dtype": net.dtype.name,
            "format": FORMAT,
        }
    path = os.fsdecode(os.fspath(filename))
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
        if isinstance(error, ValueError) and "JSON" in str(error):
            raise ValueError(f"{path}: the network's weights hold NaN or infinity; nothing was saved") from None
        raise


def _naming(error, path):
    """The same kind of OSError, saying which file could not be saved."""
    what = f"cannot save to {path}: {error.strerror or error}"
    return type(error)(error.errno, what) if error.errno is not None else type(error)(what)


def _fail(filename, what):
    raise FormatError(f"{filename}: {what}")


def load(filename):
    """A Network from a JSON file written by Network.save or by network2.py's save."""
    from .network import Network

    path = os.fspath(filename)
    try:
        with open(path, "r", encoding="utf-8") as stream:
            data = json.load(stream)
    except UnicodeDecodeError:
        _fail(path, "not a text (JSON) file")
    except json.JSONDecodeError as error:
        _fail(path, f"not valid JSON ({error.msg} at line {error.lineno})")
    if not isinstance(data, dict):
        _fail(path, "expected a JSON object with sizes, weights, biases and cost")
    missing = [key for key in ("sizes", "weights", "biases", "cost") if key not in data]
    if missing:
        _fail(path, f"missing key(s) {', '.join(missing)}")
    if data.get("format", FORMAT) != FORMAT:
        _fail(path, f"unknown format {data['format']!r} (this pynn reads {FORMAT!r})")

    sizes = data["sizes"]
    if not (isinstance(sizes, list) and len(sizes) >= 2 and
            all(isinstance(s, int) and not isinstance(s, bool) and s >= 1 for s in sizes)):
        _fail(path, f"'sizes' must be a list of at least 2 positive ints, got {sizes!r}")
    cost = data["cost"]
    if isinstance(cost, str) and cost.startswith(PYNN_ONLY):
        cost = cost[len(PYNN_ONLY):]
    if not isinstance(cost, str) or cost not in costs.BY_CLASS_NAME:
        _fail(path, f"unknown cost {cost!r}; expected one of {', '.join(costs.BY_CLASS_NAME)}")
    n_layers = len(sizes) - 1
    names = data.get("activations", ["sigmoid"] * n_layers)
    if not (isinstance(names, list) and len(names) == n_layers and all(isinstance(a, str) for a in names)):
        _fail(path, f"'activations' must list {n_layers} names, got {names!r}")
    for name in names[:-1]:
        if name not in activations.HIDDEN:
            _fail(path, f"unknown hidden activation {name!r}")
    if names[-1] not in activations.OUTPUT:
        _fail(path, f"unknown output activation {names[-1]!r}")
    dtype = data.get("dtype", "float64")
    if dtype not in ("float64", "float32"):
        _fail(path, f"unknown dtype {dtype!r}")
    try:
        net = Network(sizes, costs.BY_CLASS_NAME[cost], activation=names[:-1],
                      output_activation=names[-1], dtype=dtype)
    except ValueError as error:
        _fail(path, str(error))

    for key, views in (("weights", net._weight_views()), ("biases", net._bias_views())):
        layers = data[key]
        if not isinstance(layers, list) or len(layers) != n_layers:
            _fail(path, f"'{key}' must hold {n_layers} layers")
        for index, (layer, view) in enumerate(zip(layers, views)):
            try:
                array = np.array(layer, dtype=np.float64)
            except (TypeError, ValueError):
                _fail(path, f"{key}[{index}] is not a rectangular array of numbers")
            if array.shape != view.shape and not (key == "biases" and array.shape == view.shape[:1]):
                _fail(path, f"{key}[{index}] has shape {array.shape}, expected {view.shape}")
            if not np.isfinite(array).all():
                _fail(path, f"{key}[{index}] contains NaN or infinity")
            view[...] = array.reshape(view.shape)
    return net
