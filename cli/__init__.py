"""The command lines, one module per ``python -m`` package (``python -m store`` runs
``cli/store.py``), above the service they call: no package below imports back up into them.
Each ``<package>/__main__.py`` is a launcher of two lines that the architecture test keeps so."""
