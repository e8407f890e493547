"""Meeting packs: what a page shows, as a PDF and a PowerPoint deck to project or send on,
drawn without a browser (matplotlib for the charts and the PDF, python-pptx for the deck).
A title page names the agreement, the area, the district, the period, the boundaries and the
data version; then one page per priority area: what its indicators show together, the group's
assessment, a table of the indicators (now, before, change, test, status) and their trends.
Example values are marked on every page they are on."""

from __future__ import annotations

import io
from dataclasses import dataclass, field

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib.backends.backend_pdf import PdfPages

from report.charts import draw_trend, line_png

EXAMPLE = "Exempeldata: påhittade värden för demonstration, inte verkliga resultat."
HEADER = ["Indikator", "Nu", "Före", "Förändring", "Prövning", "Status"]
NAVY = "#1F3A5F"


@dataclass
class PackRow:
    title: str
    unit: str
    now: str  # "11,8 % (2024)"
    before: str  # "12,1 % (2022)" or "–"
    change: str  # "−0,3 procentenheter" or ""
    test: str  # "inom felmarginalen", "säkerställd försämring", …
    status: str  # the status label
    example: bool
    source: str  # "Källa: BRÅ, anmälda brott." or the Exempeldata line
    series: list[tuple[int, float, float | None, float | None]] = field(default_factory=list)

    def cells(self) -> list[str]:
        title = self.title + (" (Exempeldata)" if self.example else "")
        return [title, self.now, self.before, self.change, self.test, self.status]


@dataclass
class PackPage:
    title: str  # the priority area
    verdict: str  # "Indikatorerna visar: blandat (2 förbättring · 4 oförändrat)"
    judgement: str  # "Gruppens bedömning: …"
    rows: list[PackRow]


@dataclass
class Pack:
    title: str  # "Mötesläge: Järva"
    facts: list[tuple[str, str]]  # (label, value) for the title page
    pages: list[PackPage]

    @property
    def example(self) -> bool:
        return any(r.example for p in self.pages for r in p.rows)


def _wrap(text: str, width: int) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(text, width)) or text


def render_pdf(pack: Pack) -> bytes:
    """A4 landscape pages: the title page, then one page per area."""
    buffer = io.BytesIO()
    metadata = {
        "Title": pack.title,
        "Subject": " · ".join(f"{k}: {v}" for k, v in pack.facts),
        "Author": "Stockholms stad och Polisregion Stockholm",
        "Keywords": "Exempeldata" if pack.example else "",
    }
    with PdfPages(buffer, metadata=metadata) as pdf:
        figure = plt.figure(figsize=(11.69, 8.27))
        figure.text(0.07, 0.82, pack.title, fontsize=26, color=NAVY, weight="bold")
        figure.text(
            0.07,
            0.76,
            "Samverkansöverenskommelsen mellan Stockholms stad och Polisregion Stockholm",
            fontsize=13,
        )
        for k, (label, value) in enumerate(pack.facts):
            figure.text(0.07, 0.66 - 0.045 * k, f"{label}:", fontsize=12, weight="bold")
            figure.text(0.27, 0.66 - 0.045 * k, value, fontsize=12)
        if pack.example:
            figure.text(0.07, 0.12, EXAMPLE, fontsize=12, color="#9C2A00", weight="bold")
        pdf.savefig(figure)
        plt.close(figure)
        for page in pack.pages:
            pdf.savefig(_pdf_page(page))
            plt.close("all")
    return buffer.getvalue()


