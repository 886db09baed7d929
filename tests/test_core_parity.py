"""The compiled core against the numpy oracle: every activation x cost x dtype."""
import numpy as np
import pytest

from pynn import _core

import oracle
from helpers import HIDDEN, PAIRINGS, TOLERANCE, columns, make_data, make_net, params_of

SIZES = [6, 5, 4, 3]
CASES = [(h, c, o) for h in HIDDEN for c, o in PAIRINGS]


def _acts(net):
    return list(net.activations)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("hidden,cost,output", CASES)
def test_forward(hidden, cost, output, dtype):
    net = make_net(SIZES, cost, hidden, output, dtype)
    X, _ = make_data(17, SIZES[0], SIZES[-1], cost)
    W, b = params_of(net)
    X = X.astype(dtype)
    expected = np.hstack([oracle.feedforward(W, b, _acts(net), x.reshape(-1, 1).astype(np.float64))
                          for x in X]).T
    got = net.predict(X)
    assert got.dtype == np.dtype(dtype) and got.shape == (17, SIZES[-1])
    np.testing.assert_allclose(got, expected, **TOLERANCE[dtype])
    # network2's orientation: columns in, columns out
    np.testing.assert_allclose(net.feedforward(X.T), expected.T, **TOLERANCE[dtype])


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("hidden,cost,output", CASES)
def test_backprop(hidden, cost, output, dtype):
    net = make_net(SIZES, cost, hidden, output, dtype)
    X, Y = make_data(3, SIZES[0], SIZES[-1], cost)
    W, b = params_of(net)
    for x, y in columns(X.astype(dtype).astype(np.float64), Y):
        nabla_b, nabla_w = net.backprop(x, y)
        want_b, want_w = oracle.backprop(W, b, _acts(net), cost, x, y)
        for got, want in zip(nabla_b + nabla_w, want_b + want_w):
            assert got.shape == want.shape
            np.testing.assert_allclose(got, want, **TOLERANCE[dtype])


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("hidden,cost,output", CASES)
def test_update_mini_batch(hidden, cost, output, dtype):
    net = make_net(SIZES, cost, hidden, output, dtype)
    X, Y = make_data(7, SIZES[0], SIZES[-1], cost)
    X = X.astype(dtype).astype(np.float64)
    W, b = params_of(net)
    batch = columns(X, Y)
    net.update_mini_batch(batch, 0.3, 2.0, 50)
    want_w, want_b = oracle.sgd_step(W, b, _acts(net), cost, batch, 0.3, 2.0, 50)
    got_w, got_b = params_of(net)
    for got, want in zip(got_w + got_b, want_w + want_b):
        np.testing.assert_allclose(got, want, **TOLERANCE[dtype])


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("hidden,cost,output", CASES)
def test_epoch_without_shuffling(hidden, cost, output, dtype):
    net = make_net(SIZES, cost, hidden, output, dtype)
    X, Y = make_data(23, SIZES[0], SIZES[-1], cost)  # 23 = 4 batches of 5 + one of 3
    X = X.astype(dtype).astype(np.float64)
    W, b = params_of(net)
    net.SGD((X, Y), 1, 5, 0.2, lmbda=1.5, shuffle=False)
    want_w, want_b = oracle.sgd_epoch(W, b, _acts(net), cost, columns(X, Y), 5, 0.2, 1.5)
    got_w, got_b = params_of(net)
    tol = TOLERANCE[dtype] if dtype == "float64" else dict(rtol=1e-4, atol=1e-5)
    for got, want in zip(got_w + got_b, want_w + want_b):
        np.testing.assert_allclose(got, want, **tol)
    assert any(not np.allclose(g, w0) for g, w0 in zip(got_w, W)), "the epoch changed nothing"


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("hidden,cost,output", CASES[::4])
def test_cost_and_accuracy(hidden, cost, output, dtype):
    net = make_net(SIZES, cost, hidden, output, dtype)
    X, Y = make_data(1100, SIZES[0], SIZES[-1], cost)  # spans several evaluation blocks
    X = X.astype(dtype).astype(np.float64)
    W, b = params_of(net)
    data = columns(X, Y)
    want_cost = oracle.total_cost(W, b, _acts(net), cost, data, 3.0)
    np.testing.assert_allclose(net.total_cost((X, Y), 3.0), want_cost, rtol=1e-12 if dtype == "float64" else 1e-5)
    X2, labels = make_data(1100, SIZES[0], SIZES[-1], cost, labels=True)
    X2 = X2.astype(dtype).astype(np.float64)
    want_hits = oracle.accuracy(W, b, _acts(net), [(x.reshape(-1, 1), int(y)) for x, y in zip(X2, labels)])
    got_hits = net.accuracy((X2, labels))
    assert isinstance(got_hits, int)
    if dtype == "float64":
        assert got_hits == want_hits
    else:  # float32 rounding may flip an argmax between near-equal outputs
        assert abs(got_hits - want_hits) <= 3


