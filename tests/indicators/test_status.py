"""Every status category on small constructed series, and the target in force each year."""

from __future__ import annotations

from datetime import date

import pytest

from catalogue.model import Definition, Target
from indicators.status import Point, applicable_target, assess


def _share(direction: str = "lower_is_better", targets: list[Target] | None = None) -> Definition:
    return Definition(
        id="otrygga", title="Otrygga ute", description="Andel otrygga ute sent en kväll.",
        areas=["platser"], source="s", type="share", measures=["s.m"], unit="procent",
        decimals=1, direction=direction, breakdowns=["sex"], owner="stad",
        baseline_year=2020, targets=targets or [],
    )  # fmt: skip


def _p(year: int, value: float | None, n: float = 1000) -> Point:
    return Point(year=year, value=value, respondents=n)


TARGET_2026 = Target(value=14.0, year=2026, scope="city", applies_from=date(2024, 1, 1))


def test_target_met() -> None:
    status = assess(_share(targets=[TARGET_2026]), _p(2024, 13.5), _p(2020, 20), TARGET_2026)
    assert status.code == "target_met"
    assert status.text == (
        "Andelen är 13,5\u00a0% (2024). Målet för 2026 är högst 14,0\u00a0%. Målet är nått."
    )


def test_on_track() -> None:
    # 20 % → 17 % in two years (−1,5 per year): 14 % by 2026 at the same pace.
    status = assess(_share(), _p(2024, 17.0, 3000), _p(2022, 20.0, 3000), TARGET_2026)
    assert status.code == "on_track"
    assert "I samma takt nås målet till 2026." in status.text


def test_right_direction_too_slow() -> None:
    status = assess(_share(), _p(2024, 18.5, 10000), _p(2020, 20.0, 10000), TARGET_2026)
    assert status.code == "right_direction_too_slow"


def test_no_significant_change() -> None:
    status = assess(_share(), _p(2024, 19.5, 500), _p(2020, 20.0, 500), TARGET_2026)
    assert status.code == "no_significant_change"
    assert status.text.startswith(
        "Andelen har minskat från 20,0\u00a0% (2020) till 19,5\u00a0% (2024), men skillnaden "
        "ligger inom felmarginalen."
    )


def test_wrong_direction() -> None:
    status = assess(_share(), _p(2024, 24.0, 2000), _p(2020, 20.0, 2000), TARGET_2026)
    assert status.code == "wrong_direction"


def test_insufficient_data() -> None:
    assert assess(_share(), _p(2024, None), _p(2020, 20), None).code == "insufficient_data"
    assert assess(_share(), _p(2024, 18), None, None).code == "insufficient_data"


def test_without_target_improvement_and_deterioration() -> None:
    better = assess(_share(), _p(2023, 11.0), _p(2020, 14.0), None)
    assert better.code == "improvement"
    assert better.text == (
        "Andelen har minskat från 14,0\u00a0% (2020) till 11,0\u00a0% (2023), en skillnad som "
        "är statistiskt säkerställd."
    )
    worse = assess(_share("higher_is_better"), _p(2023, 11.0), _p(2020, 14.0), None)
    assert worse.code == "deterioration"
    same = assess(_share(), _p(2023, 13.8, 300), _p(2020, 14.0, 300), None)
    assert same.code == "no_significant_change"


def test_counts_use_the_poisson_test() -> None:
    definition = Definition(
        id="brott", title="Brott", description="Anmälda brott per år.", areas=["brottsoffer"],
        source="s", type="count", measures=["s.m"], unit="antal", decimals=0,
        direction="lower_is_better", owner="polis",
    )  # fmt: skip
    status = assess(definition, Point(2022, 1869, count=1869), Point(2021, 2049, count=2049), None)
    assert status.code == "improvement"
    assert status.text.startswith(
        "Antalet har minskat från 2\u00a0049 (2021) till 1\u00a0869 (2022)"
    )


