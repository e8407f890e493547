"""Datakvalitet (issue 36): a synthetic BRÅ file for Farsta loaded from the command line, with
one month far above Farsta's history and March missing, is flagged on the page with the
batch that brought it, and the coverage matrix shows March as a gap; the same rule on the
upload preview is tests/loaders/test_survey_upload.py."""

from __future__ import annotations

from pathlib import Path

import pytest

from cli.loaders import main as loaders_main
from loaders import outliers
from service.session import open_store
from store import loading
from tests.app.plotly_data import table_with
from tests.app.test_roles_pages import PASSWORD, _signed_in
from tests.conftest import accounts_in, copy_store, release_store

HEADER = "Region;Brott;År;Period;Antal;/100 000 inv\n"
FARSTA = "Stadsdelsområde Farsta (Sthlm)"
PERSON = "3-7 kap. Brott mot person"


@pytest.fixture
def loaded(demo_db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, int]:
    db = copy_store(demo_db_path, tmp_path / "dashboard.sqlite")
    # January, February, April and May 2026; no March. April: 2 000 against Farsta's
    # 100–150 a month.
    rows = [("Jan", 131), ("Feb", 118), ("Apr", 2000), ("Maj", 140)]
    text = HEADER + "".join(
        f"{FARSTA};{PERSON};2026 prel.;{month};{n};{round(n / 0.62)};\n" for month, n in rows
    )
    path = tmp_path / "Databasfil2026_farsta.txt"
    path.write_bytes(text.encode("latin-1"))
    assert loaders_main(["load", "bra", str(path), "--db", str(db), "--user", "Anna"]) == 0
    release_store()
    con = open_store(db)
    try:
        batch = max(b.id for b in loading.batches(con))
    finally:
        con.close()
    release_store()
    monkeypatch.setenv("DASHBOARD_DB", str(db))
    # A command-line load ends demo mode: an administrator signs in (raw values are theirs).
    with accounts_in(db) as users:
        users.add("adam", "administratör", PASSWORD)
        users.add("lisa", "läsare", PASSWORD)
    release_store()
    return db, batch


@pytest.mark.slow
def test_the_outlier_and_the_missing_month_are_shown(loaded: tuple[Path, int]) -> None:
    _, batch = loaded
    reader = _signed_in("lisa")  # a reader has neither the page nor the raw values
    reader.switch_page("app_pages/data_status.py").run()
    assert any("visas för administratörer" in c.value for c in reader.caption)
    at = _signed_in("adam")
    at.switch_page("app_pages/data_status.py").run()
    assert any("nya värden** ligger långt" in m.value for m in at.markdown)
    at.switch_page("app_pages/quality.py").run()
    assert not at.exception, at.exception
    flags = table_with(at, "Avstånd")
    farsta = flags[(flags["Område"] == "Farsta") & (flags["Period"] == "apr 2026 prel.")]
    assert len(farsta) == 1, flags.head(10)
    row = farsta.iloc[0]
    assert (row["Mått"], row["Värde"], row["Sats"]) == (PERSON, "2\u00a0000", batch)
    assert row["Fil"] == "Databasfil2026_farsta.txt"
    # Its neighbours are ordinary months: not flagged.
    assert flags[(flags["Område"] == "Farsta") & (flags["Sats"] == batch)]["Period"].tolist() == [
        "apr 2026 prel."
    ]
    # The coverage of the series: March is a gap, the months loaded are preliminary.
    at.selectbox(key="kvalitet_kalla").set_value("bra_anmalda_brott").run()
    serie = at.selectbox(key="kvalitet_serie")
    assert "3-7 kap. Brott mot person (antal anmälda brott)" in serie.options
    serie.set_value("bra.brott_mot_person").run()
    matrix = table_with(at, "mar 2026")
    assert matrix.loc["Farsta", "mar 2026"] == "SAKNAS"
    assert matrix.loc["Farsta", "apr 2026"] == "prel."
    assert matrix.loc["Farsta", "feb 2026"] == "prel."


def test_the_rule() -> None:
    """The documented rule by hand: median 120, MAD 10 → scale max(14.8, √120 = 11.0, 6, 0.1)
    = 14.8; 2 000 is 127 of them away, 160 is 2.7."""
    assert outliers.scale(120, 10, count=True) == pytest.approx(14.826)
    assert outliers.far(2000, 120, 10, 24, count=True)
    assert not outliers.far(160, 120, 10, 24, count=True)
    assert not outliers.far(2000, 120, 10, 1, count=True)  # one earlier value is no history
    # A series that never moved (MAD 0) of small counts: 0 → 4 is ordinary, 0 → 6 is not.
    assert not outliers.far(4, 0, 0, 24, count=True)
    assert outliers.far(6, 0, 0, 24, count=True)


@pytest.mark.slow
def test_coverage_shows_values_over_marks_and_events_as_counted(
    demo_db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A value in force is shown though another batch (BRÅ's file with the 2024 region list)
    marks the cell as not published; a month without a police event is 0, not a gap; a
    district is "fanns ej" only outside its months (Järva from July 2023)."""
    from service import quality

    monkeypatch.setenv("DASHBOARD_DB", str(demo_db_path))
    bra = quality.coverage("bra.brott_mot_person")
    assert bra.loc["Farsta", "dec 2023"] == "prel." and bra.loc["Farsta", "jan 2022"] == "✓"
    assert bra.loc["Järva", "jan 2022"] == "fanns ej"
    events = quality.coverage("polisen.skottlossning")
    assert "SAKNAS" not in set(events.loc["Farsta"]) and "0" in set(events.loc["Farsta"])
