"""Local agreements: each district's own samverkansöverenskommelse with its
lokalpolisområden (validity, revision date), its local priority areas (each serving one or
more of the five city-wide areas, or "endast lokalt", with the indicators followed), its
steering group and meeting dates. Checked here with every problem named where it is (a form
field, or an Excel sheet and cell), saved as a new version through the one guarded path (an
administratör, or a rapportör for their own district; audited). Saving what is already stored
changes nothing. Also the register of lokalpolisområden and the coverage matrix."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date

import duckdb
import pandas as pd

from access.roles import Principal
from catalogue.police_areas import PoliceArea, register
from service import indicator_values, session
from service.indicator_values import region_names
from service.readmodel import view
from service.writes import DATE_RANGE, RuleBroken, guarded, out_of_range
from store import local as store_local
from store import reference_data

PARTIES = {"stad": "Staden", "polis": "Polisen", "annan": "Annan"}
LOCAL_ONLY = "endast lokalt"
# The two rules of a local area's city-wide areas, said where the area is named.
SERVES = f"välj vilka stadsövergripande områden det tjänar, eller ”{LOCAL_ONLY}”"
MIXED = f"”{LOCAL_ONLY}” går inte ihop med ett stadsövergripande område"
REVISION_YEARS = 4
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
KEY = re.compile(r"^L[0-9]{1,4}$")

# Where a problem is: (part, row number from 1 or None, field) → words naming the place.
Locate = Callable[[str, int | None, str], str]
PART_WORDS = {
    "agreement": "Överenskommelsen",
    "areas": "Lokala områden",
    "members": "Styrgruppen",
    "meetings": "Möten",
}
FIELD_WORDS = {
    "district": "stadsdelsområde",
    "title": "rubrik",
    "police_areas": "lokalpolisområden",
    "valid_from": "gäller från",
    "valid_to": "gäller till",
    "revision_date": "revideras senast",
    "key": "nyckel",
    "description": "beskrivning",
    "city_areas": "stadsövergripande områden",
    "indicators": "indikatorer",
    "role": "roll",
    "name": "namn",
    "party": "part",
    "email": "e-post",
    "reports": "rapporterar",
    "meeting_date": "datum",
    "note": "anteckning",
}


def form_place(part: str, row: int | None, name: str) -> str:
    where = PART_WORDS[part] + (f", rad {row}" if row is not None else "")
    return f"{where}, {FIELD_WORDS.get(name, name)}"


@dataclass(frozen=True)
class LocalArea:
    key: str
    title: str
    description: str = ""
    city_areas: tuple[str, ...] = ()  # the city-wide areas it serves
    indicators: tuple[str, ...] = ()
    # Chosen as serving none of them ("endast lokalt"). An area must say one or the other,
    # never both: check() refuses an area with neither, or with both (every front door).
    local_only: bool = False


@dataclass(frozen=True)
class Member:
    role: str
    name: str
    party: str
    email: str = ""
    reports: bool = False
    # The day they became responsible for the district's reports (store_local.reporting_since);
    # None where not known (a draft). Not part of what the agreement says.
    since: date | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Meeting:
    meeting_date: date
    note: str = ""


@dataclass(frozen=True)
class Agreement:
    district: str
    title: str
    police_areas: tuple[str, ...]
    valid_from: date | None
    valid_to: date | None
    revision_date: date | None
    areas: tuple[LocalArea, ...] = ()
    members: tuple[Member, ...] = ()
    meetings: tuple[Meeting, ...] = ()
    version: int | None = field(default=None, compare=False)
    saved_by: str = field(default="", compare=False)
    is_example: bool = field(default=False, compare=False)


def police_areas() -> dict[str, PoliceArea]:
    """The register of lokalpolisområden (data/reference/lokalpolisomraden.csv)."""
    return {p.code: p for p in register()}


def police_areas_of(district: str) -> list[PoliceArea]:
    """The lokalpolisområden the register links to a district."""
    return [p for p in register() if district in p.districts]


def police_area_name(code: str) -> str:
    area = police_areas().get(code)
    if area is None:
        return code
    return area.name + ("" if area.verified else " (ej kontrollerat i registret)")


def city_areas() -> dict[str, str]:
    """The five city-wide areas of the current agreement: id → title."""
    return dict(indicator_values.catalogue().areas())


def text(value: object) -> str:
    return " ".join(str(value or "").split()) if value is not None else ""


Problem = Callable[[str, int | None, str, str], None]


def check(
    con: duckdb.DuckDBPyConnection,
    draft: Agreement,
    place: Locate = form_place,
    previous: Agreement | None = None,
) -> Agreement:
    """The agreement with its texts cleaned and new local areas given keys; refuses with
    every problem named where it is (``place``: the form's words, or a file's sheet and
    cell). The same rules for every front door: the page, the Excel import, a direct call."""
    problems: list[str] = []

    def problem(part: str, row: int | None, name: str, what: str) -> None:
        problems.append(f"{place(part, row, name)}: {what}")

    title, police = _checked_head(con, draft, problem)
    areas = _checked_areas(draft, previous, problem)
    members = _checked_members(draft, problem)
    meetings = _checked_meetings(draft, problem)
    if problems:
        raise RuleBroken("Sparades inte:\n- " + "\n- ".join(problems))
    return replace(
        draft,
        title=title,
        police_areas=police,
        areas=tuple(areas),
        members=tuple(members),
        meetings=tuple(sorted(meetings, key=lambda m: m.meeting_date)),
    )


def _checked_head(
    con: duckdb.DuckDBPyConnection, draft: Agreement, problem: Problem
) -> tuple[str, tuple[str, ...]]:
    """The agreement's own fields: its district, title, partners and dates."""
    register_ = reference_data.regions(con, ("district",))
    districts = set(register_[register_["valid_to"].isna()]["code"].astype(str))
    if draft.district not in districts:
        problem("agreement", None, "district", "ett av dagens stadsdelsområden")
    title = text(draft.title)
    if not 3 <= len(title) <= 200:
        problem("agreement", None, "title", "3–200 tecken")
    register = police_areas()
    police = tuple(dict.fromkeys(text(p) for p in draft.police_areas if text(p)))
    if not police:
        problem("agreement", None, "police_areas", "minst ett lokalpolisområde")
    for code in police:
        if code not in register:
            problem(
                "agreement",
                None,
                "police_areas",
                f"{code} finns inte i registret över lokalpolisområden (ett av "
                f"{'; '.join(p.name for p in register.values())})",
            )
    if draft.valid_from is None:
        problem("agreement", None, "valid_from", "ett datum (ÅÅÅÅ-MM-DD)")
    if draft.revision_date is None:
        problem("agreement", None, "revision_date", "ett datum (ÅÅÅÅ-MM-DD)")
    if draft.valid_from and draft.valid_to and draft.valid_to < draft.valid_from:
        problem("agreement", None, "valid_to", "ett datum efter gäller från")
    for name in ("valid_from", "valid_to", "revision_date"):
        if out_of_range(getattr(draft, name)):
            problem("agreement", None, name, DATE_RANGE)
    if draft.valid_from and draft.revision_date:
        latest = draft.valid_from.replace(year=draft.valid_from.year + REVISION_YEARS)
        if not draft.valid_from <= draft.revision_date <= latest:
            problem(
                "agreement",
                None,
                "revision_date",
                f"ett datum mellan {draft.valid_from} och {latest} (överenskommelsen revideras "
                f"vart {REVISION_YEARS}:e år)",
            )
    return title, police


