"""The districts' outlines for the map (GeoJSON of the register's boundaries)."""

from __future__ import annotations

import itertools

from service import session
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
