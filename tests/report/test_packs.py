"""Meeting packs of Översikt, Mötesläge and the year-end page, from the demo data, opened
again: the PDF's pages and title page, the deck's slides and their text."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest
from pptx import Presentation
from pypdf import PdfReader

from report import pack
from service import packs


@pytest.fixture
def demo(demo_db_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("DASHBOARD_DB", str(demo_db_path))
    return demo_db_path


@pytest.mark.parametrize("page", ["Översikt", "Mötesläge"])
@pytest.mark.slow
def test_a_pack_for_a_district_as_pdf_and_powerpoint(demo: Path, page: str) -> None:
    built = packs.build(page, "80132")  # Järva
    assert built.title == f"{page}: Järva"
    facts = dict(built.facts)
    assert facts["Överenskommelse"].startswith("Överenskommelsen 2024")
    assert facts["Område"] == "Järva"
    assert facts["Indelning"].startswith("dagens stadsdelsområden")
    assert facts["Dataversion"].startswith("sats ")
    assert facts["Period"].startswith("senaste värdet per indikator, ")

    reader = PdfReader(io.BytesIO(pack.render_pdf(built)))
    assert len(reader.pages) == 1 + 5  # the title page and one per priority area
    title_page = reader.pages[0].extract_text()
    assert f"{page}: Järva" in title_page and "Dataversion:" in title_page
    assert "Exempeldata" in title_page  # the demo's survey values are invented
    victims = reader.pages[4].extract_text()
    assert "Särskilt utsatta och sårbara brottsoffer" in victims
    assert "Anmälda brott mot person" in victims and "3 438 (2023)" in victims.replace(
        "\u00a0", " "
    )

    assert reader.metadata.title == f"{page}: Järva"
    deck_bytes = pack.render_pptx(built)
    deck = Presentation(io.BytesIO(deck_bytes))
    slides = list(deck.slides)
    assert len(slides) == 6
    # Swedish for a screen reader: the title, the language of every text, each chart's text.
    assert deck.core_properties.title == f"{page}: Järva"
    assert deck.core_properties.language == "sv-SE"
    with zipfile.ZipFile(io.BytesIO(deck_bytes)) as parts:
        xml = " ".join(parts.read(n).decode() for n in parts.namelist() if n.endswith(".xml"))
    assert set(re.findall(r' lang="([^"]+)"', xml)) == {"sv-SE"}
    pictures = [s for s in slides[4].shapes if s.shape_type == 13]  # pictures: the trends
    described = [p._element.nvPicPr.cNvPr.get("descr") for p in pictures]
    assert "Diagram: Anmälda brott mot person, antal anmälda brott, 2020–2023" in described
    first = " ".join(s.text_frame.text for s in slides[0].shapes if s.has_text_frame)
    assert f"{page}: Järva" in first and "Period: senaste värdet" in first
    cells = [c.text for s in slides[4].shapes if s.has_table for r in s.table.rows for c in r.cells]
    assert cells[:6] == pack.HEADER
    row = cells.index("Anmälda brott mot person")
    assert cells[row + 1].replace("\u00a0", " ") == "3 438 (2023)"
    # The status's own comparison: since the baseline 2021, the change it tested, its test.
    assert cells[row + 2].replace("\u00a0", " ") == "3 245 (basåret 2021)"
    assert cells[row + 3] == "+193"
    assert cells[row + 4] == "säkerställd försämring"
    assert cells[row + 5] == "Försämring sedan basåret 2021"


@pytest.mark.slow
def test_the_year_end_pack_is_the_report_year(demo: Path) -> None:
    from service import reports

    summary = reports.summary(2023, "0180", "2024")
    built = packs.from_year_end(summary)
    assert built.title == "Årssammanställning 2023: Stockholms stad"
    assert dict(built.facts)["Period"] == "2023 (varje rad anger vad den jämförs med)"
    # Each row: the value with its period, the reference with its own, the tested change.
    rows = {r.title: r for p in built.pages for r in p.rows}
    murders = rows["Mord och dråp inklusive försök"]
    assert (murders.now, murders.before, murders.change) == ("51 (2023)", "–", "")
    assert murders.test == "ingen jämförelse: 2022 täcks bara från 19 okt"
    leavers = rows["Personer som fått stöd att lämna kriminella nätverk"]
    assert (leavers.before, leavers.change, leavers.test, leavers.status) == (
        "60 (2022)", "\u221222", "säkerställd försämring", "Försämring sedan 2022",
    )  # fmt: skip
    reader = PdfReader(io.BytesIO(pack.render_pdf(built)))
    # The title, the five areas, the districts' reports, the plan for the year after, the local
    # agreements' coverage.
    assert len(reader.pages) == 9  # (no plan for 2024: one page saying so)
    assert [p.title for p in built.pages[-3:]] == [
        "Stadsdelsområdenas rapporter till beredningsgruppen",
        "Handlingsplan för 2024",
        "Lokala överenskommelser: täckning och revision",
    ]
    assert all(year <= 2023 for p in built.pages for r in p.rows for year, *_ in r.series)


def _pdf_text(data: bytes) -> list[str]:
    return [
        " ".join(p.extract_text().replace("\u00a0", " ").split())
        for p in PdfReader(io.BytesIO(data)).pages
    ]


@pytest.mark.slow
def test_the_indicator_pack_is_the_latest_year_per_district_and_every_trend(demo: Path) -> None:
    built = packs.indicator("misshandel")
    assert built.title == "Indikator: Anmäld misshandel"
    facts = dict(built.facts)
    assert facts["Period"] == "2020–2023"
    assert facts["Indikator"] == "Anmäld misshandel (antal anmälda brott)"
    assert facts["Prioriterade områden"] == "Särskilt utsatta och sårbara brottsoffer"
    table, trends = built.pages
    assert table.title == "Anmäld misshandel 2023, per stadsdelsområde"
    assert table.header == ["Område", "antal anmälda brott", "Osäkerhet (95 %)", "Placering",
                            "Utveckling"]  # fmt: skip
    rows = {r[0]: r for r in table.table}
    # As the Indikator page's table shows it (BRÅ 2023, preliminary).
    assert rows["Bromma"][1:3] == ["496", "453–542"]
    # A count is not ranked: a larger district has more of everything.
    assert rows["Bromma"][3] == "rangordnas inte (antal)"
    assert table.table[0][0] == "Bromma"  # in alphabetical order
    assert table.table[-1][0] == "Stockholms stad"
    # A count: no city panel on the districts' scale; every district's trend to 2023.
    assert [c.title for c in trends.charts][:2] == ["Bromma", "Enskede-Årsta-Vantör"]
    assert len(trends.charts) == 11
    assert all(max(x for x, *_ in c.lines[0][1]) == 2023 for c in trends.charts)

    pages = _pdf_text(pack.render_pdf(built))
    assert len(pages) == 3
    assert "Bromma 496 453–542 rangordnas inte (antal)" in pages[1]
    deck = Presentation(io.BytesIO(pack.render_pptx(built)))
    slides = list(deck.slides)
    assert len(slides) == 3
    cells = [c.text for s in slides[1].shapes if s.has_table for r in s.table.rows for c in r.cells]
    assert cells[:5] == table.header
    assert sum(1 for s in slides[2].shapes if s.shape_type == 13) == 11  # the trends, as pictures


def test_a_long_table_runs_over_pages_with_its_header_and_example_rows_are_said(
    demo: Path,
) -> None:
    import pandas as pd

    frame = pd.DataFrame(
        {
            "Indikator": [f"Indikator {k}" for k in range(20)],
            "Värde": [f"{k},0 %" for k in range(20)],
            "Exempeldata": ["ja" if k == 19 else "" for k in range(20)],
        }
    )
    facts = packs.facts("Unga i riskzon", "Bromma och Järva", "2024")
    built = packs.table("Jämför: Bromma mot Järva", frame, [0.5, 0.3, 0.2], facts)
    assert [p.title for p in built.pages] == ["Jämför: Bromma mot Järva",
                                             "Jämför: Bromma mot Järva (forts.)"]  # fmt: skip
    assert [len(p.table) for p in built.pages] == [16, 4]
    assert built.example
    pages = _pdf_text(pack.render_pdf(built))
    assert "Exempeldata: påhittade värden" in pages[0]
    assert "Indikator Värde Exempeldata" in pages[2] and "Indikator 19 19,0 % ja" in pages[2]


@pytest.mark.slow
def test_the_crime_pack_has_the_chart_and_the_yearly_table_shown(demo: Path) -> None:
    from service import crime as views

    category = next(c for c in views.crime_categories() if c.label.startswith("3-7 kap."))
    regions, _ = views.crime_regions(category, "today")
    codes = tuple(regions.loc[regions["kind"] == "district", "code"])
    frame = views.crime_series(category.count_measure, codes, "count", "today", "year")
    shown = views.crime_table(frame, "Antal anmälda brott", "year")
    facts = packs.facts("ingen särskild", "alla stadsdelsområden", "2020–2023")
    built = packs.crime(frame, shown, "Anmälda brott: 3-7 kap.", "Antal anmälda brott", "year",
                        facts, ["En anteckning."], "Källa: BRÅ.")  # fmt: skip
    chart = built.pages[0].charts[0]
    assert len(chart.lines) == len(codes)
    jarva = dict((x, v) for x, v, *_ in dict(chart.lines)["Järva"])
    assert jarva[2023.0] == 3438  # as Översikt's pack and the page say
    assert sum(len(p.table) for p in built.pages[1:]) == len(shown)
    pages = _pdf_text(pack.render_pdf(built))
    assert "En anteckning." in pages[1] and "Källa: BRÅ." in pages[1]
    assert any("Järva 2023 3 438 ja" in p for p in pages[2:])
    monthly = packs.crime(frame, shown, "x", "y", "month", facts, [], "Källa: BRÅ.")
    assert len(monthly.pages) == 1 and "Excel-nedladdningen" in monthly.pages[0].notes[-1]


def test_typed_text_is_drawn_as_typed_never_as_mathematics() -> None:
    """matplotlib reads text between two dollar signs as a formula: a judgement, a table
    cell or a note a user typed is drawn as typed (issue 34)."""
    typed = "Kostnad 5 $ per deltagare, 10 $ totalt; x_1^2 {obs}"
    built = pack.Pack(
        title="Översikt: Järva $test$",
        facts=[("Område", "Järva $a$ och $b$")],
        pages=[
            pack.PackPage(
                title="Unga i riskzon",
                verdict="Indikatorerna visar: blandat",
                judgement=f"Gruppens bedömning: {typed}",
                notes=[typed],
            ),
            pack.PackPage(
                title="Åtgärder",
                header=["Åtgärd", "Anteckning"],
                table=[["$\\alpha$ trygghetsvandring", typed]],
                widths=[0.4, 0.6],
            ),
        ],
    )
    text = " ".join(
        page.extract_text() for page in PdfReader(io.BytesIO(pack.render_pdf(built))).pages
    )
    flat = " ".join(text.split())
    assert "Översikt: Järva $test$" in flat and "Järva $a$ och $b$" in flat
    assert "Kostnad 5 $ per deltagare, 10 $ totalt" in flat
    assert "$\\alpha$ trygghetsvandring" in flat
