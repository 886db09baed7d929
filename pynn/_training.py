"""The SGD driver: the per-epoch Python around the core's mini-batch loop.

Python runs once per epoch (shuffle, monitoring, History, callbacks, early
stopping, the learning-rate schedule) and once per chunk of mini-batches (the
call into C, the progress bar, Ctrl-C); never per mini-batch.

Network.SGD checks the call with ``plan`` (everything before any work),
converts the data, and hands ``run`` the arrays and a Model: the pieces of
the network that training reads and writes, passed explicitly.  This module
imports nothing of Network's.
"""
import collections
import math
import os
import sys
import time
import warnings

import numpy as np

from . import _checks, _core
from .history import FIELDS, History

# name -> enum pynn_optimizer in csrc/pynn.h
OPTIMIZERS = {"sgd": 0, "momentum": 1, "nesterov": 2, "adagrad": 3, "rmsprop": 4, "adam": 5}
LR_SCHEDULES = ("halve_on_plateau",)
# Work per call into C while training: about 4e9 flops (a tenth of a second
# or so), so a progress bar moves and Ctrl-C is honoured between chunks.
CHUNK_FLOPS = 4e9

_DEFAULTS = {
    "optimizer": "sgd", "momentum": 0.9, "rho": 0.9, "beta1": 0.9, "beta2": 0.999,
    "epsilon": 1e-8, "l1": 0.0, "dropout": 0.0, "early_stopping": None,
    "restore_best": True, "lr_schedule": None, "patience": 10, "shuffle": True,
    "seed": None, "progress": False, "callback": None, "verbose": False, "sample_weight": None,
}

Model = collections.namedtuple("Model", "arch params rng_state measure l2_term")
Model.__doc__ = """What training works on: the core's description of the network, its
parameter buffer and random state (changed in place), measure(X, T, lmbda,
weights=None) -> (cost, correct) and l2_term(lmbda, n)."""

Plan = collections.namedtuple("Plan", "epochs batch eta lmbda evaluation_data monitored options")


def _is_empty_sequence(data):
    return isinstance(data, (list, tuple)) and len(data) == 0


def plan(epochs, mini_batch_size, eta, lmbda, evaluation_data, monitored, options, n_hidden):
    """A checked Plan of one SGD call; every bad argument is refused here,
    before any work (monitored: History field -> flag)."""
    epochs = _checks.integer(epochs, "epochs")
    batch = _checks.integer(mini_batch_size, "mini_batch_size", minimum=1)
    eta = _checks.number(eta, "eta", positive=True)
    lmbda = _checks.number(lmbda, "lmbda")
    monitored = {field: _checks.boolean(monitored[field], f"monitor_{field}") for field in FIELDS}
    watching = monitored["evaluation_cost"] or monitored["evaluation_accuracy"]
    if _is_empty_sequence(evaluation_data) and not watching:
        evaluation_data = None  # network2 reads an empty list as no evaluation data
    if watching and evaluation_data is None:
        raise ValueError("evaluation_data: monitoring it was asked for, but none was given")
    return Plan(epochs, batch, eta, lmbda, evaluation_data, monitored,
                _options(options, n_hidden, evaluation_data is not None))


