"""Data quality before anything is published (issue 36): the newest batches' values that lie
far outside their own series' history (loaders.outliers' rule) with the batch that brought
them, and a series' coverage over time per region (values, preliminary ones, gaps, cells
the source marks as not available, periods a district did not exist). Raw values, not
suppressed: administrators only (as a batch's rows)."""

from __future__ import annotations

import math

import pandas as pd

from indicators import data_status
from loaders import outliers
from service import session
from service.indicator_values import catalogue
from service.readmodel import view
from store import quality as store_quality
from store import reference_data
from store.regions import RegionLifetimes
from swedish.format import MONTH_NAMES, short

NEWEST_BATCHES = 20  # the batches whose values are checked
WINDOW_MONTHS = 24  # the months a monthly series' matrix shows


def period_text(year: int, month: object, preliminary: bool = False) -> str:
    months = "" if month is None or pd.isna(month) else f"{MONTH_NAMES[int(month) - 1][:3]} "  # type: ignore[arg-type]
    return f"{months}{int(year)}" + (" prel." if preliminary else "")


@view("data", max_entries=4)
def flags(batches: int = NEWEST_BATCHES) -> pd.DataFrame:
    """The totals (all sexes and ages) of the newest ``batches`` batches far outside their
    history, the largest distance first (rates per inhabitant left out: their counts are
    checked)."""
    con = session.cursor()
    try:
        newest = store_quality.newest_batches(con, batches)
        rows = store_quality.against_history(con, [int(b) for b in newest["id"]])
        titles = dict(zip(*reference_data.sources(con)[["id", "title"]].T.values, strict=True))
    finally:
        con.close()
    columns = ["Mått", "Område", "Period", "Värde", "Väntat", "Median före", "Avstånd", "Sats",
               "Källa", "Fil"]  # fmt: skip
    if rows.empty:
        return pd.DataFrame(columns=columns)
    rows = rows[(rows["sex"] == "total") & (rows["age_group"] == "all")]
    files = dict(zip(newest["id"], newest["file_name"], strict=True))
    found = []
    for r in rows.itertuples():
        if "per 100" in str(r.unit or ""):
            continue  # a rate of a count checked itself: the same news twice, noisier
        count = str(r.unit or "").startswith("antal")
        median = float(r.median) if not pd.isna(r.median) else math.nan
        mad = float(r.mad) if not pd.isna(r.mad) else math.nan
        if not outliers.far(float(r.value), median, mad, int(r.n), count):
            continue
        low, high = outliers.expected(median, mad, count)
        distance = abs(float(r.value) - median) / outliers.scale(median, mad, count)
        found.append({
            "Sats": int(r.batch_id), "Källa": titles.get(r.source, r.source),
            "Fil": files.get(r.batch_id, ""), "Mått": r.measure_label, "Område": r.region_name,
            "Period": period_text(r.year, r.month, bool(r.preliminary)),
            "Värde": short(float(r.value)),
            "Median före": f"{short(round(median, 1))} av {int(r.n)}",
            "Väntat": f"{short(round(low, 1))}–{short(round(high, 1))}",
            "Avstånd": distance,
        })  # fmt: skip
    frame = pd.DataFrame(found, columns=columns).sort_values("Avstånd", ascending=False)
    frame["Avstånd"] = [f"{short(round(d, 1))} ×" for d in frame["Avstånd"]]
    return frame.reset_index(drop=True)


@view("data", max_entries=4)
def measures() -> pd.DataFrame:
    """Every measure with values: id, label, source."""
    con = session.cursor()
    try:
        return store_quality.measures_loaded(con)
    finally:
        con.close()


CELL_WORDS = {
    "value": "✓",
    "preliminary": "prel.",
    "gap": "SAKNAS",
    "not_published": "ej publ.",
    "absent": "fanns ej",
    "zero": "0",
}


@view("data", max_entries=32)
def coverage(measure: str) -> pd.DataFrame:
    """The measure's periods (columns; a monthly series its last 24 months) per region (rows:
    the city, today's districts and any other region with values): ✓ a value, "prel." a
    preliminary one, "SAKNAS" a gap (no value inside the series' span, the source not saying
    it has none), "ej publ." the source marks it as not available, "fanns ej" the district
    did not exist then (the register's lifetimes: a merger's year or month belongs to both
    sides); for a source that lists every event (the police's), a period without one is 0,
    not a gap."""
    con = session.cursor()
    try:
        held = store_quality.periods(con, measure)
        register = reference_data.regions(con, ("district", "city"))
        lifetimes = RegionLifetimes.from_store(con)
    finally:
        con.close()
    if held.empty:
        return pd.DataFrame()
    sources = dict(zip(measures()["id"], measures()["source"], strict=True))
    every_event = sources.get(measure) in {
        d.source for d in catalogue().definitions.values() if d.absent_is_zero
    }
    monthly = held["month"].notna().any()
    held["key"] = held["year"] * 100 + (held["month"].fillna(0) if monthly else 0)
    keys = sorted(set(held["key"].astype(int)))
    if monthly:  # every month from the first to the last, the last 24 of them
        first, last = keys[0], keys[-1]
        keys = [y * 100 + m for y in range(first // 100, last // 100 + 1) for m in range(1, 13)
                if first <= y * 100 + m <= last][-WINDOW_MONTHS:]  # fmt: skip
    else:
        keys = list(range(keys[0], keys[-1] + 1, 100))
    today = register[register["valid_to"].isna()]
    codes = [*today.sort_values(["kind", "name"], ascending=[False, True])["code"]]
    codes += sorted(set(held["region_code"]) & set(register["code"]) - set(codes))
    names = dict(zip(register["code"], register["name"], strict=True))
    # A value in force wins over another batch's mark that the source had none.
    cells = {
        (r.region_code, int(r.key)): r
        for r in held.sort_values("gap", ascending=False).itertuples()
    }

    def existed(code: str, year: int, month: int) -> bool:
        if not lifetimes.existed(code, year):
            return False
        first, last = lifetimes.months_in(code, year)
        return not month or first <= month <= last

    table = {}
    for code in codes:
        row = []
        for key in keys:
            held_cell = cells.get((code, key))
            if held_cell is not None and held_cell.gap:
                row.append(CELL_WORDS["not_published"])
            elif held_cell is not None:
                row.append(CELL_WORDS["preliminary" if held_cell.preliminary else "value"])
            elif not existed(code, key // 100, key % 100):
                row.append(CELL_WORDS["absent"])
            else:
                row.append(CELL_WORDS["zero" if every_event else "gap"])
        table[names.get(code, code)] = row
    columns = [period_text(k // 100, (k % 100) or None) for k in keys]
    return pd.DataFrame.from_dict(table, orient="index", columns=columns).rename_axis("Område")


@view("data", max_entries=4)
def source_states(day: object) -> pd.DataFrame:
    """Each source's title, freshness and rhythm as Datastatus lists them (without the rest
    of Datastatus' tables)."""
    con = session.cursor()
    try:
        return data_status.sources_table(con, day)  # type: ignore[arg-type]
    finally:
        con.close()
