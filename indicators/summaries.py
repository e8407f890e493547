"""Summaries the pages show, from computed indicator values: the latest value and status of
an indicator for a region, counts per priority area, ranks with uncertainty, and the test of a
difference between two groups in the same year."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from catalogue.catalogue import Catalogue
from catalogue.model import Definition
from indicators import stats
from indicators.basis import records
from indicators.compute import unavailable
from indicators.status import STATUS_LABELS
from swedish.format import indicator_value, number

GROUP_OF = {
    "target_met": "mål nått", "on_track": "förbättring", "improvement": "förbättring",
    "right_direction_too_slow": "förbättring", "no_significant_change": "oförändrat",
    "deterioration": "försämring", "wrong_direction": "försämring",
    "insufficient_data": "underlag saknas",
}  # fmt: skip
NO_DATA = "Inga uppgifter för området ännu."
GROUP_ORDER = ["förbättring", "oförändrat", "försämring", "mål nått", "underlag saknas"]


def latest_row(frame: pd.DataFrame, region: str, sex: str = "total") -> pd.Series | None:
    if frame.empty:
        return None
    rows = frame[(frame["region_code"] == region) & (frame["sex"] == sex)
                 & (frame["age_group"] == "all")]  # fmt: skip
    rows = rows[rows["value"].notna() | rows["suppressed"].astype(bool)]
    return None if rows.empty else rows.sort_values("year").iloc[-1]


ROW_FIELDS = ["region_code", "year", "value", "lower", "upper", "suppressed", "status",
              "status_text"]  # fmt: skip
# Carried along where the frame has them: invented values, the period a row covers, and what
# its status compares with (see indicators.compute.COMPARISON_COLUMNS).
EXTRA_FIELDS = ["example", "period", "n_months", "status_previous", "previous_text",
                "ytd_previous", "ytd_hidden", "compared_with", "reference_period",
                "reference_value", "change", "change_test", "previous_compared_with",
                "previous_period", "previous_value", "previous_change",
                "previous_test", "target_year"]  # fmt: skip


def by_region(frame: pd.DataFrame, regions: list[str] | None = None) -> dict[str, list[dict]]:
    """An indicator's whole-population rows (both sexes, all ages) as plain records, per
    region in year order: what `area_rows` reads, split once instead of filtered per region."""
    if frame.empty:
        return {}
    rows = frame[(frame["sex"] == "total") & (frame["age_group"] == "all")]
    if regions is not None:
        rows = rows[rows["region_code"].isin(regions)]
    rows = rows.sort_values(["region_code", "year"], kind="stable")
    fields = ROW_FIELDS + [c for c in EXTRA_FIELDS if c in rows.columns]
    out: dict[str, list[dict]] = {}
    for record in records(rows[fields]):
        out.setdefault(str(record["region_code"]), []).append(record)
    return out


def area_rows(
    catalogue: Catalogue,
    frames: dict[str, pd.DataFrame],
    area: str,
    agreement: str,
    region: str,
    split: dict[str, dict[str, list[dict]]] | None = None,
) -> list[dict[str, object]]:
    """One row per indicator of an area: title, latest year/value/status, trend (the values;
    `series` the same with their years and intervals). `split`
    holds each indicator's `by_region` when the caller asks for many regions."""
    rows = []
    for indicator in catalogue.indicators_for(area, agreement):
        definition = catalogue.definitions[indicator]
        frame = frames.get(indicator, pd.DataFrame())
        own = (split[indicator] if split is not None and indicator in split
               else by_region(frame, [region])).get(region, [])  # fmt: skip
        rows.append(indicator_row(definition, frame, own))
    return rows


