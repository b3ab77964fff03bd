"""The API's rules for integrators' requests: idempotency keys and request ids."""

import re
from datetime import timedelta

# An Idempotency-Key: any printable ASCII up to this length (a UUID is the usual choice).
MAX_IDEMPOTENCY_KEY_CHARS = 255
IDEMPOTENCY_KEY = re.compile(rf"^[\x21-\x7e]{{1,{MAX_IDEMPOTENCY_KEY_CHARS}}}$")
# How long a key's answer is kept for replay; a key older than this may act again.
IDEMPOTENCY_KEY_LIFETIME = timedelta(hours=24)

# An X-Request-Id sent by the client is echoed when it is this safe to log; else one is made.
REQUEST_ID = re.compile(r"^[A-Za-z0-9._:@-]{1,128}$")
