from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from commerce.fields import SearchField, WholeNumberField
from commerce.formats import money
from commerce.forms import DateRangeForm, add_service_errors
from commerce.models import Marketplace

from .models import ADDRESS_FIELDS, Claim, DenyReason, ReturnAddress, ReturnReason
from .policy import (
    MAX_CLAIM_CHARS,
    MAX_COMMENT_CHARS,
    MAX_DENY_MESSAGE_CHARS,
    MAX_REFUND_REASON_CHARS,
    MAX_RETURN_WINDOW_DAYS,
    MIN_RETURN_WINDOW_DAYS,
    RETURN_WINDOW_DAYS,
)
from .selectors import STATUS_FILTERS
from .services import BulkAction, RequestedItem

POLICY_NOTE = _(
    "NOTE: We aren't able to offer policy exceptions or special handling in response to comments entered on this page."
)


class ReturnItemsForm(forms.Form):
    """One reason / quantity / comment trio per order item; items with a reason are returned."""

    def __init__(self, *args, order_items, returnable: dict[int, int], **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = []
        for item in order_items:
            most = returnable.get(item.pk, 0)
            prefix = f"item-{item.pk}"
            self.fields[f"{prefix}-reason"] = forms.ChoiceField(
                label=_("Reason for return"),
                required=False,
                choices=[("", _("- select a reason -")), *ReturnReason.choices],
                disabled=most == 0,
            )
            self.fields[f"{prefix}-quantity"] = forms.TypedChoiceField(
                label=_("Quantity to return"),
                coerce=int,
                required=False,
                choices=[(n, n) for n in range(1, most + 1)] or [(0, 0)],
                disabled=most == 0,
            )
            self.fields[f"{prefix}-comment"] = forms.CharField(
                label=_("Comments (optional)"),
                required=False,
                max_length=MAX_COMMENT_CHARS,
                help_text=_("200 characters maximum, including spaces and carriage returns"),
                widget=forms.Textarea(
                    attrs={"rows": 3, "maxlength": MAX_COMMENT_CHARS, "data-counter": MAX_COMMENT_CHARS}
                ),
                disabled=most == 0,
            )
            self.rows.append(
                (item, most, [self[f"{prefix}-{name}"] for name in ("reason", "quantity", "comment")])
            )

    def clean(self):
        data = super().clean()
        if not self.requested_items() and not self.errors:
            raise forms.ValidationError(_("Select a reason for return for at least one item."))
        return data

    def requested_items(self) -> list[RequestedItem]:
        data = getattr(self, "cleaned_data", {})
        chosen = []
        for item, _most, _fields in self.rows:
            reason = data.get(f"item-{item.pk}-reason")
            if reason:
                chosen.append(
                    RequestedItem(
                        order_item_id=item.pk,
                        quantity=data.get(f"item-{item.pk}-quantity") or 0,
                        reason=reason,
                        comment=data.get(f"item-{item.pk}-comment") or "",
                    )
                )
        return chosen

    def add_service_errors(self, error: ValidationError) -> None:
        """Map the service's ``items.<n>.<field>`` errors onto this form's per-item fields;
        the rest as every page maps them (``commerce.forms.add_service_errors``)."""
        chosen = self.requested_items()
        rest = {}
        for key, messages in error.message_dict.items():
            parts = key.split(".")
            if len(parts) == 3 and parts[0] == "items" and parts[1].isdigit() and int(parts[1]) < len(chosen):
                field = f"item-{chosen[int(parts[1])].order_item_id}-{parts[2] if parts[2] != 'order_item' else 'reason'}"
                if field in self.fields:
                    self.add_error(field, messages)
                    continue
            rest[key] = messages
        if rest:
            add_service_errors(self, ValidationError(rest))


class ReturnFilterForm(DateRangeForm):
    """Manage Returns' filters, on the page and in the API: status, dates and the search box."""

    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[(key, label) for key, (label, _condition) in STATUS_FILTERS.items()],
    )
    q = SearchField(label=_("Order ID, RMA, ASIN or buyer name"))

    def filters(self, *, all_time_by_default: bool = False) -> dict:
        """Arguments of ``selectors.returns_for_seller``: by default every status over the
        last 30 days (the page), or over all time when no day is given (the API)."""
        data = self.valid_data()
        since, until = self.bounds_given() if all_time_by_default else self.bounds()
        return {
            "status": data.get("status") or "all",
            "since": since,
            "until": until,
            "search": data.get("q", ""),
        }


