"""The validation layer: every public entry point checks its arguments here,
before any work, so that a bad value is refused with an exception naming the
argument (the caller's name for it) and what was expected.

Nothing here imports the rest of pynn: modules above it (data conversion,
Network, the training driver, files, estimators, the command line) all use it.
"""
import math
import numbers
import operator

import numpy as np

# Every count and size that reaches C must fit an int64 with room to spare
# for the products and sums the core forms from them.
MAX_INT = 2**62
MAX_LAYER = 2**30  # one layer's units: a row length the core indexes with int
DTYPES = (np.dtype(np.float64), np.dtype(np.float32))


def _is_int(value):
    return isinstance(value, (numbers.Integral, np.integer)) and not isinstance(value, (bool, np.bool_))


def integer(value, name, minimum=0, maximum=MAX_INT):
    """value as an int in [minimum, maximum]; TypeError for non-ints (bools too)."""
    if not _is_int(value):
        raise TypeError(f"{name}: expected an int, got {value!r}")
    value = operator.index(value)
    if value < minimum:
        raise ValueError(f"{name}: expected an int >= {minimum}, got {value}")
    if value > maximum:
        raise ValueError(f"{name}: expected an int <= {maximum}, got {value}")
    return value


def number(value, name, *, positive=False, below=None):
    """value as a finite float >= 0 (> 0 if positive, < below if given)."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (numbers.Real, np.floating, np.integer)):
        raise TypeError(f"{name}: expected a number, got {value!r}")
    try:
        value = float(value)
    except OverflowError:  # an int beyond float's range
        value = math.inf
    if not math.isfinite(value) or value < 0 or (positive and value == 0):
        raise ValueError(f"{name}: expected a finite number {'> 0' if positive else '>= 0'}, got {value}")
    if below is not None and value >= below:
        raise ValueError(f"{name}: expected a number in [0, {below}), got {value}")
    return value


def boolean(value, name):
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name}: expected True or False, got {value!r}")
    return bool(value)


def choice(value, name, choices):
    """value if it is one of the names in choices (a str: lists, numbers... refused)."""
    if not isinstance(value, str):
        raise TypeError(f"{name}: expected one of {', '.join(map(str, choices))} (a str), got {value!r}")
    if value not in choices:
        raise ValueError(f"{name}: expected one of {', '.join(map(str, choices))}, got {value!r}")
    return value


def seed(value, name="seed"):
    """None or an int >= 0."""
    if value is None:
        return None
    if not _is_int(value) or value < 0:
        raise ValueError(f"{name}: expected None or an int >= 0, got {value!r}")
    return int(value)


def function(value, name):
    if value is not None and not callable(value):
        raise TypeError(f"{name}: expected a callable, got {value!r}")
    return value


def sizes(value, name="sizes"):
    """Layer sizes: a list of >= 2 ints in [1, MAX_LAYER] (a str is not a list)."""
    if isinstance(value, (str, bytes)) or not hasattr(value, "__len__") or not hasattr(value, "__iter__"):
        raise TypeError(f"{name}: expected a list of layer sizes, got {value!r}")
    checked = []
    for size in value:
        if not _is_int(size):
            raise TypeError(f"{name}: layer sizes must be ints, got {size!r}")
        if size < 1:
            raise ValueError(f"{name}: layer sizes must be >= 1, got {size}")
        if size > MAX_LAYER:
            raise ValueError(f"{name}: layer size {size} is larger than the core supports (2**30)")
        checked.append(int(size))
    if len(checked) < 2:
        raise ValueError(f"{name}: need at least 2 layers (input and output), got {len(checked)}")
    return checked


def dtype(value, name="dtype"):
    """np.float64 or np.float32 (names and numpy dtypes accepted)."""
    try:
        dt = np.dtype(value)
    except TypeError:
        raise TypeError(f"{name}: expected 'float64' or 'float32', got {value!r}") from None
    if dt not in DTYPES:
        raise ValueError(f"{name}: expected 'float64' or 'float32', got {dt}")
    return dt


def real_array(A, name, what):
    """TypeError unless A holds real numbers (ints, floats, bools): complex
    values would lose their imaginary part, objects and strings mean nothing."""
    kind = A.dtype.kind
    if kind not in "biuf":
        shown = "complex numbers" if kind == "c" else f"dtype {A.dtype}"
        raise TypeError(f"{name}: {what} must be real numbers, got {shown}")
    return A


def _finite_sum(A):
    """Whether a sum of all of A's entries is finite (NaN and inf propagate).
    float32 is summed in float32: half the memory traffic of a float64 sum;
    a sum that overflows only sends the caller to the full check."""
    if A.dtype.kind != "f":
        return True  # integers and booleans are always finite
    return bool(np.isfinite(np.sum(A, dtype=A.dtype if A.dtype == np.float32 else np.float64)))


def finite(A, name, what):
    """ValueError naming the argument when A holds NaN or infinity."""
    # A finite sum proves every entry finite without a temporary as large as
    # A; only an overflowing sum needs the full check.
    if A.size and not _finite_sum(A) and not np.isfinite(A).all():
        raise ValueError(f"{name}: {what} contain NaN or infinity")
    return A
