"""Tests never see the machine's own accounts, secrets or store: an accounts file in the real
~/.config (which `python -m store users add` creates) would otherwise switch every page test
to the sign-in form."""

from __future__ import annotations

from pathlib import Path

from access.users import users_path
from service import session, uploads


def test_each_test_has_its_own_home_accounts_store_and_staging(tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert Path.home() == home
    assert users_path() == home / "users.json"
    assert not users_path().exists()  # no accounts file of an earlier version to move in
    assert not session.db_path().exists()  # a store (with its accounts) of the test's own
    assert session.db_path() == home / "dashboard.sqlite"
    assert uploads.staging_dir() == home / "staging"
