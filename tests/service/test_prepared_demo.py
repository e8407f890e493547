"""The prepared demo store (issue 36): what a fresh clone's first start copies into place in one
step instead of loading the demo's 16 files. It must be what those files and this program
build (else a first start falls back to loading them, and is slow), hold nothing of one
installation (no account, no setting), come with its results computed, and be the only store
in the repository."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from catalogue.catalogue import load_catalogue
from indicators import results
from loaders import demo
from service import session
from service.session import open_store
from store import backup, db
from tests.conftest import ROOT, release_store

REBUILD = "python -m store examples --prepare"


def test_the_prepared_demo_is_built_from_todays_files_and_loaders() -> None:
    assert demo.prepared_inputs() == demo.inputs_digest(), (
        f"data/demo/prepared/ is out of date with the demo's files, the loaders or the store: "
        f"run `{REBUILD}` and commit it"
    )


def test_the_repository_holds_no_store_but_the_prepared_demo() -> None:
    """A store committed by mistake (data/dashboard.sqlite was one) makes every fresh clone
    start on it: the prepared demo is never placed and the demo loaded from its files."""
    tracked = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.splitlines()
    stores = [
        p for p in tracked
        if (p.endswith((".sqlite", ".duckdb", ".sqlite.lock")) or ".sqlite.files/" in p)
        and not p.startswith("data/demo/prepared/")
    ]  # fmt: skip
    assert stores == []


def test_a_first_start_places_it_private_current_and_with_its_results(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "data" / "dashboard.sqlite"
    monkeypatch.setenv("DASHBOARD_DB", str(path))
    con = session.connection()
    try:
        manifest = backup.read_manifest(demo.PREPARED)
        backup.check(con, manifest)  # every table's rows as prepared
        cur = db.cursor(con)
        assert results.pending(cur, load_catalogue()) == 0, (
            f"the prepared demo's results are out of date: run `{REBUILD}` and commit it"
        )
        assert db.count(cur, "SELECT count(*) FROM account") == 0
        assert db.count(cur, "SELECT count(*) FROM setting") == 0
        cur.close()
    finally:
        release_store()
    # Readable by its owner only, whatever git checked the files out as.
    for file in [path, *path.with_name(path.name + ".files").rglob("*")]:
        assert file.stat().st_mode & 0o077 == 0, file


def test_an_existing_store_is_never_replaced(tmp_path: Path) -> None:
    path = tmp_path / "own.sqlite"
    open_store(path).close()
    assert not session.demo_may_be_placed(str(path))


@pytest.mark.slow
def test_it_equals_the_demo_loaded_from_its_files(demo_db_path: Path, tmp_path: Path) -> None:
    """Row for row, in every table of data (the times things were saved at aside),
    the same as the demo store the tests build from the files."""
    placed = tmp_path / "placed.sqlite"
    assert demo.place_prepared(db.locate(str(placed)))
    tables = ["observation", "population", "police_event", "load_batch", "action",
              "assessment", "analysis_comment", "timeline_event", "indicator_target",
              "local_agreement", "region", "measure", "source_gap", "series_coverage"]  # fmt: skip
    contents = []
    for path in (placed, demo_db_path):
        con = open_store(path)
        try:
            shown = {}
            for table in tables:
                frame = con.execute(f"SELECT * FROM {table}").df()  # names of this test
                frame = frame.drop(columns=[c for c in frame.columns if c.endswith("_at")])
                shown[table] = sorted(map(str, frame.astype(str).itertuples(index=False)))
            contents.append(shown)
        finally:
            con.close()
            release_store()
    for table in tables:
        assert contents[0][table] == contents[1][table], table


def test_the_demo_handed_its_reports_in(demo_db_path: Path) -> None:
    """A new user is not greeted by overdue reports no one could have written (issue 36): the
    demo's districts handed in last year's reports and this year's so far, on their dates, as
    examples (``store examples --remove`` takes the marks away with the rest)."""
    from datetime import date

    from service import calendar
    from tests.conftest import reading

    today = date.today()
    con = reading(demo_db_path)
    try:
        last_year = calendar.items(con, today.year - 1, today)
        this_year = calendar.items(con, today.year, today)
    finally:
        con.close()
    reports = [i for i in last_year if i.kind == "rapport"]
    assert len(reports) == 22  # two reports of each of the eleven districts
    assert {i.status for i in reports} == {"klar"}
    # Marked by the demo (a district with reporters says so; one without says it has none).
    assert "markerad klar av demodata" in {i.note for i in reports}
    assert all(i.done_on == i.due for i in reports)
    late = [i for i in this_year if i.kind in ("rapport", "årssammanställning")]
    assert [i.key for i in late if i.status == "försenad"] == []
