"""Wait until a URL answers: ``python -m load.wait URL`` (exit 1 after the timeout)."""

import sys
import time
import urllib.request


def wait_for_http(url: str, *, timeout: float = 60.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)  # noqa: S310 (our own server on loopback)
            return True
        except OSError:
            time.sleep(0.5)
    return False


if __name__ == "__main__":
    if not wait_for_http(sys.argv[1]):
        sys.exit(f"nothing answered on {sys.argv[1]}")
