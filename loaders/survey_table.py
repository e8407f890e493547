"""From a parsed sheet (or CSV) in the template's layout to typed survey rows, collecting
every problem at once with its sheet, cell, the value found and what was expected (Swedish,
for the staff who upload).

Columns are found by their header whatever the order, case or spacing. Values are read as
people type them: ``12,5``, ``12.5``, ``12,5 %``, a percent-formatted 0,125, ``1 234`` with a
space or a non-breaking space, years as numbers or text, any spelling of a district the
register knows.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from datetime import date

from catalogue.catalogue import Catalogue
from loaders.plausible import upper_bound
from loaders.upload_parse import ParsedSheet
from store.regions import RegionResolver, UnknownRegionError

# Column → the headers it may have (compared case-insensitively, spaces collapsed).
HEADERS = {
    "district": ("stadsdelsområde", "stadsdelsomrade", "område", "sdo", "stadsdel"),
    "year": ("år", "ar", "year", "årtal"),
    "measure": ("mått", "matt", "indikator", "measure"),
    "sex": ("kön", "kon", "sex"),
    "age": ("åldersgrupp", "ålder", "aldersgrupp", "åldersklass"),
    "share": ("andel (%)", "andel", "andel %", "andel(%)", "andel i procent"),
    "respondents": ("antal svarande", "svarande", "antal svar"),
    "count": ("antal",),
    "comment": ("kommentar", "kommentarer", "anmärkning"),
    "field_from": ("fältperiod från", "fältperiod, från", "fält från", "insamling från"),
    "field_to": ("fältperiod till", "fältperiod, till", "fält till", "insamling till"),
}
TEMPLATE_HEADERS = [
    "Stadsdelsområde",
    "År",
    "Mått",
    "Kön",
    "Åldersgrupp",
    "Andel (%)",
    "Antal svarande",
    "Antal",
    "Kommentar",
    "Fältperiod från",
    "Fältperiod till",
]
REQUIRED = ("district", "year", "measure")
SEX = {
    "alla": "total",
    "totalt": "total",
    "total": "total",
    "t": "total",
    "båda": "total",
    "kvinnor": "female",
    "kvinna": "female",
    "k": "female",
    "flickor": "female",
    "män": "male",
    "man": "male",
    "m": "male",
    "pojkar": "male",
}
SEX_NAMES = {"total": "Alla", "female": "Kvinnor", "male": "Män"}
MAX_CELL_CHARS = 2000  # a comment, not a document
EXAMPLE_MARK = "exempelrad"


@dataclass(frozen=True)
class Finding:
    """A problem (level 'fel' blocks the upload) or a warning ('varning' does not)."""

    level: str
    sheet: str
    cell: str
    value: str
    message: str

    def __str__(self) -> str:
        where = f"{self.sheet}!{self.cell}" if self.cell else self.sheet
        found = f" (värde: {self.value})" if self.value else ""
        return f"{self.level}: {where}{found}: {self.message}"


@dataclass
class SurveyRow:
    line: int  # 1-based row in the sheet
    region_code: str
    region_name: str
    year: int
    measure: str
    sex: str
    age_group: str
    value: float
    respondents: float | None
    comment: str
    field_from: date | None = None  # the survey round's field period, when given
    field_to: date | None = None


MAX_FINDINGS = 1000  # listed; the rest are counted


@dataclass
class SurveyTable:
    sheet: str
    rows: list[SurveyRow] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    error_count: int = 0  # every error, listed or not
    unlisted: int = 0  # findings beyond MAX_FINDINGS

    def add(self, finding: Finding) -> None:
        """Record a finding in constant time; beyond MAX_FINDINGS only count it."""
        if finding.level == "fel":
            self.error_count += 1
        if len(self.findings) < MAX_FINDINGS:
            self.findings.append(finding)
        else:
            self.unlisted += 1

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.level == "fel"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.level == "varning"]


def column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def address(row: int, column: int) -> str:
    return f"{column_letter(column)}{row + 1}"


def _norm_header(text: object) -> str:
    return re.sub(r"\s+", " ", str(text or "")).strip().casefold()


HEADER_WITHIN = 10  # the template's header row must be among the first rows


def find_header(
    rows: list[list[object]], within: int = HEADER_WITHIN
) -> tuple[int, dict[str, int]] | None:
    """The header row (within the first ``within`` rows) and the column of each field."""
    for i, row in enumerate(rows[:within]):
        found: dict[str, int] = {}
        for j, cell in enumerate(row):
            text = _norm_header(cell)
            for key, names in HEADERS.items():
                if text in names and key not in found:
                    found[key] = j
        if sum(k in found for k in REQUIRED) >= 2:
            return i, found
    return None


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def parse_date(value: object) -> date | None:
    """2024-03-01 (a date cell arrives as its ISO text) → a date; anything else → None."""
    if isinstance(value, date):
        return value
    text = str(value or "").strip()
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}([T ][\d:.]+)?", text):
        return None
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        return None


def parse_number(value: object, percent_cell: bool = False) -> float | None:
    """12,5 · 12.5 · '12,5 %' · 1 234 (space or NBSP) · a percent-formatted 0.125 → 12.5."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value) * (100 if percent_cell else 1)
    text = str(value).strip().replace("\u00a0", " ").replace("\u202f", " ")
    text = text.rstrip("%").strip().replace(" ", "")
    if re.fullmatch(r"-?\d{1,3}(\.\d{3})+,\d+", text):  # 1.234,5
        text = text.replace(".", "")
    text = text.replace(",", ".")
    try:
        number = float(text)
    except ValueError:
        return None
    return number


