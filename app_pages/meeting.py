"""Mötesläge: one priority area at a time, large and uncluttered, for a room: the status and
the trend first, few words, next and previous."""

from __future__ import annotations

import streamlit as st

from app_pages import charts, views
from service.views import STATUS_LABELS, group_counts

catalogue = views.catalogue()
areas = catalogue.areas()
regions = views.district_options()
with st.sidebar:
    scope = st.selectbox(
        "Område",
        ["Hela staden", *[n for n in regions if n != "Hela staden"]],
        key="motesomrade",
        bind="query-params",
    )
    number = st.radio(
        "Prioriterat område",
        list(range(1, len(areas) + 1)),
        format_func=lambda n: f"{n}. {areas[n - 1][1]}",
        key="steg",
        bind="query-params",
    )


def go(step: int) -> None:
    st.session_state["steg"] = (number - 1 + step) % len(areas) + 1


area_id, title = areas[number - 1]
st.title(title)
st.caption(f"{scope} · område {number} av {len(areas)}")
left, right = st.columns(2)
left.button("← Föregående", on_click=go, args=(-1,), key="previous", use_container_width=True)
right.button("Nästa →", on_click=go, args=(1,), key="next", use_container_width=True)

rows = views.overview_rows("2024")[regions[scope]][area_id]
# Showing a saved meeting: what differs today, per indicator.
since = views.changed_since_meeting("2024")
counts = group_counts(rows)
st.header(" · ".join(f"{counts[g]} {g}" for g in counts if counts[g]))
for row in rows:
    with st.container(border=True):
        value = "skyddat" if row["suppressed"] else views.fmt_value(row["definition"], row["value"])  # type: ignore[arg-type]
        st.subheader(str(row["title"]))
        first, second = st.columns([1, 2])
        first.metric(f"Senaste ({row['year'] or '–'})", value)
        code = str(row["status"])
        second.markdown(f"## {views.badge(code, STATUS_LABELS[code])}")
        if row["series"]:
            second.plotly_chart(
                charts.sparkline(row["definition"], row["series"], bool(row["example"])),  # type: ignore[arg-type]
                key=f"trend-{row['indicator']}",
                config={"displayModeBar": False},
            )
        if row["example"]:
            st.caption("Exempeldata")
        changed = since.get((regions[scope], area_id, str(row["indicator"])))
        if changed:
            st.warning(f"Ändrat sedan mötet: {changed}.", icon=":material/update:")
