"""Every page of the running app in a real browser, with every host but the app's own
blocked: the script finishes, no error box, the page's main chart or table is drawn (the map
too), and no page asked another host for anything; a screenshot per page goes to a folder
printed at the end (``DASHBOARD_SCREENSHOTS``, default a temporary folder)."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.conftest import copy_store
from tests.e2e.test_first_start import CHROMIUM, CHROMIUM_ARGS, running_dashboard, sync_playwright


@pytest.fixture(scope="module")
def server(
    demo_db_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, Path]]:
    """The dashboard as it runs after its first start: on (a copy of) the demo store with its
    indicator results stored (the first start itself is tests/e2e/test_first_start.py)."""
    db_path = copy_store(demo_db_path, tmp_path_factory.mktemp("pages") / "dashboard.duckdb")
    with running_dashboard(db_path) as url:
        yield url, db_path


PAGES = {
    "": "[data-testid='stDataFrame']",  # Översikt, the default page
    "stadsdelsomrade": ".js-plotly-plot .main-svg",
    "indikator": ".js-plotly-plot .main-svg",
    "jamfor": "[data-testid='stDataFrame']",
    "moteslage": "[data-testid='stMetric']",
    "anmalda-brott": ".js-plotly-plot .main-svg",
    "atgarder": "[data-testid='stDataFrame']",
    "handelser": "h2:has-text('Lägg till en händelse')",
    "mal": "h2:has-text('Sätt ett mål')",
    "arssammanstallning": "[data-testid='stDownloadButton']",
    "ladda-upp": "[data-testid='stFileUploader']",
    "datastatus": "[data-testid='stDataFrame']",
    "datakvalitet": "[data-testid='stDataFrame']",
    "logg": "[data-testid='stDataFrame']",
    "rapporter": "[data-testid='stDataFrame']",
    "handlingsplan": "[data-testid='stDataFrame']",
    "bevakningar": "h2:has-text('Ny bevakning')",
    "tillganglighet": "h2:has-text('Tillsyn')",
}


def _shots() -> Path:
    folder = Path(
        os.environ.get("DASHBOARD_SCREENSHOTS") or tempfile.mkdtemp(prefix="skärmbilder-")
    )
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def test_every_page_runs_and_draws(
    server: tuple[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    url, _ = server
    folder = _shots()
    assert sync_playwright is not None
    problems = []
    own = urlsplit(url).netloc
    blocked: list[str] = []

    def only_the_app(route: object) -> None:
        address = route.request.url  # type: ignore[attr-defined]
        if urlsplit(address).scheme in ("data", "blob") or urlsplit(address).netloc == own:
            route.continue_()  # type: ignore[attr-defined]
        else:
            blocked.append(address)
            route.abort()  # type: ignore[attr-defined]

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": 1400, "height": 1000})
            context.route("**/*", only_the_app)
            page = context.new_page()
            for path, selector in PAGES.items():
                page.goto(f"{url}/{path}")
                page.wait_for_selector(
                    "[data-test-script-state='notRunning']", timeout=90_000, state="attached"
                )
                page.wait_for_selector(selector, timeout=60_000)
                page.wait_for_timeout(500)
                errors = page.locator(
                    "[data-testid='stException'], [data-testid='stAlertContentError']"
                )
                if errors.count():
                    problems.append(f"{path}: {errors.first.inner_text()[:300]}")
                if page.get_by_text("Page not found").count():
                    problems.append(f"{path}: page not found")
                if path == "indikator":
                    # The map: one filled outline per district of today, drawn offline.
                    page.wait_for_selector(".st-key-map .js-plotly-plot .main-svg", timeout=60_000)
                    filled = page.locator(".st-key-map .js-plotly-plot path.js-fill").count()
                    if filled < 11:
                        problems.append(f"indikator: the map has {filled} districts drawn")
                name = path or "oversikt"
                page.screenshot(path=str(folder / f"{name}.png"), full_page=True)
        finally:
            browser.close()
    with capsys.disabled():
        print(f"\nskärmbilder: {folder}")
    assert problems == []
    assert blocked == [], f"requests to other hosts: {blocked}"
    assert sorted(p.name for p in folder.glob("*.png")) == sorted(
        f"{p or 'oversikt'}.png" for p in PAGES
    )


def test_table_downloads_pressed_one_after_the_other_both_arrive(server: tuple[str, Path]) -> None:
    """The files are built when a button is pressed; the second press, made at once, is not
    lost to a rerun of the page."""
    import io

    import openpyxl

    url, _ = server
    assert sync_playwright is not None
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1440, "height": 1000}, accept_downloads=True)
            page.goto(url)
            page.wait_for_selector("[data-testid='stDownloadButton']", timeout=90_000)
            files = {}
            for label in ("Ladda ner CSV", "Ladda ner Excel"):
                with page.expect_download(timeout=60_000) as download:
                    page.get_by_role("button", name=label).first.click()
                path = download.value.path()
                files[download.value.suggested_filename.rsplit(".", 1)[1]] = Path(path).read_bytes()
        finally:
            browser.close()
    header = files["csv"].decode("utf-8-sig").splitlines()[0].split(";")
    assert header[0] == "Stadsdelsområde" and "Unga i riskzon för destruktivt beteende" in header
    sheet = openpyxl.load_workbook(io.BytesIO(files["xlsx"])).worksheets[0]
    assert [c.value for c in next(sheet.iter_rows())] == header


def test_meeting_mode_fits_a_projector_and_follows_the_keys(server: tuple[str, Path]) -> None:
    """At 1920×1080 with the sidebar closed (as a link opens it), one priority area's every
    indicator is on the screen, every trend has years on its axis, and the arrow keys and a
    clicker's Page Down move between areas, the short link following."""
    import re

    url, _ = server
    assert sync_playwright is not None
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1920, "height": 1080})
            page.goto(f"{url}/moteslage?omrade=jarva&steg=4")
            page.wait_for_selector(
                "[data-test-script-state='notRunning']", timeout=90_000, state="attached"
            )
            page.wait_for_selector("[class*='st-key-trend-'] .main-svg", timeout=60_000)
            page.wait_for_timeout(1000)
            assert page.locator("h1").first.inner_text() == (
                "Särskilt utsatta och sårbara brottsoffer"
            )
            cards = page.locator("[data-testid='stMetric']")
            assert cards.count() >= 5
            bottoms = [
                box["y"] + box["height"]
                for box in (
                    page.locator("[class*='st-key-trend-']").nth(i).bounding_box()
                    for i in range(page.locator("[class*='st-key-trend-']").count())
                )
                if box is not None
            ]
            assert bottoms and max(bottoms) <= 1080, bottoms  # no scrolling in the meeting
            for i in range(page.locator("[class*='st-key-trend-']").count()):
                ticks = page.locator("[class*='st-key-trend-']").nth(i).locator(".xtick text")
                labels = [ticks.nth(k).text_content() for k in range(ticks.count())]
                assert labels and all(re.fullmatch(r"20\d\d", t or "") for t in labels), labels
            page.keyboard.press("ArrowRight")
            page.wait_for_selector("h1:has-text('Kriminella')", timeout=30_000)
            assert page.url.endswith("omrade=jarva&steg=5")
            page.keyboard.press("PageDown")  # from the last area round to the first
            page.wait_for_selector("h1:has-text('Unga')", timeout=30_000)
            page.keyboard.press("ArrowLeft")
            page.wait_for_selector("h1:has-text('Kriminella')", timeout=30_000)
        finally:
            browser.close()


