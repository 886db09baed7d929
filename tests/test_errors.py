"""Bad input gets an exception that names the argument: never a crash or garbage."""
import threading

import numpy as np
import pytest

import pynn


@pytest.mark.parametrize("kwargs,error,match", [
    (dict(sizes=[3]), ValueError, "sizes"),
    (dict(sizes=[3, 0]), ValueError, "sizes"),
    (dict(sizes=[3, -2]), ValueError, "sizes"),
    (dict(sizes=[3, 2.5]), TypeError, "sizes"),
    (dict(sizes="34"), TypeError, "sizes"),
    (dict(sizes=[3, 2**31]), ValueError, "sizes"),
    (dict(sizes=[3, 2], cost="hinge"), ValueError, "cost"),
    (dict(sizes=[3, 2], cost=42), TypeError, "cost"),
    (dict(sizes=[3, 4, 2], activation="swish"), ValueError, "activation"),
    (dict(sizes=[3, 4, 2], activation="softmax"), ValueError, "activation"),
    (dict(sizes=[3, 4, 4, 2], activation=["relu"]), ValueError, "activation"),
    (dict(sizes=[3, 4, 2], activation=3), TypeError, "activation"),
    (dict(sizes=[3, 2], output_activation="swish"), ValueError, "output_activation"),
    (dict(sizes=[3, 2], cost="log_likelihood", output_activation="sigmoid"), ValueError, "output_activation"),
    (dict(sizes=[3, 2], cost="cross_entropy", output_activation="identity"), ValueError, "output_activation"),
    (dict(sizes=[3, 2], cost="cross_entropy", output_activation="relu"), ValueError, "output_activation"),
    (dict(sizes=[3, 2], init="zeros"), ValueError, "init"),
    (dict(sizes=[3, 2], dtype="int32"), ValueError, "dtype"),
    (dict(sizes=[3, 2], dtype="float16"), ValueError, "dtype"),
    (dict(sizes=[3, 2], seed=-1), ValueError, "seed"),
    (dict(sizes=[3, 2], seed="abc"), ValueError, "seed"),
])
def test_constructor_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        pynn.Network(**kwargs)


def test_numpy_dtypes_are_accepted():
    assert pynn.Network([2, 2], dtype=np.float32).dtype == np.float32
    assert pynn.Network([2, 2], dtype=np.dtype("float64")).dtype == np.float64


@pytest.fixture
def net():
    return pynn.Network([4, 3, 2], seed=0)


@pytest.fixture
def data():
    rng = np.random.default_rng(0)
    return rng.uniform(size=(10, 4)), rng.integers(0, 2, size=10)


@pytest.mark.parametrize("args,kwargs,error,match", [
    ((1, 5, 0.0), {}, ValueError, "eta"),
    ((1, 5, -1.0), {}, ValueError, "eta"),
    ((1, 5, float("nan")), {}, ValueError, "eta"),
    ((1, 5, "fast"), {}, TypeError, "eta"),
    ((1, 0, 0.1), {}, ValueError, "mini_batch_size"),
    ((1, 2.5, 0.1), {}, TypeError, "mini_batch_size"),
    ((-1, 5, 0.1), {}, ValueError, "epochs"),
    ((1, 5, 0.1), dict(lmbda=-1.0), ValueError, "lmbda"),
    ((1, 5, 0.1), dict(monitor_evaluation_accuracy=True), ValueError, "evaluation_data"),
    ((1, 5, 0.1), dict(bogus=1), TypeError, "bogus"),
    ((1, 5, 0.1), dict(optimizer="lbfgs"), ValueError, "optimizer"),
    ((1, 5, 0.1), dict(dropout=1.0), ValueError, "dropout"),
    ((1, 5, 0.1), dict(dropout=-0.1), ValueError, "dropout"),
    ((1, 5, 0.1), dict(dropout=[0.1, 0.2]), ValueError, "dropout"),
    ((1, 5, 0.1), dict(l1=-0.5), ValueError, "l1"),
    ((1, 5, 0.1), dict(momentum=1.5), ValueError, "momentum"),
    ((1, 5, 0.1), dict(early_stopping=3), ValueError, "early_stopping"),
    ((1, 5, 0.1), dict(lr_schedule="cosine"), ValueError, "lr_schedule"),
    ((1, 5, 0.1), dict(callback=5), TypeError, "callback"),
])
def test_sgd_arguments(net, data, args, kwargs, error, match):
    before = net.weights[0].copy()
    with pytest.raises(error, match=match):
        net.SGD(data, *args, **kwargs)
    assert np.array_equal(net.weights[0], before)  # nothing happened


def test_bad_data(net):
    rng = np.random.default_rng(0)
    X = rng.uniform(size=(10, 4))
    cases = [
        ((X[:, :3], np.zeros(10, int)), ValueError, "training_data"),
        ((X, np.zeros(9, int)), ValueError, "training_data"),
        ((X, np.full(10, 2)), ValueError, r"labels must lie in \[0, 2\)"),
        ((X, np.full(10, -1)), ValueError, "labels"),
        ((X, np.zeros((10, 3))), ValueError, "training_data"),
        ((X, np.zeros(10, float)), TypeError, "training_data"),
        ((np.where(X > 0.5, np.nan, X), np.zeros(10, int)), ValueError, "NaN"),
        ((X, np.full((10, 2), np.inf)), ValueError, "NaN or infinity"),
        ([], ValueError, "no samples"),
        ([(np.zeros((3, 1)), 0)], ValueError, "training_data"),
        ([(np.zeros((4, 1)), 0), (np.zeros((4, 1)), np.zeros((2, 1)))], ValueError, "mixes"),
        ([1, 2, 3], TypeError, "training_data"),
        (X, TypeError, "training_data"),
        (None, TypeError, "training_data"),
        ((X.astype(str), np.zeros(10, int)), TypeError, "training_data"),
    ]
    for bad, error, match in cases:
        with pytest.raises(error, match=match):
            net.SGD(bad, 1, 5, 0.1)


