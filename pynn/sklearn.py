"""scikit-learn estimators around pynn.Network (``pip install "pynn-mlp[sklearn]"``).

    from pynn.sklearn import PynnClassifier
    clf = PynnClassifier(hidden_layer_sizes=(100,), epochs=50, random_state=0).fit(X, y)
    clf.predict_proba(X_test)

They follow scikit-learn's conventions (fit returns self, fitted attributes end
in ``_``, get_params/set_params, clone, pipelines, GridSearchCV) and pass
``sklearn.utils.estimator_checks.check_estimator``.  The hyper-parameters keep
pynn's (and network2's) names: ``eta`` is the learning rate, ``lmbda`` the L2
strength, ``epochs`` the number of passes over the data.
"""
import numbers
import warnings

import numpy as np

try:
    from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.utils import check_random_state
    from sklearn.utils.multiclass import check_classification_targets
    from sklearn.utils.class_weight import compute_sample_weight
    from sklearn.utils.metaestimators import available_if
    from sklearn.utils.validation import _check_sample_weight, check_is_fitted, column_or_1d, validate_data
except ImportError as error:  # pragma: no cover - exercised only without scikit-learn
    raise ImportError("pynn.sklearn needs scikit-learn >= 1.6: pip install 'pynn-mlp[sklearn]'") from error

from . import _checks
from .network import Network


def _stochastic(estimator):
    """partial_fit exists for the mini-batch rules only, not full-batch L-BFGS
    (as scikit-learn's MLP)."""
    return estimator.optimizer != "lbfgs"


