"""Which value is in force: ``observation.in_force``, kept per batch by
``loading.refresh_in_force``, equals ranking every row of the store afresh, through loads,
preliminary and final figures, undo, and the migration of a store that did not have it."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from loaders.survey import undo
from store import db, loading
from tests.indicators.builders import add_batch

# The rule, written out over the whole store (as the store did before version 11).
FULL_RANKING = """
    SELECT o.batch_id, o.measure, o.region_code, o.year, o.month, o.value
    FROM observation AS o JOIN load_batch AS b ON b.id = o.batch_id
    WHERE b.state <> 'undone'
    QUALIFY row_number() OVER (
        PARTITION BY o.source, o.measure, o.region_code, o.year, o.month, o.sex, o.age_group
        ORDER BY o.preliminary ASC, b.loaded_at DESC, b.id DESC) = 1
"""
STORED = """
    SELECT batch_id, measure, region_code, year, month, value FROM observation_current
"""


def _rows(con: duckdb.DuckDBPyConnection, sql: str) -> set[tuple[object, ...]]:
    return set(con.execute(sql).fetchall())


def _states(con: duckdb.DuckDBPyConnection) -> dict[int, str]:
    return {b.id: b.state for b in loading.batches(con)}


def _history(con: duckdb.DuckDBPyConnection) -> list[int]:
    first = add_batch(
        con,
        [
            {"measure": "m", "region_code": "0180", "year": 2023, "value": 10},
            {"measure": "m", "region_code": "0180", "year": 2024, "value": 11,
             "preliminary": True},
            {"measure": "m", "region_code": "0180", "year": 2024, "month": 3, "value": 1},
        ],
        name="first",
    )  # fmt: skip
    second = add_batch(
        con,
        [
            {"measure": "m", "region_code": "0180", "year": 2024, "value": 12},
            {"measure": "n", "region_code": "0180", "year": 2024, "value": 5},
        ],
        name="second",
    )
    # preliminary after final: the final figure stays in force
    third = add_batch(
        con,
        [{"measure": "m", "region_code": "0180", "year": 2024, "value": 13, "preliminary": True}],
        name="third",
    )
    # the same keys as the first: the first is superseded whole
    fourth = add_batch(
        con,
        [
            {"measure": "m", "region_code": "0180", "year": 2023, "value": 20},
            {"measure": "m", "region_code": "0180", "year": 2024, "month": 3, "value": 2},
        ],
        name="fourth",
    )
    return [first, second, third, fourth]


def test_in_force_kept_per_batch_equals_a_full_ranking(store: duckdb.DuckDBPyConnection) -> None:
    first, second, third, fourth = _history(store)
    assert _rows(store, STORED) == _rows(store, FULL_RANKING)
    assert _states(store) == {
        first: "superseded", second: "active", third: "superseded", fourth: "active"
    }  # fmt: skip
    assert _rows(store, STORED) == {
        (second, "m", "0180", 2024, None, 12.0),
        (second, "n", "0180", 2024, None, 5.0),
        (fourth, "m", "0180", 2023, None, 20.0),
        (fourth, "m", "0180", 2024, 3, 2.0),
    }
    # Undo the second: its final 2024 goes, the preliminary third is the newest left.
    assert undo(store, second, undone_by="t") == [third]
    assert _rows(store, STORED) == _rows(store, FULL_RANKING)
    assert (third, "m", "0180", 2024, None, 13.0) in _rows(store, STORED)
    undo(store, fourth, undone_by="t")
    assert _rows(store, STORED) == _rows(store, FULL_RANKING)
    assert _states(store)[first] == "active"


@pytest.mark.slow
def test_a_version_10_store_gets_the_column_when_opened(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    con = db.connect(path)
    _history(con)
    expected = _rows(con, FULL_RANKING)
    # Make it what a version 10 store was: no in_force column, version 10.
    with db.transaction(con):
        con.execute("ALTER TABLE observation DROP COLUMN in_force")
        con.execute("DELETE FROM schema_version")
        con.execute("INSERT INTO schema_version (version) VALUES (10)")
    con.close()
    again = db.connect(path)
    assert db.schema_version(again) == db.SCHEMA_VERSION
    assert _rows(again, STORED) == expected
    again.close()
