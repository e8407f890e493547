"""Every problem the loaders report for the broken files of tests/fixtures/with-problems has
its Swedish (what Datastatus shows an administrator), naming the same line."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from loaders import registry, swedish
from loaders.batch import LoadError
from tests.conftest import FIXTURES

BROKEN = sorted(
    p
    for p in (FIXTURES / "with-problems").iterdir()
    if p.name.split("_")[0] in ("bra", "polisen", "population", "kolada")
)


@pytest.mark.parametrize("file", BROKEN, ids=[p.name for p in BROKEN])
def test_every_problem_has_its_swedish(store: duckdb.DuckDBPyConnection, file: Path) -> None:
    source = file.name.split("_")[0]
    with pytest.raises(LoadError) as refused:
        registry.load_file(store, source, file, loaded_by="test")
    untranslated = [
        p.message for p in refused.value.problems if swedish.translate(p.message) is None
    ]
    assert untranslated == []
    text = swedish.refused(refused.value)
    assert text.startswith(f"Filen ”{file.name}” kunde inte läsas in, och ingenting sparades")
    for problem in refused.value.problems:
        if problem.line is not None:
            assert f"rad {problem.line}: " in text


def test_a_summary_in_swedish() -> None:
    from loaders.batch import LoadReport

    report = LoadReport(
        source="bra", file_name="Databasfil2023.txt", batch_id=7, rows=120,
        regions=["0180", "80106"], years=[2022, 2023], preliminary_years=[2023],
        superseded_batches=[3], notes=["Dropped 4 echoed duplicate lines."],
    )  # fmt: skip
    assert swedish.summary(report) == (
        "Läste in ”Databasfil2023.txt” som sats 7: 120 rader, 2 områden, år 2022, "
        "2023 (preliminärt).\n\nErsatte sats 3 (den finns kvar, markerad som ersatt).\n\n"
        "4 upprepade rader (samma rad två gånger) togs bort."
    )
