"""network2.py's scripts on pynn: what a book reader writes runs with only the
import changed, and what it assigns, seeds and saves behaves as in network2.

network2 itself is not imported (it is Python 2); where its behaviour matters
(its cost classes, how its load reads a file, its order of random draws) the
stand-ins below are written from what network2 does.
"""
import json
import os
import pickle
import gzip
import random
import subprocess
import sys
import textwrap
import types

import numpy as np
import pytest

import pynn
from helpers import columns, make_data


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


# ---- stand-ins for network2's module ------------------------------------------

class Network2QuadraticCost:
    @staticmethod
    def fn(a, y):
        return 0.5 * np.linalg.norm(a - y) ** 2

    @staticmethod
    def delta(z, a, y):
        return (a - y) * _sigmoid(z) * (1 - _sigmoid(z))


class Network2CrossEntropyCost:
    @staticmethod
    def fn(a, y):
        return np.sum(np.nan_to_num(-y * np.log(a) - (1 - y) * np.log(1 - a)))

    @staticmethod
    def delta(z, a, y):
        return a - y


NETWORK2 = types.SimpleNamespace(QuadraticCost=Network2QuadraticCost,
                                 CrossEntropyCost=Network2CrossEntropyCost)


def network2_load(filename):
    """What network2.load does: the cost looked up by name in network2's
    module, then an all-sigmoid network with the file's weights."""
    with open(filename) as stream:
        data = json.load(stream)
    getattr(NETWORK2, data["cost"])  # AttributeError for a name network2 lacks
    weights = [np.array(w) for w in data["weights"]]
    biases = [np.array(b) for b in data["biases"]]

    def feedforward(a):
        for W, b in zip(weights, biases):
            a = _sigmoid(W @ a + b)
        return a
    return feedforward


def network2_initial_weights(sizes, seed):
    """network2's default_weight_initializer after np.random.seed(seed):
    every bias first, then every weight."""
    np.random.seed(seed)
    biases = [np.random.randn(y, 1) for y in sizes[1:]]
    weights = [np.random.randn(y, x) / np.sqrt(x) for x, y in zip(sizes[:-1], sizes[1:])]
    return weights, biases


# ---- costs ---------------------------------------------------------------------

@pytest.mark.parametrize("cost, expected", [
    (pynn.CrossEntropyCost(), pynn.CrossEntropyCost),
    (pynn.QuadraticCost(), pynn.QuadraticCost),
    (Network2CrossEntropyCost, pynn.CrossEntropyCost),
    (Network2CrossEntropyCost(), pynn.CrossEntropyCost),
    (Network2QuadraticCost, pynn.QuadraticCost),
    (Network2QuadraticCost(), pynn.QuadraticCost),
])
def test_cost_classes_and_instances_are_accepted(cost, expected):
    net = pynn.Network([3, 2], cost=cost)
    assert net.cost is expected


def test_a_class_named_like_a_cost_is_checked_not_trusted():
    class CrossEntropyCost:  # the name of a cost, the formulas of another
        fn = staticmethod(Network2QuadraticCost.fn)
        delta = staticmethod(Network2QuadraticCost.delta)
    assert pynn.Network([3, 2], cost=CrossEntropyCost).cost is pynn.QuadraticCost


def test_a_cost_of_the_users_own_is_refused_saying_why():
    class HingeCost:
        @staticmethod
        def fn(a, y):
            return float(np.sum(np.maximum(0, 1 - a * y)))

        @staticmethod
        def delta(z, a, y):
            return -(a * y < 1).astype(float) * y

    with pytest.raises(TypeError, match=r"HingeCost is not one of pynn's costs.*in C.*quadratic"):
        pynn.Network([3, 2], cost=HingeCost)
    with pytest.raises(TypeError, match="an instance of"):
        pynn.Network([3, 2], cost=HingeCost())

    class Broken:
        @staticmethod
        def fn(a, y):
            raise RuntimeError("boom")
        delta = fn
    with pytest.raises(TypeError, match="Broken.fn / .delta failed.*boom"):
        pynn.Network([3, 2], cost=Broken)
    for bad in (object(), 3, None, [pynn.QuadraticCost]):
        with pytest.raises(TypeError, match="cost"):
            pynn.Network([3, 2], cost=bad)


