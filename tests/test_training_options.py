"""SGD's options beyond network2: update rules, L1, dropout, early stopping,
the learning-rate schedule, seeds, callbacks and the progress bar."""
import numpy as np
import pytest

import oracle
import pynn
from helpers import columns, make_data, make_net, params_of

OPTIMIZERS = ["sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam"]
RATES = {"sgd": 0.3, "momentum": 0.1, "nesterov": 0.1, "adagrad": 0.05, "rmsprop": 0.01, "adam": 0.01}


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("optimizer", OPTIMIZERS)
@pytest.mark.parametrize("batch", [4, 20])  # the small kernels and the BLAS path
def test_every_rule_matches_the_oracle_after_two_epochs(optimizer, dtype, batch):
    net = make_net([6, 5, 3], "cross_entropy", "tanh", "sigmoid", dtype, seed=2)
    X, Y = make_data(42, 6, 3, "cross_entropy", seed=3)
    X = X.astype(dtype).astype(np.float64)
    W, b = params_of(net)
    options = dict(lmbda=0.7, l1=0.2, momentum=0.8, rho=0.85, beta1=0.8, beta2=0.99, epsilon=1e-6)
    net.SGD((X, Y), 2, batch, RATES[optimizer], optimizer=optimizer, shuffle=False, **options)
    want_w, want_b = oracle.train(W, b, list(net.activations), "cross_entropy", columns(X, Y), batch,
                                  RATES[optimizer], 2, optimizer=optimizer, **options)
    got_w, got_b = params_of(net)
    tol = dict(rtol=1e-9, atol=1e-12) if dtype == "float64" else dict(rtol=2e-4, atol=2e-5)
    for got, want, start in zip(got_w + got_b, want_w + want_b, W + b):
        np.testing.assert_allclose(got, want, **tol)
        assert not np.allclose(got, start)


def test_l1_alone_shrinks_weights_by_eta_l1_over_n():
    # with a zero-gradient setup (identity net, targets equal outputs) only the L1 decay acts
    net = pynn.Network([2, 2], "quadratic", output_activation="identity", seed=0)
    X = np.random.default_rng(0).uniform(size=(8, 2))
    Y = net.predict(X)
    before = net.weights[0].copy()
    net.SGD((X, Y), 1, 8, 0.5, l1=0.4, shuffle=False)
    np.testing.assert_allclose(net.weights[0], before - 0.5 * 0.4 / 8 * np.sign(before), rtol=1e-12)


def test_dropout_drops_at_the_rate_and_scales_the_kept_units():
    p, H, eta = 0.3, 4000, 0.01
    net = pynn.Network([3, H, 1], "quadratic", activation="identity", output_activation="identity", seed=1)
    x = np.array([[0.5, -0.2, 0.9]])
    y = np.array([[0.25]])
    W1, b1, W2, b2 = net.weights[0].copy(), net.biases[0].copy(), net.weights[1].copy(), net.biases[1].copy()
    net.SGD((x, y), 1, 1, eta, dropout=p, shuffle=False, seed=5)
    z1 = (W1 @ x.T + b1).ravel()
    change = (net.weights[1] - W2).ravel()
    kept = change != 0
    assert abs(1 - kept.mean() - p) < 4 * np.sqrt(p * (1 - p) / H)  # drop rate
    # the output the network saw: kept hidden units scaled by 1/(1-p)
    a1 = np.where(kept, z1 / (1 - p), 0.0)
    delta = float(W2.ravel() @ a1 + b2.ravel()[0] - y[0, 0])
    np.testing.assert_allclose(change[kept], -eta * delta * a1[kept], rtol=1e-9)
    # inference uses no mask: deterministic and equal to the plain formula
    out = net.predict(x)
    assert np.array_equal(out, net.predict(x))
    Wn, bn = params_of(net)
    np.testing.assert_allclose(out.T, oracle.feedforward(Wn, bn, ["identity", "identity"], x.T), rtol=1e-12)


def test_dropout_per_layer_rates_and_zero_rate_is_plain_training():
    X, Y = make_data(30, 5, 3, "cross_entropy", seed=1)
    a = pynn.Network([5, 4, 4, 3], seed=2)
    b = pynn.Network([5, 4, 4, 3], seed=2)
    a.SGD((X, Y), 2, 5, 0.5, dropout=[0.0, 0.0], seed=3)
    b.SGD((X, Y), 2, 5, 0.5, seed=3)
    assert all(np.array_equal(u, v) for u, v in zip(a.weights, b.weights))
    c = pynn.Network([5, 4, 4, 3], seed=2)
    c.SGD((X, Y), 2, 5, 0.5, dropout=[0.5, 0.0], seed=3)
    assert not np.array_equal(c.weights[0], b.weights[0])


