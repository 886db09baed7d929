"""Conversion of the two data forms pynn accepts into arrays the core can use.

1. network2 lists: [(x, y), ...], x of shape (n_in, 1) or (n_in,), y a target
   column (n_out, 1) / (n_out,) or an int label.
2. The fast form: a tuple (X, Y) with rows as samples; Y (n, n_out) targets
   or (n,) integer labels.

Conversion happens once per call: the result is C-ordered in the network's
dtype, and when the caller's X already is, it is used without a copy.
"""
import numbers

import numpy as np

from . import _checks, _layout


def _is_label(y):
    if isinstance(y, (numbers.Integral, np.integer)):
        return True
    return isinstance(y, np.ndarray) and y.ndim == 0 and np.issubdtype(y.dtype, np.integer)


def _check_matrix(X, n_in, argument):
    if X.ndim != 2 or X.shape[1] != n_in:
        raise ValueError(f"{argument}: inputs must have shape (n, {n_in}) "
                         f"(rows are samples), got {X.shape}")
    _checks.real_array(X, argument, "inputs")


def _as_labels(y, n_out, argument):
    if not (np.issubdtype(y.dtype, np.integer) or y.dtype == np.bool_):
        raise TypeError(f"{argument}: 1-D targets must be integer class labels, got dtype {y.dtype}")
    labels = np.ascontiguousarray(y, dtype=np.int64)
    if labels.size and (labels.min() < 0 or labels.max() >= n_out):
        raise ValueError(f"{argument}: labels must lie in [0, {n_out}), "
                         f"got values from {labels.min()} to {labels.max()}")
    return labels


def from_pairs(data, n_in, n_out, argument):
    """(X, T) from network2's list of (x, y) pairs, without touching the list."""
    pairs = data if isinstance(data, (list, tuple)) else list(data)
    if len(pairs) == 0:
        raise ValueError(f"{argument}: no samples")
    try:
        xs = [x for x, _ in pairs]
        ys = [y for _, y in pairs]
    except (TypeError, ValueError):
        raise TypeError(f"{argument}: expected (x, y) pairs or a tuple (X, Y) of arrays") from None
    X = _stack_columns(xs, n_in, argument, "each x", "the inputs x")
    # Labels or targets, decided from the types where they settle it: a call
    # per item costs half as much again as stacking the x.
    types = set(map(type, ys))
    if all(issubclass(t, (numbers.Integral, np.integer)) for t in types):
        labels = True
    elif types == {np.ndarray} and all(y.ndim for y in ys):
        labels = False
    else:
        kinds = {_is_label(y) for y in ys}
        if len(kinds) > 1:
            raise ValueError(f"{argument}: mixes int labels and target vectors")
        labels = kinds.pop()
    if labels:
        return X, _as_labels(np.asarray(ys), n_out, argument)
    return X, _stack_columns(ys, n_out, argument, "each y (when not an int label)", "the targets y")


def _stack_columns(columns, width, argument, each, all_of):
    """Rows (n, width) from n column vectors of shape (width, 1) or (width,)."""
    try:
        rows = np.asarray(columns)
    except ValueError:
        raise ValueError(f"{argument}: {all_of} do not all have the same shape") from None
    if rows.ndim == 3 and rows.shape[2] == 1:
        rows = rows[:, :, 0]
    if rows.ndim != 2 or rows.shape[1] != width:
        raise ValueError(f"{argument}: {each} must have shape ({width}, 1) or ({width},), "
                         f"got {np.asarray(columns[0]).shape}")
    return rows


def _fast_form(data):
    """(X, Y) as arrays when data is the fast form -- a tuple or list of two
    array-likes (numpy arrays, pandas DataFrame / Series, ...) with a 2-D X --
    else None (network2's list of (x, y) pairs, or not data at all)."""
    if not (isinstance(data, (tuple, list)) and len(data) == 2):
        return None
    if not all(hasattr(part, "__array__") and not isinstance(part, (tuple, list)) for part in data):
        return None
    X, Y = (part if isinstance(part, np.ndarray) else np.asarray(part) for part in data)
    return (X, Y) if X.ndim == 2 else None


def split(data, n_in, n_out, argument):
    """(X, T) of either data form; T is float targets (n, n_out) or int64 labels (n,)."""
    fast = _fast_form(data)
    if fast is not None:
        X, Y = fast
        if Y.ndim == 1:
            T = _as_labels(Y, n_out, argument) if not np.issubdtype(Y.dtype, np.floating) \
                else (Y.reshape(-1, 1) if n_out == 1 else None)
            if T is None:
                raise TypeError(f"{argument}: 1-D Y must hold integer class labels "
                                f"(or the network must have one output)")
        elif Y.ndim == 2:
            if Y.shape[1] != n_out:
                raise ValueError(f"{argument}: targets Y must have shape (n, {n_out}), got {Y.shape}")
            T = Y
        else:
            raise ValueError(f"{argument}: Y must be (n,) labels or (n, {n_out}) targets, got {Y.shape}")
        if len(T) != len(X):
            raise ValueError(f"{argument}: X has {len(X)} rows but Y has {len(T)}")
    elif isinstance(data, np.ndarray):
        raise TypeError(f"{argument}: expected a tuple (X, Y) or a list of (x, y) pairs, "
                        f"got a single array")
    elif data is None:
        raise TypeError(f"{argument}: expected data, got None")
    else:
        X, T = from_pairs(data, n_in, n_out, argument)
    _check_matrix(X, n_in, argument)
    if len(X) == 0:
        raise ValueError(f"{argument}: no samples")
    return X, T


def inputs(X, dtype, argument, check=True):
    """X in the network's dtype and C order (no copy when it already is; a
    conversion lands on a cache line, _layout.aligned_copy), checked finite
    unless the caller checks later (check=False)."""
    X = np.asarray(X)
    if not (X.flags.c_contiguous and X.dtype == dtype):
        X = _layout.aligned_copy(X, dtype)
    if check:
        _checks.finite(X, argument, "inputs")
    return X


def targets(T, n_out, dtype, argument):
    """Float targets (n, n_out) in dtype, checked real and finite (they are a
    tenth of the inputs or less, and a NaN target does not always reach the
    weights: the mae cost's gradient ignores it); labels become one-hot rows."""
    if T.ndim == 1:
        Y = np.zeros((len(T), n_out), dtype=dtype)
        Y[np.arange(len(T)), T] = 1
        return Y
    _checks.real_array(T, argument, "targets")
    return _checks.finite(np.ascontiguousarray(T, dtype=dtype), argument, "targets")


def evaluation_targets(T, dtype, argument):
    """Targets for the core's evaluate: int64 labels as they are, float targets in dtype."""
    if T.ndim == 1:
        return T
    return targets(T, T.shape[1], dtype, argument)


def sample_weights(value, n, dtype, argument):
    """n sample weights in dtype: real, finite, >= 0, not all zero."""
    w = _checks.real_array(np.asarray(value), argument, "weights")
    if w.ndim != 1 or len(w) != n:
        raise ValueError(f"{argument}: expected one weight per sample, shape ({n},), got {w.shape}")
    w = _checks.finite(np.ascontiguousarray(w, dtype=dtype), argument, "weights")
    if (w < 0).any():
        raise ValueError(f"{argument}: weights must be >= 0, got {w.min()}")
    if not w.any():
        raise ValueError(f"{argument}: the weights are all zero: nothing to learn from")
    return w
