"""A district's local agreement to and from Excel, with the upload's standard: the file is
checked and read safely (each sheet in a child process with limits), every problem is named
with its sheet and cell, and nothing is written until all is right (``service.local.save``,
which writes a new version only when something changed, so exporting and importing the same
agreement changes nothing).

Sheets: Överenskommelse (Fält | Värde: Stadsdelsområde, Rubrik, Lokalpolisområden, Gäller
från, Gäller till, Revideras senast), Lokala områden (Nyckel, Rubrik, Beskrivning,
Stadsövergripande områden, Indikatorer), Styrgrupp (Roll, Namn, Part, E-post, Rapporterar),
Möten (Datum, Anteckning). Lists in a cell are separated by semicolons."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from loaders.survey_cells import address, cell_text, norm_header
from loaders.upload_parse import read_safely
from loaders.upload_safety import Limits, UploadRefused, check

MAX_ROWS = 500
HEAD = "Överenskommelse"
SHEETS = {
    "agreement": HEAD,
    "areas": "Lokala områden",
    "members": "Styrgrupp",
    "meetings": "Möten",
}
HEAD_FIELDS = {
    "district": "Stadsdelsområde",
    "title": "Rubrik",
    "police_areas": "Lokalpolisområden",
    "valid_from": "Gäller från",
    "valid_to": "Gäller till",
    "revision_date": "Revideras senast",
}
COLUMNS = {
    "areas": {
        "key": "Nyckel",
        "title": "Rubrik",
        "description": "Beskrivning",
        "city_areas": "Stadsövergripande områden",
        "indicators": "Indikatorer",
    },
    "members": {
        "role": "Roll",
        "name": "Namn",
        "party": "Part",
        "email": "E-post",
        "reports": "Rapporterar",
    },
    "meetings": {"meeting_date": "Datum", "note": "Anteckning"},
}
WIDTHS = {"Beskrivning": 60, "Stadsövergripande områden": 45, "Rubrik": 40, "Indikatorer": 40}


def _joined(values: object) -> str:
    return "; ".join(str(v) for v in values)  # type: ignore[attr-defined]


@dataclass
class Sheet:
    name: str
    rows: list[list[object]]


def cell_date(value: object) -> date | str | None:
    """A date cell (or ISO text); "" for an empty cell, "fel" when it is not a date."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = cell_text(value)
    if not text:
        return None
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        return "fel"


def read_sheets(path: Path, original_name: str) -> dict[str, Sheet]:
    """The four sheets, each read in a child process with the upload's limits."""
    limits = Limits.from_environment()
    kind = check(path, original_name, limits)
    if kind not in ("xlsx", "ods"):
        raise UploadRefused(
            f"{original_name}: en lokal överenskommelse läses från en Excel-fil (.xlsx) med "
            f"bladen {', '.join(SHEETS.values())}."
        )
    sheets = {}
    for part, name in SHEETS.items():
        try:
            parsed = read_safely(path, kind, MAX_ROWS, sheet=name)
        except UploadRefused as exc:
            if part == "meetings" and "inget blad" in str(exc):
                sheets[part] = Sheet(name, [])
                continue
            raise UploadRefused(f"{original_name}: {exc}") from exc
        sheets[part] = Sheet(parsed.sheet, parsed.rows)
    return sheets


@dataclass
class Read:
    """What the file says, as plain values, and where each came from."""

    head: dict[str, object]
    rows: dict[str, list[dict[str, object]]]
    cells: dict[tuple[str, int | None, str], str]  # (part, row, field) → "blad X, cell B3"
    problems: list[str]


def parse(sheets: dict[str, Sheet], original_name: str) -> Read:
    cells: dict[tuple[str, int | None, str], str] = {}
    problems: list[str] = []
    head: dict[str, object] = {}
    top = sheets["agreement"]
    labels = {norm_header(v): k for k, v in HEAD_FIELDS.items()}
    for r, row in enumerate(top.rows):
        key = labels.get(norm_header(row[0] if row else ""))
        if key is None:
            continue
        head[key] = row[1] if len(row) > 1 else None
        cells[("agreement", None, key)] = f"{original_name}, blad {top.name}, cell {address(r, 1)}"
    for key, label in HEAD_FIELDS.items():
        if key not in head and key != "valid_to":
            problems.append(f"{original_name}, blad {top.name}: raden {label} saknas i kolumn A")
    rows: dict[str, list[dict[str, object]]] = {}
    for part, columns in COLUMNS.items():
        sheet = sheets[part]
        rows[part] = []
        if not sheet.rows:
            continue
        wanted = {norm_header(v): k for k, v in columns.items()}
        header = {
            wanted[norm_header(h)]: j
            for j, h in enumerate(sheet.rows[0])
            if norm_header(h) in wanted
        }
        for key, label in columns.items():
            if key not in header and key not in (
                "key",
                "description",
                "indicators",
                "note",
                "email",
                "reports",
            ):
                problems.append(
                    f"{original_name}, blad {sheet.name}: kolumnen {label} saknas i rad 1"
                )
        for r, row in enumerate(sheet.rows[1:], start=1):
            if all(cell_text(v) == "" for v in row):
                continue
            number = len(rows[part]) + 1
            values: dict[str, object] = {}
            for key, j in header.items():
                values[key] = row[j] if j < len(row) else None
                cells[(part, number, key)] = (
                    f"{original_name}, blad {sheet.name}, cell {address(r, j)}"
                )
            for key in columns:
                cells.setdefault(
                    (part, number, key), f"{original_name}, blad {sheet.name}, rad {r + 1}"
                )
            rows[part].append(values)
    for part in ("areas",):
        cells.setdefault((part, None, "title"), f"{original_name}, blad {SHEETS[part]}")
    return Read(head, rows, cells, problems)
