"""The handlingsplan of the overarching agreement (issue 37), as data: per priority area the
goal in words and how it is measured (its indicators, and what cannot be measured, said
explicitly), the responsible parties, the commitments (the actions of the register that serve
the area in the plan's year) and the follow-up (the årshjul's dates and who reports). Each save
is a new version, a draft until the beredningsgrupp adopts it; next year's plan starts as a
draft copied from this year's (the year-end carries it)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import date, datetime

import duckdb
import pandas as pd

from access.roles import PLAN, Principal
from catalogue.arshjul import followup_lines
from service import calendar, indicator_values, session
from service.readmodel import view
from service.writes import RuleBroken, authorise, guarded, may
from store import action_plan as store_plan
from store import followup as store_followup
from swedish.format import date_text

STATES = {"utkast": "utkast", "fastställd": "fastställd"}
MAX_TEXT = 5_000
FIELDS = {
    "goal": "Mål",
    "unmeasured": "Det som inte kan mätas",
    "responsible": "Ansvariga",
    "followup": "Uppföljning",
}


@dataclass(frozen=True)
class AreaPlan:
    area: str
    title: str
    goal: str = ""
    indicators: tuple[str, ...] = ()
    unmeasured: str = ""
    responsible: str = ""
    followup: str = ""


@dataclass(frozen=True)
class Commitment:
    """An action of the register that serves the area in the plan's year."""

    id: int
    title: str
    district: str
    owner: str
    status: str
    period: str


@dataclass(frozen=True)
class Plan:
    year: int
    agreement: str
    areas: tuple[AreaPlan, ...]
    version: int = 0  # 0: not saved (a proposal built from the catalogue)
    state: str | None = None
    saved_by: str = ""
    saved_at: datetime | None = None
    example: bool = False
    history: tuple[tuple[int, str, str, datetime], ...] = field(default=())

    @property
    def adopted(self) -> bool:
        return self.state == "fastställd"

    def area(self, area: str) -> AreaPlan:
        return next(a for a in self.areas if a.area == area)


def _agreement_of(year: int) -> str:
    """The agreement in force in ``year`` (the newest that had begun by its end)."""
    agreements = indicator_values.catalogue().agreements
    begun = [a for a in agreements.values() if a.valid_from <= date(year, 12, 31)]
    chosen = max(begun or agreements.values(), key=lambda a: a.valid_from)
    return chosen.id


def followup_text(year: int) -> str:
    """The follow-up dates of the year from the årshjul, and who reports."""
    return followup_lines(calendar.config(), year)


def proposal(year: int) -> Plan:
    """A plan built from the catalogue: the agreement's areas, their indicators and what
    cannot be measured, the årshjul's follow-up; goals and responsibilities to be written."""
    definitions = indicator_values.catalogue()
    agreement = _agreement_of(year)
    areas = []
    for area in definitions.agreements[agreement].areas:
        areas.append(
            AreaPlan(
                area.id,
                area.title,
                indicators=tuple(definitions.indicators_for(area.id, agreement)),
                unmeasured=area.unmeasured or "",
                responsible="Stockholms stad och Polisregion Stockholm",
                followup=followup_text(year),
            )
        )
    return Plan(year, agreement, tuple(areas))


def read(con: duckdb.DuckDBPyConnection, year: int) -> Plan | None:
    """The newest version of ``year``'s plan; None when there is none."""
    frame = store_plan.versions(con, year)
    if frame.empty:
        return None
    last = frame.iloc[-1]
    body = json.loads(str(last["body"]))
    areas = tuple(
        AreaPlan(**{**a, "indicators": tuple(a.get("indicators", ()))}) for a in body["areas"]
    )
    history = tuple(
        (int(r.version), str(r.state), str(r.saved_by), pd.Timestamp(r.saved_at).to_pydatetime())
        for r in frame.itertuples()
    )
    return Plan(
        year,
        str(last["agreement"]),
        areas,
        int(last["version"]),
        str(last["state"]),
        str(last["saved_by"]),
        pd.Timestamp(last["saved_at"]).to_pydatetime(),
        bool(last["is_example"]) if pd.notna(last["is_example"]) else False,
        history,
    )


def current(con: duckdb.DuckDBPyConnection, year: int) -> Plan:
    """``year``'s plan as saved, else the proposal."""
    return read(con, year) or proposal(year)


