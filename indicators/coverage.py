"""What a series covers: the months each source holds per year and region, zeros where a source
that reports every event reported none, the same months of the year before, and rows for the
regions and years with no value (with the reason)."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd

from catalogue.model import Definition
from indicators import disclosure
from indicators.basis import COMPARISON_COLUMNS, MISSING_REASONS, SURVEY_TYPES, Regions, Request
from store import queries
from store.series import Boundaries, observation_rows
from swedish.format import MONTH_NAMES


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


def fill_zeros(
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


def within_lifetimes(frame: pd.DataFrame, regions: Regions, boundaries: Boundaries) -> pd.DataFrame:
    """On the boundaries of the time, a district's year covers only the months it existed:
    Järva's 2023 is July–December, Rinkeby-Kista's January–June (the source's coverage
    otherwise gave both April–December). The months, not the counts, change."""
    if boundaries != "time" or regions.lifetimes is None or frame.empty:
        return frame
    lives = [regions.lifetimes.months_in(str(c), int(y))
             for c, y in zip(frame["region_code"], frame["year"], strict=True)]  # fmt: skip
    first = np.maximum(frame["first_month"].to_numpy(), [f for f, _ in lives])
    last = np.minimum(frame["last_month"].to_numpy(), [t for _, t in lives])
    if (first == frame["first_month"].to_numpy()).all() and (last == frame["last_month"]).all():
        return frame
    return frame.assign(
        first_month=first, last_month=last, n_months=np.maximum(last - first + 1, 0)
    )


def same_months_before(
    con: duckdb.DuckDBPyConnection,
    definition: Definition,
    request: Request,
    frame: pd.DataFrame,
    covered: Coverage | None,
) -> pd.DataFrame:
    """``ytd_previous`` of the rows a year so far that had no event (added by fill_zeros):
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


def with_absent_rows(
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
