"""Every file a user downloads (CSV, Excel, Word) is written through here, so that no cell
runs as a formula when the file is opened and nothing the user typed is changed.

- Excel: a text cell that begins like a formula (``= + - @``, tab, CR or LF) is written as
  text with Excel's own quote prefix (the cell's *quotePrefix* style), not with a character
  added to the value: the file read back (e.g. the action register imported again) has
  exactly the values that were written.
- CSV has no such style, so such a cell gets a leading apostrophe (what Excel shows as a
  quote prefix when the file is opened); every field with a CR or LF is quoted (the Swedish
  Excel dialect: ``;``, decimal comma, CRLF line ends), so no line of the file can begin
  with a formula.
- Word: a table cell copied into a spreadsheet would run too, so Word gets the apostrophe.
"""

from __future__ import annotations

import io
import math
from collections.abc import Iterable
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from openpyxl.cell.cell import Cell
# openpyxl is imported where a workbook is written: the Word document and the CSV read this
# module's text rules too, and its import is 0,12 s of their command line.

FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")
HEADER_FILL = "DDE7F0"  # the header row's background


def risky(value: object) -> bool:
    """Text a spreadsheet would read as a formula."""
    return isinstance(value, str) and value.startswith(FORMULA_START)


def quoted_text(value: object) -> str:
    """For CSV and Word: the text, with a leading apostrophe where it begins like a
    formula."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    text = str(value)
    return f"'{text}" if risky(text) else text


def _plain(value: object) -> object:
    """A value openpyxl writes as it is (numpy and pandas scalars to Python, missing to
    empty)."""
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, float | np.floating) and math.isnan(float(value)):
        return None
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    return value


def set_cell(cell: Cell, value: object) -> Cell:
    """Write one Excel cell: text that begins like a formula stays text (quote prefix)."""
    value = _plain(value)
    if isinstance(value, str):
        cell.value = value
        if risky(value) or cell.data_type == "f":
            cell.data_type = "s"
            cell.quotePrefix = True
    else:
        cell.value = value
    return cell


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """The Swedish Excel dialect: ``;``, decimal comma, CRLF, UTF-8 with BOM."""
    safe = frame.copy()
    for column in safe.columns:
        if safe[column].dtype == object or pd.api.types.is_string_dtype(safe[column]):
            safe[column] = [quoted_text(v) if isinstance(v, str) else v for v in safe[column]]
    text = safe.to_csv(index=False, sep=";", decimal=",", lineterminator="\r\n")
    return text.encode("utf-8-sig")


def write_rows(
    sheet,  # type: ignore[no-untyped-def]
    rows: Iterable[Iterable[object]],
    *,
    start: int = 1,
    header: bool = False,
    wrap: bool = False,
) -> int:
    """Write rows from row ``start`` (the first bold when ``header``); the next free row."""
    from openpyxl.styles import Alignment, Font, PatternFill

    fill = PatternFill("solid", fgColor=HEADER_FILL)
    row_number = start
    for i, values in enumerate(rows):
        for column, value in enumerate(values, start=1):
            cell = set_cell(sheet.cell(row=row_number, column=column), value)
            if wrap:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
            if header and i == 0:
                cell.font = Font(bold=True)
                cell.fill = fill
        row_number += 1
    return row_number


ORGANISATION = "Stockholms stad och Polisregion Stockholm"
SUBJECT = (
    "Uppföljning av samverkansöverenskommelsen mellan Stockholms stad och Polisregion Stockholm"
)


def described(book: object, title: str) -> None:
    """A workbook's properties in Swedish: its title (what a screen reader and the file's
    properties name), the organisation as its author, and its language."""
    properties = book.properties  # type: ignore[attr-defined]
    properties.title = title
    properties.subject = SUBJECT
    properties.creator = ORGANISATION
    properties.lastModifiedBy = ORGANISATION
    properties.language = "sv-SE"


def xlsx_bytes(frame: pd.DataFrame, sheet_name: str = "Data", title: str | None = None) -> bytes:
    """One sheet: a bold header row and the frame's rows."""
    from openpyxl import Workbook

    book = Workbook()
    described(book, title or sheet_name)
    sheet = book.active
    assert sheet is not None
    sheet.title = sheet_name
    write_rows(
        sheet,
        [list(map(str, frame.columns)), *frame.itertuples(index=False, name=None)],
        header=True,
    )
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def workbook(
    sheets: dict[str, list[list[object]]],
    widths: dict[str, int] | None = None,
    title: str | None = None,
) -> bytes:
    """A workbook of plain tables (one sheet per name, the first row the bold header; dates
    as dates, text wrapped), every cell written by :func:`set_cell`: what a user typed never
    runs as a formula. ``widths``: a column's width by its header (else 22)."""
    from datetime import date

    from openpyxl import Workbook
    from openpyxl.styles import Alignment

    book = Workbook()
    described(book, title or next(iter(sheets), "Uppföljning"))
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name[:31])
        write_rows(sheet, rows, header=True, wrap=True)
        for column in sheet.columns:
            header = str(column[0].value or "")
            sheet.column_dimensions[column[0].column_letter].width = (widths or {}).get(header, 22)
            for cell in column[1:]:
                if isinstance(cell.value, date):
                    cell.number_format = "yyyy-mm-dd"
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
