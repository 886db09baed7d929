"""Test configuration.  pytest runs with --import-mode=importlib (pyproject.toml),
so `import pynn` finds the INSTALLED package; this folder is put on sys.path
only so that the tests can import their own helper, oracle.py."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
