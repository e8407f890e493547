"""An upgrade over the version of 1 December (issue 34): its store, one DuckDB file under the
earlier default name `data/dashboard.duckdb`, is found beside the new default
`data/dashboard.sqlite`; the dashboard and every command refuse it with the way over (a
Swedish page, an English line) and never start an empty store beside it. `store import` into
the new name goes on (that is the way over), and `store init` says which store it opened."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from store import db
from tests import cli
from tests.conftest import ROOT, release_store


def _earlier_store(folder: Path) -> Path:
    """A store of the earlier kind: one DuckDB file with its tables (as 1 December's was)."""
    folder.mkdir(parents=True, exist_ok=True)
    earlier = folder / "dashboard.duckdb"
    con = duckdb.connect(str(earlier))
    con.execute("CREATE TABLE load_batch (id INTEGER, source VARCHAR)")
    con.execute("INSERT INTO load_batch VALUES (1, 'bra')")
    con.close()
    return earlier


@pytest.mark.embedded_only
def test_the_commands_refuse_and_create_nothing_beside_it(tmp_path: Path) -> None:
    earlier = _earlier_store(tmp_path / "data")
    new = tmp_path / "data" / "dashboard.sqlite"
    with pytest.raises(db.EarlierStoreError) as refused:
        db.connect(new)
    assert str(earlier) in str(refused.value) and "store export" in str(refused.value)
    for command in (("loaders", "batches", "--db", str(new)),
                    ("store", "init", "--db", str(new))):  # fmt: skip
        done = cli.run(*command)
        assert done.returncode == 1, command
        assert f"a store of an earlier version is at {earlier}" in done.stderr
        assert f"python -m store import DIR --db {new}" in done.stderr
    assert sorted(p.name for p in (tmp_path / "data").iterdir()) == ["dashboard.duckdb"]


@pytest.mark.embedded_only
def test_the_dashboard_shows_the_way_over_in_swedish(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    earlier = _earlier_store(tmp_path / "data")
    new = tmp_path / "data" / "dashboard.sqlite"
    monkeypatch.setenv("DASHBOARD_DB", str(new))
    at = AppTest.from_file(str(ROOT / "main.py"), default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    assert at.title[0].value == "Databasen behöver flyttas över"
    assert f"en databas från en tidigare version finns i {earlier}" in at.error[0].value
    assert f"python -m store export /tmp/samverkan-export --db {earlier}" in at.code[0].value
    assert not at.dataframe
    release_store(keep=frozenset())
    assert sorted(p.name for p in (tmp_path / "data").iterdir()) == ["dashboard.duckdb"]


@pytest.mark.embedded_only
def test_import_into_the_new_name_goes_on_and_init_names_the_store(tmp_path: Path) -> None:
    source = tmp_path / "source.sqlite"
    assert cli.run("store", "init", "--db", str(source)).returncode == 0
    assert cli.run("store", "export", str(tmp_path / "export"), "--db", str(source)).returncode == 0
    _earlier_store(tmp_path / "data")
    new = tmp_path / "data" / "dashboard.sqlite"
    done = cli.run("store", "import", str(tmp_path / "export"), "--db", str(new))
    assert done.returncode == 0, done.stderr
    init = cli.run("store", "init", "--db", str(new))
    assert init.returncode == 0, init.stderr
    assert f"Store ready at {new}" in init.stdout
    assert f"(embedded, schema version {db.SCHEMA_VERSION}" in init.stdout


@pytest.mark.embedded_only
def test_the_server_answers_the_way_over_before_any_page(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The front gate opens the store first (to know whether sign-in is set up): it answers
    the same Swedish steps, not an outage, and creates nothing."""
    from tests.web.test_gate import LOCAL, _client

    earlier = _earlier_store(tmp_path / "data")
    new = tmp_path / "data" / "dashboard.sqlite"
    monkeypatch.setenv("DASHBOARD_DB", str(new))
    answer = _client(LOCAL).get("/", headers={"accept": "text/html"})
    assert answer.status_code == 503
    assert "Databasen behöver flyttas över" in answer.text
    assert f"python -m store export /tmp/samverkan-export --db {earlier}" in answer.text
    assert not new.exists()
    release_store(keep=frozenset())
