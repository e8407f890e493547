"""The action register to and from Excel, with the upload's standard: the file is checked and
read safely, every problem is named with its cell, nothing is written until all is right, and
every change is recorded with who made it.

A row with a number (``Nr``) of a stored action updates that action; a row without one adds a
new action. Columns: Nr, Åtgärd, Prioriterat område, Stadsdelsområde, Ägare, Ansvarig enhet,
Status, Start, Slut, Förväntad effekt, Indikatorer (ids or titles, comma separated).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import duckdb
import pandas as pd

from catalogue.catalogue import CURRENT_AGREEMENT, Catalogue
from loaders.survey import read_sheet
from loaders.survey_cells import address, cell_text, norm_header
from loaders.survey_types import Finding
from store import db, followup
from store.regions import RegionResolver, UnknownRegionError

MAX_TEXT = 2000  # characters in a text cell

COLUMNS = [
    "Nr",
    "Åtgärd",
    "Prioriterat område",
    "Stadsdelsområde",
    "Ägare",
    "Ansvarig enhet",
    "Status",
    "Start",
    "Slut",
    "Förväntad effekt",
    "Indikatorer",
    "Uppföljning",
]
FIELDS = {
    "nr": "id",
    "åtgärd": "title",
    "prioriterat område": "area",
    "stadsdelsområde": "region",
    "ägare": "owner",
    "ansvarig enhet": "responsible_unit",
    "status": "status",
    "start": "start_date",
    "slut": "end_date",
    "förväntad effekt": "expected_effect",
    "indikatorer": "indicators",
}
OWNERS = ("stad", "polis", "gemensamt")
STATUSES = ("planerad", "pågående", "genomförd", "avbruten")


def export_frame(register: pd.DataFrame, catalogue: Catalogue) -> pd.DataFrame:
    """The register in the layout the import reads back."""
    areas = dict(catalogue.areas())
    return pd.DataFrame(
        {
            "Nr": register["id"],
            "Åtgärd": register["title"],
            "Prioriterat område": register["area"].map(lambda a: areas.get(a, a)),
            "Stadsdelsområde": register["region_name"],
            "Ägare": register["owner"],
            "Ansvarig enhet": register["responsible_unit"].fillna(""),
            "Status": register["status"],
            "Start": register["start_date"].astype(str).replace({"NaT": "", "None": ""}),
            "Slut": register["end_date"].astype(str).replace({"NaT": "", "None": ""}),
            "Förväntad effekt": register["expected_effect"].fillna(""),
            "Indikatorer": register["indicators"].fillna(""),
            "Uppföljning": register["notes"].fillna(""),
        }
    )


@dataclass
class ActionImport:
    rows: list[dict[str, object]] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    new: int = 0
    changed: int = 0
    unchanged: int = 0

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.level == "fel"]


def _date(value: object) -> date | str | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime | date):
        return (
            value if isinstance(value, date) and not isinstance(value, datetime) else value.date()
        )
    try:
        return date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        return "fel"


def read(
    con: duckdb.DuckDBPyConnection, path: Path, original_name: str, catalogue: Catalogue
) -> ActionImport:
    parsed = read_sheet(path, original_name)
    result = ActionImport()
    add = result.findings.append
    sheet = parsed.sheet
    if not parsed.rows:
        add(Finding("fel", sheet, "", "", "filen är tom"))
        return result
    header = {
        FIELDS[norm_header(h)]: j for j, h in enumerate(parsed.rows[0]) if norm_header(h) in FIELDS
    }
    for needed in ("title", "area", "region", "owner", "status"):
        if needed not in header:
            label = next(c for c in COLUMNS if FIELDS.get(c.casefold()) == needed)
            add(Finding("fel", sheet, "A1", "", f"kolumnen {label} saknas"))
    if result.errors:
        return result
    resolver = RegionResolver.from_store(con)
    areas = {a: a for a, _ in catalogue.areas()} | {norm_header(t): a for a, t in catalogue.areas()}
    indicators = {i: i for i in catalogue.definitions} | {
        norm_header(d.title): i for i, d in catalogue.definitions.items()
    }
    stored = followup.actions(con).set_index("id")
    numbered: dict[int, str] = {}  # Nr → the cell it was first given in
    for r, row in enumerate(parsed.rows[1:], start=1):
        if all(cell_text(v) == "" for v in row):
            continue

        def cell(key: str, r: int = r, row: list[object] = row) -> tuple[object, str]:
            j = header.get(key)
            return (
                row[j] if j is not None and j < len(row) else None,
                address(r, j) if j is not None else "",
            )

        values: dict[str, object] = {"agreement": CURRENT_AGREEMENT}
        before = len(result.errors)
        title, where = cell("title")
        if not cell_text(title):
            add(Finding("fel", sheet, where, "", "åtgärden saknar rubrik"))
        values["title"] = cell_text(title)
        if len(values["title"]) > MAX_TEXT:
            size = len(values["title"])
            add(
                Finding(
                    "fel", sheet, where, values["title"][:30] + "…",
                    f"rubriken är för lång ({size} tecken; högst {MAX_TEXT})",
                )
            )  # fmt: skip
        area, where = cell("area")
        values["area"] = areas.get(norm_header(area)) or areas.get(cell_text(area))
        if values["area"] is None:
            add(
                Finding(
                    "fel",
                    sheet,
                    where,
                    cell_text(area),
                    "okänt prioriterat område; använd "
                    "ett av " + ", ".join(t for _, t in catalogue.areas()),
                )
            )
        region, where = cell("region")
        try:
            found = resolver.resolve(cell_text(region) or "-").region
            values["region_code"] = found.code
            if found.kind not in ("district", "city"):
                add(
                    Finding(
                        "fel",
                        sheet,
                        where,
                        cell_text(region),
                        "ska vara ett stadsdelsområde eller Hela staden",
                    )
                )
        except UnknownRegionError as exc:
            add(
                Finding(
                    "fel",
                    sheet,
                    where,
                    cell_text(region),
                    "okänt stadsdelsområde; närmast: " + ", ".join(exc.suggestions),
                )
            )
        for key, allowed in (("owner", OWNERS), ("status", STATUSES)):
            value, where = cell(key)
            text = cell_text(value).casefold()
            if text not in allowed:
                add(
                    Finding(
                        "fel",
                        sheet,
                        where,
                        cell_text(value),
                        f"ska vara en av: {', '.join(allowed)}",
                    )
                )
            values[key] = text
        for key in ("start_date", "end_date"):
            value, where = cell(key)
            parsed_date = _date(value)
            if parsed_date == "fel":
                add(
                    Finding("fel", sheet, where, cell_text(value), "datumet ska skrivas ÅÅÅÅ-MM-DD")
                )
            values[key] = None if parsed_date == "fel" else parsed_date
        start, end = values.get("start_date"), values.get("end_date")
        if start and end and str(end) < str(start):
            add(
                Finding(
                    "fel", sheet, cell("end_date")[1], cell_text(cell("end_date")[0]),
                    f"slutdatumet ligger före startdatumet ({start})",
                )
            )  # fmt: skip
        for key in ("responsible_unit", "expected_effect"):
            values[key] = cell_text(cell(key)[0])
            if len(str(values[key])) > MAX_TEXT:
                add(
                    Finding(
                        "fel", sheet, cell(key)[1], str(values[key])[:30] + "…",
                        f"texten är för lång ({len(str(values[key]))} tecken; högst {MAX_TEXT})",
                    )
                )  # fmt: skip
        wanted, where = cell("indicators")
        ids = []
        for part in filter(None, (p.strip() for p in cell_text(wanted).split(","))):
            known = indicators.get(part) or indicators.get(norm_header(part))
            if known is None:
                add(Finding("fel", sheet, where, part, "okänd indikator"))
            else:
                ids.append(known)
        values["indicators"] = ",".join(ids)
        number, where = cell("id")
        if cell_text(number):
            if not cell_text(number).isdigit() or int(cell_text(number)) not in stored.index:
                add(
                    Finding(
                        "fel",
                        sheet,
                        where,
                        cell_text(number),
                        "det finns ingen åtgärd med det numret; lämna Nr tomt för en ny åtgärd",
                    )
                )
            elif int(cell_text(number)) in numbered:
                add(
                    Finding(
                        "fel", sheet, where, cell_text(number),
                        f"samma Nr finns redan i {numbered[int(cell_text(number))]}; en åtgärd "
                        "får bara finnas på en rad",
                    )
                )  # fmt: skip
            else:
                values["id"] = int(cell_text(number))
                numbered[values["id"]] = where
        if len(result.errors) > before:
            continue
        if "id" in values:
            current = stored.loc[values["id"]]
            same = all(
                followup.comparable(current[k]) == followup.comparable(values[k])
                for k in followup.ACTION_FIELDS
                if k in values
            )
            result.unchanged += same
            result.changed += not same
        else:
            result.new += 1
        result.rows.append(values)
    return result


def commit(
    con: duckdb.DuckDBPyConnection,
    imported: ActionImport,
    by: str,
) -> None:
    """Write every row or none (who may is decided by ``service.uploads``)."""
    if imported.errors:
        raise ValueError("the file has errors; nothing was written")
    with db.transaction(con):
        for values in imported.rows:
            fields = {k: v for k, v in values.items() if k in followup.ACTION_FIELDS}
            if "id" in values:
                followup.update_action(con, int(values["id"]), fields, by)  # type: ignore[arg-type]
            else:
                followup.add_action(con, fields, by)
