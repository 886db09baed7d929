"""Seconds per training epoch: pynn against its peers, on the same job.

The job: a [784, hidden, 10] sigmoid network, cross-entropy cost, L2
(lmbda = 5), plain mini-batch SGD (eta = 0.5), shuffled every epoch, on
60,000 rows of 784 inputs (real Fashion-MNIST when a local copy exists, else
random rows of that shape).  Peers:

- numpy:    the same algorithm vectorized over each mini-batch (rows = samples);
- network2: network2.py's per-sample loops, timed on a subset and scaled;
- torch:    PyTorch on the CPU, same model, loss, L2 on weights only, plain SGD;
- sklearn:  MLPClassifier(solver="sgd", momentum=0), one epoch of partial_fit
            (its output layer is softmax with log-loss: the nearest it has);
- floor:    the BLAS calls of pynn's step alone, timed inside the C core.

Runs are interleaved (pynn, numpy, ..., pynn, numpy, ...) and repeated; the
table shows medians and each peer's time divided by pynn's.  ``python -m pynn
bench`` is the short form (pynn, numpy and the floor on one configuration);
``python benchmarks/bench_epoch.py --full`` runs everything.
"""
import argparse
import os
import statistics
import time

import numpy as np

from . import _core, datasets
from .network import Network

ETA, LMBDA = 0.5, 5.0
PEERS = ("pynn", "numpy", "network2", "torch", "sklearn", "floor")


