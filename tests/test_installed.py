"""The tests run against the installed package, which bundles its BLAS."""
import importlib.metadata
import json
import os
import pathlib
import shutil
import subprocess
import sys

import pytest

import pynn
from pynn import _core

PACKAGE = pathlib.Path(pynn.__file__).resolve().parent
# pip install . puts the library in pynn/.libs; auditwheel repair moves it to pynn.libs
BUNDLES = [PACKAGE / ".libs", PACKAGE.parent / "pynn.libs"]


def _bundled():
    return [path for folder in BUNDLES if folder.is_dir() for path in folder.iterdir()
            if "openblas" in path.name]


ROOT = pathlib.Path(__file__).resolve().parent.parent


def _editable():
    """Whether pynn-mlp is installed in editable mode (pip install -e .)."""
    direct_url = importlib.metadata.distribution("pynn-mlp").read_text("direct_url.json")
    return bool(direct_url) and json.loads(direct_url).get("dir_info", {}).get("editable", False)


def test_imported_from_site_packages_not_the_source_tree():
    if _editable():
        pytest.skip("editable install: the source folder is the installed package")
    assert ROOT / "pynn" != PACKAGE, "tests must import the installed pynn"
    assert pathlib.Path(_core.__file__).resolve().parent == PACKAGE


def test_importing_the_source_folder_explains_itself():
    if _editable() or not (ROOT / "pyproject.toml").exists():
        pytest.skip("needs a regular install beside a source checkout")
    done = subprocess.run([sys.executable, "-c", "import pynn"], cwd=ROOT, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 1
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("ImportError: pynn was imported from its source folder"), done.stderr
    assert "pip install" in last and "circular" not in done.stderr


def test_the_pynn_command_is_installed_and_runs_from_the_clones_root():
    command = shutil.which("pynn", path=os.path.dirname(sys.executable))
    assert command, "the pynn console script is missing"
    done = subprocess.run([command, "--version"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"pynn {pynn.__version__}"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/maps")
def test_the_loaded_blas_is_the_bundled_one():
    if not _bundled():
        pytest.skip("built with -DPYNN_BLAS=system: no bundled BLAS")
    with open("/proc/self/maps") as maps:
        loaded = {line.split()[-1] for line in maps if "openblas" in line and "/" in line}
    # numpy and scipy load their own copies too; pynn's must be the one in its bundle
    assert any(os.path.realpath(p).startswith(tuple(str(b) for b in BUNDLES)) for p in loaded), loaded


def test_threadpoolctl_reports_the_bundled_blas():
    threadpoolctl = pytest.importorskip("threadpoolctl")
    if not _bundled():
        pytest.skip("built with -DPYNN_BLAS=system: no bundled BLAS")
    found = [info["filepath"] for info in threadpoolctl.threadpool_info()
             if info.get("internal_api") == "openblas"]
    inside = [p for p in found if os.path.realpath(p).startswith(tuple(str(b) for b in BUNDLES))]
    assert inside, found


def test_version_is_a_string():
    assert isinstance(pynn.__version__, str) and pynn.__version__.count(".") == 2


def test_typing_files_are_installed():
    assert (PACKAGE / "py.typed").exists() and (PACKAGE / "_core.pyi").exists()
