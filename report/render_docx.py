"""The year-end summary as a Word document to send on: A4, Swedish styles, numbered headings,
a table of contents, page numbers and a footer with date and source; tables sized to their
content; charts that stop at the report year, marked where the values are Exempeldata; the
author set to who made it. Real headings and tables, so the group can edit it further."""

from __future__ import annotations

import io
import re
from datetime import date
from xml.sax.saxutils import escape

import pandas as pd
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Pt, RGBColor

from report import exports
from report.build import AreaSection, IndicatorLine, YearEnd
from report.charts import line_png
from report.widths import fitted
from swedish.format import date_text, first_upper

_text = exports.quoted_text  # a table cell copied into a spreadsheet must not run
ORGANISATION = "Stockholms stad och Polisregion Stockholm"
WIDTH_CM = 16.6  # A4 (21 cm) less two margins of 2.2 cm
BLUE = RGBColor(0x1F, 0x3A, 0x5F)


def _styles(document: Document) -> None:
    """A plain Swedish house style: Arial 10 pt, headings in dark blue, language sv-SE."""
    normal = document.styles["Normal"]
    normal.font.name = "Arial"
    normal.font.size = Pt(10)
    properties = normal.element.get_or_add_rPr()
    language = OxmlElement("w:lang")
    language.set(qn("w:val"), "sv-SE")
    properties.append(language)
    for name, size in (("Title", 22), ("Heading 1", 15), ("Heading 2", 12)):
        style = document.styles[name]
        style.font.name = "Arial"
        style.font.size = Pt(size)
        style.font.color.rgb = BLUE
        style.font.bold = True


def _a4(document: Document) -> None:
    for section in document.sections:
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Cm(21.0), Cm(29.7)
        section.left_margin = section.right_margin = Cm(2.2)
        section.top_margin, section.bottom_margin = Cm(2.0), Cm(2.0)


def _field(paragraph: object, code: str, shown: str = "") -> None:
    """A Word field (PAGE, NUMPAGES, TOC) in a paragraph, with the text shown until Word
    updates it."""
    run = paragraph.add_run()  # type: ignore[attr-defined]
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    instruction = OxmlElement("w:instrText")
    instruction.set(qn("xml:space"), "preserve")
    instruction.text = f" {code} "
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    run._r.append(begin)
    run._r.append(instruction)
    run._r.append(separate)
    paragraph.add_run(shown)  # type: ignore[attr-defined]
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    paragraph.add_run()._r.append(end)  # type: ignore[attr-defined]


def _footer(document: Document, summary: YearEnd, today: date) -> None:
    footer = document.sections[0].footer.paragraphs[0]
    footer.text = (
        f"Årssammanställning {summary.year}, {summary.region_name} · "
        f"{date_text(today)} · Källor: se bilagan · Sida "
    )
    _field(footer, "PAGE", "1")
    footer.add_run(" av ")
    _field(footer, "NUMPAGES", "1")
    for run in footer.runs:
        run.font.size = Pt(8)


def _contents(document: Document, headings: list[str]) -> None:
    """A table of contents field; until Word updates it (page numbers), it lists the
    headings themselves."""
    document.add_paragraph("Innehåll", style="Heading 2")
    paragraph = document.add_paragraph()
    _field(paragraph, 'TOC \\o "1-1" \\h \\z \\u', "\n".join(headings))
    settings = document.settings.element
    update = OxmlElement("w:updateFields")
    update.set(qn("w:val"), "true")
    settings.append(update)


def _table(
    document: Document, header: list[str], rows: list[list[object]], widths: list[float]
) -> None:
    """A table with the given column widths (cm, summing to the text width), 8.5 pt, the
    header repeated on every page."""
    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    table.autofit = False
    texts = [[_text(_cell(value)) for value in row] for row in rows]
    widths = fitted(widths, header, texts, WIDTH_CM, 8.5)  # type: ignore[arg-type]
    for column, width in zip(table.columns, widths, strict=True):
        column.width = Cm(width)
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = text
        for run in cell.paragraphs[0].runs:
            run.bold = True
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    table.rows[0]._tr.get_or_add_trPr().append(repeat)
    for cell, width in zip(table.rows[0].cells, widths, strict=True):
        cell.width = Cm(width)
        for paragraph in cell.paragraphs:
            paragraph.paragraph_format.space_after = Pt(0)
            for run in paragraph.runs:
                run.font.size = Pt(8.5)
    # The rows as the same WordprocessingML python-docx writes for them cell by cell (a cell's
    # width, no space after its paragraph, one 8,5 pt run, a line break for each new line), one
    # parse per row: building them through python-docx's objects was a second of the city's
    # year-end document (16 000 elements).
    twips = [int(Cm(width).twips) for width in widths]
    for row in texts:
        cells = "".join(
            _CELL.format(width=width, text=_runs(value))
            for width, value in zip(twips, row, strict=True)
        )
        table._tbl.append(parse_xml(f"<w:tr {nsdecls('w')}>{cells}</w:tr>"))


