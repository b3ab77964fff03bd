from datetime import date, datetime, time, timedelta

from django import forms
from django.utils import timezone

DEFAULT_DAYS = 30


def start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


class DateRangeForm(forms.Form):
    """ "From" / "To" days, both included; by default the last 30 days (the seed's lists)."""

    since = forms.DateField(label="From", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label="To", required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            self.add_error("until", "The end date must be on or after the start date.")
        return data

    def days(self) -> tuple[date, date]:
        data = self.cleaned_data if self.is_valid() else {}
        today = timezone.localdate()
        return data.get("since") or today - timedelta(days=DEFAULT_DAYS), data.get("until") or today

    def bounds(self) -> tuple[datetime, datetime]:
        """[start of the first day, start of the day after the last)."""
        first, last = self.days()
        return start_of(first), start_of(last + timedelta(days=1))
