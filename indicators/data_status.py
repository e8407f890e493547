"""What the data-status page shows: how fresh each source is, which indicators have data
for which districts and years, and how many police events could not be placed."""

from __future__ import annotations

import calendar
from datetime import date

import duckdb
import pandas as pd

from catalogue.catalogue import Catalogue
from indicators.basis import CITY, Request
from indicators.coverage import Coverage
from indicators.results import values_all
from store import loading, police, queries, reference_data
from swedish.format import MONTH_NAMES, date_text, number, percent

STATE_NAMES = {"active": "aktiv", "superseded": "ersatt", "undone": "ångrad"}


def freshness(
    latest_year: object, latest_month: object, max_age_days: object, today: date
) -> tuple[str, str]:
    """('Aktuell' | 'Inaktuell' | 'Inga data', explanation) for a source."""
    if latest_year is None or pd.isna(latest_year):  # type: ignore[arg-type]
        return "Inga data", "Inget är inläst från källan."
    year, month = int(latest_year), int(latest_month)  # type: ignore[call-overload]
    end = date(year, month, calendar.monthrange(year, month)[1])
    period = f"{MONTH_NAMES[month - 1]} {year}"
    age = (today - end).days
    limit = None if max_age_days is None or pd.isna(max_age_days) else int(max_age_days)  # type: ignore[call-overload, arg-type]
    if limit is None or age <= limit:
        return "Aktuell", f"Senaste period: {period}."
    return "Inaktuell", (
        f"Senaste period: {period}, {age} dagar sedan; källan publiceras så att data "
        f"bör vara högst {limit} dagar gamla."
    )


def sources_table(con: duckdb.DuckDBPyConnection, today: date) -> pd.DataFrame:
    status = queries.source_status(con)
    rows = []
    for row in status.itertuples():
        state, text = freshness(row.latest_year, row.latest_month, row.max_age_days, today)
        rows.append(
            {
                "Källa": row.title,
                "Utgivare": row.publisher,
                "Publiceras": row.rhythm,
                "Status": state,
                "Senaste data": text,
                "Satser": f"{row.active} aktiva, {row.superseded} ersatta, {row.undone} ångrade",
                "Senast inläst": "" if pd.isna(row.last_loaded) else str(row.last_loaded)[:16],
                "Exempeldata": "ja" if row.examples else "",
                "id": row.id,
            }
        )
    return pd.DataFrame(rows)


