"""Police events: the real archive and API snapshot, the rename of Detonation, the 2026
change of location.name, placement in districts, and files that must load nothing."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import duckdb
import pytest

from loaders import polisen_handelser as polisen
from loaders.batch import LoadError
from store import loading, police, queries
from tests.conftest import PROBLEMS, ROOT

DEMO = ROOT / "data" / "demo" / "polisen"
ARCHIVE = DEMO / "events_stockholm_2022_2026.json"
SNAPSHOT = DEMO / "events_api_snapshot.json"


@pytest.fixture
def loaded(store: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    polisen.load(store, ARCHIVE, loaded_by="t")
    polisen.load(store, SNAPSHOT, loaded_by="t")
    return store


def _raw() -> list[dict]:
    events = {e["id"]: e for e in json.loads(ARCHIVE.read_text(encoding="utf-8"))}
    events.update({e["id"]: e for e in json.loads(SNAPSHOT.read_text(encoding="utf-8"))})
    return list(events.values())


@pytest.mark.slow
def test_archive_then_snapshot_adds_only_new_events(store: duckdb.DuckDBPyConnection) -> None:
    first = polisen.load(store, ARCHIVE, loaded_by="t")
    assert "4766 events read: 4766 new" in first.summary()
    second = polisen.load(store, SNAPSHOT, loaded_by="t")
    assert "500 events read: 466 new, 0 changed, 34 already stored; 5232 events in all." in (
        second.summary()
    )
    assert police.event_count(store) == 5232 == len(_raw())
    again = polisen.load(store, SNAPSHOT, loaded_by="t")
    assert again.already_loaded and police.event_count(store) == 5232


def _municipality(event: dict) -> str:
    return event["name"].split(",")[-1].strip()


@pytest.mark.slow
def test_explosions_are_one_series_across_the_rename(loaded: duckdb.DuckDBPyConnection) -> None:
    by_hand = Counter(
        int(e["datetime"][:4]) for e in _raw()
        if e["type"] in ("Detonation", "Explosion") and _municipality(e) == "Stockholm"
    )  # fmt: skip
    stored = dict(
        loaded.execute(
            "SELECT year, sum(value) FROM observation_current WHERE measure = 'polisen.explosion'"
            " AND region_code = '0180' GROUP BY year"
        ).fetchall()
    )
    assert stored == {year: float(n) for year, n in by_hand.items()}
    assert by_hand[2023] > 0  # 2023 had only "Detonation"
    types = set(police.events(loaded, "polisen.explosion")["type"])
    assert types == {"Explosion"}
    assert loaded.execute(
        "SELECT count(*) FROM measure WHERE id = 'polisen.detonation'"
    ).fetchone() == (0,)


@pytest.mark.slow
def test_the_municipality_of_2026_events_comes_from_the_name(
    loaded: duckdb.DuckDBPyConnection,
) -> None:
    frame = loaded.execute(
        "SELECT name, location_name, region_code FROM police_event "
        "WHERE occurred_at >= '2026-01-20' ORDER BY id"
    ).df()
    assert set(frame["location_name"]) <= {"Stockholms län"} | set(frame["location_name"])
    stockholm = frame[frame["name"].str.endswith(", Stockholm")]
    assert len(stockholm) > 0 and set(stockholm["region_code"]) == {"0180"}
    sigtuna = frame[frame["name"].str.endswith(", Sigtuna")]
    assert len(sigtuna) > 0 and set(sigtuna["region_code"]) == {"0191"}
    county = frame[frame["name"].str.endswith(", Stockholms län")]
    assert set(county["region_code"]) == {"01"}


@pytest.mark.slow
def test_hours_without_leading_zero_urls_and_types(loaded: duckdb.DuckDBPyConnection) -> None:
    row = loaded.execute(
        "SELECT occurred_at, utc_offset, url FROM police_event "
        "WHERE id = (SELECT min(id) FROM police_event WHERE url LIKE '%/2022/oktober/5/%')"
    ).fetchone()
    assert row is not None
    raw = next(e for e in _raw() if e["datetime"] == "2022-10-05 7:05:09 +02:00")
    event = loaded.execute(
        "SELECT strftime(occurred_at, '%Y-%m-%d %H:%M:%S'), utc_offset, url FROM police_event "
        "WHERE id = $id",
        {"id": raw["id"]},
    ).fetchone()
    assert event == ("2022-10-05 07:05:09", "+02:00", "https://polisen.se" + raw["url"])


@pytest.mark.slow
def test_events_are_placed_by_the_places_their_summary_names(
    loaded: duckdb.DuckDBPyConnection,
) -> None:
    events = police.events(loaded).set_index("id")
    # 26 Sep 2022: "På Norrmalm och i närheten av en galleria …" → Norrmalm
    assert events.loc[371971, "district_code"] == "80109"
    # 6 Jun 2025, "… lämnat en lägenhet i Bromsten …": Bromsten lies in Spånga-Tensta,
    # which since 1 July 2023 is part of Järva.
    assert events.loc[588122, "district_code"] == "80132"
    assert events.loc[588122, "places"] == "bromsten"
    summary = police.placement_summary(loaded)
    assert summary["events"].sum() == summary["placed"].sum() + summary["not_placed"].sum()
    assert 0 < summary["not_placed"].sum() < summary["events"].sum()


def test_a_summary_naming_two_districts_is_not_placed(
    store: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    event = {
        "id": 1,
        "datetime": "2025-03-01 12:00:00 +01:00",
        "name": "01 mars 11.50, Rån, Stockholm",
        "summary": "Rån på tunnelbanan mellan Skärholmen och Farsta.",
        "url": "/x",
        "type": "Rån",
        "location": {"name": "Stockholm", "gps": "1,2"},
    }
    other = {**event, "id": 2, "summary": "Ett rån i Hökarängen i eftermiddags."}
    path = tmp_path / "two.json"
    path.write_text(json.dumps([event, other], ensure_ascii=False), encoding="utf-8")
    polisen.load(store, path, loaded_by="t")
    events = police.events(store).set_index("id")
    assert (
        events.loc[1, "district_code"] is None
        or events.loc[1, "district_code"] != events.loc[1, "district_code"]
    )
    assert events.loc[2, "district_code"] == "80118"  # Hökarängen → Farsta


@pytest.mark.slow
def test_shootings_per_year_agree_with_the_raw_json(
    loaded: duckdb.DuckDBPyConnection,
) -> None:
    from catalogue.catalogue import load_catalogue
    from indicators.basis import Request
    from indicators.compute import compute

    catalogue = load_catalogue()
    frame = compute(loaded, catalogue.definitions["skjutningar"], catalogue,
                    Request(region_codes=("0180",)))  # fmt: skip
    shootings = [e for e in _raw() if e["type"] == "Skottlossning"]
    # The archive holds shootings from 27 March 2023: whole months from April count; the
    # archive's last event is on 22 August 2026, so 2026 is January–July.
    assert min(e["datetime"][:10] for e in shootings) == "2023-03-27"
    by_hand = Counter(
        int(e["datetime"][:4])
        for e in shootings
        if _municipality(e) == "Stockholm" and "2023-04" <= e["datetime"][:7] <= "2026-07"
    )
    shown = dict(zip(frame["year"], frame["numerator"], strict=True))
    assert set(shown) == {2023, 2024, 2025, 2026}  # nothing for 2022: not covered, never 0
    for year, count in by_hand.items():
        assert shown[year] == count  # published by the police: shown as they are, 1 too
    assert by_hand[2026] == 1 and not frame["suppressed"].any()


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("polisen_malformed.json", "not a JSON events response: line 3, column 80 (byte 170)"),
        ("polisen_not_events_object.json", "this is not a police events response"),
        ("polisen_not_events_array.json", "this is not a police events response"),
        ("polisen_bad_datetime.json", "item 1 (id 7): datetime '7 juni 2025 kl 07.32' is not"),
    ],
)
def test_bad_files_load_nothing(store: duckdb.DuckDBPyConnection, name: str, message: str) -> None:
    polisen.load(store, SNAPSHOT, loaded_by="t")
    before = (police.event_count(store), queries.count_observations(store))
    with pytest.raises(LoadError) as caught:
        polisen.load(store, PROBLEMS / name, loaded_by="t")
    assert message in str(caught.value)
    assert name in str(caught.value)
    assert (police.event_count(store), queries.count_observations(store)) == before
    assert len(loading.batches(store)) == 1


@pytest.mark.slow
def test_an_archive_of_responses(store: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    snapshot = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    path = tmp_path / "archive.json"
    path.write_text(json.dumps([snapshot[:300], snapshot[200:]], ensure_ascii=False), "utf-8")
    report = polisen.load(store, path, loaded_by="t")
    assert police.event_count(store) == 500
    assert "600 events read" in report.summary()


def test_json_lines(store: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    snapshot = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    path = tmp_path / "events.jsonl"
    path.write_text("\n".join(json.dumps(e, ensure_ascii=False) for e in snapshot[:50]), "utf-8")
    polisen.load(store, path, loaded_by="t")
    assert police.event_count(store) == 50


def _full_recount(con: duckdb.DuckDBPyConnection) -> dict[tuple[str, str, int, int], int]:
    """Every non-zero monthly count, counted afresh from the events in force."""
    rows = con.execute(
        """
        WITH live AS (
            SELECT e.* FROM police_event AS e JOIN load_batch AS b ON b.id = e.batch_id
            WHERE b.state <> 'undone'
        )
        SELECT measure, region_code, year(occurred_at), month(occurred_at), count(*)
        FROM live WHERE region_code IS NOT NULL GROUP BY ALL
        UNION ALL
        SELECT measure, district_code, year(occurred_at), month(occurred_at), count(*)
        FROM live WHERE district_code IS NOT NULL GROUP BY ALL
        """
    ).fetchall()
    return {(m, r, int(y), int(mo)): int(n) for m, r, y, mo, n in rows}


def _in_force(con: duckdb.DuckDBPyConnection) -> dict[tuple[str, str, int, int], int]:
    rows = con.execute(
        "SELECT measure, region_code, year, month, value FROM observation_current "
        "WHERE source = 'polisen_handelser' AND value > 0"
    ).fetchall()
    return {(m, r, int(y), int(mo)): int(v) for m, r, y, mo, v in rows}


@pytest.mark.slow
def test_repeated_fetches_of_the_same_events_add_no_rows(
    store: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    polisen.load(store, SNAPSHOT, loaded_by="t")
    rows = queries.count_observations(store)
    events = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    for i in range(3):  # each fetch is a new file (other order): not "already loaded"
        path = tmp_path / f"fetch_{i}.json"
        path.write_text(json.dumps(events[i:] + events[:i], ensure_ascii=False), "utf-8")
        report = polisen.load(store, path, loaded_by="t")
        assert not report.already_loaded
        assert "500 events read: 0 new, 0 changed, 500 already stored" in report.summary()
        assert report.rows == 0
    assert queries.count_observations(store) == rows


@pytest.mark.slow
def test_a_load_writes_only_the_counts_its_events_change(
    loaded: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    archive = json.loads(ARCHIVE.read_text(encoding="utf-8"))
    shot = next(e for e in archive if _municipality(e) == "Stockholm" and e["type"] != "Rån")
    moved = {**shot, "type": "Rån", "summary": (shot["summary"] or "") + " Ändrad."}
    new = {**archive[0], "id": 99_000_001, "datetime": "2026-03-04 12:00:00 +01:00"}
    path = tmp_path / "update.json"
    path.write_text(json.dumps([moved, new], ensure_ascii=False), "utf-8")
    measure = loaded.execute(
        "SELECT measure FROM police_event WHERE id = $id", {"id": shot["id"]}
    ).fetchone()
    assert measure is not None
    before_rows = queries.count_observations(loaded)
    before = _in_force(loaded)
    report = polisen.load(loaded, path, loaded_by="t")
    assert "2 events read: 1 new, 1 changed" in report.summary()
    # Only the cells of the changed event (old and new type) and of the new event were
    # written: a handful of rows, not the whole history again.
    assert 0 < report.rows <= 12
    assert queries.count_observations(loaded) == before_rows + report.rows
    assert _in_force(loaded) == _full_recount(loaded)
    year, month = int(shot["datetime"][:4]), int(shot["datetime"][5:7])
    old_key = (str(measure[0]), "0180", year, month)
    new_key = ("polisen.ran", "0180", year, month)
    assert _in_force(loaded).get(old_key, 0) == before[old_key] - 1
    assert _in_force(loaded)[new_key] == before.get(new_key, 0) + 1
    # Undoing it (the newest) brings the earlier counts back.
    from loaders.survey import undo

    undo(loaded, report.batch_id or 0, undone_by="t")
    assert _in_force(loaded) == before


def test_events_of_an_undone_batch_count_again_when_loaded_again(
    store: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    from loaders.survey import undo

    first = polisen.load(store, SNAPSHOT, loaded_by="t")
    expected = _in_force(store)
    undo(store, first.batch_id or 0, undone_by="t")
    assert _in_force(store) == {}
    again = tmp_path / "again.json"
    again.write_text(json.dumps(json.loads(SNAPSHOT.read_text("utf-8"))[::-1]), "utf-8")
    report = polisen.load(store, again, loaded_by="t")
    assert "500 events read: 500 new" in report.summary()
    assert _in_force(store) == expected == _full_recount(store)


@pytest.mark.slow
def test_counts_no_undo_can_bring_back_are_removed(
    store: duckdb.DuckDBPyConnection, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With two undoable loads: each load of a changed event writes its cell again; when a
    load leaves the two newest, the counts it replaced are deleted, the counts in force stay
    those of every event, the two newest can still be undone (newest first), an older not."""
    from loaders.survey import UploadRefused, undo

    monkeypatch.setattr(police, "UNDO_DEPTH", 2)
    event = json.loads(SNAPSHOT.read_text(encoding="utf-8"))[0]
    key_count = "SELECT count(*) FROM observation WHERE source = 'polisen_handelser'"
    batches, states = [], []
    for n in range(5):  # the same event, its summary edited each time: its cells again
        path = tmp_path / f"load_{n}.json"
        changed = {**event, "summary": f"{event['summary']} Uppdatering {n}."}
        path.write_text(json.dumps([changed], ensure_ascii=False), "utf-8")
        report = polisen.load(store, path, loaded_by="t")
        batches.append(report.batch_id)
        states.append((_in_force(store), int(store.execute(key_count).fetchone()[0])))
        assert _in_force(store) == _full_recount(store)
        if n >= 3:  # a load left the two newest with a load before it: what it replaced goes
            assert "replaced counts removed: only the 2 newest loads" in report.summary()
    cells = states[0][1]  # rows of one load: the event's cells
    # Without compaction 5 loads would keep 5 copies of the cells; now at most 3 (in force,
    # and the two that undoing the two newest brings back).
    assert states[-1][1] == 3 * cells
    for n in range(3):  # fetches of nothing new write no count and push nothing out
        again = tmp_path / f"again_{n}.json"
        last = json.loads((tmp_path / "load_4.json").read_text("utf-8"))
        again.write_text(json.dumps(last, ensure_ascii=False, indent=n + 1), "utf-8")
        assert polisen.load(store, again, loaded_by="t").rows == 0
    assert int(store.execute(key_count).fetchone()[0]) == 3 * cells
    with pytest.raises(UploadRefused, match="bara de 2 senaste inläsningarna"):
        undo(store, batches[2] or 0, undone_by="t")
    undo(store, batches[4] or 0, undone_by="t")
    assert _in_force(store) == states[3][0] == _full_recount(store)
    undo(store, batches[3] or 0, undone_by="t")
    assert _in_force(store) == states[2][0] == _full_recount(store)
    with pytest.raises(UploadRefused, match="bara de 2 senaste"):
        undo(store, batches[2] or 0, undone_by="t")


@pytest.mark.slow
def test_compact_catches_up_a_store_loaded_before(
    store: duckdb.DuckDBPyConnection, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from service import loads

    event = json.loads(SNAPSHOT.read_text(encoding="utf-8"))[0]
    for n in range(4):
        path = tmp_path / f"load_{n}.json"
        changed = {**event, "summary": f"{event['summary']} Uppdatering {n}."}
        path.write_text(json.dumps([changed], ensure_ascii=False), "utf-8")
        polisen.load(store, path, loaded_by="t")
    rows = queries.count_observations(store)
    in_force = _in_force(store)
    monkeypatch.setattr(police, "UNDO_DEPTH", 1)  # as if fewer could be undone from now on
    deleted = loads.compact(store, loads.operator("t"))
    assert deleted > 0 and queries.count_observations(store) == rows - deleted
    assert _in_force(store) == in_force == _full_recount(store)
    log = store.execute("SELECT who, what, detail FROM audit_log ORDER BY logged_at").fetchall()
    assert log[-1] == ("t", "rensning", f"{deleted} ersatta antal borttagna")
    assert loads.compact(store, loads.operator("t")) == 0
