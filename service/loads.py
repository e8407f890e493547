"""Loads of the public sources and the command line's survey loads, through the guarded
write path. On the command line the principal is the operator at the terminal: whoever can
run the command can open the store file, so the role is administratör and the name is
``--user`` or the login name."""

from __future__ import annotations

import getpass
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import duckdb

from access.roles import Principal
from catalogue.catalogue import Catalogue, load_catalogue
from loaders import registry, survey, survey_template, swedish
from loaders.batch import LoadError, LoadReport
from loaders.demo import DEMO_USER, PREPARED, inputs_digest, load_demo
from loaders.polisen_fetch import Fetcher
from loaders.reference import ReferenceDataError
from loaders.respondents import Mapping
from loaders.survey import Prepared
from loaders.upload_safety import UploadRefused
from service import results, session
from service.session import open_store
from service.writes import PermissionDenied, RuleBroken, guarded, may, retry_conflicts
from store import backup, db, loading, reference_data
from store import examples as store_examples
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
]

SOURCES = sorted([*registry.LOADERS, "survey"])
options_for = registry.options_for
batches = loading.batches


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
        with guarded(con, principal, "load"):
            return registry.load_file(con, source, path, loaded_by=principal.name, **options)

    return retry_conflicts(attempt)


# The public sources an administrator loads from Datastatus, as the command line does.
PUBLIC_SOURCES = {
    "bra": "BRÅ:s anmälda brott (exporten ”Databasfil”, .txt eller .csv)",
    "polisen": "Polisens händelser (JSON: ett svar från API:t eller ett arkiv)",
    "population": "Befolkning (Statistikomstockholm, Folkhälsokollen, CSV eller SCB:s PxWeb-JSON)",
    "kolada": "Kolada (värden eller KPI-beskrivningar, JSON eller CSV)",
}


@dataclass(frozen=True)
class PageLoad:
    """What a load from the page did, in Swedish: ``ok`` and the summary, or the refusal."""

    ok: bool
    message: str


def load_from_page(
    principal: Principal, source: str, name: str, data: bytes, year: int | None = None
) -> PageLoad:
    """An administrator's load of one public source's file from Datastatus: the same loader,
    validation and guarded write as ``python -m loaders load``; the file is kept in a private
    folder under its own name (the batch records it) only while it loads."""
    if source not in PUBLIC_SOURCES:
        raise RuleBroken(f"Okänd källa: {source}.")
    safe = Path(name).name or "fil"
    with tempfile.TemporaryDirectory(prefix="samverkan-load-") as folder:
        path = Path(folder) / safe
        path.write_bytes(data)
        con = session.write_cursor()
        try:
            options = {"year": year} if source == "population" and year else {}
            report = load_file(con, principal, source, path, **options)
        except LoadError as exc:
            return PageLoad(False, swedish.refused(exc))
        finally:
            con.close()
    results.refresh_later()  # the indicators the load changed, in the background
    return PageLoad(True, swedish.summary(report))


def fetch_police_now(principal: Principal, fetcher: Fetcher | None = None) -> PageLoad:
    """ "Hämta nu": one call to the police's events API (its terms kept, see loaders.polisen_
    fetch), the response saved and loaded like ``python -m loaders fetch polisen``."""
    authorise_load(principal)
    try:
        path = (fetcher or Fetcher()).fetch()
    except OSError as exc:
        return PageLoad(
            False,
            f"Polisens API svarade inte ({exc}), så inget hämtades och inget ändrades. "
            "Försök igen senare.",
        )
    con = session.write_cursor()
    try:
        report = load_file(con, principal, "polisen", path)
    except LoadError as exc:
        return PageLoad(False, swedish.refused(exc))
    finally:
        con.close()
    results.refresh_later()
    return PageLoad(True, swedish.summary(report))


def authorise_load(principal: Principal) -> None:
    """Loads of the public sources are the administratör's (checked before any call out)."""
    if not may(principal, "load"):
        raise PermissionDenied("Bara administratörer kan läsa in källfiler och hämta från polisen.")


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

    # The command line computes the results itself before it ends (cli/loaders.py).
    return uploads.commit(con, principal, prepared, catalogue, example=example, refresh=False)


def undo(con: duckdb.DuckDBPyConnection, principal: Principal, batch_id: int) -> list[int]:
    from service import uploads

    return uploads.undo(con, principal, batch_id, refresh=False)


def compact(con: duckdb.DuckDBPyConnection, principal: Principal) -> int:
    """Delete every count of the police's events that no undo can bring back (each load of
    events does this for the load that leaves the undoable ones; this catches up a store
    loaded before that). Returns the rows deleted."""
    from store import audit, police

    def attempt() -> int:
        with guarded(con, principal, "load"):
            deleted = police.compact_counts(con, every=True)
            audit.record(con, principal.name, "rensning", f"{deleted} ersatta antal borttagna")
            return deleted

    return retry_conflicts(attempt)


def example_rows(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """What :func:`remove_examples` would remove, per table."""
    from store import examples

    return examples.example_rows(con, DEMO_USER)


def remove_examples(con: duckdb.DuckDBPyConnection, principal: Principal) -> dict[str, int]:
    """Remove the bundled demo data and every example row in one guarded, audited step (an
    administratör only; issue 34): the batches the demo loaded with their rows (others'
    rows under the same keys come into force), and the actions, assessments, comments,
    events and local agreements marked as examples. Returns what was removed per table."""
    from store import audit, examples

    def attempt() -> dict[str, int]:
        with guarded(con, principal, "examples"):
            removed = examples.remove(con, DEMO_USER)
            detail = ", ".join(f"{table} {n}" for table, n in removed.items() if n)
            audit.record(con, principal.name, "exempeldata borttagna", detail or "inget")
            return removed

    return retry_conflicts(attempt)


def template(out: Path) -> None:
    """Write the survey upload template (districts from the register, newest first)."""
    con = open_store(":memory:")
    try:
        districts = list(
            reference_data.regions(con, ("district",)).sort_values("valid_from", ascending=False)[
                "name"
            ]
        )
    finally:
        con.close()
    out.write_bytes(survey_template.build(load_catalogue(), districts))


def prepare_demo(folder: Path = PREPARED) -> dict[str, object]:
    """Build the demo store from its files in a new store, compute every indicator's results,
    and put a backup of it in ``folder`` (replacing what was there), with the inputs it was
    built from (loaders.demo.inputs_digest). Refused if the store holds an account or a
    setting: nothing of one installation may travel to another."""
    import json
    import shutil

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "demo.sqlite"
        con = open_store(path)
        try:
            load_demo(con)
            results.refresh_connection(con)
            if store_examples.installation_rows(con):
                raise StoreError("the demo store holds accounts or settings; not prepared")
            built = Path(tmp) / "prepared"
            manifest = backup.backup(con, db.locate(path), built)
        finally:
            con.close()
        manifest["inputs"] = inputs_digest()
        (built / backup.MANIFEST).write_text(json.dumps(manifest, indent=1), encoding="utf-8")
        shutil.rmtree(folder, ignore_errors=True)
        shutil.copytree(built, folder)
    return manifest
