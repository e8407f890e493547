"""The operator's log (issue 34): a timestamped, levelled line on standard error for each
audited event once its write has committed (who, what, how long), a refused write as a
warning, nothing for a write that was rolled back, and no e-mail address or password."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest

from access.roles import Principal
from service import loads, logs
from service.writes import PermissionDenied
from store import audit, db
from tests import cli
from tests.conftest import ROOT

LINE = re.compile(
    r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4} (?P<level>[A-Z]+) samverkan\.audit: "
    r"(?P<what>.+?) by (?P<who>.+?) \((?P<seconds>\d+\.\d\d) s\): (?P<detail>.*)$"
)


def _lines(err: str) -> list[dict[str, str]]:
    return [m.groupdict() for m in map(LINE.match, err.splitlines()) if m]


def test_a_load_and_a_refusal_are_lines_of_the_log(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "store.sqlite"
    done = cli.run("loaders", "load", "bra", str(ROOT / "data/demo/bra/Databasfil2022.txt"),
                   "--db", str(path), "--user", "anna")  # fmt: skip
    assert done.returncode == 0, done.stderr
    (load,) = [line for line in _lines(done.stderr) if line["what"] == "inläsning"]
    assert load["level"] == "INFO" and load["who"] == "anna"
    assert load["detail"] == "sats 1: Databasfil2022.txt (bra_anmalda_brott)"
    assert float(load["seconds"]) > 0

    capsys.readouterr()
    con = db.connect(path)
    try:
        with pytest.raises(PermissionDenied):
            loads.remove_examples(con, Principal("rita", "rapportör"))
        # A write that is rolled back leaves no line.
        with pytest.raises(RuntimeError), db.transaction(con):
            audit.record(con, "anna", "ny åtgärd", "7: aldrig sparad")
            raise RuntimeError("stopped")
    finally:
        con.close()
    lines = _lines(capsys.readouterr().err)
    assert [(x["level"], x["what"], x["who"]) for x in lines] == [("WARNING", "nekad", "rita")]
    assert lines[0]["detail"] == "examples: Bara administratörer kan ta bort exempeldata."


def test_no_e_mail_address_or_password_in_a_line(capsys: pytest.CaptureFixture[str]) -> None:
    logs.configure()
    logging.getLogger("service.test").warning(
        "mail to sara.stad@example.se failed; catalog postgresql://dashboard:s3cr3t@db/x"
    )
    err = capsys.readouterr().err
    assert "sara.stad@example.se" not in err and "s3cr3t" not in err
    assert "mail to <e-post> failed; catalog postgresql://dashboard:***@db/x" in err
    assert re.search(r"^\d{4}-\d\d-\d\dT\S+ WARNING service\.test: ", err, re.M)
