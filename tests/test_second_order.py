"""Full-batch training: the one-pass cost and gradient, the Hessian-vector
product against finite differences of the oracle's gradient, the Newton step,
L-BFGS against adam and against scikit-learn's solver="lbfgs"."""
import warnings

import numpy as np
import pytest

import oracle
import pynn
from helpers import HIDDEN, PAIRINGS, columns, make_data, make_net, params_of
from pynn.second_order import Objective

SIZES = [4, 3, 3, 3]


def _oracle_gradient(net, theta, data, lmbda):
    """The mean gradient plus the L2 term, from the oracle, at the flat theta."""
    probe = make_net(net.sizes, net.cost.name, net.activations[:-1], net.activations[-1])
    probe._params[...] = theta
    W, b = params_of(probe)
    gb, gw = oracle.mean_gradient(W, b, list(net.activations), net.cost.name, data)
    flat = np.zeros_like(theta)
    for (offset, n_out, n_in), g_w, g_b, w in zip(probe._layout, gw, gb, W):
        flat[offset:offset + n_out * n_in] = (g_w + lmbda / len(data) * w).ravel()
        flat[offset + n_out * n_in:offset + n_out * (n_in + 1)] = g_b.ravel()
    return flat


@pytest.mark.parametrize("hidden", HIDDEN)
@pytest.mark.parametrize("cost,output", PAIRINGS)
def test_hessian_vector_product_matches_finite_differences(hidden, cost, output):
    net = make_net(SIZES, cost, hidden, output, seed=3)
    X, Y = make_data(6, SIZES[0], SIZES[-1], cost, seed=5)
    lmbda = 0.3
    objective = Objective(net, (X, Y), lmbda=lmbda)
    theta = objective.parameters()
    v = np.random.default_rng(7).normal(size=theta.shape)
    got = objective.hessian_vector_product(theta, v)
    h = 1e-6  # an independent estimate: the oracle's gradient, differenced along v
    data = columns(X, Y)
    want = (_oracle_gradient(net, theta + h * v, data, lmbda)
            - _oracle_gradient(net, theta - h * v, data, lmbda)) / (2 * h)
    scale = float(np.abs(want).max())
    assert scale > 1e-4  # guard: a zero product would pass trivially
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-6 * scale)


def test_value_and_gradient_are_the_training_cost_and_its_gradient():
    net = make_net(SIZES, "cross_entropy", "sigmoid", "sigmoid", seed=1)
    X, Y = make_data(30, 4, 3, "cross_entropy", seed=2)
    objective = Objective(net, (X, Y), lmbda=0.5)
    theta = objective.parameters()
    value, grad = objective.value_and_gradient(theta)
    assert value == pytest.approx(net.total_cost((X, Y), 0.5), rel=1e-12)
    np.testing.assert_allclose(grad, _oracle_gradient(net, theta, columns(X, Y), 0.5), rtol=1e-10, atol=1e-13)
    assert objective.evaluations == 1


def test_a_newton_step_lowers_the_cost():
    net = pynn.Network([4, 6, 3], "quadratic", activation="tanh", seed=0)
    X, Y = make_data(40, 4, 3, "quadratic", seed=4)
    before = net.total_cost((X, Y), 0.0)
    history = net.newton((X, Y), 5)
    costs = [e["training_loss"] for e in history.epochs]
    assert costs[0] < before and all(b <= a for a, b in zip(costs, costs[1:]))
    assert net.total_cost((X, Y), 0.0) == pytest.approx(costs[-1], rel=1e-12)
    assert costs[-1] < 0.8 * before and history.evaluations > 5


@pytest.fixture(scope="module")
def digits():
    return pynn.datasets.load("digits", dtype="float64")


def test_lbfgs_reaches_a_lower_cost_than_200_epochs_of_adam(digits):
    pytest.importorskip("scipy")
    X, y = digits.train
    lmbda = 1e-4 * len(y)
    adam = pynn.Network([64, 16, 10], "log_likelihood", activation="tanh", seed=0)
    adam.SGD((X, y), 200, 200, 0.001, optimizer="adam", lmbda=lmbda, seed=1)
    lbfgs = pynn.Network([64, 16, 10], "log_likelihood", activation="tanh", seed=0)
    history = lbfgs.lbfgs((X, y), 200, lmbda=lmbda)
    T = np.eye(10)[y]
    assert lbfgs.total_cost((X, T), lmbda) < adam.total_cost((X, T), lmbda)
    assert history.epochs[-1]["training_loss"] == pytest.approx(lbfgs.total_cost((X, T), lmbda), rel=1e-10)
    # far fewer passes over the data than adam's 200 epochs x 6 mini-batches
    assert history.evaluations <= 220 and history.stop_reason in ("converged", "max_iter")


