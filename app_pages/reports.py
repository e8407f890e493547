"""Rapporter: the districts' reports to the beredningsgrupp (service.district_reports). At the
top, per reporting date of the årshjul, every district's state (inte påbörjad, utkast,
inskickad, återsänd, godkänd, försenad) with a link to its report; below, the chosen
district's report: its figures as they stood when it was saved, what the district wrote per
area, the beredningsgrupp's comments where they apply, and the forms the viewer's role may
use (write and submit; return with comments or approve). A report that is not approved says
it is preliminary."""

from __future__ import annotations

from datetime import date
from urllib.parse import quote_plus

import pandas as pd
import streamlit as st

from app_pages import signin, state, tables, views
from app_pages.views import plain
from service import calendar, district_reports, indicator_values, meetings
from service.district_reports import FIELDS, OVERVIEW_WORDS, Report
from swedish.format import date_text

st.title("Rapporter till beredningsgruppen")
st.caption(
    "Varje stadsdelsområde rapporterar sin lägesbild, orsaksanalys, åtgärdernas status och "
    "styrgruppens bedömning per område till den stadsövergripande beredningsgruppen, på "
    "årshjulets datum. Rapportören skriver och skickar in; beredningsgruppen återsänder med "
    "kommentarer eller godkänner. En godkänd rapport är fryst med de siffror den citerade."
)
today = date.today()
regions = {
    n: c for n, c in indicator_values.district_options().items() if c != indicator_values.CITY
}
names = {c: n for n, c in regions.items()}
viewer = signin.principal()
views.saved_message("rapport_klar")

with st.sidebar:
    year = int(
        st.selectbox(
            "År",
            list(range(today.year + 1, 2023, -1)),
            index=1,
            key="rap_ar",
            bind="query-params",
        )
    )
    # By title: a bound choice is written in the address as it is shown (links use it too).
    by_title = {p.title: p for p in calendar.config().plan(year).reports}
    chosen_title = st.selectbox(
        "Rapporttillfälle", list(by_title), key="rap_rapport", bind="query-params"
    )
    planned = {p.key: p for p in by_title.values()}
    report_key = by_title[chosen_title].key
    st.caption(f"Sista dag: {date_text(calendar.due_day(year, by_title[chosen_title].due))}")
    scope = st.selectbox("Stadsdelsområde", list(regions), key="rap_sdo", bind="query-params")
views.print_header(
    "rapporter",
    [("År", year), ("Rapporttillfälle", planned[report_key].title), ("Stadsdelsområde", scope)],
)

rows = [
    r for r in district_reports.overview_view(year, today.isoformat()) if r.report == report_key
]
st.header(f"{planned[report_key].title} {year}: läget")
counted = {s: sum(r.state == s for r in rows) for s in ("godkänd", "inskickad", "återsänd")}
late = sum(r.state == district_reports.LATE for r in rows)
first, second, third, fourth = st.columns(4)
first.metric("Godkända", counted["godkänd"])
second.metric("Inskickade, granskas", counted["inskickad"])
third.metric("Återsända", counted["återsänd"])
fourth.metric("Försenade", late)
overview = pd.DataFrame(
    {
        "Stadsdelsområde": [r.district_name for r in rows],
        "Sista dag": [r.due.isoformat() for r in rows],
        "Status": [district_reports.SHORT_WORDS[r.state] for r in rows],
        "Version": [str(r.version) if r.version else "–" for r in rows],
        "Senast av": [r.by or "–" for r in rows],
        "När": [f"{r.at:%Y-%m-%d %H:%M}" if r.at else "–" for r in rows],
        "Rapport": [
            f"rapporter?rap_ar={year}&rap_rapport={quote_plus(chosen_title)}"
            f"&rap_sdo={quote_plus(r.district_name)}"
            for r in rows
        ],
    }
)
tables.table(
    overview,
    hide_index=True,
    key="rap_oversikt",
    height=35 * (len(overview) + 1) + 3,
    column_config={
        "Status": st.column_config.TextColumn(width=170),
        "Rapport": st.column_config.LinkColumn("Rapport", display_text="Öppna", width=80),
    },
)
views.downloads(
    overview.drop(columns=["Rapport"]),
    views.file_name("rapporter", planned[report_key].title, year),
    "reports_overview",
)

item = f"rapport:{year}:{report_key}:{regions[scope]}"
report: Report = district_reports.report_view(item)  # type: ignore[assignment]
st.header(f"{scope}: {report.title.lower()} {year}")
own_row = next((r for r in rows if r.district == regions[scope]), None)
# Handed in outside the app (marked done in the årshjul): said so, not preliminary.
marked = report.state is None and own_row is not None and own_row.state == district_reports.MARKED
state_word = (
    OVERVIEW_WORDS[report.state]
    if report.state
    else OVERVIEW_WORDS[district_reports.MARKED]
    if marked
    else "inte påbörjad"
)
st.markdown(
    f"**Status:** {state_word}"
    + (f" (version {report.version}, {plain(report.saved_by)}, "
       f"{district_reports.when(report.saved_at)})" if report.version else "")
    + f" · **Sista dag:** {report.due.isoformat()}"
)  # fmt: skip
if marked:
    st.caption(
        "Rapporten lämnades in utanför appen och är markerad som klar i årshjulet; den kan "
        "ändå skrivas här."
    )
elif report.preliminary:
    st.warning(district_reports.PRELIMINARY, icon=":material/pending:")
general = report.comments.get("", "")
if report.state == "återsänd" and general:
    st.error(f"Beredningsgruppens kommentar till hela rapporten: {plain(general)}")

