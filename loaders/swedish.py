"""The loaders' problems and summaries in Swedish, for the dashboard (the command line keeps
the English it has always printed). Each loader words its problems from a fixed set of
templates; each template has its Swedish here, matched whole. A problem without a Swedish
template is shown in English after a Swedish lead, and a test keeps the list complete for
every problem the loaders' test files produce."""

from __future__ import annotations

import re

from loaders.batch import LoadError, LoadReport, Problem

# (English template as a regular expression, Swedish with the groups in {1}, {2}, …)
TEMPLATES: list[tuple[str, str]] = [
    (r"the file is empty", "filen är tom"),
    (r"the file holds no figures to load", "filen innehåller inga siffror att läsa in"),
    (r"the file holds no events", "filen innehåller inga händelser"),
    (r"the file holds no population figures", "filen innehåller inga befolkningssiffror"),
    (r"the file holds no values", "filen innehåller inga värden"),
    (r"the region is empty", "området saknas"),
    (r"the crime category is empty", "brottskategorin saknas"),
    (
        r"expected the header (.+), found (.+); is this BRÅ's 'Databasfil' export\?",
        "rubrikraden skulle vara {1} men är {2}; är det BRÅ:s export ”Databasfil”?",
    ),
    (
        r"expected (\d+) fields separated by ';', found (\d+): (.+)",
        "{1} fält åtskilda med ”;” väntades, raden har {2}: {3}",
    ),
    (
        r"year (.+) is not a year such as 2022 or '2023 prel\.'",
        "året {1} är inte ett år som 2022 eller ”2023 prel.”",
    ),
    (r"year (.+) is not a year", "året {1} är inte ett år"),
    (r"period (.+) is not a month; expected one of (.+)", "perioden {1} är ingen månad; en av {2}"),
    (r"count \(Antal\) (.+) is not a whole number ≥ 0", "antalet {1} är inte ett heltal ≥ 0"),
    (
        r"count \(Antal\) is empty; expected a number or '\.\.'",
        "antalet saknas; ett tal eller ”..” väntades",
    ),
    (
        r"count \(Antal\) (.+) is not a number or '\.\.'",
        "antalet {1} är inte ett tal eller ”..”",
    ),
    (
        r"rate \(/100 000 inv\) is empty; expected a number or '\.\.'",
        "antalet per 100 000 invånare saknas; ett tal eller ”..” väntades",
    ),
    (
        r"rate \(/100 000 inv\) (.+) is not a number or '\.\.'",
        "antalet per 100 000 invånare {1} är inte ett tal eller ”..”",
    ),
    (
        r"(.+) already appears on line (\d+) with other figures",
        "{1} finns redan på rad {2} med andra siffror",
    ),
    (
        r"unknown region (.+?); closest known names: (.+)",
        "okänt område {1}; närmaste kända namn: {2}",
    ),
    (r"unknown region (.+)", "okänt område {1}"),
    (
        r"Skipped (\d+) lines of (\d+) unknown region\(s\): (.+)",
        "{1} rader med {2} okända områden hoppades över: {3}",
    ),
    (
        r"Dropped (\d+) echoed duplicate lines\.",
        "{1} upprepade rader (samma rad två gånger) togs bort.",
    ),
    (r"not valid JSON: (.+) \(column (\d+)\)", "inte giltig JSON: {1} (kolumn {2})"),
    (
        r"item (\d+) of the archive is not a list of events \(an API response\)",
        "post {1} i arkivet är ingen lista med händelser (ett API-svar)",
    ),
    (r"not a JSON events response: (.+)", "inte ett svar med händelser i JSON: {1}"),
    (
        r"item (\d+): no ([\w, ]+); every police event has id, datetime, name, summary, url, type "
        r"and location",
        "post {1}: {2} saknas; varje händelse från polisen har id, datetime, name, summary, "
        "url, type och location",
    ),
    (
        r"this is not a police events response \(none of its (\d+) items is an event\)",
        "det här är inget svar med polisens händelser (ingen av dess {1} poster är en händelse)",
    ),
    (
        r"item (\d+) \(id (.+)\): datetime (.+) is not like (.+)",
        "post {1} (id {2}): tidpunkten {3} är inte skriven som {4}",
    ),
    (r"code (.+) is (.+), but the name says (.+)", "koden {1} är {2}, men namnet säger {3}"),
    (r"population (.+) is not a number ≥ 0", "folkmängden {1} är inte ett tal ≥ 0"),
    (r"population (.+) is not a number", "folkmängden {1} är inte ett tal"),
    (
        r"this table says no year: give it with --year",
        "tabellen anger inget år: ange året i fältet ”År”",
    ),
    (r"sex (.+): expected Kvinnor, Män or Alla", "kön {1}: Kvinnor, Män eller Alla väntades"),
    (
        r"not a PxWeb response: expected 'columns' and 'data'",
        "inte ett svar från PxWeb: ”columns” och ”data” saknas",
    ),
    (
        r"a PxWeb population table needs Region and Tid; it has (.+)",
        "en befolkningstabell från PxWeb behöver Region och Tid; den har {1}",
    ),
    (
        r"data item (\d+): region code (.+) is not in the register",
        "datapost {1}: områdeskoden {2} finns inte i registret",
    ),
    (r"unknown layout \(columns: (.+?)\); expected (.+)", "okänd uppställning (kolumner: {1})"),
    (r"(.+) appears twice", "{1} förekommer två gånger"),
    (
        r"page (\d+): not a Kolada response \(no 'values' list\)",
        "sida {1}: inget svar från Kolada (listan ”values” saknas)",
    ),
    (
        r"The response says there are more pages \((.+)\); load them as well\.",
        "Svaret säger att det finns fler sidor ({1}); läs in dem också.",
    ),
    (
        r"(.+): expected kpi, municipality, period and values; found (.+)",
        "{1}: kpi, municipality, period och values väntades; fanns {2}",
    ),
    (r"(.+): municipality (.+) is not in the register", "{1}: kommunen {2} finns inte i registret"),
    (r"(.+): gender (.+); expected T, K or M", "{1}: kön {2}; T, K eller M väntades"),
    (
        r"(.+): value (.+) or year (.+) is not a number",
        "{1}: värdet {2} eller året {3} är inte ett tal",
    ),
    (
        r"not UTF-8 text \(byte (\d+)\); expected Kolada's JSON or CSV",
        "inte UTF-8-text (byte {1}); Koladas JSON eller CSV väntades",
    ),
    (
        r"(.+): value (.+) is not between 0 and (.+) \((\w+)\)",
        "{1}: värdet {2} ligger inte mellan 0 och {3} ({4})",
    ),
    (
        r"(.+): respondents (.+) is not a whole number between 1 and (.+)",
        "{1}: antalet svarande {2} är inte ett heltal mellan 1 och {3}",
    ),
    (r"… and (\d+) more implausible values", "… och {1} orimliga värden till"),
    (
        r"(\S+) (\d+): (\d+) values for a region that did not exist that year \((.+)\)",
        "{1} {2}: {3} värden för ett område som inte fanns det året ({4})",
    ),
    (r"(.+): given more than once in the file", "{1}: finns mer än en gång i filen"),
    (
        r"… and (\d+) more keys given more than once",
        "… och {1} nycklar till som finns mer än en gång",
    ),
    (r"… and (\d+) more", "… och {1} till"),
]
_COMPILED = [(re.compile(pattern + r"\Z", re.DOTALL), swedish) for pattern, swedish in TEMPLATES]


