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
- floor:    the BLAS calls of pynn's step alone, timed inside the C core;
- reference: pynn on its reference path (PYNN_KERNELS=reference: the plain
            algorithm on BLAS), which the fast path must never lose to.

Runs are interleaved (pynn, numpy, ..., pynn, numpy, ...) and repeated; the
table shows medians, each peer's time divided by pynn's, and pynn's GFLOP/s
as a share of the machine's dgemm peak (numpy's product of two 2000 x 2000
matrices on every core, measured first).  ``python -m pynn bench`` is the
short form (pynn, the reference path, numpy and the floor on one
configuration); ``--full`` runs everything, including a busy machine: pynn
with a busy-loop process beside it against one thread, and two trainings at
once against one training on one thread.
"""
import argparse
import os
import platform
import statistics
import subprocess
import sys
import time

import numpy as np

from . import _core, _layout, _training, datasets
from ._peers import ETA, LMBDA, NumpyMLP, PerSampleMLP, SklearnMLP, TorchMLP
from .network import Network

PEERS = ("pynn", "reference", "numpy", "network2", "torch", "sklearn", "floor")


def cpu_model():
    """The CPU's model name and its vector extensions, as the OS reports them."""
    model, flags = platform.processor() or platform.machine(), set()
    try:
        with open("/proc/cpuinfo") as stream:
            for line in stream:
                key, _, value = line.partition(":")
                if key.strip() == "model name":
                    model = value.strip()
                elif key.strip() in ("flags", "Features") and not flags:
                    flags = set(value.split())
    except OSError:
        pass
    wanted = ("avx2", "fma", "avx512f", "asimd", "sve")
    return model, [f for f in wanted if f in flags]


def dgemm_peak(dtype="float64", n=2000, repeats=5):
    """GFLOP/s of numpy's n x n product (its BLAS, every core): the machine's
    practical peak for this dtype."""
    rng = np.random.default_rng(0)
    a, b = rng.uniform(size=(n, n)).astype(dtype), rng.uniform(size=(n, n)).astype(dtype)
    a @ b
    best = min(_time(lambda: a @ b, settle=0) for _ in range(repeats))
    return 2.0 * n**3 / best / 1e9


def epoch_flops(sizes, n):
    """Floating-point operations of one SGD epoch on n rows: per row, each
    layer's product forward (2 |W_l|) and its weight gradient (2 |W_l|), and
    the delta products of the layers above the first (2 |W_l|)."""
    weights = [a * b for a, b in zip(sizes[:-1], sizes[1:])]
    return float(n) * (4 * sum(weights) + 2 * sum(weights[1:]))


def describe_machine():
    """Lines naming the CPU, the kernel path and threads pynn uses, and the peaks."""
    model, flags = cpu_model()
    setting = _core.path_setting()
    path = _core.path_resolved([k for k, v in _core.PATHS.items() if v == setting][0])
    rows = _core.path_fast_rows(setting)
    fast = f" (its fast step takes mini-batches of up to {rows} rows)" if rows else ""
    peaks = {dtype: dgemm_peak(dtype) for dtype in ("float64", "float32")}
    print(f"cpu: {model} ({' '.join(flags) or 'no vector flags listed'}), "
          f"{_training.available_cores()} cores available; pynn's kernel path: {path}{fast}, "
          f"threads: {_training.threads_setting()}")
    print(f"dgemm peak (numpy, 2000^3, every core): float64 {peaks['float64']:.0f} GFLOP/s, "
          f"float32 {peaks['float32']:.0f} GFLOP/s")
    return peaks


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


def _time(function, settle=0.3):
    # let the previous runner's spinning worker threads (OpenMP, OpenBLAS) go
    # idle first, so that no peer pays for the one timed before it
    time.sleep(settle)
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def configuration(X64, labels, hidden, batch, dtype, peers, repeats, subset):
    """Median seconds per epoch of each peer (and pynn's peak RSS) for one configuration."""
    X = _layout.aligned_copy(X64, dtype)
    Y = np.eye(10, dtype=dtype)[labels]
    n = len(X)
    sizes = [784, hidden, 10]
    runners = {}
    net = Network(sizes, dtype=dtype, seed=0)
    runners["pynn"] = lambda: net.SGD((X, labels), 1, batch, ETA, lmbda=LMBDA)
    if "reference" in peers:
        runners["reference"] = lambda: _with_env({"PYNN_KERNELS": "reference"},
                                                 lambda: net.SGD((X, labels), 1, batch, ETA, lmbda=LMBDA))
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
    for repeat in range(repeats):
        order = list(runners.items())
        for name, runner in (order if repeat % 2 == 0 else order[::-1]):  # in turn, both ways
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


