"""The year-end summary from the demo data, opened again as Word and Excel and checked
against the indicator values, the actions of the year and suppression."""

from __future__ import annotations

import math
import re
from pathlib import Path

import docx
import openpyxl
import pytest

from catalogue.catalogue import load_catalogue
from cli.report import main
from indicators.basis import Request
from indicators.compute import compute
from swedish.format import number, percent
from tests.conftest import reading

AREAS = [
    "Unga i riskzon för destruktivt beteende",
    "Otrygga och brottsutsatta platser",
    "Systemhotande brottslighet",
    "Särskilt utsatta och sårbara brottsoffer",
    "Kriminella miljöer och livsstilar",
]


@pytest.fixture(scope="module")
def expected(demo_db_path: Path) -> dict[str, str]:
    """Each indicator's city value for 2023 as `indicators values` gives it, formatted."""

    con = reading(demo_db_path)
    catalogue = load_catalogue()
    result = {}
    for _indicator, definition in catalogue.definitions.items():
        frame = compute(con, definition, catalogue, Request(region_codes=("0180",)))
        row = (
            frame[(frame["year"] == 2023) & (frame["sex"] == "total")] if not frame.empty else frame
        )
        if row.empty:
            result[definition.title] = "–"
        elif row.iloc[0]["suppressed"]:
            result[definition.title] = "skyddat"
        else:
            value = float(row.iloc[0]["value"])
            result[definition.title] = (
                percent(value, definition.decimals)
                if definition.type == "share"
                else number(value, definition.decimals)
            )
            if int(row.iloc[0]["n_months"]) < 12:  # a part of a year says which months
                result[definition.title] += f" ({str(row.iloc[0]['period']).split()[0]})"
    con.close()
    return result


@pytest.mark.slow
def test_word(demo_db_path: Path, tmp_path: Path, expected: dict[str, str]) -> None:
    out = tmp_path / "summary.docx"
    assert main(["year-end", "--year", "2023", "--out", str(out), "--db", str(demo_db_path)]) == 0
    document = docx.Document(out)
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings == [
        f"{n} {h}"
        for n, h in enumerate(
            [
                "Översikt",
                *AREAS,
                "Stadsdelsområdenas rapporter till beredningsgruppen",
                "Handlingsplan för 2024",
                "Lokala överenskommelser: täckning och revision",
                "Bilaga: källor, metod och förbehåll",
            ],
            1,
        )
    ]
    # A4 portrait, made by the organisation (the command line has no signed-in user), a table
    # of contents and page numbers.
    page = document.sections[0]
    assert (round(page.page_width.cm, 1), round(page.page_height.cm, 1)) == (21.0, 29.7)
    assert document.core_properties.author == "Stockholms stad och Polisregion Stockholm"
    assert document.core_properties.language == "sv-SE"
    codes = [t.text for t in document.element.body.iter() if t.tag.endswith("}instrText")]
    assert any(c.strip().startswith("TOC") for c in codes)
    footer = document.sections[0].footer._element
    assert any(t.text.strip() == "PAGE" for t in footer.iter() if t.tag.endswith("}instrText"))
    values = {}
    for table in document.tables:
        header = [c.text for c in table.rows[0].cells]
        if header[:2] == ["Indikator", "2023"]:
            for row in table.rows[1:]:
                values[row.cells[0].text] = row.cells[1].text
    assert values == {title: expected[title] for title in values}
    assert len(values) == len(load_catalogue().definitions)
    text = "\n".join(c.text for t in document.tables for r in t.rows for c in r.cells)
    assert "Trygghetsvandringar i Tensta och Rinkeby" in text  # done in 2023 (example)
    assert "Avhopparverksamheten utökas" in text  # planned for 2024
    assert "Stöd till äldre brottsoffer" not in text  # cancelled: neither done nor planned
    body = "\n".join(p.text for p in document.paragraphs)
    assert "Exempeldata" in body and "mörkertal" in body
    assert len(document.inline_shapes) >= 5  # charts rendered without a browser
    # Every chart stops at the report year; those of invented values say so.
    described = [shape._inline.docPr.get("descr") for shape in document.inline_shapes]
    assert all(d.startswith("Diagram: ") for d in described)
    periods = [re.findall(r"(\d{4})–(\d{4})", d)[-1] for d in described]
    assert {last for _, last in periods} == {"2023"}
    assert (
        "Diagram: Otrygga ute sent en kväll i det egna området, procent av de svarande, "
        "2017–2023, Exempeldata" in described
    )
    # Women and men where the indicator has the split (the demo survey's invented values).
    assert (
        "Otrygga ute sent en kväll i det egna området, 2023: kvinnor 12,7\u00a0%, "
        "män 8,9\u00a0%." in body
    )


