"""Coverage per series, on a synthetic police archive whose event types start months apart:
no 0 for a month before a type's first event, a part-covered year labelled with its months and
never a baseline, and the reason said where a comparison is refused. Not tuned to the demo:
the archive is made here."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from catalogue.catalogue import Catalogue, load_catalogue
from indicators import data_status
from indicators.basis import Request
from indicators.compute import compute
from loaders import polisen_handelser as polisen
from loaders.survey import undo

FARSTA, CITY = "80118", "0180"


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return load_catalogue()


def _event(number: int, when: datetime, kind: str) -> dict[str, object]:
    stamp = when.strftime("%Y-%m-%d %H:%M:%S") + " +01:00"
    return {
        "id": number, "datetime": stamp,
        "name": f"{when.day:02d} {when.month}, {kind}, Stockholm",
        "summary": "Polisen larmades till Hökarängen.",  # Hökarängen lies in Farsta
        "url": f"/aktuellt/{number}", "type": kind,
        "location": {"name": "Stockholm", "gps": "59.33,18.07"},
    }  # fmt: skip


def _archive(path: Path) -> Path:
    """Mord/dråp every tenth day from 3 January 2022; Skottlossning every seventh day from
    17 June 2023 (the archive held no shootings before); both to 20 August 2026."""
    events, number = [], 1
    for kind, start, step in (("Mord/dråp", datetime(2022, 1, 3, 12), 10),
                              ("Skottlossning", datetime(2023, 6, 17, 22), 7)):  # fmt: skip
        when = start
        while when < datetime(2026, 8, 20):
            events.append(_event(number, when, kind))
            number, when = number + 1, when + timedelta(days=step)
    events.append(_event(number, datetime(2026, 8, 20, 23), "Mord/dråp"))  # the archive's end
    path.write_text(json.dumps(events, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.fixture
def archive(store: duckdb.DuckDBPyConnection, tmp_path: Path) -> duckdb.DuckDBPyConnection:
    polisen.load(store, _archive(tmp_path / "archive.json"), loaded_by="test")
    return store


def _rows(frame, region: str) -> dict[int, dict]:  # type: ignore[no-untyped-def]
    rows = frame[(frame["region_code"] == region) & (frame["sex"] == "total")]
    return {int(r["year"]): r for r in rows.to_dict("records")}


def test_a_type_counts_from_its_first_event_never_as_0_before(
    archive: duckdb.DuckDBPyConnection, catalogue: Catalogue
) -> None:
    shootings = compute(archive, catalogue.definitions["skjutningar"], catalogue,
                        Request("today", with_missing=True))  # fmt: skip
    farsta = _rows(shootings, FARSTA)
    # 2022 and the first half of 2023 are not covered: no figure at all, never 0.
    assert 2022 not in farsta
    # The first shooting is on 17 June: July is the first whole month.
    assert farsta[2023]["period"] == "jul–dec 2023"
    assert farsta[2023]["value"] == 27  # every seventh day from 1 July to 31 December
    assert farsta[2023]["change_test"] == "ingen jämförelse: 2023 täcks bara från 17 jun"
    # 2023 is the definition's baseline: a whole year is never compared with its part.
    assert farsta[2024]["compared_with"] == "sedan basåret 2023"
    assert farsta[2024]["status"] == "insufficient_data"
    assert "basåret 2023 täcks bara från 17 jun" in farsta[2024]["status_text"]
    assert farsta[2025]["previous_compared_with"] == "sedan 2024"
    assert farsta[2025]["previous_test"] == "inom felmarginalen"
    # 2026 so far: January to July, against the same months of 2025.
    assert farsta[2026]["period"] == "jan–jul 2026"
    assert farsta[2026]["compared_with"] == "jan–jul 2026 mot jan–jul 2025"
    assert farsta[2026]["reference_value"] == farsta[2026]["ytd_previous"]
    # The murders, held from January 2022, are covered from February 2022 (the first event
    # is on 3 January): 2022 is feb–dec, 2023 a whole year.
    murders = _rows(compute(archive, catalogue.definitions["mord_drap"], catalogue,
                            Request("today")), FARSTA)  # fmt: skip
    assert murders[2022]["period"] == "feb–dec 2022" and murders[2023]["period"] == "2023"
    assert murders[2024]["compared_with"] == "sedan basåret 2023"
    assert murders[2024]["reference_value"] == murders[2023]["value"]
    assert murders[2024]["change"] == murders[2024]["value"] - murders[2023]["value"]


def test_the_coverage_per_type_is_on_the_data_status_page_and_follows_an_undo(
    archive: duckdb.DuckDBPyConnection, catalogue: Catalogue, tmp_path: Path
) -> None:
    table = data_status.series_coverage(archive, catalogue).set_index("Händelsetyp")
    assert table.loc["Skottlossning", "Första händelse"] == "17 juni 2023"
    assert table.loc["Skottlossning", "Täcker hela månader"] == "jul 2023–jul 2026"
    assert table.loc["Mord/dråp", "Täcker hela månader"] == "feb 2022–jul 2026"
    assert table.loc["Skottlossning", "Indikatorer"] == "Skjutningar"
    # A later file with an earlier shooting moves the type's start; undoing it moves it back.
    earlier = tmp_path / "earlier.json"
    earlier.write_text(json.dumps([_event(9999, datetime(2023, 2, 27, 9), "Skottlossning")],
                                  ensure_ascii=False), encoding="utf-8")  # fmt: skip
    report = polisen.load(archive, earlier, loaded_by="test")
    table = data_status.series_coverage(archive, catalogue).set_index("Händelsetyp")
    assert table.loc["Skottlossning", "Täcker hela månader"] == "mar 2023–jul 2026"
    undo(archive, report.batch_id, undone_by="test")  # type: ignore[arg-type]
    table = data_status.series_coverage(archive, catalogue).set_index("Händelsetyp")
    assert table.loc["Skottlossning", "Täcker hela månader"] == "jul 2023–jul 2026"
