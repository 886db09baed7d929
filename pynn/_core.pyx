# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
"""The thin layer between pynn's Python code and its C core (csrc/pynn.h).

Everything here takes arrays that pynn/network.py has already checked and
converted (C order, the network's dtype); this layer checks shapes once more,
releases the GIL around every call into C, and turns C status codes into
Python exceptions.  Nothing here is called per mini-batch.
"""
import os

import numpy as np

from libc.stdint cimport int32_t, int64_t, uint64_t

ctypedef fused real_t:
    float
    double


SMALL_BATCH = PYNN_SMALL_BATCH  # the largest mini-batch any path's fast step takes
ALIGNMENT = PYNN_ALIGNMENT  # bytes: where the parameter buffer should start

# The core's paths (enum pynn_path), by name: "auto", "reference", "generic",
# "avx2", "avx512", "neon".
PATHS = {pynn_path_name(p).decode(): p for p in range(PYNN_PATH_COUNT)}
_ALIASES = {"blas": "reference"}  # the name of earlier versions


def path_compiled(str name):
    """Whether this build contains the path."""
    return bool(pynn_path_compiled(PATHS[name]))


def path_supported(str name):
    """Whether this build contains the path and this CPU runs it."""
    return bool(pynn_path_supported(PATHS[name]))


def path_resolved(str name):
    """The name of the path that asking for `name` runs ("auto": the CPU's best)."""
    cdef int code = pynn_path_resolve(PATHS[name])
    return pynn_path_name(code).decode() if code >= 0 else None


def path_fast_rows(int path):
    """The largest mini-batch that the fast step takes on the path (a code, as
    path_setting gives) on this CPU; 0 for the reference path."""
    return pynn_path_fast_rows(path)


def path_setting():
    """The path that PYNN_KERNELS asks for (unset or empty: auto), as a code.
    Read at each call, so that a change takes effect at once."""
    value = os.environ.get("PYNN_KERNELS", "").strip().lower() or "auto"
    name = _ALIASES.get(value, value)
    if name not in PATHS:
        raise ValueError(f"PYNN_KERNELS: expected one of {', '.join(sorted(PATHS))}, got {value!r}")
    if not pynn_path_supported(PATHS[name]):
        ok = [n for n in PATHS if pynn_path_supported(PATHS[n])]
        raise ValueError(f"PYNN_KERNELS={value}: this build or CPU cannot run it "
                         f"(available here: {', '.join(ok)})")
    return PATHS[name]


class CoreError(RuntimeError):
    """A status from the C core that the Python layer should have prevented."""


cdef int _raise(int status, str what) except -1:
    if status == PYNN_ENOMEM:
        raise MemoryError(f"{what}: out of memory for scratch buffers")
    if status == PYNN_EDIM:
        raise ValueError(f"{what}: invalid dimensions")
    if status == PYNN_EARG:
        raise ValueError(f"{what}: invalid argument")
    if status == PYNN_ENONFINITE:
        raise FloatingPointError(f"{what}: parameters became NaN or infinite")
    raise CoreError(f"{what}: unknown status {status}")


cdef class Arch:
    """A network's shape as the C core sees it (layer sizes, activations, cost)."""
    cdef pynn_arch arch
    cdef int64_t[::1] _sizes
    cdef int32_t[::1] _acts
    cdef readonly Py_ssize_t n_params

    def __init__(self, sizes, acts, int cost):
        self._sizes = np.ascontiguousarray(sizes, dtype=np.int64)
        self._acts = np.ascontiguousarray(acts, dtype=np.int32)
        if self._sizes.shape[0] < 2 or self._acts.shape[0] != self._sizes.shape[0] - 1:
            raise ValueError("sizes: need at least 2 layers and one activation per layer after the input")
        self.arch.num_layers = <int>self._sizes.shape[0]
        self.arch.sizes = &self._sizes[0]
        self.arch.acts = &self._acts[0]
        self.arch.cost = cost
        cdef int status = pynn_arch_check(&self.arch)
        if status != PYNN_OK:
            _raise(status, "network architecture")
        self.n_params = pynn_param_count(&self.arch)

    cdef int64_t n_in(self):
        return self._sizes[0]

    cdef int64_t n_out(self):
        return self._sizes[self._sizes.shape[0] - 1]


cdef int _check(Arch arch, Py_ssize_t n_params, Py_ssize_t cols, int64_t width, str name) except -1:
    if n_params != arch.n_params:
        raise ValueError(f"params: expected {arch.n_params} values, got {n_params}")
    if cols != width:
        raise ValueError(f"{name}: expected {width} columns, got {cols}")
    return 0


