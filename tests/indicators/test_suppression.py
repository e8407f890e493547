from __future__ import annotations

import pandas as pd
import pytest

from indicators.suppression import min_count, suppress_monthly


def test_small_counts_and_one_complement_per_year_are_hidden() -> None:
    frame = pd.DataFrame(
        {
            "region": ["A"] * 4 + ["B"] * 3,
            "year": [2022] * 7,
            "count": [1.0, 0.0, 9.0, 5.0, 2.0, 1.0, 30.0],
        }
    )
    hidden = suppress_monthly(frame, 3, group=["region", "year"])
    # A: 1 is small; the complement is the smallest other count above zero (5): hiding the
    # 0 would not help, since the yearly total minus the shown months (15 − 9 − 5) would
    # still give the 1 away. B: two small counts already hide each other.
    assert hidden.tolist() == [True, False, False, True, True, True, False]


def test_a_zero_is_hidden_only_when_nothing_else_is_left() -> None:
    frame = pd.DataFrame({"region": ["A"] * 3, "year": [2022] * 3, "count": [1.0, 0.0, 0.0]})
    assert suppress_monthly(frame, 3, group=["region", "year"]).tolist() == [True, True, False]


def test_threshold_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DASHBOARD_MIN_COUNT", raising=False)
    assert min_count() == 3
    monkeypatch.setenv("DASHBOARD_MIN_COUNT", "5")
    assert min_count() == 5
    monkeypatch.setenv("DASHBOARD_MIN_COUNT", "0")
    with pytest.raises(ValueError, match="DASHBOARD_MIN_COUNT"):
        min_count()
