"""The compiled core against the numpy oracle: every activation x cost x dtype."""
import numpy as np
import pytest

import pynn
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
@pytest.mark.parametrize("batch", [1, 4, 17, 33, _core.SMALL_BATCH, _core.SMALL_BATCH + 1])
@pytest.mark.parametrize("sizes", [[6, 5, 4, 3], [37, 13, 11], [3, 25, 1], [7, 3]])
def test_both_product_paths_match_the_oracle(monkeypatch, kernels, dtype, batch, sizes):
    """Mini-batches <= SMALL_BATCH use the register-blocked kernels, larger ones
    BLAS; PYNN_KERNELS=blas forces BLAS.  Odd sizes exercise every tile edge."""
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


KERNEL_PATHS = [name for name in _core.PATHS if name not in ("auto", "reference")]


def _train_with(path, threads, dtype, rule, monkeypatch, batch=10):
    """Two epochs of [200, 90, 10] on the given path with a pool of `threads`
    (straight through _core, so that more threads than cores can be asked for)."""
    from pynn import _training

    if not _core.path_supported(path):
        pytest.skip(f"this build or CPU has no {path} path")
    monkeypatch.setenv("PYNN_KERNELS", path)
    rng = np.random.default_rng(0)
    X = rng.uniform(size=(300, 200)).astype(dtype)
    Y = np.eye(10, dtype=dtype)[rng.integers(0, 10, 300)]
    net = make_net([200, 90, 10], "cross_entropy", "sigmoid", "sigmoid", dtype)
    model = net._model()
    opts = {"eta": 0.3 if not rule else 0.01, "lmbda": 1.0, "n_total": 300.0,
            "optimizer": _training.OPTIMIZERS[rule.get("optimizer", "sgd")],
            "momentum": rule.get("momentum", 0.9), "l1": rule.get("l1", 0.0)}
    state = np.zeros(_core.state_factor(opts["optimizer"]) * model.params.size, dtype=dtype)
    step = np.zeros(1, dtype=np.int64)
    perm = np.arange(300, dtype=np.int64)
    pool = _core.Pool(threads)
    try:
        for _ in range(2):
            _core.shuffle(model.rng_state, perm)
            _core.train(model.arch, model.params, X, Y, perm, batch, 0, 30, opts, state, step,
                        model.rng_state, None, pool)
    finally:
        pool.close()
    return model.params.copy()


@pytest.mark.parametrize("rule", [{}, {"optimizer": "adam"},
                                  {"optimizer": "nesterov", "momentum": 0.9, "l1": 0.5}])
@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("path", KERNEL_PATHS)
# 40: past the rows whose whole rows the rank update streams (column blocks)
@pytest.mark.parametrize("batch", [10, 40, _core.SMALL_BATCH])
def test_each_path_is_bit_identical_on_1_2_3_threads(monkeypatch, path, dtype, rule, batch):
    """The fast step splits products by tiles of units and the rules by tiles of
    parameters; which thread computes a tile never changes how, so 1, 2 or 3
    threads (more than this machine may have cores) give the same bits."""
    results = [_train_with(path, threads, dtype, rule, monkeypatch, batch) for threads in (1, 2, 3)]
    assert np.array_equal(results[0], results[1]) and np.array_equal(results[0], results[2])


@pytest.mark.parametrize("rule", [{}, {"optimizer": "adam"},
                                  {"optimizer": "nesterov", "momentum": 0.9, "l1": 0.5}])
@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("path", KERNEL_PATHS)
@pytest.mark.parametrize("batch", [1, 7, 16, 40, _core.SMALL_BATCH])
def test_each_fast_path_matches_the_reference_step(monkeypatch, path, dtype, rule, batch):
    """The fast step against the reference step (same seed, same shuffles)."""
    want = _train_with("reference", 1, dtype, rule, monkeypatch, batch)
    got = _train_with(path, 2, dtype, rule, monkeypatch, batch)
    tol = dict(rtol=1e-9, atol=1e-11) if dtype == "float64" else dict(rtol=2e-3, atol=2e-4)
    np.testing.assert_allclose(got, want, **tol)
    assert not np.array_equal(want, _train_with("reference", 1, dtype, {"optimizer": "momentum"},
                                                monkeypatch, batch)), "the rule made no difference"


def test_each_path_says_which_mini_batches_its_fast_step_takes():
    """AVX-512 takes up to SMALL_BATCH rows, the other kernel paths 32 (above,
    BLAS won on them: docs/performance.md), the reference path none."""
    assert _core.path_fast_rows(_core.PATHS["reference"]) == 0
    want = {"avx512": _core.SMALL_BATCH, "avx2": 32, "generic": 32, "neon": 32}
    for name in KERNEL_PATHS:
        if _core.path_supported(name):
            assert _core.path_fast_rows(_core.PATHS[name]) == want[name]
        else:
            assert _core.path_fast_rows(_core.PATHS[name]) == 0
    best = _core.path_resolved("auto")
    assert _core.path_fast_rows(_core.PATHS["auto"]) == want[best]


def test_paths_are_named_and_chosen_by_the_cpu(monkeypatch):
    assert _core.path_resolved("reference") == "reference"
    best = _core.path_resolved("auto")
    assert best in KERNEL_PATHS and _core.path_supported(best)
    for name in KERNEL_PATHS:  # only a supported path is ever resolved
        assert (_core.path_resolved(name) == name) == _core.path_supported(name)
    monkeypatch.setenv("PYNN_KERNELS", "sse9")
    net = make_net([3, 2], "quadratic", "sigmoid", "sigmoid")
    with pytest.raises(ValueError, match="PYNN_KERNELS: expected one of"):
        net.predict(np.zeros((1, 3)))
    missing = [name for name in KERNEL_PATHS if not _core.path_supported(name)]
    if missing:  # e.g. neon on x86-64
        monkeypatch.setenv("PYNN_KERNELS", missing[0])
        with pytest.raises(ValueError, match="cannot run it"):
            net.predict(np.zeros((1, 3)))
    monkeypatch.setenv("PYNN_KERNELS", "blas")  # the earlier name of the reference
    assert net.predict(np.zeros((1, 3))).shape == (1, 2)