class _PynnEstimator(BaseEstimator):
    """What the classifier and the regressor share: building and training the network."""

    def __init__(self, hidden_layer_sizes=(100,), activation="relu", *, epochs=200, batch_size="auto",
                 eta=0.001, optimizer="adam", lmbda=0.0, l1=0.0, dropout=0.0, momentum=0.9,
                 init="auto", early_stopping=False, validation_fraction=0.1, n_iter_no_change=10,
                 tol=1e-4, shuffle=True, random_state=None, dtype=None, verbose=False):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.epochs = epochs
        self.batch_size = batch_size
        self.eta = eta
        self.optimizer = optimizer
        self.lmbda = lmbda
        self.l1 = l1
        self.dropout = dropout
        self.momentum = momentum
        self.init = init
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.tol = tol
        self.shuffle = shuffle
        self.random_state = random_state
        self.dtype = dtype
        self.verbose = verbose

    # -- subclasses define: _cost, _output_activation, _targets(y, first), _validation_score

    def _sizes(self, n_features, n_outputs):
        hidden = self.hidden_layer_sizes
        if isinstance(hidden, (numbers.Integral, np.integer)) and not isinstance(hidden, bool):
            hidden = [hidden]
        elif isinstance(hidden, (str, bytes)) or not isinstance(hidden, (list, tuple, np.ndarray)):
            raise TypeError(f"hidden_layer_sizes: expected an int or a tuple of ints, got {hidden!r}")
        # the same checks as Network's sizes, under the estimator's name
        return [n_features, *_checks.sizes([1, *hidden, 1], "hidden_layer_sizes")[1:-1], n_outputs]

    def _build(self, X, n_outputs, rng):
        init = self.init
        if init == "auto":
            init = "he" if self.activation == "relu" else "xavier"
        # dtype None: the data's (float32 stays float32, as in scikit-learn's MLP)
        dtype = self.dtype if self.dtype is not None else (
            np.float32 if X.dtype == np.float32 else np.float64)
        self.network_ = Network(self._sizes(X.shape[1], n_outputs), self._cost,
                                activation=self.activation, output_activation=self._output_activation,
                                init=init, dtype=dtype, seed=int(rng.randint(2**31 - 1)))
        self.loss_curve_ = []
        self.validation_scores_ = [] if self.early_stopping else None
        self.best_validation_score_ = None
        self.best_loss_ = np.inf
        self._no_improvement_count = 0
        self.n_iter_ = 0
        self.t_ = 0

    def _batch(self, n):
        if self.batch_size == "auto":
            return min(200, n)
        if isinstance(self.batch_size, bool) or not isinstance(self.batch_size, numbers.Integral) \
                or self.batch_size < 1:
            raise ValueError(f"batch_size: expected 'auto' or an int >= 1, got {self.batch_size!r}")
        return min(int(self.batch_size), n)

    def _train(self, X, T, epochs, rng, incremental=False, sample_weight=None):
        """Runs SGD for up to `epochs` on (X, T) and appends to loss_curve_ (the
        core's mean cost of the mini-batches of each epoch, plus the L2 term).
        Stops as scikit-learn's MLP does: when the loss (or, with
        early_stopping, the score on a held-out validation_fraction) has not
        improved by tol for more than n_iter_no_change epochs; with
        early_stopping the best weights are put back.  A fit whose epochs run
        out first warns (ConvergenceWarning)."""
        self._check_stopping()
        evaluation = None
        if self.early_stopping and not incremental:
            if not 0 < self.validation_fraction < 1:
                raise ValueError(f"validation_fraction: expected a number in (0, 1), "
                                 f"got {self.validation_fraction!r}")
            order = rng.permutation(len(X))
            n_valid = max(1, int(round(self.validation_fraction * len(X))))
            if n_valid >= len(X):
                raise ValueError("validation_fraction leaves no training samples")
            valid, train = order[:n_valid], order[n_valid:]
            evaluation = (X[valid], T[valid])
            X, T = X[train], T[train]
            if sample_weight is not None:
                sample_weight = sample_weight[train]
        net = self.network_
        if self.optimizer == "lbfgs":
            return self._train_lbfgs(X, T, epochs, sample_weight)
        best = {}

        def after_epoch(epoch, metrics):
            self.loss_curve_.append(metrics["training_loss"])
            if evaluation is not None:
                score = self._validation_score(*evaluation)
                self.validation_scores_.append(score)
                improved = self.best_validation_score_ is None or score >= self.best_validation_score_ + self.tol
                if self.best_validation_score_ is None or score > self.best_validation_score_:
                    self.best_validation_score_ = score
                    best["params"] = ([W.copy() for W in net.weights], [b.copy() for b in net.biases])
            else:
                loss = self.loss_curve_[-1]
                improved = loss <= self.best_loss_ - self.tol
                self.best_loss_ = min(self.best_loss_, loss)
            self._no_improvement_count = 0 if improved else self._no_improvement_count + 1
            if incremental:
                return True
            return self._no_improvement_count <= self.n_iter_no_change

        history = net.SGD(
            (X, T), epochs, self._batch(len(X)), self.eta, lmbda=self.lmbda, optimizer=self.optimizer,
            l1=self.l1, dropout=self.dropout, momentum=self.momentum, shuffle=self.shuffle,
            seed=int(rng.randint(2**31 - 1)), callback=after_epoch, verbose=bool(self.verbose),
            sample_weight=sample_weight)
        if "params" in best:
            net.weights, net.biases = best["params"]
        self.n_iter_ += len(history.epochs)
        self.t_ += len(history.epochs) * len(X)
        if not incremental and history.stop_reason is None:
            warnings.warn(f"{type(self).__name__}: the {epochs} epochs ran out before training "
                          f"converged (no improvement of tol={self.tol} for n_iter_no_change="
                          f"{self.n_iter_no_change} epochs); raise epochs or tol",
                          ConvergenceWarning, stacklevel=3)
        return self

    def _train_lbfgs(self, X, T, epochs, sample_weight):
        """Full-batch L-BFGS, as scikit-learn's solver="lbfgs": at most `epochs`
        iterations, stopping when the projected gradient falls below tol."""
        history = self.network_.lbfgs((X, T), epochs, lmbda=self.lmbda, l1=self.l1, tol=self.tol,
                                      sample_weight=sample_weight)
        self.loss_curve_ = [e["training_loss"] for e in history.epochs]
        self.best_loss_ = min(self.loss_curve_, default=np.inf)
        self.n_iter_ = len(history.epochs)
        self.t_ = self.n_iter_ * len(X)
        if history.stop_reason != "converged":
            warnings.warn(f"{type(self).__name__}: L-BFGS ran out of its {epochs} iterations "
                          f"({history.message}); raise epochs or tol", ConvergenceWarning, stacklevel=3)
        return self

    def _sample_weight(self, X, sample_weight, y=None):
        """sample_weight checked as scikit-learn does, times class_weight's
        factors (the classifier's); None when every weight would be 1."""
        class_weight = getattr(self, "class_weight", None)
        if sample_weight is None and class_weight is None:
            return None
        weights = _check_sample_weight(sample_weight, X, dtype=np.float64)
        if class_weight is not None:
            weights = weights * compute_sample_weight(class_weight, y)
        return weights

    def _check_stopping(self):
        if isinstance(self.tol, bool) or not isinstance(self.tol, numbers.Real) or not self.tol >= 0:
            raise ValueError(f"tol: expected a number >= 0, got {self.tol!r}")
        if isinstance(self.n_iter_no_change, bool) or not isinstance(self.n_iter_no_change, numbers.Integral) \
                or self.n_iter_no_change < 1:
            raise ValueError(f"n_iter_no_change: expected an int >= 1, got {self.n_iter_no_change!r}")

    def _check_epochs(self):
        if isinstance(self.epochs, bool) or not isinstance(self.epochs, numbers.Integral) or self.epochs < 1:
            raise ValueError(f"epochs: expected an int >= 1, got {self.epochs!r}")

    def _rng(self):
        if not hasattr(self, "_random_state_"):
            self._random_state_ = check_random_state(self.random_state)
        return self._random_state_


