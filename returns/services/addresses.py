"""The seller's return addresses: the default and one exception per marketplace.

The rules: the model's required lines and lengths, and ``policy.address_format_errors``
(region written out, postcode in capitals, a daytime phone). Admin meets the same ones
through ``ReturnAddress.clean``.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext

from commerce.models import Marketplace, SellerAccount
from commerce.policy import at_most_characters

from .. import policy
from ..models import ADDRESS_FIELDS, ReturnAddress


def clean_return_address(data: dict) -> dict:
    """The address fields, trimmed, or a ``ValidationError`` naming each field at fault."""
    cleaned = {field: str(data.get(field) or "").strip() for field in ADDRESS_FIELDS}
    fields = {field: ReturnAddress._meta.get_field(field) for field in ADDRESS_FIELDS}
    errors: dict[str, str] = {
        field: gettext("This field is required.")
        for field in ADDRESS_FIELDS
        if not fields[field].blank and not cleaned[field]
    }
    errors.update(policy.address_format_errors(cleaned))
    for field, value in cleaned.items():
        limit = fields[field].max_length
        if len(value) > limit and field not in errors:
            errors[field] = at_most_characters(limit)
    if errors:
        raise ValidationError(errors)
    return cleaned


@transaction.atomic
def save_return_address(
    *, seller: SellerAccount, marketplace: Marketplace | None, data: dict
) -> ReturnAddress:
    """Set the default address (``marketplace=None``) or one marketplace's exception."""
    wrong_marketplace = ReturnAddress(seller=seller, marketplace=marketplace).marketplace_errors()
    if wrong_marketplace:
        raise ValidationError(wrong_marketplace)
    cleaned = clean_return_address(data)
    # update_or_create locks the row it updates (SELECT ... FOR UPDATE) until commit.
    address, _ = ReturnAddress.objects.update_or_create(
        seller=seller, marketplace=marketplace, defaults=cleaned
    )
    return address


def remove_return_address_exception(*, seller: SellerAccount, marketplace: Marketplace) -> None:
    ReturnAddress.objects.filter(seller=seller, marketplace=marketplace).delete()


@transaction.atomic
def replace_return_addresses(
    *, seller: SellerAccount, default: dict | None, exceptions: dict[str, dict]
) -> None:
    """Set the default (unless ``None``) and exactly these exceptions, by marketplace code:
    the seller's other marketplaces lose theirs. All or nothing."""
    codes = {m.code: m for m in seller.marketplaces.all()}
    unknown = [code for code in exceptions if code not in codes]
    if unknown:
        raise ValidationError(
            {
                "exceptions": gettext("You do not sell on: %(marketplaces)s.")
                % {"marketplaces": ", ".join(unknown)}
            }
        )
    if default:
        save_return_address(seller=seller, marketplace=None, data=default)
    for code, marketplace in codes.items():
        if code in exceptions:
            save_return_address(seller=seller, marketplace=marketplace, data=exceptions[code])
        else:
            remove_return_address_exception(seller=seller, marketplace=marketplace)
