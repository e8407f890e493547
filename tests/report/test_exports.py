"""Every download is written so that no cell runs as a formula, and what is exported can be
imported again without a change."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from openpyxl import load_workbook

from catalogue.catalogue import load_catalogue
from loaders import actions_excel
from loaders.followup_examples import load as load_examples
from report import exports
from store import followup

ATTACKS = ['=HYPERLINK("http://x","klick")', "+1", "-2", "@SUM(A1)", "\t=1", "\r=1", "\n=1",
           'Trygghetsvandring\r=HYPERLINK("http://x")', "Bromma"]  # fmt: skip


def _frame() -> pd.DataFrame:
    return pd.DataFrame({"Titel": ATTACKS, "Värde": [1.5, 2, 3, 4, 5, 6, 7, 8, 9]})


def test_csv_fields_never_begin_a_formula_and_crs_stay_inside_their_cell() -> None:
    text = exports.csv_bytes(_frame()).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    assert len(rows) == 1 + len(ATTACKS)  # a CR inside a title did not start a new row
    titles = [r[0] for r in rows[1:]]
    assert titles[:7] == [f"'{a}" for a in ATTACKS[:7]]
    assert titles[7] == ATTACKS[7] and titles[8] == "Bromma"
    assert all(not t.startswith(exports.FORMULA_START) for t in titles)
    assert rows[1][1] == "1,5"  # decimal comma


def test_excel_keeps_the_values_as_text_with_the_quote_prefix() -> None:
    book = load_workbook(io.BytesIO(exports.xlsx_bytes(_frame())))
    sheet = book["Data"]
    cells = [sheet.cell(row=i, column=1) for i in range(2, 2 + len(ATTACKS))]
    assert [c.value for c in cells] == ATTACKS  # nothing added to the values
    assert all(c.data_type == "s" for c in cells)  # text, never a formula
    assert [c.quotePrefix for c in cells] == [True] * 7 + [False, False]
    assert sheet.cell(row=2, column=2).value == 1.5


@pytest.mark.slow
def test_the_action_register_round_trip_changes_nothing(
    store: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    load_examples(store)
    catalogue = load_catalogue()
    register = followup.actions(store)
    followup_ids = list(register["id"])
    exported = actions_excel.export_frame(register, catalogue)
    exported.loc[exported.index[0], "Åtgärd"] = "=Trygghetsvandring"
    exported.loc[exported.index[1], "Förväntad effekt"] = "-mer belysning\r=HYPERLINK(1)"
    path = tmp_path / "atgarder.xlsx"
    path.write_bytes(exports.xlsx_bytes(exported))
    imported = actions_excel.read(store, path, path.name, catalogue)
    assert imported.errors == []
    assert imported.changed == 2 and imported.new == 0  # only the two edits
    actions_excel.commit(store, imported, "Anna")
    again = actions_excel.export_frame(followup.actions(store), catalogue)
    path.write_bytes(exports.xlsx_bytes(again))
    reread = actions_excel.read(store, path, path.name, catalogue)
    assert (reread.changed, reread.new, reread.unchanged) == (0, 0, len(followup_ids))
    titles = set(followup.actions(store)["title"])
    assert "=Trygghetsvandring" in titles and "'=Trygghetsvandring" not in titles


def test_a_workbook_says_its_title_author_and_language_in_swedish() -> None:
    """What a screen reader and the file's properties name (openpyxl said "openpyxl")."""
    frame = pd.DataFrame({"Område": ["Järva"], "Värde": [3438]})
    book = load_workbook(io.BytesIO(exports.xlsx_bytes(frame, title="Anmälda brott, Järva")))
    assert book.properties.title == "Anmälda brott, Järva"
    assert book.properties.creator == "Stockholms stad och Polisregion Stockholm"
    assert book.properties.language == "sv-SE"
    book = load_workbook(io.BytesIO(exports.workbook({"Lokala områden": [["Område"], ["Järva"]]})))
    assert book.properties.title == "Lokala områden" and book.properties.language == "sv-SE"
