"""A district's local agreement as the district page and the Lokala överenskommelser page
show it: the parties, validity and revision date, then each local priority area with the
city-wide areas it serves (or "endast lokalt"), its indicators with their latest value and
status, the targets set for them and the actions that serve it; then the steering group."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_pages import tables, views
from service import followup, indicator_values, local, local_coverage
from swedish.format import date_text


def show(code: str, name: str, agreement: local.Agreement | None, heading: bool = True) -> None:
    if heading:
        st.header("Lokal samverkansöverenskommelse")
    if agreement is None:
        st.info(
            f"{name} har ingen lokal överenskommelse registrerad. En administratör eller "
            "områdets rapportör lägger in den på sidan Lokala överenskommelser."
        )
        return
    wide = local.city_areas()
    police = ", ".join(local.police_area_name(c) for c in agreement.police_areas)
    valid = f"gäller från {date_text(agreement.valid_from)}" + (
        f" till {date_text(agreement.valid_to)}" if agreement.valid_to else ""
    )
    st.markdown(
        f"**{views.plain(agreement.title)}** · {views.plain(name)}s stadsdelsförvaltning och "
        f"{views.plain(police)} · {valid} · revideras senast "
        f"{date_text(agreement.revision_date)} · version {agreement.version}"
        + (" · exempeldata" if agreement.is_example else "")
    )
    register = followup.action_register()
    by_area = local_coverage.actions_by_local_area(register, code)
    for number, area in enumerate(agreement.areas, start=1):
        with st.container(border=True, key=f"lokalt_{code}_{area.key}"):
            serves = (
                "Tjänar: " + "; ".join(wide.get(a, a) for a in area.city_areas)
                if area.city_areas
                else "Endast lokalt (inget av de fem stadsövergripande områdena)"
            )
            st.markdown(f"**{number}. {views.plain(area.title)}**  \n{serves}")
            if area.description:
                st.caption(views.plain(area.description))
            if area.indicators:
                followed = local_coverage.followed_indicators(code, area.indicators)
                table = pd.DataFrame(
                    {
                        "Indikator": [f.title for f in followed],
                        "År": [f.year for f in followed],
                        "Senaste": [f.latest for f in followed],
                        "Status": [f.status for f in followed],
                        "Lokalt mål": [f.local_target for f in followed],
                    }
                )
                tables.table(table, hide_index=True, key=f"lokalt_ind_{code}_{area.key}")
                if any(f.example for f in followed):
                    st.caption(indicator_values.EXAMPLE_NOTE)
            else:
                st.caption("Inga indikatorer valda för området.")
            actions = by_area.get(area.key)
            if actions is None or actions.empty:
                st.caption("Inga åtgärder kopplade till området.")
            else:
                st.markdown(
                    "Åtgärder: "
                    + "; ".join(
                        f"{views.plain(t)} ({s})"
                        for t, s in zip(actions["title"], actions["status"], strict=True)
                    )
                )
    if agreement.members:
        st.markdown(
            "**Lokal styrgrupp:** "
            + "; ".join(
                f"{views.plain(m.name)} ({views.plain(m.role)}, {local.PARTIES[m.party].lower()}"
                + (", rapporterar till beredningsgruppen" if m.reports else "")
                + ")"
                for m in agreement.members
            )
        )
    if agreement.meetings:
        st.caption(
            "Styrgruppens möten: "
            + ", ".join(date_text(m.meeting_date) for m in agreement.meetings)
        )
