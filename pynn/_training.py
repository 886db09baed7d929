"""The SGD driver: the per-epoch Python around the core's mini-batch loop.

Python runs once per epoch (shuffle, monitoring, History, callbacks, early
stopping, the learning-rate schedule) and once per chunk of mini-batches (the
call into C, the progress bar, Ctrl-C); never per mini-batch.
"""
import math
import numbers
import os
import sys
import time
import warnings

import numpy as np

from . import _core, _data
from .history import History
from .network import OPTIMIZERS, _CHUNK_FLOPS, _check_count, _check_rate

_DEFAULTS = {
    "optimizer": "sgd", "momentum": 0.9, "rho": 0.9, "beta1": 0.9, "beta2": 0.999,
    "epsilon": 1e-8, "l1": 0.0, "dropout": 0.0, "early_stopping": None,
    "restore_best": True, "lr_schedule": None, "patience": 10, "shuffle": True,
    "seed": None, "progress": False, "callback": None, "verbose": False,
}


def _options(net, options, has_evaluation):
    unknown = sorted(set(options) - set(_DEFAULTS))
    if unknown:
        raise TypeError(f"SGD: unknown option(s) {', '.join(unknown)}; "
                        f"expected some of {', '.join(_DEFAULTS)}")
    o = dict(_DEFAULTS, **options)
    if o["optimizer"] not in OPTIMIZERS:
        raise ValueError(f"optimizer: expected one of {', '.join(OPTIMIZERS)}, got {o['optimizer']!r}")
    for name in ("momentum", "rho", "beta1", "beta2"):
        value = _check_rate(o[name], name)
        if value >= 1:
            raise ValueError(f"{name}: expected a number in [0, 1), got {value}")
        o[name] = value
    o["epsilon"] = _check_rate(o["epsilon"], "epsilon", positive=True)
    o["l1"] = _check_rate(o["l1"], "l1")
    n_hidden = net.num_layers - 2
    rates = o["dropout"]
    if isinstance(rates, (list, tuple, np.ndarray)):
        rates = list(rates)
        if len(rates) != n_hidden:
            raise ValueError(f"dropout: expected {n_hidden} rates (one per hidden layer), got {len(rates)}")
    else:
        rates = [rates] * n_hidden
    checked = []
    for rate in rates:
        rate = _check_rate(rate, "dropout")
        if rate >= 1:
            raise ValueError(f"dropout: rates must lie in [0, 1), got {rate}")
        checked.append(rate)
    o["dropout"] = checked if any(checked) else None
    if o["early_stopping"] is not None:
        o["early_stopping"] = _check_count(o["early_stopping"], "early_stopping")
        if not has_evaluation:
            raise ValueError("early_stopping: needs evaluation_data to watch")
    if o["lr_schedule"] not in (None, "halve_on_plateau"):
        raise ValueError(f"lr_schedule: expected None or 'halve_on_plateau', got {o['lr_schedule']!r}")
    if o["lr_schedule"] is not None and not has_evaluation:
        raise ValueError("lr_schedule: 'halve_on_plateau' needs evaluation_data to watch")
    o["patience"] = _check_count(o["patience"], "patience")
    if o["seed"] is not None and (isinstance(o["seed"], bool) or
                                  not isinstance(o["seed"], (numbers.Integral, np.integer)) or o["seed"] < 0):
        raise ValueError(f"seed: expected None or an int >= 0, got {o['seed']!r}")
    if o["callback"] is not None and not callable(o["callback"]):
        raise TypeError(f"callback: expected a callable, got {o['callback']!r}")
    return o


def _threads_setting():
    """PYNN_NUM_THREADS: threads for the small-batch kernels (0 or unset: as
    many as the bundled BLAS may use, which follows threadpoolctl limits)."""
    value = os.environ.get("PYNN_NUM_THREADS", "").strip()
    if not value:
        return 0
    if not value.isdigit():
        raise ValueError(f"PYNN_NUM_THREADS: expected a non-negative int, got {value!r}")
    return min(int(value), 64)


def _is_empty_sequence(data):
    return isinstance(data, (list, tuple)) and len(data) == 0


def _is_classification(T):
    """Labels, or target rows that are all one-hot: accuracy is meaningful."""
    if T.ndim == 1:
        return True
    return T.shape[1] > 1 and bool(np.all((T == 0) | (T == 1))) and bool(np.all(T.sum(axis=1) == 1))


