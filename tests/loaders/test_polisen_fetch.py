"""The live fetch, against the recorded API response and a fake clock: no network."""

from __future__ import annotations

import argparse
import urllib.request
from pathlib import Path

import pytest

from cli.loaders import cmd_fetch
from loaders.polisen_fetch import API_URL, MIN_INTERVAL_SECONDS, Fetcher
from service.session import open_store
from store import police
from tests.conftest import ROOT

RECORDED = ROOT / "data" / "demo" / "polisen" / "events_api_snapshot.json"


class FakeApi:
    def __init__(self) -> None:
        self.requests: list[urllib.request.Request] = []
        self.clock = 1_000_000.0
        self.slept: list[float] = []

    def open(self, request: urllib.request.Request, timeout: float) -> bytes:
        self.requests.append(request)
        return RECORDED.read_bytes()

    def now(self) -> float:
        return self.clock

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.clock += seconds


def _fetcher(api: FakeApi, tmp_path: Path) -> Fetcher:
    return Fetcher(opener=api.open, now=api.now, sleep=api.sleep, raw_dir=tmp_path / "raw",
                   contact="it@example.org")  # fmt: skip


def test_sends_a_user_agent_and_waits_ten_seconds_between_calls(tmp_path: Path) -> None:
    api = FakeApi()
    fetcher = _fetcher(api, tmp_path)
    first = fetcher.fetch()
    api.clock += 3  # the next call comes 3 s later: it must wait 7 s more
    second = _fetcher(api, tmp_path).fetch()  # a new run of the command, same state file
    assert api.slept == [pytest.approx(MIN_INTERVAL_SECONDS - 3)]
    assert [r.full_url for r in api.requests] == [API_URL, API_URL]
    agent = api.requests[0].get_header("User-agent")
    assert agent and "samverkan-dashboard" in agent and "it@example.org" in agent
    assert first.read_bytes() == RECORDED.read_bytes() and first.parent == tmp_path / "raw"
    assert second.exists()


@pytest.mark.slow
def test_fetch_command_saves_and_loads(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    api = FakeApi()
    db = tmp_path / "f.duckdb"
    args = argparse.Namespace(db=str(db), user="anna", times=2)
    assert cmd_fetch(args, _fetcher(api, tmp_path)) == 0
    out = capsys.readouterr().out
    assert "Saved the response to" in out
    assert "500 events read: 500 new" in out
    assert "was already loaded as batch 1; nothing was added." in out  # same bytes twice
    assert api.slept == [pytest.approx(MIN_INTERVAL_SECONDS)]
    con = open_store(db)
    assert police.event_count(con) == 500
    con.close()


@pytest.mark.slow
def test_an_unreachable_api_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    def refuse(request: urllib.request.Request, timeout: float) -> bytes:
        raise OSError("connection refused")

    fetcher = Fetcher(opener=refuse, raw_dir=tmp_path / "raw")
    args = argparse.Namespace(db=str(tmp_path / "f.duckdb"), user=None, times=1)
    assert cmd_fetch(args, fetcher) == 1
    assert "the police API did not answer: connection refused" in capsys.readouterr().err
