"""Händelser: dated events drawn on the time axis of the charts they concern ("Ny
lokalpolisstation i Rinkeby", "Skolenkäten bytte frågeformulering"), added and removed by a
rapportör (own districts) or an administratör; every change through ``service.events``
(role, rules, one transaction, audit entry)."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from app_pages import signin, state, tables, views
from app_pages.meetings import no_writes_in_meeting
from service import events, indicator_values
from service.writes import PermissionDenied, Principal, RuleBroken, may
from swedish.format import date_text

st.title("Händelser på tidsaxeln")
st.caption(
    "Händelser som kan förklara en förändring visas som en markering på varje diagram de "
    "gäller, med texten när man pekar på den, och i listan under diagrammet, i "
    "årssammanställningen och i mötespaketen."
)
catalogue = indicator_values.catalogue()
regions = {
    n: c for n, c in indicator_values.district_options().items() if c != indicator_values.CITY
}
region_name = {c: n for n, c in regions.items()}
indicator_titles = {
    i: d.title for i, d in sorted(catalogue.definitions.items(), key=lambda x: x[1].title)
}
area_titles = dict(catalogue.areas())
viewer = signin.principal() or Principal("demo", "administratör")

views.saved_message("handelser_klart")

table = events.timeline_events()
st.header("Alla händelser")
if table.empty:
    st.caption("Inga händelser ännu.")
else:
    tables.table(
        pd.DataFrame(
            {
                "Datum": [
                    date_text(pd.Timestamp(s).date())
                    + ("" if pd.isna(e) or e is None else f"–{date_text(pd.Timestamp(e).date())}")
                    for s, e in zip(table["starts_on"], table["ends_on"], strict=True)
                ],
                "Händelse": table["title"],
                "Beskrivning": table["description"],
                "Vem": [events.PARTIES[p] for p in table["party"]],
                "Gäller": [
                    ", ".join(region_name.get(c, c) for c in codes) or "hela staden"
                    for codes in table["regions"]
                ],
                "Indikatorer och områden": [
                    ", ".join(
                        [indicator_titles.get(i, i) for i in inds]
                        + [area_titles.get(a, a) for a in ars]
                    )
                    or "alla"
                    for inds, ars in zip(table["indicators"], table["areas"], strict=True)
                ],
                "Tillagd av": [
                    f"{views.plain(b)} {pd.Timestamp(t):%Y-%m-%d}"
                    for b, t in zip(table["created_by"], table["created_at"], strict=True)
                ],
            }
        ),
        hide_index=True,
        key="events_table",
    )

if not may(viewer, "events", [] if viewer.city_wide else list(viewer.districts)):
    st.info("Din roll kan se händelser men inte lägga till dem.")
    st.stop()
no_writes_in_meeting("lägga till eller ta bort händelser")

st.header("Lägg till en händelse")
own = [n for n, c in regions.items() if may(viewer, "events", [c])]
if viewer.districts and not viewer.city_wide:
    st.caption(f"Du kan lägga till händelser för: {', '.join(own)}.")
with st.form("new_event", clear_on_submit=True):
    title = st.text_input(
        "Rubrik",
        max_chars=200,
        placeholder="T.ex. Ny lokalpolisstation i Rinkeby",
        key="event_title",
    )
    description = st.text_area("Beskrivning (valfri)", max_chars=4000, key="event_text")
    left, right = st.columns(2)
    starts_on = left.date_input("Datum", value=date.today(), format="YYYY-MM-DD", key="event_start")
    ends_on = right.date_input(
        "Slutdatum (om händelsen pågick en period)", value=None, format="YYYY-MM-DD",
        key="event_end",
    )  # fmt: skip
    party = st.radio(
        "Vem står för händelsen", list(events.PARTIES), format_func=events.PARTIES.get,
        horizontal=True, key="event_party",
    )  # fmt: skip
    chosen_regions = st.multiselect(
        "Stadsdelsområden (inget val: hela staden)", own, placeholder="Hela staden",
        key="event_regions",
    )  # fmt: skip
    chosen_indicators = st.multiselect(
        "Indikatorer (inget val och inget område: alla)", list(indicator_titles),
        format_func=indicator_titles.get, placeholder="Välj indikatorer", key="event_indicators",
    )  # fmt: skip
    chosen_areas = st.multiselect(
        "Prioriterade områden", list(area_titles), format_func=area_titles.get,
        placeholder="Välj områden", key="event_areas",
    )  # fmt: skip
    actor = signin.acting(key="event_who")
    submitted = st.form_submit_button("Spara händelsen")
if submitted:
    views.submit(
        actor,
        lambda who: events.add(
            state.cursor(),
            who,
            title=title,
            description=description,
            starts_on=starts_on,
            ends_on=ends_on,
            party=str(party),
            regions=[regions[n] for n in chosen_regions],
            indicators=chosen_indicators,
            areas=chosen_areas,
        ),
        "handelser_klart",
        lambda new_id: f"Händelsen sparades ({title.strip()}, nr {new_id}).",
    )

if not table.empty:
    st.header("Ta bort en händelse")
    mine = table if viewer.role == "administratör" else table[table["created_by"] == viewer.name]
    if mine.empty:
        st.caption("Du har inga egna händelser att ta bort.")
    else:
        labels = {
            int(r.id): f"{date_text(pd.Timestamp(r.starts_on).date())}: {r.title} "
            f"({views.plain(r.created_by)})"
            for r in mine.itertuples()
        }
        chosen = st.selectbox(
            "Händelse", list(labels), format_func=labels.get, index=None,
            placeholder="Välj en händelse", key="event_remove",
        )  # fmt: skip
        sure = st.checkbox("Ja, ta bort den", key="event_remove_sure")
        remover = signin.acting(key="event_remove_who")
        if st.button("Ta bort händelsen", disabled=chosen is None or not sure):
            if remover is None:
                st.error("Skriv ditt namn först: det sparas med varje ändring.")
            else:
                try:
                    events.remove(state.cursor(), remover, int(chosen))  # type: ignore[arg-type]
                except (PermissionDenied, RuleBroken) as exc:
                    st.error(f"Togs inte bort: {exc}")
                else:
                    st.session_state["handelser_klart"] = (
                        f"Händelsen togs bort ({labels[int(chosen)]})."  # type: ignore[arg-type]
                    )
                    st.rerun()
