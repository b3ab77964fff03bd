"""The reads of reply templates: the seller's templates, and each filled in for a thread."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db.models import QuerySet

from commerce.models import SellerAccount
from returns import selectors as returns_selectors

from ..models import ReplyTemplate, Thread
from ..policy import fill_placeholders, placeholders_in


def reply_templates(seller: SellerAccount | int) -> QuerySet[ReplyTemplate]:
    """The seller's templates by name (the order of the name's unique index)."""
    return ReplyTemplate.objects.filter(seller=seller)


@dataclass(frozen=True)
class TemplateChoice:
    """A template as a thread's Reply box offers it: its text filled in for the thread, or the
    placeholders the thread has no value for (then it is listed, marked, and cannot be used:
    a reply saying "your return number is ." helps nobody)."""

    template: ReplyTemplate
    text: str
    missing: tuple[str, ...]

    @property
    def usable(self) -> bool:
        return not self.missing

    @property
    def missing_placeholders(self) -> str:
        """The placeholders it lacks values for, as the seller wrote them: "{rma}"."""
        return ", ".join(f"{{{name}}}" for name in self.missing)


def placeholder_values(thread: Thread, *, with_rma: bool = True) -> dict[str, str]:
    """What a thread fills placeholders with; a placeholder without a value is left out.
    The buyer's first name only, never more of them, and never an address."""
    values = {}
    first_name = (thread.customer.name.split() or [""])[0]
    if first_name and "@" not in first_name:
        values["buyer_name"] = first_name
    if thread.order_id:
        values["order_id"] = thread.order.order_id
        rma = returns_selectors.latest_rma(thread.order_id) if with_rma else None
        if rma:
            values["rma"] = rma
    return values


def _choice(template: ReplyTemplate, values: dict[str, str]) -> TemplateChoice:
    missing = tuple(sorted(placeholders_in(template.body) - set(values)))
    return TemplateChoice(template, "" if missing else fill_placeholders(template.body, values), missing)


def template_choices(thread: Thread) -> list[tuple[str, list[TemplateChoice]]]:
    """The seller's templates for a thread's Reply box, by language: the thread's marketplace's
    language first, then the others in the product's order; (language name, choices) each."""
    templates = list(reply_templates(thread.seller_id))
    values = placeholder_values(thread, with_rma=any("rma" in placeholders_in(t.body) for t in templates))
    first = thread.marketplace.language.lower()
    languages = sorted(settings.LANGUAGES, key=lambda language: language[0] != first)
    groups = []
    for code, name in languages:
        choices = [_choice(template, values) for template in templates if template.language == code]
        if choices:
            groups.append((name, choices))
    return groups


def template_choice(thread: Thread, template_id: int) -> TemplateChoice | None:
    """One of the thread's seller's templates filled in for the thread; None when the seller
    has no such template (another seller's included)."""
    template = reply_templates(thread.seller_id).filter(pk=template_id).first()
    if template is None:
        return None
    return _choice(template, placeholder_values(thread, with_rma="rma" in placeholders_in(template.body)))
