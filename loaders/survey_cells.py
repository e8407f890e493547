"""Reading one cell of an uploaded sheet as people type it: the header row and its columns, a
cell's address (B7), text, numbers (12,5 · 12.5 · '12,5 %' · 1 234), dates, a measure's title or
id, an age band's dashes, and which shares a few respondents can give."""

from __future__ import annotations

import difflib
import re
from datetime import date

from catalogue.catalogue import Catalogue

# Column → the headers it may have (compared case-insensitively, spaces collapsed).
HEADERS = {
    "district": ("stadsdelsområde", "stadsdelsomrade", "område", "sdo", "stadsdel"),
    "year": ("år", "ar", "year", "årtal"),
    "measure": ("mått", "matt", "indikator", "measure"),
    "sex": ("kön", "kon", "sex"),
    "age": ("åldersgrupp", "ålder", "aldersgrupp", "åldersklass"),
    "share": ("andel (%)", "andel", "andel %", "andel(%)", "andel i procent"),
    "respondents": ("antal svarande", "svarande", "antal svar"),
    "count": ("antal",),
    "comment": ("kommentar", "kommentarer", "anmärkning"),
    "field_from": ("fältperiod från", "fältperiod, från", "fält från", "insamling från"),
    "field_to": ("fältperiod till", "fältperiod, till", "fält till", "insamling till"),
}


TEMPLATE_HEADERS = [
    "Stadsdelsområde",
    "År",
    "Mått",
    "Kön",
    "Åldersgrupp",
    "Andel (%)",
    "Antal svarande",
    "Antal",
    "Kommentar",
    "Fältperiod från",
    "Fältperiod till",
]


REQUIRED = ("district", "year", "measure")


def column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def address(row: int, column: int) -> str:
    return f"{column_letter(column)}{row + 1}"


def norm_header(text: object) -> str:
    return re.sub(r"\s+", " ", str(text or "")).strip().casefold()


HEADER_WITHIN = 10  # the template's header row must be among the first rows


def find_header(
    rows: list[list[object]], within: int = HEADER_WITHIN
) -> tuple[int, dict[str, int]] | None:
    """The header row (within the first ``within`` rows) and the column of each field."""
    for i, row in enumerate(rows[:within]):
        found: dict[str, int] = {}
        for j, cell in enumerate(row):
            text = norm_header(cell)
            for key, names in HEADERS.items():
                if text in names and key not in found:
                    found[key] = j
        if sum(k in found for k in REQUIRED) >= 2:
            return i, found
    return None


def cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def parse_date(value: object) -> date | None:
    """2024-03-01 (a date cell arrives as its ISO text) → a date; anything else → None."""
    if isinstance(value, date):
        return value
    text = str(value or "").strip()
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}([T ][\d:.]+)?", text):
        return None
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        return None


def parse_number(value: object, percent_cell: bool = False) -> float | None:
    """12,5 · 12.5 · '12,5 %' · 1 234 (space or NBSP) · a percent-formatted 0.125 → 12.5."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value) * (100 if percent_cell else 1)
    text = str(value).strip().replace("\u00a0", " ").replace("\u202f", " ")
    text = text.rstrip("%").strip().replace(" ", "")
    if re.fullmatch(r"-?\d{1,3}(\.\d{3})+,\d+", text):  # 1.234,5
        text = text.replace(".", "")
    text = text.replace(",", ".")
    try:
        number = float(text)
    except ValueError:
        return None
    return number


class UploadMeasures:
    def __init__(self, catalogue: Catalogue) -> None:
        self.by_key: dict[str, str] = {}
        self._suggested: dict[str, list[str]] = {}
        self.catalogue = catalogue
        for measure in catalogue.measures.values():
            if measure.upload:
                self.by_key[measure.id.casefold()] = measure.id
                self.by_key[norm_header(measure.title)] = measure.id

    def resolve(self, text: str) -> str | None:
        return self.by_key.get(norm_header(text))

    def suggest(self, text: str) -> list[str]:
        """The closest titles, computed once per distinct text (a misspelling repeated on
        thousands of rows costs one search)."""
        key = norm_header(text)
        if key not in self._suggested:
            titles = {
                norm_header(m.title): m.title for m in self.catalogue.measures.values() if m.upload
            }
            close = difflib.get_close_matches(key, titles, 3, 0.5)
            self._suggested[key] = [titles[t] for t in close]
        return self._suggested[key]


SMALL_SAMPLE = 10  # below this many respondents a share must be a possible fraction


def whole(number: float) -> str:
    return f"{number:,.0f}".replace(",", "\u00a0")


def possible_share(share: float, respondents: float) -> bool:
    """With few respondents only some shares can occur (k of n, rounded to one decimal);
    weighting cannot explain 45,5 % of 3 respondents."""
    if respondents >= SMALL_SAMPLE:
        return True
    n = int(respondents)
    return any(abs(100 * k / n - share) <= 0.5 for k in range(n + 1))


def possible_shares(respondents: float) -> str:
    n = int(respondents)
    return ", ".join(f"{100 * k / n:.1f}".replace(".", ",") for k in range(n + 1))


def dashed(text: str) -> str:
    return re.sub(r"\s*[-‐‑‒–—]\s*", "–", text.strip())