# A4 landscape less 10 mm margins, in CSS pixels (96 per inch).
PRINTABLE_WIDTH = (297 - 2 * 10) / 25.4 * 96


def _print_zoom() -> float:
    import re

    css = (Path(__file__).parents[2] / "app_pages" / "print.css").read_text(encoding="utf-8")
    found = re.search(r"\[data-testid=\"stMain\"\]\s*\{\s*zoom:\s*([0-9.]+)", css)
    assert found, "print.css scales the page's content"
    return float(found.group(1))


@pytest.mark.parametrize(
    ("path", "viewport", "choices"),
    [
        ("indikator", (1920, 1080), "Urval: Indikator: Anmäld misshandel · Indelning: Dagens"),
        ("stadsdelsomrade", (1440, 1000), "Urval: Stadsdelsområde: Bromma"),
        ("", (1440, 1000), "Urval: Överenskommelse: Överenskommelsen 2024 · Område: Hela staden"),
    ],
)
def test_a_printed_page_holds_what_the_screen_shows(
    server: tuple[str, Path], path: str, viewport: tuple[int, int], choices: str
) -> None:
    """Printing a page (the browser's own print, as "Spara som PDF"): A4 landscape, a header
    with the view's choices, no sidebar, buttons or copy box, the charts' text there, every
    table drawn (not a blank canvas), and every chart or table, at the print scale, within
    the paper's width."""
    import io

    from pypdf import PdfReader

    url, _ = server
    assert sync_playwright is not None
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            width, height = viewport
            page = browser.new_page(viewport={"width": width, "height": height})
            page.goto(f"{url}/{path}")
            page.wait_for_selector(
                "[data-test-script-state='notRunning']", timeout=90_000, state="attached"
            )
            page.wait_for_selector("[data-testid='stDataFrame'] canvas", timeout=60_000)
            page.wait_for_timeout(1500)
            widest = page.evaluate(
                "() => Math.max(...[...document.querySelectorAll("
                "'[data-testid=stMain] .main-svg, [data-testid=stMain] canvas')]"
                ".map(e => e.getBoundingClientRect().width))"
            )
            tables = page.locator("[data-testid='stDataFrame']").count()
            charts = page.locator("[data-testid='stPlotlyChart']").count()
            pdf = page.pdf(prefer_css_page_size=True, print_background=True)
        finally:
            browser.close()
    reader = PdfReader(io.BytesIO(pdf))
    first = reader.pages[0]
    assert (round(float(first.mediabox.width)), round(float(first.mediabox.height))) == (842, 595)
    text = "\n".join(p.extract_text() for p in reader.pages)
    assert choices in " ".join(text.split())
    assert "Utskriven " in text
    for screen_only in ("Ladda ner CSV", "Länk till den här vyn", "Mötespaket", "Datastatus"):
        assert screen_only not in text, screen_only
    if charts:
        assert "Källa:" in text  # the charts' source lines are printed with them
    # Every table is a canvas: printed as an image that is not blank.
    drawn = [
        image
        for p in reader.pages
        for image in p.images
        if (lambda lo, hi: hi - lo > 40)(*image.image.convert("L").getextrema())
    ]
    assert len(drawn) >= tables
    assert widest * _print_zoom() <= PRINTABLE_WIDTH
