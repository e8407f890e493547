"""Local agreements and the årshjul as staff use them (issue 19): a Järva agreement entered on
the page (two local areas, one serving "Unga i riskzon", one "endast lokalt"; the partner
Lokalpolisområde Järva) is on the district page, in the coverage matrix on Översikt and in
Järva's year-end Word; an Excel round trip changes nothing and a wrong file is refused with
its sheet and cell; a Bromma rapportör is refused on the server (and the refusal is logged);
the årshjul shows an overdue item, and `python -m service remind` sends one e-mail per person
to a local SMTP server and none on a second run the same day."""

from __future__ import annotations

import email
import email.policy
import io
import socket
from datetime import date
from pathlib import Path

import docx
import pytest
from aiosmtpd.controller import Controller
from openpyxl import load_workbook
from streamlit.testing.v1 import AppTest

from access.roles import Principal
from cli.remind import main as service_main
from service import calendar, followup, local, local_excel, packs, reports
from service.session import open_store
from service.writes import PermissionDenied, RuleBroken
from store import audit
from store import local as store_local
from tests.conftest import ROOT, copy_store, release_store

JARVA, BROMMA = "80132", "80106"
ADMIN = Principal("Ada Admin", "administratör")
UNGA = "Unga i riskzon för destruktivt beteende"
FIRST = "Unga som rekryteras till kriminella nätverk"
SECOND = "Nedskräpning och skadegörelse vid Rinkeby torg"


@pytest.fixture
def demo_copy(demo_db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = copy_store(demo_db_path, tmp_path / "demo.duckdb")
    monkeypatch.setenv("DASHBOARD_DB", str(path))
    return path


def reports_not_handed_in(path: Path) -> None:
    """The demo's districts handed in their reports (example marks, issue 36); a test of
    overdue reports and their reminders takes those marks away on its copy."""
    con = open_store(path)
    try:
        con.execute("DELETE FROM calendar_done WHERE is_example")
    finally:
        con.close()
    release_store()


def _page(name: str, params: dict[str, str] | None = None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "main.py"), default_timeout=180)
    for key, value in (params or {}).items():
        at.query_params[key] = value
    at.run()
    at.switch_page(f"app_pages/{name}.py").run()
    assert not at.exception, at.exception
    return at


def _enter_jarva(at: AppTest) -> None:
    """Fill Järva's form as a person would (the fields are keyed by district and version)."""
    form = "lok_80132_0"
    at.number_input(key=f"{form}_n_omr").set_value(2).run()
    at.text_input(key=f"{form}_omr0_titel").set_value(FIRST)
    at.text_area(key=f"{form}_omr0_beskr").set_value("Lägesbilden: rekrytering vid skolorna.")
    at.multiselect(key=f"{form}_omr0_tjanar").set_value(["unga"])
    at.multiselect(key=f"{form}_omr0_ind").set_value(["brott_mot_person"])
    at.text_input(key=f"{form}_omr1_titel").set_value(SECOND)
    at.multiselect(key=f"{form}_omr1_tjanar").set_value([local.LOCAL_ONLY])
    at.text_input(key=f"{form}_styr0_roll").set_value("Ordförande")
    at.text_input(key=f"{form}_styr0_namn").set_value("Sara Stad")
    at.text_input(key=f"{form}_styr0_epost").set_value("sara.stad@example.se")
    at.checkbox(key=f"{form}_styr0_rapp").check()
    at.text_input(key=f"{form}_styr1_roll").set_value("Lokalpolisområdeschef")
    at.text_input(key=f"{form}_styr1_namn").set_value("Per Polis")
    at.selectbox(key=f"{form}_styr1_part").set_value("polis")
    at.date_input(key=f"{form}_fran").set_value(date(2022, 1, 1))
    at.date_input(key=f"{form}_rev").set_value(date(2025, 12, 31))  # passed: overdue
    at.text_area(key=f"{form}_moten").set_value("2026-03-12 Lägesbild\n2026-10-01 Orsaksanalys")
    at.text_input(key=f"{form}_vem").set_value("Anna Andersson")


