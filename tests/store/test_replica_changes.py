"""The in-memory copy the pages read is brought up to date by the rows a load changed, not by
copying its large tables again: after loads, an undo and a compaction it holds exactly what
the lake holds."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from loaders import bra_anmalda_brott, polisen_handelser
from loaders.survey import undo
from service.session import open_store
from store import police, replica
from store.replica import Replica
from tests.conftest import ROOT

SNAPSHOT = ROOT / "data" / "demo" / "polisen" / "events_api_snapshot.json"
BRA = ROOT / "data" / "demo" / "bra"


def _rows(con: duckdb.DuckDBPyConnection, table: str, database: str) -> list[tuple]:
    return sorted(
        con.execute(f"SELECT * FROM {database}.main.{table}").fetchall(),  # constants
        key=repr,
    )


def _same(con: duckdb.DuckDBPyConnection, copy: Replica) -> None:
    cur = copy.cursor()
    try:
        for table in replica.KEYS:
            assert _rows(cur, table, "reads") == _rows(cur, table, "lake"), table
    finally:
        cur.close()


@pytest.mark.slow
def test_the_copy_follows_loads_undo_and_compaction_row_by_row(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    con = open_store(tmp_path / "store.sqlite")
    copy = Replica(con)
    copy.cursor().close()
    applied: list[str] = []
    apply = replica._apply_changes

    def counting(cur, name, seen, current):  # type: ignore[no-untyped-def]
        done = apply(cur, name, seen, current)
        if done:
            applied.append(name)
        return done

    monkeypatch.setattr(replica, "_apply_changes", counting)
    monkeypatch.setattr(police, "UNDO_DEPTH", 1)
    bra_files = sorted(BRA.glob("*.txt"))[:2]
    first = bra_anmalda_brott.load(con, bra_files[0], loaded_by="t")
    _same(con, copy)
    bra_anmalda_brott.load(con, bra_files[1], loaded_by="t")
    _same(con, copy)
    undo(con, first.batch_id or 0, undone_by="t")
    _same(con, copy)
    events = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    for n in range(3):  # changed summaries: cells again, older counts compacted
        path = tmp_path / f"events_{n}.json"
        changed = [{**e, "summary": f"{e['summary']} ({n})"} for e in events[:40]] + events[40:]
        path.write_text(json.dumps(changed, ensure_ascii=False), "utf-8")
        report = polisen_handelser.load(con, path, loaded_by="t")
        if n:  # the first two loads between two refreshes: rows inserted, then updated
            _same(con, copy)
    assert "replaced counts removed" in report.summary()
    assert "observation" in applied and "police_event" in applied
    con.close()
