"""Keyboard only (issue 38, WCAG 2.1.1): the main flows done without a mouse, in Debian's
Chromium at 1440×1000 on the demo store: from the start page, Tab to a page's link in the
menu and Enter; choose a district by typing its name in the list; open Mötesläge and step
through the city's five areas with its button and with the arrow key; write and save a new
action in Åtgärder's form; and upload a survey file, its file dialog opened from the keyboard,
and save it. Every element is reached by Tab from where the focus was (never clicked, never
focused by a script), and each step checks what the user would see."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests.conftest import FIXTURES
from tests.e2e.test_layout import _chromium, _settled, server  # noqa: F401  (fixture)

pytestmark = pytest.mark.browser

# What a sighted keyboard user sees as the focused element's name: its label, or its text.
FOCUSED = """() => {
  const e = document.activeElement;
  if (!e || e === document.body) return '';
  const label = e.getAttribute('aria-label') || (e.labels && e.labels[0] && e.labels[0].innerText);
  if (label) return label.trim();
  const copy = e.cloneNode(true);  // its text without the icons (Material Symbols' names)
  copy.querySelectorAll('[data-testid=stIconMaterial]').forEach(i => i.remove());
  const shown = document.createElement('div');
  shown.style.position = 'absolute';
  shown.appendChild(copy);
  document.body.appendChild(shown);
  const text = shown.innerText;
  shown.remove();
  return (text.split('\\n').map(s => s.trim()).filter(Boolean)[0] || '').trim();
}"""


def tab_to(page: object, name: str, limit: int = 400) -> None:
    """Press Tab until the focused element's name is ``name`` (fails when it never is)."""
    seen: list[str] = []
    for _ in range(limit):
        page.keyboard.press("Tab")  # type: ignore[attr-defined]
        focused = page.evaluate(FOCUSED)  # type: ignore[attr-defined]
        if focused == name:
            return
        seen.append(focused)
    raise AssertionError(f"{name!r} is not reached by Tab; reached: {seen[-40:]}")


def press(page: object, name: str, limit: int = 400) -> None:
    """Tab to a link or button and press Enter; wait for the page to settle."""
    tab_to(page, name, limit)
    page.keyboard.press("Enter")  # type: ignore[attr-defined]
    _settled(page)


def write(page: object, label: str, text: str) -> None:
    """Tab to a text field, type and press Enter; wait for the page to settle."""
    tab_to(page, label)
    page.keyboard.type(text)  # type: ignore[attr-defined]
    page.keyboard.press("Enter")  # type: ignore[attr-defined]
    _settled(page)


def choose(page: object, label: str, text: str) -> None:
    """A list chosen from the keyboard: Tab to it, open it and type, then Enter on the
    option that has ``text``."""
    tab_to(page, label)
    typed(page, text)
    page.keyboard.press("Enter")  # type: ignore[attr-defined]


def typed(page: object, text: str) -> None:
    """Type into the focused list until its options show one with ``text`` (the list opens
    on a key once its widget is ready: typed again, as a user would, while it has not)."""
    option = page.get_by_role("option", name=re.compile(re.escape(text)))  # type: ignore[attr-defined]
    for _ in range(5):
        page.keyboard.press("ArrowDown")  # type: ignore[attr-defined]
        page.keyboard.type(text)  # type: ignore[attr-defined]
        try:
            option.first.wait_for(timeout=3_000)
            return
        except Exception:  # not open yet: clear and type again
            page.keyboard.press("Control+A")  # type: ignore[attr-defined]
            page.keyboard.press("Backspace")  # type: ignore[attr-defined]
    raise AssertionError(f"no option with {text!r} in the list")


def test_the_main_flows_without_a_mouse(server: str, tmp_path: Path) -> None:  # noqa: F811
    with _chromium() as browser:
        page = browser.new_page(viewport={"width": 1440, "height": 1000})  # type: ignore[attr-defined]
        try:
            _walk(page, server)
        except Exception:
            folder = Path(os.environ.get("DASHBOARD_SCREENSHOTS") or tmp_path)
            folder.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(folder / "tangentbord-fel.png"), full_page=True)
            raise


def _walk(page: object, url: str) -> None:
    page.goto(url)
    _settled(page)
    main = page.locator("[data-testid=stMain]")

    # Navigate and choose a district.
    press(page, "Stadsdelsområde")
    choose(page, "Stadsdelsområde", "Järva")
    _settled(page)
    assert "stadsdelsomrade=J%C3%A4rva" in page.url or "Järva" in page.url
    main.get_by_role("heading", name="Järva").first.wait_for(timeout=30_000)

    # Mötesläge: step through the city's areas with the button and the arrow key.
    press(page, "Mötesläge")
    main.get_by_text("prioriterat område 1 av 5").wait_for(timeout=30_000)
    # Mötesläge closes the sidebar: its links are out of the Tab order then (they were 22
    # invisible stops), so the step's buttons come right after the header's.
    press(page, "Nästa →", limit=8)
    main.get_by_text("prioriterat område 2 av 5").wait_for(timeout=30_000)
    for step in (3, 4, 5):
        page.keyboard.press("ArrowRight")
        _settled(page)
        main.get_by_text(f"prioriterat område {step} av 5").wait_for(timeout=30_000)
    page.keyboard.press("ArrowLeft")
    _settled(page)
    main.get_by_text("prioriterat område 4 av 5").wait_for(timeout=30_000)

    # Save an action: the menu opened again with its button (Mötesläge closed it).
    press(page, "Visa sidofältet", limit=40)
    press(page, "Åtgärder")
    # Demo mode: the name to save under, asked for above the register.
    write(page, "Ditt namn (sparas med varje ändring)", "Tangentbordsprovet")
    tab_to(page, "Ny åtgärd")
    page.keyboard.press("Enter")
    tab_to(page, "Åtgärd")
    page.keyboard.type("Tangentbordsprovet: fler trygghetsvandringar")
    choose(page, "Stadsdelsområde", "Järva")
    tab_to(page, "Spara åtgärden")
    page.keyboard.press("Enter")
    main.get_by_text(re.compile(r"^Åtgärd \d+ sparad\.$")).wait_for(timeout=60_000)
    _settled(page)
    # It is in the register: offered among the actions to change.
    tab_to(page, "Ändra, följ upp eller avsluta en åtgärd")
    page.keyboard.press("Enter")
    tab_to(page, "Åtgärd")
    typed(page, "Tangentbordsprovet: fler trygghetsvandringar")
    page.keyboard.press("Escape")

    # Upload a survey: the file dialog opened with the keyboard.
    press(page, "Ladda upp")
    write(page, "Ditt namn (sparas med uppladdningen)", "Tangentbordsprovet")
    with page.expect_file_chooser() as chooser:
        tab_to(page, "Ladda upp")  # the uploader's button, after the menu's link
        page.keyboard.press("Enter")
    chooser.value.set_files(str(FIXTURES / "uploads" / "enkat_openpyxl.xlsx"))
    main.get_by_text("Förhandsgranskning").wait_for(timeout=90_000)
    _settled(page)
    tab_to(page, "Spara i databasen")
    page.keyboard.press("Enter")
    main.get_by_text("Sparat som sats").first.wait_for(timeout=120_000)
