"""Staff uploads: every layout and writer gives the same numbers; every broken file writes
nothing and names the cell or the cause; preview, commit, replace and undo."""

from __future__ import annotations

from pathlib import Path

import duckdb
import openpyxl
import pytest

from catalogue.catalogue import Catalogue, load_catalogue
from loaders import survey
from loaders.respondents import Mapping
from loaders.survey_cells import TEMPLATE_HEADERS
from loaders.upload_safety import UploadRefused
from store import loading, queries
from tests.conftest import FIXTURES, PROBLEMS
from tests.loaders.sheets import data_book

UPLOADS = FIXTURES / "uploads"
OTRYGG = "stad_trygghet.otrygg_ute_kvall"
EXPECTED = {
    ("80106", "total", "all"): (6.2, 1307.0),
    ("80106", "female", "all"): (7.2, 681.0),
    ("80106", "male", "all"): (5.0, 626.0),
    ("80132", "total", "all"): (21.4, 1150.0),
    ("80118", "total", "16–29"): (14.0, 300.0),
}


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return load_catalogue()


def _stored(con: duckdb.DuckDBPyConnection) -> dict[tuple[str, str, str], tuple[float, float]]:
    frame = loading.stored_values(con, [OTRYGG])
    return {(r.region_code, r.sex, r.age_group): (round(r.value, 6), r.respondents)
            for r in frame.itertuples()}  # fmt: skip


def _walks(con: duckdb.DuckDBPyConnection) -> float:
    frame = loading.stored_values(con, ["aktivitet.trygghetsvandringar"])
    return float(frame.set_index("region_code").loc["80118", "value"])


@pytest.mark.parametrize(
    "name",
    ["enkat_openpyxl.xlsx", "enkat_libreoffice.xlsx", "enkat_libreoffice.ods",
     "enkat_libreoffice.xls", "enkat_som_man_skriver.xlsx", "enkat_annan_ordning.xlsx",
     "enkat_utf8_semikolon.csv", "enkat_cp1252_komma.csv"],
)  # fmt: skip
def test_every_writer_and_layout_gives_the_same_numbers(
    store: duckdb.DuckDBPyConnection, catalogue: Catalogue, name: str
) -> None:
    prepared = survey.prepare(store, UPLOADS / name, catalogue)
    assert prepared.table.errors == [], [str(f) for f in prepared.table.errors]
    assert prepared.counts() == {"new": 6, "replaced": 0, "unchanged": 0}
    report = survey.commit(store, prepared, catalogue, loaded_by="Anna")
    assert report.rows == 6
    assert _stored(store) == EXPECTED
    assert _walks(store) == 9


def test_percent_formatted_cell_and_merged_cells(
    store: duckdb.DuckDBPyConnection, catalogue: Catalogue, tmp_path: Path
) -> None:
    from openpyxl import load_workbook

    book = load_workbook(UPLOADS / "enkat_openpyxl.xlsx")
    sheet = book["Data"]
    sheet["F3"] = 0.072
    sheet["F3"].number_format = "0.0%"
    sheet.merge_cells("B2:B4")  # one year for the three Bromma rows
    path = tmp_path / "merged.xlsx"
    book.save(path)
    prepared = survey.prepare(store, path, catalogue)
    assert prepared.table.errors == []
    assert [str(w) for w in prepared.table.warnings] == [
        "varning: Data!B2:B4 (värde: 2023): sammanfogade celler: värdet i den övre vänstra "
        "cellen används för alla"
    ]
    survey.commit(store, prepared, catalogue, loaded_by="Anna")
    assert _stored(store)[("80106", "female", "all")] == (7.2, 681.0)


def test_a_misspelt_district_is_offered_districts_only(
    store: duckdb.DuckDBPyConnection, catalogue: Catalogue, tmp_path: Path
) -> None:
    """ "Farstra" is close to the municipalities Fagersta and Karlstad too; a survey of the
    city's districts offers only Farsta."""
    book = openpyxl.load_workbook(UPLOADS / "enkat_openpyxl.xlsx")
    book["Data"]["A2"] = "Farstra"
    path = tmp_path / "farstra.xlsx"
    book.save(path)
    prepared = survey.prepare(store, path, catalogue)
    assert [str(e) for e in prepared.table.errors] == [
        "fel: Data!A2 (värde: Farstra): okänt stadsdelsområde; närmast: Farsta"
    ]


