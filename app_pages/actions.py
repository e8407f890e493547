"""Åtgärder: the action register (create, edit every field, follow-up notes, plan next year),
the assessments of the goals beside the calculated status, and the analysis comments.

Every form that changes a record is keyed by that record, so choosing another action shows
that action's values and never saves the first one's. Every write goes through
``service.followup`` (role, rules, one transaction, audit entry)."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from app_pages import signin, state, tables, views
from app_pages.meetings import no_writes_in_meeting
from service import before_after, followup, indicator_values, local, uploads
from service.writes import PermissionDenied, Principal, RuleBroken, may

WHOLE_AREA = "(hela området)"

st.title("Åtgärder, bedömningar och lägesbild")
no_writes_in_meeting("ändra åtgärder, bedömningar eller lägesbilder")
catalogue = indicator_values.catalogue()
areas = dict(catalogue.areas())
regions = indicator_values.district_options()
names = ["Hela staden", *[n for n in regions if n != "Hela staden"]]
region_name = {code: name for name, code in regions.items()}
actor: Principal | None = signin.acting()
# What to offer: the signed-in user's role; in demo mode everything (a name is needed to save).
viewer = signin.principal() or Principal("demo", "administratör")


def writer():  # type: ignore[no-untyped-def]
    """A cursor on the store for a write, made only when one is saved (a rerun that only
    shows pays nothing for it)."""
    return state.cursor()


def save(write, success: str) -> object:  # type: ignore[no-untyped-def]
    """Run a write of the service; show what it refused, in Swedish, or ``success``."""
    if actor is None:
        st.error("Skriv ditt namn först: det sparas med varje ändring.")
        return None
    try:
        result = write(actor)
    except (PermissionDenied, RuleBroken, uploads.UploadRefused) as exc:
        message = str(exc)
        st.error(message if message.startswith("Sparades inte") else f"Sparades inte: {message}")
        return None
    # Show the message after a fresh run, so the register, the forms and the history on the
    # page all show the saved state (and a form's note field is empty again).
    st.session_state["atgarder_klart"] = success.format(result=result)
    st.rerun()
    return result


views.saved_message("atgarder_klart")


# The districts this user may write for; the server checks again when saving.
writable = [n for n in names if may(viewer, "actions", [regions[n]])]
if viewer.districts:
    st.caption(f"Du kan ändra uppgifter för: {', '.join(writable)}.")


def indicator_title(indicator: str) -> str:
    return (
        catalogue.definitions[indicator].title if indicator in catalogue.definitions else indicator
    )


st.header("Åtgärdsregister")
owner = st.radio(
    "Visa", ["alla", *followup.OWNERS], horizontal=True, key="agare", bind="query-params"
)
local_options = local.local_area_options()
local_filter = st.selectbox(
    "Visa åtgärder för lokalt område",
    ["", *local_options],
    format_func=lambda k: "alla" if not k else local_options[k],
    key="lokalt_omrade",
    bind="query-params",
    help="Åtgärderna som tjänar ett lokalt prioriterat område i en lokal överenskommelse.",
)
register = followup.register(None if owner == "alla" else owner)
if local_filter:
    district, _, key = local_filter.partition(":")
    register = register[
        (register["region_code"].astype(str) == district) & (register["local_area"] == key)
    ]
if register.empty:
    st.caption("Inga åtgärder registrerade.")
else:
    shown = pd.DataFrame(
        {
            # The most important first; the contact person is in the form and the download.
            "Nr": register["id"],
            "Åtgärd": register["title"],
            "Status": register["status"],
            "Stadsdelsområde": register["region_name"],
            "Område": register["area"].map(lambda a: areas.get(a, a)),
            # An action without an end date has an empty cell (not "None").
            "Start": register["start_date"].map(lambda d: "" if pd.isna(d) else str(d)),
            "Slut": register["end_date"].map(lambda d: "" if pd.isna(d) else str(d)),
            "Ägare": register["owner"],
            "Ansvarig": register["responsible_unit"],
            "Lokalt område": [
                local_options.get(f"{c}:{k}", "").partition(" – ")[2] if k else ""
                for c, k in zip(register["region_code"], register["local_area"], strict=True)
            ],
            "Uppföljning": register["notes"].fillna(""),
            "Exempel": register["is_example"].map({True: "exempeldata", False: ""}),
        }
    )
    tables.table(shown, hide_index=True, key="register")
    views.downloads(uploads.export_actions(register, catalogue), "atgarder", "actions")

    st.header("Hjälpte det? Före och efter en åtgärd")
    followed = register[register["indicators"].fillna("").astype(str) != ""]
    if followed.empty:
        st.caption("Ingen åtgärd i urvalet har indikatorer att följa.")
    else:
        titled = dict(zip(followed["id"].astype(int), followed["title"], strict=True))
        picked = st.selectbox(
            "Åtgärd att jämföra före och efter",
            list(titled),
            format_func=lambda i: f"{i}: {titled[i]}",
            key="effekt_nr",
            bind="query-params",
        )
        row = followed[followed["id"].astype(int) == int(picked)].iloc[0]
        compared = before_after.for_action(row.to_dict())
        start = row["start_date"]
        st.caption(
            f"{row['region_name']}: åtgärdens indikatorer det sista hela året före starten "
            + (f"({pd.Timestamp(start).date().isoformat()}) " if pd.notna(start) else "")
            + "och det senaste hela året efter startåret, med 95 % osäkerhetsintervall."
        )
        if compared:
            tables.table(
                pd.DataFrame(
                    {
                        "Indikator": [c.title for c in compared],
                        "Enhet": [c.unit for c in compared],
                        "Före": [c.before for c in compared],
                        "Efter": [c.after for c in compared],
                        "Vad jämförelsen visar": [c.finding for c in compared],
                    }
                ),
                hide_index=True,
                key="effekt_tabell",
            )
        else:
            st.caption("Åtgärdens indikatorer har inga värden för dess område.")
        st.info(before_after.CAVEAT, icon=":material/info:")

with st.expander("Läs in åtgärder från Excel", expanded=False):
    st.caption(
        "Samma kolumner som i nedladdningen. En rad med Nr ändrar den åtgärden, en rad "
        "utan Nr blir en ny. Inget sparas förrän alla rader är rätt."
    )
    upload = st.file_uploader("Fil", type=["xlsx", "xls", "ods", "csv"], key="atgard_fil")
    staged = views.staged_upload(upload, "atgard_staged")
    if staged is not None:
        try:
            imported = uploads.read_actions(writer(), staged, catalogue)
        except uploads.UploadRefused as exc:
            st.error(f"{views.plain(staged.name)}: {views.plain(exc)}")
        else:
            if imported.findings:
                tables.table(
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
                    save(
                        lambda who: uploads.commit_actions(writer(), who, imported, staged),
                        "Åtgärderna sparade.",
                    )


def _pick(options: list[str], value: object) -> int:
    return options.index(str(value)) if value is not None and str(value) in options else 0


def _day(value: object) -> date | None:
    stamp = pd.Timestamp(value) if value is not None else pd.NaT  # type: ignore[arg-type]
    return None if pd.isna(stamp) else stamp.date()


def action_fields(prefix: str, current: dict | None, choices: list[str]) -> dict[str, object]:
    """Every field of an action, each widget keyed by ``prefix`` (the record's own key), with
    the record's values as defaults: what it is and who owns it, then when and what for."""
    current = current or {}
    return {**_what_fields(prefix, current, choices), **_when_fields(prefix, current)}


def _what_fields(prefix: str, current: dict, choices: list[str]) -> dict[str, object]:
    """Title, description, area, district, owner, unit and status."""
    pick = _pick
    area_ids = list(areas)
    here = region_name.get(str(current.get("region_code")), "")
    places = choices if not here or here in choices else [here, *choices]
    return {
        "title": st.text_input(
            "Åtgärd", value=str(current.get("title") or ""), key=f"{prefix}_titel"
        ),
        "description": st.text_area(
            "Beskrivning", value=str(current.get("description") or ""), key=f"{prefix}_beskr"
        ),
        "area": st.selectbox(
            "Prioriterat område",
            area_ids,
            index=pick(area_ids, current.get("area")),
            format_func=areas.get,
            key=f"{prefix}_omr",
        ),
        "region_code": regions[
            st.selectbox("Stadsdelsområde", places, index=pick(places, here), key=f"{prefix}_sdo")
        ],
        "owner": st.selectbox(
            "Ägare",
            followup.OWNERS,
            index=pick(followup.OWNERS, current.get("owner")),
            key=f"{prefix}_agare",
        ),
        "responsible_unit": st.text_input(
            "Ansvarig enhet",
            value=str(current.get("responsible_unit") or ""),
            key=f"{prefix}_enhet",
        ),
        "status": st.selectbox(
            "Status",
            followup.STATUSES,
            index=pick(followup.STATUSES, current.get("status")),
            key=f"{prefix}_status",
        ),
    }


def _when_fields(prefix: str, current: dict) -> dict[str, object]:
    """Dates, the expected effect, the local area it serves, the contact and indicators."""
    pick, day = _pick, _day
    chosen = [
        i for i in str(current.get("indicators") or "").split(",") if i in catalogue.definitions
    ]
    local_key = current.get("local_area")
    here_local = (
        f"{current.get('region_code')}:{local_key}"
        if local_key is not None and not pd.isna(local_key)
        else ""
    )
    # An action being changed is offered its own district's local areas only (a new one all,
    # each named with its district: a form cannot follow the district chosen in it; the rule
    # refuses a local area of another district).
    own = f"{current.get('region_code')}:" if current and current.get("region_code") else ""
    offered = {k: v for k, v in local_options.items() if k.startswith(own)}
    return {
        "start_date": st.date_input(
            "Start",
            value=day(current.get("start_date")) if current else date.today(),
            key=f"{prefix}_start",
            format="YYYY-MM-DD",
        ),
        "end_date": st.date_input(
            "Slut", value=day(current.get("end_date")), key=f"{prefix}_slut", format="YYYY-MM-DD"
        ),
        "expected_effect": st.text_area(
            "Förväntad effekt",
            value=str(current.get("expected_effect") or ""),
            key=f"{prefix}_effekt",
        ),
        "local_area": st.selectbox(
            "Lokalt område (ur stadsdelsområdets lokala överenskommelse)",
            ["", *offered],
            index=pick(["", *offered], here_local),
            format_func=lambda k: "inget" if not k else offered[k],
            key=f"{prefix}_lokalt",
        ),
        "contact": st.text_input(
            "Kontaktperson (e-post; får påminnelser före slutdatum och när det passerats)",
            value="" if pd.isna(current.get("contact")) else str(current.get("contact") or ""),
            key=f"{prefix}_kontakt",
        ),
        "indicators": st.multiselect(
            "Indikatorer den ska påverka",
            sorted(catalogue.definitions),
            default=chosen,
            format_func=indicator_title,
            key=f"{prefix}_ind",
            placeholder="Välj en eller flera",
        ),
    }


if writable:
    with st.expander("Ny åtgärd", expanded=False), st.form("new_action", clear_on_submit=True):
        values = action_fields("ny", None, writable)
        if st.form_submit_button("Spara åtgärden"):
            save(
                lambda who: followup.new_action(writer(), who, values),
                "Åtgärd {result} sparad.",
            )

# Only the actions this user may change are offered (the server checks again).
changeable = followup.changeable(register, viewer)
if not changeable.empty:
    with st.expander("Ändra, följ upp eller avsluta en åtgärd", expanded=False):
        by_id = register.set_index("id")
        chosen = st.selectbox(
            "Åtgärd",
            list(changeable["id"]),
            key="andra_nr",
            format_func=lambda i: f"{i}: {by_id.loc[i, 'title']}",
        )
        current = followup.one_action(int(chosen))
        # One form per action: its widgets are keyed by the action, so another action never
        # inherits this one's values.
        with st.form(f"andra_{chosen}", clear_on_submit=True):
            changes = action_fields(f"andra_{chosen}", current, writable)
            note = st.text_area(
                "Uppföljning (läggs till med dagens datum)", key=f"andra_{chosen}_not"
            )
            if st.form_submit_button("Spara ändringen"):
                save(
                    lambda who: (
                        ", ".join(
                            followup.FIELD_LABELS[f]
                            for f in followup.change_action(
                                writer(), who, int(chosen), changes, note
                            )
                        )
                        or "bara uppföljningen"
                    ),
                    f"Åtgärd {chosen} sparad. Ändrat: " + "{result}.",
                )
        history = followup.history(int(chosen)).fillna("")
        tables.table(
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
            key=f"history_{chosen}",
        )

    next_year = date.today().year + 1
    with st.expander(f"Plan för {next_year}: fortsätt pågående och planerade åtgärder"):
        candidates = followup.candidates_among(next_year, changeable)
        st.caption(
            f"{len(candidates)} åtgärder är inte avslutade och inte redan kopierade till "
            f"{next_year}. En åtgärd kopieras bara en gång till samma år."
        )
        if not candidates.empty and st.button(f"Kopiera till {next_year}", key="kopiera"):
            save(
                lambda who: len(followup.copy_actions(writer(), who, candidates["id"], next_year)),
                "{result} åtgärder kopierade till " + str(next_year) + ".",
            )


def area_and_indicator(prefix: str) -> tuple[str, str, int, str | None]:
    left, right = st.columns(2)
    area = left.selectbox(
        "Prioriterat område", list(areas), format_func=areas.get, key=f"{prefix}_omr"
    )
    region = right.selectbox("Stadsdelsområde", writable or names, key=f"{prefix}_sdo")
    year = left.number_input(
        "År", 2015, date.today().year, date.today().year - 1, key=f"{prefix}_ar"
    )
    indicator = right.selectbox(
        "Indikator (valfritt)",
        [WHOLE_AREA, *catalogue.indicators_for(area)],
        format_func=lambda i: i if i == WHOLE_AREA else indicator_title(i),
        key=f"{prefix}_ind",
        placeholder="Välj en eller flera",
    )
    return area, regions[region], int(year), None if indicator == WHOLE_AREA else indicator


st.header("Bedömning av målen")
judged_area, judged_region, judged_year, judged_indicator = area_and_indicator("bed")
statuses = followup.statuses(None, judged_area, judged_region, judged_year, judged_indicator,
                             frames=indicator_values.all_values())  # fmt: skip
st.markdown(f"Indikatorerna visar: **{followup.assessment.calculated(statuses)}**")
judgement = st.radio("Bedömning", followup.JUDGEMENTS, key="bed_dom", horizontal=True)
justification = st.text_area("Motivering", key="bed_motiv")
if followup.assessment.disagrees(judgement, statuses):
    st.warning("Bedömningen går emot vad indikatorerna visar: motivering krävs.")
if st.button("Spara bedömningen", key="bed_spara"):
    save(
        lambda who: followup.assess(
            writer(),
            who,
            area=judged_area,
            region_code=judged_region,
            year=judged_year,
            judgement=judgement,
            justification=justification,
            indicator=judged_indicator,
        ),
        "Bedömningen sparad.",
    )
saved = followup.saved_assessments()
if not saved.empty:
    tables.table(
        pd.DataFrame(
            {
                "Område": saved["area"].map(lambda a: areas.get(a, a)),
                "Indikator": saved["indicator"].map(
                    lambda i: "" if i is None or pd.isna(i) else indicator_title(str(i))
                ),
                "Stadsdelsområde": saved["region_code"].map(region_name),
                "År": saved["year"],
                "Bedömning": saved["judgement"].fillna(""),
                "Indikatorerna visade": saved["calculated_status"].fillna(""),
                "Motivering": saved["justification"].fillna(""),
                "Av": saved["assessed_by"].fillna(""),
            }
        ),
        hide_index=True,
        key="assessments",
    )

st.header("Lägesbild och orsaksanalys")
comment_area, comment_region, comment_year, comment_indicator = area_and_indicator("kom")
text = st.text_area("Text", key="kom_text")
if st.button("Spara texten", key="kom_spara"):
    save(
        lambda who: followup.comment(
            writer(),
            who,
            area=comment_area,
            region_code=comment_region,
            year=comment_year,
            text=text,
            indicator=comment_indicator,
        ),
        "Texten sparad.",
    )
