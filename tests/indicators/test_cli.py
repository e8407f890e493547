"""``python -m indicators list`` and ``values`` as a user runs them."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from cli.indicators import main


def _csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


@pytest.mark.slow
def test_values_for_rinkeby_kista(demo_db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["values", "brott_mot_person", "--region", "Rinkeby-Kista", "--db",
                 str(demo_db_path)])  # fmt: skip
    out = capsys.readouterr().out
    assert code == 0
    assert out.splitlines()[0] == (
        "indicator,region_code,region_name,year,sex,age_group,value,lower,upper,respondents,"
        "suppressed,preliminary,status,period,missing_reason,compared_with,reference_period,"
        "reference_value,change,change_test"
    )
    rows = {r["year"]: r for r in _csv(out)}
    assert rows["2021"]["value"] == "2049" and rows["2022"]["value"] == "1869"
    assert rows["2023"]["preliminary"] == "true" and rows["2021"]["preliminary"] == "false"
    assert rows["2021"]["lower"] == "1961.23" and rows["2021"]["upper"] == "2139.68"
    # 2022 against the baseline 2021, named, with the change it tested.
    assert (rows["2022"]["compared_with"], rows["2022"]["reference_value"]) == (
        "sedan basåret 2021", "2049",
    )  # fmt: skip
    assert rows["2022"]["change"] == str(1869 - 2049)
    assert rows["2022"]["change_test"] == "säkerställd förbättring"


@pytest.mark.slow
def test_values_on_current_boundaries_roll_up_into_jarva(
    demo_db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["values", "brott_mot_person", "--region", "Rinkeby-Kista", "--boundaries", "current",
          "--db", str(demo_db_path)])  # fmt: skip
    rows = {r["year"]: r for r in _csv(capsys.readouterr().out)}
    assert rows["2021"]["region_name"] == "Järva"
    assert rows["2021"]["value"] == str(2049 + 1196)  # with Spånga-Tensta


@pytest.mark.slow
def test_unknown_region_and_indicator(
    demo_db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["values", "brott_mot_person", "--region", "Vasastan", "--db",
                 str(demo_db_path)]) == 1  # fmt: skip
    assert "Unknown region name 'Vasastan'" in capsys.readouterr().err
    assert main(["values", "brottt", "--db", str(demo_db_path)]) == 1
    assert "unknown or disabled indicator 'brottt'" in capsys.readouterr().err


def test_list_as_csv(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["list", "--format", "csv"]) == 0
    rows = _csv(capsys.readouterr().out)
    assert list(rows[0]) == ["id", "title", "area", "source", "type"]
    by_id = {r["id"]: r for r in rows}
    assert by_id["skjutningar"] == {
        "id": "skjutningar", "title": "Skjutningar", "area": "systemhot",
        "source": "polisen_handelser", "type": "count",
    }  # fmt: skip
    assert len(rows) == 23


@pytest.mark.slow
def test_shootings_for_stockholm_agree_with_the_raw_json(
    demo_db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import json
    from collections import Counter

    from tests.conftest import ROOT

    events: dict[int, dict] = {}
    for name in ("events_stockholm_2022_2026.json", "events_api_snapshot.json"):
        path = ROOT / "data" / "demo" / "polisen" / name
        events.update({e["id"]: e for e in json.loads(path.read_text(encoding="utf-8"))})
    # The archive holds shootings from their first event (27 March 2023) to its end (22 August
    # 2026): whole months April 2023 – July 2026 count; published, so shown as they are.
    times = sorted(e["datetime"][:19] for e in events.values())
    assert times[-1][:10] == "2026-08-22"
    first = min(e["datetime"][:10] for e in events.values() if e["type"] == "Skottlossning")
    assert first == "2023-03-27"
    by_hand = Counter(
        e["datetime"][:4]
        for e in events.values()
        if e["type"] == "Skottlossning"
        and e["name"].split(",")[-1].strip() == "Stockholm"
        and "2023-04" <= e["datetime"][:7] <= "2026-07"
    )
    by_hand.update({year: 0 for year in ("2023", "2024", "2025", "2026")})
    assert main(["values", "skjutningar", "--region", "Stockholm", "--db", str(demo_db_path)]) == 0
    rows = {r["year"]: r for r in _csv(capsys.readouterr().out)}
    assert set(rows) == set(by_hand)  # no 2022: not covered, never 0
    assert rows["2023"]["period"] == "apr–dec 2023"
    for year, count in by_hand.items():
        assert rows[year]["value"] == str(count) and rows[year]["suppressed"] == "false"


@pytest.mark.slow
def test_rates_say_which_population_year_they_use(
    demo_db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["values", "brott_mot_person_per_1000", "--region", "Bromma", "--db",
          str(demo_db_path)])  # fmt: skip
    captured = capsys.readouterr()
    rows = {r["year"]: r for r in _csv(captured.out)}
    assert float(rows["2021"]["value"]) == pytest.approx(1551 / 81185 * 1000, abs=0.01)
    assert "note: Bromma 2021 uses the population of 2020" in captured.err
    assert rows["2023"]["value"] == ""  # 2020 is three years back: no rate


@pytest.mark.slow
def test_values_name_the_period_and_why_a_value_is_missing(
    demo_db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["values", "mord_drap", "--region", "Stockholm", "--db", str(demo_db_path)]) == 0
    rows = {r["year"]: r for r in _csv(capsys.readouterr().out)}
    # Murders are covered from the first one the archive holds, 19 October 2022.
    assert (rows["2022"]["period"], rows["2023"]["period"], rows["2026"]["period"]) == (
        "nov–dec 2022",
        "2023",
        "jan–jul 2026",
    )
    assert rows["2023"]["status"] == "insufficient_data"  # not compared with nov–dec 2022
    assert rows["2023"]["change_test"] == "ingen jämförelse: 2022 täcks bara från 19 okt"
    main(["values", "brott_mot_person_per_1000", "--region", "Bromma", "--db",
          str(demo_db_path)])  # fmt: skip
    rates = {r["year"]: r for r in _csv(capsys.readouterr().out)}
    assert (rates["2023"]["value"], rates["2023"]["missing_reason"]) == ("", "no_population")
    assert rates["2021"]["missing_reason"] == ""