def _options(options, n_hidden, has_evaluation):
    unknown = sorted(set(options) - set(_DEFAULTS))
    if unknown:
        raise TypeError(f"SGD: unknown option(s) {', '.join(unknown)}; "
                        f"expected some of {', '.join(_DEFAULTS)}")
    o = dict(_DEFAULTS, **options)
    _checks.choice(o["optimizer"], "optimizer", OPTIMIZERS)
    for name in ("momentum", "rho", "beta1", "beta2"):
        o[name] = _checks.number(o[name], name, below=1)
    o["epsilon"] = _checks.number(o["epsilon"], "epsilon", positive=True)
    o["l1"] = _checks.number(o["l1"], "l1")
    rates = o["dropout"]
    if isinstance(rates, (list, tuple, np.ndarray)):
        rates = list(rates)
        if len(rates) != n_hidden:
            raise ValueError(f"dropout: expected {n_hidden} rates (one per hidden layer), got {len(rates)}")
    else:
        rates = [rates] * n_hidden
    rates = [_checks.number(rate, "dropout", below=1) for rate in rates]
    o["dropout"] = rates if any(rates) else None
    if o["early_stopping"] is not None:
        o["early_stopping"] = _checks.integer(o["early_stopping"], "early_stopping", minimum=1)
        if not has_evaluation:
            raise ValueError("early_stopping: needs evaluation_data to watch")
    o["restore_best"] = _checks.boolean(o["restore_best"], "restore_best")
    if o["lr_schedule"] is not None:
        _checks.choice(o["lr_schedule"], "lr_schedule", LR_SCHEDULES)
        if not has_evaluation:
            raise ValueError("lr_schedule: 'halve_on_plateau' needs evaluation_data to watch")
    o["patience"] = _checks.integer(o["patience"], "patience", minimum=1)
    o["shuffle"] = _checks.boolean(o["shuffle"], "shuffle")
    o["seed"] = _checks.seed(o["seed"])
    o["progress"] = _checks.boolean(o["progress"], "progress")
    o["verbose"] = _checks.boolean(o["verbose"], "verbose")
    _checks.function(o["callback"], "callback")
    return o


