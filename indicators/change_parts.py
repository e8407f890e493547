"""A change between two periods and its parts, each with its 95 % interval: the types (Part,
Drivers), the periods compared, the rows of each side, and the protection of parts too small to
show. indicators/drivers.py splits a change by region, group or measure with them."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import pandas as pd

from catalogue.model import Definition
from indicators.basis import records
from indicators.comparisons import period_label
from indicators.stats import poisson_interval, wilson_interval
from swedish.format import number

COLUMNS = ["part", "part_name", "from_value", "to_value", "change", "lower", "upper",
           "suppressed"]  # fmt: skip

Interval = tuple[float, float]
Record = dict[str, object]
Lookup = dict[tuple[str, int], Record]


BY = ("region", "measure", "sex", "age_group")


GROUP_NAMES = {"female": "Kvinnor", "male": "Män"}


UNPLACED = "ej_placerat"


def count_ci(count: float | None, scale: float = 1.0) -> Interval | None:
    """The exact Poisson interval of a count (times ``scale``: per inhabitants)."""
    if count is None or count < 0:
        return None
    low, high = poisson_interval(count)
    return low * scale, high * scale


def share_ci(percent: float | None, respondents: float | None) -> Interval | None:
    """The Wilson interval of a share in percent of ``respondents``."""
    if percent is None or not respondents:
        return None
    low, high = wilson_interval(percent / 100 * respondents, respondents)
    return low * 100, high * 100


class DriversError(ValueError):
    """The change cannot be split as asked (and why, in English for the command line and in
    Swedish in ``swedish`` for a page)."""

    def __init__(self, message: str, swedish: str) -> None:
        super().__init__(message)
        self.swedish = swedish


@dataclass
class Part:
    part: str
    name: str
    before: float | None  # None: missing (or hidden)
    after: float | None
    before_ci: Interval | None  # each period's 95 % interval (exact Poisson, Wilson)
    after_ci: Interval | None
    hidden: bool = False
    contained: bool = False  # a "därav" line: inside the part above, not added again

    @property
    def change(self) -> float | None:
        if self.hidden or self.before is None or self.after is None:
            return None
        return self.after - self.before

    def change_interval(self) -> Interval | None:
        """The change's 95 % interval from the two periods' own intervals (MOVER, Newcombe's
        method for a difference): sound for small counts and shares, where a normal
        approximation of the difference is not (0 → 0 has an interval, not 0–0)."""
        change = self.change
        if change is None or self.before_ci is None or self.after_ci is None:
            return None
        (b_low, b_high), (a_low, a_high) = self.before_ci, self.after_ci
        a, b = self.after, self.before
        return (
            change - math.hypot(a - a_low, b_high - b),  # type: ignore[operator]
            change + math.hypot(a_high - a, b - b_low),  # type: ignore[operator]
        )


@dataclass
class Drivers:
    """The parts of one change, the total last (``part == "total"``)."""

    indicator: str
    by: str
    region_name: str
    from_label: str  # "2022", "jan–jul 2025"
    to_label: str
    additive: bool  # the parts (not the "därav" lines) add up to the total
    parts: list[Part]
    total: Part
    notes: list[str] = field(default_factory=list)  # Swedish, for the page and the report

    def frame(self, contained: bool = False) -> pd.DataFrame:
        """The CSV's rows: the parts (with the "därav" lines when ``contained``) and the
        total; a hidden part has no values and ``suppressed`` true."""
        rows = []
        for part in [*(p for p in self.parts if contained or not p.contained), self.total]:
            change = part.change
            interval = part.change_interval()
            shown = not part.hidden
            rows.append({
                "part": part.part,
                "part_name": part.name,
                "from_value": part.before if shown else None,
                "to_value": part.after if shown else None,
                "change": change,
                "lower": None if interval is None else interval[0],
                "upper": None if interval is None else interval[1],
                "suppressed": part.hidden,
                "contained": part.contained,
            })  # fmt: skip
        return pd.DataFrame(rows, columns=[*COLUMNS, "contained"])

    def headline(self, decimals: int, parts: int = 3) -> str:
        """The largest changes in a sentence, for a card or a report line: "Störst
        förändring: Järva +579 (säkerställd), Bromma +325 (säkerställd), Enskede-Årsta-Vantör
        −58." — or that no part's change is beyond its margin."""
        rows = self.frame()
        rows = rows[(rows["part"] != "total") & rows["change"].notna()]
        if rows.empty:
            return ""
        if self.within_margins():
            return "Ingen enskild del har förändrats mer än felmarginalen."
        rows = rows.reindex(rows["change"].abs().sort_values(ascending=False).index)
        words = []
        for row in rows.head(parts).itertuples():
            change = float(row.change)  # type: ignore[arg-type]
            text = ("+" if change > 0 else "") + number(change, decimals).replace("-", "\u2212")
            sure = not pd.isna(row.lower) and (row.lower > 0 or row.upper < 0)  # type: ignore[operator]
            words.append(f"{row.part_name} {text}" + (" (säkerställd)" if sure else ""))
        return "Störst förändring: " + ", ".join(words) + "."

    def within_margins(self) -> bool:
        """Whether every shown part's change is within its margin (its interval holds 0)."""
        rows = self.frame()
        parts = rows[(rows["part"] != "total") & rows["change"].notna() & rows["lower"].notna()]
        return bool(((parts["lower"] <= 0) & (parts["upper"] >= 0)).all())


