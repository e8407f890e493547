"""``python -m indicators``: starts the command line of cli/indicators.py."""

from cli.errors import start
from cli.indicators import main

if __name__ == "__main__":
    start(main)