def _progress_bar(enabled, epoch, epochs, total):
    """A bar over one epoch's mini-batches, on stderr; it gives way to the
    epoch's line when the epoch ends."""
    if not enabled:
        return None
    from tqdm.auto import tqdm  # a dependency of pynn

    return tqdm(total=total, unit="batch", leave=False, ncols=80, disable=None,  # None: off when not a terminal
                desc=f"epoch {epoch}/{epochs}")


def epoch_line(metrics, epochs, n_train, n_eval):
    """One line (at most 80 columns) of an epoch's metrics, accuracies as fractions."""
    width = len(str(epochs))
    parts = [f"epoch {metrics['epoch']:>{width}}/{epochs}"]
    train = [f"loss {metrics['training_loss']:.4g}"]
    if "training_cost" in metrics:
        train = [f"cost {metrics['training_cost']:.4g}"]
    if "training_accuracy" in metrics:
        train.append(f"acc {metrics['training_accuracy'] / n_train:.4f}")
    parts.append("train " + " ".join(train))
    if "evaluation_cost" in metrics:
        parts.append(f"valid cost {metrics['evaluation_cost']:.4g} "
                     f"acc {metrics['evaluation_accuracy'] / n_eval:.4f}")
    return "  ".join(parts)


def run(net, *args):
    with net._exclusive("training"):
        return _run(net, *args)


