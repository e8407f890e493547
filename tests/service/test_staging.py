"""Uploaded files are staged privately and only while their preview is open: a folder only
the owner can read, deleted on commit, on cancel, when the session lets go of them, and at
start-up when older than a day."""

from __future__ import annotations

import gc
import os
import stat
import time

import duckdb
import pytest

from access.roles import Principal
from catalogue.catalogue import load_catalogue
from service import uploads
from store import loading
from tests.conftest import FIXTURES

CITY = Principal("cecilia", "rapportör")


def _mode(path: os.PathLike[str]) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.mark.slow
def test_staged_files_are_private_and_deleted_on_commit(store: duckdb.DuckDBPyConnection) -> None:
    data = (FIXTURES / "uploads" / "enkat_openpyxl.xlsx").read_bytes()
    staged = uploads.stage(data, "../Enkät 2024.xlsx")
    assert staged.name == "Enkät 2024.xlsx"
    assert _mode(uploads.staging_dir()) == 0o700
    assert _mode(staged.path) == 0o600
    assert staged.path.parent == uploads.staging_dir() and "Enk" not in staged.path.name
    prepared = uploads.prepare(store, staged, load_catalogue())
    report = uploads.commit(store, CITY, prepared, load_catalogue(), staged)
    assert loading.batch(store, report.batch_id).file_name == "Enkät 2024.xlsx"
    assert not staged.path.exists()
    assert list(uploads.staging_dir().iterdir()) == []


def test_cancel_and_session_end_delete_the_file() -> None:
    cancelled = uploads.stage(b"a,b\n", "a.csv")
    cancelled.discard()
    assert not cancelled.path.exists()
    dropped = uploads.stage(b"a,b\n", "b.csv")
    path = dropped.path
    del dropped  # the session's state is dropped when the session ends
    gc.collect()
    assert not path.exists()


def test_start_up_sweeps_files_older_than_a_day() -> None:
    old = uploads.stage(b"old", "old.csv")
    new = uploads.stage(b"new", "new.csv")
    day_ago = time.time() - 25 * 3600
    os.utime(old.path, (day_ago, day_ago))
    assert uploads.sweep() == 1
    assert not old.path.exists() and new.path.exists()
    new.discard()
