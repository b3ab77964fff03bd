from datetime import date, datetime, time, timedelta

from django import forms
from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import HttpRequest
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

from .fields import FilterDateField, SearchField

DEFAULT_DAYS = 30


def start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Put a service's ``ValidationError`` on the page's form: on the field it names when the
    form has one, else above the form."""
    problems = error.message_dict if hasattr(error, "error_dict") else {None: error.messages}
    for field, messages in problems.items():
        name = field if field in form.fields else None
        # The form may have found the same problem itself (a required field left empty, which
        # the service checks again): each message is shown once.
        shown = form.errors.get(name or NON_FIELD_ERRORS, [])
        fresh = [message for message in messages if message not in shown]
        if fresh:
            form.add_error(name, fresh)


class FilterForm(forms.Form):
    """A list's filters, read from the query string: a valid filter applies even when another
    one is invalid (which falls back to its default, its error shown beside it)."""

    def valid_data(self) -> dict:
        if not self.is_bound:
            return {}
        self.is_valid()  # cleans once; cleaned_data keeps only the fields that passed
        return self.cleaned_data


class DateRangeForm(FilterForm):
    """ "From" / "To" days, both included; by default the last 30 days (the seed's lists)."""

    since = FilterDateField(label=_("From"))
    until = FilterDateField(label=_("To"))

    def clean(self):
        data = super().clean()
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            self.add_error("until", _("The end date must be on or after the start date."))
        return data

    def days(self) -> tuple[date, date]:
        data = self.valid_data()
        today = timezone.localdate()
        return data.get("since") or today - timedelta(days=DEFAULT_DAYS), data.get("until") or today

    def bounds(self) -> tuple[datetime, datetime]:
        """[start of the first day, start of the day after the last)."""
        first, last = self.days()
        return start_of(first), start_of(last + timedelta(days=1))

    def bounds_given(self) -> tuple[datetime | None, datetime | None]:
        """``bounds`` when a day was given, else no bounds at all (the API lists all time)."""
        data = self.valid_data()
        return self.bounds() if data.get("since") or data.get("until") else (None, None)


class OrderSearchForm(FilterForm):
    """Manage Orders' search box: an order id or its start."""

    q = SearchField(label=_("Order ID"), max_length=40)


class InventoryFilterForm(FilterForm):
    """Manage Inventory's search box (its order is read apart: ``inventory.INVENTORY_SORTING``)."""

    q = SearchField(label=_("ASIN, SKU or title"))


class CommunicationPreferencesForm(forms.Form):
    """The buyer's "Communication preferences" on the storefront."""

    opted_out_of_unsolicited_messages = forms.BooleanField(
        label=_("Do not send me unsolicited messages from sellers"),
        required=False,
        help_text=_(
            "Sellers can still answer messages you send them, and send you messages needed to "
            "complete your order, such as a request for information they need to deliver it."
        ),
    )


class LanguageForm(forms.Form):
    """The language menu of Seller Central's and the storefront's headers. ``next`` is the
    page it was sent from, where the reader goes back to (only a path of this site)."""

    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    next = forms.CharField(required=False, max_length=2000, widget=forms.HiddenInput)

    def next_page(self, request: HttpRequest, default: str) -> str:
        target = self.cleaned_data.get("next") or ""
        safe = url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
        return target if safe and target.startswith("/") else default