@pytest.mark.slow
def test_excel(demo_db_path: Path, tmp_path: Path, expected: dict[str, str]) -> None:
    out = tmp_path / "summary.xlsx"
    assert main(["year-end", "--year", "2023", "--out", str(out), "--db", str(demo_db_path)]) == 0
    book = openpyxl.load_workbook(out)
    assert book.sheetnames[0] == "Översikt" and len(book.sheetnames) == 9
    # The districts' reports, the plan for the year after, the coverage matrix and revisions.
    assert book.sheetnames[-3:] == ["Rapporter", "Plan", "Lokalt"]
    # Whole words, no space at the end ("Kriminella miljöer och l" was one).
    assert book.sheetnames[1:-3] == [
        "Unga i riskzon för destruktivt", "Otrygga och brottsutsatta", "Systemhotande brottslighet",
        "Särskilt utsatta och sårbara", "Kriminella miljöer",
    ]  # fmt: skip
    kinds = {d.title: d for d in load_catalogue().definitions.values()}
    seen = 0
    for name in book.sheetnames[1:-3]:
        sheet = book[name]
        assert sheet["A1"].value in AREAS
        assert sheet.freeze_panes == "B4" and sheet.auto_filter.ref.startswith("A3:")
        assert sheet["C3"].value == "Värde 2023"
        for column in ("C", "E", "F", "H", "J", "L", "O", "P"):  # numbers or nothing
            values = [c.value for c in sheet[column][3:] if sheet[f"A{c.row}"].value in kinds]
            assert all(v is None or isinstance(v, (int, float)) for v in values), column
        for row in sheet.iter_rows(min_row=4):
            title = row[0].value
            if title not in expected:
                continue
            seen += 1
            cell, definition = row[2], kinds[title]
            if not isinstance(cell.value, (int, float)):
                # No text in a number column: why it is empty is in the last column.
                assert cell.value is None, title
                missing = {"–": "ingen uppgift"}.get(expected[title], expected[title])
                assert row[18].value == missing, title  # "skyddat" or "ingen uppgift"
                continue
            shown = expected[title].split(" (")[0]  # the months are in the Period column
            if shown != expected[title]:
                assert str(row[3].value).startswith(expected[title].split(" (")[1][:-1])
            # A real number, shown as the dashboard shows it: shares as percent (the cell
            # holds the fraction), counts with a thousands separator.
            if definition.type == "share":
                assert percent(cell.value * 100, definition.decimals) == shown
                assert cell.number_format.endswith("%")
            else:
                assert number(cell.value, definition.decimals) == shown
                assert cell.number_format.startswith("#,##0")
    assert seen == len(load_catalogue().definitions)
    assert sum(len(book[n]._charts) for n in book.sheetnames) >= 5
    text_numbers = re.compile(r"[+-]?[\d\s\u00a0]+([,.]\d+)?\s*%?")
    for sheet in book:
        for row in sheet.iter_rows(values_only=True):
            for value in row:
                assert not (isinstance(value, str) and value.startswith("=")), value
                # No number stored as text ("71,3 %", "2,50", "8 920").
                assert not (isinstance(value, str) and text_numbers.fullmatch(value)), value


