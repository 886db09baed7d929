"""The Network class: network2.py's interface over pynn's compiled core.

All parameters live in one contiguous numpy buffer (``_params``) laid out as
csrc/pynn.h describes; ``weights`` and ``biases`` are views into it.  Every
method converts its data once and makes one call into C (training: one call
per chunk of mini-batches), so no Python runs per sample or per mini-batch.
"""
import contextlib
import copy
import os
import random
import threading

import numpy as np

from . import _checks, _core, _data, _layout, _training, activations, costs, io, second_order
from .costs import CrossEntropyCost
from .history import History  # noqa: F401  (pynn.network.History, as before)


INITIALIZERS = ("default", "large", "xavier", "he")


def _layer_array(value, shape, argument):
    array = np.asarray(value)
    if array.shape != shape and not (len(shape) == 2 and shape[1] == 1 and array.shape == shape[:1]):
        raise ValueError(f"{argument}: expected shape {shape}, got {array.shape}")
    _checks.real_array(array, argument, "the values")
    if not np.isfinite(array).all():
        raise ValueError(f"{argument}: contains NaN or infinity")
    return array.reshape(shape)


def _physical_memory():
    try:
        return os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):  # pragma: no cover - not POSIX
        return None


def _check_memory(sizes, dtype):
    """Rejects a network whose parameters alone would not fit in memory,
    before numpy tries to allocate them."""
    count = _layout.count(sizes)
    needed = count * dtype.itemsize
    available = _physical_memory()
    if available is not None and needed > available:
        raise ValueError(f"sizes: {sizes} needs {count} parameters ({needed / 2**30:.1f} GiB), "
                         f"more than this machine's memory ({available / 2**30:.1f} GiB)")


def _check_pairing(cost, output, argument):
    """ValueError for a cost and output activation that do not fit together."""
    if cost is costs.LogLikelihoodCost and output != "softmax":
        raise ValueError(f"{argument}: the log-likelihood cost needs a softmax output, got {output!r}")
    if cost is costs.CrossEntropyCost and output not in activations.UNIT_INTERVAL:
        raise ValueError(f"{argument}: the cross-entropy cost needs outputs in (0, 1) "
                         f"(sigmoid or softmax), got {output!r}")


class _FrozenList(list):
    """A list that refuses in-place changes, which the network would not see."""

    def __init__(self, items, argument, instead):
        super().__init__(items)
        self._argument, self._instead = argument, instead

    def _refuse(self, *args, **kwargs):
        raise TypeError(f"{self._argument}: this list is a copy; changing it in place would "
                        f"not reach the network ({self._instead})")

    __setitem__ = __delitem__ = __iadd__ = __imul__ = _refuse
    append = extend = insert = pop = remove = clear = sort = reverse = _refuse


class _ActivationList(_FrozenList):
    """net.activations: item assignment (net.activations[0] = "relu") reaches the network."""

    def __init__(self, net):
        super().__init__(net._activations, "activations", "assign one item or the whole list")
        self._net = net

    def __setitem__(self, index, name):
        if isinstance(index, slice):
            self._refuse()
        names = list(self)
        names[index] = name
        self._net.activations = names
        list.__setitem__(self, index, name)


class _LayerList(_FrozenList):
    """The list of per-layer views that ``weights`` / ``biases`` return.

    Item assignment (``net.weights[0] = W``) copies into the network, as
    assigning the whole list does; the list itself cannot grow or shrink.
    """

    def __init__(self, views, argument):
        super().__init__(views, argument, "assign one layer or the whole list")

    def __setitem__(self, index, value):
        if isinstance(index, slice):
            raise TypeError(f"{self._argument}: assign layers one at a time or the whole list")
        view = list.__getitem__(self, index)
        view[...] = _layer_array(value, view.shape, f"{self._argument}[{index}]")


