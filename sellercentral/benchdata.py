"""The marketplace-scale data set of ``make bench``: bulk-loaded with PostgreSQL's COPY.

1,000 sellers, 50,000 buyers, 1,000,000 messages over 90 days (the largest seller 200,000),
200,000 orders each with a return request in one of every state. Made once and reused:
the set is recognised by its last seller, and a partly loaded set is wiped and loaded again.

This is the one place that writes many apps' tables directly: a bulk loader of synthetic
rows, never run by the product. Rows are built as tuples and streamed through COPY in
batches, with the foreign keys known up front because the ids are allocated here.
"""

from __future__ import annotations

import io
import random
import string
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone
from tqdm import tqdm

from commerce.models import Marketplace
from metrics import services as metrics

SELLERS = 1_000
BUYERS = 50_000
MESSAGES = 1_000_000
LARGEST_SELLER_MESSAGES = 200_000
RETURNS = 200_000
PER_THREAD = 10
PRODUCTS_PER_SELLER = 20
SELLER_NAME = "Scale Seller {:04d}"
CHUNK = 50_000  # rows per COPY

TABLES = [  # wiped (only the bench's rows) when a partial load is found, in dependency order
    "returns_returnitem",
    "returns_returnrequest",
    "messaging_message",
    "messaging_thread",
    "messaging_alias",
    "commerce_orderitem",
    "commerce_order",
    "commerce_product",
    "commerce_customer",
    "commerce_sellermembership",
    "commerce_selleraccount_marketplaces",
    "commerce_selleraccount",
]

RETURN_STATES = [
    ("authorisation_required", ""),
    ("not_authorised", ""),
    ("authorised", ""),
    ("closed", "withdrawn_by_buyer"),
    ("closed", "denied_by_seller"),
    ("closed", "refunded"),
    ("closed", "expired"),
]


@dataclass
class ScaleDataSet:
    largest_seller_id: int
    sellers: int
    messages: int
    returns: int


def _text(value) -> str:
    """One value in COPY's text format."""
    if value is None:
        return r"\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def copy_rows(table: str, columns: list[str], rows: Iterable[tuple]) -> int:
    """Stream ``rows`` into ``table`` with COPY, ``CHUNK`` rows at a time."""
    count = 0
    buffer = io.StringIO()
    sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
    with connection.cursor() as cursor:
        for row in rows:
            buffer.write("\t".join(_text(value) for value in row))
            buffer.write("\n")
            count += 1
            if count % CHUNK == 0:
                buffer.seek(0)
                cursor.cursor.copy_expert(sql, buffer)
                buffer = io.StringIO()
        if buffer.tell():
            buffer.seek(0)
            cursor.cursor.copy_expert(sql, buffer)
    return count


