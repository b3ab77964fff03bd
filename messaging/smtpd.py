"""The relay's inbound SMTP server (aiosmtpd): mail to masked addresses comes in here.

Unknown recipients are refused at RCPT time (550), mail over the size limit at MAIL FROM when
its SIZE says so, else by aiosmtpd during DATA (552); rate limits and the session cap are
``messaging.smtp_limits``'s. The sender is authenticated (SPF for the client and envelope sender, DKIM,
DMARC alignment of ``From:``: ``messaging.authentication``), and everything else is decided
by ``services.receive_inbound_email`` with the SMTP reply it names. The database work runs off the event loop in one worker thread,
which keeps one database connection (closed when the server stops).
"""

from __future__ import annotations

import asyncio
import logging
import time

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import close_old_connections, connections, reset_queries

from . import services
from .authentication import authenticate
from .models import Alias
from .policy import MAX_RELAY_RECIPIENTS
from .smtp_limits import (
    ALIAS_RATE_EXCEEDED,
    SENDER_RATE_EXCEEDED,
    RelaySMTP,
    alias_within_rate,
    sender_within_rate,
)
from .smtp_tls import relay_tls_context
from .verp import is_bounce_address
from .xforward import client_of

logger = logging.getLogger(__name__)


HEALTH_CHECK_SECONDS = 1.0  # at most one connection check (a round trip) a second, or after an error
_next_health_check = [0.0]


def _check_connections() -> None:
    """Django's start-of-request check (CONN_MAX_AGE, a broken connection): each one makes the
    next query a ``SELECT 1`` first, which once per RCPT and per DATA cost as much as some of
    a mail's own queries. Once a second and after any database error is as safe for a server
    that answers a failure with a 4xx the client retries."""
    now = time.monotonic()
    if now >= _next_health_check[0] or any(c.errors_occurred for c in connections.all(initialized_only=True)):
        close_old_connections()
        _next_health_check[0] = now + HEALTH_CHECK_SECONDS


def _in_thread(function):
    """``function`` run off the event loop like a request: the connection is kept between
    calls (CONN_MAX_AGE) and checked (``_check_connections``); with DEBUG on, the query log is
    emptied each time, as each request does (it would otherwise keep the SQL, raw mail in
    hex included, of the last 9,000 queries)."""

    def run(*args, **kwargs):
        reset_queries()
        _check_connections()
        try:
            return function(*args, **kwargs)
        finally:
            _check_connections()

    return sync_to_async(run, thread_sensitive=True)


_check_recipient = _in_thread(services.check_recipient)
_receive = _in_thread(services.receive_inbound_email)
_check_bounce = _in_thread(services.check_bounce_recipient)
_receive_bounce = _in_thread(services.receive_bounce)


def _rcpt_aliases(envelope: Envelope) -> list[Alias] | None:
    """The aliases ``handle_RCPT`` found for the envelope's recipients (None: look them up)."""
    found = vars(envelope).get("relay_aliases", {})
    if not all(address in found for address in envelope.rcpt_tos):
        return None
    return [found[address] for address in envelope.rcpt_tos]


def _envelope_from(address: str | None) -> str:
    """The envelope sender; "" for the null sender ``MAIL FROM:<>`` (a bounce, automatic)."""
    return "" if address in (None, "<>") else address


