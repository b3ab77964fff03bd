"""The Online Returns Centre's numbers and predicates: the one place each is written.

Services, forms, the API, admin, the automatic rules and Account Health (metrics) import
them from here.
"""

from __future__ import annotations

from datetime import datetime, timedelta

MAX_COMMENT_CHARS = 200
MAX_DENY_MESSAGE_CHARS = 3000
MAX_REFUND_REASON_CHARS = 200
MAX_CLAIM_CHARS = 2000
# Return window: days from the order date in which a request meets policy.
RETURN_WINDOW_DAYS = 30
MIN_RETURN_WINDOW_DAYS, MAX_RETURN_WINDOW_DAYS = 1, 30
# A request the seller has not acted on after this long counts as a late response.
LATE_RESPONSE_AFTER = timedelta(hours=48)
# The seller is reminded of a request still waiting after this long.
REMIND_AFTER = timedelta(hours=24)
# A request left waiting this long closes itself ("Expired without action").
STALE_AFTER = timedelta(days=50)


def within_return_window(*, placed_at: datetime, requested_at: datetime, window_days: int) -> bool:
    return requested_at - placed_at <= timedelta(days=window_days)
