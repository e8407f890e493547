"""A value that breaks one indicator's computation disables that indicator with a message on
its page; every other indicator and every page still render."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from catalogue.catalogue import load_catalogue
from indicators import compute as compute_module
from indicators.basis import Request
from indicators.compute import compute_all
from indicators.summaries import area_rows
from service.session import open_store
from store import db
from store import results as stored_results
from tests.conftest import ROOT, copy_store

BROKEN = "mord_drap"


@pytest.fixture
def broken(monkeypatch: pytest.MonkeyPatch) -> None:
    """One indicator's computation fails, in the step every way of computing it takes
    (``compute`` for one request, ``compute_many`` for a refresh's or a page's)."""
    real = compute_module._core

    def failing(con, shared, *args, **kwargs):  # type: ignore[no-untyped-def]
        if shared.definition.id == BROKEN:
            raise OverflowError("int too big to convert")
        return real(con, shared, *args, **kwargs)

    monkeypatch.setattr(compute_module, "_core", failing)


@pytest.mark.slow
def test_one_failing_indicator_leaves_the_others(demo_store, broken: None) -> None:  # type: ignore[no-untyped-def]
    catalogue = load_catalogue()
    frames = compute_all(demo_store, catalogue, Request(boundaries="today"))
    assert frames[BROKEN].empty
    assert frames[BROKEN].attrs["error"] == "OverflowError vid beräkningen"
    assert not frames["skjutningar"].empty
    rows = area_rows(catalogue, frames, "kriminella_miljoer", "2024", "0180")
    murders = next(r for r in rows if r["indicator"] == BROKEN)
    assert murders["text"].startswith("Indikatorn kan inte beräknas just nu (OverflowError")


@pytest.mark.slow
def test_every_page_renders_and_the_indicator_says_why(
    demo_db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, broken: None
) -> None:
    """The pages compute the broken indicator on the request (its stored result is gone, as
    after a new definition), and every page still renders."""
    path = copy_store(demo_db_path, tmp_path / "demo.duckdb")
    con = open_store(path)
    try:
        with db.transaction(con):
            stored_results.remove_others(con, sorted(set(load_catalogue().definitions) - {BROKEN}))
    finally:
        con.close()
    monkeypatch.setenv("DASHBOARD_DB", str(path))
    at = AppTest.from_file(str(ROOT / "main.py"), default_timeout=120)
    at.run()
    assert not at.exception, at.exception
    for page in ("district", "compare", "meeting", "year_end", "data_status"):
        at.switch_page(f"app_pages/{page}.py").run()
        assert not at.exception, (page, at.exception)
    at.switch_page("app_pages/indicator.py").run()
    title = load_catalogue().definitions[BROKEN].title
    at.selectbox(key="indikator").set_value(title).run()
    assert not at.exception, at.exception
    assert any("kan inte beräknas just nu" in e.value for e in at.error), [
        e.value for e in at.error
    ]
