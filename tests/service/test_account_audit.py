"""An account changed on the command line while the dashboard holds the store: the entry waits
in an inbox beside the store and reaches the audit log at the dashboard's next script run."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from loaders.reference import open_store
from service import session
from store import audit, queries
from tests.conftest import ROOT


def test_an_entry_made_while_the_store_is_held_reaches_the_log(tmp_path: Path) -> None:
    path = tmp_path / "held.duckdb"
    con = open_store(path)
    queries.insert_batch(con, source="x", file_name="x", sha256="x", loaded_by="t", row_count=0)
    con.close()
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sys, time, duckdb; c = duckdb.connect(sys.argv[1]); print('held', flush=True); "
         "time.sleep(60)", str(path)],
        cwd=ROOT, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        session.record_audit("adam", "konto avstängt", "erik", path)
        inbox = path.with_name("held.duckdb.audit-inbox.jsonl")
        assert inbox.exists() and (inbox.stat().st_mode & 0o777) == 0o600
    finally:
        holder.kill()
        holder.wait()
    time.sleep(0.2)
    cursor = session.cursor(path)  # the dashboard's next script run
    log = audit.entries(cursor)
    cursor.close()
    assert [(r.who, r.what) for r in log.itertuples()] == [("adam", "konto avstängt")]
    assert log.iloc[0]["detail"].startswith("erik (kl. ")
    assert not inbox.exists()
