"""The follow-up rules, applied by the service itself (no page): a judgement against the
indicators needs a justification, copying to next year never duplicates, indicator-level
assessments and comments keep their indicator, a mapping is saved with who and why, and every
field of an action can be changed."""

from __future__ import annotations

from datetime import date

import duckdb
import pytest

from access.roles import PermissionDenied, Principal
from loaders.followup_examples import load as load_examples
from service import followup, readmodel, session
from service.writes import RuleBroken, demo_principal
from store import audit
from store import followup as stored
from tests.indicators.builders import add_batch

CITY = Principal("cecilia", "rapportör")
READER = Principal("lisa", "läsare")
BROMMA = "80106"


@pytest.fixture
def con(store: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    load_examples(store)
    return store


def _bromma_rises(con: duckdb.DuckDBPyConnection) -> None:
    """Reported crimes against persons in Bromma 1 000 → 1 500: a significant deterioration."""
    add_batch(
        con,
        [
            {"measure": "bra.brott_mot_person", "region_code": BROMMA, "year": y, "month": 1,
             "value": v}
            for y, v in ((2022, 1000), (2023, 1500))
        ],
        source="bra_anmalda_brott",
    )  # fmt: skip


@pytest.mark.slow
def test_a_judgement_against_the_indicators_needs_a_justification(
    con: duckdb.DuckDBPyConnection,
) -> None:
    _bromma_rises(con)
    judged = {"area": "brottsoffer", "region_code": BROMMA, "year": 2023}
    assert followup.statuses(con, "brottsoffer", BROMMA, 2023) == ["deterioration"]
    with pytest.raises(RuleBroken, match="går emot vad indikatorerna visar"):
        followup.assess(con, CITY, **judged, judgement="uppfyllt helt")
    with pytest.raises(RuleBroken, match="minst 10 tecken"):
        followup.assess(con, CITY, **judged, judgement="uppfyllt helt", justification="Nej")
    assert stored.assessments(con, 2023).query("region_code == @BROMMA").empty
    # The same judgement of one indicator is checked against that indicator alone.
    with pytest.raises(RuleBroken, match="går emot"):
        followup.assess(
            con, CITY, **judged, judgement="uppfyllt helt", indicator="brott_mot_person"
        )
    shown = followup.assess(
        con, CITY, **judged, judgement="uppfyllt helt", justification="Lokala mål nåddes ändå."
    )
    assert shown == "försämring"
    followup.assess(con, CITY, **judged, judgement="delvis")  # agrees: no justification needed
    saved = stored.assessments(con, 2023).query("region_code == @BROMMA")
    assert saved[["judgement", "calculated_status", "assessed_by"]].values.tolist() == [
        ["delvis", "försämring", "cecilia"]
    ]


def test_indicator_level_assessments_and_comments_keep_their_indicator(
    con: duckdb.DuckDBPyConnection,
) -> None:
    where = {"area": "platser", "region_code": "80132", "year": 2025}
    followup.assess(con, CITY, **where, judgement="delvis", indicator="otrygg_ute_kvall")
    followup.comment(con, CITY, **where, text="Mörka stråk i Tensta", indicator="otrygg_ute_kvall")
    followup.assess(con, CITY, **where, judgement="ej uppfyllt", justification="")
    judged = stored.assessments(con, 2025).query("region_code == '80132'")
    assert sorted(judged["indicator"].fillna("(området)")) == ["(området)", "otrygg_ute_kvall"]
    said = stored.comments(con, "80132", 2025)
    assert said[["indicator", "text"]].values.tolist() == [
        ["otrygg_ute_kvall", "Mörka stråk i Tensta"]
    ]
    with pytest.raises(RuleBroken, match="hör inte till området"):
        followup.comment(con, CITY, **where, text="x", indicator="skjutningar")


def test_copying_to_next_year_twice_leaves_one_copy(con: duckdb.DuckDBPyConnection) -> None:
    candidates = followup.copy_candidates(con, 2027)
    assert sorted(candidates["title"]) == [
        "Avhopparverksamheten utökas",
        "Samordnad platssamverkan på Sergels torg",
    ]
    ids = list(candidates["id"])
    copies = followup.copy_actions(con, CITY, ids, 2027)
    assert len(copies) == 2
    with pytest.raises(RuleBroken, match=r"redan kopierad till 2027 \(som åtgärd"):
        followup.copy_actions(con, CITY, ids, 2027)
    # The copies themselves run in 2027: copying them to 2027 is refused too.
    with pytest.raises(RuleBroken, match="gäller redan 2027"):
        followup.copy_actions(con, CITY, copies, 2027)
    assert followup.copy_candidates(con, 2027).empty
    register = stored.actions(con)
    assert len(register) == 7
    assert sorted(register["copied_from"].dropna().astype(int)) == sorted(ids)


def test_every_field_of_an_action_can_be_changed(con: duckdb.DuckDBPyConnection) -> None:
    changes = {
        "title": "Trygghetsvandringar i Husby",
        "description": "Kvällsvandringar med boende",
        "area": "unga",
        "region_code": "80106",
        "owner": "polis",
        "responsible_unit": "Lokalpolisområde Rinkeby",
        "status": "pågående",
        "start_date": date(2024, 2, 1),
        "end_date": date(2024, 12, 31),
        "expected_effect": "Tryggare kvällar",
        "indicators": ["otrygg_ute_kvall", "trygghetsvandringar"],
    }
    changed = followup.change_action(con, CITY, 1, changes, note="Flyttad till Bromma")
    assert sorted(changed) == sorted(changes)
    after = stored.action(con, 1)
    assert after["indicators"] == "otrygg_ute_kvall,trygghetsvandringar"
    assert str(after["start_date"])[:10] == "2024-02-01" and str(after["end_date"])[:10] == (
        "2024-12-31"
    )
    for field in ("title", "description", "area", "region_code", "owner", "status"):
        assert after[field] == changes[field]
    assert followup.change_action(con, CITY, 1, changes) == []  # nothing new: nothing changed
    with pytest.raises(RuleBroken, match="slutdatum ligger före startdatum"):
        followup.change_action(con, CITY, 1, {"end_date": date(2023, 1, 1)})
    with pytest.raises(RuleBroken, match="okända indikatorer: finns_inte"):
        followup.change_action(con, CITY, 1, {"indicators": "finns_inte"})


def test_a_mapping_is_saved_by_role_and_logged(con: duckdb.DuckDBPyConnection) -> None:
    with pytest.raises(PermissionDenied, match="rollen läsare"):
        followup.save_mapping(con, READER, "Skolenkäten", "{}")
    followup.save_mapping(con, CITY, "  Skolenkäten  2025 ", '{"year": 2025}')
    assert followup.mappings(con) == {"Skolenkäten 2025": '{"year": 2025}'}
    newest = audit.entries(con).iloc[0]
    assert (newest["who"], newest["what"], newest["detail"]) == (
        "cecilia",
        "koppling sparad",
        "Skolenkäten 2025",
    )


def test_every_write_needs_a_principal(con: duckdb.DuckDBPyConnection) -> None:
    with pytest.raises(TypeError, match="every write needs a principal"):
        followup.comment(con, None, area="platser", region_code="0180", year=2025, text="x")  # type: ignore[arg-type]
    with pytest.raises(RuleBroken, match="Skriv ditt namn"):
        demo_principal("   ")
    assert demo_principal("  Anna   Berg ") == Principal("Anna Berg", "administratör", demo=True)


@pytest.mark.slow
def test_a_saved_comment_is_in_the_next_read_without_a_reload(
    tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The read model keys follow-up views on the follow-up version."""
    from service import overview as views
    from tests.conftest import release_store

    path = tmp_path / "rm.duckdb"
    monkeypatch.setenv("DASHBOARD_DB", str(path))
    con = session.open_store(path)
    add_batch(
        con, [{"measure": "bra.brott_mot_person", "region_code": BROMMA, "year": 2023, "value": 5}]
    )  # fmt: skip  (a batch: the store is not empty, no demo fill)
    con.close()
    assert views.comments(BROMMA).empty
    followup.comment(
        session.write_cursor(), CITY, area="platser", region_code=BROMMA, year=2025, text="Ny text"
    )
    assert views.comments(BROMMA)["text"].tolist() == ["Ny text"]
    assert readmodel.DEPENDENCIES == ("data", "followup", "catalogue")
    assert views.comments.depends == ("followup",)  # type: ignore[attr-defined]
    release_store()


def test_only_the_owner_or_an_administrator_replaces_a_mapping(
    con: duckdb.DuckDBPyConnection,
) -> None:
    other = Principal("jonas", "rapportör")
    admin = Principal("adam", "administratör")
    followup.save_mapping(con, CITY, "Skolenkäten", '{"year": 2024}')
    with pytest.raises(RuleBroken, match="är sparad av cecilia"):
        followup.save_mapping(con, other, "Skolenkäten", '{"year": 1999}')
    assert followup.mappings(con) == {"Skolenkäten": '{"year": 2024}'}
    followup.save_mapping(con, CITY, "Skolenkäten", '{"year": 2025}')  # the owner may
    followup.save_mapping(con, admin, "Skolenkäten", '{"year": 2026}')  # and an administrator
    assert followup.mappings(con) == {"Skolenkäten": '{"year": 2026}'}
    newest = audit.entries(con).iloc[0]
    assert (newest["who"], newest["detail"]) == ("adam", "Skolenkäten (ersatte cecilias)")