def _submit(at: AppTest, form: str) -> None:
    next(b for b in at.get("form_submit_button") if b.form_id == form).click().run()
    assert not at.exception, at.exception


@pytest.mark.slow
def test_a_jarva_agreement_entered_on_the_page_is_shown_everywhere(demo_copy: Path) -> None:
    at = _page("agreements", {"lok_sdo": "Järva"})
    assert any("Järva har ingen lokal överenskommelse" in i.value for i in at.info)
    # The partner the register links to Järva is offered already.
    assert at.multiselect(key="lok_80132_0_polis").value == ["jarva"]
    _enter_jarva(at)
    _submit(at, "lok_80132_0")
    assert [s.value for s in at.success] == ["Järvas överenskommelse sparades som version 1."]
    shown = " ".join(m.value for m in at.markdown)
    assert FIRST in shown and SECOND in shown and "Lokalpolisområde Järva" in shown
    # Another district's form starts from that district, never with Järva's values.
    at.selectbox(key="lok_sdo").set_value("Bromma").run()
    assert at.text_input(key="lok_80106_0_titel").value == "Lokal samverkansöverenskommelse Bromma"
    assert at.text_input(key="lok_80106_0_omr0_titel").value == ""

    at = _page("district", {"stadsdelsomrade": "Järva"})
    text = " ".join(m.value for m in at.markdown)
    assert f"**1. {FIRST}**  \nTjänar: {UNGA}" in text
    assert f"**2. {SECOND}**  \nEndast lokalt" in text
    assert "Sara Stad (Ordförande, staden, rapporterar till beredningsgruppen)" in text
    followed = next(d.value for d in at.dataframe if "Lokalt mål" in d.value.columns)
    assert list(followed["Indikator"]) == ["Anmälda brott mot person"]

    at = _page("overview")
    coverage = next(d.value for d in at.dataframe if "Lokal överenskommelse" in d.value.columns)
    coverage = coverage.set_index("Stadsdelsområde")
    assert coverage.loc["Järva", "Lokal överenskommelse"] == "version 1, revideras 2025-12-31"
    assert coverage.loc["Järva", UNGA].startswith("1 lokalt område")
    assert coverage.loc["Bromma", "Lokal överenskommelse"] == "saknas"
    # The overdue revision is on Översikt: for the city too (the demo's reports were handed
    # in, so the city's few overdue items are named one by one).
    assert any("Revidera Järvas lokala överenskommelse" in w.value for w in at.warning)
    at = _page("overview", {"omfattning": "Järva"})
    assert any("2025-12-31: Revidera Järvas lokala överenskommelse" in w.value for w in at.warning)
    release_store()

    con = open_store(demo_copy)
    try:
        summary = reports.year_end(con, 2024, "Järva")
        document = docx.Document(io.BytesIO(reports.render(summary, ".docx")))
        city = reports.year_end(con, 2024, "Stockholm")
        city_doc = docx.Document(io.BytesIO(reports.render(city, ".docx")))
    finally:
        con.close()
    paragraphs = [p.text for p in document.paragraphs]
    number = next(p.split(" ")[0] for p in paragraphs if p.endswith(" Lokala prioriterade områden"))
    assert f"{number}.1 {FIRST}" in paragraphs and f"{number}.2 {SECOND}" in paragraphs
    assert f"Tjänar de stadsövergripande områdena: {UNGA}." in paragraphs
    assert "Endast lokalt: tjänar inget av de fem stadsövergripande områdena." in paragraphs
    assert any("Lokalpolisområde Järva" in p and "revideras senast 31 december 2025" in p
               for p in paragraphs)  # fmt: skip
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    assert "Anmälda brott mot person" in cells
    # The city's summary has the coverage matrix and the revisions due.
    city_text = [p.text for p in city_doc.paragraphs]
    assert "Järva: revideras senast 31 december 2025" in city_text
    assert "Bromma: ingen lokal överenskommelse registrerad" in city_text
    matrix = next(
        t for t in city_doc.tables
        if [c.text for c in t.rows[0].cells[:2]] == ["Stadsdelsområde", "Lokal överenskommelse"]
    )  # fmt: skip
    rows = {r.cells[0].text: [c.text for c in r.cells] for r in matrix.rows[1:]}
    assert rows["Järva"][2].startswith("1 lokalt område")
    # The Excel of the summary and the meeting packs carry it too.
    sheet = load_workbook(io.BytesIO(reports.render(summary, ".xlsx")))["Lokalt"]
    cells = [[c.value for c in row] for row in sheet.iter_rows()]
    assert [FIRST, f"Tjänar de stadsövergripande områdena: {UNGA}.", "Anmälda brott mot person",
            "2024"] == cells[5][:4]  # fmt: skip
    assert cells[6][:3] == [SECOND, "Endast lokalt: tjänar inget av de fem stadsövergripande "
                            "områdena.", "–"]  # fmt: skip
    pack = packs.build("Stadsdelsområde", JARVA)
    page = next(p for p in pack.pages if p.title == "Lokal överenskommelse: Järva")
    assert [r[:2] for r in page.table] == [[FIRST, UNGA], [SECOND, "endast lokalt"]]
    pack = packs.build("Översikt", "0180")
    page = next(p for p in pack.pages if p.title.startswith("Täckning"))
    assert any(r[0] == "Järva" and r[2].startswith("1 lokalt område") for r in page.table)