def load_rows(n=60000):
    """(X, labels, source): Fashion-MNIST's training images as float rows in [0, 1]
    when a local copy exists (never downloads), else random rows of that shape."""
    directory = datasets.local_dir("fashion-mnist")
    if directory is not None:
        images, labels = datasets.read_idx_dir(directory)[:2]
        reps = -(-n // len(images))
        X = np.tile(images.reshape(len(images), -1), (reps, 1))[:n] / 255.0
        return X, np.tile(labels, reps)[:n].astype(np.int64), "Fashion-MNIST"
    rng = np.random.default_rng(0)
    return rng.uniform(0, 1, (n, 784)), rng.integers(0, 10, n), "random rows"


def _sigmoid(z):
    return 1 / (1 + np.exp(-z))


class NumpyMLP:
    """The same algorithm as pynn's SGD, vectorized over each mini-batch (rows = samples)."""

    def __init__(self, sizes, dtype, seed=0):
        rng = np.random.default_rng(seed)
        self.W = [(rng.standard_normal((o, i)) / np.sqrt(i)).astype(dtype) for i, o in zip(sizes[:-1], sizes[1:])]
        self.b = [rng.standard_normal(o).astype(dtype) for o in sizes[1:]]

    def epoch(self, X, Y, batch, rng):
        n = len(X)
        order = rng.permutation(n)
        decay = 1 - ETA * LMBDA / n
        for start in range(0, n, batch):
            idx = order[start:start + batch]
            xb, yb = X[idx], Y[idx]
            activations = [xb]
            for W, b in zip(self.W, self.b):
                activations.append(_sigmoid(activations[-1] @ W.T + b))
            delta = activations[-1] - yb
            step = ETA / len(xb)
            for l in range(len(self.W) - 1, -1, -1):
                grad_W = delta.T @ activations[l]
                grad_b = delta.sum(axis=0)
                if l > 0:
                    a = activations[l]
                    delta = (delta @ self.W[l]) * a * (1 - a)
                self.W[l] = decay * self.W[l] - step * grad_W
                self.b[l] -= step * grad_b


class PerSampleMLP(NumpyMLP):
    """network2.py's style: column vectors, one backprop per sample, sums per mini-batch."""

    def epoch(self, X, Y, batch, rng):
        n = len(X)
        order = rng.permutation(n)
        W = [w for w in self.W]
        b = [v.reshape(-1, 1) for v in self.b]
        for start in range(0, n, batch):
            idx = order[start:start + batch]
            nabla_w = [np.zeros_like(w) for w in W]
            nabla_b = [np.zeros_like(v) for v in b]
            for i in idx:
                activation = X[i].reshape(-1, 1)
                activations = [activation]
                for w, v in zip(W, b):
                    activation = _sigmoid(np.dot(w, activation) + v)
                    activations.append(activation)
                delta = activations[-1] - Y[i].reshape(-1, 1)
                for l in range(len(W) - 1, -1, -1):
                    nabla_b[l] += delta
                    nabla_w[l] += np.dot(delta, activations[l].T)
                    if l > 0:
                        a = activations[l]
                        delta = np.dot(W[l].T, delta) * a * (1 - a)
            W = [(1 - ETA * LMBDA / n) * w - (ETA / len(idx)) * g for w, g in zip(W, nabla_w)]
            b = [v - (ETA / len(idx)) * g for v, g in zip(b, nabla_b)]
        self.W, self.b = W, [v.ravel() for v in b]

    def accuracy(self, X, labels):
        hits = 0
        for x, label in zip(X, labels):
            a = x.reshape(-1, 1)
            for w, v in zip(self.W, self.b):
                a = _sigmoid(np.dot(w, a) + v.reshape(-1, 1))
            hits += int(np.argmax(a) == label)
        return hits


class TorchMLP:
    def __init__(self, sizes, dtype, n):
        import torch
        self.torch = torch
        torch.manual_seed(0)
        self.dtype = getattr(torch, dtype)
        layers = []
        for i, o in zip(sizes[:-1], sizes[1:]):
            layers += [torch.nn.Linear(i, o, dtype=self.dtype), torch.nn.Sigmoid()]
        self.model = torch.nn.Sequential(*layers)
        weights = [p for name, p in self.model.named_parameters() if name.endswith("weight")]
        biases = [p for name, p in self.model.named_parameters() if name.endswith("bias")]
        # L2 on weights only (as network2): w <- w - eta (g + (lmbda/n) w)
        self.optimizer = torch.optim.SGD([{"params": weights, "weight_decay": LMBDA / n},
                                          {"params": biases, "weight_decay": 0.0}], lr=ETA)

    def epoch(self, X, Y, batch, rng):
        torch = self.torch
        X, Y = torch.from_numpy(X), torch.from_numpy(Y)
        order = torch.from_numpy(rng.permutation(len(X)))
        loss_fn = torch.nn.BCELoss(reduction="sum")
        for start in range(0, len(X), batch):
            idx = order[start:start + batch]
            self.optimizer.zero_grad(set_to_none=True)
            loss = loss_fn(self.model(X[idx]), Y[idx]) / len(idx)
            loss.backward()
            self.optimizer.step()


class SklearnMLP:
    def __init__(self, sizes, dtype, n, batch):
        from sklearn.neural_network import MLPClassifier
        self.model = MLPClassifier(hidden_layer_sizes=tuple(sizes[1:-1]), activation="logistic",
                                   solver="sgd", learning_rate_init=ETA, momentum=0.0,
                                   nesterovs_momentum=False, alpha=LMBDA * batch / n, batch_size=batch,
                                   shuffle=True, random_state=0)
        self.classes = np.arange(sizes[-1])

    def epoch(self, X, labels, batch, rng):
        self.model.partial_fit(X, labels, classes=self.classes)


def _available(name):
    import importlib.util
    return importlib.util.find_spec(name) is not None


def _reset_peak_rss():
    try:
        with open("/proc/self/clear_refs", "w") as stream:
            stream.write("5")
        return True
    except OSError:
        return False


def _status_mib(field):
    try:
        with open("/proc/self/status") as stream:
            for line in stream:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def _peak_rss_mib():
    return _status_mib("VmHWM")


def _time(function):
    # let the previous runner's spinning worker threads (OpenMP, OpenBLAS) go
    # idle first, so that no peer pays for the one timed before it
    time.sleep(0.3)
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def configuration(X64, labels, hidden, batch, dtype, peers, repeats, subset):
    """Median seconds per epoch of each peer (and pynn's peak RSS) for one configuration."""
    X = X64.astype(dtype)
    Y = np.eye(10, dtype=dtype)[labels]
    n = len(X)
    sizes = [784, hidden, 10]
    runners = {}
    net = Network(sizes, dtype=dtype, seed=0)
    runners["pynn"] = lambda: net.SGD((X, labels), 1, batch, ETA, lmbda=LMBDA)
    rng = np.random.default_rng(1)
    if "numpy" in peers:
        ref = NumpyMLP(sizes, dtype)
        runners["numpy"] = lambda: ref.epoch(X, Y, batch, rng)
    if "network2" in peers:
        slow = PerSampleMLP(sizes, dtype)
        Xs, Ys = X[:subset], Y[:subset]
        runners["network2"] = lambda: slow.epoch(Xs, Ys, batch, rng)
    if "torch" in peers and _available("torch"):
        model = TorchMLP(sizes, dtype, n)
        runners["torch"] = lambda: model.epoch(X, Y, batch, rng)
    if "sklearn" in peers and _available("sklearn"):
        sk = SklearnMLP(sizes, dtype, n, batch)
        runners["sklearn"] = lambda: sk.epoch(X, labels, batch, rng)
    times = {name: [] for name in runners}
    times["floor"] = []
    arch = _core.Arch(sizes, [0, 0], 1)
    peak = float("nan")
    for _ in range(repeats):
        for name, runner in runners.items():
            if name == "pynn" and _reset_peak_rss():
                seconds = _time(runner)
                peak = _peak_rss_mib()
            else:
                seconds = _time(runner)
            times[name].append(seconds * (n / subset if name == "network2" else 1))
        if "floor" in peers:
            times["floor"].append(_core.bench_gemm_floor(arch, batch, -(-n // batch), dtype))
    medians = {name: statistics.median(values) for name, values in times.items() if values}
    return medians, peak


def add_arguments(parser, repeats=3, rows=60000):
    from .cli import positive_int
    parser.add_argument("--repeats", type=positive_int, default=repeats,
                        help="runs per configuration (median; default %(default)s)")
    parser.add_argument("--hidden", type=positive_int, nargs="+", default=[100],
                        help="hidden layer sizes to time (default %(default)s)")
    parser.add_argument("--batch", type=positive_int, nargs="+", default=[10],
                        help="mini-batch sizes to time (default %(default)s)")
    parser.add_argument("--dtype", nargs="+", default=["float64"], choices=["float64", "float32"])
    parser.add_argument("--rows", type=positive_int, default=rows,
                        help="training rows per epoch (default %(default)s)")
    parser.add_argument("--peers", nargs="+", default=["pynn", "numpy", "floor"], choices=PEERS,
                        help="what to time besides pynn (default: numpy and the floor)")
    parser.add_argument("--subset", type=positive_int, default=2000,
                        help="rows the per-sample network2 style is timed on (then scaled)")
    parser.add_argument("--full", action="store_true",
                        help="every peer, hidden 30 and 100, batch 10 and 128, both dtypes, "
                             "plus evaluation speed, memory and scaling")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_arguments(parser)
    run(parser.parse_args(argv))


def run(args):
    if args.full:
        args.hidden, args.batch, args.dtype = [30, 100], [10, 128], ["float64", "float32"]
        args.peers = list(PEERS)
    peers = ["pynn"] + [p for p in args.peers if p != "pynn"]
    X64, labels, source = load_rows(args.rows)
    shown = [p for p in peers if p != "pynn" and (p not in ("torch", "sklearn") or _available(p))]
    print(f"data: {source}, {len(X64)} rows x {X64.shape[1]}; {args.repeats} interleaved runs, medians; "
          f"threads: {os.cpu_count()} cores")
    header = "| sizes | batch | dtype | pynn s | " + " | ".join(f"{p} s" for p in shown) + \
             " | " + " | ".join(f"{p}/pynn" for p in shown) + " | pynn peak RSS MiB |"
    rows = []
    for dtype in args.dtype:
        for hidden in args.hidden:
            for batch in args.batch:
                medians, peak = configuration(X64, labels, hidden, batch, dtype, peers, args.repeats,
                                              min(args.subset, len(X64)))
                cells = [f"{medians.get(p, float('nan')):.3f}" for p in shown]
                ratios = [f"{medians[p] / medians['pynn']:.2f}x" if p in medians else "n/a" for p in shown]
                rows.append(f"| [784, {hidden}, 10] | {batch} | {dtype} | {medians['pynn']:.3f} | "
                            + " | ".join(cells) + " | " + " | ".join(ratios) + f" | {peak:.0f} |")
                print(rows[-1], flush=True)
    print()
    print(header)
    print("|" + "|".join("---" for _ in header.split("|")[1:-1]) + "|")
    for row in rows:
        print(row)
    if args.full:
        _dtype_ratio(X64, labels, max(args.repeats, 5))
        _evaluation_speed(X64, labels)
        _scaling(X64, labels, args.repeats)


def _dtype_ratio(X64, labels, repeats):
    """float64 / float32 seconds per epoch, [784, 100, 10], batch 10: the two
    dtypes timed in turn (order alternating), so that both see the same
    machine; the median of the per-pair ratios."""
    data = {dtype: X64.astype(dtype) for dtype in ("float64", "float32")}
    nets = {dtype: Network([784, 100, 10], dtype=dtype, seed=0) for dtype in data}
    times = {dtype: [] for dtype in data}
    for r in range(repeats):
        for dtype in (("float64", "float32") if r % 2 == 0 else ("float32", "float64")):
            times[dtype].append(_time(lambda: nets[dtype].SGD((data[dtype], labels), 1, 10, ETA, lmbda=LMBDA)))
    ratios = [a / b for a, b in zip(times["float64"], times["float32"])]
    print(f"\nfloat32 against float64 ([784, 100, 10], batch 10, {repeats} pairs in turn): "
          f"float64 {statistics.median(times['float64']):.3f} s, float32 {statistics.median(times['float32']):.3f} s "
          f"(medians); float32 is {statistics.median(ratios):.2f}x faster (median of the pair ratios)")


def _evaluation_speed(X64, labels):
    X, y = X64[:10000], labels[:10000]
    net = Network([784, 100, 10], seed=0)
    slow = PerSampleMLP([784, 100, 10], "float64")
    slow.W = [w.copy() for w in net.weights]
    slow.b = [b.ravel().copy() for b in net.biases]
    W1 = net.weights[0]
    fast = statistics.median(_time(lambda: net.accuracy((X, y))) for _ in range(5))
    # The pass's bulk is X W_1^T.  At the machine's peak (a large square
    # product by numpy's BLAS on every core) its FLOPs take at least `bound`:
    # no way of computing the accuracy beats network2's loop by more.
    square = np.random.default_rng(0).uniform(size=(1500, 1500))
    peak = 2 * 1500**3 / min(_time(lambda: square @ square) for _ in range(5))
    bound = 2 * X.shape[0] * W1.size / peak
    per_sample = _time(lambda: slow.accuracy(X, y))
    assert slow.accuracy(X[:500], y[:500]) == net.accuracy((X[:500], y[:500]))
    print(f"\naccuracy on 10,000 rows: pynn {fast * 1e3:.1f} ms, network2's per-sample loop "
          f"{per_sample * 1e3:.0f} ms: {per_sample / fast:.0f}x.  Bound: X W_1^T alone at this "
          f"machine's dgemm peak ({peak / 1e9:.0f} GFLOP/s) takes {bound * 1e3:.1f} ms: "
          f"at most {per_sample / bound:.0f}x")


def _scaling(X64, labels, repeats):
    print("\nseconds per epoch by rows ([784, 100, 10], batch 10, float64), and peak RSS while training:")
    for rows in (15000, 30000, 60000):
        if rows > len(X64):
            break
        X, y = np.ascontiguousarray(X64[:rows]), labels[:rows]
        net = Network([784, 100, 10], seed=0)
        times = []
        rest = _status_mib("VmRSS")  # interpreter, libraries and the data, before training
        for _ in range(repeats):
            _reset_peak_rss()
            times.append(_time(lambda: net.SGD((X, y), 1, 10, ETA, lmbda=LMBDA)))
        peak = _peak_rss_mib()
        print(f"  {rows:6d} rows: {statistics.median(times):.3f} s ({statistics.median(times) / rows * 1e6:.2f} "
              f"us per row); data {X.nbytes / 2**20:.0f} MiB; RSS at rest {rest:.0f} MiB, peak while "
              f"training {peak:.0f} MiB (+{peak - rest:.0f} MiB)")