def _pdf_page(page: PackPage) -> plt.Figure:
    figure = plt.figure(figsize=(11.69, 8.27))
    figure.text(0.05, 0.93, page.title, fontsize=20, color=NAVY, weight="bold")
    figure.text(0.05, 0.885, page.verdict, fontsize=11, weight="bold")
    figure.text(0.05, 0.855, _wrap(page.judgement, 150), fontsize=10, va="top")
    if not page.rows:
        figure.text(0.05, 0.7, "Området har inga indikatorer.", fontsize=12)
        return figure
    table_axis = figure.add_axes((0.05, 0.42, 0.9, 0.38))
    table_axis.axis("off")
    cells = [[_wrap(c, w) for c, w in zip(r.cells(), (44, 17, 17, 18, 20, 20), strict=True)]
             for r in page.rows]  # fmt: skip
    table = table_axis.table(
        cellText=cells,
        colLabels=HEADER,
        colWidths=[0.32, 0.12, 0.12, 0.13, 0.16, 0.15],
        loc="upper left",
        cellLoc="left",
    )
    table.auto_set_font_size(False)
    table.set_fontsize(8.5)
    table.scale(1, 2.5)
    for (row, _), cell in table.get_celld().items():
        if row == 0:
            cell.set_text_props(weight="bold")
            cell.set_facecolor("#DDE7F0")
    drawn = [r for r in page.rows if len(r.series) >= 2][:4]
    for k, row in enumerate(drawn):
        axis = figure.add_axes((0.05 + k * 0.235, 0.12, 0.2, 0.2))
        draw_trend(axis, row.series)
        axis.set_title(
            _wrap(row.title + (" – Exempeldata" if row.example else ""), 38), fontsize=8, loc="left"
        )
        axis.set_ylabel(row.unit, fontsize=7)
        axis.set_ylim(bottom=0)
        axis.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(nbins=4, integer=True))
        axis.tick_params(labelsize=7)
        axis.spines[["top", "right"]].set_visible(False)
        axis.text(0, -0.2, _wrap(row.source, 48), fontsize=6, transform=axis.transAxes, va="top")
    return figure


def render_pptx(pack: Pack) -> bytes:
    """16:9 slides: the title slide, then one per area with the table and up to four
    trends."""
    from pptx import Presentation
    from pptx.dml.color import RGBColor
    from pptx.util import Cm, Pt

    deck = Presentation()
    deck.slide_width, deck.slide_height = Cm(33.867), Cm(19.05)
    deck.core_properties.title = pack.title
    deck.core_properties.author = "Stockholms stad och Polisregion Stockholm"
    deck.core_properties.subject = " · ".join(f"{k}: {v}" for k, v in pack.facts)[:255]
    blank = deck.slide_layouts[6]

    def text(slide, left, top, width, height, value, size, bold=False, colour=None):  # type: ignore[no-untyped-def]
        box = slide.shapes.add_textbox(Cm(left), Cm(top), Cm(width), Cm(height))
        frame = box.text_frame
        frame.word_wrap = True
        frame.text = value
        for paragraph in frame.paragraphs:
            for run in paragraph.runs:
                run.font.size = Pt(size)
                run.font.bold = bold
                if colour:
                    run.font.color.rgb = RGBColor.from_string(colour)
        return box

    title = deck.slides.add_slide(blank)
    text(title, 2, 2, 30, 2.5, pack.title, 36, True, NAVY[1:])
    agreement = "Samverkansöverenskommelsen mellan Stockholms stad och Polisregion Stockholm"
    text(title, 2, 4.6, 30, 1.2, agreement, 16)
    text(title, 2, 6.5, 30, 8, "\n".join(f"{k}: {v}" for k, v in pack.facts), 16)
    if pack.example:
        text(title, 2, 16, 30, 1.2, EXAMPLE, 16, True, "9C2A00")
    for page in pack.pages:
        slide = deck.slides.add_slide(blank)
        text(slide, 1.2, 0.6, 31, 1.6, page.title, 28, True, NAVY[1:])
        text(slide, 1.2, 2.2, 31, 0.9, page.verdict, 14, True)
        text(slide, 1.2, 3.0, 31, 0.9, page.judgement, 12)
        if not page.rows:
            text(slide, 1.2, 5, 31, 1, "Området har inga indikatorer.", 14)
            continue
        shape = slide.shapes.add_table(
            len(page.rows) + 1,
            len(HEADER),
            Cm(1.2),
            Cm(4.2),
            Cm(31.4),
            Cm(0.8 * (len(page.rows) + 1)),
        )
        table = shape.table
        for column, width in enumerate((10.4, 4, 4, 4.2, 4.6, 4.2)):
            table.columns[column].width = Cm(width)
        for row_index, values in enumerate([HEADER, *[r.cells() for r in page.rows]]):
            for column, value in enumerate(values):
                cell = table.cell(row_index, column)
                cell.text = value
                for paragraph in cell.text_frame.paragraphs:
                    for run in paragraph.runs:
                        run.font.size = Pt(10)
                        run.font.bold = row_index == 0
        drawn = [r for r in page.rows if len(r.series) >= 2][:4]
        for k, row in enumerate(drawn):
            png = line_png(
                row.title + (" – Exempeldata" if row.example else ""), row.unit, row.series,
                row.source,
            )  # fmt: skip
            slide.shapes.add_picture(io.BytesIO(png), Cm(1.2 + k * 8.0), Cm(12.2), width=Cm(7.6))
    buffer = io.BytesIO()
    deck.save(buffer)
    return buffer.getvalue()