def _saved_jarva(con) -> local.Agreement:  # type: ignore[no-untyped-def]
    draft = local.Agreement(
        district=JARVA,
        title="Lokal samverkansöverenskommelse Järva 2022–2025",
        police_areas=("jarva",),
        valid_from=date(2022, 1, 1),
        valid_to=None,
        revision_date=date(2025, 12, 31),
        areas=(
            local.LocalArea(
                "", FIRST, "Rekrytering vid skolorna.", ("unga",), ("brott_mot_person",)
            ),
            local.LocalArea("", SECOND, "", (), (), local_only=True),
        ),
        members=(
            local.Member("Ordförande", "Sara Stad", "stad", "sara.stad@example.se", True),
            local.Member(
                "Lokalpolisområdeschef", "Per Polis", "polis", "per.polis@example.se", True
            ),
        ),
        meetings=(local.Meeting(date(2026, 3, 12), "Lägesbild"),),
    )
    assert local.save(con, ADMIN, draft) == 1
    saved = local.current(con, JARVA)
    assert saved is not None
    return saved


@pytest.mark.slow
def test_an_excel_round_trip_changes_nothing_and_a_wrong_file_names_its_cells(
    demo_copy: Path, tmp_path: Path
) -> None:
    con = open_store(demo_copy)
    try:
        saved = _saved_jarva(con)
        assert [a.key for a in saved.areas] == ["L1", "L2"]
        file = tmp_path / "jarva.xlsx"
        file.write_bytes(local_excel.to_excel(saved, {JARVA: "Järva"}))
        book = load_workbook(file)
        assert book.sheetnames == ["Överenskommelse", "Lokala områden", "Styrgrupp", "Möten"]
        assert book["Lokala områden"]["D3"].value == local.LOCAL_ONLY
        assert book["Överenskommelse"]["B4"].value == "Lokalpolisområde Järva"
        read, place = local_excel.from_excel(con, file, "jarva.xlsx")
        assert read == saved
        assert local.save(con, ADMIN, read, place) is None  # nothing changed, nothing written
        assert len(store_local.versions(con, JARVA)) == 1

        book["Lokala områden"]["D2"] = "Unga i riskzon; Trafiksäkerhet"
        book["Möten"]["A2"] = "12 mars"
        book.save(file)
        with pytest.raises(RuleBroken) as refused:
            read, place = local_excel.from_excel(con, file, "jarva.xlsx")
        assert "jarva.xlsx, blad Möten, cell A2, datum: ett datum (ÅÅÅÅ-MM-DD), inte '12 mars'" in (
            str(refused.value)
        )
        # Every problem of the file at once: the date and the agreement's own rules.
        assert (
            "jarva.xlsx, blad Lokala områden, cell D2, stadsövergripande områden: okänt område "
            "'Unga i riskzon'" in str(refused.value)
        )
        assert "okänt område 'Trafiksäkerhet'" in str(refused.value)
        book["Möten"]["A2"] = date(2026, 3, 12)
        book.save(file)
        with pytest.raises(RuleBroken, match="'Trafiksäkerhet'") as refused:
            local_excel.from_excel(con, file, "jarva.xlsx")
        assert "Möten" not in str(refused.value)
        assert len(store_local.versions(con, JARVA)) == 1  # nothing half-saved
    finally:
        con.close()


