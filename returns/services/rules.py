"""Returns Settings: the return window, the return-by days, the e-mail quick links and the
automatic rule per marketplace; and the rules a new request records."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext

from commerce.models import Marketplace, SellerAccount

from .. import locks, policy, selectors
from ..models import MarketplaceReturnRule, ReturnRule, ReturnSettings


def rules_in_force(seller: SellerAccount, marketplace: Marketplace) -> tuple[str, int]:
    """The seller's rule for the marketplace and return window, as a request records them."""
    rule = (
        MarketplaceReturnRule.objects.filter(seller=seller, marketplace=marketplace)
        .values_list("rule", flat=True)
        .first()
    )
    return rule or ReturnRule.MANUAL, selectors.return_settings_for(seller).return_window_days


def return_by_days(seller: SellerAccount) -> int:
    """Days an authorised buyer has to send the items back."""
    return selectors.return_settings_for(seller).return_by_days


@transaction.atomic
def update_return_settings(
    *, seller: SellerAccount, email_quick_links: bool, return_window_days: int, rules: dict[str, str]
) -> ReturnSettings:
    """Save Returns Settings; open requests keep the rules they were submitted under."""
    errors = {}
    if not policy.is_valid_return_window(return_window_days):
        errors["return_window_days"] = gettext("Enter a return window from %(least)s to %(most)s days.") % {
            "least": policy.MIN_RETURN_WINDOW_DAYS,
            "most": policy.MAX_RETURN_WINDOW_DAYS,
        }
    codes = {m.code: m for m in seller.marketplaces.all()}
    unknown = sorted(set(rules) - set(codes))
    if unknown:
        errors["rules"] = gettext("You do not sell on: %(marketplaces)s.") % {
            "marketplaces": ", ".join(unknown)
        }
    bad = sorted(code for code, rule in rules.items() if rule not in ReturnRule.values)
    if bad:
        errors["rules"] = gettext("A rule is one of manual, policy or all (check %(codes)s).") % {
            "codes": ", ".join(bad)
        }
    if errors:
        raise ValidationError(errors)
    settings_row = locks.lock_return_settings(seller)
    settings_row.email_quick_links = email_quick_links
    settings_row.return_window_days = return_window_days
    settings_row.save(update_fields=["email_quick_links", "return_window_days"])
    for code, marketplace in codes.items():
        MarketplaceReturnRule.objects.update_or_create(
            seller=seller, marketplace=marketplace, defaults={"rule": rules.get(code, ReturnRule.MANUAL)}
        )
    return settings_row
