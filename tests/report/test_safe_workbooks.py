"""The local agreement's workbook goes through the one writer of downloads (issue 34): a
note or a name typed as a formula is text in the file, quote-prefixed, and reads back as it
was typed."""

from __future__ import annotations

import io
from datetime import date

from openpyxl import load_workbook

from service import local, local_excel

JARVA = "80132"
TYPED = '=HYPERLINK("http://example.invalid/x","Klicka här")'


def test_typed_formulas_in_an_agreement_stay_text() -> None:
    agreement = local.Agreement(
        district=JARVA,
        title="+Lokal överenskommelse",
        police_areas=("jarva",),
        valid_from=date(2022, 1, 1),
        valid_to=None,
        revision_date=date(2025, 12, 31),
        areas=(local.LocalArea("L1", "Skolan", "@beskrivning", ("unga",), ()),),
        members=(local.Member("Ordförande", "-Sara Stad", "stad", "sara@example.se", True),),
        meetings=(local.Meeting(date(2026, 3, 12), TYPED),),
    )
    book = load_workbook(io.BytesIO(local_excel.to_excel(agreement, {JARVA: "Järva"})))
    found = {}
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value[:1] in "=+-@":
                    found[cell.value] = (cell.data_type, cell.quotePrefix)
    assert found == {
        TYPED: ("s", True),
        "+Lokal överenskommelse": ("s", True),
        "@beskrivning": ("s", True),
        "-Sara Stad": ("s", True),
    }
    assert book["Möten"]["B2"].value == TYPED and book["Möten"]["A2"].number_format == "yyyy-mm-dd"