def _with_env(changes, function):
    """function() with the environment changed meanwhile."""
    saved = {key: os.environ.get(key) for key in changes}
    os.environ.update(changes)
    try:
        return function()
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


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
    parser.add_argument("--peers", nargs="+", default=["pynn", "reference", "numpy", "floor"],
                        choices=PEERS, help="what to time besides pynn (default: the reference "
                                            "path, numpy and the floor)")
    parser.add_argument("--subset", type=positive_int, default=2000,
                        help="rows the per-sample network2 style is timed on (then scaled)")
    parser.add_argument("--full", action="store_true",
                        help="every peer, hidden 30 and 100, batch 10 and 128, both dtypes, "
                             "plus evaluation speed, memory, scaling and a busy machine")


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
    peaks = describe_machine()
    print(f"data: {source}, {len(X64)} rows x {X64.shape[1]}; {args.repeats} interleaved runs, medians")
    header = "| sizes | batch | dtype | pynn s | pynn % of peak | " + " | ".join(f"{p} s" for p in shown) + \
             " | " + " | ".join(f"{p}/pynn" for p in shown) + " | pynn peak RSS MiB |"
    results = []

    def row(hidden, batch, dtype, medians, rss, peaks):
        cells = [f"{medians.get(p, float('nan')):.3f}" for p in shown]
        ratios = [f"{medians[p] / medians['pynn']:.2f}x" if p in medians else "n/a" for p in shown]
        share = epoch_flops([784, hidden, 10], len(X64)) / medians["pynn"] / 1e9 / peaks[dtype]
        return (f"| [784, {hidden}, 10] | {batch} | {dtype} | {medians['pynn']:.3f} | "
                f"{100 * share:.0f}% | " + " | ".join(cells) + " | " + " | ".join(ratios) + f" | {rss:.0f} |")

    for dtype in args.dtype:
        for hidden in args.hidden:
            for batch in args.batch:
                medians, rss = configuration(X64, labels, hidden, batch, dtype, peers, args.repeats,
                                             min(args.subset, len(X64)))
                results.append((hidden, batch, dtype, medians, rss))
                print(row(*results[-1], peaks), flush=True)
    # the peak again: a neighbour's load can depress one measurement; the
    # higher of the two is nearer the hardware's limit
    again = {dtype: dgemm_peak(dtype) for dtype in peaks}
    peaks = {dtype: max(peaks[dtype], again[dtype]) for dtype in peaks}
    print(f"\ndgemm peak again: float64 {again['float64']:.0f} GFLOP/s, float32 {again['float32']:.0f} "
          f"GFLOP/s; the table's % of peak is of the higher measurement of each")
    print()
    print(header)
    print("|" + "|".join("---" for _ in header.split("|")[1:-1]) + "|")
    for result in results:
        print(row(*result, peaks))
    if args.full:
        _dtype_ratio(X64, labels, max(args.repeats, 5))
        _evaluation_speed(X64, labels)
        _scaling(X64, labels, args.repeats)
        _busy_machine(args.repeats)


def _dtype_ratio(X64, labels, repeats):
    """float64 / float32 seconds per epoch, [784, 100, 10], batch 10: the two
    dtypes timed in turn (order alternating), so that both see the same
    machine; the median of the per-pair ratios."""
    data = {dtype: _layout.aligned_copy(X64, dtype) for dtype in ("float64", "float32")}
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


def _child_epoch(rows, dtype):
    """In a child process: one epoch of [784, 100, 10], batch 10; prints its seconds."""
    X, labels, _ = load_rows(rows)
    X = _layout.aligned_copy(X, dtype)
    net = Network([784, 100, 10], dtype=dtype, seed=0)
    start = time.perf_counter()
    net.SGD((X, labels), 1, 10, ETA, lmbda=LMBDA)
    print(f"{time.perf_counter() - start:.6f}")


def _epochs_in_children(count, threads=None, rows=20000, dtype="float64"):
    """Seconds of `count` epochs run at once, each in its own process."""
    env = dict(os.environ)
    if threads is not None:
        env["PYNN_NUM_THREADS"] = str(threads)
    code = f"from pynn.bench import _child_epoch; _child_epoch({rows}, {dtype!r})"
    children = [subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, env=env, text=True)
                for _ in range(count)]
    return [float(child.communicate()[0]) for child in children]


def _busy_machine(repeats, rows=20000):
    """The default against one thread when the machine is busy: with a process
    spinning beside it, and with two trainings at once (each epoch in its own
    process, the variants in turn; medians)."""
    repeats = max(repeats, 5)
    print(f"\na busy machine ([784, 100, 10], batch 10, float64, {rows} rows, each epoch in its own "
          f"process, {repeats} runs in turn, medians):")
    spinner = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        default, one = [], []
        for _ in range(repeats):
            default += _epochs_in_children(1, rows=rows)
            one += _epochs_in_children(1, threads=1, rows=rows)
    finally:
        spinner.kill()
        spinner.wait()
    _ratio_row("one busy-loop process beside", "default", default, "one thread", one, "default / one thread")
    both, alone, both_one = [], [], []
    for _ in range(repeats):
        both += _epochs_in_children(2, rows=rows)
        alone += _epochs_in_children(1, threads=1, rows=rows)
        both_one += _epochs_in_children(2, threads=1, rows=rows)
    _ratio_row("two trainings at once", "each (default)", both, "one alone on one thread", alone, "each / alone")
    # two one-thread trainings share only the caches and the memory bus: the
    # part of the slowdown that no choice of threads removes
    _ratio_row("two at once, one thread each", "each", both_one, "one alone on one thread", alone, "each / alone")


def _ratio_row(situation, name, seconds, base_name, base_seconds, ratio_name):
    """A table row: the medians of two lists of seconds and their ratio."""
    value, base = statistics.median(seconds), statistics.median(base_seconds)
    print(f"| {situation} | {name} {value:.3f} s | {base_name} {base:.3f} s | {ratio_name} {value / base:.2f}x |")
