"""Datastatus: what is loaded, from where, how fresh, and what is missing."""

from __future__ import annotations

from datetime import date

import streamlit as st

from app_pages import signin, views
from app_pages.tables import table as fitted_table
from service import batches, indicator_values, loads, meetings, quality
from service.writes import PermissionDenied, RuleBroken
from swedish.format import number

st.title("Datastatus")
st.caption("Vad som är inläst, varifrån, hur aktuellt det är och vad som saknas: inför varje möte.")

catalogue = indicator_values.catalogue()
today = date.today()


tables = batches.status_tables(today)


def _show(result: loads.PageLoad) -> None:
    """A refusal at once; a load after a rerun, so that every table here shows it."""
    if not result.ok:
        st.error(result.message)
        return
    st.session_state["inlast"] = result.message
    st.rerun()


st.header("Källor")
sources = tables["sources"]
fitted_table(sources.drop(columns=["id"]), hide_index=True, key="sources")
for record in tables["records"].itertuples():  # type: ignore[union-attr]
    with st.expander(f"{record.title} – om källan"):
        st.markdown(f"**Utgivare:** {record.publisher}  \n**Publiceras:** {record.rhythm}")
        if record.licence:
            st.markdown(f"**Licens:** {record.licence}")
        if record.url:
            st.markdown(f"**Adress:** {record.url}")
        if record.method:
            st.text(record.method)
        if record.caveat:
            st.caption(record.caveat)

st.header("Datakvalitet")
if batches.may_open_batches(signin.principal()):  # raw values: as a batch's rows
    flagged = quality.flags()
    st.markdown(
        f"**{len(flagged)} nya värden** ligger långt från sin egen historik (de "
        f"{quality.NEWEST_BATCHES} senaste satserna)."
        if len(flagged)
        else "Inget nytt värde ligger långt från sin egen historik."
    )
    st.page_link(
        "app_pages/quality.py",
        label="Datakvalitet: flaggade värden och täckning över tid",
        icon=":material/fact_check:",
    )
else:
    st.caption("Datakvaliteten (värden som de är lästa) visas för administratörer.")

st.header("Inlästa satser")
loaded = tables["batches"]
if loaded.empty:
    st.info("Inga filer är inlästa ännu.")
else:
    fitted_table(loaded, hide_index=True, key="batches")
if not loaded.empty and not batches.may_open_batches(signin.principal()):
    st.caption(
        "Satsernas enskilda rader visas bara för administratörer (små tal är inte dolda där)."
    )
elif not loaded.empty:
    chosen = st.selectbox(
        "Öppna en sats",
        list(loaded["Sats"]),
        format_func=lambda b: f"{b}: {loaded.set_index('Sats').loc[b, 'Fil']}",
        key="batch",
    )
    total, rows = batches.batch_rows(int(chosen))
    if rows.empty:
        st.caption("Satsen har inga rader i observationstabellen (till exempel metadata).")
    else:
        shown = "alla" if total <= len(rows) else f"de första {number(len(rows))}"
        st.caption(f"Satsen har {number(total)} rader; här visas {shown}.")
        fitted_table(
            rows,
            hide_index=True,
            key="batch_rows",
        )

if batches.may_open_batches(signin.principal()) and meetings.shown() is None:
    st.header("Läs in källfiler")
    st.caption(
        "För administratörer: en fil från BRÅ, polisen, befolkningsstatistiken eller Kolada "
        "läses in som en sats, med samma kontroller som kommandoraden. En fil med fel läses "
        "inte in alls; samma fil två gånger läggs inte till igen. Alla sidor visar de nya "
        "siffrorna vid nästa sidladdning, också i andra fönster."
    )
    done = st.session_state.pop("inlast", None)  # kept over the rerun that shows the new batch
    if done:
        st.success(done)
    loader = signin.acting("Ditt namn (sparas med inläsningen)", key="laddare")
    with st.form("las_in_kallfil", clear_on_submit=True):
        source = st.selectbox(
            "Källa", list(loads.PUBLIC_SOURCES), format_func=loads.PUBLIC_SOURCES.get
        )
        upload = st.file_uploader(
            "Fil", type=["txt", "csv", "json", "jsonl"], key="kallfil",
            help="Som utgivaren lämnar den: BRÅ:s export i latin-1 med semikolon, polisens "
            "JSON, befolkningstabellen som CSV eller JSON, Koladas JSON eller CSV.",
        )  # fmt: skip
        year = st.number_input(
            "År (bara för befolkningstabeller som inte anger år)",
            min_value=1990, max_value=2100, value=None, step=1,
        )  # fmt: skip
        submitted = st.form_submit_button("Läs in filen")
    if submitted:
        if loader is None:
            st.error("Skriv ditt namn först: det sparas med inläsningen.")
        elif upload is None:
            st.error("Välj en fil att läsa in.")
        else:
            try:
                result = loads.load_from_page(
                    loader, source, upload.name, upload.getvalue(), int(year) if year else None
                )
            except (PermissionDenied, RuleBroken) as exc:
                st.error(str(exc))
            else:
                _show(result)
    st.caption(
        "Polisens händelser kan också hämtas direkt från polisens API (högst en gång per tio "
        "sekunder). På servern sköter en schemalagd hämtning detta varje dag (README)."
    )
    if st.button("Hämta nu från polisen", key="hamta_nu"):
        if loader is None:
            st.error("Skriv ditt namn först: det sparas med inläsningen.")
        else:
            try:
                fetched = loads.fetch_police_now(loader)
            except (PermissionDenied, RuleBroken) as exc:
                st.error(str(exc))
            else:
                _show(fetched)

st.header("Täckning per prioriterat område och stadsdelsområde")
st.caption(
    "Antal indikatorer med data (av områdets indikatorer) och vilka år, på dagens indelning. "
    "Indikatorer från enkäter och aktivitetsdata får data när förvaltningarna laddar upp dem."
)
# A district a row, an area a column: twelve columns of regions did not fit 1440 px.
fitted_table(tables["matrix"].T.rename_axis("Område"), key="coverage")
views.downloads(tables["matrix"].reset_index(names="Prioriterat område"), "tackning", "coverage")
for area_id, title in catalogue.areas():
    with st.expander(f"{title}: antal områden med data per indikator och år"):
        by_year = tables["by_year"][area_id]  # type: ignore[index]
        if by_year.empty or by_year.columns.empty:
            st.caption("Ingen indikator i området har data ännu.")
        else:
            fitted_table(by_year, key=f"coverage_{area_id}")

st.header("Polisens händelser: täckning per händelsetyp")
st.caption(
    "Arkivet har inte alla händelsetyper från samma dag: en typ räknas från sin första "
    "händelse, och bara hela månader därefter. En månad före den är inte täckt, aldrig 0, och "
    "ett år som bara täcks delvis visas med sina månader och jämförs inte med ett helt år."
)
series = tables["series"]
if series.empty:  # type: ignore[union-attr]
    st.caption("Inga polishändelser är inlästa.")
else:
    fitted_table(series, hide_index=True, key="series_coverage")

st.header("Polisens händelser som inte kunde placeras")
placement, text = tables["placement"]  # type: ignore[misc]
st.markdown(text)
if not placement.empty:
    fitted_table(placement, hide_index=True, key="placement")
