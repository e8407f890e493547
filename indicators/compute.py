"""From a definition to values: one query over the store per request (every region, year and
breakdown at once), then the type's arithmetic, intervals, suppression and status.

Pages, exports, the report and the command line all call :func:`compute`, so a number is
computed the same way everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd

from indicators import stats
from indicators.catalogue import Catalogue
from indicators.format import MONTH_NAMES
from indicators.model import Definition
from indicators.status import Point, applicable_target, assess
from indicators.suppression import complement, min_count
from store import queries
from store.series import Boundaries, observation_rows, population_rows

CITY = "0180"
MAX_POPULATION_LAG = 2  # years back a missing population may be taken from
ABOUT_INDIVIDUALS_MIN_COUNT = 5

OUTPUT_COLUMNS = [
    "indicator", "region_code", "region_name", "year", "sex", "age_group", "value", "lower",
    "upper", "respondents", "suppressed", "preliminary", "status",
]  # fmt: skip


@dataclass(frozen=True)
class Request:
    boundaries: Boundaries = "time"
    by_sex: bool = False
    by_age: bool = False
    region_codes: tuple[str, ...] | None = None  # None: every district and the city


def _default_regions(con: duckdb.DuckDBPyConnection, boundaries: Boundaries) -> list[str]:
    register = queries.regions(con, ("district", "city"))
    if boundaries == "today":
        register = register[register["valid_to"].isna()]
    return list(register["code"])


def _yearly(rows: pd.DataFrame) -> pd.DataFrame:
    """Months summed to years; a year with fewer than 12 months is a year-to-date value and
    carries the previous year's total for the same months, for a fair comparison."""
    keys = ["region_code", "region_name", "region_kind", "year", "sex", "age_group"]
    monthly = rows[rows["month"] > 0]
    yearly = rows[rows["month"] == 0]
    parts = []
    if not yearly.empty:
        parts.append(
            yearly.assign(n_months=12, last_month=12)[
                [*keys, "total", "weighted", "respondents", "preliminary", "complete",
                 "n_months", "last_month"]
            ]
        )  # fmt: skip
    if not monthly.empty:
        agg = monthly.groupby(keys, as_index=False).agg(
            total=("total", "sum"),
            weighted=("weighted", "sum"),
            respondents=("respondents", "sum"),
            preliminary=("preliminary", "any"),
            complete=("complete", "all"),
            n_months=("month", "nunique"),
            last_month=("month", "max"),
        )
        agg["respondents"] = agg["respondents"].where(agg["respondents"] > 0)
        agg["weighted"] = agg["weighted"].where(agg["respondents"].notna())
        # Same months a year earlier, for year-to-date comparisons.
        partial = agg[agg["n_months"] < 12]
        previous = []
        for row in partial.itertuples(index=False):
            earlier = monthly[
                (monthly["region_code"] == row.region_code)
                & (monthly["year"] == row.year - 1)
                & (monthly["sex"] == row.sex)
                & (monthly["age_group"] == row.age_group)
                & (monthly["month"] <= row.last_month)
            ]
            complete = earlier["month"].nunique() == row.n_months and bool(
                earlier["complete"].all()
            )
            previous.append(earlier["total"].sum() if complete else np.nan)
        agg["ytd_previous"] = np.nan
        agg.loc[partial.index, "ytd_previous"] = previous
        parts.append(agg)
    result = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=keys)
    if "ytd_previous" not in result:
        result["ytd_previous"] = np.nan
    return result


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
    elif definition.type == "rate":
        population = frame["population"].to_numpy(dtype=float)
        with np.errstate(divide="ignore", invalid="ignore"):  # a zero population → missing
            scale = np.where(population > 0, definition.per / population, np.nan)  # type: ignore[operator]
        low, high = stats.poisson_intervals(total)
        value, lower, upper = total * scale, low * scale, high * scale
    else:
        respondents = frame["respondents"].to_numpy(dtype=float)
        weighted = frame["weighted"].to_numpy(dtype=float)
        with np.errstate(invalid="ignore", divide="ignore"):
            value = np.where(respondents > 0, weighted / respondents, total)
        lower, upper = nan, nan
        if definition.type == "share":
            low, high = stats.wilson_intervals(value / 100 * respondents, respondents)
            lower, upper = low * 100, high * 100
    return frame.assign(
        value=np.where(complete, value, np.nan),
        lower=np.where(complete, lower, np.nan),
        upper=np.where(complete, upper, np.nan),
    )