class _Measures:
    def __init__(self, catalogue: Catalogue) -> None:
        self.by_key: dict[str, str] = {}
        self._suggested: dict[str, list[str]] = {}
        self.catalogue = catalogue
        for measure in catalogue.measures.values():
            if measure.upload:
                self.by_key[measure.id.casefold()] = measure.id
                self.by_key[_norm_header(measure.title)] = measure.id

    def resolve(self, text: str) -> str | None:
        return self.by_key.get(_norm_header(text))

    def suggest(self, text: str) -> list[str]:
        """The closest titles, computed once per distinct text (a misspelling repeated on
        thousands of rows costs one search)."""
        key = _norm_header(text)
        if key not in self._suggested:
            titles = {
                _norm_header(m.title): m.title for m in self.catalogue.measures.values() if m.upload
            }
            close = difflib.get_close_matches(key, titles, 3, 0.5)
            self._suggested[key] = [titles[t] for t in close]
        return self._suggested[key]


def read_table(
    parsed: ParsedSheet,
    catalogue: Catalogue,
    resolver: RegionResolver,
    *,
    this_year: int | None = None,
) -> SurveyTable:
    """Typed rows and every problem of a template-layout sheet."""
    table = SurveyTable(sheet=parsed.sheet)
    add = table.add
    sheet = parsed.sheet
    for note in parsed.notes:
        add(Finding("varning", sheet, "", "", note))

    def fail(where: str, value: str, message: str) -> None:
        add(Finding("fel", sheet, where, value, message))

    header = find_header(parsed.rows)
    if header is None:
        fail(
            "",
            "",
            "hittar ingen rubrikrad med kolumnerna "
            + ", ".join(TEMPLATE_HEADERS)
            + " (använd mallen)",
        )
        return table
    header_row, columns = header
    for key in REQUIRED:
        if key not in columns:
            names = {"district": "Stadsdelsområde", "year": "År", "measure": "Mått"}
            fail(
                address(header_row, 0),
                "",
                f"kolumnen {names[key]} saknas i rubrikraden",
            )
    if table.errors:
        return table
    rows = [list(r) for r in parsed.rows]
    for r1, c1, r2, c2 in parsed.merged:
        if r2 <= header_row:
            continue
        top_left = rows[r1][c1] if r1 < len(rows) and c1 < len(rows[r1]) else None
        for r in range(r1, min(r2, len(rows) - 1) + 1):
            for c in range(c1, c2 + 1):
                if c < len(rows[r]):
                    rows[r][c] = top_left
        add(
            Finding(
                "varning",
                sheet,
                f"{address(r1, c1)}:{address(r2, c2)}",
                _text(top_left),
                "sammanfogade celler: värdet i den övre vänstra cellen används för alla",
            )
        )
    measures = _Measures(catalogue)
    age_groups = {_dash(a).casefold(): _dash(a) for a in catalogue.age_groups}
    this_year = this_year or date.today().year
    seen: dict[tuple[str, int, str, str, str], int] = {}
    unknown_regions: dict[str, str] = {}
    rounds: dict[tuple[str, int], tuple[date, date, int]] = {}  # (source, year) → period, row

    def cell(r: int, key: str) -> tuple[object, str]:
        j = columns.get(key)
        if j is None:
            return None, ""
        value = rows[r][j] if j < len(rows[r]) else None
        return value, address(r, j)

    for r in range(header_row + 1, len(rows)):
        if all(_text(v) == "" for v in rows[r]):
            continue
        for j, raw in enumerate(rows[r]):
            if isinstance(raw, str) and len(raw) > MAX_CELL_CHARS:
                fail(
                    address(r, j),
                    raw[:30] + "…",
                    f"texten är för lång ({len(raw)} tecken; högst {MAX_CELL_CHARS})",
                )
        for j in range(len(rows[r])):
            if (r, j) in parsed.no_value:
                fail(
                    address(r, j),
                    "",
                    "cellen har en formel utan "
                    "beräknat värde; öppna filen i Excel eller LibreOffice, låt den "
                    "räkna om och spara igen",
                )
        errors_before = table.error_count
        comment_value, _ = cell(r, "comment")
        if _text(comment_value).casefold().startswith(EXAMPLE_MARK):
            fail(
                address(r, 0),
                _text(comment_value),
                "mallens exempelrad finns kvar; ta bort den eller skriv över den",
            )
            continue
        # District
        value, where = cell(r, "district")
        district_where = where
        name = _text(value)
        region_code = region_name = ""
        if not name:
            fail(where, "", "stadsdelsområde saknas")
        else:
            try:
                region = resolver.resolve(name).region
                if region.kind not in ("district", "city"):
                    fail(
                        where,
                        name,
                        "ska vara ett stadsdelsområde eller "
                        "Hela staden, inte en kommun eller ett län",
                    )
                region_code, region_name = region.code, region.name
            except UnknownRegionError as exc:
                if name not in unknown_regions:
                    unknown_regions[name] = where
                    hint = ", ".join(exc.suggestions) or "inga liknande namn"
                    fail(where, name, f"okänt stadsdelsområde; närmast: {hint}")
                else:
                    fail(
                        where,
                        name,
                        f"okänt stadsdelsområde (se {unknown_regions[name]})",
                    )
        # Year
        value, where = cell(r, "year")
        year_number = parse_number(value)
        year = int(year_number) if year_number is not None and year_number.is_integer() else None
        if year is None:
            fail(where, _text(value), "året ska vara ett årtal, t.ex. 2024")
        elif not 2000 <= year <= this_year:
            fail(where, _text(value), f"året ska vara mellan 2000 och {this_year}")
        elif region_code and resolver.lifetimes is not None:
            gone = resolver.lifetimes.not_existing(region_code, year)
            if gone:
                fail(district_where, name, gone)
        # Measure
        value, where = cell(r, "measure")
        measure = measures.resolve(_text(value))
        if measure is None:
            hint = ", ".join(measures.suggest(_text(value))) or "se listan i mallen"
            fail(
                where,
                _text(value),
                f"måttet finns inte i indikatorkatalogen; närmast: {hint}",
            )
        kind = catalogue.measures[measure].kind if measure else None
        # Sex and age
        value, where = cell(r, "sex")
        sex = SEX.get(_text(value).casefold() or "alla")
        if sex is None:
            fail(where, _text(value), "kön ska vara Alla, Kvinnor eller Män")
        value, where = cell(r, "age")
        age_text = _dash(_text(value))
        age = (
            "all"
            if age_text.casefold() in ("", "alla", "totalt")
            else (age_groups.get(age_text.casefold()))
        )
        if age is None:
            fail(
                where,
                _text(value),
                f"okänd åldersgrupp; använd Alla eller någon av {', '.join(catalogue.age_groups)}",
            )
        # Values
        share_value, share_where = cell(r, "share")
        share_cell = columns.get("share")
        share_percent = share_cell is not None and (r, share_cell) in parsed.percent
        share = parse_number(share_value, share_percent)
        resp_value, resp_where = cell(r, "respondents")
        respondents = parse_number(resp_value)
        count_value, count_where = cell(r, "count")
        count = parse_number(count_value)
        for raw, parsed_number, where in (
            (share_value, share, share_where),
            (resp_value, respondents, resp_where),
            (count_value, count, count_where),
        ):
            if _text(raw) and parsed_number is None:
                fail(where, _text(raw), "är inte ett tal")
        number: float | None = None
        if kind in ("share", "index"):
            if count is not None:
                fail(
                    count_where,
                    _text(count_value),
                    "måttet är en andel: fyll i Andel (%) och Antal svarande, inte Antal",
                )
            upper = 6 if kind == "index" else 100
            if share is None:
                fail(
                    share_where,
                    "",
                    "andelen saknas"
                    if kind == "share"
                    else "indexvärdet (i kolumnen Andel) saknas",
                )
            elif not 0 <= share <= upper:
                fail(
                    share_where,
                    _text(share_value),
                    f"ska vara mellan 0 och {upper}",
                )
            most = catalogue.bounds.respondents
            if respondents is None:
                fail(resp_where, "", "antal svarande saknas")
            elif respondents < 1 or not respondents.is_integer():
                fail(
                    resp_where,
                    _text(resp_value),
                    "antal svarande ska vara ett heltal, minst 1",
                )
            elif respondents > most:
                fail(
                    resp_where,
                    _text(resp_value),
                    f"antal svarande är orimligt stort (högst {_whole(most)})",
                )
            elif kind == "share" and share is not None and not _possible_share(share, respondents):
                fail(
                    share_where,
                    _text(share_value),
                    f"andelen kan inte komma från {_whole(respondents)} svarande "
                    f"(möjliga andelar: {_possible_shares(respondents)})",
                )
            number = share
        elif kind == "count":
            if share is not None:
                fail(
                    share_where,
                    _text(share_value),
                    "måttet är ett antal: fyll i Antal, inte Andel (%)",
                )
            if count is None:
                fail(count_where, "", "antalet saknas")
            elif count < 0 or not count.is_integer():
                fail(
                    count_where,
                    _text(count_value),
                    "antalet ska vara ett heltal, 0 eller mer",
                )
            elif count > (most_count := upper_bound(catalogue, measure or "", "count")):
                fail(
                    count_where,
                    _text(count_value),
                    f"antalet är orimligt stort för måttet (högst {_whole(most_count)})",
                )
            number, respondents = count, None
        # Field period (optional): both dates, in order, in the survey's year, and one per
        # survey round (source and year) in the file.
        from_value, from_where = cell(r, "field_from")
        to_value, to_where = cell(r, "field_to")
        field_from, field_to = parse_date(from_value), parse_date(to_value)
        for raw, parsed_date, where in (
            (from_value, field_from, from_where),
            (to_value, field_to, to_where),
        ):
            if _text(raw) and parsed_date is None:
                fail(where, _text(raw), "ska vara ett datum, t.ex. 2024-03-01")
        if bool(_text(from_value)) != bool(_text(to_value)):
            where = to_where if _text(from_value) else from_where
            fail(where or from_where, "", "fältperioden behöver både ett från- och ett tilldatum")
        elif field_from and field_to:
            if field_from > field_to:
                fail(to_where, _text(to_value), "fältperioden slutar före den börjar")
            elif year is not None and year not in (field_from.year, field_to.year):
                fail(from_where, _text(from_value), f"fältperioden ska ligga i året {year}")
            elif measure is not None and year is not None:
                round_key = (catalogue.measures[measure].source, year)
                earlier = rounds.setdefault(round_key, (field_from, field_to, r + 1))
                if earlier[:2] != (field_from, field_to):
                    fail(
                        from_where,
                        _text(from_value),
                        f"fältperioden {field_from}–{field_to} skiljer sig från rad "
                        f"{earlier[2]} ({earlier[0]}–{earlier[1]}): samma undersökning och år "
                        "ska ha samma fältperiod",
                    )
        if table.error_count > errors_before or measure is None or year is None:
            continue
        key = (region_code, year, measure, sex or "", age or "")
        if key in seen:
            fail(
                address(r, columns["district"]),
                region_name,
                f"raden upprepar rad {seen[key]} (samma område, år, mått, kön och åldersgrupp)",
            )
            continue
        seen[key] = r + 1
        assert number is not None and sex is not None and age is not None
        table.rows.append(
            SurveyRow(
                r + 1,
                region_code,
                region_name,
                year,
                measure,
                sex,
                age,
                number,
                respondents,
                _text(comment_value),
                field_from,
                field_to,
            )
        )
    if table.unlisted:
        table.findings.append(
            Finding("fel", sheet, "", "", f"… och {table.unlisted} problem till som inte listas")
        )
    if not table.rows and not table.error_count:
        fail("", "", "filen har inga datarader under rubrikraden")
    shares = [row.value for row in table.rows if catalogue.measures[row.measure].kind == "share"]
    if shares and max(shares) <= 1 and not parsed.percent:
        add(
            Finding(
                "varning",
                sheet,
                "",
                "",
                "alla andelar är högst 1: är de skrivna som bråk "
                "(0,125) i stället för procent (12,5)?",
            )
        )
    _mixed_share_warnings(table, catalogue)
    return table