def translate(text: str) -> str | None:
    """The Swedish of one problem or note, None when no template matches."""
    for pattern, swedish in _COMPILED:
        match = pattern.match(text)
        if match:
            return _fill(swedish, [g or "" for g in match.groups()])
    return None


def _fill(swedish: str, groups: list[str]) -> str:
    return re.sub(r"\{(\d+)\}", lambda m: groups[int(m.group(1)) - 1], swedish)


def problem(item: Problem) -> str:
    text = translate(item.message) or f"(på engelska) {item.message}"
    return f"rad {item.line}: {text}" if item.line is not None else text


def refused(error: LoadError, shown: int = 40) -> str:
    """The whole refusal: the file, how many problems, each with its line."""
    name = error.file_name.rsplit("/", 1)[-1]
    count = len(error.problems)
    lines = [f"- {problem(p)}" for p in error.problems[:shown]]
    if count > shown:
        lines.append(f"- … och {count - shown} problem till")
    head = f"Filen ”{name}” kunde inte läsas in, och ingenting sparades: {count} problem."
    return head + "\n\n" + "\n".join(lines)


def summary(report: LoadReport) -> str:
    """What a load did, as the command line's summary says it."""
    if report.already_loaded:
        return (
            f"Filen ”{report.file_name}” är redan inläst som sats {report.batch_id}; "
            "ingenting lades till."
        )
    years = ", ".join(
        f"{y} (preliminärt)" if y in report.preliminary_years else str(y) for y in report.years
    )
    text = [
        f"Läste in ”{report.file_name}” som sats {report.batch_id}: {report.rows} rader, "
        f"{len(report.regions)} områden, år {years or '–'}."
    ]
    if report.superseded_batches:
        ids = ", ".join(str(b) for b in report.superseded_batches)
        text.append(f"Ersatte sats {ids} (den finns kvar, markerad som ersatt).")
    text.extend(translate(n) or f"(på engelska) {n}" for n in report.notes)
    return "\n\n".join(text)