class GiftOrderForm(forms.Form):
    """The two numbers printed on a gift's packing slip."""

    order_id = forms.RegexField(
        label=_("Order number (on the gift's packing slip)"),
        regex=r"^\d{3}-\d{7}-\d{7}$",
        error_messages={"invalid": _("Enter the order number as it is printed, like 202-0697275-2144321.")},
    )
    gift_receipt_number = forms.CharField(
        label=_("Gift receipt number (on the same packing slip)"),
        max_length=40,
        help_text=_("Twelve letters and digits, like GR7K-M4QD-9XWP."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )


# The form's labels as the seed's screens write them (the model's names are lower case).
ADDRESS_LABELS = {
    "name": _("Name"),
    "line1": _("Address line 1 (or company name)"),
    "line2": _("Address line 2"),
    "city": _("City/town"),
    "region": _("Province/region/state"),
    "postcode": _("Postcode/zip code"),
    "country": _("Country"),
    "phone": _("Daytime phone"),
    "phone_extension": _("Ext."),
}

ADDRESS_HELP = {
    "line1": _(
        'Street address. Enter the address exactly as it appears on your statement. For example, use "Avenue" instead of "Ave" and "Street" instead of "St."'
    ),
    "line2": _("Suite, unit, building, floor, etc."),
    "region": _('Avoid using abbreviations like "NJ" instead of "New Jersey"'),
    "postcode": _("All caps."),
    "phone": _("Please enter your phone number; prefixes are not necessary."),
}


class ReturnAddressForm(forms.Form):
    """The address fields; ``services.clean_return_address`` applies the rules."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.update(
            forms.fields_for_model(
                ReturnAddress, fields=ADDRESS_FIELDS, labels=ADDRESS_LABELS, help_texts=ADDRESS_HELP
            )
        )


class ExceptionMarketplaceForm(forms.Form):
    marketplace = forms.ModelChoiceField(
        queryset=Marketplace.objects.none(),
        label=_("Marketplace"),
        to_field_name="code",
        empty_label=_("- select a marketplace -"),
        error_messages={"required": _("Select the marketplace to add an exception for.")},
    )

    def __init__(self, *args, seller, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["marketplace"].queryset = seller.marketplaces.all()


class DenyForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Deny Reason"), choices=[("", _("- select a reason -")), *DenyReason.choices]
    )
    message = forms.CharField(
        label=_("Message to Buyer"),
        max_length=MAX_DENY_MESSAGE_CHARS,
        widget=forms.Textarea(
            attrs={"rows": 8, "maxlength": MAX_DENY_MESSAGE_CHARS, "data-counter": MAX_DENY_MESSAGE_CHARS}
        ),
    )


class IdListField(forms.Field):
    """Several ids of one name (checkboxes, hidden inputs), each a whole number."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value: object) -> list[int]:
        if not value:
            return []
        if not isinstance(value, list | tuple):
            raise ValidationError(_("Select return requests from the list."), code="invalid")
        number = WholeNumberField()
        return [number.clean(item) for item in value]


class BulkSelectionForm(forms.Form):
    """Manage Returns' bulk bar: the ticked requests (or every one of the page, which works
    without JavaScript) and the action. Whose they are, and how many, the service checks."""

    action = forms.ChoiceField(choices=BulkAction.choices)
    ids = IdListField(required=False)
    all_on_page = forms.BooleanField(required=False)
    page_ids = IdListField(required=False)

    def selected_ids(self) -> list[int]:
        data = self.cleaned_data
        chosen = set(data["ids"]) | (set(data["page_ids"]) if data["all_on_page"] else set())
        return sorted(chosen)


class RefundForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the refund (optional)"), required=False, max_length=MAX_REFUND_REASON_CHARS
    )
    idempotency_key = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, items, remaining: dict[int, Decimal], currency: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = []
        for item in items:
            field = forms.DecimalField(
                label=gettext("Refund for %(quantity)s x %(title)s")
                % {"quantity": item.quantity, "title": item.order_item.product.title},
                required=False,
                min_value=Decimal("0"),
                max_value=remaining[item.pk],
                decimal_places=2,
                help_text=gettext("Up to %(most)s (paid %(paid)s).")
                % {"most": money(remaining[item.pk], currency), "paid": money(item.paid, currency)},
                widget=forms.NumberInput(attrs={"step": "0.01", "min": "0", "max": str(remaining[item.pk])}),
            )
            self.fields[f"item-{item.pk}"] = field
            self.rows.append((item, self[f"item-{item.pk}"]))

    def item_amounts(self) -> dict[int, Decimal]:
        return {item.pk: self.cleaned_data[f"item-{item.pk}"] or Decimal("0") for item, _ in self.rows}

    def confirmation_rows(self) -> list[tuple[object, Decimal]]:
        """The items and amounts the seller is asked to confirm (those with an amount)."""
        amounts = self.item_amounts()
        return [(item, amounts[item.pk]) for item, _ in self.rows if amounts[item.pk] > 0]


class ClaimForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Why are you filing a claim?"), choices=[("", _("- select -")), *Claim.Reason.choices]
    )
    body = forms.CharField(
        label=_("Tell us what happened"),
        max_length=MAX_CLAIM_CHARS,
        widget=forms.Textarea(
            attrs={"rows": 6, "data-counter": MAX_CLAIM_CHARS, "maxlength": MAX_CLAIM_CHARS}
        ),
    )


class ClaimResponseForm(forms.Form):
    response = forms.CharField(
        label=_("Your response"),
        max_length=MAX_CLAIM_CHARS,
        widget=forms.Textarea(
            attrs={"rows": 4, "data-counter": MAX_CLAIM_CHARS, "maxlength": MAX_CLAIM_CHARS}
        ),
    )


class ReturnSettingsForm(forms.Form):
    """The seed's Returns Settings screen: quick links, auto-authorised marketplaces, window."""

    email_quick_links = forms.BooleanField(
        label=_("Receive return request e-mails with links to Authorise, Close or Reply"), required=False
    )
    marketplaces = forms.MultipleChoiceField(
        label=_("Auto-authorise returns"), required=False, widget=forms.CheckboxSelectMultiple
    )
    rule = forms.ChoiceField(
        label=_("For the selected marketplaces"),
        choices=[
            ("policy", _("I want Amazon to automatically authorise all requests that meet Amazon policy")),
            ("all", _("I want Amazon to automatically authorise all requests")),
        ],
        widget=forms.RadioSelect,
        initial="policy",
    )
    return_window_days = forms.IntegerField(
        label=_("Return window"), min_value=MIN_RETURN_WINDOW_DAYS, max_value=MAX_RETURN_WINDOW_DAYS,
        initial=RETURN_WINDOW_DAYS,
        help_text=_("days from the order date to automatically authorise returns"),
    )  # fmt: skip

    def __init__(self, *args, seller, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["marketplaces"].choices = [(m.code, m.name) for m in seller.marketplaces.order_by("id")]

    def rules(self) -> dict[str, str]:
        chosen = set(self.cleaned_data["marketplaces"])
        return {
            code: (self.cleaned_data["rule"] if code in chosen else "manual")
            for code, _ in self.fields["marketplaces"].choices
        }
