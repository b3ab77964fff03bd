"""The relay's inbound SMTP server (aiosmtpd): mail to masked addresses comes in here.

Unknown recipients are refused at RCPT time (550), mail over the size limit at MAIL FROM when
its SIZE says so, else by aiosmtpd during DATA (552); rate limits and the session cap are
``messaging.smtp_limits``'s. The sender is authenticated (SPF for the client and envelope sender, DKIM,
DMARC alignment of ``From:``: ``messaging.authentication``), and everything else is decided
by ``services.receive_inbound_email`` with the SMTP reply it names. The database work runs off
the event loop in a few threads (``RELAY_DATABASE_THREADS``), each keeping its database
connection until the server stops.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
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


def _check_connections(state: threading.local) -> None:
    """Django's start-of-request check (CONN_MAX_AGE, a broken connection): each one makes the
    next query a ``SELECT 1`` first, which once per RCPT and per DATA cost as much as some of
    a mail's own queries. Once a second per thread, and after any database error, is as safe
    for a server that answers a failure with a 4xx the client retries."""
    now = time.monotonic()
    if now >= getattr(state, "next_check", 0.0) or any(
        c.errors_occurred for c in connections.all(initialized_only=True)
    ):
        close_old_connections()
        state.next_check = now + HEALTH_CHECK_SECONDS


class DatabaseThreads:
    """The threads that do the relay's database work, off the event loop, each with its own
    connection (kept between calls, as CONN_MAX_AGE says, and checked: ``_check_connections``).
    Several, so that one mail's wait on PostgreSQL is another's turn on the CPU."""

    def __init__(self, count: int) -> None:
        self.count = count
        self.pool = ThreadPoolExecutor(count, thread_name_prefix="relay-db")
        self.state = threading.local()
        self.closed = False

    async def run(self, function, /, *args, **kwargs):
        """``function`` as a request runs it: with DEBUG on, the query log is emptied each time
        (it would otherwise keep the SQL, raw mail in hex included, of the last 9,000 queries)."""

        def call():
            reset_queries()
            _check_connections(self.state)
            try:
                return function(*args, **kwargs)
            finally:
                _check_connections(self.state)

        return await asyncio.get_running_loop().run_in_executor(self.pool, call)

    def close(self) -> None:
        """Each thread closes its connections (all threads are held at a barrier until each has
        taken one of the calls), then the pool stops."""
        if self.closed:
            return
        self.closed = True
        barrier = threading.Barrier(self.count)

        def close_mine() -> None:
            with contextlib.suppress(threading.BrokenBarrierError):  # a thread stuck in a call
                barrier.wait(timeout=10)
            connections.close_all()

        for future in [self.pool.submit(close_mine) for _ in range(self.count)]:
            future.result(timeout=30)
        self.pool.shutdown(wait=True)


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
    def __init__(self, *, database_threads: int = 1) -> None:
        self.db = DatabaseThreads(database_threads)

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
            if envelope.rcpt_tos or await self.db.run(services.check_bounce_recipient, address) is None:
                return "550 5.1.1 No such masked address here"
            envelope.rcpt_tos.append(address)
            vars(envelope)["bounce_to"] = address
            return "250 2.1.5 OK"
        try:
            alias = await self.db.run(services.check_recipient, address)
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
                await self.db.run(services.receive_bounce, address=envelope.bounce_to, raw=raw)
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
            result = await self.db.run(
                services.receive_inbound_email,
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
        super().stop(no_assert=no_assert)
        self.handler.db.close()


def relay_controller(*, host: str, port: int, reuse_port: bool = False) -> Controller:
    return RelayController(
        RelayHandler(database_threads=settings.RELAY_DATABASE_THREADS),
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
