"""Stockholm beside the municipalities an indicator compares it with (Kolada): the latest
year as a table with places, and the comparison in a sentence for the year-end summary."""

from __future__ import annotations

import pandas as pd

from catalogue.model import Definition
from indicators.basis import MISSING_REASONS
from swedish.format import indicator_value

CITY = "0180"


# SKR:s kommungruppsindelning (2017), grupp A1 Storstäder: the municipalities Kolada lets one
# compare Stockholm with as "liknande kommuner" of its kind.
BIG_CITIES = {"0180": "Stockholm", "1480": "Göteborg", "1280": "Malmö"}


def municipality_table(
    definition: Definition, frame: pd.DataFrame, year: int | None = None
) -> pd.DataFrame:
    """Stockholm beside the municipalities it is compared with, the latest year with a value
    for Stockholm: value (or why it is missing), the group (storstad or grannkommun) and the
    place among those with a value (best first)."""
    totals = frame[(frame["sex"] == "total") & (frame["age_group"] == "all")]
    known = totals[totals["value"].notna()]
    if known.empty:
        return pd.DataFrame()
    own = known[known["region_code"] == CITY]
    if year is None:
        year = int(own["year"].max()) if not own.empty else int(known["year"].max())
    rows = totals[totals["year"] == year].copy()
    valued = rows[rows["value"].notna()].sort_values(
        "value", ascending=definition.direction == "lower_is_better"
    )
    place = {str(c): k + 1 for k, c in enumerate(valued["region_code"])}
    rows["order"] = [place.get(str(c), 999) for c in rows["region_code"]]
    rows = rows.sort_values(["order", "region_name"])
    reasons = rows["missing_reason"] if "missing_reason" in rows else pd.Series(None, rows.index)
    shown = [
        indicator_value(definition.type, v, definition.decimals)
        if not pd.isna(v)
        else "saknas: " + MISSING_REASONS[r if isinstance(r, str) and r else "not_in_source"]
        for v, r in zip(rows["value"], reasons, strict=True)
    ]
    return pd.DataFrame(
        {
            "Kommun": rows["region_name"].to_numpy(),
            "År": year,
            definition.unit: shown,
            "Grupp": [
                "storstad (SKR A1)" if str(c) in BIG_CITIES else "grannkommun"
                for c in rows["region_code"]
            ],
            "Plats": [
                f"{place[str(c)]} av {len(place)}" if str(c) in place else ""
                for c in rows["region_code"]
            ],
        }
    )


def municipality_sentence(
    definition: Definition, frame: pd.DataFrame, year: int | None = None
) -> str:
    """The comparison in a sentence (the year-end summary): Stockholm's value and place, and
    the other big cities'."""
    table = municipality_table(definition, frame, year)
    if table.empty:
        return ""
    rows = {str(k): r for k, r in table.set_index("Kommun").iterrows()}
    year = int(table["År"].iloc[0])
    city = next((r for k, r in rows.items() if k.startswith("Stockholm")), None)
    if city is None:
        return ""
    order = "lägst" if definition.direction == "lower_is_better" else "högst"
    others = [
        f"{name} {rows[name][definition.unit]}" for name in ("Göteborg", "Malmö") if name in rows
    ]
    return (
        f"Jämfört med andra kommuner {year}: Stockholm {city[definition.unit]}"
        + (f" (plats {city['Plats']}, {order} först)" if city["Plats"] else "")
        + (f"; {', '.join(others)}" if others else "")
        + ". Källa: Kolada (RKA)."
    )
