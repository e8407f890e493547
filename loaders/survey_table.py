"""From a parsed sheet (or CSV) in the template's layout to typed survey rows, collecting
every problem at once with its sheet, cell, the value found and what was expected (Swedish,
for the staff who upload).

Columns are found by their header whatever the order, case or spacing. Values are read as
people type them: ``12,5``, ``12.5``, ``12,5 %``, a percent-formatted 0,125, ``1 234`` with a
space or a non-breaking space, years as numbers or text, any spelling of a district the
register knows.
"""

from __future__ import annotations

from datetime import date

from catalogue.catalogue import Catalogue
from loaders.plausible import upper_bound
from loaders.survey_cells import (
    REQUIRED,
    TEMPLATE_HEADERS,
    UploadMeasures,
    address,
    cell_text,
    dashed,
    find_header,
    parse_date,
    parse_number,
    possible_share,
    possible_shares,
    whole,
)
from loaders.survey_types import EXAMPLE_MARK, MAX_CELL_CHARS, SEX, Finding, SurveyRow, SurveyTable
from loaders.upload_parse import ParsedSheet
from store.regions import DISTRICT_KINDS, RegionResolver, UnknownRegionError


def read_table(
    parsed: ParsedSheet,
    catalogue: Catalogue,
    resolver: RegionResolver,
    *,
    this_year: int | None = None,
) -> SurveyTable:
    """Typed rows and every problem of a template-layout sheet: the header found, merged
    cells filled, each row read and checked (``_Rows``), then what only the whole file shows."""
    table = SurveyTable(sheet=parsed.sheet)
    for note in parsed.notes:
        table.add(Finding("varning", parsed.sheet, "", "", note))
    header = _header(table, parsed)
    if header is None:
        return table
    header_row, columns = header
    rows = _unmerged(table, parsed, header_row)
    reader = _Rows(table, parsed, rows, columns, catalogue, resolver, this_year)
    for r in range(header_row + 1, len(rows)):
        if any(cell_text(v) != "" for v in rows[r]):
            reader.read(r)
    _whole_file(table, parsed, catalogue)
    return table


def _header(table: SurveyTable, parsed: ParsedSheet) -> tuple[int, dict[str, int]] | None:
    """The header row and its columns; None (with the problem) when it is not there."""
    header = find_header(parsed.rows)
    if header is None:
        table.add(
            Finding(
                "fel",
                parsed.sheet,
                "",
                "",
                "hittar ingen rubrikrad med kolumnerna "
                + ", ".join(TEMPLATE_HEADERS)
                + " (använd mallen)",
            )
        )
        return None
    header_row, columns = header
    names = {"district": "Stadsdelsområde", "year": "År", "measure": "Mått"}
    for key in REQUIRED:
        if key not in columns:
            table.add(
                Finding(
                    "fel",
                    parsed.sheet,
                    address(header_row, 0),
                    "",
                    f"kolumnen {names[key]} saknas i rubrikraden",
                )
            )
    return None if table.errors else header


def _unmerged(table: SurveyTable, parsed: ParsedSheet, header_row: int) -> list[list[object]]:
    """The rows with every merged range below the header filled with its top-left value
    (and a warning per range)."""
    rows = [list(r) for r in parsed.rows]
    for r1, c1, r2, c2 in parsed.merged:
        if r2 <= header_row:
            continue
        top_left = rows[r1][c1] if r1 < len(rows) and c1 < len(rows[r1]) else None
        for r in range(r1, min(r2, len(rows) - 1) + 1):
            for c in range(c1, c2 + 1):
                if c < len(rows[r]):
                    rows[r][c] = top_left
        table.add(
            Finding(
                "varning",
                parsed.sheet,
                f"{address(r1, c1)}:{address(r2, c2)}",
                cell_text(top_left),
                "sammanfogade celler: värdet i den övre vänstra cellen används för alla",
            )
        )
    return rows


