"""How the i18n crawls read what they find: the Rule for the world's data (what users typed,
brand names) and the reading of the e-mails in ``mail.outbox``; shared by the page, e-mail
and API crawls."""

from __future__ import annotations

from datetime import datetime
from email.utils import parseaddr
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core import mail

from commerce.models import Customer, Marketplace, Order, Product, SellerAccount
from messaging.models import AlternateAddress, Attachment, Message, ReplyTemplate, Thread
from metrics.models import OrderFeedback
from returns.models import Claim, ReturnAddress, ReturnItem, ReturnRequest

from . import pseudo

# The fields users write, and the ids the world drew: their values are never the product's words.
WORLD = {
    SellerAccount: ["name"],
    Customer: ["name", "email"],
    Product: ["title", "brand", "category", "sku", "asin"],
    Order: ["order_id", "recipient_name", "tracking_number", "gift_receipt_number"],
    Thread: ["subject"],
    AlternateAddress: ["email"],
    Attachment: ["filename"],
    ReplyTemplate: ["name", "body"],
    ReturnAddress: ["name", "line1", "line2", "city", "region", "postcode", "country", "phone"],
    ReturnItem: ["comment"],
    ReturnRequest: ["rma", "deny_message", "buyer_rating_comment"],
    Claim: ["body", "seller_response", "decision_note"],
    OrderFeedback: ["comment"],
}


def world_rule() -> pseudo.Rule:
    """The Rule with what the database holds now: call it after the last write."""
    typed = [
        value for model, fields in WORLD.items() for value in model.objects.values_list(*fields, flat=False)
    ]
    people = Message.objects.exclude(direction=Message.Direction.SYSTEM)
    typed += list(people.values_list("sender_name", "subject", "body_text"))
    brands = list(Marketplace.objects.values_list("name", flat=True))
    brands += [name.split(".")[0] for name in brands]  # "Amazon"
    brands += list(Marketplace.objects.values_list("currency", flat=True).distinct())  # "GBP"
    product = parseaddr(settings.DEFAULT_FROM_EMAIL)[0]  # "Seller Central", the logo's "sellercentral"
    brands += [product, product.replace(" ", "")]
    brands += [name for _code, name in settings.LANGUAGES]  # a language's own name for itself
    brands += list(settings.RELAY_DOMAINS.values())
    # The time zone's names in winter and summer ("GMT", "BST"): the test holds all year.
    zone = ZoneInfo(settings.TIME_ZONE)
    brands += [datetime(2024, month, 1, tzinfo=zone).tzname() or "" for month in (1, 7)] + ["UTC"]
    return pseudo.Rule(typed=[text for row in typed for text in row], brands=brands)


def crawl_mails(rule: pseudo.Rule) -> dict[str, list[str]]:
    """Untranslated texts of each sent mail (subject, text and HTML bodies), by reader and subject."""
    buyers = set(Customer.objects.values_list("email", flat=True))
    found: dict[str, list[str]] = {}
    for message in mail.outbox:
        to = "buyer" if set(message.to) & buyers else "seller"
        texts = [
            message.subject,
            message.body,
            *(body for body, kind in message.alternatives if "html" in kind),
        ]
        key = f"mail to {to}: {rule.mask(message.subject)}"
        untranslated = set(rule.untranslated([message.subject, message.body]))
        for html in texts[2:]:
            untranslated |= set(rule.untranslated(pseudo.read_html(html)))
        found[key] = sorted(untranslated | set(found.get(key, [])))
    return found


def assert_all_translated(found: dict[str, list[str]], where: str) -> None:
    """Fails listing each text, under its page, mail or answer, that was never marked."""
    lines = "\n".join(f"  {key}: {text!r}" for key, texts in found.items() for text in texts)
    assert not found, f"{where} text never marked for translation:\n{lines}"
