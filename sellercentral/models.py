from django.conf import settings
from django.db import models

from .policy import MAX_IDEMPOTENCY_KEY_CHARS


class Heartbeat(models.Model):
    """The last time each background process proved it was alive (worker, beat).

    Written by a periodic task, so a stale row means beat or every worker is down.
    """

    source = models.CharField(max_length=50, unique=True)
    last_seen_at = models.DateTimeField()
    hostname = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["source"]

    def __str__(self) -> str:
        return f"{self.source} @ {self.last_seen_at:%Y-%m-%d %H:%M:%S}"


class IdempotentRequest(models.Model):
    """An API write sent with an ``Idempotency-Key``: what it was (a fingerprint of method, path
    and body) and what it answered, so the same key replays the answer instead of acting twice.

    Keys are per user; a row is kept for ``policy.IDEMPOTENCY_KEY_HOURS`` (purged by beat).
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=MAX_IDEMPOTENCY_KEY_CHARS)
    fingerprint = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    body = models.BinaryField(default=bytes)
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_once_per_user")]

    def __str__(self) -> str:
        return f"{self.key} ({self.status_code or 'running'})"
