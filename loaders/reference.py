"""Copying the region register from ``data/reference/`` into the store.

The register (regions, successions, extra spellings) is data that people edit; the store
holds a copy that queries join against. The copy is refreshed whenever the files' checksum
differs from the one recorded at the last copy, in one transaction.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

import duckdb
import pandas as pd
import yaml

from catalogue.catalogue import MEASURES_FILE, declared_measures
from store import db, queries, reference_data
from store.regions import normalise_name

REFERENCE_DIR = db.PROJECT_ROOT / "data" / "reference"
_FILES = (
    "regions.csv",
    "region_succession.csv",
    "region_aliases.csv",
    "gazetteer.csv",
    "police_event_types.csv",
    "sources.yaml",
)
_KINDS = {"country", "county", "municipality", "city", "district"}


class ReferenceDataError(ValueError):
    """The reference files contradict themselves; the message names file and line."""


def _read(directory: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(directory / name, dtype=str, keep_default_na=False, encoding="utf-8")


def checksum(directory: Path = REFERENCE_DIR) -> str:
    digest = hashlib.sha256()
    for name in _FILES:
        digest.update((directory / name).read_bytes())
    return digest.hexdigest()


def build_tables(directory: Path = REFERENCE_DIR) -> dict[str, pd.DataFrame]:
    """Read and check the files; return a frame per reference table of the store.

    Every problem is collected before raising, each with its file and line.
    """
    regions = _read(directory, "regions.csv")
    successions = _read(directory, "region_succession.csv")
    extra = _read(directory, "region_aliases.csv")
    problems: list[str] = []
    codes = set(regions["code"])

    for i, row in regions.iterrows():
        line = int(str(i)) + 2  # header is line 1
        if row["kind"] not in _KINDS:
            problems.append(
                f"regions.csv line {line}: kind {row['kind']!r} is not one of {sorted(_KINDS)}"
            )
        if row["parent"] and row["parent"] not in codes:
            problems.append(f"regions.csv line {line}: parent {row['parent']!r} is not a code")
    duplicated = regions[regions["code"].duplicated()]
    for i, row in duplicated.iterrows():
        problems.append(f"regions.csv line {int(str(i)) + 2}: code {row['code']} appears twice")
    for i, row in successions.iterrows():
        for column in ("old_code", "new_code"):
            if row[column] not in codes:
                problems.append(
                    f"region_succession.csv line {int(str(i)) + 2}: {column} "
                    f"{row[column]!r} is not in regions.csv"
                )

    alias_rows: dict[str, tuple[str, str]] = {}

    def add(spelled: str, code: str, where: str) -> None:
        key = normalise_name(spelled)
        if key in alias_rows and alias_rows[key][0] != code:
            problems.append(
                f"{where}: {spelled!r} reads as {key!r}, which already means "
                f"{alias_rows[key][0]} (from {alias_rows[key][1]!r})"
            )
            return
        alias_rows.setdefault(key, (code, spelled))

    for i, row in regions.iterrows():
        add(row["name"], row["code"], f"regions.csv line {int(str(i)) + 2}")
    for i, row in extra.iterrows():
        where = f"region_aliases.csv line {int(str(i)) + 2}"
        if row["code"] not in codes:
            problems.append(f"{where}: code {row['code']!r} is not in regions.csv")
            continue
        add(row["alias"], row["code"], where)

    gazetteer = _read(directory, "gazetteer.csv")
    for i, row in gazetteer.iterrows():
        if row["district_code"] not in codes:
            problems.append(
                f"gazetteer.csv line {int(str(i)) + 2}: district_code {row['district_code']!r} "
                "is not in regions.csv"
            )
    event_types = _read(directory, "police_event_types.csv")
    event_types = event_types.assign(raw_key=event_types["raw"].str.strip().str.casefold())
    sources = _read_sources(directory / "sources.yaml", problems)
    if problems:
        raise ReferenceDataError("Problems in data/reference:\n" + "\n".join(problems))
    return {
        "region": regions.replace({"": None}),
        "region_succession": successions.replace({"": None}),
        "region_alias": pd.DataFrame(
            [(key, code, spelled) for key, (code, spelled) in alias_rows.items()],
            columns=["alias", "code", "spelled"],
        ),
        "gazetteer": gazetteer,
        "police_event_type": event_types,
        "source": sources,
    }


_SOURCE_FIELDS = {"id", "title", "publisher", "citation", "url", "licence", "method",
                  "rhythm", "max_age_days", "caveat", "disclosure"}  # fmt: skip
DISCLOSURES = ("published", "protected")


def _read_sources(path: Path, problems: list[str]) -> pd.DataFrame:
    # libyaml (PyYAML's C binding): the same safe loading, many times faster
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader) or {}
    rows = []
    for i, item in enumerate(data.get("sources", [])):
        missing = {"id", "title", "publisher", "citation", "rhythm", "disclosure"} - {
            k for k, v in item.items() if v
        }
        unknown = set(item) - _SOURCE_FIELDS
        if item.get("disclosure") and item["disclosure"] not in DISCLOSURES:
            problems.append(
                f"sources.yaml source {i + 1} ({item.get('id')}): disclosure "
                f"{item['disclosure']!r} is neither 'published' nor 'protected'"
            )
            continue
        if missing or unknown:
            problems.append(
                f"sources.yaml source {i + 1} ({item.get('id')}): missing {sorted(missing)}, "
                f"unknown {sorted(unknown)}"
            )
            continue
        rows.append({field: item.get(field) for field in _SOURCE_FIELDS})
    frame = pd.DataFrame(rows, columns=sorted(_SOURCE_FIELDS))
    frame["max_age_days"] = frame["max_age_days"].astype("Int64")
    return frame


def sync_measures(con: duckdb.DuckDBPyConnection, path: Path = MEASURES_FILE) -> bool:
    """Bring the store's measure table up to date with measures.yaml (each measure's source
    and whether it adds up over districts). True when the file had changed since."""
    current = hashlib.sha256(path.read_bytes()).hexdigest()
    if reference_data.reference_checksum(con, "measures") == current:
        return False
    declared = pd.DataFrame(
        [
            {"id": m.id, "source": m.source, "spatially_additive": m.kind == "count"}
            for m in declared_measures(path)
        ],
        columns=["id", "source", "spatially_additive"],
    )
    return _once(con, "measures", current, lambda: queries.follow_measures(con, declared, current))


def sync(con: duckdb.DuckDBPyConnection, directory: Path = REFERENCE_DIR) -> bool:
    """Bring the store's register (and its measure table, sync_measures) up to date with the
    files. True when the register was refreshed."""
    sync_measures(con)
    current = checksum(directory)
    if reference_data.reference_checksum(con, "reference") == current:
        return False
    tables = build_tables(directory)
    orphaned = sorted(reference_data.observed_region_codes(con) - set(tables["region"]["code"]))
    if orphaned:
        raise ReferenceDataError(
            "regions.csv no longer holds these codes, which stored observations use: "
            + ", ".join(orphaned)
            + ". Put them back (a region that ended keeps its row, with valid_to set)."
        )
    return _once(
        con, "reference", current, lambda: reference_data.replace_reference(con, tables, current)
    )


def _once(
    con: duckdb.DuckDBPyConnection, name: str, current: str, write: Callable[[], object]
) -> bool:
    """Run ``write`` in a transaction unless the store already holds files of checksum
    ``current`` under ``name`` (another process may have copied the same files meanwhile);
    again when it loses a conflict. True when it wrote."""

    def attempt() -> bool:
        with db.transaction(con):
            if reference_data.reference_checksum(con, name) == current:
                return False
            write()
        return True

    return db.retrying(attempt)