def part_value(row: pd.Series | dict | None, key: str = "value") -> float | None:
    if row is None:
        return None
    value = row.get(key)
    return None if value is None or pd.isna(value) else float(value)


def is_true(row: pd.Series | dict | None, key: str) -> bool:
    if row is None:
        return False
    value = row.get(key, False)
    return value is not None and not pd.isna(value) and bool(value)


def is_hidden(row: pd.Series | dict | None) -> bool:
    return is_true(row, "suppressed")


@dataclass(frozen=True)
class Periods:
    """The two periods compared and how each region's values are read for them."""

    start: int
    end: int
    same_months: bool  # ``end`` is part of a year: ``start`` is the same months (ytd)
    from_label: str
    to_label: str


def periods(definition: Definition, frame: pd.DataFrame, start: int, end: int) -> Periods:
    """Check that ``start`` and ``end`` can be compared in ``frame`` (one indicator's values,
    totals), and say how: two whole years, or a part of ``end`` against the same months of
    ``start`` = ``end`` − 1."""
    if start >= end:
        raise DriversError(
            f"--from ({start}) must be before --to ({end})",
            f"Det första året ({start}) måste vara före det andra ({end}).",
        )
    years = {int(y): r for y, r in frame.groupby("year")}
    for year in (start, end):
        if year not in years or years[year]["value"].notna().sum() == 0:
            raise DriversError(
                f"{definition.id} has no values for {year}",
                f"{definition.title} har inga värden för {year}.",
            )
    months = {y: int(years[y]["n_months"].max()) for y in (start, end)}
    first = {
        y: int(years[y].get("first_month", pd.Series([1])).fillna(1).min()) for y in (start, end)
    }
    if months[start] < 12 or first[start] > 1:
        raise DriversError(
            f"{start} covers only part of the year: choose a whole year to compare from",
            f"{start} täcks bara delvis: jämför från ett helt år.",
        )
    sample = years[end].iloc[0].to_dict()
    if months[end] >= 12:
        return Periods(start, end, False, str(start), period_label(sample))
    label = period_label(sample)
    if start != end - 1 or first[end] > 1:
        raise DriversError(
            f"{end} covers only {label}: compare it with {end - 1} (the same months), "
            "or choose two whole years",
            f"{end} täcks bara {label}: jämför med samma månader {end - 1}, eller välj två "
            "hela år.",
        )
    if definition.type in ("rate", "share", "mean", "index", "published_rate"):
        raise DriversError(
            f"{end} covers only {label}; a {definition.type} is compared for whole years only",
            f"{end} täcks bara {label}; {definition.title} jämförs bara för hela år.",
        )
    return Periods(start, end, True, period_label(sample, year_offset=-1), label)


def rows_by(frame: pd.DataFrame, when: Periods, key: str = "region_code") -> Lookup:
    """The first row of each region (or group, ``key``) in each of the two periods' years, as a
    record: one pass over the frame for every region paired against it (filtering the frame
    once per region and year was a tenth of a second per indicator split)."""
    if not len(frame):
        return {}
    found: Lookup = {}
    for record in records(frame[frame["year"].isin([when.start, when.end])]):
        found.setdefault((str(record[key]), int(record["year"])), record)  # type: ignore[call-overload]
    return found


def pair(
    frame: pd.DataFrame | Lookup, code: str, when: Periods, key: str = "region_code"
) -> tuple[Record | None, Record | None, float | None, float | None, bool]:
    """A region's (or group's) rows of the two periods, the values compared, and whether
    either is hidden. ``frame``: the rows, or :func:`rows_by` of them."""
    lookup = frame if isinstance(frame, dict) else rows_by(frame, when, key)
    after_row = lookup.get((str(code), when.end))
    if when.same_months:
        before_row = after_row
        before = part_value(after_row, "ytd_previous")
        hidden = is_hidden(after_row) or is_true(after_row, "ytd_hidden")
    else:
        before_row = lookup.get((str(code), when.start))
        before = part_value(before_row)
        hidden = is_hidden(before_row) or is_hidden(after_row)
    return before_row, after_row, before, part_value(after_row), hidden


def protect(parts: list[Part], total: Part) -> None:
    """When a shown total has exactly one hidden part under it, hide the next smallest too:
    the total less the shown parts would give the hidden one."""
    counted = [p for p in parts if not p.contained]
    if total.hidden:
        return
    hidden = [p for p in counted if p.hidden]
    if len(hidden) != 1:
        return
    shown = [p for p in counted if not p.hidden and p.before is not None and p.after is not None]
    if shown:
        min(shown, key=lambda p: abs(p.before or 0) + abs(p.after or 0)).hidden = True
    else:
        total.hidden = True


def interval_of(
    definition: Definition, row: pd.Series | dict | None, value: float | None, ytd: bool
) -> Interval | None:
    """A period's interval: a count's exact interval; a share's Wilson interval (of the same
    months a year earlier: of the count ``value``)."""
    if value is None:
        return None
    if definition.type == "share":
        return share_ci(value, part_value(row, "respondents"))
    if definition.type == "count" or ytd:
        return count_ci(value)
    low, high = part_value(row, "lower"), part_value(row, "upper")
    return None if low is None or high is None else (low, high)
