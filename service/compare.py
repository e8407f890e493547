"""Jämför: the view model of one comparison (two districts, a district against the city, or
women against men) for the indicators of one priority area: the latest year both sides have,
each side's value, and whether they differ beyond the uncertainty."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from indicators.summaries import difference, latest_row
from service.indicator_values import CITY, all_values, catalogue, fmt_value, is_example, values


@dataclass(frozen=True)
class ComparedRow:
    indicator: str
    title: str
    year: str  # "" when the first side has no value
    first: str  # the first side's value ("–" none, "skyddat" suppressed)
    second: str
    verdict: str  # "skillnaden är statistiskt säkerställd", "inom felmarginalen", "kan inte prövas"
    development: str  # the first side's status text
    example: bool


def _shown(definition: object, row: pd.Series | None) -> str:
    if row is None:
        return "–"
    return "skyddat" if row["suppressed"] else fmt_value(definition, row["value"])  # type: ignore[arg-type]


def rows(area: str, mode: str, first: str, second: str | None) -> list[ComparedRow]:
    """``mode``: "districts" (``first`` against ``second``, region codes), "city" (``first``
    against the whole city) or "sex" (women against men in ``first``)."""
    definitions = catalogue()
    found = []
    for indicator in definitions.indicators_for(area):
        definition = definitions.definitions[indicator]
        if "district" not in definition.levels:
            continue
        if mode == "sex":
            if "sex" not in definition.breakdowns:
                continue
            frame = values(indicator, "today", by_sex=True)
            a = latest_row(frame, first, "female")
            b = None if a is None else latest_row(frame[frame["year"] == a["year"]], first, "male")
        else:
            frame = all_values("today").get(indicator, pd.DataFrame())
            a = latest_row(frame, first)
            other = str(second) if mode == "districts" else CITY
            b = None if a is None else latest_row(frame[frame["year"] == a["year"]], other)
        change = None if a is None or b is None else difference(definition, a, b)
        found.append(
            ComparedRow(
                indicator=indicator,
                title=definition.title,
                year="" if a is None else str(int(a["year"])),
                first=_shown(definition, a),
                second=_shown(definition, b),
                verdict="kan inte prövas"
                if change is None
                else (
                    "skillnaden är statistiskt säkerställd"
                    if change.significant
                    else "inom felmarginalen"
                ),
                development="" if a is None else str(a["status_text"]),
                example=any(r is not None and is_example(r) for r in (a, b)),
            )
        )
    return found