def test_bad_thread_setting(monkeypatch):
    monkeypatch.setenv("PYNN_NUM_THREADS", "many")
    net = make_net([3, 2], "quadratic", "sigmoid", "sigmoid")
    with pytest.raises(ValueError, match="PYNN_NUM_THREADS"):
        net.SGD((np.zeros((4, 3)), np.zeros((4, 2))), 1, 2, 0.1)


def test_default_threads_never_exceed_the_available_cores(monkeypatch):
    from pynn import _training

    monkeypatch.setenv("PYNN_NUM_THREADS", "64")
    assert _training.threads_setting() == min(64, _training.available_cores())
    monkeypatch.delenv("PYNN_NUM_THREADS")
    assert 1 <= _training.threads_setting() <= _training.available_cores()


def test_training_leaves_the_blas_thread_count_alone():
    """Small mini-batches run without BLAS's threads, and nothing lowers the
    bundled BLAS's count behind the caller's back (another Python thread may
    be running a large product meanwhile): polled while a batch-10 training
    and a small full-batch gradient run in another thread."""
    import threading

    before = _core.blas_threads()
    rng = np.random.default_rng(0)
    X, y = rng.uniform(size=(20000, 100)), rng.integers(0, 10, 20000)
    net = make_net([100, 30, 10], "cross_entropy", "sigmoid", "sigmoid")
    done = threading.Event()

    def work():
        try:
            net.SGD((X, y), 2, 10, 0.1)
            for _ in range(20):
                net.lbfgs((X[:500], y[:500]), max_iter=5)
        finally:
            done.set()

    worker = threading.Thread(target=work)
    worker.start()
    seen = set()
    while not done.is_set():
        seen.add(_core.blas_threads())
    worker.join()
    assert seen <= {before} and _core.blas_threads() == before


def test_converted_training_inputs_start_on_a_cache_line():
    from pynn import _data, _layout
    rows = np.random.default_rng(0).uniform(size=(7, 16))
    for given in (rows.tolist(), rows, rows.astype(np.float32)[:, :8]):
        X = _data.inputs(given, np.float32, "X")
        assert X.dtype == np.float32 and X.flags.c_contiguous
        assert X.ctypes.data % _layout.ALIGNMENT == 0
    np.testing.assert_array_equal(_data.inputs(rows.tolist(), np.float64, "X"), rows)
    same = np.ascontiguousarray(rows[1:])  # already right, wherever it lies: used in place
    assert _data.inputs(same, np.float64, "X") is same


def _cross_entropy_by_terms(A, Y, dtype):
    """sum over rows and units of -y ln a - (1-y) ln(1-a), each term on its own
    with network2's nan_to_num rules (0 ln 0 = 0, an infinite term the largest
    number of the dtype), in float64."""
    A, Y = A.astype(np.float64), Y.astype(np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(Y != 0, -Y * np.log(A), 0.0) + np.where(Y != 1, -(1 - Y) * np.log1p(-A), 0.0)
    terms = np.where(np.isnan(terms), 0.0, terms)
    return float(np.sum(np.minimum(terms, np.finfo(dtype).max)))


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("case", ["one-hot", "soft targets", "a saturated unit", "an underflowing product"])
def test_cross_entropy_cost_by_rows_and_by_terms(case, dtype):
    # The core sums a row of 0/1 targets as -ln of the product of its a or
    # 1 - a factors (one logarithm a row) and falls back to the terms one by
    # one for targets between 0 and 1, an infinite term or a product that
    # underflows: each against the terms, computed here from the network's
    # own outputs.
    if case == "an underflowing product" and dtype == "float32":
        pytest.skip("float32 factors are >= 2^-149 or 0: three cannot multiply below 2^-1000")
    net = pynn.Network([4, 3], "cross_entropy", dtype=dtype, seed=0)
    rng = np.random.default_rng(2)
    X = rng.uniform(-1, 1, size=(40, 4)).astype(dtype)
    Y = np.eye(3)[rng.integers(0, 3, size=40)]
    if case == "soft targets":
        Y = np.clip(Y + rng.uniform(0, 0.3, size=Y.shape), 0, 1)
    if case == "a saturated unit":
        # row 0's unit 1 gives a = 1 exactly with y = 0: one infinite term
        net.weights[0][1] = 10.0
        X *= 0.01
        X[0] = 10.0
        Y[0] = [1, 0, 0]
    if case == "an underflowing product":
        # units 0 and 2 give a ~ e^-400 ~ 2e-174: row 0 (targets 1, 0, 1)
        # multiplies two of them, ~4e-348, which is 0 in float64
        net.biases[0][[0, 2]] = -400.0
        Y[0] = [1, 0, 1]
    A = net.predict(X)
    if case == "an underflowing product":
        assert A[0, 0] * A[0, 2] < 2.0**-1000
    if case == "a saturated unit":
        assert A[0, 1] == 1 and np.all(A[1:] < 1)
    want = _cross_entropy_by_terms(A, Y, dtype)
    got = net.total_cost((X, Y), 0.0) * len(X)
    assert np.isfinite(want)
    np.testing.assert_allclose(got, want, rtol=1e-12 if dtype == "float64" else 1e-6)
