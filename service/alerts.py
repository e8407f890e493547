"""Alerts (issue 37): a person subscribes to a district, a priority area or an indicator and
gets an e-mail when a verdict there turns to a significant deterioration, a target slips (from
met or on track to anything less), or one of the district's reports is returned with comments.
``python -m service alerts`` (a timer, after the loads) compares each verdict and report with
the state it saw last time, e-mails the subscribers of what changed, and records both: one
change is sent at most once. The first run only records what it sees."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

import duckdb
import pandas as pd

from access.roles import Principal
from indicators.basis import Request
from indicators.results import values_all
from service import indicator_values, session
from service.readmodel import view
from service.writes import RuleBroken, guarded
from store import alerts as store_alerts
from store import district_reports as store_reports
from store import reference_data

SCOPES = {"district": "Stadsdelsområde", "area": "Prioriterat område", "indicator": "Indikator"}
BAD = {"deterioration", "wrong_direction"}  # significant by construction (indicators.status)
HELD = {"target_met", "on_track"}  # a target held; anything less after it is a slip
TARGET = {"target_met", "on_track", "right_direction_too_slow", "wrong_direction"}
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
SENDER = Principal("bevakningar", "administratör")  # the timer's writes (the sent log)


@dataclass(frozen=True)
class Change:
    """One change an alert is about."""

    key: str  # verdict:IND:REGION or report:ITEM
    event: str  # the key, the new state and its period: what is sent at most once
    kind: str  # försämring, mål, återsänd
    indicator: str | None
    region: str
    text: str  # the sentence the e-mail says


@dataclass(frozen=True)
class Alert:
    recipient: str
    name: str
    changes: tuple[Change, ...]


def subscribe(
    con: duckdb.DuckDBPyConnection,
    principal: Principal,
    email: str,
    scope: str,
    value: str,
    name: str | None = None,
) -> int:
    """A subscription of ``principal`` (anyone signed in; for themselves)."""
    email = email.strip()
    if not EMAIL.match(email):
        raise RuleBroken(f"Sparades inte: {email or 'e-postadressen'} är ingen e-postadress.")
    if scope not in SCOPES:
        raise RuleBroken(f"Sparades inte: bevaka ett av {', '.join(SCOPES.values())}.")
    known = _known(con, scope)
    if value not in known:
        raise RuleBroken(f"Sparades inte: {SCOPES[scope].lower()} {value} finns inte.")
    existing = store_alerts.subscriptions(con)
    same = existing[
        (existing["email"].str.lower() == email.lower())
        & (existing["scope"] == scope)
        & (existing["value"] == value)
    ]
    if not same.empty:
        raise RuleBroken(f"Sparades inte: {email} bevakar redan {known[value]}.")
    with guarded(con, principal, "alerts"):
        return store_alerts.subscribe(
            con, name or principal.name, email, scope, value, principal.name
        )


def unsubscribe(con: duckdb.DuckDBPyConnection, principal: Principal, number: int) -> None:
    """Remove a subscription: its own person's, or any for an administratör."""
    found = store_alerts.subscriptions(con)
    row = found[found["id"] == number]
    if row.empty:
        raise RuleBroken(f"Sparades inte: bevakning {number} finns inte.")
    with guarded(con, principal, "alerts", owner=str(row.iloc[0]["created_by"])):
        store_alerts.unsubscribe(con, number, principal.name)


def _known(con: duckdb.DuckDBPyConnection, scope: str) -> dict[str, str]:
    definitions = indicator_values.catalogue()
    if scope == "indicator":
        return {i: d.title for i, d in definitions.definitions.items()}
    if scope == "area":
        return dict(definitions.areas())
    register = reference_data.regions(con, ("city", "district"))
    current = register[register["valid_to"].isna()]
    return dict(zip(current["code"].astype(str), current["name"].astype(str), strict=True))


def choices(con: duckdb.DuckDBPyConnection) -> dict[str, dict[str, str]]:
    """What may be subscribed to, per scope (value → name)."""
    return {scope: _known(con, scope) for scope in SCOPES}


def _verdicts(frames: dict[str, pd.DataFrame]) -> dict[str, tuple[str, str, str, str]]:
    """Each indicator's latest verdict per region: key → (status, period, region, text)."""
    found: dict[str, tuple[str, str, str, str]] = {}
    for indicator, frame in frames.items():
        if frame.empty or "status" not in frame:
            continue
        rows = frame[
            (frame["sex"] == "total") & (frame["age_group"] == "all") & frame["status"].notna()
        ]
        rows = rows[rows["status"].astype(str) != ""]
        # A protected cell that is hidden is never the subject of an alert (its verdict and
        # its words would tell what the outputs hide).
        if "suppressed" in rows:
            rows = rows[~rows["suppressed"].fillna(False).astype(bool)]
        rows = rows[rows["value"].notna()]
        for code, group in rows.groupby("region_code"):
            last = group.sort_values(["year", "n_months"] if "n_months" in group else ["year"])
            row = last.iloc[-1]
            found[f"verdict:{indicator}:{code}"] = (
                str(row["status"]),
                str(row.get("period") or row["year"]),
                str(code),
                str(row.get("status_text") or ""),
            )
    return found


