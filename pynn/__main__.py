"""python -m pynn: the command line (see pynn/cli.py)."""
import sys

from .cli import main

sys.exit(main())
