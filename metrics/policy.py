"""Account Health's numbers: the windows it looks back over and the targets it judges by.

The rules these figures count come from the apps that own them: the 24-hour response
window from ``messaging.policy``, the 48-hour late return response from ``returns.policy``.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.db.models import Q

from commerce.policy import NEGATIVE_RATING

# Contact Response Time is shown over these windows (days); the checklist judges the last.
WINDOWS = (7, 30, 90)
STATUS_WINDOW = 90
UNDER_TARGET = 90.0  # answered within 24 hours: above 90 %
LATE_TARGET = 10.0  # late responses: at most 10 %
RDR_WINDOW_DAYS, RDR_TARGET = 90, 10.0  # Return Dissatisfaction Rate: below 10 %
ODR_WINDOW_DAYS, ODR_TARGET = 60, 1.0  # Order Defect Rate: below 1 %

# Feedback on an order: 1-5 stars (``commerce.policy``) and a comment, which the buyer can
# change for 60 days.
MAX_FEEDBACK_CHARS = 1000
FEEDBACK_EDITABLE_DAYS = 60


def negative_feedback_to_contact(now: datetime) -> Q:
    """Negative feedback (1-2 stars) the buyer can still change: worth contacting the buyer
    about (the home's to-do, the Feedback Manager's "To contact" list)."""
    return Q(rating__lte=NEGATIVE_RATING, left_at__gte=now - timedelta(days=FEEDBACK_EDITABLE_DAYS))


def feedback_contactable_until(left_at: datetime) -> datetime:
    """When feedback left at ``left_at`` leaves ``negative_feedback_to_contact``."""
    return left_at + timedelta(days=FEEDBACK_EDITABLE_DAYS)


# Business Reports: one row per day and marketplace, so the longest range is a (leap) year.
BUSINESS_REPORT_MAX_DAYS = 366

# Contact Response Time's roll-up (docs/metrics.md): one row per seller and UTC hour, added by
# the sweep once every deadline in the hour has passed, and ROLL_MARGIN later still, so that a
# change to one of its messages still being committed when its hour is rolled (a transaction
# is far shorter than this) is seen by the roll rather than missed by both.
ROLLUP_HOUR = timedelta(hours=1)
ROLL_MARGIN = timedelta(hours=1)
# The sweep rolls up at most this much time per transaction (the first roll does 90+ days).
ROLL_BATCH = timedelta(days=7)


def floor_hour(moment: datetime) -> datetime:
    """The start of the UTC hour ``moment`` falls in (the roll-up's rows are such hours)."""
    return moment.astimezone(UTC).replace(minute=0, second=0, microsecond=0)


def ceil_hour(moment: datetime) -> datetime:
    """The first whole UTC hour at or after ``moment``."""
    start = floor_hour(moment)
    return start if start == moment else start + ROLLUP_HOUR