def indicator_row(
    definition: Definition, frame: pd.DataFrame, own: list[dict]
) -> dict[str, object]:
    """The overview's row of one indicator for one region (``own``: the region's rows of
    ``frame``, by_region)."""
    known = [r for r in own if not _missing(r["value"])]
    shown = [r for r in own if not _missing(r["value"]) or _true(r["suppressed"])]
    last = shown[-1] if shown else None
    code = "insufficient_data" if last is None else str(last["status"])
    failed = unavailable(frame)
    row: dict[str, object] = {
        "indicator": definition.id, "title": definition.title, "definition": definition,
        "year": None if last is None else int(last["year"]),
        "value": None if last is None else last["value"],
        "suppressed": bool(last is not None and _true(last["suppressed"])),
        "status": code, "label": STATUS_LABELS[code],
        "text": (
            failed if failed
            else NO_DATA if last is None else str(last["status_text"])
        ),
        # whole years only, like the series below: a part of a year is not drawn beside them
        "trend": [float(r["value"]) for r in known
                  if _missing(r.get("n_months")) or int(r["n_months"]) >= 12],
        "series": [
            (int(r["year"]), float(r["value"]),
             None if _missing(r["lower"]) else float(r["lower"]),
             None if _missing(r["upper"]) else float(r["upper"]))
            for r in known
            # whole years only: a part of a year is not drawn beside whole ones
            if _missing(r.get("n_months")) or int(r["n_months"]) >= 12
        ],
        "example": bool(last is not None and _true(last.get("example", False))),
        "period": period_of(last),
    }  # fmt: skip
    row.update(comparison(definition, last))
    return row


def signed(definition: Definition, change: object) -> str:
    """A change as shown: "+1,5 procentenheter", "−21", "±0"; "" where there is none."""
    if _missing(change):
        return ""
    value = float(change)  # type: ignore[arg-type]
    text = number(abs(value), definition.decimals)
    sign = "+" if value > 0 else "\u2212" if value < 0 else "±"
    unit = " procentenheter" if definition.type == "share" else ""
    return f"{sign}{text}{unit}"


def comparison(definition: Definition, record: dict | None) -> dict[str, object]:
    """What a record's status compares with, as every output shows it: ``compared_with``
    ("sedan basåret 2023"), ``previous`` (the value compared with and its period, or None),
    ``change_value`` (the change the status tested, "+12"), ``change`` (what the test found,
    or why there is no comparison), ``verdict`` (the status with its reference: "Förbättring
    sedan basåret 2023"), and ``also``: the comparison with the period before, labelled,
    where it is another one ("sedan 2024: +5, inom felmarginalen")."""
    empty = {"compared_with": "", "previous": None, "change_value": "", "change": "",
             "verdict": STATUS_LABELS["insufficient_data"], "also": "",
             "change_line": "", "reference_text": ""}  # fmt: skip
    if record is None:
        return empty
    code = str(record.get("status") or "insufficient_data")
    name = str(record.get("compared_with") or "")
    words = str(record.get("change_test") or "")
    reference = record.get("reference_value")
    previous = None
    if name and not _missing(reference):
        period = str(record.get("reference_period") or "")
        previous = {"year": int(period[-4:]) if period[-4:].isdigit() else None,
                    "value": reference, "suppressed": False, "period": period}  # fmt: skip
    also = ""
    other = str(record.get("previous_compared_with") or "")
    period = str(record.get("reference_period") or "")
    same = bool(period) and str(record.get("previous_period") or "") == period
    if other and other != name and not same:
        change = signed(definition, record.get("previous_change"))
        test = str(record.get("previous_test") or "")
        also = f"{other}: " + ", ".join(part for part in (change, test) if part)
    verdict = STATUS_LABELS[code]
    if code != "insufficient_data" and name:
        verdict += f" {_target_reference(record)}{name}"
    change = signed(definition, record.get("change")) if previous else ""
    reference_text = ""
    if previous is not None:
        base = "basåret " if name.startswith("sedan basåret") else ""
        shown = indicator_value(definition.type, reference, definition.decimals)
        reference_text = f"{shown} ({base}{previous['period']})"
    words = words if not _missing(record.get("value")) else ""
    return {
        "compared_with": name,
        "previous": previous,
        "change_value": change,
        "change": words,
        "verdict": verdict,
        "also": also,
        # One line for a table: "+12 sedan basåret 2021 · inom felmarginalen".
        "change_line": f"{change} {name} · {words}" if change else words,
        # The value compared with, for a table: "51 (basåret 2023)", "18 (jan–jul 2025)".
        "reference_text": reference_text,
    }


def _target_reference(record: dict) -> str:
    """ "mot målet för 2025 och " when the status judged a target."""
    year = record.get("target_year")
    return "" if _missing(year) else f"mot målet för {int(year)} och "  # type: ignore[arg-type]


def period_of(record: dict | None) -> str:
    """The period a record covers as a reader names it: the year, or the months and year of a
    part of one ("jan–sep 2026")."""
    if record is None:
        return ""
    months = record.get("n_months")
    if months is not None and not _missing(months) and int(months) < 12 and record.get("period"):
        return str(record["period"])
    return str(int(record["year"]))


