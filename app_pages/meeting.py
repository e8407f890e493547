"""Mötesläge: one priority area per screen for a projector, the whole area on one 1920×1080
screen with the sidebar closed: what the indicators show together and the group's latest
assessment, then per indicator the value now and at the previous measurement (with their
periods), the change and whether it is distinguishable, a trend with years and interval, and
Exempeldata where the values are invented. Next and previous by button, arrow keys or a
presentation clicker (Page Up/Page Down); short links (``?omrade=jarva&steg=2``)."""

from __future__ import annotations

from datetime import date

import streamlit as st

from app_pages import charts, tables, views
from service import district_reports, drivers, events, indicator_values, overview, packs
from swedish.format import first_upper

# Opened from a link, the page starts with the sidebar closed: the whole screen for the area.
st.set_page_config(initial_sidebar_state="collapsed")
catalogue = indicator_values.catalogue()
areas = catalogue.areas()
regions = indicator_values.district_options()
slugs = indicator_values.region_slugs()
steps = [str(n) for n in range(1, len(areas) + 1)]

# The link is kept short (``?omrade=jarva&steg=2``) by the page itself: Streamlit's binding
# would put the shown labels in it. A link that names a step or an area that does not exist
# says so (instead of silently showing another), then shows the first.
city = indicator_values.slug("Hela staden")
problems = []
typed = st.query_params.get("steg")
if typed is not None and typed not in steps:
    problems.append(f"Steg {typed!r} finns inte: det finns steg 1–{len(areas)}. Visar steg 1.")
elif typed is not None and "steg" not in st.session_state:
    st.session_state["steg"] = typed
typed = st.query_params.get("omrade")
if typed is not None and typed not in slugs:
    problems.append(
        f"Området {typed!r} finns inte. Visar hela staden. Möjliga: "
        + ", ".join(sorted(slugs))
        + "."
    )
elif typed is not None and "omrade" not in st.session_state:
    st.session_state["omrade"] = typed

with st.sidebar:
    scope_slug = st.selectbox(
        "Område",
        [city, *sorted(s for s in slugs if s != city)],
        format_func=slugs.get,
        key="omrade",
    )
    step = st.radio(
        "Prioriterat område",
        steps,
        format_func=lambda n: f"{n}. {areas[int(n) - 1][1]}",
        key="steg",
    )
    st.caption(
        "Bläddra med ← och → (eller Page Up och Page Down på en presentationsklickare). "
        "Stäng sidopanelen för hela skärmen."
    )
st.query_params["omrade"] = scope_slug
st.query_params["steg"] = step


def go(move: int) -> None:
    st.session_state["steg"] = str((int(step) - 1 + move) % len(areas) + 1)


scope = slugs[scope_slug]
area_id, title = areas[int(step) - 1]
for problem in problems:
    st.warning(problem)

head, why, previous, following = st.columns([10, 3, 2, 2], vertical_alignment="bottom")
head.title(title)
head.caption(f"{scope} · prioriterat område {step} av {len(areas)}")
previous.button("← Föregående", on_click=go, args=(-1,), key="previous", shortcut="Left")
following.button("Nästa →", on_click=go, args=(1,), key="next", shortcut="Right")
# A presentation clicker sends Page Up/Page Down: the same moves, from buttons kept out of
# sight (Streamlit allows one shortcut per button).
# Less empty space above the title and between the cards: the whole area fits a 1920×1080
# screen (issue 36: a browser test walks every area and step).
st.html(
    "<style>.st-key-clicker_back, .st-key-clicker_on {display: none;}"
    "[data-testid='stMainBlockContainer'] {padding-top: 3.25rem; padding-bottom: 1rem;}"
    "[data-testid='stMainBlockContainer'] h1 {padding-top: 0; padding-bottom: 0.25rem;}"
    "</style>"
)
st.button("Föregående", on_click=go, args=(-1,), key="clicker_back", shortcut="PageUp")
st.button("Nästa", on_click=go, args=(1,), key="clicker_on", shortcut="PageDown")

shown = overview.slide(area_id, regions[scope])
since = overview.changed_since_meeting()
counts = " · ".join(f"{shown.counts[g]} {g}" for g in shown.counts if shown.counts[g])
judgement = shown.judgement or "området är inte bedömt ännu."
if shown.judgement and regions[scope] != indicator_values.CITY:
    _, preliminary = district_reports.standing(
        district_reports.latest_for(regions[scope], date.today().isoformat())
    )
    if preliminary:
        judgement += " (preliminär: stadsdelsområdets rapport är inte godkänd av beredningsgruppen)"
