"""The shipped catalogue is valid and complete; broken definitions are refused with their
file and line, and only they are disabled."""

from __future__ import annotations

import pytest

from catalogue.catalogue import load_catalogue
from tests import cli
from tests.conftest import PROBLEMS

BROKEN = PROBLEMS / "indicators"

REQUIRED = {
    "brott_mot_person": ("brottsoffer", "count", "bra_anmalda_brott"),
    "misshandel": ("brottsoffer", "count", "bra_anmalda_brott"),
    "otrygg_ute_kvall": ("platser", "share", "stad_trygghetsmatning"),
    "skjutningar": ("systemhot", "count", "polisen_handelser"),
    "explosioner": ("systemhot", "count", "polisen_handelser"),
}


def test_shipped_catalogue_is_valid() -> None:
    catalogue = load_catalogue()
    assert [str(p) for p in catalogue.problems] == []
    assert catalogue.disabled == {}


def test_every_2024_area_has_three_or_more_indicators() -> None:
    catalogue = load_catalogue()
    for area, _ in catalogue.areas():
        assert len(catalogue.indicators_for(area)) >= 3, area


@pytest.mark.parametrize(("indicator", "expected"), sorted(REQUIRED.items()))
def test_required_indicators(indicator: str, expected: tuple[str, str, str]) -> None:
    definition = load_catalogue().definitions[indicator]
    assert (definition.areas[0], definition.type, definition.source) == expected


def test_survey_indicators_break_down_by_sex_and_victims_carry_the_caveat() -> None:
    catalogue = load_catalogue()
    for definition in catalogue.definitions.values():
        if definition.type in {"share", "index", "mean"}:
            assert "sex" in definition.breakdowns, definition.id
    victims = [catalogue.definitions[i] for i in catalogue.indicators_for("brottsoffer")]
    assert {d.type for d in victims} >= {"count", "share"}  # reported crime beside exposure
    assert all(any("Mörkertal" in c or "mörkertal" in c for c in d.caveats) for d in victims
               if d.source != "aktivitetsdata")  # fmt: skip
    assert any("barn" in d.title.casefold() for d in victims)  # children as victims


def test_2019_areas_follow_the_crosswalk() -> None:
    catalogue = load_catalogue()
    assert catalogue.successors("skolan_som_brottsplats") == ["unga"]
    assert catalogue.successors("valdsbejakande_extremism") == ["systemhot"]
    assert catalogue.successors("otillaten_paverkan") == ["systemhot"]
    assert catalogue.successors("avhopparverksamhet") == ["kriminella_miljoer"]
    assert catalogue.successors("platser_utsatta_omraden") == ["platser"]
    assert catalogue.successors("brottsoffer_2019") == ["brottsoffer"]
    for line_work in ("ordningsvakter", "kameraovervakning", "otillatna_bosattningar"):
        assert catalogue.successors(line_work) == []
        assert catalogue.indicators_for(line_work, "2019") == []
    assert len(catalogue.agreements["2019"].areas) == 10
    assert len(catalogue.agreements["2024"].areas) == 5
    assert "skjutningar" in catalogue.indicators_for("valdsbejakande_extremism", "2019")


EXPECTED_PROBLEMS = [
    "definitions/brottsoffer/not_yaml.yaml:4: not valid YAML",
    "definitions/brottsoffer/rate_without_denominator.yaml:6: a rate needs 'denominator: "
    "population'",
    "definitions/brottsoffer/typo_in_field.yaml:10: direktion: is not a known field",
    "definitions/brottsoffer/typo_in_field.yaml:1: direction: Field required",
    "definitions/brottsoffer/undeclared_measure.yaml:9: measure 'bra.ran' is not in measures.yaml",
    "definitions/brottsoffer/unknown_type.yaml:6: type: Input should be 'count', 'rate'",
    "definitions/brottsoffer/wrong_name.yaml:1: id 'another_name' differs from the file name",
    "definitions/platser/bad_target.yaml:16: scope 'Vasastan' is not 'city', 'all' or a known "
    "district",
    "definitions/platser/bad_target.yaml:21: the target for 2025 cannot apply only from 2026-03-01",
    "definitions/platser/survey_without_sex.yaml:11: a survey indicator must support the "
    "breakdown by sex",
    "definitions/platser/unknown_area.yaml:4: area 'trygghet' is not an area of the 2024 agreement",
    "definitions/unga/wrong_measure_kind.yaml:7: measure stockholmsenkaten.burit_vapen is a "
    "share; type count needs a count",
]


def test_check_fails_on_each_broken_definition_naming_file_and_line() -> None:
    result = cli.run("indicators", "check", "--root", str(BROKEN))
    assert result.returncode == 1
    for expected in EXPECTED_PROBLEMS:
        assert f"error: {expected}" in result.stderr, expected
    assert "10 definition file(s) disabled" in result.stderr


def test_a_broken_file_disables_only_itself() -> None:
    catalogue = load_catalogue(BROKEN)
    assert sorted(catalogue.definitions) == ["misshandel"]
    assert len(catalogue.disabled) == 10


@pytest.mark.slow
def test_check_passes_on_the_shipped_catalogue() -> None:
    result = cli.process("indicators", "check")  # the command's smoke test as a process
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("OK: 23 indicators")


def test_protected_definitions_over_overlapping_measures_are_refused(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A count of A+B and one of A alone, from a protected source, would be protected apart:
    B = (A+B) − A could then give a hidden figure away. The second is disabled, with why."""
    import shutil

    from catalogue.catalogue import CATALOGUE_DIR

    root = tmp_path / "catalogue"
    shutil.copytree(CATALOGUE_DIR, root, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    shipped = (root / "definitions" / "brottsoffer" / "orosanmalningar_barn_vald.yaml").read_text(
        encoding="utf-8"
    )
    both = shipped.replace("id: orosanmalningar_barn_vald", "id: zz_orosanmalningar_och_avhoppare")
    both = both.replace(
        "- aktivitet.orosanmalningar_barn",
        "- aktivitet.orosanmalningar_barn\n- aktivitet.avhoppare_stod",
    )
    assert both != shipped
    (root / "definitions" / "brottsoffer" / "zz_orosanmalningar_och_avhoppare.yaml").write_text(
        both, encoding="utf-8"
    )
    catalogue = load_catalogue(root)
    assert "zz_orosanmalningar_och_avhoppare" not in catalogue.definitions
    assert "orosanmalningar_barn_vald" in catalogue.definitions
    (problem,) = catalogue.disabled["definitions/brottsoffer/zz_orosanmalningar_och_avhoppare.yaml"]
    assert "overlap" in str(problem) and "protected" in str(problem)
