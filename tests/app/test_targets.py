"""Targets set in the app: a target for Järva is drawn on Järva's panel only and decides
Järva's target status for its year; one set later does not change an earlier year's
judgement; the role rules hold on the server."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from access.roles import Principal
from catalogue.catalogue import load_catalogue
from indicators.basis import Request
from indicators.compute import compute
from service import targets
from service.session import open_store
from service.writes import PermissionDenied, RuleBroken
from tests.conftest import ROOT, copy_store, release_store

ADMIN = Principal("Ada Admin", "administratör")
JARVA, BROMMA = "80132", "80106"


@pytest.fixture
def demo_copy(demo_db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = copy_store(demo_db_path, tmp_path / "demo.duckdb")
    monkeypatch.setenv("DASHBOARD_DB", str(path))
    return path


def _status(con, region: str, year: int) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    catalogue = load_catalogue()
    frame = compute(con, catalogue.definitions["brott_mot_person"], catalogue,
                    Request(boundaries="today"))  # fmt: skip
    row = frame[(frame["region_code"] == region) & (frame["year"] == year)
                & (frame["sex"] == "total")].iloc[0]  # fmt: skip
    return str(row["status"]), str(row["status_text"])


@pytest.mark.slow
def test_a_target_for_jarva_decides_its_year_and_a_later_one_changes_nothing_before(
    demo_copy: Path,
) -> None:
    con = open_store(demo_copy)
    try:
        assert _status(con, JARVA, 2023)[0] == "deterioration"  # 2 859 → 3 438, no target
        bromma_before = _status(con, BROMMA, 2023)
        # Set in 2023 (the clock of the test), in force from 1 January 2023: at most 3 000.
        targets.add(con, ADMIN, indicator="brott_mot_person", scope=JARVA, target_year=2023,
                    value=3000, source="Lokal samverkansöverenskommelse Järva",
                    applies_from=date(2023, 1, 1), today=date(2023, 6, 1))  # fmt: skip
        code, text = _status(con, JARVA, 2023)
        assert code == "wrong_direction"
        assert "Målet för 2023 är högst 3\u00a0000." in text
        assert _status(con, BROMMA, 2023) == bromma_before  # Järva's target is not Bromma's
        # A year later a laxer target (at most 4 000, met by 3 438) from 1 January 2024:
        # 2023 keeps the judgement it had.
        targets.add(con, ADMIN, indicator="brott_mot_person", scope=JARVA, target_year=2024,
                    value=4000, source="Reviderad överenskommelse",
                    applies_from=date(2024, 1, 1), today=date(2024, 2, 1))  # fmt: skip
        assert _status(con, JARVA, 2023)[0] == "wrong_direction"
        with pytest.raises(RuleBroken, match="tidigast 1 januari 2026"):
            targets.add(con, ADMIN, indicator="brott_mot_person", scope=JARVA, target_year=2026,
                        value=1, source="Efterhandsmål", applies_from=date(2023, 1, 1),
                        today=date(2026, 12, 3))  # fmt: skip
        bromma = Principal("Bo Berg", "rapportör", (BROMMA,))
        with pytest.raises(PermissionDenied, match="får bara ändra uppgifter för Bromma"):
            targets.add(con, bromma, indicator="brott_mot_person", scope=JARVA,
                        target_year=2027, value=3000, source="Bromma vill",
                        applies_from=date(2026, 12, 3), today=date(2026, 12, 3))  # fmt: skip
    finally:
        con.close()
    release_store()

    at = AppTest.from_file(str(ROOT / "main.py"), default_timeout=120)
    at.query_params["indikator"] = "Anmälda brott mot person"
    at.run()
    at.switch_page("app_pages/indicator.py").run()
    assert not at.exception, at.exception
    spec = next(
        json.loads(e.proto.spec) for e in at.get("plotly_chart") if "multiples" in e.proto.id
    )
    # Each target a mark at the year it applies to, in Järva's panel only, once in the legend
    # (it was a line across every year, with no legend entry).
    marks = [t for t in spec["data"] if str(t.get("name", "")).startswith("Mål")]
    jarva = next(t for t in spec["data"] if t.get("meta") == "Järva")
    assert sorted((m["x"][0], m["y"][0]) for m in marks) == [(2023, 3000), (2024, 4000)]
    assert {m["yaxis"] for m in marks} == {jarva["yaxis"]}
    assert [m.get("showlegend") for m in marks] == [True, False]
    assert marks[0]["name"] == "Mål (för sitt år)"

    at.switch_page("app_pages/targets.py").run()
    assert not at.exception, at.exception
    table = at.dataframe[0].value
    table = table[table["Indikator"] == "Anmälda brott mot person"]  # the demo has others
    assert table["Gäller"].tolist() == ["Järva", "Järva"]
    assert table.iloc[0]["Mål"] == "högst 4\u00a0000 år 2024"
    assert table.iloc[0]["Gäller från"] == "1 januari 2024"
    # The log names the indicator and the district (it stores "brott_mot_person 80132").
    at.switch_page("app_pages/audit.py").run()
    log = next(d.value for d in at.dataframe if "Detaljer" in d.value.columns)
    details = log[log["Vad"] == "mål"]["Detaljer"].tolist()
    assert any(
        d.endswith(": Anmälda brott mot person Järva 2023 = 3000.0 från 2023-01-01")
        for d in details
    ), details
