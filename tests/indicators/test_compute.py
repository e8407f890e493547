"""Indicator values from the store: the real demo data and small constructed series."""

from __future__ import annotations

import math

import duckdb
import pandas as pd
import pytest

from catalogue.catalogue import Catalogue, load_catalogue
from indicators.basis import Request
from indicators.compute import compute
from indicators.stats import wilson_interval
from tests.indicators.builders import add_batch, add_population

RK, ST, JARVA, BROMMA, CITY = "80125", "80103", "80132", "80106", "0180"


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    result = load_catalogue()
    assert result.ok, [str(p) for p in result.problems]
    return result


def _row(frame: pd.DataFrame, region: str, year: int, sex: str = "total") -> pd.Series:
    rows = frame[(frame["region_code"] == region) & (frame["year"] == year) & (frame["sex"] == sex)]
    assert len(rows) == 1, rows
    return rows.iloc[0]


@pytest.mark.slow
def test_brott_mot_person_from_the_demo_data(
    demo_store: duckdb.DuckDBPyConnection, catalogue: Catalogue
) -> None:
    definition = catalogue.definitions["brott_mot_person"]
    time = compute(demo_store, definition, catalogue, Request(boundaries="time"))
    assert _row(time, RK, 2021)["value"] == 2049
    assert _row(time, RK, 2022)["value"] == 1869
    today = compute(demo_store, definition, catalogue, Request(boundaries="today"))
    assert _row(today, JARVA, 2021)["value"] == 2049 + 1196
    assert _row(today, RK if False else JARVA, 2023)["preliminary"]
    # Norra innerstaden: only Norrmalm is in the 2020–2022 exports → no value, not a part.
    assert math.isnan(_row(today, "80131", 2022)["value"])
    assert _row(today, "80131", 2022)["status"] == "insufficient_data"


@pytest.mark.slow
def test_every_indicator_computes_on_the_demo_data(
    demo_store: duckdb.DuckDBPyConnection, catalogue: Catalogue
) -> None:
    for definition in catalogue.definitions.values():
        for boundaries in ("today", "time"):
            frame = compute(demo_store, definition, catalogue, Request(boundaries=boundaries))
            assert "value" in frame.columns, definition.id


def test_shares_are_weighted_by_respondents_and_get_wilson_intervals(
    store: duckdb.DuckDBPyConnection, catalogue: Catalogue
) -> None:
    m = "stad_trygghet.otrygg_ute_kvall"
    add_batch(store, [
        {"measure": m, "region_code": RK, "year": 2020, "value": 20.0, "respondents": 400},
        {"measure": m, "region_code": ST, "year": 2020, "value": 30.0, "respondents": 100},
        {"measure": m, "region_code": BROMMA, "year": 2020, "value": 10.0, "respondents": 600},
    ])  # fmt: skip
    definition = catalogue.definitions["otrygg_ute_kvall"]
    today = compute(store, definition, catalogue, Request(boundaries="today"))
    jarva = _row(today, JARVA, 2020)
    # (20·400 + 30·100) / 500 = 22,0 % of 500 respondents
    assert jarva["value"] == pytest.approx(22.0)
    assert jarva["respondents"] == 500
    low, high = wilson_interval(110, 500)
    assert (jarva["lower"], jarva["upper"]) == pytest.approx((low * 100, high * 100))


