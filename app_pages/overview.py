"""Översikt: the five priority areas (or the ten of 2019) for the city or one district, with
status and trend per indicator, and a matrix of areas × districts."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from app_pages import signin, tables, views
from app_pages.signin import guard_fragment
from service import calendar, followup, indicator_values, local, local_coverage, overview, packs

st.title("Översikt")
catalogue = indicator_values.catalogue()
regions = indicator_values.district_options()
names = list(regions)

with st.sidebar:
    agreement = st.radio(
        "Överenskommelse",
        list(agreements := indicator_values.agreement_options()),
        key="overenskommelse",
        bind="query-params",
        format_func=agreements.get,
    )
    scope = st.selectbox(
        "Område",
        ["Hela staden", *[n for n in names if n != "Hela staden"]],
        key="omfattning",
        bind="query-params",
    )

views.print_header("", [("Överenskommelse", agreements[agreement]), ("Område", scope)])
st.caption(
    f"Status för varje indikator i {scope.lower() if scope == 'Hela staden' else scope}, "
    "senaste året med uppgifter. Förändringar räknas bara när de är statistiskt säkerställda."
)
# Overdue items of the årshjul, for those who answer for them: a district's rapportör sees
# their districts' (and the city's), everyone else all of them (or the chosen district's).
viewer = signin.principal()
today = date.today()
late = calendar.overdue(
    calendar.calendar_items(today.year, today.isoformat()),  # type: ignore[arg-type]
    viewer.districts if viewer is not None and viewer.districts else None,
)
if regions[scope] != indicator_values.CITY:
    late = [i for i in late if i.district in (None, regions[scope])]
if late:
    with st.container(key="late"):
        if len(late) <= 4:  # a district's few: each one
            st.warning(
                f"**Försenat i årshjulet ({len(late)})**  \n"
                + "  \n".join(f"{i.due.isoformat()}: {views.plain(i.title)}" for i in late)
            )
        else:  # the whole city's: how many of each kind
            kinds = {k: sum(i.kind == k for i in late) for k in calendar.KINDS}
            st.warning(
                f"**Försenat i årshjulet: {len(late)} punkter** ("
                + ", ".join(f"{calendar.KINDS[k].lower()}: {n}" for k, n in kinds.items() if n)
                + "). Välj ett stadsdelsområde för dess punkter."
            )
        st.page_link("app_pages/arshjul.py", label="Öppna årshjulet", icon=":material/event:")
frames = indicator_values.all_values("today")
summaries = overview.overview_rows(agreement)
# Showing a saved meeting: what differs today, per indicator.
since = overview.changed_since_meeting(agreement)
region = regions[scope]
examples = set()


@st.fragment
def cards() -> None:
    guard_fragment()
    for area_id, title in catalogue.areas(agreement):
        rows = summaries[region][area_id]
        with st.container(border=True):
            st.subheader(title)
            if not rows:
                st.caption("Området fördes över till ordinarie linjearbete: inga indikatorer.")
                continue
            st.markdown(overview.count_line(rows))
            table = pd.DataFrame(
                {
                    "Indikator": [r["title"] for r in rows],
                    "Trend": [r["trend"] for r in rows],
                    "Period": [str(r["period"] or "–") for r in rows],
                    "Senaste": [
                        "skyddat"
                        if r["suppressed"]
                        else indicator_values.fmt_value(r["definition"], r["value"])
                        for r in rows
                    ],
                    "Status": [views.badge_text(str(r["status"]), str(r["verdict"])) for r in rows],
                    "Jämförelse": [str(r["change_line"]) for r in rows],
                }
            )
            if since:
                table.insert(
                    len(table.columns),
                    "Sedan mötet",
                    [
                        f"ändrat sedan mötet: {since[key]}" if key in since else "som i dag"
                        for key in ((region, area_id, r["indicator"]) for r in rows)
                    ],
                )
            tables.table(
                views.style_status(table),
                hide_index=True,
                key=f"card_{area_id}",
                column_config={
                    "Indikator": st.column_config.TextColumn(width="large"),
                    "Trend": st.column_config.LineChartColumn("Trend", width="small"),
                    "Period": st.column_config.TextColumn(width="small"),
                    "Status": st.column_config.TextColumn(width="medium"),
                    "Jämförelse": st.column_config.TextColumn(width="medium"),
                },
            )
            # The explanations under the table, whole (a table cell would cut them).
            views.explanations([(str(r["title"]), str(r["text"])) for r in rows])
            examples.update(r["title"] for r in rows if r["example"])


cards()
if examples:
    st.caption(
        "Exempeldata (påhittade värden, inte verkliga resultat) ingår i: "
        + ", ".join(sorted(str(e) for e in examples))
        + "."
    )

st.header("Områden och stadsdelsområden")
st.caption("Antal indikatorer per status. Klicka på ett stadsdelsområde för dess lägesbild.")
matrix = []
for name, code in regions.items():
    row: dict[str, object] = {"Stadsdelsområde": name}
    for area_id, title in catalogue.areas(agreement):
        row[title] = overview.matrix_cell(summaries[code][area_id])
    row["Lägesbild"] = f"stadsdelsomrade?stadsdelsomrade={name.replace(' ', '+')}"
    matrix.append(row)
area_columns = {
    title: st.column_config.TextColumn(f"{n}. {title}", width=140, help=title)
    for n, (_, title) in enumerate(catalogue.areas(agreement), start=1)
}
tables.table(
    pd.DataFrame(matrix),
    hide_index=True,
    key="matrix",
    height=36 * (len(matrix) + 1) + 3,  # every district without scrolling
    column_config={
        "Stadsdelsområde": st.column_config.TextColumn(width=170),
        **area_columns,
        "Lägesbild": st.column_config.LinkColumn("Lägesbild", display_text="Öppna", width=80),
    },
)
last_year = max((int(f["year"].max()) for f in frames.values() if not f.empty), default=None)
st.caption(
    "↗ förbättring · → oförändrat · ↘ försämring · ✔ mål nått (antal indikatorer); "
    "inga uppgifter: ingen av områdets indikatorer har ett värde. Dagens indelning"
    + (f"; uppgifter till och med {last_year}." if last_year else ".")
)
views.downloads(
    pd.DataFrame(matrix).drop(columns=["Lägesbild"]),
    views.file_name("oversikt", scope, agreements[agreement]),
    "overview",
)
st.header("Täckning: lokala områden och åtgärder")
districts_only = {n: c for n, c in regions.items() if c != indicator_values.CITY}
coverage = local_coverage.coverage_rows(
    local.local_agreements(),
    followup.action_register(),
    districts_only,
)
st.caption(
    "För beredningsgruppen: per stadsdelsområde och stadsövergripande område "
    f"({agreements[next(iter(agreements))].lower()}) de lokala prioriterade områden i den "
    "lokala överenskommelsen och de planerade eller pågående åtgärder som tjänar området. "
    "⚠ saknas: varken lokalt område eller åtgärd."
)
tables.table(
    coverage,
    hide_index=True,
    key="coverage",
    height=36 * (len(coverage) + 1) + 3,
    column_config={
        "Stadsdelsområde": st.column_config.TextColumn(width=170),
        "Lokal överenskommelse": st.column_config.TextColumn(width=200),
        **{
            title: st.column_config.TextColumn(f"{n}. {title}", width=140, help=title)
            for n, (_, title) in enumerate(catalogue.areas(), start=1)
        },
        "Saknar lokalt område och åtgärd": st.column_config.TextColumn(width="large"),
    },
)
views.downloads(
    coverage, views.file_name("tackning_lokala_omraden", agreements[agreement]), "coverage"
)
views.pack_buttons(
    "oversikt",
    lambda: packs.build("Översikt", region, agreement),
    views.file_name("oversikt", scope, agreements[agreement]),
)
views.link_to_view("")
