from django import forms
from django.conf import settings
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from commerce.fields import CursorField, SearchField
from commerce.forms import DateRangeForm
from commerce.pagination import Position

from .models import AlternateAddress, Message
from .policy import (
    ATTACHMENTS_ALLOWED,
    BODY_TOO_LONG,
    CONTACT_SUBJECTS,
    MAX_BODY_CHARS,
    MAX_TEMPLATE_NAME_CHARS,
    REASON_NOT_OFFERED,
    ContactReason,
)
from .selectors import ALL_FOLDERS


def _body_widget(rows: int = 8) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows, "maxlength": MAX_BODY_CHARS, "data-counter": MAX_BODY_CHARS})


class _MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Any number of files under one name: a list, empty when none was chosen."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("widget", _MultipleFileInput())
        super().__init__(**kwargs)

    def clean(self, data, initial=None) -> list:
        one = super().clean
        return [
            one(upload, initial) for upload in (data if isinstance(data, (list, tuple)) else [data]) if upload
        ]


def _attachments_help() -> str:
    return gettext("Accepted: %(kinds)s; up to 10 MB in all.") % {"kinds": gettext(ATTACHMENTS_ALLOWED)}


def _attachments_field() -> MultipleFileField:
    return MultipleFileField(
        label=_("Attachments (optional)"),
        required=False,
        help_text=lazy(_attachments_help, str)(),
    )


class ContactSellerForm(forms.Form):
    subject = forms.ChoiceField(
        label=_("Subject"),
        choices=[
            ("", _("- select a subject -")),
            *((key, _(label)) for key, label in CONTACT_SUBJECTS.items()),
        ],
    )
    body = forms.CharField(
        label=_("Message"), max_length=MAX_BODY_CHARS, widget=_body_widget(), help_text=BODY_TOO_LONG
    )
    attachments = _attachments_field()


class ContactBuyerForm(forms.Form):
    """The seller writing first about an order: only the reasons its state offers are choices
    (the service checks again)."""

    reason = forms.ChoiceField(
        label=_("Contact reason"),
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": REASON_NOT_OFFERED},
    )
    body = forms.CharField(
        label=_("Message to the buyer"),
        max_length=MAX_BODY_CHARS,
        widget=_body_widget(),
        help_text=BODY_TOO_LONG,
    )
    attachments = _attachments_field()

    def __init__(self, *args, reasons: list[ContactReason], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].choices = [(reason.value, reason.label) for reason in reasons]


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Message to the buyer"),
        required=False,
        max_length=MAX_BODY_CHARS,
        widget=_body_widget(),
        help_text=BODY_TOO_LONG,
    )
    no_response_needed = forms.BooleanField(label=_("Mark as no response needed (optional)"), required=False)
    attachments = _attachments_field()

    def clean(self):
        data = super().clean()
        if not data.get("body", "").strip() and not data.get("no_response_needed"):
            self.add_error("body", gettext("Enter a reply, or tick “Mark as no response needed”."))
        return data


class InboxFilterForm(DateRangeForm):
    direction = forms.ChoiceField(
        label=_("Folder"),
        choices=[*Message.Direction.choices, (ALL_FOLDERS, _("All messages"))],
        required=False,
    )
    q = SearchField(label=_("Order ID, ASIN, or e-mail address"))
    awaiting = forms.BooleanField(label=_("Awaiting response"), required=False)
    # The page's keyset links (``commerce.pagination``): the API pages by number instead.
    before = CursorField(label=_("Page link"))
    after = CursorField(label=_("Page link"))

    def filters(self) -> dict:
        """Filters for ``selectors.inbox``; default: received (what buyers wrote), the last 30
        days. The page opens (nothing asked yet) on what still needs a response, as the
        marketplace's inbox does; any filter or folder link asks for itself."""
        data = self.valid_data()
        since, until = self.bounds()
        # The list's order (``?sort=``) and its page links ask for no filter: the default view's
        # next page still shows what awaits a response.
        asked = self.is_bound and bool(set(self.data) - {"sort", "before", "after"})
        return {
            "direction": data.get("direction") or Message.Direction.RECEIVED,
            "since": since,
            "until": until,
            "awaiting_response": bool(data.get("awaiting")) if asked else True,
            "search": data.get("q", ""),
        }

    def cursors(self) -> tuple[Position | None, Position | None]:
        """The page asked for: (older than ``before``, newer than ``after``)."""
        data = self.valid_data()
        return data.get("before"), data.get("after")


class AlternateAddressForm(forms.Form):
    # The column's length: a longer (yet valid, up to 320 characters) address is refused here,
    # not left to fail in the database as a server error.
    email = forms.EmailField(
        label=_("Alternate e-mail address"), max_length=AlternateAddress._meta.get_field("email").max_length
    )


class ReplyTemplateForm(forms.Form):
    """A reply template's fields; the placeholders, the name's uniqueness and the cap are the
    service's to check (``services.templates``), shown here by ``add_service_errors``."""

    name = forms.CharField(
        label=_("Template name"),
        max_length=MAX_TEMPLATE_NAME_CHARS,
        help_text=_("Only you see it, in the Reply box's list of templates."),
    )
    language = forms.ChoiceField(
        label=_("Language"),
        choices=settings.LANGUAGES,
        help_text=_("Templates in the language of a buyer's marketplace come first in the list."),
    )
    body = forms.CharField(
        label=_("Text"),
        max_length=MAX_BODY_CHARS,
        widget=_body_widget(rows=10),
        help_text=_(
            "Placeholders filled in for each buyer: {buyer_name} (the buyer's first name), "
            "{order_id} and {rma} (the return authorisation number of the order's return)."
        ),
    )
