"""Buyer-Seller Messaging: masked addresses, threads, messages, their events, the outbox.

Times are stored exactly (``sent_at``, ``responded_at``, ``response_deadline``): the
Contact Response Time figures (``metrics``) are computed from these columns. The rules that
set them are in ``policy.py``; the product is described in ``docs/messaging.md``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from commerce.generations import TrackedQuerySet
from commerce.models import ChangeTracked, Customer, Marketplace, Order, SellerAccount

from . import policy
from .notices import Notice, ThreadNotice


class Alias(models.Model):
    """A masked address ``<token>@<relay domain>``.

    A buyer has one per (buyer, seller, marketplace); a seller one per (seller, marketplace).
    The token is random (120 bits) and never derived from anything a person could guess.
    """

    class Kind(models.TextChoices):
        BUYER = "buyer", _("Buyer")
        SELLER = "seller", _("Seller")

    token = models.CharField(max_length=40, unique=True)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    marketplace = models.ForeignKey(Marketplace, on_delete=models.PROTECT, related_name="+")
    seller = models.ForeignKey(SellerAccount, on_delete=models.CASCADE, related_name="aliases")
    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, null=True, blank=True, related_name="aliases"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    objects = TrackedQuerySet.as_manager()  # bulk writes bump the seller's generation

    class Meta:
        verbose_name_plural = "aliases"
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "seller", "marketplace"],
                condition=Q(kind="buyer"),
                name="alias_one_per_buyer_seller_marketplace",
            ),
            models.UniqueConstraint(
                fields=["seller", "marketplace"],
                condition=Q(kind="seller"),
                name="alias_one_per_seller_marketplace",
            ),
            models.CheckConstraint(
                condition=(Q(kind="buyer") & Q(customer__isnull=False))
                | (Q(kind="seller") & Q(customer__isnull=True)),
                name="alias_buyer_has_customer",
            ),
            models.CheckConstraint(
                # Lower-case letters and digits, groups separated by hyphens (policy's syllables)
                # or dots (the earlier syllable tokens; base32 ones are one group), 20 to 40
                # characters in all.
                condition=Q(token__regex=r"^(?=.{20,40}$)[a-z0-9]+([.-][a-z0-9]+)*$"),  # noqa: S106
                name="alias_token_format",
            ),
        ]

    def __str__(self) -> str:
        return self.address

    @property
    def address(self) -> str:
        return self.address_of(self.token, self.marketplace.code)

    @staticmethod
    def address_of(token: str, marketplace_code: str) -> str:
        """``address`` from the columns alone (a batch read without model instances)."""
        return f"{token}@{Marketplace.relay_domain_of(marketplace_code)}"


class AlternateAddress(models.Model):
    """A seller's extra address allowed to write to buyers through the relay."""

    seller = models.ForeignKey(SellerAccount, on_delete=models.CASCADE, related_name="alternate_addresses")
    email = models.EmailField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["email"]
        verbose_name_plural = "alternate addresses"
        constraints = [
            models.UniqueConstraint(fields=["seller", "email"], name="alternate_address_once_per_seller"),
        ]
        indexes = [models.Index(fields=["email"], name="alternate_address_email_idx")]

    def __str__(self) -> str:
        return self.email


class Thread(models.Model):
    """A conversation between one buyer and one seller on one marketplace, maybe about an order."""

    seller = models.ForeignKey(SellerAccount, on_delete=models.CASCADE, related_name="threads")
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="threads")
    marketplace = models.ForeignKey(Marketplace, on_delete=models.PROTECT, related_name="+")
    buyer_alias = models.ForeignKey(Alias, on_delete=models.PROTECT, related_name="buyer_threads")
    seller_alias = models.ForeignKey(Alias, on_delete=models.PROTECT, related_name="seller_threads")
    order = models.ForeignKey(Order, on_delete=models.SET_NULL, null=True, blank=True, related_name="threads")
    subject = models.CharField(max_length=300)
    # A subject the product wrote ("Your order … with …"), rendered in each reader's language
    # (messaging.notices); ``subject`` holds its default-language rendering.
    subject_notice = models.JSONField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField()
    last_message_at = models.DateTimeField()
    objects = TrackedQuerySet.as_manager()  # bulk writes bump the seller's generation

    class Meta:
        ordering = ["-last_message_at"]
        indexes = [
            models.Index(fields=["buyer_alias", "-last_message_at"], name="thread_pair_recent_idx"),
        ]

    def __str__(self) -> str:
        return self.subject

    @property
    def subject_for_reader(self) -> str:
        return Notice.from_json(self.subject_notice).render() if self.subject_notice else self.subject


