""" "Vad drev förändringen?": an indicator's change between two years split into its parts
(districts, crime categories or event types, women and men, age groups), as bars with their
intervals and a table; shown on the Indikator and Stadsdelsområde pages. The split and its
rules live in ``indicators.drivers``; this renders what ``service.views`` gives."""

from __future__ import annotations

import streamlit as st

from app_pages import charts, tables
from service import drivers, indicator_values


def show(indicator: str, region_code: str, key: str) -> None:
    """The section for ``indicator`` in ``region_code`` (the city: split over districts
    first). ``key`` keeps the widgets of two pages apart."""
    definition = indicator_values.catalogue().definitions[indicator]
    choices = drivers.driver_choices(indicator, city=region_code == indicator_values.CITY)
    st.subheader("Vad drev förändringen?")
    if not choices:
        st.caption(
            f"{definition.title} kan inte delas upp: den är ett enda mått utan delar och "
            "finns inte per kön eller åldersgrupp."
        )
        return
    years = drivers.driver_years(indicator_values.values(indicator, "today"))
    if len(years) < 2:
        st.caption("Det behövs värden för två år för att dela upp en förändring.")
        return
    left, middle, right = st.columns(3)
    start = left.selectbox("Från år", years[:-1][::-1], key=f"{key}_drivers_from")
    end = middle.selectbox(
        "Till år", [y for y in years[::-1] if y > start], key=f"{key}_drivers_to"
    )
    by = right.selectbox(
        "Dela upp på", list(choices), format_func=choices.get, key=f"{key}_drivers_by"
    )
    split = drivers.drivers(indicator, int(start), int(end), region_code, by)
    if isinstance(split, str):
        st.info(split)
        return
    example = indicator_values.example_note(indicator_values.values(indicator, "today")) is not None
    st.plotly_chart(charts.drivers_chart(definition, split, example), key=f"{key}_drivers_chart")
    tables.table(drivers.driver_table(definition, split), hide_index=True, key=f"{key}_drivers")
    for note in drivers.driver_notes(split):
        st.caption(note)
