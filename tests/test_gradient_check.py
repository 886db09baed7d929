"""Backprop against central differences of the cost, for every parameter."""
import numpy as np
import pytest

from helpers import HIDDEN, PAIRINGS, make_data, make_net

SIZES = [4, 3, 3, 3]


@pytest.mark.parametrize("hidden", HIDDEN)
@pytest.mark.parametrize("cost,output", PAIRINGS)
def test_gradient_matches_central_differences(hidden, cost, output):
    net = make_net(SIZES, cost, hidden, output, seed=3)
    X, Y = make_data(4, SIZES[0], SIZES[-1], cost, seed=5)
    data = (X, Y)
    # analytic: mean over the samples of backprop's per-sample gradients
    grads_b = [np.zeros_like(b) for b in net.biases]
    grads_w = [np.zeros_like(W) for W in net.weights]
    for x, y in zip(X, Y):
        nb, nw = net.backprop(x.reshape(-1, 1), y.reshape(-1, 1))
        grads_b = [g + d / len(X) for g, d in zip(grads_b, nb)]
        grads_w = [g + d / len(X) for g, d in zip(grads_w, nw)]
    h = 1e-6
    checked = 0
    for params, grads in ((net.weights, grads_w), (net.biases, grads_b)):
        for P, G in zip(params, grads):  # P is a live view: edits reach the network
            for index in np.ndindex(P.shape):
                original = P[index]
                P[index] = original + h
                up = net.total_cost(data, 0.0)
                P[index] = original - h
                down = net.total_cost(data, 0.0)
                P[index] = original
                numeric = (up - down) / (2 * h)
                assert G[index] == pytest.approx(numeric, rel=1e-5, abs=1e-7), (index, G[index], numeric)
                checked += 1
    total = sum(W.size + b.size for W, b in zip(net.weights, net.biases))
    assert checked == total
    # guard: a gradient that is zero everywhere would pass trivially
    assert max(float(np.abs(g).max()) for g in grads_w + grads_b) > 1e-4
