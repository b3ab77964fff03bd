"""The address a request comes from, for everything that counts or records anonymous visitors."""

from __future__ import annotations

from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """The client's IP address: the connection's peer, as the WSGI server reports it."""
    return request.META["REMOTE_ADDR"]
