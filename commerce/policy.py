"""Rules of the marketplace as a whole, which every app's figures share."""

from __future__ import annotations

import hmac
import secrets
from datetime import date
from typing import NamedTuple

from django.utils.formats import number_format
from django.utils.translation import gettext, gettext_lazy, pgettext_lazy

# Buyers rate with 1 to 5 stars: a seller's order feedback and the experience of a return
# alike. 1 and 2 stars are negative (Order Defect Rate, Return Dissatisfaction Rate).
MIN_RATING, MAX_RATING = 1, 5
NEGATIVE_RATING = 2


def is_valid_rating(rating: object) -> bool:
    return isinstance(rating, int) and MIN_RATING <= rating <= MAX_RATING


# --- Gift orders ------------------------------------------------------------------------
# A gift's packing slip prints the order number and a gift receipt number; a recipient needs
# both to return the gift (an order number alone is no proof: it shows in e-mails, threads
# and on every label). Twelve characters in groups of four, from an alphabet without
# look-alikes (no 0/O, no 1/I/L), so a number read off paper is typed right.
GIFT_RECEIPT_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
GIFT_RECEIPT_GROUPS, GIFT_RECEIPT_GROUP_LENGTH = 3, 4
GIFT_RECEIPT_PATTERN = r"^[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}$"
GIFT_RECEIPT_MAX_CHARS = GIFT_RECEIPT_GROUPS * (GIFT_RECEIPT_GROUP_LENGTH + 1) - 1


def new_gift_receipt_number() -> str:
    """A random gift receipt number as the packing slip prints it (``GR7K-M4QD-9XWP``)."""
    return "-".join(
        "".join(secrets.choice(GIFT_RECEIPT_ALPHABET) for _ in range(GIFT_RECEIPT_GROUP_LENGTH))
        for _ in range(GIFT_RECEIPT_GROUPS)
    )


def printed_gift_receipt_number(typed: str) -> str:
    """What a recipient typed, in the printed form: any case, with or without the spaces and
    hyphens. Anything that is not twelve characters comes back as typed (and matches nothing)."""
    compact = "".join(ch for ch in str(typed or "") if ch not in " -\t").upper()
    size = GIFT_RECEIPT_GROUP_LENGTH
    if len(compact) != GIFT_RECEIPT_GROUPS * size:
        return compact
    return "-".join(compact[n : n + size] for n in range(0, len(compact), size))


def same_gift_receipt_number(printed: str, typed: str) -> bool:
    """Whether ``typed`` is the printed number ``printed`` (compared in constant time)."""
    if not printed:
        return False
    return hmac.compare_digest(printed.encode(), printed_gift_receipt_number(typed).encode())


# --- What a list's filters and pages accept (commerce/fields.py parses them) -------------
# Dates a list can be filtered by. Nothing is sold, written or returned outside these years,
# and keeping well inside the calendar's ends (years 1 and 9999) means a day added to the last
# one, or a time zone applied to the first, is still a date rather than an overflow.
EARLIEST_FILTER_DATE = date(1970, 1, 1)
LATEST_FILTER_DATE = date(2999, 12, 31)
# A page number of an API list: a whole number from 1 (a page past the last is a 404).
MAX_PAGE_NUMBER = 10**9
# Rows a page of the API holds when ``?page_size=`` asks for more (``sellercentral.api``).
MAX_PAGE_SIZE = 100
# How long a list's search box may be (an order id, an ASIN, an address, part of a name).
MAX_SEARCH_CHARS = 100


# --- How often buyers and sellers may write (counted by sellercentral/ratelimit.py) ---------
MINUTE, HOUR = 60, 3600


class WriteRate(NamedTuple):
    limit: int  # writes allowed in each window …
    seconds: int  # … of this many seconds
    what: str  # what is counted, as the "too many" page and the API's 429 name it


# One count per signed-in user (by user id), or per client address before signing in, shared
# by the pages and the API: a buyer cannot double a limit by alternating the two. Each write
# counts against "writes" and, where it is one of the kinds below, against its own rate too.
# The environment may change any of them (WRITE_RATES, see README's configuration table).
WRITE_RATES: dict[str, WriteRate] = {
    # Every request to the REST API, reads included, by one user (or one address before
    # signing in): what the X-RateLimit-* headers of every API answer count down.
    "api": WriteRate(1200, MINUTE, gettext_lazy("API requests")),
    # Every other write: return decisions, refunds, settings, addresses, cancelling …
    "writes": WriteRate(120, MINUTE, gettext_lazy("changes")),
    # Every sign-in attempt, right or wrong, on the sign-in pages and POST /api/v1/auth/token/.
    # Besides django-axes, which locks one username out after AXES_FAILURE_LIMIT wrong ones,
    # this bounds how fast one address may try usernames at all.
    "sign_in": WriteRate(20, MINUTE, gettext_lazy("sign-in attempts")),
    # A buyer's "Contact seller" messages (the form and the API; e-mail has the relay's limits).
    "contact_seller": WriteRate(20, HOUR, gettext_lazy("messages to sellers")),
    # A seller's replies from Seller Central (page and API): a busy day's pace, not a script's.
    "reply": WriteRate(300, HOUR, gettext_lazy("replies to buyers")),
    # Return requests, for the buyer's own orders and for gifts.
    "return_request": WriteRate(20, HOUR, gettext_lazy("return requests")),
    # A-to-z Guarantee claims: few orders ever need one.
    "claim": WriteRate(5, HOUR, pgettext_lazy("too many", "A-to-z Guarantee claims")),
    # Star ratings: of an order (seller feedback) and of a closed return.
    "feedback": WriteRate(30, HOUR, gettext_lazy("ratings and feedback")),
}


# --- Downloaded reports (commerce/exports.py writes them) --------------------------------
# A spreadsheet opening a CSV file runs a cell that starts with one of these as a formula
# ("=HYPERLINK(…)", "@SUM(…)"), or, after a tab or carriage return, may still do so. A buyer
# writes some of these cells (a comment, a subject), so such a text cell is written with a
# leading apostrophe: shown as text, never run (OWASP's "CSV Injection").
CSV_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_TEXT_MARK = "'"
# Rows fetched from the database per round trip while a report streams: a report of any
# length holds no more than this many rows in memory at once.
REPORT_CHUNK_ROWS = 2000


def csv_safe_text(text: str) -> str:
    """``text`` as a spreadsheet shows it without running it as a formula."""
    return CSV_TEXT_MARK + text if text.startswith(CSV_FORMULA_STARTS) else text


# --- The refusals every app's limits share, in the reader's language -----------------------
def at_most_characters(limit: int) -> str:
    return gettext("At most %(limit)s characters.") % {"limit": number_format(limit, force_grouping=True)}


def stars_between() -> str:
    return gettext("Choose from %(least)s to %(most)s stars.") % {"least": MIN_RATING, "most": MAX_RATING}
