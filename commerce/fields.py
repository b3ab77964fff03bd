"""Form fields for what a list reads from its query string: dates, whole numbers, cursors and
search terms.

The query string is the visitor's to edit, so every value is checked against the bounds in
``commerce.policy`` here, where it is parsed: the pages' filter forms, the API's filters and
its pagination all read their parameters through these fields. A value out of range is a form
error naming its field (a 400 by field in the API, a message beside the filter on a page),
never an overflow in date arithmetic or a value the database refuses.
"""

from __future__ import annotations

from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .pagination import Position, parse_cursor
from .policy import EARLIEST_FILTER_DATE, LATEST_FILTER_DATE, MAX_SEARCH_CHARS

DATE_OUT_OF_RANGE = format_lazy(
    _("Enter a date between {earliest} and {latest}."),
    earliest=EARLIEST_FILTER_DATE.isoformat(),
    latest=LATEST_FILTER_DATE.isoformat(),
)
NOT_A_CURSOR = _("This link to a page of the list is not valid: showing the first page.")


class FilterDateField(forms.DateField):
    """An optional day to filter a list by, within the filterable years."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "widget",
            forms.DateInput(
                attrs={
                    "type": "date",
                    "min": EARLIEST_FILTER_DATE.isoformat(),
                    "max": LATEST_FILTER_DATE.isoformat(),
                }
            ),
        )
        super().__init__(**kwargs)

    def validate(self, value: date | None) -> None:
        super().validate(value)
        if value is not None and not EARLIEST_FILTER_DATE <= value <= LATEST_FILTER_DATE:
            raise ValidationError(DATE_OUT_OF_RANGE, code="out_of_range")


class WholeNumberField(forms.IntegerField):
    """A whole number in ASCII digits and nothing else: ``int()`` would also take "١٢٣",
    " 1_0 ", "+5" or thousands of digits, none of which a link of ours ever carries."""

    MAX_DIGITS = 18  # below 2**63: every such number fits the database's bigint

    def to_python(self, value: object) -> int | None:
        if value in self.empty_values:
            return None
        text = str(value)
        if not (text.isascii() and text.isdigit()):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        if len(text) > self.MAX_DIGITS:
            raise ValidationError(
                gettext("Enter a whole number of at most %(digits)s digits.") % {"digits": self.MAX_DIGITS},
                code="max_digits",
            )
        return int(text)


class CursorField(forms.CharField):
    """A keyset page's position (``commerce.pagination.cursor_of``), or None."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", forms.HiddenInput)
        super().__init__(**kwargs)

    def to_python(self, value: object) -> Position | None:
        text = super().to_python(value)
        if not text:
            return None
        try:
            return parse_cursor(text)
        except ValueError:
            raise ValidationError(NOT_A_CURSOR, code="invalid") from None


class SearchField(forms.CharField):
    """A list's one search box: at most ``MAX_SEARCH_CHARS``, no NUL (which PostgreSQL refuses
    in any text: Django's CharField rejects it), surrounding spaces dropped."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", MAX_SEARCH_CHARS)
        super().__init__(**kwargs)
