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
from store.regions import DISTRICT_KINDS, RegionResolver, UnknownRegionError

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
    """Every row of the register's workbook read and checked, each problem with its cell;
    a row without problems is new, changed or unchanged against the stored action."""
    parsed = read_sheet(path, original_name)
    result = ActionImport()
    if not parsed.rows:
        result.findings.append(Finding("fel", parsed.sheet, "", "", "filen är tom"))
        return result
    header = {
        FIELDS[norm_header(h)]: j for j, h in enumerate(parsed.rows[0]) if norm_header(h) in FIELDS
    }
    for needed in ("title", "area", "region", "owner", "status"):
        if needed not in header:
            label = next(c for c in COLUMNS if FIELDS.get(c.casefold()) == needed)
            result.findings.append(
                Finding("fel", parsed.sheet, "A1", "", f"kolumnen {label} saknas")
            )
    if result.errors:
        return result
    rows = _Rows(con, catalogue, result, parsed.sheet, header)
    for r, row in enumerate(parsed.rows[1:], start=1):
        if any(cell_text(v) != "" for v in row):
            rows.read(r, row)
    return result


class _Rows:
    """Reads the register's rows one by one: each field checked in its cell."""

    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        catalogue: Catalogue,
        result: ActionImport,
        sheet: str,
        header: dict[str, int],
    ) -> None:
        self.catalogue, self.result, self.sheet, self.header = catalogue, result, sheet, header
        self.resolver = RegionResolver.from_store(con)
        self.areas = {a: a for a, _ in catalogue.areas()} | {
            norm_header(t): a for a, t in catalogue.areas()
        }
        self.indicators = {i: i for i in catalogue.definitions} | {
            norm_header(d.title): i for i, d in catalogue.definitions.items()
        }
        self.stored = followup.actions(con).set_index("id")
        self.numbered: dict[int, str] = {}  # Nr → the cell it was first given in
        self.r, self.row = 0, []

    def fail(self, where: str, value: str, message: str) -> None:
        self.result.findings.append(Finding("fel", self.sheet, where, value, message))

    def cell(self, key: str) -> tuple[object, str]:
        j = self.header.get(key)
        return (
            self.row[j] if j is not None and j < len(self.row) else None,
            address(self.r, j) if j is not None else "",
        )

    def read(self, r: int, row: list[object]) -> None:
        self.r, self.row = r, row
        values: dict[str, object] = {"agreement": CURRENT_AGREEMENT}
        before = len(self.result.errors)
        self._title(values)
        self._area(values)
        self._region(values)
        self._choices(values)
        self._dates(values)
        self._texts(values)
        self._indicators(values)
        self._number(values)
        if len(self.result.errors) > before:
            return
        if "id" in values:
            current = self.stored.loc[values["id"]]
            same = all(
                followup.comparable(current[k]) == followup.comparable(values[k])
                for k in followup.ACTION_FIELDS
                if k in values
            )
            self.result.unchanged += same
            self.result.changed += not same
        else:
            self.result.new += 1
        self.result.rows.append(values)

    def _title(self, values: dict[str, object]) -> None:
        title, where = self.cell("title")
        if not cell_text(title):
            self.fail(where, "", "åtgärden saknar rubrik")
        text = values["title"] = cell_text(title)
        if len(text) > MAX_TEXT:
            self.fail(
                where,
                text[:30] + "…",
                f"rubriken är för lång ({len(text)} tecken; högst {MAX_TEXT})",
            )

    def _area(self, values: dict[str, object]) -> None:
        area, where = self.cell("area")
        values["area"] = self.areas.get(norm_header(area)) or self.areas.get(cell_text(area))
        if values["area"] is None:
            self.fail(
                where,
                cell_text(area),
                "okänt prioriterat område; använd ett av "
                + ", ".join(t for _, t in self.catalogue.areas()),
            )

    def _region(self, values: dict[str, object]) -> None:
        region, where = self.cell("region")
        try:
            found = self.resolver.resolve(cell_text(region) or "-", DISTRICT_KINDS).region
            values["region_code"] = found.code
            if found.kind not in ("district", "city"):
                self.fail(
                    where, cell_text(region), "ska vara ett stadsdelsområde eller Hela staden"
                )
        except UnknownRegionError as exc:
            self.fail(
                where,
                cell_text(region),
                "okänt stadsdelsområde; närmast: " + ", ".join(exc.suggestions),
            )

    def _choices(self, values: dict[str, object]) -> None:
        for key, allowed in (("owner", OWNERS), ("status", STATUSES)):
            value, where = self.cell(key)
            text = cell_text(value).casefold()
            if text not in allowed:
                self.fail(where, cell_text(value), f"ska vara en av: {', '.join(allowed)}")
            values[key] = text

    def _dates(self, values: dict[str, object]) -> None:
        for key in ("start_date", "end_date"):
            value, where = self.cell(key)
            parsed_date = _date(value)
            if parsed_date == "fel":
                self.fail(where, cell_text(value), "datumet ska skrivas ÅÅÅÅ-MM-DD")
            values[key] = None if parsed_date == "fel" else parsed_date
        start, end = values.get("start_date"), values.get("end_date")
        if start and end and str(end) < str(start):
            value, where = self.cell("end_date")
            self.fail(where, cell_text(value), f"slutdatumet ligger före startdatumet ({start})")

    def _texts(self, values: dict[str, object]) -> None:
        for key in ("responsible_unit", "expected_effect"):
            value, where = self.cell(key)
            text = values[key] = cell_text(value)
            if len(text) > MAX_TEXT:
                self.fail(
                    where,
                    text[:30] + "…",
                    f"texten är för lång ({len(text)} tecken; högst {MAX_TEXT})",
                )

    def _indicators(self, values: dict[str, object]) -> None:
        wanted, where = self.cell("indicators")
        ids = []
        for part in filter(None, (p.strip() for p in cell_text(wanted).split(","))):
            known = self.indicators.get(part) or self.indicators.get(norm_header(part))
            if known is None:
                self.fail(where, part, "okänd indikator")
            else:
                ids.append(known)
        values["indicators"] = ",".join(ids)

    def _number(self, values: dict[str, object]) -> None:
        """Nr: an action already stored, once in the file; empty for a new one."""
        number, where = self.cell("id")
        text = cell_text(number)
        if not text:
            return
        if not text.isdigit() or int(text) not in self.stored.index:
            self.fail(
                where, text, "det finns ingen åtgärd med det numret; lämna Nr tomt för en ny åtgärd"
            )
        elif int(text) in self.numbered:
            self.fail(
                where,
                text,
                f"samma Nr finns redan i {self.numbered[int(text)]}; en "
                "åtgärd får bara finnas på en rad",
            )
        else:
            values["id"] = int(text)
            self.numbered[int(text)] = where


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
