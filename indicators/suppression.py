"""The threshold below which a count is not shown, so that no output can point at a few
people. Which figures are hidden (the small ones, and the complements that stop them being
derived from sums) is decided once per family of figures in :mod:`indicators.disclosure`.
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
