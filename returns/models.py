"""Online Returns Centre: return requests and their history, refunds, return addresses,
per-seller return settings and A-to-z Guarantee claims and their history (docs/returns.md).

The state machine itself (which event may move a request from which status to which)
is the table in ``returns/states.py``; services apply it under a row lock.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from commerce.formats import money
from commerce.generations import TrackedQuerySet
from commerce.models import ChangeTracked, Customer, Marketplace, Order, OrderItem, SellerAccount

from . import policy


class ReturnReason(models.TextChoices):
    """The 14 reasons, word for word as the Returns Support Centre lists them."""

    ACCIDENTAL_ORDER = "accidental_order", _("Accidental order")
    BETTER_PRICE = "better_price", _("Better price available")
    QUALITY = "quality", _("Performance or quality not adequate")
    INCOMPATIBLE = "incompatible", _("Incompatible or not useful for intended purpose")
    DAMAGED_ITEM_ONLY = (
        "damaged_item_only",
        _("The shipping box or envelope isn't damaged but the item is damaged"),
    )
    MISSED_DELIVERY = "missed_delivery", _("Missed estimated delivery date")
    MISSING_PARTS = "missing_parts", _("Missing parts or accessories")
    DAMAGED_BOX_AND_ITEM = "damaged_box_and_item", _("The shipping box or envelope and item are both damaged")
    WRONG_ITEM = "wrong_item", _("Different from what was ordered")
    DEFECTIVE = "defective", _("Defective/Does not work properly")
    EXTRA_ITEM = "extra_item", _("Arrived in addition to what was ordered")
    UNWANTED = "unwanted", _("No longer needed/wanted")
    UNAUTHORISED_PURCHASE = "unauthorised_purchase", _("Unauthorized purchase")
    NOT_AS_DESCRIBED = "not_as_described", _("Different from website description")


class DenyReason(models.TextChoices):
    MEDIA_OPENED = "media_opened", _("Media or software has been opened")
    OUTSIDE_WINDOW = "outside_window", _("Return requested outside the return window")
    DAMAGED_BY_BUYER = "damaged_by_buyer", _("Item damaged or used by the buyer")
    NOT_RETURNABLE = "not_returnable", _("Item is not returnable")
    OTHER = "other", _("Other")


class ReturnStatus(models.TextChoices):
    AUTHORISATION_REQUIRED = "authorisation_required", _("Authorisation required")
    AUTHORISED = "authorised", _("Authorised")
    NOT_AUTHORISED = "not_authorised", _("Not authorised")
    CLOSED = "closed", _("Closed")


class CloseReason(models.TextChoices):
    WITHDRAWN_BY_BUYER = "withdrawn_by_buyer", _("Withdrawn by buyer")
    DENIED_BY_SELLER = "denied_by_seller", _("Denied by seller")
    REFUNDED = "refunded", _("Refunded")
    EXPIRED = "expired", _("Expired")
    EXPIRED_WITHOUT_ACTION = "expired_without_action", _("Expired without action")


def status_label(status: str, close_reason: str) -> str:
    """ "Closed · Denied by seller", as the seller's filters name it."""
    if status == ReturnStatus.CLOSED and close_reason:
        return f"Closed · {CloseReason(close_reason).label}"
    return str(ReturnStatus(status).label)


ADDRESS_FIELDS = [
    "name",
    "line1",
    "line2",
    "city",
    "region",
    "postcode",
    "country",
    "phone",
    "phone_extension",
]


