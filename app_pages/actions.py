"""Åtgärder: the action register (create, edit, close, follow-up notes, plan next year), the
assessments of the goals beside the calculated status, and the analysis comments."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from access import writes
from access.roles import PermissionDenied, Principal, allowed
from app_pages import signin, state, views
from indicators import assessment
from indicators.summaries import latest_row
from loaders import actions_excel
from store import followup

OWNERS = ["stad", "polis", "gemensamt"]
STATUSES = ["planerad", "pågående", "genomförd", "avbruten"]

st.title("Åtgärder, bedömningar och lägesbild")
con = state.cursor()
catalogue = views.catalogue()
areas = dict(catalogue.areas())
regions = views.district_options()
names = ["Hela staden", *[n for n in regions if n != "Hela staden"]]

signed_in = signin.principal()
who = (
    signed_in.name
    if signed_in
    else st.text_input("Ditt namn (sparas med varje ändring)", key="vem", max_chars=80).strip()
)


def actor() -> Principal:
    """Who writes: the signed-in user, or in demo mode (every role open) the typed name."""
    return signed_in or Principal(who, "administratör")


def refused(exc: PermissionDenied) -> None:
    st.error(f"Sparades inte: {exc}")


# The districts this user may write for; the server checks again when saving.
writable = [n for n in names if allowed(actor(), "actions", [regions[n]])]
if signed_in is not None and signed_in.districts:
    st.caption(f"Du kan ändra uppgifter för: {', '.join(writable)}.")


st.header("Åtgärdsregister")
owner = st.radio("Visa", ["alla", *OWNERS], horizontal=True, key="agare", bind="query-params")
register = followup.actions(con, None if owner == "alla" else owner)
if register.empty:
    st.caption("Inga åtgärder registrerade.")
else:
    shown = pd.DataFrame(
        {
            "Nr": register["id"],
            "Åtgärd": register["title"],
            "Område": register["area"].map(lambda a: areas.get(a, a)),
            "Stadsdelsområde": register["region_name"],
            "Ägare": register["owner"],
            "Ansvarig": register["responsible_unit"],
            "Status": register["status"],
            "Start": register["start_date"].astype(str),
            "Slut": register["end_date"].astype(str),
            "Uppföljning": register["notes"].fillna(""),
            "Exempel": register["is_example"].map({True: "exempeldata", False: ""}),
        }
    )
    st.dataframe(shown, hide_index=True, key="register")
    views.downloads(actions_excel.export_frame(register, catalogue), "atgarder", "actions")

with st.expander("Läs in åtgärder från Excel", expanded=False):
    st.caption(
        "Samma kolumner som i nedladdningen. En rad med Nr ändrar den åtgärden, en rad "
        "utan Nr blir en ny. Inget sparas förrän alla rader är rätt."
    )
    upload = st.file_uploader("Fil", type=["xlsx", "xls", "ods", "csv"], key="atgard_fil")
    if upload is not None:
        import hashlib
        import tempfile
        from pathlib import Path

        from loaders.upload_safety import UploadRefused, safe_file_name

        data = upload.getvalue()
        path = Path(tempfile.gettempdir()) / f"atgarder-{hashlib.sha256(data).hexdigest()}"
        path.write_bytes(data)
        try:
            imported = actions_excel.read(con, path, safe_file_name(upload.name), catalogue)
        except UploadRefused as exc:
            st.error(str(exc))
        else:
            if imported.findings:
                st.dataframe(
                    pd.DataFrame(
                        [
                            {
                                "Nivå": f.level,
                                "Cell": f.cell,
                                "Värde": f.value,
                                "Problem": f.message,
                            }
                            for f in imported.findings
                        ]
                    ),
                    hide_index=True,
                    key="atgard_fel",
                )
            if imported.errors:
                st.error(f"{len(imported.errors)} fel. Inget sparas förrän de är rättade.")
            else:
                st.markdown(
                    f"{imported.new} nya, {imported.changed} ändrade, "
                    f"{imported.unchanged} oförändrade åtgärder."
                )
                if st.button("Spara åtgärderna", key="atgard_spara"):
                    if not who:
                        st.error("Skriv ditt namn först.")
                    else:
                        try:
                            actions_excel.commit(con, imported, who, principal=actor())
                        except PermissionDenied as exc:
                            refused(exc)
                        else:
                            st.success("Åtgärderna sparade.")

with st.expander("Ny åtgärd", expanded=False), st.form("new_action"):
    title = st.text_input("Åtgärd", key="ny_titel")
    area = st.selectbox("Prioriterat område", list(areas), format_func=areas.get, key="ny_omr")
    region = st.selectbox("Stadsdelsområde", writable, key="ny_sdo")
    new_owner = st.selectbox("Ägare", OWNERS, key="ny_agare")
    unit = st.text_input("Ansvarig enhet", key="ny_enhet")
    status = st.selectbox("Status", STATUSES, key="ny_status")
    start = st.date_input("Start", value=date.today(), key="ny_start")
    end = st.date_input("Slut", value=None, key="ny_slut")
    effect = st.text_area("Förväntad effekt", key="ny_effekt")
    indicators = st.multiselect(
        "Indikatorer den ska påverka", sorted(catalogue.definitions), key="ny_ind"
    )
    if st.form_submit_button("Spara åtgärden"):
        if not who or not title.strip():
            st.error("Skriv ditt namn och en rubrik för åtgärden.")
        else:
            try:
                new_id = writes.new_action(
                    con,
                    actor(),
                    {
                        "agreement": "2024",
                        "area": area,
                        "region_code": regions[region],
                        "title": title.strip(),
                        "owner": new_owner,
                        "responsible_unit": unit,
                        "status": status,
                        "start_date": start,
                        "end_date": end,
                        "expected_effect": effect,
                        "indicators": ",".join(indicators),
                    },
                )
            except PermissionDenied as exc:
                refused(exc)
            else:
                st.success(f"Åtgärd {new_id} sparad.")

# Only the actions this user may change are offered (the server checks again).
changeable = register[[allowed(actor(), "actions", [str(c)]) for c in register["region_code"]]]
if not changeable.empty:
    with st.expander("Ändra, följ upp eller avsluta en åtgärd", expanded=False):
        chosen = st.selectbox(
            "Åtgärd",
            list(changeable["id"]),
            key="andra_nr",
            format_func=lambda i: f"{i}: {register.set_index('id').loc[i, 'title']}",
        )
        current = register.set_index("id").loc[chosen]
        new_status = st.selectbox(
            "Status", STATUSES, index=STATUSES.index(current["status"]), key="andra_status"
        )
        new_title = st.text_input("Åtgärd", value=str(current["title"]), key="andra_titel")
        note = st.text_area("Uppföljning (läggs till med dagens datum)", key="andra_not")
        if st.button("Spara ändringen", key="andra_spara"):
            if not who:
                st.error("Skriv ditt namn först.")
            else:
                try:
                    changed = writes.change_action(
                        con, actor(), int(chosen), {"status": new_status, "title": new_title}, note
                    )
                except PermissionDenied as exc:
                    refused(exc)
                else:
                    what = ", ".join(changed) or "uppföljning"
                    st.success(f"Åtgärd {chosen} ändrad ({what}).")
        history = followup.action_history(con, int(chosen))
        st.dataframe(
            history.rename(
                columns={
                    "field": "Fält",
                    "old_value": "Före",
                    "new_value": "Efter",
                    "changed_by": "Av",
                    "changed_at": "När",
                }
            ),
            hide_index=True,
            key="history",
        )

    with st.expander("Plan för nästa år: kopiera pågående och planerade åtgärder"):
        unfinished = changeable[changeable["status"].isin(["planerad", "pågående"])]
        st.caption(f"{len(unfinished)} åtgärder är inte avslutade.")
        if st.button("Kopiera till nästa år", key="kopiera"):
            if not who:
                st.error("Skriv ditt namn först.")
            else:
                try:
                    copied = writes.copy_actions(
                        con, actor(), unfinished.to_dict("records"), date.today().year + 1
                    )
                except PermissionDenied as exc:
                    refused(exc)
                else:
                    st.success(f"{copied} åtgärder kopierade till {date.today().year + 1}.")

st.header("Bedömning av målen")
left, right = st.columns(2)
judged_area = left.selectbox(
    "Prioriterat område", list(areas), format_func=areas.get, key="bed_omr"
)
judged_region = right.selectbox("Stadsdelsområde", writable, key="bed_sdo")
judged_year = left.number_input("År", 2015, date.today().year, date.today().year - 1, key="bed_ar")
judged_indicator = right.selectbox(
    "Indikator (valfritt)",
    ["(hela området)", *catalogue.indicators_for(judged_area)],
    format_func=lambda i: catalogue.definitions[i].title if i in catalogue.definitions else i,
    key="bed_ind",
)
frames = views.cached_all("today")
statuses = []
judged = (
    catalogue.indicators_for(judged_area)
    if judged_indicator == "(hela området)"
    else [judged_indicator]
)
for indicator in judged:
    frame = frames.get(indicator, pd.DataFrame())
    row = (
        latest_row(frame[frame["year"] == judged_year], regions[judged_region])
        if not (frame.empty)
        else None
    )
    if row is not None:
        statuses.append(str(row["status"]))
calculated = assessment.calculated(statuses)
st.markdown(f"Indikatorerna visar: **{calculated}**")
judgement = right.radio("Bedömning", assessment.JUDGEMENTS, key="bed_dom")
justification = st.text_area("Motivering", key="bed_motiv")
if assessment.disagrees(judgement, statuses):
    st.warning("Bedömningen går emot vad indikatorerna visar: motivering krävs.")
if st.button("Spara bedömningen", key="bed_spara"):
    problems = assessment.check(judgement, statuses, justification)
    if not who:
        problems.insert(0, "skriv ditt namn först")
    if problems:
        st.error("Sparades inte: " + "; ".join(problems) + ".")
    else:
        try:
            writes.assess(
                con,
                actor(),
                {
                    "area": judged_area,
                    "region_code": regions[judged_region],
                    "year": int(judged_year),
                    "judgement": judgement,
                    "justification": justification.strip(),
                    "calculated_status": calculated,
                },
            )
        except PermissionDenied as exc:
            refused(exc)
        else:
            st.success("Bedömningen sparad.")
saved = followup.assessments(con)
if not saved.empty:
    st.dataframe(
        pd.DataFrame(
            {
                "Område": saved["area"].map(lambda a: areas.get(a, a)),
                "Stadsdelsområde": saved["region_code"].map({v: k for k, v in regions.items()}),
                "År": saved["year"],
                "Bedömning": saved["judgement"],
                "Indikatorerna visade": saved["calculated_status"],
                "Motivering": saved["justification"],
                "Av": saved["assessed_by"],
            }
        ),
        hide_index=True,
        key="assessments",
    )

st.header("Lägesbild och orsaksanalys")
comment_area = st.selectbox("Prioriterat område", list(areas), format_func=areas.get, key="kom_omr")
comment_region = st.selectbox("Stadsdelsområde", writable, key="kom_sdo")
comment_indicator = st.selectbox(
    "Indikator (valfritt)",
    ["(hela området)", *catalogue.indicators_for(comment_area)],
    format_func=lambda i: catalogue.definitions[i].title if i in catalogue.definitions else i,
    key="kom_ind",
)
comment_year = st.number_input("År", 2015, date.today().year, date.today().year - 1, key="kom_ar")
text = st.text_area("Text", key="kom_text")
if st.button("Spara texten", key="kom_spara"):
    if not who or not text.strip():
        st.error("Skriv ditt namn och en text.")
    else:
        try:
            writes.comment(
                con,
                actor(),
                {
                    "area": comment_area,
                    "region_code": regions[comment_region],
                    "year": int(comment_year),
                    "text": text.strip(),
                },
            )
        except PermissionDenied as exc:
            refused(exc)
        else:
            st.success("Texten sparad.")
