"""The year-end summary as an Excel workbook: an overview sheet and a sheet per priority
area, frozen headers and filters, every figure a number with its number format (percent,
thousands), and Excel's own line charts (no renderer needed)."""

from __future__ import annotations

import io
import re

from openpyxl import Workbook
from openpyxl.chart import LineChart, Reference
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from report import exports
from report.build import AreaSection, IndicatorLine, YearEnd

HEADER = PatternFill("solid", fgColor="DDE7F0")


def number_format(kind: str, decimals: int) -> str:
    """Excel's format for an indicator's values: shares as percent (the cell holds the
    fraction), everything else with a thousands separator."""
    places = "." + "0" * decimals if decimals else ""
    return f"0{places}%" if kind == "share" else f"#,##0{places}"


def _as_cell(line: IndicatorLine, value: float | None) -> float | None:
    """A value as the cell holds it: a share as a fraction (71.3 % → 0.713)."""
    if value is None:
        return None
    return round(value / 100, 10) if line.kind == "share" else value


# The widths of the indicator table's columns (its header is in _indicator_table).
TABLE_WIDTHS = (42, 16, 11, 13, 11, 11, 22, 13, 14, 12, 26, 10, 26, 60, 10, 10, 11, 40, 24)


def _period_cell(period: str) -> int | str | None:
    """A whole year as a number (2023), a part of one as its text ("jan–jul 2026")."""
    if not period:
        return None
    return int(period) if period.isdigit() else period


def _indicator_table(sheet, summary: YearEnd, lines: list[IndicatorLine]) -> int:  # type: ignore[no-untyped-def]
    """The indicator table from row 3, numbers as numbers; returns the row after it."""
    year = summary.year
    # Every value with its period, and the change only where the status compared the two
    # (never a part of a year against a whole one): the same comparison as the Word's.
    header = [
        "Indikator", "Enhet", f"Värde {year}", "Period", "Nedre gräns (95 %)",
        "Övre gräns (95 %)", "Jämförs med", "Jämförelsevärde", "Jämförelseperiod",
        "Förändring", "Prövning av förändringen", "Mål", "Status", "Förklaring",
        f"Kvinnor {year}", f"Män {year}", "Exempeldata", "Källa", "Om värdet saknas",
    ]  # fmt: skip
    _write(sheet, 3, header, bold=True)
    for row, line in enumerate(lines, start=4):
        # The change in the indicator's unit; for a share in percentage points (not a fraction).
        change = None if line.change_value is None else round(line.change_value, 10)
        values: list[object] = [
            line.title, line.unit,
            _as_cell(line, line.number_value) if line.number_value is not None else None,
            _period_cell(line.period), _as_cell(line, line.lower), _as_cell(line, line.upper),
            line.compared_with or "ingen jämförelse",
            _as_cell(line, line.previous_value) if line.previous_value is not None else None,
            _period_cell(line.reference_period), change, line.change,
            _as_cell(line, line.target_value), line.status, line.explanation,
            _as_cell(line, line.women_value), _as_cell(line, line.men_value),
            "ja" if line.example else "nej",
            "Exempeldata (påhittade värden)" if line.example else line.source,
            # Numbers only in the number columns: why a value is missing ("skyddat", "–") here.
            None if line.number_value is not None else _missing(line.value),
        ]  # fmt: skip
        _write(sheet, row, values)
        shown = number_format(line.kind, line.decimals)
        for column in (3, 5, 6, 8, 12, 15, 16):
            sheet.cell(row=row, column=column).number_format = shown
        places = "." + "0" * line.decimals if line.decimals else ""
        unit = '" p.e."' if line.kind == "share" else ""
        plain = ("0" if line.kind == "share" else "#,##0") + places + unit
        sheet.cell(row=row, column=10).number_format = f"+{plain};-{plain};{plain}"
    end = 3 + len(lines)
    sheet.freeze_panes = "B4"
    sheet.auto_filter.ref = f"A3:{get_column_letter(len(header))}{max(end, 4)}"
    for column, width in enumerate(TABLE_WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    return end + 1


def _missing(value: str) -> str:
    """What the value column's text said, in words."""
    return "ingen uppgift" if value.strip() in ("", "–", "-") else value


def _sheet_name(title: str, used: set[str]) -> str:
    """A sheet's name (at most 31 characters) cut after a whole word, unique in the book."""
    name = re.sub(r"[\[\]:*?/\\]", "", title).strip()
    if len(name) > 31:
        name = name[:32].rsplit(" ", 1)[0].rstrip(" ,–-")
        name = re.sub(r"\s+(och|i|för|av|med|mot|på)$", "", name)  # no word left hanging
    base, n = name, 2
    while name in used:
        name = f"{base[: 31 - len(str(n)) - 1].rstrip()} {n}"
        n += 1
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
    exports.described(book, f"Årssammanställning {summary.year}: {summary.region_name}")
    _overview_sheet(book, summary)
    used = {"Översikt"}
    for section in summary.sections:
        sheet = book.create_sheet(_sheet_name(section.title, used))
        _section_sheet(sheet, summary, section)
        _chart_series(sheet, section)
    if summary.reports is not None:
        _reports_sheet(book.create_sheet(_sheet_name("Rapporter", used)), summary)
    if summary.plan is not None:
        _plan_sheet(book.create_sheet(_sheet_name("Plan", used)), summary)
    if summary.local is not None:
        _local_sheet(book.create_sheet(_sheet_name("Lokalt", used)), summary)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _overview_sheet(book: Workbook, summary: YearEnd) -> None:
    """Översikt: a row per priority area, then the sources, method and caveats."""
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
        ["Prioriterat område", "Indikatorerna visar", "Bedömning", "Motivering", "Indikatorer"],
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
                len(section.lines),
            ],
        )
    overview.freeze_panes = "A4"
    overview.auto_filter.ref = f"A3:E{3 + len(summary.sections)}"
    row = len(summary.sections) + 6
    overview.cell(row=row, column=1, value="Källor, metod och förbehåll").font = Font(bold=True)
    for j, note in enumerate(summary.notes, start=row + 1):
        exports.set_cell(overview.cell(row=j, column=1), note)
    for column, width in zip("ABCDE", (45, 22, 16, 60, 12), strict=True):
        overview.column_dimensions[column].width = width


