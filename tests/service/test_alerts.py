"""Alerts (issue 37): people subscribe to a district, an area or an indicator; a synthetic BRÅ
load that turns Farsta's reported crime against persons into a significant deterioration
e-mails each subscriber of it once (through the SMTP set-up of the reminders), and not
again; a subscriber of another district gets nothing; a returned report reaches its
district's subscribers; the first run only records what it sees."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from access.roles import Principal
from cli.loaders import main as loaders_main
from cli.remind import main as service_main
from service import alerts, district_reports
from service.session import open_store
from service.writes import PermissionDenied, RuleBroken
from store import alerts as store_alerts
from tests.app.test_local_agreements import _Inbox, mail_server
from tests.conftest import copy_store, release_store

FARSTA, BROMMA = "80118", "80106"
LISA = Principal("Lisa", "läsare")
HEADER = "Region;Brott;År;Period;Antal;/100 000 inv\n"
MONTHS = ("Jan", "Feb", "Mar", "Apr", "Maj", "Jun", "Jul", "Aug", "Sep", "Okt", "Nov", "Dec")


@pytest.fixture
def store(demo_db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = copy_store(demo_db_path, tmp_path / "dashboard.sqlite")
    monkeypatch.setenv("DASHBOARD_DB", str(path))
    release_store()
    return path


def _run(path: Path, secrets: Path, today: str = "2026-12-07") -> int:
    release_store()
    return service_main(["alerts", "--db", str(path), "--secrets", str(secrets), "--today", today])


@pytest.mark.slow
def test_a_deterioration_reaches_its_subscribers_once(store: Path, tmp_path: Path) -> None:
    con = open_store(store)
    try:
        sara = alerts.subscribe(con, LISA, "sara@example.se", "district", FARSTA, "Sara")
        alerts.subscribe(con, LISA, "olle@example.se", "indicator", "brott_mot_person", "Olle")
        alerts.subscribe(con, LISA, "pia@example.se", "area", "brottsoffer", "Pia")
        alerts.subscribe(con, LISA, "kim@example.se", "district", BROMMA, "Kim")
        with pytest.raises(RuleBroken, match="bevakar redan"):
            alerts.subscribe(con, LISA, "Sara@example.se", "district", FARSTA)
        with pytest.raises(RuleBroken, match="ingen e-postadress"):
            alerts.subscribe(con, LISA, "sara", "district", FARSTA)
        with pytest.raises(RuleBroken, match="finns inte"):
            alerts.subscribe(con, LISA, "sara@example.se", "indicator", "påhittad")
        with pytest.raises(PermissionDenied, match="bara ta bort sina egna"):
            alerts.unsubscribe(con, Principal("Other", "rapportör"), sara)
    finally:
        con.close()

    inbox = _Inbox()
    server, secrets = mail_server(inbox, tmp_path)
    try:
        assert _run(store, secrets) == 0  # the first run records what it sees
        assert _run(store, secrets) == 0
        assert inbox.messages == []

        # A whole year 2024 for Farsta far above its 1 700–1 900 a year.
        text = HEADER + "".join(
            f"Stadsdelsområde Farsta (Sthlm);3-7 kap. Brott mot person;2024;{m};300;480;\n"
            for m in MONTHS
        )
        file = tmp_path / "Databasfil2024_farsta.txt"
        file.write_bytes(text.encode("latin-1"))
        release_store()
        assert loaders_main(["load", "bra", str(file), "--db", str(store), "--user", "Anna"]) == 0
        assert _run(store, secrets) == 0
        first = {rcpt[0]: message for rcpt, message in inbox.messages}
        assert set(first) == {"sara@example.se", "olle@example.se", "pia@example.se"}
        body = first["olle@example.se"].get_content().replace("\r\n", "\n")
        assert body.startswith("Hej Olle,\n\nDet här har ändrats i det du bevakar:\n- Anmälda")
        assert (
            "- Anmälda brott mot person, Farsta (2024): har fått en statistiskt säkerställd "
            "försämring." in body
        )
        assert (
            first["olle@example.se"]["Subject"]
            == "Bevakning: Anmälda brott mot person, Farsta (2024)"
        )
        # Again: nothing more.
        assert _run(store, secrets) == 0
        assert len(inbox.messages) == 3

        # A report of Farsta returned: its district's subscriber hears of it.
        con = open_store(store)
        try:
            item = f"rapport:2026:arsunderlag:{FARSTA}"
            report = district_reports.read(con, item)
            body_text = {s.key: {"bedomning": "Delvis."} for s in report.sections if not s.local}
            writer = Principal("Fia", "rapportör", (FARSTA,))
            district_reports.save(con, writer, item, body_text, 0, submit=True)
            district_reports.review(
                con, Principal("Bea", "beredningsgrupp"), item, False, {"": "Mer om orsakerna."}, 1
            )
        finally:
            con.close()
        assert _run(store, secrets) == 0
        returned = [m for r, m in inbox.messages[3:] if r == ["sara@example.se"]]
        assert len(returned) == 1 and "Rapporten arsunderlag 2026 för Farsta är återsänd" in (
            returned[0].get_content()
        )
        assert len(inbox.messages) == 4
        assert _run(store, secrets) == 0 and len(inbox.messages) == 4
    finally:
        server.stop()
    con = open_store(store)
    try:
        assert len(store_alerts.subscriptions(con)) == 4
        alerts.unsubscribe(con, LISA, sara)
        assert len(store_alerts.subscriptions(con)) == 3
    finally:
        con.close()


def test_states_are_recorded_without_sending_on_the_first_run(store: Path) -> None:
    con = open_store(store)
    try:
        frames = alerts.frames_on(con)
        due, changed = alerts.due(con, frames, date(2026, 12, 7))
        assert due == [] and len(changed) > 100
        assert all(k.startswith(("verdict:", "report:")) for k in changed)
    finally:
        con.close()