@pytest.mark.slow
def test_suppressed_values_are_absent(demo_db_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "farsta.docx"
    assert (
        main(
            [
                "year-end",
                "--year",
                "2023",
                "--region",
                "Farsta",
                "--out",
                str(out),
                "--db",
                str(demo_db_path),
            ]
        )
        == 0
    )
    document = docx.Document(out)

    con = reading(demo_db_path)
    catalogue = load_catalogue()
    hidden = []
    for definition in catalogue.definitions.values():
        frame = compute(con, definition, catalogue, Request(region_codes=("80118",)))
        if frame.empty:
            continue
        row = frame[(frame["year"] == 2023) & (frame["sex"] == "total")]
        if not row.empty and row.iloc[0]["suppressed"]:
            hidden.append((definition.title, row.iloc[0]["numerator"]))
    con.close()
    values = {
        r.cells[0].text: r.cells[1].text
        for t in document.tables
        if [c.text for c in t.rows[0].cells][:2] == ["Indikator", "2023"]
        for r in t.rows[1:]
    }
    for title, numerator in hidden:
        assert values[title] == "Skyddat"  # a cell starts as a sentence does
        assert numerator is None or math.isnan(numerator)


@pytest.mark.slow
def test_unknown_region(
    demo_db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        main(
            [
                "year-end",
                "--year",
                "2023",
                "--region",
                "Vasastan",
                "--out",
                str(tmp_path / "x.docx"),
                "--db",
                str(demo_db_path),
            ]
        )
        == 1
    )
    assert "Unknown region name 'Vasastan'" in capsys.readouterr().err


@pytest.mark.slow
def test_every_row_that_claims_a_change_fills_the_change_column(demo_db_path: Path) -> None:
    """The column "Förändring" holds what the status's test found and the change it tested,
    against the reference the column "Jämförs med" names; where there is no comparison, why."""
    from report.build import build

    con = reading(demo_db_path)
    try:
        lines = [
            line
            for region in ("0180", "80132", "80106")
            for section in build(con, load_catalogue(), 2023, region_code=region).sections
            for line in section.lines
        ]
    finally:
        con.close()
    claims = [ln for ln in lines if "statistiskt säkerställd" in ln.explanation]
    assert claims
    assert all(ln.change.startswith("säkerställd ") for ln in claims)
    supported = next(ln for ln in lines if ln.indicator == "avhoppare_stod")
    assert (supported.previous, supported.value, supported.change, supported.status) == (
        "60 (2022)", "38", "säkerställd försämring: −22", "Försämring sedan 2022",
    )  # fmt: skip
    assert supported.change_value == -22 and supported.compared_with == "sedan 2022"
    missing = [ln for ln in lines if ln.previous == "–" and ln.value not in ("–", "skyddat")]
    assert missing and all(ln.change.startswith("ingen jämförelse: ") for ln in missing)
    assert all(ln.change_value is None for ln in missing)
    # A year without a survey says so where the value and the change would be.
    no_survey = [
        ln for ln in lines if ln.explanation.endswith("ingen undersökning gjordes det året.")
    ]
    assert no_survey and all(ln.value == "–" for ln in no_survey)


@pytest.mark.slow
def test_murders_of_2023_are_not_compared_with_the_partial_2022(demo_db_path: Path) -> None:
    """The police archive in the demo starts on 26 September 2022: 2022 is shown for the
    whole months it covers and 2023 is not called a significant change against it."""
    from report.build import build

    con = reading(demo_db_path)
    try:
        summary = build(con, load_catalogue(), 2023)
    finally:
        con.close()
    murders = next(ln for s in summary.sections for ln in s.lines if ln.indicator == "mord_drap")
    # Murders are covered from the first one in the archive, 19 October 2022.
    assert (murders.value, murders.previous) == ("51", "–")
    assert murders.change == "ingen jämförelse: 2022 täcks bara från 19 okt"
    assert murders.change_value is None and murders.status == "Underlag saknas"
    assert "statistiskt säkerställd" not in murders.explanation
    assert (
        murders.explanation
        == "Antalet är 51 (2023); jämförelse saknas: 2022 täcks bara från 19 okt."
    )
    criminal = next(s for s in summary.sections if s.area == "kriminella_miljoer")
    assert criminal.counts.get("Försämring", 0) == 1  # only the supported leavers (example data)
