"""Intervals and tests against values worked out by hand from the published formulas."""

from __future__ import annotations

import math

import numpy as np
import pytest

from indicators import stats


def test_wilson_14_of_100() -> None:
    # p = 0.14, z = 1.96: centre 0.159208, margin 0.070670, denominator 1.038416
    lower, upper = stats.wilson_interval(14, 100)
    assert lower == pytest.approx(0.085262, abs=1e-5)
    assert upper == pytest.approx(0.221374, abs=1e-5)


def test_wilson_0_of_10_is_not_zero_width() -> None:
    lower, upper = stats.wilson_interval(0, 10)
    assert lower == 0.0
    assert upper == pytest.approx(0.27754, abs=1e-5)  # 0.38416 / 1.38416


@pytest.mark.parametrize(
    ("count", "lower", "upper"),
    [(0, 0.0, 3.6889), (1, 0.0253, 5.5716), (10, 4.7954, 18.3904), (2049, 1961.23, 2139.68)],
)
def test_exact_poisson_interval(count: int, lower: float, upper: float) -> None:
    # Garwood's exact limits; the first three from the published tables.
    low, high = stats.poisson_interval(count)
    assert low == pytest.approx(lower, abs=1e-3 if count < 100 else 0.01)
    assert high == pytest.approx(upper, abs=1e-3 if count < 100 else 0.01)


def test_vectorised_intervals_match_the_scalar_ones() -> None:
    low, high = stats.poisson_intervals(np.array([0.0, 10.0, np.nan]))
    assert low[1] == pytest.approx(4.7954, abs=1e-3) and high[0] == pytest.approx(3.6889, 1e-3)
    assert math.isnan(low[2]) and math.isnan(high[2])
    w_low, w_high = stats.wilson_intervals(np.array([14.0]), np.array([100.0]))
    assert (w_low[0], w_high[0]) == pytest.approx(stats.wilson_interval(14, 100))


def test_two_proportions_14_vs_11_percent_of_1000() -> None:
    # pooled 0.125; se = sqrt(0.125·0.875·0.002) = 0.014790; z = −2.0284; p = 0.0425
    change = stats.two_proportions(0.14, 1000, 0.11, 1000)
    assert change.p_value == pytest.approx(0.0425, abs=5e-4)
    assert change.significant and change.direction == -1


def test_two_proportions_within_the_margin() -> None:
    change = stats.two_proportions(0.14, 200, 0.12, 200)
    assert not change.significant


def test_two_poisson_counts_exact() -> None:
    # Under H0, 10 of 35 events in the first period ~ Bin(35, ½): p = 2·P(X ≤ 10).
    by_hand = 2 * sum(math.comb(35, k) for k in range(11)) / 2**35
    change = stats.two_poisson(10, 25)
    assert change.p_value == pytest.approx(by_hand, rel=1e-9)
    assert change.significant


def test_two_poisson_rates_use_exposure() -> None:
    # Same rate per inhabitant (100 per 10 000 and 200 per 20 000): no change.
    change = stats.two_poisson(100, 200, 10_000, 20_000)
    assert change.before == change.after == 0.01
    assert not change.significant


def test_the_tests_as_arrays_give_the_scalar_tests_values() -> None:
    """The status tests run as arrays over every compared row: each Change equals the one
    the scalar test gives (p-value and verdict), zeros, halves and equal shares included."""
    rng = np.random.default_rng(7)
    k1 = np.r_[0, 0, 2.5, 3.5, rng.integers(0, 80, 500)].astype(float)
    k2 = np.r_[0, 4, 2.5, 0, rng.integers(0, 80, 500)].astype(float)
    e1 = np.r_[1, 1, 1, 1, rng.uniform(1_000, 90_000, 500)]
    e2 = np.r_[1, 1, 1, 1, rng.uniform(1_000, 90_000, 500)]
    assert stats.two_poisson_many(k1, k2, e1, e2) == [
        stats.two_poisson(a, b, x, y) for a, b, x, y in zip(k1, k2, e1, e2, strict=True)
    ]
    p1 = np.r_[0.0, 1.0, 0.2, rng.uniform(0, 1, 500)]
    p2 = np.r_[0.0, 1.0, 0.2, rng.uniform(0, 1, 500)]
    n1 = np.r_[10, 10, 50, rng.integers(5, 900, 500)].astype(float)
    n2 = np.r_[12, 10, 50, rng.integers(5, 900, 500)].astype(float)
    assert stats.two_proportions_many(p1, n1, p2, n2) == [
        stats.two_proportions(a, b, c, d) for a, b, c, d in zip(p1, n1, p2, n2, strict=True)
    ]
    with pytest.raises(ValueError, match="exposures must be positive"):
        stats.two_poisson_many(k1[:2], k2[:2], np.array([1.0, 0.0]), e2[:2])
