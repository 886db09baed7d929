"""PynnRegressor against scikit-learn's MLPRegressor at scikit-learn's defaults.

    python benchmarks/bench_sklearn.py [--repeats 5] [--rows 2000]

Both fit (32, 32) tanh layers to y = sin(x) + noise on --rows rows of one
feature, with their defaults otherwise (adam, batch min(200, n), tol 1e-4,
n_iter_no_change 10, at most 200 epochs), timed in turn; medians.
"""
import argparse
import statistics
import time
import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPRegressor

from pynn.sklearn import PynnRegressor


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--rows", type=int, default=2000)
    args = parser.parse_args(argv)
    rng = np.random.default_rng(0)
    X = rng.uniform(-3, 3, (args.rows, 1))
    y = np.sin(X[:, 0]) + 0.1 * rng.normal(size=args.rows)
    makers = {"pynn": lambda k: PynnRegressor((32, 32), activation="tanh", random_state=k),
              "sklearn": lambda k: MLPRegressor(hidden_layer_sizes=(32, 32), activation="tanh", random_state=k)}
    results = {name: {"seconds": [], "n_iter": [], "r2": []} for name in makers}
    for k in range(args.repeats):
        for name, make in makers.items():
            model = make(k)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ConvergenceWarning)
                start = time.perf_counter()
                model.fit(X, y)
                results[name]["seconds"].append(time.perf_counter() - start)
            results[name]["n_iter"].append(model.n_iter_)
            results[name]["r2"].append(model.score(X, y))
    print(f"{'':<8} {'fit s':>8} {'epochs':>7} {'R^2':>6}   (medians of {args.repeats}, in turn)")
    for name, r in results.items():
        print(f"{name:<8} {statistics.median(r['seconds']):>8.3f} {statistics.median(r['n_iter']):>7.0f} "
              f"{statistics.median(r['r2']):>6.3f}")
    ratio = statistics.median(results["sklearn"]["seconds"]) / statistics.median(results["pynn"]["seconds"])
    print(f"sklearn/pynn: {ratio:.2f}x")


if __name__ == "__main__":
    main()
