"""Demo conversations like the seed's inbox: answered, waiting, late, automatic, thank-you;
and the demo seller's reply templates, in English and French."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from commerce.demo import DemoWorld

from . import services
from .models import ReplyTemplate, Thread

CONVERSATIONS = [
    # (order id, subject, buyer's words, hours ago, seller's answer, answered after hours)
    ("202-0697275-2144321", "order_delivery", "Hello, my SD card has not arrived yet. Can you check the tracking?", 50, "Hello Luca, it was dispatched yesterday and should arrive tomorrow. Kind regards", 2.5),
    ("202-5854079-6316359", "enquiry", "Is the 8 GB card Class 4 or Class 10?", 30, None, None),
    ("204-0618835-3321907", "order_cancellation", "Please cancel my order, I ordered three cables by mistake.", 5, None, None),
    ("302-2264109-8830156", "return_policy", "Can I return the card if I opened the package?", 80, "Yes, within 30 days of the order date. Use Return items on your order.", 30),
    ("026-7381554-4012298", "other", "Thank you, the mugs arrived safely!", 20, None, None),
]  # fmt: skip


REPLY_TEMPLATES = [
    # (name, language, text)
    ("Dispatched, with tracking", "en-gb", "Hello {buyer_name},\n\nThank you for your message. Your order {order_id} has been dispatched: you can follow it with the tracking link in Your orders.\n\nKind regards"),
    ("Return authorised", "en-gb", "Hello {buyer_name},\n\nWe have authorised your return for order {order_id}. Your return authorisation number is {rma}: please print the label and include a copy in the package.\n\nKind regards"),
    ("Thank you", "en-gb", "Hello {buyer_name},\n\nThank you for letting us know, we are glad the order arrived safely.\n\nKind regards"),
    ("Commande expédiée", "fr", "Bonjour {buyer_name},\n\nMerci pour votre message. Votre commande {order_id} a été expédiée : vous pouvez la suivre depuis Vos commandes.\n\nCordialement"),
    ("Retour autorisé", "fr", "Bonjour {buyer_name},\n\nNous avons autorisé le retour de la commande {order_id}. Votre numéro d'autorisation de retour est {rma} : imprimez l'étiquette et joignez-en une copie au colis.\n\nCordialement"),
]  # fmt: skip


def seed_reply_templates(world: DemoWorld) -> None:
    """The demo seller's templates; those it already has (by name) are left as they are."""
    seller = world.sellers["seller"]
    have = {
        name.lower() for name in ReplyTemplate.objects.filter(seller=seller).values_list("name", flat=True)
    }
    for name, language, body in REPLY_TEMPLATES:
        if name.lower() not in have:
            services.create_reply_template(seller=seller, name=name, language=language, body=body)


@transaction.atomic
def seed_messages(world: DemoWorld) -> None:
    seed_reply_templates(world)
    if Thread.objects.filter(order__order_id__in=[c[0] for c in CONVERSATIONS]).exists():
        return
    now = timezone.now()
    for order_id, subject, words, hours_ago, answer, answered_after in CONVERSATIONS:
        order = world.orders[order_id]
        asked_at = now - timedelta(hours=hours_ago)
        message = services.contact_seller(order=order, subject=subject, body=words, sent_at=asked_at)
        if answer:
            services.reply_to_thread(
                thread=message.thread, body=answer, sent_at=asked_at + timedelta(hours=answered_after)
            )
