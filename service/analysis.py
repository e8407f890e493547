"""Indicator use cases of the command line: check the catalogue against the region register,
and an indicator's values for a region on either boundaries."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import duckdb
import pandas as pd

from catalogue.catalogue import CATALOGUE_DIR, Catalogue, load_catalogue
from catalogue.model import Definition
from indicators.basis import OUTPUT_COLUMNS, Request
from indicators.change_parts import BY, COLUMNS, Drivers, DriversError
from indicators.compute import compute
from indicators.drivers import split
from service.session import open_store
from store import reference_data
from store.db import StoreError
from store.regions import RegionResolver, UnknownRegionError

__all__ = [
    "BY",
    "CATALOGUE_DIR",
    "COLUMNS",
    "OUTPUT_COLUMNS",
    "Catalogue",
    "Definition",
    "DriversError",
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
            mapping = dict(reference_data.today_region_map(con).itertuples(index=False, name=None))
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

# The columns of an indicator's values as ``python -m indicators values`` and the open data's
# CSV give them, and how each cell is written there.
VALUE_COLUMNS = [
    *OUTPUT_COLUMNS, "compared_with", "reference_period", "reference_value", "change",
    "change_test",
]  # fmt: skip


def cell_text(value: object) -> str:
    """A value of a row in a CSV: empty for none, true/false, six significant digits."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:.6g}" if abs(value) < 1e6 else f"{value:.0f}"
    return str(value)


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
    """What drove the change of ``definition`` from ``start`` to ``end``
    (indicators.drivers.split); ``region`` by name or code, as a district of today."""
    code = CITY
    if region:
        resolver = RegionResolver.from_store(con)
        found = resolver.by_code(region) or resolver.resolve(region).region.code
        mapping = dict(reference_data.today_region_map(con).itertuples(index=False, name=None))
        code = mapping.get(found, found)
    return split(con, definition, catalogue, start=start, end=end, region_code=code, by=by,
                 values_of=values_of)  # fmt: skip