def commitments(con: duckdb.DuckDBPyConnection, year: int, area: str) -> list[Commitment]:
    """The actions serving ``area`` that run in ``year`` (started by its end and not ended
    before it; without dates they count), city-wide first."""
    actions = store_followup.actions(con)
    if actions.empty:
        return []
    rows = actions[actions["area"].astype(str) == area]
    found = []
    for row in rows.itertuples():
        start = pd.Timestamp(row.start_date).date() if pd.notna(row.start_date) else None
        end = pd.Timestamp(row.end_date).date() if pd.notna(row.end_date) else None
        if (start and start.year > year) or (end and end.year < year):
            continue
        period = " – ".join(d.isoformat() for d in (start, end) if d) or "utan datum"
        found.append(
            Commitment(
                int(row.id),
                str(row.title),
                str(row.region_name),
                str(row.owner),
                str(row.status),
                period,
            )
        )
    return sorted(found, key=lambda c: (c.district != "Stockholms stad", c.district, c.id))


def _checked(plan: Plan, areas: Sequence[AreaPlan]) -> tuple[AreaPlan, ...]:
    definitions = indicator_values.catalogue()
    known = {a.area: a for a in plan.areas}
    checked = []
    for given in areas:
        if given.area not in known:
            raise RuleBroken(f"Sparades inte: området {given.area} finns inte i överenskommelsen.")
        own = set(definitions.indicators_for(given.area, plan.agreement))
        strange = [i for i in given.indicators if i not in own]
        if strange:
            raise RuleBroken(
                f"Sparades inte: {known[given.area].title}: indikatorn {strange[0]} hör inte "
                "till området."
            )
        texts = {k: str(getattr(given, k) or "").strip() for k in FIELDS}
        for name, text in texts.items():
            if len(text) > MAX_TEXT:
                raise RuleBroken(
                    f"Sparades inte: {known[given.area].title}, {FIELDS[name]}: högst "
                    f"{MAX_TEXT} tecken."
                )
        checked.append(replace(given, title=known[given.area].title, **texts))
    return tuple(checked)


def save(
    con: duckdb.DuckDBPyConnection,
    principal: Principal,
    year: int,
    areas: Sequence[AreaPlan],
    seen_version: int | None = None,
    adopt: bool = False,
    is_example: bool = False,
) -> Plan:
    """Save a new version of ``year``'s plan (``adopt``: as fastställd): the beredningsgrupp
    or an administratör. Adopting needs a goal for every area."""
    authorise(con, principal, PLAN, [indicator_values.CITY])
    plan = current(con, year)
    if seen_version is not None and seen_version != plan.version:
        raise RuleBroken(
            f"Sparades inte: handlingsplanen har ändrats sedan du öppnade den (nu version "
            f"{plan.version}, av {plan.saved_by}). Läs in sidan igen och gör ändringen på nytt."
        )
    checked = _checked(plan, areas)
    if {a.area for a in checked} != {a.area for a in plan.areas}:
        raise RuleBroken("Sparades inte: planen ska ta upp alla överenskommelsens områden.")
    if adopt:
        missing = [a.title for a in checked if not a.goal]
        if missing:
            raise RuleBroken(
                "Sparades inte: skriv målet för " + "; ".join(missing) + " innan planen fastställs."
            )
    state = "fastställd" if adopt else "utkast"
    body = {"areas": [{**asdict(a), "indicators": list(a.indicators)} for a in checked]}
    with guarded(con, principal, PLAN, [indicator_values.CITY]):
        store_plan.add_version(
            con,
            year,
            plan.agreement,
            state,
            json.dumps(body, ensure_ascii=False),
            principal.name,
            f"Handlingsplan {year}: {'fastställd' if adopt else 'utkast sparat'}",
            is_example,
        )
    saved = read(con, year)
    assert saved is not None
    return saved


def start_next_year(con: duckdb.DuckDBPyConnection, principal: Principal, year: int) -> Plan:
    """Next year's plan as a draft copied from ``year``'s (its goals, indicators and
    responsibilities; the follow-up dates of next year's årshjul). Refused when next year
    already has a plan."""
    authorise(con, principal, PLAN, [indicator_values.CITY])
    if read(con, year + 1) is not None:
        raise RuleBroken(f"Sparades inte: handlingsplanen för {year + 1} är redan påbörjad.")
    base = current(con, year)
    proposed = proposal(year + 1)
    carried = [
        replace(base.area(a.area), followup=a.followup)
        if a.area in {b.area for b in base.areas}
        else a
        for a in proposed.areas
    ]
    # A copy of the demo's example plan is an example too (removed with the examples).
    return save(con, principal, year + 1, carried, 0, is_example=base.example)


