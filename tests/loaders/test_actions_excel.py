"""The action register to Excel and back: every problem named by its cell, changes recorded."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from openpyxl import Workbook

from catalogue.catalogue import load_catalogue
from loaders import actions_excel
from loaders.followup_examples import load as load_examples
from store import followup


@pytest.fixture
def store_with_actions(store: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    load_examples(store)
    return store


def write_sheet(path: Path, rows: list[list[object]]) -> Path:
    """An action register sheet with the export's columns and these rows."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Data"
    sheet.append(actions_excel.COLUMNS[:-1])
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def test_export_then_import_changes_only_what_changed(
    store_with_actions: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    catalogue = load_catalogue()
    exported = actions_excel.export_frame(followup.actions(store_with_actions), catalogue)
    exported.loc[exported["Nr"] == 4, "Status"] = "pågående"
    path = tmp_path / "atgarder.xlsx"
    exported.to_excel(path, index=False, sheet_name="Data")
    imported = actions_excel.read(store_with_actions, path, path.name, catalogue)
    assert imported.errors == []
    assert (imported.new, imported.changed, imported.unchanged) == (0, 1, 4)
    actions_excel.commit(store_with_actions, imported, "Anna")
    history = followup.action_history(store_with_actions, 4)
    assert history.iloc[-1][["field", "old_value", "new_value", "changed_by"]].tolist() == [
        "status",
        "planerad",
        "pågående",
        "Anna",
    ]


def test_every_problem_is_named_by_its_cell(
    store_with_actions: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    path = write_sheet(
        tmp_path / "fel.xlsx",
        [
            [
                None,
                "Ny åtgärd",
                "Otrygga och brottsutsatta platser",
                "Vasastan",
                "kommunen",
                "",
                "klar",
                "2024-13-01",
                "",
                "",
                "skjutningar, glass",
            ],
            [99, "Finns inte", "platser", "Bromma", "stad", "", "planerad", "", "", "", ""],
        ],
    )
    before = len(followup.actions(store_with_actions))
    imported = actions_excel.read(store_with_actions, path, path.name, load_catalogue())
    messages = [str(f) for f in imported.errors]
    assert any(
        m.startswith("fel: Data!D2 (värde: Vasastan): okänt stadsdelsområde") for m in messages
    )
    assert "fel: Data!E2 (värde: kommunen): ska vara en av: stad, polis, gemensamt" in messages
    assert (
        "fel: Data!G2 (värde: klar): ska vara en av: planerad, pågående, genomförd, avbruten"
        in messages
    )
    assert "fel: Data!H2 (värde: 2024-13-01): datumet ska skrivas ÅÅÅÅ-MM-DD" in messages
    assert "fel: Data!K2 (värde: glass): okänd indikator" in messages
    assert any(m.startswith("fel: Data!A3 (värde: 99): det finns ingen åtgärd") for m in messages)
    with pytest.raises(ValueError):
        actions_excel.commit(store_with_actions, imported, "Anna")
    assert len(followup.actions(store_with_actions)) == before
