"""Demo data only where harmless, and a way to remove them (issue 34): a store with an
account, a server's store or one turned off never gets the demo data at start; `python -m
store examples --remove` removes the demo's batches and every example row in one audited step,
and the rows the demo had put out of force come back into force."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from access.roles import Principal
from loaders import registry
from loaders.demo import DEMO_USER, load_demo
from service import loads, session
from service.session import open_store
from service.writes import PermissionDenied
from store import db
from tests import cli
from tests.conftest import accounts_in, release_store

FARSTA = "Stadsdelsområde Farsta (Sthlm)"


def _bra(path: Path, values: list[int]) -> Path:
    """Farsta's crimes against the person, jan–mar 2023 (preliminary), as BRÅ writes them."""
    lines = ["Region;Brott;År;Period;Antal;/100 000 inv"]
    lines += [f"{FARSTA};3-7 kap. Brott mot person;2023 prel.;{month};{n};{n * 2};"
              for month, n in zip(("Jan", "Feb", "Mar"), values, strict=True)]  # fmt: skip
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("latin-1"))
    return path


def _count(con: duckdb.DuckDBPyConnection, sql: str, params: dict | None = None) -> int:
    return db.count(con, sql, params or {})


def _example_tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    rows = con.execute(
        "SELECT DISTINCT table_name FROM information_schema.columns "
        "WHERE table_catalog = 'lake' AND column_name = 'is_example' ORDER BY 1"
    ).fetchall()
    return [str(r[0]) for r in rows]


@pytest.mark.slow
def test_removing_the_examples_leaves_none_and_brings_the_others_rows_back(
    tmp_path: Path,
) -> None:
    path = tmp_path / "store.sqlite"
    con = open_store(path)
    try:
        # A district's own figures, loaded before the demo: the demo's newer ones win.
        own = registry.load_file(con, "bra", _bra(tmp_path / "own.txt", [500, 501, 502]),
                                 loaded_by="anna")  # fmt: skip
        load_demo(con)
        own_in_force = "SELECT count(*) FROM observation WHERE batch_id = $id AND in_force"
        assert _count(con, own_in_force, {"id": own.batch_id}) == 0
        before = loads.example_rows(con)
        assert before["load_batch"] == 16 and before["action"] == 5
        assert before["local_agreement"] == 2 and before["police_event"] > 0
        # A rapportör may not; nothing is removed.
        with pytest.raises(PermissionDenied, match="Bara administratörer"):
            loads.remove_examples(con, Principal("rita", "rapportör"))
        assert loads.example_rows(con) == before
    finally:
        con.close()

    done = cli.run("store", "examples", "--remove", "--db", str(path))
    assert done.returncode == 0, done.stderr
    assert f"Removed the demo data and examples from {path}" in done.stdout
    assert "  load_batch: 16" in done.stdout and "  action: 5" in done.stdout

    con = open_store(path)
    try:
        assert set(loads.example_rows(con).values()) == {0}
        assert _count(con, "SELECT count(*) FROM load_batch WHERE loaded_by = $w",
                      {"w": DEMO_USER}) == 0  # fmt: skip
        for table in _example_tables(con):
            assert _count(con, f"SELECT count(*) FROM {table} WHERE is_example") == 0, table
        emptied = ("action_note", "action_history", "local_priority_area", "steering_member",
                   "steering_meeting", "police_event", "population")  # fmt: skip
        for table in emptied:
            assert _count(con, f"SELECT count(*) FROM {table}") == 0, table
        # The district's own batch is all that is left, and in force again.
        assert _count(con, "SELECT count(*) FROM load_batch") == 1
        # (three months, each a count and a rate per 100 000)
        assert _count(con, own_in_force, {"id": own.batch_id}) == 6
        state = con.execute("SELECT state FROM load_batch WHERE id = $id",
                            {"id": own.batch_id}).fetchone()  # fmt: skip
        assert state == ("active",)
        logged = con.execute(
            "SELECT who, detail FROM audit_log WHERE what = 'exempeldata borttagna'"
        ).fetchall()
        assert len(logged) == 1 and "load_batch 16" in logged[0][1]
        assert _count(con, "SELECT count(*) FROM audit_log WHERE what = 'nekad'") == 1
    finally:
        con.close()


def test_a_store_with_an_account_gets_no_demo_data_at_start() -> None:
    path = session.db_path()
    with accounts_in(path) as users:
        users.add("anna", "administratör", "ett-lösenord-1")
    con = session.connection(path)
    assert _count(con, "SELECT count(*) FROM load_batch") == 0
    release_store(keep=frozenset())


def test_turned_off_or_with_sign_in_configured_no_demo_data_at_start(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DASHBOARD_DEMO", "off")
    assert _count(session.connection(), "SELECT count(*) FROM load_batch") == 0
    release_store(keep=frozenset())
    monkeypatch.delenv("DASHBOARD_DEMO")
    # An identity provider configured (the page passes demo=False): none either.
    assert _count(session.connection(demo=False), "SELECT count(*) FROM load_batch") == 0
    release_store(keep=frozenset())


def test_an_empty_embedded_store_with_no_sign_in_gets_the_demo_data() -> None:
    con = session.connection()
    assert _count(con, "SELECT count(*) FROM load_batch WHERE loaded_by = $w",
                  {"w": DEMO_USER}) == 16  # fmt: skip
    release_store(keep=frozenset())


@pytest.mark.postgres
def test_a_servers_store_never_gets_demo_data_at_start(postgres, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("DASHBOARD_CATALOG", postgres.new_database())
    monkeypatch.setenv("DASHBOARD_DATA_PATH", str(session.db_path().parent / "lake-data"))
    con = session.connection()
    assert db.server_catalog() is not None
    assert _count(con, "SELECT count(*) FROM load_batch") == 0
    release_store(keep=frozenset())
