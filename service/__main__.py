"""``python -m service remind`` and ``python -m service alerts``: start the command line of cli/remind.py."""

from cli.errors import start
from cli.remind import main

if __name__ == "__main__":
    start(main)
