"""Build the demo's example survey and activity files (data/demo/exempel/), deterministically.

    python tools/build_example_surveys.py

No district-level survey results are published as data, so the demo gets EXAMPLE files in the
upload template's layout: every survey and activity measure of the catalogue, several years,
every district of the time, by sex (and for one measure by age band), with realistic
respondent counts. City-wide levels are anchored on real published figures
(shared/data/real/trygghet_surveys/): 10 % feel unsafe out late in the evening (2017, 2020),
9–11 % often worried about crime (2014–2020), 71 % feel safe in the evening (police survey
2023), 13 % refrain from activities and 14,7 % exposed to crimes against the person (NTU).
District differences, sex differences and the Stockholmsenkäten levels are invented. The files
are loaded as example data (batch note and flag "Exempeldata").
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

from openpyxl import Workbook

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from loaders.survey_cells import TEMPLATE_HEADERS

OUT = Path(__file__).resolve().parent.parent / "data" / "demo" / "exempel"
HEADERS = TEMPLATE_HEADERS
COMMENT = "Exempeldata – påhittade värden för demonstration"

# Districts of the time (the survey is taken in spring, before any 1 July merger).
BEFORE_2020 = [
    "Rinkeby-Kista",
    "Spånga-Tensta",
    "Hässelby-Vällingby",
    "Bromma",
    "Kungsholmen",
    "Norrmalm",
    "Östermalm",
    "Södermalm",
    "Enskede-Årsta-Vantör",
    "Skarpnäck",
    "Farsta",
    "Älvsjö",
    "Hägersten-Liljeholmen",
    "Skärholmen",
]
FROM_2020 = [d for d in BEFORE_2020 if d not in ("Älvsjö", "Hägersten-Liljeholmen")] + [
    "Hägersten-Älvsjö"
]
FROM_2023 = [
    d for d in FROM_2020 if d not in ("Rinkeby-Kista", "Spånga-Tensta", "Norrmalm", "Östermalm")
] + ["Järva", "Norra innerstaden"]
# How much more insecurity than the city a district reports (invented, stable over time).
LEVEL = {
    "Rinkeby-Kista": 1.9,
    "Spånga-Tensta": 2.0,
    "Järva": 1.95,
    "Skärholmen": 1.6,
    "Hässelby-Vällingby": 1.2,
    "Farsta": 1.2,
    "Enskede-Årsta-Vantör": 1.1,
    "Skarpnäck": 1.0,
    "Hägersten-Liljeholmen": 0.9,
    "Älvsjö": 0.8,
    "Hägersten-Älvsjö": 0.85,
    "Södermalm": 0.9,
    "Norrmalm": 0.9,
    "Östermalm": 0.65,
    "Norra innerstaden": 0.8,
    "Kungsholmen": 0.75,
    "Bromma": 0.65,
}


def districts(year: int) -> list[str]:
    if year < 2020:
        return BEFORE_2020
    return FROM_2020 if year < 2023 else FROM_2023


def share_rows(
    rng: random.Random,
    measure: str,
    anchors: dict[int, float],
    respondents: int,
    *,
    higher_is_better: bool = False,
    ages: bool = False,
    women: float = 1.35,
) -> list[list[object]]:
    rows: list[list[object]] = []
    for year, city in anchors.items():
        names = districts(year)
        weights = [LEVEL[d] for d in names]
        sizes = [int(respondents * rng.uniform(0.8, 1.2)) for _ in names]
        mean_level = sum(w * n for w, n in zip(weights, sizes, strict=True)) / sum(sizes)
        city_rows = {"total": [0.0, 0], "female": [0.0, 0], "male": [0.0, 0]}
        for name, level, n in zip(names, weights, sizes, strict=True):
            if higher_is_better:
                base = 100 - (100 - city) * level / mean_level
            else:
                base = city * level / mean_level
            base = min(max(base + rng.gauss(0, 0.6), 0.5), 99.0)
            n_f = int(n * rng.uniform(0.5, 0.56))
            n_m = n - n_f
            gap = (women - 1) * (base if not higher_is_better else 100 - base)
            female = base + gap * (n_m / n) * (-1 if higher_is_better else 1)
            male = (base * n - female * n_f) / n_m
            for sex, value, size in (
                ("Alla", base, n),
                ("Kvinnor", female, n_f),
                ("Män", male, n_m),
            ):
                rows.append(
                    [name, year, measure, sex, "Alla", round(value, 1), size, None, COMMENT]
                )
                key = {"Alla": "total", "Kvinnor": "female", "Män": "male"}[sex]
                city_rows[key][0] += round(value, 1) * size
                city_rows[key][1] += size
            if ages:
                bands = [("16–29", 1.25), ("30–44", 1.0), ("45–64", 0.9), ("65–84", 0.95)]
                for band, factor in bands:
                    size = n // 4
                    rows.append(
                        [
                            name,
                            year,
                            measure,
                            "Alla",
                            band,
                            round(min(base * factor, 99.0), 1),
                            size,
                            None,
                            COMMENT,
                        ]
                    )
        for sex, key in (("Alla", "total"), ("Kvinnor", "female"), ("Män", "male")):
            total, size = city_rows[key]
            rows.append(
                [
                    "Hela staden",
                    year,
                    measure,
                    sex,
                    "Alla",
                    round(total / size, 1),
                    size,
                    None,
                    COMMENT,
                ]
            )
    return rows


def count_rows(
    rng: random.Random, measure: str, years: list[int], low: int, high: int
) -> list[list[object]]:
    rows: list[list[object]] = []
    for year in years:
        total = 0
        for name in districts(year):
            value = max(0, int(rng.uniform(low, high) * LEVEL[name]))
            total += value
            rows.append([name, year, measure, "Alla", "Alla", None, None, value, COMMENT])
        rows.append(["Hela staden", year, measure, "Alla", "Alla", None, None, total, COMMENT])
    return rows


def write(name: str, rows: list[list[object]]) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Data"
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    OUT.mkdir(parents=True, exist_ok=True)
    workbook.save(OUT / name)
    print(f"{name}: {len(rows)} rows")


def main() -> None:
    rng = random.Random(2024)
    write(
        "exempel_stads_trygghetsmatning.xlsx",
        share_rows(
            rng,
            "Otrygg ute ensam sent en kväll i det egna området",
            {2017: 10.0, 2020: 10.0, 2023: 11.0},
            1100,
            ages=True,
        )
        + share_rows(
            rng, "Ofta orolig för att utsättas för brott", {2017: 11.0, 2020: 9.0, 2023: 9.5}, 1100
        )
        + share_rows(
            rng,
            "Utsatt för brott mot person senaste 12 månaderna",
            {2017: 14.7, 2020: 13.5, 2023: 14.0},
            1100,
            women=1.05,
        )
        + share_rows(
            rng,
            "Avstår från aktiviteter av oro för brott",
            {2017: 13.0, 2020: 12.5, 2023: 13.5},
            1100,
        ),
    )
    write(
        "exempel_polisens_trygghetsmatning.xlsx",
        share_rows(
            rng,
            "Mycket eller ganska trygg kvällstid i området (polisens mätning)",
            {2021: 70.0, 2022: 70.5, 2023: 71.0, 2024: 71.5},
            1500,
            higher_is_better=True,
        )
        + share_rows(
            rng,
            "Problemindex 0–6 (polisens mätning)",
            {2021: 2.2, 2022: 2.1, 2023: 2.1, 2024: 2.0},
            1500,
            women=1.1,
        ),
    )
    write(
        "exempel_stockholmsenkaten.xlsx",
        share_rows(
            rng,
            "Elever som använt hot eller våld (självrapporterat)",
            {2022: 8.0, 2024: 7.5},
            700,
            women=0.6,
        )
        + share_rows(
            rng, "Elever som burit vapen (självrapporterat)", {2022: 5.0, 2024: 5.5}, 700, women=0.4
        )
        + share_rows(rng, "Elever oroliga för brott i skolan", {2022: 12.0, 2024: 13.0}, 700)
        + share_rows(
            rng, "Elever som utsatts för misshandel", {2022: 7.0, 2024: 6.5}, 700, women=0.8
        )
        + share_rows(
            rng,
            "Elever som kontaktats för att begå brott mot betalning",
            {2022: 3.5, 2024: 4.5},
            700,
            women=0.5,
        ),
    )
    write(
        "exempel_aktivitetsdata.xlsx",
        count_rows(rng, "Genomförda trygghetsvandringar", [2022, 2023, 2024], 4, 12)
        + count_rows(
            rng, "Personer som fått stöd att lämna kriminella nätverk", [2022, 2023, 2024], 0, 8
        )
        + count_rows(rng, "Orosanmälningar om barn utsatta för våld", [2022, 2023, 2024], 30, 90),
    )


if __name__ == "__main__":
    main()
