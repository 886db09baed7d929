"""The sigmoid of the compiled core: vexp.inc's vectorized form (AVX2+FMA
CPUs) and the libm form (PYNN_KERNELS=blas, or other CPUs) against a
long-double reference, and identical behaviour of both at the edges."""
import warnings

import numpy as np
import pytest

import pynn

ULP = {"float64": 2.0**-52, "float32": 2.0**-23}
PATHS = ["default", "blas"]


def _sigmoid_net(dtype, w=(1.0, 0.0)):
    net = pynn.Network([2, 1], dtype=dtype)
    net.weights[0][...] = w
    net.biases[0][...] = 0
    return net


def _set_path(monkeypatch, path):
    if path == "blas":
        monkeypatch.setenv("PYNN_KERNELS", "blas")
    else:
        monkeypatch.delenv("PYNN_KERNELS", raising=False)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("path", PATHS)
def test_sigmoid_within_two_ulp_of_long_double(monkeypatch, dtype, path):
    _set_path(monkeypatch, path)
    rng = np.random.default_rng(0)
    z = np.concatenate([np.linspace(-40, 40, 100001), rng.normal(0, 5, 50000),
                        rng.uniform(-700, 700, 1000) if dtype == "float64" else rng.uniform(-86, 86, 1000)])
    z = z.astype(dtype)
    X = np.stack([z, np.zeros_like(z)], axis=1)
    got = _sigmoid_net(dtype).predict(X).ravel().astype(np.longdouble)
    ref = 1 / (1 + np.exp(-z.astype(np.longdouble)))
    assert float(np.max(np.abs(got - ref) / ref)) <= 2 * ULP[dtype]


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_both_paths_agree_at_the_edges(monkeypatch, dtype):
    """Overflowing, underflowing and infinite pre-activations (lanes the
    vector code hands to libm) give the same numbers on both paths."""
    big = float(np.finfo(dtype).max)
    zs = [0.0, -0.0, 86, -86, 87, -87, 88, -88, 89, -89, 104, -104, 700, -700, 708, -708,
          709, -709, 710, -710, 745, -745, 746, -746, 1000, -1000]
    cases = [((1.0, 1.0), (z, 0.0)) for z in zs]
    cases += [((big, big), x) for x in [(10.0, 0.0), (-10.0, 0.0)]]  # z = inf, -inf

    def outputs():
        out = []
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for w, x in cases:
                # 9 equal rows: one full vector of lanes and a scalar tail
                out.append(_sigmoid_net(dtype, w).predict(np.tile(np.array(x, dtype=dtype), (9, 1))).ravel())
        return np.array(out)

    _set_path(monkeypatch, "default")
    vectorized = outputs()
    _set_path(monkeypatch, "blas")
    scalar = outputs()
    np.testing.assert_array_equal(vectorized, scalar)
    assert (vectorized[-2] == 1).all() and (vectorized[-1] == 0).all()