def _whole_file(table: SurveyTable, parsed: ParsedSheet, catalogue: Catalogue) -> None:
    """What only the whole file shows: problems not listed, no data rows, shares that all
    look like fractions, a fraction among percentages."""
    if table.unlisted:
        table.findings.append(
            Finding(
                "fel", parsed.sheet, "", "", f"… och {table.unlisted} problem till som inte listas"
            )
        )
    if not table.rows and not table.error_count:
        table.add(
            Finding("fel", parsed.sheet, "", "", "filen har inga datarader under rubrikraden")
        )
    shares = [row.value for row in table.rows if catalogue.measures[row.measure].kind == "share"]
    if shares and max(shares) <= 1 and not parsed.percent:
        table.add(
            Finding(
                "varning",
                parsed.sheet,
                "",
                "",
                "alla andelar är högst 1: är de skrivna som bråk "
                "(0,125) i stället för procent (12,5)?",
            )
        )
    _mixed_share_warnings(table, catalogue)


class _Rows:
    """Reads the data rows one by one: each field checked where it is, a row kept only when
    it has no error and repeats no earlier row."""

    def __init__(
        self,
        table: SurveyTable,
        parsed: ParsedSheet,
        rows: list[list[object]],
        columns: dict[str, int],
        catalogue: Catalogue,
        resolver: RegionResolver,
        this_year: int | None,
    ) -> None:
        self.table, self.parsed, self.rows, self.columns = table, parsed, rows, columns
        self.catalogue, self.resolver = catalogue, resolver
        self.measures = UploadMeasures(catalogue)
        self.age_groups = {dashed(a).casefold(): dashed(a) for a in catalogue.age_groups}
        self.this_year = this_year or date.today().year
        self.seen: dict[tuple[str, int, str, str, str], int] = {}
        self.unknown_regions: dict[str, str] = {}
        self.rounds: dict[
            tuple[str, int], tuple[date, date, int]
        ] = {}  # (source, year) → period, row

    def fail(self, where: str, value: str, message: str) -> None:
        self.table.add(Finding("fel", self.parsed.sheet, where, value, message))

    def cell(self, r: int, key: str) -> tuple[object, str]:
        j = self.columns.get(key)
        if j is None:
            return None, ""
        value = self.rows[r][j] if j < len(self.rows[r]) else None
        return value, address(r, j)

    def read(self, r: int) -> None:
        self._cells(r)
        errors_before = self.table.error_count
        comment_value, _ = self.cell(r, "comment")
        if cell_text(comment_value).casefold().startswith(EXAMPLE_MARK):
            self.fail(
                address(r, 0),
                cell_text(comment_value),
                "mallens exempelrad finns kvar; ta bort den eller skriv över den",
            )
            return
        region_code, region_name, name, district_where = self._district(r)
        year = self._year(r, region_code, name, district_where)
        measure = self._measure(r)
        kind = self.catalogue.measures[measure].kind if measure else None
        sex, age = self._sex_and_age(r)
        number, respondents = self._value(r, kind, measure)
        field_from, field_to = self._field_period(r, year, measure)
        if self.table.error_count > errors_before or measure is None or year is None:
            return
        key = (region_code, year, measure, sex or "", age or "")
        if key in self.seen:
            self.fail(
                address(r, self.columns["district"]),
                region_name,
                f"raden upprepar rad {self.seen[key]} (samma område, år, mått, kön och "
                "åldersgrupp)",
            )
            return
        self.seen[key] = r + 1
        assert number is not None and sex is not None and age is not None
        self.table.rows.append(
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
                cell_text(comment_value),
                field_from,
                field_to,
            )
        )

    def _cells(self, r: int) -> None:
        """Cells no value can come from: text too long, a formula without its value."""
        for j, raw in enumerate(self.rows[r]):
            if isinstance(raw, str) and len(raw) > MAX_CELL_CHARS:
                self.fail(
                    address(r, j),
                    raw[:30] + "…",
                    f"texten är för lång ({len(raw)} tecken; högst {MAX_CELL_CHARS})",
                )
        for j in range(len(self.rows[r])):
            if (r, j) in self.parsed.no_value:
                self.fail(
                    address(r, j),
                    "",
                    "cellen har en formel utan beräknat värde; öppna "
                    "filen i Excel eller LibreOffice, låt den räkna om och spara igen",
                )

    def _district(self, r: int) -> tuple[str, str, str, str]:
        """The row's district or the city (code, name), as the register knows it."""
        value, where = self.cell(r, "district")
        name = cell_text(value)
        region_code = region_name = ""
        if not name:
            self.fail(where, "", "stadsdelsområde saknas")
            return region_code, region_name, name, where
        try:
            region = self.resolver.resolve(name, DISTRICT_KINDS).region
            if region.kind not in ("district", "city"):
                self.fail(
                    where,
                    name,
                    "ska vara ett stadsdelsområde eller Hela staden, inte en kommun eller ett län",
                )
            region_code, region_name = region.code, region.name
        except UnknownRegionError as exc:
            if name not in self.unknown_regions:
                self.unknown_regions[name] = where
                hint = ", ".join(exc.suggestions) or "inga liknande namn"
                self.fail(where, name, f"okänt stadsdelsområde; närmast: {hint}")
            else:
                self.fail(where, name, f"okänt stadsdelsområde (se {self.unknown_regions[name]})")
        return region_code, region_name, name, where

    def _year(self, r: int, region_code: str, name: str, district_where: str) -> int | None:
        """The year: a whole year from 2000 to this one, in which the district existed."""
        value, where = self.cell(r, "year")
        year_number = parse_number(value)
        year = int(year_number) if year_number is not None and year_number.is_integer() else None
        if year is None:
            self.fail(where, cell_text(value), "året ska vara ett årtal, t.ex. 2024")
        elif not 2000 <= year <= self.this_year:
            self.fail(where, cell_text(value), f"året ska vara mellan 2000 och {self.this_year}")
        elif region_code and self.resolver.lifetimes is not None:
            gone = self.resolver.lifetimes.not_existing(region_code, year)
            if gone:
                self.fail(district_where, name, gone)
        return year

    def _measure(self, r: int) -> str | None:
        value, where = self.cell(r, "measure")
        measure = self.measures.resolve(cell_text(value))
        if measure is None:
            hint = ", ".join(self.measures.suggest(cell_text(value))) or "se listan i mallen"
            self.fail(
                where, cell_text(value), f"måttet finns inte i indikatorkatalogen; närmast: {hint}"
            )
        return measure

    def _sex_and_age(self, r: int) -> tuple[str | None, str | None]:
        value, where = self.cell(r, "sex")
        sex = SEX.get(cell_text(value).casefold() or "alla")
        if sex is None:
            self.fail(where, cell_text(value), "kön ska vara Alla, Kvinnor eller Män")
        value, where = self.cell(r, "age")
        age_text = dashed(cell_text(value))
        all_ages = age_text.casefold() in ("", "alla", "totalt")
        age = "all" if all_ages else self.age_groups.get(age_text.casefold())
        if age is None:
            self.fail(
                where,
                cell_text(value),
                "okänd åldersgrupp; använd Alla eller någon av "
                f"{', '.join(self.catalogue.age_groups)}",
            )
        return sex, age

    def _value(
        self, r: int, kind: str | None, measure: str | None
    ) -> tuple[float | None, float | None]:
        """The row's value and respondents, as the measure's kind wants them."""
        share_value, share_where = self.cell(r, "share")
        share_cell = self.columns.get("share")
        share_percent = share_cell is not None and (r, share_cell) in self.parsed.percent
        share = parse_number(share_value, share_percent)
        resp_value, resp_where = self.cell(r, "respondents")
        respondents = parse_number(resp_value)
        count_value, count_where = self.cell(r, "count")
        count = parse_number(count_value)
        for raw, parsed_number, where in (
            (share_value, share, share_where),
            (resp_value, respondents, resp_where),
            (count_value, count, count_where),
        ):
            if cell_text(raw) and parsed_number is None:
                self.fail(where, cell_text(raw), "är inte ett tal")
        if kind in ("share", "index"):
            if count is not None:
                self.fail(
                    count_where,
                    cell_text(count_value),
                    "måttet är en andel: fyll i Andel (%) och Antal svarande, inte Antal",
                )
            self._share(kind, share, share_value, share_where)
            self._respondents(
                kind, share, share_value, share_where, respondents, resp_value, resp_where
            )
            return share, respondents
        if kind == "count":
            if share is not None:
                self.fail(
                    share_where,
                    cell_text(share_value),
                    "måttet är ett antal: fyll i Antal, inte Andel (%)",
                )
            self._count(count, count_value, count_where, measure)
            return count, None
        return None, respondents

    def _share(self, kind: str, share: float | None, raw: object, where: str) -> None:
        upper = 6 if kind == "index" else 100
        if share is None:
            missing = (
                "andelen saknas" if kind == "share" else "indexvärdet (i kolumnen Andel) saknas"
            )
            self.fail(where, "", missing)
        elif not 0 <= share <= upper:
            self.fail(where, cell_text(raw), f"ska vara mellan 0 och {upper}")

    def _respondents(
        self,
        kind: str,
        share: float | None,
        share_raw: object,
        share_where: str,
        respondents: float | None,
        raw: object,
        where: str,
    ) -> None:
        most = self.catalogue.bounds.respondents
        if respondents is None:
            self.fail(where, "", "antal svarande saknas")
        elif respondents < 1 or not respondents.is_integer():
            self.fail(where, cell_text(raw), "antal svarande ska vara ett heltal, minst 1")
        elif respondents > most:
            self.fail(
                where, cell_text(raw), f"antal svarande är orimligt stort (högst {whole(most)})"
            )
        elif kind == "share" and share is not None and not possible_share(share, respondents):
            self.fail(
                share_where,
                cell_text(share_raw),
                f"andelen kan inte komma från {whole(respondents)} svarande "
                f"(möjliga andelar: {possible_shares(respondents)})",
            )

    def _count(self, count: float | None, raw: object, where: str, measure: str | None) -> None:
        if count is None:
            self.fail(where, "", "antalet saknas")
        elif count < 0 or not count.is_integer():
            self.fail(where, cell_text(raw), "antalet ska vara ett heltal, 0 eller mer")
        elif count > (most := upper_bound(self.catalogue, measure or "", "count")):
            self.fail(
                where, cell_text(raw), f"antalet är orimligt stort för måttet (högst {whole(most)})"
            )

    def _field_period(
        self, r: int, year: int | None, measure: str | None
    ) -> tuple[date | None, date | None]:
        """The field period (optional): both dates, in order, in the survey's year, and one
        per survey round (source and year) in the file."""
        from_value, from_where = self.cell(r, "field_from")
        to_value, to_where = self.cell(r, "field_to")
        field_from, field_to = parse_date(from_value), parse_date(to_value)
        for raw, parsed_date, where in (
            (from_value, field_from, from_where),
            (to_value, field_to, to_where),
        ):
            if cell_text(raw) and parsed_date is None:
                self.fail(where, cell_text(raw), "ska vara ett datum, t.ex. 2024-03-01")
        if bool(cell_text(from_value)) != bool(cell_text(to_value)):
            where = to_where if cell_text(from_value) else from_where
            self.fail(
                where or from_where, "", "fältperioden behöver både ett från- och ett tilldatum"
            )
        elif field_from and field_to:
            if field_from > field_to:
                self.fail(to_where, cell_text(to_value), "fältperioden slutar före den börjar")
            elif year is not None and year not in (field_from.year, field_to.year):
                self.fail(
                    from_where, cell_text(from_value), f"fältperioden ska ligga i året {year}"
                )
            elif measure is not None and year is not None:
                round_key = (self.catalogue.measures[measure].source, year)
                earlier = self.rounds.setdefault(round_key, (field_from, field_to, r + 1))
                if earlier[:2] != (field_from, field_to):
                    self.fail(
                        from_where,
                        cell_text(from_value),
                        f"fältperioden {field_from}–{field_to} skiljer sig från rad "
                        f"{earlier[2]} ({earlier[0]}–{earlier[1]}): samma undersökning "
                        "och år ska ha samma fältperiod",
                    )
        return field_from, field_to


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
