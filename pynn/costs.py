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


def resolve(cost):
    """A cost class from a class, its short name or its class name."""
    if isinstance(cost, str):
        found = BY_NAME.get(cost) or BY_CLASS_NAME.get(cost)
        if found is None:
            raise ValueError(f"cost: unknown cost {cost!r}; expected one of "
                             f"{', '.join(BY_NAME)} or a cost class")
        return found
    if isinstance(cost, type):
        for cls in COSTS:
            if cost is cls or cost.__name__ == cls.__name__:
                # also accepts network2's own classes of the same name
                return cls
    raise TypeError(f"cost: expected a cost class or a name, got {cost!r}")


def natural_output(cost):
    """The output activation a cost is normally paired with."""
    return "softmax" if cost is LogLikelihoodCost else "sigmoid"