def _checked_areas(
    draft: Agreement, previous: Agreement | None, problem: Problem
) -> list[LocalArea]:
    """The local areas: keys kept or given, titles, the city-wide areas each serves (or
    "endast lokalt", never both and never neither) and the indicators followed."""
    wide = city_areas()
    by_title = {t.casefold(): i for i, t in wide.items()}
    definitions = indicator_values.catalogue().definitions
    if not draft.areas:
        problem("areas", None, "title", "minst ett lokalt prioriterat område")
    used_keys = {a.key for a in (previous.areas if previous else ())}
    numbers = [int(k[1:]) for k in used_keys | {a.key for a in draft.areas} if KEY.match(k)]
    next_key = max(numbers, default=0) + 1
    areas: list[LocalArea] = []
    seen_titles: set[str] = set()
    seen_keys: set[str] = set()
    for row, area in enumerate(draft.areas, start=1):
        key = text(area.key)
        if key and not KEY.match(key):
            problem("areas", row, "key", "tom för ett nytt område, annars L och ett nummer")
        if not key:  # a new row, or one whose key was left out: the same title keeps its key
            before = {a.title.casefold(): a.key for a in (previous.areas if previous else ())}
            key = before.get(text(area.title).casefold(), "")
            if not key or key in seen_keys:
                key = f"L{next_key}"
                next_key += 1
        if key in seen_keys:
            problem("areas", row, "key", f"{key} används redan av ett annat område")
        seen_keys.add(key)
        area_title = text(area.title)
        if not 3 <= len(area_title) <= 200:
            problem("areas", row, "title", "3–200 tecken")
        if area_title.casefold() in seen_titles:
            problem("areas", row, "title", "två områden har samma rubrik")
        seen_titles.add(area_title.casefold())
        if len(area.description or "") > 4000:
            problem("areas", row, "description", "högst 4 000 tecken")
        served: list[str] = []
        chosen = [text(i) for i in area.city_areas if text(i)]
        local_only = area.local_only or any(c.casefold() == LOCAL_ONLY for c in chosen)
        chosen = [c for c in chosen if c.casefold() != LOCAL_ONLY]
        if not chosen and not local_only:
            problem("areas", row, "city_areas", SERVES)
        elif chosen and local_only:
            problem("areas", row, "city_areas", MIXED)
        for name in chosen:
            code = name if name in wide else by_title.get(name.casefold())
            if code is None:
                problem(
                    "areas",
                    row,
                    "city_areas",
                    f"okänt område {name!r}; ett av {'; '.join(wide.values())}, eller "
                    f"{LOCAL_ONLY!r}",
                )
            elif code not in served:
                served.append(code)
        unknown = [i for i in area.indicators if text(i) and text(i) not in definitions]
        if unknown:
            problem("areas", row, "indicators", f"okänd indikator {', '.join(unknown)}")
        areas.append(
            LocalArea(
                key=key,
                title=area_title,
                description=(area.description or "").strip(),
                city_areas=tuple(served),
                indicators=tuple(dict.fromkeys(text(i) for i in area.indicators if text(i))),
                local_only=not served,
            )
        )
    return areas


