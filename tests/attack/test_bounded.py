"""Validation is bounded: a sheet with more rows than accepted is refused by the parsing
child whatever its <dimension> says, a CSV likewise, and thousands of findings cost the
same per row as a few (the first 1 000 listed, the rest counted)."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import duckdb
import pytest
from openpyxl import Workbook

from catalogue.catalogue import load_catalogue
from loaders import survey
from loaders.survey_cells import TEMPLATE_HEADERS
from loaders.survey_types import MAX_FINDINGS
from loaders.upload_safety import Limits, UploadRefused

OTRYGG = "Otrygg ute ensam sent en kväll i det egna området"


def _book(path: Path, rows: int, measure: str = OTRYGG) -> Path:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Data")
    sheet.append(TEMPLATE_HEADERS)
    for i in range(rows):
        sheet.append(["Bromma", 2000 + i % 26, measure, "Alla", "Alla", 12.5, 400])
    book.save(path)
    source = zipfile.ZipFile(path)  # drop <dimension>, as a hostile file would
    parts = {i.filename: source.read(i.filename) for i in source.infolist()}
    source.close()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():
            target.writestr(name, re.sub(rb"<dimension[^>]*/>", b"", data))
    return path


def test_too_many_rows_are_refused_without_a_dimension(
    store: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    path = _book(tmp_path / "stor.xlsx", 120)
    limits = Limits(max_bytes=10_000_000, max_rows=100)
    with pytest.raises(UploadRefused, match="Arket har 121 rader; högst 100 rader tas emot"):
        survey.read_sheet(path, path.name, limits)
    csv_path = tmp_path / "stor.csv"
    lines = [";".join(TEMPLATE_HEADERS)] + [f"Bromma;2024;{OTRYGG};Alla;Alla;1;400"] * 120
    csv_path.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(UploadRefused, match="fler än 100 rader"):
        survey.read_sheet(csv_path, csv_path.name, limits)


@pytest.mark.slow
def test_thousands_of_findings_are_counted_and_the_first_listed(
    store: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    path = _book(tmp_path / "fel.xlsx", 1500, measure="Otryg ute ensam sen en kväll")
    prepared = survey.prepare(store, path, load_catalogue())
    table = prepared.table
    assert table.error_count >= 1500  # every bad row counted
    assert len(table.findings) == MAX_FINDINGS + 1
    assert table.findings[-1].message == f"… och {1500 - MAX_FINDINGS} problem till som inte listas"
    assert "närmast: " + OTRYGG in table.findings[0].message
