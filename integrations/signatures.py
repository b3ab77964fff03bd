"""Signing webhooks as the Standard Webhooks specification does (standardwebhooks.com), so
an integrator can verify them with its libraries or with the ten lines in docs/integrations.md.

The secret is ``whsec_`` + the base64 of random bytes; the HMAC key is those bytes. Each
request carries ``Webhook-Id``, ``Webhook-Timestamp`` (Unix seconds) and ``Webhook-Signature``:
``v1,`` + base64(HMAC-SHA256(key, "<id>.<timestamp>.<body>")).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from .policy import SECRET_BYTES, SECRET_PREFIX


def new_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def _key(secret: str) -> bytes:
    return base64.b64decode(secret.removeprefix(SECRET_PREFIX))


def signature(secret: str, *, webhook_id: str, timestamp: int, body: bytes) -> str:
    signed = f"{webhook_id}.{timestamp}.".encode() + body
    digest = hmac.new(_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def headers(secret: str, *, webhook_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    return {
        "Content-Type": "application/json",
        "User-Agent": "SellerCentral-Webhooks/1",
        "Webhook-Id": webhook_id,
        "Webhook-Timestamp": str(timestamp),
        "Webhook-Signature": signature(secret, webhook_id=webhook_id, timestamp=timestamp, body=body),
    }
