"""Trends on today's boundaries (old districts rolled up) and on those of the time."""

from __future__ import annotations

import duckdb
import pandas as pd

from store import reference_data
from store.series import observation_rows


def _yearly(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.groupby(["region_code", "year"]).agg(
        total=("total", "sum"), complete=("complete", "all"), n_parts=("n_parts", "max")
    )


def test_today_map_follows_every_merger(store: duckdb.DuckDBPyConnection) -> None:
    mapping = dict(reference_data.today_region_map(store).itertuples(index=False, name=None))
    assert mapping["80125"] == "80132"  # Rinkeby-Kista → Järva
    assert mapping["80103"] == "80132"  # Spånga-Tensta → Järva
    assert mapping["80109"] == "80131" and mapping["80110"] == "80131"  # → Norra innerstaden
    assert mapping["80190"] == "80129" and mapping["80191"] == "80129"  # → Hägersten-Älvsjö
    assert mapping["80192"] == "80132"  # Kista (until 2006) → Rinkeby-Kista → Järva
    assert mapping["80198"] == "80127"  # Katarina-Sofia → Södermalm
    assert mapping["80106"] == "80106" and mapping["0180"] == "0180"


def test_counts_add_up_on_todays_boundaries(demo_store: duckdb.DuckDBPyConnection) -> None:
    measure = ["bra.brott_mot_person"]
    time = _yearly(observation_rows(demo_store, measure, boundaries="time",
                                    region_codes=["80125", "80103"]))  # fmt: skip
    today = _yearly(observation_rows(demo_store, measure, boundaries="today",
                                     region_codes=["80132"]))  # fmt: skip
    assert time.loc[("80125", 2021), "total"] == 2049
    for year in (2020, 2021, 2022, 2023):
        expected = time.loc[("80125", year), "total"] + time.loc[("80103", year), "total"]
        assert today.loc[("80132", year), "total"] == expected
        assert today.loc[("80132", year), "complete"]
        assert today.loc[("80132", year), "n_parts"] == 2


def test_a_part_missing_makes_the_sum_incomplete(demo_store: duckdb.DuckDBPyConnection) -> None:
    # Norra innerstaden = Norrmalm + Östermalm; the 2022 export has only Norrmalm.
    today = _yearly(observation_rows(demo_store, ["bra.sexualbrott"], boundaries="today",
                                     region_codes=["80131"]))  # fmt: skip
    assert not today.loc[("80131", 2022), "complete"]
    assert today.loc[("80131", 2023), "complete"]  # the 2024 region list has both


def test_time_boundaries_keep_the_districts_as_reported(
    demo_store: duckdb.DuckDBPyConnection,
) -> None:
    frame = observation_rows(demo_store, ["bra.brott_mot_person"], boundaries="time",
                             region_codes=["80125", "80132"])  # fmt: skip
    assert set(frame["region_code"]) == {"80125"}  # BRÅ has no Järva figures before 2024
    assert frame["complete"].all()


def test_monthly_rows(demo_store: duckdb.DuckDBPyConnection) -> None:
    frame = observation_rows(demo_store, ["bra.brott_mot_person"], boundaries="time",
                             region_codes=["80125"])  # fmt: skip
    in_2021 = frame[frame["year"] == 2021]
    assert sorted(in_2021["month"]) == list(range(1, 13))
    assert in_2021["total"].sum() == 2049


def test_several_measures_are_summed(demo_store: duckdb.DuckDBPyConnection) -> None:
    both = observation_rows(demo_store, ["bra.sexualbrott", "bra.misshandel"],
                            boundaries="time", region_codes=["80125"])  # fmt: skip
    one = observation_rows(demo_store, ["bra.sexualbrott"], boundaries="time",
                           region_codes=["80125"])  # fmt: skip
    other = observation_rows(demo_store, ["bra.misshandel"], boundaries="time",
                             region_codes=["80125"])  # fmt: skip
    assert both["total"].sum() == one["total"].sum() + other["total"].sum()
