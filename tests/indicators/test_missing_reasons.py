"""Why a value is missing: a closed set of reasons with Swedish sentences, in compute's
``missing_reason`` and status text, in the CLI and in the year-end summary."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import duckdb
import pytest

from catalogue.catalogue import Catalogue, load_catalogue
from cli.indicators import main
from indicators.basis import MISSING_REASONS, Request
from indicators.compute import compute
from loaders import bra_anmalda_brott as bra
from store import queries

BROMMA, RK, JARVA, CITY = "80106", "80125", "80132", "0180"
MONTHS = ["Jan", "Feb", "Mar", "Apr", "Maj", "Jun", "Jul", "Aug", "Sep", "Okt", "Nov", "Dec"]


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return load_catalogue()


def _row(frame, code: str, year: int):  # type: ignore[no-untyped-def]
    rows = frame[(frame["region_code"] == code) & (frame["year"] == year)
                 & (frame["sex"] == "total")]  # fmt: skip
    assert len(rows) == 1, rows
    return rows.iloc[0]


def _bra_file(tmp_path: Path, gaps: set[tuple[str, int, int]]) -> Path:
    """Crimes against persons for Bromma and Rinkeby-Kista 2021–2022; ``gaps`` are
    (region, year, month) cells written as '..'."""
    lines = ["Region;Brott;År;Period;Antal;/100 000 inv"]
    for region, name in ((BROMMA, "Stadsdelsområde Bromma (Sthlm)"),
                         (RK, "Stadsdelsområde Rinkeby-Kista (Sthlm)")):  # fmt: skip
        for year in (2021, 2022):
            for month, label in enumerate(MONTHS, start=1):
                figure = ".." if (region, year, month) in gaps else "40"
                lines.append(f"{name};3-7 kap. Brott mot person;{year};{label};{figure};..;")
    path = tmp_path / "Databasfil_gaps.txt"
    path.write_text("\n".join(lines) + "\n", encoding="latin-1")
    return path


def test_a_month_bra_marks_not_available_leaves_the_year_without_a_value(
    store: duckdb.DuckDBPyConnection, catalogue: Catalogue, tmp_path: Path
) -> None:
    bra.load(store, _bra_file(tmp_path, {(BROMMA, 2022, 3)}), loaded_by="test")
    gaps = queries.gaps_in_force(store, ["bra.brott_mot_person"])
    assert list(gaps.itertuples(index=False, name=None)) == [(BROMMA, 2022, 3, True)]
    definition = catalogue.definitions["brott_mot_person"]
    frame = compute(store, definition, catalogue, Request(boundaries="time"))
    bromma = _row(frame, BROMMA, 2022)
    # Eleven months are not a year, nor January to November: no value, and why.
    assert bromma["missing_reason"] == "not_in_source"
    assert bromma["value"] != bromma["value"]  # NaN
    assert bromma["status_text"] == f"Värdet saknas: {MISSING_REASONS['not_in_source']}."
    assert _row(frame, BROMMA, 2021)["value"] == 480
    assert _row(frame, RK, 2022)["value"] == 480


def test_reasons_for_absent_years(
    store: duckdb.DuckDBPyConnection, catalogue: Catalogue, tmp_path: Path
) -> None:
    # Bromma's 2021 is '..' all year: BRÅ lists it with no figure.
    every_month = {(BROMMA, 2021, m) for m in range(1, 13)}
    bra.load(store, _bra_file(tmp_path, every_month), loaded_by="test")
    definition = catalogue.definitions["brott_mot_person"]
    asked = Request(boundaries="time", region_codes=(JARVA, RK, CITY, BROMMA), with_missing=True)
    frame = compute(store, definition, catalogue, asked)
    assert _row(frame, BROMMA, 2021)["missing_reason"] == "not_in_source"
    assert _row(frame, BROMMA, 2022)["value"] == 480
    assert _row(frame, JARVA, 2021)["missing_reason"] == "not_existed"
    assert _row(frame, JARVA, 2021)["status_text"] == (
        "Värdet saknas: Järva fanns inte 2021 (bildades 2023-07-01)."
    )
    # The file has no line for the city at all: what was loaded does not cover it.
    assert _row(frame, CITY, 2022)["missing_reason"] == "not_covered"
    assert _row(frame, CITY, 2022)["status_text"] == (
        "Värdet saknas: de inlästa uppgifterna täcker inte området och perioden."
    )
    assert _row(frame, RK, 2022)["missing_reason"] == ""
    # Without asking for a region, districts of other times are not listed year by year.
    every = compute(store, definition, catalogue, Request(boundaries="time", with_missing=True))
    assert every[every["region_code"] == JARVA].empty


def test_a_survey_year_without_a_survey_says_so(
    demo_store: duckdb.DuckDBPyConnection, catalogue: Catalogue
) -> None:
    definition = catalogue.definitions["unga_hot_vald"]  # Stockholmsenkäten: 2022 and 2024
    frame = compute(demo_store, definition, catalogue, Request("today", with_missing=True))
    row = _row(frame, BROMMA, 2023)
    assert row["missing_reason"] == "no_survey"
    assert row["status_text"] == "Värdet saknas: ingen undersökning gjordes det året."
    # The 2024 value is still compared with 2022, the survey before.
    assert "(basåret 2022)" in _row(frame, BROMMA, 2024)["status_text"]
    assert _row(frame, BROMMA, 2024)["compared_with"] == "sedan basåret 2022"


@pytest.mark.slow
def test_the_cli_says_why(demo_db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["values", "unga_hot_vald", "--region", "Bromma", "--db",
                 str(demo_db_path)]) == 0  # fmt: skip
    rows = {r["year"]: r for r in csv.DictReader(io.StringIO(capsys.readouterr().out))}
    assert (rows["2023"]["value"], rows["2023"]["missing_reason"]) == ("", "no_survey")
    assert rows["2023"]["status"] == "insufficient_data"