class PynnClassifier(ClassifierMixin, _PynnEstimator):
    """A multi-layer perceptron classifier: softmax output, log-likelihood cost.

    Parameters: hidden_layer_sizes, activation ("relu", "sigmoid", "tanh",
    "softplus", "identity"), epochs (at most; scikit-learn's max_iter),
    batch_size ("auto": min(200, n)), eta, optimizer, lmbda (L2), l1, dropout,
    momentum, init ("auto": he for relu, xavier otherwise), early_stopping (on
    a validation_fraction held out, restoring the best weights), n_iter_no_change
    and tol (stop when the training loss, or with early_stopping the validation
    score, has not improved by tol for more than n_iter_no_change epochs, as
    scikit-learn's MLP; a fit that runs out of epochs first warns with
    ConvergenceWarning), shuffle, random_state, dtype (None: float32 for
    float32 data, else float64; outputs come in this dtype), verbose,
    class_weight (None, "balanced": n / (n_classes * count of the class), or a
    dict {label: weight}; multiplies sample_weight).  optimizer may be any of
    SGD's rules or "lbfgs" (full-batch, scikit-learn's solver="lbfgs"; epochs
    is then its iteration limit, and lmbda = scikit-learn's alpha).
    fit and partial_fit take sample_weight.

    Attributes: classes_, n_features_in_, network_ (the trained pynn.Network),
    loss_curve_ (per epoch: the mean cost of its mini-batches as they were
    trained, computed by the core, plus the L2 term), best_loss_,
    validation_scores_ (accuracy on the held-out fraction per epoch, with
    early_stopping), best_validation_score_, n_iter_, t_.
    """
    _cost = "log_likelihood"
    _output_activation = "softmax"

    def __init__(self, hidden_layer_sizes=(100,), activation="relu", *, epochs=200, batch_size="auto",
                 eta=0.001, optimizer="adam", lmbda=0.0, l1=0.0, dropout=0.0, momentum=0.9,
                 init="auto", early_stopping=False, validation_fraction=0.1, n_iter_no_change=10,
                 tol=1e-4, shuffle=True, random_state=None, dtype=None, verbose=False, class_weight=None):
        super().__init__(hidden_layer_sizes, activation, epochs=epochs, batch_size=batch_size, eta=eta,
                         optimizer=optimizer, lmbda=lmbda, l1=l1, dropout=dropout, momentum=momentum,
                         init=init, early_stopping=early_stopping, validation_fraction=validation_fraction,
                         n_iter_no_change=n_iter_no_change, tol=tol, shuffle=shuffle,
                         random_state=random_state, dtype=dtype, verbose=verbose)
        self.class_weight = class_weight

    def fit(self, X, y, sample_weight=None):
        """Trains a new network on X (n, n_features) and labels y (n,);
        sample_weight: one weight >= 0 per row (times class_weight's)."""
        self._check_epochs()
        X, y = validate_data(self, X, y, reset=True, dtype=(np.float64, np.float32))
        if hasattr(self, "_random_state_"):
            del self._random_state_
        rng = self._rng()
        y = column_or_1d(y, warn=True)
        check_classification_targets(y)
        self.classes_ = np.unique(y)
        if len(self.classes_) < 2:
            raise ValueError(f"{type(self).__name__} needs samples of at least 2 classes in the data; "
                             f"got 1 class ({self.classes_[0]!r})")
        self._build(X, len(self.classes_), rng)
        return self._train(X, np.searchsorted(self.classes_, y), self.epochs, rng,
                           sample_weight=self._sample_weight(X, sample_weight, y))

    @available_if(_stochastic)
    def partial_fit(self, X, y, classes=None, sample_weight=None):
        """One epoch on (X, y); the first call needs `classes` (all labels that will occur).
        Each call starts the optimizer's state (moments, velocities) afresh."""
        first = not hasattr(self, "network_")
        X, y = validate_data(self, X, y, reset=first, dtype=(np.float64, np.float32))
        y = column_or_1d(y, warn=True)
        check_classification_targets(y)
        rng = self._rng()
        if first:
            if classes is None:
                raise ValueError("classes: the first call to partial_fit must list every class")
            self.classes_ = np.unique(classes)
            if len(self.classes_) < 2:
                raise ValueError("classes: need at least 2 classes")
            self._build(X, len(self.classes_), rng)
        elif classes is not None and not np.array_equal(np.unique(classes), self.classes_):
            raise ValueError(f"classes: {np.unique(classes)} differs from the first call's {self.classes_}")
        unknown = np.setdiff1d(y, self.classes_)
        if unknown.size:
            raise ValueError(f"y: labels {unknown} are not in classes {self.classes_}")
        return self._train(X, np.searchsorted(self.classes_, y), 1, rng, incremental=True,
                           sample_weight=self._sample_weight(X, sample_weight, y))

    def predict_proba(self, X):
        """(n, n_classes) class probabilities, columns in the order of classes_."""
        check_is_fitted(self, "network_")
        X = validate_data(self, X, reset=False, dtype=(np.float64, np.float32))
        return self.network_.predict(X)

    def predict_log_proba(self, X):
        with np.errstate(divide="ignore"):
            return np.log(self.predict_proba(X))

    def predict(self, X):
        """The most probable class of each row."""
        check_is_fitted(self, "network_")
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]

    def _validation_score(self, X, T):
        return float(np.mean(np.argmax(self.network_.predict(X), axis=1) == T))


