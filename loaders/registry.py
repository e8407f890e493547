"""The sources the command line and the demo data can load, by their short name."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from pathlib import Path

import duckdb

from loaders import bra_anmalda_brott, kolada, polisen_handelser, population
from loaders.batch import LoadReport

Loader = Callable[..., LoadReport]

LOADERS: dict[str, Loader] = {
    "bra": bra_anmalda_brott.load,
    "polisen": polisen_handelser.load,
    "population": population.load,
    "kolada": kolada.load,
}


def _survey(con: duckdb.DuckDBPyConnection, path: Path, *, loaded_by: str,
            example: bool = False) -> LoadReport:  # fmt: skip
    from loaders import survey

    return survey.load(con, path, loaded_by=loaded_by, example=example)


DEMO_ONLY: dict[str, Loader] = {"survey": _survey}


def get(name: str) -> Loader:
    try:
        return LOADERS.get(name) or DEMO_ONLY[name]
    except KeyError:
        known = ", ".join(sorted(LOADERS))
        raise SystemExit(f"Unknown source {name!r}; known sources: {known}") from None


def load_file(
    con: duckdb.DuckDBPyConnection, source: str, path: Path, *, loaded_by: str, **options: object
) -> LoadReport:
    return get(source)(con, path, loaded_by=loaded_by, **options)


def options_for(source: str, **given: object) -> dict[str, object]:
    """The options a loader takes, from those given on the command line (unset ones dropped);
    an option the loader does not take is refused with a clear message."""
    accepted = inspect.signature(get(source)).parameters
    options = {}
    for name, value in given.items():
        if value in (None, False):
            continue
        if name not in accepted:
            flag = "--" + name.replace("_", "-")
            raise SystemExit(f"error: {flag} does not apply to source {source!r}")
        options[name] = value
    return options
