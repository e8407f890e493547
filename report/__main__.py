"""``python -m report``: starts the command line of cli/report.py."""

from cli.errors import start
from cli.report import main

if __name__ == "__main__":
    start(main)
