"""Rules of the marketplace as a whole, which every app's figures share."""

from __future__ import annotations

# Buyers rate with 1 to 5 stars: a seller's order feedback and the experience of a return
# alike. 1 and 2 stars are negative (Order Defect Rate, Return Dissatisfaction Rate).
MIN_RATING, MAX_RATING = 1, 5
NEGATIVE_RATING = 2


def is_valid_rating(rating: object) -> bool:
    return isinstance(rating, int) and MIN_RATING <= rating <= MAX_RATING
