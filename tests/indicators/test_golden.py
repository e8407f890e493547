"""Golden recomputation: values, intervals and the status against the year before, of the demo
data, computed here from the stored observations with plain pandas and scipy (the documented
methods, written again) and compared with what every output reads (indicators.compute)."""

from __future__ import annotations

import math

import duckdb
import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps

from catalogue.catalogue import load_catalogue
from indicators.basis import Request
from indicators.compute import compute

CITY = "0180"


def _observations(con: duckdb.DuckDBPyConnection, measures: list[str]) -> pd.DataFrame:
    return con.execute(
        """
        SELECT o.region_code, t.target AS today, o.year, coalesce(o.month, 0) AS month,
               o.sex, o.age_group, o.value, o.respondents
        FROM observation_in_force($m) AS o JOIN region_today AS t ON t.code = o.region_code
        """,
        {"m": measures},
    ).df()


def _whole_months(
    con: duckdb.DuckDBPyConnection, source: str, measures: list[str]
) -> tuple[pd.Timestamp, ...]:
    """The first and last month the archive covers for these event types from its first to
    its last day: from the latest of the types' first events (read from the events
    themselves: a sum is covered where each of its types is) to the last event of any type."""
    start, end = con.execute(
        "SELECT (SELECT max(f) FROM (SELECT min(occurred_at) AS f FROM police_event"
        " WHERE list_contains($m, measure) GROUP BY measure)),"
        " covers_to FROM load_batch WHERE source = $s AND state = 'active'"
        " ORDER BY id DESC LIMIT 1",
        {"s": source, "m": measures},
    ).fetchone()
    start, end = pd.Timestamp(start), pd.Timestamp(end)
    first = start.to_period("M") + (0 if start == start.to_period("M").start_time else 1)
    last = end.to_period("M") - (0 if end.date() == end.to_period("M").end_time.date() else 1)
    return first.start_time, last.start_time


def _garwood(k: float) -> tuple[float, float]:
    lower = 0.0 if k == 0 else sps.chi2.ppf(0.025, 2 * k) / 2
    return lower, sps.chi2.ppf(0.975, 2 * k + 2) / 2


def _poisson_changed(before: float, after: float) -> bool:
    """Exact conditional test of two counts with equal exposure: twice the smaller tail."""
    n = before + after
    if n == 0:
        return False
    tail = min(sps.binom.cdf(after, n, 0.5), sps.binom.sf(after - 1, n, 0.5))
    return min(1.0, 2 * tail) < 0.05


def _verdict(before: float, after: float, changed: bool) -> str:
    if not changed or before == after:
        return "no_significant_change"
    return "deterioration" if after > before else "improvement"  # lower is better


def test_murders_per_district_of_today(demo_store: duckdb.DuckDBPyConnection) -> None:
    catalogue = load_catalogue()
    definition = catalogue.definitions["mord_drap"]
    first, last = _whole_months(demo_store, "polisen_handelser", definition.measures)
    raw = _observations(demo_store, definition.measures)
    raw["day"] = pd.to_datetime({"year": raw["year"], "month": raw["month"], "day": 1})
    raw = raw[(raw["day"] >= first) & (raw["day"] <= last)]
    expected = raw.groupby(["today", "year"])["value"].sum()
    covered = pd.period_range(first, last, freq="M")
    months_of = pd.Series(covered.year).value_counts().to_dict()  # year → months covered
    frame = compute(demo_store, definition, catalogue, Request(boundaries="today"))
    checked = statuses = 0
    for row in frame.to_dict("records"):
        year, code = int(row["year"]), str(row["region_code"])
        if row["suppressed"]:
            continue
        value = float(expected.get((code, year), 0.0))
        assert row["value"] == value, (row["region_name"], year)
        assert (row["lower"], row["upper"]) == pytest.approx(_garwood(value))
        checked += 1
        # The status against the year before, between two whole years.
        before = frame[(frame["region_code"] == code) & (frame["year"] == year - 1)]
        whole = months_of.get(year) == 12 and months_of.get(year - 1) == 12
        if whole and len(before) and not before.iloc[0]["suppressed"]:
            prior = float(expected.get((code, year - 1), 0.0))
            verdict = _verdict(prior, value, _poisson_changed(prior, value))
            assert row["status_previous"] == verdict, (row["region_name"], year)
            statuses += 1
        elif (
            months_of.get(year, 12) < 12 and months_of.get(year - 1) == 12 and not row["ytd_hidden"]
        ):  # a year so far: against the same months of the year before
            same = raw[(raw["today"] == code) & (raw["year"] == year - 1)]
            prior = float(same[same["month"] <= row["last_month"]]["value"].sum())
            assert row["ytd_previous"] == prior, (row["region_name"], year)
            verdict = _verdict(prior, value, _poisson_changed(prior, value))
            assert row["status_previous"] == verdict, (row["region_name"], year)
            statuses += 1
    assert checked > 40 and statuses > 15
    # The covered part of the first year is not compared with a whole year.
    partial = frame[(frame["year"] == first.year) & (frame["region_code"] == CITY)].iloc[0]
    assert partial["status_previous"] == "insufficient_data"


def _wilson(p: float, n: float) -> tuple[float, float]:
    z = sps.norm.ppf(0.975)
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return (centre - half) * 100, (centre + half) * 100


def _shares_changed(p1: float, n1: float, p2: float, n2: float) -> bool:
    pooled = (p1 * n1 + p2 * n2) / (n1 + n2)
    se = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    return se > 0 and 2 * sps.norm.sf(abs(p2 - p1) / se) < 0.05


def test_unsafe_outdoors_per_district_of_the_time(demo_store: duckdb.DuckDBPyConnection) -> None:
    catalogue = load_catalogue()
    definition = catalogue.definitions["otrygg_ute_kvall"]
    raw = _observations(demo_store, definition.measures)
    raw = raw[(raw["sex"] == "total") & (raw["age_group"] == "all")]
    stored = raw.set_index(["region_code", "year"])
    frame = compute(demo_store, definition, catalogue, Request(boundaries="time"))
    checked = 0
    for row in frame.to_dict("records"):
        if row["suppressed"] or pd.isna(row["value"]):
            continue
        key = (str(row["region_code"]), int(row["year"]))
        p, n = float(stored.loc[key, "value"]), float(stored.loc[key, "respondents"])
        assert row["value"] == pytest.approx(p)
        assert (row["lower"], row["upper"]) == pytest.approx(_wilson(p / 100, n))
        before = (key[0], key[1] - 1)
        if before in stored.index:
            p0, n0 = float(stored.loc[before, "value"]), float(stored.loc[before, "respondents"])
            changed = _shares_changed(p0 / 100, n0, p / 100, n)
            assert row["status_previous"] == _verdict(p0, p, changed), key
        checked += 1
    assert checked > 20
    assert np.isfinite(frame["value"]).any()