class ReturnAddress(models.Model):
    """A seller's return address: the default (no marketplace) or one marketplace's exception."""

    seller = models.ForeignKey(SellerAccount, on_delete=models.CASCADE, related_name="return_addresses")
    marketplace = models.ForeignKey(
        Marketplace, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    name = models.CharField(max_length=100)
    line1 = models.CharField(_("address line 1 (or company name)"), max_length=100)
    line2 = models.CharField(_("address line 2"), max_length=100, blank=True)
    city = models.CharField(_("city/town"), max_length=100)
    region = models.CharField(_("province/region/state"), max_length=100, blank=True)
    postcode = models.CharField(_("postcode/zip code"), max_length=20)
    country = models.CharField(max_length=60)
    phone = models.CharField(_("daytime phone"), max_length=30)
    phone_extension = models.CharField(_("ext."), max_length=10, blank=True)

    class Meta:
        ordering = ["seller", "marketplace"]
        verbose_name_plural = "return addresses"
        constraints = [
            models.UniqueConstraint(
                fields=["seller"], condition=Q(marketplace__isnull=True), name="return_address_one_default"
            ),
            models.UniqueConstraint(
                fields=["seller", "marketplace"],
                condition=Q(marketplace__isnull=False),
                name="return_address_one_per_marketplace",
            ),
        ]

    def __str__(self) -> str:
        return ", ".join(self.lines())

    def lines(self) -> list[str]:
        region = ", ".join(part for part in [self.city, self.region] if part)
        phone = f"{self.phone} ext. {self.phone_extension}" if self.phone_extension else self.phone
        return [
            p for p in [self.name, self.line1, self.line2, region, self.postcode, self.country, phone] if p
        ]

    def as_snapshot(self) -> dict:
        """The address as it was when a return was authorised (later edits do not move it)."""
        return {field: getattr(self, field) for field in ADDRESS_FIELDS}

    def clean(self) -> None:
        """The rules the pages and the API apply too, so that admin cannot save an address
        they would refuse (the fields' own checks cover required lines and lengths)."""
        errors = {**policy.address_format_errors(self.as_snapshot()), **self.marketplace_errors()}
        if errors:
            raise ValidationError(errors)

    def marketplace_errors(self) -> dict[str, str]:
        """An exception is only for a marketplace the seller sells on."""
        if (
            self.marketplace_id is None
            or self.seller_id is None
            or self.seller.marketplaces.filter(pk=self.marketplace_id).exists()
        ):
            return {}
        return {
            "marketplace": gettext("You do not sell on %(marketplace)s.") % {"marketplace": self.marketplace}
        }


class ReturnRule(models.TextChoices):
    MANUAL = "manual", _("Return requests are manual")
    POLICY = "policy", _("Automatically authorise all requests that meet policy")
    ALL = "all", _("Automatically authorise all requests")


class ReturnSettings(models.Model):
    """A seller's Returns Settings: e-mail quick links, return window, return-by days."""

    seller = models.OneToOneField(SellerAccount, on_delete=models.CASCADE, related_name="return_settings")
    email_quick_links = models.BooleanField(
        "receive return request e-mails with links to Authorise, Close or Reply", default=False
    )
    return_window_days = models.PositiveSmallIntegerField(
        default=policy.RETURN_WINDOW_DAYS,
        validators=[
            MinValueValidator(policy.MIN_RETURN_WINDOW_DAYS),
            MaxValueValidator(policy.MAX_RETURN_WINDOW_DAYS),
        ],
        help_text="Days from the order date in which a request meets policy.",
    )
    return_by_days = models.PositiveSmallIntegerField(
        default=policy.RETURN_BY_DAYS,
        validators=[
            MinValueValidator(policy.MIN_RETURN_BY_DAYS),
            MaxValueValidator(policy.MAX_RETURN_BY_DAYS),
        ],
        help_text="Days after authorisation the buyer has to send the items back.",
    )

    class Meta:
        verbose_name_plural = "return settings"

    def __str__(self) -> str:
        return f"Return settings of {self.seller}"


class MarketplaceReturnRule(models.Model):
    """The default automated rule of one seller on one marketplace (manual unless set)."""

    seller = models.ForeignKey(SellerAccount, on_delete=models.CASCADE, related_name="return_rules")
    marketplace = models.ForeignKey(Marketplace, on_delete=models.PROTECT, related_name="+")
    rule = models.CharField(max_length=10, choices=ReturnRule.choices, default=ReturnRule.MANUAL)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["seller", "marketplace"], name="return_rule_once_per_marketplace")
        ]

    def __str__(self) -> str:
        return f"{self.seller} on {self.marketplace}: {self.rule}"


