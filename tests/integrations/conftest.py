"""A webhook endpoint for the tests: a real HTTP server on 127.0.0.1 that records what it is
sent and answers with the status codes it is told to, in turn."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from integrations import services

from .. import factories


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Endpoint:
    url: str
    answers: list[int] = field(default_factory=list)  # one per request, then 204 for the rest
    received: list[Received] = field(default_factory=list)


@pytest.fixture
def endpoint():
    state = Endpoint(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            state.received.append(Received(self.path, dict(self.headers), body))
            status = state.answers.pop(0) if state.answers else 204
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hooks/seller"
    yield state
    server.shutdown()
    server.server_close()


@pytest.fixture
def subscribe(seller, endpoint):
    """``subscribe(types)``: the seller's webhook to the test endpoint, through the service."""

    def make(types=("return.requested",), *, to_seller=None, url=None):
        return services.create_subscription(
            seller=to_seller or seller, url=url or endpoint.url, event_types=list(types)
        )

    return make


@pytest.fixture
def order(seller, customer):
    order = factories.order_with_items(seller=seller, customer=customer, order_id="202-0697275-2144321")
    factories.return_address(seller)
    return order
