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
from indicators.compute import unavailable
from indicators.format import number
from indicators.status import STATUS_LABELS

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
# Carried along where the frame has them: invented values, the period a row covers and the
# test against the period before.
EXTRA_FIELDS = ["example", "period", "n_months", "status_previous", "previous_text",
                "ytd_previous", "ytd_hidden"]  # fmt: skip
# What the test against the period before says, in a few words for a card or a table.
CHANGE_WORDS = {
    "improvement": "säkerställd förbättring",
    "deterioration": "säkerställd försämring",
    "no_significant_change": "inom felmarginalen",
}


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
    for record in rows[fields].astype(object).to_dict("records"):
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
        known = [r for r in own if not _missing(r["value"])]
        shown = [r for r in own if not _missing(r["value"]) or _true(r["suppressed"])]
        last = shown[-1] if shown else None
        before = shown[-2] if len(shown) >= 2 else None
        code = "insufficient_data" if last is None else str(last["status"])
        failed = unavailable(frame)
        rows.append({
            "indicator": indicator, "title": definition.title, "definition": definition,
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
            "period": _period_of(last),
            "previous": _previous(last, before),
            "change": _change_words(last),
        })  # fmt: skip
        rows[-1]["change_value"] = _change_value(rows[-1])
    return rows


def _change_value(row: dict) -> str:
    """The change from the previous measurement as shown ("+1,5 procentenheter", "−21"), or
    "" where one of the two is missing or protected."""
    before = row.get("previous")
    if not before or row["suppressed"] or before["suppressed"]:
        return ""
    now, then = row["value"], before["value"]
    if now is None or then is None or pd.isna(now) or pd.isna(then):
        return ""
    definition = row["definition"]
    change = float(now) - float(then)
    text = number(abs(change), definition.decimals)
    sign = "+" if change > 0 else "\u2212" if change < 0 else "±"
    unit = " procentenheter" if definition.type == "share" else ""
    return f"{sign}{text}{unit}"


def _previous(last: dict | None, before: dict | None) -> dict | None:
    """What the latest value is compared with: the measurement before it, or, for a part of
    a year, the same months a year earlier (never a whole year against a part of one)."""
    if last is None:
        return None
    if _period_of(last) != str(int(last["year"])):  # a part of a year ("jan–jul 2026")
        label = str(last["period"]).rsplit(" ", 1)[0] + f" {int(last['year']) - 1}"
        same = last.get("ytd_previous")
        if not _missing(same):
            return {"year": int(last["year"]) - 1, "value": same, "suppressed": False,
                    "period": label}  # fmt: skip
        if _true(last.get("ytd_hidden")):
            return {"year": int(last["year"]) - 1, "value": None, "suppressed": True,
                    "period": label}  # fmt: skip
        return None
    if before is None:
        return None
    return {"year": int(before["year"]), "value": before["value"],
            "suppressed": _true(before["suppressed"]), "period": _period_of(before)}  # fmt: skip


def _period_of(record: dict | None) -> str:
    """The period a record covers as a reader names it: the year, or the months and year of a
    part of one ("jan–sep 2026")."""
    if record is None:
        return ""
    months = record.get("n_months")
    if months is not None and not _missing(months) and int(months) < 12 and record.get("period"):
        return str(record["period"])
    return str(int(record["year"]))


def _change_words(record: dict | None) -> str:
    """Whether the change against the period before is distinguishable, in a few words; where
    it cannot be tested, why."""
    if record is None or _missing(record["value"]):
        return ""
    code = str(record.get("status_previous") or "")
    if code in CHANGE_WORDS:
        return CHANGE_WORDS[code]
    text = str(record.get("previous_text") or "")
    if "jämförelse saknas: " in text:
        return "ingen jämförelse: " + text.split("jämförelse saknas: ", 1)[1].rstrip(".")
    return "kan inte prövas"


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


def ranking(definition: Definition, frame: pd.DataFrame, year: int) -> pd.DataFrame:
    """Districts in one year, best first, with the range of ranks their intervals allow:
    a district is surely ahead of another only when their intervals do not overlap."""
    rows = frame[(frame["year"] == year) & (frame["sex"] == "total")
                 & (frame["age_group"] == "all") & (frame["region_kind"] == "district")
                 & frame["value"].notna()].copy()  # fmt: skip
    if rows.empty:
        return rows
    better_low = definition.direction == "lower_is_better"
    rows = rows.sort_values("value", ascending=better_low).reset_index(drop=True)
    lower = rows["lower"].fillna(rows["value"]).to_numpy(dtype=float)
    upper = rows["upper"].fillna(rows["value"]).to_numpy(dtype=float)
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