def _suppress(
    definition: Definition, catalogue: Catalogue, frame: pd.DataFrame, request: Request
) -> pd.Series:
    if definition.type in ("count", "rate"):
        about_people = any(catalogue.measures[m].about_individuals for m in definition.measures)
        threshold = definition.suppression.min_count or (
            ABOUT_INDIVIDUALS_MIN_COUNT if about_people else min_count()
        )
        hidden = frame["total"].notna() & (frame["total"] > 0) & (frame["total"] < threshold)
        size = "total"
    else:
        threshold = definition.suppression.min_respondents
        hidden = frame["respondents"].notna() & (frame["respondents"] < threshold)
        size = "respondents"
    hidden = hidden & frame["complete"]
    if request.by_sex:
        hidden = complement(
            frame, hidden, parts=frame["sex"] != "total", totals=frame["sex"] == "total",
            group=["region_code", "year", "age_group"], size=size,
        )  # fmt: skip
    if request.by_age:
        hidden = complement(
            frame, hidden, parts=frame["age_group"] != "all", totals=frame["age_group"] == "all",
            group=["region_code", "year", "sex"], size=size,
        )  # fmt: skip
    hidden = complement(
        frame, hidden, parts=frame["region_kind"] == "district",
        totals=frame["region_code"] == CITY, group=["year", "sex", "age_group"], size=size,
    )  # fmt: skip
    return hidden


def _period_label(row: pd.Series) -> str:
    prel = " prel." if row["preliminary"] else ""
    if row["n_months"] >= 12:
        return f"{int(row['year'])}{prel}"
    last = MONTH_NAMES[int(row["last_month"]) - 1][:3]
    return f"jan–{last} {int(row['year'])}{prel}"


def _point(row: pd.Series, *, ytd_previous: bool = False) -> Point:
    if ytd_previous:
        return Point(
            year=int(row["year"]) - 1,
            value=row["ytd_previous"],
            count=row["ytd_previous"],
            label=f"jan–{MONTH_NAMES[int(row['last_month']) - 1][:3]} {int(row['year']) - 1}",
        )
    value = None if pd.isna(row["value"]) else float(row["value"])
    return Point(
        year=int(row["year"]),
        value=value,
        count=None if pd.isna(row["total"]) else float(row["total"]),
        exposure=None if pd.isna(row.get("population", np.nan)) else float(row["population"]),
        respondents=None if pd.isna(row["respondents"]) else float(row["respondents"]),
        label=_period_label(row),
    )


def _statuses(definition: Definition, frame: pd.DataFrame, district_codes: dict[str, str]) -> None:
    codes = pd.Series("", index=frame.index)
    texts = pd.Series("", index=frame.index)
    previous = pd.Series("", index=frame.index)
    for _, series in frame.groupby(["region_code", "sex", "age_group"], sort=False):
        series = series.sort_values("year")
        points = {i: _point(row) for i, row in series.iterrows()}
        baseline = series[(series["year"] == definition.baseline_year) & series["value"].notna()]
        for i, row in series.iterrows():
            current = points[i]
            if row["n_months"] < 12:
                prior = _point(row, ytd_previous=True) if pd.notna(row["ytd_previous"]) else None
                reference = prior
            else:
                earlier = series[(series["year"] < row["year"]) & series["value"].notna()]
                prior = points[earlier.index[-1]] if not earlier.empty else None
                use_baseline = not baseline.empty and int(baseline["year"].iloc[0]) < row["year"]
                reference = points[baseline.index[0]] if use_baseline else prior
            target = applicable_target(
                definition, int(row["year"]), row["region_code"], CITY, district_codes
            )
            status = assess(definition, current, reference, target)
            codes[i], texts[i] = status.code, status.text
            previous[i] = assess(definition, current, prior, None).code
    frame["status"] = codes
    frame["status_text"] = texts
    frame["status_previous"] = previous


def compute(
    con: duckdb.DuckDBPyConnection,
    definition: Definition,
    catalogue: Catalogue,
    request: Request = Request(),
) -> pd.DataFrame:
    """Values of one indicator for every requested region, year and breakdown.

    Columns: OUTPUT_COLUMNS plus region_kind, numerator, population, population_year,
    n_months, complete, status_text, status_previous.
    """
    codes = list(request.region_codes or _default_regions(con, request.boundaries))
    rows = observation_rows(
        con,
        definition.measures,
        boundaries=request.boundaries,
        by_sex=request.by_sex and "sex" in definition.breakdowns,
        by_age=request.by_age and "age_group" in definition.breakdowns,
        region_codes=codes,
    )
    frame = _yearly(rows)
    if frame.empty:
        return pd.DataFrame(columns=[*OUTPUT_COLUMNS, "status_text"])
    if definition.type == "rate":
        frame = _with_population(con, frame, request, codes)
    else:
        frame = frame.assign(population=np.nan, population_year=np.nan)
    frame = _values(definition, frame.reset_index(drop=True))
    hidden = _suppress(definition, catalogue, frame, request)
    frame["suppressed"] = hidden
    frame.loc[hidden | ~frame["complete"].astype(bool), ["value", "lower", "upper", "total"]] = (
        np.nan
    )
    register = queries.regions(con, ("district",))
    district_codes = dict(zip(register["name"], register["code"], strict=True))
    frame = frame.sort_values(["region_name", "sex", "age_group", "year"]).reset_index(drop=True)
    _statuses(definition, frame, district_codes)
    frame["indicator"] = definition.id
    frame = frame.rename(columns={"total": "numerator"})
    return frame
