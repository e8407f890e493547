"""The sources the command line and the demo data can load, by their short name."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import duckdb

from loaders import bra_anmalda_brott, polisen_handelser
from loaders.batch import LoadReport

Loader = Callable[..., LoadReport]

LOADERS: dict[str, Loader] = {
    "bra": bra_anmalda_brott.load,
    "polisen": polisen_handelser.load,
}


def get(name: str) -> Loader:
    try:
        return LOADERS[name]
    except KeyError:
        known = ", ".join(sorted(LOADERS))
        raise SystemExit(f"Unknown source {name!r}; known sources: {known}") from None


def load_file(
    con: duckdb.DuckDBPyConnection, source: str, path: Path, *, loaded_by: str, **options: object
) -> LoadReport:
    return get(source)(con, path, loaded_by=loaded_by, **options)
