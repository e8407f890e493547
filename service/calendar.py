"""The årshjul: the year's reporting calendar built from the data. Local steering-group
meetings and revision dates (from the local agreements), the reports to the beredningsgrupp
per district and the year-end summary (catalogue/arshjul.yaml, per year), the survey rounds
expected (each source's rhythm) and the actions that end in the year. Each item is done,
coming, due soon or overdue; a report is marked done here (the guarded path), a survey round
is done when its results are loaded, an action when it is finished.

Also which reminders are due (``python -m service remind`` sends them): before a deadline
and when it has passed, to the people who answer for the item, once per item before and at
most once a week after, never twice the same day."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pandas as pd

from access.roles import Principal
from catalogue.arshjul import (
    ARSHJUL_FILE,
    ArshjulError,
    Calendar,
    due_day,
    load_arshjul,
    report_key,
    year_end_key,
)
from service import indicator_values, local, session
from service.readmodel import view
from service.writes import RuleBroken, guarded
from store import district_reports as store_reports
from store import local as store_local
from store import reference_data
from swedish.format import date_text

KINDS = {
    "rapport": "Rapport till beredningsgruppen",
    "årssammanställning": "Årssammanställning",
    "möte": "Lokalt styrgruppsmöte",
    "enkät": "Enkätomgång",
    "revision": "Revision av lokal överenskommelse",
    "överenskommelse": "Revision av överenskommelsen",
    "åtgärd": "Åtgärd avslutas",
}
STATUS_WORDS = {
    "klar": "klar",
    "inskickad": "inskickad, granskas",
    "återsänd": "återsänd med kommentarer",
    "kommande": "kommande",
    "snart": "inom kort",
    "försenad": "försenad",
}
MARKABLE = ("rapport", "årssammanställning")  # done when someone says so
REMINDED = ("rapport", "åtgärd", "revision")  # kinds with owners who get e-mail


def config(path: Path = ARSHJUL_FILE) -> Calendar:
    """The calendar's settings (catalogue/arshjul.yaml); a mistake in the file is refused
    with its place."""
    try:
        return load_arshjul(path)
    except ArshjulError as exc:
        raise RuleBroken(str(exc)) from exc


@dataclass(frozen=True)
class Item:
    key: str
    kind: str
    title: str
    due: date
    district: str | None  # None: the whole city
    responsible: tuple[tuple[str, str], ...]  # (name, e-mail)
    status: str
    done_on: date | None = None
    note: str = ""
    # A report returned with comments: the version that returned it (its district's reporters
    # are reminded once per return).
    returned: int | None = None


def _status(due: date, today: date, done_on: date | None, soon: int) -> str:
    if done_on is not None:
        return "klar"
    if due < today:
        return "försenad"
    if (due - today).days <= soon:
        return "snart"
    return "kommande"


def _reporters(
    agreement: local.Agreement | None, due: date | None = None
) -> tuple[tuple[str, str], ...]:
    """The reporters of a district's item due on ``due``: those responsible by then (issue
    36: someone named today is not responsible for a report due months before)."""
    if agreement is None:
        return ()
    return tuple(
        (m.name, m.email)
        for m in agreement.members
        if m.reports and m.email and (due is None or m.since is None or m.since <= due)
    )


def items(
    con: duckdb.DuckDBPyConnection,
    year: int,
    today: date,
    districts: dict[str, str] | None = None,
    settings: Calendar | None = None,
) -> list[Item]:
    """Every item of the year, in date order. ``districts`` is code → name of today's
    districts (read from the store when not given)."""
    settings = settings or config()
    if districts is None:
        register = reference_data.regions(con, ("district",))
        current = register[register["valid_to"].isna()]
        districts = dict(zip(current["code"].astype(str), current["name"], strict=True))
    done = {str(r.item): r for r in store_local.done(con).itertuples()}
    found = _Found(today, settings.reminders.days_before, done, _report_steps(con, year))
    plan = settings.plan(year)
    agreements = local.every(con)
    for code, name in sorted(districts.items(), key=lambda item: item[1]):
        _district_items(found, year, code, name, plan.reports, agreements.get(code))
    found.add(
        year_end_key(year),
        "årssammanställning",
        f"Årssammanställning {year} (beredningsgruppen)",
        due_day(year, plan.year_end),
        None,
        (),
    )
    _agreement_items(found, year, settings)
    _survey_items(found, con, year, settings)
    _action_items(found, con, year)
    return sorted(found.items, key=lambda i: (i.due, i.kind, i.title))


def _report_steps(
    con: duckdb.DuckDBPyConnection, year: int
) -> dict[str, tuple[str, str, date, int]]:
    """The districts' reports of ``year`` submitted, returned or approved: item → (state, who,
    the day of that step) (issue 37: a submitted report is not late, an approved one is
    done). Written when they happened, never ahead of time, so ``today`` does not filter."""
    steps: dict[str, tuple[str, str, date, int]] = {}
    for row in store_reports.newest(con, f"rapport:{year}:").itertuples():
        day = pd.Timestamp(row.saved_at).date()
        if str(row.state) != "utkast":
            steps[str(row.item)] = (str(row.state), str(row.saved_by), day, int(row.version))
    return steps


class _Found:
    """The items found so far, each given its status as of ``today`` (a report marked done
    on the page carries who marked it; a report written in the app, its state)."""

    def __init__(
        self,
        today: date,
        soon: int,
        done: dict[str, object],
        steps: dict[str, tuple[str, str, date, int]] | None = None,
    ) -> None:
        self.today, self.soon, self.done = today, soon, done
        self.steps = steps or {}
        self.items: list[Item] = []

    def add(
        self,
        key: str,
        kind: str,
        title: str,
        due: date,
        district: str | None,
        responsible: tuple[tuple[str, str], ...],
        done_on: date | None = None,
        note: str = "",
        soon: int | None = None,
    ) -> None:
        marked = self.done.get(key) if done_on is None else None
        # Done as of ``today``: a mark dated later is not there yet on that day.
        if marked is not None and pd.Timestamp(marked.done_on).date() <= self.today:  # type: ignore[attr-defined]
            done_on = pd.Timestamp(marked.done_on).date()  # type: ignore[attr-defined]
            note = note or f"markerad klar av {marked.done_by}"  # type: ignore[attr-defined]
        status = _status(due, self.today, done_on, self.soon if soon is None else soon)
        returned = None
        step = self.steps.get(key)
        if step is not None:
            state, who, day, version = step
            if state == "godkänd":
                status, done_on, note = "klar", day, f"godkänd av {who}"
            elif state == "inskickad":
                status, note = "inskickad", f"inskickad av {who} {date_text(day)}"
            elif state == "återsänd":
                status, returned = "återsänd", version
                note = f"återsänd av {who} {date_text(day)}"
        self.items.append(
            Item(key, kind, title, due, district, responsible, status, done_on, note, returned)
        )


def _district_items(
    found: _Found, year: int, code: str, name: str, reports: list, agreement: object
) -> None:
    """A district's reports of the year, and from its local agreement its steering group's
    meetings and the revision (also an overdue one, in the current year)."""
    named = _reporters(agreement)  # type: ignore[arg-type]
    for report in reports:
        due = due_day(year, report.due)
        reporters = _reporters(agreement, due)  # type: ignore[arg-type]
        found.add(
            report_key(year, report.key, code),
            "rapport",
            f"{report.title}: {name}",
            due,
            code,
            reporters,
            note=""
            if reporters
            else "rapportören utsågs efter sista dagen"
            if named
            else "ingen i styrgruppen är angiven som rapportör",
        )
    if agreement is None:
        return
    today = found.today
    for meeting in agreement.meetings:  # type: ignore[attr-defined]
        if meeting.meeting_date.year == year:
            held = meeting.meeting_date if meeting.meeting_date < today else None
            found.add(
                f"möte:{code}:{meeting.meeting_date}",
                "möte",
                f"Styrgruppsmöte {name}" + (f": {meeting.note}" if meeting.note else ""),
                meeting.meeting_date,
                code,
                _reporters(agreement, meeting.meeting_date),  # type: ignore[arg-type]
                held,
            )
    revision = agreement.revision_date  # type: ignore[attr-defined]
    if revision is not None and (
        revision.year == year or (revision < today and year == today.year)
    ):
        found.add(
            f"revision:{code}:{revision}",
            "revision",
            f"Revidera {name}s lokala överenskommelse",
            revision,
            code,
            _reporters(agreement, revision),  # type: ignore[arg-type]
        )


def _agreement_items(found: _Found, year: int, settings: Calendar) -> None:
    """The revision of the overarching agreement in force (every fourth year, catalogue/
    agreements.yaml): in its year, and in the current year while it is overdue; warned of
    ``agreement_revision_days_before`` ahead."""
    for agreement in indicator_values.catalogue().agreements.values():
        due = agreement.next_revision()
        if agreement.valid_to is not None or due is None:
            continue  # replaced (revised) or without a rhythm
        overdue = due < found.today and year == found.today.year
        if due.year != year and not overdue:
            continue
        basis = (
            f"undertecknad {agreement.signed}"
            if agreement.signed
            else "underskriftsdatum saknas i källorna, räknat från "
            + date_text(agreement.valid_from)
        )
        found.add(
            f"överenskommelse:{agreement.id}:{due}",
            "överenskommelse",
            f"Revidera {agreement.title} (vart {ordinal(agreement.revision_every_years)} år)",
            due,
            None,
            (),
            note=basis,
            soon=settings.reminders.agreement_revision_days_before,
        )


def agreement_warning(today: date, settings: Calendar | None = None) -> str | None:
    """A sentence when the overarching agreement in force is to be revised within the
    warning time, or was to be; None otherwise (the pages show it)."""
    settings = settings or config()
    for agreement in indicator_values.catalogue().agreements.values():
        due = agreement.next_revision()
        if agreement.valid_to is not None or due is None:
            continue
        days = (due - today).days
        if days < 0:
            return (
                f"{agreement.title} skulle ha reviderats {date_text(due)} (vart "
                f"{ordinal(agreement.revision_every_years)} år); ingen ny överenskommelse finns "
                "i catalogue/agreements.yaml."
            )
        if days <= settings.reminders.agreement_revision_days_before:
            return (
                f"{agreement.title} ska revideras senast {date_text(due)} (vart "
                f"{ordinal(agreement.revision_every_years)} år): om {days} dagar."
            )
    return None


def ordinal(n: int | None) -> str:
    return {2: "andra", 3: "tredje", 4: "fjärde", 5: "femte"}.get(n or 0, f"{n}:e")


def _survey_items(
    found: _Found, con: duckdb.DuckDBPyConnection, year: int, settings: Calendar
) -> None:
    """The survey rounds held in the year (each source's rhythm): done when loaded."""
    loaded = store_local.survey_years(con)
    registered = reference_data.sources(con)
    sources = dict(zip(registered["id"], registered["title"], strict=True))
    for survey in settings.surveys:
        if year < survey.since or (year - survey.since) % survey.every:
            continue
        held_on = date(year, survey.month, 1)
        title = sources.get(survey.source, survey.source)
        in_store = (survey.source, year) in loaded
        due = held_on + timedelta(days=survey.results_within_days)
        found.add(
            f"enkät:{survey.source}:{year}",
            "enkät",
            f"{title} {year}: resultaten inlästa",
            due,
            None,
            (),
            held_on if in_store else None,
            "inläst" if in_store else f"omgången hålls {date_text(held_on)}",
        )


def _action_items(found: _Found, con: duckdb.DuckDBPyConnection, year: int) -> None:
    """The actions that end in the year, for their contact person: done when finished."""
    for row in store_local.actions_ending(con, year).itertuples():
        finished = row.status in ("genomförd", "avbruten")
        contact = str(row.contact) if isinstance(row.contact, str) and row.contact else ""
        found.add(
            f"åtgärd:{int(row.id)}:{pd.Timestamp(row.end_date).date()}",
            "åtgärd",
            f"Åtgärd {int(row.id)}: {row.title}",
            pd.Timestamp(row.end_date).date(),
            str(row.region_code) if str(row.region_code) != indicator_values.CITY else None,
            ((contact, contact),) if contact else (),
            found.today if finished else None,
            f"status {row.status}" if finished else ("" if contact else "ingen kontaktperson"),
        )


def overdue(found: Iterable[Item], districts: Iterable[str] | None = None) -> list[Item]:
    """The overdue items (of the given districts and the city)."""
    wanted = None if districts is None else set(districts)
    return [
        i
        for i in found
        if i.status == "försenad" and (wanted is None or i.district is None or i.district in wanted)
    ]


def mark_done(
    con: duckdb.DuckDBPyConnection, principal: Principal, key: str, today: date | None = None
) -> Item:
    """A report handed in, or the year-end summary done: an administratör, or a rapportör
    for the item's district. The item is found by its key in the årshjul as the store holds
    it now (issue 34: never what a page passed in, which may be stale or made up); returns
    it as it was."""
    today = today or date.today()
    years = sorted({int(y) for y in re.findall(r"(?<!\d)(\d{4})(?!\d)", key)} | {today.year})
    item = next((i for y in years for i in items(con, y, today) if i.key == key), None)
    if item is None:
        raise RuleBroken(f"Sparades inte: punkten {key} finns inte i årshjulet.")
    if item.kind not in MARKABLE:
        raise RuleBroken(
            "Sparades inte: bara rapporter och årssammanställningen markeras som klara; en "
            "enkät är klar när resultaten är inlästa och en åtgärd när den är genomförd."
        )
    if item.status == "klar":
        raise RuleBroken("Sparades inte: punkten är redan markerad som klar.")
    if item.status in ("inskickad", "återsänd"):
        raise RuleBroken(
            "Sparades inte: rapporten är skriven i appen och "
            + ("inskickad" if item.status == "inskickad" else "återsänd med kommentarer")
            + "; den blir klar när beredningsgruppen godkänner den på sidan Rapporter."
        )
    with guarded(con, principal, "calendar", [item.district or indicator_values.CITY]):
        store_local.mark_done(con, item.key, today, principal.name)
    return item


@dataclass(frozen=True)
class Reminder:
    recipient: str
    name: str
    items: tuple[tuple[Item, str], ...]  # (item, "fore" or "forsenad")


def reminders(
    con: duckdb.DuckDBPyConnection, today: date, settings: Calendar | None = None
) -> list[Reminder]:
    """The e-mails due today: one per person, listing every item of theirs that is due soon
    (once per item) or overdue (at most every ``overdue_every_days``); nobody twice a day."""
    settings = settings or config()
    found = items(con, today.year, today, settings=settings)
    if today.month == 1:  # last year's overdue items are still overdue in January
        found += [
            i
            for i in items(con, today.year - 1, today, settings=settings)
            if i.status == "försenad"
        ]
    sent = store_local.reminders(con)
    last: dict[tuple[str, str, str], date] = {}
    today_sent: set[str] = set()
    for row in sent.itertuples():
        on = pd.Timestamp(row.sent_on).date()
        key = (str(row.recipient), str(row.item), str(row.kind))
        last[key] = max(on, last.get(key, on))
        if on == today:
            today_sent.add(str(row.recipient))
    per: dict[str, tuple[str, list[tuple[Item, str]]]] = {}
    for item in found:
        if item.kind not in REMINDED or item.status not in ("snart", "försenad", "återsänd"):
            continue
        kind = {"snart": "fore", "försenad": "forsenad", "återsänd": f"atersand:{item.returned}"}[
            item.status
        ]
        for name, email in item.responsible:
            if not email or email in today_sent:
                continue
            before = last.get((email, item.key, kind))
            if kind.startswith("atersand"):
                # Once per return (the kind names the version that returned it).
                if before is not None:
                    continue
                per.setdefault(email, (name, []))[1].append((item, kind))
                continue
            if kind == "fore" and before is not None:
                continue
            if (
                kind == "forsenad"
                and before is not None
                and ((today - before).days < settings.reminders.overdue_every_days)
            ):
                continue
            per.setdefault(email, (name, []))[1].append((item, kind))
    return [Reminder(email, name, tuple(rows)) for email, (name, rows) in sorted(per.items())]


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


SENDER = Principal("påminnelser", "administratör")  # the timer's writes (the sent log)


def record_sent(con: duckdb.DuckDBPyConnection, reminder: Reminder, today: date) -> None:
    """Keep that ``reminder`` went (audited), so it is not sent again."""
    with guarded(con, SENDER, "calendar", [indicator_values.CITY]):
        store_local.record_reminders(
            con, reminder.recipient, [(item.key, kind) for item, kind in reminder.items], today
        )


def message_text(reminder: Reminder, today: date) -> tuple[str, str]:
    """The subject and body (Swedish) of a reminder."""
    late = [i for i, k in reminder.items if k == "forsenad"]
    coming = [i for i, k in reminder.items if k == "fore"]
    returned = [i for i, k in reminder.items if k.startswith("atersand")]
    if returned and not late:
        subject = (
            f"Påminnelse: {_count(len(returned), 'rapport', 'rapporter')} återsänd"
            + ("a" if len(returned) > 1 else "")
            + " med kommentarer"
        )
    elif late:
        subject = f"Påminnelse: {_count(len(late), 'försenad punkt', 'försenade punkter')}"
        subject += " i årshjulet"
    else:
        subject = f"Påminnelse: {_count(len(coming), 'punkt', 'punkter')} i årshjulet inom kort"
    greeting = reminder.name if reminder.name != reminder.recipient else ""
    lines = [f"Hej {greeting},".replace(" ,", ","), ""]
    if late:
        lines.append("Det här har passerat sitt datum och är inte klart:")
        lines += [f"- {i.title} (skulle vara klart {date_text(i.due)})" for i in late]
        lines.append("")
    if returned:
        lines.append(
            "Beredningsgruppen har återsänt det här med kommentarer; ändra och skicka in igen "
            "på sidan Rapporter:"
        )
        lines += [f"- {i.title} ({i.note})" for i in returned]
        lines.append("")
    if coming:
        lines.append("Det här ska vara klart inom kort:")
        lines += [f"- {i.title} (senast {date_text(i.due)})" for i in coming]
        lines.append("")
    lines += [
        "En rapport till beredningsgruppen skrivs och skickas in på sidan Rapporter i "
        "uppföljningen av samverkansöverenskommelsen (en rapport som lämnats in på annat sätt "
        "markeras som klar på sidan Årshjul); en åtgärd avslutas på sidan Åtgärder.",
        "",
        f"Det här är ett automatiskt meddelande ({date_text(today)}).",
    ]
    return subject, "\n".join(lines)


@view("followup", "data", "catalogue", max_entries=8)
def calendar_items(year: int, today: str) -> list[object]:
    """The årshjul's items of ``year`` as of ``today`` (ISO date), service.calendar."""
    from datetime import date

    from service import calendar

    con = session.cursor()
    try:
        return list(calendar.items(con, year, date.fromisoformat(today)))
    finally:
        con.close()
