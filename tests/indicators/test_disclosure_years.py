"""The joint disclosure decision keeps each year's protection (its linear programs) under a
digest of that year's figures: a new process decides the years a load changed and finds the
others as they were decided, with the same hidden figures as deciding everything again."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from catalogue.catalogue import load_catalogue
from indicators import basis, coverage, disclosure, disclosure_years, protection


def _families(con: duckdb.DuckDBPyConnection) -> list[disclosure.Family]:
    catalogue = load_catalogue()
    regions = basis.Regions.from_store(con)
    found = {}
    for definition in catalogue.definitions.values():
        if definition.source in regions.published:
            continue
        family = protection.family_of(definition, catalogue, coverage.coverage_of(con, definition))
        if family is not None:
            found[family] = definition.id
    return list(found)


@pytest.mark.slow
def test_a_year_is_decided_once_and_only_again_when_its_figures_change(
    demo_store: duckdb.DuckDBPyConnection, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    con = demo_store
    regions = basis.Regions.from_store(con)
    kinds = {code: kind for code, (_, kind) in regions.names.items()}
    today_of = regions.today_of or {}
    protected: list[int] = []
    original = disclosure_years.protect_year
    monkeypatch.setattr(
        disclosure_years, "protect_year", lambda *a: protected.append(1) or original(*a)
    )
    families = _families(con)

    def decide(cache: str) -> list[disclosure.Decision]:
        monkeypatch.setenv(disclosure_years.CACHE_ENV, cache)
        disclosure_years._YEARS.clear()  # a new process: only the cache folder is left
        protected.clear()
        return [disclosure._decide(con, f, today_of, kinds) for f in families]

    everything = decide("off")
    years = len(protected)
    assert years > 0 and sum(len(d.hidden) for d in everything) == 29
    assert decide(str(tmp_path / "years")) == everything and len(protected) == years
    assert decide(str(tmp_path / "years")) == everything and protected == []
    assert len(list((tmp_path / "years").glob("*.json"))) == years

    # One year's figures change (a survey load for it): that year is protected again.
    family, decided = next((f, d) for f, d in zip(families, everything, strict=True) if d.hidden)
    atoms = disclosure.atoms_of(con, family)
    cells = disclosure.cells_of(atoms, disclosure._complete_today(con, family), family, today_of)
    relations = disclosure.relations_of([key for key, _ in cells], today_of, kinds)
    constraints = disclosure._constraints(atoms, kinds)
    year = min(key[3] for key in decided.hidden if key[1] == "year")
    changed = atoms.copy()
    changed.loc[changed["year"] == year, "size"] += 1
    monkeypatch.setenv(disclosure_years.CACHE_ENV, "off")
    fresh = disclosure.solve(changed, cells, constraints, family, relations)
    monkeypatch.setenv(disclosure_years.CACHE_ENV, str(tmp_path / "years"))
    disclosure_years._YEARS.clear()
    protected.clear()
    assert disclosure.solve(changed, cells, constraints, family, relations) == fresh
    assert len(protected) <= 1  # the changed year; every other year from the cache
