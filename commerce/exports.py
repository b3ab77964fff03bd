"""Reports downloaded as CSV files, written while they are sent.

A report is a header row and an iterable of rows (tuples of Python values); each cell is
written as text here, once: dates and times in ISO 8601 with their offset, amounts as plain
decimals, text made safe from spreadsheet formulas (``policy.csv_safe_text``). The response
streams: rows are formatted as the database hands them over, so a report of 200,000 rows
never sits in memory.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from decimal import Decimal

from django.http import StreamingHttpResponse
from django.utils import timezone

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
