"""Nothing cut off, and a meeting's area on one screen (issue 36), in Debian's Chromium:

- at 1440×1000 and 1920×1080 no table on any page hides a column behind a horizontal
  scrollbar, no chart is wider than its place, and no page scrolls sideways (also Översikt
  with a saved meeting shown, which adds a column);
- at 1920×1080 every step of Mötesläge, for the city and every district, fits the screen
  without scrolling (stepped through with its own "Nästa" button, as in a meeting).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from cli.store import main as store_main
from tests.conftest import copy_store
from tests.e2e.test_first_start import CHROMIUM, CHROMIUM_ARGS, running_dashboard, sync_playwright

pytestmark = pytest.mark.browser

PAGES = [
    "", "stadsdelsomrade?stadsdelsomrade=Järva", "indikator", "jamfor", "moteslage",
    "anmalda-brott", "atgarder", "lokala-overenskommelser?omrade=Farsta", "arshjul",
    "handelser", "mal", "arssammanstallning", "ladda-upp", "datastatus", "datakvalitet", "logg",
    "?mote=Styrgrupp", "arssammanstallning?mote=Styrgrupp", "rapporter",
    "rapporter?rap_sdo=Farsta", "handlingsplan", "bevakningar", "tillganglighet",
]  # fmt: skip
SIZES = [(1440, 1000), (1920, 1080)]
AREAS = ["hela-staden", "bromma", "enskede-arsta-vantor", "farsta", "hagersten-alvsjo",
         "hasselby-vallingby", "jarva", "kungsholmen", "norra-innerstaden", "skarholmen",
         "skarpnack", "sodermalm"]  # fmt: skip

# What is cut off: a table's scroller wider than its box, a chart wider than its place, the
# page wider than the window.
CUT = """() => {
  const out = [];
  document.querySelectorAll('[data-testid=stDataFrame]').forEach((el, i) => {
    const sc = el.querySelector('.dvn-scroller');
    if (sc && sc.scrollWidth > sc.clientWidth + 2)
      out.push(`table ${i + 1}: ${sc.scrollWidth} px in ${sc.clientWidth} px`);
  });
  document.querySelectorAll('.js-plotly-plot').forEach((el, i) => {
    const svg = el.querySelector('.main-svg');
    const room = el.parentElement.getBoundingClientRect().width;
    if (svg && svg.getBoundingClientRect().width > room + 2)
      out.push(`chart ${i + 1}: ${svg.getBoundingClientRect().width} px in ${room} px`);
  });
  if (document.documentElement.scrollWidth > window.innerWidth + 1)
    out.push(`page: ${document.documentElement.scrollWidth} px`);
  return out;
}"""
DONE = "() => !document.querySelector('[data-testid=stStatusWidget]')"


@pytest.fixture(scope="module")
def server(demo_db_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    db_path = copy_store(demo_db_path, tmp_path_factory.mktemp("layout") / "dashboard.duckdb")
    assert store_main(["snapshots", "create", "Styrgrupp", "--db", str(db_path)]) == 0
    with running_dashboard(db_path) as url:
        yield url


@contextmanager
def _chromium() -> Iterator[object]:
    assert sync_playwright is not None
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def _settled(page: object) -> None:
    page.wait_for_selector("[data-testid=stMain] h1", timeout=90_000)  # type: ignore[attr-defined]
    page.wait_for_timeout(1500)  # type: ignore[attr-defined]
    page.wait_for_function(DONE, timeout=60_000)  # type: ignore[attr-defined]
    page.wait_for_timeout(500)  # type: ignore[attr-defined]


def test_no_table_chart_or_page_is_cut_off(server: str) -> None:
    cut = []
    with _chromium() as browser:
        for width, height in SIZES:
            page = browser.new_page(viewport={"width": width, "height": height})  # type: ignore[attr-defined]
            for path in PAGES:
                page.goto(f"{server}/{path}")
                _settled(page)
                cut += [f"{width}×{height} /{path}: {c}" for c in page.evaluate(CUT)]
            page.close()
    assert cut == []


def test_every_meeting_step_of_every_area_fits_1920_by_1080(server: str) -> None:
    tall = []
    with _chromium() as browser:
        page = browser.new_page(viewport={"width": 1920, "height": 1080})  # type: ignore[attr-defined]
        for area in AREAS:
            page.goto(f"{server}/moteslage?omrade={area}&steg=1")
            _settled(page)
            for step in range(1, 6):
                caption = page.inner_text("[data-testid=stMain] [data-testid=stCaptionContainer]")
                assert f"prioriterat område {step} av 5" in caption, (area, step, caption)
                height = page.evaluate(
                    "() => document.querySelector('[data-testid=stMain]').scrollHeight"
                )
                if height > 1080:
                    tall.append(f"{area} step {step}: {height} px")
                if step < 5:
                    page.get_by_role("button", name="Nästa →").click()
                    page.wait_for_function(
                        "(s) => document.querySelector('[data-testid=stMain]').innerText"
                        ".includes(`prioriterat område ${s} av 5`)",
                        arg=step + 1,
                        timeout=60_000,
                    )
                    _settled(page)
    assert tall == []


def test_the_upload_preview_shows_every_column(server: str) -> None:
    """The preview of an uploaded survey (its last column was cut at 1440 px)."""
    from tests.conftest import FIXTURES

    cut = []
    with _chromium() as browser:
        for width, height in SIZES:
            page = browser.new_page(viewport={"width": width, "height": height})  # type: ignore[attr-defined]
            page.goto(f"{server}/ladda-upp")
            _settled(page)
            page.set_input_files(
                "input[type=file]", str(FIXTURES / "uploads" / "enkat_openpyxl.xlsx")
            )
            page.get_by_text("Förhandsgranskning").wait_for(timeout=90_000)
            _settled(page)
            cut += [f"{width}×{height}: {c}" for c in page.evaluate(CUT)]
            page.close()
    assert cut == []