class ReturnRequest(ChangeTracked):
    Status = ReturnStatus
    CloseReason = CloseReason

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="return_requests")
    seller = models.ForeignKey(SellerAccount, on_delete=models.PROTECT, related_name="return_requests")
    customer = models.ForeignKey(
        Customer,
        on_delete=models.PROTECT,
        related_name="return_requests",
        help_text="Who asked: the buyer, or a gift's recipient.",
    )
    marketplace = models.ForeignKey(Marketplace, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        max_length=30, choices=ReturnStatus.choices, default=ReturnStatus.AUTHORISATION_REQUIRED
    )
    close_reason = models.CharField(max_length=30, choices=CloseReason.choices, blank=True)
    is_gift = models.BooleanField(
        default=False, help_text="A gift return: refunds go to the recipient as gift credit."
    )
    rma = models.CharField(
        _("return authorisation number"), max_length=20, unique=True, null=True, blank=True
    )
    requested_at = models.DateTimeField()
    authorised_at = models.DateTimeField(null=True, blank=True)
    return_by = models.DateField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    first_seller_action_at = models.DateTimeField(
        null=True, blank=True, help_text="First authorise, close or refund (late after 48 hours)."
    )
    # The rules in force when the request was submitted: later changes do not move it.
    rule = models.CharField(max_length=10, choices=ReturnRule.choices, default=ReturnRule.MANUAL)
    return_window_days = models.PositiveSmallIntegerField(default=policy.RETURN_WINDOW_DAYS)
    meets_policy = models.BooleanField(
        default=True, help_text="Inside the return window and a returnable category when submitted."
    )
    buyer_rating = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(policy.MIN_RATING), MaxValueValidator(policy.MAX_RATING)],
        help_text="The buyer's 1-5 star rating of the return experience, once it is closed.",
    )  # fmt: skip
    buyer_rating_comment = models.CharField(max_length=policy.MAX_RATING_COMMENT_CHARS, blank=True)
    rule_applied_at = models.DateTimeField(
        null=True, blank=True, help_text="When the automatic rule ran (the sweep picks up any it missed)."
    )
    reminder_sent_at = models.DateTimeField(
        null=True, blank=True, help_text="24-hour reminder to the seller."
    )
    late_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="48 hours passed with no authorise, close or refund: a late response.",
    )
    return_address = models.JSONField(null=True, blank=True)
    deny_reason = models.CharField(max_length=30, choices=DenyReason.choices, blank=True)
    deny_message = models.TextField(blank=True)
    currency = models.CharField(max_length=3)
    refunded_total = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0.00"))
    objects = TrackedQuerySet.as_manager()  # bulk writes bump the seller's generation

    class Meta:
        ordering = ["-requested_at", "-id"]
        indexes = [
            # Newest first, and (with status and close reason inside) Manage Returns' filter
            # counts from the index alone.
            models.Index(
                fields=["seller", "-requested_at", "-id"],
                include=["status", "close_reason"],
                name="return_seller_listing_idx",
            ),
            models.Index(
                fields=["seller", "status", "-requested_at", "-id"], name="return_seller_status_idx"
            ),
            models.Index(fields=["customer", "-requested_at"], name="return_customer_recent_idx"),
            # Manage Returns sorted by return-by date, soonest first (nulls last, PostgreSQL's
            # default for an ascending index).
            models.Index(fields=["seller", "return_by", "id"], name="return_seller_return_by_idx"),
            # The API's incremental sync (``updated_after``).
            models.Index(fields=["seller", "updated_at", "id"], name="return_seller_updated_idx"),
            # Timers: only the rows still live are in these indexes.
            models.Index(
                fields=["requested_at"],
                condition=Q(status__in=["authorisation_required", "not_authorised"]),
                name="return_waiting_idx",
            ),
            models.Index(
                fields=["return_by"], condition=Q(status="authorised"), name="return_authorised_by_idx"
            ),
            models.Index(
                fields=["requested_at"],
                condition=Q(rule_applied_at__isnull=True),
                name="return_rule_pending_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="closed", close_reason__gt="")
                | (~Q(status="closed") & Q(close_reason="")),
                name="return_closed_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(rma__isnull=True) | Q(authorised_at__isnull=False),
                name="return_rma_on_authorisation",
            ),
            models.CheckConstraint(condition=Q(refunded_total__gte=0), name="return_refunded_not_negative"),
            models.CheckConstraint(
                condition=Q(buyer_rating__isnull=True)
                | Q(buyer_rating__gte=policy.MIN_RATING, buyer_rating__lte=policy.MAX_RATING),
                name="return_rating_one_to_five",
            ),
        ]

    def __str__(self) -> str:
        return self.rma or f"Return request {self.pk}"

    @property
    def status_label(self) -> str:
        return status_label(self.status, self.close_reason)