may_write, may_review = district_reports.offered(viewer, report)
# A saved meeting shown: the report is read, never written beside it.
in_meeting = meetings.shown() is not None


def _figures(section_key: str) -> None:
    """The section's figures and its actions' before and after: those the report cited,
    or (no version yet) today's."""
    cited = report.figures_of(section_key) if report.version else []
    effects = report.effects_of(section_key) if report.version else []
    if not report.version:
        today_figures, _, today_effects = district_reports.prefilled(item)  # type: ignore[misc]
        cited = [f for f in today_figures if f.section == section_key]
        effects = [e for e in today_effects if e.section == section_key]
    if cited:
        st.markdown("\n".join(f"- {plain(f.sentence())}" for f in cited))
    else:
        st.caption("Inga indikatorer med värden för området.")
    if effects:
        st.markdown(
            "**Hjälpte det? Före och efter åtgärderna:**\n"
            + "\n".join(f"- {plain(e.sentence())}" for e in effects)
        )
        st.caption(district_reports.BEFORE_AFTER_CAVEAT)


def _lines(text: str) -> str:
    """A text as typed, its lines kept, shown literally."""
    return "  \n".join(plain(line) for line in text.splitlines() if line.strip())


def _section_head(section: district_reports.Section) -> None:
    st.subheader(("Lokalt område: " if section.local else "") + section.title)
    if section.local:
        st.caption(f"Tjänar: {section.serves or '–'}")
    comment = report.comments.get(section.key)
    if comment and report.state == "återsänd":
        st.error(f"Beredningsgruppens kommentar: {plain(comment)}", icon=":material/comment:")


if may_write and not in_meeting:
    st.caption(
        "Siffrorna under varje område är dagens; de sparas med rapporten och ändras inte av "
        "senare inläsningar. Varje stadsövergripande område behöver styrgruppens bedömning "
        "innan rapporten skickas in."
    )
    st.caption(
        "Texten sparas när du trycker på Spara utkast eller Skicka in. Byter du "
        "stadsdelsområde, rapport eller sida innan dess försvinner det du skrivit."
    )
    _, actions, _ = district_reports.prefilled(item)  # type: ignore[misc]
    form = f"rap_form_{item}"
    seen = views.seen_version(
        form, f"rap_{item}_{report.sections[0].key}_lagesbild", report.version
    )
    with st.form(form):
        written: dict[str, dict[str, str]] = {}
        for section in report.sections:
            _section_head(section)
            _figures(section.key)
            written[section.key] = {}
            for name, label in FIELDS.items():
                start = report.text(section.key, name)
                if not report.version and name == "atgarder":
                    start = actions.get(section.key, "")
                written[section.key][name] = st.text_area(
                    label,
                    value=start,
                    key=f"rap_{item}_{section.key}_{name}",
                    height=90,
                    max_chars=district_reports.MAX_TEXT,
                )
        actor = signin.acting(key="rap_vem")
        left, right = st.columns(2)
        save = left.form_submit_button("Spara utkast")
        send = right.form_submit_button("Skicka in till beredningsgruppen", type="primary")
    if save or send:

        def _saved(saved: Report) -> str:
            views.saw_version(form, saved.version)
            if send:
                return (
                    f"{scope}s rapport är inskickad till beredningsgruppen (version "
                    f"{saved.version})."
                )
            return f"Utkastet till {scope}s rapport är sparat (version {saved.version})."

        views.submit(
            actor,
            lambda who: district_reports.save(
                state.cursor(), who, item, written, seen, submit=bool(send)
            ),
            "rapport_klar",
            _saved,  # type: ignore[arg-type]
        )
else:
    for section in report.sections:
        _section_head(section)
        _figures(section.key)
        texts = [
            f"**{label}:**  \n{_lines(report.text(section.key, name))}"
            for name, label in FIELDS.items()
            if report.text(section.key, name)
        ]
        st.markdown("\n\n".join(texts) if texts else "_Inget skrivet för området._")

if may_review and not in_meeting:
    st.header("Granska rapporten")
    review_form = f"rap_granska_{item}"
    seen_review = views.seen_version(review_form, f"rap_g_{item}_hela", report.version)
    with st.form(review_form):
        notes = {
            "": st.text_area(
                "Kommentar till hela rapporten",
                key=f"rap_g_{item}_hela",
                max_chars=district_reports.MAX_TEXT,
            )
        }
        for section in report.sections:
            notes[section.key] = st.text_area(
                f"Kommentar: {section.title}",
                key=f"rap_g_{item}_{section.key}",
                max_chars=district_reports.MAX_TEXT,
            )
        reviewer = signin.acting(key="rap_granskare")
        left, right = st.columns(2)
        back = left.form_submit_button("Återsänd med kommentarer")
        approve = right.form_submit_button("Godkänn rapporten", type="primary")
    if back or approve:
        views.submit(
            reviewer,
            lambda who: district_reports.review(
                state.cursor(), who, item, bool(approve), notes, seen_review
            ),
            "rapport_klar",
            lambda _: (
                f"{scope}s rapport är godkänd och fryst."
                if approve
                else f"{scope}s rapport är återsänd med kommentarer."
            ),
        )

if report.history:
    with st.expander(f"Versioner ({len(report.history)})"):
        tables.table(
            pd.DataFrame(
                {
                    "Version": [str(v.version) for v in report.history],
                    "Status": [OVERVIEW_WORDS[v.state] for v in report.history],
                    "Av": [v.saved_by for v in report.history],
                    "När": [f"{v.saved_at:%Y-%m-%d %H:%M}" for v in report.history],
                    "Beredningsgruppens kommentarer": [v.comments for v in report.history],
                }
            ),
            hide_index=True,
            key="rap_versioner",
        )
