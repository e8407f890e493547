"""The handlingsplan and the overarching agreement as data (issue 37): the plan per area (goal,
how it is measured and what cannot be, responsibilities, commitments, follow-up dates) kept by
the beredningsgrupp in versions, adopted, carried into next year as a draft, in the year-end
and as a Word document; the agreement's decision, signing and revision, and the årshjul's
warning before the revision."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date
from pathlib import Path

import docx
import pytest

from access.roles import Principal
from report import render_docx
from service import action_plan, calendar, followup, indicator_values, reports
from service.session import open_store
from service.writes import PermissionDenied, RuleBroken
from store import audit
from tests.conftest import copy_store, release_store

BEA = Principal("Bea Beredning", "beredningsgrupp")
CECILIA = Principal("Cecilia", "rapportör")  # city-wide


@pytest.fixture
def demo_copy(demo_db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = copy_store(demo_db_path, tmp_path / "demo.duckdb")
    monkeypatch.setenv("DASHBOARD_DB", str(path))
    release_store()
    return path


def _text(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def test_the_agreement_is_data_and_the_arshjul_warns_before_its_revision() -> None:
    agreements = indicator_values.catalogue().agreements
    assert agreements["2019"].next_revision() == date(2023, 11, 1)  # signed November 2019
    assert agreements["2024"].next_revision() == date(2028, 1, 1)  # from its period's start
    facts = dict(action_plan.agreement_facts("2024"))
    assert facts["Beslut"] == "Kommunstyrelsen (remiss till nämnderna hösten 2023), KS 2023/740"
    assert facts["Ersätter"] == "Övergripande samverkansöverenskommelse 2019"
    assert facts["Revision"] == (
        "vart fjärde år; nästa senast 1 januari 2028 (räknat från periodens början)"
    )
    assert facts["Undertecknad"].startswith("datum saknas i källorna")
    assert dict(action_plan.agreement_facts("2019"))["Ersätter"] == (
        "Samverkansavtal 2015–2019 (dnr 320-845/2015)"
    )
    assert calendar.agreement_warning(date(2026, 12, 7)) is None
    assert calendar.agreement_warning(date(2027, 3, 1)) == (
        "Övergripande samverkansöverenskommelse 2024 ska revideras senast 1 januari 2028 "
        "(vart fjärde år): om 306 dagar."
    )
    assert "skulle ha reviderats" in (calendar.agreement_warning(date(2028, 2, 1)) or "")


def test_the_revision_is_an_item_of_the_arshjul(demo_copy: Path) -> None:
    con = open_store(demo_copy)
    try:
        found = [
            i for i in calendar.items(con, 2028, date(2027, 6, 1)) if i.kind == "överenskommelse"
        ]
        assert [(i.due, i.status) for i in found] == [(date(2028, 1, 1), "snart")]
        assert found[0].title == (
            "Revidera Övergripande samverkansöverenskommelse 2024 (vart fjärde år)"
        )
        assert not [
            i for i in calendar.items(con, 2026, date(2026, 6, 1)) if i.kind == "överenskommelse"
        ]
    finally:
        con.close()


def test_the_plan_is_written_adopted_carried_into_next_year_and_documented(
    demo_copy: Path,
) -> None:
    con = open_store(demo_copy)
    try:
        # The demo's example plan for 2026, adopted.
        example = action_plan.current(con, 2026)
        assert example.example and example.adopted and example.saved_by == "demodata"
        assert example.area("unga").goal.startswith("Exempel: ")
        proposal = action_plan.current(con, 2027)
        assert proposal.version == 0 and [a.area for a in proposal.areas] == [
            "unga", "platser", "systemhot", "brottsoffer", "kriminella_miljoer",
        ]  # fmt: skip
        victims = proposal.area("brottsoffer")
        assert "brott_mot_person" in victims.indicators and not victims.goal
        assert victims.unmeasured.startswith("Våld i nära relationer")
        assert victims.followup.splitlines()[0] == (
            "15 juni 2027: Halvårsuppföljning till beredningsgruppen (varje stadsdelsområdes "
            "rapportör, efter den lokala styrgruppen)"
        )
        action = followup.new_action(con, Principal("Ada", "administratör"), {
            "area": "brottsoffer", "region_code": "0180", "title": "Stödcentrum för brottsutsatta",
            "owner": "stad", "start_date": date(2025, 3, 1), "end_date": date(2027, 6, 30),
        })  # fmt: skip

        # A rapportör may not keep the plan; refused and logged.
        with pytest.raises(PermissionDenied, match="handlingsplanen skrivs och fastställs"):
            action_plan.save(con, CECILIA, 2027, proposal.areas, 0)
        areas = list(proposal.areas)
        with pytest.raises(RuleBroken, match="Sparades inte: skriv målet för Unga i riskzon"):
            action_plan.save(con, BEA, 2027, areas, 0, adopt=True)
        with pytest.raises(RuleBroken, match="hör inte till området"):
            wrong = [replace(areas[0], indicators=("skjutningar",)), *areas[1:]]
            action_plan.save(con, BEA, 2027, wrong, 0)
        draft = action_plan.save(con, BEA, 2027, areas, 0)
        assert (draft.version, draft.state, draft.adopted) == (1, "utkast", False)
        goals = [replace(a, goal=f"Färre utsatta: {a.title.lower()}.") for a in areas]
        goals[3] = replace(goals[3], responsible="Socialförvaltningen och Polisregion Stockholm")
        with pytest.raises(RuleBroken, match="har ändrats sedan du öppnade den"):
            action_plan.save(con, BEA, 2027, goals, 0, adopt=True)
        adopted = action_plan.save(con, BEA, 2027, goals, 1, adopt=True)
        assert adopted.adopted and adopted.version == 2 and not adopted.example

        # Next year's plan: a draft with this year's goals and next year's dates.
        following = action_plan.start_next_year(con, BEA, 2027)
        assert following.year == 2028 and following.state == "utkast"
        assert following.area("brottsoffer").goal == goals[3].goal
        assert following.area("brottsoffer").followup.startswith("15 juni 2028: ")
        with pytest.raises(RuleBroken, match="redan påbörjad"):
            action_plan.start_next_year(con, BEA, 2027)

        log = audit.entries(con)
        kept = log[log["what"] == "handlingsplan"]
        assert list(kept["detail"])[::-1][-3:] == [
            "Handlingsplan 2027: utkast sparat (version 1)",
            "Handlingsplan 2027: fastställd (version 2)",
            "Handlingsplan 2028: utkast sparat (version 1)",
        ]
        assert (log[log["what"] == "nekad"]["who"] == "Cecilia").any()

        # The commitments are the register's actions of the area running in the year.
        commitments = action_plan.commitments(con, 2027, "brottsoffer")
        assert [c.id for c in commitments if c.title == "Stödcentrum för brottsutsatta"] == [action]
        assert not [c for c in action_plan.commitments(con, 2028, "brottsoffer") if c.id == action]
        # The Word document: per area goal, measures, what cannot be measured,
        # responsibilities, commitments and follow-up dates.
        text = _text(action_plan.word_of(con, 2027))
        for expected in (
            "Handlingsplan 2027",
            "Status: fastställd, version 2 (Bea Beredning).",
            "Särskilt utsatta och sårbara brottsoffer",
            "Färre utsatta: särskilt utsatta och sårbara brottsoffer.",
            "Så mäts målet",
            "Anmälda brott mot person",
            "Det som inte kan mätas: Våld i nära relationer",
            "Socialförvaltningen och Polisregion Stockholm",
            "Stödcentrum för brottsutsatta",
            "15 november 2027: Underlag till årssammanställningen",
            "15 december 2027: årssammanställning med plan för 2028 (beredningsgruppen)",
            "KS 2023/740",
            "Vart fjärde år; nästa senast 1 januari 2028",
        ):
            assert expected in text, expected
        assert "Exempeldata" in _text(action_plan.word_of(con, 2026))

        # The year-end of 2026 carries the plan for 2027 (adopted), 2027's the draft for 2028.
        summary = reports.year_end(con, 2026, "Stockholm")
        assert summary.plan is not None and summary.plan.heading == "Handlingsplan för 2027"
        assert summary.plan.state == (
            "Handlingsplanen för 2027: fastställd, version 2 (Bea Beredning)."
        )
        year_end = _text(render_docx.render(summary))
        assert "Handlingsplan för 2027" in year_end
        assert "Stödcentrum för brottsutsatta (Stockholms stad)" in year_end
        draft_plan = reports.year_end(con, 2027, "Stockholm").plan
        assert draft_plan is not None and draft_plan.state == (
            "Handlingsplanen för 2028 är ett utkast, inte fastställd (version 1, Bea Beredning)."
        )
        assert reports.year_end(con, 2025, "Stockholm").plan.state.startswith(  # type: ignore[union-attr]
            "Handlingsplanen för 2026: fastställd, version 1 (demodata). Exempeldata: "
        )
    finally:
        con.close()