def test_seeds_reproduce_training_bit_for_bit():
    X, y = make_data(64, 6, 3, "cross_entropy", seed=4, labels=True)
    runs = []
    for _ in range(2):
        net = pynn.Network([6, 8, 3], seed=11)
        net.SGD((X, y), 3, 8, 0.2, optimizer="adam", dropout=0.2, seed=12)
        runs.append(np.concatenate([p.ravel() for p in net.weights + net.biases]))
    assert np.array_equal(runs[0], runs[1])


def _noisy_problem(seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(120, 5))
    y = (X[:, 0] + 0.8 * rng.normal(size=120) > 0).astype(int)
    return (X[:80], y[:80]), (X[80:], y[80:])


def test_early_stopping_restores_the_best_epoch():
    train, valid = _noisy_problem()
    net = pynn.Network([5, 12, 2], seed=3)
    snapshots, scores = [], []

    def record(epoch, metrics):
        snapshots.append([W.copy() for W in net.weights])
        scores.append(metrics["evaluation_accuracy"])

    patience = 3
    history = net.SGD(train, 60, 4, 3.0, evaluation_data=valid, monitor_evaluation_accuracy=True,
                      early_stopping=patience, callback=record, seed=1)
    best = int(np.argmax(scores))  # first epoch with the highest accuracy
    assert history.evaluation_accuracy == scores
    assert len(scores) == min(60, best + patience + 1)
    assert len(scores) < 60, "the test needs a run that stops early"
    for W, W_best in zip(net.weights, snapshots[best]):
        assert np.array_equal(W, W_best)


def test_early_stopping_without_restore_keeps_the_last_weights():
    train, valid = _noisy_problem()
    net = pynn.Network([5, 12, 2], seed=3)
    last = []
    net.SGD(train, 60, 4, 3.0, evaluation_data=valid, early_stopping=3, restore_best=False, seed=1,
            callback=lambda e, m: last.__setitem__(slice(None), [W.copy() for W in net.weights]))
    assert all(np.array_equal(W, L) for W, L in zip(net.weights, last))


def test_early_stopping_watches_cost_for_regression():
    rng = np.random.default_rng(0)
    X = rng.uniform(-1, 1, (60, 1))
    Y = np.sin(3 * X) + 0.3 * rng.normal(size=X.shape)
    net = pynn.Network([1, 20, 1], "quadratic", activation="tanh", output_activation="identity", seed=0)
    costs, snapshots = [], []
    net.SGD((X[:40], Y[:40]), 200, 4, 0.5, evaluation_data=(X[40:], Y[40:]), early_stopping=5, seed=2,
            callback=lambda e, m: (costs.append(m["evaluation_cost"]),
                                   snapshots.append(net.weights[0].copy())))
    best = int(np.argmin(costs))
    assert len(costs) == min(200, best + 6)
    assert np.array_equal(net.weights[0], snapshots[best])


def test_halve_on_plateau_schedule():
    train, valid = _noisy_problem(seed=5)
    net = pynn.Network([5, 6, 2], seed=4)
    etas, scores = [], []

    def record(epoch, metrics):
        etas.append(metrics["eta"])
        scores.append(metrics["evaluation_accuracy"])

    net.SGD(train, 400, 8, 1.0, evaluation_data=valid, lr_schedule="halve_on_plateau", patience=2,
            callback=record, seed=3)
    # replay the rule on the recorded accuracies: halve after 2 epochs without a new
    # best, count again from each halving, stop once eta < 1.0 / 128
    eta, best, since = 1.0, -1, 0
    expected = []
    for score in scores:
        expected.append(eta)
        if score > best:
            best, since = score, 0
        else:
            since += 1
        if since >= 2:
            eta, since = eta / 2, 0
    assert etas == expected
    assert eta < 1.0 / 128 and len(scores) < 400  # it stopped on the eta floor
    assert len(set(etas)) == 8  # 1, 1/2, ..., 1/128


def test_callback_returning_false_stops():
    X, y = make_data(30, 4, 2, "cross_entropy", labels=True)
    seen = []
    history = pynn.Network([4, 3, 2], seed=0).SGD(
        (X, y), 10, 5, 0.1, monitor_training_cost=True,
        callback=lambda epoch, metrics: seen.append((epoch, dict(metrics))) or epoch < 3)
    assert [e for e, _ in seen] == [1, 2, 3]  # epochs are numbered from 1, as printed
    assert len(history.training_cost) == 3 and history.stop_reason == "callback"
    assert seen[0][1]["training_cost"] == history.training_cost[0]
    assert [m for _, m in seen] == history.epochs  # History keeps what the callback saw


