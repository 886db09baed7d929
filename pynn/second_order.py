"""Full-batch training with curvature: L-BFGS and a Hessian-free Newton method.

The design notes discuss the Newton step dw = -H^-1 grad C before momentum, and
why it is costly: H has P^2 entries.  Both methods here use only products
with H or its quasi-Newton estimate, on the whole training set:

    C(theta) = (1/S) sum_i w_i C_i + (lmbda / 2S) ||W||^2 + (l1 / S) |W|_1

(S = sum of the sample weights w_i, n when there are none; W the weights,
not the biases, as in every other rule).  Each evaluation of C and its
gradient is one call into the core (one forward and backward pass in C,
without the GIL); H v is a central difference of two gradients, refined by
Richardson extrapolation (error O(h^4)).

    obj = Objective(net, training_data)       # or net.lbfgs(...), net.newton(...)
    cost, grad = obj.value_and_gradient(obj.parameters())
"""
import time

import numpy as np

from . import _checks, _core, _data
from .history import History

# The L2 / L1 terms act on the weights only: a mask over the parameter layout.


def _weight_mask(layout, size):
    mask = np.zeros(size, dtype=bool)
    for offset, n_out, n_in in layout:
        mask[offset:offset + n_out * n_in] = True
    return mask


class Objective:
    """The training cost of a network on a whole data set, as a function of
    its flat parameter vector theta (the network's layout: W_1 row by row,
    b_1, W_2, b_2, ...).  Evaluating it does not change the network."""

    def __init__(self, net, training_data, lmbda=0.0, l1=0.0, sample_weight=None):
        self.lmbda = _checks.number(lmbda, "lmbda")
        self.l1 = _checks.number(l1, "l1")
        self._net = net
        self.X, self.Y = net._train_arrays(training_data, "training_data")
        self.weights = None
        if sample_weight is not None:
            self.weights = _data.sample_weights(sample_weight, len(self.X), net.dtype, "sample_weight")
        self.total = float(len(self.X)) if self.weights is None else float(self.weights.sum(dtype=np.float64))
        self._mask = _weight_mask(net._layout, net._params.size)
        self._scratch = np.empty_like(net._params)
        self._grad = np.empty_like(net._params)
        self.evaluations = 0  # calls into the core so far (passes over the data)

    def parameters(self):
        """A float64 copy of the network's parameters."""
        return self._net._params.astype(np.float64)

    def value_and_gradient(self, theta):
        """(C(theta), grad C(theta)) in float64; one pass over the data in C."""
        self._scratch[...] = theta
        cost_sum = _core.gradient(self._net._arch, self._scratch, self.X, self.Y, self._grad, self.weights)
        self.evaluations += 1
        grad = self._grad.astype(np.float64) / self.total
        weights = np.where(self._mask, theta, 0.0)
        value = cost_sum / self.total
        if self.lmbda:
            value += 0.5 * self.lmbda / self.total * float(weights @ weights)
            grad += self.lmbda / self.total * weights
        if self.l1:  # a subgradient at 0: L-BFGS treats |w| as smooth away from 0
            value += self.l1 / self.total * float(np.abs(weights).sum())
            grad += self.l1 / self.total * np.sign(weights)
        return float(value), grad

    def hessian_vector_product(self, theta, v):
        """H(theta) v by central differences of the gradient along v, with
        Richardson extrapolation: (4 D(h/2) - D(h)) / 3, D(h) = (g(theta + h u)
        - g(theta - h u)) / 2h, u = v / ||v||.  Four gradient evaluations."""
        v = np.asarray(v, dtype=np.float64)
        if v.shape != theta.shape:
            raise ValueError(f"v: expected shape {theta.shape}, got {v.shape}")
        norm = float(np.linalg.norm(v))
        if norm == 0:
            return np.zeros_like(theta)
        u = v / norm
        # step: ~1e-4 of the parameters' scale in float64, larger in float32
        base = 1e-4 if self._net.dtype == np.float64 else 3e-2
        h = base * max(1.0, float(np.sqrt(np.mean(theta * theta))))

        def central(step):
            return (self.value_and_gradient(theta + step * u)[1]
                    - self.value_and_gradient(theta - step * u)[1]) / (2 * step)
        return norm * (4 * central(h / 2) - central(h)) / 3

    def set(self, theta):
        """Writes theta into the network."""
        with self._net._exclusive("setting the parameters"):
            self._net._params[...] = theta


def _scipy_minimize():
    try:
        from scipy.optimize import minimize
    except ImportError:
        raise ImportError("L-BFGS needs scipy: pip install 'pynn-mlp[lbfgs]' (or pip install scipy)") from None
    return minimize


