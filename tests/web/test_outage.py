"""A catalog outage as an operator meets it (issue 34): PostgreSQL stopped under a running
server-mode instance. Every page request gets the Swedish page that says the store cannot be
reached (not an English server error), the health endpoint answers "not ok" with the reason
(no password), and when PostgreSQL is back the same process serves again, no restart."""

from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT, accounts_in, release_store
from tests.web.test_gate import LOCAL, _client

HEALTH = "/_stcore/health"


@pytest.mark.postgres
def test_a_stopped_catalog_is_a_swedish_page_and_not_ok_and_comes_back(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from tests.postgres import postgres_server

    folder = Path(tempfile.mkdtemp(prefix="dashboard-outage-"))
    data = Path(tempfile.mkdtemp(prefix="dashboard-outage-data-"))
    try:
        with postgres_server(folder) as server:
            address = server.new_database()
            secret = "hemligt-i-adressen"  # trust authentication: any password is accepted
            monkeypatch.setenv(
                "DASHBOARD_CATALOG", address.replace("postgres@", f"postgres:{secret}@")
            )
            monkeypatch.setenv("DASHBOARD_DATA_PATH", str(data))
            with accounts_in("samverkan") as users:  # a server's store has sign-in
                users.add("anna", "administratör", "ett-lösenord-1")
            release_store(keep=frozenset())
            client = _client(LOCAL)
            signed_out = client.get("/", headers={"accept": "text/html"})
            assert signed_out.status_code == 303  # to the sign-in page: the store answers
            assert client.get(HEALTH).status_code == 200

            server.stop()
            time.sleep(0.6)  # the read copy asks the catalog at most every half second
            page = client.get("/", headers={"accept": "text/html"})
            assert page.status_code == 503
            assert "Databasen går inte att nå" in page.text and "Inget har ändrats" in page.text
            assert page.headers["x-frame-options"] == "DENY"
            health = client.get(HEALTH)
            assert health.status_code == 503 and health.text.startswith("not ok: ")
            assert secret not in health.text
            at = AppTest.from_file(str(ROOT / "main.py"), default_timeout=60)
            at.run()
            assert not at.exception, at.exception
            assert at.title[0].value == "Databasen går inte att nå"
            assert secret not in "".join(c.value for c in at.caption)

            server.resume()
            time.sleep(0.6)
            assert client.get(HEALTH).status_code == 200
            assert client.get("/", headers={"accept": "text/html"}).status_code == 303
            at.run()
            assert not at.exception, at.exception
            assert not any(t.value == "Databasen går inte att nå" for t in at.title)
            assert at.text_input(key="signin_name")  # the sign-in form: the store answers
            release_store(keep=frozenset())
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        shutil.rmtree(data, ignore_errors=True)


def test_a_missing_data_folder_is_not_ok_and_comes_back(tmp_path: Path) -> None:
    """The data folder gone (a share not mounted): health says so, with the folder's name;
    back in place, health is ok again, no restart."""
    from service import session

    with accounts_in(session.db_path()) as users:  # the embedded store of this test
        users.add("anna", "administratör", "ett-lösenord-1")
    release_store(keep=frozenset())
    client = _client(LOCAL)
    assert client.get(HEALTH).status_code == 200
    data = session.db_path().with_name(session.db_path().name + ".files")
    data.rename(tmp_path / "moved")
    try:
        health = client.get(HEALTH)
        assert health.status_code == 503
        assert health.text == f"not ok: the store's data folder {data} is not there"
    finally:
        (tmp_path / "moved").rename(data)
    assert client.get(HEALTH).status_code == 200
    release_store(keep=frozenset())
