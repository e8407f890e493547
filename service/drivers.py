"""What drove a change (Drivare): the ways to split an indicator, the split itself, its table,
notes and headline."""

from __future__ import annotations

import pandas as pd

from catalogue.model import Definition
from indicators.basis import CITY
from indicators.change_parts import Drivers, DriversError
from indicators.drivers import choices as split_choices
from indicators.results import values as stored_values
from service import session
from service.indicator_values import catalogue
from service.readmodel import view
from swedish.format import (
    number,
)

BY_WORDS = {
    "region": "Stadsdelsområden",
    "measure": "Brottstyper och händelsetyper",
    "sex": "Kvinnor och män",
    "age_group": "Åldersgrupper",
}


def driver_choices(indicator: str, city: bool) -> dict[str, str]:
    """The splits an indicator's change can have (by: words), the default first."""
    return {
        by: BY_WORDS[by]
        for by in split_choices(catalogue().definitions[indicator], catalogue(), city)
    }


@view("data", "catalogue", max_entries=64)
def drivers(indicator: str, start: int, end: int, region: str, by: str) -> Drivers | str:
    """What drove the change (indicators.drivers), or why it cannot be split (Swedish)."""
    from service import analysis

    con = session.cursor()
    try:
        return analysis.drivers(
            con, catalogue().definitions[indicator], catalogue(), start=start, end=end,
            region=None if region == CITY else region, by=by,
            values_of=lambda d, r: stored_values(con, d, catalogue(), r),
        )  # fmt: skip
    except DriversError as refused:
        return refused.swedish
    finally:
        con.close()


def driver_years(frame: pd.DataFrame) -> list[int]:
    """The years an indicator has values for (on the page's frame), oldest first."""
    if frame.empty:
        return []
    return sorted(int(y) for y in frame.loc[frame["value"].notna(), "year"].unique())


def driver_table(definition: Definition, split: Drivers) -> pd.DataFrame:
    """The split as the page shows it: part, the two periods' values, the change with its
    interval ("skyddat" where hidden), and "därav" lines under their part."""
    rows = split.frame(contained=True)
    decimals = definition.decimals

    def shown(value: object, hidden: bool) -> str:
        if hidden:
            return "skyddat"
        if value is None or pd.isna(value):  # type: ignore[arg-type]
            return "–"
        return number(float(value), decimals)  # type: ignore[arg-type]

    def change(row: pd.Series) -> str:
        if row["suppressed"]:
            return "skyddat"
        if pd.isna(row["change"]):
            return "–"
        sign = "+" if row["change"] > 0 else ""
        return sign + number(float(row["change"]), decimals).replace("-", "−")

    def interval(row: pd.Series) -> str:
        if row["suppressed"] or pd.isna(row["lower"]):
            return ""
        return (
            number(float(row["lower"]), decimals).replace("-", "−")
            + " till "
            + number(float(row["upper"]), decimals).replace("-", "−")
        )

    return pd.DataFrame(
        {
            "Del": [
                ("   " if c else "") + ("Totalt: " if p == "total" else "") + str(n)
                for p, n, c in zip(rows["part"], rows["part_name"], rows["contained"], strict=True)
            ],
            split.from_label: [
                shown(v, h) for v, h in zip(rows["from_value"], rows["suppressed"], strict=True)
            ],
            split.to_label: [
                shown(v, h) for v, h in zip(rows["to_value"], rows["suppressed"], strict=True)
            ],
            "Förändring": [change(r) for _, r in rows.iterrows()],
            "Osäkerhet (95 %)": [interval(r) for _, r in rows.iterrows()],
            "Säkerställd": [
                ""
                if r["suppressed"] or pd.isna(r["lower"])
                else ("ja" if r["lower"] > 0 or r["upper"] < 0 else "nej")
                for _, r in rows.iterrows()
            ],
        }
    )


def driver_notes(split: Drivers) -> list[str]:
    """What the reader must know about a split, in Swedish."""
    notes = list(split.notes)
    if split.within_margins():
        notes.append(
            "Varje dels förändring ligger inom sin felmarginal: ingen enskild del kan sägas ha "
            "drivit förändringen."
        )
    if any(p.contained for p in split.parts):
        notes.append("En ”därav”-rad ingår i raden ovanför och räknas inte två gånger.")
    if any(p.hidden for p in split.parts):
        notes.append(
            "Skyddat: för litet underlag för att visas (eller så skulle det kunna räknas fram "
            "ur de andra delarna)."
        )
    return notes


def default_split(indicator: str, region_code: str) -> str | None:
    """What a change is split by where no one chose: the city over its districts, a district
    over its crime categories or event types; None where neither applies."""
    found = [
        b for b in driver_choices(indicator, region_code == CITY) if b in ("region", "measure")
    ]
    return found[0] if found else None


def driver_headline(indicator: str, region_code: str, start: int, end: int, parts: int = 3) -> str:
    """What drove the change from ``start`` to ``end`` in a sentence (meeting mode), or ""
    where the change cannot be split."""
    by = default_split(indicator, region_code)
    if by is None:
        return ""
    split = drivers(indicator, start, end, region_code, by)
    if isinstance(split, str):
        return ""
    return split.headline(catalogue().definitions[indicator].decimals, parts)