def lbfgs(net, training_data, max_iter=200, *, lmbda=0.0, l1=0.0, tol=1e-5, max_fun=15000,
          sample_weight=None, callback=None):
    """Full-batch L-BFGS (scipy's L-BFGS-B) on the network's training cost.
    Returns a History whose epochs are the iterations (training_loss: the cost
    after each); history.evaluations counts the passes over the data and
    stop_reason is "converged" or "max_iter"."""
    minimize = _scipy_minimize()
    max_iter = _checks.integer(max_iter, "max_iter", minimum=1)
    max_fun = _checks.integer(max_fun, "max_fun", minimum=1)
    tol = _checks.number(tol, "tol")
    _checks.function(callback, "callback")
    objective = Objective(net, training_data, lmbda, l1, sample_weight)
    history = History(n_training=len(objective.X))
    clock = [time.perf_counter()]

    def record(intermediate_result):
        now = time.perf_counter()
        metrics = {"epoch": len(history.epochs) + 1, "training_loss": float(intermediate_result.fun),
                   "evaluations": objective.evaluations, "seconds": now - clock[0]}
        history.epochs.append(metrics)
        if callback is not None:
            objective.set(intermediate_result.x)
            if callback(metrics["epoch"], dict(metrics)) is False:
                raise StopIteration
        clock[0] = time.perf_counter()  # the next iteration's seconds leave the callback out

    result = minimize(objective.value_and_gradient, objective.parameters(), jac=True, method="L-BFGS-B",
                      callback=record, options={"maxiter": max_iter, "maxfun": max_fun, "gtol": tol})
    theta = result.x
    if not np.isfinite(theta).all():
        raise FloatingPointError("L-BFGS diverged: a parameter became NaN or infinite")
    objective.set(theta)
    history.evaluations = objective.evaluations
    history.stop_reason = "converged" if result.success else (
        "callback" if result.status == 99 else "max_iter")
    history.message = str(result.message)
    return history


def newton(net, training_data, steps=10, *, lmbda=0.0, sample_weight=None, damping=0.01,
           cg_iterations=50, cg_tol=1e-4, callback=None):
    """Hessian-free Newton: each step solves (H + damping I) p = -grad C by
    conjugate gradients on H-vector products, then backtracks along p until
    the cost falls (Armijo); damping follows the step's quality (Levenberg-
    Marquardt: times 3/2 when the quadratic model overestimates the decrease,
    times 2/3 when it is good).  Returns a History of the cost after each step."""
    steps = _checks.integer(steps, "steps")
    damping = _checks.number(damping, "damping")
    cg_iterations = _checks.integer(cg_iterations, "cg_iterations", minimum=1)
    cg_tol = _checks.number(cg_tol, "cg_tol", positive=True)
    _checks.function(callback, "callback")
    objective = Objective(net, training_data, lmbda, 0.0, sample_weight)
    history = History(n_training=len(objective.X))
    theta = objective.parameters()
    started = time.perf_counter()
    cost, grad = objective.value_and_gradient(theta)
    for step in range(1, steps + 1):
        p, model_decrease = _conjugate_gradient(lambda v: objective.hessian_vector_product(theta, v)
                                                + damping * v, grad, cg_iterations, cg_tol)
        slope = float(grad @ p)
        if slope >= 0:  # not a descent direction (H + damping I not positive here)
            p, slope, model_decrease = -grad, -float(grad @ grad), float(grad @ grad)
        alpha = 1.0
        for _ in range(30):
            new_cost, new_grad = objective.value_and_gradient(theta + alpha * p)
            if new_cost <= cost + 1e-4 * alpha * slope:
                break
            alpha /= 2
        else:
            history.stop_reason = "no_decrease"
            break
        ratio = (cost - new_cost) / max(model_decrease, 1e-300)
        damping = damping * 1.5 if ratio < 0.25 else (damping / 1.5 if ratio > 0.75 else damping)
        theta, cost, grad = theta + alpha * p, new_cost, new_grad
        metrics = {"epoch": step, "training_loss": cost, "damping": damping, "step_size": alpha,
                   "evaluations": objective.evaluations, "seconds": time.perf_counter() - started}
        history.epochs.append(metrics)
        if callback is not None:
            objective.set(theta)
            if callback(step, dict(metrics)) is False:
                history.stop_reason = "callback"
                break
        started = time.perf_counter()
    objective.set(theta)
    history.evaluations = objective.evaluations
    return history


def _conjugate_gradient(apply, grad, iterations, tol):
    """(p, model decrease) for A p = -grad by conjugate gradients (A given by
    apply); stops at relative residual tol, after `iterations`, or on
    negative curvature (then the last p, or -grad)."""
    p = np.zeros_like(grad)
    r = -grad.copy()
    d = r.copy()
    rr = float(r @ r)
    target = tol * tol * rr
    for _ in range(iterations):
        Ad = apply(d)
        curvature = float(d @ Ad)
        if curvature <= 0:
            if not p.any():
                p = -grad.copy()
            break
        alpha = rr / curvature
        p += alpha * d
        r -= alpha * Ad
        new_rr = float(r @ r)
        if new_rr <= target:
            break
        d = r + (new_rr / rr) * d
        rr = new_rr
    # the quadratic model's decrease -(g.p + p.Ap/2) = -(g.p)/2 at the CG solution
    return p, max(-0.5 * float(grad @ p), 0.0)
