"""Reading an XLSX file back the way a spreadsheet does: its zip archive and its XML, with the
standard library only (no second spreadsheet library in the product just for tests)."""

# The files parsed are the product's own output in a test, not untrusted data.
# ruff: noqa: S314

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from datetime import datetime, timedelta
from xml.etree import ElementTree

NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
EXCEL_EPOCH = datetime(1899, 12, 30)  # serial day 0 in the 1900 date system
DATE_FORMAT_IDS = set(range(14, 23))  # Excel's built-in date and time formats


@dataclass
class Sheet:
    name: str
    rows: list[list[object]]
    cell_types: list[list[str]]  # "s" shared string, "inlineStr", "n" number, "d" date
    formulas: int  # cells a spreadsheet would calculate


def _date_styles(archive: zipfile.ZipFile) -> set[int]:
    styles = ElementTree.fromstring(archive.read("xl/styles.xml"))
    date_formats = set(DATE_FORMAT_IDS)
    for number_format in styles.iterfind("m:numFmts/m:numFmt", NS):
        if re.search(r"[yd]", number_format.get("formatCode", "").lower()):
            date_formats.add(int(number_format.get("numFmtId")))
    return {
        index
        for index, xf in enumerate(styles.iterfind("m:cellXfs/m:xf", NS))
        if int(xf.get("numFmtId", "0")) in date_formats
    }


def _column(reference: str) -> int:
    letters = re.match(r"[A-Z]+", reference).group()
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - ord("A") + 1
    return number - 1


def read_xlsx(content: bytes) -> Sheet:
    """The first sheet's cells as Python values: text, numbers, and datetimes for date cells."""
    archive = zipfile.ZipFile(io.BytesIO(content))
    workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    name = workbook.find("m:sheets/m:sheet", NS).get("name")
    shared = []
    if "xl/sharedStrings.xml" in archive.namelist():
        strings = ElementTree.fromstring(archive.read("xl/sharedStrings.xml"))
        shared = ["".join(t.text or "" for t in si.iter(f"{{{NS['m']}}}t")) for si in strings]
    date_styles = _date_styles(archive)
    sheet = ElementTree.fromstring(archive.read("xl/worksheets/sheet1.xml"))
    rows, types, formulas = [], [], 0
    for row in sheet.iterfind("m:sheetData/m:row", NS):
        values: list[object] = []
        kinds: list[str] = []
        for cell in row.iterfind("m:c", NS):
            column = _column(cell.get("r"))
            while len(values) < column:
                values.append(None)
                kinds.append("")
            formulas += cell.find("m:f", NS) is not None
            kind = cell.get("t", "n")
            if kind == "inlineStr":
                value: object = "".join(t.text or "" for t in cell.iter(f"{{{NS['m']}}}t"))
            elif kind == "s":
                value = shared[int(cell.find("m:v", NS).text)]
            else:
                number = float(cell.find("m:v", NS).text)
                if int(cell.get("s", "0")) in date_styles:
                    value, kind = EXCEL_EPOCH + timedelta(milliseconds=round(number * 86_400_000)), "d"
                else:
                    value = int(number) if number.is_integer() else number
            values.append(value)
            kinds.append(kind)
        rows.append(values)
        types.append(kinds)
    return Sheet(name=name, rows=rows, cell_types=types, formulas=formulas)
