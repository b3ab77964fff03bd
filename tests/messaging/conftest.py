import smtplib
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller

from commerce.models import Order
from messaging.smtpd import relay_controller
from sellercentral.processes import free_port

from .. import factories
from ..dnsserver import RunningDNS

SELLER_REAL = "orders@test-uk-seller.example.net"
BUYER_REAL = "luca.depasqua@example.com"


@pytest.fixture
def order(seller) -> Order:
    """The seed's order: Luca bought the Kingston card from Test UK Seller 4 Luca."""
    factories.seller_user(seller, email=SELLER_REAL)
    customer = factories.CustomerFactory(name="Luca de Pasqua", email=BUYER_REAL)
    order = factories.order_with_items(seller=seller, customer=customer, order_id="202-0697275-2144321")
    item = order.items.get()
    item.product.asin, item.product.title = (
        "B0000F2F36",
        "Kingston - Flash memory card - 8 GB - Class 4 - SDHC",
    )
    item.product.save()
    return order


@pytest.fixture
def relay_server(settings):
    """The real relay SMTP server (aiosmtpd) on a free port, for the length of a test."""
    settings.INBOUND_EMAIL_MAX_BYTES = 2 * 1024 * 1024
    port = free_port()
    controller = relay_controller(host="127.0.0.1", port=port)
    controller.start()
    yield port
    controller.stop()


@pytest.fixture
def smtp(relay_server):
    with smtplib.SMTP("127.0.0.1", relay_server, timeout=30) as client:
        yield client


def plain_mail(*, sender, to, subject="Re: your order", body="Hello", **headers) -> EmailMessage:
    """A plain-text mail as a mail client sends it (``In_Reply_To=`` becomes ``In-Reply-To``)."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(body)
    return message


@pytest.fixture
def relay_dns(settings):
    """A DNS server of the test's own on loopback (``tests/dnsserver.py``), empty at first.

    Every SPF, DKIM and DMARC look-up of the relay goes to it; the test publishes records
    with ``relay_dns.publish_txt(name, record)`` and may set ``relay_dns.mode``.
    """
    with RunningDNS() as records:
        settings.RELAY_DNS_NAMESERVERS = [(records.host, records.port)]
        yield records


class _Smarthost:
    """A real SMTP server (aiosmtpd) standing for the product's smarthost: it answers RCPT
    with ``rcpt_reply`` and keeps what it accepts."""

    def __init__(self, rcpt_reply: str):
        self.rcpt_reply, self.received = rcpt_reply, []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if not self.rcpt_reply.startswith("250"):
            return self.rcpt_reply
        envelope.rcpt_tos.append(address)
        return self.rcpt_reply

    async def handle_DATA(self, server, session, envelope):
        self.received.append(envelope)
        return "250 OK"


@pytest.fixture
def smarthost(settings):
    """Start a real smarthost answering RCPT as the test says; the product sends through it."""
    started = []

    def start(rcpt_reply: str) -> _Smarthost:
        handler = _Smarthost(rcpt_reply)
        port = free_port()
        controller = Controller(handler, hostname="127.0.0.1", port=port)
        controller.start()
        started.append(controller)
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 5
        return handler

    yield start
    for controller in started:
        controller.stop()