BROKEN = {
    "upload_okant_omrade.xlsx": "Data!A5 (värde: Vasastan): okänt stadsdelsområde; närmast: ",
    "upload_ar_utanfor.xlsx": "Data!B2 (värde: 1899): året ska vara mellan 2000 och",
    "upload_andel_over_100.xlsx": "Data!F3 (värde: 120): ska vara mellan 0 och 100",
    "upload_andel_negativ.xlsx": "Data!F4 (värde: -3): ska vara mellan 0 och 100",
    "upload_svarande_saknas.xlsx": "Data!G5: antal svarande saknas",
    "upload_svarande_noll.xlsx": "Data!G2 (värde: 0): antal svarande ska vara ett heltal, minst 1",
    "upload_upprepad_rad.xlsx": "Data!A8 (värde: Bromma): raden upprepar rad 3",
    "upload_okant_matt.xlsx": "Data!C2 (värde: Andel som gillar glass): måttet finns inte i "
    "indikatorkatalogen",
    "upload_andel_och_antal.xlsx": "Data!H2 (värde: 14): måttet är en andel",
    "upload_antal_med_andel.xlsx": "Data!F7 (värde: 9): måttet är ett antal",
    "upload_inte_ett_tal.xlsx": "Data!F6 (värde: fjorton): är inte ett tal",
    "upload_okant_kon.xlsx": "Data!D3 (värde: Okänt): kön ska vara Alla, Kvinnor eller Män",
    "upload_okand_aldersgrupp.xlsx": "Data!E6 (värde: 12–15): okänd åldersgrupp",
    "upload_bara_rubrik.xlsx": "filen har inga datarader under rubrikraden",
    "upload_saknar_kolumn.xlsx": "Data!A1: kolumnen Mått saknas i rubrikraden",
    "upload_formel_utan_varde.xlsx": "Data!G2: cellen har en formel utan beräknat värde",
    "upload_mallens_exempelrader.xlsx": "Data!A2 (värde: Exempelrad – skriv över eller ta bort): "
    "mallens exempelrad finns kvar",
}
REFUSED = {
    "upload_tom.xlsx": "Filen är tom.",
    "upload_omdopt_text.xlsx": "men är inget kalkylark",
    "upload_trasig_zip.xlsx": "är trasig (zip-arkivet går inte att läsa)",
    "upload_makro.xlsm": "Makroaktiverade arbetsböcker (.xlsm) tas inte emot",
    "upload_makro_omdopt.xlsx": "Filen innehåller makron",
    "upload_losenord.xlsx": "Arbetsboken är lösenordsskyddad",
    "upload_zipbomb.xlsx": "zip-bomb",
    "upload_jattedimension.xlsx": "Arket säger sig ha 2000000 rader",
    "upload_binar.csv": "varken ett kalkylark eller en textfil",
}


@pytest.mark.parametrize(("name", "message"), sorted(BROKEN.items()))
@pytest.mark.slow
def test_broken_content_is_named_by_cell_and_nothing_is_written(
    store: duckdb.DuckDBPyConnection, catalogue: Catalogue, name: str, message: str
) -> None:
    survey.commit(store, survey.prepare(store, UPLOADS / "enkat_openpyxl.xlsx", catalogue),
                  catalogue, loaded_by="Anna")  # fmt: skip
    before = (_stored(store), len(loading.batches(store)))
    prepared = survey.prepare(store, PROBLEMS / name, catalogue)
    assert any(message in str(f) for f in prepared.table.errors), [
        str(f) for f in prepared.table.findings
    ]
    with pytest.raises(UploadRefused):
        survey.commit(store, prepared, catalogue, loaded_by="Anna")
    assert (_stored(store), len(loading.batches(store))) == before


