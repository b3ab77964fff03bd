"""Reports downloaded as CSV or XLSX files: one source of rows, two writers.

A report is a header row and an iterable of rows (tuples of Python values).

CSV: each cell is written as text here, once: dates and times in ISO 8601 with their offset,
amounts as plain decimals, text made safe from spreadsheet formulas (``policy.csv_safe_text``).
The response streams: rows are formatted as the database hands them over, so a report of
200,000 rows never sits in memory.

XLSX: XlsxWriter in its ``constant_memory`` mode, which writes each row to a temporary file as
soon as the next one starts, so memory stays flat however long the report. A zip archive
cannot be sent before its central directory is written, so the workbook is finished in an
anonymous temporary file (gone from the disk once closed) and sent from there by
``FileResponse``. Text is always written as a string cell, which a spreadsheet shows and never
runs, so the XLSX file keeps the text exactly as typed (no apostrophe); dates and times are
real date cells in the site's time zone (XLSX cells carry no offset); amounts are numbers.
"""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import IO

import xlsxwriter
from django.http import FileResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.utils import timezone
from django.utils.translation import gettext_lazy

from .policy import csv_safe_text


class _Line:
    """What ``csv.writer`` writes to: it hands the formatted line back instead of storing it."""

    def write(self, line: str) -> str:
        return line


def csv_cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, int | Decimal):
        return str(value)
    return csv_safe_text(str(value))


def csv_lines(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> Iterator[str]:
    # A byte-order mark first: spreadsheets then read the file as UTF-8 (names, €, ł).
    writer = csv.writer(_Line())
    yield "\ufeff" + writer.writerow([csv_safe_text(header) for header in headers])
    for row in rows:
        yield writer.writerow([csv_cell(value) for value in row])


def csv_download(
    filename: str, headers: Sequence[str], rows: Iterable[Sequence[object]]
) -> StreamingHttpResponse:
    response = StreamingHttpResponse(csv_lines(headers, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- XLSX ---------------------------------------------------------------------------------
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
XLSX_MAX_SHEET_NAME = 31  # Excel refuses longer sheet names
XLSX_COLUMN_WIDTH = 20
XLSX_OPTIONS = {
    "constant_memory": True,
    # Belt and braces: cells are written by type below, never guessed from their text.
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
}


class _XlsxCells:
    """Writes one Python value into one cell, by its type; formats made once per workbook."""

    def __init__(self, workbook: xlsxwriter.Workbook) -> None:
        self.workbook = workbook
        self.header = workbook.add_format({"bold": True})
        self.moment = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
        self.day = workbook.add_format({"num_format": "yyyy-mm-dd"})
        self.decimals: dict[int, object] = {}

    def _decimal_format(self, places: int):
        if places not in self.decimals:
            self.decimals[places] = self.workbook.add_format({"num_format": "0." + "0" * places})
        return self.decimals[places]

    def write(self, sheet, row: int, column: int, value: object) -> None:
        if value is None:
            return
        if isinstance(value, datetime):
            local = timezone.localtime(value) if timezone.is_aware(value) else value
            sheet.write_datetime(row, column, local.replace(tzinfo=None), self.moment)
        elif isinstance(value, date):
            sheet.write_datetime(row, column, datetime(value.year, value.month, value.day), self.day)
        elif isinstance(value, bool):
            sheet.write_string(row, column, csv_cell(value))
        elif isinstance(value, int):
            sheet.write_number(row, column, value)
        elif isinstance(value, Decimal):
            places = -value.as_tuple().exponent if value.as_tuple().exponent < 0 else 0
            sheet.write_number(row, column, float(value), self._decimal_format(places) if places else None)
        else:
            sheet.write_string(row, column, str(value))


def xlsx_file(sheet_name: str, headers: Sequence[str], rows: Iterable[Sequence[object]]) -> IO[bytes]:
    """The workbook in a temporary file, read from its start; closing the file deletes it."""
    output = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 (FileResponse closes it)
    try:
        workbook = xlsxwriter.Workbook(output, XLSX_OPTIONS)
        cells = _XlsxCells(workbook)
        sheet = workbook.add_worksheet(sheet_name[:XLSX_MAX_SHEET_NAME])
        sheet.set_column(0, max(0, len(headers) - 1), XLSX_COLUMN_WIDTH)
        sheet.freeze_panes(1, 0)
        for column, header in enumerate(headers):
            sheet.write_string(0, column, str(header), cells.header)
        for number, row in enumerate(rows, start=1):
            for column, value in enumerate(row):
                cells.write(sheet, number, column, value)
        workbook.close()
    except BaseException:
        output.close()
        raise
    output.seek(0)
    return output


def xlsx_download(
    filename: str, sheet_name: str, headers: Sequence[str], rows: Iterable[Sequence[object]]
) -> FileResponse:
    return FileResponse(
        xlsx_file(sheet_name, headers, rows),
        as_attachment=True,
        filename=filename,
        content_type=XLSX_CONTENT_TYPE,
    )


# --- Either -------------------------------------------------------------------------------
FILE_FORMATS = {"csv": gettext_lazy("CSV"), "xlsx": gettext_lazy("Excel (XLSX)")}


def download(
    file_format: str, *, name: str, title: str, headers: Sequence[str], rows: Iterable[Sequence[object]]
) -> HttpResponseBase:
    """``name``.csv or ``name``.xlsx (a sheet called ``title``), from the same rows."""
    if file_format == "xlsx":
        return xlsx_download(f"{name}.xlsx", str(title), headers, rows)
    return csv_download(f"{name}.csv", headers, rows)
