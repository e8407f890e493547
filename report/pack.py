"""Meeting packs: what a page shows, as a PDF and a PowerPoint deck to project or send on,
drawn without a browser (matplotlib for the charts and the PDF, python-pptx for the deck).
A title page names the agreement, the area, the district, the period, the boundaries and the
data version; then one page per priority area: what its indicators show together, the group's
assessment, a table of the indicators (now, before, change, test, status) and their trends.
Example values are marked on every page they are on."""

from __future__ import annotations

import io
import textwrap
from collections.abc import Callable
from dataclasses import dataclass, field

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib.backends.backend_pdf import PdfPages

from report.charts import draw_trend, floor_at_zero, line_png

EXAMPLE = "Exempeldata: påhittade värden för demonstration, inte verkliga resultat."
HEADER = ["Indikator", "Nu", "Jämförs med", "Förändring", "Prövning", "Status"]
NAVY = "#1F3A5F"


@dataclass
class PackRow:
    title: str
    unit: str
    now: str  # "11,8 % (2024)"
    before: str  # what the status compares with: "12,1 % (basåret 2022)" or "–"
    change: str  # "−0,3 procentenheter" or ""
    test: str  # "inom felmarginalen", "säkerställd försämring", …
    status: str  # the status with what it compares with ("Förbättring sedan basåret 2021")
    example: bool
    source: str  # "Källa: BRÅ, anmälda brott." or the Exempeldata line
    series: list[tuple[int, float, float | None, float | None]] = field(default_factory=list)

    def cells(self) -> list[str]:
        title = self.title + (" (Exempeldata)" if self.example else "")
        return [title, self.now, self.before, self.change, self.test, self.status]


Point = tuple[float, float | None, float | None, float | None]  # (x, value, lower, upper)


@dataclass
class PackChart:
    """A chart of one or more lines (x in years: a month is year + (month − 1) / 12); a single
    line has its 95 % interval as a band."""

    title: str
    unit: str
    lines: list[tuple[str, list[Point]]]  # (name, points)
    source: str
    example: bool = False


@dataclass
class PackPage:
    """A priority area's page (``rows``: the indicator table and trends), or a page of its
    own table (``header``/``table``, column ``widths`` as shares) and ``charts``."""

    title: str  # the priority area, or what the page shows
    verdict: str = ""  # "Indikatorerna visar: blandat (2 förbättring · 4 oförändrat)"
    judgement: str = ""  # "Gruppens bedömning: …"
    rows: list[PackRow] = field(default_factory=list)
    header: list[str] = field(default_factory=list)
    table: list[list[str]] = field(default_factory=list)
    widths: list[float] = field(default_factory=list)
    charts: list[PackChart] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    example: bool = False  # the table holds invented values

    @property
    def own(self) -> bool:
        return not self.rows and bool(self.header or self.charts)


@dataclass
class Pack:
    title: str  # "Mötesläge: Järva"
    facts: list[tuple[str, str]]  # (label, value) for the title page
    pages: list[PackPage]

    @property
    def example(self) -> bool:
        return any(
            p.example or any(r.example for r in p.rows) or any(c.example for c in p.charts)
            for p in self.pages
        )


def table_pages(
    title: str,
    header: list[str],
    table: list[list[str]],
    widths: list[float],
    *,
    per_page: int = 16,
    example: bool = False,
    notes: list[str] | None = None,
) -> list[PackPage]:
    """A long table over as many pages as it needs, its header on each ("(forts.)" after
    the first)."""
    chunks = [table[k : k + per_page] for k in range(0, len(table), per_page)] or [[]]
    return [
        PackPage(
            title=title if k == 0 else f"{title} (forts.)",
            header=header,
            table=chunk,
            widths=widths,
            example=example,
            notes=(notes or []) if k == len(chunks) - 1 else [],
        )
        for k, chunk in enumerate(chunks)
    ]


# Okabe–Ito, then the same hues dashed: up to 16 lines a colour-blind reader can tell apart.
COLOURS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000", "#999999"]


