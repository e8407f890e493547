"""The police's open events (polisen.se/api/events): a recorded API response, or an archive
of many (overlapping) responses.

An event is identified by its ``id``: loading is an upsert, never a duplicate. The raw events
are kept in ``police_event``; monthly counts per normalised type and region are derived from
the de-duplicated events and stored as the batch's observations: only the months and places
that the batch's new or changed events fall in (before and after a change) are counted again,
so a newer load supersedes those counts of the older ones and nothing else, a fetch of events
already stored adds no rows, and undoing the newest batch brings the older counts back.

What the real data does, and what is done about it (SOURCE.md of the samples):
- hours without a leading zero (``7:32:06``): parsed with ``%-H``;
- relative ``url``: made absolute with https://polisen.se;
- types with commas, differing case, trailing spaces, and the rename of ``Detonation`` to
  ``Explosion`` (September 2024): one type per ``data/reference/police_event_types.csv``;
- from January 2026 ``location.name`` is always the county: the municipality is the last part
  of ``name``;
- districts are only in the free-text summary: an event in Stockholm is placed in a district
  when the places its summary names (``data/reference/gazetteer.csv``) all lie in one district.

Accepted files: a JSON array of events (one API response, or an archive of many merged), a
JSON array of responses (arrays), or JSON Lines (one event or one response per line).
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pandas as pd

from loaders.batch import LoadError, LoadReport, Problem, commit_batch, file_sha256
from store import police, queries
from store.regions import RegionResolver, UnknownRegionError

SOURCE = "polisen_handelser"
UNIT = "antal händelser"


def _format(path: Path) -> str:
    """'array' (events), 'array_of_arrays' (responses) or 'newline_delimited'."""
    with path.open("rb") as handle:
        head = handle.read(4096).lstrip()
    if head.startswith(b"["):
        rest = head[1:].lstrip()
        return "array_of_arrays" if rest.startswith(b"[") else "array"
    return "newline_delimited"


def _byte_position(data_path: Path, message: str) -> str:
    """Turn DuckDB's 'at byte N' into a line and column a person can find."""
    import re

    match = re.search(r"at byte (\d+)", message)
    if not match:
        return message.split("\n")[0]
    offset = int(match.group(1))
    with data_path.open("rb") as handle:
        before = handle.read(offset)
    line = before.count(b"\n") + 1
    column = offset - (before.rfind(b"\n") + 1) + 1
    detail = message.split(":", 2)[-1].strip().split("\n")[0]
    return f"line {line}, column {column} (byte {offset}): {detail}"


def _flatten_responses(path: Path) -> pd.DataFrame:
    """An array of responses (each an array of events), parsed in Python."""
    try:
        responses = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        problem = Problem(exc.lineno, f"not valid JSON: {exc.msg} (column {exc.colno})")
        raise LoadError(str(path), [problem]) from exc
    rows = []
    for i, response in enumerate(responses, start=1):
        if not isinstance(response, list):
            raise LoadError(
                str(path),
                [
                    Problem(
                        None, f"item {i} of the archive is not a list of events (an API response)"
                    )
                ],
            )
        for event in response:
            location = event.get("location") or {}
            rows.append(
                {
                    "id": event.get("id"),
                    "datetime": event.get("datetime"),
                    "name": event.get("name"),
                    "summary": event.get("summary"),
                    "url": event.get("url"),
                    "type": event.get("type"),
                    "location_name": location.get("name"),
                    "location_gps": location.get("gps"),
                }
            )
    return pd.DataFrame(rows)


def _stage(con: duckdb.DuckDBPyConnection, path: Path) -> int:
    kind = _format(path)
    if kind == "array_of_arrays":
        return police.stage_frame(con, _flatten_responses(path))
    try:
        return police.stage(con, str(path), kind)
    except (duckdb.InvalidInputException, duckdb.ConversionException) as exc:
        message = str(exc)
        if "top-level JSON array" in message or "Malformed" in message or "JSON" in message:
            raise LoadError(
                str(path),
                [Problem(None, f"not a JSON events response: {_byte_position(path, message)}")],
            ) from exc
        raise