# ---- seeding as network2 seeds ---------------------------------------------------

def test_np_random_seed_gives_network2s_initial_weights():
    weights, biases = network2_initial_weights([6, 5, 3], seed=12)
    np.random.seed(12)
    net = pynn.Network([6, 5, 3])
    for ours, theirs in zip(net.weights + net.biases, weights + biases):
        assert np.array_equal(ours, theirs)
    np.random.seed(3)
    net.default_weight_initializer()  # the initializers draw from np.random too
    weights, biases = network2_initial_weights([6, 5, 3], seed=3)
    assert np.array_equal(net.weights[1], weights[1])
    np.random.seed(4)
    net.large_weight_initializer()
    np.random.seed(4)
    assert np.array_equal(net.biases[0], np.random.randn(5, 1))
    assert np.array_equal(net.biases[1], np.random.randn(3, 1))
    assert np.array_equal(net.weights[0], np.random.randn(5, 6))


def _seeded_run(seed, dropout=0.0):
    random.seed(seed)
    np.random.seed(seed)
    X, Y = make_data(40, 5, 3, "cross_entropy", seed=8)
    net = pynn.Network([5, 4, 3])
    net.SGD(columns(X, Y), 3, 5, 0.5, dropout=dropout)
    return np.concatenate([W.ravel() for W in net.weights + net.biases])


def test_random_and_np_random_seeds_make_runs_repeatable():
    assert np.array_equal(_seeded_run(1), _seeded_run(1))
    assert np.array_equal(_seeded_run(1, dropout=0.3), _seeded_run(1, dropout=0.3))
    assert not np.array_equal(_seeded_run(1), _seeded_run(2))


def test_shuffling_draws_from_python_random_at_each_sgd_call():
    X, Y = make_data(40, 5, 3, "cross_entropy", seed=8)
    np.random.seed(0)
    a = pynn.Network([5, 4, 3])
    b = pynn.Network([5, 4, 3])
    b.weights, b.biases = a.weights, a.biases
    random.seed(5)
    a.SGD((X, Y), 2, 5, 0.5)
    random.seed(5)  # reseeding between construction and training is what counts
    b.SGD((X, Y), 2, 5, 0.5)
    assert np.array_equal(a.weights[0], b.weights[0])


def test_an_explicit_seed_ignores_the_global_generators():
    X, Y = make_data(40, 5, 3, "cross_entropy", seed=8)
    runs = []
    for global_seed in (1, 2):
        np.random.seed(global_seed)
        random.seed(global_seed)
        net = pynn.Network([5, 4, 3], seed=9)
        net.SGD((X, Y), 2, 5, 0.5)
        runs.append(net.weights[0].copy())
    assert np.array_equal(runs[0], runs[1])


# ---- attributes: assigned as in network2, or refused ------------------------------

def test_assigning_cost_changes_training_and_cost():
    X, Y = make_data(30, 4, 2, "quadratic", seed=3)
    built = pynn.Network([4, 3, 2], cost=pynn.QuadraticCost, seed=1)
    switched = pynn.Network([4, 3, 2], seed=1)
    switched.cost = pynn.QuadraticCost
    assert switched.cost is pynn.QuadraticCost
    assert switched.total_cost((X, Y), 0.0) == built.total_cost((X, Y), 0.0)
    built.SGD((X, Y), 2, 5, 0.5, seed=2)
    switched.SGD((X, Y), 2, 5, 0.5, seed=2)
    assert np.array_equal(built.weights[0], switched.weights[0])
    switched.cost = Network2CrossEntropyCost()  # instances and network2's classes too
    assert switched.cost is pynn.CrossEntropyCost
    with pytest.raises(ValueError, match="cost: the log-likelihood cost needs a softmax"):
        switched.cost = "log_likelihood"
    assert switched.cost is pynn.CrossEntropyCost  # a refused assignment changes nothing


