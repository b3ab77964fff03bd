"""The seller's reply templates: saved, changed and deleted here only.

Every write locks the seller's account row first (``locks.lock_seller_templates``), so the
cap (``policy.MAX_TEMPLATES_PER_SELLER``) and the name's uniqueness are checked against
what is really there, even when two users of the seller save at once.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Value
from django.db.models.functions import Lower
from django.utils.translation import gettext

from commerce.models import SellerAccount

from .. import locks, policy
from ..models import ReplyTemplate


def _problems(*, seller: SellerAccount | int, name: str, body: str, template_id: int | None = None) -> dict:
    problems: dict[str, list[str]] = {}
    # Compared as the constraint compares them, in the database's lower case.
    others = ReplyTemplate.objects.alias(lower_name=Lower("name")).filter(
        seller=seller, lower_name=Lower(Value(name))
    )
    if template_id is not None:
        others = others.exclude(pk=template_id)
    if others.exists():
        problems["name"] = [gettext("You already have a template with this name.")]
    if body_problems := policy.placeholder_problems(body):
        problems["body"] = body_problems
    if len(body) > policy.MAX_BODY_CHARS:
        problems.setdefault("body", []).append(policy.BODY_TOO_LONG)
    return problems


def _cleaned(name: str, body: str) -> tuple[str, str]:
    name, body = name.strip(), body.strip()
    problems = {}
    if not name:
        problems["name"] = [gettext("Enter a name for the template.")]
    elif len(name) > policy.MAX_TEMPLATE_NAME_CHARS:
        problems["name"] = [
            gettext("A name has at most %(limit)d characters.") % {"limit": policy.MAX_TEMPLATE_NAME_CHARS}
        ]
    if not body:
        problems["body"] = [gettext("Enter the template's text.")]
    if problems:
        raise ValidationError(problems)
    return name, body


def _check_language(language: str) -> None:
    if language not in dict(ReplyTemplate._meta.get_field("language").choices):
        raise ValidationError({"language": [gettext("Choose one of the marketplaces' languages.")]})


def create_reply_template(*, seller: SellerAccount, name: str, language: str, body: str) -> ReplyTemplate:
    """A new template of the seller's; ``ValidationError`` naming the fields, or without a
    field when the seller already has as many templates as allowed."""
    name, body = _cleaned(name, body)
    _check_language(language)
    with transaction.atomic():
        locks.lock_seller_templates(seller.pk)
        if ReplyTemplate.objects.filter(seller=seller).count() >= policy.MAX_TEMPLATES_PER_SELLER:
            raise ValidationError(
                gettext(
                    "You have %(limit)d templates, the most a seller may keep: delete one you no "
                    "longer use first."
                )
                % {"limit": policy.MAX_TEMPLATES_PER_SELLER}
            )
        if problems := _problems(seller=seller, name=name, body=body):
            raise ValidationError(problems)
        return ReplyTemplate.objects.create(seller=seller, name=name, language=language, body=body)


def update_reply_template(*, template: ReplyTemplate, name: str, language: str, body: str) -> ReplyTemplate:
    name, body = _cleaned(name, body)
    _check_language(language)
    with transaction.atomic():
        locks.lock_seller_templates(template.seller_id)
        if problems := _problems(seller=template.seller_id, name=name, body=body, template_id=template.pk):
            raise ValidationError(problems)
        template.name, template.language, template.body = name, language, body
        template.save(update_fields=["name", "language", "body", "updated_at"])
        return template


def delete_reply_template(*, seller: SellerAccount, template_id: int) -> bool:
    """Whether the seller had that template (another seller's is not touched)."""
    deleted, _ = ReplyTemplate.objects.filter(seller=seller, pk=template_id).delete()
    return deleted > 0
