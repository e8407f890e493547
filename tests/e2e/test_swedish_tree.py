"""Swedish all the way down (issue 38): what a screen reader reads on every page, also
Streamlit's and Plotly's own widgets, is Swedish. Chromium's accessibility tree (the names,
descriptions and values it gives assistive technology, read through the DevTools protocol)
and the placeholders and tooltips of every page of the navigation, Mötesläge's steps, the
main menu, an open list and an open calendar are split into words; a word in the English word
list (Debian's wamerican) that is not in the Swedish one (wswedish) fails the test unless it
is a name or code of the allow-list below. Also: the page says it is Swedish (``lang="sv"``).
On main before the front gate's Swedish script: "Skip to main content", "Choose an option",
"Link to heading", "Show/hide columns", "Remove Järva", "Download plot as a PNG" …"""

from __future__ import annotations

import getpass
import re
from pathlib import Path

import pytest

from tests import system
from tests.e2e.test_accessibility import VIEWS
from tests.e2e.test_layout import _chromium, _settled, server  # noqa: F401  (fixture)

pytestmark = pytest.mark.browser

# Names and codes that are not Swedish words and are right as they are: products and formats,
# key names as printed on keys, abbreviations that are the same in Swedish.
ALLOWED = {
    "excel", "word", "powerpoint", "chromium", "plotly", "streamlit", "axe", "core",
    "enter", "ctrl", "shift", "tab", "esc", "escape", "page", "up", "down",
    "ex",  # "t.ex."
    "dd", "mm",  # a date's format, "åååå-mm-dd"
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "okt", "nov", "dec",
}  # fmt: skip
# A word of letters; a token with a slash, dot or underscore in it is a path, address or file
# name (a code), and a word in capitals only an abbreviation (CSV, BRÅ, API, MB).
WORD = re.compile(r"[A-Za-zÅÄÖåäöÉéÜü]+")
CODE = re.compile(r"\S*(?:[/_@]|\w\.\w|(?<!\w)\.\w)\S*")
# Chromium's own text of a file input, which follows the browser's language ("Ingen fil har
# valts" in a Swedish Chromium), as the print and file dialogs do.
BROWSER = {"No file chosen"}

# The account that ran the command line, named in what it saved ("sparat av root").
USER = getpass.getuser().lower()

TREE = """() => {
  const out = [];
  document.querySelectorAll('[placeholder], [title], [data-title], [aria-label]').forEach(el => {
    for (const a of ['placeholder', 'title', 'data-title', 'aria-label'])
      if (el.getAttribute(a)) out.push(el.getAttribute(a));
  });
  return out;
}"""


def _words(path: str) -> set[str]:
    text = Path(path).read_text(encoding="latin-1")  # wswedish is ISO 8859-1
    return {w.strip().lower() for w in text.splitlines() if w.strip()}


def english_words(texts: set[str], english: set[str], swedish: set[str]) -> dict[str, str]:
    """Each English word found, with the text it is in."""
    found: dict[str, str] = {}
    for text in texts:
        for word in WORD.findall(CODE.sub(" ", text)):
            lower = word.lower()
            if len(word) < 2 or word.isupper() or lower in ALLOWED or lower == USER:
                continue
            if lower in english and lower not in swedish:
                found.setdefault(word, text)
    return found


def _texts(page: object) -> set[str]:
    """What assistive technology gets from the page: the accessibility tree's names,
    descriptions and values, and the placeholders and tooltips."""
    cdp = page.context.new_cdp_session(page)  # type: ignore[attr-defined]
    nodes = cdp.send("Accessibility.getFullAXTree")["nodes"]
    cdp.detach()
    texts: set[str] = set()
    for node in nodes:
        if node.get("ignored") or (node.get("role") or {}).get("value") == "InlineTextBox":
            continue
        for key in ("name", "description", "value"):
            value = (node.get(key) or {}).get("value")
            if isinstance(value, str) and value.strip():
                texts.add(value)
    texts.update(page.evaluate(TREE))  # type: ignore[attr-defined]
    return texts - BROWSER


def test_no_english_reaches_a_screen_reader(server: str) -> None:  # noqa: F811
    english_list, swedish_list = system.find("american-english"), system.find("swedish")
    assert english_list and swedish_list, system.message(["american-english"], ["browser"])
    english, swedish = _words(str(english_list)), _words(str(swedish_list))
    found: dict[str, dict[str, str]] = {}
    languages: dict[str, str] = {}
    with _chromium() as browser:
        page = browser.new_page(viewport={"width": 1440, "height": 1000})  # type: ignore[attr-defined]

        def look(where: str) -> None:
            languages[where] = page.evaluate("document.documentElement.lang")
            words = english_words(_texts(page), english, swedish)
            if words:
                found[where] = words

        for path in VIEWS:
            page.goto(f"{server}/{path}")
            _settled(page)
            look(path or "/")
        # Open states: the main menu, an open list, an open calendar, Mötesläge's steps.
        for path, role, name, where in (
            ("handelser", "button", "Huvudmeny", "huvudmenyn"),
            ("indikator", "combobox", "Indikator", "indikator: öppen lista"),
            ("handelser", "button", "Välj datum", "händelser: öppen kalender"),
        ):
            page.goto(f"{server}/{path}")
            _settled(page)
            page.get_by_role(role, name=name).first.click()
            page.wait_for_timeout(500)
            look(where)
            page.keyboard.press("Escape")
        page.goto(f"{server}/moteslage")
        _settled(page)
        for step in range(1, 6):
            look(f"moteslage steg {step}")
            page.get_by_role("button", name="Nästa").first.click()
            _settled(page)
    assert found == {}, "English in the accessibility tree:\n" + "\n".join(
        f"{where}: {word!r} in {text[:100]!r}"
        for where, words in found.items()
        for word, text in words.items()
    )
    assert set(languages.values()) == {"sv"}, languages


def test_the_word_check_finds_english(tmp_path: Path) -> None:
    """The check itself: Streamlit's English is found, Swedish and the allow-list pass."""
    english = {"skip", "to", "main", "content", "remove", "choose", "an", "option", "excel", "data"}
    swedish = {"data", "välj", "ett", "alternativ", "ta", "bort"}
    found = english_words(
        {"Skip to main content", "Remove Järva", "Välj ett alternativ", "Ladda ner Excel",
         "Data i catalogue/arshjul.yaml", "CSV", "Ta bort Järva", "Välj fil (.xlsx, .ods)"},
        english, swedish,
    )  # fmt: skip
    assert set(found) == {"Skip", "to", "main", "content", "Remove"}
