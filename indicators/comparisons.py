"""What each value is compared with and the status that comparison gives: the period a value covers
in words, the main comparison (the baseline or the target's), the comparison with the year
before, the words of the test, and the status columns of a computed frame."""

from __future__ import annotations

from dataclasses import dataclass, replace

import duckdb
import numpy as np
import pandas as pd

from catalogue.model import Definition, Target
from indicators import stats
from indicators.basis import CITY, COMPARISON_COLUMNS, MISSING_REASONS, Regions, records
from indicators.coverage import Coverage
from indicators.status import (
    Point,
    Status,
    applicable_target,
    assess,
    test_changes,
    without_comparison,
)
from store import queries
from swedish.format import MONTH_NAMES


def _day_text(day: object, with_year: bool) -> str:
    stamp = pd.Timestamp(day)  # type: ignore[arg-type]
    text = f"{stamp.day} {MONTH_NAMES[stamp.month - 1][:3]}"
    return f"{text} {stamp.year}" if with_year else text


def field_period_text(field_from: object, field_to: object) -> str:
    """ "4 mar–15 apr 2024", or with both years when the period spans a new year."""
    start, end = pd.Timestamp(field_from), pd.Timestamp(field_to)  # type: ignore[arg-type]
    if start.year == end.year:
        return f"{_day_text(start, False)}–{_day_text(end, True)}"
    return f"{_day_text(start, True)}–{_day_text(end, True)}"


def with_field_periods(
    con: duckdb.DuckDBPyConnection, definition: Definition, frame: pd.DataFrame
) -> list[str]:
    """The period of a survey value with its round's field period, when the upload gave one:
    "2024 (fältperiod 4 mar–15 apr 2024)"."""
    rounds = queries.survey_rounds(con, definition.measures)
    known = {
        int(r.year): field_period_text(r.field_from, r.field_to)
        for r in rounds.itertuples(index=False)
    }
    return [
        f"{period} (fältperiod {known[int(year)]})" if int(year) in known else str(period)
        for period, year in zip(frame["period"], frame["year"], strict=True)
    ]


def _number(row: dict[str, object], key: str) -> float | None:
    value = row.get(key)
    if value is None or pd.isna(value):  # type: ignore[arg-type]
        return None
    return float(value)  # type: ignore[arg-type]


# What period_label reads of a row, and what the statuses read (statuses and the functions
# it calls): a row is built of these columns only.
PERIOD_FIELDS = ("year", "preliminary", "n_months", "first_month", "last_month")


STATUS_FIELDS = (
    *PERIOD_FIELDS, "region_code", "sex", "age_group", "value", "lower", "upper", "total",
    "numerator", "population", "respondents", "suppressed", "missing_reason", "complete",
    "gap", "ytd_previous", "ytd_hidden",
)  # fmt: skip


def period_label(row: dict[str, object], year_offset: int = 0) -> str:
    year = int(row["year"]) + year_offset  # type: ignore[call-overload]
    prel = " prel." if row["preliminary"] and not year_offset else ""
    if int(row["n_months"]) >= 12:  # type: ignore[call-overload]
        return f"{year}{prel}"
    first = MONTH_NAMES[int(row.get("first_month") or 1) - 1][:3]  # type: ignore[call-overload]
    last = MONTH_NAMES[int(row["last_month"]) - 1][:3]  # type: ignore[call-overload]
    return f"{first}–{last} {year}{prel}"


def point_from_row(row: dict[str, object]) -> Point:
    """The Point the status tests need, from one computed row (also used by the report): the
    count is ``total`` inside ``compute`` and ``numerator`` in what it returns."""
    return Point(
        year=int(row["year"]),  # type: ignore[call-overload]
        value=_number(row, "value"),
        count=_number(row, "total" if "total" in row else "numerator"),
        exposure=_number(row, "population"),
        respondents=_number(row, "respondents"),
        label=period_label(row),
        whole_year=(_number(row, "n_months") or 12) >= 12,
    )


def _ytd_previous_point(row: dict[str, object]) -> Point | None:
    """The same months a year earlier, for a year-to-date value."""
    previous = _number(row, "ytd_previous")
    if previous is None:
        return None
    return Point(
        year=int(row["year"]) - 1,  # type: ignore[call-overload]
        value=previous,
        count=previous,
        label=period_label(row, year_offset=-1),
        whole_year=False,
    )


