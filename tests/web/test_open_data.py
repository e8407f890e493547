"""Open data (issue 38): the routes /api/v1/… behind the front gate, on the demo store. With
open data off (the default) they need sign-in; signed in, the values of an indicator for
Järva as JSON and CSV equal ``python -m indicators values`` for the same indicator and region
(a protected hidden cell hidden the same way); answers carry an ETag (304 when unchanged)
and the rate limit; with open data on, anyone gets the published sources only."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from access.throttle import Throttle
from cli.indicators import main as indicators_main
from service import open_data
from tests.conftest import accounts_in, copy_store, release_store
from tests.web.test_gate import _app, _sign_in

PASSWORD = "ett-långt-lösenord"
VALUES = "/api/v1/indicators/brott_mot_person/values"


@pytest.fixture
def store(demo_db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = copy_store(demo_db_path, tmp_path / "demo.duckdb")
    monkeypatch.setenv("DASHBOARD_DB", str(path))
    monkeypatch.delenv("DASHBOARD_OPEN_DATA", raising=False)
    monkeypatch.setattr(open_data, "THROTTLE", Throttle(limit=1000, window=60))
    with accounts_in(path) as users:
        users.add("lisa", "läsare", PASSWORD)
    release_store()
    return path


def _client() -> TestClient:
    return TestClient(_app(), client=("10.1.2.3", 50000), follow_redirects=False)


def _cli(path: Path, *args: str, capsys: pytest.CaptureFixture[str]) -> str:
    capsys.readouterr()
    assert indicators_main(["values", *args, "--db", str(path)]) == 0
    return capsys.readouterr().out


def test_signed_in_the_values_equal_the_command_line(
    store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    client = _client()
    refused = client.get("/api/v1/indicators")
    assert refused.status_code == 401 and "Inloggning krävs" in refused.json()["fel"]
    assert client.get(VALUES, params={"region": "Järva"}).status_code == 401
    assert _sign_in(client, "lisa", PASSWORD).status_code == 303

    listed = client.get("/api/v1/indicators")
    assert listed.status_code == 200 and listed.headers["content-type"].startswith(
        "application/json"
    )
    indicators = {i["id"]: i for i in listed.json()["indikatorer"]}
    person = indicators["brott_mot_person"]
    assert person["källa"]["licens"] == "Offentlig statistik, fri att använda med källhänvisning"
    assert person["röjandeskydd"].startswith("publicerad av ägaren")
    assert (
        "Anmälda brott är inte detsamma som faktisk brottslighet (mörkertal)."
        in person["förbehåll"]
    )
    # What each series covers: Järva's reported crime 2020–2023; parts of years named (the
    # police events begin in April 2023, and 2026 has January–July so far).
    one = client.get("/api/v1/indicators/brott_mot_person").json()
    jarva = next(c for c in one["täckning"] if c["område"] == "Järva")
    assert jarva["år"] == [2020, 2021, 2022, 2023] and jarva["delar av år"] == {}
    shootings = client.get("/api/v1/indicators/skjutningar").json()["täckning"]
    assert next(c for c in shootings if c["område"] == "Järva")["delar av år"] == {
        "2023": "apr–dec 2023", "2026": "jan–jul 2026"
    }  # fmt: skip
    # Signed in: the protected sources too (with their disclosure rule).
    protected = [i for i in indicators.values() if i["röjandeskydd"].startswith("skyddad")]
    assert protected

    as_csv = client.get(VALUES, params={"region": "Järva", "format": "csv"})
    assert as_csv.status_code == 200 and as_csv.headers["content-type"].startswith("text/csv")
    # The API's boundaries are today's unless asked (the command line's default is the time's).
    expected = _cli(
        store, "brott_mot_person", "--region", "Järva", "--boundaries", "current", capsys=capsys
    )
    assert as_csv.text == expected
    answer = client.get(VALUES, params={"region": "Järva"}).json()
    assert answer["exempeldata"] is False
    as_json = answer["värden"]
    rows = list(csv.DictReader(io.StringIO(expected)))
    assert len(as_json) == len(rows) > 3
    for got, want in zip(as_json, rows, strict=True):
        assert str(got["year"]) == want["year"] and got["region_name"] == "Järva"
        assert (got["value"] is None and want["value"] == "") or abs(
            float(got["value"]) - float(want["value"])
        ) < 1e-6 * max(1.0, abs(float(want["value"])))

    # A protected indicator's hidden cells are hidden here as on the command line.
    for indicator in (i["id"] for i in protected):
        text = client.get(f"/api/v1/indicators/{indicator}/values", params={"format": "csv"}).text
        hidden = [r for r in csv.DictReader(io.StringIO(text)) if r["suppressed"] == "true"]
        if hidden:
            assert all(r["value"] == "" and r["lower"] == "" for r in hidden)
            assert text == _cli(store, indicator, "--boundaries", "current", capsys=capsys)
            break
    else:
        pytest.fail("no protected indicator with a hidden cell in the demo")

    # Unchanged: 304 by its ETag; private while signed in.
    first = client.get(VALUES, params={"region": "Järva"})
    assert first.headers["cache-control"] == "private, max-age=60"
    again = client.get(
        VALUES, params={"region": "Järva"}, headers={"if-none-match": first.headers["etag"]}
    )
    assert again.status_code == 304
    assert client.get("/api/v1/indicators/finns_inte").status_code == 404
    assert client.get(VALUES, params={"region": "Atlantis"}).status_code == 400
    description = client.get("/api/v1/openapi.json").json()
    assert (
        description["openapi"].startswith("3.")
        and VALUES.replace("brott_mot_person", "{indicator}") in description["paths"]
    )


def test_open_data_serves_the_published_sources_to_anyone_and_limits_the_rate(
    store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DASHBOARD_OPEN_DATA", "on")
    client = _client()  # not signed in
    listed = client.get("/api/v1/indicators")
    assert listed.status_code == 200 and listed.headers["cache-control"] == "public, max-age=300"
    kinds = {i["röjandeskydd"].split(":")[0] for i in listed.json()["indikatorer"]}
    assert kinds == {"publicerad av ägaren"}
    ids = {i["id"] for i in listed.json()["indikatorer"]}
    assert "brott_mot_person" in ids and "otrygg_ute_kvall" not in ids
    assert client.get("/api/v1/indicators/otrygg_ute_kvall/values").status_code == 404
    table = client.get("/api/v1/indicators", params={"format": "csv"})
    assert table.text.splitlines()[0] == "id,titel,enhet,källa,röjandeskydd"
    # The pages still need sign-in.
    assert client.get("/").status_code == 303

    monkeypatch.setattr(open_data, "THROTTLE", Throttle(limit=2, window=60))
    assert client.get(VALUES).status_code == 200
    assert client.get(VALUES).status_code == 200
    limited = client.get(VALUES)
    assert limited.status_code == 429 and int(limited.headers["retry-after"]) >= 1
    assert json.loads(limited.text)["fel"].startswith("För många förfrågningar")


def test_only_approved_follow_up_is_served_and_public_figures_only_when_open(
    store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The districts' reports once the beredningsgrupp approved them (Järva's; Bromma's,
    submitted, is not), the handlingsplan once adopted (a draft is 404); without sign-in the
    figures a report cited are the published sources' only."""
    from dataclasses import replace

    from access.roles import Principal
    from service import action_plan, district_reports
    from service.session import open_store
    from tests.app.test_local_agreements import reports_not_handed_in
    from tests.service.test_district_reports import _body

    reports_not_handed_in(store)
    jarva, bromma = "rapport:2026:halvar:80132", "rapport:2026:halvar:80106"
    bea = Principal("Bea Beredning", "beredningsgrupp")
    con = open_store(store)
    try:
        report = district_reports.read(con, jarva)
        body = _body(report)
        body["stad:unga"]["bedomning"] = "Rekryteringen till nätverken har minskat i Tensta."
        district_reports.save(con, Principal("Sara", "rapportör", ("80132",)), jarva, body, 0,
                              submit=True)  # fmt: skip
        district_reports.review(con, bea, jarva, True, {}, 1)
        bo = Principal("Bo", "rapportör", ("80106",))
        bromma_body = _body(district_reports.read(con, bromma))
        district_reports.save(con, bo, bromma, bromma_body, 0, submit=True)
        areas = list(action_plan.current(con, 2027).areas)
        action_plan.save(con, bea, 2027, areas, 0)  # a draft
    finally:
        con.close()
    release_store()

    client = _client()
    assert client.get("/api/v1/reports", params={"year": 2026}).status_code == 401
    assert _sign_in(client, "lisa", PASSWORD).status_code == 303
    answer = client.get("/api/v1/reports", params={"year": 2026}).json()
    assert [r["stadsdelsområde"] for r in answer["rapporter"]] == ["Järva"]  # not Bromma's
    approved = answer["rapporter"][0]
    young = next(s for s in approved["avsnitt"] if s["område"].startswith("Unga i riskzon"))
    assert young["Lokala styrgruppens bedömning"] == (
        "Rekryteringen till nätverken har minskat i Tensta."
    )
    cited = {f["indikator"] for s in approved["avsnitt"] for f in s["siffror"]}
    published = _published(store)
    assert cited - published, "a signed-in reader sees the protected sources' figures too"
    assert client.get("/api/v1/plans/2027").status_code == 404  # a draft
    assert client.get("/api/v1/plans/2026").json()["exempeldata"] is True  # the demo's, adopted
    assert client.get("/api/v1/reports", params={"year": "x"}).status_code == 400

    monkeypatch.setenv("DASHBOARD_OPEN_DATA", "on")
    anyone = _client()
    public = anyone.get("/api/v1/reports", params={"year": 2026}).json()["rapporter"][0]
    shown = {f["indikator"] for s in public["avsnitt"] for f in s["siffror"]}
    assert shown and shown <= published and shown == cited & published
    assert "Sara" not in json.dumps(public, ensure_ascii=False)  # no names of the staff

    con = open_store(store)
    try:
        goals = [replace(a, goal=f"Färre utsatta: {a.title.lower()}.") for a in areas]
        action_plan.save(con, bea, 2027, goals, 1, adopt=True)
    finally:
        con.close()
    release_store()
    adopted = anyone.get("/api/v1/plans/2027").json()
    assert adopted["områden"][0]["mål"] == "Färre utsatta: unga i riskzon för destruktivt beteende."


def _published(path: Path) -> set[str]:
    from service import session

    con = session.cursor(str(path))
    try:
        return {str(i["id"]) for i in open_data.indicators(con, public=True)}
    finally:
        con.close()
