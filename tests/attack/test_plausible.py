"""Implausible values are refused by every loader, naming the cell or line, and nothing is
stored: a count of 1e300 once took most pages down for every user."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pytest

from catalogue.catalogue import load_catalogue
from loaders import bra_anmalda_brott as bra
from loaders import population, survey
from loaders.batch import LoadError, LoadReport, commit_batch
from store import loading, queries
from tests.loaders.sheets import data_book

OTRYGG = "stad_trygghet.otrygg_ute_kvall"
WALKS = "aktivitet.trygghetsvandringar"
HEADER = ["Stadsdelsområde", "År", "Mått", "Kön", "Åldersgrupp", "Andel (%)", "Antal svarande",
          "Antal", "Kommentar"]  # fmt: skip


def _book(tmp_path: Path, rows: list[list[object]]) -> Path:
    return data_book(tmp_path / "orimligt.xlsx", HEADER, rows)


def _checksums(con: duckdb.DuckDBPyConnection) -> tuple[int, int, int]:
    return (
        queries.count_observations(con),
        len(loading.batches(con)),
        len(loading.stored_values(con, [OTRYGG, WALKS])),
    )


def _refused_bra(store: duckdb.DuckDBPyConnection, tmp_path: Path, lines: list[str]) -> str:
    """The message of a BRÅ file (these data lines under BRÅ's header) that is refused."""
    path = tmp_path / "Databasfil.txt"
    header = "Region;Brott;År;Period;Antal;/100 000 inv"
    path.write_text("\n".join([header, *lines]) + "\n", encoding="latin-1")
    with pytest.raises(LoadError) as caught:
        bra.load(store, path, loaded_by="test")
    return str(caught.value)


def _commit_kolada(
    store: duckdb.DuckDBPyConnection, tmp_path: Path, rows: pd.DataFrame, sha: str
) -> None:
    """The last check every loader passes, with rows as a Kolada load would give them."""
    measures = pd.DataFrame({"id": ["kolada.u07417"], "source": ["kolada"], "label": ["x"],
                             "unit": ["per 100 000"], "spatially_additive": [False]})  # fmt: skip
    commit_batch(
        store, source="kolada", path=tmp_path / "k.json", sha256=sha, loaded_by="test",
        report=LoadReport(source="kolada", file_name="k.json"), observations=rows,
        measures=measures,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("row", "cell", "message"),
    [
        (["Bromma", 2024, WALKS, "Alla", "Alla", None, None, "1e300"], "H2",
         "antalet är orimligt stort för måttet (högst 10\u00a0000)"),
        (["Bromma", 2024, WALKS, "Alla", "Alla", None, None, 20000], "H2",
         "antalet är orimligt stort för måttet (högst 10\u00a0000)"),
        (["Bromma", 2024, OTRYGG, "Alla", "Alla", 12.5, 3e9], "G2",
         "antal svarande är orimligt stort (högst 1\u00a0000\u00a0000)"),
        (["Bromma", 2024, OTRYGG, "Alla", "Alla", 45.5, 3], "F2",
         "andelen kan inte komma från 3 svarande (möjliga andelar: 0,0, 33,3, 66,7, 100,0)"),
        (["Bromma", 2024, OTRYGG, "Alla", "Alla", "nan", 300], "F2", "ska vara mellan 0 och 100"),
    ],
)  # fmt: skip
def test_an_upload_with_an_implausible_value_is_refused_at_its_cell(
    store: duckdb.DuckDBPyConnection, tmp_path: Path, row: list[object], cell: str, message: str
) -> None:
    before = _checksums(store)
    prepared = survey.prepare(store, _book(tmp_path, [row]), load_catalogue())
    assert [(f.cell, f.message) for f in prepared.table.errors] == [(cell, message)]
    assert _checksums(store) == before


def test_a_share_of_few_respondents_that_can_occur_is_accepted(
    store: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    rows = [["Bromma", 2024, OTRYGG, "Alla", "Alla", 33.3, 3],
            ["Farsta", 2024, OTRYGG, "Alla", "Alla", 45.5, 300]]  # fmt: skip
    prepared = survey.prepare(store, _book(tmp_path, rows), load_catalogue())
    assert prepared.table.errors == []


def test_a_bra_file_with_an_absurd_count_stores_nothing(
    store: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    before = _checksums(store)
    text = _refused_bra(store, tmp_path, [
        "Stadsdelsområde Bromma (Sthlm);3-7 kap. Brott mot person;2022;Jan;120;170;",
        "Stadsdelsområde Bromma (Sthlm);3-7 kap. Brott mot person;2022;Feb;1e300;..;",
    ])  # fmt: skip
    assert "bra.brott_mot_person 80106 2022-02: value 1e+300 is not between 0 and 1e+07" in text
    assert _checksums(store) == before


def test_every_loader_passes_the_same_last_check(
    store: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    rows = pd.DataFrame({
        "source": "kolada", "measure": "kolada.u07417", "region_code": "0180", "year": 2023,
        "month": None, "sex": "total", "age_group": "all", "value": [float("inf")],
        "respondents": None, "preliminary": False,
    })  # fmt: skip
    before = _checksums(store)
    with pytest.raises(LoadError, match=r"kolada.u07417 0180 2023: value inf is not between 0"):
        _commit_kolada(store, tmp_path, rows, "k")
    assert _checksums(store) == before


def test_a_population_table_with_an_absurd_count_stores_nothing(
    store: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    path = tmp_path / "befolkning.csv"
    path.write_text("region;year;sex;age_group;population\nBromma SDO;2022;Alla;Alla;"
                    "92 000 000 000\n", encoding="utf-8")  # fmt: skip
    with pytest.raises(LoadError, match=r"population 9\.2e\+10 is not a whole number"):
        population.load(store, path, loaded_by="test")
    assert queries.count_observations(store) == 0


def test_a_fraction_among_percentages_is_a_warning_on_its_row(
    store: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    rows = [["Bromma", 2024, OTRYGG, "Alla", "Alla", 45, 300],
            ["Farsta", 2024, OTRYGG, "Alla", "Alla", 0.45, 300],
            ["Skarpnäck", 2024, OTRYGG, "Alla", "Alla", 38.5, 300]]  # fmt: skip
    prepared = survey.prepare(store, _book(tmp_path, rows), load_catalogue())
    assert prepared.table.errors == []
    assert [(w.cell, w.value, w.message) for w in prepared.table.warnings] == [
        ("rad 3", "0,45", "andelen är under 1 medan måttets andra andelar är skrivna i "
         "procent: menas 45 %?"),
    ]  # fmt: skip


def test_a_value_for_a_district_in_a_year_it_did_not_exist_stores_nothing(
    store: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    """Järva was formed on 1 July 2023 and Rinkeby-Kista ended on 30 June 2023: a BRÅ figure
    for Järva in 2019 or a Kolada value for Rinkeby-Kista in 2024 is refused (zeros for the
    years a region did not exist are BRÅ's placeholders and are left out, see the loader)."""
    before = _checksums(store)
    text = _refused_bra(store, tmp_path, [
        "Stadsdelsområde Bromma (Sthlm);3-7 kap. Brott mot person;2019;Jan;120;170;",
        "Stadsdelsområde Järva (Sthlm);3-7 kap. Brott mot person;2019;Jan;240;310;",
    ])  # fmt: skip
    assert "80132 2019: 2 values for a region that did not exist that year" in text
    assert "Järva fanns inte 2019 (bildades 2023-07-01)" in text
    assert _checksums(store) == before

    rows = pd.DataFrame({
        "source": "kolada", "measure": "kolada.u07417", "region_code": ["80125", "80125"],
        "year": [2023, 2024], "month": None, "sex": "total", "age_group": "all",
        "value": [12.0, 13.0], "respondents": None, "preliminary": False,
    })  # fmt: skip
    with pytest.raises(LoadError) as caught:
        _commit_kolada(store, tmp_path, rows, "k2")
    assert "80125 2024: 1 values for a region that did not exist that year" in str(caught.value)
    assert "80125 2023" not in str(caught.value)  # the year of the merger belongs to both
    assert _checksums(store) == before


def test_a_key_given_twice_in_one_file_stores_nothing(
    store: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    rows = pd.DataFrame({
        "source": "kolada", "measure": "kolada.u07417", "region_code": "0180",
        "year": [2022, 2023, 2023], "month": None, "sex": ["total", "women", "women"],
        "age_group": "all", "value": [12.0, 13.0, 14.0], "respondents": None,
        "preliminary": False,
    })  # fmt: skip
    before = _checksums(store)
    with pytest.raises(LoadError) as caught:
        _commit_kolada(store, tmp_path, rows, "k3")
    assert "kolada.u07417 0180 2023 (women, all): given more than once in the file" in str(
        caught.value
    )
    assert "2022" not in str(caught.value)
    assert _checksums(store) == before