def _partial_start(row: dict[str, object]) -> bool:
    """A year the source covers only from some month on: it cannot be compared with a
    whole year, nor with the same months of another year (the months before are missing)."""
    return int(row.get("first_month") or 1) > 1 and int(row["n_months"]) < 12  # type: ignore[call-overload]


def _year_so_far(row: dict[str, object]) -> bool:
    """A year covered from January but not yet to December: compared with the same months."""
    return int(row["n_months"]) < 12 and not _partial_start(row)  # type: ignore[call-overload]


# The statuses that judge a target (the others judge the change alone).
TARGET_STATUSES = {"target_met", "on_track", "right_direction_too_slow", "wrong_direction"}


# What a test of a change found, in a few words for a card, a table or a document.
TEST_WORDS = {1: "säkerställd förbättring", -1: "säkerställd försämring",
              0: "inom felmarginalen"}  # fmt: skip


@dataclass
class _Comparison:
    """One comparison of a value: its name ("sedan basåret 2021", "sedan 2024",
    "jan–jul 2026 mot jan–jul 2025"), the value compared with, or why there is none."""

    name: str
    reference: Point | None = None
    reason: str = ""  # why there is no comparison, in a Swedish clause


def _main_comparison(
    definition: Definition,
    row: dict[str, object],
    previous: _Comparison,
    baseline_row: dict[str, object] | None,
    since: str,
) -> _Comparison:
    """What the status compares with. A year so far: the same months a year earlier. Else,
    after the definition's baseline year, the baseline (the agreement's follow-up judges the
    change since it began), never silently another year: when the baseline is hidden or not
    covered, the comparison says so. Else the period before."""
    if _year_so_far(row) or _partial_start(row):
        return previous
    year, base = int(row["year"]), definition.baseline_year  # type: ignore[call-overload]
    if base is None or year <= base:
        return previous
    name = f"sedan basåret {base}"
    if baseline_row is None:
        return _Comparison(name, reason=f"det finns inget värde för basåret {base}")
    if _partial_start(baseline_row):
        return _Comparison(name, reason=f"basåret {base} täcks bara från {since}")
    if int(baseline_row["n_months"]) < 12:  # type: ignore[call-overload]
        return _Comparison(
            name, reason=f"basåret täcks bara {period_label(baseline_row)}, inte hela året"
        )
    point = point_from_row(baseline_row)
    if point.value is None:
        why = str(baseline_row.get("missing_reason") or "")
        return _Comparison(
            name,
            reason=f"värdet för basåret {base} visas inte ({MISSING_REASONS[why]})"
            if why in MISSING_REASONS
            else f"värdet för basåret {base} saknas",
        )
    return _Comparison(name, replace(point, label=f"basåret {base}"))


def _previous_comparison(
    row: dict[str, object],
    prior: Point | None,
    partial: set[int],
    since: str,
    hidden_before: int | None = None,
) -> _Comparison:
    """The comparison with the period before: the same months a year earlier for a year so
    far, else the latest earlier value (a year covered only in part is never one)."""
    year = int(row["year"])  # type: ignore[call-overload]
    if _partial_start(row):
        return _Comparison("", reason=f"{year} täcks bara från {since}")
    if _year_so_far(row):
        name = f"{period_label(row)} mot {period_label(row, year_offset=-1)}"
        if row.get("ytd_hidden") is True:
            return _Comparison(
                name, reason=f"samma månader {year - 1} har för litet underlag för att visas"
            )
        same = _ytd_previous_point(row)
        if same is None:
            return _Comparison(name, reason=f"samma månader {year - 1} saknas")
        return _Comparison(name, same)
    if prior is None and year - 1 in partial:
        return _Comparison(f"sedan {year - 1}", reason=f"{year - 1} täcks bara från {since}")
    if prior is None and hidden_before is not None:
        return _Comparison(
            f"sedan {hidden_before}",
            reason=f"värdet för {hidden_before} visas inte ({MISSING_REASONS['suppressed']})",
        )
    if prior is None:
        return _Comparison("", reason="det finns inget tidigare värde")
    return _Comparison(f"sedan {prior.label}", prior)


