"""Indicator use cases of the command line: check the catalogue against the region register,
and an indicator's values for a region on either boundaries."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import duckdb
import pandas as pd

from catalogue.catalogue import CATALOGUE_DIR, Catalogue, load_catalogue
from catalogue.model import Definition
from indicators.compute import OUTPUT_COLUMNS, Request, compute
from indicators.drivers import Drivers, DriversError, by_group, by_measure
from indicators.drivers import by_region as split_by_region
from loaders.reference import open_store
from store import queries
from store.db import StoreError
from store.regions import RegionResolver, UnknownRegionError

__all__ = [
    "CATALOGUE_DIR",
    "OUTPUT_COLUMNS",
    "StoreError",
    "UnknownRegionError",
    "load_catalogue",
]


def known_region_checker() -> Callable[[str], bool]:
    """Whether a target's scope names a district of the register (by code or name)."""
    con = open_store(":memory:")
    resolver = RegionResolver.from_store(con)
    con.close()

    def known(name: str) -> bool:
        if resolver.by_code(name):
            return True
        try:
            return resolver.resolve(name).region.kind == "district"
        except UnknownRegionError:
            return False

    return known


def check(root: Path | None = None) -> Catalogue:
    return load_catalogue(root or CATALOGUE_DIR, known_region=known_region_checker())


def values(
    con: duckdb.DuckDBPyConnection,
    definition: Definition,
    catalogue: Catalogue,
    *,
    region: str | None,
    boundaries: str,
    by_sex: bool = False,
    by_age: bool = False,
) -> pd.DataFrame:
    """An indicator's values; ``region`` by name or code (UnknownRegionError otherwise). On
    today's boundaries a district of the time is shown as the district it became part of."""
    codes = None
    if region:
        found = RegionResolver.from_store(con).resolve(region).region
        codes = (found.code,)
        if boundaries == "today":
            mapping = dict(queries.today_region_map(con).itertuples(index=False, name=None))
            codes = (mapping.get(found.code, found.code),)
    request = Request(
        boundaries=boundaries,  # type: ignore[arg-type]
        by_sex=by_sex,
        by_age=by_age,
        region_codes=codes,
        with_missing=True,
    )
    return compute(con, definition, catalogue, request)


CITY = "0180"


def drivers(
    con: duckdb.DuckDBPyConnection,
    definition: Definition,
    catalogue: Catalogue,
    *,
    start: int,
    end: int,
    region: str | None = None,
    by: str | None = None,
    values_of: Callable[[Definition, Request], pd.DataFrame] | None = None,
) -> Drivers:
    """What drove the change of ``definition`` from ``start`` to ``end`` (indicators.drivers):
    for the city split over its districts (the default), for a district over its crime
    categories or event types (the default with ``region``), or over women and men or age
    groups. ``values_of`` computes an indicator's values (the stored results on a page)."""
    compute_values = values_of or (lambda d, r: compute(con, d, catalogue, r))
    code = CITY
    if region:
        resolver = RegionResolver.from_store(con)
        found = resolver.by_code(region) or resolver.resolve(region).region.code
        mapping = dict(queries.today_region_map(con).itertuples(index=False, name=None))
        code = mapping.get(found, found)
    by = by or ("region" if code == CITY else "measure")
    if by == "region":
        if code != CITY:
            raise DriversError(
                "--by region splits the city's change: leave out --region",
                "Uppdelningen på stadsdelsområden gäller hela staden.",
            )
        frame = compute_values(definition, Request(boundaries="today", with_missing=True))
        return split_by_region(definition, frame, start, end, CITY)
    request = Request(boundaries="today", region_codes=(code,), with_missing=True)
    if by in ("sex", "age_group"):
        frame = compute_values(
            definition, replace(request, by_sex=by == "sex", by_age=by == "age_group")
        )
        return by_group(definition, frame, start, end, by, code)
    parts = measure_parts(definition, catalogue)
    if not parts:
        raise DriversError(
            f"{definition.id} has one measure with no parts: nothing to split by measure",
            f"{definition.title} har ingen uppdelning på brottstyper eller händelsetyper.",
        )
    frames = [
        (measure, title, parent, compute_values(_one_measure(definition, measure), request))
        for measure, title, parent in parts
    ]
    rest = len(definition.measures) == 1
    return by_measure(definition, compute_values(definition, request), frames, start, end, code,
                      rest)  # fmt: skip


def measure_parts(
    definition: Definition, catalogue: Catalogue
) -> list[tuple[str, str, str | None]]:
    """The measures a change splits into: (measure, title, parent or None), a "därav" line
    after its parent. Several measures: each; one: the measures that are part of it."""
    measures = catalogue.measures
    if len(definition.measures) > 1:
        return [(m, measures[m].title, None) for m in definition.measures]
    whole = definition.measures[0]
    parts: list[tuple[str, str, str | None]] = []
    for child in sorted(
        (m for m in measures.values() if m.part_of == whole), key=lambda m: m.title
    ):
        parts.append((child.id, child.title, None))
        parts += [(m.id, m.title, child.id) for m in measures.values() if m.part_of == child.id]
    return parts


def _one_measure(definition: Definition, measure: str) -> Definition:
    """The definition counting one of its parts alone (same type, unit and small-number
    rule)."""
    return definition.model_copy(
        update={"id": f"{definition.id}.{measure}", "measures": [measure], "targets": []}
    )
