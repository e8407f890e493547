"""Tests never see the machine's own accounts, secrets or store: an accounts file in the real
~/.config (which `python -m store users add` creates) would otherwise switch every page test
to the sign-in form."""

from __future__ import annotations

from pathlib import Path

from access.users import UserStore, users_path
from service import session, uploads


def test_each_test_has_its_own_home_accounts_store_and_staging(tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert Path.home() == home
    assert users_path() == home / "users.json"
    assert not UserStore().exists()  # demo mode unless a test makes accounts
    assert session.db_path() == home / "dashboard.duckdb"
    assert uploads.staging_dir() == home / "staging"
