"""The routes of the URLconf, and one world of objects to fill their parameters with: shared by
the tests generated from the URLconf (tenant isolation, extreme query parameters)."""

from __future__ import annotations

import re

from django.core.files.base import ContentFile
from django.urls import URLResolver, get_resolver

from commerce.models import Marketplace
from integrations import services as integrations
from messaging import services as messaging
from messaging.models import AlternateAddress, Attachment
from metrics import services as metrics
from returns import services as returns
from returns import tokens

from .. import factories
from ..mailauth import genuine


def all_routes() -> list[str]:
    def walk(patterns, prefix=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            else:
                yield prefix + str(pattern.pattern)

    return [r for r in walk(get_resolver().url_patterns) if not r.startswith("admin/")]


def build_world(*, buyer_marketplace: Marketplace | None = None) -> dict:
    """Seller A with a buyer A and every kind of object, each route's parameter names one
    (the buyer's home storefront sets the language of their pages and e-mails)."""
    seller = factories.SellerAccountFactory()
    seller_user = factories.seller_user(seller)
    buyer = factories.CustomerFactory(marketplace=buyer_marketplace)
    order = factories.order_with_items(seller=seller, customer=buyer)
    item = order.items.get()
    item.product.image.save("card.png", ContentFile(b"\x89PNG\r\n\x1a\n"))  # its seller may see it
    factories.return_address(seller)
    message = messaging.contact_seller(order=order, subject="enquiry", body="hello")
    alias = messaging.seller_alias(seller=seller, marketplace=order.marketplace)
    raw = (
        f"From: {buyer.email}\r\nTo: {alias.address}\r\nSubject: photo\r\nMIME-Version: 1.0\r\n"
        "Content-Type: multipart/mixed; boundary=z\r\n\r\n--z\r\nContent-Type: text/plain\r\n\r\nsee\r\n"
        "--z\r\nContent-Type: image/png\r\nContent-Disposition: attachment; filename=a.png\r\n\r\npng\r\n--z--\r\n"
    ).encode()
    messaging.receive_inbound_email(raw=raw, verdict=genuine(raw))
    request, _ = returns.request_return(
        order=order, customer=buyer, items=[returns.RequestedItem(item.pk, 1, "unwanted")]
    )
    authorised = returns.authorise_return(return_request=request, actor=seller_user)
    claim = returns.file_claim(order=order, customer=buyer, reason="not_received", body="where?")
    feedback = metrics.leave_feedback(order=order, customer=buyer, rating=2)
    messaging.add_alternate_address(seller=seller, email="help@shop.example")
    template = messaging.create_reply_template(
        seller=seller, name="Return", language="en-gb", body="Hello {buyer_name}, your RMA is {rma}."
    )
    # After every event above: its log is empty (the pages' own tests fill one).
    webhook = integrations.create_subscription(
        seller=seller, url="http://127.0.0.1:9/hooks", event_types=["claim.filed"]
    )
    return {
        "order_id": order.order_id,
        "thread": message.thread_id,
        "message": message.pk,
        "attachment": Attachment.objects.get().pk,
        "return": authorised.pk,
        "claim": claim.pk,
        "feedback": feedback.pk,
        "product": item.product_id,
        "asin": item.product.asin,
        "alternate": AlternateAddress.objects.get().pk,
        "template": template.pk,
        "webhook": webhook.pk,
        "token": tokens.make_token(authorised, "authorise"),
        "seller_user": seller_user,
        "buyer_user": buyer.user,
    }


def parameter_for(route: str, world: dict) -> str:
    """Which of seller A's / buyer A's objects the route's parameter names."""
    if "<str:order_id>" in route:
        return world["order_id"]
    if "<str:token>" in route:
        return world["token"]
    if "<str:code>" in route:  # a marketplace code
        return "uk"
    if "<str:asin>" in route:  # a product's public catalogue picture
        return world["asin"]
    if "<str:key>" in route:  # a development mailbox's file
        return "no-such-mail"
    kind = (
        "webhook" if "webhooks/" in route
        else "product" if "inventory/" in route
        else "attachment" if "attachments/" in route
        else "thread" if "threads/" in route
        else "template" if "templates/" in route
        else "message" if "messages/<int:pk>" in route
        else "alternate" if "alternate-addresses/" in route
        else "claim" if "claims/" in route
        else "feedback" if "feedback/" in route
        else "return" if "returns/" in route
        else None
    )  # fmt: skip
    assert kind, f"classify {route} in tests/security/routes.py"
    return str(world[kind])


def path_of(route: str, world: dict) -> str:
    if "<" not in route:
        return "/" + route
    # A thread's reply template: the route's second parameter.
    route = route.replace("<int:template_pk>", str(world["template"]))
    return "/" + re.sub(r"<[^>]+>", parameter_for(route, world), route)
