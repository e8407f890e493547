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

from catalogue.catalogue import Catalogue
from catalogue.model import Definition
from indicators import stats
from indicators.format import MONTH_NAMES
from indicators.status import Point, applicable_target, assess
from indicators.suppression import complement, min_count
from store import queries
from store.series import Boundaries, population_rows, yearly_rows

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


@dataclass(frozen=True)
class Regions:
    """What compute needs of the register, read once for many indicators."""

    today: tuple[str, ...]  # districts of today
    all: tuple[str, ...]  # every district that ever was
    municipalities: tuple[str, ...]  # every municipality but Stockholm
    district_codes: dict[str, str]  # district name → code, for target scopes
    names: dict[str, tuple[str, str]]  # code → (name, kind)

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


def _fill_zeros(frame: pd.DataFrame, codes: list[str], regions: Regions) -> pd.DataFrame:
    """Add a 0 for every requested region and year the source covers but the region has no
    row for (only for sources that list every event). Only totals, not breakdowns."""
    years = frame.groupby("year").agg(n_months=("n_months", "max"), last_month=("last_month",
                                      "max"), preliminary=("preliminary", "any"))  # fmt: skip
    present = set(zip(frame["region_code"], frame["year"], strict=True))
    names = regions.names
    rows = []
    for code in codes:
        for year, info in years.iterrows():
            if (code, year) not in present and code in names:
                rows.append({
                    "region_code": code, "region_name": names[code][0],
                    "region_kind": names[code][1], "year": year, "sex": "total",
                    "age_group": "all", "total": 0.0, "weighted": np.nan, "respondents": np.nan,
                    "preliminary": bool(info["preliminary"]), "example": False,
                    "complete": True, "n_parts": 1,
                    "n_months": int(info["n_months"]), "last_month": int(info["last_month"]),
                    "ytd_previous": np.nan,
                })  # fmt: skip
    if not rows:
        return frame
    return pd.concat([frame, pd.DataFrame(rows)], ignore_index=True)


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


def _suppress(
    definition: Definition, catalogue: Catalogue, frame: pd.DataFrame, request: Request
) -> pd.Series:
    if definition.type == "published_rate":
        return pd.Series(False, index=frame.index)  # a published rate reveals no count
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


def _number(row: dict[str, object], key: str) -> float | None:
    value = row.get(key)
    if value is None or pd.isna(value):  # type: ignore[arg-type]
        return None
    return float(value)  # type: ignore[arg-type]


def _period_label(row: dict[str, object], year_offset: int = 0) -> str:
    year = int(row["year"]) + year_offset  # type: ignore[call-overload]
    prel = " prel." if row["preliminary"] and not year_offset else ""
    if int(row["n_months"]) >= 12:  # type: ignore[call-overload]
        return f"{year}{prel}"
    last = MONTH_NAMES[int(row["last_month"]) - 1][:3]  # type: ignore[call-overload]
    return f"jan–{last} {year}{prel}"


def point_from_row(row: dict[str, object]) -> Point:
    """The Point the status tests need, from one computed row (also used by the report): the
    count is ``total`` inside ``compute`` and ``numerator`` in what it returns."""
    return Point(
        year=int(row["year"]),  # type: ignore[call-overload]
        value=_number(row, "value"),
        count=_number(row, "total" if "total" in row else "numerator"),
        exposure=_number(row, "population"),
        respondents=_number(row, "respondents"),
        label=_period_label(row),
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
        label=_period_label(row, year_offset=-1),
    )


def _statuses(definition: Definition, frame: pd.DataFrame, regions: Regions) -> None:
    """Status against the target (else the baseline) and against the previous period."""
    records = frame.to_dict("records")
    codes, texts, previous = [""] * len(records), [""] * len(records), [""] * len(records)
    series: dict[tuple[object, ...], list[int]] = {}
    for i, row in enumerate(records):
        series.setdefault((row["region_code"], row["sex"], row["age_group"]), []).append(i)
    for indices in series.values():
        indices.sort(key=lambda i: int(records[i]["year"]))  # type: ignore[call-overload]
        points = {i: point_from_row(records[i]) for i in indices}
        baseline = next(
            (i for i in indices
             if points[i].year == definition.baseline_year and points[i].value is not None),
            None,
        )  # fmt: skip
        last_with_value: int | None = None
        for i in indices:
            row, current = records[i], points[i]
            if int(row["n_months"]) < 12:  # type: ignore[call-overload]
                prior = reference = _ytd_previous_point(row)
            else:
                prior = points[last_with_value] if last_with_value is not None else None
                use_baseline = baseline is not None and points[baseline].year < current.year
                reference = points[baseline] if use_baseline else prior  # type: ignore[index]
            target = applicable_target(
                definition, current.year, str(row["region_code"]), CITY, regions.district_codes
            )
            status = assess(definition, current, reference, target)
            codes[i], texts[i] = status.code, status.text
            previous[i] = assess(definition, current, prior, None).code
            if current.value is not None:
                last_with_value = i
    frame["status"] = codes
    frame["status_text"] = texts
    frame["status_previous"] = previous


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
    )
    if frame.empty:
        return pd.DataFrame(columns=[*OUTPUT_COLUMNS, "status_text"])
    if definition.absent_is_zero:
        frame = _fill_zeros(frame, codes, regions)
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
    frame = frame.sort_values(["region_name", "sex", "age_group", "year"]).reset_index(drop=True)
    _statuses(definition, frame, regions)
    frame["indicator"] = definition.id
    return frame.rename(columns={"total": "numerator"})


def compute_all(
    con: duckdb.DuckDBPyConnection, catalogue: Catalogue, request: Request = Request()
) -> dict[str, pd.DataFrame]:
    """Every indicator of the catalogue, with the register read once."""
    regions = Regions.from_store(con)
    present = queries.measures_with_data(con)
    empty = pd.DataFrame(columns=[*OUTPUT_COLUMNS, "status_text"])
    return {
        indicator: compute(con, definition, catalogue, request, regions)
        if present & set(definition.measures)
        else empty.copy()
        for indicator, definition in catalogue.definitions.items()
    }