def _cell(value: object) -> object:
    """A cell's text starts as a sentence does ("ej bedömt" → "Ej bedömt")."""
    return first_upper(value) if isinstance(value, str) else value


_CELL = (
    '<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/></w:tcPr>'
    '<w:p><w:pPr><w:spacing w:after="0"/></w:pPr>{text}</w:p></w:tc>'
)


def _runs(text: str) -> str:
    """A cell's text as python-docx's ``cell.text`` writes it: one run (also when empty), a
    tab and a line break for each tab and new line, 8,5 pt."""
    parts = []
    for piece in re.split(r"(\t|\r\n|\n|\r)", text):
        if piece == "\t":
            parts.append("<w:tab/>")
        elif piece in ("\n", "\r", "\r\n"):
            parts.append("<w:br/>")
        elif piece:
            space = ' xml:space="preserve"' if piece != piece.strip() else ""
            parts.append(f"<w:t{space}>{escape(piece)}</w:t>")
    return f'<w:r><w:rPr><w:sz w:val="17"/></w:rPr>{"".join(parts)}</w:r>'


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
        [3.4, 2.0, 2.8, 2.2, 3.2, 3.0],
    )


def _after_table(document: Document, text: str) -> None:
    """A paragraph right after a table, set off from it."""
    document.add_paragraph(text).paragraph_format.space_before = Pt(6)


def _local(document: Document, summary: YearEnd, heading: str) -> None:
    """The local level: the district's local areas (a heading each), or the city's
    coverage matrix and the agreements due for revision."""
    part = summary.local
    assert part is not None
    document.add_heading(heading, level=1)
    number = heading.split(" ", 1)[0]
    for fact in part.facts:
        document.add_paragraph(fact)
    for n, area in enumerate(part.areas, start=1):
        document.add_heading(f"{number}.{n} {area.title}", level=2)
        document.add_paragraph(area.serves)
        if area.description:
            document.add_paragraph(area.description)
        if area.rows:
            _table(
                document,
                ["Indikator", "År", "Värde", "Status", "Lokalt mål"],
                area.rows,
                [5.4, 1.2, 2.2, 4.0, 3.4],
            )
        else:
            document.add_paragraph("Inga indikatorer valda för området.")
        if area.actions:
            _after_table(document, "Åtgärder som tjänar området:")
            for action in area.actions:
                document.add_paragraph(action, style="List Bullet")
        else:
            _after_table(document, "Inga åtgärder kopplade till området.")
    if part.coverage_rows:
        document.add_paragraph(
            "Täckning: lokala prioriterade områden och planerade eller pågående åtgärder per "
            "stadsdelsområde och stadsövergripande område. ”⚠ saknas”: varken lokalt område "
            "eller åtgärd."
        )
        widths = [3.2, 3.6] + [2.0] * (len(part.coverage_header) - 2)
        _table(document, part.coverage_header, part.coverage_rows, widths)
    if part.revisions:
        _after_table(document, "Lokala överenskommelser som ska revideras:")
        for text in part.revisions:
            document.add_paragraph(text, style="List Bullet")


def _reports(document: Document, summary: YearEnd, heading: str) -> None:
    """The districts' reports of the year: which are approved, not approved or missing (a
    row each), then what the approved reports say per area."""
    part = summary.reports
    assert part is not None
    document.add_heading(heading, level=1)
    for fact in part.facts:
        document.add_paragraph(fact)
    _table(
        document,
        part.header,
        part.rows,
        [4.0, *([12.6 / max(len(part.header) - 1, 1)] * (len(part.header) - 1))],
    )
    if part.said:
        _after_table(
            document,
            "Vad de godkända rapporterna säger per område (styrgruppens bedömning, lägesbild "
            "och orsaksanalys, som stadsdelsområdena skrev dem):",
        )
        for row in part.said:
            area, district, report, *texts = row
            paragraph = document.add_paragraph(style="List Bullet")
            paragraph.add_run(f"{area}, {district} ({report.lower()}): ").bold = True
            paragraph.add_run(" ".join(t.rstrip(".") + "." for t in texts if t))
    else:
        _after_table(document, f"Ingen rapport för {summary.year} är godkänd ännu.")


