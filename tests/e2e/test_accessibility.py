"""Measured accessibility (issue 38): axe-core's rules (WCAG 2.1 A and AA, through the pinned
axe-playwright-python, its engine bundled) over every page of the navigation, the indicator
pages and every step of Mötesläge's five areas, in Debian's Chromium at 1440×1000, on the demo
store in demo mode (every page and form shown); then signed in as each role (läsare,
rapportör, beredningsgrupp, administratör) through the sign-in page, the pages whose forms and
lists depend on the role and Mötesläge's first steps. No serious or critical violation may
remain; the minor and moderate ones found are written to ``axe-rapport.json`` beside the
browser tier's screenshots (``DASHBOARD_SCREENSHOTS``), where a developer finds them, and
printed."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from service import accessibility
from tests.app.test_local_agreements import reports_not_handed_in
from tests.conftest import accounts_in, copy_store
from tests.e2e.test_first_start import running_dashboard
from tests.e2e.test_layout import PAGES, _chromium, _settled, server  # noqa: F401  (fixture)

try:
    from axe_playwright_python.sync_playwright import Axe
except ImportError:  # pragma: no cover - the browser tier installs it (requirements-dev)
    Axe = None  # type: ignore[assignment,misc]

pytestmark = pytest.mark.browser

BAR = ("serious", "critical")
OPTIONS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
MEETING_STEPS = 5  # the city's five priority areas, stepped through with "Nästa"
VIEWS = [*PAGES, "handlingsplan?plan_ar=2027", "rapporter?rap_sdo=J%C3%A4rva"]
# The indicator pages of the server itself (plain HTML, web/indicator_pages.py).
SHEETS = ["indikatorer", "indikatorer/brott_mot_person", "indikatorer/avhoppare_stod"]


PASSWORD = "ett-långt-lösenord"
# Each role's view, signed in with a local account: the pages whose forms and lists depend on
# who is signed in (the others show every role the same figures), and Mötesläge.
ROLES = {
    "lisa": "läsare", "jonas": "rapportör", "bea": "beredningsgrupp", "adam": "administratör",
}  # fmt: skip
ROLE_PAGES = [
    "", "atgarder", "lokala-overenskommelser", "rapporter", "handlingsplan", "bevakningar",
    "handelser", "mal", "ladda-upp", "datastatus", "logg", "konton",
]  # fmt: skip


@pytest.fixture(scope="module")
def signed_in(demo_db_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The dashboard on the demo store with local accounts (sign-in on), one per role."""
    path = copy_store(demo_db_path, tmp_path_factory.mktemp("roller") / "dashboard.duckdb")
    reports_not_handed_in(path)  # a district's report to write: its form shows
    with accounts_in(path) as users:
        for name, role in ROLES.items():
            users.add(name, role, PASSWORD, ["80132"] if role == "rapportör" else None)
    with running_dashboard(path) as url:
        yield url


def _sign_in(page: object, url: str, name: str) -> list[str]:
    """Sign in through the sign-in page; the paths of the pages the menu offers."""
    page.goto(f"{url}/inloggning")  # type: ignore[attr-defined]
    page.get_by_label("Namn").fill(name)  # type: ignore[attr-defined]
    page.get_by_label("Lösenord").fill(PASSWORD)  # type: ignore[attr-defined]
    page.get_by_role("button", name="Logga in").click()  # type: ignore[attr-defined]
    _settled(page)
    links = page.locator("[data-testid=stSidebarNav] a").evaluate_all(  # type: ignore[attr-defined]
        "els => els.map(e => new URL(e.href).pathname.slice(1))"
    )
    return [str(link) for link in links]


def _report_folder() -> Path:
    folder = Path(os.environ.get("DASHBOARD_SCREENSHOTS") or tempfile.mkdtemp(prefix="axe-"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def test_no_page_has_a_serious_or_critical_violation(
    server: str,  # noqa: F811  (the fixture imported above)
    signed_in: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert Axe is not None, "axe-playwright-python is not installed (requirements-dev.lock)"
    axe = Axe()
    found: dict[str, list[dict[str, object]]] = {}
    page_version = ""
    with _chromium() as browser:
        page = browser.new_page(viewport={"width": 1440, "height": 1000})  # type: ignore[attr-defined]
        for path in VIEWS:
            page.goto(f"{server}/{path}")
            _settled(page)
            result = axe.run(page, options=OPTIONS).response
            found[path or "/"] = result["violations"]
            page_version = result["testEngine"]["version"]
        for path in SHEETS:
            page.goto(f"{server}/{path}")
            page.wait_for_selector("main h1")
            found[path] = axe.run(page, options=OPTIONS).response["violations"]
        page.goto(f"{server}/moteslage")
        _settled(page)
        for step in range(1, MEETING_STEPS + 1):
            found[f"moteslage steg {step}"] = axe.run(page, options=OPTIONS).response["violations"]
            page.get_by_role("button", name="Nästa").first.click()
            _settled(page)
        # Each role signed in: its pages with forms and lists, and Mötesläge's first steps.
        for name, role in ROLES.items():
            context = browser.new_context(viewport={"width": 1440, "height": 1000})  # type: ignore[attr-defined]
            page = context.new_page()
            offered = _sign_in(page, signed_in, name)
            for path in [p for p in ROLE_PAGES if p in offered]:
                page.goto(f"{signed_in}/{path}")
                _settled(page)
                found[f"{role}: {path or '/'}"] = axe.run(page, options=OPTIONS).response[
                    "violations"
                ]
            page.goto(f"{signed_in}/moteslage")
            _settled(page)
            for step in (1, 2):
                found[f"{role}: moteslage steg {step}"] = axe.run(page, options=OPTIONS).response[
                    "violations"
                ]
                page.get_by_role("button", name="Nästa").first.click()
                _settled(page)
            context.close()
    report = {
        where: [
            {"regel": v["id"], "allvar": v["impact"], "hjälp": v["help"],
             "element": [n["target"] for n in v["nodes"]][:10]}
            for v in violations
        ]
        for where, violations in found.items()
    }  # fmt: skip
    out = _report_folder() / "axe-rapport.json"
    version = str(page_version)
    out.write_text(
        json.dumps({"axe": version, "vyer": report}, ensure_ascii=False, indent=1),
        encoding="utf-8",
    )
    minor = sorted(
        {(v["regel"], v["allvar"]) for vs in report.values() for v in vs if v["allvar"] not in BAR}
    )
    with capsys.disabled():
        print(f"\naxe: {out}; mindre allvarliga kvar: {minor or 'inga'}")
    serious = [
        f"{where}: {v['regel']} ({v['allvar']}) {v['element']}"
        for where, vs in report.items()
        for v in vs
        if v["allvar"] in BAR
    ]
    assert serious == []
    # The tillgänglighetsredogörelse says what this run found (else: tools/statement.py).
    said = accessibility.automated_in(accessibility.current())
    assert said == accessibility.automated_part(report, version), (
        f"docs/tillganglighetsredogorelse.md is stale: python tools/statement.py {out}"
    )