def test_a_part_of_a_year_is_not_judged_by_a_target_for_the_whole_year() -> None:
    """Shootings jan–jul 2026: 0 of a target of at most 2 for 2026 is no "target met" (the
    year has five months left); a share of a part of a year is still judged."""
    definition = Definition(
        id="skott", title="Skjutningar", description="Skjutningar per år.", areas=["systemhot"],
        source="s", type="count", measures=["s.m"], unit="antal", decimals=0,
        direction="lower_is_better", owner="polis",
    )  # fmt: skip
    target = Target(value=2, year=2026, scope="all", applies_from=date(2026, 1, 1))
    part = Point(2026, 0, count=0, label="jan–jul 2026", whole_year=False)
    status = assess(definition, part, Point(2025, 1, count=1, label="2025"), target)
    assert status.code != "target_met"
    assert "Målet för 2026 gäller hela året och prövas när året är slut." in status.text
    whole = Point(2025, 1, count=1, label="2025")
    assert assess(definition, whole, Point(2024, 2, count=2), target).code == "target_met"
    share_part = Point(2024, 13.5, respondents=1000, label="jan–jun 2024", whole_year=False)
    assert assess(_share(), share_part, _p(2020, 20), TARGET_2026).code == "target_met"


def test_target_in_force_that_year() -> None:
    first = Target(value=15, year=2026, scope="city", applies_from=date(2024, 1, 1))
    revised = Target(value=12, year=2026, scope="city", applies_from=date(2025, 6, 1))
    own = Target(value=20, year=2026, scope="Järva", applies_from=date(2024, 1, 1))
    definition = _share(targets=[first, revised, own])
    assert applicable_target(definition, 2024, "0180") == first
    assert applicable_target(definition, 2025, "0180") == revised
    assert applicable_target(definition, 2023, "0180") is None
    assert applicable_target(definition, 2025, "80132", district_codes={"Järva": "80132"}) == own
    assert applicable_target(definition, 2025, "80106") is None  # a city target is the city's


@pytest.mark.parametrize("code", ["target_met", "on_track", "wrong_direction"])
def test_labels_are_swedish(code: str) -> None:
    from indicators.status import STATUS_LABELS

    assert STATUS_LABELS[code] in {"Målet nått", "På väg mot målet", "Fel riktning"}


def test_ranking_ranges_follow_the_intervals() -> None:
    import pandas as pd

    from indicators.summaries import rank_text, ranking

    definition = Definition(
        id="brott", title="Brott", description="Anmälda brott per 1 000 invånare.",
        areas=["brottsoffer"], source="s", type="rate", measures=["s.m"],
        unit="per 1 000 invånare", decimals=0, direction="lower_is_better", owner="polis",
    )  # fmt: skip
    frame = pd.DataFrame({
        "region_code": ["a", "b", "c", "d"], "region_name": ["A", "B", "C", "D"],
        "region_kind": "district", "year": 2024, "sex": "total", "age_group": "all",
        "value": [10.0, 12.0, 30.0, 31.0], "lower": [8.0, 9.0, 25.0, 26.0],
        "upper": [13.0, 15.0, 35.0, 36.0],
    })  # fmt: skip
    ranked = ranking(definition, frame, 2024).set_index("region_name")
    # A and B overlap (1–2), C and D overlap (3–4); A is surely ahead of C and D.
    assert ranked.loc["A", ["rank", "rank_best", "rank_worst"]].tolist() == [1, 1, 2]
    assert ranked.loc["B", ["rank", "rank_best", "rank_worst"]].tolist() == [2, 1, 2]
    assert ranked.loc["D", ["rank", "rank_best", "rank_worst"]].tolist() == [4, 3, 4]
    # Without an interval a value can hold any place: never "säker".
    points = frame.assign(lower=float("nan"), upper=float("nan"))
    loose = ranking(definition, points, 2024).set_index("region_name")
    assert loose.loc["A", ["rank", "rank_best", "rank_worst"]].tolist() == [1, 1, 4]
    assert rank_text(loose.loc["A"], 4) == "1 av 4 (osäker: inget osäkerhetsintervall)"
    assert rank_text(ranked.loc["A"], 4) == "1 av 4 (kan vara 1–2)"
    # Counts are not ranked: a larger district has more of everything.
    counted = definition.model_copy(update={"type": "count", "unit": "antal"})
    assert ranking(counted, frame, 2024).empty
