"""Uncertainty and change: Wilson intervals for survey shares, exact (Garwood) Poisson
intervals for counts and rates, and tests of whether a change between two periods is
statistically distinguishable (two proportions; two Poisson counts with their exposures).

All at the 95 % level unless told otherwise. Formulas:
- Wilson: (p + z²/2n ± z·√(p(1−p)/n + z²/4n²)) / (1 + z²/n)
- Garwood: lower = χ²(α/2; 2k)/2, upper = χ²(1−α/2; 2k+2)/2
- two proportions: pooled z-test, z = (p1 − p2)/√(p(1−p)(1/n1 + 1/n2))
- two Poisson counts: conditional exact test, k1 ~ Bin(k1 + k2, t1/(t1 + t2)) under H0,
  two-sided p = 2 · the smaller tail
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np


class _Special:
    """scipy.special (not scipy.stats: its import alone costs a command line 0,6 s), imported
    when a test or an interval is first computed: a document or a page that reads only stored
    results does without it (0,3 s of the command line's start)."""

    def __getattr__(self, name: str) -> object:
        from scipy import special as module

        return getattr(module, name)


special = _Special()

CONFIDENCE = 0.95
ALPHA = 1 - CONFIDENCE


@functools.cache
def _z(confidence: float) -> float:
    return float(special.ndtri(1 - (1 - confidence) / 2))  # the normal quantile


def wilson_interval(
    successes: float, n: float, confidence: float = CONFIDENCE
) -> tuple[float, float]:
    """Interval for a proportion (0–1) from ``successes`` of ``n`` respondents."""
    if n <= 0:
        raise ValueError("n must be positive")
    p = successes / n
    z = _z(confidence)
    denominator = 1 + z * z / n
    centre = p + z * z / (2 * n)
    margin = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return max(0.0, (centre - margin) / denominator), min(1.0, (centre + margin) / denominator)


def poisson_interval(count: float, confidence: float = CONFIDENCE) -> tuple[float, float]:
    """Exact interval for the expected value of a Poisson count."""
    if count < 0:
        raise ValueError("count must be ≥ 0")
    alpha = 1 - confidence
    # chi2.ppf(q, k) = chdtri(k, 1 - q): the chi-square quantile
    lower = 0.0 if count == 0 else float(special.chdtri(2 * count, 1 - alpha / 2) / 2)
    upper = float(special.chdtri(2 * count + 2, alpha / 2) / 2)
    return lower, upper


@dataclass(frozen=True)
class Change:
    """The change from ``before`` to ``after`` and whether it is distinguishable."""

    before: float
    after: float
    p_value: float
    significant: bool

    @property
    def direction(self) -> int:
        return (self.after > self.before) - (self.after < self.before)


def two_proportions(p1: float, n1: float, p2: float, n2: float, alpha: float = ALPHA) -> Change:
    """Proportions (0–1) with their respondents, period 1 then period 2."""
    if n1 <= 0 or n2 <= 0:
        raise ValueError("both periods need respondents")
    pooled = (p1 * n1 + p2 * n2) / (n1 + n2)
    variance = pooled * (1 - pooled) * (1 / n1 + 1 / n2)
    if variance == 0:
        p_value = 1.0 if p1 == p2 else 0.0
    else:
        z = (p2 - p1) / math.sqrt(variance)
        p_value = float(2 * special.ndtr(-abs(z)))  # = 2 · norm.sf(|z|), without its overhead
    return Change(p1, p2, p_value, p_value < alpha)


def two_poisson(
    k1: float,
    k2: float,
    exposure1: float = 1.0,
    exposure2: float = 1.0,
    alpha: float = ALPHA,
) -> Change:
    """Counts of two periods with their exposures (population, or 1 for plain counts).
    The change compares the rates k/exposure."""
    if exposure1 <= 0 or exposure2 <= 0:
        raise ValueError("exposures must be positive")
    total = round(k1 + k2)
    if total == 0:
        p_value = 1.0
    else:
        # Two-sided p by doubling the smaller tail (the exact conditional test).
        k = round(k1)
        share = exposure1 / (exposure1 + exposure2)
        # binom.cdf(k) and binom.sf(k - 1) as scipy's ufuncs: the same values, called
        # once per compared row, without the distribution objects' overhead (~50x).
        lower_tail = float(special.bdtr(k, total, share))
        upper_tail = float(special.bdtrc(k - 1, total, share)) if k > 0 else 1.0
        p_value = min(1.0, 2 * min(lower_tail, upper_tail))
    return Change(k1 / exposure1, k2 / exposure2, p_value, p_value < alpha)


def two_poisson_many(
    k1: np.ndarray,
    k2: np.ndarray,
    exposure1: np.ndarray,
    exposure2: np.ndarray,
    alpha: float = ALPHA,
) -> list[Change]:
    """:func:`two_poisson` for many pairs at once (the same values, as arrays)."""
    k1, k2 = np.asarray(k1, dtype=float), np.asarray(k2, dtype=float)
    e1, e2 = np.asarray(exposure1, dtype=float), np.asarray(exposure2, dtype=float)
    if ((e1 <= 0) | (e2 <= 0)).any():
        raise ValueError("exposures must be positive")
    total = np.round(k1 + k2).astype(np.int64)  # whole numbers, as round() gives the scalar test
    k = np.round(k1).astype(np.int64)
    share = e1 / (e1 + e2)
    with np.errstate(invalid="ignore"):
        lower_tail = special.bdtr(k, total, share)
        upper_tail = np.where(k > 0, special.bdtrc(k - 1, total, share), 1.0)
    p_values = np.where(total == 0, 1.0, np.minimum(1.0, 2 * np.minimum(lower_tail, upper_tail)))
    return [
        Change(float(a / x), float(b / y), float(p), bool(p < alpha))
        for a, b, x, y, p in zip(k1, k2, e1, e2, p_values, strict=True)
    ]


def two_proportions_many(
    p1: np.ndarray, n1: np.ndarray, p2: np.ndarray, n2: np.ndarray, alpha: float = ALPHA
) -> list[Change]:
    """:func:`two_proportions` for many pairs at once (the same values, as arrays)."""
    p1, p2 = np.asarray(p1, dtype=float), np.asarray(p2, dtype=float)
    n1, n2 = np.asarray(n1, dtype=float), np.asarray(n2, dtype=float)
    if ((n1 <= 0) | (n2 <= 0)).any():
        raise ValueError("both periods need respondents")
    pooled = (p1 * n1 + p2 * n2) / (n1 + n2)
    variance = pooled * (1 - pooled) * (1 / n1 + 1 / n2)
    with np.errstate(invalid="ignore", divide="ignore"):
        z = (p2 - p1) / np.sqrt(variance)
        p_values = np.where(
            variance == 0, np.where(p1 == p2, 1.0, 0.0), 2 * special.ndtr(-np.abs(z))
        )
    return [
        Change(float(a), float(b), float(p), bool(p < alpha))
        for a, b, p in zip(p1, p2, p_values, strict=True)
    ]


def poisson_intervals(
    counts: np.ndarray, confidence: float = CONFIDENCE
) -> tuple[np.ndarray, np.ndarray]:
    """:func:`poisson_interval` for a whole column at once (NaN stays NaN)."""
    alpha = 1 - confidence
    counts = np.asarray(counts, dtype=float)
    with np.errstate(invalid="ignore"):
        lower = np.where(counts > 0, special.chdtri(2 * counts, 1 - alpha / 2) / 2, 0.0)
        upper = special.chdtri(2 * counts + 2, alpha / 2) / 2
    lower = np.where(np.isnan(counts), np.nan, lower)
    return lower, upper


def wilson_intervals(
    successes: np.ndarray, n: np.ndarray, confidence: float = CONFIDENCE
) -> tuple[np.ndarray, np.ndarray]:
    """:func:`wilson_interval` for whole columns (NaN where n is missing or not positive)."""
    successes = np.asarray(successes, dtype=float)
    n = np.asarray(n, dtype=float)
    n = np.where(n > 0, n, np.nan)
    z = _z(confidence)
    p = successes / n
    denominator = 1 + z * z / n
    centre = p + z * z / (2 * n)
    margin = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return np.clip((centre - margin) / denominator, 0, 1), np.clip(
        (centre + margin) / denominator, 0, 1
    )
