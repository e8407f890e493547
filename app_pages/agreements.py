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

from app_pages import local_section, signin, state, tables, views
from app_pages.meetings import no_writes_in_meeting
from service import indicator_values, local, local_excel, uploads
from service.writes import Principal, RuleBroken, may

st.title("Lokala överenskommelser")
st.caption(
    "Varje stadsdelsområde tecknar en lokal samverkansöverenskommelse med sitt eller sina "
    "lokalpolisområden. De lokala prioriterade områdena kommer ur den lokala lägesbilden och "
    "ska knyta an till de fem stadsövergripande områdena; överenskommelsen revideras vart "
    "fjärde år."
)
catalogue = indicator_values.catalogue()
regions = {
    n: c for n, c in indicator_values.district_options().items() if c != indicator_values.CITY
}
names = {c: n for n, c in regions.items()}
viewer = signin.principal() or Principal("demo", "administratör")
wide = local.city_areas()
register = local.police_areas()

views.saved_message("lok_klart")

with st.sidebar:
    name = st.selectbox("Stadsdelsområde", list(regions), key="lok_sdo", bind="query-params")
code = regions[name]
agreements = local.local_agreements()
agreement = agreements.get(code)
views.print_header("lokala-overenskommelser", [("Stadsdelsområde", name)])
local_section.show(code, name, agreement, heading=False)

if agreement is not None:
    data = local_excel.to_excel(agreement, indicator_values.region_names())
    st.download_button(
        "Ladda ner som Excel",
        data,
        file_name=f"lokal_overenskommelse_{name.replace(' ', '_')}_v{agreement.version}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key="lok_excel",
        on_click="ignore",
    )

