"""Masked addresses, and the seller's alternate addresses.

A buyer has one masked address (an ``Alias``) per seller and marketplace, a seller one per
marketplace: ``<token>@<the marketplace's relay domain>``, the token about 82 random bits of
pronounceable syllables, never derived from anything a person could guess. Behind them are
the real addresses: the buyer's, and the seller's users' (where its mail goes) and registered
alternates (which may also write to buyers through the relay); those are read by
``selectors.seller_addresses``.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext

from commerce.models import Customer, Marketplace, SellerAccount
from sellercentral.compiled_queries import CompiledQuery

from .. import policy
from ..models import Alias, AlternateAddress


# --- Masked addresses ---------------------------------------------------------------------
def new_alias_token() -> str:
    """A fresh random token of pronounceable syllables (``policy``: about 82 bits).

    Tokens made before this format (24 base32 characters, or syllables between dots) stay
    valid: an alias is found by its stored token, whatever its shape."""
    syllables = [
        secrets.choice(policy.ALIAS_CONSONANTS) + secrets.choice(policy.ALIAS_VOWELS)
        for _ in range(policy.ALIAS_SYLLABLES)
    ]
    groups = range(0, len(syllables), policy.ALIAS_GROUP)
    return policy.ALIAS_SEPARATOR.join("".join(syllables[n : n + policy.ALIAS_GROUP]) for n in groups)


def _alias(**identity) -> Alias:
    """Get or create an alias; a concurrent creator's row wins and is returned."""
    alias = Alias.objects.select_related("marketplace").filter(**identity).first()
    if alias is not None:
        return alias
    try:
        with transaction.atomic():
            return Alias.objects.create(token=new_alias_token(), **identity)
    except IntegrityError:
        return Alias.objects.select_related("marketplace").get(**identity)


def buyer_alias(*, customer: Customer, seller: SellerAccount, marketplace: Marketplace) -> Alias:
    return _alias(kind=Alias.Kind.BUYER, customer=customer, seller=seller, marketplace=marketplace)


def seller_alias(*, seller: SellerAccount, marketplace: Marketplace) -> Alias:
    return _alias(kind=Alias.Kind.SELLER, customer=None, seller=seller, marketplace=marketplace)


# Every RCPT reads this: compiled once. [:1], not first(): tokens are unique, so no ORDER BY.
_alias_by_token = CompiledQuery(
    lambda token: Alias.objects.select_related("marketplace", "seller", "customer").filter(token=token)[:1],
    token=str,
)


def find_alias(address: str) -> Alias | None:
    """The alias behind a masked address, or None (wrong domain, unknown token)."""
    local, _, domain = address.strip().lower().rpartition("@")
    if not local or domain not in settings.RELAY_DOMAINS.values():
        return None
    found = _alias_by_token(token=local)
    alias = found[0] if found else None
    if alias is None or alias.marketplace.relay_domain != domain:
        return None
    return alias


# --- Alternate addresses ----------------------------------------------------------------
def add_alternate_address(*, seller: SellerAccount, email: str) -> AlternateAddress:
    """Let one more of the seller's addresses write to buyers through the relay."""
    email = email.strip().lower()
    if AlternateAddress.objects.filter(seller=seller, email=email).exists():
        raise ValidationError({"email": gettext("This address is already registered.")})
    if find_alias(email) is not None or email.rpartition("@")[2] in settings.RELAY_DOMAINS.values():
        raise ValidationError({"email": gettext("A masked address cannot be an alternate address.")})
    try:
        with transaction.atomic():
            return AlternateAddress.objects.create(seller=seller, email=email)
    except IntegrityError:
        raise ValidationError({"email": gettext("This address is already registered.")}) from None


def remove_alternate_address(*, seller: SellerAccount, address_id: int) -> bool:
    """Remove one of the seller's alternate addresses; False when it is not theirs."""
    deleted, _ = AlternateAddress.objects.filter(seller=seller, id=address_id).delete()
    return bool(deleted)
