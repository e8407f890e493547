"""The BRÅ loader against the real exports: figures a user can check by hand, echoes,
preliminary figures and their supersession, and files that must load nothing."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from loaders import bra_anmalda_brott as bra
from loaders.batch import LoadError
from store import loading, queries
from tests.conftest import DEMO_BRA, PROBLEMS


def _yearly(con: duckdb.DuckDBPyConnection, measure: str, code: str) -> dict[int, float]:
    rows = con.execute(
        "SELECT year, sum(value) FROM observation_current "
        "WHERE measure = $m AND region_code = $c GROUP BY year ORDER BY year",
        {"m": measure, "c": code},
    ).fetchall()
    return {int(y): float(v) for y, v in rows}


@pytest.mark.slow
def test_rinkeby_kista_crimes_against_persons(demo_store: duckdb.DuckDBPyConnection) -> None:
    # Hand check: the twelve unique monthly lines of "3-7 kap. Brott mot person" for
    # "Stadsdelsområde Rinkeby-Kista (Sthlm)" in Databasfil2021.txt / 2022.txt.
    yearly = _yearly(demo_store, "bra.brott_mot_person", "80125")
    assert yearly[2021] == 2049
    assert yearly[2022] == 1869


def test_monthly_values_and_rate_are_kept(demo_store: duckdb.DuckDBPyConnection) -> None:
    # "Stadsdelsområde Rinkeby-Kista (Sthlm);6 kap. Sexualbrott;2022;Feb;17;33;"
    row = demo_store.execute(
        "SELECT value FROM observation_current WHERE region_code = '80125' AND year = 2022 "
        "AND month = 2 AND measure = $m",
        {"m": "bra.sexualbrott"},
    ).fetchone()
    rate = demo_store.execute(
        "SELECT value FROM observation_current WHERE region_code = '80125' AND year = 2022 "
        "AND month = 2 AND measure = $m",
        {"m": "bra.sexualbrott.per_100k"},
    ).fetchone()
    assert row == (17.0,) and rate == (33.0,)
    labels = dict(demo_store.execute("SELECT id, label FROM measure").fetchall())
    assert labels["bra.brott_mot_person"] == "3-7 kap. Brott mot person"
    assert labels["bra.misshandel"] == "därav misshandel inkl. grov"


@pytest.mark.slow
def test_echoed_duplicates_are_dropped(store: duckdb.DuckDBPyConnection) -> None:
    report = bra.load(store, DEMO_BRA / "Databasfil2022.txt", loaded_by="test")
    # 5 545 data lines, 2 772 of them exact echoes of parent rows; 2 773 unique lines
    # (33 regions x 7 categories x 12 months + ...), each giving a count and a rate.
    assert "Dropped 2772 echoed duplicate lines." in report.summary()
    assert report.rows == 2 * (5545 - 2772 - 1)  # the header line is not data
    assert len(report.regions) == 33 and report.years == [2022]


def test_preliminary_figures_are_marked(demo_store: duckdb.DuckDBPyConnection) -> None:
    flags = dict(
        demo_store.execute(
            "SELECT year, bool_and(preliminary) FROM observation_current "
            "WHERE source = 'bra_anmalda_brott' GROUP BY year"
        ).fetchall()
    )
    assert flags == {2020: False, 2021: False, 2022: False, 2023: True}


@pytest.mark.slow
def test_not_available_values_are_not_stored(store: duckdb.DuckDBPyConnection) -> None:
    report = bra.load(store, DEMO_BRA / "Databasfil2023_regionlist_2024.txt", loaded_by="t")
    # In this export every "3-7 kap." parent row is "..": no such measure is stored.
    stored = store.execute(
        "SELECT count(*) FROM observation WHERE measure = 'bra.brott_mot_person'"
    ).fetchone()
    assert stored == (0,)
    assert "492 lines had '..'" in report.summary()


def test_placeholder_zeros_for_regions_that_did_not_exist_are_left_out(
    store: duckdb.DuckDBPyConnection,
) -> None:
    report = bra.load(store, DEMO_BRA / "Databasfil2023_regionlist_2024.txt", loaded_by="t")
    codes = {r[0] for r in store.execute("SELECT DISTINCT region_code FROM observation").fetchall()}
    assert "80132" not in codes  # Järva: zeros for 2023, BRÅ starts it in 2024
    assert "80192" not in codes  # Kista, ended 2006
    assert {"80125", "80103", "80109", "80110", "80127", "0180"} <= codes
    assert "Järva 2023" in report.summary()


def test_loading_twice_adds_nothing(store: duckdb.DuckDBPyConnection) -> None:
    path = DEMO_BRA / "Databasfil2021.txt"
    first = bra.load(store, path, loaded_by="a")
    before = queries.count_observations(store)
    second = bra.load(store, path, loaded_by="b")
    assert queries.count_observations(store) == before
    assert second.already_loaded and second.batch_id == first.batch_id
    assert second.summary() == (
        f"Databasfil2021.txt was already loaded as batch {first.batch_id}; nothing was added."
    )
    assert len(loading.batches(store)) == 1


@pytest.mark.slow
def test_final_figures_supersede_preliminary_ones(
    store: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    preliminary = DEMO_BRA / "Databasfil2023.txt"
    text = preliminary.read_bytes().decode("latin-1")
    final_text = text.replace(";2023 prel.;", ";2023;").replace(
        "Stadsdelsområde Rinkeby-Kista (Sthlm);6 kap. Sexualbrott;2023;Jan;",
        "Stadsdelsområde Rinkeby-Kista (Sthlm);6 kap. Sexualbrott;2023;Jan;1",
    )
    final = tmp_path / "Databasfil2023_final.txt"
    final.write_bytes(final_text.encode("latin-1"))

    prel_report = bra.load(store, preliminary, loaded_by="t")
    jan = (
        "SELECT value, preliminary FROM observation_current WHERE region_code = '80125' "
        "AND measure = 'bra.sexualbrott' AND year = 2023 AND month = 1"
    )
    prel_value = store.execute(jan).fetchone()
    final_report = bra.load(store, final, loaded_by="t")

    assert final_report.superseded_batches == [prel_report.batch_id]
    states = {b.id: b.state for b in loading.batches(store)}
    assert states == {prel_report.batch_id: "superseded", final_report.batch_id: "active"}
    assert prel_value is not None and prel_value[1] is True
    assert store.execute(jan).fetchone() == (float(f"1{int(prel_value[0])}"), False)
    # The preliminary rows are kept, not deleted.
    kept = loading.batch_observation_counts(store, prel_report.batch_id)
    assert kept == {"stored": prel_report.rows, "current": 0}

    # Loading the preliminary file again afterwards does not bring it back.
    again = bra.load(store, preliminary, loaded_by="t")
    assert again.already_loaded


def test_unknown_districts_load_nothing_and_are_all_listed(
    store: duckdb.DuckDBPyConnection,
) -> None:
    path = PROBLEMS / "bra_unknown_districts.txt"
    with pytest.raises(LoadError) as caught:
        bra.load(store, path, loaded_by="t")
    message = str(caught.value)
    assert "bra_unknown_districts.txt: 2 problems, nothing was loaded" in message
    assert "line 4: unknown region 'Stadsdelsområde Vasastan (Sthlm)'" in message
    assert "line 5: unknown region 'Stadsdelsområde Norrmalmm (Sthlm)'" in message
    assert "closest known names: Norrmalm" in message
    assert queries.count_observations(store) == 0 and loading.batches(store) == []


def test_skip_unknown_regions_loads_the_rest(store: duckdb.DuckDBPyConnection) -> None:
    path = PROBLEMS / "bra_unknown_districts.txt"
    report = bra.load(store, path, loaded_by="t", skip_unknown_regions=True)
    assert report.regions == ["Bromma", "Rinkeby-Kista"]
    assert report.rows == 2 * 4
    assert (
        "Skipped 3 lines of 2 unknown region(s): 'Stadsdelsområde Vasastan (Sthlm)', "
        "'Stadsdelsområde Norrmalmm (Sthlm)'" in report.summary()
    )


def test_malformed_lines_are_all_reported(store: duckdb.DuckDBPyConnection) -> None:
    with pytest.raises(LoadError) as caught:
        bra.load(store, PROBLEMS / "bra_malformed_lines.txt", loaded_by="t")
    lines = [str(p) for p in caught.value.problems]
    assert lines == [
        "line 3: period 'Januari2' is not a month; expected one of Jan, Feb, Mar, Apr, Maj, "
        "Jun, Jul, Aug, Sep, Okt, Nov, Dec",
        "line 4: count (Antal) 'sju' is not a number or '..'",
        "line 5: rate (/100 000 inv) is empty; expected a number or '..'",
        "line 6: year 'tjugo' is not a year such as 2022 or '2023 prel.'",
        "line 7: expected 6 fields separated by ';', found 3: "
        "'Stadsdelsområde Bromma (Sthlm);6 kap. Sexualbrott;2022'",
    ]
    assert queries.count_observations(store) == 0


def test_wrong_header_names_what_was_expected(store: duckdb.DuckDBPyConnection) -> None:
    with pytest.raises(LoadError) as caught:
        bra.load(store, PROBLEMS / "bra_wrong_header.txt", loaded_by="t")
    assert "line 1: expected the header 'Region;Brott;År;Period;Antal;/100 000 inv'" in str(
        caught.value
    )


def test_contradicting_lines_are_refused(store: duckdb.DuckDBPyConnection) -> None:
    with pytest.raises(LoadError) as caught:
        bra.load(store, PROBLEMS / "bra_conflicting_lines.txt", loaded_by="t")
    assert str(caught.value.problems[0]) == (
        "line 4: Stadsdelsområde Rinkeby-Kista (Sthlm), 6 kap. Sexualbrott, 2022-01 already "
        "appears on line 2 with other figures"
    )


def test_a_failed_load_leaves_earlier_batches_untouched(
    store: duckdb.DuckDBPyConnection,
) -> None:
    bra.load(store, DEMO_BRA / "Databasfil2021.txt", loaded_by="t")
    before = store.execute("SELECT count(*), sum(value) FROM observation").fetchone()
    with pytest.raises(LoadError):
        bra.load(store, PROBLEMS / "bra_unknown_districts.txt", loaded_by="t")
    assert store.execute("SELECT count(*), sum(value) FROM observation").fetchone() == before
    assert [b.state for b in loading.batches(store)] == ["active"]


def test_utf8_copy_of_an_export_is_read_too(
    store: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    path = tmp_path / "resaved.txt"
    path.write_text(
        (DEMO_BRA / "Databasfil2022.txt").read_bytes().decode("latin-1"), encoding="utf-8"
    )
    report = bra.load(store, path, loaded_by="t")
    assert "Enskede-Årsta-Vantör" in report.regions


@pytest.mark.parametrize(
    ("label", "measure"),
    [
        ("3-7 kap. Brott mot person", "bra.brott_mot_person"),
        ("därav misshandel inkl. grov", "bra.misshandel"),
        ("8 kap. Stöld, rån och tillgreppsbrott", "bra.8_kap_stold_ran_och_tillgreppsbrott"),
    ],
)
def test_measure_ids(label: str, measure: str) -> None:
    assert bra.count_measure_id(label) == measure
    assert bra.rate_measure_id(label) == measure + ".per_100k"