def forward(Arch arch, const real_t[::1] params, const real_t[:, ::1] X, real_t[:, ::1] out):
    """out <- the network's output for the rows of X."""
    cdef int path = path_setting()
    _check(arch, params.shape[0], X.shape[1], arch.n_in(), "X")
    if out.shape[0] != X.shape[0] or out.shape[1] != arch.n_out():
        raise ValueError("out: wrong shape")
    cdef int status
    cdef int64_t m = X.shape[0]
    if m == 0:
        return
    with nogil:
        if real_t is double:
            status = pynn_forward_f64(&arch.arch, &params[0], &X[0, 0], m, &out[0, 0], path)
        else:
            status = pynn_forward_f32(&arch.arch, &params[0], &X[0, 0], m, &out[0, 0], path)
    if status != PYNN_OK:
        _raise(status, "forward")


cdef const real_t *_weights_ptr(const real_t[::1] weights, int64_t n) except? NULL:
    """The address of n sample weights, or NULL for None."""
    if weights is None:
        return NULL
    if weights.shape[0] != n:
        raise ValueError("weights: need one per row of X")
    return &weights[0]


def gradient(Arch arch, const real_t[::1] params, const real_t[:, ::1] X, const real_t[:, ::1] Y,
             real_t[::1] grad, const real_t[::1] weights=None):
    """grad <- the SUM over the rows of X of each sample's cost gradient, times
    its weight when weights are given; returns the (weighted) SUM of the costs.
    One pass in C without the GIL, in blocks of rows."""
    _check(arch, params.shape[0], X.shape[1], arch.n_in(), "X")
    _check(arch, grad.shape[0], Y.shape[1], arch.n_out(), "Y")
    if X.shape[0] != Y.shape[0] or X.shape[0] < 1:
        raise ValueError("X, Y: need the same number (>= 1) of rows")
    cdef int status
    cdef int path = path_setting()
    cdef int64_t m = X.shape[0]
    cdef const real_t *w_ptr = _weights_ptr(weights, m)
    cdef double cost_sum = 0.0
    with nogil:
        if real_t is double:
            status = pynn_gradient_f64(&arch.arch, &params[0], &X[0, 0], &Y[0, 0], w_ptr, m,
                                       &grad[0], &cost_sum, path)
        else:
            status = pynn_gradient_f32(&arch.arch, &params[0], &X[0, 0], &Y[0, 0], w_ptr, m,
                                       &grad[0], &cost_sum, path)
    if status != PYNN_OK:
        _raise(status, "gradient")
    return cost_sum


def evaluate(Arch arch, const real_t[::1] params, const real_t[:, ::1] X, targets,
             const real_t[::1] weights=None):
    """(sum of per-sample costs, number correct) over the rows of X; with
    weights, both sums weigh each row (the count becomes a float).

    targets is a (n, n_out) array of the network's dtype or (n,) int64 labels.
    """
    _check(arch, params.shape[0], X.shape[1], arch.n_in(), "X")
    cdef const real_t[:, ::1] Y
    cdef const int64_t[::1] labels
    cdef const real_t *y_ptr = NULL
    cdef const int64_t *label_ptr = NULL
    cdef int64_t n = X.shape[0]
    if n == 0:
        return 0.0, 0
    if targets.ndim == 1:
        labels = targets
        if labels.shape[0] != n:
            raise ValueError("labels: need one per row of X")
        label_ptr = &labels[0]
    else:
        Y = targets
        if Y.shape[0] != n or Y.shape[1] != arch.n_out():
            raise ValueError("Y: wrong shape")
        y_ptr = &Y[0, 0]
    cdef const real_t *w_ptr = _weights_ptr(weights, n)
    cdef double cost_sum = 0.0
    cdef double correct = 0
    cdef int status
    cdef int path = path_setting()
    with nogil:
        if real_t is double:
            status = pynn_evaluate_f64(&arch.arch, &params[0], &X[0, 0], y_ptr, label_ptr, w_ptr, n,
                                       &cost_sum, &correct, path)
        else:
            status = pynn_evaluate_f32(&arch.arch, &params[0], &X[0, 0], y_ptr, label_ptr, w_ptr, n,
                                       &cost_sum, &correct, path)
    if status != PYNN_OK:
        _raise(status, "evaluate")
    return cost_sum, (int(correct) if weights is None else correct)


cdef class Pool:
    """Helper threads for the fast step, kept for a whole SGD call.  Any count
    is taken (the tests use more threads than cores); pynn's own default
    never exceeds the cores the process may run on (_training.py)."""
    cdef pynn_pool *pool

    def __cinit__(self, int threads):
        self.pool = pynn_pool_start(threads)  # NULL: one thread

    @property
    def threads(self):
        return pynn_pool_threads(self.pool)

    def close(self):
        """Joins the helper threads now (also done when the object goes away)."""
        with nogil:
            pynn_pool_stop(self.pool)
        self.pool = NULL

    def __dealloc__(self):
        pynn_pool_stop(self.pool)


def blas_threads():
    """Threads the bundled BLAS may use (its threadpoolctl / OPENBLAS_NUM_THREADS
    limit), or 1 with a system BLAS."""
    return pynn_blas_threads()


def rng_seed(uint64_t[::1] state, uint64_t seed):
    """Seeds a 4-word generator state in place."""
    if state.shape[0] != 4:
        raise ValueError("state: need 4 words")
    pynn_rng_seed(<pynn_rng *>&state[0], seed)