def _checked_members(draft: Agreement, problem: Problem) -> list[Member]:
    """The steering group: roles, names, parties and the e-mail of whoever reports."""
    members: list[Member] = []
    for row, member in enumerate(draft.members, start=1):
        role, name, email = text(member.role), text(member.name), text(member.email)
        if not 2 <= len(role) <= 100:
            problem("members", row, "role", "2–100 tecken (t.ex. ordförande)")
        if not 2 <= len(name) <= 100:
            problem("members", row, "name", "2–100 tecken")
        if member.party not in PARTIES:
            problem("members", row, "party", "stad, polis eller annan")
        if email and not EMAIL.match(email):
            problem("members", row, "email", f"{email!r} är ingen e-postadress")
        if member.reports and not email:
            problem("members", row, "email", "den som rapporterar behöver en e-postadress")
        members.append(replace(member, role=role, name=name, email=email.lower()))
    return members


def _checked_meetings(draft: Agreement, problem: Problem) -> list[Meeting]:
    """The steering group's meetings: a date each, never the same twice."""
    meetings: list[Meeting] = []
    dates: set[date] = set()
    for row, meeting in enumerate(draft.meetings, start=1):
        if meeting.meeting_date is None:
            problem("meetings", row, "meeting_date", "ett datum (ÅÅÅÅ-MM-DD)")
            continue
        if meeting.meeting_date in dates:
            problem("meetings", row, "meeting_date", "samma datum står två gånger")
        if out_of_range(meeting.meeting_date):
            problem("meetings", row, "meeting_date", DATE_RANGE)
        dates.add(meeting.meeting_date)
        meetings.append(Meeting(meeting.meeting_date, text(meeting.note)[:300]))
    return meetings


def _changes(old: Agreement | None, new: Agreement) -> str:
    if old is None:
        return f"ny: {new.title}"
    parts = []
    if (old.title, old.police_areas, old.valid_from, old.valid_to, old.revision_date) != (
        new.title,
        new.police_areas,
        new.valid_from,
        new.valid_to,
        new.revision_date,
    ):
        parts.append("överenskommelsen")
    for name, words in (
        ("areas", "lokala områden"),
        ("members", "styrgrupp"),
        ("meetings", "möten"),
    ):
        if getattr(old, name) != getattr(new, name):
            parts.append(words)
    return "ändrat: " + ", ".join(parts)


