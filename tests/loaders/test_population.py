"""Population tables in every layout, and files that must load nothing."""

from __future__ import annotations

import duckdb
import pytest

from loaders import population
from loaders.batch import LoadError
from store import loading
from tests.conftest import FIXTURES, PROBLEMS, ROOT

DEMO = ROOT / "data" / "demo" / "population"


def _pop(con: duckdb.DuckDBPyConnection, code: str, year: int, sex: str = "total") -> float:
    row = con.execute(
        "SELECT count FROM population_current WHERE region_code = $c AND year = $y "
        "AND sex = $s AND age_group = 'all'",
        {"c": code, "y": year, "s": sex},
    ).fetchone()
    assert row is not None
    return float(row[0])


def test_the_city_statistics_table(store: duckdb.DuckDBPyConnection) -> None:
    report = population.load(
        store, DEMO / "stockholm_sdo_population_2000_2011_prognos2021_statistikomstockholm.csv",
        loaded_by="t",
    )  # fmt: skip
    assert report.years == [2000, 2005, 2010, 2011]
    assert "Left out groups of districts: Västerort, Inre staden, Söderort." in report.summary()
    assert _pop(store, "80191", 2011) == 25660  # Älvsjö, before the 2020 merger
    assert _pop(store, "0180", 2011) == 864324
    districts = store.execute(
        "SELECT sum(count) FROM population_current p JOIN region r ON r.code = p.region_code "
        "WHERE r.kind = 'district' AND year = 2011"
    ).fetchone()
    assert districts == (864324.0,)  # the 14 districts add up to the city


def test_folkhalsokollen_needs_a_year(store: duckdb.DuckDBPyConnection) -> None:
    path = DEMO / "population_stadsdelsomraden_2021_folkhalsokollen.csv"
    with pytest.raises(LoadError, match="give it with --year"):
        population.load(store, path, loaded_by="t")
    population.load(store, path, loaded_by="t", year=2020)
    assert _pop(store, "80106", 2020) == 81185
    assert loading.batches(store)[0].note == "år 2020"


def test_tidy_csv_with_sex_and_spaces_in_numbers(store: duckdb.DuckDBPyConnection) -> None:
    population.load(store, FIXTURES / "population_tidy.csv", loaded_by="t")
    assert _pop(store, "80106", 2022, "female") == 47500
    assert _pop(store, "0180", 2022) == 984748


def test_scb_pxweb(store: duckdb.DuckDBPyConnection) -> None:
    report = population.load(store, DEMO / "pxweb_v1_BefolkningNy_response_sample.json",
                             loaded_by="t")  # fmt: skip
    row = store.execute(
        "SELECT count FROM population WHERE region_code = '0114' AND year = 2011 "
        "AND age_group = '45'"
    ).fetchone()
    assert row == (227.0 + 344.0,)  # OG + G
    assert "Summed over Civilstand (G, OG)" in report.summary()


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("population_unknown_district.csv", "line 5: unknown region 'Vasastan'"),
        (
            "population_code_and_name_disagree.csv",
            "line 4: code 80108 is 80108, but the name says 'Bromma'",
        ),
    ],
)
def test_bad_files_load_nothing(store: duckdb.DuckDBPyConnection, name: str, message: str) -> None:
    with pytest.raises(LoadError) as caught:
        population.load(store, PROBLEMS / name, loaded_by="t", year=2020)
    assert message in str(caught.value) and name in str(caught.value)
    assert loading.batches(store) == []


def test_rates_use_the_demo_population(demo_store: duckdb.DuckDBPyConnection) -> None:
    from catalogue.catalogue import load_catalogue
    from indicators.basis import Request
    from indicators.compute import compute

    catalogue = load_catalogue()
    frame = compute(demo_store, catalogue.definitions["brott_mot_person_per_1000"], catalogue,
                    Request(region_codes=("80125",)))  # fmt: skip
    by_year = frame.set_index("year")
    assert by_year.loc[2021, "value"] == pytest.approx(2049 / 51387 * 1000)
    assert by_year.loc[2021, "population_year"] == 2020
    assert by_year.loc[2023, "value"] != by_year.loc[2023, "value"]  # 3 years back: none
