"""The upload parser's limit counts the work reading a file costs (CPU time), not the clock: a
busy server, where the child waits for a core, does not refuse a valid file (issue 33)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from loaders import upload_parse
from loaders.upload_safety import UploadRefused
from tests.loaders.sheets import data_book

ROWS = {"sheet": "Data", "rows": [["Farsta", 2024]], "percent": [], "no_value": [],
        "merged": []}  # fmt: skip


def _child(monkeypatch: pytest.MonkeyPatch, code: str) -> None:
    monkeypatch.setattr(upload_parse, "CPU_LIMIT_SECONDS", 1)
    monkeypatch.setattr(upload_parse, "_command", lambda *_: [sys.executable, "-c", code])


def test_a_child_that_waits_past_the_cpu_limit_is_read(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # 2.5 s of clock, almost no CPU: what a parse looks like on a machine whose cores are busy.
    _child(monkeypatch, f"import json, time; time.sleep(2.5); print(json.dumps({ROWS!r}))")
    parsed = upload_parse.read_safely(tmp_path / "enkat.xlsx", "xlsx")
    assert parsed.sheet == "Data"
    assert parsed.rows == [["Farsta", 2024]]


def test_a_child_that_works_past_the_cpu_limit_is_refused_in_swedish(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _child(monkeypatch, "while True: pass")
    with pytest.raises(UploadRefused) as refused:
        upload_parse.read_safely(tmp_path / "enkat.xlsx", "xlsx")
    assert str(refused.value) == (
        "Filen krävde mer än 1 sekunders beräkningstid att läsa och avbröts. Spara den på nytt "
        "utan formler och formatering, eller dela upp den."
    )


def test_the_real_parser_runs_under_the_limits(tmp_path: Path) -> None:
    path = data_book(tmp_path / "enkat.xlsx", ["Stadsdelsområde", "År"], [["Farsta", 2024]])
    parsed = upload_parse.read_safely(path, "xlsx")
    assert parsed.rows == [["Stadsdelsområde", "År"], ["Farsta", 2024]]
