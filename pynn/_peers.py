"""The benchmark's peers (pynn/bench.py): the same job as pynn's SGD epoch,
written with numpy, in network2.py's per-sample style, with PyTorch and with
scikit-learn.  Each has epoch(X, Y or labels, batch, rng)."""
import numpy as np

ETA, LMBDA = 0.5, 5.0


def _sigmoid(z):
    return 1 / (1 + np.exp(-z))


class NumpyMLP:
    """The same algorithm as pynn's SGD, vectorized over each mini-batch (rows = samples)."""

    def __init__(self, sizes, dtype, seed=0):
        rng = np.random.default_rng(seed)
        self.W = [(rng.standard_normal((o, i)) / np.sqrt(i)).astype(dtype) for i, o in zip(sizes[:-1], sizes[1:])]
        self.b = [rng.standard_normal(o).astype(dtype) for o in sizes[1:]]

    def epoch(self, X, Y, batch, rng):
        n = len(X)
        order = rng.permutation(n)
        decay = 1 - ETA * LMBDA / n
        for start in range(0, n, batch):
            idx = order[start:start + batch]
            xb, yb = X[idx], Y[idx]
            activations = [xb]
            for W, b in zip(self.W, self.b):
                activations.append(_sigmoid(activations[-1] @ W.T + b))
            delta = activations[-1] - yb
            step = ETA / len(xb)
            for l in range(len(self.W) - 1, -1, -1):
                grad_W = delta.T @ activations[l]
                grad_b = delta.sum(axis=0)
                if l > 0:
                    a = activations[l]
                    delta = (delta @ self.W[l]) * a * (1 - a)
                self.W[l] = decay * self.W[l] - step * grad_W
                self.b[l] -= step * grad_b


class PerSampleMLP(NumpyMLP):
    """network2.py's style: column vectors, one backprop per sample, sums per mini-batch."""

    def epoch(self, X, Y, batch, rng):
        n = len(X)
        order = rng.permutation(n)
        W = [w for w in self.W]
        b = [v.reshape(-1, 1) for v in self.b]
        for start in range(0, n, batch):
            idx = order[start:start + batch]
            nabla_w = [np.zeros_like(w) for w in W]
            nabla_b = [np.zeros_like(v) for v in b]
            for i in idx:
                activation = X[i].reshape(-1, 1)
                activations = [activation]
                for w, v in zip(W, b):
                    activation = _sigmoid(np.dot(w, activation) + v)
                    activations.append(activation)
                delta = activations[-1] - Y[i].reshape(-1, 1)
                for l in range(len(W) - 1, -1, -1):
                    nabla_b[l] += delta
                    nabla_w[l] += np.dot(delta, activations[l].T)
                    if l > 0:
                        a = activations[l]
                        delta = np.dot(W[l].T, delta) * a * (1 - a)
            W = [(1 - ETA * LMBDA / n) * w - (ETA / len(idx)) * g for w, g in zip(W, nabla_w)]
            b = [v - (ETA / len(idx)) * g for v, g in zip(b, nabla_b)]
        self.W, self.b = W, [v.ravel() for v in b]

    def accuracy(self, X, labels):
        hits = 0
        for x, label in zip(X, labels):
            a = x.reshape(-1, 1)
            for w, v in zip(self.W, self.b):
                a = _sigmoid(np.dot(w, a) + v.reshape(-1, 1))
            hits += int(np.argmax(a) == label)
        return hits


class TorchMLP:
    def __init__(self, sizes, dtype, n):
        import torch
        self.torch = torch
        torch.manual_seed(0)
        self.dtype = getattr(torch, dtype)
        layers = []
        for i, o in zip(sizes[:-1], sizes[1:]):
            layers += [torch.nn.Linear(i, o, dtype=self.dtype), torch.nn.Sigmoid()]
        self.model = torch.nn.Sequential(*layers)
        weights = [p for name, p in self.model.named_parameters() if name.endswith("weight")]
        biases = [p for name, p in self.model.named_parameters() if name.endswith("bias")]
        # L2 on weights only (as network2): w <- w - eta (g + (lmbda/n) w)
        self.optimizer = torch.optim.SGD([{"params": weights, "weight_decay": LMBDA / n},
                                          {"params": biases, "weight_decay": 0.0}], lr=ETA)

    def epoch(self, X, Y, batch, rng):
        torch = self.torch
        X, Y = torch.from_numpy(X), torch.from_numpy(Y)
        order = torch.from_numpy(rng.permutation(len(X)))
        loss_fn = torch.nn.BCELoss(reduction="sum")
        for start in range(0, len(X), batch):
            idx = order[start:start + batch]
            self.optimizer.zero_grad(set_to_none=True)
            loss = loss_fn(self.model(X[idx]), Y[idx]) / len(idx)
            loss.backward()
            self.optimizer.step()


class SklearnMLP:
    def __init__(self, sizes, dtype, n, batch):
        from sklearn.neural_network import MLPClassifier
        self.model = MLPClassifier(hidden_layer_sizes=tuple(sizes[1:-1]), activation="logistic",
                                   solver="sgd", learning_rate_init=ETA, momentum=0.0,
                                   nesterovs_momentum=False, alpha=LMBDA * batch / n, batch_size=batch,
                                   shuffle=True, random_state=0)
        self.classes = np.arange(sizes[-1])

    def epoch(self, X, labels, batch, rng):
        self.model.partial_fit(X, labels, classes=self.classes)