class PynnRegressor(RegressorMixin, _PynnEstimator):
    """A multi-layer perceptron regressor: identity output, quadratic cost.

    Same parameters as PynnClassifier; y may be (n,) or (n, n_targets).
    validation_scores_ holds R^2 on the held-out fraction per epoch.
    """
    _cost = "quadratic"
    _output_activation = "identity"

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True  # y may be (n, n_targets)
        return tags

    def fit(self, X, y, sample_weight=None):
        """Trains a new network on X (n, n_features) and targets y;
        sample_weight: one weight >= 0 per row."""
        self._check_epochs()
        X, y = validate_data(self, X, y, reset=True, dtype=(np.float64, np.float32),
                             multi_output=True, y_numeric=True)
        if hasattr(self, "_random_state_"):
            del self._random_state_
        rng = self._rng()
        self._single_output = y.ndim == 1
        T = y.reshape(len(y), -1)
        self._build(X, T.shape[1], rng)
        return self._train(X, T, self.epochs, rng, sample_weight=self._sample_weight(X, sample_weight))

    @available_if(_stochastic)
    def partial_fit(self, X, y, sample_weight=None):
        """One epoch on (X, y).  Each call starts the optimizer's state afresh."""
        first = not hasattr(self, "network_")
        X, y = validate_data(self, X, y, reset=first, dtype=(np.float64, np.float32),
                             multi_output=True, y_numeric=True)
        T = y.reshape(len(y), -1)
        rng = self._rng()
        if first:
            self._single_output = y.ndim == 1
            self._build(X, T.shape[1], rng)
        elif T.shape[1] != self.network_.sizes[-1]:
            raise ValueError(f"y: expected {self.network_.sizes[-1]} targets per sample, got {T.shape[1]}")
        return self._train(X, T, 1, rng, incremental=True, sample_weight=self._sample_weight(X, sample_weight))

    def predict(self, X):
        """Predicted targets: (n,) when trained on 1-D y, else (n, n_targets),
        in the network's dtype."""
        check_is_fitted(self, "network_")
        X = validate_data(self, X, reset=False, dtype=(np.float64, np.float32))
        out = self.network_.predict(X)
        return out.ravel() if self._single_output else out

    def _validation_score(self, X, T):
        prediction = self.network_.predict(X).reshape(T.shape)
        total = np.sum((T - T.mean(axis=0)) ** 2)
        return float(1 - np.sum((T - prediction) ** 2) / total) if total > 0 else 0.0
