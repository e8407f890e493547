"""One comparison, named, everywhere: for three indicators of Järva, the status, the
reference it names and the change it tested, read from every output a steering group or the
beredningsgrupp reads (Mötesläge, Översikt, Stadsdelsområde, the year-end Word and Excel, the
meeting pack), are those `indicators values` gives."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import docx
import openpyxl
import pytest
from streamlit.testing.v1 import AppTest

from catalogue.catalogue import load_catalogue
from cli.report import main as report_main
from swedish.format import first_upper
from tests import cli
from tests.conftest import ROOT

JARVA = "Järva"
# A count since its baseline 2021, a count whose baseline has no value, a survey share.
INDICATORS = ("brott_mot_person", "misshandel", "otrygg_ute_kvall")

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def truth(demo_db_path: Path) -> dict[str, dict[str, str]]:
    """The 2023 row of each indicator for Järva, as the command line prints it."""
    rows = {}
    for indicator in INDICATORS:
        result = cli.run(
            "indicators", "values", indicator, "--region", JARVA, "--boundaries", "current",
            "--db", str(demo_db_path),
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        found = [r for r in csv.DictReader(io.StringIO(result.stdout)) if r["year"] == "2023"]
        rows[indicator] = found[0]
    return rows


def _signed(text: str, share: bool) -> str:
    value = float(text)
    number = f"{abs(value):.1f}".replace(".", ",") if share else f"{abs(value):,.0f}"
    number = number.replace(",", "\u00a0") if not share else number
    sign = "+" if value > 0 else "\u2212" if value < 0 else "±"
    return sign + number + (" procentenheter" if share else "")


def test_the_command_line_names_the_reference(truth: dict[str, dict[str, str]]) -> None:
    person, assault, unsafe = (truth[i] for i in INDICATORS)
    assert (person["compared_with"], person["reference_period"], person["change"]) == (
        "sedan basåret 2021", "2021", "193",
    )  # fmt: skip
    assert person["change_test"] == "säkerställd försämring"
    assert person["status"] == "deterioration"
    # The baseline 2021 of assaults has a value too; the survey's baseline is 2020.
    assert assault["compared_with"] == "sedan basåret 2021"
    assert unsafe["compared_with"] == "sedan basåret 2020"
    assert unsafe["reference_period"] == "2020"


def _titles() -> dict[str, str]:
    catalogue = load_catalogue()
    return {i: catalogue.definitions[i].title for i in INDICATORS}


def _expected(truth: dict[str, dict[str, str]], indicator: str) -> tuple[str, str, str]:
    """(the status with its reference, the change as shown, what the test found)."""
    row = truth[indicator]
    share = indicator == "otrygg_ute_kvall"
    labels = {"deterioration": "Försämring", "improvement": "Förbättring",
              "no_significant_change": "Ingen säkerställd förändring"}  # fmt: skip
    verdict = f"{labels[row['status']]} {row['compared_with']}"
    return verdict, _signed(row["change"], share), row["change_test"]


def _open(page: str, params: dict[str, str], db: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("DASHBOARD_DB", str(db))
    at = AppTest.from_file(str(ROOT / "main.py"), default_timeout=120)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    at.switch_page(f"app_pages/{page}.py").run()
    assert not at.exception, at.exception
    return at


def test_the_pages_show_the_same_comparison(
    truth: dict[str, dict[str, str]], demo_db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    titles = _titles()
    # Stadsdelsområde: the status names its reference, the change beside it is the tested one.
    at = _open("district", {"stadsdelsomrade": JARVA}, demo_db_path, monkeypatch)
    table = {}
    for element in at.dataframe:
        frame = element.value
        if "Jämförelse" in frame.columns:
            table.update({r["Indikator"]: r for r in frame.to_dict("records")})
    for indicator in INDICATORS:
        verdict, change, test = _expected(truth, indicator)
        row = table[titles[indicator]]
        assert row["Status"].endswith(verdict), (indicator, row["Status"])
        assert row["Jämförelse"] == f"{change} {truth[indicator]['compared_with']} · {test}"
    # Översikt for Järva: the same in its tables.
    at = _open("overview", {"omfattning": JARVA}, demo_db_path, monkeypatch)
    seen = {}
    for element in at.dataframe:
        frame = element.value
        if "Jämförelse" in frame.columns and "Indikator" in frame.columns:
            seen.update({r["Indikator"]: r for r in frame.to_dict("records")})
    for indicator in INDICATORS:
        verdict, change, test = _expected(truth, indicator)
        assert seen[titles[indicator]]["Status"].endswith(verdict)
        assert seen[titles[indicator]]["Jämförelse"].startswith(change)
    # Mötesläge: the card's delta is the tested change, named; its caption the reference.
    at = _open("meeting", {"omrade": "jarva", "steg": "4"}, demo_db_path, monkeypatch)
    deltas = [m.proto.delta for m in at.get("metric")]
    captions = [c.value for c in at.caption]
    verdict, change, test = _expected(truth, "brott_mot_person")
    assert f"{change} sedan basåret 2021" in deltas
    reference = truth["brott_mot_person"]["reference_value"]
    assert any(
        c.startswith(f"Sedan basåret 2021: {int(reference):,}".replace(",", "\u00a0")) and test in c
        for c in captions
    ), captions
    assert any(verdict in m.value for m in at.markdown)
    # The meeting pack (PDF and PowerPoint) of the same view.
    from service import packs

    built = packs.build("Mötesläge", "80132")
    pack_rows = {r.title: r for page in built.pages for r in page.rows}
    for indicator in INDICATORS:
        verdict, change, test = _expected(truth, indicator)
        row = pack_rows[titles[indicator]]
        base = truth[indicator]["reference_period"]
        assert row.before.endswith(f"(basåret {base})"), row.before
        assert (row.change, row.test, row.status) == (change, test, verdict)


def test_the_year_end_word_and_excel_show_the_same_comparison(
    truth: dict[str, dict[str, str]], demo_db_path: Path, tmp_path: Path
) -> None:
    titles = _titles()
    word, excel = tmp_path / "jarva.docx", tmp_path / "jarva.xlsx"
    for out in (word, excel):
        assert report_main(["year-end", "--year", "2023", "--region", JARVA, "--out", str(out),
                            "--db", str(demo_db_path)]) == 0  # fmt: skip
    rows = {}
    for table in docx.Document(word).tables:
        header = [c.text for c in table.rows[0].cells]
        if header[:4] == ["Indikator", "2023", "Jämförs med", "Förändring"]:
            for row in table.rows[1:]:
                rows[row.cells[0].text] = [c.text for c in row.cells]
    book = openpyxl.load_workbook(excel)
    cells = {}
    for sheet in book.worksheets[1:]:
        if sheet["G3"].value != "Jämförs med":
            continue
        for row in sheet.iter_rows(min_row=4, values_only=True):
            cells[row[0]] = row
    for indicator in INDICATORS:
        verdict, change, test = _expected(truth, indicator)
        row = truth[indicator]
        word_row = rows[titles[indicator]]
        assert word_row[2].endswith(f"({'basåret ' + row['reference_period']})")
        assert word_row[3].startswith(first_upper(f"{test}: {change}"))  # as a sentence
        assert word_row[5] == verdict
        excel_row = cells[titles[indicator]]
        assert excel_row[6] == row["compared_with"]
        assert excel_row[8] == int(row["reference_period"])
        assert excel_row[9] == pytest.approx(float(row["change"]))  # percentage points
        assert excel_row[10].startswith(test) and excel_row[12] == verdict


def test_explosions_are_not_called_a_significant_rise_against_a_part_covered_2023(
    demo_db_path: Path, tmp_path: Path
) -> None:
    """The archive holds explosions only from 15 May 2023: 2023 is "jun–dec 2023", no 0
    stands for a month before it, and 2025 is not judged against that part of a year."""
    result = cli.run("indicators", "values", "explosioner", "--region", "Stockholm",
                     "--db", str(demo_db_path))  # fmt: skip
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [(r["year"], r["period"], r["value"]) for r in rows][:2] == [
        ("2023", "jun–dec 2023", "6"), ("2024", "2024", "17"),
    ]  # fmt: skip
    by_year = {r["year"]: r for r in rows}
    assert by_year["2025"]["status"] == "insufficient_data"
    assert by_year["2025"]["change_test"] == "ingen jämförelse: basåret 2023 täcks bara från 15 maj"
    # The 2025 year-end of the city, as Word, Excel and pack.
    word, excel = tmp_path / "2025.docx", tmp_path / "2025.xlsx"
    for out in (word, excel):
        assert report_main(["year-end", "--year", "2025", "--out", str(out),
                            "--db", str(demo_db_path)]) == 0  # fmt: skip
    line = next(
        [c.text for c in row.cells]
        for table in docx.Document(word).tables
        for row in table.rows
        if row.cells[0].text == "Explosioner"
    )
    assert line[1] == "22" and "säkerställd" not in " ".join(line)
    assert line[3].startswith("Ingen jämförelse: basåret 2023 täcks bara från 15 maj")
    assert line[3].endswith("(sedan 2024: +5, inom felmarginalen)")  # labelled
    book = openpyxl.load_workbook(excel)
    explosions = next(
        row for sheet in book.worksheets[1:] for row in sheet.iter_rows(values_only=True)
        if row[0] == "Explosioner"
    )  # fmt: skip
    assert explosions[9] is None and "säkerställd" not in str(explosions[12])


def test_the_2025_year_end_pack_and_farsta_show_explosions_as_published(
    demo_db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from report.build import build
    from service import packs
    from tests.conftest import reading

    monkeypatch.setenv("DASHBOARD_DB", str(demo_db_path))
    con = reading(demo_db_path)
    try:
        summary = build(con, load_catalogue(), 2025)
    finally:
        con.close()
    rows = {r.title: r for page in packs.from_year_end(summary).pages for r in page.rows}
    explosions = rows["Explosioner"]
    assert (explosions.now, explosions.change, explosions.status) == (
        "22 (2025)",
        "",
        "Underlag saknas",
    )
    assert explosions.test.startswith("ingen jämförelse: basåret 2023 täcks bara från 15 maj")
    # The police publish every event: Farsta's one explosion in January–July 2026 is shown.
    result = cli.run("indicators", "values", "explosioner", "--region", "Farsta",
                     "--db", str(demo_db_path))  # fmt: skip
    farsta = {r["year"]: r for r in csv.DictReader(io.StringIO(result.stdout))}
    assert (farsta["2026"]["period"], farsta["2026"]["value"], farsta["2026"]["suppressed"]) == (
        "jan–jul 2026", "1", "false",
    )  # fmt: skip
    assert farsta["2026"]["compared_with"] == "jan–jul 2026 mot jan–jul 2025"
    assert farsta["2026"]["reference_value"] == "1"


def test_the_2023_excel_has_no_number_for_a_change_between_part_and_whole_years(
    demo_db_path: Path, tmp_path: Path
) -> None:
    out = tmp_path / "2023.xlsx"
    assert report_main(["year-end", "--year", "2023", "--out", str(out),
                        "--db", str(demo_db_path)]) == 0  # fmt: skip
    book = openpyxl.load_workbook(out)
    numeric = 0
    for sheet in book.worksheets[1:]:
        if sheet["G3"].value != "Jämförs med":
            continue
        for row in sheet.iter_rows(min_row=4, values_only=True):
            period, reference, change = row[3], row[8], row[9]
            if change is None:
                continue
            numeric += 1
            # A number only between two whole years, or the same months of two years.
            whole = isinstance(period, int) and isinstance(reference, int)
            same = (
                isinstance(period, str) and isinstance(reference, str)
                and period.split()[0] == reference.split()[0]
            )  # fmt: skip
            assert whole or same, row
    assert numeric >= 5
    murders = next(
        row for sheet in book.worksheets[1:] for row in sheet.iter_rows(values_only=True)
        if row[0] == "Mord och dråp inklusive försök"
    )  # fmt: skip
    assert murders[2] == 51 and murders[7] is None and murders[9] is None
