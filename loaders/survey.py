"""Staff uploads of survey results and activity counts: check → read → validate → preview →
commit, and undo.

``prepare`` does everything but writing: it refuses unsafe files, reads the sheet in a child
process, turns it into rows (the template layout, or a respondent-level file through a
mapping), validates every row, warns about values far from the district's history, and
compares each row with what is stored (new / replaces old → new / unchanged). ``commit``
then writes one batch in one transaction. The page and the command line share both.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from catalogue.catalogue import Catalogue
from loaders import outliers
from loaders.batch import LoadReport, commit_batch, file_sha256
from loaders.respondents import Mapping, aggregate
from loaders.survey_table import read_table
from loaders.survey_types import MAX_CELL_CHARS, SEX_NAMES, Finding, SurveyTable
from loaders.upload_parse import ParsedSheet, read_safely
from loaders.upload_safety import Limits, UploadRefused, check, safe_file_name
from store import audit, loading, reference_data
from store.regions import RegionResolver
from swedish.format import short

UPLOAD_SOURCE = "uppladdning"
PREVIEW_COLUMNS = [
    "Rad",
    "Område",
    "År",
    "Fältperiod",
    "Mått",
    "Kön",
    "Åldersgrupp",
    "Nytt värde",
    "Antal svarande",
    "Lagrat värde",
    "Ändring",
]


@dataclass
class Prepared:
    """Everything known about an upload before it is written."""

    file_name: str
    sha256: str
    table: SurveyTable
    preview: pd.DataFrame = field(default_factory=pd.DataFrame)
    already_loaded: loading.Batch | None = None

    @property
    def ok(self) -> bool:
        return not self.table.errors and self.already_loaded is None

    def findings_frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            [
                {
                    "Nivå": f.level,
                    "Blad": f.sheet,
                    "Cell": f.cell,
                    "Värde": f.value,
                    "Problem": f.message,
                }
                for f in self.table.findings
            ],
            columns=["Nivå", "Blad", "Cell", "Värde", "Problem"],
        )

    def counts(self) -> dict[str, int]:
        changes = self.preview["Ändring"] if not self.preview.empty else pd.Series(dtype=str)
        return {
            "new": int((changes == "ny").sum()),
            "replaced": int((changes == "ersätter").sum()),
            "unchanged": int((changes == "oförändrad").sum()),
        }


# Encodings a CSV from Excel may have, with the name the user is told.
FALLBACK_ENCODINGS = (("cp1252", "Windows-1252"), ("mac_roman", "Mac Roman"))


def decode(data: bytes) -> tuple[str, str | None]:
    """UTF-8 if the bytes are UTF-8; else the fallback in which the Swedish letters
    (åäöÅÄÖ) come out most often, and its name."""
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError:
        pass
    candidates = []
    for codec, name in FALLBACK_ENCODINGS:
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        candidates.append((sum(text.count(c) for c in "åäöÅÄÖ"), -len(candidates), text, name))
    best = max(candidates)  # mac_roman decodes every byte, so there is always one
    return best[2], best[3]


def read_csv(path: Path, max_rows: int = 250_000) -> ParsedSheet:
    text, encoding = decode(path.read_bytes())
    sample = text[:4096]
    delimiter = max((";", ",", "\t"), key=sample.count)
    try:
        rows = []
        for row in csv.reader(io.StringIO(text), delimiter=delimiter):
            rows.append(list(row))
            if len(rows) > max_rows + 1:  # + the header row
                raise UploadRefused(
                    f"Filen har fler än {max_rows} rader; högst {max_rows} rader tas emot. "
                    "Dela upp filen."
                )
    except csv.Error as exc:
        if "field larger" in str(exc):
            raise UploadRefused(
                f"Filen har en cell med över {csv.field_size_limit() // 1024} kB text; "
                f"en cell får ha högst {MAX_CELL_CHARS} tecken."
            ) from exc
        raise UploadRefused(f"Filen gick inte att läsa som CSV ({exc}).") from exc
    parsed = ParsedSheet(sheet=path.name, rows=rows)  # type: ignore[arg-type]
    if encoding:
        parsed.notes.append(f"filen är inte UTF-8 och lästes som {encoding}; stämmer å, ä och ö?")
    return parsed


def read_sheet(path: Path, original_name: str, limits: Limits | None = None) -> ParsedSheet:
    limits = limits or Limits.from_environment()
    kind = check(path, original_name, limits)
    if kind == "csv":
        return read_csv(path, limits.max_rows)
    return read_safely(path, kind, limits.max_rows)


def _history_warnings(
    con: duckdb.DuckDBPyConnection, table: SurveyTable, catalogue: Catalogue
) -> None:
    """Values far outside the district's own history, and, in a file covering most districts,
    districts missing that were there last year. Warnings only."""
    if not table.rows:
        return
    measures = sorted({r.measure for r in table.rows})
    stored = loading.stored_values(con, measures)
    history: dict[tuple[str, str, str, str], list[tuple[int, float]]] = {}
    for m, code, year, sex, age, value in stored[
        ["measure", "region_code", "year", "sex", "age_group", "value"]
    ].itertuples(index=False):
        history.setdefault((m, code, sex, age), []).append((int(year), float(value)))
    for row in table.rows:
        earlier = [
            v
            for y, v in history.get((row.measure, row.region_code, row.sex, row.age_group), [])
            if y != row.year
        ]
        # The data-quality view's rule (loaders.outliers): a count without respondents.
        median, mad, n = outliers.summary(earlier)
        count = row.respondents is None
        if outliers.far(row.value, median, mad, n, count):
            low, high = outliers.expected(median, mad, count)
            table.findings.append(
                Finding(
                    "varning",
                    table.sheet,
                    f"rad {row.line}",
                    short(row.value),
                    f"långt från områdets tidigare värden (median {short(round(median, 1))} av "
                    f"{n}; väntat {short(round(low, 1))}–{short(round(high, 1))}); stämmer det?",
                )
            )
    file_years = {(r.measure, r.year) for r in table.rows}
    present = {(r.measure, r.year, r.region_code) for r in table.rows}
    names = reference_data.region_names(con)
    for measure, year in sorted(file_years):
        last = stored[
            (stored["measure"] == measure)
            & (stored["year"] == year - 1)
            & (stored["sex"] == "total")
            & (stored["age_group"] == "all")
        ]
        before = set(last["region_code"])
        covered = {c for m, y, c in present if (m, y) == (measure, year)}
        # A file about one district (or a few) is not about the others: a district missing
        # is worth a warning only in a file that covers most of those there last year.
        if 2 * len(covered) < len(before):
            continue
        for code in sorted(before):
            if (measure, year, code) not in present:
                title = catalogue.measures[measure].title
                table.findings.append(
                    Finding(
                        "varning",
                        table.sheet,
                        "",
                        names.get(code, code),
                        f"fanns med {year - 1} för {title} men saknas för {year}",
                    )
                )


def _preview(
    con: duckdb.DuckDBPyConnection, table: SurveyTable, catalogue: Catalogue
) -> pd.DataFrame:
    if not table.rows:
        return pd.DataFrame(columns=PREVIEW_COLUMNS)
    stored = loading.stored_values(con, sorted({r.measure for r in table.rows}))
    current = {
        (m, c, int(y), s, a): v
        for m, c, y, s, a, v in stored[
            ["measure", "region_code", "year", "sex", "age_group", "value"]
        ].itertuples(index=False)
    }
    records = []
    for row in table.rows:
        old = current.get((row.measure, row.region_code, row.year, row.sex, row.age_group))
        change = (
            "ny" if old is None else ("oförändrad" if abs(old - row.value) < 1e-9 else "ersätter")
        )
        records.append(
            {
                "Rad": row.line,
                "Område": row.region_name,
                "År": row.year,
                "Mått": catalogue.measures[row.measure].title,
                "Kön": SEX_NAMES[row.sex],
                "Åldersgrupp": "Alla" if row.age_group == "all" else row.age_group,
                "Nytt värde": row.value,
                "Antal svarande": row.respondents,
                "Lagrat värde": old,
                "Ändring": change,
                "Fältperiod": f"{row.field_from}–{row.field_to}" if row.field_from else "",
            }
        )
    preview = pd.DataFrame(records, columns=PREVIEW_COLUMNS)
    if not any(row.field_from for row in table.rows):
        preview = preview.drop(columns="Fältperiod")  # no field period given: no empty column
    return preview


def prepare(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    catalogue: Catalogue,
    *,
    original_name: str | None = None,
    mapping: Mapping | None = None,
    limits: Limits | None = None,
    parsed: ParsedSheet | None = None,
) -> Prepared:
    """Read, validate and preview an upload without writing anything. UploadRefused when the
    file itself is refused (type, size, macros, password, broken, too big unpacked)."""
    name = safe_file_name(original_name or path.name)
    data_hash = file_sha256(path.read_bytes())
    if parsed is None:  # a caller that read the sheet already passes it
        parsed = read_sheet(path, name, limits)
    resolver = RegionResolver.from_store(con)
    if mapping is not None:
        table = aggregate(parsed, mapping, catalogue, resolver)
    else:
        table = read_table(parsed, catalogue, resolver)
    prepared = Prepared(file_name=name, sha256=data_hash, table=table)
    prepared.already_loaded = loading.find_loaded_batch_any_source(con, data_hash)
    if not table.errors:
        _history_warnings(con, table, catalogue)
        prepared.preview = _preview(con, table, catalogue)
    return prepared


def commit(
    con: duckdb.DuckDBPyConnection,
    prepared: Prepared,
    catalogue: Catalogue,
    *,
    loaded_by: str,
    example: bool = False,
) -> LoadReport:
    """Write a prepared upload as one batch (all rows or none). Who may is decided by the
    caller (``service.uploads``), which names the writer."""
    if prepared.already_loaded is not None:
        b = prepared.already_loaded
        raise UploadRefused(
            f"Filen är redan inläst som sats {b.id} (av {b.loaded_by}, {str(b.loaded_at)[:16]})."
        )
    if prepared.table.errors:
        raise UploadRefused("Filen har fel och kan inte läsas in; rätta dem först.")
    rows = prepared.table.rows
    sources = {catalogue.measures[r.measure].source for r in rows}
    source = sources.pop() if len(sources) == 1 else UPLOAD_SOURCE
    observations = pd.DataFrame(
        {
            "source": [catalogue.measures[r.measure].source for r in rows],
            "measure": [r.measure for r in rows],
            "region_code": [r.region_code for r in rows],
            "year": [r.year for r in rows],
            "month": None,
            "sex": [r.sex for r in rows],
            "age_group": [r.age_group for r in rows],
            "value": [r.value for r in rows],
            "respondents": [r.respondents for r in rows],
            "preliminary": False,
        }
    )
    used = sorted({r.measure for r in rows})
    measures = pd.DataFrame(
        {
            "id": used,
            "source": [catalogue.measures[m].source for m in used],
            "label": [catalogue.measures[m].title for m in used],
            "unit": [
                {"share": "procent", "index": "index", "count": "antal"}[catalogue.measures[m].kind]
                for m in used
            ],
            "spatially_additive": [catalogue.measures[m].kind == "count" for m in used],
        }
    )
    rounds = pd.DataFrame(
        sorted({(r.measure, r.year, r.field_from, r.field_to) for r in rows if r.field_from}),
        columns=["measure", "year", "field_from", "field_to"],
    )
    report = LoadReport(source=source, file_name=prepared.file_name)
    report = commit_batch(
        con,
        source=source,
        path=Path(prepared.file_name),
        sha256=prepared.sha256,
        loaded_by=loaded_by,
        observations=observations,
        measures=measures,
        report=report,
        note="Exempeldata" if example else None,
        example=example,
        rounds=rounds,
    )
    if report.already_loaded:  # confirmed twice: the other confirmation stored it
        raise UploadRefused(f"Filen är redan inläst som sats {report.batch_id}.")
    return report


def undo(
    con: duckdb.DuckDBPyConnection,
    batch_id: int,
    *,
    undone_by: str,
) -> list[int]:
    """Undo a batch: its rows stop counting and the values it replaced come back. Returns the
    batches that are in force again. Police batches can be undone only newest first (the
    counts of a later batch include the events of the earlier ones)."""
    from store import db, police

    batch = loading.batch(con, batch_id)
    if batch is None:
        raise UploadRefused(f"Sats {batch_id} finns inte.")
    if batch.state == "undone":
        raise UploadRefused(f"Sats {batch_id} är redan ångrad.")
    if batch.source == "polisen_handelser":
        if not police.undoable(con, batch_id):
            raise UploadRefused(
                f"Sats {batch_id} kan inte ångras: bara de {police.UNDO_DEPTH} senaste "
                "inläsningarna av Polisens händelser kan ångras (de antal som äldre "
                "inläsningar ersatte sparas inte)."
            )
        newer = [
            b
            for b in loading.batches(con)
            if b.source == batch.source
            and b.id > batch.id
            and b.state != "undone"
            and b.row_count > 0  # a fetch that wrote no count changed nothing to undo first
        ]
        if newer:
            raise UploadRefused(
                f"Polisens händelser ångras i omvänd ordning: ångra först sats "
                f"{', '.join(str(b.id) for b in newer)}."
            )
    with db.transaction(con):
        before = {b.id: b.state for b in loading.batches(con)}
        loading.undo_batch(con, batch_id, undone_by)
        audit.record(con, undone_by, "ångra", f"sats {batch_id}: {batch.file_name}")
        loading.refresh_in_force(con, [batch_id])
        if batch.source == police.SOURCE:  # the types' first events may have changed
            police.refresh_series_coverage(con)
        after = {b.id: b.state for b in loading.batches(con)}
    return sorted(i for i, state in after.items() if state == "active" and before[i] != "active")


def load(
    con: duckdb.DuckDBPyConnection, path: Path, *, loaded_by: str, example: bool = False
) -> LoadReport:
    """Prepare and commit in one go (the demo data and scripts); LoadError on any problem."""
    from catalogue.catalogue import load_catalogue
    from loaders.batch import LoadError, Problem

    catalogue = load_catalogue()
    try:
        prepared = prepare(con, path, catalogue)
    except UploadRefused as exc:
        raise LoadError(str(path), [Problem(None, str(exc))]) from exc
    if prepared.already_loaded is not None:
        report = LoadReport(source=UPLOAD_SOURCE, file_name=prepared.file_name)
        report.already_loaded, report.batch_id = True, prepared.already_loaded.id
        return report
    if prepared.table.errors:
        raise LoadError(str(path), [Problem(None, str(f)) for f in prepared.table.errors])
    return commit(con, prepared, catalogue, loaded_by=loaded_by, example=example)
