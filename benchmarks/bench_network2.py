"""pynn against network2.py itself, in one process, on network2's own data form.

    python benchmarks/bench_network2.py PATH/TO/network2.py [--rows 2000] [--repeats 5]

network2.py is not part of pynn (it is the book's Python 2 code): pass a
Python 3 port of it.  Both networks get the same initial weights (the same
np.random.seed) and the same lists of (x, y) columns, Fashion-MNIST when a
local copy exists.  Timed in turn (network2, pynn, network2, ...), medians:

- one SGD epoch, [784, 30, 10], batch 10, eta 0.5, lmbda 5 (network2 on
  --rows rows, scaled to the 50,000 of MNIST's training split; pynn on all
  50,000, so its once-per-call list conversion is included);
- accuracy and total_cost on 10,000 rows of labelled columns;

and pynn again on the same data as arrays (rows are samples), converted once
before timing.
"""
import argparse
import importlib.util
import os
import random
import statistics
import sys
import time

import numpy as np

import pynn
from pynn.bench import load_rows


def _import(path):
    spec = importlib.util.spec_from_file_location("network2", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _timed(function):
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("network2", help="path to a Python 3 port of network2.py")
    parser.add_argument("--rows", type=int, default=2000, help="rows network2's epoch is timed on")
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args(argv)
    if args.rows < 1 or args.repeats < 1:
        parser.error("--rows and --repeats must be >= 1")
    network2 = _import(args.network2)

    X, labels, source = load_rows(60000)
    training = [(x.reshape(-1, 1), pynn.vectorized_result(int(j))) for x, j in zip(X[:50000], labels)]
    evaluation = [(x.reshape(-1, 1), int(j)) for x, j in zip(X[50000:], labels[50000:])]
    subset = training[:args.rows]
    scale = len(training) / len(subset)

    np.random.seed(0)
    theirs = network2.Network([784, 30, 10])
    np.random.seed(0)
    ours = pynn.Network([784, 30, 10])
    same = all(np.array_equal(a, b) for a, b in zip(theirs.weights, ours.weights))
    Xt, Yt = X[:50000], np.eye(10)[labels[:50000]]
    Xe, ye = X[50000:], labels[50000:]
    quiet = open(os.devnull, "w")
    jobs = {  # name: (network2, pynn on the same lists, pynn on arrays, network2's scale)
        "SGD epoch": (lambda: _silenced(quiet, lambda: theirs.SGD(list(subset), 1, 10, 0.5, lmbda=5.0)),
                      lambda: ours.SGD(training, 1, 10, 0.5, lmbda=5.0),
                      lambda: ours.SGD((Xt, Yt), 1, 10, 0.5, lmbda=5.0), scale),
        "accuracy": (lambda: theirs.accuracy(evaluation), lambda: ours.accuracy(evaluation),
                     lambda: ours.accuracy((Xe, ye)), 1.0),
        "total_cost": (lambda: theirs.total_cost(evaluation, 5.0, convert=True),
                       lambda: ours.total_cost(evaluation, 5.0, convert=True),
                       lambda: ours.total_cost((Xe, np.eye(10)[ye]), 5.0), 1.0),
    }
    random.seed(0)
    print(f"data: {source}; initial weights identical: {same}; "
          f"network2's epoch timed on {len(subset)} rows and scaled to 50,000")
    print(f"{'job':<11} {'network2 s':>10} {'pynn lists s':>12} {'pynn arrays s':>13} "
          f"{'network2/lists':>14} {'network2/arrays':>15}")
    for name, (slow, on_lists, on_arrays, factor) in jobs.items():
        times = {"network2": [], "lists": [], "arrays": []}
        for _ in range(args.repeats):  # in turn, so that a noisy minute hits all three
            times["network2"].append(_timed(slow) * factor)
            times["lists"].append(_timed(on_lists))
            times["arrays"].append(_timed(on_arrays))
        t2, tl, ta = (statistics.median(times[k]) for k in ("network2", "lists", "arrays"))
        print(f"{name:<11} {t2:>10.3f} {tl:>12.4f} {ta:>13.4f} {t2 / tl:>13.1f}x {t2 / ta:>14.1f}x")


def _silenced(stream, function):
    saved, sys.stdout = sys.stdout, stream
    try:
        return function()
    finally:
        sys.stdout = saved


if __name__ == "__main__":
    main()
