"""Shared builders for the tests (no assertions here)."""
import numpy as np

import pynn

HIDDEN = ["sigmoid", "tanh", "relu", "softplus", "identity"]
# (cost, output activation): every valid pairing
PAIRINGS = [
    ("quadratic", "sigmoid"), ("quadratic", "tanh"), ("quadratic", "relu"),
    ("quadratic", "softplus"), ("quadratic", "identity"), ("quadratic", "softmax"),
    ("cross_entropy", "sigmoid"), ("cross_entropy", "softmax"),
    ("log_likelihood", "softmax"),
    ("mae", "sigmoid"), ("mae", "tanh"), ("mae", "relu"), ("mae", "softplus"),
    ("mae", "identity"), ("mae", "softmax"),
]
TOLERANCE = {"float64": dict(rtol=1e-12, atol=1e-14), "float32": dict(rtol=2e-5, atol=2e-6)}


def make_net(sizes, cost, hidden, output, dtype="float64", seed=0):
    return pynn.Network(sizes, cost, activation=hidden, output_activation=output, dtype=dtype, seed=seed)


def make_data(n, n_in, n_out, cost, seed=1, labels=False):
    """Rows X (n, n_in) and targets: one-hot rows for classification costs,
    values in (0, 1) otherwise; or int labels."""
    rng = np.random.default_rng(seed)
    X = rng.uniform(-1, 1, size=(n, n_in))
    y = rng.integers(0, n_out, size=n)
    if labels:
        return X, y
    if cost in ("log_likelihood", "cross_entropy"):
        Y = np.eye(n_out)[y]
    else:
        Y = rng.uniform(0.05, 0.95, size=(n, n_out))
    return X, Y


def params_of(net):
    """float64 copies of the network's weights and biases (network2 shapes)."""
    return [np.array(W, dtype=np.float64) for W in net.weights], \
           [np.array(b, dtype=np.float64) for b in net.biases]


def columns(X, Y):
    """network2's list of (x, y) column pairs."""
    return [(x.reshape(-1, 1), y.reshape(-1, 1)) for x, y in zip(X, Y)]


def default_sigint():
    """preexec_fn for a child that a test interrupts with SIGINT: the default
    disposition, even when the test run itself was started in the background
    by a shell (which sets SIGINT to ignored, inherited by every child)."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_DFL)
