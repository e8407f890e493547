"""Build the upload test fixtures (tests/fixtures/uploads/ and tests/fixtures/with-problems/).

    python tools/build_upload_fixtures.py

Good files: one survey table written by openpyxl (an Excel-style writer), the same table saved
by LibreOffice Calc as .xlsx, .ods and .xls (needs `soffice` on the PATH; run once, the
results are committed), and as CSV in UTF-8 with ';' and Windows-1252 with ','. Broken files:
one per problem the upload must name (cell or cause). The encrypted workbook is made with
msoffcrypto-tool, which is needed only here.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from openpyxl import Workbook

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from loaders.survey_cells import TEMPLATE_HEADERS

ROOT = Path(__file__).resolve().parent.parent
GOOD = ROOT / "tests" / "fixtures" / "uploads"
BAD = ROOT / "tests" / "fixtures" / "with-problems"
HEADER = TEMPLATE_HEADERS
OTRYGG = "Otrygg ute ensam sent en kväll i det egna området"
VANDRING = "Genomförda trygghetsvandringar"
ROWS = [
    ["Bromma", 2023, OTRYGG, "Alla", "Alla", 6.2, 1307, None, ""],
    ["Bromma", 2023, OTRYGG, "Kvinnor", "Alla", 7.2, 681, None, ""],
    ["Bromma", 2023, OTRYGG, "Män", "Alla", 5.0, 626, None, ""],
    ["Järva", 2023, OTRYGG, "Alla", "Alla", 21.4, 1150, None, "Hög svarsfrekvens"],
    ["Farsta", 2023, OTRYGG, "Alla", "16–29", 14.0, 300, None, ""],
    ["Farsta", 2023, VANDRING, "Alla", "Alla", None, None, 9, ""],
]


def workbook(rows: list[list[object]], header: list[str] = HEADER, title: str = "Data") -> Workbook:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    return book


def save(book: Workbook, path: Path) -> None:
    book.save(path)


def variant(**changes: object) -> list[list[object]]:
    """ROWS with one cell changed: changes like row1_col5=120 (0-based row and column)."""
    rows = [list(r) for r in ROWS]
    for key, value in changes.items():
        r, c = key.split("_")
        rows[int(r[3:])][int(c[3:])] = value
    return rows


def good() -> None:
    GOOD.mkdir(parents=True, exist_ok=True)
    book = workbook(ROWS)
    book.active["F2"].number_format = "0.0"  # type: ignore[index]
    save(book, GOOD / "enkat_openpyxl.xlsx")
    # Shares typed the way people type them, and a percent-formatted cell.
    people = workbook(
        [
            ["  bromma sdo ", "2023", OTRYGG, "alla", "alla", "6,2 %", "1 307", None, ""],
            ["Bromma", 2023.0, OTRYGG.upper(), "Kvinnor", "Alla", 0.072, "681", None, ""],
            ["Bromma stadsdelsområde", "2023", OTRYGG, "MÄN", "ALLA", "5.0", "626", None, ""],
            ["Järva", 2023, OTRYGG, "Alla", "Alla", 21.4, "1\u00a0150", None, "Hög svarsfrekvens"],
            ["Farsta", 2023, OTRYGG, "Alla", "16-29", "14", 300, None, ""],
            ["Farsta", "2023", VANDRING, "Alla", "Alla", None, None, "9", ""],
        ],
        header=[
            "Stadsdelsområde",
            "år",
            "Mått",
            "kön ",
            "Åldersgrupp",
            "Andel (%)",
            "Antal  svarande",
            "antal",
            "Kommentar",
        ],
    )
    people.active["F3"].number_format = "0.0%"  # type: ignore[index]
    save(people, GOOD / "enkat_som_man_skriver.xlsx")
    # Columns in another order, on a sheet named Data that is not the first.
    book = Workbook()
    first = book.active
    assert first is not None
    first.title = "Läs mig"
    first["A1"] = "Uppgifterna finns på bladet Data."
    data = book.create_sheet("Data")
    order = [2, 0, 1, 3, 4, 6, 5, 7, 8]
    data.append([HEADER[i] for i in order])
    for row in ROWS:
        data.append([row[i] for i in order])
    save(book, GOOD / "enkat_annan_ordning.xlsx")

    # CSV: UTF-8 with ';' and decimal comma; Windows-1252 with ','.
    def csv_line(row: list[object], sep: str, comma: bool) -> str:
        cells = []
        for v in row:
            text = "" if v is None else str(v)
            if comma and isinstance(v, float):
                text = text.replace(".", ",")
            cells.append(f'"{text}"' if sep in text else text)
        return sep.join(cells)

    (GOOD / "enkat_utf8_semikolon.csv").write_text(
        "\n".join(csv_line(r, ";", True) for r in [HEADER, *ROWS]) + "\n", encoding="utf-8"
    )
    (GOOD / "enkat_cp1252_komma.csv").write_bytes(
        ("\r\n".join(csv_line(r, ",", False) for r in [HEADER, *ROWS]) + "\r\n").encode("cp1252")
    )
    soffice = shutil.which("soffice")
    if soffice:
        with tempfile.TemporaryDirectory() as tmp:
            for fmt, name in (
                ("ods", "enkat_libreoffice.ods"),
                ('xlsx:"Calc MS Excel 2007 XML"', "enkat_libreoffice.xlsx"),
                ('xls:"MS Excel 97"', "enkat_libreoffice.xls"),
            ):
                subprocess.run(
                    [
                        soffice,
                        "--headless",
                        "--convert-to",
                        fmt.replace('"', ""),
                        "--outdir",
                        tmp,
                        str(GOOD / "enkat_openpyxl.xlsx"),
                    ],
                    check=True,
                    capture_output=True,
                )
                produced = next(Path(tmp).glob(f"enkat_openpyxl.{name.rsplit('.', 1)[1]}"))
                shutil.move(produced, GOOD / name)
    # A respondent-level file and its mapping.
    answers = workbook(
        [],
        header=[
            "Svar-id",
            "SDO",
            "Kön",
            "Ålder",
            "Hur trygg känner du dig ute ensam sent en kväll?",
        ],
    )
    sheet = answers.active
    assert sheet is not None
    plan = [
        ("Bromma", "Kvinna", "16-29", "Mycket otrygg"),
        ("Bromma", "Kvinna", "30-44", "Ganska trygg"),
        ("Bromma", "Man", "45-64", "Mycket trygg"),
        ("Bromma", "Man", "16-29", "Ganska otrygg"),
        ("Bromma", "Kvinna", "65-84", "Vet inte"),
        ("Järva", "Man", "30-44", "Ganska otrygg"),
        ("Järva", "Kvinna", "16-29", "Mycket otrygg"),
        ("Järva", "Kvinna", "45-64", "Ganska trygg"),
        ("Järva", "Man", "65-84", ""),
        ("Järva", "Annat", "30-44", "Mycket trygg"),
    ]
    for i, (district, sex, age, answer) in enumerate(plan, start=1):
        sheet.append([i, district, sex, age, answer])
    save(answers, GOOD / "svar_per_respondent.xlsx")
    (GOOD / "svar_per_respondent.mapping.yaml").write_text(
        "name: Trygghetsenkät test\nyear: 2024\ndistrict_column: SDO\nsex_column: Kön\n"
        "age_column: Ålder\nquestions:\n"
        "  - column: Hur trygg känner du dig ute ensam sent en kväll?\n"
        "    measure: stad_trygghet.otrygg_ute_kvall\n"
        "    numerator: [Ganska otrygg, Mycket otrygg]\n    exclude: [Vet inte]\n",
        encoding="utf-8",
    )


def bad() -> None:
    BAD.mkdir(parents=True, exist_ok=True)
    cases = {
        "upload_okant_omrade.xlsx": variant(row3_col0="Vasastan"),
        "upload_ar_utanfor.xlsx": variant(row0_col1=1899),
        "upload_andel_over_100.xlsx": variant(row1_col5=120),
        "upload_andel_negativ.xlsx": variant(row2_col5=-3),
        "upload_svarande_saknas.xlsx": variant(row3_col6=None),
        "upload_svarande_noll.xlsx": variant(row0_col6=0),
        "upload_upprepad_rad.xlsx": [*ROWS, list(ROWS[1])],
        "upload_okant_matt.xlsx": variant(row0_col2="Andel som gillar glass"),
        "upload_andel_och_antal.xlsx": variant(row0_col7=14),
        "upload_antal_med_andel.xlsx": variant(row5_col5=9.0),
        "upload_inte_ett_tal.xlsx": variant(row4_col5="fjorton"),
        "upload_okant_kon.xlsx": variant(row1_col3="Okänt"),
        "upload_okand_aldersgrupp.xlsx": variant(row4_col4="12–15"),
        "upload_bara_rubrik.xlsx": [],
    }
    for name, rows in cases.items():
        save(workbook(rows), BAD / name)
    save(
        workbook(ROWS, header=[h for h in HEADER if h != "Mått"]), BAD / "upload_saknar_kolumn.xlsx"
    )
    # A formula that was never calculated (openpyxl writes no cached value).
    book = workbook(ROWS)
    book.active["G2"] = "=600+707"  # type: ignore[index]
    save(book, BAD / "upload_formel_utan_varde.xlsx")
    # The template's example rows left in.
    from catalogue.catalogue import load_catalogue
    from loaders.survey_template import build

    (BAD / "upload_mallens_exempelrader.xlsx").write_bytes(build(load_catalogue(), ["Bromma"]))
    (BAD / "upload_tom.xlsx").write_bytes(b"")
    (BAD / "upload_omdopt_text.xlsx").write_text("Det här är bara text, inte ett kalkylark.\n")
    good_bytes = (GOOD / "enkat_openpyxl.xlsx").read_bytes()
    (BAD / "upload_trasig_zip.xlsx").write_bytes(good_bytes[: len(good_bytes) // 2])
    # A macro workbook (.xlsm): the archive carries xl/vbaProject.bin.
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good_bytes)) as source, zipfile.ZipFile(buffer, "w") as out:
        for item in source.infolist():
            out.writestr(item, source.read(item.filename))
        out.writestr("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0 fake vba project")
    (BAD / "upload_makro.xlsm").write_bytes(buffer.getvalue())
    (BAD / "upload_makro_omdopt.xlsx").write_bytes(buffer.getvalue())
    # A password-protected workbook.
    import msoffcrypto

    encrypted = io.BytesIO()
    office = msoffcrypto.OfficeFile(io.BytesIO(good_bytes))
    office.encrypt("hemligt", encrypted)
    (BAD / "upload_losenord.xlsx").write_bytes(encrypted.getvalue())
    # A zip bomb: a 'sheet' of 400 MB zeros in a few hundred KB.
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as out:
        out.writestr("[Content_Types].xml", "<Types/>")
        out.writestr("xl/workbook.xml", "<workbook/>")
        with out.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as handle:
            block = b"\x00" * (1024 * 1024)
            for _ in range(400):
                handle.write(block)
    (BAD / "upload_zipbomb.xlsx").write_bytes(bomb.getvalue())
    # A sheet that declares two million rows.
    with zipfile.ZipFile(io.BytesIO(good_bytes)) as source:
        parts = {i.filename: source.read(i.filename) for i in source.infolist()}
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    sheet = sheet.replace('<dimension ref="A1:I7" />', '<dimension ref="A1:XFD2000000" />')
    huge = io.BytesIO()
    with zipfile.ZipFile(huge, "w", zipfile.ZIP_DEFLATED) as out:
        for name, data in parts.items():
            out.writestr(name, sheet if name == "xl/worksheets/sheet1.xml" else data)
    (BAD / "upload_jattedimension.xlsx").write_bytes(huge.getvalue())
    (BAD / "upload_binar.csv").write_bytes(b"Stadsdelsomr\x00de;\x00\x01\x02;" * 50)


if __name__ == "__main__":
    good()
    bad()
    print("fixtures written")