@pytest.mark.slow
def test_a_bromma_reporter_cannot_change_jarvas_agreement(demo_copy: Path) -> None:
    con = open_store(demo_copy)
    try:
        saved = _saved_jarva(con)
        bromma = Principal("Bo Berg", "rapportör", (BROMMA,))
        changed = local.Agreement(**{**saved.__dict__, "title": "Bromma bestämmer"})
        with pytest.raises(PermissionDenied, match="får bara ändra uppgifter för Bromma"):
            local.save(con, bromma, changed)
        assert local.current(con, JARVA).title == saved.title  # type: ignore[union-attr]
        refused = audit.entries(con, what=["nekad"])
        assert refused.iloc[0]["who"] == "Bo Berg"
        assert refused.iloc[0]["detail"].startswith("agreements: Bo Berg får bara ändra")
        # Their own district they may.
        own = local.Agreement(**{**saved.__dict__, "district": BROMMA, "title": "Bromma 2026",
                                 "police_areas": ("vallingby",)})  # fmt: skip
        assert local.save(con, bromma, own) == 1
        # An action can only serve a local area of its own district.
        with pytest.raises(RuleBroken, match="hör till ett annat stadsdelsområde"):
            followup.new_action(con, ADMIN, {"area": "unga", "region_code": BROMMA,
                                             "title": "Fritidsgård", "owner": "stad",
                                             "local_area": f"{JARVA}:L1"})  # fmt: skip
    finally:
        con.close()


class _Inbox:
    def __init__(self) -> None:
        self.messages: list[tuple[list[str], email.message.EmailMessage]] = []

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append((list(envelope.rcpt_tos), parsed))
        return "250 OK"


def mail_server(inbox: _Inbox, folder: Path) -> tuple[Controller, Path]:
    """An SMTP server on this computer delivering into ``inbox`` (started), and the secrets
    file that points the reminders at it."""
    port = _free_port()
    server = Controller(inbox, hostname="127.0.0.1", port=port)
    server.start()
    secrets = folder / "secrets.toml"
    secrets.write_text(
        f'[smtp]\nhost = "127.0.0.1"\nport = {port}\nsender = "samverkan@example.se"\n',
        encoding="utf-8",
    )
    return server, secrets


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_a_reporter_named_later_is_not_responsible_for_what_fell_due_before(
    demo_copy: Path,
) -> None:
    """Issue 36: the agreement's reporters from its start answer for the June report; Nils,
    added in a new version today, answers only for what falls due from today (a report
    of 2099 here), never for one due months before he was named."""
    from dataclasses import replace

    con = open_store(demo_copy)
    try:
        saved = _saved_jarva(con)
        nils = local.Member("Samordnare", "Nils Ny", "stad", "nils.ny@example.se", True)
        assert local.save(con, ADMIN, replace(saved, members=(*saved.members, nils))) == 2
        june = {i.key: i for i in calendar.items(con, 2026, date(2026, 12, 3))}[
            f"rapport:2026:halvar:{JARVA}"
        ]
        later = {i.key: i for i in calendar.items(con, 2099, date(2026, 12, 3))}[
            f"rapport:2099:halvar:{JARVA}"
        ]
        members = {m.name: m.since for m in local.current(con, JARVA).members}  # type: ignore[union-attr]
    finally:
        con.close()
    release_store()
    assert members["Sara Stad"] == date(2022, 1, 1)  # named with the agreement
    assert members["Nils Ny"] == date.today()
    assert [n for n, _ in june.responsible] == ["Sara Stad", "Per Polis"]
    assert [n for n, _ in later.responsible] == ["Sara Stad", "Per Polis", "Nils Ny"]


