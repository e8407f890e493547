"""The districts' outlines for the map (GeoJSON of the register's boundaries)."""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import pandas as pd

from catalogue.model import Definition
from service import session
from service.indicator_values import fmt_value, missing_reason, region_names
from service.readmodel import view


@view(max_entries=1)
def district_geojson() -> dict:
    """Today's eleven districts (bundled; drawn without any request to another host)."""
    import json

    path = (
        session.PROJECT_ROOT
        / "data"
        / "reference"
        / "stadsdelsomraden_11_2024_folkhalsokollen.geojson"
    )
    return json.loads(path.read_text(encoding="utf-8"))


@view(max_entries=1)
def district_outlines() -> dict[str, tuple[list, list, tuple[float, float]]]:
    """Each of today's districts as a drawable outline: x (longitude) and y (latitude) with
    ``None`` between the parts, and a point to put its label at (the centre of its largest
    part). Drawn as filled lines on plain axes: no map tiles, no base layer from another
    host (Plotly's geo maps fetch one from cdn.plot.ly)."""
    outlines: dict[str, tuple[list, list, tuple[float, float]]] = {}
    for feature in district_geojson()["features"]:
        geometry = feature["geometry"]
        parts = (
            geometry["coordinates"]
            if geometry["type"] == "MultiPolygon"
            else [geometry["coordinates"]]
        )
        xs: list = []
        ys: list = []
        biggest = (0.0, (0.0, 0.0))
        for polygon in parts:
            ring = polygon[0]  # the outer ring (the bundled districts have no holes)
            xs += [p[0] for p in ring] + [None]
            ys += [p[1] for p in ring] + [None]
            area, centre = _ring_centre(ring)
            if area > biggest[0]:
                biggest = (area, centre)
        code = str(feature["properties"]["omr_kod"])
        outlines[code] = (xs[:-1], ys[:-1], biggest[1])
    return outlines


def _ring_centre(ring: list) -> tuple[float, tuple[float, float]]:
    """The area and centroid of a closed ring (shoelace formula)."""
    area = cx = cy = 0.0
    for (x0, y0), (x1, y1) in itertools.pairwise(ring):
        cross = x0 * y1 - x1 * y0
        area += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    if area == 0:
        return 0.0, (ring[0][0], ring[0][1])
    return abs(area) / 2, (cx / (3 * area), cy / (3 * area))


LEGENDS = {"skyddat": "Skyddat: små tal visas inte", "saknas": "Inga uppgifter"}


@dataclass(frozen=True)
class MapCell:
    """One of today's districts on the map: its outline, what it shows and how."""

    code: str
    name: str
    xs: list
    ys: list
    centre: tuple[float, float]
    kind: str  # "värde", "skyddat" (a protected value) or "saknas" (no value)
    text: str  # the value as the definition writes it, or why there is none
    hover: str
    position: float | None  # where the value lies between the lowest and highest shown (0–1)


@dataclass(frozen=True)
class MapView:
    cells: list[MapCell]
    low: float  # the lowest and highest value shown (the colour scale's ends)
    high: float
    any_shown: bool
    example: bool  # an invented value among them (the demo)


def district_map(definition: Definition, current: pd.DataFrame, year: int) -> MapView:
    """Today's districts with the indicator's value in ``year`` (``current``: columns
    region_code, region_name, value, suppressed and optionally example and missing_reason):
    a protected value is said as such, a missing one with its reason."""
    rows = {str(r["region_code"]): r for r in current.to_dict("records")}
    shown = [
        float(r["value"])
        for r in rows.values()
        if not r.get("suppressed") and _known(r.get("value"))
    ]
    low, high = (min(shown), max(shown)) if shown else (0.0, 1.0)
    span = (high - low) or 1.0
    names = region_names()
    cells = []
    for code, (xs, ys, centre) in district_outlines().items():
        row = rows.get(code)
        name = str(row["region_name"]) if row else names.get(code, code)
        position = None
        if row is not None and bool(row.get("suppressed")):
            kind, text, hover = "skyddat", "skyddat (små tal)", f"{name}: skyddat (små tal)"
        elif row is None or not _known(row.get("value")):
            kind, text = "saknas", "inga uppgifter"
            reason = missing_reason((row or {}).get("missing_reason"), f"ingen uppgift för {year}")
            hover = f"{name}: {text}" + (f" ({reason})" if reason else "")
        else:
            value = float(row["value"])
            kind, text = "värde", fmt_value(definition, value)
            hover, position = f"{name}: {text}", (value - low) / span
        cells.append(MapCell(code, name, xs, ys, centre, kind, text, hover, position))
    example = "example" in current and bool(current["example"].fillna(False).astype(bool).any())
    return MapView(cells, low, high, bool(shown), example)


def _known(value: object) -> bool:
    return value is not None and not (isinstance(value, float) and math.isnan(value))
