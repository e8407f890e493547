"""From a definition to values: one query over the store per request (every region, year and
breakdown at once), then the type's arithmetic, intervals, suppression and status.

Pages, exports, the report and the command line all compute through :func:`compute` (one
request) or :func:`compute_many` (the requests of a refresh, the same steps with what they
share read once), so a number is computed the same way everywhere.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace

import duckdb
import numpy as np
import pandas as pd

from catalogue.catalogue import Catalogue
from catalogue.model import Definition, Target
from indicators import disclosure, stats
from indicators.status import (
    Point,
    Status,
    applicable_target,
    assess,
    test_changes,
    without_comparison,
)
from indicators.suppression import min_count
from store import queries
from store import targets as store_targets
from store.regions import RegionLifetimes
from store.series import Boundaries, observation_rows, population_rows, yearly_rows
from swedish.format import MONTH_NAMES

CITY = "0180"
LOG = logging.getLogger(__name__)
MAX_POPULATION_LAG = 2  # years back a missing population may be taken from
ABOUT_INDIVIDUALS_MIN_COUNT = 5
MONTHLY_OUTPUT_SOURCE = "bra_anmalda_brott"  # the crime page shows its months

OUTPUT_COLUMNS = [
    "indicator", "region_code", "region_name", "year", "sex", "age_group", "value", "lower",
    "upper", "respondents", "suppressed", "preliminary", "status", "period", "missing_reason",
]  # fmt: skip
# Why a value is missing: a closed set, each with the sentence a reader sees.
MISSING_REASONS = {
    "suppressed": "för litet underlag för att visas",
    "incomplete": "uppgifter saknas för en del av området (sammanslagna stadsdelsområden)",
    "no_population": "befolkningen för året (eller två år bakåt) saknas",
    "not_additive": "källans tal kan inte läggas ihop över sammanslagna områden",
    "no_respondents": "andelar utan antal svarande kan inte vägas ihop över områden",
    "not_in_source": "källan redovisar inget värde för området och perioden",
    "not_covered": "de inlästa uppgifterna täcker inte området och perioden",
    "not_existed": "stadsdelsområdet fanns inte då",
    "no_survey": "ingen undersökning gjordes det året",
}
SURVEY_TYPES = ("share", "mean", "index")


@dataclass(frozen=True)
class Request:
    boundaries: Boundaries = "time"
    by_sex: bool = False
    by_age: bool = False
    region_codes: tuple[str, ...] | None = None  # None: every district and the city
    # Also a row (no value, a missing_reason) for every requested region and year within
    # the indicator's span that has no figure; on the boundaries of the time a district
    # that did not exist gets one only when asked for by region_codes.
    with_missing: bool = False


@dataclass(frozen=True)
class Regions:
    """What compute needs of the register, read once for many indicators."""

    today: tuple[str, ...]  # districts of today
    all: tuple[str, ...]  # every district that ever was
    municipalities: tuple[str, ...]  # every municipality but Stockholm
    district_codes: dict[str, str]  # district name → code, for target scopes
    names: dict[str, tuple[str, str]]  # code → (name, kind)
    lifetimes: RegionLifetimes | None = None  # when each district existed
    today_of: dict[str, str] | None = None  # a district of the time → the one of today
    # Sources whose owner publishes the figures: shown as published, never hidden.
    published: frozenset[str] = frozenset()

    def existed(self, code: str, year: int) -> bool:
        return self.lifetimes is None or self.lifetimes.existed(code, year)

    @classmethod
    def from_store(cls, con: duckdb.DuckDBPyConnection) -> Regions:
        register = queries.regions(con, ("district", "municipality", "city"))
        districts = register[register["kind"] == "district"]
        current = districts[districts["valid_to"].isna()]
        municipalities = register[register["kind"] == "municipality"]
        return cls(
            today=tuple(current["code"]),
            all=tuple(districts["code"]),
            municipalities=tuple(municipalities["code"]),
            district_codes=dict(zip(districts["name"], districts["code"], strict=True)),
            names={
                str(c): (str(n), str(k))
                for c, n, k in zip(
                    register["code"], register["name"], register["kind"], strict=True
                )
            },
            lifetimes=RegionLifetimes.from_store(con),
            today_of=dict(queries.today_region_map(con).itertuples(index=False, name=None)),
            published=queries.published_sources(con),
        )

    def default(self, definition: Definition, boundaries: Boundaries) -> list[str]:
        """The regions an indicator is shown for, by its levels."""
        codes: list[str] = []
        if "district" in definition.levels:
            codes += self.today if boundaries == "today" else self.all
        if "city" in definition.levels:
            codes.append(CITY)
        if "municipality" in definition.levels:
            codes += definition.comparison or self.municipalities
        return codes


def _with_population(
    con: duckdb.DuckDBPyConnection, frame: pd.DataFrame, request: Request, codes: list[str]
) -> pd.DataFrame:
    population = population_rows(
        con,
        boundaries=request.boundaries,
        by_sex=request.by_sex,
        by_age=request.by_age,
        region_codes=codes,
    ).rename(columns={"year": "population_year"})
    frame = frame.sort_values("year")
    if population.empty:
        return frame.assign(population=np.nan, population_year=np.nan)
    population = population.sort_values("population_year")
    merged = pd.merge_asof(
        frame,
        population,
        left_on="year",
        right_on="population_year",
        by=["region_code", "sex", "age_group"],
        direction="backward",
        tolerance=MAX_POPULATION_LAG,
    )
    return merged


@dataclass(frozen=True)
class Coverage:
    """The period a source's batch in force covers, and the whole months within it (only
    whole months are counted and compared: a partial month would compare unlike periods)."""

    covers_from: pd.Timestamp
    covers_to: pd.Timestamp

    @property
    def months(self) -> tuple[object, object]:
        start = self.covers_from.normalize()
        # A month counts when the period covers it from its first day to its last.
        first = start if start.day == 1 else start + pd.offsets.MonthBegin(1)
        end = self.covers_to
        last_day = (end + pd.offsets.MonthEnd(0)).normalize()
        last = end.normalize().replace(day=1)
        if end.normalize() < last_day:  # the last month is not covered to its end
            last = (last - pd.offsets.MonthBegin(1)).normalize()
        return first.date(), last.date()

    def years(self) -> dict[int, tuple[int, int]]:
        """Year → (first, last) whole month covered."""
        return disclosure.covered_years(self.months)

    def from_text(self) -> str:
        return f"{self.covers_from.day} {MONTH_NAMES[self.covers_from.month - 1][:3]}"


def coverage_of(con: duckdb.DuckDBPyConnection, definition: Definition) -> Coverage | None:
    """The covered period of an event source (police events), None for other sources."""
    if not definition.absent_is_zero:
        return None
    span = queries.coverage(con, definition.source, list(definition.measures))
    if span is None or span[0] is None or span[1] is None:
        return None
    return Coverage(pd.Timestamp(span[0]), pd.Timestamp(span[1]))  # type: ignore[arg-type]


def _fill_zeros(
    frame: pd.DataFrame,
    codes: list[str],
    regions: Regions,
    covered: Coverage | None,
    boundaries: Boundaries,
) -> pd.DataFrame:
    """Add a 0 for every requested region and covered year the region has no row for (only
    for sources that list every event), but on the boundaries of the time never for a year
    the region did not exist (on today's, a district of today spans every year). Only
    totals, not breakdowns."""
    years = frame.groupby("year").agg(
        n_months=("n_months", "max"), first_month=("first_month", "min"),
        last_month=("last_month", "max"), preliminary=("preliminary", "any"),
    )  # fmt: skip
    if covered is not None:
        for year, (first, last) in covered.years().items():
            if year not in years.index:
                years.loc[year] = [last - first + 1, first, last, False]
    present = set(zip(frame["region_code"], frame["year"], strict=True))
    names = regions.names
    rows = []
    for code in codes:
        for year, info in years.iterrows():
            alive = boundaries == "today" or regions.existed(code, int(year))
            if (code, year) not in present and code in names and alive:
                rows.append({
                    "region_code": code, "region_name": names[code][0],
                    "region_kind": names[code][1], "year": year, "sex": "total",
                    "age_group": "all", "total": 0.0, "weighted": np.nan, "respondents": np.nan,
                    "preliminary": bool(info["preliminary"]), "example": False,
                    "complete": True, "n_parts": 1,
                    "n_months": int(info["n_months"]), "first_month": int(info["first_month"]),
                    "last_month": int(info["last_month"]), "ytd_previous": np.nan,
                })  # fmt: skip
    if not rows:
        return frame
    return pd.concat([frame, pd.DataFrame(rows)], ignore_index=True)


def _same_months_before(
    con: duckdb.DuckDBPyConnection,
    definition: Definition,
    request: Request,
    frame: pd.DataFrame,
    covered: Coverage | None,
) -> pd.DataFrame:
    """``ytd_previous`` of the rows a year so far that had no event (added by _fill_zeros):
    the same months of the year before, 0 where it had none either, when that year is
    covered from January."""
    if covered is None:
        return frame
    years = covered.years()
    todo = (
        frame["ytd_previous"].isna() & (frame["n_months"] < 12) & (frame["first_month"] == 1)
        & frame["year"].map(lambda y: years.get(int(y) - 1, (0, 0))[0] == 1)
    )  # fmt: skip
    if not todo.any():
        return frame
    months = observation_rows(
        con,
        definition.measures,
        boundaries=request.boundaries,
        region_codes=sorted(set(frame.loc[todo, "region_code"])),
        months=covered.months,
        every_event=True,
    )
    frame = frame.copy()
    for index in frame.index[todo]:
        row = frame.loc[index]
        before = months[
            (months["region_code"] == row["region_code"]) & (months["year"] == row["year"] - 1)
            & (months["month"] <= row["last_month"]) & (months["sex"] == row["sex"])
            & (months["age_group"] == row["age_group"])
        ]  # fmt: skip
        frame.loc[index, "ytd_previous"] = float(before["total"].sum())
    return frame


@dataclass(frozen=True)
class Gaps:
    """The region-years (on the request's boundaries) with cells the source marks '..':
    ``partial`` where the region has other figures that year (the year has no value),
    ``listed`` where it has none at all (the region-year is absent, and says why)."""

    partial: frozenset[tuple[str, int]] = frozenset()
    listed: frozenset[tuple[str, int]] = frozenset()

    @classmethod
    def from_cells(cls, gaps: pd.DataFrame | None, request: Request, regions: Regions) -> Gaps:
        """From :func:`store.queries.gaps_in_force` (None: an event list)."""
        if gaps is None or gaps.empty:
            return cls()
        codes = gaps["region_code"].astype(str)
        if request.boundaries == "today" and regions.today_of:
            codes = codes.map(regions.today_of).fillna(codes)
        keys = list(zip(codes, gaps["year"].astype(int), strict=True))
        partial = gaps["partial"].astype(bool).tolist()
        return cls(
            frozenset(k for k, p in zip(keys, partial, strict=True) if p),
            frozenset(k for k, p in zip(keys, partial, strict=True) if not p),
        )

    def flags(self, frame: pd.DataFrame) -> pd.Series:
        """Total rows of a year with a '..' month: not a whole year, nor the months so far."""
        flags = [
            (str(c), int(y)) in self.partial and s == "total" and a == "all"
            for c, y, s, a in zip(
                frame["region_code"], frame["year"], frame["sex"], frame["age_group"],
                strict=True,
            )
        ]  # fmt: skip
        return pd.Series(flags, index=frame.index, dtype=bool)


def _with_absent_rows(
    definition: Definition,
    frame: pd.DataFrame,
    codes: list[str],
    regions: Regions,
    request: Request,
    covered: Coverage | None,
    listed: frozenset[tuple[str, int]],
) -> pd.DataFrame:
    """A row without a value, and why, for every requested region and year in the span of
    the indicator's figures that has none (totals only). ``listed``: region-years the
    source lists with '..' only."""
    totals = frame[(frame["sex"] == "total") & (frame["age_group"] == "all")]
    years = set(int(y) for y in totals["year"])
    covered_years = covered.years() if covered is not None else {}
    years |= set(covered_years)
    if not years:
        return frame
    present = set(zip(totals["region_code"], totals["year"].astype(int), strict=True))
    with_figures = set(int(y) for y in totals["year"])
    lifetimes = regions.lifetimes
    rows = []
    for code in codes:
        if code not in regions.names:
            continue
        name, kind = regions.names[code]
        for year in range(min(years), max(years) + 1):
            if (code, year) in present:
                continue
            text = ""
            if request.boundaries == "time" and not regions.existed(code, year):
                if request.region_codes is None:
                    continue  # a district's life is not listed year by year
                reason = "not_existed"
                text = lifetimes.not_existing(code, year) if lifetimes is not None else ""
            elif covered is not None and year not in covered_years:
                reason = "not_covered"
            elif (code, year) in listed:
                reason = "not_in_source"
            elif year not in with_figures and definition.type in SURVEY_TYPES:
                reason = "no_survey"
            else:
                reason = "not_covered"
            sentence = f"Värdet saknas: {text or MISSING_REASONS[reason]}."
            rows.append({
                "region_code": code, "region_name": name, "region_kind": kind, "year": year,
                "sex": "total", "age_group": "all", "value": np.nan, "lower": np.nan,
                "upper": np.nan, "total": np.nan, "respondents": np.nan, "suppressed": False,
                "preliminary": False, "example": False, "complete": False, "n_parts": 0,
                "n_months": 12, "first_month": 1, "last_month": 12, "ytd_previous": np.nan,
                "ytd_hidden": False, "gap": False, "missing_reason": reason,
                "status": "insufficient_data", "status_text": sentence,
                "status_previous": "insufficient_data", "previous_text": sentence,
                "population": np.nan, "population_year": np.nan, **COMPARISON_COLUMNS,
            })  # fmt: skip
    if not rows:
        return frame
    result = pd.concat([frame, pd.DataFrame(rows, columns=frame.columns)], ignore_index=True)
    order = ["region_name", "sex", "age_group", "year"]
    return result.sort_values(order).reset_index(drop=True)


def _values(definition: Definition, frame: pd.DataFrame) -> pd.DataFrame:
    """value, lower and upper by the indicator's type; incomplete sums get none."""
    complete = frame["complete"].astype(bool).to_numpy()
    total = frame["total"].to_numpy(dtype=float)
    nan = np.full(len(frame), np.nan)
    if definition.type == "count":
        value = total
        lower, upper = stats.poisson_intervals(total)
    elif definition.type == "published_rate":
        # As published (a rate of one region): no count behind it, so no interval.
        single = frame["n_parts"].to_numpy(dtype=float) == 1
        value, lower, upper = np.where(single, total, np.nan), nan, nan
    elif definition.type == "rate":
        population = frame["population"].to_numpy(dtype=float)
        with np.errstate(divide="ignore", invalid="ignore"):  # a zero population → missing
            scale = np.where(population > 0, definition.per / population, np.nan)  # type: ignore[operator]
        low, high = stats.poisson_intervals(total)
        value, lower, upper = total * scale, low * scale, high * scale
    else:
        respondents = frame["respondents"].to_numpy(dtype=float)
        weighted = frame["weighted"].to_numpy(dtype=float)
        single = frame["n_parts"].to_numpy(dtype=float) == 1
        with np.errstate(invalid="ignore", divide="ignore"):
            # Without respondents a share of several regions cannot be weighted: missing.
            value = np.where(
                respondents > 0, weighted / respondents, np.where(single, total, np.nan)
            )
        lower, upper = nan, nan
        if definition.type == "share":
            low, high = stats.wilson_intervals(value / 100 * respondents, respondents)
            lower, upper = low * 100, high * 100
    return frame.assign(
        value=np.where(complete, value, np.nan),
        lower=np.where(complete, lower, np.nan),
        upper=np.where(complete, upper, np.nan),
    )


def _missing_reasons(definition: Definition, frame: pd.DataFrame, hidden: pd.Series) -> list[str]:
    """The reason (a key of MISSING_REASONS) for each row without a value, else ""."""
    reasons = []
    rows = records(frame, ("gap", "value", "complete", "population"))
    for row, secret in zip(rows, hidden, strict=True):
        if secret:
            reasons.append("suppressed")
        elif row.get("gap") is True:
            reasons.append("not_in_source")
        elif not pd.isna(row["value"]) and bool(row["complete"]):
            reasons.append("")
        elif not bool(row["complete"]):
            reasons.append("incomplete")
        elif definition.type == "rate" and pd.isna(row.get("population")):
            reasons.append("no_population")
        elif definition.type == "published_rate":
            reasons.append("not_additive")
        else:
            reasons.append("no_respondents")
    return reasons


def count_threshold(definition: Definition, catalogue: Catalogue) -> int:
    """The smallest count shown for this indicator (higher for counts of individuals)."""
    about_people = any(catalogue.measures[m].about_individuals for m in definition.measures)
    return int(
        definition.suppression.min_count
        or (ABOUT_INDIVIDUALS_MIN_COUNT if about_people else min_count())
    )


def family_of(
    definition: Definition, catalogue: Catalogue, covered: Coverage | None
) -> disclosure.Family | None:
    """The disclosure-control family an indicator's figures belong to (None: a published
    rate, which reveals no count). Every definition over the same measures (and filters)
    shares one family, so a count and its rate are hidden alike: the strictest threshold
    and every breakdown any of them shows."""
    if definition.type == "published_rate":
        return None
    counts = definition.type in ("count", "rate")
    siblings = [
        other
        for other in catalogue.definitions.values()
        if other.measures == definition.measures
        and other.filters == definition.filters
        and other.type != "published_rate"
        and (other.type in ("count", "rate")) == counts
    ] or [definition]
    return disclosure.Family(
        measures=tuple(definition.measures),
        size="count" if counts else "respondents",
        threshold=max(
            count_threshold(d, catalogue) if counts else d.suppression.min_respondents
            for d in siblings
        ),
        by_sex=any("sex" in d.breakdowns for d in siblings),
        by_age=any("age_group" in d.breakdowns for d in siblings),
        sex=definition.filters.sex,
        age_group=definition.filters.age_group,
        months=covered.months if covered is not None else None,
        every_event=definition.absent_is_zero,
        monthly_output=definition.source == MONTHLY_OUTPUT_SOURCE,
    )


def crime_family(catalogue: Catalogue, measure: str) -> disclosure.Family:
    """The family of a crime category on the crime page: the one of the indicators over the
    same measure when there are any (so both pages hide the same figures)."""
    for definition in sorted(catalogue.definitions.values(), key=lambda d: d.id):
        if (
            definition.measures == [measure]
            and definition.filters.sex is None
            and (definition.filters.age_group is None and definition.type in ("count", "rate"))
        ):
            family = family_of(definition, catalogue, None)
            if family is not None:
                return family
    return disclosure.Family(
        measures=(measure,), size="count", threshold=min_count(), monthly_output=True
    )


def crime_decision(
    con: duckdb.DuckDBPyConnection, catalogue: Catalogue, measure: str
) -> disclosure.Decision:
    """What the crime page hides of a category: nothing when its source publishes the figures
    (BRÅ publishes counts of 1 and 2 per district and month)."""
    regions = Regions.from_store(con)
    source = queries.measure_source(con, measure)
    if source is not None and source in regions.published:
        return disclosure.Decision(hidden=frozenset())
    kinds = {code: kind for code, (_, kind) in regions.names.items()}
    return disclosure.decide(con, crime_family(catalogue, measure), regions.today_of or {}, kinds)


def decision_for(
    con: duckdb.DuckDBPyConnection,
    definition: Definition,
    catalogue: Catalogue,
    regions: Regions,
    covered: Coverage | None,
) -> disclosure.Decision | None:
    """The joint decision over the indicator's family; None (nothing hidden) for a source
    whose owner publishes the figures, which are shown exactly as published."""
    if definition.source in regions.published:
        return None
    family = family_of(definition, catalogue, covered)
    if family is None:
        return None
    kinds = {code: kind for code, (_, kind) in regions.names.items()}
    return disclosure.decide(con, family, regions.today_of or {}, kinds)


def _suppress(
    decision: disclosure.Decision | None, frame: pd.DataFrame, request: Request
) -> pd.Series:
    """The rows the joint decision hides (see indicators.disclosure)."""
    if decision is None:
        return pd.Series(False, index=frame.index)
    hidden = [
        decision.year(request.boundaries, str(code), int(year), str(sex), str(age))
        for code, year, sex, age in zip(
            frame["region_code"], frame["year"], frame["sex"], frame["age_group"], strict=True
        )
    ]
    return pd.Series(hidden, index=frame.index) & frame["complete"].astype(bool)


def _ytd_hidden(
    decision: disclosure.Decision | None, frame: pd.DataFrame, request: Request
) -> pd.Series:
    """Whether the same months a year earlier (``ytd_previous``) are hidden."""
    if decision is None or "ytd_previous" not in frame:
        return pd.Series(False, index=frame.index)
    hidden = [
        pd.notna(previous)
        and decision.ytd(request.boundaries, str(code), int(year), int(last), str(sex), str(age))
        for code, year, last, sex, age, previous in zip(
            frame["region_code"], frame["year"], frame["last_month"], frame["sex"],
            frame["age_group"], frame["ytd_previous"], strict=True,
        )
    ]  # fmt: skip
    return pd.Series(hidden, index=frame.index, dtype=bool)


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


def _with_field_periods(
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


# What period_label reads of a row, and what the statuses read (_statuses and the functions
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
    )


def _partial_start(row: dict[str, object]) -> bool:
    """A year the source covers only from some month on: it cannot be compared with a
    whole year, nor with the same months of another year (the months before are missing)."""
    return int(row.get("first_month") or 1) > 1 and int(row["n_months"]) < 12  # type: ignore[call-overload]


def _year_so_far(row: dict[str, object]) -> bool:
    """A year covered from January but not yet to December: compared with the same months."""
    return int(row["n_months"]) < 12 and not _partial_start(row)  # type: ignore[call-overload]


# The columns that say what a verdict compares with, and the change it tested. The status
# uses the main comparison; the one with the period before is shown beside it, labelled.
COMPARISON_COLUMNS = {
    "compared_with": "", "reference_period": "", "reference_value": np.nan,
    "target_year": np.nan,  # the year of the target the status judged, if it judged one
    "change": np.nan, "change_test": "",
    "previous_compared_with": "", "previous_period": "", "previous_value": np.nan,
    "previous_change": np.nan, "previous_test": "",
}  # fmt: skip
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


def _statuses(
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


def with_app_targets(con: duckdb.DuckDBPyConnection, definition: Definition) -> Definition:
    """The definition with the targets set in the app (store.targets) beside its YAML
    defaults: a target for a district or the city, in force from its ``applies_from``."""
    stored = store_targets.targets(con, definition.id)
    if stored.empty:
        return definition
    added = [
        Target(
            value=float(row.value),
            year=int(row.target_year),
            scope=str(row.scope),
            applies_from=pd.Timestamp(row.applies_from).date(),
            decided_by=str(row.source),
        )
        for row in stored.itertuples()
    ]
    return definition.model_copy(update={"targets": [*definition.targets, *added]})


@dataclass(frozen=True)
class _Shared:
    """What every request of one indicator reads alike: its definition with the targets
    decided in the app, the period its source covers, and its cells marked '..'."""

    definition: Definition
    covered: Coverage | None
    gaps: pd.DataFrame | None  # None: an event list, which has no '..'

    @classmethod
    def of(cls, con: duckdb.DuckDBPyConnection, definition: Definition) -> _Shared:
        gaps = None if definition.absent_is_zero else queries.gaps_in_force(
            con, list(definition.measures)
        )  # fmt: skip
        return cls(with_app_targets(con, definition), coverage_of(con, definition), gaps)


def compute(
    con: duckdb.DuckDBPyConnection,
    definition: Definition,
    catalogue: Catalogue,
    request: Request = Request(),
    regions: Regions | None = None,
) -> pd.DataFrame:
    """Values of one indicator for every requested region, year and breakdown.

    Columns: OUTPUT_COLUMNS plus region_kind, numerator, population, population_year,
    n_months, last_month, ytd_previous, complete, status_text, status_previous.
    Pass ``regions`` (Regions.from_store) when computing many indicators.
    """
    regions = regions or Regions.from_store(con)
    shared = _Shared.of(con, definition)
    return _finished(con, shared, _core(con, shared, catalogue, request, regions), request)


def compute_many(
    con: duckdb.DuckDBPyConnection,
    definition: Definition,
    catalogue: Catalogue,
    requests: list[Request],
    regions: Regions,
) -> list[pd.DataFrame]:
    """:func:`compute_safely` of each request, what they share read once: a request with a
    row for every missing figure is the same request's frame with those rows added, so it
    is computed once (issue 33: a load's refresh computes both)."""
    try:
        shared = _Shared.of(con, definition)
    except Exception as exc:  # one indicator's data must never take the site down
        return [_failed(definition, exc) for _ in requests]
    cores: dict[Request, _Core | Exception] = {}
    frames = []
    for request in requests:
        plain = replace(request, with_missing=False)
        if plain not in cores:
            try:
                cores[plain] = _core(con, shared, catalogue, plain, regions)
            except Exception as exc:
                cores[plain] = exc
        core = cores[plain]
        try:
            if isinstance(core, Exception):
                raise core
            frames.append(_finished(con, shared, core, request))
        except Exception as exc:
            frames.append(_failed(definition, exc))
    return frames


@dataclass(frozen=True)
class _Core:
    """A request's values and statuses, before its missing rows and labels."""

    frame: pd.DataFrame | None  # None: no figure at all
    codes: list[str]
    regions: Regions
    listed: frozenset[tuple[str, int]]


def _core(
    con: duckdb.DuckDBPyConnection,
    shared: _Shared,
    catalogue: Catalogue,
    request: Request,
    regions: Regions,
) -> _Core:
    definition, covered = shared.definition, shared.covered
    codes = list(request.region_codes or regions.default(definition, request.boundaries))
    frame = yearly_rows(
        con,
        definition.measures,
        boundaries=request.boundaries,
        by_sex=request.by_sex and "sex" in definition.breakdowns,
        by_age=request.by_age and "age_group" in definition.breakdowns,
        region_codes=codes,
        sex=definition.filters.sex,
        age_group=definition.filters.age_group,
        absent_is_zero=definition.absent_is_zero,
        months=covered.months if covered is not None else None,
    )
    if frame.empty and covered is None:
        return _Core(None, codes, regions, frozenset())
    if definition.absent_is_zero:
        frame = _fill_zeros(frame, codes, regions, covered, request.boundaries)
        frame = _same_months_before(con, definition, request, frame, covered)
    if frame.empty:
        return _Core(None, codes, regions, frozenset())
    if definition.type == "rate":
        frame = _with_population(con, frame, request, codes)
    else:
        frame = frame.assign(population=np.nan, population_year=np.nan)
    frame = _values(definition, frame.reset_index(drop=True))
    decision = decision_for(con, definition, catalogue, regions, covered)
    hidden = _suppress(decision, frame, request)
    frame["suppressed"] = hidden
    gaps = Gaps.from_cells(shared.gaps, request, regions)
    frame["gap"] = gaps.flags(frame)
    frame["missing_reason"] = _missing_reasons(definition, frame, hidden)
    unusable = hidden | ~frame["complete"].astype(bool) | frame["gap"]
    frame.loc[unusable, ["value", "lower", "upper", "total"]] = np.nan
    # The same months a year earlier are a figure of their own, hidden by the same decision,
    # so no status sentence can name a hidden one.
    frame["ytd_hidden"] = _ytd_hidden(decision, frame, request)
    frame.loc[frame["ytd_hidden"], "ytd_previous"] = np.nan
    frame = frame.sort_values(["region_name", "sex", "age_group", "year"]).reset_index(drop=True)
    _statuses(definition, frame, regions, covered)
    return _Core(frame, codes, regions, gaps.listed)


def _finished(
    con: duckdb.DuckDBPyConnection, shared: _Shared, core: _Core, request: Request
) -> pd.DataFrame:
    """The frame of ``request`` from its core (left as it is, for another request)."""
    if core.frame is None:
        return pd.DataFrame(columns=[*OUTPUT_COLUMNS, "status_text"])
    definition = shared.definition
    frame = core.frame.copy()
    if request.with_missing:
        frame = _with_absent_rows(
            definition, frame, core.codes, core.regions, request, shared.covered, core.listed
        )
    frame["indicator"] = definition.id
    frame["period"] = [period_label(r) for r in records(frame, PERIOD_FIELDS)]
    if definition.type in SURVEY_TYPES:
        frame["period"] = _with_field_periods(con, definition, frame)
    return frame.rename(columns={"total": "numerator"})


UNAVAILABLE = (
    "Indikatorn kan inte beräknas just nu ({why}). Övriga indikatorer påverkas inte; en "
    "administratör kan se satserna under Datastatus och ångra den som gav felet."
)


def records(frame: pd.DataFrame, fields: tuple[str, ...] | None = None) -> list[dict]:
    """``frame.to_dict("records")``, the same values and types, built column by column: pandas
    boxes each value of a text column one by one (about twice as slow, issue 33). ``fields``:
    only those of the columns (the ones a caller reads)."""
    columns = list(frame.columns) if fields is None else [c for c in fields if c in frame]
    values = [frame[c].tolist() for c in columns]
    return [dict(zip(columns, row, strict=True)) for row in zip(*values, strict=True)]


def unavailable(frame: pd.DataFrame) -> str | None:
    """The Swedish sentence for an indicator whose computation failed, else None."""
    why = frame.attrs.get("error")
    return UNAVAILABLE.format(why=why) if why else None


def compute_safely(
    con: duckdb.DuckDBPyConnection,
    definition: Definition,
    catalogue: Catalogue,
    request: Request = Request(),
    regions: Regions | None = None,
) -> pd.DataFrame:
    """:func:`compute`, but a failure disables this indicator only: an empty frame whose
    ``attrs["error"]`` says what failed (see :func:`unavailable`), and a log line."""
    try:
        return compute(con, definition, catalogue, request, regions)
    except Exception as exc:  # one indicator's data must never take the site down
        return _failed(definition, exc)


def _failed(definition: Definition, exc: Exception) -> pd.DataFrame:
    LOG.error("indicator %s could not be computed", definition.id, exc_info=exc)
    frame = pd.DataFrame(columns=[*OUTPUT_COLUMNS, "status_text"])
    frame.attrs["error"] = f"{type(exc).__name__} vid beräkningen"
    return frame


def compute_all(
    con: duckdb.DuckDBPyConnection, catalogue: Catalogue, request: Request = Request()
) -> dict[str, pd.DataFrame]:
    """Every indicator of the catalogue, with the register read once."""
    regions = Regions.from_store(con)
    present = queries.measures_with_data(con)
    empty = pd.DataFrame(columns=[*OUTPUT_COLUMNS, "status_text"])
    return {
        indicator: compute_safely(con, definition, catalogue, request, regions)
        # An event list with no event of a type still says 0 for the period it covers.
        if present & set(definition.measures) or definition.absent_is_zero
        else empty.copy()
        for indicator, definition in catalogue.definitions.items()
    }
