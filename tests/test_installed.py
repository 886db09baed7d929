"""The tests run against the installed package, which bundles its BLAS."""
import os
import pathlib
import sys

import pynn
from pynn import _core


def test_imported_from_site_packages_not_the_source_tree():
    here = pathlib.Path(__file__).resolve().parent.parent
    package = pathlib.Path(pynn.__file__).resolve().parent
    assert here / "pynn" != package, "tests must import the installed pynn"
    assert pathlib.Path(_core.__file__).resolve().parent == package


def test_bundled_openblas_is_loaded():
    package = pathlib.Path(pynn.__file__).resolve().parent
    libs = package / ".libs"
    if not libs.exists():  # built with -DPYNN_BLAS=system
        return
    assert any(p.name.startswith("libscipy_openblas") for p in libs.iterdir())
    if sys.platform.startswith("linux"):
        with open("/proc/self/maps") as maps:
            loaded = {line.split()[-1] for line in maps if "scipy_openblas" in line and "/" in line}
        assert any(os.path.realpath(path).startswith(str(libs.resolve())) for path in loaded), loaded


def test_version_is_a_string():
    assert isinstance(pynn.__version__, str) and pynn.__version__.count(".") == 2
