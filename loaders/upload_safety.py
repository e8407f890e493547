"""Checks an uploaded file before anything parses it: size, what it really is (by its bytes,
not its name), macros, passwords, and how big it would become when unpacked.

Spreadsheets are zip archives (xlsx, ods) or OLE2 compound files (xls; also password-
protected xlsx). A small file can unpack to gigabytes, and some readers abort the whole
process on absurd sheet dimensions, so the archive's directory and the sheet's declared size
are read first, and parsing itself happens in a separate process with limits
(``loaders.upload_parse``).
"""

from __future__ import annotations

import os
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

DEFAULT_MAX_MB = 20


@dataclass(frozen=True)
class Limits:
    max_bytes: int
    max_unpacked_bytes: int = 300 * 1024 * 1024
    max_ratio: int = 200  # unpacked / packed, per entry
    max_rows: int = 250_000
    max_columns: int = 500

    @classmethod
    def from_environment(cls) -> Limits:
        megabytes = float(os.environ.get("DASHBOARD_UPLOAD_MAX_MB", DEFAULT_MAX_MB))
        return cls(max_bytes=int(megabytes * 1024 * 1024))


class UploadRefused(ValueError):
    """The file is not accepted; the message says why, in Swedish, for the person uploading."""


def _dimension(archive: zipfile.ZipFile, limits: Limits) -> None:
    """Refuse a workbook whose sheets declare more rows or columns than allowed."""
    for name in archive.namelist():
        if not re.fullmatch(r"xl/worksheets/sheet\d+\.xml", name):
            continue
        with archive.open(name) as handle:
            head = handle.read(4096).decode("utf-8", errors="replace")
        match = re.search(r'<dimension ref="[A-Z]+\d+:([A-Z]+)(\d+)"', head)
        if not match:
            continue
        letters, rows = match.group(1), int(match.group(2))
        columns = 0
        for letter in letters:
            columns = columns * 26 + (ord(letter) - 64)
        if rows > limits.max_rows or columns > limits.max_columns:
            raise UploadRefused(
                f"Arket säger sig ha {rows} rader och {columns} kolumner; högst "
                f"{limits.max_rows} rader och {limits.max_columns} kolumner tas emot."
            )


def _check_zip(path: Path, limits: Limits) -> str:
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile as exc:
        raise UploadRefused(
            "Filen ser ut som ett kalkylark men är trasig (zip-arkivet går inte att läsa). "
            "Öppna den i Excel eller LibreOffice och spara den igen."
        ) from exc
    with archive:
        names = set(archive.namelist())
        total = 0
        for info in archive.infolist():
            total += info.file_size
            ratio = info.file_size / max(info.compress_size, 1)
            if total > limits.max_unpacked_bytes or (
                info.file_size > 1_000_000 and ratio > limits.max_ratio
            ):
                raise UploadRefused(
                    "Filen blir orimligt stor när den packas upp (den kan vara en så kallad "
                    "zip-bomb) och öppnas inte."
                )
        if "xl/vbaProject.bin" in names or any(n.endswith("vbaProject.bin") for n in names):
            raise UploadRefused(
                "Filen innehåller makron (en .xlsm-arbetsbok). Spara den som vanlig "
                "Excel-arbetsbok (.xlsx) utan makron och ladda upp den igen."
            )
        if "xl/workbook.xml" in names:
            _dimension(archive, limits)
            return "xlsx"
        if "mimetype" in names:
            mimetype = archive.read("mimetype").decode("ascii", errors="replace").strip()
            if mimetype == "application/vnd.oasis.opendocument.spreadsheet":
                return "ods"
        if "content.xml" in names:
            return "ods"
    raise UploadRefused("Filen är ett zip-arkiv men inte ett kalkylark (varken .xlsx eller .ods).")


def _check_ole(path: Path) -> str:
    data = path.read_bytes()[:1_000_000]
    if (
        "EncryptionInfo".encode("utf-16-le") in data
        or b"EncryptedPackage" in data
        or ("EncryptedPackage".encode("utf-16-le") in data)
    ):
        raise UploadRefused(
            "Arbetsboken är lösenordsskyddad och kan inte läsas. Ta bort lösenordet "
            "(Arkiv → Info → Skydda arbetsbok) och ladda upp den igen."
        )
    if "_VBA_PROJECT".encode("utf-16-le") in data:
        raise UploadRefused("Filen innehåller makron. Spara den utan makron och försök igen.")
    return "xls"


def _check_text(data: bytes, name: str) -> str:
    if b"\x00" in data[:65536]:
        raise UploadRefused(
            f"Filen {name} är varken ett kalkylark eller en textfil (CSV). Spara den från "
            "Excel eller LibreOffice som .xlsx, .ods eller .csv."
        )
    head = data[:65536]
    try:
        text = head.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = head.decode("cp1252", errors="replace")
    if ";" not in text and "," not in text and "\t" not in text:
        raise UploadRefused(
            f"Filen {name} är en textfil men inte en tabell (inga semikolon eller komman)."
        )
    return "csv"


def check(path: Path, original_name: str, limits: Limits | None = None) -> str:
    """The file's real kind ('xlsx', 'ods', 'xls', 'csv'), or UploadRefused."""
    limits = limits or Limits.from_environment()
    size = path.stat().st_size
    if size == 0:
        raise UploadRefused("Filen är tom.")
    if size > limits.max_bytes:
        raise UploadRefused(
            f"Filen är {size / 1024 / 1024:.1f} MB; högst {limits.max_bytes / 1024 / 1024:.0f} "
            "MB tas emot."
        )
    with path.open("rb") as handle:
        head = handle.read(8)
    lower = original_name.casefold()
    if lower.endswith((".xlsm", ".xlsb", ".xltm")):
        raise UploadRefused(
            "Makroaktiverade arbetsböcker (.xlsm) tas inte emot. Spara som .xlsx och försök igen."
        )
    if head.startswith(ZIP_MAGIC):
        return _check_zip(path, limits)
    if head.startswith(OLE_MAGIC):
        return _check_ole(path)
    if lower.endswith((".xlsx", ".xls", ".ods")):
        raise UploadRefused(
            f"Filen heter {original_name} men är inget kalkylark (innehållet är något annat). "
            "Öppna den i Excel eller LibreOffice och spara den som .xlsx."
        )
    return _check_text(path.read_bytes(), original_name)


def safe_file_name(name: str) -> str:
    """The file name as it may be stored and shown: no folders, no control characters."""
    base = re.split(r"[\\/]", name)[-1]
    cleaned = re.sub(r"[\x00-\x1f\x7f<>:\"|?*]", "_", base).strip(" .")
    return (cleaned or "fil")[:120]
