"""The project's row locks (the only ``select_for_update`` of the sellercentral app)."""

from .models import IdempotentRequest


def lock_idempotent_request(pk: int) -> IdempotentRequest:
    """A key's row, held until the request that claimed it has answered: a second request with
    the same key waits here, then replays the stored answer."""
    return IdempotentRequest.objects.select_for_update().get(pk=pk)