class Network:
    """A fully connected feedforward network trained by mini-batch gradient descent.

    ``Network([784, 30, 10])`` behaves like network2's ``Network`` (README.md,
    "Quickstart for network2 users", lists what differs).

    Parameters
    ----------
    sizes : list of int
        Neurons per layer, input first; at least 2 layers.
    cost : cost class, instance or name
        ``CrossEntropyCost`` (default), ``QuadraticCost``, ``LogLikelihoodCost``,
        ``AbsoluteCost``, an instance of one, network2's own classes, or a name:
        "quadratic", "cross_entropy", "log_likelihood", "mae".
    activation : str or list of str
        Hidden-layer activation, one name or one per hidden layer: "sigmoid"
        (default), "tanh", "relu", "softplus", "identity".
    output_activation : str or None
        None picks the cost's own ("softmax" for log_likelihood, else "sigmoid");
        also any name above or "softmax".  Pairings that are wrong mathematically
        (log_likelihood without softmax, cross_entropy outside (0, 1)) raise.
    init : str
        "default" (network2's: weights N(0, 1/n_in), biases N(0, 1)), "large"
        (N(0, 1)), "xavier", "he".
    dtype : "float64" or "float32"
    seed : int or None
        An int gives bit-identical initial weights and training streams.  None
        follows network2: weights from numpy's global generator (np.random.seed),
        shuffling from Python's random (random.seed).

    Attributes: sizes, num_layers, cost, activations, weights, biases, dtype
    (see each).  Methods: SGD, update_mini_batch, backprop, feedforward,
    predict, accuracy, total_cost, save, default_weight_initializer,
    large_weight_initializer.
    """

    def __init__(self, sizes, cost=CrossEntropyCost, *, activation="sigmoid",
                 output_activation=None, init="default", dtype="float64", seed=None):
        sizes = _checks.sizes(sizes)
        cost = costs.resolve(cost)
        n_hidden = len(sizes) - 2
        if isinstance(activation, str):
            hidden = [activation] * n_hidden
        elif isinstance(activation, (list, tuple)):
            hidden = list(activation)
            if len(hidden) != n_hidden:
                raise ValueError(f"activation: expected {n_hidden} names (one per hidden layer), "
                                 f"got {len(hidden)}")
        else:
            raise TypeError(f"activation: expected a name or a list of names, got {activation!r}")
        for name in hidden:
            activations.check_name(name, activations.HIDDEN, "activation")
        output = costs.natural_output(cost) if output_activation is None else output_activation
        activations.check_name(output, activations.OUTPUT, "output_activation")
        _check_pairing(cost, output, "output_activation")
        _checks.choice(init, "init", INITIALIZERS)
        seed = _checks.seed(seed)

        self._dtype = _checks.dtype(dtype)
        self._cost = cost
        self._activations = hidden + [output]
        self._init_guard()
        self._build(sizes)
        self._reseed(seed)
        self._initialize(init)

    def _init_guard(self):
        self._guard = threading.Lock()
        self._owner, self._depth = None, 0

    def _build(self, sizes):
        """A zeroed parameter buffer and the core's description for sizes."""
        _check_memory(sizes, self._dtype)
        arch = self._new_arch(sizes, self._activations, self._cost)
        self._sizes = sizes
        self._arch = arch
        self._params = _layout.aligned_zeros(arch.n_params, self._dtype)
        self._layout = _layout.layout(sizes)

    @staticmethod
    def _new_arch(sizes, names, cost):
        return _core.Arch(sizes, [activations.CODES[a] for a in names], cost.code)

    # ---- the structure: network2's attributes, each assignment carried out ------

    @property
    def sizes(self):
        """Neurons per layer, input first.  Assigning a new list rebuilds the
        network with zero weights, as network2 does when the assignment is
        followed by an initializer (call one, or assign weights and biases)."""
        return _FrozenList(self._sizes, "sizes", "assign a new list to net.sizes")

    @sizes.setter
    def sizes(self, new):
        new = _checks.sizes(new)
        hidden = self._activations[:-1]
        if len(new) == len(self._sizes):  # as many layers: each keeps its activation
            names = list(hidden)
        elif len(set(hidden)) <= 1:       # one hidden activation (or none yet) for all
            names = [hidden[0] if hidden else "sigmoid"] * (len(new) - 2)
        else:
            raise ValueError(f"sizes: the hidden layers have different activations ({hidden}), "
                             f"so {len(new) - 2} hidden layers cannot be derived from them; "
                             f"build a new Network")
        with self._exclusive("assigning sizes"):
            self._activations = names + [self._activations[-1]]
            self._build(new)

    @property
    def num_layers(self):
        """len(sizes), the input layer included (read-only: assign sizes)."""
        return len(self._sizes)

    @property
    def cost(self):
        """The cost class.  Assigning one (a class, an instance or a name) changes
        what training minimizes and what total_cost and save report."""
        return self._cost

    @cost.setter
    def cost(self, new):
        new = costs.resolve(new)
        _check_pairing(new, self._activations[-1], "cost")
        with self._exclusive("assigning cost"):
            self._arch = self._new_arch(self._sizes, self._activations, new)
            self._cost = new

    @property
    def activations(self):
        """One activation name per layer after the input, output last.  Assigning
        a list, or one item, changes the network's functions (weights kept)."""
        return _ActivationList(self)

    @activations.setter
    def activations(self, new):
        if isinstance(new, str) or not hasattr(new, "__len__"):
            raise TypeError(f"activations: expected a list of {len(self._sizes) - 1} names, got {new!r}")
        new = list(new)
        if len(new) != len(self._sizes) - 1:
            raise ValueError(f"activations: expected {len(self._sizes) - 1} names (hidden layers, "
                             f"then the output), got {len(new)}")
        for name in new[:-1]:
            activations.check_name(name, activations.HIDDEN, "activations")
        activations.check_name(new[-1], activations.OUTPUT, "activations")
        _check_pairing(self._cost, new[-1], "activations")
        with self._exclusive("assigning activations"):
            self._arch = self._new_arch(self._sizes, new, self._cost)
            self._activations = new

    @property
    def dtype(self):
        """The parameters' numpy dtype (read-only: build a new Network for another)."""
        return self._dtype

    # ---- random state and initialization -------------------------------------

    def _reseed(self, seed):
        """An int seed drives both generators: numpy's (initial weights) and the
        core's (shuffling, dropout masks).  None follows network2: weights from
        numpy's global generator (np.random.seed), the core's stream from
        Python's (random.seed), drawn again by each SGD call."""
        self._seeded = seed is not None
        self._init_rng = np.random if seed is None else \
            np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed).spawn(2)[0]))
        self._rng_state = np.zeros(4, dtype=np.uint64)
        self._seed_core(seed)

    def _seed_core(self, seed):
        """Restarts the core's stream (shuffling, dropout): from seed, or from
        Python's random module when seed is None."""
        value = random.getrandbits(64) if seed is None else \
            int(np.random.SeedSequence(seed).spawn(2)[1].generate_state(1, np.uint64)[0])
        _core.rng_seed(self._rng_state, value)

    def _initialize(self, init):
        # Every bias first, then every weight: network2's order of draws, so
        # np.random.seed(k) gives network2's initial weights bit for bit.
        rng = self._init_rng
        with self._exclusive("initialize"):
            for (offset, n_out, n_in), b in zip(self._layout, self._bias_views()):
                b[...] = rng.standard_normal((n_out, 1)) if init in ("default", "large") else 0
            for (offset, n_out, n_in), W in zip(self._layout, self._weight_views()):
                draws = rng.standard_normal((n_out, n_in))
                if init == "default":    # N(0, 1/n_in), divided as network2 does: the same bits
                    W[...] = draws / np.sqrt(n_in)
                elif init == "large":    # N(0, 1)
                    W[...] = draws
                elif init == "xavier":   # Glorot: N(0, 2/(n_in + n_out))
                    W[...] = draws * np.sqrt(2.0 / (n_in + n_out))
                else:                    # He: N(0, 2/n_in)
                    W[...] = draws * np.sqrt(2.0 / n_in)

    def default_weight_initializer(self):
        """Weights N(0, 1/n_in) where n_in is the layer's fan-in; biases N(0, 1)."""
        self._initialize("default")

    def large_weight_initializer(self):
        """Weights and biases N(0, 1)."""
        self._initialize("large")

    # ---- parameters as views ----------------------------------------------------

    def _weight_views(self, buffer=None):
        buffer = self._params if buffer is None else buffer
        return [buffer[o:o + n_out * n_in].reshape(n_out, n_in) for o, n_out, n_in in self._layout]

    def _bias_views(self, buffer=None):
        buffer = self._params if buffer is None else buffer
        return [buffer[o + n_out * n_in:o + n_out * (n_in + 1)].reshape(n_out, 1)
                for o, n_out, n_in in self._layout]

    @property
    def weights(self):
        """Per layer, the (n_l, n_{l-1}) weight matrix: live views into the network,
        updated in place by training (network2 rebinds new arrays at each step).
        ``[W.copy() for W in net.weights]`` keeps a snapshot.  Assigning a list
        (or one item) copies it in, all of it read first, so swaps work."""
        return _LayerList(self._weight_views(), "weights")

    @weights.setter
    def weights(self, new):
        self._assign(new, self._weight_views(), "weights")

    @property
    def biases(self):
        """Per layer, the (n_l, 1) bias column: live views, as ``weights``."""
        return _LayerList(self._bias_views(), "biases")

    @biases.setter
    def biases(self, new):
        self._assign(new, self._bias_views(), "biases")

    def _assign(self, new, views, argument):
        new = list(new)
        if len(new) != len(views):
            raise ValueError(f"{argument}: expected {len(views)} layers, got {len(new)}")
        # copies, all taken before any layer is written: new may hold this
        # network's own views (net.weights = [net.weights[1], net.weights[0]])
        arrays = [np.array(_layer_array(value, view.shape, f"{argument}[{i}]"), copy=True)
                  for i, (value, view) in enumerate(zip(new, views))]
        with self._exclusive(f"assigning {argument}"):
            for view, array in zip(views, arrays):
                view[...] = array

    @contextlib.contextmanager
    def _exclusive(self, what):
        """One thread at a time: a call from a second thread while another one
        is inside the network raises RuntimeError instead of corrupting it.
        The owning thread may re-enter (an SGD callback may evaluate the net)."""
        me = threading.get_ident()
        with self._guard:
            if self._owner is not None and self._owner != me:
                raise RuntimeError(f"{what}: this Network is in use by another thread")
            self._owner = me
            self._depth += 1
        try:
            yield
        finally:
            with self._guard:
                self._depth -= 1
                if self._depth == 0:
                    self._owner = None

    # ---- inference --------------------------------------------------------------

    def _outputs(self, X):
        out = np.empty((X.shape[0], self.sizes[-1]), dtype=self.dtype)
        with self._exclusive("inference"):
            _core.forward(self._arch, self._params, X, out)
        return out

    def predict(self, X):
        """Outputs for inputs whose ROWS are samples: (m, n_in) -> (m, n_out); (n_in,) -> (n_out,)."""
        X = np.asarray(X)
        single = X.ndim == 1
        if single:
            X = X[None, :]
        _data._check_matrix(X, self.sizes[0], "X")
        out = self._outputs(_data.inputs(X, self.dtype, "X"))
        return out[0] if single else out

    def feedforward(self, a):
        """network2's feedforward: samples are COLUMNS, (n_in, 1), (n_in,) or (n_in, k)."""
        a = np.asarray(a)
        if a.ndim == 1:
            if a.shape[0] != self.sizes[0]:
                raise ValueError(f"a: expected shape ({self.sizes[0]},), got {a.shape}")
            return self.predict(a)
        if a.ndim != 2 or a.shape[0] != self.sizes[0]:
            raise ValueError(f"a: expected shape ({self.sizes[0]}, k) (columns are samples), got {a.shape}")
        return self.predict(a.T).T

    # ---- evaluation ---------------------------------------------------------------

    def _evaluate(self, X, T, weights=None):
        with self._exclusive("evaluation"):
            return _core.evaluate(self._arch, self._params, X, T, weights)

    def _split(self, data, argument):
        X, T = _data.split(data, self.sizes[0], self.sizes[-1], argument)
        return _data.inputs(X, self.dtype, argument), _data.evaluation_targets(T, self.dtype, argument)

    @staticmethod
    def _check_convert(data, T, convert, labels_when):
        """network2's convert flags say which form y has; pynn reads the form
        from the data itself and only rejects a flag that contradicts it."""
        if _data._fast_form(data) is not None:  # arrays: the form is plain to see
            return
        if not isinstance(convert, (bool, np.bool_)):
            raise TypeError(f"convert: expected True or False, got {convert!r}")
        if (T.ndim == 1) != (bool(convert) == labels_when):
            want = "int labels" if bool(convert) == labels_when else "target vectors"
            raise ValueError(f"convert={convert} means the data's y are {want}, but they are not")

    def accuracy(self, data, convert=False):
        """Number of samples whose output's argmax is the label.

        As in network2, ``convert=False`` means the y are int labels (validation,
        test data) and ``convert=True`` that they are one-hot vectors (training data).
        """
        X, T = self._split(data, "data")
        self._check_convert(data, T, convert, labels_when=False)
        return self._evaluate(X, T)[1]

    def total_cost(self, data, lmbda, convert=False):
        """Mean cost over data plus the L2 term 0.5 (lmbda/len(data)) sum ||w||^2.

        As in network2, ``convert=False`` means the y are target vectors (training
        data) and ``convert=True`` that they are int labels.
        """
        lmbda = _checks.number(lmbda, "lmbda")
        X, T = self._split(data, "data")
        self._check_convert(data, T, convert, labels_when=True)
        return self._measure(X, T, lmbda)[0]

    def _measure(self, X, T, lmbda, weights=None):
        """(mean cost + 0.5 (lmbda/n) sum ||w||^2, number correct) over n rows; with
        sample weights, the weighted mean, n their sum and a weighted count."""
        cost_sum, correct = self._evaluate(X, T, weights)
        n = len(X) if weights is None else float(np.sum(weights, dtype=np.float64))
        return cost_sum / n + self._l2_term(lmbda, n), correct

    def _l2_term(self, lmbda, n):
        """network2's regularization term of the cost: 0.5 (lmbda/n) sum ||w||^2."""
        if lmbda == 0:
            return 0.0
        # einsum, not np.dot: numpy's BLAS would start its threads, which then
        # spin beside the training for a while (docs/performance.md)
        return 0.5 * (lmbda / n) * sum(float(np.einsum("i,i->", W.ravel(), W.ravel()))
                                       for W in self._weight_views())

    # ---- gradients ----------------------------------------------------------------

    def _train_arrays(self, data, argument, check_inputs=True):
        X, T = _data.split(data, self.sizes[0], self.sizes[-1], argument)
        return (_data.inputs(X, self.dtype, argument, check_inputs),
                _data.targets(T, self.sizes[-1], self.dtype, argument))

    def backprop(self, x, y):
        """(nabla_b, nabla_w): the gradient of one sample's cost, in network2's shapes."""
        X, Y = self._train_arrays([(x, y)], "x, y")
        grad = np.empty_like(self._params)
        with self._exclusive("backprop"):
            _core.gradient(self._arch, self._params, X, Y, grad)
        return self._bias_views(grad), self._weight_views(grad)

    def update_mini_batch(self, mini_batch, eta, lmbda, n):
        """One step of network2's rule on one mini-batch of m samples:
        W <- (1 - eta lmbda / n) W - (eta / m) sum dW;  b <- b - (eta / m) sum db."""
        eta = _checks.number(eta, "eta", positive=True)
        lmbda = _checks.number(lmbda, "lmbda")
        n = _checks.integer(n, "n", minimum=1)
        X, Y = self._train_arrays(mini_batch, "mini_batch")
        opts = {"eta": eta, "lmbda": lmbda, "n_total": float(n)}
        with self._exclusive("training"):
            self._check_own_weights()
            _training.train_chunk(self._model(), X, Y, None, len(X), 0, 1, opts, self._params[:0],
                                  np.zeros(1, np.int64), None)

    def _model(self):
        """The pieces of this network that training reads and writes (pynn/_training.py)."""
        return _training.Model(self._arch, self._params, self._rng_state, self._measure, self._l2_term)

    def _check_own_weights(self):
        """ValueError before training when NaN or infinity was written into the
        weights in place (training would call that divergence)."""
        _checks.finite(self._params, "weights", "the network's weights or biases (changed in place?)")

    # ---- training -------------------------------------------------------------------

    def SGD(self, training_data, epochs, mini_batch_size, eta, lmbda=0.0, evaluation_data=None,
            monitor_evaluation_cost=False, monitor_evaluation_accuracy=False,
            monitor_training_cost=False, monitor_training_accuracy=False, **options):
        """Mini-batch stochastic gradient descent, network2's signature and History.

        training_data : network2's list of (x, y) column pairs, or the fast form
            (X, Y): rows are samples, Y one-hot / target rows or int labels (numpy
            arrays, pandas DataFrame / Series, or a list [X, Y]).  Converted once
            per call; never reordered or changed.
        epochs, mini_batch_size, eta, lmbda : as network2 (lmbda: L2 strength,
            each step decays weights by eta*lmbda/n).
        evaluation_data, monitor_* : as network2; an empty list counts as none
            when nothing about it is monitored.

        Keyword-only options:

        - optimizer: "sgd" (default), "momentum", "nesterov", "adagrad",
          "rmsprop", "adam"; with momentum=0.9 (momentum, nesterov), rho=0.9
          (rmsprop), beta1=0.9, beta2=0.999 (adam), epsilon=1e-8.
        - l1=0.0: L1 strength (decay eta*l1/n*sign(w) per step).
        - dropout=0.0: a rate for every hidden layer, or one rate per hidden layer.
        - early_stopping=None: patience in epochs on evaluation accuracy (cost
          for regression targets); restore_best=True puts the best weights back.
        - lr_schedule=None or "halve_on_plateau": halve eta after `patience`
          (default 10) epochs without a new best, stop below eta/128.
        - sample_weight=None: one weight >= 0 per training sample, its share of
          each mini-batch's mean gradient (sum w_i g_i / sum w_i), of the
          reported training cost and accuracy (then a weighted count), and of
          n in the L2 decay (sum w_i): integer weights act as repeated rows.
        - shuffle=True, seed=None (an int: the same shuffles and dropout masks).
        - progress=False: per-epoch lines (80 columns) and, on a terminal, a bar.
        - verbose=False: network2's per-epoch printout.
        - callback=None: called as callback(epoch, metrics) after each epoch
          (epochs from 1); returning False stops.

        Returns a History (network2's four lists, plus every epoch's metrics:
        see pynn.History).  A NaN or infinite weight raises FloatingPointError
        (the network keeps its last finite weights); a non-finite cost warns
        (RuntimeWarning).  Ctrl-C stops after the mini-batches in flight, with a
        RuntimeWarning and History.stop_reason "interrupted".
        """
        plan = _training.plan(epochs, mini_batch_size, eta, lmbda, evaluation_data,
                              {"evaluation_cost": monitor_evaluation_cost,
                               "evaluation_accuracy": monitor_evaluation_accuracy,
                               "training_cost": monitor_training_cost,
                               "training_accuracy": monitor_training_accuracy},
                              options, n_hidden=self.num_layers - 2)
        # Convert everything once: the caller's lists and arrays are never
        # touched.  NaN or infinity in the inputs is looked for only if training
        # ends with non-finite weights (_training.train_chunk): reading the
        # whole data set up front cost ~4% of an epoch.  Targets are checked now.
        X, Y = self._train_arrays(training_data, "training_data", check_inputs=plan.epochs == 0)
        weights = None
        if plan.options["sample_weight"] is not None:
            weights = _data.sample_weights(plan.options["sample_weight"], len(X), self.dtype, "sample_weight")
        Xe = Te = None
        if plan.evaluation_data is not None:
            Xe, Te = self._split(plan.evaluation_data, "evaluation_data")
        with self._exclusive("training"):
            self._check_own_weights()
            seed = plan.options["seed"]
            if seed is not None or not self._seeded:
                self._seed_core(seed)  # None: from Python's random, as network2's random.shuffle
            return _training.run(self._model(), X, Y, Xe, Te, plan, weights)

    # ---- full-batch, second-order training (pynn/second_order.py) -------------

    def lbfgs(self, training_data, max_iter=200, *, lmbda=0.0, l1=0.0, tol=1e-5, max_fun=15000,
              sample_weight=None, callback=None):
        """Full-batch L-BFGS (scipy's L-BFGS-B; pip install "pynn-mlp[lbfgs]") on the
        training cost (weighted mean cost + L2 / L1 terms as in SGD): no mini-batch
        size, no learning rate.  Each cost and gradient is one pass over the data in
        C.  max_iter: iterations; tol: the projected gradient at which it stops;
        callback(iteration, metrics) returning False stops.  Returns a History (one
        entry per iteration; stop_reason "converged" or "max_iter")."""
        return second_order.lbfgs(self, training_data, max_iter, lmbda=lmbda, l1=l1, tol=tol,
                                  max_fun=max_fun, sample_weight=sample_weight, callback=callback)

    def newton(self, training_data, steps=10, *, lmbda=0.0, sample_weight=None, damping=0.01,
               cg_iterations=50, cg_tol=1e-4, callback=None):
        """Hessian-free Newton steps dw = -(H + damping I)^-1 grad C (the design notes'
        Newton step, damped), H v by differences of the core's gradients and the
        system solved by conjugate gradients; for small networks.  Returns a History."""
        return second_order.newton(self, training_data, steps, lmbda=lmbda, sample_weight=sample_weight,
                                   damping=damping, cg_iterations=cg_iterations, cg_tol=cg_tol,
                                   callback=callback)

    # ---- files ----------------------------------------------------------------------

    def save(self, filename):
        """Writes the network as JSON (network2's keys plus pynn's), atomically:
        a crash leaves the old file or the new one.  Only a regular file (or a
        new path) is replaced; a sigmoid network's file loads in network2."""
        with self._exclusive("saving"):
            saved = io.Saved(list(self._sizes), self._cost, list(self._activations), self._dtype.name,
                             [W.copy() for W in self._weight_views()], [b.copy() for b in self._bias_views()])
        io.write(filename, saved)

    def __copy__(self):
        # A shallow copy would share the parameter buffer but not the guard,
        # so two threads could train one buffer: copies are always whole.
        return copy.deepcopy(self)

    def __repr__(self):
        return (f"Network(sizes={self.sizes}, cost={self.cost.__name__}, "
                f"activations={self.activations}, dtype={self.dtype.name})")

    def __getstate__(self):
        state = self.__dict__.copy()
        for transient in ("_guard", "_owner", "_depth", "_arch", "_layout"):
            del state[transient]
        if state["_init_rng"] is np.random:  # numpy's global generator: not picklable
            state["_init_rng"] = None
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)
        if self._init_rng is None:
            self._init_rng = np.random
        self._init_guard()
        self._arch = self._new_arch(self._sizes, self._activations, self._cost)
        self._layout = _layout.layout(self._sizes)


def load(filename):
    """A Network from a JSON file written by Network.save or by network2.py's save
    (FormatError for anything else, FileNotFoundError for a missing file)."""
    saved = io.read(filename)
    try:
        net = Network(saved.sizes, saved.cost, activation=saved.activations[:-1],
                      output_activation=saved.activations[-1], dtype=saved.dtype)
    except ValueError as error:  # a pairing pynn refuses
        raise io.FormatError(f"{os.fsdecode(os.fspath(filename))}: {error}") from None
    for view, array in zip(net._weight_views() + net._bias_views(), saved.weights + saved.biases):
        view[...] = array
    return net
