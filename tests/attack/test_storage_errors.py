"""When the store cannot take a write (locked by another process, disk full, a change made
at the same time) the user gets a Swedish message saying what happened and what to do,
never a traceback, and nothing is written."""

from __future__ import annotations

import errno

import duckdb
import pytest

from service import followup
from service.writes import Principal, WriteFailed, guarded
from store import followup as stored

CITY = Principal("adam", "administratör")
FAILURES = [
    (
        duckdb.IOException("IO Error: No space left on device"),
        "Disken där databasen ligger är full",
    ),
    (OSError(errno.ENOSPC, "No space left on device"), "Disken där databasen ligger är full"),
    (duckdb.IOException('IO Error: Could not set lock on file "x.duckdb"'), "låst av en annan"),
    (duckdb.TransactionException("Conflict on update"), "ändrade samma uppgifter samtidigt"),
]


@pytest.mark.parametrize(("failure", "message"), FAILURES)
def test_a_storage_failure_is_explained_and_nothing_is_written(
    store: duckdb.DuckDBPyConnection, failure: Exception, message: str
) -> None:
    before = len(stored.actions(store))
    with pytest.raises(WriteFailed, match=message), guarded(store, CITY, "action", ["0180"]):
        stored.add_action(
            store,
            {"agreement": "2024", "title": "Belysning", "area": "platser",
             "region_code": "0180", "owner": "stad", "status": "planerad"},
            CITY.name,
        )  # fmt: skip
        raise failure
    assert len(stored.actions(store)) == before


def test_pages_catch_it_like_any_refusal() -> None:
    from loaders.upload_safety import UploadRefused

    assert issubclass(WriteFailed, followup.RuleBroken)
    assert issubclass(WriteFailed, UploadRefused)
