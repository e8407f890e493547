"""The view models pages lay out (issue 35): built in the service from frames, so what a
page shows is decided, and tested, below it."""

from __future__ import annotations

import math

import pandas as pd

from catalogue.catalogue import load_catalogue
from service import indicator_view
from service.overview import latest_area_comment

CITY, FARSTA, JARVA = "0180", "80118", "80132"


def _row(code: str, kind: str, name: str, year: int, value: float, **extra: object) -> dict:
    return {
        "region_code": code, "region_kind": kind, "region_name": name, "year": year,
        "sex": "total", "age_group": "all", "value": value, "lower": value - 2,
        "upper": value + 2, "suppressed": False, "preliminary": False, "example": False,
        "respondents": 400.0, "status_text": "oförändrat", "population_year": year,
        **extra,
    }  # fmt: skip


def _frame() -> pd.DataFrame:
    return pd.DataFrame(
        [
            _row(FARSTA, "district", "Farsta", 2023, 12.5),
            _row(FARSTA, "district", "Farsta", 2024, 14.0, preliminary=True),
            _row(JARVA, "district", "Järva", 2023, 20.0, suppressed=True),
            _row(JARVA, "district", "Järva", 2024, math.nan, population_year=2023),
            _row(CITY, "city", "Stockholms stad", 2023, 15.25),
            _row(CITY, "city", "Stockholms stad", 2024, 16.0),
            {**_row(FARSTA, "district", "Farsta", 2024, 99.0), "sex": "female"},
        ]
    )


def test_the_indicator_page_says_what_its_figures_are() -> None:
    view = indicator_view.indicator_view(_frame())
    assert list(view.districts["region_name"].unique()) == ["Farsta", "Järva"]
    assert list(view.city["year"]) == [2023, 2024]
    assert view.latest_year == 2024  # Farsta has a value in 2024
    assert view.notes == [
        "Preliminära siffror för 2024 (öppna ringar).",
        "Vissa år använder befolkningen från ett tidigare år (närmast tidigare, högst två år "
        "bakåt).",
    ]
    definition = load_catalogue().definitions["barn_utsatta_misshandel"]
    table = indicator_view.figures_table(definition, view.totals)
    farsta_2023 = table.iloc[0]
    assert farsta_2023["procent av eleverna"] == "12,5\u00a0%"
    assert farsta_2023["Osäkerhet (95 %)"] == "10,5\u00a0%–14,5\u00a0%"
    assert farsta_2023["Antal svarande"] == "400"
    assert list(table["Preliminärt"]) == ["", "ja", "", "", "", ""]
    assert table.iloc[2]["procent av eleverna"] == "skyddat"  # Järva 2023, protected


def test_small_multiples_draw_the_city_on_the_same_scale_only_for_rates_and_shares() -> None:
    catalogue = load_catalogue()
    view = indicator_view.indicator_view(_frame())
    share = indicator_view.multiples(catalogue.definitions["barn_utsatta_misshandel"], view)
    assert [(p.name, p.code) for p in share.panels] == [("Farsta", FARSTA), ("Järva", JARVA)]
    assert share.show_city and share.top == 22.0  # Järva's 2023 upper bound
    count = indicator_view.multiples(catalogue.definitions["brott_mot_person"], view)
    assert not count.show_city and count.top == 22.0


def test_an_areas_situation_picture_is_its_newest_for_the_area_as_a_whole() -> None:
    comments = pd.DataFrame(
        [
            {"area": "unga", "indicator": None, "year": 2023, "written_by": "A", "text": "Äldre"},
            {"area": "unga", "indicator": None, "year": 2024, "written_by": "B", "text": "Nyast"},
            {"area": "unga", "indicator": "brott_mot_person", "year": 2025, "written_by": "C",
             "text": "Om en indikator"},
            {"area": "platser", "indicator": None, "year": 2026, "written_by": "D", "text": "X"},
        ]
    )  # fmt: skip
    latest = latest_area_comment(comments, "unga")
    assert latest is not None and (latest["year"], latest["text"]) == (2024, "Nyast")
    assert latest_area_comment(comments, "systemhot") is None
    assert latest_area_comment(comments.iloc[0:0], "unga") is None
