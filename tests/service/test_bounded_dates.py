"""Dates a write may carry are bounded in the service (issue 34): a typing error such as
0226 or 20266 is refused with its reason in Swedish, for actions, events, local agreements'
dates and saved meetings, and nothing is stored."""

from __future__ import annotations

from datetime import date

import duckdb
import pytest

from access.roles import Principal
from service import events, meetings
from service import followup as writes
from service.writes import RuleBroken
from store import followup

ADMIN = Principal("adam", "administratör")
RANGE = "ett datum mellan 2000-01-01 och 2100-12-31"


def _action(**dates: date) -> dict[str, object]:
    action: dict[str, object] = {"agreement": "2024", "area": "platser", "region_code": "80132"}
    action |= {"title": "Trygghetsvandring", "owner": "gemensamt", "status": "planerad"}
    return action | dates


def test_an_action_with_a_date_out_of_range_is_refused(store: duckdb.DuckDBPyConnection) -> None:
    with pytest.raises(RuleBroken) as refused:
        writes.new_action(store, ADMIN, _action(start_date=date(226, 1, 1)))
    assert f"startdatum ska vara {RANGE}, inte 0226-01-01" in str(refused.value)
    with pytest.raises(RuleBroken, match=f"slutdatum ska vara {RANGE}"):
        writes.new_action(
            store, ADMIN, _action(start_date=date(2026, 1, 1), end_date=date(9999, 12, 31))
        )
    assert followup.actions(store).empty
    assert writes.new_action(store, ADMIN, _action(start_date=date(2026, 1, 1))) > 0


def test_an_event_and_a_meeting_out_of_range_are_refused(store: duckdb.DuckDBPyConnection) -> None:
    with pytest.raises(RuleBroken, match=f"händelsens datum ska vara {RANGE}"):
        events.add(store, ADMIN, title="Trygghetsvandring", starts_on=date(1899, 5, 1),
                   party="gemensamt")  # fmt: skip
    with pytest.raises(RuleBroken, match=f"Mötets datum ska vara {RANGE}"):
        meetings.save_in(store, ADMIN, "Styrgrupp", date(2200, 1, 1))


def test_an_agreement_with_dates_out_of_range_is_refused(store: duckdb.DuckDBPyConnection) -> None:
    from service import local

    draft = local.Agreement(
        district="80132", title="Lokal överenskommelse", police_areas=("jarva",),
        valid_from=date(1999, 1, 1), valid_to=None, revision_date=date(2002, 12, 31),
        areas=(local.LocalArea("", "Skolan", "", ("unga",), ()),),
        members=(local.Member("Ordförande", "Sara Stad", "stad", "sara@example.se", True),),
        meetings=(local.Meeting(date(3026, 3, 12), "Lägesbild"),),
    )  # fmt: skip
    with pytest.raises(RuleBroken) as refused:
        local.save(store, ADMIN, draft)
    message = str(refused.value)
    assert message.count(RANGE) == 2, message  # gäller från and the meeting (2002 is in range)
    assert f"Överenskommelsen, gäller från: {RANGE}" in message
    assert f"Möten, rad 1, datum: {RANGE}" in message
