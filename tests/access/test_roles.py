"""Each role can do exactly what it should, checked in the write functions themselves."""

from __future__ import annotations

import duckdb
import pytest

from access.roles import PermissionDenied, Principal, allowed, require
from catalogue.catalogue import load_catalogue
from loaders import survey
from service import uploads
from store import audit, loading
from tests.conftest import FIXTURES

READER = Principal("lisa", "läsare")
JARVA = Principal("jonas", "rapportör", ("80132",))
CITY = Principal("cecilia", "rapportör")
ADMIN = Principal("adam", "administratör")
UPLOAD = FIXTURES / "uploads" / "enkat_openpyxl.xlsx"  # Bromma, Järva and Farsta rows


@pytest.mark.parametrize(
    ("who", "action", "regions", "owner", "expected"),
    [
        (READER, "view", (), None, True),
        (READER, "upload", ("80132",), None, False),
        (JARVA, "upload", ("80132",), None, True),
        (JARVA, "upload", ("80132", "80106"), None, False),
        (JARVA, "assessments", ("80106",), None, False),
        (JARVA, "undo", (), "jonas", True),
        (JARVA, "undo", (), "anna", False),
        (JARVA, "audit", (), None, False),
        (CITY, "actions", ("0180", "80106"), None, True),
        (ADMIN, "undo", (), "anna", True),
        (ADMIN, "audit", (), None, True),
    ],
)
def test_rules(
    who: Principal, action: str, regions: tuple[str, ...], owner: str | None, expected: bool
) -> None:
    assert allowed(who, action, regions, owner) is expected


def test_a_district_rapportor_cannot_write_another_district(
    store: duckdb.DuckDBPyConnection,
) -> None:
    catalogue = load_catalogue()
    prepared = survey.prepare(store, UPLOAD, catalogue)
    with pytest.raises(
        PermissionDenied, match="jonas får bara ändra uppgifter för Järva; inte för Bromma, Farsta"
    ):
        uploads.commit(store, JARVA, prepared, catalogue)
    with pytest.raises(PermissionDenied, match="rollen läsare"):
        uploads.commit(store, READER, prepared, catalogue)
    assert loading.batches(store) == []
    report = uploads.commit(store, CITY, prepared, catalogue)
    # The identity is the signed-in one, not a typed name.
    assert loading.batch(store, report.batch_id).loaded_by == "cecilia"
    assert audit.entries(store).iloc[0]["who"] == "cecilia"
    with pytest.raises(PermissionDenied, match="bara ångra sina egna"):
        uploads.undo(store, JARVA, report.batch_id)
    uploads.undo(store, ADMIN, report.batch_id)
    assert loading.batch(store, report.batch_id).state == "undone"


def test_require_says_why() -> None:
    with pytest.raises(PermissionDenied, match="Loggen är bara för administratörer"):
        require(JARVA, "audit")