def _run(net, training_data, epochs, mini_batch_size, eta, lmbda, evaluation_data,
        monitor_evaluation_cost, monitor_evaluation_accuracy,
        monitor_training_cost, monitor_training_accuracy, options):
    epochs = _check_count(epochs, "epochs", minimum=0)
    batch = _check_count(mini_batch_size, "mini_batch_size")
    eta = _check_rate(eta, "eta", positive=True)
    lmbda = _check_rate(lmbda, "lmbda")
    if _is_empty_sequence(evaluation_data) and not (monitor_evaluation_cost or monitor_evaluation_accuracy):
        evaluation_data = None  # network2 reads an empty list as no evaluation data
    has_eval = evaluation_data is not None
    if (monitor_evaluation_cost or monitor_evaluation_accuracy) and not has_eval:
        raise ValueError("evaluation_data: monitoring it was asked for, but none was given")
    o = _options(net, options, has_eval)

    # Convert everything once: the caller's lists and arrays are never touched.
    # NaN or infinity in the training data is looked for only if a chunk of
    # training ends with non-finite weights (_train_chunk): reading the whole
    # data set up front cost ~4% of an epoch.
    X, Y = net._train_arrays(training_data, "training_data", check=epochs == 0)
    n = len(X)
    if has_eval:
        Xe, Te = net._split(evaluation_data, "evaluation_data")
    if o["seed"] is not None or not net._seeded:
        net._seed_core(o["seed"])  # None: from Python's random, as network2's random.shuffle

    opts = {"eta": eta, "lmbda": lmbda, "l1": o["l1"], "n_total": float(n),
            "optimizer": OPTIMIZERS[o["optimizer"]], "momentum": o["momentum"], "rho": o["rho"],
            "beta1": o["beta1"], "beta2": o["beta2"], "epsilon": o["epsilon"]}
    threads = _threads_setting() or _core.blas_threads()
    state = np.zeros(_core.state_factor(opts["optimizer"]) * net._params.size, dtype=net.dtype)
    step = np.zeros(1, dtype=np.int64)
    perm = np.arange(n, dtype=np.int64) if o["shuffle"] else None
    n_batches = -(-n // batch)
    chunk = max(1, int(_CHUNK_FLOPS // (6.0 * min(batch, n) * net._params.size)))
    monitored = {"evaluation_cost": monitor_evaluation_cost, "evaluation_accuracy": monitor_evaluation_accuracy,
                 "training_cost": monitor_training_cost, "training_accuracy": monitor_training_accuracy}

    history = History(n_training=n, n_evaluation=len(Xe) if has_eval else None)
    watch_cost = has_eval and not _is_classification(Te)
    best_score, best_params, since_best = -math.inf, None, 0
    schedule_since, eta_floor = 0, eta / 128
    loss = np.zeros(1, dtype=np.float64)
    warned = False
    pool = None
    try:
        # one pool of helper threads for the whole call (the small-batch kernels
        # split their products; larger batches are left to BLAS's own threads)
        if batch <= _core.SMALL_BATCH:
            pool = _core.Pool(threads)
        for epoch in range(1, epochs + 1):
            started = time.perf_counter()
            if perm is not None:
                _core.shuffle(net._rng_state, perm)
            loss[0] = 0.0
            bar = _progress_bar(o["progress"], epoch, epochs, n_batches)
            try:
                for first in range(0, n_batches, chunk):
                    last = min(first + chunk, n_batches)
                    net._train_chunk(X, Y, perm, batch, first, last, opts, state, step, o["dropout"],
                                     pool, unchecked="training_data", loss=loss)
                    if bar is not None:
                        bar.update(last - first)
            finally:
                if bar is not None:
                    bar.close()

            # measure first, then record: an interrupt cannot leave the four
            # lists of History at different lengths
            metrics = {"epoch": epoch, "eta": opts["eta"],
                       "training_loss": loss[0] / n + net._l2_term(lmbda, n)}
            if monitor_training_cost or monitor_training_accuracy:
                metrics["training_cost"], metrics["training_accuracy"] = net._measure(X, Y, lmbda)
            if has_eval and (monitor_evaluation_cost or monitor_evaluation_accuracy
                             or o["early_stopping"] or o["lr_schedule"]):
                metrics["evaluation_cost"], metrics["evaluation_accuracy"] = net._measure(Xe, Te, lmbda)
            metrics["seconds"] = time.perf_counter() - started
            history._record(metrics, monitored)
            if not warned and not all(math.isfinite(metrics[k]) for k in _COSTS if k in metrics):
                warned = True
                bad = next(k for k in _COSTS if k in metrics and not math.isfinite(metrics[k]))
                warnings.warn(f"training diverged: the {bad.replace('_', ' ')} is {metrics[bad]} after "
                              f"epoch {epoch} (try a smaller eta)", RuntimeWarning, stacklevel=3)
            if "evaluation_cost" in metrics:
                score = -metrics["evaluation_cost"] if watch_cost else metrics["evaluation_accuracy"]
                if score > best_score:
                    best_score, since_best, schedule_since = score, 0, 0
                    if o["early_stopping"] and o["restore_best"]:
                        best_params = net._params.copy()
                else:
                    since_best += 1
                    schedule_since += 1
            if o["verbose"]:
                print(_network2_lines(metrics, n, len(Xe) if has_eval else 0))
            if o["progress"]:
                _write_line(epoch_line(metrics, epochs, n, len(Xe) if has_eval else 0))
            if o["callback"] is not None and o["callback"](epoch, dict(metrics)) is False:
                history.stop_reason = "callback"
                break
            if o["early_stopping"] and since_best >= o["early_stopping"]:
                history.stop_reason = "early_stopping"
                break
            if o["lr_schedule"] == "halve_on_plateau" and schedule_since >= o["patience"]:
                opts["eta"] /= 2
                schedule_since = 0
                if opts["eta"] < eta_floor:
                    history.stop_reason = "lr_schedule"
                    break
    except KeyboardInterrupt:
        # The chunk in flight finished in C: the network is consistent.  Stop
        # like a finished run, keeping the history so far.
        history.stop_reason = "interrupted"
        warnings.warn("training interrupted (KeyboardInterrupt); returning the history so far",
                      RuntimeWarning, stacklevel=3)
    finally:
        if pool is not None:
            pool.close()
    if best_params is not None:
        with net._exclusive("restoring the best weights"):
            net._params[...] = best_params
    return history


_COSTS = ("training_loss", "training_cost", "evaluation_cost")


def _write_line(line):
    from tqdm.auto import tqdm

    tqdm.write(line, file=sys.stdout)  # above the bar (stderr) on a terminal
    sys.stdout.flush()


def _network2_lines(metrics, n_train, n_eval):
    """network2's per-epoch printout (verbose=True), numbered as everywhere else."""
    lines = [f"Epoch {metrics['epoch']} training complete"]
    if "training_cost" in metrics:
        lines.append(f"Cost on training data: {metrics['training_cost']}")
    if "training_accuracy" in metrics:
        lines.append(f"Accuracy on training data: {metrics['training_accuracy']} / {n_train}")
    if "evaluation_cost" in metrics:
        lines.append(f"Cost on evaluation data: {metrics['evaluation_cost']}")
        lines.append(f"Accuracy on evaluation data: {metrics['evaluation_accuracy']} / {n_eval}")
    return "\n".join(lines) + "\n"