def _test_words(
    definition: Definition, comparison: _Comparison, current: Point, change: object
) -> tuple[float, str]:
    """The change a comparison shows and what its test found: (value − reference, words)."""
    if current.value is None:
        return np.nan, ""
    if comparison.reason or comparison.reference is None:
        return np.nan, f"ingen jämförelse: {comparison.reason}" if comparison.reason else ""
    assert comparison.reference.value is not None
    difference = current.value - comparison.reference.value
    if not isinstance(change, stats.Change):
        return difference, "kan inte prövas"
    moved = (difference > 0) - (difference < 0)
    if not change.significant or moved == 0:
        return difference, TEST_WORDS[0]
    better = moved < 0 if definition.direction == "lower_is_better" else moved > 0
    return difference, TEST_WORDS[1 if better else -1]


def statuses(
    definition: Definition, frame: pd.DataFrame, regions: Regions, covered: Coverage | None
) -> None:
    """Status against the target in force and the main comparison (:func:`_main_comparison`),
    and against the period before; each names what it compares with and keeps the change it
    tested. A year covered only in part is compared only with the same months, or not at all."""
    rows_of = records(frame, STATUS_FIELDS)
    n = len(rows_of)
    codes, texts, previous, previous_texts = [""] * n, [""] * n, [""] * n, [""] * n
    columns: dict[str, list[object]] = {c: [d] * n for c, d in COMPARISON_COLUMNS.items()}
    series: dict[tuple[object, ...], list[int]] = {}
    compared: list[tuple[int, Point, _Comparison, _Comparison, Target | None]] = []
    since = covered.from_text() if covered is not None else "en bit in på året"
    for i, row in enumerate(rows_of):
        series.setdefault((row["region_code"], row["sex"], row["age_group"]), []).append(i)
    for indices in series.values():
        indices.sort(key=lambda i: int(rows_of[i]["year"]))  # type: ignore[call-overload]
        points = {i: point_from_row(rows_of[i]) for i in indices}
        baseline_row = next(
            (rows_of[i] for i in indices if points[i].year == definition.baseline_year), None
        )
        last_with_value: int | None = None
        hidden_before: int | None = None  # the latest earlier year hidden (small numbers)
        partial: set[int] = set()  # years covered only from some month on
        for i in indices:
            row, current = rows_of[i], points[i]
            prior = points[last_with_value] if last_with_value is not None else None
            before = _previous_comparison(row, prior, partial, since, hidden_before)
            main = _main_comparison(definition, row, before, baseline_row, since)
            target = applicable_target(
                definition, current.year, str(row["region_code"]), CITY, regions.district_codes
            )
            compared.append((i, current, main, before, target))
            if _partial_start(row):
                partial.add(current.year)
            elif current.value is not None:
                last_with_value = i
            elif row.get("suppressed") is True:
                hidden_before = current.year
    # The tests of every comparison at once (arrays), then each row's status and sentence.
    pairs = [(m.reference, c) for _, c, m, _, _ in compared]
    pairs += [(b.reference, c) for _, c, _, b, _ in compared]
    changes = test_changes(definition, pairs)
    for k, (i, current, main, before, target) in enumerate(compared):
        row = rows_of[i]
        reason = str(row.get("missing_reason") or "")
        for key, comparison, change, status_codes, status_texts in (
            ("", main, changes[k], codes, texts),
            ("previous_", before, changes[len(compared) + k], previous, previous_texts),
        ):
            goal = target if not key else None
            if current.value is None and reason in MISSING_REASONS:
                status = Status("insufficient_data", f"Värdet saknas: {MISSING_REASONS[reason]}.")
            elif comparison.reason:
                status = assess(definition, current, None, goal)
                if status.code != "target_met":
                    status = without_comparison(definition, current, comparison.reason)
            else:
                status = assess(definition, current, comparison.reference, goal, change=change)
            status_codes[i], status_texts[i] = status.code, status.text
            if goal is not None and status.code in TARGET_STATUSES:
                columns["target_year"][i] = goal.year
            difference, words = _test_words(definition, comparison, current, change)
            reference = comparison.reference
            columns[f"{key}compared_with" if key else "compared_with"][i] = comparison.name
            columns[f"{key}period" if key else "reference_period"][i] = (
                reference.label.removeprefix("basåret ") if reference is not None else ""
            )
            columns[f"{key}value" if key else "reference_value"][i] = (
                np.nan if reference is None or reference.value is None else reference.value
            )
            columns[f"{key}change" if key else "change"][i] = difference
            columns[f"{key}test" if key else "change_test"][i] = words
    frame["status"] = codes
    frame["status_text"] = texts
    frame["status_previous"] = previous
    frame["previous_text"] = previous_texts
    for column, values in columns.items():
        frame[column] = values
