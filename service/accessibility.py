"""The tillgänglighetsredogörelse (issue 38), as the law on accessibility of digital public
service (DOS-lagen) asks of a city's digital service: how far the dashboard conforms to WCAG
2.1 AA, what is not yet accessible and why, how to report a problem, and the supervisory
authority. Its automated part is written from axe-core's results of the browser tier
(tests/e2e/test_accessibility.py), which checks that ``docs/tillganglighetsredogorelse.md``
says what the latest run found: it cannot go stale."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path

from swedish.format import date_text

STATEMENT = Path(__file__).resolve().parent.parent / "docs" / "tillganglighetsredogorelse.md"
AUTOMATED = "## Automatisk granskning"
SERIOUS = ("serious", "critical")
IMPACT_WORDS = {"critical": "kritisk", "serious": "allvarlig", "moderate": "måttlig",
                "minor": "mindre"}  # fmt: skip

# What is known not to be accessible yet, and why (kept by hand; said in the statement).
KNOWN = (
    "Ramverkets egna texter (Streamlit och Plotly) är på engelska från början och översätts "
    "till svenska när sidan ritas. En text som kommer med en ny version av ramverket kan synas "
    "på engelska tills översättningen får den; testerna läser varje sidas "
    "tillgänglighetsträd och hittar den. Webbläsarens egna texter (filväljarens ”Ingen fil "
    "har valts”, utskrifts- och fildialogerna) följer webbläsarens språk.",
    "Kalendern i datumfälten börjar veckan på söndag och visar veckodagarnas engelska "
    "begynnelsebokstäver (ramverkets kalender går inte att ställa om); ett datum kan alltid "
    "skrivas direkt i fältet, som åååå-mm-dd. Axlarna i några diagram skriver tusental som "
    "”2k”; siffrorna finns utskrivna i tabellen vid diagrammet.",
    "Mötespaketen som PDF är inte taggade (ritade utan dokumentstruktur, så en skärmläsare "
    "hittar inte rubriker och tabeller); samma innehåll finns som PowerPoint, där texten är "
    "markerad som svenska och varje diagram har en beskrivande text.",
    "Tabellerna ritas av ramverket på en rityta: med Tab stannar fokus på tabellens rader en "
    "i taget innan det går vidare, vilket gör långa sidor tröga att gå igenom med tangentbord.",
)


def automated_part(report: Mapping[str, Sequence[Mapping[str, object]]], axe_version: str) -> str:
    """What axe-core found, per rule and impact, over the views it checked."""
    rules: dict[tuple[str, str], int] = {}
    for violations in report.values():
        for v in violations:
            key = (str(v["regel"]), str(v["allvar"]))
            rules[key] = rules.get(key, 0) + 1
    serious = sum(n for (_, impact), n in rules.items() if impact in SERIOUS)
    lines = [
        AUTOMATED,
        "",
        f"axe-core {axe_version} med reglerna för WCAG 2.1 nivå A och AA, i Chromium, över "
        f"{len(report)} vyer (varje sida i menyn, indikatorsidorna och Möteslägets steg, i "
        "demoläge och inloggad som varje roll).",
        "",
        f"- Allvarliga eller kritiska brister: {serious}.",
    ]
    others = sorted((r, i, n) for (r, i), n in rules.items() if i not in SERIOUS)
    if others:
        lines.append("- Övriga brister:")
        lines += [f"  - {r} ({IMPACT_WORDS.get(i, i)}): i {n} vyer" for r, i, n in others]
    else:
        lines.append("- Övriga brister: inga.")
    return "\n".join(lines) + "\n"


def statement(automated: str, checked_on: date, contact: str) -> str:
    """The whole statement (Swedish Markdown)."""
    known = "\n".join(f"- {k}" for k in KNOWN)
    return f"""# Tillgänglighetsredogörelse

Uppföljningen av samverkansöverenskommelsen mellan Stockholms stad och Polisregion Stockholm
ska kunna användas av alla. Den här redogörelsen beskriver hur webbplatsen uppfyller lagen
(2018:1937) om tillgänglighet till digital offentlig service, kända brister och hur du kan
rapportera problem.

## Hur tillgänglig är webbplatsen?

Webbplatsen är delvis förenlig med WCAG 2.1 nivå AA, på grund av de brister som beskrivs
nedan.

## Det här är inte tillgängligt

{known}

{automated}
## Rapportera brister

Om du upptäcker problem som inte beskrivs här, eller om du behöver innehållet i en annan
form, kontakta {contact}. Vi svarar så snart vi kan.

## Tillsyn

Myndigheten för digital förvaltning (Digg) har ansvaret för tillsyn över lagen. Om du inte
är nöjd med hur vi hanterar dina synpunkter kan du kontakta Digg och påtala det
(digg.se/tdosanmalan).

## Hur vi testat webbplatsen

Varje sida och Möteslägets steg granskas automatiskt med axe-core vid varje ändring av
programmet (testerna i webbläsaren). Samma tester läser varje sidas tillgänglighetsträd (det
en skärmläsare får) och underkänner engelsk text, och gör huvudflödena med enbart
tangentbord: välja sida och stadsdelsområde, stega genom Mötesläge, spara en åtgärd och
ladda upp en fil. Redogörelsen uppdaterades senast
{date_text(checked_on)}.
"""


def automated_in(text: str) -> str:
    """The automated part of a statement's text (from its heading to the next heading)."""
    start = text.index(AUTOMATED)
    end = text.find("\n## ", start + len(AUTOMATED))
    return text[start : end if end != -1 else len(text)]


def current() -> str:
    """The statement as published (docs/tillganglighetsredogorelse.md)."""
    return STATEMENT.read_text(encoding="utf-8")
