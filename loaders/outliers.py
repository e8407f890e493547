"""Far outside its own history: the one rule the data-quality view and the upload preview
flag a new value by (issue 36; docs/data-quality.md).

A new value x is compared with its series' earlier values (the same measure, region, sex and
age; months with months, years with years; at most the 24 latest): their median m and median
absolute deviation MAD. Its robust distance is |x − m| / s with the scale

    s = max(1.4826 · MAD, √m for a count (m at least 2), 5 % of |m|, 0,1)

(1.4826 · MAD estimates the standard deviation of a normal series; the floors keep a series
that never moved, a small count or a series near zero from flagging ordinary noise: a count
of m events varies by about √m). Flagged when the distance exceeds 3.5, the modified z-score
limit of Iglewicz and Hoaglin, and only with at least two earlier values (a survey may have
only a few rounds; with so few the floors of the scale carry it). The median and MAD
are not pulled by one earlier error the way a mean and standard deviation are.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence

LIMIT = 3.5
MIN_HISTORY = 2


def scale(median: float, mad: float, count: bool, step: float = 0.1) -> float:
    floors = [1.4826 * mad, 0.05 * abs(median), step]
    if count:
        floors.append(math.sqrt(max(median, 2.0)))
    return max(floors)


def expected(median: float, mad: float, count: bool, step: float = 0.1) -> tuple[float, float]:
    """The range the rule accepts: m ± 3.5 s (not below 0)."""
    width = LIMIT * scale(median, mad, count, step)
    return max(median - width, 0.0), median + width


def far(value: float, median: float, mad: float, n: int, count: bool, step: float = 0.1) -> bool:
    """Whether ``value`` is far outside its history (see the module)."""
    if n < MIN_HISTORY or any(math.isnan(v) for v in (value, median, mad)):
        return False
    return abs(value - median) / scale(median, mad, count, step) > LIMIT


def summary(history: Sequence[float]) -> tuple[float, float, int]:
    """(median, MAD, n) of earlier values, as the store's window computes them."""
    if not history:
        return math.nan, math.nan, 0
    median = statistics.median(history)
    return median, statistics.median(abs(v - median) for v in history), len(history)
