"""The commerce the other apps hang on: marketplaces, sellers, buyers, products, orders."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower, Now
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .policy import GIFT_RECEIPT_MAX_CHARS, GIFT_RECEIPT_PATTERN

ORDER_ID_PATTERN = r"^[0-9]{3}-[0-9]{7}-[0-9]{7}$"
ASIN_PATTERN = r"^[0-9A-Z]{10}$"


class ChangeTracked(models.Model):
    """A row an integrator syncs: ``updated_at`` moves on every write of it, so a list filtered
    by ``updated_after`` finds every row that changed (the API's incremental sync).

    ``save(update_fields=…)`` writes it too; a queryset's ``.update()`` must name it (the
    services that bulk-update such rows do). The database default serves bulk loads that name
    only the columns they know, and lets the column be added to a big table without a rewrite.
    """

    updated_at = models.DateTimeField(
        auto_now=True, db_default=Now(), help_text="When anything of the row last changed."
    )

    class Meta:
        abstract = True

    def save(self, *args, update_fields=None, **kwargs) -> None:
        if update_fields:  # an empty list saves nothing, and stays so
            update_fields = {*update_fields, "updated_at"}
        super().save(*args, update_fields=update_fields, **kwargs)


class Marketplace(models.Model):
    """One of the five storefronts; rows come from a data migration, never from users."""

    class Code(models.TextChoices):
        UK = "uk", "Amazon.co.uk"
        FR = "fr", "Amazon.fr"
        DE = "de", "Amazon.de"
        IT = "it", "Amazon.it"
        ES = "es", "Amazon.es"

    code = models.CharField(max_length=2, unique=True, choices=Code.choices)
    name = models.CharField(max_length=50, unique=True)
    language = models.CharField(max_length=10)
    currency = models.CharField(max_length=3)
    country = models.CharField(max_length=50)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name

    @property
    def relay_domain(self) -> str:
        """The mail domain of this marketplace's masked addresses (settings.RELAY_DOMAINS)."""
        return self.relay_domain_of(self.code)

    @staticmethod
    def relay_domain_of(code: str) -> str:
        return settings.RELAY_DOMAINS[code]


