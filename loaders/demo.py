"""The bundled demo data: real public files listed in ``data/demo/manifest.csv``.

A new store is filled from here on first start (by the app, or ``python -m store init
--demo``), through the same loaders as the command line, so a new user sees real numbers.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
from pathlib import Path

import duckdb

from loaders import registry
from loaders.batch import LoadReport
from store import backup, db, loading
from store.upgrade import SCHEMA_VERSION

DEMO_DIR = db.PROJECT_ROOT / "data" / "demo"
DEMO_USER = "demodata"
# The demo store prepared from those files (python -m store examples --prepare): a backup of
# a store the demo data were loaded into and whose indicator results were computed, copied
# into place on first start in one step instead of loading 16 files (issue 36). Used only
# while it is what the files and this program's loaders would build (INPUTS).
PREPARED = DEMO_DIR / "prepared"
INPUTS = ("data/demo", "data/reference", "loaders", "store", "catalogue")
_READ = {".py", ".sql", ".yaml", ".csv", ".json", ".txt", ".xlsx", ".geojson", ".md"}


def inputs_digest() -> str:
    """What a demo store is built from: the schema version and every file of :data:`INPUTS`
    (the demo's files, the region register, the loaders, the store, the catalogue), the
    prepared store itself left out."""
    digest = hashlib.sha256(f"schema {SCHEMA_VERSION}\n".encode())
    for root in INPUTS:
        for path in sorted((db.PROJECT_ROOT / root).rglob("*")):
            if (
                path.is_file()
                and path.suffix in _READ
                and PREPARED not in path.parents
                and "__pycache__" not in path.parts
            ):
                relative = path.relative_to(db.PROJECT_ROOT).as_posix()
                digest.update(relative.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def prepared_inputs(folder: Path = PREPARED) -> str | None:
    """The inputs the prepared store was built from (None: there is none)."""
    try:
        manifest = json.loads((folder / backup.MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return manifest.get("inputs")


def place_prepared(location: db.Location, folder: Path = PREPARED) -> bool:
    """Put the prepared demo store in place as the new embedded store at ``location`` when
    it is current (its inputs are today's); False (nothing done) otherwise, and the demo is
    loaded from its files as before. The files are made the owner's only: git checks them
    out readable by everyone."""
    if location.lock is None or prepared_inputs(folder) != inputs_digest():
        return False
    backup.restore(folder, location)
    catalog = Path(location.catalog.removeprefix("sqlite:"))
    os.chmod(catalog, 0o600)
    for path in [Path(location.data_path), *Path(location.data_path).rglob("*")]:
        os.chmod(path, 0o700 if path.is_dir() else 0o600)
    return True


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
