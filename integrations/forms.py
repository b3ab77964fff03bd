"""The Webhooks page's form: the endpoint, its events, a note for the seller."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from . import policy
from .models import EventType
from .services.subscriptions import SUBSCRIBABLE


class SubscriptionForm(forms.Form):
    url = forms.URLField(
        label=_("Endpoint URL"),
        max_length=500,
        assume_scheme="https",
        help_text=_("Where we POST each event, signed with the secret shown once after you save."),
    )
    description = forms.CharField(label=_("Description (optional)"), max_length=200, required=False)
    event_types = forms.MultipleChoiceField(
        label=_("Events to send"),
        choices=[(value, EventType(value).label) for value in SUBSCRIBABLE],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one event.")},
    )

    def clean_url(self) -> str:
        url = self.cleaned_data["url"]
        problem = policy.url_problem(url)
        if problem:
            raise forms.ValidationError(problem)
        return url
