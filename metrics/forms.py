"""The Reports page's form: which report, over which days."""

from __future__ import annotations

from django import forms

from commerce.forms import DateRangeForm

from .reports import REPORTS


class ReportForm(DateRangeForm):
    """The lists' own "From" / "To" (the last 30 days unless given) and the report asked for.

    A download needs every field valid: a file of the wrong days is worse than no file, so
    an out-of-range or reversed date is shown on the page instead."""

    report = forms.ChoiceField(
        label="Report", choices=[(key, report.title) for key, report in REPORTS.items()]
    )