def test_progress_lines_and_verbose_lines(capsys):
    X, y = make_data(50, 4, 2, "cross_entropy", labels=True)
    history = pynn.Network([4, 3, 2], seed=0).SGD(
        (X, y), 2, 5, 0.1, progress=True, verbose=True, evaluation_data=(X, y),
        monitor_evaluation_accuracy=True, monitor_training_cost=True, monitor_training_accuracy=True)
    out, err = capsys.readouterr()
    assert "Epoch 1 training complete" in out and "Epoch 2" in out and "Epoch 0" not in out
    lines = [line for line in out.splitlines() if line.startswith("epoch ")]
    assert len(lines) == 2 and all(len(line) <= 80 for line in lines), lines
    accuracy = history.evaluation_accuracy[1] / 50
    assert lines[1].startswith("epoch 2/2  train cost ") and f"acc {accuracy:.4f}" in lines[1]


def test_history_keeps_every_metric_whatever_the_flags():
    X, y = make_data(50, 4, 2, "cross_entropy", labels=True)
    net = pynn.Network([4, 3, 2], seed=0)
    history = net.SGD((X, y), 3, 5, 0.1, lmbda=0.5, evaluation_data=(X, y), early_stopping=10,
                      restore_best=False)
    assert history == ([], [], [], [])  # network2's lists follow the flags
    assert [m["epoch"] for m in history.epochs] == [1, 2, 3] and history.stop_reason is None
    assert len(history.metric("evaluation_accuracy")) == 3
    assert set(history.metrics) >= {"epoch", "eta", "seconds", "training_loss", "evaluation_cost"}
    assert history.metrics["evaluation_cost"][-1] == net.total_cost((X, y), 0.5, convert=True)
    assert history.n_training == history.n_evaluation == 50


def test_training_loss_is_the_mean_cost_of_the_mini_batches_during_the_epoch():
    # the core adds each mini-batch's cost at the weights before its step:
    # replayed here with update_mini_batch, one mini-batch at a time, in order
    X, Y = make_data(12, 3, 2, "quadratic", seed=4)
    for optimizer in ("sgd", "adam"):
        net = pynn.Network([3, 4, 2], "quadratic", seed=1)
        replay = pynn.Network([3, 4, 2], "quadratic", seed=1)
        history = net.SGD((X, Y), 1, 4, 0.5, lmbda=0.3, shuffle=False, optimizer=optimizer)
        total = 0.0
        for start in range(0, 12, 4):
            part = (X[start:start + 4], Y[start:start + 4])
            total += replay.total_cost(part, 0.0) * 4
            if optimizer == "sgd":
                replay.update_mini_batch(list(zip(*[a.reshape(4, -1, 1) for a in part])), 0.5, 0.3, 12)
        if optimizer == "sgd":
            l2 = 0.5 * 0.3 / 12 * sum(float(np.sum(W ** 2)) for W in net.weights)
            assert history.epochs[0]["training_loss"] == pytest.approx(total / 12 + l2, rel=1e-12)
        else:  # the first mini-batch's cost is at the initial weights whatever the rule
            assert history.epochs[0]["training_loss"] > 0


def test_a_diverging_cost_warns():
    X, y = make_data(40, 4, 2, "cross_entropy", labels=True)
    net = pynn.Network([4, 8, 2], activation="relu", seed=0)
    with pytest.warns(RuntimeWarning, match="training diverged: the training loss is inf"):
        history = net.SGD((X, y * 1), 3, 4, 1e4)
    assert not np.isfinite(history.epochs[-1]["training_loss"])


def test_sgd_docstring_names_every_option():
    from pynn import _training
    doc = pynn.Network.SGD.__doc__
    missing = [name for name in _training._DEFAULTS if name not in doc]
    assert not missing, missing


def test_docstrings_point_at_documents_that_exist():
    import pathlib
    import re
    root = pathlib.Path(__file__).resolve().parent.parent
    for obj in (pynn, pynn.Network, pynn.Network.SGD, pynn.History, pynn.datasets):
        for name in re.findall(r"\b([\w/.-]+\.md)\b", obj.__doc__ or ""):
            assert (root / name).exists(), f"{obj.__name__} points at {name}, which does not exist"
