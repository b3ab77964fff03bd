"""gunicorn's configuration for this project, read from the directory it starts in (the
Procfile's, the Dockerfile's and the tests' web servers): one start-up check."""

from __future__ import annotations

import os


def on_starting(server) -> None:
    """Refuse to start several workers that would each count rate limits in their own memory
    (CACHE_URL=locmem://): every limit would be allowed once per worker."""
    if server.cfg.workers <= 1:
        return
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sellercentral.settings")
    from django.core.exceptions import ImproperlyConfigured

    from sellercentral.ratelimit import require_shared_counting

    try:
        require_shared_counting(f"gunicorn's {server.cfg.workers} workers")
    except ImproperlyConfigured as refused:
        raise RuntimeError(str(refused)) from None  # gunicorn prints it and exits with status 1
