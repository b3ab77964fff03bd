"""What the buyer's and the seller's halves of the returns API share."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse

from .. import selectors
from ..serializers import ReturnSerializer

NOT_YOURS = OpenApiResponse(description="Not your return")


def return_detail(pk: int, role: str) -> dict:
    """One return with its items and history, and the actions open to ``role``."""
    return ReturnSerializer(selectors.return_with_details(pk), context={"role": role}).data


class ReturnsAs:
    """A list of the caller's returns, or one of them, with the actions open to ``role``."""

    serializer_class = ReturnSerializer
    role: str

    def get_serializer_context(self) -> dict:
        return {**super().get_serializer_context(), "role": self.role}
