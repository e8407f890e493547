"""``python -m service remind`` or ``alerts``: starts the command line of cli/remind.py."""

from cli.errors import start
from cli.remind import main

if __name__ == "__main__":
    start(main)
