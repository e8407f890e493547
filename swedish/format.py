"""Numbers and dates as Swedes write them: 1 234, 12,5 %, "mars 2023". Used by pages,
status texts and exports alike."""

from __future__ import annotations

import math

MONTH_NAMES = [
    "januari", "februari", "mars", "april", "maj", "juni",
    "juli", "augusti", "september", "oktober", "november", "december",
]  # fmt: skip

# Plotly's layout.separators: decimal mark, then thousands separator (a non-breaking space).
PLOTLY_SEPARATORS = ",\u00a0"


def number(value: float | None, decimals: int = 0) -> str:
    """``1234.5`` → ``"1 234,5"`` (a non-breaking space between thousands)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if round(value, decimals) == 0:  # never "-0" or "-0,0": a value that rounds to zero
        value = 0.0
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\u00a0").replace(".", ",")


def short(value: float) -> str:
    """A measured value with the decimals it has (at most three), as Swedes write it:
    ``24.1`` → ``"24,1"``, ``1200.0`` → ``"1 200"`` (Python's ``:g`` writes "24.1")."""
    for decimals in range(4):
        if round(value, decimals) == round(value, 3):
            return number(value, decimals)
    return number(value, 3)


def percent(value: float | None, decimals: int = 1) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{number(value, decimals)}\u00a0%"


def year_list(years: list[int]) -> str:
    """``[2022, 2023]`` → ``"2022 och 2023"``."""
    parts = [str(y) for y in years]
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " och " + parts[-1]


def indicator_value(kind: str, value: object, decimals: int) -> str:
    """A value of an indicator as shown: shares as percent, everything else as a number;
    a missing value as a dash."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if kind == "share":
        return percent(float(value), decimals)  # type: ignore[arg-type]
    return number(float(value), decimals)  # type: ignore[arg-type]


def date_text(value: object) -> str:
    """A date as Swedes write it in running text: ``2 december 2026``."""
    from datetime import date

    if not isinstance(value, date):
        return str(value)
    return f"{value.day} {MONTH_NAMES[value.month - 1]} {value.year}"


def first_upper(text: str) -> str:
    """The text with its first letter upper-case (the rest as it is): a clause as a line."""
    return text[:1].upper() + text[1:]
