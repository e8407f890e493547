"""The data-status page on the demo data: sources, batches, a batch's rows, the coverage
matrix and the police events that could not be placed."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.app.plotly_data import table_with
from tests.conftest import ROOT


@pytest.fixture
def page(demo_db_path: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("DASHBOARD_DB", str(demo_db_path))
    at = AppTest.from_file(str(ROOT / "main.py"), default_timeout=60)
    at.run()
    at.switch_page("app_pages/data_status.py").run()
    assert not at.exception, at.exception
    return at


@pytest.mark.slow
def test_batches_are_listed_with_file_user_rows_and_state(page: AppTest) -> None:
    assert page.title[0].value == "Datastatus"
    batches = table_with(page, "Fil")
    assert list(batches["Fil"]) == [
        "Databasfil2020.txt", "Databasfil2021.txt", "Databasfil2022.txt", "Databasfil2023.txt",
        "Databasfil2023_regionlist_2024.txt", "events_stockholm_2022_2026.json",
        "events_api_snapshot.json",
        "stockholm_sdo_population_2000_2011_prognos2021_statistikomstockholm.csv",
        "population_stadsdelsomraden_2021_folkhalsokollen.csv",
        "pxweb_v1_BefolkningNy_response_sample.json",
        "kolada_kpi_metadata_crime_safety_subset_2023-03-28.csv",
        "kolada_values_U07417_U07452_all_kommuner_2010_2023.csv",
        "exempel_stads_trygghetsmatning.xlsx", "exempel_polisens_trygghetsmatning.xlsx",
        "exempel_stockholmsenkaten.xlsx", "exempel_aktivitetsdata.xlsx",
    ]  # fmt: skip
    first = batches.iloc[0]
    assert (first["Källa"], first["Inläst av"], first["Rader"], first["Status"]) == (
        "Anmälda brott", "demodata", "5\u00a0376", "aktiv",
    )  # fmt: skip
    # The snapshot recounted only the months its new events fall in: the archive's other
    # counts stay in force, so both batches are active.
    assert list(batches["Status"])[5:7] == ["aktiv", "aktiv"]
    assert batches.iloc[8]["Anteckning"] == "år 2020"


def test_sources_say_how_fresh_they_are(page: AppTest) -> None:
    sources = table_with(page, "Senaste data").set_index("Källa")
    assert sources.loc["Anmälda brott", "Status"] == "Inaktuell"
    assert sources.loc["Anmälda brott", "Senaste data"].startswith("Senaste period: december 2023")
    assert sources.loc["Stockholmsenkäten", "Status"] == "Aktuell"  # example data for 2024
    assert sources.loc["Stockholmsenkäten", "Exempeldata"] == "ja"
    assert sources.loc["Anmälda brott", "Exempeldata"] == ""
    assert sources.loc["Polisens händelser", "Publiceras"] == "löpande (flera gånger i timmen)"


def test_a_batch_can_be_opened(page: AppTest) -> None:
    page.selectbox(key="batch").set_value(9).run()
    rows = table_with(page, "Gäller")
    assert len(rows) == 13
    bromma = rows[rows["Område"] == "Bromma"].iloc[0]
    assert (bromma["År"], bromma["Värde"]) == (2020, "81\u00a0185")
    assert any(c.value == "Satsen har 13 rader; här visas alla." for c in page.caption)
    # Swedish throughout: the columns and the values (no region_code, sex, total, all).
    assert list(rows.columns) == [
        "Mått", "Område", "Områdeskod", "År", "Månad", "Kön", "Ålder", "Värde", "Svarande",
        "Preliminär", "Gäller",
    ]  # fmt: skip
    assert (bromma["Kön"], bromma["Ålder"], bromma["Gäller"]) == ("alla", "alla", "ja")
    # A measure by its name, not its code ("bra.arekrankningsbrott").
    page.selectbox(key="batch").set_value(1).run()
    measures = set(table_with(page, "Gäller")["Mått"])
    assert measures == {"5 kap. Ärekränkningsbrott"}


def test_coverage_matrix(page: AppTest) -> None:
    # A district a row, an area a column (twelve columns of regions did not fit 1440 px).
    matrix = table_with(page, "Systemhotande brottslighet")
    assert list(matrix.index)[-1] == "Hela staden" and "Järva" in matrix.index
    victims = matrix.T.loc["Särskilt utsatta och sårbara brottsoffer"]  # a district a row
    # BRÅ's three counts and the rate (population 2020 → 2020–2022), the survey's exposure
    # (example data from 2017), the pupils' exposure and the child-protection reports.
    assert victims["Järva"] == "7 av 7 (2017–2024)"
    # The police events are covered per event type from its first event: explosions and
    # shootings from 2023; sabotage of emergency services, which the archive never held,
    # not at all (no zeros for it).
    assert matrix.loc["Järva", "Systemhotande brottslighet"] == "2 av 3 (2023–2026)"
    assert matrix.loc["Bromma", "Unga i riskzon för destruktivt beteende"] == "3 av 3 (2022–2024)"
    # The city: the Kolada comparisons count for the city as well.
    assert matrix.loc["Hela staden", "Otrygga och brottsutsatta platser"] == "6 av 6 (2010–2024)"


def test_police_events_not_placed(page: AppTest) -> None:
    assert any(
        m.value.startswith("44,4\u00a0% av polisens 3\u00a0847 händelser i Stockholm kunde inte")
        for m in page.markdown
    )
    placement = table_with(page, "Bara för hela staden").set_index("År")
    assert placement.loc[2023, "Händelser i Stockholm"] == 1080
    assert placement.loc[2023, "Bara för hela staden"] == 462


def test_police_events_coverage_per_event_type(page: AppTest) -> None:
    table = table_with(page, "Första händelse").set_index("Händelsetyp")
    assert table.loc["Explosion", "Första händelse"] == "15 maj 2023"
    assert table.loc["Explosion", "Täcker hela månader"] == "jun 2023–jul 2026"
    assert table.loc["Explosion", "Indikatorer"] == "Explosioner"
    assert table.loc["Mord/dråp", "Täcker hela månader"] == "nov 2022–jul 2026"