def _plan(document: Document, summary: YearEnd, heading: str) -> None:
    """The plan for the year after: the handlingsplan's next version, an area a row."""
    part = summary.plan
    assert part is not None
    document.add_heading(heading, level=1)
    document.add_paragraph(part.state)
    if part.rows:
        _table(document, part.header, part.rows, [2.6, 4.6, 3.6, 2.8, 3.0])


def _charts(document: Document, summary: YearEnd, lines: list) -> None:  # type: ignore[type-arg]
    """The indicators' trends two to a row (a borderless table), each 7,8 cm wide."""
    drawn = [ln for ln in lines if len(ln.series) >= 2]
    if not drawn:
        return
    # A paragraph between two tables: without one Word joins them into one table and
    # LibreOffice draws the charts over the last rows of the table above.
    document.add_paragraph().paragraph_format.space_after = Pt(0)
    grid = document.add_table(rows=(len(drawn) + 1) // 2, cols=2)
    grid.autofit = False
    for column in grid.columns:
        column.width = Cm(WIDTH_CM / 2)
    for k, line in enumerate(drawn):
        png = line_png(
            line.title + (" – Exempeldata" if line.example else ""),
            line.unit,
            line.series,
            "Källa: Exempeldata (påhittade värden)." if line.example else line.source,
            last_year=summary.year,
            events=line.events,
        )
        cell = grid.cell(k // 2, k % 2)
        cell.width = Cm(WIDTH_CM / 2)
        run = cell.paragraphs[0].add_run()
        picture = run.add_picture(io.BytesIO(png), width=Cm(7.8))  # within the cell's margins
        shown = [p[0] for p in line.series if p[0] <= summary.year]
        # The alternative text a screen reader reads (and a test checks the years by).
        picture._inline.docPr.set(
            "descr",
            f"Diagram: {line.title}, {line.unit}, {shown[0]}–{shown[-1]}"
            + (", Exempeldata" if line.example else ""),
        )


def render(summary: YearEnd, author: str | None = None, today: date | None = None) -> bytes:
    """The document; ``author`` (the signed-in user) defaults to the organisation and
    ``today``, the date it says it was made, to today."""
    today = today or date.today()
    document = Document()
    _a4(document)
    _styles(document)
    _properties(document, summary, author)
    _footer(document, summary, today)
    headings = _opening(document, summary, author, today)
    _overview(document, summary, headings[0])
    for number, section in enumerate(summary.sections, start=2):
        _section(document, summary, number, section)
    if summary.reports is not None:
        _reports(document, summary, next(h for h in headings if summary.reports.heading in h))
    if summary.plan is not None:
        _plan(document, summary, next(h for h in headings if h.endswith(summary.plan.heading)))
    if summary.local is not None:
        _local(document, summary, headings[-2])
    _appendix(document, summary, headings[-1])
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _properties(document: Document, summary: YearEnd, author: str | None) -> None:
    properties = document.core_properties
    properties.author = author or ORGANISATION
    properties.last_modified_by = author or ORGANISATION
    properties.title = f"Årssammanställning {summary.year}: {summary.region_name}"
    properties.subject = (
        "Samverkansöverenskommelsen mellan Stockholms stad och Polisregion Stockholm"
    )
    properties.language = "sv-SE"
    properties.comments = ""


def _opening(document: Document, summary: YearEnd, author: str | None, today: date) -> list[str]:
    """The title, what the document is, the snapshot it shows, a warning for invented
    values, and the table of contents; the headings it lists."""
    title = document.add_paragraph(document.core_properties.title, style="Title")
    title.alignment = WD_ALIGN_PARAGRAPH.LEFT
    document.add_paragraph(
        f"Samverkansöverenskommelsen mellan Stockholms stad och Polisregion Stockholm "
        f"({summary.agreement}). Resultat per prioriterat område, genomförda åtgärder och plan "
        f"för {summary.year + 1}. Upprättad {date_text(today)} av "
        f"{author or ORGANISATION}."
    )
    if summary.as_of:
        document.add_paragraph().add_run(summary.as_of).bold = True
    if summary.reports is not None and summary.reports.preliminary:
        document.add_paragraph().add_run(summary.reports.preliminary).bold = True
    if any(line.example for s in summary.sections for line in s.lines):
        warning = document.add_paragraph().add_run(
            "Exempeldata: en del av värdena är påhittade för demonstration (markerade "
            "\u201dExempeldata\u201d i diagrammen) och är inte verkliga resultat."
        )
        warning.bold = True
    headings = ["1 Översikt"]
    headings += [f"{n} {s.title}" for n, s in enumerate(summary.sections, start=2)]
    if summary.reports is not None:
        headings.append(f"{len(headings) + 1} {summary.reports.heading}")
    if summary.plan is not None:
        headings.append(f"{len(headings) + 1} {summary.plan.heading}")
    if summary.local is not None:
        headings.append(f"{len(headings) + 1} {summary.local.heading}")
    headings.append(f"{len(headings) + 1} Bilaga: källor, metod och förbehåll")
    _contents(document, headings)
    return headings


def _overview(document: Document, summary: YearEnd, heading: str) -> None:
    document.add_heading(heading, level=1)
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
        [5.0, 3.6, 2.6, 5.4],
    )


def _section(document: Document, summary: YearEnd, number: int, section: AreaSection) -> None:
    """One priority area: its indicators (table, notes, charts, events), the judgement, the
    situation picture, the actions done and planned."""
    document.add_heading(f"{number} {section.title}", level=1)
    if not section.lines:
        document.add_paragraph("Inga indikatorer (området följs i ordinarie linjearbete).")
    else:
        _table(
            document,
            summary.line_header(),
            [ln.cells() for ln in section.lines],
            [3.3, 1.6, 1.6, 2.8, 1.2, 2.2, 3.9],
        )
        for line in section.lines:
            _line_notes(document, summary, line)
        _charts(document, summary, section.lines)
        if section.events:
            document.add_paragraph(f"Händelser {summary.year} (▲ i diagrammen; även serieavbrott):")
            for text in section.events:
                document.add_paragraph(text, style="List Bullet")
    document.add_heading(f"{number}.1 Bedömning", level=2)
    document.add_paragraph(
        first_upper(f"{section.judgement or 'ej bedömt'}. {section.justification}".strip())
    )
    sub = 2
    if section.comment:
        document.add_heading(f"{number}.{sub} Lägesbild och orsaksanalys", level=2)
        document.add_paragraph(section.comment)
        sub += 1
    document.add_heading(f"{number}.{sub} Genomförda åtgärder {summary.year}", level=2)
    _actions(document, section.done, "Inga genomförda åtgärder registrerade.")
    document.add_heading(f"{number}.{sub + 1} Plan för {summary.year + 1}", level=2)
    _actions(document, section.planned, "Inga planerade åtgärder registrerade.")
    if section.before_after:
        document.add_heading(f"{number}.{sub + 2} Hjälpte det? Före och efter åtgärderna", level=2)
        *lines, caveat = section.before_after
        for line in lines:
            document.add_paragraph(line, style="List Bullet")
        document.add_paragraph().add_run(caveat).italic = True


def _line_notes(document: Document, summary: YearEnd, line: IndicatorLine) -> None:
    """Under the table: women and men, the other municipalities, what drove the change,
    the judgement and the comment of one indicator."""
    if line.sexes:
        document.add_paragraph(f"{line.title}, {summary.year}: {line.sexes}.")
    if line.comparison:
        document.add_paragraph(f"{line.title}: {line.comparison}")
    if line.drivers:
        document.add_paragraph(f"{line.title}, {summary.year - 1}–{summary.year}: {line.drivers}")
    if line.driver_rows:
        _table(
            document,
            ["Vad drev förändringen?", str(summary.year - 1), str(summary.year),
             "Förändring", "Osäkerhet (95 %)"],
            line.driver_rows,
            [6.4, 2.2, 2.2, 2.4, 3.4],
        )  # fmt: skip
    if line.judgement:
        document.add_paragraph(f"{line.title}: bedömning {line.judgement}")
    if line.comment:
        document.add_paragraph(f"{line.title}: {line.comment}")


def _appendix(document: Document, summary: YearEnd, heading: str) -> None:
    """Sources, method and caveats: the notes, then every real source cited."""
    document.add_heading(heading, level=1)
    for note in summary.notes:
        document.add_paragraph(note, style="List Bullet")
    sources = sorted(
        {
            line.source
            for s in summary.sections
            for line in s.lines
            if line.source and not line.example
        }
    )
    for source in sources:
        document.add_paragraph(source, style="List Bullet")
