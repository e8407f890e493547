"""The bundled demo data: real public files listed in ``data/demo/manifest.csv``.

A new store is filled from here on first start (by the app, or ``python -m store init
--demo``), through the same loaders as the command line, so a new user sees real numbers.
"""

from __future__ import annotations

import csv

import duckdb

from loaders import registry
from loaders.batch import LoadReport
from store import db, loading

DEMO_DIR = db.PROJECT_ROOT / "data" / "demo"
DEMO_USER = "demodata"


def load_demo(con: duckdb.DuckDBPyConnection) -> list[LoadReport]:
    """Load every file of the manifest in order; files already loaded are left alone."""
    reports = []
    with (DEMO_DIR / "manifest.csv").open(encoding="utf-8") as handle:
        for entry in csv.DictReader(handle):
            path = DEMO_DIR / entry["path"]
            options = _options(entry.get("options") or "")
            reports.append(
                registry.load_file(con, entry["source"], path, loaded_by=DEMO_USER, **options)
            )
    from loaders import followup_examples

    followup_examples.load(con)
    return reports


def _options(text: str) -> dict[str, object]:
    """``year=2020`` → {"year": 2020}: the manifest's command-line options."""
    options: dict[str, object] = {}
    for part in filter(None, (p.strip() for p in text.split(";"))):
        key, _, value = part.partition("=")
        options[key.strip()] = int(value) if value.strip().isdigit() else value.strip()
    return options


def ensure_demo(con: duckdb.DuckDBPyConnection) -> list[LoadReport]:
    """Fill an empty store (no batch ever loaded) with the demo data; else do nothing."""
    if loading.batches(con):
        return []
    return load_demo(con)
