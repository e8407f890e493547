"""Stored indicator results (indicators.results): what is stored equals a full recomputation,
a police load recomputes the police indicators and leaves every other stored result as it
was, and a result whose inputs changed is never served."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from catalogue.catalogue import Catalogue, load_catalogue
from indicators import compute, results
from loaders import polisen_handelser
from store import db
from store import results as stored_results
from store.replica import Replica
from tests.conftest import ROOT, copy_store

SNAPSHOT = ROOT / "data" / "demo" / "polisen" / "events_api_snapshot.json"


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return load_catalogue()


@pytest.fixture(scope="module")
def refreshed(
    demo_db_path: Path, tmp_path_factory: pytest.TempPathFactory, catalogue: Catalogue
) -> Iterator[tuple[duckdb.DuckDBPyConnection, results.Refreshed]]:
    """A copy of the demo store whose stored results are first removed and then computed
    again on purpose (the recomputation these tests check), and a cursor on the process's
    in-memory copy of it (what the pages read; much faster to compute on than the lake)."""
    path = copy_store(demo_db_path, tmp_path_factory.mktemp("results") / "store.sqlite")
    con = db.connect(path)
    with db.transaction(con):
        stored_results.remove_others(con, [])
    _REPLICA[:] = [Replica(con)]
    done = results.refresh(_reader(), con, catalogue)
    yield con, done
    con.close()


_REPLICA: list[Replica] = []


def _reader() -> duckdb.DuckDBPyConnection:
    return _REPLICA[0].cursor()


def _stored_rows(con: duckdb.DuckDBPyConnection) -> dict[tuple[str, str], tuple[str, object]]:
    rows = con.execute(
        "SELECT indicator, request, inputs, computed_at FROM indicator_result"
    ).fetchall()
    return {(i, r): (k, at) for i, r, k, at in rows}


@pytest.mark.slow
def test_every_result_is_stored_once_and_a_second_refresh_computes_nothing(
    refreshed: tuple[duckdb.DuckDBPyConnection, results.Refreshed], catalogue: Catalogue
) -> None:
    con, done = refreshed
    with_sex = sum("sex" in d.breakdowns for d in catalogue.definitions.values())
    expected = 3 * len(catalogue.definitions) + 2 * with_sex
    assert done.computed == expected == len(_stored_rows(con))
    assert results.pending(con, catalogue) == 0
    again = results.refresh(con, con, catalogue)
    assert (again.computed, again.kept) == (0, expected)


@pytest.mark.parametrize("request_", results.REQUESTS, ids=lambda r: results.request_key(
    next(iter(load_catalogue().definitions.values())), r))  # fmt: skip
@pytest.mark.slow
def test_stored_results_equal_a_full_recomputation(
    refreshed: tuple[duckdb.DuckDBPyConnection, results.Refreshed],
    catalogue: Catalogue,
    request_: compute.Request,
) -> None:
    con, _ = refreshed
    stored = results.values_all(con, catalogue, request_)
    fresh = compute.compute_all(_reader(), catalogue, request_)
    assert stored.keys() == fresh.keys()
    for indicator, frame in fresh.items():
        pd.testing.assert_frame_equal(
            stored[indicator], frame.reset_index(drop=True), obj=indicator
        )
    # and they are the stored ones: no computation happens to give them
    shootings = stored["skjutningar"]
    assert shootings.loc[shootings["region_code"] == "0180", "numerator"].notna().any()


@pytest.mark.slow
def test_a_stored_result_is_decoded_once_per_process_and_handed_out_as_a_copy(
    refreshed: tuple[duckdb.DuckDBPyConnection, results.Refreshed],
    catalogue: Catalogue,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    con, _ = refreshed
    request = compute.Request(boundaries="today")
    results.clear_decoded()
    decoded: list[int] = []
    decode = results.decode
    monkeypatch.setattr(results, "decode", lambda data: decoded.append(1) or decode(data))
    first = results.values_all(con, catalogue, request)
    count = len(decoded)
    assert count >= 20  # every stored indicator, read and decoded
    first["skjutningar"]["value"] = -1.0  # a reader that changes its frame changes only its own
    again = results.values_all(con, catalogue, request)
    assert len(decoded) == count  # nothing read or decoded again
    assert (again["skjutningar"]["value"] != -1.0).any()
    fresh = compute.compute_all(_reader(), catalogue, request)
    pd.testing.assert_frame_equal(again["skjutningar"], fresh["skjutningar"].reset_index(drop=True))


@pytest.mark.slow
def test_a_police_load_recomputes_the_police_indicators_only(
    refreshed: tuple[duckdb.DuckDBPyConnection, results.Refreshed],
    catalogue: Catalogue,
    tmp_path: Path,
) -> None:
    con, _ = refreshed
    before = _stored_rows(con)
    events = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    stockholm = [e for e in events if e["name"].endswith("Stockholm")][:3]
    new = [{**e, "id": 98_000_000 + i} for i, e in enumerate(stockholm)]
    path = tmp_path / "new_events.json"
    path.write_text(json.dumps(new, ensure_ascii=False), encoding="utf-8")
    polisen_handelser.load(con, path, loaded_by="t")
    police = {
        i for i, d in catalogue.definitions.items()
        if any(catalogue.measures[m].source == "polisen_handelser" for m in d.measures)
    }  # fmt: skip
    assert police and police != set(catalogue.definitions)
    # Until the refresh, the police indicators' stored results are not served (their
    # inputs changed), the others' are.
    assert results.pending(con, catalogue) == sum(1 for i, _ in before if i in police)
    done = results.refresh(_reader(), con, catalogue)
    after = _stored_rows(con)
    assert done.computed == len([k for k in before if k[0] in police])
    assert after.keys() == before.keys()
    for key, (inputs, computed_at) in after.items():
        if key[0] in police:
            assert inputs != before[key][0]
        else:
            assert (inputs, computed_at) == before[key], key
    fresh = compute.compute_all(_reader(), catalogue, compute.Request(boundaries="today"))
    stored = results.values_all(con, catalogue, compute.Request(boundaries="today"))
    for indicator in police:
        pd.testing.assert_frame_equal(stored[indicator], fresh[indicator].reset_index(drop=True))


def test_a_result_whose_inputs_changed_is_not_served(
    store: duckdb.DuckDBPyConnection, catalogue: Catalogue
) -> None:
    from tests.indicators.builders import add_batch

    definition = catalogue.definitions["skjutningar"]
    request = compute.Request(boundaries="today")
    kind = results.request_key(definition, request)
    assert kind is not None
    inputs = results.Inputs.from_store(store)
    stale = pd.DataFrame({"region_code": ["0180"], "year": [1999], "value": [123.0]})
    from store import results as stored_results

    with db.transaction(store):
        stored_results.replace(
            store, [(definition.id, kind, inputs.key(definition, catalogue), results.encode(stale))]
        )
    assert list(results.values(store, definition, catalogue, request)["year"]) == [1999]
    add_batch(
        store,
        [{"measure": definition.measures[0], "region_code": "0180", "year": 2024, "value": 5}],
        source="polisen_handelser",
    )
    # The police source has a new batch: the stored frame is not used any more.
    frame = results.values(store, definition, catalogue, request)
    assert 1999 not in set(frame["year"])


def test_the_sources_named_here_are_the_loaders_own() -> None:
    from loaders import population, survey

    assert results.POPULATION_SOURCE == population.SOURCE
    assert results.UPLOAD_SOURCE == survey.UPLOAD_SOURCE


def _bra_file(path: Path, category: str, counts: list[int]) -> Path:
    """A BRÅ export for Farsta, jan–may 2026, preliminary: count and rate per month."""
    months = ["Jan", "Feb", "Mar", "Apr", "Maj"]
    lines = ["Region;Brott;År;Period;Antal;/100 000 inv"]
    lines += [f"Stadsdelsområde Farsta (Sthlm);{category};2026 prel.;{m};{n};{n * 2};"
              for m, n in zip(months, counts, strict=True)]  # fmt: skip
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("latin-1"))
    return path


@pytest.mark.slow
def test_a_bra_load_recomputes_the_indicators_of_the_measures_it_holds_only(
    refreshed: tuple[duckdb.DuckDBPyConnection, results.Refreshed],
    catalogue: Catalogue,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Issue 33: a 10-row load for Farsta changes the results of the indicators over the
    measure it holds; the command line computes them on a copy of those measures' rows only
    (not of the store), and what it stores equals a full recomputation."""
    from loaders import bra_anmalda_brott
    from service import results as service_results

    monkeypatch.setenv("DASHBOARD_RESULTS", "on")
    con, _ = refreshed
    service_results.refresh_connection(con)  # whatever an earlier test left pending
    before = _stored_rows(con)
    shown = {
        i: results.inputs_of(f)
        for i, f in results.values_all(con, catalogue, compute.Request(boundaries="today")).items()
    }

    # A category no indicator shows: nothing to compute.
    theft = _bra_file(tmp_path / "Databasfil2026_stold.txt", "8 kap. Stöldbrott", [9] * 5)
    bra_anmalda_brott.load(con, theft, loaded_by="t")
    assert results.pending(con, catalogue) == 0

    counts = [114, 130, 139, 121, 127]
    person = _bra_file(tmp_path / "Databasfil2026.txt", "3-7 kap. Brott mot person", counts)
    bra_anmalda_brott.load(con, person, loaded_by="t")
    touched = {
        i for i, d in catalogue.definitions.items() if d.measures == ["bra.brott_mot_person"]
    }
    assert touched == {"brott_mot_person", "brott_mot_person_per_1000"}
    done = service_results.refresh_connection(con)
    assert done is not None
    after = _stored_rows(con)
    assert done.computed == len([k for k in before if k[0] in touched]) == 6
    assert after.keys() == before.keys()
    for key, (inputs, computed_at) in after.items():
        if key[0] in touched:
            assert inputs != before[key][0]
        else:  # misshandel and sexualbrott, BRÅ's too, are left as they were
            assert (inputs, computed_at) == before[key], key
    for request in results.REQUESTS:
        fresh = compute.compute_all(_reader(), catalogue, request)
        stored = results.values_all(con, catalogue, request)
        for indicator in touched:
            pd.testing.assert_frame_equal(
                stored[indicator], fresh[indicator].reset_index(drop=True), obj=indicator
            )
    farsta = stored["brott_mot_person"]
    row = farsta[(farsta["region_name"] == "Farsta") & (farsta["year"] == 2026)].iloc[0]
    assert (row["numerator"], row["period"]) == (sum(counts), "jan–maj 2026 prel.")
    # What a page caches an indicator's card under moves for those two only.
    now = {
        i: results.inputs_of(f)
        for i, f in results.values_all(con, catalogue, compute.Request(boundaries="today")).items()
    }
    assert {i for i in now if now[i] != shown[i]} == touched
    assert all(now.values())


def test_a_stored_frame_reads_back_as_it_was_computed() -> None:
    """Stored frames are Arrow streams (read twice as fast as Parquet); a frame stored as
    Parquet before reads back the same; text columns come back as Python objects with None
    for a missing value, as compute leaves them."""
    frame = pd.DataFrame(
        {
            "region_name": pd.Series(["Farsta", "Järva", None], dtype=object),
            "value": [631.0, float("nan"), 12.5],
            "year": [2026, 2025, 2024],
            "status_text": pd.Series(["Försämring sedan basåret 2021", None, ""], dtype=object),
        }
    )
    data = results.encode(frame)
    assert data[:4] != b"PAR1"
    back = results.decode(data)
    pd.testing.assert_frame_equal(back, frame)
    assert back.loc[2, "region_name"] is None and back["status_text"].dtype == object
    old = frame.copy()
    old.attrs = {"object_columns": ["region_name", "status_text"]}
    buffer = io.BytesIO()
    old.to_parquet(buffer, index=False)
    pd.testing.assert_frame_equal(results.decode(buffer.getvalue()), frame)
