"""Seconds per training epoch: pynn against the same algorithm in vectorized numpy,
and against the GEMM floor (the same BLAS calls alone, timed inside the C core).

The job: sigmoid network, cross-entropy cost, L2 (lmbda=5), plain mini-batch
SGD (eta=0.5), shuffled every epoch, on 60,000 rows of 784 inputs (real
Fashion-MNIST when /usr/share/datasets/fashion-mnist holds it, else random
rows of the same shape).  Runs are interleaved and repeated; the table shows
medians.  Usage:  python benchmarks/bench_epoch.py [--repeats 3] [--hidden 100]
[--batch 10] [--dtype float64]; `python -m pynn bench` is its short form.
"""
import argparse
import statistics
import time

import numpy as np

from . import _core, datasets
from .network import Network

def load_rows(n=60000):
    """(X, labels, source): Fashion-MNIST's training images as float rows in [0, 1]
    when a local copy exists (never downloads), else random rows of that shape."""
    directory = datasets.local_dir("fashion-mnist")
    if directory is not None:
        images, labels = datasets.read_idx_dir(directory)[:2]
        return images[:n].reshape(min(n, len(images)), -1) / 255.0, labels[:n].astype(np.int64), "Fashion-MNIST"
    rng = np.random.default_rng(0)
    return rng.uniform(0, 1, (n, 784)), rng.integers(0, 10, n), "random rows"


class NumpyMLP:
    """The same algorithm as pynn's SGD, vectorized over each mini-batch (rows = samples)."""

    def __init__(self, sizes, dtype, seed=0):
        rng = np.random.default_rng(seed)
        self.W = [(rng.standard_normal((o, i)) / np.sqrt(i)).astype(dtype) for i, o in zip(sizes[:-1], sizes[1:])]
        self.b = [rng.standard_normal(o).astype(dtype) for o in sizes[1:]]

    def epoch(self, X, Y, batch, eta, lmbda, rng):
        n = len(X)
        order = rng.permutation(n)
        decay = 1 - eta * lmbda / n
        for start in range(0, n, batch):
            idx = order[start:start + batch]
            xb, yb = X[idx], Y[idx]
            activations = [xb]
            for W, b in zip(self.W, self.b):
                activations.append(1 / (1 + np.exp(-(activations[-1] @ W.T + b))))
            delta = activations[-1] - yb
            step = eta / len(xb)
            for l in range(len(self.W) - 1, -1, -1):
                grad_W = delta.T @ activations[l]
                grad_b = delta.sum(axis=0)
                if l > 0:
                    a = activations[l]
                    delta = (delta @ self.W[l]) * a * (1 - a)
                self.W[l] = decay * self.W[l] - step * grad_W
                self.b[l] -= step * grad_b


def add_arguments(parser, repeats=3, rows=60000):
    parser.add_argument("--repeats", type=int, default=repeats, help="runs per configuration (median)")
    parser.add_argument("--hidden", type=int, nargs="+", default=[100], help="hidden layer sizes to time")
    parser.add_argument("--batch", type=int, nargs="+", default=[10], help="mini-batch sizes to time")
    parser.add_argument("--dtype", nargs="+", default=["float64"], choices=["float64", "float32"])
    parser.add_argument("--rows", type=int, default=rows, help="training rows per epoch")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_arguments(parser)
    run(parser.parse_args(argv))


def run(args):

    X64, labels, source = load_rows(args.rows)
    print(f"data: {source}, {len(X64)} rows x {X64.shape[1]}; repeats: {args.repeats} (medians)")
    header = (f"| {'sizes':<14} | {'batch':>5} | {'dtype':<7} | {'pynn s':>7} | {'numpy s':>7} | "
              f"{'GEMM floor s':>12} | {'numpy/pynn':>10} | {'pynn/floor':>10} |")
    rows = []
    for dtype in args.dtype:
        X = X64.astype(dtype)
        Y = np.eye(10, dtype=dtype)[labels]
        for hidden in args.hidden:
            sizes = [784, hidden, 10]
            for batch in args.batch:
                times = {"pynn": [], "numpy": [], "floor": []}
                net = Network(sizes, dtype=dtype, seed=0)
                ref = NumpyMLP(sizes, dtype)
                rng = np.random.default_rng(1)
                arch = _core.Arch(sizes, [0, 0], 1)
                n_batches = -(-len(X) // batch)
                for _ in range(args.repeats):  # interleaved: pynn, numpy, floor, pynn, ...
                    t0 = time.perf_counter()
                    net.SGD((X, labels), 1, batch, 0.5, lmbda=5.0)
                    times["pynn"].append(time.perf_counter() - t0)
                    t0 = time.perf_counter()
                    ref.epoch(X, Y, batch, 0.5, 5.0, rng)
                    times["numpy"].append(time.perf_counter() - t0)
                    times["floor"].append(_core.bench_gemm_floor(arch, batch, n_batches, dtype))
                med = {k: statistics.median(v) for k, v in times.items()}
                rows.append(f"| {str(sizes):<14} | {batch:>5} | {dtype:<7} | {med['pynn']:>7.3f} | "
                            f"{med['numpy']:>7.3f} | {med['floor']:>12.3f} | "
                            f"{med['numpy'] / med['pynn']:>9.2f}x | {med['pynn'] / med['floor']:>9.2f}x |")
                print(rows[-1], flush=True)
    print()
    print(header)
    print("|" + "|".join("-" * len(cell) for cell in header.split("|")[1:-1]) + "|")
    for row in rows:
        print(row)


if __name__ == "__main__":
    main()
