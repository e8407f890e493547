"""Överenskommelse och handlingsplan (issue 37): the overarching agreement as data (decision,
signing, period, next revision, its areas, what it replaces) and the year's handlingsplan:
per priority area the goal, how it is measured and what cannot be, the responsible parties,
the commitments (the actions of the register) and the follow-up dates. The beredningsgrupp
(and an administratör) writes and adopts it, and starts next year's as a draft; everyone can
read it and download it as Word."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from app_pages import signin, state, tables, views
from app_pages.views import plain
from service import action_plan, calendar, indicator_values, meetings
from service.action_plan import AreaPlan

st.title("Överenskommelse och handlingsplan")
st.caption(
    "Den övergripande samverkansöverenskommelsen och dess handlingsplan: per prioriterat "
    "område målet, hur det mäts och vad som inte kan mätas, vilka som ansvarar, åtagandena "
    "(åtgärderna i åtgärdsregistret) och när det följs upp. Beredningsgruppen skriver och "
    "fastställer planen och påbörjar nästa års plan."
)
today = date.today()
viewer = signin.principal()
views.saved_message("plan_klar")
with st.sidebar:
    year = int(
        st.selectbox(
            "År", list(range(today.year + 1, 2023, -1)), index=1, key="plan_ar",
            bind="query-params",
        )
    )  # fmt: skip
views.print_header("handlingsplan", [("År", year)])

warning = calendar.agreement_warning(today)
if warning:
    st.warning(warning, icon=":material/event_upcoming:")

plan = action_plan.plan_view(year)
committed = action_plan.commitments_view(year)
st.header("Den övergripande överenskommelsen")
tables.table(
    pd.DataFrame(action_plan.agreement_facts(plan.agreement), columns=["Uppgift", "Värde"]),
    hide_index=True,
    key="plan_fakta",
    column_config={
        "Uppgift": st.column_config.TextColumn(width=170),
        "Värde": st.column_config.TextColumn(width=860),
    },
)

st.header(f"Handlingsplan {year}")
st.markdown(f"**Status:** {plain(action_plan.plan_state_word(plan))}")
if plan.example:
    st.warning(
        "Exempeldata: planens mål och ansvariga är påhittade för demonstrationen.",
        icon=":material/science:",
    )
if not plan.adopted:
    st.info(
        "Planen är inte fastställd: mål och ansvar är preliminära tills beredningsgruppen "
        "fastställer den.",
        icon=":material/pending:",
    )
left, right = st.columns(2)
left.download_button(
    "Ladda ner handlingsplanen (Word)",
    lambda: action_plan.word(year, viewer.name if viewer else None),
    f"{views.file_name('handlingsplan', year)}.docx",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    key="plan_docx",
    on_click="ignore",
)
may_keep = action_plan.may_keep(viewer) and meetings.shown() is None
if may_keep and year == today.year and action_plan.plan_view(year + 1).version == 0:
    with right.form("plan_nasta"):
        st.caption(
            "Nästa års plan börjar som ett utkast med årets mål, indikatorer och ansvariga "
            f"och uppföljningsdatumen för {year + 1}."
        )
        starter = signin.acting(key="plan_nasta_vem")
        start = st.form_submit_button(f"Påbörja planen för {year + 1} (utkast)")
    if start:
        views.submit(
            starter,
            lambda who: action_plan.start_next_year(state.cursor(), who, year),
            "plan_klar",
            lambda saved: f"Handlingsplanen för {saved.year} är påbörjad som utkast.",
        )

titles = action_plan.indicator_titles
for area in plan.areas:
    st.subheader(area.title)
    st.markdown(f"**Mål:** {plain(area.goal) if area.goal else '_inget mål skrivet ännu_'}")
    measured = titles(area.indicators)
    st.markdown(
        "**Mäts med:** " + ("; ".join(plain(t) for t in measured) if measured else "–")
        + f"  \n**Det som inte kan mätas:** {plain(area.unmeasured) or '–'}"
        + f"  \n**Ansvariga:** {plain(area.responsible) or '–'}"
    )  # fmt: skip
    rows = committed.get(area.area, [])
    if rows:
        tables.table(
            pd.DataFrame(
                {
                    "Åtgärd": [c.title for c in rows],
                    "Område": [c.district for c in rows],
                    "Ansvarig": [c.owner for c in rows],
                    "Status": [c.status for c in rows],
                    "Period": [c.period for c in rows],
                }
            ),
            hide_index=True,
            key=f"plan_atg_{area.area}",
        )
    else:
        st.caption(f"Inga åtgärder i åtgärdsregistret för området {year}.")
    st.caption("Uppföljning: " + plain(area.followup.replace("\n", "; ")))

if may_keep:
    st.header("Skriv handlingsplanen")
    definitions = indicator_values.catalogue()
    form = f"plan_form_{year}"
    seen = views.seen_version(form, f"plan_{year}_{plan.areas[0].area}_mal", plan.version)
    with st.form(form):
        written = []
        for area in plan.areas:
            st.subheader(area.title)
            key = f"plan_{year}_{area.area}"
            options = definitions.indicators_for(area.area, plan.agreement)
            written.append(
                AreaPlan(
                    area.area,
                    area.title,
                    st.text_area("Mål", area.goal, key=f"{key}_mal", height=80),
                    tuple(
                        st.multiselect(
                            "Mäts med indikatorerna",
                            options,
                            default=[i for i in area.indicators if i in options],
                            format_func=lambda i: definitions.definitions[i].title,
                            key=f"{key}_ind",
                            placeholder="Välj indikatorer",
                        )
                    ),
                    st.text_area(
                        "Det som inte kan mätas", area.unmeasured, key=f"{key}_ej", height=80
                    ),
                    st.text_input("Ansvariga", area.responsible, key=f"{key}_ansv"),
                    st.text_area(
                        "Uppföljning (en rad per tillfälle)",
                        area.followup,
                        key=f"{key}_uppf",
                        height=100,
                    ),
                )
            )
        actor = signin.acting(key="plan_vem")
        first, second = st.columns(2)
        save = first.form_submit_button("Spara utkast")
        adopt = second.form_submit_button("Fastställ planen", type="primary")
    if save or adopt:

        def _saved(saved: action_plan.Plan) -> str:
            views.saw_version(form, saved.version)
            if adopt:
                return f"Handlingsplanen för {year} är fastställd (version {saved.version})."
            return f"Utkastet till handlingsplanen för {year} är sparat (version {saved.version})."

        views.submit(
            actor,
            lambda who: action_plan.save(
                state.cursor(), who, year, written, seen, adopt=bool(adopt)
            ),
            "plan_klar",
            _saved,  # type: ignore[arg-type]
        )

if plan.history:
    with st.expander(f"Versioner ({len(plan.history)})"):
        tables.table(
            pd.DataFrame(
                [
                    (str(v), action_plan.STATES[s], by, at.strftime("%Y-%m-%d %H:%M"))
                    for v, s, by, at in plan.history
                ],
                columns=["Version", "Status", "Av", "När"],
            ),
            hide_index=True,
            key="plan_versioner",
        )
