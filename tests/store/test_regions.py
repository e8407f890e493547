"""Every spelling of a region found in the real files resolves to the right code, and an
unknown name is refused with the closest known names."""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb
import pytest

from service.session import open_store
from store.regions import RegionResolver, UnknownRegionError, normalise_name
from tests.conftest import DEMO_BRA, FIXTURES, ROOT

SPELLINGS = FIXTURES / "spellings"


@pytest.fixture(scope="module")
def resolver() -> RegionResolver:
    con = open_store(":memory:")
    try:
        return RegionResolver.from_store(con)
    finally:
        con.close()


def _rows(name: str) -> list[dict[str, str]]:
    with (SPELLINGS / name).open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


# Every region label in BRÅ's exports (data/demo/bra), with the code it must get.
BRA_DISTRICT_LABELS = [
    ("Stadsdelsområde Bromma (Sthlm)", "80106"),
    ("Stadsdelsområde Enskede - Årsta - Vantör (Sthlm)", "80128"),
    ("Stadsdelsområde Farsta (Sthlm)", "80118"),
    ("Stadsdelsområde Hägersten-Älvsjö (Sthlm)", "80129"),
    ("Stadsdelsområde Hässelby - Vällingby (Sthlm)", "80104"),
    ("Stadsdelsområde Järva (Sthlm)", "80132"),
    ("Stadsdelsområde Kungsholmen (Sthlm)", "80108"),
    ("Stadsdelsområde Norra innerstaden (Sthlm)", "80131"),
    ("Stadsdelsområde Norrmalm (Sthlm)", "80109"),
    ("Stadsdelsområde Rinkeby-Kista (Sthlm)", "80125"),
    ("Stadsdelsområde Skarpnäck (Sthlm)", "80115"),
    ("Stadsdelsområde Skärholmen (Sthlm)", "80124"),
    ("Stadsdelsområde Spånga - Tensta (Sthlm)", "80103"),
    ("Stadsdelsområde Södermalm (Sthlm)", "80127"),
    ("Norrmalm stadsdel (upphörde 2024-01-01)", "80109"),
    ("Östermalm stadsdel (upphörde 2024-01-01)", "80110"),
    ("Rinkeby-Kista stadsdel (upphörde 2024-01-01)", "80125"),
    ("Spånga - Tensta stadsdel (upphörde 2024-01-01)", "80103"),
    ("Hägersten-Liljeholmen stadsdel (upphörde 2021-01-01)", "80190"),
    ("Älvsjö stadsdel (upphörde 2021-01-01)", "80191"),
    ("Kista stadsdel (upphörde 2007-01-01)", "80192"),
    ("Rinkeby stadsdel (upphörde 2007-01-01)", "80193"),
    ("Hägersten stadsdel (upphörde 2007-01-01)", "80194"),
    ("Liljeholmen stadsdel (upphörde 2007-01-01)", "80195"),
    ("Enskede - Årsta stadsdel (upphörde 2007-01-01)", "80196"),
    ("Vantör stadsdel (upphörde 2007-01-01)", "80197"),
    ("Katarina - Sofia stadsdel (upphörde 2007-01-01)", "80198"),
    ("Maria - Gamla stan stadsdel (upphörde 2007-01-01)", "80199"),
    ("Stockholm kommun", "0180"),
    ("Botkyrka kommun", "0127"),
    ("Upplands Väsby kommun", "0114"),
    ("Södertälje kommun", "0181"),
]

# Spellings staff and documents use, with and without designators, genitive -s, dashes.
HAND_SPELLINGS = [
    ("Stockholm", "0180"),
    ("Stockholms stad", "0180"),
    ("Hela staden", "0180"),
    ("stockholm kommun", "0180"),
    ("Spånga-Tensta SDO", "80103"),
    ("Spånga Tensta", "80103"),
    ("SPÅNGA-TENSTA", "80103"),
    ("Skarpnäcks stadsdelsnämnd", "80115"),
    ("Skarpnäck stadsdelsområde", "80115"),
    ("Enskede-Årsta-Vantörs stadsdelsförvaltning", "80128"),
    ("Enskede–Årsta–Vantör", "80128"),
    ("Hägersten–Älvsjö stadsdelsområde", "80129"),
    ("Hägersten-Liljeholmens stadsdelsnämnd", "80190"),
    ("Älvsjö SDN", "80191"),
    ("HÄSSELBY VÄLLINGBY", "80104"),
    ("Hässelby-Vällingby sdf", "80104"),
    ("Norra Innerstaden", "80131"),
    ("norra innerstadens stadsdelsförvaltning", "80131"),
    ("Järva stadsdelsområde", "80132"),
    ("Järvas stadsdelsnämnd", "80132"),
    ("Kungsholmens stadsdelsområde", "80108"),
    ("Rinkeby-Kista stadsdelsförvaltning", "80125"),
    ("Stadsdelsområde Östermalm", "80110"),
    ("Farsta\u00a0SDO", "80118"),
]


