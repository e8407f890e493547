"""The same upload confirmed twice in the same instant (two tabs, a double click) is stored
once; the other confirmation is told the file is already in."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from catalogue.catalogue import load_catalogue
from loaders.survey_cells import TEMPLATE_HEADERS
from loaders.upload_safety import UploadRefused
from service import session, uploads
from service.writes import demo_principal
from store import loading
from tests.conftest import release_store
from tests.loaders.sheets import data_book

pytestmark = pytest.mark.slow  # whole-store work: the slow tier


def test_two_confirmations_at_once_store_the_file_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = tmp_path / "store.duckdb"
    monkeypatch.setenv("DASHBOARD_DB", str(store))
    session.init(store)
    path = data_book(
        tmp_path / "enkat.xlsx",
        TEMPLATE_HEADERS,
        [["Bromma", 2024, "stad_trygghet.otrygg_ute_kvall", "Alla", "Alla", 12.5, 400]],
    )
    catalogue = load_catalogue()
    staged = uploads.stage(path.read_bytes(), path.name)
    con = session.write_cursor()
    prepared = uploads.prepare(con, staged, catalogue)
    con.close()
    outcomes: list[object] = []
    start = threading.Barrier(2)

    def confirm(name: str) -> None:
        cursor = session.write_cursor()
        start.wait()
        try:
            outcomes.append(uploads.commit(cursor, demo_principal(name), prepared, catalogue))
        except UploadRefused as refused:
            outcomes.append(str(refused))
        finally:
            cursor.close()

    threads = [threading.Thread(target=confirm, args=(n,)) for n in ("Anna", "Bo")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    messages = [o for o in outcomes if isinstance(o, str)]
    assert len(outcomes) == 2 and len(messages) == 1, outcomes
    assert messages[0].startswith("Filen är redan inläst som sats ")
    con = session.write_cursor()
    try:
        mine = [b for b in loading.batches(con) if b.file_name == "enkat.xlsx"]
        assert len(mine) == 1
        assert loading.batch_observation_counts(con, mine[0].id)
    finally:
        con.close()
        release_store()
