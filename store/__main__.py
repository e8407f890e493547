"""``python -m store``: starts the command line of cli/store.py."""

from cli.errors import start
from cli.store import main

if __name__ == "__main__":
    start(main)
