"""Sample weights: the weighted core against the weighted oracle, integer
weights against repeated rows, the weighted cost and gradient of one pass."""
import numpy as np
import pytest

import oracle
import pynn
from helpers import columns, make_data, make_net, params_of

OPTIMIZERS = ["sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam"]
RATES = {"sgd": 0.3, "momentum": 0.1, "nesterov": 0.1, "adagrad": 0.05, "rmsprop": 0.01, "adam": 0.01}


def _weights(n, seed=0):
    w = np.random.default_rng(seed).uniform(0, 3, n)
    w[[1, 5]] = 0.0  # samples that count for nothing
    return w


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("optimizer", OPTIMIZERS)
@pytest.mark.parametrize("batch", [4, 20])  # the small kernels (fused step for sgd) and BLAS
def test_weighted_core_matches_the_weighted_oracle(optimizer, dtype, batch):
    net = make_net([6, 5, 3], "cross_entropy", "tanh", "sigmoid", dtype, seed=2)
    X, Y = make_data(42, 6, 3, "cross_entropy", seed=3)
    X = X.astype(dtype).astype(np.float64)
    w = _weights(42).astype(dtype).astype(np.float64)
    W, b = params_of(net)
    lasso = {} if optimizer == "sgd" else dict(l1=0.2)  # sgd without l1: the fused one-GEMM step
    options = dict(lmbda=0.7, momentum=0.8, rho=0.85, beta1=0.8, beta2=0.99, epsilon=1e-6, **lasso)
    history = net.SGD((X, Y), 2, batch, RATES[optimizer], optimizer=optimizer, shuffle=False,
                      sample_weight=w, monitor_training_cost=True, monitor_training_accuracy=True, **options)
    want_w, want_b = oracle.train(W, b, list(net.activations), "cross_entropy", columns(X, Y), batch,
                                  RATES[optimizer], 2, optimizer=optimizer, sample_weight=list(w), **options)
    got_w, got_b = params_of(net)
    tol = dict(rtol=1e-9, atol=1e-12) if dtype == "float64" else dict(rtol=2e-4, atol=2e-5)
    for got, want, start in zip(got_w + got_b, want_w + want_b, W + b):
        np.testing.assert_allclose(got, want, **tol)
        assert not np.allclose(got, start)
    # the reported cost and accuracy are the weighted ones
    rtol = 1e-10 if dtype == "float64" else 1e-4
    assert history.training_cost[-1] == pytest.approx(
        oracle.total_cost(got_w, got_b, list(net.activations), "cross_entropy", columns(X, Y), 0.7, list(w)),
        rel=rtol)
    assert history.training_accuracy[-1] == pytest.approx(
        oracle.accuracy(got_w, got_b, list(net.activations), columns(X, Y), list(w)), rel=rtol)


@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
def test_integer_weights_equal_repeated_rows(optimizer):
    # one full-batch step at a time, in order: the weighted mean gradient of
    # the rows is the mean gradient of the repeated rows, and n is sum(w)
    X, Y = make_data(15, 4, 3, "cross_entropy", seed=5)
    w = np.random.default_rng(1).integers(0, 4, 15)
    w[0] = 2
    weighted = pynn.Network([4, 6, 3], seed=0)
    repeated = pynn.Network([4, 6, 3], seed=0)
    weighted.SGD((X, Y), 3, 15, 0.4, lmbda=0.5, optimizer=optimizer, shuffle=False, sample_weight=w)
    rows = np.repeat(np.arange(15), w)
    repeated.SGD((X[rows], Y[rows]), 3, len(rows), 0.4, lmbda=0.5, optimizer=optimizer, shuffle=False)
    for a, b in zip(weighted.weights + weighted.biases, repeated.weights + repeated.biases):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-14)


def test_one_pass_gives_the_weighted_cost_and_gradient():
    from pynn import _core
    net = make_net([5, 4, 3], "log_likelihood", "relu", "softmax", seed=3)
    X, Y = make_data(1300, 5, 3, "log_likelihood", seed=2)  # more than one block of rows
    w = _weights(1300, seed=4)
    grad = np.empty_like(net._params)
    cost_sum = _core.gradient(net._arch, net._params, X, Y, grad, w)
    W, b = params_of(net)
    acts = list(net.activations)
    data = columns(X, Y)
    want_b, want_w = oracle.mean_gradient(W, b, acts, "log_likelihood", data, list(w))
    scale = w.sum()
    got_b, got_w = net._bias_views(grad), net._weight_views(grad)
    for got, want in zip(got_w + got_b, want_w + want_b):
        np.testing.assert_allclose(got, want * scale, rtol=1e-10, atol=1e-12)
    assert cost_sum == pytest.approx(oracle.total_cost(W, b, acts, "log_likelihood", data, 0.0, list(w)) * scale,
                                     rel=1e-12)


@pytest.mark.parametrize("bad, error, match", [
    (np.ones(9), ValueError, r"shape \(10,\)"), (-np.ones(10), ValueError, ">= 0"),
    (np.full(10, np.nan), ValueError, "NaN"), (np.zeros(10), ValueError, "all zero"),
    (np.ones(10) + 1j, TypeError, "real numbers"), (np.ones((10, 1)), ValueError, "shape"),
    ("heavy", TypeError, "sample_weight"),
])
def test_bad_sample_weights_are_named(bad, error, match):
    X, y = make_data(10, 4, 2, "cross_entropy", labels=True)
    net = pynn.Network([4, 2], seed=0)
    with pytest.raises(error, match=match):
        net.SGD((X, y), 1, 5, 0.1, sample_weight=bad)
