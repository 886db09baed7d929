"""The command line, as a user runs it: in an empty folder, offline."""
import os
import subprocess
import sys

import numpy as np
import pytest

import pynn
from pynn import _core

from helpers import default_sigint

EXAMPLES = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "examples")


def run(*args, cwd):
    env = dict(os.environ, XDG_CACHE_HOME=str(cwd / "cache"))
    env.pop("PYNN_DATA", None)
    return subprocess.run([sys.executable, "-m", "pynn", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300)


def test_train_save_plot_then_evaluate(tmp_path):
    done = run("train", "--save", "m.json", "--plot", "c.png", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert sum(line.startswith("epoch ") for line in lines) == 30
    test_line = next(line for line in lines if line.startswith("test accuracy"))
    assert float(test_line.split()[2]) >= 0.93
    assert (tmp_path / "c.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    net = pynn.load(tmp_path / "m.json")
    assert net.sizes == [64, 30, 10]
    evaluated = run("evaluate", "m.json", cwd=tmp_path)
    assert evaluated.returncode == 0, evaluated.stderr
    assert evaluated.stdout.strip() == test_line  # the same test accuracy and cost


def test_training_options_reach_the_network(tmp_path):
    done = run("train", "--sizes", "64,20,10", "--epochs", "3", "--batch", "20", "--eta", "0.01",
               "--optimizer", "adam", "--dropout", "0.1", "--activation", "relu", "--cost", "log_likelihood",
               "--dtype", "float32", "--lmbda", "0.5", "--seed", "3", "--save", "n.json", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    net = pynn.load(tmp_path / "n.json")
    assert net.sizes == [64, 20, 10] and net.activations == ["relu", "softmax"] and net.dtype == np.float32


@pytest.mark.parametrize("args", [
    ["train", "--epochs", "0"], ["train", "--epochs", "many"], ["train", "--batch", "-1"],
    ["train", "--sizes", "64"], ["train", "--sizes", "a,b"], ["train", "--data", "nowhere"],
    ["train", "--optimizer", "lbfgs"], ["train", "--sizes", "10,5,10"], ["train", "--dropout", "1.5"],
    ["train", "--eta", "-1"],
    ["evaluate", "missing.json"], ["evaluate"], ["frobnicate"], ["train", "--bogus"],
    ["evaluate", "bad.json"], ["train", "--save", "/nonexistent/dir/m.json", "--epochs", "1"],
    ["train", "--sizes", "64,30,12"], ["train", "--sizes", "64,,10"], ["train", "--sizes", "60,30,10"],
    ["train", "--save", "."], ["train", "--plot", "curves.xyz"], ["train", "--plot", "/nonexistent/c.png"],
])
def test_every_error_is_one_line_with_status_2(tmp_path, args):
    (tmp_path / "bad.json").write_text("{not json")
    done = run(*args, cwd=tmp_path)
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert done.stderr.startswith("pynn: error: ")
    assert "Traceback" not in done.stderr


def test_help_documents_every_option_and_its_default(tmp_path):
    done = run("train", "--help", cwd=tmp_path)
    assert done.returncode == 0
    for option in ("--data", "--sizes", "--epochs", "--batch", "--eta", "--lmbda", "--optimizer",
                   "--dropout", "--seed", "--dtype", "--save", "--plot"):
        assert option in done.stdout
    text = " ".join(done.stdout.split())
    for default in ("(default sgd)", "(default cross_entropy)", "(default sigmoid)", "(default float64)",
                    "(default 30)", "(default 10)", "(default 0.5)"):
        assert default in text, default


def test_pynn_alone_prints_help_and_version_works(tmp_path):
    done = run(cwd=tmp_path)
    assert done.returncode == 0 and "usage: pynn" in done.stdout and "train" in done.stdout
    version = run("--version", cwd=tmp_path)
    assert version.returncode == 0 and version.stdout.strip() == f"pynn {pynn.__version__}"


def test_output_paths_are_checked_before_training(tmp_path):
    done = run("train", "--save", "missing/m.json", cwd=tmp_path)
    assert done.returncode == 2 and "--save" in done.stderr and "missing" in done.stderr
    assert "epoch" not in done.stdout  # nothing was trained


@pytest.mark.parametrize("args", [
    ["--eta", "1000", "--activation", "relu"],  # finite weights, infinite cost
    ["--cost", "log_likelihood", "--activation", "relu", "--sizes", "64,10,10", "--eta", "1e300"],  # NaN weights
])
def test_a_diverging_run_is_an_error(tmp_path, args):
    done = run("train", *args, "--epochs", "3", "--save", "m.json", cwd=tmp_path)
    assert done.returncode == 1, (done.stdout, done.stderr)
    assert len(done.stderr.strip().splitlines()) == 1
    assert done.stderr.startswith("pynn: error: training diverged") and "eta" in done.stderr
    assert not (tmp_path / "m.json").exists()


def test_progress_lines_fit_80_columns_and_show_fractions(tmp_path):
    done = run("train", "--epochs", "3", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    lines = [line for line in done.stdout.splitlines() if line.startswith("epoch ")]
    assert [line.split()[1] for line in lines] == ["1/3", "2/3", "3/3"]
    assert all(len(line) <= 80 for line in lines), lines
    accuracy = float(lines[-1].split("valid cost")[1].split("acc")[1])
    assert 0.5 < accuracy <= 1.0  # a fraction, not a count


def test_ctrl_c_exits_130_and_keeps_no_model(tmp_path):
    import signal
    import time
    env = dict(os.environ, XDG_CACHE_HOME=str(tmp_path / "cache"))
    process = subprocess.Popen([sys.executable, "-m", "pynn", "train", "--epochs", "100000", "--save", "m.json"],
                               cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               preexec_fn=default_sigint)
    try:
        deadline = time.monotonic() + 120
        first = process.stdout.readline()  # training is under way
        assert first.startswith("epoch "), first
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=max(1, deadline - time.monotonic()))
    finally:
        process.kill()
    assert process.returncode == 130, err
    assert "interrupted after" in err and "not saved" in err and "Traceback" not in err
    assert "test accuracy" not in out and not (tmp_path / "m.json").exists()

def test_bench_short_form(tmp_path):
    done = run("bench", "--rows", "2000", "--repeats", "1", "--hidden", "30", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "floor s" in done.stdout and "[784, 30, 10]" in done.stdout
    setting = _core.path_setting()  # PYNN_KERNELS, as the child process sees it
    name = _core.path_resolved(next(k for k, v in _core.PATHS.items() if v == setting))
    rows = _core.path_fast_rows(setting)
    fast = f" (its fast step takes mini-batches of up to {rows} rows)" if rows else ""
    assert f"kernel path: {name}{fast}, threads" in done.stdout


def test_plot_history_function(tmp_path):
    pytest.importorskip("matplotlib")
    history = pynn.History([1.0, 0.5], [5, 7], [0.9, 0.4], [6, 8])
    figure = pynn.plot.history(history, tmp_path / "h.png", n_training=10, n_evaluation=10)
    assert (tmp_path / "h.png").stat().st_size > 1000 and len(figure.axes) == 2
    cost, accuracy = figure.axes
    assert cost.get_ylabel() and accuracy.get_ylabel() == "fraction correct"
    assert list(cost.lines[0].get_xdata()) == [1, 2]  # epochs from 1, as printed
    with pytest.raises(ValueError, match="no epoch was recorded"):
        pynn.plot.history(pynn.History([], [], [], []))
    with pytest.raises(ValueError, match="path: cannot draw"):
        pynn.plot.check_format(tmp_path / "h.nope")


def test_plot_draws_what_training_measured_without_monitor_flags(tmp_path):
    pytest.importorskip("matplotlib")
    data = pynn.datasets.load("digits")
    net = pynn.Network([64, 10, 10], seed=0)
    history = net.SGD(data.train, 3, 10, 0.5, evaluation_data=data.validation, early_stopping=5)
    assert history == ([], [], [], [])
    figure = pynn.plot.history(history, tmp_path / "h.png")
    cost, accuracy = figure.axes
    assert [line.get_label() for line in cost.lines] == ["training (during the epoch)", "evaluation"]
    values = accuracy.lines[0].get_ydata()
    assert len(values) == 3 and 0 < max(values) <= 1  # fractions: History knows the set sizes


def test_plot_without_matplotlib_says_how_to_get_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(ImportError, match=r"pynn-mlp\[plot\]"):
        pynn.plot.history(pynn.History([1.0], [], [], []))


def test_universal_approximation_error_falls_with_width():
    sys.path.insert(0, EXAMPLES)
    try:
        import universal_approximation as ua
    finally:
        sys.path.remove(EXAMPLES)
    errors = {width: ua.fit(width)[1] for width in (1, 2, 4, 8, 32)}
    assert errors[1] > errors[2] > errors[4] > errors[8]
    assert errors[32] < errors[4] / 2 and errors[8] < 0.05


def test_bench_busy_machine_table(monkeypatch, capsys):
    """The busy-machine rows, on made-up epoch times: which runs they ask
    for, and the ratios they print."""
    from pynn import bench
    seconds = {(1, None): 0.30, (1, 1): 0.25, (2, None): 0.40, (2, 1): 0.35}  # (processes, threads)
    calls = []

    def epochs(count, threads=None, rows=20000, dtype="float64"):
        calls.append((count, threads, rows))
        return [seconds[count, threads]] * count

    monkeypatch.setattr(bench, "_epochs_in_children", epochs)
    bench._busy_machine(1, rows=200)
    lines = [line for line in capsys.readouterr().out.splitlines() if line.startswith("| ")]
    assert lines == [
        "| one busy-loop process beside | default 0.300 s | one thread 0.250 s | default / one thread 1.20x |",
        "| two trainings at once | each (default) 0.400 s | one alone on one thread 0.250 s | each / alone 1.60x |",
        "| two at once, one thread each | each 0.350 s | one alone on one thread 0.250 s | each / alone 1.40x |"]
    assert calls == [(1, None, 200), (1, 1, 200)] * 5 + [(2, None, 200), (1, 1, 200), (2, 1, 200)] * 5


def test_bench_epochs_in_children(tmp_path, monkeypatch):
    from pynn import bench
    monkeypatch.chdir(tmp_path)  # the children import the installed pynn
    times = bench._epochs_in_children(2, threads=1, rows=200)
    assert len(times) == 2 and all(0 < t < 60 for t in times)