def draw_chart(axis: plt.Axes, chart: PackChart, size: float = 8) -> None:
    """A chart on ``axis``: its lines (one with its band), title, unit, years, and a legend
    when there are several lines."""
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    from swedish.format import number

    title = chart.title + (" – Exempeldata" if chart.example else "")
    if len(chart.lines) == 1:
        draw_trend(axis, [p for p in chart.lines[0][1] if p[1] is not None])  # type: ignore[misc]
    else:
        for k, (name, points) in enumerate(chart.lines):
            shown = [p for p in points if p[1] is not None]
            axis.plot([p[0] for p in shown], [p[1] for p in shown], label=name, lw=1.6,
                      color=COLOURS[k % len(COLOURS)], ls="-" if k < len(COLOURS) else "--",
                      marker="o" if len(shown) < 30 else None, markersize=2.5)  # fmt: skip
        axis.legend(fontsize=size - 2, loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False)
    axis.set_title(_wrap(title, 60 if size > 8 else 38), fontsize=size, loc="left")
    axis.set_ylabel(chart.unit, fontsize=size - 1)
    floor_at_zero(axis, [p[1] for _, points in chart.lines for p in points])
    axis.xaxis.set_major_locator(MaxNLocator(nbins=6, integer=True))
    axis.xaxis.set_major_formatter(FuncFormatter(lambda v, _: str(int(v))))
    axis.yaxis.set_major_formatter(
        FuncFormatter(lambda v, _: number(v, 0 if float(v).is_integer() else 1))
    )
    axis.tick_params(labelsize=size - 1)
    axis.grid(axis="y", color="#dddddd")
    axis.spines[["top", "right"]].set_visible(False)


def chart_png(chart: PackChart, width: float, height: float) -> bytes:
    """A chart as PNG of ``width`` × ``height`` inches, its source line underneath."""
    figure, axis = plt.subplots(figsize=(width, height), dpi=150)
    draw_chart(axis, chart, 9 if width > 6 else 8)
    figure.text(0.01, 0.01, _wrap(chart.source, int(width * 22)), fontsize=6, color="#444444")
    figure.tight_layout(rect=(0, 0.08, 1, 1))
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    plt.close(figure)
    return buffer.getvalue()


