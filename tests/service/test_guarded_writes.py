"""The follow-up writes, called directly as a page would: each role can do exactly what it
should, a district's rapportör cannot touch another district, a refused write changes
nothing, and every write records the principal's name (never a typed one)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest

from access.roles import PermissionDenied, Principal
from catalogue.catalogue import load_catalogue
from loaders import actions_excel
from loaders.followup_examples import load as load_examples
from service import followup as writes
from service import uploads
from store import audit, followup
from tests.loaders.test_actions_excel import write_sheet

READER = Principal("lisa", "läsare")
JARVA = Principal("jonas", "rapportör", ("80132",))  # Järva
CITY = Principal("cecilia", "rapportör")
ADMIN = Principal("adam", "administratör")
JARVA_ACTION, CITY_ACTION, FARSTA_ACTION = 1, 2, 5


@pytest.fixture
def con(store: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    load_examples(store)
    return store


def _action(region: str) -> dict[str, object]:
    return {
        "agreement": "2024",
        "area": "platser",
        "region_code": region,
        "title": "Trygghetsvandring",
        "owner": "gemensamt",
        "status": "planerad",
        "start_date": date(2026, 1, 1),
    }


def _ids(rows: list[dict]) -> list[int]:
    return [int(r["id"]) for r in rows]


def _said(values: dict[str, object]) -> dict[str, object]:
    """An assessment's keys as a comment's (a comment has text, not a judgement)."""
    return {k: v for k, v in values.items() if k != "judgement"}


def _counts(con: duckdb.DuckDBPyConnection) -> tuple[int, int, int, int]:
    return (
        len(followup.actions(con)),
        len(followup.assessments(con)),
        len(followup.comments(con)),
        len(audit.entries(con, what=[w for w in audit.kinds(con) if w != "nekad"])),
    )


def test_reader_writes_nothing(con: duckdb.DuckDBPyConnection) -> None:
    before = _counts(con)
    judged = {"area": "platser", "region_code": "80132", "year": 2025, "judgement": "delvis"}
    attempts = [
        lambda: writes.new_action(con, READER, _action("80132")),
        lambda: writes.change_action(con, READER, JARVA_ACTION, {"status": "avbruten"}),
        lambda: writes.assess(con, READER, **judged),
        lambda: writes.comment(con, READER, **_said({**judged, "text": "Lägesbild"})),
    ]
    for attempt in attempts:
        with pytest.raises(PermissionDenied, match="lisa har rollen läsare"):
            attempt()
    assert _counts(con) == before
    assert followup.action(con, JARVA_ACTION)["status"] == "genomförd"
    refused = audit.entries(con, what=["nekad"])  # every refusal is in the log, with who
    assert len(refused) == len(attempts) and set(refused["who"]) == {"lisa"}


def test_district_rapportor_writes_only_their_district(con: duckdb.DuckDBPyConnection) -> None:
    before = _counts(con)
    with pytest.raises(PermissionDenied, match="jonas får bara ändra uppgifter för Järva; inte "
                       "för Bromma"):  # fmt: skip
        writes.new_action(con, JARVA, _action("80106"))
    with pytest.raises(PermissionDenied, match="inte för Farsta"):
        writes.change_action(con, JARVA, FARSTA_ACTION, {"status": "pågående"}, note="x")
    with pytest.raises(PermissionDenied, match="inte för Stockholms stad"):
        writes.change_action(con, JARVA, CITY_ACTION, {"status": "genomförd"})
    # Moving their own action to another district is refused too.
    with pytest.raises(PermissionDenied, match="inte för Bromma"):
        writes.change_action(con, JARVA, JARVA_ACTION, {"region_code": "80106"})
    judged = {"area": "platser", "region_code": "80106", "year": 2025, "judgement": "delvis"}
    with pytest.raises(PermissionDenied, match="inte för Bromma"):
        writes.assess(con, JARVA, **judged)
    with pytest.raises(PermissionDenied, match="inte för Bromma"):
        writes.comment(con, JARVA, **_said({**judged, "text": "Lägesbild"}))
    unfinished = followup.actions(con).to_dict("records")
    with pytest.raises(PermissionDenied, match="inte för Farsta, Skärholmen, Stockholms stad"):
        writes.copy_actions(con, JARVA, _ids(unfinished), 2027)
    assert _counts(con) == before

    new_id = writes.new_action(con, JARVA, _action("80132"))
    assert writes.change_action(con, JARVA, new_id, {"status": "pågående"}, note="Startad") == [
        "status"
    ]
    writes.assess(con, JARVA, **{**judged, "region_code": "80132", "justification": "Bra"})
    writes.comment(con, JARVA, **_said({**judged, "region_code": "80132", "text": "Lägesbild"}))
    own = [r for r in unfinished if r["region_code"] == "80132"]
    assert len(writes.copy_actions(con, JARVA, _ids(own), 2027)) == 1

    stored = followup.action(con, new_id)
    assert stored["created_by"] == "jonas"
    history = followup.action_history(con, new_id)
    assert set(history["changed_by"]) == {"jonas"}
    assert followup.actions(con).set_index("id").loc[new_id, "notes"].endswith("Startad")
    assessed = followup.assessments(con, 2025)
    assert assessed.set_index("region_code").loc["80132", "assessed_by"] == "jonas"
    said = followup.comments(con, "80132", 2025)
    assert said.iloc[0]["written_by"] == "jonas"
    log = audit.entries(con)
    log = log[log["what"] != "nekad"]  # the refusals above, each logged
    new_entries = log.iloc[: len(log) - before[3]]
    assert set(new_entries["who"]) == {"jonas"}
    assert sorted(new_entries["what"]) == sorted(
        [
            "ny åtgärd",
            "ny åtgärd",
            "ändrad åtgärd",
            "uppföljning av åtgärd",
            "bedömning",
            "lägesbild",
        ]
    )


def test_city_rapportor_and_administrator_write_everywhere(
    con: duckdb.DuckDBPyConnection,
) -> None:
    for who in (CITY, ADMIN):
        new_id = writes.new_action(con, who, _action("80106"))
        writes.change_action(con, who, FARSTA_ACTION, {"title": f"Ändrad av {who.name}"})
        assert followup.action(con, new_id)["created_by"] == who.name
        assert followup.action_history(con, FARSTA_ACTION).iloc[-1]["changed_by"] == who.name
    first_three = _ids(followup.actions(con).to_dict("records")[:3])
    assert len(writes.copy_actions(con, CITY, first_three, 2027)) == 3


def test_excel_import_checks_every_district_it_touches(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    catalogue = load_catalogue()
    row = [
        "",
        "Ny",
        "Otrygga och brottsutsatta platser",
        "Järva",
        "stad",
        "",
        "planerad",
        "2026-01-01",
    ]
    own = actions_excel.read(con, write_sheet(tmp_path / "a.xlsx", [row]), "a.xlsx", catalogue)
    # Changing the Farsta action from a file that is otherwise about Järva is refused.
    farsta = [
        FARSTA_ACTION,
        "Ändrad",
        "Särskilt utsatta och sårbara brottsoffer",
        "Järva",
        "stad",
        "",
        "pågående",
    ]
    moved = actions_excel.read(
        con, write_sheet(tmp_path / "b.xlsx", [row, farsta]), "b.xlsx", catalogue
    )
    assert own.errors == [] and moved.errors == [], (own.findings, moved.findings)
    before = _counts(con)
    with pytest.raises(PermissionDenied, match="inte för Farsta"):
        uploads.commit_actions(con, JARVA, moved)
    with pytest.raises(PermissionDenied, match="rollen läsare"):
        uploads.commit_actions(con, READER, own)
    assert _counts(con) == before
    uploads.commit_actions(con, JARVA, own)
    newest = followup.actions(con).sort_values("id").iloc[-1]
    assert (newest["region_code"], newest["created_by"]) == ("80132", "jonas")