def save(
    con: duckdb.DuckDBPyConnection,
    principal: Principal,
    draft: Agreement,
    place: Locate = form_place,
    is_example: bool = False,
) -> int | None:
    """Save the agreement as the district's new version; its number, or None when it is the
    same as the one in force (nothing is written)."""
    with guarded(con, principal, "agreements", [draft.district]):
        previous = current(con, draft.district)
        clean = check(con, draft, place, previous)
        if previous is not None and previous == clean:
            return None
        _id, version = store_local.save_agreement(
            con,
            {
                "district": clean.district,
                "title": clean.title,
                "police_areas": ",".join(clean.police_areas),
                "valid_from": clean.valid_from,
                "valid_to": clean.valid_to,
                "revision_date": clean.revision_date,
            },
            [
                {
                    "key": a.key,
                    "title": a.title,
                    "description": a.description,
                    "city_areas": ",".join(a.city_areas),
                    "indicators": ",".join(a.indicators),
                }
                for a in clean.areas
            ],
            [
                {
                    "role": m.role,
                    "name": m.name,
                    "party": m.party,
                    "email": m.email,
                    "reports": bool(m.reports),
                }
                for m in clean.members
            ],
            [{"meeting_date": m.meeting_date, "note": m.note} for m in clean.meetings],
            principal.name,
            _changes(previous, clean),
            is_example,
        )
    return version


def _split(text: object) -> tuple[str, ...]:
    return tuple(t for t in str(text or "").split(",") if t)


def _day(value: object) -> date | None:
    stamp = pd.Timestamp(value) if value is not None else pd.NaT  # type: ignore[arg-type]
    return None if pd.isna(stamp) else stamp.date()


def every(con: duckdb.DuckDBPyConnection) -> dict[str, Agreement]:
    """The agreement in force of every district that has one."""
    heads = store_local.agreements(con)
    areas = store_local.areas(con)
    members = store_local.members(con)
    since = {
        (str(r.district), str(r.email)): _day(r.since)
        for r in store_local.reporting_since(con).itertuples()
    }
    meetings = store_local.meetings(con)
    result: dict[str, Agreement] = {}
    for head in heads.itertuples():
        district = str(head.district)
        result[district] = Agreement(
            district=district,
            title=str(head.title),
            police_areas=_split(head.police_areas),
            valid_from=_day(head.valid_from),
            valid_to=_day(head.valid_to),
            revision_date=_day(head.revision_date),
            areas=tuple(
                LocalArea(
                    key=str(a.key),
                    title=str(a.title),
                    description=str(a.description),
                    city_areas=_split(a.city_areas),
                    indicators=_split(a.indicators),
                    local_only=not _split(a.city_areas),
                )
                for a in areas[areas["district"] == district].itertuples()
            ),
            members=tuple(
                Member(
                    role=str(m.role),
                    name=str(m.name),
                    party=str(m.party),
                    email=str(m.email),
                    reports=bool(m.reports),
                    since=since.get((district, str(m.email).lower())) if m.reports else None,
                )
                for m in members[members["district"] == district].itertuples()
            ),
            meetings=tuple(
                Meeting(_day(m.meeting_date), str(m.note))  # type: ignore[arg-type]
                for m in meetings[meetings["district"] == district].itertuples()
            ),
            version=int(head.version),
            saved_by=str(head.saved_by),
            is_example=bool(head.is_example),
        )
    return result


def current(con: duckdb.DuckDBPyConnection, district: str) -> Agreement | None:
    return every(con).get(district)


@view("followup", max_entries=4)
def local_agreements() -> dict[str, Agreement]:
    """The local agreement in force of every district that has one."""
    con = session.cursor()
    try:
        return dict(every(con))
    finally:
        con.close()


def local_area_options() -> dict[str, str]:
    """Every local area of the agreements in force as "district:key" → "District – title"."""
    names = region_names()
    options = {}
    for code, agreement in sorted(
        local_agreements().items(), key=lambda item: names.get(item[0], item[0])
    ):
        for area in agreement.areas:
            options[f"{code}:{area.key}"] = f"{names.get(code, code)} – {area.title}"
    return options