def test_small_survey_cells_are_suppressed_with_their_complement(
    store: duckdb.DuckDBPyConnection, catalogue: Catalogue
) -> None:
    m = "stad_trygghet.otrygg_ute_kvall"
    rows = [
        {"measure": m, "region_code": BROMMA, "year": 2023, "sex": "total", "value": 12.0,
         "respondents": 150},
        {"measure": m, "region_code": BROMMA, "year": 2023, "sex": "female", "value": 20.0,
         "respondents": 25},  # below 30: suppressed
        {"measure": m, "region_code": BROMMA, "year": 2023, "sex": "male", "value": 10.4,
         "respondents": 125},  # could be derived from the total: suppressed too
        {"measure": m, "region_code": RK, "year": 2023, "sex": "total", "value": 25.0,
         "respondents": 300},
        {"measure": m, "region_code": RK, "year": 2023, "sex": "female", "value": 30.0,
         "respondents": 160},
        {"measure": m, "region_code": RK, "year": 2023, "sex": "male", "value": 19.3,
         "respondents": 140},
    ]  # fmt: skip
    add_batch(store, rows)
    definition = catalogue.definitions["otrygg_ute_kvall"]
    frame = compute(store, definition, catalogue, Request(boundaries="time", by_sex=True))
    female, male = _row(frame, BROMMA, 2023, "female"), _row(frame, BROMMA, 2023, "male")
    assert female["suppressed"] and male["suppressed"]
    assert math.isnan(female["value"]) and math.isnan(male["value"])
    assert math.isnan(female["lower"]) and math.isnan(male["upper"])
    assert _row(frame, BROMMA, 2023)["value"] == 12.0
    assert not _row(frame, RK, 2023, "female")["suppressed"]
    assert _row(frame, RK, 2023, "female")["value"] == 30.0


def test_a_small_district_is_complemented_against_the_city_total(
    store: duckdb.DuckDBPyConnection, catalogue: Catalogue
) -> None:
    m = "aktivitet.avhoppare_stod"  # about individuals: fewer than 5 is suppressed
    add_batch(store, [
        {"measure": m, "region_code": CITY, "year": 2024, "value": 40},
        {"measure": m, "region_code": BROMMA, "year": 2024, "value": 3},
        {"measure": m, "region_code": RK, "year": 2024, "value": 20},
        {"measure": m, "region_code": ST, "year": 2024, "value": 17},
    ])  # fmt: skip
    definition = catalogue.definitions["avhoppare_stod"]
    frame = compute(store, definition, catalogue, Request(boundaries="time"))
    assert _row(frame, BROMMA, 2024)["suppressed"]
    assert _row(frame, ST, 2024)["suppressed"]  # the smallest other district
    assert math.isnan(_row(frame, ST, 2024)["value"])
    assert not _row(frame, RK, 2024)["suppressed"]
    assert _row(frame, CITY, 2024)["value"] == 40
    # Rinkeby-Kista and Spånga-Tensta make up today's Järva (37): with the city shown,
    # 40 − 37 would give Bromma away, so Järva is hidden on today's boundaries too, and
    # Rinkeby-Kista's 20 then tells nothing about Spånga-Tensta.
    today = compute(store, definition, catalogue, Request(boundaries="today"))
    assert _row(today, JARVA, 2024)["suppressed"]
    assert _row(today, BROMMA, 2024)["suppressed"]
    assert _row(today, CITY, 2024)["value"] == 40


def test_rates_use_the_population_of_the_year_or_up_to_two_years_before(
    store: duckdb.DuckDBPyConnection, catalogue: Catalogue
) -> None:
    m = "bra.brott_mot_person"
    add_batch(store, [
        {"measure": m, "region_code": BROMMA, "year": year, "month": 1, "value": v}
        for year, v in ((2020, 500), (2021, 600), (2022, 700), (2023, 800))
    ])  # fmt: skip
    add_population(store, [(BROMMA, 2020, 80_000), (BROMMA, 2021, 0)])
    definition = catalogue.definitions["brott_mot_person_per_1000"]
    frame = compute(store, definition, catalogue, Request(boundaries="time"))
    assert _row(frame, BROMMA, 2020)["value"] == pytest.approx(500 / 80)
    assert math.isnan(_row(frame, BROMMA, 2021)["value"])  # zero population: missing, no error
    in_2022 = _row(frame, BROMMA, 2022)  # nearest earlier population: 2021 (zero) → missing
    assert in_2022["population_year"] == 2021 and math.isnan(in_2022["value"])
    assert math.isnan(_row(frame, BROMMA, 2023)["value"])  # 2021 is within 2 years but zero


