"""Progress status of an indicator value: against the target in force that year, else
against the baseline (or the previous period), with a one-line Swedish explanation.

A change counts only when it is statistically distinguishable (indicators.stats); a target
is judged with the target that applied that year (latest ``applies_from`` on or before the
end of the year, for the region's scope).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from catalogue.model import Definition, Target
from indicators import stats
from swedish.format import number, percent

STATUS_LABELS = {
    "target_met": "Målet nått",
    "on_track": "På väg mot målet",
    "right_direction_too_slow": "Rätt riktning men för långsamt",
    "no_significant_change": "Ingen säkerställd förändring",
    "wrong_direction": "Fel riktning",
    "improvement": "Förbättring",
    "deterioration": "Försämring",
    "insufficient_data": "Underlag saknas",
}


# Types whose value grows with the months covered: a part of a year is not judged by a target.
ACCUMULATING = ("count", "rate", "published_rate")


@dataclass(frozen=True)
class Point:
    """One value of a series, with what the tests need."""

    year: int
    value: float | None
    count: float | None = None  # numerator for counts and rates
    exposure: float | None = None  # population for rates
    respondents: float | None = None  # for shares
    label: str = ""  # how the period is named in the text, e.g. "2023" or "jan–aug 2023"
    whole_year: bool = True  # False: a part of a year (a count so far is not the year's)


@dataclass(frozen=True)
class Status:
    code: str
    text: str

    @property
    def label(self) -> str:
        return STATUS_LABELS[self.code]


def applicable_target(
    definition: Definition, year: int, region_code: str, city_code: str = "0180",
    district_codes: dict[str, str] | None = None,
) -> Target | None:  # fmt: skip
    """The target in force for ``year`` and the region: a target for the district itself
    wins over one for every region; a city target applies to the city only."""
    year_end = date(year, 12, 31)
    district_codes = district_codes or {}

    def matches(target: Target) -> int:
        if target.scope == "city":
            return 1 if region_code == city_code else 0
        if target.scope == "all":
            return 1
        return 2 if district_codes.get(target.scope, target.scope) == region_code else 0

    candidates = [
        (matches(t), t.applies_from, t)
        for t in definition.targets
        if t.applies_from <= year_end and matches(t) and t.year >= year
    ]
    if not candidates:
        candidates = [
            (matches(t), t.applies_from, t)
            for t in definition.targets
            if t.applies_from <= year_end and matches(t)
        ]
    if not candidates:
        return None
    candidates.sort(key=lambda c: (c[0], c[1], -c[2].year))
    return candidates[-1][2]


def _fmt(definition: Definition, value: float) -> str:
    if definition.type == "share":
        return percent(value, definition.decimals)
    return number(value, definition.decimals)


_NOUN = {"count": "Antalet", "rate": "Talet", "share": "Andelen", "mean": "Medelvärdet",
         "index": "Indexet", "published_rate": "Talet"}  # fmt: skip


def test_change(definition: Definition, before: Point, after: Point) -> stats.Change | None:
    """The test that fits the indicator's type; None when it cannot be tested."""
    if before.value is None or after.value is None:
        return None
    if definition.type == "count" and before.count is not None and after.count is not None:
        return stats.two_poisson(before.count, after.count)
    if definition.type == "rate" and None not in (
        before.count,
        after.count,
        before.exposure,
        after.exposure,
    ):
        return stats.two_poisson(before.count, after.count, before.exposure, after.exposure)  # type: ignore[arg-type]
    if definition.type == "share" and before.respondents and after.respondents:
        return stats.two_proportions(
            before.value / 100, before.respondents, after.value / 100, after.respondents
        )
    return None


def test_changes(
    definition: Definition, pairs: list[tuple[Point | None, Point]]
) -> list[stats.Change | None]:
    """:func:`test_change` for many (before, after) pairs, the tests run as arrays (``...``
    for a pair the arrays cannot take, which :func:`assess` then tests itself)."""
    result: list[stats.Change | None] = [None] * len(pairs)
    share = definition.type == "share"
    if definition.type not in ("count", "rate", "share"):
        return result
    rows: list[tuple[int, Point, Point, float, float]] = []  # with exposures or respondents
    for i, (before, after) in enumerate(pairs):
        if before is None or before.value is None or after.value is None:
            continue
        if share:
            if not (before.respondents and after.respondents):
                continue
            sizes = (before.respondents, after.respondents)
        elif before.count is None or after.count is None:
            continue
        elif definition.type == "rate":
            if before.exposure is None or after.exposure is None:
                continue
            sizes = (before.exposure, after.exposure)
        else:
            sizes = (1.0, 1.0)
        if min(sizes) <= 0:  # left to assess, which fails on it as before
            result[i] = ...  # type: ignore[call-overload]
            continue
        rows.append((i, before, after, *sizes))
    if not rows:
        return result
    first = np.array([r[3] for r in rows], dtype=float)
    second = np.array([r[4] for r in rows], dtype=float)
    if share:
        values = [np.array([p.value / 100 for p in side], dtype=float)  # type: ignore[operator]
                  for side in ([r[1] for r in rows], [r[2] for r in rows])]  # fmt: skip
        changes = stats.two_proportions_many(values[0], first, values[1], second)
    else:
        counts = [np.array([p.count for p in side], dtype=float)
                  for side in ([r[1] for r in rows], [r[2] for r in rows])]  # fmt: skip
        changes = stats.two_poisson_many(counts[0], counts[1], first, second)
    for row, change in zip(rows, changes, strict=True):
        result[row[0]] = change
    return result


