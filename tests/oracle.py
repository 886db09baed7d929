"""A pure-numpy reference, written from the formulas of the design notes and API.md.

It imports nothing from pynn.  Samples are column vectors and every loop runs
per sample, the way the notes derive backpropagation:

    z^l = W^l a^{l-1} + b^l,   a^l = f_l(z^l)
    delta^L = dC/dz^L,  delta^l = (W^{l+1})^T delta^{l+1} * f_l'(z^l)
    dC/db^l = delta^l,  dC/dW^l = delta^l (a^{l-1})^T

Parameters are lists (weights[l] of shape (n_l, n_{l-1}), biases[l] of
shape (n_l, 1)), as network2 keeps them.
"""
import numpy as np


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


# name -> (f, f') ; softmax is handled apart (its Jacobian is not diagonal)
ACTIVATIONS = {
    "sigmoid": (_sigmoid, lambda z: _sigmoid(z) * (1 - _sigmoid(z))),
    "tanh": (np.tanh, lambda z: 1 - np.tanh(z) ** 2),
    "relu": (lambda z: np.maximum(z, 0), lambda z: (z > 0).astype(z.dtype)),
    "softplus": (lambda z: np.logaddexp(0, z), _sigmoid),
    "identity": (lambda z: z.copy(), lambda z: np.ones_like(z)),
}


def softmax(z):
    e = np.exp(z - z.max())
    return e / e.sum()


def activate(name, z):
    return softmax(z) if name == "softmax" else ACTIVATIONS[name][0](z)


def cost(name, a, y):
    """Cost of one sample."""
    if name == "quadratic":
        return 0.5 * float(np.sum((a - y) ** 2))
    if name == "cross_entropy":
        with np.errstate(divide="ignore", invalid="ignore"):
            return float(np.sum(np.nan_to_num(-y * np.log(a) - (1 - y) * np.log(1 - a))))
    if name == "log_likelihood":
        mask = y != 0
        return float(-np.sum(y[mask] * np.log(a[mask])))
    if name == "mae":
        return float(np.sum(np.abs(a - y)))
    raise KeyError(name)


def cost_gradient(name, a, y):
    """dC/da of one sample."""
    if name == "quadratic":
        return a - y
    if name == "cross_entropy":
        return (a - y) / (a * (1 - a))
    if name == "log_likelihood":
        return np.where(y != 0, -y / a, 0.0)
    if name == "mae":
        return np.sign(a - y)
    raise KeyError(name)


def output_delta(cost_name, act, z, a, y):
    """dC/dz of the output layer."""
    if (cost_name, act) in (("cross_entropy", "sigmoid"), ("log_likelihood", "softmax")):
        return a - y  # f' cancels: the notes' "dL/dZ = y^L - y^obs"
    g = cost_gradient(cost_name, a, y)
    if act == "softmax":
        jacobian = np.diagflat(a) - a @ a.T  # d a_i / d z_j, symmetric
        return jacobian @ g
    return g * ACTIVATIONS[act][1](z)


def feedforward(weights, biases, acts, x):
    a = x
    for W, b, act in zip(weights, biases, acts):
        a = activate(act, W @ a + b)
    return a


def backprop(weights, biases, acts, cost_name, x, y):
    """(nabla_b, nabla_w) of one sample's cost."""
    activations, zs = [x], []
    for W, b, act in zip(weights, biases, acts):
        zs.append(W @ activations[-1] + b)
        activations.append(activate(act, zs[-1]))
    nabla_b = [None] * len(weights)
    nabla_w = [None] * len(weights)
    delta = output_delta(cost_name, acts[-1], zs[-1], activations[-1], y)
    for l in range(len(weights) - 1, -1, -1):
        nabla_b[l] = delta
        nabla_w[l] = delta @ activations[l].T
        if l > 0:
            delta = (weights[l].T @ delta) * ACTIVATIONS[acts[l - 1]][1](zs[l - 1])
    return nabla_b, nabla_w


def mean_gradient(weights, biases, acts, cost_name, batch, sample_weight=None):
    """Mean over the batch of (nabla_b, nabla_w); with sample weights w_i the
    weighted mean sum w_i nabla_i / sum w_i (zero when the weights sum to 0)."""
    w = [1.0] * len(batch) if sample_weight is None else list(sample_weight)
    sum_b = [np.zeros_like(b) for b in biases]
    sum_w = [np.zeros_like(W) for W in weights]
    for (x, y), weight in zip(batch, w):
        nb, nw = backprop(weights, biases, acts, cost_name, x, y)
        sum_b = [s + weight * d for s, d in zip(sum_b, nb)]
        sum_w = [s + weight * d for s, d in zip(sum_w, nw)]
    total = sum(w)
    if total == 0:
        return [0 * s for s in sum_b], [0 * s for s in sum_w]
    return [s / total for s in sum_b], [s / total for s in sum_w]


