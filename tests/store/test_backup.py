"""A restore drill (issue 34): a backup taken after a meeting was saved (and the figures
changed since) restores into a new store that holds every table as it was, row for row, and
where a ?mote= link shows the meeting's figures. In both modes (the server pass dumps the
PostgreSQL catalog with pg_dump and restores it with pg_restore)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from store import db, transfer
from tests import cli
from tests.app.test_meetings_page import _crime_row, after_meeting  # noqa: F401 (a fixture)
from tests.app.test_pages import _open
from tests.conftest import release_store


def _tables(path: Path) -> dict[str, pd.DataFrame]:
    con = db.connect(path)
    try:
        known = transfer.tables(con)
        return {
            name: con.execute(f"SELECT * FROM {transfer.quoted(name, known)} ORDER BY ALL").df()
            for name in known
        }
    finally:
        con.close()


@pytest.mark.slow
def test_a_backup_restores_every_table_and_the_meeting(
    after_meeting: Path,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    release_store(keep=frozenset())
    taken = cli.run("store", "backup", str(tmp_path / "backup"), "--db", str(after_meeting))
    assert taken.returncode == 0, taken.stderr
    assert "1 meetings" in taken.stdout
    again = cli.run("store", "backup", str(tmp_path / "backup"), "--db", str(after_meeting))
    assert again.returncode == 1 and "not empty" in again.stderr

    restored = tmp_path / "restored" / "store.sqlite"
    done = cli.run("store", "restore", str(tmp_path / "backup"), "--db", str(restored))
    assert done.returncode == 0, done.stderr
    assert "every table and meeting checked" in done.stdout

    before, after = _tables(after_meeting), _tables(restored)
    assert sorted(before) == sorted(after)
    for name, frame in before.items():
        pd.testing.assert_frame_equal(frame, after[name], check_dtype=False, obj=name)

    monkeypatch.setenv("DASHBOARD_DB", str(restored))
    then = _open("overview", {"mote": "Styrgrupp", "omfattning": "Bromma"})
    assert "Läget vid mötet ”Styrgrupp” (30 november 2026)" in " ".join(
        w.value for w in then.warning
    )
    assert _crime_row(then)["Period"] == "2023"
    release_store()
    today = _open("overview", {"omfattning": "Bromma"})
    assert _crime_row(today)["Period"] == "2022"


def test_a_restore_into_an_existing_store_is_refused(tmp_path: Path) -> None:
    source = tmp_path / "source.sqlite"
    assert cli.run("store", "init", "--db", str(source)).returncode == 0
    assert cli.run("store", "backup", str(tmp_path / "b"), "--db", str(source)).returncode == 0
    refused = cli.run("store", "restore", str(tmp_path / "b"), "--db", str(source))
    assert refused.returncode == 1
    assert "restore into a new store" in refused.stderr
    not_a_backup = cli.run("store", "restore", str(tmp_path), "--db", str(tmp_path / "n.sqlite"))
    assert not_a_backup.returncode == 1 and "is not a backup" in not_a_backup.stderr