def _improves(definition: Definition, direction: int) -> bool:
    return direction < 0 if definition.direction == "lower_is_better" else direction > 0


def _meets(definition: Definition, value: float, target: float) -> bool:
    return value <= target if definition.direction == "lower_is_better" else value >= target


def without_comparison(definition: Definition, current: Point, reason: str) -> Status:
    """A value that cannot be compared, and why (e.g. the other period is covered only in
    part)."""
    if current.value is None:
        return Status("insufficient_data", "Värdet saknas eller visas inte (för litet underlag).")
    return Status(
        "insufficient_data",
        f"{_NOUN[definition.type]} är {_fmt(definition, current.value)} "
        f"({current.label or current.year}); jämförelse saknas: {reason}.",
    )


def assess(
    definition: Definition,
    current: Point,
    reference: Point | None,
    target: Target | None,
    reference_year_for_pace: int | None = None,
    change: stats.Change | object | None = ...,
) -> Status:
    """The status of ``current``, compared with ``reference`` (the baseline or the previous
    period) and the target in force. ``change``: the test of the two, when the caller ran it
    already (:func:`test_changes`); run here otherwise."""
    if current.value is None:
        return Status("insufficient_data", "Värdet saknas eller visas inte (för litet underlag).")
    target_text = ""
    if target is not None and not current.whole_year and definition.type in ACCUMULATING:
        # A count (or a count per inhabitant) of some months is not the year's: the target is
        # judged when the year is whole, never against a part of it.
        target_text = f" Målet för {target.year} gäller hela året och prövas när året är slut."
        target = None
    elif target is not None:
        bound = "högst" if definition.direction == "lower_is_better" else "minst"
        target_text = f" Målet för {target.year} är {bound} {_fmt(definition, target.value)}."
        if _meets(definition, current.value, target.value):
            return Status(
                "target_met",
                f"{_NOUN[definition.type]} är {_fmt(definition, current.value)} "
                f"({current.label or current.year}).{target_text} Målet är nått.",
            )
    if reference is None or reference.value is None:
        return Status(
            "insufficient_data",
            f"{_NOUN[definition.type]} är {_fmt(definition, current.value)}; inget tidigare "
            f"värde att jämföra med.{target_text}",
        )
    if change is ...:
        change = test_change(definition, reference, current)
    assert change is None or isinstance(change, stats.Change)
    moved = (current.value > reference.value) - (current.value < reference.value)
    # "Andelen har varit oförändrad", "Antalet har varit oförändrat": the adjective agrees.
    same = "varit oförändrad" if definition.type == "share" else "varit oförändrat"
    verb = {1: "ökat", -1: "minskat", 0: same}[moved]
    sentence = (
        f"{_NOUN[definition.type]} har {verb} från {_fmt(definition, reference.value)} "
        f"({reference.label or reference.year}) till {_fmt(definition, current.value)} "
        f"({current.label or current.year})"
    )
    if change is None:
        return Status(
            "insufficient_data",
            f"{sentence}; felmarginalen kan inte beräknas, så förändringen kan inte prövas."
            f"{target_text}",
        )
    if not change.significant or moved == 0:
        return Status(
            "no_significant_change",
            f"{sentence}, men skillnaden ligger inom felmarginalen.{target_text}",
        )
    significant = f"{sentence}, en skillnad som är statistiskt säkerställd."
    if not _improves(definition, moved):
        code = "wrong_direction" if target is not None else "deterioration"
        return Status(code, significant + target_text)
    if target is None:
        return Status("improvement", significant)
    # Right direction: fast enough to reach the target by its year, at the pace so far?
    start = reference_year_for_pace if reference_year_for_pace is not None else reference.year
    years = current.year - start
    if years > 0 and target.year > current.year:
        pace = (current.value - reference.value) / years
        projected = current.value + pace * (target.year - current.year)
        if _meets(definition, projected, target.value):
            return Status(
                "on_track",
                f"{significant}{target_text} I samma takt nås målet till {target.year}.",
            )
    return Status(
        "right_direction_too_slow",
        f"{significant}{target_text} I nuvarande takt nås det inte till {target.year}.",
    )