@pytest.mark.slow
def test_the_arshjul_shows_what_is_overdue_and_remind_mails_each_person_once(
    demo_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    today = date(2026, 12, 3)
    reports_not_handed_in(demo_copy)
    con = open_store(demo_copy)
    try:
        _saved_jarva(con)
        action = followup.new_action(con, ADMIN, {
            "area": "unga", "region_code": JARVA, "title": "Fritidsgård i Tensta",
            "owner": "stad", "end_date": date(2026, 12, 10), "contact": "Ola.Olsson@example.se",
            "local_area": f"{JARVA}:L1",
        })  # fmt: skip
        found = {i.key: i for i in calendar.items(con, 2026, today)}
        report = found[f"rapport:2026:halvar:{JARVA}"]
        assert (report.status, report.due) == ("försenad", date(2026, 6, 15))
        assert report.responsible == (
            ("Sara Stad", "sara.stad@example.se"),
            ("Per Polis", "per.polis@example.se"),
        )
        assert found[f"åtgärd:{action}:2026-12-10"].status == "snart"
        assert found["enkät:stockholmsenkaten:2026"].status == "kommande"
        assert found[f"möte:{JARVA}:2026-03-12"].status == "klar"
        assert found[f"revision:{JARVA}:2025-12-31"].status == "försenad"
    finally:
        con.close()
    release_store()

    at = _page("arshjul")
    table = at.dataframe[0].value
    revision = table[table["Vad"] == "Revidera Järvas lokala överenskommelse"].iloc[0]
    assert revision["Status"] == "försenad" and revision["Ansvarig"] == "Sara Stad, Per Polis"
    assert next(m for m in at.metric if m.label == "Försenade").value != "0"
    release_store()

    inbox = _Inbox()
    server, secrets = mail_server(inbox, tmp_path)
    command = ["remind", "--db", str(demo_copy), "--secrets", str(secrets), "--today", "2026-12-03"]
    try:
        assert service_main(command) == 0
        first = list(inbox.messages)
        assert service_main(command) == 0  # the same day again: nothing more
        assert service_main([*command[:-1], "2026-12-05"]) == 0  # two days on: nothing new
    finally:
        server.stop()
    assert len(inbox.messages) == len(first)
    # The demo's example agreements have reporters at example.org: they get theirs too.
    by = {rcpt[0]: message for rcpt, message in first if not rcpt[0].endswith("@example.org")}
    assert len(by) == 3 and len(first) == 3 + 2
    assert set(by) == {"sara.stad@example.se", "per.polis@example.se", "ola.olsson@example.se"}
    sara = by["sara.stad@example.se"]
    assert sara["Subject"] == "Påminnelse: 3 försenade punkter i årshjulet"
    body = sara.get_content().replace("\r\n", "\n")  # SMTP's line ends
    assert body.startswith("Hej Sara Stad,\n\nDet här har passerat sitt datum och är inte klart:")
    assert (
        "- Halvårsuppföljning till beredningsgruppen: Järva (skulle vara klart 15 juni 2026)"
        in (body)
    )
    assert "- Revidera Järvas lokala överenskommelse (skulle vara klart 31 december 2025)" in body
    ola = by["ola.olsson@example.se"]
    assert ola["Subject"] == "Påminnelse: 1 punkt i årshjulet inom kort"
    assert f"- Åtgärd {action}: Fritidsgård i Tensta (senast 10 december 2026)" in (
        ola.get_content().replace("\r\n", "\n")
    )
    assert (
        "2026-12-03: 5 reminder(s) sent.\n2026-12-03: no reminders due." in capsys.readouterr().err
    )
    con = open_store(demo_copy)
    try:
        sent = store_local.reminders(con)
        ours = sent[sent["recipient"].isin(list(by))]
        assert set(ours["recipient"]) == set(by) and len(ours) == 3 + 3 + 1
        # A report marked done on the årshjul is no longer reminded.
        item = next(i for i in calendar.items(con, 2026, today) if i.key == report.key)
        calendar.mark_done(con, Principal("Sara Stad", "rapportör", (JARVA,)), item.key, today)
        again = {i.key: i for i in calendar.items(con, 2026, today)}[report.key]
        assert again.status == "klar" and again.note == "markerad klar av Sara Stad"
        other = {i.key: i for i in calendar.items(con, 2026, today)}[
            f"rapport:2026:arsunderlag:{JARVA}"
        ]
        with pytest.raises(PermissionDenied):
            calendar.mark_done(con, Principal("Bo Berg", "rapportör", (BROMMA,)), other.key, today)
        # Found by its key in the store: a key of no item is refused, not stored.
        with pytest.raises(RuleBroken, match="finns inte i årshjulet"):
            calendar.mark_done(con, Principal("Sara Stad", "rapportör", (JARVA,)),
                               "rapport:2026:påhittad:80132", today)  # fmt: skip
    finally:
        con.close()


@pytest.mark.slow
def test_the_local_area_rules_refuse_the_same_input_at_every_front_door(
    demo_copy: Path, tmp_path: Path
) -> None:
    """Issue 35: an area that serves no city-wide area and is not "endast lokalt", and one
    that is "endast lokalt" and serves a city-wide area too, are refused by the service, with
    the same words, from the page, from the Excel import and from a direct call."""
    neither = "välj vilka stadsövergripande områden det tjänar, eller ”endast lokalt”"
    both = "”endast lokalt” går inte ihop med ett stadsövergripande område"

    # The page: area 1 with nothing chosen, area 2 with both.
    at = _page("agreements", {"lok_sdo": "Järva"})
    _enter_jarva(at)
    at.multiselect(key="lok_80132_0_omr0_tjanar").set_value([])
    at.multiselect(key="lok_80132_0_omr1_tjanar").set_value([local.LOCAL_ONLY, "unga"])
    _submit(at, "lok_80132_0")
    said = " ".join(e.value for e in at.error)
    assert f"Lokala områden, rad 1, stadsövergripande områden: {neither}" in said
    assert f"Lokala områden, rad 2, stadsövergripande områden: {both}" in said
    assert not at.success
    release_store()

    con = open_store(demo_copy)
    try:
        assert store_local.versions(con, JARVA).empty  # nothing saved from the page
        # A direct call of the service with the same areas.
        saved = _saved_jarva(con)
        wrong = local.Agreement(
            **{
                **saved.__dict__,
                "areas": (
                    local.LocalArea("L1", FIRST, "", (), ("brott_mot_person",)),
                    local.LocalArea("L2", SECOND, "", ("unga",), (), local_only=True),
                ),
            }
        )
        with pytest.raises(RuleBroken) as refused:
            local.save(con, ADMIN, wrong)
        assert f"Lokala områden, rad 1, stadsövergripande områden: {neither}" in str(refused.value)
        assert f"Lokala områden, rad 2, stadsövergripande områden: {both}" in str(refused.value)

        # The Excel import: the same two cells, named by sheet and cell.
        file = tmp_path / "jarva.xlsx"
        file.write_bytes(local_excel.to_excel(saved, {JARVA: "Järva"}))
        book = load_workbook(file)
        book["Lokala områden"]["D2"] = None
        book["Lokala områden"]["D3"] = f"{local.LOCAL_ONLY}; {UNGA}"
        book.save(file)
        with pytest.raises(RuleBroken) as refused:
            local_excel.from_excel(con, file, "jarva.xlsx")
        text = str(refused.value)
        assert (
            f"jarva.xlsx, blad Lokala områden, cell D2, stadsövergripande områden: {neither}"
            in text
        )
        assert (
            f"jarva.xlsx, blad Lokala områden, cell D3, stadsövergripande områden: {both}" in text
        )
        assert len(store_local.versions(con, JARVA)) == 1  # only the right one saved
    finally:
        con.close()