class ReturnItem(models.Model):
    return_request = models.ForeignKey(ReturnRequest, on_delete=models.CASCADE, related_name="items")
    order_item = models.ForeignKey(OrderItem, on_delete=models.PROTECT, related_name="return_items")
    quantity = models.PositiveIntegerField()
    reason = models.CharField(max_length=30, choices=ReturnReason.choices)
    comment = models.CharField(max_length=policy.MAX_COMMENT_CHARS, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="return_item_quantity_positive"),
            models.UniqueConstraint(
                fields=["return_request", "order_item"], name="return_item_once_per_request"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} x {self.order_item.product.asin}"

    @property
    def paid(self) -> Decimal:
        return self.order_item.unit_price * self.quantity


class HistoryRow(models.Model):
    """What every history row says: when, who (a user, if a person acted) and in which role."""

    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor_role = models.CharField(max_length=20, help_text="buyer, seller, system or staff")
    note = models.TextField(blank=True)

    class Meta:
        abstract = True
        ordering = ["at", "id"]


class ReturnEvent(HistoryRow):
    """One line of "return details & order history": who did what, when, from and to."""

    return_request = models.ForeignKey(ReturnRequest, on_delete=models.CASCADE, related_name="history")
    event = models.CharField(max_length=30)
    from_status = models.CharField(max_length=30, blank=True)
    to_status = models.CharField(max_length=30)

    class Meta(HistoryRow.Meta):
        indexes = [models.Index(fields=["return_request", "at"], name="return_event_request_idx")]

    def __str__(self) -> str:
        return f"{self.event}: {self.from_status or '-'} → {self.to_status}"


class Refund(models.Model):
    """Money back to the buyer: for a return request, or for a granted A-to-z claim (one or the
    other), so that every refund of an order is counted against what the order cost."""

    class Destination(models.TextChoices):
        ORIGINAL_PAYMENT = "original_payment", _("Original payment method")
        GIFT_CREDIT = "gift_credit", _("Gift credit to the recipient")

    return_request = models.ForeignKey(
        ReturnRequest, on_delete=models.PROTECT, related_name="refunds", null=True, blank=True
    )
    claim = models.ForeignKey(
        "Claim", on_delete=models.PROTECT, related_name="refunds", null=True, blank=True
    )
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    currency = models.CharField(max_length=3)
    reason = models.CharField(max_length=policy.MAX_REFUND_REASON_CHARS, blank=True)
    destination = models.CharField(max_length=20, choices=Destination.choices)
    idempotency_key = models.CharField(max_length=100)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "id"]
        # Business Reports count a period's refunds by the day they were issued.
        indexes = [models.Index(fields=["created_at"], name="refund_created_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="refund_amount_positive"),
            models.UniqueConstraint(fields=["return_request", "idempotency_key"], name="refund_once_per_key"),
            models.UniqueConstraint(fields=["claim", "idempotency_key"], name="refund_once_per_claim_key"),
            models.CheckConstraint(
                condition=Q(return_request__isnull=False, claim__isnull=True)
                | Q(return_request__isnull=True, claim__isnull=False),
                name="refund_for_a_return_or_a_claim",
            ),
        ]

    def __str__(self) -> str:
        return money(self.amount, self.currency)


class RefundLine(models.Model):
    refund = models.ForeignKey(Refund, on_delete=models.CASCADE, related_name="lines")
    return_item = models.ForeignKey(ReturnItem, on_delete=models.PROTECT, related_name="refund_lines")
    amount = models.DecimalField(max_digits=12, decimal_places=2)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="refund_line_amount_positive")]

    def __str__(self) -> str:
        return f"{self.amount} for {self.return_item}"


