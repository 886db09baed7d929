"""network2.py's interface and semantics: code written for it runs unchanged."""
import math

import numpy as np
import pytest

import oracle
import pynn
from helpers import columns, make_data, params_of


def _mnist_like(n, seed=0, labels=False):
    """network2's data form: (784-free small version) x columns, y one-hot columns or ints."""
    rng = np.random.default_rng(seed)
    data = []
    for _ in range(n):
        x = rng.uniform(0, 1, (8, 1))
        j = int(rng.integers(0, 4))
        y = j if labels else pynn.vectorized_result(j, 4)
        data.append((x, y))
    return data


def test_hand_worked_sgd_step():
    # One weight, one bias, sigmoid + cross-entropy.  w = 0.5, b = 0, x = 2, y = 1:
    # z = 1, a = sigma(1) = 0.7310585786300049, delta = a - y = -0.2689414213699951,
    # dC/dw = delta x = -0.5378828427399902, dC/db = delta.
    # eta = 1, lmbda = 0.5, n = 2:  w' = (1 - 1*0.5/2) 0.5 - 1 * (-0.53788...) = 0.91288...
    #                                b' = 0 - 1 * (-0.26894...) = 0.26894...
    net = pynn.Network([1, 1])
    net.weights = [np.array([[0.5]])]
    net.biases = [np.array([[0.0]])]
    net.update_mini_batch([(np.array([[2.0]]), np.array([[1.0]]))], 1.0, 0.5, 2)
    assert net.weights[0][0, 0] == pytest.approx(0.9128828427399902, rel=1e-15)
    assert net.biases[0][0, 0] == pytest.approx(0.2689414213699951, rel=1e-15)


def test_attributes_and_shapes():
    net = pynn.Network([8, 5, 4])
    assert net.sizes == [8, 5, 4] and net.num_layers == 3
    assert net.cost is pynn.CrossEntropyCost
    assert [W.shape for W in net.weights] == [(5, 8), (4, 5)]
    assert [b.shape for b in net.biases] == [(5, 1), (4, 1)]
    assert net.activations == ["sigmoid", "sigmoid"]
    assert net.feedforward(np.ones((8, 1))).shape == (4, 1)
    assert net.feedforward(np.ones(8)).shape == (4,)
    assert net.feedforward(np.ones((8, 3))).shape == (4, 3)


def test_weights_are_live_views_and_assignment_copies():
    net = pynn.Network([3, 2], seed=0)
    x = np.array([[0.1], [0.2], [0.3]])
    net.weights[0][...] = 0.0
    net.biases[0][...] = 0.0
    np.testing.assert_allclose(net.feedforward(x), 0.5)
    new = [np.full((2, 3), 1.0)]
    net.weights = new
    new[0][...] = 7.0  # the network holds a copy
    assert net.weights[0][0, 0] == 1.0
    net.biases[0] = np.array([[1.0], [2.0]])  # item assignment reaches the network too
    assert net.biases[0][1, 0] == 2.0
    with pytest.raises(ValueError, match="weights"):
        net.weights = [np.zeros((3, 2))]
    with pytest.raises(ValueError, match="biases"):
        net.biases = [np.zeros((2, 1)), np.zeros((2, 1))]


def test_methods_match_network2_semantics_on_lists():
    training = _mnist_like(40, seed=1)
    validation = _mnist_like(30, seed=2, labels=True)
    net = pynn.Network([8, 6, 4], pynn.QuadraticCost, seed=4)
    W, b = params_of(net)
    acts = net.activations
    # accuracy: convert=False on labelled data, convert=True on one-hot data
    assert net.accuracy(validation) == oracle.accuracy(W, b, acts, validation)
    assert net.accuracy(training, convert=True) == oracle.accuracy(W, b, acts, training)
    # total_cost: convert=False on one-hot data, convert=True on labelled data
    assert math.isclose(net.total_cost(training, 2.0),
                        oracle.total_cost(W, b, acts, "quadratic", training, 2.0), rel_tol=1e-10)
    onehot_validation = [(x, pynn.vectorized_result(y, 4)) for x, y in validation]
    assert math.isclose(net.total_cost(validation, 2.0, convert=True),
                        oracle.total_cost(W, b, acts, "quadratic", onehot_validation, 2.0), rel_tol=1e-10)
    # a flag that contradicts the data is an error, not garbage
    with pytest.raises(ValueError, match="convert"):
        net.accuracy(training)
    with pytest.raises(ValueError, match="convert"):
        net.total_cost(validation, 0.0)


