"""Trends on today's boundaries (old districts rolled up) and on those of the time."""

from __future__ import annotations

import duckdb

from store import queries


def _by_region_year(frame, column: str = "value") -> dict[tuple[str, int], float]:
    return {(r.region_code, int(r.year)): getattr(r, column) for r in frame.itertuples()}


def test_today_map_follows_every_merger(store: duckdb.DuckDBPyConnection) -> None:
    mapping = dict(queries.today_region_map(store).itertuples(index=False, name=None))
    assert mapping["80125"] == "80132"  # Rinkeby-Kista → Järva
    assert mapping["80103"] == "80132"  # Spånga-Tensta → Järva
    assert mapping["80109"] == "80131" and mapping["80110"] == "80131"  # → Norra innerstaden
    assert mapping["80190"] == "80129" and mapping["80191"] == "80129"  # → Hägersten-Älvsjö
    assert mapping["80192"] == "80132"  # Kista (until 2006) → Rinkeby-Kista → Järva
    assert mapping["80198"] == "80127"  # Katarina-Sofia → Södermalm
    assert mapping["80106"] == "80106" and mapping["0180"] == "0180"


def test_counts_add_up_on_todays_boundaries(demo_store: duckdb.DuckDBPyConnection) -> None:
    measure = "bra.brott_mot_person"
    time = _by_region_year(
        queries.series(demo_store, measure, ["80125", "80103"], boundaries="time",
                       granularity="year")
    )  # fmt: skip
    today = _by_region_year(
        queries.series(demo_store, measure, ["80132"], boundaries="today", granularity="year")
    )
    assert time[("80125", 2021)] == 2049
    for year in (2020, 2021, 2022, 2023):
        assert today[("80132", year)] == time[("80125", year)] + time[("80103", year)]


def test_time_boundaries_keep_the_districts_as_reported(
    demo_store: duckdb.DuckDBPyConnection,
) -> None:
    frame = queries.series(
        demo_store, "bra.brott_mot_person", ["80125", "80132"], boundaries="time",
        granularity="year",
    )  # fmt: skip
    assert set(frame["region_code"]) == {"80125"}  # BRÅ has no Järva figures before 2024


def test_rates_are_not_added_over_merged_districts(
    demo_store: duckdb.DuckDBPyConnection,
) -> None:
    frame = queries.series(
        demo_store, "bra.sexualbrott.per_100k", ["80132", "80106"], boundaries="today",
        granularity="year",
    )  # fmt: skip
    values = _by_region_year(frame)
    parts = _by_region_year(frame, "n_parts")
    assert parts[("80132", 2022)] == 2 and values[("80132", 2022)] != values[("80132", 2022)]
    assert parts[("80106", 2022)] == 1 and values[("80106", 2022)] > 0


def test_monthly_series_has_twelve_months_and_yearly_counts_them(
    demo_store: duckdb.DuckDBPyConnection,
) -> None:
    monthly = queries.series(
        demo_store, "bra.brott_mot_person", ["80125"], boundaries="time", granularity="month"
    )
    assert len(monthly[monthly["year"] == 2021]) == 12
    assert monthly[monthly["year"] == 2021]["value"].sum() == 2049
    yearly = queries.series(
        demo_store, "bra.brott_mot_person", ["80125"], boundaries="time", granularity="year"
    )
    assert set(yearly["n_months"]) == {12}