st.container(border=True).markdown(
    f"**Indikatorerna visar: {shown.calculated}**"
    + (f" ({counts})" if counts else "")
    + f"  \n**Gruppens bedömning:** {judgement}"
)

if not shown.cards:
    st.info("Området har inga indikatorer: det följs i ordinarie linjearbete.")
width = 4 if len(shown.cards) > 6 else 3
drivers_said: list[tuple[dict, int, str]] = []
for start in range(0, len(shown.cards), width):
    for column, row in zip(st.columns(width), shown.cards[start : start + width], strict=False):
        card = column.container(border=True)
        definition = row["definition"]
        code = str(row["status"])
        badges = views.badge(code, str(row["verdict"]))
        if row["example"]:
            badges += " :orange-badge[Exempeldata]"
        # The trend's figures for a screen reader, in the same element (no height of its own:
        # a card's trend must still fit 1920×1080).
        figures = (
            charts.figures_html(definition, str(row["title"]), row["series"])  # type: ignore[arg-type]
            if len(row["series"]) >= 2  # type: ignore[arg-type]
            else ""
        )
        card.markdown(f"**{row['title']}**  \n{badges}\n\n{figures}", unsafe_allow_html=True)
        if row["year"] is None:
            card.caption(str(row["text"]))
            continue
        value = (
            "skyddat" if row["suppressed"] else indicator_values.fmt_value(definition, row["value"])
        )  # type: ignore[arg-type]
        before = row["previous"]
        # Streamlit points the arrow by a leading ASCII minus.
        change = str(row["change_value"]).replace("\u2212", "-")
        card.metric(
            f"{definition.unit}, {row['period']}",
            value,
            delta=f"{change} {row['compared_with']}" if change else None,
            delta_color="off",
            delta_arrow="off" if change.startswith("±") else "auto",
        )
        if before:
            earlier = (
                "skyddat"
                if before["suppressed"]  # type: ignore[index]
                else indicator_values.fmt_value(definition, before["value"])  # type: ignore[arg-type,index]
            )
            # What drove the change (the two largest parts), listed under the cards: in a
            # card it would push the trends of a whole area off a 1920×1080 screen.
            driven = drivers.driver_headline(
                str(row["indicator"]),
                regions[scope],
                int(before["year"]),  # type: ignore[index]
                int(row["year"]),  # type: ignore[call-overload]
                parts=2,
            )
            also = f"  \n{first_upper(str(row['also']))}" if row["also"] else ""
            card.caption(
                f"{first_upper(str(row['compared_with']))}: {earlier} → {value} · "
                f"{row['change']}{also}"
            )
            if driven:
                drivers_said.append((row, int(before["year"]), driven))  # type: ignore[index]
        else:
            also = f"  \n{first_upper(str(row['also']))}" if row["also"] else ""
            card.caption(f"{first_upper(str(row['change'])) or 'Ingen jämförelse.'}{also}")
        if len(row["series"]) >= 2:  # type: ignore[arg-type]
            card.plotly_chart(
                charts.sparkline(
                    definition,
                    row["series"],
                    bool(row["example"]),
                    # Two rows of cards must fit 1920×1080 with the verdict and its reference.
                    height=130 if len(shown.cards) <= width else 118,  # type: ignore[arg-type]
                    markers=events.markers(str(row["indicator"]), regions[scope]),
                    font=13,  # read on a projector
                ),
                key=f"trend-{row['indicator']}",
                config={"displayModeBar": False},
            )
        changed = since.get((regions[scope], area_id, str(row["indicator"])))
        if changed:
            card.warning(f"Ändrat sedan mötet: {changed}.", icon=":material/update:")
# What drove the changes: behind a button in the heading row, not under the cards (below them
# it pushed an area's page past a 1920×1080 screen).
if drivers_said:
    with why.popover("Vad drev förändringen?", icon=":material/query_stats:"):
        for row, start, driven in drivers_said:
            definition = row["definition"]
            with st.expander(f"{row['title']}, {row['compared_with']}: {driven}"):
                split = drivers.drivers(
                    str(row["indicator"]), start, int(row["year"]), regions[scope],
                    str(drivers.default_split(str(row["indicator"]), regions[scope])),
                )  # fmt: skip
                if isinstance(split, str):
                    st.info(split)
                    continue
                st.plotly_chart(
                    charts.drivers_chart(definition, split, bool(row["example"])),
                    key=f"drivers-{row['indicator']}",
                )
                tables.table(drivers.driver_table(definition, split), hide_index=True)

with st.sidebar:
    st.caption("Hela mötet, alla områden, att projicera eller skicka:")
    views.pack_buttons(
        "moteslage",
        lambda: packs.build("Mötesläge", regions[scope]),
        views.file_name("moteslage", scope),
    )