def _mixed_share_warnings(table: SurveyTable, catalogue: Catalogue) -> None:
    """A share under 1 among shares of the same measure written in percent (0,45 beside 45)
    is probably a fraction: a warning on its row (at most 20)."""
    by_measure: dict[str, list[SurveyRow]] = {}
    for row in table.rows:
        if catalogue.measures[row.measure].kind == "share":
            by_measure.setdefault(row.measure, []).append(row)
    warned = 0
    for rows in by_measure.values():
        values = sorted(r.value for r in rows)
        if len(values) < 3 or values[len(values) // 2] <= 1:
            continue  # most of the measure's shares are not in percent
        for row in rows:
            if 0 < row.value < 1 and warned < 20:
                shown = f"{row.value:g}".replace(".", ",")
                table.add(
                    Finding(
                        "varning", table.sheet, f"rad {row.line}", shown,
                        "andelen är under 1 medan måttets andra andelar är skrivna i procent: "
                        f"menas {row.value * 100:g} %?".replace(".", ","),
                    )
                )  # fmt: skip
                warned += 1


SMALL_SAMPLE = 10  # below this many respondents a share must be a possible fraction


def _whole(number: float) -> str:
    return f"{number:,.0f}".replace(",", "\u00a0")


def _possible_share(share: float, respondents: float) -> bool:
    """With few respondents only some shares can occur (k of n, rounded to one decimal);
    weighting cannot explain 45,5 % of 3 respondents."""
    if respondents >= SMALL_SAMPLE:
        return True
    n = int(respondents)
    return any(abs(100 * k / n - share) <= 0.5 for k in range(n + 1))


def _possible_shares(respondents: float) -> str:
    n = int(respondents)
    return ", ".join(f"{100 * k / n:.1f}".replace(".", ",") for k in range(n + 1))


def _dash(text: str) -> str:
    return re.sub(r"\s*[-‐‑‒–—]\s*", "–", text.strip())
