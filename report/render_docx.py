"""The year-end summary as a Word document with real headings and tables the group can edit."""

from __future__ import annotations

import io

import pandas as pd
from docx import Document
from docx.shared import Cm

from report import exports
from report.build import YearEnd
from report.charts import line_png

_text = exports.quoted_text  # a table cell copied into a spreadsheet must not run


def _table(document: Document, header: list[str], rows: list[list[object]]) -> None:
    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = text
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for row in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            cell.text = _text(value)


def _actions(document: Document, frame: pd.DataFrame, empty: str) -> None:
    if frame.empty:
        document.add_paragraph(empty)
        return
    _table(
        document,
        ["Åtgärd", "Område", "Ansvar", "Status", "Förväntad effekt", "Uppföljning"],
        [
            [
                r.title,
                r.region_name,
                f"{r.owner}: {r.responsible_unit or ''}",
                r.status,
                r.expected_effect or "",
                r.notes or "",
            ]
            for r in frame.itertuples()
        ],
    )


def render(summary: YearEnd) -> bytes:
    document = Document()
    document.add_heading(f"Årssammanställning {summary.year}: {summary.region_name}", level=0)
    document.add_paragraph(
        f"Samverkansöverenskommelsen mellan Stockholms stad och Polisregion Stockholm "
        f"({summary.agreement}). Resultat per prioriterat område, genomförda åtgärder och plan "
        f"för {summary.year + 1}."
    )
    if summary.as_of:
        document.add_paragraph().add_run(summary.as_of).bold = True
    document.add_heading("Översikt", level=1)
    _table(
        document,
        ["Prioriterat område", "Indikatorerna visar", "Bedömning", "Statusar"],
        [
            [
                s.title,
                s.calculated,
                s.judgement or "ej bedömt",
                ", ".join(f"{n} {k.lower()}" for k, n in s.counts.items()),
            ]
            for s in summary.sections
        ],
    )
    for section in summary.sections:
        document.add_heading(section.title, level=1)
        if not section.lines:
            document.add_paragraph("Inga indikatorer (området följs i ordinarie linjearbete).")
        else:
            _table(document, summary.line_header(), [ln.cells() for ln in section.lines])
            for line in section.lines:
                if line.judgement:
                    document.add_paragraph(f"{line.title}: bedömning {line.judgement}")
                if line.comment:
                    document.add_paragraph(f"{line.title}: {line.comment}")
                if len(line.series) >= 2:
                    png = line_png(
                        line.title,
                        line.unit,
                        line.series,
                        "Källa: se bilagan" + (" · Exempeldata" if line.example else ""),
                    )
                    document.add_picture(io.BytesIO(png), width=Cm(15))
        document.add_heading("Bedömning", level=2)
        document.add_paragraph(
            f"{section.judgement or 'Ej bedömt'}. {section.justification}".strip()
        )
        if section.comment:
            document.add_heading("Lägesbild och orsaksanalys", level=2)
            document.add_paragraph(section.comment)
        document.add_heading(f"Genomförda åtgärder {summary.year}", level=2)
        _actions(document, section.done, "Inga genomförda åtgärder registrerade.")
        document.add_heading(f"Plan för {summary.year + 1}", level=2)
        _actions(document, section.planned, "Inga planerade åtgärder registrerade.")
    document.add_heading("Bilaga: källor, metod och förbehåll", level=1)
    for note in summary.notes:
        document.add_paragraph(note, style="List Bullet")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