def _next_ids(table: str, count: int) -> int:
    """Reserve ``count`` ids of ``table``'s sequence; returns the first."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id'))", [table])
        first = cursor.fetchone()[0]
        cursor.execute("SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)", [table, first + count - 1])
    return first


def _vacuum() -> None:
    """Statistics for the planner, and the visibility map that lets index-only scans skip the heap."""
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")


def existing() -> ScaleDataSet | None:
    from commerce.models import SellerAccount

    names = [SELLER_NAME.format(0), SELLER_NAME.format(SELLERS - 1)]
    found = dict(SellerAccount.objects.filter(name__in=names).values_list("name", "id"))
    if len(found) < 2:
        return None
    return ScaleDataSet(found[names[0]], SELLERS, MESSAGES, RETURNS)


def _wipe_partial_load() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT array_agg(id) FROM commerce_selleraccount WHERE name LIKE 'Scale Seller %%'")
        ids = cursor.fetchone()[0]
        if not ids:
            return
        cursor.execute("DELETE FROM returns_returnitem WHERE return_request_id IN "
                       "(SELECT id FROM returns_returnrequest WHERE seller_id = ANY(%s))", [ids])  # fmt: skip
        for table in ["returns_returnrequest", "messaging_message", "messaging_thread", "messaging_alias"]:
            cursor.execute(f"DELETE FROM {table} WHERE seller_id = ANY(%s)", [ids])  # noqa: S608
        cursor.execute("DELETE FROM commerce_orderitem WHERE order_id IN "
                       "(SELECT id FROM commerce_order WHERE seller_id = ANY(%s))", [ids])  # fmt: skip
        for table in ["commerce_order", "commerce_product", "commerce_sellermembership"]:
            cursor.execute(f"DELETE FROM {table} WHERE seller_id = ANY(%s)", [ids])  # noqa: S608
        cursor.execute(
            "DELETE FROM commerce_selleraccount_marketplaces WHERE selleraccount_id = ANY(%s)", [ids]
        )
        cursor.execute("DELETE FROM commerce_selleraccount WHERE id = ANY(%s)", [ids])
        cursor.execute("DELETE FROM commerce_customer WHERE email LIKE 'scale-buyer-%%@example.com'")
        cursor.execute("DELETE FROM auth_user WHERE username LIKE 'scale-%%'")


def _threads_of(seller: int) -> int:
    """The largest seller's 20,000 threads, then the rest shared out so the total is exact."""
    if seller == 0:
        return LARGEST_SELLER_MESSAGES // PER_THREAD
    rest, extra = divmod((MESSAGES - LARGEST_SELLER_MESSAGES) // PER_THREAD, SELLERS - 1)
    return rest + (1 if seller <= extra else 0)


def _orders_of(seller: int) -> int:
    """Every order has a return request: the same share of returns as of messages."""
    if seller == 0:
        return RETURNS - sum(_orders_of(s) for s in range(1, SELLERS))
    return max(RETURNS * _threads_of(seller) * PER_THREAD // MESSAGES, _threads_of(seller))


def build(*, stdout=None, progress: Callable[..., tqdm] = tqdm) -> ScaleDataSet:
    """Load the data set unless it is there; about 1.9 million rows in all."""
    found = existing()
    if found is not None:
        metrics.roll_up_settled_hours()  # Contact Response Time's roll-up, as its beat sweep keeps it
        # Earlier runs' sweeps and relayed mail left dead rows: tidy up as autovacuum would,
        # so the figures do not depend on when it last ran.
        _vacuum()
        return found
    if connection.vendor != "postgresql":
        raise RuntimeError("the scale data set is loaded with PostgreSQL's COPY")
    rng = random.Random(2026)
    now = timezone.now()
    uk = Marketplace.objects.get(code="uk")
    alphabet = string.ascii_uppercase + string.digits
    token_chars = string.ascii_lowercase + "234567"
    orders_per_seller = [_orders_of(s) for s in range(SELLERS)]
    total_orders = sum(orders_per_seller)
    threads_per_seller = [_threads_of(s) for s in range(SELLERS)]
    total_threads = sum(threads_per_seller)
    bar = progress(
        total=SELLERS * 2 + BUYERS * 2 + total_orders * 3 + total_threads * 2 + MESSAGES,
        unit="row",
        unit_scale=True,
        desc="Scale data set (COPY)",
        file=stdout,
    )

    def counted(rows: Iterable[tuple]) -> Iterator[tuple]:
        n = 0
        for n, row in enumerate(rows, 1):
            yield row
            if n % 10_000 == 0:
                bar.update(10_000)
        bar.update(n % 10_000)

    with transaction.atomic():
        _wipe_partial_load()
        # Users: one per seller, one per buyer; no usable password (the bench signs in directly).
        first_user = _next_ids("auth_user", SELLERS + BUYERS)
        user_columns = ["id", "password", "is_superuser", "username", "first_name", "last_name", "email",
                        "is_staff", "is_active", "date_joined"]  # fmt: skip
        copy_rows("auth_user", user_columns, counted(
            (first_user + n, "!", False, f"scale-{'seller' if n < SELLERS else 'buyer'}-{n:05d}", "", "",
             f"scale-{n:05d}@merchant.example.net" if n < SELLERS else "", False, True, now)
            for n in range(SELLERS + BUYERS)
        ))  # fmt: skip
        first_seller = _next_ids("commerce_selleraccount", SELLERS)
        copy_rows("commerce_selleraccount", ["id", "name", "created_at"], counted(
            (first_seller + s, SELLER_NAME.format(s), now - timedelta(days=400)) for s in range(SELLERS)
        ))  # fmt: skip
        copy_rows(
            "commerce_selleraccount_marketplaces",
            ["selleraccount_id", "marketplace_id"],
            ((first_seller + s, uk.pk) for s in range(SELLERS)),
        )
        copy_rows("commerce_sellermembership", ["seller_id", "user_id", "language", "created_at"], counted(
            (first_seller + s, first_user + s, "en-gb", now) for s in range(SELLERS)
        ))  # fmt: skip
        first_customer = _next_ids("commerce_customer", BUYERS)
        copy_rows("commerce_customer", ["id", "user_id", "name", "email", "marketplace_id", "created_at"], counted(
            (first_customer + b, first_user + SELLERS + b, f"Scale Buyer {b:05d}",
             f"scale-buyer-{b:05d}@example.com", uk.pk, now - timedelta(days=200))
            for b in range(BUYERS)
        ))  # fmt: skip
        first_product = _next_ids("commerce_product", SELLERS * PRODUCTS_PER_SELLER)
        asins = ["B0" + "".join(rng.choices(alphabet, k=8)) for _ in range(SELLERS * PRODUCTS_PER_SELLER)]
        copy_rows("commerce_product", ["id", "seller_id", "asin", "sku", "title", "brand", "category",
                                       "is_returnable"], (
            (first_product + p, first_seller + p // PRODUCTS_PER_SELLER, asins[p], f"SCALE-{p}",
             f"Scale product {p}", "Scale", "Electronics", True)
            for p in range(SELLERS * PRODUCTS_PER_SELLER)
        ))  # fmt: skip

        # Orders: each seller's first orders carry the message threads; every order has a return.
        first_order = _next_ids("commerce_order", total_orders)
        order_seller, order_customer, order_product, order_placed = [], [], [], []
        for s, count in enumerate(orders_per_seller):
            buyers = rng.sample(range(BUYERS), min(count, BUYERS)) if count <= BUYERS else None
            for n in range(count):
                order_seller.append(s)
                order_customer.append(buyers[n] if buyers else rng.randrange(BUYERS))
                order_product.append(s * PRODUCTS_PER_SELLER + rng.randrange(PRODUCTS_PER_SELLER))
                order_placed.append(now - timedelta(days=95, seconds=rng.uniform(0, 30 * 86400)))
        order_ids = [
            f"{rng.randrange(200, 210)}-{n:07d}-{rng.randrange(10**7):07d}" for n in range(total_orders)
        ]
        copy_rows("commerce_order", ["id", "order_id", "marketplace_id", "seller_id", "customer_id",
                                     "recipient_name", "status", "placed_at", "delivered_at", "tracking_number",
                                     "currency", "total"], counted(
            (first_order + n, order_ids[n], uk.pk, first_seller + order_seller[n],
             first_customer + order_customer[n], f"Scale Buyer {order_customer[n]:05d}", "delivered",
             order_placed[n], order_placed[n] + timedelta(days=2), "", "GBP", Decimal("9.99"))
            for n in range(total_orders)
        ))  # fmt: skip
        first_item = _next_ids("commerce_orderitem", total_orders)
        copy_rows("commerce_orderitem", ["id", "order_id", "product_id", "quantity", "unit_price"], counted(
            (first_item + n, first_order + n, first_product + order_product[n], 1, Decimal("9.99"))
            for n in range(total_orders)
        ))  # fmt: skip

        # Aliases and threads: one masked buyer alias per thread (each thread a distinct buyer).
        first_alias = _next_ids("messaging_alias", SELLERS + total_threads)
        thread_order: list[int] = []
        start = 0
        for s, count in enumerate(orders_per_seller):
            thread_order.extend(range(start, start + threads_per_seller[s]))
            start += count
        tokens = {"".join(rng.choices(token_chars, k=24)) for _ in range(SELLERS + total_threads + 100)}
        tokens = list(tokens)[: SELLERS + total_threads]
        copy_rows("messaging_alias", ["id", "token", "kind", "marketplace_id", "seller_id", "customer_id",
                                      "created_at"], counted(
            (first_alias + n, tokens[n], "seller" if n < SELLERS else "buyer", uk.pk,
             first_seller + (n if n < SELLERS else order_seller[thread_order[n - SELLERS]]),
             None if n < SELLERS else first_customer + order_customer[thread_order[n - SELLERS]], now)
            for n in range(SELLERS + total_threads)
        ))  # fmt: skip
        first_thread = _next_ids("messaging_thread", total_threads)

        def thread_rows() -> Iterator[tuple]:
            for t, o in enumerate(thread_order):
                s, b = order_seller[o], order_customer[o]
                yield (first_thread + t, first_seller + s, first_customer + b, uk.pk, first_alias + SELLERS + t,
                       first_alias + s, first_order + o,
                       f"Enquiry from customer Scale Buyer {b:05d} (Order: {order_ids[o]})",
                       now - timedelta(days=90), now)  # fmt: skip

        copy_rows("messaging_thread", ["id", "seller_id", "customer_id", "marketplace_id", "buyer_alias_id",
                                       "seller_alias_id", "order_id", "subject", "created_at",
                                       "last_message_at"], counted(thread_rows()))  # fmt: skip

        def message_rows() -> Iterator[tuple]:
            for t, o in enumerate(thread_order):
                s, b = order_seller[o], order_customer[o]
                subject = f"Enquiry from customer Scale Buyer {b:05d} (Order: {order_ids[o]})"
                for k in range(PER_THREAD):
                    sent_at = now - timedelta(seconds=rng.uniform(0, 90 * 86400))
                    received = k % 2 == 0
                    answered = received and rng.random() < 0.9
                    yield (
                        first_thread + t, first_seller + s, "received" if received else "sent", "email",
                        f"Scale Buyer {b:05d}" if received else SELLER_NAME.format(s), subject,
                        "Hello, where is my order?", "", f"<scale.{t}.{k}@example.com>",
                        f"<relay.scale.{t}.{k}@example.com>", "", sent_at, False, False, received, False,
                        sent_at + timedelta(hours=24) if received else None,
                        sent_at + timedelta(minutes=rng.uniform(5, 60 * 30)) if answered else None,
                        sent_at + timedelta(hours=24)
                        if received and not answered and sent_at + timedelta(hours=24) <= now
                        else None,
                        "",
                    )  # fmt: skip

        copy_rows("messaging_message", ["thread_id", "seller_id", "direction", "channel", "sender_name", "subject",
                                        "body_text", "body_html", "message_id", "relay_message_id", "in_reply_to",
                                        "sent_at", "is_auto_reply", "is_system", "needs_response",
                                        "no_response_needed", "response_deadline", "responded_at", "overdue_at",
                                        "raw"], counted(message_rows()))  # fmt: skip

        first_return = _next_ids("returns_returnrequest", total_orders)

        def return_rows() -> Iterator[tuple]:
            for n in range(total_orders):
                status, close_reason = rng.choice(RETURN_STATES)
                if status in ("authorisation_required", "not_authorised"):
                    # Waiting requests are younger than any timer: "nothing due" holds for the set.
                    requested = now - timedelta(seconds=rng.uniform(0, 20 * 3600))
                else:
                    requested = now - timedelta(seconds=rng.uniform(0, 90 * 86400))
                authorised = status == "authorised" or close_reason == "refunded"
                yield (
                    first_return + n, first_order + n, first_seller + order_seller[n],
                    first_customer + order_customer[n], uk.pk, status, close_reason, False,
                    f"S{n:07d}RRMA" if authorised else None, requested,
                    requested + timedelta(hours=5) if authorised else None,
                    (now + timedelta(days=30)).date() if status == "authorised" else None,
                    requested + timedelta(days=2) if close_reason else None,
                    None if status == "authorisation_required" else requested + timedelta(hours=5),
                    "manual", 30, True, "", requested, "", "", "GBP",
                    Decimal("9.99") if close_reason == "refunded" else Decimal("0"),
                )  # fmt: skip

        copy_rows("returns_returnrequest", ["id", "order_id", "seller_id", "customer_id", "marketplace_id",
                                            "status", "close_reason", "is_gift", "rma", "requested_at",
                                            "authorised_at", "return_by", "closed_at", "first_seller_action_at",
                                            "rule", "return_window_days", "meets_policy", "buyer_rating_comment",
                                            "rule_applied_at", "deny_reason", "deny_message", "currency",
                                            "refunded_total"], counted(return_rows()))  # fmt: skip
        copy_rows("returns_returnitem", ["return_request_id", "order_item_id", "quantity", "reason", "comment"],
                  counted((first_return + n, first_item + n, 1, "unwanted", "") for n in range(total_orders)))  # fmt: skip
    bar.close()
    metrics.rebuild_response_rollup()  # COPY tells no one: the roll-up, from the loaded messages
    _vacuum()
    return ScaleDataSet(first_seller, SELLERS, MESSAGES, total_orders)
