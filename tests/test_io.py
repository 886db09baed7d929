"""Save / load in network2's JSON format, both directions, and atomic saving."""
import json
import os

import numpy as np
import pytest

import oracle
import pynn


def _network2_load(path):
    """What network2.py's load does with a file: json, a cost class looked up by
    name among network2's two classes, np.array of the nested lists."""
    with open(path) as stream:
        data = json.load(stream)
    assert data["cost"] in ("QuadraticCost", "CrossEntropyCost")
    weights = [np.array(w) for w in data["weights"]]
    biases = [np.array(b) for b in data["biases"]]
    return data["sizes"], weights, biases


def test_pynn_sigmoid_model_loads_in_network2(tmp_path):
    net = pynn.Network([6, 5, 3], pynn.QuadraticCost, seed=1)
    path = tmp_path / "model.json"
    net.save(path)
    sizes, weights, biases = _network2_load(path)
    assert sizes == [6, 5, 3]
    assert [w.shape for w in weights] == [(5, 6), (3, 5)]
    assert [b.shape for b in biases] == [(5, 1), (3, 1)]
    x = np.linspace(-1, 1, 6).reshape(-1, 1)
    expected = oracle.feedforward(weights, biases, ["sigmoid", "sigmoid"], x)
    np.testing.assert_allclose(net.feedforward(x), expected, rtol=1e-15)


def test_network2_file_loads_with_identical_outputs(tmp_path):
    rng = np.random.default_rng(0)
    weights = [rng.standard_normal((4, 3)), rng.standard_normal((2, 4))]
    biases = [rng.standard_normal((4, 1)), rng.standard_normal((2, 1))]
    path = tmp_path / "network2.json"
    # exactly the keys network2's save writes
    with open(path, "w") as stream:
        json.dump({"sizes": [3, 4, 2], "weights": [w.tolist() for w in weights],
                   "biases": [b.tolist() for b in biases], "cost": "CrossEntropyCost"}, stream)
    net = pynn.load(path)
    assert net.sizes == [3, 4, 2] and net.cost is pynn.CrossEntropyCost
    assert net.activations == ["sigmoid", "sigmoid"] and net.dtype == np.float64
    for got, want in zip(net.weights + net.biases, weights + biases):
        assert np.array_equal(got, want)
    x = rng.standard_normal((3, 5))
    np.testing.assert_allclose(net.feedforward(x),
                               np.hstack([oracle.feedforward(weights, biases, ["sigmoid"] * 2, c.reshape(-1, 1))
                                          for c in x.T]), rtol=1e-14)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("cost,hidden,output", [
    ("cross_entropy", "sigmoid", "sigmoid"), ("log_likelihood", "relu", "softmax"),
    ("quadratic", "tanh", "identity"), ("mae", "softplus", "sigmoid")])
def test_round_trip_is_exact(tmp_path, dtype, cost, hidden, output):
    net = pynn.Network([5, 4, 3], cost, activation=hidden, output_activation=output, dtype=dtype, seed=3)
    path = tmp_path / "m.json"
    net.save(str(path))
    back = pynn.load(str(path))
    assert back.sizes == net.sizes and back.cost is net.cost
    assert back.activations == net.activations and back.dtype == net.dtype
    for a, b in zip(net.weights + net.biases, back.weights + back.biases):
        assert a.dtype == b.dtype and np.array_equal(a, b)
    stored = json.loads(path.read_text())
    assert {"sizes", "weights", "biases", "cost", "activations", "dtype", "format"} <= set(stored)


def test_save_is_atomic(tmp_path, monkeypatch):
    path = tmp_path / "m.json"
    pynn.Network([3, 2], seed=1).save(path)
    before = path.read_bytes()

    def crash(*args, **kwargs):
        raise OSError("disk failed mid-save")
    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError, match="mid-save"):
        pynn.Network([3, 2], seed=2).save(path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["m.json"]  # no temporary left behind


@pytest.mark.parametrize("content,message", [
    ("{not json", "not valid JSON"),
    ("[1, 2]", "JSON object"),
    ('{"sizes": [2, 1], "weights": [[[1, 2]]], "biases": [[[0]]]}', "missing key"),
    ('{"sizes": [2, 1], "weights": [[[1, 2]]], "biases": [[[0]]], "cost": "os.system"}', "unknown cost"),
    ('{"sizes": [2, 1], "weights": [[[1, 2, 3]]], "biases": [[[0]]], "cost": "QuadraticCost"}', "shape"),
    ('{"sizes": [2, 1], "weights": [[[1, "a"]]], "biases": [[[0]]], "cost": "QuadraticCost"}', "weights"),
    ('{"sizes": [2, 0], "weights": [], "biases": [], "cost": "QuadraticCost"}', "sizes"),
    ('{"sizes": [2, 1], "weights": [[[1, 2]]], "biases": [[[0]]], "cost": "QuadraticCost", '
     '"activations": ["evil"]}', "activation"),
    ('{"sizes": [2, 1], "weights": [[[1, 2]]], "biases": [[[0]]], "cost": "LogLikelihoodCost", '
     '"activations": ["sigmoid"]}', "softmax"),
    ('{"sizes": [2, 1], "weights": [[[1, 2]]], "biases": [[[0]]], "cost": "QuadraticCost", '
     '"dtype": "int8"}', "dtype"),
    ('{"sizes": [2, 1], "weights": [[[1, 2]]], "biases": [[[0]]], "cost": "QuadraticCost", '
     '"format": "other-9"}', "format"),
    ('{"sizes": [2, 1], "weights": [[[1, NaN]]], "biases": [[[0]]], "cost": "QuadraticCost"}', "NaN"),
])
def test_malformed_files_raise_format_error(tmp_path, content, message):
    path = tmp_path / "bad.json"
    path.write_text(content)
    with pytest.raises(pynn.FormatError, match=message) as info:
        pynn.load(path)
    assert str(path) in str(info.value)
    assert isinstance(info.value, ValueError)


def test_binary_and_missing_files(tmp_path):
    path = tmp_path / "bad.bin"
    path.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(pynn.FormatError):
        pynn.load(path)
    with pytest.raises(FileNotFoundError):
        pynn.load(tmp_path / "nowhere.json")


def test_save_errors_name_the_callers_file(tmp_path):
    net = pynn.Network([2, 2], seed=0)
    with pytest.raises(FileNotFoundError, match=r"cannot save to .*missing/net\.json"):
        net.save(tmp_path / "missing" / "net.json")
    with pytest.raises(ValueError, match="not a regular file"):
        net.save(tmp_path)
    net.save(os.fsencode(tmp_path / "bytes.json"))  # bytes names work as in load
    assert pynn.load(os.fsencode(tmp_path / "bytes.json")).sizes == [2, 2]
    net.weights[0][0, 0] = np.nan
    with pytest.raises(ValueError, match="hold NaN"):
        net.save(tmp_path / "nan.json")
    assert not list(tmp_path.glob(".pynn-*"))  # no temporary file left
