"""Which events and series breaks a chart shows, where on the year axis and what they say."""

from __future__ import annotations

from datetime import date

import pandas as pd

from catalogue.model import Definition
from indicators import timeline


def _definition(**more: object) -> Definition:
    return Definition.model_validate({
        "id": "brott_mot_person", "title": "Anmälda brott mot person",
        "description": "Anmälda brott enligt 3–7 kap.", "areas": ["brottsoffer"],
        "source": "bra_anmalda_brott", "type": "count", "measures": ["bra.brott_mot_person"],
        "unit": "antal", "decimals": 0, "direction": "lower_is_better", "owner": "gemensamt",
        **more,
    })  # fmt: skip


def _events(*rows: dict) -> pd.DataFrame:
    base = {"description": "", "ends_on": None, "regions": [], "indicators": [], "areas": []}
    return pd.DataFrame([{**base, **r} for r in rows])


NAMES = {"80132": "Järva", "80106": "Bromma"}


def test_an_event_concerns_its_districts_and_indicators_only() -> None:
    table = _events(
        {"title": "Ny lokalpolisstation i Rinkeby", "starts_on": date(2023, 3, 3),
         "party": "polis", "regions": ["80132"], "indicators": ["brott_mot_person"]},
        {"title": "Ny fritidsgård", "starts_on": date(2022, 9, 1), "party": "stad",
         "regions": ["80106"], "areas": ["unga"]},
        {"title": "Samverkansöverenskommelse 2024", "starts_on": date(2024, 1, 1),
         "ends_on": date(2027, 12, 31), "party": "gemensamt"},
    )  # fmt: skip
    definition = _definition()
    jarva = timeline.markers(table, definition, "80132", NAMES)
    assert [m.title for m in jarva] == ["Ny lokalpolisstation i Rinkeby",
                                        "Samverkansöverenskommelse 2024"]  # fmt: skip
    assert jarva[0].x == 2023 + 61 / 365
    assert jarva[1].text == (
        "1 januari 2024–31 december 2027: Samverkansöverenskommelse 2024 (gemensamt; hela staden)"
    )
    # The city's chart: only what concerns the whole city; Bromma's: not Järva's event, and
    # not an event about another area.
    assert [m.title for m in timeline.markers(table, definition, "0180", NAMES)] == [
        "Samverkansöverenskommelse 2024"
    ]
    assert [m.title for m in timeline.markers(table, definition, "80106", NAMES)] == [
        "Samverkansöverenskommelse 2024"
    ]
    assert [m.title for m in timeline.markers(table, definition, "80132", NAMES, until=2023)] == [
        "Ny lokalpolisstation i Rinkeby"
    ]


def test_a_series_break_in_the_yaml_is_drawn_like_an_event() -> None:
    definition = _definition(
        breaks=[{"on": "2021-01-01", "title": "BRÅ räknar om brottskoderna",
                 "description": "Jämför inte rakt över 2021."}]
    )  # fmt: skip
    found = timeline.markers(_events(), definition, "80106", NAMES)
    assert len(found) == 1 and found[0].kind == timeline.BREAK and found[0].x == 2021.0
    assert found[0].text == (
        "1 januari 2021: serieavbrott: BRÅ räknar om brottskoderna. Jämför inte rakt över 2021."
    )