@pytest.mark.parametrize(("spelling", "code"), BRA_DISTRICT_LABELS + HAND_SPELLINGS)
def test_known_spellings_resolve(resolver: RegionResolver, spelling: str, code: str) -> None:
    assert resolver.code(spelling) == code


def test_every_region_label_in_the_bra_exports_resolves(resolver: RegionResolver) -> None:
    labels: set[str] = set()
    for path in DEMO_BRA.glob("*.txt"):
        for line in path.read_text(encoding="latin-1").splitlines()[1:]:
            if line.strip():
                labels.add(line.split(";")[0])
    table = dict(BRA_DISTRICT_LABELS)
    for label in sorted(labels):
        region = resolver.resolve(label).region
        if label in table:
            assert region.code == table[label], label
        else:
            assert region.kind in {"municipality", "city"}, label


def test_police_location_names_resolve_to_municipalities_and_counties(
    resolver: RegionResolver,
) -> None:
    rows = _rows("location_names_observed.csv")
    kinds = [resolver.resolve(row["location_name"]).region.kind for row in rows]
    assert len(rows) == 311
    assert kinds.count("county") == 21
    assert kinds.count("municipality") + kinds.count("city") == 290
    assert resolver.code("Stockholms län") == "01"
    assert resolver.code("Dals-ed") == "1438"


def test_kolada_municipality_list_resolves_to_its_own_codes(resolver: RegionResolver) -> None:
    path = ROOT / "data" / "reference" / "kolada_municipality_list_2023-03-28.csv"
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    municipalities = [r for r in rows if r["type"] == "K"]
    assert len(municipalities) == 290
    for row in municipalities:
        assert resolver.code(row["title"]) == row["id"], row["title"]
    assert resolver.code("Region Stockholm") == "01"
    assert resolver.code("Riket") == "00"
    assert resolver.code("Västra Götalandsregionen") == "14"


def test_stockholmsenkaten_area_codes(resolver: RegionResolver) -> None:
    rows = {int(r["value"]): r["label"] for r in _rows("stockholmsenkaten_2024_F3_area_codes.csv")}
    expected_districts = {
        101: "80132", 102: "80104", 103: "80106", 104: "80108", 105: "80131", 106: "80127",
        107: "80128", 108: "80115", 109: "80118", 110: "80129", 111: "80124",
    }  # fmt: skip
    for value, code in expected_districts.items():
        assert resolver.code(rows[value]) == code
    for value in range(1, 27):  # the municipalities of Stockholm county
        assert resolver.resolve(rows[value]).region.kind in {"municipality", "city"}
    assert resolver.code(rows[1]) == "0180"
    # Sub-areas, catch-alls and non-answers are not regions: refused, never guessed.
    for value in (27, 90, 99, 199, 201, 301, 311, 401, 999):
        with pytest.raises(UnknownRegionError):
            resolver.resolve(rows[value])


def test_population_tables(resolver: RegionResolver) -> None:
    rows = _rows("stockholm_sdo_population_2000_2011_prognos2021_statistikomstockholm.csv")
    for row in rows:
        if row["area_level"] == "stadsdelsområdesgrupp":
            with pytest.raises(UnknownRegionError):
                resolver.resolve(row["area"])
        else:
            region = resolver.resolve(row["area"]).region
            assert region.kind == ("city" if row["area"] == "Hela staden" else "district")
    assert resolver.code("Hägersten-Liljeholmen") == "80190"
    for row in _rows("population_stadsdelsomraden_2021_folkhalsokollen.csv"):
        assert resolver.code(row["omr_namn"]) == row["omr_kod"]


def test_county_geojson_names_and_codes(resolver: RegionResolver) -> None:
    for row in _rows("stockholms_lan_geojson_names.csv"):
        code = row["omr_kod"] if len(row["omr_kod"]) == 5 else row["omr_kod"].zfill(4)
        assert resolver.code(row["omr_namn"]) == code, row


def test_survey_geographies(resolver: RegionResolver) -> None:
    for name in ("ntu_2010_otrygghet_oro_regional.csv", "ntu_2009_utsatthet_2008_regional.csv"):
        for row in _rows(name):
            assert resolver.resolve(row["region"]).region.kind in {
                "country",
                "county",
                "municipality",
                "city",
            }
    geographies = {row["geography"] for row in _rows("stockholm_trygghet_reported_figures.csv")}
    known = {"Stockholms stad": "0180", "Rinkeby-Kista": "80125", "Spånga-Tensta": "80103",
             "Farsta": "80118", "Vaxholm": "0187"}  # fmt: skip
    for name in sorted(geographies):
        if name in known:
            assert resolver.code(name) == known[name]
        else:  # police areas and population subgroups are not in the register (yet)
            with pytest.raises(UnknownRegionError):
                resolver.resolve(name)