class RelayHandler:
    async def handle_MAIL(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, mail_options
    ):
        if not await sender_within_rate(_envelope_from(address)):
            return SENDER_RATE_EXCEEDED
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 2.1.0 OK"

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, rcpt_options
    ):
        if len(envelope.rcpt_tos) >= MAX_RELAY_RECIPIENTS:
            return "452 4.5.3 Too many recipients"
        if is_bounce_address(address) or vars(envelope).get("bounce_to"):  # a bounce: alone
            if envelope.rcpt_tos or await _check_bounce(address) is None:
                return "550 5.1.1 No such masked address here"
            envelope.rcpt_tos.append(address)
            vars(envelope)["bounce_to"] = address
            return "250 2.1.5 OK"
        try:
            alias = await _check_recipient(address)
        except services.InboundRefused as refused:
            return refused.smtp_reply
        if not await alias_within_rate(alias.pk):
            return ALIAS_RATE_EXCEEDED
        envelope.rcpt_tos.append(address)
        # Kept for DATA, so the aliases are not read twice (a new envelope for each mail).
        vars(envelope).setdefault("relay_aliases", {})[address] = alias
        return "250 2.1.5 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or envelope.content
        if vars(envelope).get("bounce_to"):  # never authenticated, answered or relayed
            try:
                await _receive_bounce(address=envelope.bounce_to, raw=raw)
            except Exception:
                logger.exception("bounce failed")
                return "451 4.3.0 Temporary failure, please try again later"
            return "250 2.0.0 Bounce received"
        # SPF, DKIM and DMARC look-ups block on DNS: in a thread of their own, not the
        # database's, so one slow resolver does not hold up storing other mail.
        # Behind our MX, the client that connected to it (XFORWARD), not the MX itself.
        client_ip, helo = client_of(session)
        envelope_from = _envelope_from(envelope.mail_from)
        verdict = await asyncio.to_thread(
            authenticate, client_ip=client_ip, helo=helo, envelope_from=envelope_from, raw=raw
        )
        try:
            result = await _receive(
                raw=raw,
                verdict=verdict,
                recipients=list(envelope.rcpt_tos),
                envelope_from=envelope_from,
                aliases=_rcpt_aliases(envelope),
            )
        except services.InboundRefused as refused:
            logger.info("refused inbound mail from %s: %s", envelope.mail_from, refused.reason)
            return refused.smtp_reply
        except Exception:
            logger.exception("inbound mail failed")
            return "451 4.3.0 Temporary failure, please try again later"
        return f"250 2.0.0 Accepted ({len(result.messages)} stored, {result.duplicates} duplicate)"


class RelayController(Controller):
    def __init__(self, *args, reuse_port: bool = False, max_sessions: int = 100, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.reuse_port = reuse_port
        self.max_sessions = max_sessions
        self.sessions: set = set()  # this server's open sessions (RELAY_MAX_SESSIONS)

    def factory(self):
        return RelaySMTP(
            self.handler, sessions=self.sessions, max_sessions=self.max_sessions, **self.SMTP_kwargs
        )

    def _create_server(self):
        # SO_REUSEPORT: several relay processes listen on one port and the kernel spreads
        # the connections among them (one process is bound to one core by the GIL).
        return self.loop.create_server(
            self._factory_invoker,
            host=self.hostname,
            port=self.port,
            ssl=self.ssl_context,
            reuse_port=self.reuse_port or None,
        )

    def _trigger_server(self) -> None:
        # aiosmtpd checks its start by connecting to itself; with a shared port the kernel may
        # hand that connection to a sibling process, so it tries again until one lands here.
        for _ in range(200 if self.reuse_port else 1):
            super()._trigger_server()
            if self._factory_invoked.wait(0.02):
                return

    def stop(self, no_assert: bool = False) -> None:
        if self.loop.is_running():
            close = sync_to_async(connections.close_all, thread_sensitive=True)
            asyncio.run_coroutine_threadsafe(close(), self.loop).result(timeout=10)
        super().stop(no_assert=no_assert)


def relay_controller(*, host: str, port: int, reuse_port: bool = False) -> Controller:
    return RelayController(
        RelayHandler(),
        reuse_port=reuse_port,
        max_sessions=settings.RELAY_MAX_SESSIONS,
        hostname=host,
        port=port,
        data_size_limit=settings.INBOUND_EMAIL_MAX_BYTES,
        server_hostname=settings.RELAY_HOSTNAME,
        ident="Seller Central relay",
        decode_data=False,  # raw bytes: 8-bit bodies (BODY=8BITMIME) and UTF-8 headers as sent
        enable_SMTPUTF8=True,
        tls_context=relay_tls_context(),  # STARTTLS offered when a certificate is configured
    )
