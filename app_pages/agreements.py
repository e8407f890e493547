"""Lokala överenskommelser: each district's own agreement with its lokalpolisområden, shown
and edited (an administratör, or a rapportör for their own district), downloaded and read
back as Excel. Every save is a new version through ``service.local`` (role, rules, one
transaction, audit entry); saving what is already stored changes nothing. The form of a
district is keyed by the district and the version it shows, so choosing another district
never carries one district's values into the other."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from app_pages import local_section, signin, state, views
from app_pages.meetings import no_writes_in_meeting
from service import local, uploads
from service.writes import Principal, RuleBroken, may

st.title("Lokala överenskommelser")
st.caption(
    "Varje stadsdelsområde tecknar en lokal samverkansöverenskommelse med sitt eller sina "
    "lokalpolisområden. De lokala prioriterade områdena kommer ur den lokala lägesbilden och "
    "ska knyta an till de fem stadsövergripande områdena; överenskommelsen revideras vart "
    "fjärde år."
)
catalogue = views.catalogue()
regions = {n: c for n, c in views.district_options().items() if c != views.CITY}
names = {c: n for n, c in regions.items()}
viewer = signin.principal() or Principal("demo", "administratör")
wide = local.city_areas()
register = local.police_areas()

done = st.session_state.pop("lok_klart", None)
if done:
    st.toast(done, icon=":material/check_circle:")
    st.success(done)

with st.sidebar:
    name = st.selectbox("Stadsdelsområde", list(regions), key="lok_sdo", bind="query-params")
code = regions[name]
agreements = views.local_agreements()
agreement: local.Agreement | None = agreements.get(code)  # type: ignore[assignment]
views.print_header("lokala-overenskommelser", [("Stadsdelsområde", name)])
local_section.show(code, name, agreement, heading=False)

if agreement is not None:
    data = local.to_excel(agreement, views.region_names())
    st.download_button(
        "Ladda ner som Excel",
        data,
        file_name=f"lokal_overenskommelse_{name.replace(' ', '_')}_v{agreement.version}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key="lok_excel",
        on_click="ignore",
    )

with st.expander("Lokalpolisområden i registret"):
    st.dataframe(
        pd.DataFrame(
            {
                "Lokalpolisområde": [p.name for p in register.values()],
                "Polisområde": [p.police_district for p in register.values()],
                "Stadsdelsområden": [
                    ", ".join(views.region_names().get(d, d) for d in p.districts)
                    for p in register.values()
                ],
                "Kontrollerat": ["ja" if p.verified else "nej" for p in register.values()],
                "Källa": [p.source for p in register.values()],
            }
        ),
        hide_index=True,
        key="lok_register",
    )
    st.caption(
        "Registret är data/reference/lokalpolisomraden.csv och hålls av en administratör: "
        "det finns ingen öppen källa att paketera med alla lokalpolisområden och deras "
        "stadsdelsområden (se docs/local-agreements.md)."
    )

if not may(viewer, "agreements", [code]):
    st.info(f"Din roll kan se {name}s överenskommelse men inte ändra den.")
    st.stop()
no_writes_in_meeting("ändra lokala överenskommelser")

st.header("Ändra överenskommelsen" if agreement else "Lägg in överenskommelsen")
version = agreement.version if agreement else 0
prefix = f"lok_{code}_{version}"  # the district and the version the form starts from
start = agreement or local.Agreement(
    district=code,
    title=f"Lokal samverkansöverenskommelse {name}",
    police_areas=tuple(p.code for p in local.police_areas_of(code)),
    valid_from=date(date.today().year, 1, 1),
    valid_to=None,
    revision_date=date(date.today().year + local.REVISION_YEARS - 1, 12, 31),
)
area_titles = [*wide.values(), local.LOCAL_ONLY]
indicator_ids = sorted(catalogue.definitions, key=lambda i: catalogue.definitions[i].title)
with st.form(prefix):
    title = st.text_input("Rubrik", value=start.title, max_chars=200, key=f"{prefix}_titel")
    police = st.multiselect(
        "Lokalpolisområden (parter)",
        list(register),
        default=[p for p in start.police_areas if p in register],
        format_func=local.police_area_name,
        key=f"{prefix}_polis",
    )
    left, middle, right = st.columns(3)
    valid_from = left.date_input(
        "Gäller från", value=start.valid_from, format="YYYY-MM-DD", key=f"{prefix}_fran"
    )
    valid_to = middle.date_input(
        "Gäller till (valfritt)", value=start.valid_to, format="YYYY-MM-DD", key=f"{prefix}_till"
    )
    revision = right.date_input(
        "Revideras senast", value=start.revision_date, format="YYYY-MM-DD", key=f"{prefix}_rev"
    )
    st.subheader("Lokala prioriterade områden")
    st.caption(
        "En rad per område. Välj vilka av de fem stadsövergripande områdena det tjänar, eller "
        f"”{local.LOCAL_ONLY}”. Nyckeln sätts när området sparas och följer området när det "
        "byter rubrik."
    )
    areas = st.data_editor(
        pd.DataFrame(
            {
                "Nyckel": [a.key for a in start.areas],
                "Rubrik": [a.title for a in start.areas],
                "Beskrivning (ur lägesbilden)": [a.description for a in start.areas],
                "Stadsövergripande områden": [
                    [wide[c] for c in a.city_areas if c in wide] or [local.LOCAL_ONLY]
                    for a in start.areas
                ],
                "Indikatorer": [list(a.indicators) for a in start.areas],
            },
            columns=[
                "Nyckel",
                "Rubrik",
                "Beskrivning (ur lägesbilden)",
                "Stadsövergripande områden",
                "Indikatorer",
            ],
        ),
        num_rows="dynamic",
        hide_index=True,
        disabled=["Nyckel"],
        key=f"{prefix}_omr",
        column_config={
            "Rubrik": st.column_config.TextColumn(width="medium", required=True),
            "Beskrivning (ur lägesbilden)": st.column_config.TextColumn(width="large"),
            "Stadsövergripande områden": st.column_config.MultiselectColumn(
                options=area_titles, width="large"
            ),
            "Indikatorer": st.column_config.MultiselectColumn(
                options=indicator_ids,
                format_func=lambda i: catalogue.definitions[i].title,
                width="large",
            ),
        },
    )
    st.subheader("Lokal styrgrupp")
    members = st.data_editor(
        pd.DataFrame(
            {
                "Roll": [m.role for m in start.members],
                "Namn": [m.name for m in start.members],
                "Part": [m.party for m in start.members],
                "E-post": [m.email for m in start.members],
                "Rapporterar": [bool(m.reports) for m in start.members],
            },
            columns=["Roll", "Namn", "Part", "E-post", "Rapporterar"],
        ).astype({"Rapporterar": bool}),
        num_rows="dynamic",
        hide_index=True,
        key=f"{prefix}_styr",
        column_config={
            "Part": st.column_config.SelectboxColumn(options=list(local.PARTIES)),
            "Rapporterar": st.column_config.CheckboxColumn(
                help="Ansvarar för rapporterna till beredningsgruppen och får påminnelserna.",
                default=False,
            ),
        },
    )
    st.subheader("Styrgruppens möten")
    meetings = st.data_editor(
        pd.DataFrame(
            {
                "Datum": [m.meeting_date for m in start.meetings],
                "Anteckning": [m.note for m in start.meetings],
            },
            columns=["Datum", "Anteckning"],
        ).astype({"Datum": "datetime64[ns]"}),
        num_rows="dynamic",
        hide_index=True,
        key=f"{prefix}_moten",
        column_config={"Datum": st.column_config.DateColumn(format="YYYY-MM-DD")},
    )
    actor = signin.acting(key=f"{prefix}_vem")
    submitted = st.form_submit_button("Spara överenskommelsen")


def _text(value: object) -> str:
    return "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)


def _day(value: object) -> date | None:
    stamp = pd.Timestamp(value) if value is not None else pd.NaT  # type: ignore[arg-type]
    return None if pd.isna(stamp) else stamp.date()


def _titles(value: object) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list | tuple) else []


if submitted:
    draft = local.Agreement(
        district=code,
        title=title,
        police_areas=tuple(police),
        valid_from=valid_from if isinstance(valid_from, date) else None,
        valid_to=valid_to if isinstance(valid_to, date) else None,
        revision_date=revision if isinstance(revision, date) else None,
        areas=tuple(
            local.LocalArea(
                key=_text(row["Nyckel"]),
                title=_text(row["Rubrik"]),
                description=_text(row["Beskrivning (ur lägesbilden)"]),
                city_areas=tuple(
                    t for t in _titles(row["Stadsövergripande områden"]) if t != local.LOCAL_ONLY
                ),
                indicators=tuple(_titles(row["Indikatorer"])),
            )
            for row in areas.to_dict("records")
            if any(_text(row[c]) for c in ("Rubrik", "Beskrivning (ur lägesbilden)"))
        ),
        members=tuple(
            local.Member(
                role=_text(row["Roll"]),
                name=_text(row["Namn"]),
                party=_text(row["Part"]),
                email=_text(row["E-post"]),
                reports=bool(row["Rapporterar"]),
            )
            for row in members.to_dict("records")
            if any(_text(row[c]) for c in ("Roll", "Namn", "E-post"))
        ),
        meetings=tuple(
            local.Meeting(_day(row["Datum"]), _text(row["Anteckning"]))  # type: ignore[arg-type]
            for row in meetings.to_dict("records")
            if _day(row["Datum"]) is not None or _text(row["Anteckning"])
        ),
    )
    missing_area = [
        row for row in areas.to_dict("records") if _text(row["Rubrik"])
        and not _titles(row["Stadsövergripande områden"])
    ]  # fmt: skip
    if missing_area:
        st.error(
            "Sparades inte: välj för varje lokalt område vilka stadsövergripande områden det "
            f"tjänar, eller ”{local.LOCAL_ONLY}” (saknas för "
            + ", ".join(_text(r["Rubrik"]) for r in missing_area)
            + ")."
        )
    else:
        views.submit(
            actor,
            lambda who: local.save(state.cursor(), who, draft),
            "lok_klart",
            lambda saved: (
                f"{name}s överenskommelse sparades som version {saved}."
                if saved
                else "Inget ändrades: överenskommelsen är som den redan var sparad."
            ),
        )


def _from_file(
    who: Principal, read: local.Agreement, place: local.Locate, staged: uploads.Staged
) -> int | None:
    saved = local.save(state.cursor(), who, read, place)
    staged.discard()  # read and saved: not kept on the server
    return saved


with st.expander("Läs in överenskommelsen från Excel"):
    st.caption(
        "Samma blad och kolumner som i nedladdningen (Överenskommelse, Lokala områden, "
        "Styrgrupp, Möten). Inget sparas förrän allt i filen är rätt; en fil som är som den "
        "sparade överenskommelsen ändrar ingenting."
    )
    upload = st.file_uploader("Fil", type=["xlsx"], key=f"lok_fil_{code}")
    staged = views.staged_upload(upload, "lok_staged")
    if staged is not None:
        try:
            read, place = local.from_excel(state.cursor(), staged.path, staged.name)
            if read.district != code:
                raise RuleBroken(
                    f"Lästes inte in: filen gäller {names.get(read.district, read.district)}, "
                    f"inte {name}. Välj {names.get(read.district, read.district)} i sidofältet."
                )
        except (uploads.UploadRefused, RuleBroken) as exc:
            st.error(str(exc))
        else:
            st.markdown(
                f"Filen har {len(read.areas)} lokala områden, {len(read.members)} personer i "
                f"styrgruppen och {len(read.meetings)} möten."
            )
            who = signin.acting(key="lok_fil_vem")
            if st.button("Spara från filen", key="lok_fil_spara"):
                views.submit(
                    who,
                    lambda w: _from_file(w, read, place, staged),
                    "lok_klart",
                    lambda saved: (
                        f"{name}s överenskommelse sparades från filen som version {saved}."
                        if saved
                        else "Inget ändrades: filen är som den sparade överenskommelsen."
                    ),
                )
