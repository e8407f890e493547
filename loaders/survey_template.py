"""The Excel template staff fill in (``python -m loaders template survey OUT.xlsx`` and the
download button on the upload page): a Swedish instructions sheet, a data sheet with the
template's columns, drop-down lists (districts of today and earlier, the catalogue's survey
and activity measures by their Swedish titles, sex, age band), number checks, a frozen header
and example rows."""

from __future__ import annotations

import io

from catalogue.catalogue import Catalogue
from loaders.survey_cells import TEMPLATE_HEADERS
from loaders.survey_types import EXAMPLE_MARK

ROWS = 2000  # rows the drop-downs and checks cover
WIDTHS = [26, 8, 60, 10, 14, 12, 16, 10, 40, 16, 16]

INSTRUCTIONS = [
    "Mall för uppladdning av enkätresultat och aktivitetsuppgifter",
    "",
    "Så här fyller du i bladet Data:",
    "• En rad per stadsdelsområde, år, mått, kön och åldersgrupp.",
    "• Stadsdelsområde: välj i listan (dagens och tidigare namn går bra), eller Hela staden.",
    "• År: det år mätningen gäller, t.ex. 2024.",
    "• Mått: välj i listan. Listan innehåller indikatorkatalogens enkät- och aktivitetsmått.",
    "• Kön: Alla, Kvinnor eller Män. Åldersgrupp: Alla eller en åldersgrupp i listan.",
    "• Andelar (enkäter): fyll i Andel (%) – t.ex. 12,5 – och Antal svarande (heltal, minst 1).",
    "  För index (0–6) skrivs indexvärdet i kolumnen Andel (%).",
    "• Antal (aktiviteter, t.ex. trygghetsvandringar): fyll i Antal, lämna andel tomt.",
    "• Kommentar är frivillig.",
    "• Fältperiod från och till (frivilligt): när undersökningen samlade in svaren, t.ex. "
    "2024-03-04 och 2024-04-15. Samma för alla rader från samma undersökning och år.",
    "• Raderna som börjar med 'Exempelrad' i kommentaren är exempel: skriv över eller ta bort dem.",
    "",
    "Innan något sparas visas en förhandsgranskning: nya värden, värden som ersätter lagrade "
    "och varningar. Varje uppladdning kan ångras.",
    "Små tal visas aldrig: andelar med färre än 30 svarande och antal under tröskeln döljs "
    "i alla vyer.",
]


def _district_names(districts: list[str]) -> list[str]:
    return [*districts, "Hela staden"]


def build(catalogue: Catalogue, districts: list[str]) -> bytes:
    """The template as .xlsx bytes. ``districts``: names of today's and earlier districts."""
    # openpyxl is imported here, not at the top: every load imports this module.
    from openpyxl import Workbook

    workbook = Workbook()
    _instructions(workbook)
    measures = sorted(
        (m for m in catalogue.measures.values() if m.upload), key=lambda m: (m.source, m.title)
    )
    names = _district_names(districts)
    _lists(workbook, catalogue, names, measures)
    data = _data_sheet(workbook, districts, measures)
    _validations(data, len(names) + 1, len(measures), len(catalogue.age_groups))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _instructions(workbook: object) -> None:
    from openpyxl.styles import Font

    info = workbook.active  # type: ignore[attr-defined]
    assert info is not None
    info.title = "Instruktioner"
    for i, line in enumerate(INSTRUCTIONS, start=1):
        info.cell(row=i, column=1, value=line)
    info["A1"].font = Font(bold=True, size=14)
    info.column_dimensions["A"].width = 110


def _lists(workbook: object, catalogue: Catalogue, names: list[str], measures: list) -> None:
    """The hidden sheet the drop-downs read: districts, measures, sexes, age bands, ids."""
    lists = workbook.create_sheet("Listor")  # type: ignore[attr-defined]
    columns = {
        "A": ("Stadsdelsområde", names),
        "B": ("Mått", [m.title for m in measures]),
        "C": ("Kön", ["Alla", "Kvinnor", "Män"]),
        "D": ("Åldersgrupp", ["Alla", *catalogue.age_groups]),
        "E": ("Måttets id", [m.id for m in measures]),
    }
    for letter, (title, values) in columns.items():
        lists[f"{letter}1"] = title
        for i, value in enumerate(values, start=2):
            lists[f"{letter}{i}"] = value
    lists.sheet_state = "hidden"


