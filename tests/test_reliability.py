"""Faults a user can cause: absurd sizes, Ctrl-C, a process killed while saving,
long-running loops, and random or hostile files (fuzzed with hypothesis)."""
import gzip
import json
import os
import pickle
import signal
import subprocess
import sys
import textwrap
import time

import numpy as np
import pytest

import pynn
from pynn import datasets

from helpers import default_sigint

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings, strategies as st  # noqa: E402

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def test_absurd_sizes_are_refused_before_allocating():
    with pytest.raises(ValueError, match="sizes: .* GiB"):
        pynn.Network([10**6, 10**6, 10])


def _child(code, tmp_path):
    script = tmp_path / "child.py"
    script.write_text(textwrap.dedent(code))
    return subprocess.Popen([sys.executable, "-u", str(script)], cwd=tmp_path, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, preexec_fn=default_sigint)


def _wait_for(process, prefix, timeout=120):
    deadline = time.monotonic() + timeout
    lines = []
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        lines.append(line)
        if line.startswith(prefix):
            return lines
    raise AssertionError(f"no line starting with {prefix!r}: {lines} {process.stderr.read()}")


def test_ctrl_c_stops_within_a_chunk_and_keeps_the_history(tmp_path):
    child = _child("""
        import numpy as np, pynn
        rng = np.random.default_rng(0)
        X, y = rng.uniform(size=(20000, 100)), rng.integers(0, 10, 20000)
        net = pynn.Network([100, 200, 10], seed=0)
        history = net.SGD((X, y), 10**6, 10, 0.1, monitor_training_cost=True,
                          callback=lambda epoch, metrics: print("epoch", epoch, flush=True))
        finite = all(np.isfinite(p).all() for p in net.weights + net.biases)
        print("returned", len(history.training_cost), finite, net.accuracy((X, y)) >= 0, flush=True)
    """, tmp_path)
    lines = _wait_for(child, "epoch 1")
    child.send_signal(signal.SIGINT)
    sent = time.monotonic()
    lines += _wait_for(child, "returned", timeout=30)
    elapsed = time.monotonic() - sent
    child.wait(30)
    epochs = sum(line.startswith("epoch") for line in lines)
    words = lines[-1].split()
    assert child.returncode == 0
    assert int(words[1]) == epochs and words[2] == "True" and words[3] == "True"
    assert elapsed < 5, elapsed  # one chunk is a fraction of a second of work
    assert "interrupted" in child.stderr.read()


def test_a_process_killed_while_saving_leaves_the_old_file(tmp_path):
    child = _child("""
        import pynn
        pynn.Network([5, 4, 3], seed=1).save("model.json")
        print("old saved", flush=True)
        big = pynn.Network([3000, 3000], seed=2)   # a JSON file of ~190 MB: seconds to write
        print("saving new", flush=True)
        big.save("model.json")
        print("new saved", flush=True)
    """, tmp_path)
    _wait_for(child, "saving new")
    time.sleep(0.5)
    child.kill()
    child.wait(30)
    net = pynn.load(tmp_path / "model.json")  # intact: the old model, complete
    assert net.sizes == [5, 4, 3]
    assert np.array_equal(net.weights[0], pynn.Network([5, 4, 3], seed=1).weights[0])


def _rss_bytes():
    with open("/proc/self/statm") as stream:
        return int(stream.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


@pytest.mark.skipif(not os.path.exists("/proc/self/statm"), reason="needs /proc")
def test_create_train_destroy_cycles_keep_memory_flat():
    rng = np.random.default_rng(0)
    X, y = rng.uniform(size=(64, 20)), rng.integers(0, 5, 64)

    def cycle(seed):
        net = pynn.Network([20, 30, 5], seed=seed)
        net.SGD((X, y), 1, 8, 0.1, optimizer="adam", dropout=0.1)
        net.predict(X)
        del net

    for seed in range(200):  # warm up allocators and caches
        cycle(seed)
    before = _rss_bytes()
    for seed in range(1000):
        cycle(seed)
    growth = _rss_bytes() - before
    assert growth < 4 * 2**20, f"RSS grew by {growth / 2**20:.1f} MiB over 1000 cycles"


# ---- fuzzing the readers: only FormatError / ValueError, never a crash ----------------

def _model_bytes():
    net = pynn.Network([3, 2, 2], seed=0)
    return json.dumps({"sizes": net.sizes, "weights": [w.tolist() for w in net.weights],
                       "biases": [b.tolist() for b in net.biases], "cost": "CrossEntropyCost"}).encode()


def _mutate(data, positions, values):
    data = bytearray(data)
    for position, value in zip(positions, values):
        if data:
            data[position % len(data)] = value
    return bytes(data)


@FUZZ
@given(st.binary(max_size=400))
def test_fuzz_load_random_bytes(tmp_path, content):
    path = tmp_path / "fuzz.json"
    path.write_bytes(content)
    with pytest.raises(ValueError):  # FormatError is a ValueError
        pynn.load(path)


@FUZZ
@given(st.lists(st.integers(0, 10**6), max_size=8), st.lists(st.integers(0, 255), max_size=8),
       st.integers(0, 10**6))
def test_fuzz_load_mutated_models(tmp_path, positions, values, cut):
    content = _mutate(_model_bytes(), positions, values)
    content = content[:cut] if cut < len(content) else content
    path = tmp_path / "fuzz.json"
    path.write_bytes(content)
    try:
        net = pynn.load(path)
    except ValueError:
        return
    assert all(np.isfinite(w).all() for w in net.weights + net.biases)


@FUZZ
@given(st.binary(max_size=300), st.booleans())
def test_fuzz_idx_random_bytes(tmp_path, content, compress):
    path = tmp_path / "fuzz.idx"
    path.write_bytes(gzip.compress(content) if compress else content)
    try:
        array = datasets.read_idx(path)
    except pynn.FormatError:
        return
    assert array.size * array.itemsize + 4 <= len(content)


@FUZZ
@given(st.lists(st.integers(0, 10**4), max_size=6), st.lists(st.integers(0, 255), max_size=6))
def test_fuzz_idx_mutated(tmp_path, positions, values):
    header = bytes([0, 0, 0x08, 3]) + (2).to_bytes(4, "big") + (3).to_bytes(4, "big") + (4).to_bytes(4, "big")
    content = _mutate(header + bytes(range(24)), positions, values)
    path = tmp_path / "fuzz.idx"
    path.write_bytes(content)
    try:
        datasets.read_idx(path)
    except pynn.FormatError:
        pass


@FUZZ
@given(st.lists(st.integers(0, 10**5), max_size=6), st.lists(st.integers(0, 255), max_size=6),
       st.integers(0, 10**5))
def test_fuzz_pickles(tmp_path, positions, values, cut):
    rng = np.random.default_rng(0)
    parts = tuple((rng.random((3, 4), dtype=np.float32), rng.integers(0, 10, 3)) for _ in range(3))
    raw = _mutate(pickle.dumps(parts, protocol=2), positions, values)
    path = tmp_path / "fuzz.pkl.gz"
    path.write_bytes(gzip.compress(raw[:cut] if cut < len(raw) else raw))
    try:
        datasets.load_data(path)
    except pynn.FormatError:
        pass
