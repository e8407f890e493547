"""Every write leaves a line in the audit log, in the same transaction."""

from __future__ import annotations

import duckdb
import pytest

from catalogue.catalogue import load_catalogue
from loaders import survey
from store import audit, db, followup
from tests.conftest import FIXTURES


@pytest.mark.slow
def test_writes_are_logged_with_who(store: duckdb.DuckDBPyConnection) -> None:
    catalogue = load_catalogue()
    prepared = survey.prepare(store, FIXTURES / "uploads" / "enkat_openpyxl.xlsx", catalogue)
    report = survey.commit(store, prepared, catalogue, loaded_by="Anna")
    survey.undo(store, report.batch_id, undone_by="Bo")
    with db.transaction(store):
        action_id = followup.add_action(
            store,
            {
                "agreement": "2024",
                "area": "platser",
                "region_code": "80106",
                "title": "Belysning",
                "owner": "stad",
                "status": "planerad",
            },
            "Cy",
        )
        followup.update_action(store, action_id, {"status": "genomförd"}, "Cy")
        followup.add_assessment(
            store,
            {"area": "platser", "region_code": "80106", "year": 2023, "judgement": "delvis"},
            "Di",
        )
    log = audit.entries(store)
    assert list(zip(log["who"], log["what"], strict=True))[::-1] == [
        ("Anna", "inläsning"),
        ("Bo", "ångra"),
        ("Cy", "ny åtgärd"),
        ("Cy", "ändrad åtgärd"),
        ("Di", "bedömning"),
    ]
    assert log.iloc[-1]["detail"].startswith(f"sats {report.batch_id}: enkat_openpyxl.xlsx")


def test_a_failed_write_leaves_no_log_line(store: duckdb.DuckDBPyConnection) -> None:
    with pytest.raises(RuntimeError), db.transaction(store):
        followup.add_action(
            store,
            {
                "agreement": "2024",
                "area": "platser",
                "region_code": "80106",
                "title": "X",
                "owner": "stad",
                "status": "planerad",
            },
            "Eva",
        )
        raise RuntimeError("stop")
    assert audit.entries(store).empty


def test_the_log_filters_by_who_what_and_period(store: duckdb.DuckDBPyConnection) -> None:
    from datetime import date

    audit.record(store, "anna@stockholm.se", "inloggning")
    audit.record(store, "Bo", "misslyckad inloggning")
    audit.record(store, "anna@stockholm.se", "ny åtgärd", "7: Belysning")
    assert list(audit.entries(store, who="ANNA")["what"]) == ["ny åtgärd", "inloggning"]
    assert list(audit.entries(store, what=["misslyckad inloggning"])["who"]) == ["Bo"]
    today = date.today()
    assert len(audit.entries(store, since=today, until=today)) == 3
    assert audit.entries(store, until=date(2020, 1, 1)).empty
    assert audit.kinds(store) == ["inloggning", "misslyckad inloggning", "ny åtgärd"]
    assert len(audit.entries(store, limit=None)) == 3


def test_names_and_details_are_cut_to_a_bounded_length(store: duckdb.DuckDBPyConnection) -> None:
    audit.record(store, "x" * 5_000_000, "misslyckad inloggning", "y" * 100_000)
    row = audit.entries(store).iloc[0]
    assert len(row["who"]) == audit.MAX_WHO and row["who"].endswith("…")
    assert len(row["detail"]) == audit.MAX_DETAIL
