"""Suppression of small counts, so that no output can point at a few people.

Primary suppression hides every count that is above zero and below the threshold.
Complementary suppression (within one region and year) hides the smallest other month
above zero when a year would otherwise have a single hidden month, because a shown yearly
total minus the shown months would give it away (a hidden zero would not stop that).
Derived values (rates) of a hidden count are hidden too. Suppression across districts that
merged is done in the indicator layer.
"""

from __future__ import annotations

import os

import pandas as pd

DEFAULT_MIN_COUNT = 3


def min_count() -> int:
    """The smallest count shown; set with DASHBOARD_MIN_COUNT (default 3)."""
    raw = os.environ.get("DASHBOARD_MIN_COUNT")
    if raw is None or not raw.strip():
        return DEFAULT_MIN_COUNT
    value = int(raw)
    if value < 1:
        raise ValueError(f"DASHBOARD_MIN_COUNT must be a whole number ≥ 1, got {raw!r}")
    return value


def is_small(counts: pd.Series, threshold: int) -> pd.Series:
    return counts.notna() & (counts > 0) & (counts < threshold)


def suppress_monthly(
    frame: pd.DataFrame, threshold: int, *, group: list[str], count: str = "count"
) -> pd.Series:
    """A boolean mask of the rows to hide: small counts, plus one complement in every group
    (e.g. region and year) that has exactly one small count."""
    hidden = is_small(frame[count], threshold)
    for _, rows in frame.groupby(group, sort=False):
        if hidden[rows.index].sum() != 1:
            continue
        pick = _complement_of(rows[~hidden[rows.index]], count)
        if pick is not None:
            hidden.loc[pick] = True
    return hidden


def _complement_of(candidates: pd.DataFrame, size: str) -> object | None:
    """The cell to hide beside a single hidden one: the smallest above zero. A hidden zero
    would protect nothing (the hidden pair's sum, known by subtraction, would be the small
    cell itself); only where every other cell is zero is a zero taken."""
    known = candidates[candidates[size].notna()]
    if known.empty:
        return None
    positive = known[known[size] > 0]
    return (positive if not positive.empty else known)[size].idxmin()


def complement(
    frame: pd.DataFrame,
    hidden: pd.Series,
    *,
    parts: pd.Series,
    totals: pd.Series,
    group: list[str],
    size: str,
) -> pd.Series:
    """Hide one more part wherever a shown total and the shown parts would give a hidden part
    away: in every group with exactly one hidden part and a shown total, the smallest other
    part (by ``size``) is hidden too. ``parts`` and ``totals`` are masks over ``frame``."""
    hidden = hidden.copy()
    shown_totals = frame[totals & ~hidden]
    total_keys = set(map(tuple, shown_totals[group].itertuples(index=False, name=None)))
    for key, rows in frame[parts].groupby(group, sort=False):
        key = key if isinstance(key, tuple) else (key,)
        if key not in total_keys or hidden[rows.index].sum() != 1:
            continue
        pick = _complement_of(rows[~hidden[rows.index]], size)
        if pick is not None:
            hidden.loc[pick] = True
    return hidden
