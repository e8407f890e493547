"""``python -m loaders``: starts the command line of cli/loaders.py."""

from cli.errors import start
from cli.loaders import main

if __name__ == "__main__":
    start(main)