def _grid(count: int) -> tuple[int, int]:
    """Columns and rows for ``count`` charts on a page."""
    columns = 1 if count == 1 else 2 if count <= 4 else 3 if count <= 9 else 4
    return columns, -(-count // columns)


def _wrap(text: str, width: int) -> str:
    return "\n".join(textwrap.wrap(text, width)) or text


def render_pdf(pack: Pack) -> bytes:
    """A4 landscape pages: the title page, then one page per area. Every text is drawn as
    it is: matplotlib reads a text between two dollar signs as mathematics, so a note with
    "5 $ och 10 $" would come out as a formula (issue 34); that is turned off here."""
    with matplotlib.rc_context({"text.parse_math": False, "text.usetex": False}):
        return _render_pdf(pack)


def _render_pdf(pack: Pack) -> bytes:
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
        y = 0.66
        for label, value in pack.facts:
            figure.text(0.07, y, f"{label}:", fontsize=12, weight="bold", va="top")
            wrapped = _wrap(value, 95)
            figure.text(0.27, y, wrapped, fontsize=12, va="top")
            y -= 0.045 + 0.025 * wrapped.count("\n")
        if pack.example:
            figure.text(0.07, 0.12, EXAMPLE, fontsize=12, color="#9C2A00", weight="bold")
        pdf.savefig(figure)
        plt.close(figure)
        for page in pack.pages:
            pdf.savefig(_pdf_page(page))
            plt.close("all")
    return buffer.getvalue()


def _pdf_table(
    figure: plt.Figure, box: tuple[float, float, float, float], header: list[str],
    cells: list[list[str]], widths: list[float], size: float, scale: float,
) -> None:  # fmt: skip
    axis = figure.add_axes(box)
    axis.axis("off")
    # The widths are shares of the table's width (as the slides take them): whatever they sum
    # to, the columns fill the box (summing to 7,8 the first column took all of it).
    widths = _shares(widths)
    characters = [max(8, int(w * 140)) for w in widths]
    wrapped = [[_wrap(c, n) for c, n in zip(r, characters, strict=True)] for r in cells]
    table = axis.table(
        cellText=wrapped or [[""] * len(header)],
        colLabels=[_wrap(h, n) for h, n in zip(header, characters, strict=True)],
        colWidths=widths,
        loc="upper left",
        cellLoc="left",
    )
    table.auto_set_font_size(False)
    table.set_fontsize(size)
    table.scale(1, scale)
    lines: dict[int, int] = {}
    for (row, _), cell in table.get_celld().items():
        lines[row] = max(lines.get(row, 1), cell.get_text().get_text().count("\n") + 1)
    for (row, _), cell in table.get_celld().items():
        cell.set_height(cell.get_height() * (1 + 0.6 * (lines[row] - 1)))
        if row == 0:
            cell.set_text_props(weight="bold")
            cell.set_facecolor("#DDE7F0")


def _shares(widths: list[float]) -> list[float]:
    total = sum(widths) or 1.0
    return [w / total for w in widths]


def _lines(table: list[list[str]], widths: list[float]) -> int:
    """How many text lines the rows of a table take (a wrapped cell makes its row taller)."""
    characters = [max(8, int(w * 140)) for w in _shares(widths)]
    return sum(
        max(1, *(len(textwrap.wrap(c, n)) or 1 for c, n in zip(r, characters, strict=True)))
        for r in table
    )


def _pdf_own_page(figure: plt.Figure, page: PackPage, top: float) -> plt.Figure:
    """A page of its own table and charts: the table above, the charts under it (or filling
    the page when there is no table)."""
    bottom = 0.1
    if page.table:
        height = min(top - 0.1, 0.03 * (_lines(page.table, page.widths) + 2))
        if page.charts:
            height = min(height, top - 0.42)
        _pdf_table(figure, (0.05, top - height, 0.9, height), page.header, page.table,
                   page.widths, 8.5, 1.6)  # fmt: skip
        top -= height + 0.07
    if page.notes:
        figure.text(0.05, 0.02, _wrap(" ".join(page.notes), 190), fontsize=7.5, va="bottom")
        bottom = 0.04 + 0.018 * _wrap(" ".join(page.notes), 190).count("\n")
    if page.charts:
        columns, rows = _grid(len(page.charts))
        legend = any(len(c.lines) > 1 for c in page.charts)
        right = 0.78 if legend else 0.95
        width = (right - 0.05) / columns
        height = (top - bottom) / rows
        for k, chart in enumerate(page.charts):
            column, row = k % columns, k // columns
            left = 0.05 + column * width + 0.035
            low = top - (row + 1) * height + 0.075
            axis = figure.add_axes((left, low, width - 0.05, height - 0.115))
            draw_chart(axis, chart, 9 if columns == 1 else 7.5)
            figure.text(left, low - 0.045, _wrap(chart.source, int(width * 190)), fontsize=6,
                        va="top", color="#444444")  # fmt: skip
    return figure


def _pdf_page(page: PackPage) -> plt.Figure:
    figure = plt.figure(figsize=(11.69, 8.27))
    size = 20 if len(page.title) <= 60 else 16 if len(page.title) <= 80 else 13
    figure.text(0.05, 0.93, page.title, fontsize=size, color=NAVY, weight="bold")
    figure.text(0.05, 0.885, page.verdict, fontsize=11, weight="bold")
    figure.text(0.05, 0.855, _wrap(page.judgement, 150), fontsize=10, va="top")
    if page.own:
        top = 0.86 if not (page.verdict or page.judgement) else 0.8
        return _pdf_own_page(figure, page, top)
    if not page.rows:
        figure.text(0.05, 0.7, "Området har inga indikatorer.", fontsize=12)
        return figure
    table_axis = figure.add_axes((0.05, 0.42, 0.9, 0.38))
    table_axis.axis("off")
    # The status names its reference ("Ingen säkerställd förändring sedan basåret 2022"): the
    # widest column after the indicator's, so that it takes two lines like the others.
    cells = [[_wrap(c, w) for c, w in zip(r.cells(), (36, 15, 17, 17, 20, 36), strict=True)]
             for r in page.rows]  # fmt: skip
    table = table_axis.table(
        cellText=cells,
        colLabels=HEADER,
        colWidths=[0.25, 0.1, 0.13, 0.12, 0.14, 0.26],
        loc="upper left",
        cellLoc="left",
    )
    table.auto_set_font_size(False)
    table.set_fontsize(8.5)
    table.scale(1, 2.5)
    # A row is two lines high; a row with a cell of three or more lines grows to hold it.
    lines = [max(c.count("\n") + 1 for c in row) for row in cells]
    for (row, _), cell in table.get_celld().items():
        if row == 0:
            cell.set_text_props(weight="bold")
            cell.set_facecolor("#DDE7F0")
        elif lines[row - 1] > 2:
            cell.set_height(cell.get_height() * lines[row - 1] / 2)
    drawn = [r for r in page.rows if len(r.series) >= 2][:4]
    for k, row in enumerate(drawn):
        axis = figure.add_axes((0.05 + k * 0.235, 0.12, 0.2, 0.2))
        draw_trend(axis, row.series)
        axis.set_title(
            _wrap(row.title + (" – Exempeldata" if row.example else ""), 38), fontsize=8, loc="left"
        )
        axis.set_ylabel(row.unit, fontsize=7)
        floor_at_zero(axis, [s[1] for s in row.series] + [s[3] for s in row.series])
        axis.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(nbins=4, integer=True))
        axis.tick_params(labelsize=7)
        axis.spines[["top", "right"]].set_visible(False)
        axis.text(0, -0.2, _wrap(row.source, 48), fontsize=6, transform=axis.transAxes, va="top")
    if page.notes:
        figure.text(0.05, 0.015, _wrap(" ".join(page.notes), 200), fontsize=7, va="bottom")
    return figure


