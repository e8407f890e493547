"""Small upload workbooks for tests: a sheet named Data with a header row and rows."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook


def data_book(path: Path, header: list[str], rows: list[list[object]]) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Data"
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path