class Message(ChangeTracked):
    class Direction(models.TextChoices):
        RECEIVED = "received", _("Received")  # buyer → seller
        SENT = "sent", _("Sent")  # seller → buyer
        # The product's own word in the thread ("Return denied", "Refund issued", a bounce):
        # written by neither party, signed policy.SYSTEM_SENDER_NAME, never relayed.
        SYSTEM = "system", _("System message")

    class Channel(models.TextChoices):
        WEB = "web", _("Seller Central or storefront page")
        API = "api", _("REST API")
        EMAIL = "email", _("E-mail through the relay")
        SYSTEM = "system", _("System message")

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="messages")
    seller = models.ForeignKey(SellerAccount, on_delete=models.CASCADE, related_name="+")
    direction = models.CharField(max_length=10, choices=Direction.choices)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    sender_name = models.CharField(max_length=200)
    subject = models.CharField(max_length=300)
    body_text = models.TextField(blank=True)
    body_html = models.TextField(blank=True, help_text="Sanitised with an allow-list before it is stored.")
    # A system message's sentences, rendered in each reader's language (messaging.notices);
    # subject and body_text hold their default-language rendering.
    notice = models.JSONField(null=True, blank=True, editable=False)
    message_id = models.CharField(
        max_length=998, help_text="The RFC 5322 Message-ID it arrived with (or was given)."
    )
    relay_message_id = models.CharField(
        max_length=255, unique=True, help_text="The Message-ID of the copy the relay sends on."
    )
    in_reply_to = models.CharField(max_length=998, blank=True)
    sent_at = models.DateTimeField(help_text="When the message entered the product.")
    is_auto_reply = models.BooleanField(default=False)
    sender_authentication = models.CharField(
        max_length=500,
        blank=True,
        db_default="",  # rows written without it (bulk loads, older code) are unauthenticated
        help_text="How the relay authenticated an e-mail's sender (SPF, DKIM, DMARC), for staff.",
    )
    sender_unverified = models.BooleanField(
        default=False,
        db_default=False,
        help_text="A buyer's mail taken though its sender was not authenticated (the operator allows "
        "it): shown with a warning, not counted in Contact Response Time.",
    )
    # direction == "system", kept as a column for filters, the admin and the API; the check
    # constraint below holds the two together and store_message derives it, never takes it.
    is_system = models.BooleanField(default=False)
    needs_response = models.BooleanField(
        default=False, help_text="A buyer message that is not automatic and not a system message."
    )
    no_response_needed = models.BooleanField(default=False)
    response_deadline = models.DateTimeField(null=True, blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    overdue_at = models.DateTimeField(
        null=True, blank=True, help_text="Set by the 24-hour sweep when the deadline passed unanswered."
    )
    deadline_warning_sent_at = models.DateTimeField(null=True, blank=True)
    raw = models.BinaryField(
        blank=True, editable=False, help_text="The source as received, of messages stored before ``source``."
    )
    # The source as received (a file: written once, never through an SQL statement, never
    # read with the row); ``source_text()`` reads it, or ``raw`` for earlier messages.
    source = models.FileField(
        upload_to="sources/",
        max_length=500,
        blank=True,
        editable=False,
        db_default="",  # rows written without it (bulk loads, older code) have none
        help_text="The source as received, for staff.",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    objects = TrackedQuerySet.as_manager()  # bulk writes bump the seller's generation

    class Meta:
        ordering = ["sent_at", "id"]
        indexes = [
            # The inbox: one seller, one direction, newest first (and the keyset of its pages).
            models.Index(fields=["seller", "direction", "-sent_at", "-id"], name="message_inbox_idx"),
            models.Index(fields=["thread", "sent_at"], name="message_thread_idx"),
            # The API's incremental sync (``updated_after``).
            models.Index(fields=["seller", "updated_at", "id"], name="message_seller_updated_idx"),
            # Contact Response Time: the seller's counted messages in a time range, answered
            # from the index alone. Its condition is policy.counts_for_response_time(), written
            # out because the migrations freeze it.
            models.Index(
                fields=["seller", "sent_at"],
                include=["responded_at", "response_deadline", "id"],
                condition=Q(needs_response=True, no_response_needed=False, direction="received"),
                name="message_counted_covering_idx",
            ),
            # The menu's badge and the home's to-do on every Seller Central page
            # (``awaiting_for_seller``): the awaiting rows only (a tenth of the seller's), the
            # oldest first. Its condition is policy.awaiting_response(), written out.
            models.Index(
                fields=["seller", "sent_at"],
                include=["response_deadline", "id"],
                condition=Q(
                    needs_response=True,
                    no_response_needed=False,
                    direction="received",
                    responded_at__isnull=True,
                ),
                name="message_awaiting_idx",
            ),
            # The 24-hour sweeps: live deadlines only, policy.deadline_running() written out
            # (needs_response implies a buyer's message) because the migrations freeze it.
            models.Index(
                fields=["response_deadline"],
                condition=Q(
                    needs_response=True,
                    responded_at__isnull=True,
                    no_response_needed=False,
                    overdue_at__isnull=True,
                ),
                name="message_open_deadline_idx",
            ),
        ]
        constraints = [
            # The same mail delivered twice (or by SMTP and webhook) is stored once per seller.
            models.UniqueConstraint(fields=["seller", "message_id"], name="message_once_per_seller"),
            models.CheckConstraint(
                condition=Q(needs_response=False)
                | Q(direction="received", is_auto_reply=False, is_system=False),
                name="message_only_buyer_messages_need_response",
            ),
            models.CheckConstraint(
                condition=Q(needs_response=False) | Q(response_deadline__isnull=False),
                name="message_counted_has_deadline",
            ),
            # A system message is the product's, never a party's (and every one is a system message).
            models.CheckConstraint(
                condition=Q(is_system=True, direction="system")
                | (Q(is_system=False) & ~Q(direction="system")),
                name="message_system_is_its_own_sender",
            ),
        ]

    def __str__(self) -> str:
        return self.subject

    @property
    def awaiting_response(self) -> bool:
        return policy.is_awaiting_response(self)

    @property
    def subject_for_reader(self) -> str:
        """The subject in the reader's (active) language: a system message's is rendered."""
        return ThreadNotice.from_json(self.notice).render_subject() if self.notice else self.subject

    @property
    def text_for_reader(self) -> str:
        """The text body in the reader's (active) language: a system message's is rendered."""
        if self.notice and "paragraphs" in self.notice:
            return ThreadNotice.from_json(self.notice).render_body()
        return self.body_text

    def source_head(self, limit: int) -> bytes:
        """The first ``limit`` bytes of the source as received (b"" when there is none)."""
        if self.source:
            with self.source.open("rb") as handle:
                return handle.read(limit)
        return bytes(self.raw or b"")[:limit]


class MessageEvent(models.Model):
    """What happened to a message after it was stored, for staff: who or what, and when.

    Written by the change itself (``events.py``); storing and relaying a message write none.
    """

    class Event(models.TextChoices):
        MARKED_NO_RESPONSE_NEEDED = "no_response_needed", _("Marked as no response needed")
        OVERDUE = "overdue", _("24 hours passed without a response")
        DEADLINE_WARNING_SENT = "deadline_warning_sent", _("Deadline warning sent to the seller")
        RELAY_FAILED = "relay_failed", _("Relayed copy could not be sent (gave up)")
        RELAY_BOUNCED = "relay_bounced", _("Relayed copy refused for good (bounced)")

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty when the product did it (a sweep, the outbox).",
    )
    event = models.CharField(max_length=30, choices=Event.choices)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return self.get_event_display()


def attachment_path(attachment: Attachment, filename: str) -> str:
    return f"attachments/{attachment.message.thread_id}/{attachment.message_id}/{filename}"


class Attachment(models.Model):
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    filename = models.CharField(max_length=255)
    content_type = models.CharField(max_length=255)
    size = models.PositiveIntegerField()
    file = models.FileField(upload_to=attachment_path, max_length=500)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.filename


class OutboundEmail(models.Model):
    """The outbox: a mail to send, written in the same transaction as its cause.

    A notification is rendered in full when written; a relayed copy holds no body, it is
    rendered from its stored message when sent (the body is stored once, with the message).
    ``dedupe_key`` (cause + recipient) stops the same mail being queued twice.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed (gave up)")
        BOUNCED = "bounced", _("Bounced (refused for good by a mail server)")

    dedupe_key = models.CharField(max_length=255, unique=True)
    message = models.ForeignKey(
        Message, on_delete=models.CASCADE, null=True, blank=True, related_name="outbound_emails"
    )
    from_address = models.CharField(max_length=320)
    to_address = models.EmailField()
    subject = models.CharField(max_length=998)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    headers = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "outbound e-mail"
        indexes = [
            models.Index(
                fields=["next_attempt_at"], condition=Q(status="pending"), name="outbound_pending_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject} → {self.to_address}"


class UndeliverableAddress(models.Model):
    """A real address that bounced for good ``policy.UNDELIVERABLE_AFTER_BOUNCES`` times: the
    outbox sends it nothing more (its mails bounce at once). A row of its own, not a column:
    the address may be a buyer's, a seller user's or an alternate's, and is looked up by
    the outbox by address alone."""

    email = models.CharField(max_length=320, unique=True)
    hard_bounces = models.PositiveIntegerField()
    last_reason = models.TextField(blank=True)
    marked_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.email


class ReplyTemplate(models.Model):
    """A seller's frequent answer, with placeholders filled from a thread's order when used
    (``policy.TEMPLATE_PLACEHOLDERS``). Written by ``services.templates`` only: the name's
    uniqueness and the seller's cap are checked there, under the seller's lock."""

    seller = models.ForeignKey(SellerAccount, on_delete=models.CASCADE, related_name="reply_templates")
    name = models.CharField(_("name"), max_length=policy.MAX_TEMPLATE_NAME_CHARS)
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    body = models.TextField(_("text"), max_length=policy.MAX_BODY_CHARS)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = [Lower("name"), "id"]
        constraints = [
            # Also the index of the seller's list, in name order.
            models.UniqueConstraint("seller", Lower("name"), name="reply_template_name_once_per_seller"),
        ]
        indexes = [
            # The API's incremental sync (``updated_after``).
            models.Index(fields=["seller", "updated_at", "id"], name="reply_template_updated_idx"),
        ]

    def __str__(self) -> str:
        return self.name
