"""Activation functions: the name registry shared with the C core, and numpy versions.

The C core (csrc/act.inc) computes the same functions; these numpy forms are
network2's module-level helpers and are what users call on column vectors.
"""
import numpy as np

from . import _checks

# name -> enum pynn_activation in csrc/pynn.h.  Save files store the names.
CODES = {
    "sigmoid": 0,
    "tanh": 1,
    "relu": 2,
    "softplus": 3,
    "identity": 4,
    "softmax": 5,
}
HIDDEN = ("sigmoid", "tanh", "relu", "softplus", "identity")
OUTPUT = HIDDEN + ("softmax",)
# Activations whose every value lies strictly inside (0, 1): the only outputs
# for which cross-entropy's ln(a) and ln(1 - a) are defined.
UNIT_INTERVAL = ("sigmoid", "softmax")


def sigmoid(z):
    """The logistic function 1 / (1 + e^-z), element-wise."""
    return 1.0 / (1.0 + np.exp(-z))


def sigmoid_prime(z):
    """Derivative of the logistic function: sigma(z) (1 - sigma(z))."""
    s = sigmoid(z)
    return s * (1 - s)


def check_name(name, allowed, argument):
    """Returns name if it is one of allowed, else raises an error naming the argument."""
    return _checks.choice(name, argument, allowed)