def available_cores():
    """Cores this process may run on (its CPU affinity, which taskset, cgroups
    and job schedulers set), else the machine's count."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # no sched_getaffinity (macOS)
        return max(1, os.cpu_count() or 1)


def threads_setting():
    """Threads of the fast step: PYNN_NUM_THREADS when set (0 or unset: as many
    as the bundled BLAS may use, which follows threadpoolctl limits), never
    more than the cores available to the process."""
    value = os.environ.get("PYNN_NUM_THREADS", "").strip()
    if value and not (value.isascii() and value.isdigit()):
        raise ValueError(f"PYNN_NUM_THREADS: expected a non-negative int, got {value!r}")
    wanted = int(value) if value else 0
    return min(wanted or _core.blas_threads(), available_cores(), 64)


def _is_classification(T):
    """Labels, or target rows that are all one-hot: accuracy is meaningful."""
    if T.ndim == 1:
        return True
    return T.shape[1] > 1 and bool(np.all((T == 0) | (T == 1))) and bool(np.all(T.sum(axis=1) == 1))


def train_chunk(model, X, Y, perm, batch, first, last, opts, state, step, dropout, pool=None,
                unchecked=None, loss=None, weights=None):
    """Mini-batches first .. last-1 in C; on divergence the parameters are put back.

    unchecked: the argument name of X when it was not checked for NaN and
    infinity up front.  Such a value reaches the weights of every step that
    reads it (0 * NaN is NaN), so a chunk that ends non-finite is the moment
    to look: then the error names the data, not divergence.
    """
    backup = model.params.copy()
    try:
        _core.train(model.arch, model.params, X, Y, perm, batch, first, last, opts,
                    state, step, model.rng_state, dropout, pool, loss, weights)
    except FloatingPointError:
        model.params[...] = backup
        if unchecked is not None:
            _checks.finite(X, unchecked, "inputs")
        raise FloatingPointError(
            "training diverged: a weight became NaN or infinite (try a smaller eta); "
            "the network keeps its last finite weights") from None


def _callback_stops(result):
    """Whether a callback's result asks to stop: False, numpy's False too."""
    return result is not None and isinstance(result, (bool, np.bool_)) and not result


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


def run(model, X, Y, Xe, Te, plan, weights=None):
    """Trains model on (X, Y) as plan says, watching (Xe, Te) when given; a History.
    weights: None, or the checked sample weights of the rows of X."""
    epochs, batch, eta, lmbda = plan.epochs, plan.batch, plan.eta, plan.lmbda
    o, monitored = plan.options, plan.monitored
    has_eval = Xe is not None
    n = len(X)
    # n of the decay terms and of the means: the rows, or the weights' sum
    total = float(n) if weights is None else float(np.sum(weights, dtype=np.float64))
    opts = {"eta": eta, "lmbda": lmbda, "l1": o["l1"], "n_total": total,
            "optimizer": OPTIMIZERS[o["optimizer"]], "momentum": o["momentum"], "rho": o["rho"],
            "beta1": o["beta1"], "beta2": o["beta2"], "epsilon": o["epsilon"]}
    threads = threads_setting()
    params = model.params
    state = np.zeros(_core.state_factor(opts["optimizer"]) * params.size, dtype=params.dtype)
    step = np.zeros(1, dtype=np.int64)
    perm = np.arange(n, dtype=np.int64) if o["shuffle"] else None
    batch = min(batch, n)  # a larger mini-batch is the whole set
    n_batches = -(-n // batch)
    chunk = max(1, int(CHUNK_FLOPS // (6.0 * batch * params.size)))
    train_cost = monitored["training_cost"] or monitored["training_accuracy"]
    eval_cost = has_eval and (monitored["evaluation_cost"] or monitored["evaluation_accuracy"]
                              or o["early_stopping"] or o["lr_schedule"])

    history = History(n_training=n, n_evaluation=len(Xe) if has_eval else None)
    watch_cost = has_eval and not _is_classification(Te)
    best_score, best_params, since_best = -math.inf, None, 0
    schedule_since, eta_floor = 0, eta / 128
    loss = np.zeros(1, dtype=np.float64)
    warned = False
    pool = None
    try:
        # one pool of helper threads for the whole call (the fast step splits
        # its products; larger batches are left to BLAS's own threads)
        if batch <= _core.path_fast_rows(_core.path_setting()):
            pool = _core.Pool(threads)
        for epoch in range(1, epochs + 1):
            started = time.perf_counter()
            if perm is not None:
                _core.shuffle(model.rng_state, perm)
            loss[0] = 0.0
            bar = _progress_bar(o["progress"], epoch, epochs, n_batches)
            try:
                for first in range(0, n_batches, chunk):
                    last = min(first + chunk, n_batches)
                    train_chunk(model, X, Y, perm, batch, first, last, opts, state, step, o["dropout"],
                                pool, unchecked="training_data", loss=loss, weights=weights)
                    if bar is not None:
                        bar.update(last - first)
            finally:
                if bar is not None:
                    bar.close()

            # measure first, then record: an interrupt cannot leave the four
            # lists of History at different lengths
            metrics = {"epoch": epoch, "eta": opts["eta"],
                       "training_loss": loss[0] / total + model.l2_term(lmbda, total)}
            if train_cost:
                metrics["training_cost"], metrics["training_accuracy"] = model.measure(X, Y, lmbda, weights)
            if eval_cost:
                metrics["evaluation_cost"], metrics["evaluation_accuracy"] = model.measure(Xe, Te, lmbda)
            metrics["seconds"] = time.perf_counter() - started
            history._record(metrics, monitored)
            if not warned and not all(math.isfinite(metrics[k]) for k in _COSTS if k in metrics):
                warned = True
                bad = next(k for k in _COSTS if k in metrics and not math.isfinite(metrics[k]))
                warnings.warn(f"training diverged: the {bad.replace('_', ' ')} is {metrics[bad]} after "
                              f"epoch {epoch} (try a smaller eta)", RuntimeWarning, stacklevel=4)
            if "evaluation_cost" in metrics:
                score = -metrics["evaluation_cost"] if watch_cost else metrics["evaluation_accuracy"]
                if score > best_score:
                    best_score, since_best, schedule_since = score, 0, 0
                    if o["early_stopping"] and o["restore_best"]:
                        best_params = params.copy()
                else:
                    since_best += 1
                    schedule_since += 1
            if o["verbose"]:
                print(_network2_lines(metrics, n, len(Xe) if has_eval else 0))
            if o["progress"]:
                _write_line(epoch_line(metrics, epochs, n, len(Xe) if has_eval else 0))
            if o["callback"] is not None and _callback_stops(o["callback"](epoch, dict(metrics))):
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
                      RuntimeWarning, stacklevel=4)
    finally:
        if pool is not None:
            pool.close()
    if best_params is not None:
        params[...] = best_params
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
