"""What every loader shares: problems with their place, the report, and the one-transaction
commit of a batch.

A loader reads and tidies its file into a frame of observations plus the measures they use,
then hands both to :func:`commit_batch`, which stores them as one batch or not at all.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from loaders import plausible
from store import audit, db, loading, queries, reference_data
from store.regions import RegionLifetimes

OBSERVATION_COLUMNS = [
    "source",
    "measure",
    "region_code",
    "year",
    "month",
    "sex",
    "age_group",
    "value",
    "respondents",
    "preliminary",
]

MAX_LISTED_PROBLEMS = 40


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input file, with where it is."""

    line: int | None
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}" if self.line is not None else self.message


class LoadError(Exception):
    """A file that cannot be loaded; nothing was stored. Lists every problem found."""

    def __init__(self, file_name: str, problems: list[Problem]) -> None:
        self.file_name = file_name
        self.problems = problems
        listed = [f"  {p}" for p in problems[:MAX_LISTED_PROBLEMS]]
        if len(problems) > MAX_LISTED_PROBLEMS:
            listed.append(f"  ... and {len(problems) - MAX_LISTED_PROBLEMS} more")
        count = f"{len(problems)} problem" + ("s" if len(problems) != 1 else "")
        super().__init__(f"{file_name}: {count}, nothing was loaded:\n" + "\n".join(listed))


@dataclass
class LoadReport:
    """What a load did, for the command line and the upload page."""

    source: str
    file_name: str
    batch_id: int | None = None
    already_loaded: bool = False
    rows: int = 0
    regions: list[str] = field(default_factory=list)
    years: list[int] = field(default_factory=list)
    preliminary_years: list[int] = field(default_factory=list)
    superseded_batches: list[int] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    other_rows: int = 0  # rows stored outside observation (population)

    def summary(self) -> str:
        if self.already_loaded:
            return (
                f"{self.file_name} was already loaded as batch {self.batch_id}; nothing was added."
            )
        years = ", ".join(
            f"{y} (preliminary)" if y in self.preliminary_years else str(y) for y in self.years
        )
        lines = [
            f"Loaded {self.file_name} as batch {self.batch_id}: {self.rows} rows, "
            f"{len(self.regions)} regions, years {years or '-'}."
        ]
        if self.superseded_batches:
            ids = ", ".join(str(b) for b in self.superseded_batches)
            lines.append(f"Superseded batch(es) {ids} (kept, marked superseded).")
        lines.extend(self.notes)
        return "\n".join(lines)


def file_sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


Build = Callable[[int], tuple[pd.DataFrame, pd.DataFrame]]


def commit_batch(
    con: duckdb.DuckDBPyConnection,
    *,
    source: str,
    path: Path,
    sha256: str,
    loaded_by: str,
    report: LoadReport,
    observations: pd.DataFrame | None = None,
    measures: pd.DataFrame | None = None,
    build: Build | None = None,
    note: str | None = None,
    example: bool = False,
    gaps: pd.DataFrame | None = None,
    rounds: pd.DataFrame | None = None,
    after: Callable[[int], None] | None = None,
    lifetimes: RegionLifetimes | None = None,
) -> LoadReport:
    """Store observations as a new batch in one transaction, or say it is already there.
    ``gaps``: the cells the file marks as not available (measure, region_code, year, month);
    ``rounds``: survey rounds' field periods (measure, year, field_from, field_to).

    Either pass ``observations`` and ``measures``, or ``build``: a function of the new batch
    id that does the source's own writes (raw tables) and returns (observations, measures);
    it runs inside the same transaction, so any error leaves nothing behind. The check for
    an earlier identical file happens inside the transaction too, so two loads of one file
    cannot both get in. ``after`` runs last in the transaction, once the values in force are
    decided (the events' compaction of counts no undo can bring back). ``lifetimes``: the
    register's, where the loader has read it already (else read here).
    """
    with db.transaction(con):
        existing = loading.find_loaded_batch(con, source, sha256)
        if existing is not None:
            report.already_loaded = True
            report.batch_id = existing.id
            return report
        batch_id = loading.insert_batch(
            con, source=source, file_name=path.name, sha256=sha256, loaded_by=loaded_by,
            row_count=0, note=note,
        )  # fmt: skip
        if build is not None:
            observations, measures = build(batch_id)
        assert observations is not None and measures is not None
        rows = observations.reindex(columns=OBSERVATION_COLUMNS)
        implausible = plausible.observation_problems(rows, measures)
        if lifetimes is None:
            lifetimes = RegionLifetimes.from_store(con)
        implausible += plausible.region_problems(rows, lifetimes)
        implausible += plausible.duplicate_problems(rows)
        if implausible:
            raise LoadError(str(path), [Problem(None, p) for p in implausible])
        if not measures.empty:
            queries.upsert_measures(con, measures)
        if not rows.empty:
            queries.insert_observations(con, batch_id, rows)
        if gaps is not None:
            queries.insert_gaps(con, batch_id, gaps)
        if rounds is not None:
            queries.insert_survey_rounds(con, batch_id, rounds)
        loading.set_batch_row_count(con, batch_id, len(rows) + report.other_rows)
        if example:
            loading.set_example(con, batch_id)
        report.superseded_batches = loading.refresh_in_force(con, [batch_id])
        if after is not None:
            after(batch_id)
        audit.record(con, loaded_by, "inläsning", f"sats {batch_id}: {path.name} ({source})")
    report.batch_id = batch_id
    report.rows = len(rows) + report.other_rows
    names = reference_data.region_names(con)
    report.regions = sorted({names.get(c, c) for c in rows["region_code"].unique()})
    report.years = sorted(int(y) for y in rows["year"].unique())
    preliminary = rows["preliminary"].astype(bool)
    report.preliminary_years = sorted(int(y) for y in rows.loc[preliminary, "year"].unique())
    return report