def test_assigning_sizes_then_an_initializer_builds_the_new_network():
    np.random.seed(5)
    net = pynn.Network([4, 3, 2])
    net.sizes = [6, 5, 4, 3]
    assert net.num_layers == 4 and net.activations == ["sigmoid", "sigmoid", "sigmoid"]
    np.random.seed(6)
    net.default_weight_initializer()
    weights, biases = network2_initial_weights([6, 5, 4, 3], seed=6)
    for ours, theirs in zip(net.weights + net.biases, weights + biases):
        assert np.array_equal(ours, theirs)
    assert net.feedforward(np.ones((6, 1))).shape == (3, 1)
    with pytest.raises(ValueError, match="sizes"):
        net.sizes = [3]
    mixed = pynn.Network([3, 4, 4, 2], "quadratic", activation=["relu", "tanh"])
    with pytest.raises(ValueError, match="sizes: the hidden layers have different activations"):
        mixed.sizes = [3, 4, 2]
    mixed.sizes = [5, 6, 7, 2]  # as many layers: each keeps its activation
    assert mixed.activations == ["relu", "tanh", "sigmoid"] and mixed.weights[0].shape == (6, 5)


def test_assigning_activations_changes_the_network():
    X = np.random.default_rng(0).normal(size=(7, 3))
    relu = pynn.Network([3, 4, 2], activation="relu", seed=3)
    net = pynn.Network([3, 4, 2], seed=3)
    net.activations[0] = "relu"
    assert net.activations == ["relu", "sigmoid"]
    np.testing.assert_array_equal(net.predict(X), relu.predict(X))
    net.activations = ["tanh", "sigmoid"]
    np.testing.assert_array_equal(net.predict(X), pynn.Network([3, 4, 2], activation="tanh", seed=3).predict(X))
    with pytest.raises(ValueError, match="activations: expected one of"):
        net.activations[0] = "swish"
    with pytest.raises(ValueError, match="activations: the cross-entropy cost needs outputs"):
        net.activations = ["tanh", "identity"]
    with pytest.raises(ValueError, match="activations: expected 2 names"):
        net.activations = ["tanh"]
    assert net.activations == ["tanh", "sigmoid"]


def test_lists_that_would_be_ignored_are_refused():
    net = pynn.Network([3, 4, 2], seed=0)
    for change in (lambda: net.sizes.append(3), lambda: net.sizes.__setitem__(0, 5),
                   lambda: net.activations.append("relu"), lambda: net.weights.append(np.zeros((2, 2))),
                   lambda: net.biases.pop(), lambda: net.activations.sort()):
        with pytest.raises(TypeError, match="would not reach the network"):
            change()
    for attribute in ("num_layers", "dtype"):
        with pytest.raises(AttributeError):
            setattr(net, attribute, 3)
    assert net.sizes == [3, 4, 2] and net.num_layers == 3


def test_swapping_layers_swaps_them():
    net = pynn.Network([3, 3, 3], seed=0)
    W0, W1 = net.weights[0].copy(), net.weights[1].copy()
    b0, b1 = net.biases[0].copy(), net.biases[1].copy()
    net.weights = [net.weights[1], net.weights[0]]
    net.biases = [net.biases[1], net.biases[0]]
    assert np.array_equal(net.weights[0], W1) and np.array_equal(net.weights[1], W0)
    assert np.array_equal(net.biases[0], b1) and np.array_equal(net.biases[1], b0)


def test_weights_are_live_views_and_a_snapshot_is_a_copy():
    net = pynn.Network([3, 2], seed=0)
    live = net.weights[0]
    snapshot = [W.copy() for W in net.weights]
    net.SGD((np.ones((4, 3)), np.array([0, 1, 0, 1])), 1, 2, 1.0)
    assert np.array_equal(live, net.weights[0])  # sees the update
    assert not np.array_equal(snapshot[0], net.weights[0])


def test_empty_evaluation_data_is_none_unless_monitored():
    X, Y = make_data(20, 4, 2, "cross_entropy", seed=1)
    net = pynn.Network([4, 2], seed=0)
    assert net.SGD(columns(X, Y), 1, 5, 0.5, evaluation_data=[]) == ([], [], [], [])
    assert net.SGD(columns(X, Y), 1, 5, 0.5, evaluation_data=[], monitor_training_cost=True)[2]
    with pytest.raises(ValueError, match="evaluation_data"):
        net.SGD(columns(X, Y), 1, 5, 0.5, evaluation_data=[], monitor_evaluation_accuracy=True)


# ---- files across the two -----------------------------------------------------------

