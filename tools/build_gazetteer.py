"""Build data/reference/gazetteer.csv: place names inside Stockholm → the district
(stadsdelsområde, 2020–2023 layout) they lie in. Run once when the inputs change:

    python tools/build_gazetteer.py ../shared/data/real/stockholm_boundaries

Inputs (see data/reference/SOURCE.md): the 117 stadsdelar of Stockholm (KTH, CC0; names only,
no district) placed in a district by the centroid of their polygon in the 13 district polygons
(Folkhälsokollen); the 132 small areas (Folkhälsokollen; with their district) for names the 117
lack; the district names themselves; and a short hand-made list of well-known places. Names that
are ordinary words or first names are left out (they would place events wrongly).
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "data" / "reference" / "gazetteer.csv"

# Small-area names that are ordinary Swedish words, first names, parish or statistical names
# nobody writes in an event summary, or places that share their name with other towns.
EXCLUDED = {
    "klara", "jakob", "universitetet", "storkyrkan", "solhem", "sundby", "skrubba", "lunda",
    "orhem", "gustav vasa", "hedvig eleonora", "oscars k:a", "engelbrekts k:a", "kungsholm",
    "norra adolf fredrik", "södra adolf fredrik", "norra johannes", "södra johannes",
    "norra sofia", "södra sofia", "västra katarina", "östra katarina", "västra matteus",
    "östra matteus", "östra s:t göran", "mellersta högalid", "norra högalid", "södra högalid",
    "södra station", "tekniska högskolan", "liseberg", "solberga", "flaten", "eneby",
    "ulvsunda industriområde", "ulvsunda industriomr", "farstanäset", "hansta",
}  # fmt: skip

# Well-known places that are not statistical areas (hand-made, checked on a map).
LANDMARKS = {
    "Sergels torg": "Norrmalm", "T-Centralen": "Norrmalm", "Centralstationen": "Norrmalm",
    "Hötorget": "Norrmalm", "Odenplan": "Norrmalm", "Kungsträdgården": "Norrmalm",
    "Vasastan": "Norrmalm", "Stureplan": "Östermalm", "Karlaplan": "Östermalm",
    "Medborgarplatsen": "Södermalm", "Hornstull": "Södermalm", "Skanstull": "Södermalm",
    "Fridhemsplan": "Kungsholmen", "Globen": "Enskede-Årsta-Vantör",
    "Hjorthagen": "Östermalm", "Värtahamnen": "Östermalm", "Reimersholme": "Södermalm",
    "Långholmen": "Södermalm", "Spånga": "Spånga-Tensta",
}  # fmt: skip

DISTRICT_NAMES = {
    "Spånga-Tensta": "80103", "Hässelby-Vällingby": "80104", "Bromma": "80106",
    "Kungsholmen": "80108", "Norrmalm": "80109", "Östermalm": "80110", "Skarpnäck": "80115",
    "Farsta": "80118", "Skärholmen": "80124", "Rinkeby-Kista": "80125", "Södermalm": "80127",
    "Enskede-Årsta-Vantör": "80128", "Hägersten-Älvsjö": "80129", "Norra innerstaden": "80131",
    "Järva": "80132",
}  # fmt: skip


def _rings(geometry: dict) -> list[list[list[float]]]:
    if geometry["type"] == "Polygon":
        return [geometry["coordinates"][0]]
    return [polygon[0] for polygon in geometry["coordinates"]]


def _inside(point: tuple[float, float], ring: list[list[float]]) -> bool:
    x, y = point
    inside = False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
        if (y1 > y) != (y2 > y) and x < (x2 - x1) * (y - y1) / (y2 - y1) + x1:
            inside = not inside
    return inside


def _centroid(ring: list[list[float]]) -> tuple[float, float]:
    area = cx = cy = 0.0
    for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
        cross = x1 * y2 - x2 * y1
        area += cross
        cx += (x1 + x2) * cross
        cy += (y1 + y2) * cross
    return cx / (3 * area), cy / (3 * area)


def _title(name: str) -> str:
    small = {"i", "och"}
    return " ".join(w if w in small else w.capitalize() for w in name.lower().split(" "))


def main(folder: Path) -> None:
    district_file = folder / "stadsdelsomraden_13_2021_folkhalsokollen.geojson"
    districts = json.loads(district_file.read_text())
    polygons = [(f["properties"]["omr_kod"], _rings(f["geometry"])) for f in districts["features"]]
    rows: dict[str, tuple[str, str]] = {}
    kth = json.loads((folder / "stadsdelar_117_kth_cc0.geojson").read_text())
    for feature in kth["features"]:
        name = _title(feature["properties"]["name"])
        ring = max(_rings(feature["geometry"]), key=len)
        point = _centroid(ring)
        codes = {str(code) for code, rings in polygons if any(_inside(point, r) for r in rings)}
        if len(codes) == 1 and name.casefold() not in EXCLUDED:
            rows[name.casefold()] = (name, codes.pop(), "KTH stadsdelar (CC0), centroid")
    names = {n: c for c, n in ((str(f["properties"]["omr_kod"]), f["properties"]["omr_namn"])
                               for f in districts["features"])}  # fmt: skip
    with (folder / "population_stockholm_small_areas_2021_folkhalsokollen.csv").open() as handle:
        for row in csv.DictReader(handle):
            name = row["omr_namn"]
            if name.casefold() in EXCLUDED or name.casefold() in rows:
                continue
            code = names[row["stadsdelsomrade"]]
            for part in name.split("-"):
                if part.casefold() not in rows and part.casefold() not in EXCLUDED:
                    rows[part.casefold()] = (part, code, "Folkhälsokollen small areas")
    for name, district in LANDMARKS.items():
        rows[name.casefold()] = (name, names[district], "hand-made landmark list")
    for name, code in DISTRICT_NAMES.items():
        rows[name.casefold()] = (name, code, "district name")
    with OUT.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["place", "district_code", "source"])
        for name, code, source in sorted(rows.values(), key=lambda r: r[0].casefold()):
            writer.writerow([name, code, source])
    print(f"{len(rows)} places written to {OUT}")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
