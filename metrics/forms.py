"""The Reports pages' forms: which report, over which days, in which file format."""

from __future__ import annotations

from datetime import date, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from commerce.exports import FILE_FORMATS
from commerce.forms import DEFAULT_DAYS, DateRangeForm
from commerce.models import Marketplace, SellerAccount

from .policy import BUSINESS_REPORT_MAX_DAYS
from .reports import REPORTS


class FileFormatField(forms.ChoiceField):
    """CSV unless XLSX is asked for: links written before XLSX existed still get their CSV."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("label", _("File type"))
        super().__init__(choices=list(FILE_FORMATS.items()), required=False, **kwargs)

    def clean(self, value: object) -> str:
        return super().clean(value) or "csv"


class ReportForm(DateRangeForm):
    """The lists' own "From" / "To" (the last 30 days unless given) and the report asked for.

    A download needs every field valid: a file of the wrong days is worse than no file, so
    an out-of-range or reversed date is shown on the page instead."""

    report = forms.ChoiceField(
        label=_("Report"), choices=[(key, report.title) for key, report in REPORTS.items()]
    )
    format = FileFormatField(widget=forms.RadioSelect)


class BusinessReportForm(DateRangeForm):
    """Business Reports' days (the last 30 unless given, at most 366) and marketplace (all
    the seller's unless one is chosen); ``download`` names a file type."""

    marketplace = forms.ModelChoiceField(
        label=_("Marketplace"),
        queryset=Marketplace.objects.none(),
        to_field_name="code",
        required=False,
        empty_label=_("All marketplaces"),
    )
    download = FileFormatField()

    def __init__(self, *args, seller: SellerAccount, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["marketplace"].queryset = seller.marketplaces.order_by("pk")

    def clean(self):
        data = super().clean()
        if "since" in data and "until" in data:
            first, last = self._chosen_days(data)
            if (last - first).days + 1 > BUSINESS_REPORT_MAX_DAYS:
                self.add_error(
                    "since",
                    _("Choose at most %(days)s days: this range has %(chosen)s.")
                    % {"days": BUSINESS_REPORT_MAX_DAYS, "chosen": (last - first).days + 1},
                )
        return data

    @staticmethod
    def _chosen_days(data: dict) -> tuple[date, date]:
        # ``days()``'s defaults, from the data being cleaned (``days()`` itself cleans).
        today = timezone.localdate()
        return data.get("since") or today - timedelta(days=DEFAULT_DAYS), data.get("until") or today