def test_unknown_name_is_refused_with_closest_names(resolver: RegionResolver) -> None:
    with pytest.raises(UnknownRegionError) as caught:
        resolver.resolve("Stadsdelsområde Norrmalmm (Sthlm)")
    assert caught.value.name == "Stadsdelsområde Norrmalmm (Sthlm)"
    assert caught.value.suggestions[0] == "Norrmalm"
    assert "Norrmalmm" in str(caught.value) and "Norrmalm" in str(caught.value)


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ("Stadsdelsområde Enskede - Årsta - Vantör (Sthlm)", "enskedeårstavantör"),
        ("Norrmalm stadsdel (upphörde 2024-01-01)", "norrmalm"),
        ("Stockholm kommun", "stockholm"),
        ("(Vårby)", "vårby"),
        ("  Hässelby\u00a0-\u00a0Vällingby  ", "hässelbyvällingby"),
    ],
)
def test_normalise_name(raw: str, key: str) -> None:
    assert normalise_name(raw) == key


def test_diacritics_are_kept(resolver: RegionResolver) -> None:
    assert resolver.code("Håbo") != resolver.code("Habo")


def test_no_alias_is_another_alias_plus_genitive_s(store: duckdb.DuckDBPyConnection) -> None:
    """The genitive fallback must never be able to turn one known name into another."""
    aliases = dict(store.execute("SELECT alias, code FROM region_alias").fetchall())
    clashes = [
        a for a in aliases if a.endswith("s") and aliases.get(a[:-1], aliases[a]) != aliases[a]
    ]
    assert clashes == []


def test_register_has_every_district_and_municipality(store: duckdb.DuckDBPyConnection) -> None:
    counts = dict(store.execute("SELECT kind, count(*) FROM region GROUP BY kind").fetchall())
    assert counts["municipality"] + counts["city"] == 290
    assert counts["county"] == 21
    today = store.execute(
        "SELECT name FROM region WHERE kind = 'district' AND valid_to IS NULL ORDER BY name"
    ).fetchall()
    assert [r[0] for r in today] == [
        "Bromma", "Enskede-Årsta-Vantör", "Farsta", "Hägersten-Älvsjö", "Hässelby-Vällingby",
        "Järva", "Kungsholmen", "Norra innerstaden", "Skarpnäck", "Skärholmen", "Södermalm",
    ]  # fmt: skip


def test_reference_files_exist() -> None:
    for name in ("regions.csv", "region_succession.csv", "region_aliases.csv", "SOURCE.md"):
        assert (Path(ROOT) / "data" / "reference" / name).is_file(), name


@pytest.mark.slow
def test_editing_the_register_is_picked_up_and_checked(tmp_path: Path) -> None:
    import shutil

    from loaders import bra_anmalda_brott as bra
    from loaders.reference import ReferenceDataError, sync

    reference = tmp_path / "reference"
    shutil.copytree(ROOT / "data" / "reference", reference)
    con = open_store(":memory:")
    bra.load(con, DEMO_BRA / "Databasfil2021.txt", loaded_by="t")

    aliases = reference / "region_aliases.csv"
    aliases.write_text(aliases.read_text(encoding="utf-8") + "Västerort-test,80104,\n", "utf-8")
    assert sync(con, reference) is True
    assert RegionResolver.from_store(con).code("Västerort-test") == "80104"
    assert sync(con, reference) is False  # unchanged files are not copied again

    clash = reference / "region_aliases.csv"
    clash.write_text(clash.read_text(encoding="utf-8") + "Bromma,80108,\n", "utf-8")
    with pytest.raises(ReferenceDataError, match=r"region_aliases.csv line \d+: 'Bromma'"):
        sync(con, reference)

    shutil.copy(ROOT / "data" / "reference" / "region_aliases.csv", clash)
    regions = reference / "regions.csv"
    kept = [line for line in regions.read_text("utf-8").splitlines() if "Rinkeby-Kista" not in line]
    regions.write_text("\n".join(kept) + "\n", "utf-8")
    gazetteer = reference / "gazetteer.csv"
    gazetteer.write_text(
        "\n".join(x for x in gazetteer.read_text("utf-8").splitlines() if "80125" not in x) + "\n",
        "utf-8",
    )
    successions = reference / "region_succession.csv"
    successions.write_text(
        "\n".join(x for x in successions.read_text("utf-8").splitlines() if "80125" not in x)
        + "\n",
        "utf-8",
    )
    with pytest.raises(ReferenceDataError, match="stored observations use: 80125"):
        sync(con, reference)
    # Nothing changed: the old register is still in force.
    assert RegionResolver.from_store(con).code("Rinkeby-Kista") == "80125"
    con.close()
