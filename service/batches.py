"""What is loaded (Datastatus): the sources, whether each is published, the status tables and
one batch's rows."""

from __future__ import annotations

import pandas as pd

from access.roles import Principal
from indicators import data_status
from service import session
from service.indicator_values import (
    all_values,
    catalogue,
)
from service.readmodel import view
from store import queries, reference_data
from swedish.format import (
    MONTH_NAMES,
    number,
)


def published(source: str) -> bool:
    """Whether the source's owner publishes its figures (shown as published, never hidden)."""
    record = source_record(source)
    return bool(record) and record.get("disclosure") == "published"  # type: ignore[union-attr]


@view("data", max_entries=16)
def source_record(source: str) -> dict | None:
    con = session.cursor()
    try:
        return reference_data.source(con, source)
    finally:
        con.close()


# Datastatus
@view("data", "catalogue", max_entries=4)
def status_tables(day: object) -> dict[str, object]:
    """Everything on the data-status page that depends on the data (and the day): reading
    the status of every batch scans every observation, so it is built once per version."""
    cat = catalogue()
    cover = data_status.coverage(None, cat, all_values("today"))  # type: ignore[arg-type]
    con = session.cursor()
    try:
        return {
            "sources": data_status.sources_table(con, day),  # type: ignore[arg-type]
            "records": reference_data.sources(con),
            "batches": data_status.batches_table(con),
            "matrix": data_status.coverage_matrix(con, cat, cover),
            "placement": data_status.police_placement(con),
            "series": data_status.series_coverage(con, cat),
            "by_year": {
                area: data_status.coverage_by_year(cat, cover, area) for area, _ in cat.areas()
            },
        }
    finally:
        con.close()


def may_open_batches(principal: Principal | None) -> bool:
    """A batch's raw rows are not suppressed (small counts show): administrators only (and
    demo mode, where everyone is one)."""
    return principal is None or principal.role == "administratör"


SEX_WORDS = {"total": "alla", "female": "kvinnor", "male": "män"}


@view("data", max_entries=32)
def batch_rows(batch_id: int) -> tuple[int, pd.DataFrame]:
    """A batch's stored rows as Datastatus shows them, in Swedish (columns and values), and
    how many rows the batch has in all (the table holds the first 500)."""
    con = session.cursor()
    try:
        rows = queries.batch_rows(con, batch_id)
    finally:
        con.close()
    if rows.empty:
        return 0, rows
    total = int(rows["total"].iloc[0])

    def yes(flag: object) -> str:
        return "ja" if flag is True or (not pd.isna(flag) and bool(flag)) else "nej"  # type: ignore[arg-type]

    shown = pd.DataFrame(
        {
            "Mått": rows["measure_label"],
            "Område": rows["region_name"],
            "Områdeskod": rows["region_code"],
            "År": rows["year"].astype("Int64"),
            "Månad": ["" if pd.isna(m) else MONTH_NAMES[int(m) - 1] for m in rows["month"]],
            "Kön": [SEX_WORDS.get(str(v), str(v)) for v in rows["sex"]],
            "Ålder": ["alla" if str(v) == "all" else str(v) for v in rows["age_group"]],
            "Värde": [number(v, 0 if float(v).is_integer() else 2) for v in rows["value"]],
            "Svarande": ["" if pd.isna(v) else number(float(v), 0) for v in rows["respondents"]],
            "Preliminär": [yes(v) for v in rows["preliminary"]],
            "Gäller": [yes(v) for v in rows["in_force"]],
        }
    )
    return total, shown