class SellerAccount(models.Model):
    """A merchant ("Test UK Seller 4 Luca"): its users, marketplaces and everything it owns."""

    name = models.CharField(max_length=200)
    marketplaces = models.ManyToManyField(Marketplace, related_name="sellers")
    users = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="SellerMembership", related_name="seller_accounts"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class SellerMembership(models.Model):
    """A user of a seller account. A user works for at most one seller account."""

    seller = models.ForeignKey(SellerAccount, on_delete=models.CASCADE, related_name="memberships")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="seller_membership"
    )
    # Empty until the user picks one in Seller Central's header: until then their pages follow
    # the browser (commerce.languages.seller_language).
    language = models.CharField(
        max_length=10,
        choices=settings.LANGUAGES,
        blank=True,
        default="",
        db_default="",
        help_text="Seller Central's language for this user; empty: not chosen yet.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.user} @ {self.seller}"


class Customer(models.Model):
    """A buyer on the storefront. ``email`` is the real address: no seller ever sees it.

    Stored in lower case, so the relay finds a sender with the unique index.
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="customer")
    name = models.CharField(max_length=200)
    email = models.EmailField(unique=True)
    marketplace = models.ForeignKey(
        Marketplace,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The buyer's home storefront: its language is used on their pages and e-mails.",
    )
    # The buyer's "Communication preferences": sellers may then only answer the buyer, or send
    # what is needed to complete an order (messaging.policy.is_critical). Database default too:
    # the bench loads customers with COPY and names only the columns it knows.
    opted_out_of_unsolicited_messages = models.BooleanField(
        "no unsolicited messages from sellers",
        default=False,
        db_default=False,
        help_text="The buyer asked sellers not to send unsolicited messages.",
    )
    # The storefront language the buyer picked in its header; empty: the marketplace's.
    # A database default too, for the bench's COPY (above).
    chosen_language = models.CharField(
        max_length=10,
        choices=settings.LANGUAGES,
        blank=True,
        default="",
        db_default="",
        help_text="The buyer's storefront and e-mail language; empty: the home marketplace's.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(email=Lower("email")), name="customer_email_lower_case")
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        self.email = self.email.strip().lower()

    @property
    def language(self) -> str:
        """The buyer's reading language (``commerce.languages.buyer_language``)."""
        from .languages import buyer_language  # the rule's one home imports these models

        return buyer_language(self)


class Product(models.Model):
    """A seller's listing of an ASIN."""

    seller = models.ForeignKey(SellerAccount, on_delete=models.CASCADE, related_name="products")
    asin = models.CharField(
        "ASIN",
        max_length=10,
        validators=[RegexValidator(ASIN_PATTERN, _("An ASIN is 10 capitals or digits."))],
    )
    sku = models.CharField("SKU", max_length=40)
    title = models.CharField(max_length=300)
    brand = models.CharField(max_length=100, blank=True)
    category = models.CharField(max_length=100, blank=True)
    is_returnable = models.BooleanField(
        "returnable category",
        default=True,
        help_text="False for categories the return policy excludes (e.g. opened media).",
    )
    # Media is never served by URL (sellercentral/urls.py): the seller's pages show it
    # through ``seller:product_image``.
    image = models.ImageField(upload_to="products/", blank=True, db_default="", default="")

    class Meta:
        ordering = ["title"]
        constraints = [
            models.UniqueConstraint(fields=["seller", "sku"], name="product_unique_sku_per_seller"),
            models.CheckConstraint(condition=Q(asin__regex=ASIN_PATTERN), name="product_asin_format"),
        ]
        indexes = [
            models.Index(fields=["asin"], name="product_asin_idx"),
            # Manage Inventory: one seller's products by title (its default order).
            models.Index(fields=["seller", "title", "id"], name="product_seller_title_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.asin} {self.title}"


class Order(ChangeTracked):
    class Status(models.TextChoices):
        # In context: "Placed" is also a column of dates, and a status reads differently.
        PLACED = "placed", pgettext_lazy("order status", "Placed")
        DISPATCHED = "dispatched", pgettext_lazy("order status", "Dispatched")
        DELIVERED = "delivered", pgettext_lazy("order status", "Delivered")
        CANCELLED = "cancelled", pgettext_lazy("order status", "Cancelled")

    order_id = models.CharField(
        "order ID",
        max_length=19,
        unique=True,
        validators=[RegexValidator(ORDER_ID_PATTERN, _("An order ID looks like 202-0697275-2144321."))],
    )
    marketplace = models.ForeignKey(Marketplace, on_delete=models.PROTECT, related_name="orders")
    seller = models.ForeignKey(SellerAccount, on_delete=models.PROTECT, related_name="orders")
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="orders")
    recipient_name = models.CharField(max_length=200)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PLACED)
    placed_at = models.DateTimeField()
    dispatched_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    delivery_estimate_start = models.DateField(null=True, blank=True)
    delivery_estimate_end = models.DateField(null=True, blank=True)
    tracking_number = models.CharField(max_length=50, blank=True)
    currency = models.CharField(max_length=3)
    total = models.DecimalField(max_digits=12, decimal_places=2)
    # A gift's recipient returns it with the order number and this number, both printed on
    # the packing slip; the refund is theirs, as gift credit. (Database defaults too: the
    # bench loads orders with COPY and names only the columns it knows.)
    is_gift = models.BooleanField(
        "gift", default=False, db_default=False, help_text="Bought as a gift for the recipient."
    )
    gift_receipt_number = models.CharField(
        max_length=GIFT_RECEIPT_MAX_CHARS,
        blank=True,
        default="",
        db_default="",
        validators=[
            RegexValidator(GIFT_RECEIPT_PATTERN, _("A gift receipt number looks like GR7K-M4QD-9XWP."))
        ],
        help_text="Printed on a gift's packing slip; empty unless the order is a gift.",
    )

    class Meta:
        ordering = ["-placed_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(order_id__regex=ORDER_ID_PATTERN), name="order_id_format"),
            models.CheckConstraint(condition=Q(total__gte=0), name="order_total_not_negative"),
            models.CheckConstraint(
                condition=Q(delivery_estimate_end__isnull=True)
                | Q(delivery_estimate_start__isnull=True)
                | Q(delivery_estimate_end__gte=F("delivery_estimate_start")),
                name="order_delivery_estimate_ordered",
            ),
            models.CheckConstraint(
                condition=Q(is_gift=False, gift_receipt_number="")
                | Q(is_gift=True, gift_receipt_number__regex=GIFT_RECEIPT_PATTERN),
                name="order_gift_has_receipt_number",
            ),
        ]
        indexes = [
            models.Index(fields=["seller", "-placed_at", "-id"], name="order_seller_placed_idx"),
            models.Index(fields=["customer", "-placed_at", "-id"], name="order_customer_placed_idx"),
            # Manage Orders' other sort orders (commerce.selectors.ORDER_SORTING), either way.
            models.Index(fields=["seller", "order_id", "id"], name="order_seller_order_id_idx"),
            models.Index(fields=["seller", "total", "id"], name="order_seller_total_idx"),
            # The API's incremental sync (``updated_after``).
            models.Index(fields=["seller", "updated_at", "id"], name="order_seller_updated_idx"),
        ]

    def __str__(self) -> str:
        return self.order_id

    @property
    def is_dispatched(self) -> bool:
        return self.dispatched_at is not None


class OrderItem(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="items")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="order_items")
    quantity = models.PositiveIntegerField()
    unit_price = models.DecimalField(max_digits=12, decimal_places=2)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="order_item_quantity_positive"),
            models.CheckConstraint(condition=Q(unit_price__gte=0), name="order_item_price_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} x {self.product.asin}"

    @property
    def line_total(self) -> Decimal:
        return self.unit_price * self.quantity
