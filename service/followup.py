"""Follow-up use cases: the action register (create, edit every field, notes, copy to next
year), assessments of the goals beside what the indicators show, analysis comments, and
saved upload mappings. Each write is checked and applied through ``service.writes``."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from datetime import date
from typing import TypeVar

import duckdb
import pandas as pd

from access.roles import Principal
from catalogue.catalogue import CURRENT_AGREEMENT
from indicators import assessment
from indicators.basis import Request
from indicators.results import values_all
from indicators.summaries import latest_row
from service import indicator_values, session
from service.readmodel import view
from service.writes import DATE_RANGE, RuleBroken, guarded, may, out_of_range
from store import audit, followup, loading, reference_data
from store import local as store_local

OWNERS = ["stad", "polis", "gemensamt"]
STATUSES = ["planerad", "pågående", "genomförd", "avbruten"]
ACTION_FIELDS = followup.ACTION_FIELDS
JUDGEMENTS = assessment.JUDGEMENTS
FIELD_LABELS = {
    "agreement": "överenskommelse",
    "title": "rubrik",
    "description": "beskrivning",
    "area": "prioriterat område",
    "region_code": "stadsdelsområde",
    "owner": "ägare",
    "responsible_unit": "ansvarig enhet",
    "status": "status",
    "start_date": "start",
    "end_date": "slut",
    "expected_effect": "förväntad effekt",
    "indicators": "indikatorer",
    "local_area": "lokalt område",
    "contact": "kontaktperson",
}
TEXT_LIMITS = {
    "title": 200,
    "responsible_unit": 200,
    "description": 4000,
    "expected_effect": 4000,
    "contact": 200,
}
R = TypeVar("R")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

# Reads (no role needed): the pages render these.
actions = followup.actions
action = followup.action
action_history = followup.action_history
assessments = followup.assessments
comments = followup.comments


# The same reads for a page: on the process's copy of the store, kept per follow-up version
# (issue 33: Åtgärder read the register five times a rerun, on the lake itself). Frames are
# shared between runs: a caller that changes one copies it first.
@view("followup", max_entries=16)
def register(owner: str | None = None) -> pd.DataFrame:
    """The action register (or one owner's actions)."""
    return _read(lambda con: followup.actions(con, owner))


@view("followup", max_entries=64)
def one_action(action_id: int) -> dict[str, object] | None:
    return _read(lambda con: followup.action(con, action_id))


@view("followup", max_entries=64)
def history(action_id: int) -> pd.DataFrame:
    return _read(lambda con: followup.action_history(con, action_id))


@view("followup", max_entries=8)
def saved_assessments() -> pd.DataFrame:
    return _read(followup.assessments)


@view("followup", max_entries=8)
def candidates(year: int) -> pd.DataFrame:
    """:func:`copy_candidates` for a page."""
    return _read(lambda con: copy_candidates(con, year))


def candidates_among(year: int, among: pd.DataFrame) -> pd.DataFrame:
    """The candidates to copy to ``year`` that are among the actions ``among``."""
    found = candidates(year)
    return found[found["id"].isin(among["id"])]


def changeable(register: pd.DataFrame, principal: Principal | None) -> pd.DataFrame:
    """The actions of the register ``principal`` may change (their role's districts): the
    ones a page offers; the write path checks again."""
    if register.empty:
        return register.iloc[0:0]
    return register[[may(principal, "actions", [str(c)]) for c in register["region_code"]]]


def _read(query: Callable[[duckdb.DuckDBPyConnection], R]) -> R:
    con = session.cursor()
    try:
        return query(con)
    finally:
        con.close()


def _checked_action(
    con: duckdb.DuckDBPyConnection,
    values: Mapping[str, object],
    current: Mapping[str, object] | None = None,
) -> dict:
    """The values of an action with the rules of the register applied (dates against the
    stored ones when only one changes); refuses with every problem named."""
    clean: dict[str, object] = {}
    for field in ACTION_FIELDS:
        if field not in values:
            continue
        value = values[field]
        if isinstance(value, str):
            value = value.strip()
        clean[field] = value
    problems = []
    if "title" in clean and not clean["title"]:
        problems.append("åtgärden behöver en rubrik")
    if "owner" in clean and clean["owner"] not in OWNERS:
        problems.append(f"ägare ska vara en av {', '.join(OWNERS)}")
    if "status" in clean and clean["status"] not in STATUSES:
        problems.append(f"status ska vara en av {', '.join(STATUSES)}")
    for field, limit in TEXT_LIMITS.items():
        if isinstance(clean.get(field), str) and len(str(clean[field])) > limit:
            problems.append(f"{FIELD_LABELS[field]} får vara högst {limit} tecken")
    start = _day(clean.get("start_date", (current or {}).get("start_date")))
    end = _day(clean.get("end_date", (current or {}).get("end_date")))
    if start is not None and end is not None and end < start:
        problems.append("slutdatum ligger före startdatum")
    for label, day in (("startdatum", start), ("slutdatum", end)):
        if out_of_range(day):
            problems.append(f"{label} ska vara {DATE_RANGE}, inte {day}")
    if "region_code" in clean and str(clean["region_code"]) not in reference_data.region_names(con):
        problems.append(f"okänt stadsdelsområde {clean['region_code']}")
    if "indicators" in clean:
        chosen = clean["indicators"]
        ids = (
            [i.strip() for i in str(chosen or "").split(",") if i.strip()]
            if not isinstance(chosen, list | tuple)
            else [str(i) for i in chosen]
        )
        unknown = [i for i in ids if i not in indicator_values.catalogue().definitions]
        if unknown:
            problems.append(f"okända indikatorer: {', '.join(unknown)}")
        clean["indicators"] = ",".join(ids)
    if clean.get("contact"):
        clean["contact"] = str(clean["contact"]).lower()
        if not EMAIL.match(str(clean["contact"])):
            problems.append(
                f"kontaktpersonen ska anges med e-postadress, inte {clean['contact']!r}"
            )
    elif "contact" in clean:
        clean["contact"] = None
    region = str(clean.get("region_code", (current or {}).get("region_code")))
    if clean.get("local_area"):
        district, _, key = str(clean["local_area"]).rpartition(":")
        if district and district != region:
            problems.append("det lokala området hör till ett annat stadsdelsområde än åtgärden")
        local = store_local.areas(con)
        keys = set(local[local["district"].astype(str) == region]["key"].astype(str))
        if key not in keys:
            problems.append(
                f"{key} är inget lokalt område i stadsdelsområdets lokala överenskommelse"
            )
        clean["local_area"] = key
    elif "local_area" in clean:
        clean["local_area"] = None
    if problems:
        raise RuleBroken("Sparades inte: " + "; ".join(problems) + ".")
    return clean


def _day(value: object) -> date | None:
    stamp = pd.Timestamp(value) if value is not None else pd.NaT  # type: ignore[arg-type]
    return None if pd.isna(stamp) else stamp.date()


def new_action(
    con: duckdb.DuckDBPyConnection, principal: Principal, values: Mapping[str, object]
) -> int:
    clean = _checked_action(con, {"agreement": CURRENT_AGREEMENT, "status": "planerad", **values})
    for required in ("area", "region_code", "title", "owner"):
        if not clean.get(required):
            raise RuleBroken(f"Sparades inte: {FIELD_LABELS[required]} saknas.")
    with guarded(con, principal, "actions", [str(clean["region_code"])]):
        return followup.add_action(con, clean, principal.name)


def change_action(
    con: duckdb.DuckDBPyConnection,
    principal: Principal,
    action_id: int,
    changes: Mapping[str, object],
    note: str = "",
    noted_on: date | None = None,
) -> list[str]:
    """Change any fields of an action and add a follow-up note. The role must cover the
    action's district, and the new one when it moves. Returns the fields that changed."""
    current = followup.action(con, action_id)
    if current is None:
        raise RuleBroken(f"Åtgärd {action_id} finns inte.")
    clean = _checked_action(con, changes, current)
    regions = {str(current["region_code"]), str(clean.get("region_code", current["region_code"]))}
    with guarded(con, principal, "actions", regions):
        changed = followup.update_action(con, action_id, clean, principal.name)
        if note.strip():
            followup.add_note(
                con, action_id, noted_on or date.today(), note.strip()[:4000], principal.name
            )
    return changed


def copy_candidates(con: duckdb.DuckDBPyConnection, year: int) -> pd.DataFrame:
    """Unfinished actions that can continue into ``year``: planned or ongoing, not already
    copied there, and not themselves starting in that year."""
    register = followup.actions(con)
    if register.empty:
        return register
    done = followup.copies_in_year(con, year)
    starts = pd.to_datetime(register["start_date"]).dt.year
    keep = (
        register["status"].isin(["planerad", "pågående"])
        & ~register["id"].isin(list(done))
        & ~(starts >= year)
    )
    return register[keep]


def copy_actions(
    con: duckdb.DuckDBPyConnection, principal: Principal, action_ids: Iterable[int], year: int
) -> list[int]:
    """Continue the given actions into ``year`` as planned actions (all or none). An action
    already copied to that year, or already running in it, is refused: copying twice never
    makes duplicates."""
    ids = [int(i) for i in action_ids]
    register = followup.actions(con).set_index("id")
    missing = [i for i in ids if i not in register.index]
    if missing:
        raise RuleBroken(f"Åtgärd {', '.join(map(str, missing))} finns inte.")
    done = followup.copies_in_year(con, year)
    problems = [
        f"åtgärd {i} är redan kopierad till {year} (som åtgärd {done[i]})" for i in ids if i in done
    ]
    for i in ids:
        start = register.loc[i, "start_date"]
        if start is not None and not pd.isna(start) and pd.Timestamp(start).year >= year:
            problems.append(f"åtgärd {i} gäller redan {year}")
    if problems:
        raise RuleBroken("Kopierades inte: " + "; ".join(problems) + ".")
    regions = {str(register.loc[i, "region_code"]) for i in ids}
    created = []
    with guarded(con, principal, "actions", regions):
        for i in ids:
            row = register.loc[i]
            values = {k: row.get(k) for k in ACTION_FIELDS}
            values.update(
                status="planerad", start_date=date(year, 1, 1), end_date=date(year, 12, 31)
            )
            created.append(followup.add_action(con, values, principal.name, copied_from=i))
    return created


def statuses(
    con: duckdb.DuckDBPyConnection | None,
    area: str,
    region_code: str,
    year: int,
    indicator: str | None = None,
    frames: dict[str, pd.DataFrame] | None = None,
) -> list[str]:
    """The calculated statuses an assessment is judged against: the area's indicators (or
    the one indicator) for the district and year, on today's boundaries, from ``con`` (or
    from ``frames``, every indicator's values as a page has them cached)."""
    catalogue = indicator_values.catalogue()
    chosen = [indicator] if indicator else catalogue.indicators_for(area)
    found = []
    if frames is None:
        if con is None:
            raise ValueError("statuses needs a connection or the frames")
        frames = values_all(con, catalogue, Request(boundaries="today"))  # stored where current
    for ind in chosen:
        if ind not in catalogue.definitions:
            continue
        frame = frames[ind]
        if frame.empty:
            continue
        row = latest_row(frame[frame["year"] == year], region_code)
        if row is not None:
            found.append(str(row["status"]))
    return found


def assess(
    con: duckdb.DuckDBPyConnection,
    principal: Principal,
    *,
    area: str,
    region_code: str,
    year: int,
    judgement: str,
    justification: str = "",
    indicator: str | None = None,
) -> str:
    """Save a judgement of a goal (an area, or one of its indicators). A judgement that goes
    against what the indicators show needs a justification: the rule is applied here, not
    only on the page. Returns what the indicators showed."""
    catalogue = indicator_values.catalogue()
    if area not in dict(catalogue.areas()):
        raise RuleBroken(f"Sparades inte: okänt prioriterat område {area}.")
    if indicator and indicator not in catalogue.indicators_for(area):
        raise RuleBroken(f"Sparades inte: indikatorn {indicator} hör inte till området.")
    found = statuses(con, area, region_code, year, indicator)
    problems = assessment.check(judgement, found, justification)
    if problems:
        raise RuleBroken("Sparades inte: " + "; ".join(problems) + ".")
    calculated = assessment.calculated(found)
    values = {
        "area": area,
        "indicator": indicator or None,
        "region_code": region_code,
        "year": int(year),
        "judgement": judgement,
        "justification": (justification or "").strip()[:4000],
        "calculated_status": calculated,
    }
    with guarded(con, principal, "assessments", [region_code]):
        followup.add_assessment(con, values, principal.name)
    return calculated


def comment(
    con: duckdb.DuckDBPyConnection,
    principal: Principal,
    *,
    area: str,
    region_code: str,
    year: int,
    text: str,
    indicator: str | None = None,
) -> None:
    """Save the situation picture and cause analysis for an area or one of its indicators."""
    cleaned = (text or "").strip()
    if not cleaned:
        raise RuleBroken("Sparades inte: skriv en text.")
    if len(cleaned) > 20000:
        raise RuleBroken("Sparades inte: texten får vara högst 20 000 tecken.")
    catalogue = indicator_values.catalogue()
    if indicator and indicator not in catalogue.indicators_for(area):
        raise RuleBroken(f"Sparades inte: indikatorn {indicator} hör inte till området.")
    values = {
        "area": area,
        "indicator": indicator or None,
        "region_code": region_code,
        "year": int(year),
        "text": cleaned,
    }
    with guarded(con, principal, "comments", [region_code]):
        followup.add_comment(con, values, principal.name)


def save_mapping(
    con: duckdb.DuckDBPyConnection, principal: Principal, name: str, mapping_json: str
) -> None:
    """Keep a mapping of a respondent-level file under a name. One of that name is replaced
    only by the person who saved it or an administratör; every save is audited."""
    cleaned = " ".join(name.split())[:100]
    if not cleaned:
        raise RuleBroken("Sparades inte: ge kopplingen ett namn.")
    with guarded(con, principal, "upload"):
        owner = loading.mapping_owner(con, cleaned)
        if owner is not None and owner != principal.name and principal.role != "administratör":
            raise RuleBroken(
                f"Sparades inte: kopplingen {cleaned} är sparad av {owner}, och bara hen eller "
                "en administratör kan ersätta den. Välj ett annat namn."
            )
        loading.save_mapping(con, cleaned, mapping_json, principal.name)
        detail = cleaned if owner is None else f"{cleaned} (ersatte {owner}s)"
        audit.record(con, principal.name, "koppling sparad", detail)


mappings = loading.mappings


@view("followup", "data", max_entries=4)
def action_register() -> pd.DataFrame:
    """Every action with its district's name and its follow-up notes."""
    con = session.cursor()
    try:
        return followup.actions(con)
    finally:
        con.close()