class ClaimStatus(models.TextChoices):
    OPEN = "open", _("Open")
    GRANTED = "granted", _("Granted")
    DENIED = "denied", _("Denied")


class Claim(ChangeTracked):
    """An A-to-z Guarantee claim on an order, decided by marketplace staff.

    Its status moves only through ``returns/states.py``'s claim table; a granted claim refunds
    the buyer (``refund_amount``, and a ``Refund`` row like a return's)."""

    Status = ClaimStatus

    class Reason(models.TextChoices):
        NOT_RECEIVED = "not_received", _("I didn't receive the item")
        NOT_AS_DESCRIBED = "not_as_described", _("The item is materially different from the description")
        RETURN_NOT_REFUNDED = "return_not_refunded", _("I returned the item but have not been refunded")
        RETURN_REFUSED = "return_refused", _("The seller refused a return the policy allows")

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="claims")
    seller = models.ForeignKey(SellerAccount, on_delete=models.PROTECT, related_name="claims")
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="claims")
    reason = models.CharField(max_length=30, choices=Reason.choices)
    body = models.TextField(max_length=policy.MAX_CLAIM_CHARS)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    seller_response = models.TextField(max_length=policy.MAX_CLAIM_CHARS, blank=True)
    seller_responded_at = models.DateTimeField(null=True, blank=True)
    filed_at = models.DateTimeField()
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decision_note = models.TextField(max_length=policy.MAX_CLAIM_CHARS, blank=True)
    refund_amount = models.DecimalField(
        max_digits=12,
        decimal_places=2,
        default=Decimal("0.00"),
        help_text="Refunded to the buyer when the claim was granted (in the order's currency).",
    )
    objects = TrackedQuerySet.as_manager()  # bulk writes bump the seller's generation

    class Meta:
        ordering = ["-filed_at", "-id"]
        indexes = [
            # The claims list's sort orders (selectors.CLAIM_SORTING), either way.
            models.Index(fields=["seller", "-filed_at", "-id"], name="claim_seller_filed_idx"),
            models.Index(fields=["seller", "status", "id"], name="claim_seller_status_idx"),
            # The API's incremental sync (``updated_after``).
            models.Index(fields=["seller", "updated_at", "id"], name="claim_seller_updated_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["order"], condition=Q(status="open"), name="claim_one_open_per_order"
            ),
            models.CheckConstraint(condition=Q(refund_amount__gte=0), name="claim_refund_not_negative"),
        ]

    def __str__(self) -> str:
        return f"A-to-z claim on {self.order}"


class ClaimEvent(HistoryRow):
    """One line of a claim's history: filed, the seller's response, the staff decision."""

    class Kind(models.TextChoices):
        FILED = "filed", _("Filed")
        SELLER_RESPONDED = "seller_responded", _("Seller responded")
        GRANTED = "granted", _("Granted")
        DENIED = "denied", _("Denied")

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="history")
    event = models.CharField(max_length=20, choices=Kind.choices)

    class Meta(HistoryRow.Meta):
        indexes = [models.Index(fields=["claim", "at"], name="claim_event_claim_idx")]

    def __str__(self) -> str:
        return f"{self.get_event_display()} at {self.at:%Y-%m-%d %H:%M}"