def test_sgd_history_and_monitoring():
    training = _mnist_like(50, seed=3)
    validation = _mnist_like(20, seed=4, labels=True)
    snapshot = [(x.copy(), y.copy()) for x, y in training]
    order = [id(pair) for pair in training]
    net = pynn.Network([8, 6, 4], seed=5)
    history = net.SGD(training, 3, 10, 0.5, lmbda=0.1, evaluation_data=validation,
                      monitor_evaluation_cost=True, monitor_evaluation_accuracy=True,
                      monitor_training_cost=True, monitor_training_accuracy=True)
    assert isinstance(history, pynn.History) and isinstance(history, tuple)
    ec, ea, tc, ta = history
    assert len(ec) == len(ea) == len(tc) == len(ta) == 3
    assert all(isinstance(v, int) for v in ea + ta)
    assert all(isinstance(v, float) for v in ec + tc)
    # the last entries describe the final network
    assert ea[-1] == net.accuracy(validation)
    assert ta[-1] == net.accuracy(training, convert=True)
    assert math.isclose(ec[-1], net.total_cost(validation, 0.1, convert=True), rel_tol=1e-12)
    assert math.isclose(tc[-1], net.total_cost(training, 0.1), rel_tol=1e-12)
    # flags off: empty lists
    assert net.SGD(training, 1, 10, 0.5) == ([], [], [], [])
    # the caller's list and arrays were not touched
    assert [id(pair) for pair in training] == order
    for (x, y), (x0, y0) in zip(training, snapshot):
        assert np.array_equal(x, x0) and np.array_equal(y, y0)


def test_sgd_on_lists_equals_sgd_on_arrays():
    X, Y = make_data(30, 5, 3, "cross_entropy", seed=8)
    first = pynn.Network([5, 4, 3], seed=9)
    second = pynn.Network([5, 4, 3], seed=9)
    first.SGD(columns(X, Y), 2, 7, 0.4, lmbda=0.3, seed=11)
    second.SGD((X, Y), 2, 7, 0.4, lmbda=0.3, seed=11)
    for a, b in zip(first.weights + first.biases, second.weights + second.biases):
        assert np.array_equal(a, b)


def test_sgd_with_labels_equals_one_hot_targets():
    X, labels = make_data(30, 5, 3, "cross_entropy", seed=8, labels=True)
    first = pynn.Network([5, 4, 3], seed=9)
    second = pynn.Network([5, 4, 3], seed=9)
    first.SGD((X, labels), 2, 7, 0.4, seed=1)
    second.SGD((X, np.eye(3)[labels]), 2, 7, 0.4, seed=1)
    for a, b in zip(first.weights, second.weights):
        assert np.array_equal(a, b)


def test_any_dtype_and_memory_order_is_accepted():
    X, labels = make_data(30, 5, 3, "cross_entropy", seed=8, labels=True)
    reference = pynn.Network([5, 3], seed=2)
    expected = reference.predict(X)
    strided = np.hstack([X, X])[:, ::2]  # non-contiguous view of the same values
    strided[:, :] = X
    for variant in (np.asfortranarray(X), strided, X.tolist()):
        np.testing.assert_array_equal(reference.predict(variant), expected)
    X32 = X.astype(np.float32)  # float32 input to a float64 network: converted exactly
    np.testing.assert_array_equal(reference.predict(X32), reference.predict(X32.astype(np.float64)))
    ints = (X * 10).astype(np.int32)
    np.testing.assert_allclose(reference.predict(ints), reference.predict(ints.astype(float)), rtol=0)
    assert reference.accuracy((X, labels.astype(np.int8))) == reference.accuracy((X, labels))


def test_shuffling_changes_the_path_but_seed_reproduces_it():
    X, Y = make_data(40, 5, 3, "cross_entropy", seed=8)
    runs = []
    for seed in (1, 1, 2):
        net = pynn.Network([5, 4, 3], seed=0)
        net.SGD((X, Y), 2, 5, 0.5, seed=seed)
        runs.append(np.concatenate([W.ravel() for W in net.weights]))
    assert np.array_equal(runs[0], runs[1])
    assert not np.array_equal(runs[0], runs[2])


