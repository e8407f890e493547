"""What every step of a computation shares: the request (boundaries, breakdowns), the regions it
covers, the city's code, the output's columns and the reasons a value is missing."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd

from catalogue.model import Definition
from store import reference_data
from store.regions import RegionLifetimes
from store.series import Boundaries

CITY = "0180"


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
        register = reference_data.regions(con, ("district", "municipality", "city"))
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
            today_of=dict(reference_data.today_region_map(con).itertuples(index=False, name=None)),
            published=reference_data.published_sources(con),
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


def records(frame: pd.DataFrame, fields: tuple[str, ...] | None = None) -> list[dict]:
    """``frame.to_dict("records")``, the same values and types, built column by column: pandas
    boxes each value of a text column one by one (about twice as slow, issue 33). ``fields``:
    only those of the columns (the ones a caller reads)."""
    columns = list(frame.columns) if fields is None else [c for c in fields if c in frame]
    values = [frame[c].tolist() for c in columns]
    return [dict(zip(columns, row, strict=True)) for row in zip(*values, strict=True)]


# The columns that say what a verdict compares with, and the change it tested. The status
# uses the main comparison; the one with the period before is shown beside it, labelled.
COMPARISON_COLUMNS = {
    "compared_with": "", "reference_period": "", "reference_value": np.nan,
    "target_year": np.nan,  # the year of the target the status judged, if it judged one
    "change": np.nan, "change_test": "",
    "previous_compared_with": "", "previous_period": "", "previous_value": np.nan,
    "previous_change": np.nan, "previous_test": "",
}  # fmt: skip