def batches_table(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    titles = dict(zip(*(reference_data.sources(con)[c] for c in ("id", "title")), strict=True))
    return pd.DataFrame(
        [
            {
                "Sats": b.id,
                "Källa": titles.get(b.source, b.source),
                "Fil": b.file_name,
                "Inläst av": b.loaded_by,
                "När": str(b.loaded_at)[:16],
                "Rader": number(b.row_count),
                "Status": STATE_NAMES.get(b.state, b.state),
                "Anteckning": b.note or "",
            }
            for b in loading.batches(con)
        ]
    )


def coverage(
    con: duckdb.DuckDBPyConnection,
    catalogue: Catalogue,
    frames: dict[str, pd.DataFrame] | None = None,
) -> pd.DataFrame:
    """Which indicator has data (a value, or a value suppressed) for which region of today
    and year. Columns: area, indicator, region_code, region_name, year. ``frames``: values
    already computed on today's boundaries (else they are computed here)."""
    if frames is None:
        frames = values_all(con, catalogue, Request(boundaries="today"))
    parts = []
    for indicator, frame in frames.items():
        if frame.empty:
            continue
        has = frame[(frame["value"].notna() | frame["suppressed"].astype(bool))
                    & (frame["sex"] == "total") & (frame["age_group"] == "all")]  # fmt: skip
        area = catalogue.definitions[indicator].areas[0]
        parts.append(has.assign(area=area, indicator=indicator)[
            ["area", "indicator", "region_code", "region_name", "year"]])  # fmt: skip
    if not parts:
        return pd.DataFrame(columns=["area", "indicator", "region_code", "region_name", "year"])
    return pd.concat(parts, ignore_index=True)


def coverage_matrix(
    con: duckdb.DuckDBPyConnection, catalogue: Catalogue, cover: pd.DataFrame
) -> pd.DataFrame:
    """Priority area × district (today's 11 and the city): 'n av N (first–last)', where N
    counts the area's indicators shown for that kind of region."""
    register = reference_data.regions(con, ("district",))
    districts = register[register["valid_to"].isna()].sort_values("name")
    columns = [(str(c), str(n), "district") for c, n in zip(districts["code"],
               districts["name"], strict=True)] + [(CITY, "Hela staden", "city")]  # fmt: skip
    table = {}
    for area_id, title in catalogue.areas():
        indicators = catalogue.indicators_for(area_id)
        row = {}
        for code, name, level in columns:
            applicable = [i for i in indicators if level in catalogue.definitions[i].levels]
            here = cover[(cover["region_code"] == code) & cover["indicator"].isin(applicable)]
            with_data = here["indicator"].nunique()
            years = sorted(int(y) for y in here["year"].unique())
            span = f" ({years[0]}–{years[-1]})" if years else ""
            row[name] = f"{with_data} av {len(applicable)}{span}"
        table[title] = row
    return pd.DataFrame.from_dict(table, orient="index")


def coverage_by_year(catalogue: Catalogue, cover: pd.DataFrame, area_id: str) -> pd.DataFrame:
    """For one area: indicator × year, the number of districts (and the city) with data."""
    rows = {}
    for indicator in catalogue.indicators_for(area_id):
        here = cover[cover["indicator"] == indicator]
        counts = here.groupby("year")["region_code"].nunique()
        rows[catalogue.definitions[indicator].title] = {int(y): int(n) for y, n in counts.items()}
    frame = pd.DataFrame.from_dict(rows, orient="index").fillna(0).astype(int)
    return frame.reindex(sorted(frame.columns), axis=1)


def police_placement(con: duckdb.DuckDBPyConnection) -> tuple[pd.DataFrame, str]:
    summary = police.placement_summary(con)
    if summary.empty:
        return summary, "Inga polishändelser är inlästa."
    table = pd.DataFrame(
        {
            "År": summary["year"].astype(int),
            "Händelser i Stockholm": summary["events"].astype(int),
            "Placerade i stadsdelsområde": summary["placed"].astype(int),
            "Bara för hela staden": summary["not_placed"].astype(int),
            "Andel som inte kunde placeras": [
                percent(100 * n / e)
                for n, e in zip(summary["not_placed"], summary["events"], strict=True)
            ],
        }
    )
    total, missing = int(summary["events"].sum()), int(summary["not_placed"].sum())
    text = (
        f"{percent(100 * missing / total)} av polisens {number(total)} händelser i Stockholm "
        "kunde inte "
        "placeras i ett stadsdelsområde (sammanfattningen nämner ingen plats, eller platser i "
        "flera områden); de räknas bara för hela staden."
    )
    return table, text


def series_coverage(con: duckdb.DuckDBPyConnection, catalogue: Catalogue) -> pd.DataFrame:
    """Per event type of the police's events: from when and to when the archive holds it, the
    whole months that count, and the indicators that use it. A month before a type's first
    event is "not covered", never 0."""
    held = queries.series_coverage(con, police.SOURCE)
    if held.empty:
        return pd.DataFrame(columns=["Händelsetyp", "Första händelse", "Täcker hela månader",
                                     "Indikatorer"])  # fmt: skip
    span = queries.coverage(con, police.SOURCE)
    used: dict[str, list[str]] = {}
    for definition in catalogue.definitions.values():
        for measure in definition.measures:
            used.setdefault(measure, []).append(definition.title)
    rows = []
    for row in held.itertuples(index=False):
        first = pd.Timestamp(row.first_seen)
        end = pd.Timestamp(span[1]) if span is not None else pd.Timestamp(row.last_seen)  # type: ignore[arg-type]
        start, last = (pd.Timestamp(m) for m in Coverage(first, end).months)  # type: ignore[arg-type]
        months = (
            f"{MONTH_NAMES[start.month - 1][:3]} {start.year}–{MONTH_NAMES[last.month - 1][:3]} "
            f"{last.year}"
            if start <= last
            else "ingen hel månad"
        )
        rows.append({
            "Händelsetyp": str(row.label),
            "Första händelse": date_text(first.date()),
            "Täcker hela månader": months,
            "Indikatorer": ", ".join(used.get(str(row.series), [])),
        })  # fmt: skip
    return pd.DataFrame(rows)
