"""Loads of the public sources and the command line's survey loads, through the guarded
write path. On the command line the principal is the operator at the terminal: whoever can
run the command can open the store file, so the role is administratör and the name is
``--user`` or the login name."""

from __future__ import annotations

import getpass
import os
from pathlib import Path

import duckdb

from access.roles import Principal
from catalogue.catalogue import Catalogue, load_catalogue
from loaders import registry, survey, survey_template
from loaders.batch import LoadError, LoadReport
from loaders.polisen_fetch import Fetcher
from loaders.reference import ReferenceDataError, open_store
from loaders.respondents import Mapping
from loaders.survey import Prepared
from loaders.upload_safety import UploadRefused
from service.writes import guarded, retry_conflicts
from store import queries
from store.db import StoreError

__all__ = [
    "Fetcher",
    "LoadError",
    "LoadReport",
    "Mapping",
    "ReferenceDataError",
    "StoreError",
    "UploadRefused",
    "load_catalogue",
    "open_store",
]

SOURCES = sorted([*registry.LOADERS, "survey"])
options_for = registry.options_for
batches = queries.batches


def login_name() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return os.environ.get("USER", "unknown")


def operator(user: str | None = None) -> Principal:
    """The principal of a command-line write."""
    return Principal(user or login_name(), "administratör")


def load_file(
    con: duckdb.DuckDBPyConnection,
    principal: Principal,
    source: str,
    path: Path,
    **options: object,
) -> LoadReport:
    """Load one file of a public source as one batch (all rows or none)."""

    def attempt() -> LoadReport:
        with guarded(con, principal, "upload"):
            return registry.load_file(con, source, path, loaded_by=principal.name, **options)

    return retry_conflicts(attempt)


def prepare_survey(
    con: duckdb.DuckDBPyConnection, path: Path, catalogue: Catalogue, mapping: Mapping | None
) -> Prepared:
    return survey.prepare(con, path, catalogue, mapping=mapping)


def commit_survey(
    con: duckdb.DuckDBPyConnection,
    principal: Principal,
    prepared: Prepared,
    catalogue: Catalogue,
    example: bool = False,
) -> LoadReport:
    from service import uploads

    return uploads.commit(con, principal, prepared, catalogue, example=example)


def undo(con: duckdb.DuckDBPyConnection, principal: Principal, batch_id: int) -> list[int]:
    from service import uploads

    return uploads.undo(con, principal, batch_id)


def template(out: Path) -> None:
    """Write the survey upload template (districts from the register, newest first)."""
    con = open_store(":memory:")
    try:
        districts = list(
            queries.regions(con, ("district",)).sort_values("valid_from", ascending=False)["name"]
        )
    finally:
        con.close()
    out.write_bytes(survey_template.build(load_catalogue(), districts))
