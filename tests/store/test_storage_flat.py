"""Storage stays flat (issue 33): a year of daily police fetches with `store maintain` after
each must not make the store's files and bytes grow without end. Simulated here over 30 days
on the demo store: each day 500 events of which 50 are new (the API's window moving on), the
results refreshed as the command line does, then `maintain` with a week of snapshots kept;
after each day every snapshot is made a day older (the catalog's own clock column)."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime
from pathlib import Path

import pytest

from loaders import polisen_handelser
from service import results
from store import db, snapshots
from tests.conftest import ROOT, copy_store

SNAPSHOT = ROOT / "data" / "demo" / "polisen" / "events_api_snapshot.json"
DAYS = 30
KEEP_DAYS = 7


def _a_day_passes(store: Path) -> None:
    with sqlite3.connect(store) as catalog:
        catalog.execute(
            "UPDATE ducklake_snapshot SET snapshot_time = "
            "strftime('%Y-%m-%d %H:%M:%S', substr(snapshot_time, 1, 19), '-1 day') || '+00'"
        )


@pytest.mark.slow
@pytest.mark.embedded_only  # the simulated clock is the SQLite catalog's column
def test_daily_fetches_and_maintenance_keep_files_and_bytes_flat(
    demo_db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DASHBOARD_RESULTS", "on")
    store = copy_store(demo_db_path, tmp_path / "store.sqlite")
    events = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    con = db.connect(store)
    sizes: list[tuple[int, int]] = []
    added: list[int] = []
    for day in range(1, DAYS + 1):
        window = [{**e, "id": 97_000_000 + 50 * day + i} for i, e in enumerate(events)]
        path = tmp_path / f"day{day}.json"
        path.write_text(json.dumps(window, ensure_ascii=False), encoding="utf-8")
        added.append(polisen_handelser.load(con, path, loaded_by="timer").rows)
        results.refresh_connection(con)
        snapshots.maintain(con, KEEP_DAYS, datetime.now())
        con.close()
        _a_day_passes(store)
        con = db.connect(store)
        sizes.append(snapshots.footprint(store))
    con.close()
    assert all(n > 0 for n in added[1:])  # every day brought new events
    settled = sizes[KEEP_DAYS + 3 :]  # after day 11
    files, size = zip(*settled, strict=True)
    assert max(files) <= 1.1 * min(files), sizes
    assert max(size) <= 1.1 * min(size), sizes