def _title_size(title: str, size: int, fits: int) -> int:
    """A title's font size on a slide: ``size`` when it has at most ``fits`` characters (one
    line), smaller as it grows, so that it stays on one line above what follows."""
    return size if len(title) <= fits else max(14, int(size * fits / len(title)))


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
    text(title, 2, 2, 30, 2.5, pack.title, _title_size(pack.title, 36, 34), True, NAVY[1:])
    agreement = "Samverkansöverenskommelsen mellan Stockholms stad och Polisregion Stockholm"
    text(title, 2, 4.6, 30, 1.2, agreement, 16)
    text(title, 2, 6.5, 30, 8, "\n".join(f"{k}: {v}" for k, v in pack.facts), 16)
    if pack.example:
        text(title, 2, 16, 30, 1.2, EXAMPLE, 16, True, "9C2A00")
    for page in pack.pages:
        slide = deck.slides.add_slide(blank)
        text(slide, 1.2, 0.6, 31, 1.6, page.title, _title_size(page.title, 28, 46), True, NAVY[1:])
        text(slide, 1.2, 2.2, 31, 0.9, page.verdict, 14, True)
        text(slide, 1.2, 3.0, 31, 0.9, page.judgement, 12)
        if page.own:
            _pptx_own_slide(slide, page, text)
            continue
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
        for column, width in enumerate((8.2, 3.6, 4.4, 3.8, 4.2, 7.2)):
            table.columns[column].width = Cm(width)
        for row_index, values in enumerate([HEADER, *[r.cells() for r in page.rows]]):
            table.rows[row_index].height = Cm(0.8)
            for column, value in enumerate(values):
                cell = table.cell(row_index, column)
                cell.text = value
                cell.margin_top = cell.margin_bottom = Cm(0.05)
                for paragraph in cell.text_frame.paragraphs:
                    for run in paragraph.runs:
                        run.font.size = Pt(9)
                        run.font.bold = row_index == 0
        drawn = [r for r in page.rows if len(r.series) >= 2][:4]
        for k, row in enumerate(drawn):
            png = line_png(
                row.title + (" – Exempeldata" if row.example else ""), row.unit, row.series,
                row.source,
            )  # fmt: skip
            picture = slide.shapes.add_picture(
                io.BytesIO(png), Cm(1.2 + k * 8.0), Cm(12.2), width=Cm(7.6)
            )
            years = [p[0] for p in row.series]
            _alt_text(picture, f"Diagram: {row.title}, {row.unit}, {years[0]}–{years[-1]}"
                      + (", Exempeldata" if row.example else ""))  # fmt: skip
        if page.notes:
            text(slide, 1.2, 17.6, 31.4, 1.3, " ".join(page.notes), 9)
    _swedish(deck)
    buffer = io.BytesIO()
    deck.save(buffer)
    return buffer.getvalue()