@pytest.mark.parametrize("kernels", ["auto", "blas"])
@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("batch", [1, 4, 16, 17])
@pytest.mark.parametrize("sizes", [[6, 5, 4, 3], [37, 13, 11], [3, 25, 1], [7, 3]])
def test_both_product_paths_match_the_oracle(monkeypatch, kernels, dtype, batch, sizes):
    """Mini-batches <= 16 use the register-blocked kernels (on AVX2 CPUs), larger
    ones BLAS; PYNN_KERNELS=blas forces BLAS.  Odd sizes exercise every tile edge."""
    if kernels == "blas":
        monkeypatch.setenv("PYNN_KERNELS", "blas")
    net = make_net(sizes, "quadratic", "tanh", "sigmoid", dtype)
    X, Y = make_data(40, sizes[0], sizes[-1], "quadratic")
    X = X.astype(dtype).astype(np.float64)
    W, b = params_of(net)
    net.SGD((X, Y), 1, batch, 0.2, lmbda=1.5, shuffle=False)
    want_w, want_b = oracle.sgd_epoch(W, b, _acts(net), "quadratic", columns(X, Y), batch, 0.2, 1.5)
    got_w, got_b = params_of(net)
    tol = TOLERANCE[dtype] if dtype == "float64" else dict(rtol=1e-4, atol=1e-5)
    for got, want in zip(got_w + got_b, want_w + want_b):
        np.testing.assert_allclose(got, want, **tol)


@pytest.mark.parametrize("rule", [{}, {"optimizer": "adam"},
                                  {"optimizer": "nesterov", "momentum": 0.9, "l1": 0.5}])
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_results_do_not_depend_on_the_thread_count(monkeypatch, dtype, rule):
    """The small kernels split products by output rows, and the update rules
    the parameters by ranges, so every number is computed the same way on 1,
    2 or 3 threads: bit-identical weights."""
    rng = np.random.default_rng(0)
    X, y = rng.uniform(size=(300, 200)), rng.integers(0, 10, 300)
    results = []
    for threads in ("1", "2", "3"):
        monkeypatch.setenv("PYNN_NUM_THREADS", threads)
        net = make_net([200, 90, 10], "cross_entropy", "sigmoid", "sigmoid", dtype)
        net.SGD((X, y), 2, 10, 0.3 if not rule else 0.01, lmbda=1.0, seed=4, **rule)
        results.append(np.concatenate([p.ravel() for p in net.weights + net.biases]))
    assert np.array_equal(results[0], results[1]) and np.array_equal(results[0], results[2])


def test_threads_get_tiles_in_proportion_to_their_speed():
    """The layer-1 SGD step is split between threads by their measured speed
    (csrc/balance.c); the split only decides who computes a tile, which the
    test above shows never changes a number."""
    def split(tiles, tile_seconds, runs):
        return _core.balance_split(tiles, [tile_seconds] * runs)

    assert split(34, [1.0, 1.0], 50) == [0, 17, 34]           # equal: the even split
    assert split(34, [1.0, 1.04], 50) == [0, 17, 34]          # 0.3 tile off: no move
    assert split(30, [2.0, 1.0], 50) == [0, 10, 30]           # half as fast: a third
    assert split(30, [1.0, 1.0, 2.0], 50) == [0, 12, 24, 30]  # shares 0.4, 0.4, 0.2
    assert split(10, [1000.0, 1.0], 50) == [0, 1, 10]         # each keeps one tile
    assert split(3, [5.0, 1.0], 50) == [0, 1, 3]              # too few tiles to move
    assert split(10, [1.0], 5) == [0, 10]
    assert split(30, [2.0, 1.0], 1) == [0, 10, 30]            # the first run as it is
    # one run 100x slow (a preempted thread) counts as 2x, then fades
    steady = [[1.0, 1.0]] * 10
    assert _core.balance_split(34, steady + [[100.0, 1.0]]) == [0, 15, 34]
    assert _core.balance_split(34, steady + [[100.0, 1.0]] + steady * 2) == [0, 17, 34]
    # a lasting change is followed: a thread turning 2x slower loses tiles at
    # once and is down to its third within twenty runs
    assert _core.balance_split(30, steady + [[2.0, 1.0]] * 4)[1] <= 12
    assert _core.balance_split(30, steady + [[2.0, 1.0]] * 20) == [0, 10, 30]
    with pytest.raises(ValueError, match="balance_split"):
        _core.balance_split(10, [[1.0, 1.0], [1.0]])


def test_bad_thread_setting(monkeypatch):
    monkeypatch.setenv("PYNN_NUM_THREADS", "many")
    net = make_net([3, 2], "quadratic", "sigmoid", "sigmoid")
    with pytest.raises(ValueError, match="PYNN_NUM_THREADS"):
        net.SGD((np.zeros((4, 3)), np.zeros((4, 2))), 1, 2, 0.1)
