"""What drove a change: ``python -m indicators drivers`` on the demo data against a hand
calculation from BRÅ's own files, and the rules of the split (comparable periods, small
numbers, intervals, parts that add up) on small frames."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd
import pytest

from catalogue.model import Definition
from cli.indicators import main
from indicators import change_parts, drivers
from tests.conftest import ROOT

BRA = ROOT / "data" / "demo" / "bra"


def _bra(year: int, districts: tuple[str, ...], category: str) -> int:
    """A year's count of ``category`` for BRÅ's ``districts``, summed by hand from the
    monthly rows of BRÅ's file as the demo bundles it (the export repeats a parent
    category's rows once per child category: one figure per district and month)."""
    months: dict[tuple[str, str], int] = {}
    with (BRA / f"Databasfil{year}.txt").open(encoding="latin-1") as handle:
        for row in csv.reader(handle, delimiter=";"):
            if len(row) > 4 and row[0] in districts and row[1] == category:
                assert months.setdefault((row[0], row[3]), int(row[4])) == int(row[4])
    assert len(months) == 12 * len(districts)
    return sum(months.values())


JARVA = ("Stadsdelsområde Rinkeby-Kista (Sthlm)", "Stadsdelsområde Spånga - Tensta (Sthlm)")
BROMMA = ("Stadsdelsområde Bromma (Sthlm)",)


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[list[dict[str, str]], str]:
    assert main(["drivers", *args]) == 0
    captured = capsys.readouterr()
    return list(csv.DictReader(io.StringIO(captured.out))), captured.err