def _alt_text(picture: object, text: str) -> None:
    """The alternative text a screen reader reads for a picture of a chart."""
    picture._element.nvPicPr.cNvPr.set("descr", text)  # type: ignore[attr-defined]


def _swedish(deck: object) -> None:
    """Every text of the slides marked Swedish (python-pptx's template says en-US, so a
    screen reader would read the Swedish text with an English voice), and the deck too."""
    deck.core_properties.language = "sv-SE"  # type: ignore[attr-defined]
    parts = [
        deck.part,  # type: ignore[attr-defined]  (presentation.xml: the default text style)
        *deck.slide_masters,  # type: ignore[attr-defined]
        *deck.slide_layouts,  # type: ignore[attr-defined]
        *deck.slides,  # type: ignore[attr-defined]
    ]
    for part in parts:
        root = part._element if hasattr(part, "_element") else part.element  # type: ignore[attr-defined]
        for element in root.iter():
            if element.tag.rsplit("}", 1)[-1] in ("rPr", "endParaRPr", "defRPr"):
                element.set("lang", "sv-SE")


def _pptx_own_slide(slide: object, page: PackPage, text: Callable[..., object]) -> None:
    """A slide of its own table and charts (16:9, 33.9 × 19.1 cm)."""
    from pptx.util import Cm, Pt

    top = 2.4 if not (page.verdict or page.judgement) else 4.2
    if page.table:
        rows = len(page.table) + 1
        height = (0.75 if rows <= 12 else 0.6) * rows
        shape = slide.shapes.add_table(rows, len(page.header), Cm(1.2), Cm(top), Cm(31.4),  # type: ignore[attr-defined]
                                       Cm(height))  # fmt: skip
        table = shape.table
        for column, share in enumerate(page.widths):
            table.columns[column].width = Cm(31.4 * share / sum(page.widths))
        for row_index, values in enumerate([page.header, *page.table]):
            for column, value in enumerate(values):
                cell = table.cell(row_index, column)
                cell.text = value
                cell.margin_top = cell.margin_bottom = Cm(0.05)
                for paragraph in cell.text_frame.paragraphs:
                    for run in paragraph.runs:
                        run.font.size = Pt(10 if rows <= 12 else 8)
                        run.font.bold = row_index == 0
            table.rows[row_index].height = Cm(height / rows)
        top += height + 0.5
    bottom = 18.2
    if page.notes:
        text(slide, 1.2, 17.2, 31.4, 1.6, " ".join(page.notes), 9)
        bottom = 17.0
    if page.charts and bottom - top > 3:
        columns, rows = _grid(len(page.charts))
        width, height = 31.4 / columns, (bottom - top) / rows
        for k, chart in enumerate(page.charts):
            png = chart_png(chart, (width - 0.3) / 2.54, (height - 0.2) / 2.54)
            picture = slide.shapes.add_picture(  # type: ignore[attr-defined]
                io.BytesIO(png), Cm(1.2 + (k % columns) * width), Cm(top + (k // columns) * height),
                width=Cm(width - 0.3),
            )  # fmt: skip
            _alt_text(picture, f"Diagram: {chart.title}, {chart.unit}"
                      + (", Exempeldata" if chart.example else ""))  # fmt: skip
