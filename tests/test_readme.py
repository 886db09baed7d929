"""Every code block of README.md runs, so that the README cannot drift.

A block runs as written, or with the substitutions that an HTML comment
right before it states (``<!-- readme-test: sub "A" -> "B"; ... -->``: small
data or fewer epochs, each substitution required to match), or is skipped
with the reason its comment gives (``<!-- readme-test: skip (why) -->``).
``text`` blocks (a usage synopsis, a file layout) are not code; a fence
without a language is an error, so that every block is one or the other.
"""
import gzip
import os
import pathlib
import pickle
import re
import subprocess
import sys

import numpy as np
import pytest

README = pathlib.Path(__file__).resolve().parent.parent / "README.md"
SUBSTITUTION = re.compile(r"""sub\s+(['"])(.*?)\1\s*->\s*(['"])(.*?)\3""")


def _blocks():
    """(line number, language, code, directive) of each fenced block."""
    lines = README.read_text(encoding="utf-8").splitlines()
    blocks, directive, i = [], None, 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("<!-- readme-test:"):
            directive = line[len("<!-- readme-test:"):].rsplit("-->", 1)[0].strip()
        elif line.startswith("```"):
            start, language = i + 1, line[3:].strip()
            i += 1
            while not lines[i].startswith("```"):
                i += 1
            blocks.append((start, language, "\n".join(lines[start:i]) + "\n", directive))
            directive = None
        elif line.strip() and not line.startswith("<!--"):
            directive = None  # a directive belongs to the block right after it
        i += 1
    return blocks


BLOCKS = _blocks()


def test_every_block_says_what_it_is():
    assert BLOCKS, "README.md has no code blocks?"
    for line, language, _, directive in BLOCKS:
        assert language in ("python", "bash", "text"), f"README.md line {line}: fence without a known language"
        if language == "text":
            assert directive is None, f"README.md line {line}: a text block is not run"


def _prepare(code, directive, line):
    """The code to run after the directive's substitutions; pytest.skip for skip."""
    if directive is None:
        return code
    if directive.startswith("skip"):
        pytest.skip(f"README.md line {line}: {directive[4:].strip(' ()')}")
    substitutions = SUBSTITUTION.findall(directive)
    assert substitutions, f"README.md line {line}: unreadable directive {directive!r}"
    for _, old, _, new in substitutions:
        assert old in code, f"README.md line {line}: {old!r} is no longer in the block"
        code = code.replace(old, new)
    return code


def _small_mnist_pickle(path):
    """network2's mnist.pkl.gz layout, random 784-pixel rows (300 / 100 / 100)."""
    rng = np.random.default_rng(0)
    parts = tuple((rng.random((n, 784), dtype=np.float32), rng.integers(0, 10, n)) for n in (300, 100, 100))
    with gzip.open(path, "wb") as stream:
        pickle.dump(parts, stream)


@pytest.mark.parametrize("line, language, code, directive",
                         [b for b in BLOCKS if b[1] != "text"],
                         ids=[f"line{b[0]}-{b[1]}" for b in BLOCKS if b[1] != "text"])
def test_block_runs(tmp_path, line, language, code, directive):
    code = _prepare(code, directive, line)
    _small_mnist_pickle(tmp_path / "mnist.pkl.gz")
    env = dict(os.environ, XDG_CACHE_HOME=str(tmp_path / "cache"), MPLBACKEND="Agg",
               PATH=os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", ""))
    env.pop("PYNN_DATA", None)
    command = [sys.executable, "-c", code] if language == "python" else ["bash", "-euo", "pipefail", "-c", code]
    done = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, f"README.md line {line}:\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}"
