"""One measure registry (issue 35): the store's measure table follows catalogue/measures.yaml,
updates included, and a load's label and unit replace the ones stored."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from catalogue.catalogue import MEASURES_FILE
from loaders import reference
from service.session import open_store
from store import db, queries, reference_data


def _measure(con: object, measure: str) -> tuple:
    return con.execute(  # type: ignore[attr-defined]
        "SELECT source, label, unit, spatially_additive FROM measure WHERE id = $m",
        {"m": measure},
    ).fetchone()


def test_the_measure_table_follows_the_yaml(tmp_path: Path) -> None:
    con = open_store(":memory:")
    with db.transaction(con):
        queries.upsert_measures(
            con,
            pd.DataFrame(
                [["bra.misshandel", "bra_anmalda_brott", "Misshandel", "antal", True]],
                columns=["id", "source", "label", "unit", "spatially_additive"],
            ),
        )
    assert _measure(con, "bra.misshandel") == ("bra_anmalda_brott", "Misshandel", "antal", True)
    assert not reference.sync_measures(con)  # the file as it was when the store opened

    # The catalogue says the measure comes from another source (and is a share): the table
    # follows at the next opening, and only once.
    edited = tmp_path / "measures.yaml"
    text = MEASURES_FILE.read_text(encoding="utf-8")
    line = next(li for li in text.splitlines() if "id: bra.misshandel," in li)
    changed = line.replace(
        "source: bra_anmalda_brott, kind: count", "source: stadens_enkat, kind: share"
    )
    assert changed != line
    edited.write_text(text.replace(line, changed), encoding="utf-8")
    assert reference.sync_measures(con, edited)
    assert _measure(con, "bra.misshandel") == ("stadens_enkat", "Misshandel", "antal", False)
    assert reference_data.measure_source(con, "bra.misshandel") == "stadens_enkat"
    assert not reference.sync_measures(con, edited)

    # A load that brings another label and unit: the publisher's words replace the stored.
    with db.transaction(con):
        queries.upsert_measures(
            con,
            pd.DataFrame(
                [["bra.misshandel", "x", "Misshandel inkl. grov", "anmälningar", True]],
                columns=["id", "source", "label", "unit", "spatially_additive"],
            ),
        )
    assert _measure(con, "bra.misshandel") == (
        "stadens_enkat",
        "Misshandel inkl. grov",
        "anmälningar",
        False,
    )
    con.close()
