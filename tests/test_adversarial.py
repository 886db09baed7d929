"""A hostile user's inputs: every boundary refuses bad values with an exception
that names the argument, files that are not regular files are refused, and
declared sizes are checked before any work.  Hypothesis drives the public API
with values of every type; the named cases are the ones a battery of hostile
inputs once found.  The whole module also runs under the ASan + UBSan build
(.ci/sanitize)."""
import copy
import gzip
import json
import os
import pickle
import stat
import struct
import subprocess
import sys
import threading
import time

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

import pynn
from pynn import datasets

FAST = settings(max_examples=int(os.environ.get("PYNN_HYPOTHESIS_EXAMPLES", 60)), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
ANY = st.one_of(st.none(), st.booleans(), st.integers(-2**70, 2**70),
                st.floats(allow_nan=True, allow_infinity=True), st.complex_numbers(),
                st.text(max_size=6), st.binary(max_size=4), st.lists(st.integers(-3, 12), max_size=4),
                st.just(np.float64("nan")), st.just(np.False_), st.just(object()))


def _data(n=12, n_in=4, seed=0):
    rng = np.random.default_rng(seed)
    return rng.uniform(size=(n, n_in)), rng.integers(0, 2, n)


# ---- silently wrong results, now refused ----------------------------------------

@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite_targets_are_refused_for_every_cost(bad):
    X, _ = _data()
    Y = np.full((12, 2), 0.5)
    Y[3, 1] = bad
    for cost, output in (("mae", "identity"), ("quadratic", "identity"), ("cross_entropy", "sigmoid")):
        net = pynn.Network([4, 3, 2], cost, output_activation=output, seed=0)
        before = net.weights[0].copy()
        with pytest.raises(ValueError, match="training_data: targets contain NaN or infinity"):
            net.SGD((X, Y), 1, 4, 0.1)
        assert np.array_equal(net.weights[0], before)


def test_complex_numbers_are_refused_not_truncated():
    X, labels = _data()
    net = pynn.Network([4, 3, 2], "quadratic", seed=0)
    with pytest.raises(TypeError, match="training_data: targets must be real numbers, got complex"):
        net.SGD((X, np.eye(2)[labels] + 1j), 1, 4, 0.1)
    with pytest.raises(TypeError, match="training_data: inputs must be real numbers"):
        net.SGD((X + 0j, labels), 1, 4, 0.1)
    with pytest.raises(TypeError, match=r"weights\[0\]: the values must be real numbers"):
        net.weights = [np.zeros((3, 4)) + 1j, np.zeros((2, 3))]
    with pytest.raises(TypeError, match="X: inputs must be real"):
        net.predict(X.astype(complex))


def test_float_label_files_are_refused(tmp_path):
    from test_datasets import idx_bytes, write_idx_dir
    write_idx_dir(tmp_path / "d", seed=1)
    labels = np.array([2.5, np.nan] * 10, dtype=">f4")
    header = struct.pack(">BBBB", 0, 0, 0x0D, 1) + struct.pack(">I", 20)
    (tmp_path / "d" / "t10k-labels-idx1-ubyte.gz").write_bytes(gzip.compress(header + labels.tobytes()))
    images = np.zeros((20, 28, 28), np.uint8)
    (tmp_path / "d" / "t10k-images-idx3-ubyte.gz").write_bytes(gzip.compress(idx_bytes(images)))
    with pytest.raises(pynn.FormatError, match="labels must be stored as integers"):
        datasets.load("mnist", path=tmp_path / "d")


def test_callback_returning_numpy_false_stops():
    X, y = _data()
    seen = []
    pynn.Network([4, 2], seed=0).SGD((X, y), 10, 4, 0.1, callback=lambda e, m: seen.append(e) or np.False_)
    assert seen == [1]


def test_a_copy_is_a_whole_network():
    X, y = _data()
    net = pynn.Network([4, 3, 2], seed=0)
    for other in (copy.copy(net), copy.deepcopy(net)):
        assert other._params is not net._params
        before = net.weights[0].copy()
        other.SGD((X, y), 1, 4, 1.0)
        assert np.array_equal(net.weights[0], before) and not np.array_equal(other.weights[0], before)


# ---- files that are not regular files ----------------------------------------------

def _run(code, cwd, timeout=60):
    # cwd: not the clone's root, whose pynn/ folder would shadow the installed package
    return subprocess.run([sys.executable, "-c", code], cwd=cwd, capture_output=True, text=True,
                          timeout=timeout)


def test_save_refuses_to_replace_what_is_not_a_regular_file(tmp_path):
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    link = tmp_path / "null-link"
    link.symlink_to("/dev/null")
    targets = [fifo, link, tmp_path]
    device = tmp_path / "null"  # a character device of our own (1, 3 is /dev/null's)
    try:
        os.mknod(device, stat.S_IFCHR | 0o666, os.makedev(1, 3))
        targets.append(device)
    except (PermissionError, OSError):
        device = None  # not root, or no mknod here: the link stands for it
    net = pynn.Network([2, 2], seed=0)
    for target in targets:
        with pytest.raises(ValueError, match="not a regular file"):
            net.save(target)
    assert stat.S_ISFIFO(os.stat(fifo).st_mode) and os.path.islink(link)
    if device is not None:
        assert stat.S_ISCHR(os.lstat(device).st_mode)
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_load_and_readers_refuse_fifos_and_devices_without_blocking(tmp_path):
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    code = (f"import pynn, sys\n"
            f"for path in ({str(fifo)!r}, '/dev/zero', '/dev/null'):\n"
            f"    for read in (pynn.load, pynn.datasets.read_idx, pynn.datasets.load_data):\n"
            f"        try:\n"
            f"            read(path)\n"
            f"        except pynn.FormatError as error:\n"
            f"            assert 'not a regular file' in str(error), error\n"
            f"        else:\n"
            f"            sys.exit('read ' + path)\n")
    done = _run(code, tmp_path, timeout=60)  # a blocking open or an endless read would time out
    assert done.returncode == 0, done.stderr


def test_pynn_evaluate_on_a_fifo_is_one_line(tmp_path):
    fifo = tmp_path / "model.json"
    os.mkfifo(fifo)
    done = subprocess.run([sys.executable, "-m", "pynn", "evaluate", str(fifo)], capture_output=True,
                          text=True, timeout=60, cwd=tmp_path)
    assert done.returncode == 2 and "not a regular file" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


# ---- declared sizes checked before work -------------------------------------------------

def test_a_model_declaring_ten_million_layers_is_refused_at_once(tmp_path):
    path = tmp_path / "big.json"
    path.write_text(json.dumps({"sizes": [1] * 10**7, "weights": [], "biases": [], "cost": "QuadraticCost"}))
    started = time.perf_counter()
    with pytest.raises(pynn.FormatError, match="sizes"):
        pynn.load(path)
    assert time.perf_counter() - started < 10


def test_idx_dimensions_past_2_to_the_64_are_refused(tmp_path):
    path = tmp_path / "huge.idx"
    path.write_bytes(struct.pack(">BBBB", 0, 0, 0x08, 3) + struct.pack(">III", 2**32 - 1, 2**32 - 1, 2**32 - 1))
    with pytest.raises(pynn.FormatError, match="more than|truncated"):
        datasets.read_idx(path)


def test_a_gzip_bomb_is_not_inflated(tmp_path):
    # an IDX header for 2 bytes, then 300 MB of zeros: a 300 KB gzip file
    path = tmp_path / "bomb.idx.gz"
    with gzip.open(path, "wb", compresslevel=9) as stream:
        stream.write(struct.pack(">BBBB", 0, 0, 0x08, 1) + struct.pack(">I", 2))
        block = bytes(1 << 20)
        for _ in range(300):
            stream.write(block)
    assert path.stat().st_size < 2 << 20
    code = (f"import resource, pynn\n"
            f"before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
            f"try:\n"
            f"    pynn.datasets.read_idx({str(path)!r})\n"
            f"except pynn.FormatError as error:\n"
            f"    assert 'trailing data' in str(error), error\n"
            f"grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before\n"
            f"assert grown < 50 * 1024, grown  # KiB: nowhere near the 300 MB\n")
    done = _run(code, tmp_path)
    assert done.returncode == 0, done.stderr


# ---- raw errors, now named ---------------------------------------------------------------

@pytest.mark.parametrize("args, kwargs, error, match", [
    ((1, 2**63, 0.1), {}, ValueError, "mini_batch_size: expected an int <="),
    ((2**63, 4, 0.1), {}, ValueError, "epochs"),
    ((1, 4, 0.1), dict(optimizer=["adam"]), TypeError, "optimizer: expected one of"),
    ((1, 4, 0.1), dict(lr_schedule=["halve_on_plateau"]), TypeError, "lr_schedule"),
    ((1, 4, 0.1), dict(patience=2**80), ValueError, "patience"),
    ((1, 4, 10**400), {}, ValueError, "eta"),
    ((1, 4, 0.1), dict(shuffle="yes"), TypeError, "shuffle"),
    ((1, 4, 0.1), dict(restore_best=None), TypeError, "restore_best"),
    ((1, 4, 0.1), dict(monitor_training_cost="yes"), TypeError, "monitor_training_cost"),
])
def test_sgd_refuses_before_c_with_the_arguments_name(args, kwargs, error, match):
    net = pynn.Network([4, 2], seed=0)
    with pytest.raises(error, match=match):
        net.SGD(_data(), *args, **kwargs)


@pytest.mark.parametrize("content, match", [
    ("[" * 100000 + "]" * 100000, "nested too deeply"),
    ('{"sizes": [' + "9" * 400 + ', 2], "weights": [], "biases": [], "cost": "QuadraticCost"}', "sizes"),
    ('{"sizes": [1, 1], "weights": [[[' + "9" * 400 + ']]], "biases": [[[0]]], "cost": "QuadraticCost"}',
     "not a rectangular array"),
    ('{"sizes": [1, 1], "weights": [[[1e999]]], "biases": [[[0]]], "cost": "QuadraticCost"}', "NaN or infinity"),
    ('{"sizes": [1, 1], "weights": [[[1]]], "biases": [[[0]]], "cost": ["QuadraticCost"]}', "unknown cost"),
])
def test_malformed_model_files_are_format_errors(tmp_path, content, match):
    path = tmp_path / "m.json"
    path.write_text(content)
    with pytest.raises(pynn.FormatError, match=match):
        pynn.load(path)


def test_pynn_num_threads_must_be_ascii_digits(monkeypatch):
    X, y = _data()
    for value in ("\u00b2", "\u0663", "-1", "two"):
        monkeypatch.setenv("PYNN_NUM_THREADS", value)
        with pytest.raises(ValueError, match="PYNN_NUM_THREADS"):
            pynn.Network([4, 2], seed=0).SGD((X, y), 1, 4, 0.1)


def test_estimators_name_hidden_layer_sizes():
    pytest.importorskip("sklearn")
    from pynn.sklearn import PynnClassifier
    X, y = _data()
    for bad, error in (("10", TypeError), ((0,), ValueError), ((2.5,), TypeError), (None, TypeError),
                       ((2**40,), ValueError)):
        with pytest.raises(error, match="hidden_layer_sizes"):
            PynnClassifier(hidden_layer_sizes=bad, epochs=1).fit(X, y)


def test_nan_written_into_the_weights_is_named():
    X, y = _data()
    net = pynn.Network([4, 3, 2], seed=0)
    net.weights[1][0, 0] = np.nan
    with pytest.raises(ValueError, match="weights: the network's weights or biases .* NaN"):
        net.SGD((X, y), 1, 4, 0.1)
    with pytest.raises(ValueError, match="weights: "):
        net.update_mini_batch([(X[0].reshape(-1, 1), 1)], 0.1, 0.0, 12)
    with pytest.raises(ValueError, match="hold NaN or infinity"):
        net.save("never-written.json")
    assert not os.path.exists("never-written.json")


@pytest.mark.parametrize("args, match", [
    (["bench", "--repeats", "0"], "--repeats"), (["bench", "--rows", "-5"], "--rows"),
    (["bench", "--hidden", "0"], "--hidden"), (["bench", "--batch", "x"], "--batch"),
    (["bench", "--subset", "0"], "--subset"), (["train", "--sizes", "64,,10"], "--sizes"),
])
def test_cli_counts_are_named(tmp_path, args, match):
    done = subprocess.run([sys.executable, "-m", "pynn", *args], capture_output=True, text=True,
                          timeout=60, cwd=tmp_path)  # not the clone's root
    assert done.returncode == 2 and match in done.stderr and "Traceback" not in done.stderr


# ---- hypothesis: any value at any argument -------------------------------------------------

NAMED = (TypeError, ValueError)


@FAST
@given(sizes=st.one_of(ANY, st.lists(ANY, max_size=4)), cost=ANY, activation=ANY, init=ANY, dtype=ANY, seed=ANY)
def test_network_arguments_of_any_type(sizes, cost, activation, init, dtype, seed):
    try:
        pynn.Network(sizes, cost, activation=activation, init=init, dtype=dtype, seed=seed)
    except NAMED as error:
        assert ":" in str(error)  # "argument: what was expected"


OPTIONS = ("optimizer", "momentum", "rho", "beta1", "beta2", "epsilon", "l1", "dropout", "early_stopping",
           "restore_best", "lr_schedule", "patience", "shuffle", "seed", "progress", "callback", "verbose")


@FAST
@given(name=st.sampled_from(OPTIONS), value=ANY, epochs=st.one_of(st.integers(-2, 2), ANY),
       batch=st.one_of(st.integers(-2, 20), ANY), eta=st.one_of(st.floats(0.01, 1), ANY))
def test_sgd_options_of_any_type(name, value, epochs, batch, eta):
    X, y = _data()
    net = pynn.Network([4, 3, 2], seed=0)
    try:
        net.SGD((X, y), epochs, batch, eta, evaluation_data=(X, y), **{name: value})
    except NAMED as error:
        assert ":" in str(error)
    except FloatingPointError:
        pass  # a huge eta diverges: reported as such, weights kept finite
    assert np.isfinite(net._params).all()


@FAST
@given(data=st.one_of(ANY, st.tuples(ANY, ANY), st.lists(st.tuples(ANY, ANY), max_size=3)))
def test_data_of_any_form(data):
    net = pynn.Network([4, 2], seed=0)
    for call in (lambda: net.SGD(data, 1, 2, 0.1), lambda: net.accuracy(data), lambda: net.predict(data)):
        try:
            call()
        except NAMED:
            pass


@FAST
@given(key=st.sampled_from(["sizes", "weights", "biases", "cost", "activations", "dtype", "format"]),
       value=st.recursive(st.one_of(ANY.filter(lambda v: not isinstance(v, (bytes, complex, object.__class__)))
                                    | st.floats(), st.text(max_size=3)),
                          lambda inner: st.lists(inner, max_size=3), max_leaves=8))
def test_model_files_with_any_value(tmp_path, key, value):
    path = tmp_path / "m.json"
    pynn.Network([2, 3, 2], seed=0).save(path)
    content = json.loads(path.read_text())
    try:
        content[key] = value
        path.write_text(json.dumps(content))
    except (TypeError, ValueError):
        return  # not JSON-serializable: not a file anyone could write
    try:
        pynn.load(path)
    except pynn.FormatError:
        pass


@FAST
@given(raw=st.binary(max_size=64), gzipped=st.booleans())
def test_idx_files_of_any_bytes(tmp_path, raw, gzipped):
    path = tmp_path / "x.idx"
    path.write_bytes(gzip.compress(raw) if gzipped else raw)
    try:
        datasets.read_idx(path)
    except pynn.FormatError:
        pass


@FAST
@given(content=st.one_of(st.binary(max_size=64), st.builds(lambda o: pickle.dumps(o, protocol=2),
                                                            st.recursive(st.integers() | st.text(max_size=3),
                                                                         lambda i: st.tuples(i, i), max_leaves=6))))
def test_pickles_of_any_bytes(tmp_path, content):
    path = tmp_path / "mnist.pkl.gz"
    path.write_bytes(gzip.compress(content))
    try:
        datasets.load_data(path)
    except pynn.FormatError:
        pass