def shuffle(uint64_t[::1] state, int64_t[::1] perm):
    """Shuffles perm in place with the generator state."""
    if state.shape[0] != 4:
        raise ValueError("state: need 4 words")
    if perm.shape[0] > 1:
        with nogil:
            pynn_shuffle(<pynn_rng *>&state[0], &perm[0], perm.shape[0])


def state_factor(int optimizer):
    """Optimizer-state scalars per parameter."""
    cdef int factor = pynn_optimizer_state_factor(optimizer)
    if factor < 0:
        raise ValueError(f"optimizer: unknown code {optimizer}")
    return factor


def train(Arch arch, real_t[::1] params, const real_t[:, ::1] X, const real_t[:, ::1] Y, perm,
          int64_t batch, int64_t first, int64_t last, dict opts, real_t[::1] state,
          int64_t[::1] step, uint64_t[::1] rng_state, dropout=None, Pool pool=None,
          double[::1] loss=None, const real_t[::1] weights=None):
    """Runs the mini-batches first .. last-1 of an epoch in C, without the GIL.

    loss: None, or a 1-element float64 array to which the cost sum of every
    mini-batch's rows (before its step, no regularization) is added.
    weights: None, or one sample weight >= 0 per row of X: each step then
    follows its mini-batch's weighted mean gradient, and loss is weighted.

    perm: None (rows in order) or an int64 permutation of the rows.
    step: a 1-element int64 array counting updates (adam's bias correction).
    Raises FloatingPointError (params then hold non-finite values: the caller
    restores its copy).
    """
    _check(arch, params.shape[0], X.shape[1], arch.n_in(), "X")
    if Y.shape[1] != arch.n_out() or Y.shape[0] != X.shape[0]:
        raise ValueError("Y: wrong shape")
    cdef int64_t n = X.shape[0]
    if n < 1:
        raise ValueError("training data: no rows")
    cdef int64_t[::1] perm_view
    cdef const int64_t *perm_ptr = NULL
    if perm is not None:
        perm_view = perm
        if perm_view.shape[0] != n:
            raise ValueError("perm: need one index per row")
        perm_ptr = &perm_view[0]
    cdef pynn_train_opts o
    o.eta = opts["eta"]
    o.lmbda = opts.get("lmbda", 0.0)
    o.l1 = opts.get("l1", 0.0)
    o.n_total = opts["n_total"]
    o.optimizer = opts.get("optimizer", 0)
    o.momentum = opts.get("momentum", 0.9)
    o.rho = opts.get("rho", 0.9)
    o.beta1 = opts.get("beta1", 0.9)
    o.beta2 = opts.get("beta2", 0.999)
    o.epsilon = opts.get("epsilon", 1e-8)
    o.dropout = NULL
    o.path = path_setting()
    o.pool = pool.pool if pool is not None else NULL
    o.loss_sum = NULL
    if loss is not None:
        if loss.shape[0] != 1:
            raise ValueError("loss: need a 1-element float64 array")
        o.loss_sum = &loss[0]
    cdef double[::1] rates
    if dropout is not None:
        rates = np.ascontiguousarray(dropout, dtype=np.float64)
        if rates.shape[0] != arch.arch.num_layers - 2:
            raise ValueError("dropout: need one rate per hidden layer")
        if rates.shape[0] > 0:
            o.dropout = &rates[0]
    cdef int factor = state_factor(o.optimizer)
    if state.shape[0] < factor * arch.n_params:
        raise ValueError("state: too small for the optimizer")
    if step.shape[0] != 1 or rng_state.shape[0] != 4:
        raise ValueError("step / rng_state: wrong length")
    cdef real_t *state_ptr = &state[0] if state.shape[0] > 0 else NULL
    cdef const real_t *w_ptr = _weights_ptr(weights, n)
    cdef int status
    with nogil:
        if real_t is double:
            status = pynn_train_f64(&arch.arch, &params[0], &X[0, 0], &Y[0, 0], w_ptr, n, perm_ptr,
                                    batch, first, last, &o, state_ptr, &step[0],
                                    <pynn_rng *>&rng_state[0])
        else:
            status = pynn_train_f32(&arch.arch, &params[0], &X[0, 0], &Y[0, 0], w_ptr, n, perm_ptr,
                                    batch, first, last, &o, state_ptr, &step[0],
                                    <pynn_rng *>&rng_state[0])
    if status != PYNN_OK:
        _raise(status, "train")


def bench_gemm_floor(Arch arch, int64_t batch, int64_t batches, dtype="float64"):
    """Seconds taken by the BLAS calls alone of `batches` fused SGD steps."""
    cdef double seconds
    if np.dtype(dtype) == np.float64:
        with nogil:
            seconds = pynn_bench_gemm_floor_f64(&arch.arch, batch, batches)
    else:
        with nogil:
            seconds = pynn_bench_gemm_floor_f32(&arch.arch, batch, batches)
    if seconds < 0:
        _raise(<int>(-seconds), "bench_gemm_floor")
    return seconds