def _data_sheet(workbook: object, districts: list[str], measures: list) -> object:
    """The sheet staff fill in: its header and three example rows to write over."""
    from openpyxl.styles import Alignment, Font, PatternFill

    data = workbook.create_sheet("Data", 0)  # type: ignore[attr-defined]
    workbook.active = 0  # type: ignore[attr-defined]
    data.append(TEMPLATE_HEADERS)
    header_fill = PatternFill("solid", fgColor="DDE7F0")
    for j, cell in enumerate(data[1]):
        cell.font = Font(bold=True)
        cell.fill = header_fill
        cell.alignment = Alignment(wrap_text=True)
        data.column_dimensions[cell.column_letter].width = WIDTHS[j]
    data.freeze_panes = "A2"
    share = next(m for m in measures if m.kind == "share")
    count = next(m for m in measures if m.kind == "count")
    note = f"{EXAMPLE_MARK.capitalize()} – skriv över eller ta bort"
    examples = [
        [districts[0], 2024, share.title, "Alla", "Alla", 14.5, 412, None, note],
        [districts[0], 2024, share.title, "Kvinnor", "Alla", 19.2, 221, None, note],
        [districts[0], 2024, count.title, "Alla", "Alla", None, None, 12, note],
    ]
    for row in examples:
        data.append(row)
    return data


def _validations(data: object, n_districts: int, n_measures: int, n_ages: int) -> None:
    """Excel's own checks on each column (the upload checks everything again)."""
    from openpyxl.worksheet.datavalidation import DataValidation

    last = ROWS + 1
    rules: list[tuple[str, str, str, str, dict[str, object]]] = [
        ("list", f"=Listor!$A$2:$A${n_districts}", f"A2:A{last}",
         "Välj ett stadsdelsområde i listan.", {}),
        ("whole", "2000", f"B2:B{last}", "Året ska vara ett årtal från 2000.",
         {"operator": "greaterThanOrEqual"}),
        ("list", f"=Listor!$B$2:$B${n_measures + 1}", f"C2:C{last}", "Välj ett mått i listan.", {}),
        ("list", "=Listor!$C$2:$C$4", f"D2:D{last}", "Välj Alla, Kvinnor eller Män.", {}),
        ("list", f"=Listor!$D$2:$D${n_ages + 2}", f"E2:E{last}",
         "Välj en åldersgrupp i listan.", {}),
        ("decimal", "0", f"F2:F{last}", "Andelen ska vara mellan 0 och 100.",
         {"operator": "between", "formula2": "100"}),
        ("whole", "1", f"G2:G{last}", "Antal svarande ska vara ett heltal, minst 1.",
         {"operator": "greaterThanOrEqual"}),
        ("whole", "0", f"H2:H{last}", "Antal ska vara ett heltal, 0 eller mer.",
         {"operator": "greaterThanOrEqual"}),
        ("date", "DATE(2000,1,1)", f"J2:K{last}", "Fältperioden ska vara datum, t.ex. 2024-03-04.",
         {"operator": "greaterThanOrEqual"}),
    ]  # fmt: skip
    for kind, formula, cells, message, extra in rules:
        rule = DataValidation(
            type=kind,
            formula1=formula,
            allow_blank=True,
            showErrorMessage=True,
            error=message,
            errorTitle="Ogiltigt värde",
            **extra,
        )  # type: ignore[arg-type]
        rule.add(cells)
        data.add_data_validation(rule)  # type: ignore[attr-defined]
    for row in data.iter_rows(min_row=2, max_row=last, min_col=10, max_col=11):  # type: ignore[attr-defined]
        for cell in row:
            cell.number_format = "yyyy-mm-dd"
