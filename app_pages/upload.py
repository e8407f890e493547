"""Ladda upp: staff upload survey results and activity counts from Excel, see every problem
and a preview, confirm, and undo."""

from __future__ import annotations

import json

import pandas as pd
import streamlit as st

from app_pages import signin, state, tables, views
from app_pages.meetings import no_writes_in_meeting
from service import followup, indicator_values, uploads
from service.uploads import Mapping, Question, UploadRefused, columns_and_answers
from service.writes import PermissionDenied, Principal, RuleBroken, may
from swedish.format import number

st.title("Ladda upp enkätresultat och aktivitetsuppgifter")
no_writes_in_meeting("ladda upp eller ångra")
done = st.session_state.pop("upload_message", None)  # said before the rerun that shows it
if done:
    st.success(done)
st.caption(
    "Ladda upp en fil i mallens format (eller en fil med ett svar per rad). Du ser alla "
    "problem och vad som ändras innan något sparas, och varje uppladdning kan ångras."
)

reads = state.reader()  # the writes below take a cursor on the store itself
catalogue = indicator_values.catalogue()

districts = sorted(n for n in indicator_values.district_options() if n != "Hela staden")
st.download_button(
    "Ladda ner mallen (Excel)",
    data=lambda: uploads.template(catalogue, districts),  # built when asked for
    file_name="mall_enkatresultat.xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    key="template",
    on_click="ignore",
)

signed_in = signin.principal()
actor: Principal | None = signin.acting("Ditt namn (sparas med uppladdningen)", key="uploader")
if signed_in is not None and not signed_in.city_wide:
    own = indicator_values.region_names()
    st.caption(
        "Du kan ladda upp värden för: "
        + ", ".join(own.get(c, c) for c in signed_in.districts)
        + ". En fil med andra områden sparas inte."
    )
uploaded = st.file_uploader(
    "Välj fil (.xlsx, .xls, .ods eller .csv)",
    type=["xlsx", "xls", "ods", "csv"],
    key="file",
)


def _mapping_form(parsed: object, digest: str) -> Mapping | None:
    """The mapping of a respondent-level file: saved ones offered first. A new mapping is
    used, and saved under its name when one is given, on one click."""
    answers = columns_and_answers(parsed)  # type: ignore[arg-type]
    st.subheader("Fil med ett svar per rad: koppla kolumnerna")
    saved = followup.mappings(reads)
    choice = st.selectbox("Sparad koppling", ["(ny koppling)", *saved], key="saved_mapping")
    if choice != "(ny koppling)":
        return Mapping.from_dict(json.loads(saved[choice]))
    columns = ["(ingen)", *answers]
    district_column = st.selectbox("Kolumn med stadsdelsområde", columns, key="map_district")
    fixed = st.selectbox(
        "…eller ett område för hela filen", ["(inget)", *districts], key="map_fixed"
    )
    sex_column = st.selectbox("Kolumn med kön", columns, key="map_sex")
    age_column = st.selectbox("Kolumn med åldersgrupp", columns, key="map_age")
    year = st.number_input("År", min_value=2000, max_value=2100, value=2024, key="map_year")
    shares = {m.title: m.id for m in catalogue.measures.values() if m.upload and m.kind == "share"}
    questions = []
    for column in st.multiselect(
        "Frågor", list(answers), key="map_questions", placeholder="Välj en eller flera"
    ):
        st.text(f"Fråga: {column}")
        title = st.selectbox("Mått", list(shares), key=f"map_measure_{column}")
        numerator = st.multiselect(
            "Svar som räknas (täljare)",
            answers[column],
            key=f"map_num_{column}",
            placeholder="Välj svar",
        )
        exclude = st.multiselect(
            "Svar som inte räknas alls (t.ex. Vet inte)",
            answers[column],
            key=f"map_excl_{column}",
            placeholder="Välj svar",
        )
        questions.append(Question(column, shares[title], numerator, exclude))
    mapping_name = st.text_input("Spara kopplingen som", key="map_name")
    mapping = Mapping(
        name=mapping_name or "namnlös",
        year=int(year),
        district=None if fixed == "(inget)" else fixed,
        district_column=None if district_column == "(ingen)" else district_column,
        sex_column=None if sex_column == "(ingen)" else sex_column,
        age_column=None if age_column == "(ingen)" else age_column,
        questions=questions,
    )
    if st.button("Använd kopplingen", key="use_mapping"):
        st.session_state["mapping_in_use"] = (digest, mapping.to_json())
        if mapping_name:
            if actor is None:
                st.error("Skriv ditt namn ovan för att kunna spara kopplingen.")
            else:
                try:
                    followup.save_mapping(state.cursor(), actor, mapping_name, mapping.to_json())
                except (PermissionDenied, RuleBroken) as exc:
                    st.error(f"Kopplingen sparades inte: {exc}")
                else:
                    st.success(f"Kopplingen är sparad som {views.plain(mapping_name)}.")
    in_use = st.session_state.get("mapping_in_use")
    if in_use and in_use[0] == digest:  # a mapping is for the file it was made for
        return Mapping.from_dict(json.loads(in_use[1]))
    return None


