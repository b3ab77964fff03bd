from django.db import models


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
