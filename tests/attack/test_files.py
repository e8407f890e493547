"""Ordinary files that once crashed the upload: a Mac Roman CSV, a hidden Data sheet, a huge
comment cell. Each is read or refused with a Swedish message, and nothing is stored."""

from __future__ import annotations

from pathlib import Path

import duckdb
import openpyxl
import pytest

from catalogue.catalogue import load_catalogue
from loaders import survey
from loaders.upload_safety import UploadRefused
from store import queries
from tests.loaders.sheets import data_book

OTRYGG = "stad_trygghet.otrygg_ute_kvall"
HEADER = "Stadsdelsområde;År;Mått;Kön;Åldersgrupp;Andel (%);Antal svarande;Antal;Kommentar"


def test_a_mac_roman_csv_is_read_and_says_how(
    store: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    text = f"{HEADER}\nSkärholmen;2024;{OTRYGG};Alla;Alla;12,5;400;;\n"
    text += f"Hägersten-Älvsjö;2024;{OTRYGG};Kvinnor;Alla;13,5;210;;Åtgärd före mätning\n"
    path = tmp_path / "enkat_mac.csv"
    path.write_bytes(text.encode("mac_roman"))
    prepared = survey.prepare(store, path, load_catalogue())
    assert prepared.table.errors == []
    assert [r.region_name for r in prepared.table.rows] == ["Skärholmen", "Hägersten-Älvsjö"]
    assert prepared.table.rows[1].comment == "Åtgärd före mätning"
    assert any("lästes som Mac Roman" in w.message for w in prepared.table.warnings)


def test_a_hidden_data_sheet_is_not_read_in_place_of_the_visible_one(
    store: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    book = openpyxl.Workbook()
    visible = book.active
    visible.title = "Blad1"
    visible.append(HEADER.split(";"))
    visible.append(["Bromma", 2024, OTRYGG, "Alla", "Alla", 12.5, 400])
    hidden = book.create_sheet("Data")
    hidden.append(HEADER.split(";"))
    hidden.append(["Farsta", 2024, OTRYGG, "Alla", "Alla", 99.0, 5])
    hidden.sheet_state = "hidden"
    path = tmp_path / "dolt.xlsx"
    book.save(path)
    prepared = survey.prepare(store, path, load_catalogue())
    assert prepared.table.sheet == "Blad1"
    assert [(r.region_name, r.value) for r in prepared.table.rows] == [("Bromma", 12.5)]


def test_a_huge_comment_is_refused_at_its_cell(
    store: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    path = data_book(
        tmp_path / "lang.xlsx",
        HEADER.split(";"),
        [["Bromma", 2024, OTRYGG, "Alla", "Alla", 12.5, 400, None, "x" * 200_000]],
    )
    prepared = survey.prepare(store, path, load_catalogue())
    # (Excel keeps at most 32 767 characters in a cell.)
    assert [(f.cell, f.message) for f in prepared.table.errors] == [
        ("I2", "texten är för lång (32767 tecken; högst 2000)")
    ]
    csv_path = tmp_path / "lang.csv"
    csv_path.write_text(f"{HEADER}\nBromma;2024;{OTRYGG};Alla;Alla;12,5;400;;{'x' * 200_000}\n")
    with pytest.raises(UploadRefused, match="en cell får ha högst 2000 tecken"):
        survey.prepare(store, csv_path, load_catalogue())
    assert queries.count_observations(store) == 0


def test_an_action_register_with_a_repeated_nr_or_an_end_before_its_start_is_refused(
    store: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    from loaders import actions_excel
    from loaders.followup_examples import load as load_examples
    from store import followup

    load_examples(store)
    catalogue = load_catalogue()
    frame = actions_excel.export_frame(followup.actions(store), catalogue)
    frame = frame.drop(columns=[c for c in frame.columns if c not in actions_excel.COLUMNS])
    first = frame.iloc[0].copy()
    frame.loc[len(frame)] = first  # the same Nr twice
    frame.loc[frame.index[1], "Start"] = "2025-06-01"
    frame.loc[frame.index[1], "Slut"] = "2025-01-31"
    path = tmp_path / "atgarder.xlsx"
    frame.to_excel(path, index=False, sheet_name="Data")
    imported = actions_excel.read(store, path, path.name, catalogue)
    messages = [(f.cell, f.message) for f in imported.errors]
    last = len(frame) + 1
    repeated = "samma Nr finns redan i A2; en åtgärd får bara finnas på en rad"
    assert (f"A{last}", repeated) in messages
    assert ("I3", "slutdatumet ligger före startdatumet (2025-06-01)") in messages
    before = len(followup.actions(store))
    with pytest.raises(ValueError):
        actions_excel.commit(store, imported, "Anna")
    assert len(followup.actions(store)) == before


def test_a_template_whose_header_is_below_row_ten_is_refused_not_mapped(tmp_path: Path) -> None:
    from loaders.upload_parse import ParsedSheet
    from service import uploads

    rows: list[list[object]] = [["Enkätresultat 2024"]] + [[""]] * 11 + [HEADER.split(";")]
    rows.append(["Bromma", 2024, OTRYGG, "Alla", "Alla", 12.5, 400])
    with pytest.raises(UploadRefused, match="Mallens rubrikrad står på rad 13"):
        uploads.needs_mapping(ParsedSheet(sheet="Data", rows=rows))
    respondent_level = [["Stadsdel", "Fråga 1"], ["Bromma", "Ja"], ["Farsta", "Nej"]]
    assert uploads.needs_mapping(ParsedSheet(sheet="Data", rows=respondent_level))
    assert not uploads.needs_mapping(ParsedSheet(sheet="Data", rows=rows[12:]))