@pytest.mark.parametrize(("name", "message"), sorted(REFUSED.items()))
def test_refused_files_say_why_and_write_nothing(
    store: duckdb.DuckDBPyConnection, catalogue: Catalogue, name: str, message: str
) -> None:
    with pytest.raises(UploadRefused) as caught:
        survey.prepare(store, PROBLEMS / name, catalogue)
    assert message in str(caught.value)
    assert loading.batches(store) == []


def test_there_are_at_least_twenty_broken_files() -> None:
    assert len(BROKEN) + len(REFUSED) >= 20
    on_disk = {p.name for p in PROBLEMS.glob("upload_*")}
    assert on_disk == set(BROKEN) | set(REFUSED)


@pytest.mark.slow
def test_preview_replace_and_undo(store: duckdb.DuckDBPyConnection, catalogue: Catalogue,
                                  tmp_path: Path) -> None:  # fmt: skip
    from openpyxl import load_workbook

    first = survey.commit(store, survey.prepare(store, UPLOADS / "enkat_openpyxl.xlsx",
                          catalogue), catalogue, loaded_by="Anna")  # fmt: skip
    book = load_workbook(UPLOADS / "enkat_openpyxl.xlsx")
    book["Data"]["F2"] = 5.9  # Bromma, all: 6,2 → 5,9
    path = tmp_path / "rattad.xlsx"
    book.save(path)
    prepared = survey.prepare(store, path, catalogue)
    assert prepared.counts() == {"new": 0, "replaced": 1, "unchanged": 5}
    changed = prepared.preview[prepared.preview["Ändring"] == "ersätter"].iloc[0]
    assert (changed["Område"], changed["Lagrat värde"], changed["Nytt värde"]) == (
        "Bromma", 6.2, 5.9)  # fmt: skip
    second = survey.commit(store, prepared, catalogue, loaded_by="Bo")
    assert _stored(store)[("80106", "total", "all")] == (5.9, 1307.0)
    restored = survey.undo(store, second.batch_id, undone_by="Bo")
    assert _stored(store)[("80106", "total", "all")] == (6.2, 1307.0)
    assert restored == [] or restored == [first.batch_id]
    states = {b.id: b.state for b in loading.batches(store)}
    assert states == {first.batch_id: "active", second.batch_id: "undone"}
    assert "ångrad av Bo" in (loading.batch(store, second.batch_id).note or "")


def test_a_file_already_loaded_is_refused_with_a_pointer(
    store: duckdb.DuckDBPyConnection, catalogue: Catalogue
) -> None:
    first = survey.commit(store, survey.prepare(store, UPLOADS / "enkat_openpyxl.xlsx",
                          catalogue), catalogue, loaded_by="Anna")  # fmt: skip
    again = survey.prepare(store, UPLOADS / "enkat_openpyxl.xlsx", catalogue)
    assert again.already_loaded is not None and again.already_loaded.id == first.batch_id
    with pytest.raises(UploadRefused, match=f"redan inläst som sats {first.batch_id} "
                                            r"\(av Anna"):  # fmt: skip
        survey.commit(store, again, catalogue, loaded_by="Anna")


def test_respondent_level_file_with_a_mapping(
    store: duckdb.DuckDBPyConnection, catalogue: Catalogue
) -> None:
    mapping = Mapping.from_file(UPLOADS / "svar_per_respondent.mapping.yaml")
    prepared = survey.prepare(store, UPLOADS / "svar_per_respondent.xlsx", catalogue,
                              mapping=mapping)  # fmt: skip
    assert prepared.table.errors == []
    survey.commit(store, prepared, catalogue, loaded_by="Anna")
    frame = loading.stored_values(store, [OTRYGG])
    values = {(r.region_code, r.year, r.sex, r.age_group): (round(r.value, 2), r.respondents)
              for r in frame.itertuples()}  # fmt: skip
    # Bromma: 5 respondents, 1 "Vet inte" left out → 4 counted, 2 unsafe → 50 %.
    assert values[("80106", 2024, "total", "all")] == (50.0, 4)
    assert values[("80106", 2024, "female", "all")] == (50.0, 2)  # mycket otrygg, ganska trygg
    assert values[("80106", 2024, "male", "16–29")] == (100.0, 1)
    # Järva: one blank answer left out; "Annat" kön counts only in the total.
    assert values[("80132", 2024, "total", "all")] == (50.0, 4)
    assert values[("80132", 2024, "male", "all")] == (100.0, 1)


