"""Demo conversations like the seed's inbox: answered, waiting, late, automatic, thank-you;
and 90 days of the demo seller's conversations with their regular buyers, most answered
within a few hours, a few late, some thank-yous marked "no response needed"; and the demo
seller's reply templates, in English and French."""

from __future__ import annotations

import random
from datetime import timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from commerce.demo import DemoWorld
from commerce.demo_history import HISTORY_DAYS, Step
from commerce.models import Order

from . import services
from .models import OutboundEmail, ReplyTemplate, Thread

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


HISTORY_SEED = 2402
QUESTIONS = [
    # (subject, buyer's words; {title} is the first item's title)
    (
        "order_delivery",
        "Hello, my order of the {title} has not arrived yet. Could you check the tracking please?",
    ),
    ("order_delivery", "The tracking has not moved for two days. Is my {title} still on its way?"),
    ("enquiry", "Hi, does the {title} come with a UK plug or an EU one?"),
    ("enquiry", "Can you confirm the {title} works with a 2019 MacBook Pro?"),
    ("enquiry", "Is there a warranty on the {title}? Mine came without any paperwork."),
    ("order_cancellation", "Please cancel my order, I ordered the {title} twice by mistake."),
    ("return_policy", "If the {title} does not suit me, can I send it back after opening the box?"),
    ("other", "Could you send me a VAT invoice for my order of the {title}?"),
]
ANSWERS = [
    "Hello, thank you for your message. Your parcel left our warehouse and is with the courier: "
    "it should reach you within two working days. Kind regards, the Test UK Seller 4 Luca team",
    "Hello, thanks for getting in touch. Yes, it does; the details are on the product page too. Kind regards",
    "Hello, sorry about that. We have checked with the courier and a replacement is on its way today. Best regards",
    "Hello, of course: you can return it within 30 days of the order date with Return items on your order. Kind regards",
    "Hello, the invoice is attached to your order in Your orders. Have a good day!",
]
THANKS = [
    "Thank you, it arrived this morning. Great service!",
    "Got it, all working. Thanks for the quick help.",
    "Many thanks, that answers my question.",
]
MESSAGES_PER_DAY = (1, 3)
LATE_SHARE, UNANSWERED_SHARE, THANKS_SHARE = 0.03, 0.015, 0.1


def history_steps(world: DemoWorld) -> list[Step]:
    """The demo seller's conversations of the last 90 days, a few every day, each on an order
    of the days before it; none if the history's orders have conversations already."""
    orders = [o for o in world.history if o.placed_at >= world.now - timedelta(days=HISTORY_DAYS + 5)]
    if not orders or Thread.objects.filter(order__in=orders).exists():
        return []
    rng = random.Random(HISTORY_SEED)
    seller_user = world.sellers["seller"].users.order_by("pk").first()
    steps: list[Step] = []
    talked_about: set[int] = set()
    midnight = timezone.localtime(world.now).replace(hour=0, minute=0, second=0, microsecond=0)
    for days_ago in range(HISTORY_DAYS - 1, -1, -1):
        day_start = midnight - timedelta(days=days_ago)  # the seller's calendar day, as the chart shows it
        for n in range(rng.randint(*MESSAGES_PER_DAY)):
            # Each day's first message comes in the morning and is answered within two hours,
            # so that every day of the 90-day chart has a bar.
            first = n == 0
            asked_at = day_start + timedelta(
                minutes=rng.randint(8 * 60, 11 * 60) if first else rng.randint(7 * 60, 22 * 60)
            )
            if asked_at > world.now - timedelta(hours=1):
                continue
            candidates = [
                o
                for o in orders
                if o.pk not in talked_about and asked_at - timedelta(days=12) < o.placed_at < asked_at
            ]
            if not candidates:
                continue
            order = rng.choice(candidates)
            talked_about.add(order.pk)
            steps += _conversation(rng, world, order, asked_at, seller_user, first=first)
    return steps


def _conversation(
    rng: random.Random, world: DemoWorld, order: Order, asked_at, seller_user, *, first: bool
) -> list[Step]:
    title = order.items.all()[0].product.title
    roll = rng.random()
    if first:
        roll = 1.0  # a question, answered on time
    if roll < THANKS_SHARE:
        words, subject = rng.choice(THANKS), "other"
        answer, delay, no_response_needed = "", timedelta(minutes=rng.randint(20, 600)), True
    else:
        subject, template = rng.choice(QUESTIONS)
        words, answer, no_response_needed = template.format(title=title), rng.choice(ANSWERS), False
        if roll < THANKS_SHARE + UNANSWERED_SHARE:
            answer = ""  # never answered: a late response in the figures
        elif roll < THANKS_SHARE + UNANSWERED_SHARE + LATE_SHARE:
            delay = timedelta(hours=rng.randint(26, 50), minutes=rng.randint(0, 59))
        elif first:
            delay = timedelta(minutes=rng.randint(8, 120))
        else:  # most within a working day, a few overnight
            delay = timedelta(
                minutes=rng.choice([rng.randint(8, 120), rng.randint(60, 480), rng.randint(300, 1200)])
            )
    steps = [Step(asked_at, lambda: services.contact_seller(order=order, subject=subject, body=words))]
    if answer or no_response_needed:
        answered_at = asked_at + delay
        if answered_at < world.now:
            steps.append(
                Step(
                    answered_at,
                    lambda: services.reply_to_thread(
                        thread=Thread.objects.filter(order=order).latest("last_message_at"),
                        body=answer,
                        author=seller_user,
                        no_response_needed=no_response_needed,
                    ),
                )
            )
    return steps


def overdue_sweep() -> None:
    """The 24-hour timer's sweep, as beat runs it (at the step's moment)."""
    services.mark_overdue_messages()


def last_outbox_id() -> int:
    return OutboundEmail.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def mark_history_mail_sent(*, after_id: int, before) -> int:
    """The history's mail went out when it happened: its outbox rows (those after
    ``after_id``, from before ``before``) are stamped as sent then, not mailed now, months late."""
    return OutboundEmail.objects.filter(
        pk__gt=after_id, status=OutboundEmail.Status.PENDING, created_at__lt=before
    ).update(status=OutboundEmail.Status.SENT, sent_at=F("created_at"))
