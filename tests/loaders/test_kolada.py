"""Kolada values from the API v3 JSON shape and the flattened CSV, and the KPI metadata."""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from loaders import kolada
from loaders.batch import LoadError
from store import loading, queries
from tests.conftest import FIXTURES, PROBLEMS, ROOT

DEMO = ROOT / "data" / "demo" / "kolada"


def _value(con: duckdb.DuckDBPyConnection, kpi: str, code: str, year: int) -> float:
    row = con.execute(
        "SELECT value FROM observation_current WHERE measure = $m AND region_code = $c "
        "AND year = $y AND sex = 'total'",
        {"m": kolada.measure_id(kpi), "c": code, "y": year},
    ).fetchone()
    assert row is not None
    return float(row[0])


def test_flattened_csv(store: duckdb.DuckDBPyConnection) -> None:
    report = kolada.load(store, DEMO / "kolada_values_U07417_U07452_all_kommuner_2010_2023.csv",
                         loaded_by="t")  # fmt: skip
    assert report.rows == 8120 - 242  # 242 values have status Missing
    assert len(report.regions) == 290
    assert _value(store, "U07417", "0180", 2023) == pytest.approx(4454.25064)
    assert _value(store, "U07452", "0180", 2023) == pytest.approx(8920, abs=1)


def test_api_v3_pages(store: duckdb.DuckDBPyConnection) -> None:
    one = kolada.load(store, FIXTURES / "kolada" / "kolada_v3_page1.json", loaded_by="t")
    assert "there are more pages" in one.summary()
    both = kolada.load(store, FIXTURES / "kolada" / "kolada_v3_pages.json", loaded_by="t")
    assert both.rows == 12
    assert _value(store, "U07417", "1480", 2022) > 0


@pytest.mark.slow
def test_metadata_is_kept_on_the_measures(store: duckdb.DuckDBPyConnection) -> None:
    kolada.load(store, DEMO / "kolada_values_U07417_U07452_all_kommuner_2010_2023.csv",
                loaded_by="t")  # fmt: skip
    kolada.load(store, DEMO / "kolada_kpi_metadata_crime_safety_subset_2023-03-28.csv",
                loaded_by="t")  # fmt: skip
    measures = queries.measures(store, "kolada").set_index("id")
    assert measures.loc["kolada.u07417", "label"] == (
        "Anmälda stöld- och tillgreppsbrott, antal/1000 inv"
    )
    assert str(measures.loc["kolada.u07417", "description"]).startswith("Uppgifterna har")


def test_unknown_municipality_loads_nothing(store: duckdb.DuckDBPyConnection) -> None:
    with pytest.raises(LoadError) as caught:
        kolada.load(store, PROBLEMS / "kolada_unknown_municipality.json", loaded_by="t")
    assert "page 1, value 3: municipality '9999' is not in the register" in str(caught.value)
    assert loading.batches(store) == []


def test_a_value_kolada_marks_missing_says_so(store: duckdb.DuckDBPyConnection) -> None:
    """Kolada's own code for a missing value: not a number (never 0), and the indicator says
    the source has none for that municipality and year."""
    from catalogue.catalogue import load_catalogue
    from indicators.basis import Request
    from indicators.compute import compute

    kolada.load(store, DEMO / "kolada_values_U07417_U07452_all_kommuner_2010_2023.csv",
                loaded_by="t")  # fmt: skip
    gaps = store.execute(
        "SELECT count(*) FROM source_gap WHERE measure = 'kolada.u07452'"
    ).fetchone()
    assert gaps is not None and gaps[0] > 0
    missing = store.execute(
        "SELECT region_code, year FROM source_gap WHERE measure = 'kolada.u07452' LIMIT 1"
    ).fetchone()
    assert missing is not None
    code, year = str(missing[0]), int(missing[1])
    catalogue = load_catalogue()
    definition = catalogue.definitions["skadegorelse_kommunjamforelse"].model_copy(
        update={"comparison": [code]}
    )
    frame = compute(store, definition, catalogue, Request(region_codes=(code,), with_missing=True))
    row = frame[(frame["region_code"] == code) & (frame["year"] == year)].iloc[0]
    assert pd.isna(row["value"]) and row["missing_reason"] == "not_in_source"
