"""``python -m pureml``: the command line of pureml.cli."""

import sys

from pureml.cli import main

if __name__ == "__main__":
    sys.exit(main(prog="python -m pureml"))
