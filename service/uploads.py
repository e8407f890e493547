"""Uploads as the page and the command line run them: stage the file privately, prepare
(check, read, validate, preview), commit through the guarded write path, undo, and import of
the action register from Excel.

A staged file lives only while its preview is open: in a directory only this user can read
(0700, files 0600), under a random name, deleted on commit, on cancel, when its session ends
(the page keeps the :class:`Staged` object in the session; when the session is dropped the
object is collected and its file removed) and at start-up for anything older than a day.
Respondent-level files hold answers of individuals: they must not linger."""

from __future__ import annotations

import contextlib
import hashlib
import os
import secrets
import tempfile
import time
import weakref
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from access.roles import Principal
from catalogue.catalogue import Catalogue
from loaders import actions_excel, survey, survey_template
from loaders.batch import LoadReport
from loaders.respondents import Mapping, Question, columns_and_answers
from loaders.survey import Prepared
from loaders.survey_cells import HEADER_WITHIN, find_header
from loaders.upload_parse import ParsedSheet
from loaders.upload_safety import UploadRefused, safe_file_name
from service import results
from service.writes import guarded
from store import followup, loading

__all__ = [
    "Mapping",
    "Prepared",
    "Question",
    "Staged",
    "UploadRefused",
    "columns_and_answers",
    "find_header",
    "needs_mapping",
]

MAX_AGE_SECONDS = 24 * 3600
PUBLIC_SOURCES = ("bra_anmalda_brott", "polisen_handelser", "befolkning", "kolada")


def staging_dir() -> Path:
    """The private folder for staged uploads (``DASHBOARD_STAGING`` or one under the
    system's temporary folder), created 0700 and kept so."""
    folder = Path(
        os.environ.get("DASHBOARD_STAGING")
        or Path(tempfile.gettempdir()) / f"samverkan-uploads-{os.getuid()}"
    )
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(folder, 0o700)
    return folder


def _remove(path: str) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.remove(path)


@dataclass
class Staged:
    """An uploaded file waiting for its preview to be confirmed or cancelled."""

    path: Path
    name: str  # the sanitised original name, shown to the user and kept on the batch
    digest: str  # of the bytes, to tell a new upload from the same one again
    _finalizer: weakref.finalize = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._finalizer = weakref.finalize(self, _remove, str(self.path))

    def discard(self) -> None:
        self._finalizer()

    @property
    def exists(self) -> bool:
        return self.path.exists()


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def stage(data: bytes, original_name: str) -> Staged:
    folder = staging_dir()
    path = folder / secrets.token_hex(16)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    return Staged(path, safe_file_name(original_name), digest(data))


def sweep(max_age: float = MAX_AGE_SECONDS, now: float | None = None) -> int:
    """Delete staged files older than ``max_age`` (left by a crashed process); returns how
    many. Run at start-up."""
    folder = staging_dir()
    cutoff = (now if now is not None else time.time()) - max_age
    removed = 0
    for path in folder.iterdir():
        if path.is_file() and path.stat().st_mtime < cutoff:
            _remove(str(path))
            removed += 1
    return removed


def read_sheet(staged: Staged) -> ParsedSheet:
    return survey.read_sheet(staged.path, staged.name)


def needs_mapping(parsed: ParsedSheet) -> bool:
    """A respondent-level file (no template header): it needs a mapping before it can be
    read. UploadRefused when the template's header stands further down than it may (such a
    file is the template with rows above it, not a respondent-level file)."""
    if find_header(parsed.rows) is not None or len(parsed.rows) <= 1:
        return False
    late = find_header(parsed.rows, within=500)
    if late is not None:
        raise UploadRefused(
            f"Mallens rubrikrad står på rad {late[0] + 1}; den ska stå bland de första "
            f"{HEADER_WITHIN} raderna. Ta bort raderna ovanför den och ladda upp filen igen."
        )
    return True


def prepare(
    con: duckdb.DuckDBPyConnection,
    staged: Staged,
    catalogue: Catalogue,
    mapping: Mapping | None = None,
    parsed: ParsedSheet | None = None,
) -> Prepared:
    """Check, validate and preview; ``parsed``: the sheet read already (not read twice)."""
    return survey.prepare(
        con, staged.path, catalogue, original_name=staged.name, mapping=mapping, parsed=parsed
    )


def commit(
    con: duckdb.DuckDBPyConnection,
    principal: Principal,
    prepared: Prepared,
    catalogue: Catalogue,
    staged: Staged | None = None,
    example: bool = False,
    refresh: bool = True,
) -> LoadReport:
    """Write a prepared upload as one batch under the principal's name; refused unless the
    role may write every district in the file. The staged file is deleted afterwards, and the
    results of the indicators it changed are computed again in the background (``refresh``;
    a command line computes them itself before it ends)."""
    regions = {r.region_code for r in prepared.table.rows}
    with guarded(con, principal, "upload", regions):
        report = survey.commit(con, prepared, catalogue, loaded_by=principal.name, example=example)
    if staged is not None:
        staged.discard()
    if refresh:
        results.refresh_later()
    return report


def undo(
    con: duckdb.DuckDBPyConnection, principal: Principal, batch_id: int, refresh: bool = True
) -> list[int]:
    """Undo a batch (a rapportör only their own); returns the batches in force again. The
    results it changed are computed again in the background, as after an upload."""
    batch = loading.batch(con, batch_id)
    if batch is None:
        raise UploadRefused(f"Sats {batch_id} finns inte.")
    with guarded(con, principal, "undo", owner=batch.loaded_by):
        restored = survey.undo(con, batch_id, undone_by=principal.name)
    if refresh:
        results.refresh_later()
    return restored


def uploads(con: duckdb.DuckDBPyConnection) -> list[loading.Batch]:
    """Batches that staff uploaded (not the public sources)."""
    return [b for b in loading.batches(con) if b.source not in PUBLIC_SOURCES]


def template(catalogue: Catalogue, districts: list[str]) -> bytes:
    return survey_template.build(catalogue, districts)


def read_actions(
    con: duckdb.DuckDBPyConnection, staged: Staged, catalogue: Catalogue
) -> actions_excel.ActionImport:
    return actions_excel.read(con, staged.path, staged.name, catalogue)


def commit_actions(
    con: duckdb.DuckDBPyConnection,
    principal: Principal,
    imported: actions_excel.ActionImport,
    staged: Staged | None = None,
) -> None:
    """Write every row of an imported action register or none; refused unless the role may
    change every district the file touches (new rows', and changed actions' old and new)."""
    if imported.errors:
        raise UploadRefused("Filen har fel; inget sparades.")
    stored = followup.actions(con).set_index("id")["region_code"]
    regions = {str(values["region_code"]) for values in imported.rows}
    regions |= {str(stored[v["id"]]) for v in imported.rows if v.get("id") in stored.index}
    with guarded(con, principal, "actions", regions):
        actions_excel.commit(con, imported, principal.name)
    if staged is not None:
        staged.discard()


def export_actions(register: pd.DataFrame, catalogue: Catalogue) -> pd.DataFrame:
    return actions_excel.export_frame(register, catalogue)
