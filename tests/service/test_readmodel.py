"""The read model: a view is computed once per argument and version of what it depends on, a
page's view defined anew at each script run finds its entries again, and editing a YAML file
of the catalogue changes the catalogue version."""

from __future__ import annotations

import contextvars
import os
from pathlib import Path

import pytest

from service import session
from service.readmodel import view


def test_a_view_defined_again_finds_its_entries() -> None:
    calls: list[int] = []

    def define():  # type: ignore[no-untyped-def]
        @view("catalogue")
        def doubled(x: int) -> int:
            calls.append(x)
            return 2 * x

        return doubled

    assert define()(2) == 4
    assert define()(2) == 4  # a page's next run: same cache
    assert define()(3) == 6
    assert calls == [2, 3]


def test_unknown_dependencies_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown dependencies"):
        view("weather")


def test_the_catalogue_version_follows_its_files(tmp_path: Path) -> None:
    (tmp_path / "definitions").mkdir()
    definition = tmp_path / "definitions" / "a.yaml"
    definition.write_text("id: a\n", encoding="utf-8")
    before = session.catalogue_version(tmp_path)
    assert session.catalogue_version(tmp_path) == before
    definition.write_text("id: a\ntitle: Ny titel\n", encoding="utf-8")
    os.utime(definition, ns=(1, 1))
    edited = session.catalogue_version(tmp_path)
    assert edited != before
    (tmp_path / "definitions" / "b.yaml").write_text("id: b\n", encoding="utf-8")
    assert session.catalogue_version(tmp_path) not in (before, edited)


def test_a_page_run_reads_the_catalogue_version_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every cached view of a run asks for the catalogue's version (about fifty times a run of
    Stadsdelsområde): a run reads the files once, the next run sees an edit."""
    monkeypatch.setattr(session, "_RUN", contextvars.ContextVar("page_run", default=None))
    definition = tmp_path / "a.yaml"
    definition.write_text("id: a\n", encoding="utf-8")
    session.begin_run()
    before = session.catalogue_version(tmp_path)
    definition.write_text("id: a\ntitle: Ny titel\n", encoding="utf-8")
    assert session.catalogue_version(tmp_path) == before  # the same run
    session.begin_run()
    assert session.catalogue_version(tmp_path) != before  # the next run