def may_keep(principal: Principal | None) -> bool:
    return may(principal or Principal("demo", "administratör"), PLAN, [indicator_values.CITY])


@view("followup", "catalogue", max_entries=8)
def plan_view(year: int) -> Plan:
    con = session.cursor()
    try:
        return current(con, year)
    finally:
        con.close()


@view("followup", "catalogue", max_entries=8)
def commitments_view(year: int) -> dict[str, list[Commitment]]:
    con = session.cursor()
    try:
        plan = current(con, year)
        return {a.area: commitments(con, year, a.area) for a in plan.areas}
    finally:
        con.close()


def indicator_titles(ids: Sequence[str]) -> list[str]:
    definitions = indicator_values.catalogue().definitions
    return [definitions[i].title if i in definitions else i for i in ids]


def agreement_facts(agreement_id: str) -> list[tuple[str, str]]:
    """The overarching agreement as data, as (label, text) pairs for the page and the
    document."""
    agreement = indicator_values.catalogue().agreements[agreement_id]
    revision = agreement.next_revision()
    facts = [
        ("Överenskommelse", agreement.title),
        ("Beslut", ", ".join(p for p in (agreement.decided_by, agreement.decision) if p) or "–"),
        ("Parter", " och ".join(agreement.parties) or "–"),
        (
            "Undertecknad",
            agreement.signed or "datum saknas i källorna (gäller från underskrift)",
        ),
        (
            "Period",
            f"följs upp från {date_text(agreement.valid_from)}"
            + (
                f" till {date_text(agreement.valid_to)}" if agreement.valid_to else ", tills vidare"
            ),
        ),
    ]
    if revision:
        facts.append(
            (
                "Revision",
                f"vart {calendar.ordinal(agreement.revision_every_years)} år; nästa senast "
                f"{date_text(revision)}"
                + ("" if agreement.signed_on else " (räknat från periodens början)"),
            )
        )
    if agreement.replaces:
        agreements = indicator_values.catalogue().agreements
        replaced = (
            agreements[agreement.replaces].title
            if agreement.replaces in agreements
            else agreement.replaces
        )
        facts.append(("Ersätter", replaced))
    facts.append(("Prioriterade områden", "; ".join(a.title for a in agreement.areas)))
    return facts


def plan_state_word(plan: Plan) -> str:
    if not plan.version:
        return "inte påbörjad (förslag från katalogen)"
    return f"{STATES[plan.state or 'utkast']}, version {plan.version} ({plan.saved_by})"


def document_of(plan: Plan, commitments: dict[str, list[Commitment]]) -> object:
    """The plan as the Word document's data (report.render_plan.PlanDocument)."""
    from report.render_plan import PlanArea, PlanDocument

    definitions = indicator_values.catalogue().definitions
    areas = []
    for area in plan.areas:
        measured = [
            f"{definitions[i].title} ({definitions[i].unit}). "
            + indicator_values.source_line(definitions[i].source)
            for i in area.indicators
            if i in definitions
        ]
        areas.append(
            PlanArea(
                area.title,
                area.goal,
                measured,
                area.unmeasured,
                area.responsible,
                [
                    [c.title, c.district, c.owner, c.status, c.period]
                    for c in commitments.get(area.area, [])
                ],
                [line for line in area.followup.splitlines() if line.strip()],
            )
        )
    return PlanDocument(
        plan.year,
        f"Handlingsplan {plan.year}",
        plan_state_word(plan),
        agreement_facts(plan.agreement),
        areas,
        plan.example,
    )


def word_of(con: duckdb.DuckDBPyConnection, year: int, author: str | None = None) -> bytes:
    """The plan of ``year`` as a Word document, read on ``con`` (the command line, tests)."""
    from report import render_plan

    plan = current(con, year)
    built = document_of(plan, {a.area: commitments(con, year, a.area) for a in plan.areas})
    return render_plan.render(built, author)  # type: ignore[arg-type]


def word(year: int, author: str | None = None) -> bytes:
    """The plan of ``year`` as a Word document (as saved, else the proposal)."""
    from report import render_plan

    built = document_of(plan_view(year), commitments_view(year))  # type: ignore[arg-type]
    return render_plan.render(built, author)  # type: ignore[arg-type]
