"""The districts' reports to the beredningsgrupp (issue 37): written, submitted, returned with
comments, resubmitted and approved by the roles that own each step, audited under their
names; an approved report keeps the figures it cited through later loads; a rapportör of
another district is refused on the server and the refusal is logged; the årshjul and the
overview show each state as it happens."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest

from access.roles import Principal
from cli.loaders import main as loaders_main
from service import calendar, district_reports
from service.session import open_store
from service.writes import PermissionDenied, RuleBroken
from store import audit
from tests.app.test_local_agreements import reports_not_handed_in
from tests.conftest import copy_store, release_store

JARVA, BROMMA = "80132", "80106"
ITEM = f"rapport:2026:halvar:{JARVA}"
SARA = Principal("Sara Stad", "rapportör", (JARVA,))
BO = Principal("Bo Berg", "rapportör", (BROMMA,))
BEA = Principal("Bea Beredning", "beredningsgrupp")
JUNE = date(2026, 6, 10)


@pytest.fixture
def demo_copy(demo_db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = copy_store(demo_db_path, tmp_path / "demo.duckdb")
    monkeypatch.setenv("DASHBOARD_DB", str(path))
    # The demo marks last year's and this year's reports handed in (issue 36): Järva's report
    # of 15 June 2026 is written in the app here.
    reports_not_handed_in(path)
    return path


def _body(report: district_reports.Report, assessed: bool = True) -> dict[str, dict[str, str]]:
    body: dict[str, dict[str, str]] = {}
    for section in report.sections:
        if section.local:
            continue
        body[section.key] = {
            "lagesbild": f"Personalen i {section.title.lower()} beskriver ett lugnare läge.",
            "orsaker": "Fler vuxna i rörelse kvällstid.",
        }
        if assessed:
            body[section.key]["bedomning"] = "Delvis i rätt riktning."
    return body


def _item(con, key: str, today: date) -> calendar.Item:  # type: ignore[no-untyped-def]
    return {i.key: i for i in calendar.items(con, 2026, today)}[key]


@pytest.mark.slow
def test_a_report_goes_from_draft_to_approved_and_keeps_its_figures(demo_copy: Path) -> None:
    con = open_store(demo_copy)
    try:
        report = district_reports.read(con, ITEM)
        assert report.state is None and report.district_name == "Järva"
        assert report.title == "Halvårsuppföljning till beredningsgruppen"
        assert report.due == date(2026, 6, 15)
        wide = [s for s in report.sections if not s.local]
        assert [s.title for s in wide][:2] == [
            "Unga i riskzon för destruktivt beteende",
            "Otrygga och brottsutsatta platser",
        ]
        assert _item(con, ITEM, JUNE).status == "snart"

        # A draft: its figures are today's, kept with it.
        draft = district_reports.save(con, SARA, ITEM, _body(report, assessed=False), 0)
        assert (draft.state, draft.version, draft.saved_by) == ("utkast", 1, "Sara Stad")
        assert draft.figures and all(f.period for f in draft.figures)
        person = next(f for f in draft.figures if f.indicator == "brott_mot_person")
        assert person.section.startswith("stad:") and person.period
        # Did it help? The demo's walks in Tensta and Rinkeby (from March 2023), before and
        # after, kept with the version.
        walks = [e for e in draft.effects if e.action.startswith("Trygghetsvandringar i Tensta")]
        assert walks and walks[0].sentence() == (
            "Trygghetsvandringar i Tensta och Rinkeby (start 2023-03-01), Genomförda "
            "trygghetsvandringar: före 16 (9–26), 2022; efter 16 (9–26), 2024: oförändrat."
        )
        # A submission needs each city-wide area's assessment, and says which are missing.
        with pytest.raises(
            RuleBroken, match="Sparades inte: skriv styrgruppens bedömning för Unga i riskzon"
        ):
            district_reports.save(con, SARA, ITEM, _body(report, assessed=False), 1, submit=True)
        # A page drawn before the draft was saved is refused, not overwritten.
        with pytest.raises(RuleBroken, match="har ändrats sedan du öppnade den"):
            district_reports.save(con, SARA, ITEM, _body(report), 0)

        # Bo (Bromma) can neither write nor submit nor approve Järva's report.
        for attempt in (
            lambda: district_reports.save(con, BO, ITEM, _body(report), 1, submit=True),
            lambda: district_reports.review(con, BO, ITEM, True, {}),
        ):
            with pytest.raises((PermissionDenied, RuleBroken)):
                attempt()
        submitted = district_reports.save(con, SARA, ITEM, _body(report), 1, submit=True)
        assert submitted.state == "inskickad"
        with pytest.raises(PermissionDenied, match="får bara ändra uppgifter för Bromma"):
            district_reports.save(con, BO, ITEM, _body(report), 2)
        with pytest.raises(PermissionDenied, match="bara beredningsgruppen och administratörer"):
            district_reports.review(con, BO, ITEM, True, {}, 2)
        with pytest.raises(PermissionDenied, match="bara beredningsgruppen och administratörer"):
            district_reports.review(con, SARA, ITEM, True, {}, 2)
        # The beredningsgrupp writes nothing else (its own report neither).
        with pytest.raises(PermissionDenied, match="rollen beredningsgrupp"):
            district_reports.save(con, BEA, f"rapport:2026:halvar:{BROMMA}", {}, 0)
        # Submitted: no longer late in the årshjul, and not offered to mark done.
        assert _item(con, ITEM, date(2026, 6, 20)).status == "inskickad"
        with pytest.raises(RuleBroken, match="inskickad"):
            calendar.mark_done(con, SARA, ITEM, date(2026, 6, 20))

        # Returned with a comment on one area: the author sees it there.
        first = wide[0].key
        with pytest.raises(RuleBroken, match="skriv minst en kommentar"):
            district_reports.review(con, BEA, ITEM, False, {first: "  "}, 2)
        returned = district_reports.review(
            con, BEA, ITEM, False, {first: "Beskriv rekryteringen vid skolorna."}, 2
        )
        assert returned.state == "återsänd" and returned.comments == {
            first: "Beskriv rekryteringen vid skolorna."
        }
        item = _item(con, ITEM, date(2026, 6, 20))
        assert item.status == "återsänd" and item.note.startswith("återsänd av Bea Beredning")
        with pytest.raises(RuleBroken, match="bara en inskickad rapport kan granskas"):
            district_reports.review(con, BEA, ITEM, True, {}, 3)

        # Revised and resubmitted; approved.
        revised = _body(report)
        revised[first]["lagesbild"] = "Rekrytering vid två skolor i Tensta; fler anmälningar."
        district_reports.save(con, SARA, ITEM, revised, 3, submit=True)
        approved = district_reports.review(con, BEA, ITEM, True, {}, 4)
        assert approved.state == "godkänd" and not approved.preliminary
        assert approved.text(first, "lagesbild").startswith("Rekrytering vid två skolor")
        assert [v.state for v in approved.history] == [
            "utkast", "inskickad", "återsänd", "inskickad", "godkänd",
        ]  # fmt: skip
        assert approved.history[2].comments == (
            "Unga i riskzon för destruktivt beteende: Beskriv rekryteringen vid skolorna."
        )  # kept after the approval
        done = _item(con, ITEM, date(2026, 6, 20))
        assert done.status == "klar" and done.note == "godkänd av Bea Beredning"
        # Frozen: no more writing or reviewing.
        with pytest.raises(RuleBroken, match="godkänd rapport är fryst"):
            district_reports.save(con, SARA, ITEM, revised, 5)

        # Every step in the log under the right name; the refusals too.
        log = audit.entries(con)
        steps = log[log["what"].str.startswith("rapport ")]
        assert list(zip(steps["who"], steps["what"], strict=True))[::-1] == [
            ("Sara Stad", "rapport sparad"),
            ("Sara Stad", "rapport inskickad"),
            ("Bea Beredning", "rapport återsänd"),
            ("Sara Stad", "rapport inskickad"),
            ("Bea Beredning", "rapport godkänd"),
        ]
        assert "Halvårsuppföljning till beredningsgruppen 2026, Järva: godkänd (version 5)" in (
            set(steps["detail"])
        )
        refused = log[(log["what"] == "nekad") & (log["who"] == "Bo Berg")]
        assert len(refused) >= 3 and refused["detail"].str.contains("Järva").any()

        cited = json.dumps([f.__dict__ for f in approved.figures + approved.effects])
    finally:
        con.close()

    # A later BRÅ load (a whole year 2024 for Järva, from the command line) changes what the
    # district's figures are today; the approved report's figures stay as they were cited.
    text = "Region;Brott;År;Period;Antal;/100 000 inv\n" + "".join(
        f"Stadsdelsområde Järva (Sthlm);3-7 kap. Brott mot person;2024;{m};400;520;\n"
        for m in (
            "Jan",
            "Feb",
            "Mar",
            "Apr",
            "Maj",
            "Jun",
            "Jul",
            "Aug",
            "Sep",
            "Okt",
            "Nov",
            "Dec",
        )
    )
    file = demo_copy.parent / "Databasfil2024_jarva.txt"
    file.write_bytes(text.encode("latin-1"))
    release_store()
    assert loaders_main(["load", "bra", str(file), "--db", str(demo_copy), "--user", "Anna"]) == 0
    release_store()
    con = open_store(demo_copy)
    try:
        now = {f.indicator: f for f in district_reports.current_figures(con, JARVA)}
        assert (
            now["brott_mot_person"].period == "2024"
            and now["brott_mot_person"].value == "4\u00a0800"
        )
        later = district_reports.read(con, ITEM)
        assert json.dumps([f.__dict__ for f in later.figures + later.effects]) == cited
        before = next(f for f in later.figures if f.indicator == "brott_mot_person")
        assert before.period != "2024"
    finally:
        con.close()


def test_the_overview_shows_each_districts_state(demo_copy: Path) -> None:
    con = open_store(demo_copy)
    try:
        report = district_reports.read(con, ITEM)
        district_reports.save(con, SARA, ITEM, _body(report), 0, submit=True)
        rows = district_reports.overview_rows(con, 2026, date(2026, 6, 20))
        halvar = {r.district_name: r for r in rows if r.report == "halvar"}
        assert halvar["Järva"].state == "inskickad" and halvar["Järva"].by == "Sara Stad"
        assert halvar["Bromma"].state == "försenad"
        later = {r.district_name: r for r in rows if r.report == "arsunderlag"}
        assert later["Järva"].state == "saknas" and later["Järva"].word == "inte påbörjad"
    finally:
        con.close()


def _docx_text(data: bytes) -> str:
    import io

    import docx

    document = docx.Document(io.BytesIO(data))
    cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def test_the_year_end_names_the_approved_reports_and_those_missing(demo_copy: Path) -> None:
    from report import render_docx, render_xlsx
    from service import reports

    con = open_store(demo_copy)
    try:
        report = district_reports.read(con, ITEM)
        body = _body(report)
        body["stad:unga"]["bedomning"] = "Rekryteringen till nätverken har minskat i Tensta."
        district_reports.save(con, SARA, ITEM, body, 0, submit=True)
        district_reports.review(con, BEA, ITEM, True, {}, 1)
        bromma = f"rapport:2026:halvar:{BROMMA}"
        district_reports.save(con, BO, bromma, _body(report), 0, submit=True)

        city = reports.year_end(con, 2026, "Stockholm")
        assert city.reports is not None
        halvar = city.reports.facts[0]
        assert halvar.startswith("Halvårsuppföljning till beredningsgruppen (15 juni 2026): ")
        assert "godkända 1 av 11 (Järva)" in halvar
        assert "inskickade eller återsända, inte godkända (preliminära) 1 av 11 (Bromma)" in halvar
        assert "saknas 9 av 11 (Enskede-Årsta-Vantör, Farsta," in halvar
        text = _docx_text(render_docx.render(city))
        assert "Stadsdelsområdenas rapporter till beredningsgruppen" in text
        assert "godkända 1 av 11 (Järva)" in text
        assert "Rekryteringen till nätverken har minskat i Tensta." in text
        # Bromma's submitted text is not in the city's summary: only approved reports are.
        assert text.count("Delvis i rätt riktning.") == 4  # Järva's four other areas
        assert ("Godkänd" in text and "Saknas" in text) or "Försenad" in text

        own = reports.year_end(con, 2026, "Bromma")
        assert own.reports is not None and own.reports.preliminary.startswith(
            "Preliminärt: Brommas halvårsuppföljning till beredningsgruppen (inskickad)"
        )
        assert own.reports.preliminary in _docx_text(render_docx.render(own))
        assert own.reports.rows == [["Bromma", "Inskickad, ej godkänd", "Saknas (försenad)"]]
        assert own.reports.header == [
            "Stadsdelsområde",
            "Halvårsuppföljning till beredningsgruppen (15 juni 2026)",
            "Underlag till årssammanställningen (15 november 2026)",
        ]
        jarva = _docx_text(render_docx.render(reports.year_end(con, 2025, "Järva")))
        assert "Hjälpte det? Före och efter åtgärderna" in jarva
        assert "före 16 (9–26), 2022; efter 16 (9–26), 2024: oförändrat." in jarva
        assert "visar inte att åtgärden orsakade den" in jarva
        import io

        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(render_xlsx.render(city)))
        sheet = book["Rapporter"]
        values = [c.value for row in sheet.iter_rows() for c in row if c.value]
        assert "Järva" in values and any("godkända 1 av 11" in str(v) for v in values)
    finally:
        con.close()


def test_a_returned_report_reminds_its_districts_reporters_once(demo_copy: Path) -> None:
    farsta = "80118"  # the demo's example agreement names its reporter
    item = f"rapport:2026:arsunderlag:{farsta}"
    today = date(2026, 12, 7)
    con = open_store(demo_copy)
    try:
        report = district_reports.read(con, item)
        writer = Principal("Fia", "rapportör", (farsta,))
        district_reports.save(con, writer, item, _body(report), 0, submit=True)
        district_reports.review(con, BEA, item, False, {"": "Mer om orsakerna."}, 1)
        due = calendar.reminders(con, today)
        mine = [r for r in due if r.recipient == "samordnare.farsta@example.org"]
        assert len(mine) == 1
        returned = [(i.key, kind) for i, kind in mine[0].items if kind.startswith("atersand")]
        assert returned == [(item, "atersand:2")]  # the version that returned it
        subject, body = calendar.message_text(mine[0], today)
        assert "återsänd" in subject or "återsänt" in body
        assert "Beredningsgruppen har återsänt det här med kommentarer" in body
        assert "- Underlag till årssammanställningen: Farsta (återsänd av Bea Beredning" in body
        calendar.record_sent(con, mine[0], today)
        again = [r for r in calendar.reminders(con, today + timedelta(days=1))
                 if r.recipient == "samordnare.farsta@example.org"]  # fmt: skip
        assert not [k for r in again for _, k in r.items if k.startswith("atersand")]
    finally:
        con.close()