with st.expander("Lokalpolisområden i registret"):
    tables.table(
        pd.DataFrame(
            {
                "Lokalpolisområde": [p.name for p in register.values()],
                "Polisområde": [p.police_district for p in register.values()],
                "Stadsdelsområden": [
                    ", ".join(indicator_values.region_names().get(d, d) for d in p.districts)
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
area_ids = [*wide, local.LOCAL_ONLY]
indicator_ids = sorted(catalogue.definitions, key=lambda i: catalogue.definitions[i].title)
# How many rows the form offers (outside the form: changing it redraws the form, and the
# values already typed stay, since every field is keyed by district, version and row).
left, middle = st.columns(2)
area_count = left.number_input(
    "Antal lokala prioriterade områden", 1, 12, max(len(start.areas), 1), key=f"{prefix}_n_omr"
)
member_count = middle.number_input(
    "Antal personer i styrgruppen", 0, 20, max(len(start.members), 2), key=f"{prefix}_n_styr"
)
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
        "Ur den lokala lägesbilden. Välj för varje område vilka av de fem stadsövergripande "
        f"områdena det tjänar, eller ”{local.LOCAL_ONLY}”. Töm rubriken för att ta bort ett "
        "område; nyckeln följer området när rubriken ändras."
    )
    drafts = []
    for n in range(int(area_count)):
        old = start.areas[n] if n < len(start.areas) else None
        row = f"{prefix}_omr{n}"
        with st.container(border=True, key=row):
            st.markdown(f"**Område {n + 1}**" + (f" · nyckel {old.key}" if old else " · nytt"))
            area_title = st.text_input(
                "Rubrik", value=old.title if old else "", max_chars=200, key=f"{row}_titel"
            )
            description = st.text_area(
                "Beskrivning (ur lägesbilden)", value=old.description if old else "",
                max_chars=4000, key=f"{row}_beskr", height=80,
            )  # fmt: skip
            serves = st.multiselect(
                "Stadsövergripande områden det tjänar",
                area_ids,
                default=(list(old.city_areas) or [local.LOCAL_ONLY]) if old else [],
                format_func=lambda a: wide.get(a, a),
                key=f"{row}_tjanar",
                placeholder="Välj ett eller flera, eller endast lokalt",
            )
            followed = st.multiselect(
                "Indikatorer som följs",
                indicator_ids,
                default=[i for i in (old.indicators if old else ()) if i in catalogue.definitions],
                format_func=lambda i: catalogue.definitions[i].title,
                key=f"{row}_ind",
                placeholder="Välj indikatorer ur katalogen",
            )
            drafts.append((old.key if old else "", area_title, description, serves, followed))
    st.subheader("Lokal styrgrupp")
    st.caption(
        "Den som rapporterar till beredningsgruppen får årshjulets påminnelser och behöver "
        "en e-postadress. Töm namnet för att ta bort en person."
    )
    people = []
    for n in range(int(member_count)):
        old_member = start.members[n] if n < len(start.members) else None
        row = f"{prefix}_styr{n}"
        role_col, name_col, party_col, mail_col, report_col = st.columns([3, 3, 2, 4, 2])
        people.append(
            (
                role_col.text_input(
                    "Roll", value=old_member.role if old_member else "", key=f"{row}_roll"
                ),
                name_col.text_input(
                    "Namn", value=old_member.name if old_member else "", key=f"{row}_namn"
                ),
                party_col.selectbox(
                    "Part",
                    list(local.PARTIES),
                    format_func=local.PARTIES.get,
                    index=list(local.PARTIES).index(old_member.party) if old_member else 0,
                    key=f"{row}_part",
                ),
                mail_col.text_input(
                    "E-post", value=old_member.email if old_member else "", key=f"{row}_epost"
                ),
                report_col.checkbox(
                    "Rapporterar",
                    value=bool(old_member.reports) if old_member else False,
                    key=f"{row}_rapp",
                ),
            )
        )
    st.subheader("Styrgruppens möten")
    meeting_text = st.text_area(
        "Ett möte per rad: datum (ÅÅÅÅ-MM-DD) och gärna vad mötet gäller",
        value="\n".join(f"{m.meeting_date.isoformat()} {m.note}".strip() for m in start.meetings),
        key=f"{prefix}_moten",
        placeholder="2027-03-10 Lägesbild och orsaksanalys",
    )
    actor = signin.acting(key=f"{prefix}_vem")
    submitted = st.form_submit_button("Spara överenskommelsen")


def _meetings(text: str) -> tuple[list[local.Meeting], list[str]]:
    """The meeting lines, and what is wrong with any (named by line)."""
    found, problems = [], []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        first, _, rest = line.partition(" ")
        try:
            found.append(local.Meeting(date.fromisoformat(first), rest.strip()))
        except ValueError:
            problems.append(
                f"Möten, rad {number}: börja raden med ett datum (ÅÅÅÅ-MM-DD), inte {first!r}"
            )
    return found, problems


if submitted:
    meeting_list, meeting_problems = _meetings(meeting_text)
    if meeting_problems:  # the lines that are not meetings; the agreement's rules: local.check
        st.error("Sparades inte:\n- " + "\n- ".join(meeting_problems))
    else:
        draft = local.Agreement(
            district=code,
            title=title,
            police_areas=tuple(police),
            valid_from=valid_from if isinstance(valid_from, date) else None,
            valid_to=valid_to if isinstance(valid_to, date) else None,
            revision_date=revision if isinstance(revision, date) else None,
            areas=tuple(
                local.LocalArea(
                    key=k,
                    title=t,
                    description=d,
                    city_areas=tuple(a for a in s if a != local.LOCAL_ONLY),
                    indicators=tuple(i),
                    local_only=local.LOCAL_ONLY in s,
                )
                for k, t, d, s, i in drafts
                if t.strip()
            ),
            members=tuple(
                local.Member(role=r, name=nm, party=pt, email=em, reports=bool(rp))
                for r, nm, pt, em, rp in people
                if nm.strip() or r.strip()
            ),
            meetings=tuple(meeting_list),
        )
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
            read, place = local_excel.from_excel(state.cursor(), staged.path, staged.name)
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