def latest_record(records: list[dict], year: int | None = None) -> dict | None:
    """Of one region's records from :func:`by_region` (year order), the latest shown (a
    value, or hidden to protect small numbers), or that of ``year``."""
    shown = [r for r in records if not _missing(r["value"]) or _true(r["suppressed"])]
    if year is not None:
        shown = [r for r in shown if int(r["year"]) == year]
    return shown[-1] if shown else None


def _missing(value: object) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def _true(value: object) -> bool:
    return not _missing(value) and bool(value)


def group_counts(rows: list[dict[str, object]]) -> dict[str, int]:
    counts = dict.fromkeys(GROUP_ORDER, 0)
    for row in rows:
        counts[GROUP_OF[str(row["status"])]] += 1
    return counts


# Measures that compare districts of different size: rates and shares. A count is larger in
# a larger district, so ranking counts would rank populations.
RANKABLE = ("rate", "share", "published_rate", "mean", "index")
NOT_RANKED = (
    "Antal rangordnas inte: stadsdelsområdena har olika många invånare, så ett större område "
    "har fler händelser utan att läget är sämre. Jämför områden med ett tal per invånare "
    "eller en andel."
)


def rankable(definition: Definition) -> bool:
    return definition.type in RANKABLE


def rank_text(row: pd.Series, n: int) -> str:
    """ "3 av 11 (säker)" only where both the intervals say so; else the ranks they allow,
    or that there is no interval to judge by."""
    if pd.isna(row["lower"]) or pd.isna(row["upper"]):
        return f"{row['rank']} av {n} (osäker: inget osäkerhetsintervall)"
    if row["rank_best"] == row["rank_worst"]:
        return f"{row['rank']} av {n} (säker)"
    return f"{row['rank']} av {n} (kan vara {row['rank_best']}–{row['rank_worst']})"


def ranking(definition: Definition, frame: pd.DataFrame, year: int) -> pd.DataFrame:
    """Districts in one year, best first, with the range of ranks their intervals allow:
    a district is surely ahead of another only when their intervals do not overlap, and a
    value without an interval can hold any place. Counts are not ranked (empty frame)."""
    if not rankable(definition) or frame.empty:
        return frame.iloc[0:0]
    rows = frame[(frame["year"] == year) & (frame["sex"] == "total")
                 & (frame["age_group"] == "all") & (frame["region_kind"] == "district")
                 & frame["value"].notna()].copy()  # fmt: skip
    if rows.empty:
        return rows
    better_low = definition.direction == "lower_is_better"
    rows = rows.sort_values("value", ascending=better_low).reset_index(drop=True)
    lower = rows["lower"].fillna(-np.inf).to_numpy(dtype=float)
    upper = rows["upper"].fillna(np.inf).to_numpy(dtype=float)
    others = ~np.eye(len(rows), dtype=bool)  # [i, j]: district j beside district i
    if better_low:
        surely_better = ((upper[None, :] < lower[:, None]) & others).sum(axis=1)
        maybe_better = ((lower[None, :] < upper[:, None]) & others).sum(axis=1)
    else:
        surely_better = ((lower[None, :] > upper[:, None]) & others).sum(axis=1)
        maybe_better = ((upper[None, :] > lower[:, None]) & others).sum(axis=1)
    position = np.arange(1, len(rows) + 1)
    best = np.minimum(surely_better + 1, position).tolist()
    worst = np.maximum(maybe_better + 1, position).tolist()
    rows["rank"] = range(1, len(rows) + 1)
    rows["rank_best"] = best
    rows["rank_worst"] = worst
    return rows


def difference(definition: Definition, a: pd.Series, b: pd.Series) -> stats.Change | None:
    """Whether two groups (two districts, a district and the city, women and men) differ in
    the same year, by the test that fits the indicator's type."""
    if pd.isna(a["value"]) or pd.isna(b["value"]):
        return None
    if definition.type == "share" and a["respondents"] and b["respondents"]:
        if math.isnan(a["respondents"]) or math.isnan(b["respondents"]):
            return None
        return stats.two_proportions(a["value"] / 100, a["respondents"], b["value"] / 100,
                                     b["respondents"])  # fmt: skip
    if definition.type == "count":
        return stats.two_poisson(a["numerator"], b["numerator"])
    if definition.type == "rate" and not (pd.isna(a["population"]) or pd.isna(b["population"])):
        return stats.two_poisson(a["numerator"], b["numerator"], a["population"],
                                 b["population"])  # fmt: skip
    return None
