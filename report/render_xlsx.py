"""The year-end summary as an Excel workbook: an overview sheet and a sheet per priority
area, formatted, with Excel's own line charts (no renderer needed)."""

from __future__ import annotations

import io
import re

from openpyxl import Workbook
from openpyxl.chart import LineChart, Reference
from openpyxl.styles import Alignment, Font, PatternFill

from report import exports
from report.build import YearEnd

HEADER = PatternFill("solid", fgColor="DDE7F0")


def _sheet_name(title: str, used: set[str]) -> str:
    name = re.sub(r"[\[\]:*?/\\]", "", title)[:31]
    while name in used:
        name = name[:29] + str(len(used))
    used.add(name)
    return name


def _write(sheet, row: int, values: list[object], bold: bool = False) -> None:  # type: ignore[no-untyped-def]
    for column, value in enumerate(values, start=1):
        cell = exports.set_cell(sheet.cell(row=row, column=column), value)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if bold:
            cell.font = Font(bold=True)
            cell.fill = HEADER


def render(summary: YearEnd) -> bytes:
    book = Workbook()
    overview = book.active
    assert overview is not None
    overview.title = "Översikt"
    overview["A1"] = f"Årssammanställning {summary.year}: {summary.region_name}"
    overview["A1"].font = Font(bold=True, size=14)
    if summary.as_of:
        exports.set_cell(overview.cell(row=2, column=1), summary.as_of)
        overview["A2"].font = Font(bold=True)
    _write(
        overview,
        3,
        ["Prioriterat område", "Indikatorerna visar", "Bedömning", "Motivering"],
        bold=True,
    )
    for i, section in enumerate(summary.sections, start=4):
        _write(
            overview,
            i,
            [
                section.title,
                section.calculated,
                section.judgement or "ej bedömt",
                section.justification,
            ],
        )
    row = len(summary.sections) + 6
    overview.cell(row=row, column=1, value="Källor, metod och förbehåll").font = Font(bold=True)
    for j, note in enumerate(summary.notes, start=row + 1):
        exports.set_cell(overview.cell(row=j, column=1), note)
    for column, width in zip("ABCD", (45, 22, 16, 60), strict=True):
        overview.column_dimensions[column].width = width
    used = {"Översikt"}
    for section in summary.sections:
        sheet = book.create_sheet(_sheet_name(section.title, used))
        sheet["A1"] = section.title
        sheet["A1"].font = Font(bold=True, size=13)
        _write(sheet, 3, summary.line_header(), bold=True)
        for i, line in enumerate(section.lines, start=4):
            _write(sheet, i, line.cells())
        row = len(section.lines) + 6
        _write(
            sheet,
            row,
            ["Bedömning", section.judgement or "ej bedömt", section.justification],
            bold=False,
        )
        if section.comment:
            _write(sheet, row + 1, ["Lägesbild", section.comment])
        row += 2
        for line in section.lines:
            for label, text in (("Bedömning", line.judgement), ("Lägesbild", line.comment)):
                if text:
                    _write(sheet, row, [f"{label}: {line.title}", text])
                    row += 1
        row += 1
        for label, frame in (
            (f"Genomförda åtgärder {summary.year}", section.done),
            (f"Plan för {summary.year + 1}", section.planned),
        ):
            sheet.cell(row=row, column=1, value=label).font = Font(bold=True)
            _write(
                sheet,
                row + 1,
                ["Åtgärd", "Område", "Ansvar", "Status", "Förväntad effekt"],
                bold=True,
            )
            for k, action in enumerate(frame.itertuples(), start=row + 2):
                _write(
                    sheet,
                    k,
                    [
                        action.title,
                        action.region_name,
                        f"{action.owner}: {action.responsible_unit or ''}",
                        action.status,
                        action.expected_effect or "",
                    ],
                )
            row += len(frame) + 3
        # Series for the charts, to the right, and Excel's own line charts.
        data_column, anchor_row = 10, 3
        for line in section.lines:
            if len(line.series) < 2:
                continue
            sheet.cell(row=anchor_row, column=data_column, value="År")
            sheet.cell(row=anchor_row, column=data_column + 1, value=line.title[:40])
            for k, (year, value) in enumerate(line.series, start=anchor_row + 1):
                sheet.cell(row=k, column=data_column, value=year)
                sheet.cell(row=k, column=data_column + 1, value=value)
            chart = LineChart()
            chart.title = line.title
            chart.y_axis.title = line.unit
            chart.x_axis.title = "År"
            chart.height, chart.width = 6, 14
            end = anchor_row + len(line.series)
            chart.add_data(
                Reference(sheet, min_col=data_column + 1, min_row=anchor_row, max_row=end),
                titles_from_data=True,
            )
            chart.set_categories(
                Reference(sheet, min_col=data_column, min_row=anchor_row + 1, max_row=end)
            )
            sheet.add_chart(chart, f"M{anchor_row}")
            anchor_row = end + 12
        for column, width in zip("ABCDEFG", (42, 12, 12, 22, 14, 24, 70), strict=True):
            sheet.column_dimensions[column].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
