"""Cost functions: network2's cost classes plus pynn's, and their name registry.

Each class has network2's static interface on column vectors (pure numpy):
``fn(a, y)`` is the cost of one sample and ``delta(z, a, y)`` is dC/dz of the
output layer for the cost's natural output activation (sigmoid, or softmax for
the log-likelihood).  Training never calls them: the C core (csrc/cost.inc)
implements the same formulas for every output activation.
"""
import numpy as np

from .activations import sigmoid_prime


class QuadraticCost:
    """C = 0.5 ||a - y||^2."""
    name = "quadratic"
    code = 0

    @staticmethod
    def fn(a, y):
        return 0.5 * np.linalg.norm(a - y) ** 2

    @staticmethod
    def delta(z, a, y):
        return (a - y) * sigmoid_prime(z)


class CrossEntropyCost:
    """C = sum -y ln a - (1 - y) ln(1 - a); 0 ln 0 counts as 0 (numpy.nan_to_num)."""
    name = "cross_entropy"
    code = 1

    @staticmethod
    def fn(a, y):
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.sum(np.nan_to_num(-y * np.log(a) - (1 - y) * np.log(1 - a)))

    @staticmethod
    def delta(z, a, y):
        # With a sigmoid output, sigma'(z) cancels against dC/da.
        return a - y


class LogLikelihoodCost:
    """C = -sum y ln a, for a softmax output (with an int label: -ln a_label)."""
    name = "log_likelihood"
    code = 2

    @staticmethod
    def fn(a, y):
        a, y = np.asarray(a), np.asarray(y)
        if y.ndim == 0:  # an int label
            return float(-np.log(a.ravel()[int(y)]))
        mask = y != 0
        return float(-np.sum(y[mask] * np.log(a[mask])))

    @staticmethod
    def delta(z, a, y):
        # With a softmax output, the Jacobian cancels against dC/da.
        return a - y


class AbsoluteCost:
    """C = sum |a - y| (mean absolute error up to the 1/n of the set's mean)."""
    name = "mae"
    code = 3

    @staticmethod
    def fn(a, y):
        return float(np.sum(np.abs(a - y)))

    @staticmethod
    def delta(z, a, y):
        return np.sign(a - y) * sigmoid_prime(z)


COSTS = (QuadraticCost, CrossEntropyCost, LogLikelihoodCost, AbsoluteCost)
BY_NAME = {cls.name: cls for cls in COSTS}
BY_CLASS_NAME = {cls.__name__: cls for cls in COSTS}


def _probe_points():
    """A few fixed output-layer columns (z, a = sigmoid(z), y) to compare a
    foreign cost class's fn and delta with pynn's on.  Targets are one-hot,
    so every cost below is defined at them."""
    rng = np.random.default_rng(12345)
    points = []
    for n_out in (1, 3, 5):
        z = rng.uniform(-3, 3, (n_out, 1))
        y = np.zeros((n_out, 1))
        y[rng.integers(n_out)] = 1.0
        points.append((z, 1.0 / (1.0 + np.exp(-z)), y))
    return points


def _same_behaviour(foreign, ours):
    """Whether foreign.fn / foreign.delta give ours' values on the probe points
    (network2 only ever calls these two, on sigmoid outputs)."""
    for z, a, y in _probe_points():
        theirs_fn = float(np.sum(foreign.fn(a, y)))
        theirs_delta = np.asarray(foreign.delta(z, a, y), dtype=np.float64)
        if not np.isclose(theirs_fn, float(ours.fn(a, y)), rtol=1e-9, atol=1e-12):
            return False
        if theirs_delta.shape != a.shape or not np.allclose(theirs_delta, ours.delta(z, a, y),
                                                            rtol=1e-9, atol=1e-12):
            return False
    return True


def _match_foreign(cost, shown):
    """pynn's cost class that behaves like cost, a class or an instance
    (network2's own classes, a user's copy of one); a TypeError saying why and
    what to use otherwise."""
    fn, delta = getattr(cost, "fn", None), getattr(cost, "delta", None)
    if not (callable(fn) and callable(delta)):
        raise TypeError(f"cost: expected a cost class, an instance of one or a name "
                        f"({', '.join(BY_NAME)}), got {shown}")
    try:
        for ours in COSTS:
            if _same_behaviour(cost, ours):
                return ours
    except Exception as error:  # the user's code failed on column vectors
        raise TypeError(f"cost: {shown}.fn / .delta failed on column vectors "
                        f"({type(error).__name__}: {error})") from None
    raise TypeError(
        f"cost: {shown} is not one of pynn's costs. pynn computes the cost and its output "
        f"delta in C, so it cannot train with a Python fn/delta; its fn and delta differ from "
        f"every built-in cost ({', '.join(c.__name__ for c in COSTS)}). Use one of those (or "
        f"its name: {', '.join(BY_NAME)}), or train this cost with network2.py itself")


def resolve(cost):
    """pynn's cost class for a cost class, an instance of one (network2's scripts
    write ``cost=CrossEntropyCost()``), its short name or its class name.

    A class that is not pynn's (network2's own, or a user's) is accepted when
    its fn and delta compute one of pynn's costs, checked on sample columns,
    so that a class merely named like one of them is not taken on trust.
    """
    if isinstance(cost, str):
        found = BY_NAME.get(cost) or BY_CLASS_NAME.get(cost)
        if found is None:
            raise ValueError(f"cost: unknown cost {cost!r}; expected one of "
                             f"{', '.join(BY_NAME)} or a cost class")
        return found
    cls = cost if isinstance(cost, type) else type(cost)
    if cls in COSTS:
        return cls
    if cost is None or isinstance(cost, (bool, int, float, complex, bytes, list, tuple, dict)):
        raise TypeError(f"cost: expected a cost class, an instance of one or a name "
                        f"({', '.join(BY_NAME)}), got {cost!r}")
    shown = cls.__name__ if isinstance(cost, type) else f"an instance of {cls.__name__}"
    return _match_foreign(cost, shown)


def natural_output(cost):
    """The output activation a cost is normally paired with."""
    return "softmax" if cost is LogLikelihoodCost else "sigmoid"