def _check_staged(con: duckdb.DuckDBPyConnection, path: Path, count: int) -> None:
    if count == 0:
        raise LoadError(str(path), [Problem(None, "the file holds no events")])
    missing = police.incomplete_events(con)
    if not missing.empty:
        total = int(missing["total"].iloc[0])
        problems = [
            Problem(
                None,
                f"item {int(r.position)}: no {r.missing}; every police event has "
                "id, datetime, name, summary, url, type and location",
            )
            for r in missing.itertuples()
        ]
        if total == count:
            problems.insert(
                0,
                Problem(
                    None,
                    f"this is not a police events response (none of its {count} items is an event)",
                ),
            )
        raise LoadError(str(path), problems)
    bad = police.bad_datetimes(con)
    if not bad.empty:
        raise LoadError(
            str(path),
            [
                Problem(
                    None,
                    f"item {int(r.position)} (id {r.id}): datetime {r.datetime!r} is not "
                    "like '2025-06-07 7:32:06 +02:00'",
                )
                for r in bad.itertuples()
            ],
        )


def _municipality_map(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every place text in the file (last part of ``name``, ``location.name``) → a
    municipality or county code; unknown texts map to nothing and are reported."""
    resolver = RegionResolver.from_store(con)
    rows = []
    for text in police.staged_place_names(con):
        try:
            region = resolver.resolve(text).region
        except UnknownRegionError:
            continue
        if region.kind in ("municipality", "city", "county"):
            rows.append((text, region.code))
    return pd.DataFrame(rows, columns=["place", "code"])


def load(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    *,
    loaded_by: str,
) -> LoadReport:
    """Load one file of events as one batch; raises LoadError (nothing stored) on bad input."""
    data_hash = file_sha256(path.read_bytes())
    report = LoadReport(source=SOURCE, file_name=path.name)
    counts: dict[str, int] = {}

    def build(batch_id: int) -> tuple[pd.DataFrame, pd.DataFrame]:
        count = _stage(con, path)
        _check_staged(con, path, count)
        police.normalise(con, _municipality_map(con), police.gazetteer_pattern(con))
        police.place_by_date(con)
        new, updated = police.upsert(con, batch_id)
        # Only the months and places these events change are counted again and stored: the
        # counts of the rest stay in force from the batches that wrote them, so a fetch of
        # events already stored writes nothing.
        monthly = police.monthly_counts(con)
        police.drop_staging(con)
        counts.update(read=count, new=new, updated=updated)
        # The counts in force are of every event in force: from the first to the last.
        queries.set_batch_coverage(con, batch_id, *police.span(con))
        police.refresh_series_coverage(con)  # and per event type, from its first event
        observations = monthly.assign(
            source=SOURCE, sex="total", age_group="all", respondents=None, preliminary=False
        )
        labels = monthly.drop_duplicates("measure")
        measures = pd.DataFrame(
            {
                "id": labels["measure"],
                "source": SOURCE,
                "label": labels["label"],
                "unit": UNIT,
                "spatially_additive": True,
            }
        )
        return observations, measures

    commit_batch(
        con,
        source=SOURCE,
        path=path,
        sha256=data_hash,
        loaded_by=loaded_by,
        build=build,
        report=report,
        after=lambda _: counts.update(compacted=police.compact_counts(con)),
    )
    if report.already_loaded:
        return report
    report.notes.append(
        f"{counts['read']} events read: {counts['new']} new, {counts['updated']} changed, "
        f"{counts['read'] - counts['new'] - counts['updated']} already stored; "
        f"{police.event_count(con)} events in all."
    )
    if counts.get("compacted"):
        report.notes.append(
            f"{counts['compacted']} replaced counts removed: only the {police.UNDO_DEPTH} newest "
            "loads of events can be undone."
        )
    placed = police.placement_summary(con)
    if not placed.empty:
        total, not_placed = int(placed["events"].sum()), int(placed["not_placed"].sum())
        report.notes.append(
            f"Stockholm: {total} events, {total - not_placed} placed in a district, "
            f"{not_placed} only at city level."
        )
    return report
