"""Snapshots of the year-end documents' text (city-wide 2023 and Järva 2023 from the demo
data): every heading, paragraph, table cell and sheet cell, in order. A change to what the
documents say shows up here as a diff to read, even where no other test looks.

After an intended change, rewrite the snapshots with ``UPDATE_SNAPSHOTS=1 python -m pytest
tests/report/test_snapshots.py`` and read the diff before committing it."""

from __future__ import annotations

import io
import os
from datetime import date
from pathlib import Path

import docx
import openpyxl
import pytest

from catalogue.catalogue import load_catalogue
from report import render_docx, render_xlsx
from report.build import build
from tests.conftest import reading

SNAPSHOTS = Path(__file__).with_name("snapshots")
CASES = {"stockholm_2023": ("0180", 2023), "jarva_2023": ("80132", 2023)}


def docx_text(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    lines = []
    body = document.element.body
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            text = "".join(t.text or "" for t in child.iter() if t.tag.endswith("}t"))
            style = child.find(".//{*}pStyle")
            name = (
                style.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}val")
                if style is not None
                else ""
            )
            if text.strip():
                lines.append(f"[{name}] {text}" if name else text)
            elif child.find(".//{*}drawing") is not None:
                lines.append("[bild]")
        elif tag == "tbl":
            for row in child.iterchildren("{*}tr"):
                cells = [
                    "".join(t.text or "" for t in cell.iter() if t.tag.endswith("}t"))
                    or ("[bild]" if cell.find(".//{*}drawing") is not None else "")
                    for cell in row.iterchildren("{*}tc")
                ]
                lines.append(" | ".join(cells))
    return "\n".join(lines) + "\n"


def xlsx_text(data: bytes) -> str:
    book = openpyxl.load_workbook(io.BytesIO(data))
    lines = []
    for sheet in book.worksheets:
        lines.append(f"## {sheet.title}")
        for row in sheet.iter_rows():
            values = [c for c in row if c.value is not None and str(c.value).strip()]
            if values:
                lines.append(" | ".join(f"{c.coordinate}={c.value}" for c in values))
        lines.append(f"(diagram: {len(sheet._charts)})")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.slow
def test_year_end_documents_match_their_snapshots(demo_db_path: Path, case: str) -> None:
    region, year = CASES[case]
    con = reading(demo_db_path)
    try:
        summary = build(con, load_catalogue(), year, region_code=region)
    finally:
        con.close()
    for suffix, text in (
        ("docx", docx_text(render_docx.render(summary, today=date(2026, 12, 1)))),
        ("xlsx", xlsx_text(render_xlsx.render(summary))),
    ):
        path = SNAPSHOTS / f"year_end_{case}.{suffix}.txt"
        if os.environ.get("UPDATE_SNAPSHOTS") == "1":
            path.write_text(text, encoding="utf-8")
        assert path.exists(), f"no snapshot {path.name}: run with UPDATE_SNAPSHOTS=1 and read it"
        assert text == path.read_text(encoding="utf-8"), f"{path.name} differs"