@pytest.mark.slow
def test_the_citys_change_in_crimes_against_persons_split_over_its_districts(
    demo_db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows, notes = _run(capsys, "brott_mot_person", "--from", "2022", "--to", "2023", "--db",
                       str(demo_db_path))  # fmt: skip
    assert list(rows[0]) == change_parts.COLUMNS
    assert rows[-1]["part"] == "total"
    by_name = {r["part_name"]: r for r in rows}
    person = "3-7 kap. Brott mot person"
    jarva = (_bra(2022, JARVA, person), _bra(2023, JARVA, person))
    assert jarva == (2859, 3438)
    row = by_name["Järva"]
    assert (row["from_value"], row["to_value"], row["change"]) == ("2859", "3438", "579")
    assert float(row["lower"]) < 579 < float(row["upper"]) and float(row["lower"]) > 0
    bromma = _bra(2023, BROMMA, person) - _bra(2022, BROMMA, person)
    assert by_name["Bromma"]["change"] == str(bromma) == "325"
    # The source has no figure for the whole city and two districts lack figures: the total
    # is the sum of the nine districts with figures, and says so.
    total = rows[-1]
    assert total["part_name"] == "Stockholms stad: summan av 9 av 11 stadsdelsområden"
    parts = [r for r in rows[:-1] if r["change"]]
    assert len(parts) == 9
    assert sum(int(r["change"]) for r in parts) == int(total["change"]) == 1873
    assert sum(int(r["from_value"]) for r in parts) == int(total["from_value"])
    assert by_name["Södermalm"]["change"] == "" and by_name["Södermalm"]["suppressed"] == "false"
    assert "Norra innerstaden och Södermalm saknar uppgifter" in notes


@pytest.mark.slow
def test_a_districts_change_split_over_crime_categories_counts_a_darav_line_once(
    demo_db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows, _ = _run(capsys, "brott_mot_person", "--from", "2022", "--to", "2023", "--region",
                   "Järva", "--db", str(demo_db_path))  # fmt: skip
    names = [r["part_name"] for r in rows]
    assert names == [
        "Anmälda brott mot familj (7 kap. BrB)",
        "Anmälda brott mot frihet och frid (4 kap. BrB)",
        "Anmälda brott mot liv och hälsa (3 kap. BrB)",
        "Anmälda sexualbrott (6 kap. BrB)",
        "Övriga",
        "Anmälda brott mot person",
    ]
    by_name = {r["part_name"]: r for r in rows}
    chapter3 = "3 kap. Brott mot liv och hälsa"
    assert by_name["Anmälda brott mot liv och hälsa (3 kap. BrB)"]["change"] == str(
        _bra(2023, JARVA, chapter3) - _bra(2022, JARVA, chapter3)
    )
    # 5 kap. (ärekränkning) has no measure of its own: it is the rest.
    honour = "5 kap. Ärekränkningsbrott"
    assert by_name["Övriga"]["to_value"] == str(_bra(2023, JARVA, honour))
    assert sum(int(r["change"]) for r in rows[:-1]) == int(rows[-1]["change"]) == 579


@pytest.mark.slow
def test_a_share_by_sex_is_each_groups_own_change(
    demo_db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows, notes = _run(capsys, "utsatt_brott_mot_person", "--from", "2020", "--to", "2023",
                       "--region", "Järva", "--by", "sex", "--db", str(demo_db_path))  # fmt: skip
    assert [r["part_name"] for r in rows] == ["Kvinnor", "Män", "Alla"]
    assert "do not add up" in notes
    for row in rows:
        assert float(row["lower"]) < float(row["change"]) < float(row["upper"])


@pytest.mark.slow
def test_refusals_say_why(demo_db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = ["--db", str(demo_db_path)]
    assert main(["drivers", "brott_mot_person", "--from", "2023", "--to", "2022", *db]) == 1
    assert "must be before" in capsys.readouterr().err
    assert main(["drivers", "brott_mot_person", "--from", "2010", "--to", "2023", *db]) == 1
    assert "has no values for 2010" in capsys.readouterr().err
    assert main(["drivers", "utsatt_brott_mot_person", "--from", "2020", "--to", "2023", *db]) == 1
    assert "a split over districts is for counts and rates" in capsys.readouterr().err
    # Police events of 2026 cover January–July: only the same months of 2025 compare.
    assert main(["drivers", "skjutningar", "--from", "2024", "--to", "2026", *db]) == 1
    assert "compare it with 2025 (the same months)" in capsys.readouterr().err


def _definition(kind: str = "count", **more: object) -> Definition:
    return Definition.model_validate({
        "id": "test", "title": "Test", "description": "A test indicator.", "areas": ["unga"],
        "source": "s", "type": kind, "measures": ["s.m"], "unit": "antal", "decimals": 0,
        "direction": "lower_is_better", "owner": "stad", **more,
    })  # fmt: skip


def _frame(values: dict[tuple[str, int], tuple[float | None, bool]], months: int = 12,
           **columns: dict) -> pd.DataFrame:  # fmt: skip
    rows = []
    for (code, year), (value, hidden) in values.items():
        rows.append({
            "region_code": code, "region_name": {"0180": "Stockholms stad"}.get(code, code),
            "region_kind": "municipality" if code == "0180" else "district", "year": year,
            "sex": "total", "age_group": "all", "value": value, "suppressed": hidden,
            "n_months": months if year == max(y for _, y in values) else 12, "first_month": 1,
            "last_month": months if year == max(y for _, y in values) else 12,
            "preliminary": False, "numerator": value, "population": None,
            "ytd_previous": None, "ytd_hidden": False, "respondents": None,
            "lower": None, "upper": None,
        })  # fmt: skip
    frame = pd.DataFrame(rows)
    for column, by_key in columns.items():
        frame[column] = [
            by_key.get((c, y)) for c, y in zip(frame["region_code"], frame["year"], strict=True)
        ]
    return frame


def test_a_single_hidden_district_under_a_shown_city_hides_the_next_smallest() -> None:
    frame = _frame({
        ("A", 2022): (40, False), ("A", 2023): (50, False),
        ("B", 2022): (None, True), ("B", 2023): (7, False),
        ("C", 2022): (12, False), ("C", 2023): (11, False),
        ("0180", 2022): (55, False), ("0180", 2023): (68, False),
    })  # fmt: skip
    split = drivers.by_region(_definition(), frame, 2022, 2023, "0180").frame()
    hidden = split.set_index("part")["suppressed"].to_dict()
    # B alone hidden under a shown city would be 55 − 40 − 12 = 3: C (the smallest) goes too.
    assert hidden == {"A": False, "B": True, "C": True, "total": False}
    assert split.set_index("part").loc["C", ["from_value", "change"]].isna().all()


def test_events_outside_every_district_are_a_part_so_the_parts_add_up() -> None:
    frame = _frame({
        ("A", 2022): (40, False), ("A", 2023): (50, False),
        ("B", 2022): (20, False), ("B", 2023): (18, False),
        ("0180", 2022): (63, False), ("0180", 2023): (70, False),
    })  # fmt: skip
    split = drivers.by_region(_definition(), frame, 2022, 2023, "0180").frame()
    rows = split.set_index("part")
    unplaced = rows.loc[change_parts.UNPLACED, ["from_value", "to_value", "change"]]
    assert unplaced.tolist() == [3, 2, -1]
    assert rows.loc[rows.index != "total", "change"].sum() == rows.loc["total", "change"] == 7


def test_no_change_between_zeros_still_has_an_interval() -> None:
    frame = _frame({("A", 2022): (0, False), ("A", 2023): (0, False),
                    ("0180", 2022): (0, False), ("0180", 2023): (0, False)})  # fmt: skip
    row = drivers.by_region(_definition(), frame, 2022, 2023, "0180").frame().iloc[0]
    assert row["change"] == 0
    assert row["lower"] == pytest.approx(-3.689, abs=1e-3)  # the exact upper limit of 0
    assert row["upper"] == pytest.approx(3.689, abs=1e-3)


def test_part_of_a_year_is_compared_with_the_same_months_only() -> None:
    frame = _frame(
        {("A", 2025): (30, False), ("A", 2026): (9, False),
         ("0180", 2025): (30, False), ("0180", 2026): (9, False)},
        months=7, ytd_previous={("A", 2026): 14.0, ("0180", 2026): 14.0},
    )  # fmt: skip
    split = drivers.by_region(_definition(), frame, 2025, 2026, "0180")
    assert (split.from_label, split.to_label) == ("jan–jul 2025", "jan–jul 2026")
    assert split.frame().set_index("part").loc["A", ["from_value", "to_value"]].tolist() == [14, 9]
    two_years = frame.assign(year=frame["year"].replace({2025: 2024}))
    with pytest.raises(change_parts.DriversError) as refused:
        drivers.by_region(_definition(), two_years, 2024, 2026, "0180")
    assert refused.value.swedish == (
        "2026 täcks bara jan–jul 2026: jämför med samma månader 2025, eller välj två hela år."
    )


def test_rate_contributions_add_up_to_the_citys_rate() -> None:
    frame = _frame(
        {("A", 2022): (10, False), ("A", 2023): (20, False),
         ("B", 2022): (30, False), ("B", 2023): (30, False),
         ("0180", 2022): (40, False), ("0180", 2023): (50, False)},
        population={("A", 2022): 1000, ("A", 2023): 1000, ("B", 2022): 3000,
                    ("B", 2023): 3000, ("0180", 2022): 4000, ("0180", 2023): 5000},
    )  # fmt: skip
    split = drivers.by_region(_definition("rate", per=1000, denominator="population"), frame,
                              2022, 2023, "0180").frame().set_index("part")  # fmt: skip
    # The city's rate: 40/4 000 → 50/5 000 per 1 000 = 10 → 10; A's share 2,5 → 4, B's 7,5 → 6.
    assert split.loc["A", ["from_value", "to_value"]].tolist() == [2.5, 4.0]
    assert split.loc["B", ["from_value", "to_value"]].tolist() == [7.5, 6.0]
    assert split.loc["total", "change"] == pytest.approx(0.0)
    assert split.loc[split.index != "total", "change"].sum() == pytest.approx(0.0)
