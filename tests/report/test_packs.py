"""Meeting packs of Översikt, Mötesläge and the year-end page, from the demo data, opened
again: the PDF's pages and title page, the deck's slides and their text."""

from __future__ import annotations

import io
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

    deck = Presentation(io.BytesIO(pack.render_pptx(built)))
    slides = list(deck.slides)
    assert len(slides) == 6
    first = " ".join(s.text_frame.text for s in slides[0].shapes if s.has_text_frame)
    assert f"{page}: Järva" in first and "Period: senaste värdet" in first
    cells = [c.text for s in slides[4].shapes if s.has_table for r in s.table.rows for c in r.cells]
    assert cells[:6] == pack.HEADER
    row = cells.index("Anmälda brott mot person")
    assert cells[row + 1].replace("\u00a0", " ") == "3 438 (2023)"
    assert cells[row + 2].replace("\u00a0", " ") == "2 859 (2022)"
    assert cells[row + 4] == "säkerställd försämring"


def test_the_year_end_pack_is_the_report_year(demo: Path) -> None:
    from service import reports

    summary = reports.summary(2023, "0180", "2024")
    built = packs.from_year_end(summary)
    assert built.title == "Årssammanställning 2023: Stockholms stad"
    assert dict(built.facts)["Period"] == "2023, jämfört med 2022"
    reader = PdfReader(io.BytesIO(pack.render_pdf(built)))
    assert len(reader.pages) == 6
    assert all(year <= 2023 for p in built.pages for r in p.rows for year, *_ in r.series)
