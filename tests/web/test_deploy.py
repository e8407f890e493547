"""The operator's files in deploy/ (issue 34): systemd units for the dashboard's instances,
the police fetch, the reminders and maintenance with the backup, every one as the service
account with private files and its settings from one EnvironmentFile; maintenance on a timer
of its own, so it runs on a day the fetch failed; nginx's upstream naming the instances the
units start. systemd itself checks each unit (systemd-analyze verify) with the program's
paths put in."""

from __future__ import annotations

import configparser
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

UNITS = ROOT / "deploy" / "systemd"
ENV_FILE = "/etc/samverkan/samverkan.env"


def _unit(name: str) -> configparser.RawConfigParser:
    parser = configparser.RawConfigParser(strict=False)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read_string((UNITS / name).read_text(encoding="utf-8"))
    return parser


SERVICES = sorted(p.name for p in UNITS.glob("*.service"))


def test_every_service_runs_as_the_service_account_with_private_files() -> None:
    assert SERVICES == ["samverkan-alerts.service", "samverkan-dashboard@.service",
                        "samverkan-fetch.service", "samverkan-maintain.service",
                        "samverkan-remind.service"]  # fmt: skip
    for name in SERVICES:
        service = _unit(name)["Service"]
        assert service["User"] == "samverkan", name
        assert service["UMask"] == "0077", name
        assert service["EnvironmentFile"] == ENV_FILE, name
        assert "DASHBOARD_CATALOG" not in (UNITS / name).read_text(encoding="utf-8"), name


def test_maintenance_runs_on_its_own_timer_and_backs_up() -> None:
    fetch, maintain = _unit("samverkan-fetch.service"), _unit("samverkan-maintain.service")
    assert "maintain" not in (UNITS / "samverkan-fetch.service").read_text(encoding="utf-8")
    for section in ("Unit",):
        for key in ("Requires", "BindsTo", "Requisite", "After"):
            assert "samverkan-fetch" not in maintain[section].get(key, ""), key
    text = (UNITS / "samverkan-maintain.service").read_text(encoding="utf-8")
    assert "-m store maintain --keep-days 7" in text and "-m store backup " in text
    for timer in ("samverkan-fetch.timer", "samverkan-maintain.timer", "samverkan-remind.timer",
                  "samverkan-alerts.timer"):  # fmt: skip
        assert _unit(timer)["Timer"]["Persistent"] == "true", timer
    assert fetch["Service"]["Type"] == "oneshot"


def test_the_proxy_names_the_instances_the_units_start() -> None:
    instance = _unit("samverkan-dashboard@.service")["Service"]["ExecStart"]
    assert "--server.port %i" in instance and "--server.address 127.0.0.1" in instance
    nginx = (ROOT / "deploy" / "nginx.conf").read_text(encoding="utf-8")
    ports = re.findall(r"server 127\.0\.0\.1:(\d+);", nginx)
    assert ports == ["8501", "8502"]
    assert "hash $cookie_samverkan_route consistent;" in nginx
    assert "samverkan-dashboard@8501 and @8502" in nginx


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="no systemd on this machine")
def test_systemd_accepts_every_unit(tmp_path: Path) -> None:
    bin_dir = Path(sys.executable).parent
    environment = tmp_path / "samverkan.env"
    environment.write_text("DASHBOARD_DATA_PATH=/tmp\n", encoding="utf-8")
    names = []
    for unit in sorted(UNITS.glob("*.service")) + sorted(UNITS.glob("*.timer")):
        text = unit.read_text(encoding="utf-8")
        text = text.replace("/srv/samverkan/.venv/bin/", f"{bin_dir}/")
        text = text.replace(ENV_FILE, str(environment))
        name = unit.name.replace("@.service", "@8501.service")
        (tmp_path / name).write_text(text, encoding="utf-8")
        names.append(str(tmp_path / name))
    done = subprocess.run(["systemd-analyze", "verify", "--man=no", *names],
                          capture_output=True, text=True, check=False)  # fmt: skip
    problems = [line for line in (done.stdout + done.stderr).splitlines()
                if "samverkan" in line]  # fmt: skip
    assert problems == [], problems
