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
from indicators import stats
from indicators.basis import (
    OUTPUT_COLUMNS,
    SURVEY_TYPES,
    Regions,
    Request,
    records,
)
from indicators.comparisons import (
    PERIOD_FIELDS,
    period_label,
    statuses,
    with_field_periods,
)
from indicators.coverage import (
    Coverage,
    Gaps,
    coverage_of,
    fill_zeros,
    same_months_before,
    with_absent_rows,
    within_lifetimes,
)
from indicators.protection import (
    decision_for,
    suppress,
    ytd_hidden,
)
from store import queries, reference_data
from store import targets as store_targets
from store.series import population_rows, yearly_rows

LOG = logging.getLogger(__name__)
MAX_POPULATION_LAG = 2  # years back a missing population may be taken from


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
        frame = fill_zeros(frame, codes, regions, covered, request.boundaries)
        frame = within_lifetimes(frame, regions, request.boundaries)
        frame = same_months_before(con, definition, request, frame, covered)
    if frame.empty:
        return _Core(None, codes, regions, frozenset())
    if definition.type == "rate":
        frame = _with_population(con, frame, request, codes)
    else:
        frame = frame.assign(population=np.nan, population_year=np.nan)
    frame = _values(definition, frame.reset_index(drop=True))
    decision = decision_for(con, definition, catalogue, regions, covered)
    hidden = suppress(decision, frame, request)
    frame["suppressed"] = hidden
    gaps = Gaps.from_cells(shared.gaps, request, regions)
    frame["gap"] = gaps.flags(frame)
    frame["missing_reason"] = _missing_reasons(definition, frame, hidden)
    unusable = hidden | ~frame["complete"].astype(bool) | frame["gap"]
    frame.loc[unusable, ["value", "lower", "upper", "total"]] = np.nan
    # The same months a year earlier are a figure of their own, hidden by the same decision,
    # so no status sentence can name a hidden one.
    frame["ytd_hidden"] = ytd_hidden(decision, frame, request)
    frame.loc[frame["ytd_hidden"], "ytd_previous"] = np.nan
    frame = frame.sort_values(["region_name", "sex", "age_group", "year"]).reset_index(drop=True)
    statuses(definition, frame, regions, covered)
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
        frame = with_absent_rows(
            definition, frame, core.codes, core.regions, request, shared.covered, core.listed
        )
    frame["indicator"] = definition.id
    frame["period"] = [period_label(r) for r in records(frame, PERIOD_FIELDS)]
    if definition.type in SURVEY_TYPES:
        frame["period"] = with_field_periods(con, definition, frame)
    return frame.rename(columns={"total": "numerator"})


UNAVAILABLE = (
    "Indikatorn kan inte beräknas just nu ({why}). Övriga indikatorer påverkas inte; en "
    "administratör kan se satserna under Datastatus och ångra den som gav felet."
)


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
    present = reference_data.measures_with_data(con)
    empty = pd.DataFrame(columns=[*OUTPUT_COLUMNS, "status_text"])
    return {
        indicator: compute_safely(con, definition, catalogue, request, regions)
        # An event list with no event of a type still says 0 for the period it covers.
        if present & set(definition.measures) or definition.absent_is_zero
        else empty.copy()
        for indicator, definition in catalogue.definitions.items()
    }