def test_population_two_years_back_is_used_and_said(
    store: duckdb.DuckDBPyConnection, catalogue: Catalogue
) -> None:
    m = "bra.brott_mot_person"
    add_batch(store, [
        {"measure": m, "region_code": BROMMA, "year": 2022, "month": 1, "value": 700},
        {"measure": m, "region_code": BROMMA, "year": 2023, "month": 1, "value": 800},
    ])  # fmt: skip
    add_population(store, [(BROMMA, 2020, 80_000)])
    definition = catalogue.definitions["brott_mot_person_per_1000"]
    frame = compute(store, definition, catalogue, Request(boundaries="time"))
    assert _row(frame, BROMMA, 2022)["value"] == pytest.approx(700 / 80)
    assert _row(frame, BROMMA, 2022)["population_year"] == 2020
    assert math.isnan(_row(frame, BROMMA, 2023)["value"])  # three years back: too old


def test_the_latest_batch_wins(store: duckdb.DuckDBPyConnection, catalogue: Catalogue) -> None:
    m = "aktivitet.trygghetsvandringar"
    add_batch(store, [{"measure": m, "region_code": BROMMA, "year": 2024, "value": 12}],
              name="first.xlsx")  # fmt: skip
    add_batch(store, [{"measure": m, "region_code": BROMMA, "year": 2024, "value": 14}],
              name="second.xlsx")  # fmt: skip
    frame = compute(store, catalogue.definitions["trygghetsvandringar"], catalogue, Request())
    assert _row(frame, BROMMA, 2024)["value"] == 14


def test_year_to_date_is_compared_with_the_same_months_last_year(
    store: duckdb.DuckDBPyConnection, catalogue: Catalogue
) -> None:
    m = "bra.misshandel"
    rows = [{"measure": m, "region_code": BROMMA, "year": 2023, "month": mo, "value": 100}
            for mo in range(1, 13)]  # fmt: skip
    rows += [{"measure": m, "region_code": BROMMA, "year": 2024, "month": mo, "value": 60}
             for mo in range(1, 4)]  # fmt: skip
    add_batch(store, rows)
    frame = compute(store, catalogue.definitions["misshandel"], catalogue, Request())
    current = _row(frame, BROMMA, 2024)
    assert current["value"] == 180 and current["n_months"] == 3
    assert current["ytd_previous"] == 300
    assert current["status"] == "improvement"
    assert current["status_text"].startswith(
        "Antalet har minskat från 300 (jan–mar 2023) till 180 (jan–mar 2024)"
    )


def test_one_query_for_all_regions(
    demo_store: duckdb.DuckDBPyConnection, catalogue: Catalogue, monkeypatch: pytest.MonkeyPatch
) -> None:
    import indicators.compute as module

    calls = []
    original = module.yearly_rows
    monkeypatch.setattr(module, "yearly_rows", lambda *a, **k: calls.append(1) or original(*a, **k))
    frame = compute(demo_store, catalogue.definitions["misshandel"], catalogue, Request())
    assert len(calls) == 1 and frame["region_code"].nunique() > 10