def sgd_step(weights, biases, acts, cost_name, batch, eta, lmbda, n):
    """The notes' rule: W <- (1 - eta lmbda/n) W - (eta/m) sum dW; b <- b - (eta/m) sum db."""
    gb, gw = mean_gradient(weights, biases, acts, cost_name, batch)
    weights = [(1 - eta * lmbda / n) * W - eta * g for W, g in zip(weights, gw)]
    biases = [b - eta * g for b, g in zip(biases, gb)]
    return weights, biases


def sgd_epoch(weights, biases, acts, cost_name, data, batch_size, eta, lmbda):
    """One epoch over data in order (no shuffling)."""
    n = len(data)
    for k in range(0, n, batch_size):
        weights, biases = sgd_step(weights, biases, acts, cost_name, data[k:k + batch_size], eta, lmbda, n)
    return weights, biases


def total_cost(weights, biases, acts, cost_name, data, lmbda, sample_weight=None):
    """Mean cost plus 0.5 (lmbda / n) sum ||W||^2; with sample weights w_i the
    weighted mean, and n = sum w_i."""
    w = [1.0] * len(data) if sample_weight is None else list(sample_weight)
    n = sum(w)
    mean = sum(weight * cost(cost_name, feedforward(weights, biases, acts, x), y)
               for (x, y), weight in zip(data, w)) / n
    return mean + 0.5 * (lmbda / n) * sum(float(np.sum(W * W)) for W in weights)


def accuracy(weights, biases, acts, data, sample_weight=None):
    """Samples whose output argmax equals the label (y an int, or a one-hot
    column); with sample weights, the sum of their weights."""
    w = [1] * len(data) if sample_weight is None else list(sample_weight)
    hits = 0
    for (x, y), weight in zip(data, w):
        label = y if np.ndim(y) == 0 else int(np.argmax(y))
        hits += weight * int(np.argmax(feedforward(weights, biases, acts, x)) == label)
    return hits


# ---- update rules (API.md) ---------------------------------------------------
#   g = mean gradient + (lmbda/n) w + (l1/n) sign(w)   for weights; biases: mean gradient
#   sgd       w <- w - eta g
#   momentum  v <- mu v - eta g;  w <- w + v
#   nesterov  the same, with g taken at the look-ahead point w + mu v
#   adagrad   G <- G + g^2;  w <- w - eta g / (sqrt(G) + eps)
#   rmsprop   E <- rho E + (1 - rho) g^2;  w <- w - eta g / (sqrt(E) + eps)
#   adam      m <- b1 m + (1-b1) g;  v <- b2 v + (1-b2) g^2;
#             w <- w - eta (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps)

def train(weights, biases, acts, cost_name, data, batch_size, eta, epochs, *, lmbda=0.0, l1=0.0,
          optimizer="sgd", momentum=0.9, rho=0.9, beta1=0.9, beta2=0.999, epsilon=1e-8,
          sample_weight=None):
    """Epochs of mini-batch training over data in order, with one of the rules;
    with sample weights, each step follows the batch's weighted mean gradient
    and n (of the decay terms) is the weights' sum."""
    params = list(weights) + list(biases)
    is_weight = [True] * len(weights) + [False] * len(biases)
    first = [np.zeros_like(p) for p in params]
    second = [np.zeros_like(p) for p in params]
    n = len(data) if sample_weight is None else sum(sample_weight)
    rows = len(data)
    step = 0
    layers = len(weights)

    def gradient_at(point, batch, batch_weight):
        gb, gw = mean_gradient(point[:layers], point[layers:], acts, cost_name, batch, batch_weight)
        grads = list(gw) + list(gb)
        return [g + (lmbda / n) * p + (l1 / n) * np.sign(p) if w else g
                for g, p, w in zip(grads, point, is_weight)]

    for _ in range(epochs):
        for k in range(0, rows, batch_size):
            batch = data[k:k + batch_size]
            batch_weight = None if sample_weight is None else sample_weight[k:k + batch_size]
            step += 1
            if optimizer == "nesterov":
                grads = gradient_at([p + momentum * v for p, v in zip(params, first)], batch, batch_weight)
            else:
                grads = gradient_at(params, batch, batch_weight)
            new = []
            for i, (p, g) in enumerate(zip(params, grads)):
                if optimizer == "sgd":
                    p = p - eta * g
                elif optimizer in ("momentum", "nesterov"):
                    first[i] = momentum * first[i] - eta * g
                    p = p + first[i]
                elif optimizer == "adagrad":
                    first[i] = first[i] + g * g
                    p = p - eta * g / (np.sqrt(first[i]) + epsilon)
                elif optimizer == "rmsprop":
                    first[i] = rho * first[i] + (1 - rho) * g * g
                    p = p - eta * g / (np.sqrt(first[i]) + epsilon)
                elif optimizer == "adam":
                    first[i] = beta1 * first[i] + (1 - beta1) * g
                    second[i] = beta2 * second[i] + (1 - beta2) * g * g
                    m_hat = first[i] / (1 - beta1 ** step)
                    v_hat = second[i] / (1 - beta2 ** step)
                    p = p - eta * m_hat / (np.sqrt(v_hat) + epsilon)
                else:
                    raise KeyError(optimizer)
                new.append(p)
            params = new
    return params[:layers], params[layers:]