def test_sigmoid_networks_load_in_network2(tmp_path):
    X = np.random.default_rng(1).uniform(size=(4, 5))
    for cost in (pynn.CrossEntropyCost, pynn.QuadraticCost):
        net = pynn.Network([5, 4, 3], cost=cost, seed=2)
        net.save(tmp_path / "net.json")
        feedforward = network2_load(tmp_path / "net.json")
        np.testing.assert_allclose(feedforward(X.T), net.feedforward(X.T), rtol=1e-12)


@pytest.mark.parametrize("kwargs", [dict(activation="relu"), dict(output_activation="softmax"),
                                    dict(cost="log_likelihood"), dict(cost="mae"),
                                    dict(cost="quadratic", output_activation="identity")])
def test_networks_network2_cannot_represent_fail_in_its_load(tmp_path, kwargs):
    net = pynn.Network([5, 4, 3], seed=2, **kwargs)
    path = tmp_path / "net.json"
    net.save(path)
    with pytest.raises(AttributeError, match="pynn-only"):
        network2_load(path)
    again = pynn.load(path)
    assert again.activations == net.activations and again.cost is net.cost
    X = np.random.default_rng(1).uniform(size=(4, 5))
    np.testing.assert_array_equal(again.predict(X), net.predict(X))


# ---- a book reader's script ----------------------------------------------------------

SCRIPT = textwrap.dedent('''
    """overfitting.py-style, written for network2 with the import changed."""
    import json
    import random
    import sys

    import numpy as np

    from pynn import datasets as mnist_loader
    import pynn as network2

    random.seed(12345678)
    np.random.seed(12345678)
    training_data, validation_data, test_data = mnist_loader.load_data_wrapper()
    net = network2.Network([64, 30, 10], cost=network2.CrossEntropyCost())
    net.large_weight_initializer()
    test_cost, test_accuracy, training_cost, training_accuracy = net.SGD(
        training_data[:1000], 4, 10, 0.5, lmbda=0.1, evaluation_data=test_data,
        monitor_evaluation_cost=True, monitor_evaluation_accuracy=True,
        monitor_training_cost=True, monitor_training_accuracy=True)
    net.save(sys.argv[1])
    again = network2.load(sys.argv[1])
    print(json.dumps({"test_cost": test_cost, "test_accuracy": test_accuracy,
                      "training_cost": training_cost, "training_accuracy": training_accuracy,
                      "loaded_accuracy": again.accuracy(test_data),
                      "n_test": len(test_data)}))
''')


def test_a_network2_script_runs_unchanged_and_repeats(tmp_path):
    # the book's layout: scripts in src/, mnist_loader's ../data/mnist.pkl.gz,
    # written by Python 3's default pickle protocol (the digits stand in for MNIST)
    (tmp_path / "src").mkdir()
    (tmp_path / "data").mkdir()
    digits = pynn.datasets.load("digits", dtype="float64")
    with gzip.open(tmp_path / "data" / "mnist.pkl.gz", "wb") as stream:
        pickle.dump(tuple(digits), stream)
    (tmp_path / "src" / "overfitting.py").write_text(SCRIPT)
    runs = []
    for k in range(2):
        out = subprocess.run([sys.executable, "overfitting.py", str(tmp_path / f"net{k}.json")],
                             cwd=tmp_path / "src", capture_output=True, text=True, timeout=300,
                             env=dict(os.environ, PYNN_NUM_THREADS="1"))
        assert out.returncode == 0, out.stderr
        runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
    first, second = runs
    assert first == second  # random.seed and np.random.seed make it repeatable
    assert (tmp_path / "net0.json").read_text() == (tmp_path / "net1.json").read_text()
    assert len(first["test_cost"]) == len(first["training_accuracy"]) == 4
    assert all(isinstance(v, int) for v in first["test_accuracy"] + first["training_accuracy"])
    assert first["test_accuracy"][-1] > 0.8 * first["n_test"]
    assert first["loaded_accuracy"] == first["test_accuracy"][-1]
    # and the saved file is one network2 reads
    feedforward = network2_load(tmp_path / "net0.json")
    X, y = digits.test
    assert int(np.sum(np.argmax(feedforward(X.T), axis=0) == y)) == first["loaded_accuracy"]