@pytest.mark.parametrize("init", ["default", "large", "xavier", "he"])
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_initializers_are_seeded_and_scaled(init, dtype):
    a = pynn.Network([400, 300, 10], init=init, seed=7, dtype=dtype)
    b = pynn.Network([400, 300, 10], init=init, seed=7, dtype=dtype)
    c = pynn.Network([400, 300, 10], init=init, seed=8, dtype=dtype)
    for Wa, Wb, Wc in zip(a.weights, b.weights, c.weights):
        assert Wa.dtype == np.dtype(dtype)
        assert np.array_equal(Wa, Wb) and not np.array_equal(Wa, Wc)
    W = a.weights[0].astype(np.float64)
    expected_std = {"default": 1 / np.sqrt(400), "large": 1.0,
                    "xavier": np.sqrt(2 / 700), "he": np.sqrt(2 / 400)}[init]
    assert abs(W.mean()) < 0.01 * max(expected_std, 0.1)
    assert W.std() == pytest.approx(expected_std, rel=0.02)
    b0 = a.biases[0]
    if init in ("default", "large"):
        assert b0.std() == pytest.approx(1.0, rel=0.2)
    else:
        assert not b0.any()


def test_initializer_methods_redraw():
    net = pynn.Network([50, 20, 3], seed=1)
    before = net.weights[0].copy()
    net.large_weight_initializer()
    assert net.weights[0].std() == pytest.approx(1.0, rel=0.1)
    net.default_weight_initializer()
    assert net.weights[0].std() == pytest.approx(1 / np.sqrt(50), rel=0.1)
    assert not np.array_equal(before, net.weights[0])


def test_cost_classes_are_network2s():
    a = np.array([[0.2], [0.7]])
    y = np.array([[0.0], [1.0]])
    z = np.log(a / (1 - a))  # sigmoid(z) = a
    assert pynn.QuadraticCost.fn(a, y) == pytest.approx(0.5 * (0.04 + 0.09))
    np.testing.assert_allclose(pynn.QuadraticCost.delta(z, a, y), (a - y) * a * (1 - a))
    assert pynn.CrossEntropyCost.fn(a, y) == pytest.approx(-np.log(0.8) - np.log(0.7))
    np.testing.assert_allclose(pynn.CrossEntropyCost.delta(z, a, y), a - y)
    assert pynn.CrossEntropyCost.fn(np.array([[1.0]]), np.array([[1.0]])) == 0.0  # nan_to_num
    assert pynn.LogLikelihoodCost.fn(a, y) == pytest.approx(-np.log(0.7))
    assert pynn.LogLikelihoodCost.fn(a, 1) == pytest.approx(-np.log(0.7))
    assert pynn.AbsoluteCost.fn(a, y) == pytest.approx(0.5)
    assert pynn.sigmoid(0.0) == 0.5 and pynn.sigmoid_prime(0.0) == 0.25
    e = pynn.vectorized_result(3)
    assert e.shape == (10, 1) and e[3, 0] == 1.0 and e.sum() == 1.0


def test_cost_by_name():
    assert pynn.Network([2, 2], "quadratic").cost is pynn.QuadraticCost
    assert pynn.Network([2, 2], "mae").cost is pynn.AbsoluteCost
    assert pynn.Network([2, 2], "log_likelihood").activations == ["softmax"]
    assert pynn.Network([2, 2], "CrossEntropyCost").cost is pynn.CrossEntropyCost


def test_per_layer_activations():
    net = pynn.Network([3, 4, 4, 2], "quadratic", activation=["relu", "tanh"], output_activation="identity")
    assert net.activations == ["relu", "tanh", "identity"]


def test_pandas_and_list_pairs_are_the_fast_form():
    pandas = pytest.importorskip("pandas")
    X, labels = make_data(30, 5, 3, "cross_entropy", seed=8, labels=True)
    runs = []
    for data in ((X, labels), (pandas.DataFrame(X), pandas.Series(labels)), (X, pandas.Series(labels)),
                 [X, labels], [pandas.DataFrame(X), labels]):
        net = pynn.Network([5, 4, 3], seed=9)
        net.SGD(data, 2, 7, 0.4, seed=11)
        runs.append(net.weights[0].copy())
        assert net.accuracy(data) == net.accuracy((X, labels))
    assert all(np.array_equal(run, runs[0]) for run in runs)
    frame = pandas.DataFrame({"a": ["x"] * 3, "b": [1.0] * 3})
    with pytest.raises(TypeError, match="training_data"):
        pynn.Network([2, 2]).SGD((frame, np.array([0, 1, 0])), 1, 1, 0.1)