def _section_sheet(sheet, summary: YearEnd, section: AreaSection) -> None:  # type: ignore[no-untyped-def]
    """A priority area: its indicators, the judgement and situation picture, the actions
    done and planned."""
    sheet["A1"] = section.title
    sheet["A1"].font = Font(bold=True, size=13)
    if any(line.example for line in section.lines):
        sheet["A2"] = "Exempeldata: påhittade värden för demonstration, inte verkliga resultat."
        sheet["A2"].font = Font(bold=True, color="9C2A00")
    row = _indicator_table(sheet, summary, section.lines) + 1
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


def _chart_series(sheet, section: AreaSection) -> None:  # type: ignore[no-untyped-def]
    """Series for the charts, to the right of the table (one empty column between), and
    Excel's own line charts."""
    data_column, anchor_row = len(TABLE_WIDTHS) + 2, 3
    for line in section.lines:
        if len(line.series) < 2:
            continue
        sheet.cell(row=anchor_row, column=data_column, value="År")
        sheet.cell(row=anchor_row, column=data_column + 1, value=line.title[:40])
        shown = number_format(line.kind, line.decimals)
        for k, point in enumerate(line.series, start=anchor_row + 1):
            sheet.cell(row=k, column=data_column, value=point[0])
            cell = sheet.cell(row=k, column=data_column + 1, value=_as_cell(line, point[1]))
            cell.number_format = shown
        chart = LineChart()
        chart.title = line.title + (" – Exempeldata" if line.example else "")
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
        sheet.add_chart(chart, f"{get_column_letter(data_column + 3)}{anchor_row}")
        anchor_row = end + 12


def _reports_sheet(sheet, summary: YearEnd) -> None:  # type: ignore[no-untyped-def]
    """The districts' reports of the year: a row per district and reporting date, then what
    the approved reports say per area."""
    part = summary.reports
    assert part is not None
    sheet["A1"] = f"{part.heading}: {summary.region_name} {summary.year}"
    sheet["A1"].font = Font(bold=True, size=14)
    row = 2
    for fact in [part.preliminary, *part.facts]:
        if fact:
            exports.set_cell(sheet.cell(row=row, column=1), fact)
            row += 1
    row += 1
    _write(sheet, row, part.header, bold=True)
    for cells in part.rows:
        row += 1
        _write(sheet, row, list(cells))
    if part.said:
        row += 2
        _write(sheet, row, part.said_header, bold=True)
        for cells in part.said:
            row += 1
            _write(sheet, row, list(cells))
    for column, width in enumerate((40, 22, 40, 40, 50, 50), start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width


def _plan_sheet(sheet, summary: YearEnd) -> None:  # type: ignore[no-untyped-def]
    """The plan for the year after: an area a row."""
    part = summary.plan
    assert part is not None
    sheet["A1"] = part.heading
    sheet["A1"].font = Font(bold=True, size=14)
    exports.set_cell(sheet.cell(row=2, column=1), part.state)
    if part.rows:
        _write(sheet, 4, part.header, bold=True)
        for row, cells in enumerate(part.rows, start=5):
            _write(sheet, row, list(cells))
    for column, width in enumerate((36, 50, 40, 30, 50), start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width


def _local_sheet(sheet, summary: YearEnd) -> None:  # type: ignore[no-untyped-def]
    """The local level: the district's local areas (a row per indicator), or the city's
    coverage matrix and the revisions due."""
    part = summary.local
    assert part is not None
    sheet["A1"] = f"{part.heading}: {summary.region_name}"
    sheet["A1"].font = Font(bold=True, size=14)
    row = 2
    for fact in part.facts:
        exports.set_cell(sheet.cell(row=row, column=1), fact)
        row += 1
    row += 1
    if part.areas:
        header = ["Lokalt område", "Tjänar", "Indikator", "År", "Värde", "Status", "Lokalt mål",
                  "Åtgärder"]  # fmt: skip
        _write(sheet, row, header, bold=True)
        for area in part.areas:
            for indicator in area.rows or [["–", "", "", "", ""]]:
                row += 1
                _write(sheet, row, [area.title, area.serves, *indicator, "; ".join(area.actions)])
        widths = (40, 40, 34, 8, 12, 24, 18, 50)
    else:
        _write(sheet, row, part.coverage_header, bold=True)
        for cells in part.coverage_rows:
            row += 1
            _write(sheet, row, list(cells))
        row += 1  # a blank row before the revisions due
        for text in part.revisions:
            row += 1
            exports.set_cell(sheet.cell(row=row, column=1), text)
        widths = (22, 30, *([20] * (len(part.coverage_header) - 2)))
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
