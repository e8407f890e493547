"""Files the store writes are its owner's only, in both modes (issue 34): the data files hold
the accounts' password hashes and the key that signs session cookies, so the data folder, the
catalog file and an export are never readable by group or others, whatever the umask of the
shell that started the program. And no password of a catalog's address reaches a message."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from service import accounts
from store import db
from tests import cli
from tests.conftest import ROOT

ROWS = ROOT / "data" / "demo" / "bra" / "Databasfil2023.txt"
# Each test sets its own mode (the server test its own catalog): not for the server pass,
# which puts every store path in one.
pytestmark = pytest.mark.embedded_only


@pytest.fixture
def open_umask() -> Iterator[None]:
    """A shell's usual umask (files 0644, folders 0755) while the test runs."""
    before = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(before)


def _readable_by_others(*roots: Path) -> list[str]:
    found = []
    for root in roots:
        paths = [root, *root.rglob("*")] if root.is_dir() else [root]
        for path in paths:
            if stat.S_IMODE(path.stat().st_mode) & 0o077:
                found.append(f"{path}: {oct(stat.S_IMODE(path.stat().st_mode))}")
    return found


def _use(path: Path, export: Path) -> None:
    """A load, an account (its password hash), maintenance (the inlined rows written to
    files) and an export, as an operator runs them."""
    assert cli.run("loaders", "load", "bra", str(ROWS), "--db", str(path)).returncode == 0
    con = db.connect(path)
    try:
        accounts.users(con).add("anna", "administratör", "ett-lösenord-1")
    finally:
        con.close()
    assert cli.run("store", "maintain", "--keep-days", "0", "--db", str(path)).returncode == 0
    done = cli.run("store", "export", str(export), "--db", str(path))
    assert done.returncode == 0, done.stderr


@pytest.mark.slow
def test_an_embedded_store_and_its_export_are_private(tmp_path: Path, open_umask: None) -> None:
    path = tmp_path / "store" / "dashboard.sqlite"
    _use(path, tmp_path / "export")
    data = path.with_name(path.name + ".files")
    assert any(data.rglob("*.parquet"))
    assert _readable_by_others(path, data, tmp_path / "export") == []


@pytest.mark.postgres
def test_a_servers_data_folder_and_export_are_private(  # type: ignore[no-untyped-def]
    tmp_path: Path, open_umask: None, postgres, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "share" / "samverkan-data"
    monkeypatch.setenv("DASHBOARD_CATALOG", postgres.new_database())
    monkeypatch.setenv("DASHBOARD_DATA_PATH", str(data))
    _use(tmp_path / "name.sqlite", tmp_path / "export")
    assert any(data.rglob("*.parquet"))
    assert _readable_by_others(data, tmp_path / "export") == []


def test_no_password_of_the_catalog_reaches_a_message(monkeypatch: pytest.MonkeyPatch) -> None:
    """A catalog that does not answer (nothing listens on port 1): the command's line and the
    error name the host, never the password."""
    secret = "hemligt-lösen-123"
    monkeypatch.setenv("DASHBOARD_CATALOG", f"postgresql://dashboard:{secret}@127.0.0.1:1/x")
    monkeypatch.setenv("DASHBOARD_DATA_PATH", str(Path(os.environ["HOME"]) / "data"))
    with pytest.raises(db.StoreUnreachableError) as raised:
        db.connect("name.sqlite")
    assert secret not in str(raised.value) and "127.0.0.1" in str(raised.value)
    done = cli.run("loaders", "batches")
    assert done.returncode == 1
    assert secret not in done.stderr + done.stdout and "error:" in done.stderr


def test_redact_hides_passwords_of_addresses_and_options() -> None:
    assert db.redact("at postgresql://dashboard:s3cr3t@db.example.se/samverkan: refused") == (
        "at postgresql://dashboard:***@db.example.se/samverkan: refused"
    )
    assert db.redact("host=db user=x password=s3cr3t dbname=y") == (
        "host=db user=x password=*** dbname=y"
    )
    assert db.redact("postgresql://dashboard@db/x") == "postgresql://dashboard@db/x"
