"""Which values are protected and how: the count threshold of a definition, the disclosure family
and decision of a measure (a crime category with its parts), and the suppression of a computed
frame, a year so far included."""

from __future__ import annotations

import duckdb
import pandas as pd

from catalogue.catalogue import Catalogue
from catalogue.model import Definition
from indicators import disclosure
from indicators.basis import ABOUT_INDIVIDUALS_MIN_COUNT, MONTHLY_OUTPUT_SOURCE, Regions, Request
from indicators.coverage import Coverage
from indicators.suppression import min_count
from store import reference_data


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
    source = reference_data.measure_source(con, measure)
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


def suppress(
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


def ytd_hidden(
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
