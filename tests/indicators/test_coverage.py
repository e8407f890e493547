"""Comparisons know the period each side covers: an event archive that starts part-way
through a year is not compared with whole years, a year in progress is compared with the same
months a year earlier, and a month without events in a covered period counts 0."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from catalogue.catalogue import load_catalogue
from indicators.basis import Request
from indicators.compute import compute
from loaders import polisen_handelser as polisen
from tests.conftest import reading


def _murders(times: list[str]) -> list[dict]:
    return [
        {
            "id": i,
            "datetime": f"{t} 12:00:00 +01:00",
            "name": f"{t}, Mord/dråp, Stockholm",
            "summary": "Händelse i Stockholm.",
            "url": f"/x/{i}",
            "type": "Mord/dråp",
            "location": {"name": "Stockholm", "gps": "59.3,18.0"},
        }
        for i, t in enumerate(times, start=1)
    ]


def _city(con: duckdb.DuckDBPyConnection) -> dict[int, dict]:
    catalogue = load_catalogue()
    frame = compute(
        con, catalogue.definitions["mord_drap"], catalogue, Request(region_codes=("0180",))
    )
    return {int(r["year"]): r for r in frame.to_dict("records")}


def _load(con: duckdb.DuckDBPyConnection, tmp_path: Path, events: list[dict]) -> None:
    path = tmp_path / "arkiv.json"
    path.write_text(json.dumps(events, ensure_ascii=False), encoding="utf-8")
    polisen.load(con, path, loaded_by="test")


@pytest.mark.slow
def test_an_archive_from_november_does_not_make_the_next_year_a_deterioration(
    store: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    # Six murders in November–December 2024, then 30 over 2025, the last on 31 December:
    # as whole years 6 → 30 would be a significant deterioration; 2024 is covered only from
    # 1 November, so there is nothing to compare 2025 with.
    late_2024 = ["2024-11-01", "2024-11-10", "2024-11-20", "2024-12-01", "2024-12-10",
                 "2024-12-20"]  # fmt: skip
    year_2025 = [f"2025-{m:02d}-{d:02d}" for m in range(1, 13) for d in (5, 12, 20)][:29]
    events = _murders([*late_2024, *year_2025, "2025-12-31"])
    _load(store, tmp_path, events)
    rows = _city(store)
    assert rows[2024]["status"] == "insufficient_data"
    assert rows[2024]["status_text"] == (
        "Antalet är 6 (nov–dec 2024); jämförelse saknas: 2024 täcks bara från 1 nov."
    )
    assert rows[2025]["numerator"] == 30
    assert rows[2025]["status"] == "insufficient_data"
    # Against the baseline 2023, which the archive does not cover; and against 2024, which it
    # covers only in part: neither is compared, and both say why.
    assert rows[2025]["status_text"] == (
        "Antalet är 30 (2025); jämförelse saknas: det finns inget värde för basåret 2023."
    )
    assert rows[2025]["previous_text"] == (
        "Antalet är 30 (2025); jämförelse saknas: 2024 täcks bara från 1 nov."
    )


@pytest.mark.slow
def test_a_year_in_progress_is_compared_with_the_same_months_and_sparse_months_are_zero(
    store: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    # Covered 1 January 2024 – 30 June 2025 (the last event's day ends June). Months without
    # a murder (May–August 2024 and others) count 0, not "missing".
    events = _murders(["2024-01-01", "2024-01-15", "2024-02-01", "2024-03-01", "2024-04-01",
                       "2024-09-01", "2025-01-20", "2025-02-01", "2025-03-01", "2025-04-01",
                       "2025-05-01", "2025-06-30"])  # fmt: skip
    events[-1]["datetime"] = "2025-06-30 23:59:00 +02:00"
    _load(store, tmp_path, events)
    rows = _city(store)
    assert (rows[2024]["n_months"], rows[2024]["numerator"]) == (12, 6)
    assert (rows[2025]["n_months"], rows[2025]["numerator"]) == (6, 6)
    # January–June 2024 had 5 murders: the comparison is 5 → 6 over the same months.
    assert rows[2025]["ytd_previous"] == 5
    assert "från 5 (jan–jun 2024) till 6 (jan–jun 2025)" in rows[2025]["status_text"]


@pytest.mark.slow
def test_no_district_has_a_value_for_a_year_it_did_not_exist(demo_db_path: Path) -> None:
    """On the boundaries of the time, police indicators list districts only for the years
    they existed (a merger year belongs to both sides): no zero is filled in outside."""
    from store.regions import RegionLifetimes

    con = reading(demo_db_path)
    try:
        lifetimes = RegionLifetimes.from_store(con)
        catalogue = load_catalogue()
        outside = []
        frames = {}
        for indicator in ("skjutningar", "explosioner", "mord_drap"):
            frame = compute(con, catalogue.definitions[indicator], catalogue, Request("time"))
            frames[indicator] = frame
            districts = frame[frame["region_kind"] == "district"]
            assert not districts.empty
            outside += [
                (indicator, r.region_name, r.year)
                for r in districts.itertuples()
                if not lifetimes.existed(r.region_code, int(r.year))
            ]
        names = set(frame.loc[frame["year"] == 2025, "region_name"])
    finally:
        con.close()
    assert outside == []
    assert {"Rinkeby-Kista", "Norrmalm", "Kista", "Älvsjö"}.isdisjoint(names)
    assert {"Järva", "Norra innerstaden", "Hägersten-Älvsjö"} <= names
    # The merger year: each side's months only (issue 36; both read "apr–dec 2023", the
    # source's coverage, before). Shootings are covered from 27 March 2023; Järva exists from
    # 1 July, Rinkeby-Kista until 30 June.
    shootings = frames["skjutningar"]
    shootings = shootings[(shootings["year"] == 2023) & (shootings["sex"] == "total")]
    periods = dict(zip(shootings["region_name"], shootings["period"], strict=True))
    assert periods["Järva"] == periods["Norra innerstaden"] == "jul–dec 2023"
    assert periods["Rinkeby-Kista"] == periods["Östermalm"] == "apr–jun 2023"
    assert periods["Bromma"] == "apr–dec 2023"


@pytest.mark.slow
def test_a_status_never_names_a_hidden_figure(
    store: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    """2 murders in January–June 2024 (under the threshold, hidden) then 6 in January–June
    2025: the 2025 sentence must not say "ökat från 2". The police publish their events, so
    they are shown as published; here the source is declared protected, as a count from
    the city's own registers would be."""
    events = _murders(["2024-01-01", "2024-02-01", "2024-12-31", "2025-01-02", "2025-02-01",
                       "2025-03-01", "2025-04-01", "2025-05-01", "2025-06-30"])  # fmt: skip
    _load(store, tmp_path, events)
    published = _city(store)
    assert "från 2 (jan–jun 2024) till 6 (jan–jun 2025)" in published[2025]["status_text"]
    store.execute("UPDATE source SET disclosure = 'protected' WHERE id = 'polisen_handelser'")
    rows = _city(store)
    assert rows[2025]["n_months"] == 6 and rows[2025]["numerator"] == 6
    assert rows[2025]["status_text"] == (
        "Antalet är 6 (jan–jun 2025); jämförelse saknas: samma månader 2024 har för litet "
        "underlag för att visas."
    )
    assert " 2 " not in rows[2025]["status_text"]
