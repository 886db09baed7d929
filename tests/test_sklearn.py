"""The scikit-learn estimators: check_estimator, attributes, search and scale-out."""
import os
import pickle
import sys

import numpy as np
import pytest

sklearn = pytest.importorskip("sklearn")
from sklearn.base import clone  # noqa: E402
from sklearn.model_selection import GridSearchCV  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402
from sklearn.utils.estimator_checks import parametrize_with_checks  # noqa: E402

import pynn  # noqa: E402
from pynn.sklearn import PynnClassifier, PynnRegressor  # noqa: E402

EXAMPLES = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "examples")


def _expected_failures(estimator):
    if getattr(estimator, "optimizer", None) == "lbfgs":
        return {}  # full batch: weighting a row is repeating it (the check passes)
    return {"check_sample_weight_equivalence_on_dense_data":
            "stochastic mini-batches: a weighted row and its repeats fall into different mini-batches; "
            "the equivalence that holds (full batch, in order) is tested in test_sample_weight.py"}


@parametrize_with_checks([PynnClassifier(), PynnRegressor(), PynnClassifier(optimizer="lbfgs"),
                          PynnRegressor(optimizer="lbfgs")], expected_failed_checks=_expected_failures)
def test_check_estimator(estimator, check):
    check(estimator)


@pytest.fixture(scope="module")
def digits():
    return pynn.datasets.load("digits")


def test_classifier_learns_digits_with_string_labels(digits):
    X, y = digits.train
    names = np.array(["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"])
    clf = PynnClassifier(hidden_layer_sizes=(32,), epochs=40, eta=0.01, random_state=0).fit(X, names[y])
    Xt, yt = digits.test
    assert clf.score(Xt, names[yt]) > 0.93
    assert list(clf.classes_) == sorted(names)
    proba = clf.predict_proba(Xt)
    assert proba.shape == (len(yt), 10) and np.allclose(proba.sum(axis=1), 1)
    assert np.array_equal(clf.classes_[proba.argmax(axis=1)], clf.predict(Xt))
    assert len(clf.loss_curve_) == clf.n_iter_ == 40 and clf.loss_curve_[-1] < clf.loss_curve_[0]
    assert clf.validation_scores_ is None
    assert isinstance(clf.network_, pynn.Network) and clf.n_features_in_ == 64


def test_early_stopping_on_a_validation_fraction(digits):
    X, y = digits.train
    clf = PynnClassifier(hidden_layer_sizes=(16,), epochs=300, eta=0.05, early_stopping=True,
                         validation_fraction=0.2, n_iter_no_change=4, random_state=1).fit(X, y)
    assert clf.n_iter_ < 300 and len(clf.validation_scores_) == clf.n_iter_
    assert clf.best_validation_score_ == max(clf.validation_scores_) > 0.9


def test_random_state_reproduces_and_clone_resets(digits):
    X, y = digits.train
    a = PynnClassifier(hidden_layer_sizes=(8,), epochs=5, random_state=3).fit(X, y)
    b = clone(a).fit(X, y)
    assert np.array_equal(a.predict_proba(X), b.predict_proba(X))
    c = PynnClassifier(hidden_layer_sizes=(8,), epochs=5, random_state=4).fit(X, y)
    assert not np.array_equal(a.predict_proba(X), c.predict_proba(X))
    restored = pickle.loads(pickle.dumps(a))
    assert np.array_equal(restored.predict_proba(X), a.predict_proba(X))


def test_partial_fit(digits):
    X, y = digits.train
    clf = PynnClassifier(hidden_layer_sizes=(16,), eta=0.01, random_state=0)
    with pytest.raises(ValueError, match="classes"):
        clf.partial_fit(X[:50], y[:50])
    for start in range(0, len(X), 200):
        clf.partial_fit(X[start:start + 200], y[start:start + 200], classes=np.arange(10))
    for _ in range(10):
        clf.partial_fit(X, y)
    assert clf.score(*digits.test) > 0.85
    with pytest.raises(ValueError, match="features"):
        clf.partial_fit(X[:, :10], y)
    with pytest.raises(ValueError, match="not in classes"):
        clf.partial_fit(X[:3], np.array([0, 1, 11]))


def test_regressor_fits_a_function_and_multi_output():
    rng = np.random.default_rng(0)
    X = rng.uniform(-2, 2, (300, 2))
    y = np.sin(X[:, 0]) + X[:, 1] ** 2 / 4
    reg = PynnRegressor(hidden_layer_sizes=(32,), activation="tanh", epochs=300, eta=0.01,
                        random_state=0).fit(X, y)
    assert reg.predict(X).shape == (300,) and reg.score(X, y) > 0.95
    Y = np.column_stack([y, -y])
    multi = PynnRegressor(hidden_layer_sizes=(32,), activation="tanh", epochs=300, eta=0.01,
                          random_state=0).fit(X, Y)
    assert multi.predict(X).shape == (300, 2) and multi.score(X, Y) > 0.95
    early = PynnRegressor(epochs=500, early_stopping=True, n_iter_no_change=5, random_state=0).fit(X, y)
    assert early.n_iter_ < 500 and early.best_validation_score_ > 0.8