def test_the_requests_of_a_refresh_share_their_reads(
    demo_store: duckdb.DuckDBPyConnection, catalogue: Catalogue, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A refresh asks for today's boundaries, the time's, and today's with a row for every
    missing figure: the last is the first with rows added, so two series queries and one
    read of the cells marked '..' make the three frames (issue 33), the same as computing
    each alone."""
    import indicators.compute as module

    series, gaps = [], []
    original_rows, original_gaps = module.yearly_rows, module.queries.gaps_in_force
    monkeypatch.setattr(
        module, "yearly_rows", lambda *a, **k: series.append(1) or original_rows(*a, **k)
    )
    monkeypatch.setattr(
        module.queries, "gaps_in_force", lambda *a, **k: gaps.append(1) or original_gaps(*a, **k)
    )
    definition = catalogue.definitions["misshandel"]
    requests = [
        Request(boundaries="today"),
        Request(boundaries="time"),
        Request(boundaries="today", with_missing=True),
    ]
    regions = module.Regions.from_store(demo_store)
    frames = module.compute_many(demo_store, definition, catalogue, requests, regions)
    assert (len(series), len(gaps)) == (2, 1)
    for request, frame in zip(requests, frames, strict=True):
        pd.testing.assert_frame_equal(frame, compute(demo_store, definition, catalogue, request))
    today, _, with_missing = frames
    farsta_2021 = today[(today["region_code"] == "80118") & (today["year"] == 2021)]
    # BRÅ's 2021 file, Farsta, "därav misshandel inkl. grov": 40 + 51 + … + 41 over the months
    assert len(with_missing) > len(today) and farsta_2021["value"].tolist() == [595.0]


def test_shares_without_respondents_are_not_added_over_regions(
    store: duckdb.DuckDBPyConnection, catalogue: Catalogue
) -> None:
    m = "stad_trygghet.otrygg_ute_kvall"
    add_batch(store, [
        {"measure": m, "region_code": RK, "year": 2020, "value": 20.0},
        {"measure": m, "region_code": ST, "year": 2020, "value": 30.0},
    ])  # fmt: skip
    definition = catalogue.definitions["otrygg_ute_kvall"]
    time = compute(store, definition, catalogue, Request(boundaries="time"))
    assert _row(time, RK, 2020)["value"] == 20.0  # one region: its own share, no interval
    assert math.isnan(_row(time, RK, 2020)["lower"])
    today = compute(store, definition, catalogue, Request(boundaries="today"))
    assert math.isnan(_row(today, JARVA, 2020)["value"])  # not 50 %, not a guess


def test_filters_select_an_age_band(store: duckdb.DuckDBPyConnection, catalogue: Catalogue) -> None:
    from catalogue.model import Filters

    m = "stad_trygghet.otrygg_ute_kvall"
    add_batch(store, [
        {"measure": m, "region_code": BROMMA, "year": 2023, "value": 12.0, "respondents": 900},
        {"measure": m, "region_code": BROMMA, "year": 2023, "age_group": "16-29", "value": 18.0,
         "respondents": 200},
    ])  # fmt: skip
    young = catalogue.definitions["otrygg_ute_kvall"].model_copy(
        update={"filters": Filters(age_group="16-29")}
    )
    frame = compute(store, young, catalogue, Request())
    assert _row(frame, BROMMA, 2023)["value"] == 18.0
    assert _row(frame, BROMMA, 2023)["respondents"] == 200


def _crimes_with_a_small_district(store: duckdb.DuckDBPyConnection) -> None:
    """January 2021: the city 150, Bromma 60, Rinkeby-Kista 40 and Spånga-Tensta 2."""
    m = "bra.brott_mot_person"
    add_batch(store, [
        {"measure": m, "region_code": CITY, "year": 2021, "month": 1, "value": 150},
        {"measure": m, "region_code": BROMMA, "year": 2021, "month": 1, "value": 60},
        {"measure": m, "region_code": RK, "year": 2021, "month": 1, "value": 40},
        {"measure": m, "region_code": ST, "year": 2021, "month": 1, "value": 2},
    ])  # fmt: skip


def test_no_hidden_district_of_the_time_follows_from_todays_total(
    store: duckdb.DuckDBPyConnection, catalogue: Catalogue
) -> None:
    """Järva 42 on today's boundaries minus Rinkeby-Kista 40 on those of the time would give
    Spånga-Tensta's hidden 2: Rinkeby-Kista is hidden too, and nothing follows by
    subtraction across the two views and the city. (BRÅ publishes its counts; here the
    source is declared protected, as a count from the city's own registers is.)"""
    store.execute("UPDATE source SET disclosure = 'protected' WHERE id = 'bra_anmalda_brott'")
    _crimes_with_a_small_district(store)
    definition = catalogue.definitions["brott_mot_person"]
    time = compute(store, definition, catalogue, Request(boundaries="time"))
    today = compute(store, definition, catalogue, Request(boundaries="today"))
    assert _row(time, ST, 2021)["suppressed"] and _row(time, RK, 2021)["suppressed"]
    assert _row(today, "80132", 2021)["value"] == 42  # Järva on today's boundaries
    shown_time = {
        r["region_code"]: r["value"]
        for r in time[time["year"] == 2021].to_dict("records")
        if not r["suppressed"]
    }
    assert ST not in shown_time and RK not in shown_time
    assert shown_time[BROMMA] == 60


def test_a_published_count_of_1_or_2_is_shown_as_its_owner_publishes_it(
    store: duckdb.DuckDBPyConnection, catalogue: Catalogue
) -> None:
    """BRÅ publishes counts of 1 and 2 per district: hiding them protects no one."""
    _crimes_with_a_small_district(store)
    time = compute(store, catalogue.definitions["brott_mot_person"], catalogue,
                   Request(boundaries="time"))  # fmt: skip
    assert not time["suppressed"].any()
    assert _row(time, ST, 2021)["value"] == 2 and _row(time, RK, 2021)["value"] == 40


def test_a_hidden_baseline_is_said_never_replaced_by_another_year(
    store: duckdb.DuckDBPyConnection, catalogue: Catalogue
) -> None:
    """Leavers supported (the city's own register, protected; 5 for counts of people): Bromma's
    2 in the baseline 2023 is hidden, so 2024 is not judged against another year."""
    m = "aktivitet.avhoppare_stod"
    add_batch(store, [
        {"measure": m, "region_code": BROMMA, "year": 2022, "value": 9},
        {"measure": m, "region_code": BROMMA, "year": 2023, "value": 2},
        {"measure": m, "region_code": BROMMA, "year": 2024, "value": 12},
        {"measure": m, "region_code": JARVA, "year": 2023, "value": 20},
        {"measure": m, "region_code": JARVA, "year": 2024, "value": 21},
    ])  # fmt: skip
    frame = compute(store, catalogue.definitions["avhoppare_stod"], catalogue, Request("today"))
    assert _row(frame, BROMMA, 2023)["suppressed"]
    row = _row(frame, BROMMA, 2024)
    assert row["compared_with"] == "sedan basåret 2023" and row["status"] == "insufficient_data"
    assert row["change_test"] == (
        "ingen jämförelse: värdet för basåret 2023 visas inte (för litet underlag för att visas)"
    )
    assert "9" not in row["status_text"]  # not silently against 2022
    # The period before is named: 2022, the latest shown.
    assert row["previous_compared_with"] == "sedan 2022"


def test_a_target_verdict_names_the_target_and_the_comparison(
    store: duckdb.DuckDBPyConnection, catalogue: Catalogue
) -> None:
    from datetime import date

    from catalogue.model import Target
    from indicators.summaries import comparison

    m = "aktivitet.avhoppare_stod"
    add_batch(store, [
        {"measure": m, "region_code": JARVA, "year": 2023, "value": 20},
        {"measure": m, "region_code": JARVA, "year": 2024, "value": 45},
    ])  # fmt: skip
    definition = catalogue.definitions["avhoppare_stod"].model_copy(update={"targets": [
        Target(value=40, year=2024, scope="all", applies_from=date(2024, 1, 1))]})  # fmt: skip
    frame = compute(store, definition, catalogue, Request("today"))
    row = _row(frame, JARVA, 2024)
    assert (row["status"], row["target_year"]) == ("target_met", 2024)
    said = comparison(definition, row.to_dict())
    assert said["verdict"] == "Målet nått mot målet för 2024 och sedan basåret 2023"
    assert said["change_line"] == "+25 sedan basåret 2023 · säkerställd förbättring"