@pytest.mark.slow
def test_a_value_far_from_history_is_a_warning(
    store: duckdb.DuckDBPyConnection, catalogue: Catalogue, tmp_path: Path
) -> None:
    from openpyxl import Workbook

    def write(year: int, value: float) -> Path:
        book = Workbook()
        sheet = book.active
        sheet.title = "Data"
        sheet.append(["Stadsdelsområde", "År", "Mått", "Kön", "Åldersgrupp", "Andel (%)",
                      "Antal svarande"])  # fmt: skip
        sheet.append(["Bromma", year, OTRYGG, "Alla", "Alla", value, 1000])
        sheet.append(["Farsta", year, OTRYGG, "Alla", "Alla", 9.0, 1000])
        path = tmp_path / f"{year}.xlsx"
        book.save(path)
        return path

    for year, value in ((2017, 6.0), (2020, 6.5)):
        survey.commit(store, survey.prepare(store, write(year, value), catalogue), catalogue,
                      loaded_by="Anna")  # fmt: skip
    prepared = survey.prepare(store, write(2023, 48.0), catalogue)
    assert prepared.ok
    # The data-quality view's rule: median 6,25 of two earlier values, 3,5 robust deviations.
    assert any("långt från områdets tidigare värden (median 6,2 av 2; väntat 5–7,5)" in str(w)
               for w in prepared.table.warnings)  # fmt: skip


