"""Meetings on the pages: which meeting a run shows (``?mote=NAME``, or the sidebar's
choice), the banner that says so, and "Spara som möte" for rapportör and administratör."""

from __future__ import annotations

from datetime import date

import streamlit as st

from service import meetings
from service.writes import Principal, RuleBroken, demo_principal
from swedish.format import date_text as date_sv

NOW = "Nuläget"
KEY = "mote"


def _names() -> list[str]:
    return [m.name for m in meetings.all_meetings()]


def current() -> meetings.Meeting | None:
    """The meeting this run shows, set for every read of the run (fragments too)."""
    name = st.session_state.get(KEY)
    meeting = meetings.find(name) if name and name != NOW else None
    meetings.as_of(meeting)
    return meeting


def sidebar(user: Principal | None) -> meetings.Meeting | None:
    """The meeting picker (bound to ``?mote=``), the banner, and the save form; returns the
    meeting shown, None for the figures as they stand."""
    names = _names()
    asked = st.query_params.get(KEY)
    unknown = asked is not None and asked not in names
    if not names and not unknown and not _may_save(user):
        meetings.as_of(None)
        return None
    st.sidebar.selectbox(
        "Visa läget vid möte",
        [NOW, *names],
        key=KEY,
        bind="query-params",
        help="Siffror, status och bedömningar som de var när mötet sparades. Senare "
        "inläsningar och ändringar syns inte där.",
    )
    meeting = current()
    if unknown:
        st.error(
            f"Det finns inget sparat möte som heter ”{asked}”, så sidan visar nuläget. "
            + (f"Sparade möten: {', '.join(names)}." if names else "Inga möten är sparade ännu.")
        )
    if meeting is not None:
        st.warning(
            f"**Läget vid mötet ”{meeting.name}” ({date_sv(meeting.meeting_date)}).** "
            "Siffror, status och bedömningar visas som de var när mötet sparades "
            f"({meeting.saved_at:%Y-%m-%d %H:%M}, av {meeting.saved_by}); senare inläsningar "
            "och ändringar syns inte här. Välj ”Nuläget” i sidomenyn för dagens siffror.",
            icon=":material/event:",
        )
    if _may_save(user):
        _save_form(user)
    return meeting


def _may_save(user: Principal | None) -> bool:
    return user is None or user.role in ("rapportör", "administratör")


def _save_form(user: Principal | None) -> None:
    with st.sidebar.expander("Spara som möte"):
        with st.form("spara_mote", clear_on_submit=False, border=False):
            name = st.text_input("Mötets namn", max_chars=80, placeholder="Styrgrupp 2 december")
            day = st.date_input("Mötesdatum", value=date.today(), format="YYYY-MM-DD")
            typed = "" if user else st.text_input("Ditt namn (sparas med mötet)", max_chars=80)
            saved = st.form_submit_button("Spara som möte")
        if saved:
            try:
                principal = user or demo_principal(typed)
                meeting = meetings.save(principal, name, day)
            except RuleBroken as exc:
                st.error(str(exc))
            else:
                st.success(
                    f"Mötet ”{meeting.name}” är sparat. Välj det under ”Visa läget vid möte” "
                    "för att se siffrorna som de är nu, också efter senare inläsningar."
                )


def no_writes_in_meeting(what: str) -> None:
    """Pages that change things stop here while a saved meeting is shown: a meeting's figures
    are not changed, and a form beside them would write to today's store unseen."""
    if meetings.shown() is None:
        return
    st.info(
        f"Du ser läget vid ett sparat möte, och då går det inte att {what}. Välj ”Nuläget” "
        "under ”Visa läget vid möte” i sidomenyn för att ändra."
    )
    st.stop()