staged = views.staged_upload(uploaded, "staged_upload")
if staged is not None:
    try:
        mapping = None
        parsed = uploads.read_sheet(staged)
        if uploads.needs_mapping(parsed):
            mapping = _mapping_form(parsed, staged.digest)
            if mapping is None:
                st.stop()
        prepared = uploads.prepare(reads, staged, catalogue, mapping, parsed)
    except UploadRefused as exc:
        st.error(f"{views.plain(staged.name)}: {views.plain(exc)}")
        staged.discard()
        st.stop()
    name = staged.name
    findings = prepared.findings_frame()
    errors = prepared.table.errors
    if errors:
        st.error(f"{views.plain(name)}: {len(errors)} fel. Inget sparas förrän de är rättade.")
    if not findings.empty:
        tables.table(findings, hide_index=True, key="findings")
    if prepared.already_loaded is not None:
        b = prepared.already_loaded
        st.warning(
            f"Filen är redan inläst som sats {b.id} (av {b.loaded_by}, "
            f"{str(b.loaded_at)[:16]}). Ångra den satsen först om du vill läsa in den igen."
        )
    if prepared.ok:
        counts = prepared.counts()
        st.subheader("Förhandsgranskning")
        st.markdown(
            f"**{counts['new']}** nya värden, **{counts['replaced']}** ersätter lagrade "
            f"värden, **{counts['unchanged']}** oförändrade."
        )
        shown = prepared.preview.copy()
        for column in ("Nytt värde", "Lagrat värde", "Antal svarande"):
            shown[column] = [
                "" if pd.isna(v) else number(v, 0 if float(v).is_integer() else 1)
                for v in shown[column]
            ]
        tables.table(shown, hide_index=True, key="preview")
        if actor is None:
            st.info("Skriv ditt namn ovan för att kunna spara.")
        elif st.button("Spara i databasen", type="primary", key="confirm"):
            try:
                report = uploads.commit(state.cursor(), actor, prepared, catalogue, staged)
            except (PermissionDenied, UploadRefused) as exc:
                st.error(f"Sparades inte: {exc}")
                st.stop()
            st.session_state.pop("mapping_in_use", None)
            st.success(
                f"Sparat som sats {report.batch_id}: {number(report.rows)} värden "
                f"({counts['new']} nya, {counts['replaced']} ersatta)."
            )

st.header("Uppladdningar")
# A rapportör sees and undoes their own uploads; an administratör (and demo mode) all.
loaded = [
    b
    for b in uploads.uploads(state.reader())  # a new cursor: it brings the copy up to date
    if signed_in is None or may(signed_in, "undo", owner=b.loaded_by)
]
if not loaded:
    st.caption("Inga uppladdningar ännu.")
else:
    table = pd.DataFrame(
        [
            {
                "Sats": b.id,
                "Fil": b.file_name,
                "Uppladdad av": b.loaded_by,
                "När": str(b.loaded_at)[:16],
                "Rader": number(b.row_count),
                "Status": {"active": "aktiv", "superseded": "ersatt", "undone": "ångrad"}[b.state],
                "Exempeldata": "ja" if b.is_example else "",
                "Anteckning": b.note or "",
            }
            for b in loaded
        ]
    )
    tables.table(table, hide_index=True, key="uploads")
    undoable = {b.id: b for b in loaded if b.state != "undone"}

    def described(batch_id: int) -> str:
        b = undoable[batch_id]
        return (
            f"{b.file_name} – {b.loaded_by}, {str(b.loaded_at)[:16]}, {number(b.row_count)} "
            f"rader (sats {b.id}{', Exempeldata' if b.is_example else ''})"
        )

    if undoable:
        # Nothing is chosen until the user chooses (never an example batch by default), and
        # undoing asks once more.
        target = st.selectbox(
            "Uppladdning att ångra",
            sorted(undoable, reverse=True),
            index=None,
            format_func=described,
            placeholder="Välj en uppladdning",
            key="undo_batch",
        )
        if st.button("Ångra uppladdningen…", key="undo", disabled=target is None):
            st.session_state["undo_asked"] = target
        if target is not None and st.session_state.get("undo_asked") == target:
            st.warning(f"Ångra {described(target)}? Värdena den ersatte gäller igen.")
            yes, no = st.columns(2)
            if no.button("Avbryt", key="undo_no"):
                st.session_state.pop("undo_asked", None)
                st.rerun()
            if yes.button("Ja, ångra", type="primary", key="undo_yes"):
                st.session_state.pop("undo_asked", None)
                if actor is None:
                    st.warning("Skriv ditt namn ovan för att kunna ångra.")
                    st.stop()
                try:
                    restored = uploads.undo(state.cursor(), actor, int(target))
                except (PermissionDenied, UploadRefused) as exc:
                    st.error(f"Ångrades inte: {exc}")
                    st.stop()
                back = f" Sats {', '.join(map(str, restored))} gäller igen." if restored else ""
                # Kept over the rerun that shows the undone batch in the table above.
                st.session_state["upload_message"] = (
                    f"{described(target)} är ångrad; värdena den ersatte gäller igen.{back}"
                )
                st.session_state.pop("undo_batch", None)
                st.rerun()