def test_pipeline_and_grid_search_in_parallel(digits):
    X, y = digits.train
    pipe = make_pipeline(StandardScaler(), PynnClassifier(epochs=20, random_state=0))
    grid = GridSearchCV(pipe, {"pynnclassifier__hidden_layer_sizes": [(8,), (32,)],
                               "pynnclassifier__eta": [0.001, 0.01]}, cv=3, n_jobs=2)
    grid.fit(X, y)
    assert grid.best_params_["pynnclassifier__hidden_layer_sizes"] == (32,)
    assert grid.score(*digits.test) > 0.9


def test_grid_search_on_a_dask_cluster():
    pytest.importorskip("dask.distributed")
    from dask.distributed import Client, LocalCluster
    sys.path.insert(0, EXAMPLES)
    try:
        import dask_search
    finally:
        sys.path.remove(EXAMPLES)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        grid = dask_search.search("dask", n_jobs=-1)
        assert client.run(lambda: 1)  # the fits really went through this cluster's workers
    assert grid.best_score_ > 0.9
    assert len(grid.cv_results_["params"]) == 4


def test_bad_hyper_parameters_raise_at_fit(digits):
    X, y = digits.train
    for bad, match in ((dict(epochs=0), "epochs"), (dict(batch_size=0), "batch_size"),
                       (dict(activation="swish"), "activation"), (dict(optimizer="bogus"), "optimizer"),
                       (dict(early_stopping=True, validation_fraction=1.5), "validation_fraction")):
        with pytest.raises(ValueError, match=match):
            PynnClassifier(**bad).fit(X[:50], y[:50])


def _sine(n=2000, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.uniform(-3, 3, (n, 1))
    return X, np.sin(X[:, 0]) + 0.1 * rng.normal(size=n)


def test_stops_on_tol_like_scikit_learns_mlp():
    from sklearn.exceptions import ConvergenceWarning
    X, y = _sine()
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)  # it converges: no warning
        reg = PynnRegressor((32, 32), activation="tanh", random_state=0).fit(X, y)
    assert 10 < reg.n_iter_ < 200 and len(reg.loss_curve_) == reg.n_iter_
    # scikit-learn's rule, replayed on the curve: more than n_iter_no_change
    # epochs in a row without an improvement of tol over the best loss so far
    best, count = np.inf, 0
    for k, loss in enumerate(reg.loss_curve_, start=1):
        count = count + 1 if loss > best - reg.tol else 0
        best = min(best, loss)
        if count > reg.n_iter_no_change:
            break
    assert k == reg.n_iter_ and reg.best_loss_ == min(reg.loss_curve_)
    assert reg.score(X, y) > 0.95
    with pytest.warns(ConvergenceWarning, match="3 epochs ran out"):
        PynnRegressor((8,), epochs=3, random_state=0).fit(X, y)
    for bad in (dict(tol=-1), dict(tol="x"), dict(n_iter_no_change=0)):
        with pytest.raises(ValueError, match=next(iter(bad))):
            PynnRegressor(**bad).fit(X, y)


def test_loss_curve_is_the_cores_training_loss_without_a_second_pass(monkeypatch):
    X, y = _sine(400)
    calls = []
    original = pynn.Network._evaluate
    monkeypatch.setattr(pynn.Network, "_evaluate", lambda self, *a: calls.append(1) or original(self, *a))
    reg = PynnRegressor((8,), epochs=5, tol=0.0, n_iter_no_change=100, random_state=0, lmbda=0.0)
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        reg.fit(X, y)
    assert calls == []  # no pass over the data besides training
    assert len(reg.loss_curve_) == 5 and reg.loss_curve_[-1] < reg.loss_curve_[0]


def test_early_stopping_keeps_the_best_validation_weights():
    X, y = _sine(600)
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        reg = PynnRegressor((16,), activation="tanh", early_stopping=True, n_iter_no_change=3,
                            eta=0.05, random_state=1).fit(X, y)
    assert reg.best_validation_score_ == max(reg.validation_scores_)
    assert reg.n_iter_ == len(reg.validation_scores_)


@pytest.mark.parametrize("Estimator", [PynnClassifier, PynnRegressor])
def test_float32_in_float32_out(Estimator, digits):
    X, y = digits.train
    X32 = X.astype(np.float32)
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        est = Estimator((8,), epochs=2, random_state=0).fit(X32, y)
        assert est.network_.dtype == np.float32
        out = est.predict_proba(X32) if Estimator is PynnClassifier else est.predict(X32)
        assert out.dtype == np.float32
        est64 = Estimator((8,), epochs=2, random_state=0).fit(X.astype(np.float64), y)
        assert est64.network_.dtype == np.float64
        forced = Estimator((8,), epochs=2, random_state=0, dtype="float32").fit(X.astype(np.float64), y)
        assert forced.network_.dtype == np.float32
