from datetime import date, datetime, time, timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

DEFAULT_DAYS = 30


def start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Put a service's ``ValidationError`` on the page's form: on the field it names when the
    form has one, else above the form."""
    problems = error.message_dict if hasattr(error, "error_dict") else {None: error.messages}
    for field, messages in problems.items():
        form.add_error(field if field in form.fields else None, messages)


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