def test_a_district_named_for_a_year_it_did_not_exist_is_refused_with_its_successor(
    store: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    """Rinkeby and Kista ended in 2007, Norrmalm on 30 June 2023 (a merger year belongs to
    both sides), Järva began on 1 July 2023: values for a year outside a district's life would
    vanish from today's boundaries, so the upload names the district to use instead."""
    rows = [("Rinkeby", 2024), ("Kista", 2010), ("Norrmalm", 2025), ("Järva", 2022),
            ("Norrmalm", 2023), ("Järva", 2023), ("Rinkeby-Kista", 2020)]  # fmt: skip
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Data"
    sheet.append(["Stadsdelsområde", "År", "Mått", "Kön", "Åldersgrupp", "Andel (%)",
                  "Antal svarande"])  # fmt: skip
    for name, year in rows:
        sheet.append([name, year, "stad_trygghet.otrygg_ute_kvall", "Alla", "Alla", 12.5, 400])
    path = tmp_path / "livslangd.xlsx"
    book.save(path)
    prepared = survey.prepare(store, path, load_catalogue())
    assert [(f.cell, f.message) for f in prepared.table.errors] == [
        ("A2", "Rinkeby fanns inte 2024; använd Järva"),
        ("A3", "Kista fanns inte 2010; använd Rinkeby-Kista"),
        ("A4", "Norrmalm fanns inte 2025; använd Norra innerstaden"),
        ("A5", "Järva fanns inte 2022 (bildades 2023-07-01)"),
    ]


def _field_period_book(tmp_path: Path, rows: list[list[object]]) -> Path:
    return data_book(tmp_path / "faltperiod.xlsx", TEMPLATE_HEADERS, rows)


@pytest.mark.slow
def test_a_field_period_is_kept_and_named_with_the_value(
    store: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    from datetime import date

    from indicators.basis import Request
    from indicators.compute import compute

    catalogue = load_catalogue()
    rows = [
        ["Bromma", 2024, OTRYGG, "Alla", "Alla", 12.5, 400, None, None, date(2024, 3, 4),
         "2024-04-15"],
        ["Farsta", 2024, OTRYGG, "Alla", "Alla", 14.0, 380, None, None, "2024-03-04",
         date(2024, 4, 15)],
    ]  # fmt: skip
    prepared = survey.prepare(store, _field_period_book(tmp_path, rows), catalogue)
    assert prepared.table.errors == []
    assert set(prepared.preview["Fältperiod"]) == {"2024-03-04–2024-04-15"}
    survey.commit(store, prepared, catalogue, loaded_by="test")
    rounds = queries.survey_rounds(store, [OTRYGG])
    assert [(r.year, str(r.field_from)[:10], str(r.field_to)[:10])
            for r in rounds.itertuples()] == [(2024, "2024-03-04", "2024-04-15")]  # fmt: skip
    definition = catalogue.definitions["otrygg_ute_kvall"]
    frame = compute(store, definition, catalogue, Request(boundaries="time"))
    bromma = frame[(frame["region_code"] == "80106") & (frame["sex"] == "total")].iloc[0]
    assert bromma["period"] == "2024 (fältperiod 4 mar–15 apr 2024)"


def test_a_broken_field_period_is_named_by_cell(
    store: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    rows = [
        ["Bromma", 2024, OTRYGG, "Alla", "Alla", 12.5, 400, None, None, "4 mars", "2024-04-15"],
        ["Farsta", 2024, OTRYGG, "Alla", "Alla", 12.5, 400, None, None, "2024-03-04", None],
        ["Skarpnäck", 2024, OTRYGG, "Alla", "Alla", 12.5, 400, None, None, "2024-05-01",
         "2024-04-01"],
        ["Skärholmen", 2024, OTRYGG, "Alla", "Alla", 12.5, 400, None, None, "2022-03-01",
         "2022-04-01"],
        ["Södermalm", 2024, OTRYGG, "Alla", "Alla", 12.5, 400, None, None, "2024-03-01",
         "2024-04-01"],
        ["Järva", 2024, OTRYGG, "Alla", "Alla", 12.5, 400, None, None, "2024-09-01",
         "2024-10-01"],
    ]  # fmt: skip
    prepared = survey.prepare(store, _field_period_book(tmp_path, rows), load_catalogue())
    assert [(f.cell, f.message) for f in prepared.table.errors] == [
        ("J2", "ska vara ett datum, t.ex. 2024-03-01"),
        ("K3", "fältperioden behöver både ett från- och ett tilldatum"),
        ("K4", "fältperioden slutar före den börjar"),
        ("J5", "fältperioden ska ligga i året 2024"),
        (
            "J7",
            "fältperioden 2024-09-01–2024-10-01 skiljer sig från rad 6 "
            "(2024-03-01–2024-04-01): samma undersökning och år ska ha samma fältperiod",
        ),
    ]
    assert queries.count_observations(store) == 0


@pytest.mark.slow
def test_a_district_missing_is_a_warning_only_in_a_file_about_most_districts(
    store: duckdb.DuckDBPyConnection, catalogue: Catalogue, tmp_path: Path
) -> None:
    """A file about one district (a five-row Järva file gave 33) warns about no other; a file
    covering most districts that leaves one out still says so."""
    from openpyxl import Workbook

    everyone = ["Bromma", "Farsta", "Hässelby-Vällingby", "Skarpnäck", "Södermalm"]

    def write(name: str, year: int, districts: list[str]) -> Path:
        book = Workbook()
        sheet = book.active
        sheet.title = "Data"
        sheet.append(["Stadsdelsområde", "År", "Mått", "Kön", "Åldersgrupp", "Andel (%)",
                      "Antal svarande"])  # fmt: skip
        for district in districts:
            sheet.append([district, year, OTRYGG, "Alla", "Alla", 10.0, 1000])
        path = tmp_path / f"{name}.xlsx"
        book.save(path)
        return path

    survey.commit(store, survey.prepare(store, write("all", 2022, everyone), catalogue),
                  catalogue, loaded_by="Anna")  # fmt: skip

    def missing(path: Path) -> list[str]:
        warnings = survey.prepare(store, path, catalogue).table.warnings
        return [str(w) for w in warnings if "saknas för" in str(w)]

    assert missing(write("bromma", 2023, ["Bromma"])) == []
    found = missing(write("most", 2023, [d for d in everyone if d != "Farsta"]))
    assert len(found) == 1 and "Farsta" in found[0] and "fanns med 2022" in found[0]