def test_lbfgs_with_weights_equals_repeated_rows(digits):
    pytest.importorskip("scipy")
    X, y = digits.train[0][:200], digits.train[1][:200]
    w = np.random.default_rng(0).integers(0, 3, 200)
    a = pynn.Network([64, 8, 10], "log_likelihood", seed=2)
    b = pynn.Network([64, 8, 10], "log_likelihood", seed=2)
    a.lbfgs((X, y), 30, lmbda=0.1, sample_weight=w)
    rows = np.repeat(np.arange(200), w)
    b.lbfgs((X[rows], y[rows]), 30, lmbda=0.1)
    np.testing.assert_allclose(a.weights[0], b.weights[0], rtol=1e-6, atol=1e-9)


def test_lbfgs_matches_scikit_learns_lbfgs_on_the_digits(digits):
    pytest.importorskip("sklearn")
    from sklearn.neural_network import MLPClassifier
    from pynn.sklearn import PynnClassifier
    X, y = digits.train
    Xt, yt = digits.test
    ours, theirs = [], []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for seed in range(3):  # same layers; lmbda is scikit-learn's alpha
            ours.append(PynnClassifier((32,), activation="tanh", optimizer="lbfgs", lmbda=1e-2,
                                       random_state=seed).fit(X, y).score(Xt, yt))
            theirs.append(MLPClassifier((32,), activation="tanh", solver="lbfgs", alpha=1e-2,
                                        random_state=seed).fit(X, y).score(Xt, yt))
    assert abs(np.mean(ours) - np.mean(theirs)) <= 0.01, (ours, theirs)


def test_class_weight_balanced_recalls_the_rare_class(digits):
    pytest.importorskip("sklearn")
    from sklearn.metrics import recall_score
    from pynn.sklearn import PynnClassifier
    X, y = digits.train
    Xt, yt = digits.test
    rare, rare_t = (y == 9).astype(int), (yt == 9).astype(int)  # 10% positives
    recalls = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for class_weight in (None, "balanced"):
            recalls[class_weight] = np.mean([
                recall_score(rare_t, PynnClassifier((8,), epochs=20, random_state=seed,
                                                    class_weight=class_weight).fit(X, rare).predict(Xt))
                for seed in range(3)])
        # a dict of class weights is the same as those weights given per sample
        by_dict = PynnClassifier((8,), epochs=5, random_state=0, class_weight={0: 1.0, 1: 9.0}).fit(X, rare)
        by_sample = PynnClassifier((8,), epochs=5, random_state=0).fit(
            X, rare, sample_weight=np.where(rare == 1, 9.0, 1.0))
    assert recalls["balanced"] >= 0.8 > recalls[None], recalls
    np.testing.assert_array_equal(by_dict.network_.weights[0], by_sample.network_.weights[0])


def test_estimator_partial_fit_takes_weights_and_lbfgs_has_none(digits):
    pytest.importorskip("sklearn")
    from pynn.sklearn import PynnClassifier, PynnRegressor
    X, y = digits.train
    clf = PynnClassifier((8,), random_state=0)
    clf.partial_fit(X, y, classes=np.arange(10), sample_weight=np.ones(len(y)))
    assert clf.n_iter_ == 1
    assert not hasattr(PynnClassifier(optimizer="lbfgs"), "partial_fit")
    assert not hasattr(PynnRegressor(optimizer="lbfgs"), "partial_fit")


def test_lbfgs_without_scipy_says_how_to_get_it(monkeypatch, digits):
    import sys
    monkeypatch.setitem(sys.modules, "scipy.optimize", None)
    monkeypatch.setitem(sys.modules, "scipy", None)
    with pytest.raises(ImportError, match=r"pynn-mlp\[lbfgs\]"):
        pynn.Network([64, 10], "log_likelihood").lbfgs(digits.train)