def changes(
    con: duckdb.DuckDBPyConnection, frames: dict[str, pd.DataFrame], today: date
) -> tuple[list[Change], dict[str, str]]:
    """What changed since the states recorded last time, and every state to record now."""
    seen = store_alerts.states(con)
    first = not seen
    names = reference_data.region_names(con)
    definitions = indicator_values.catalogue().definitions
    found: list[Change] = []
    now: dict[str, str] = {}
    for key, (status, period, code, text) in _verdicts(frames).items():
        state = f"{status}|{period}"
        now[key] = state
        before = seen.get(key)
        if first or before is None or before == state:
            continue
        old = before.split("|", 1)[0]
        indicator = key.split(":")[1]
        title = definitions[indicator].title if indicator in definitions else indicator
        where = names.get(code, code)
        if status in BAD and old not in BAD:
            kind, said = "försämring", "har fått en statistiskt säkerställd försämring"
        elif old in HELD and status in TARGET and status not in HELD:
            kind, said = "mål", "håller inte längre målet"
        else:
            continue
        found.append(
            Change(
                key, f"{key}|{state}", kind, indicator, code,
                f"{title}, {where} ({period}): {said}. {text}".strip(),
            )
        )  # fmt: skip
    for year in {today.year, today.year - 1}:
        for row in store_reports.newest(con, f"rapport:{year}:").itertuples():
            key = f"report:{row.item}"
            state = f"{row.state}|{int(row.version)}"
            now[key] = state
            before = seen.get(key)
            if first or before == state or str(row.state) != "återsänd":
                continue
            where = names.get(str(row.district), str(row.district))
            found.append(
                Change(
                    key, f"{key}|{state}", "återsänd", None, str(row.district),
                    f"Rapporten {row.item.split(':')[2]} {year} för {where} är återsänd med "
                    f"kommentarer av {row.saved_by}.",
                )
            )  # fmt: skip
    changed = {k: v for k, v in now.items() if seen.get(k) != v}
    return found, changed


def _matches(subscription: pd.Series, change: Change, areas_of: dict[str, set[str]]) -> bool:
    scope, value = str(subscription["scope"]), str(subscription["value"])
    if scope == "district":
        return change.region == value
    if change.indicator is None:
        return False
    if scope == "indicator":
        return change.indicator == value
    return change.indicator in areas_of.get(value, set())


def due(
    con: duckdb.DuckDBPyConnection, frames: dict[str, pd.DataFrame], today: date
) -> tuple[list[Alert], dict[str, str]]:
    """The alerts to send now (one e-mail per person, each change at most once) and the
    states to record once they are sent."""
    found, changed = changes(con, frames, today)
    subscriptions = store_alerts.subscriptions(con)
    already = store_alerts.sent(con)
    definitions = indicator_values.catalogue()
    areas_of = {a: set(definitions.indicators_for(a)) for a, _ in definitions.areas()}
    per: dict[str, tuple[str, list[Change]]] = {}
    for _, subscription in subscriptions.iterrows():
        email = str(subscription["email"]).lower()
        for change in found:
            if (email, change.event) in already or not _matches(subscription, change, areas_of):
                continue
            listed = per.setdefault(email, (str(subscription["name"]), []))[1]
            if change not in listed:
                listed.append(change)
    alerts = [Alert(e, n, tuple(c)) for e, (n, c) in sorted(per.items())]
    return alerts, changed


def message_text(alert: Alert, today: date) -> tuple[str, str]:
    count = len(alert.changes)
    subject = "Bevakning: " + (
        alert.changes[0].text.split(":")[0] if count == 1 else f"{count} ändringar"
    )
    lines = [f"Hej {alert.name},", "", "Det här har ändrats i det du bevakar:"]
    lines += [f"- {c.text}" for c in alert.changes]
    lines += [
        "",
        "Se läget i uppföljningen av samverkansöverenskommelsen (sidan Stadsdelsområde, "
        "Indikator eller Rapporter). Bevakningarna ändras på sidan Bevakningar.",
        "",
        f"Det här är ett automatiskt meddelande ({today.isoformat()}); varje ändring skickas "
        "en gång.",
    ]
    return subject, "\n".join(lines)


def record_sent(con: duckdb.DuckDBPyConnection, alert: Alert, today: date) -> None:
    with guarded(con, SENDER, "alerts"):
        store_alerts.record_sent(
            con, alert.recipient, [c.event for c in alert.changes], today, SENDER.name
        )


def record_states(con: duckdb.DuckDBPyConnection, changed: dict[str, str]) -> None:
    with guarded(con, SENDER, "alerts"):
        store_alerts.keep_states(con, changed)


def frames_on(con: duckdb.DuckDBPyConnection) -> dict[str, pd.DataFrame]:
    """Every indicator's values by today's boundaries, read on ``con`` (the stored results;
    the command line's store, whatever ``DASHBOARD_DB`` says)."""
    request = Request(boundaries="today")
    return dict(values_all(con, indicator_values.catalogue(), request))


@view("data", "catalogue", max_entries=2)
def options() -> dict[str, dict[str, str]]:
    """:func:`choices` for a page."""
    con = session.cursor()
    try:
        return choices(con)
    finally:
        con.close()


@view("followup", "data", "catalogue", max_entries=4)
def listed() -> pd.DataFrame:
    con = session.cursor()
    try:
        return store_alerts.subscriptions(con)
    finally:
        con.close()


def described(frame: pd.DataFrame, options: dict[str, dict[str, str]]) -> list[str]:
    return [
        f"{SCOPES[s]}: {options.get(s, {}).get(v, v)}"
        for s, v in zip(frame["scope"], frame["value"], strict=True)
    ]


def own(frame: pd.DataFrame, principal: Principal | None) -> pd.DataFrame:
    """The subscriptions a person sees: their own (an administratör: all)."""
    if principal is None or principal.role == "administratör" or frame.empty:
        return frame
    return frame[frame["created_by"] == principal.name]
