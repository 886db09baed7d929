"""pynn: classic feedforward neural networks, network2.py-compatible, with a C + BLAS core.

    import pynn
    net = pynn.Network([784, 30, 10], cost=pynn.CrossEntropyCost)
    net.SGD(training_data, 30, 10, 0.5, lmbda=5.0, evaluation_data=validation_data,
            monitor_evaluation_accuracy=True)
"""

__version__ = "0.1.0"

try:
    from . import _core  # the compiled core; everything below needs it
except ImportError as _error:  # pragma: no cover - exercised from a source checkout
    import os as _os
    _here = _os.path.dirname(_os.path.abspath(__file__))
    if _os.path.exists(_os.path.join(_here, "..", "pyproject.toml")):
        raise ImportError(
            f"pynn was imported from its source folder ({_here}), which has no compiled core. "
            f"Install it (pip install .) and run Python outside the clone's root, or use the "
            f"`pynn` command, which works from anywhere; see README.md") from None
    raise

from . import datasets
from .activations import sigmoid, sigmoid_prime
from .datasets import vectorized_result
from .costs import AbsoluteCost, CrossEntropyCost, LogLikelihoodCost, QuadraticCost
from .io import FormatError
from .history import History
from .network import Network, load


def __getattr__(name):
    # pynn.sklearn and pynn.plot load their optional dependency only when used
    if name in ("sklearn", "plot", "bench", "cli"):
        import importlib
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'pynn' has no attribute {name!r}")


__all__ = [
    "Network", "load", "History", "FormatError", "QuadraticCost", "CrossEntropyCost",
    "LogLikelihoodCost", "AbsoluteCost", "sigmoid", "sigmoid_prime", "vectorized_result",
    "__version__", "datasets",
]