def test_bad_inference_input(net):
    with pytest.raises(ValueError, match="X"):
        net.predict(np.zeros((2, 5)))
    with pytest.raises(ValueError, match="NaN"):
        net.predict(np.full((2, 4), np.nan))
    with pytest.raises(ValueError, match="a:"):
        net.feedforward(np.zeros((5, 1)))
    with pytest.raises(ValueError, match="a:"):
        net.feedforward(np.zeros((2, 2, 2)))
    with pytest.raises(ValueError, match="data"):
        net.accuracy((np.zeros((2, 4)), np.array([0, 5])))
    with pytest.raises(ValueError, match="lmbda"):
        net.total_cost((np.zeros((2, 4)), np.zeros((2, 2))), -1)
    with pytest.raises(TypeError, match="convert"):
        net.accuracy([(np.zeros((4, 1)), 1)], convert="yes")
    with pytest.raises(ValueError, match="n:"):
        net.update_mini_batch([(np.zeros((4, 1)), 1)], 0.1, 0.0, 0)
    assert net.predict(np.zeros((0, 4))).shape == (0, 2)


@pytest.mark.parametrize("batch", [5, 40])  # small kernels, BLAS
@pytest.mark.parametrize("bad", ["nan_input", "inf_input", "nan_target"])
@pytest.mark.parametrize("kwargs", [{}, {"optimizer": "adam"}])
def test_non_finite_training_data_is_named_and_weights_kept(batch, bad, kwargs):
    """SGD looks for NaN and infinity in the training data only when a chunk
    of training ends non-finite; the error must still name the data (not
    divergence) and leave the weights as they were."""
    rng = np.random.default_rng(3)
    X, Y = rng.uniform(size=(400, 12)), np.eye(3)[rng.integers(0, 3, 400)]
    if bad == "nan_input":
        X[137, 5] = np.nan
    elif bad == "inf_input":
        X[250, 0] = -np.inf
    else:
        Y[399, 1] = np.nan
    net = pynn.Network([12, 7, 3], activation="relu", seed=0)
    before = [w.copy() for w in net.weights + net.biases]
    what = "targets" if bad == "nan_target" else "inputs"
    with pytest.raises(ValueError, match=f"training_data: {what} contain NaN or infinity"):
        net.SGD((X, Y), 2, batch, 0.1, **kwargs)
    for got, want in zip(net.weights + net.biases, before):
        np.testing.assert_array_equal(got, want)


def test_non_finite_training_data_with_zero_epochs_still_raises(net):
    X = np.full((6, 4), np.nan)
    with pytest.raises(ValueError, match="training_data: inputs contain NaN"):
        net.SGD((X, np.zeros(6, int)), 0, 2, 0.1)


def test_divergence_raises_and_keeps_last_finite_weights():
    net = pynn.Network([3, 5, 2], "quadratic", activation="identity", output_activation="identity", seed=0)
    X = np.full((40, 3), 100.0)
    Y = np.full((40, 2), 1.0)
    with pytest.raises(FloatingPointError, match="diverged"):
        net.SGD((X, Y), 50, 1, 10.0, shuffle=False)
    for W in net.weights + net.biases:
        assert np.isfinite(W).all()


def test_one_network_from_two_threads_raises():
    net = pynn.Network([4, 3, 2], seed=0)
    rng = np.random.default_rng(0)
    X, y = rng.uniform(size=(50, 4)), rng.integers(0, 2, 50)
    training, checked, errors = threading.Event(), threading.Event(), []

    def hold(epoch, metrics):
        # inside SGD: the owning thread itself may still use the network
        assert isinstance(net.accuracy((X, y)), int)
        training.set()
        checked.wait(10)

    worker = threading.Thread(target=lambda: net.SGD((X, y), 1, 10, 0.1, callback=hold))
    worker.start()
    assert training.wait(10)
    for use in (lambda: net.predict(X), lambda: net.SGD((X, y), 1, 10, 0.1), net.default_weight_initializer,
                lambda: net.save("/nonexistent/x.json")):
        try:
            use()
        except RuntimeError as error:
            errors.append(str(error))
    checked.set()
    worker.join()
    assert len(errors) == 4 and all("another thread" in e for e in errors)
    net.predict(X)  # free again


def test_training_releases_the_gil_and_networks_train_in_parallel():
    rng = np.random.default_rng(0)
    X, y = rng.uniform(size=(4000, 100)), rng.integers(0, 10, 4000)
    nets = [pynn.Network([100, 200, 10], seed=s) for s in (1, 2)]
    expected = [pynn.Network([100, 200, 10], seed=s) for s in (1, 2)]
    for net in expected:
        net.SGD((X, y), 2, 10, 0.1, seed=5)
    ticks = [0]
    done = threading.Event()

    def count():
        while not done.is_set():
            ticks[0] += 1

    counter = threading.Thread(target=count)
    counter.start()
    workers = [threading.Thread(target=net.SGD, args=((X, y), 2, 10, 0.1), kwargs=dict(seed=5)) for net in nets]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    done.set()
    counter.join()
    assert ticks[0] > 1000  # the pure-Python counter ran while C trained
    for net, reference in zip(nets, expected):
        assert np.array_equal(net.weights[0], reference.weights[0])
