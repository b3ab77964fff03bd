"""The relay SMTP server's limits: refusals as early in the session as the information allows.

- a ``SIZE=`` declared at ``MAIL FROM`` over the limit: ``552 5.3.4`` there, before any data
  (aiosmtpd would refuse it too, without an enhanced status code); during DATA aiosmtpd stops
  keeping lines once the limit is passed and only drains the rest (``tests/messaging/
  test_relay_limits.py`` measures it);
- rate limits per envelope sender (at MAIL) and per masked recipient (at RCPT), counted in the
  cache that every relay process shares (Redis in production): ``451 4.7.1``, try later;
- at most ``RELAY_MAX_SESSIONS`` sessions per process: a new connection over it gets
  ``421 4.3.2`` and is closed.

The server also speaks Postfix's XFORWARD to our own MX hosts (``messaging/xforward.py``).
"""

from __future__ import annotations

import asyncio
import functools
import re

from aiosmtpd.smtp import SMTP
from django.core.cache import BaseCache, caches

from sellercentral import ratelimit

from . import policy, xforward

DECLARED_SIZE = re.compile(r"(?:^|\s)SIZE=(\d{1,20})(?=\s|$)", re.I)
TOO_BIG = "552 5.3.4 Message size exceeds fixed maximum message size"
TOO_MANY_SESSIONS = b"421 4.3.2 Too many connections, try again later\r\n"
SENDER_RATE_EXCEEDED = "451 4.7.1 Too many messages from this sender, try again later"
ALIAS_RATE_EXCEEDED = "451 4.7.1 Too many messages to this address, try again later"


def declared_size(arg: str | None) -> int | None:
    """The ``SIZE=`` parameter of a ``MAIL FROM:<…> …`` argument (after the address), if any."""
    if not arg:
        return None
    match = DECLARED_SIZE.search(arg.rpartition(">")[2])
    return int(match.group(1)) if match else None


@functools.cache
def _counters() -> BaseCache:
    """The cache the counts go to, one object for the process. Django keeps one per thread and
    asyncio context, and ``asyncio.to_thread`` runs each call in a copied context: through
    ``caches`` every count built its own cache object, and so opened a new Redis connection."""
    return caches.create_connection("default")


def _within_rate(kind: str, key: str, rate: tuple[int, int]) -> bool:
    """Count one more mail for ``key`` in the current window; False once over the limit (a
    fixed window in the cache every relay process shares: ``sellercentral.ratelimit``)."""
    limit, seconds = rate
    return ratelimit.hit(f"relay:{kind}:{key.lower()}", limit, seconds, cache=_counters()).allowed


async def sender_within_rate(envelope_from: str) -> bool:
    if not envelope_from:
        return True  # bounces (MAIL FROM:<>) are limited per recipient alias only
    return await asyncio.to_thread(_within_rate, "sender", envelope_from, policy.sender_rate())


async def alias_within_rate(alias_id: int) -> bool:
    return await asyncio.to_thread(_within_rate, "alias", str(alias_id), policy.alias_rate())


class RelaySMTP(SMTP):
    """aiosmtpd's server with the relay's session cap, early size refusal and XFORWARD."""

    _announce_xforward = False

    def __init__(self, *args, sessions: set, max_sessions: int, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._sessions = sessions
        self._max_sessions = max_sessions
        self._refused = False

    def connection_made(self, transport) -> None:
        if self._original_transport is None and len(self._sessions) >= self._max_sessions:
            self._refused = True  # nothing of the session is started: no handler, no timer
            transport.write(TOO_MANY_SESSIONS)
            transport.close()
            return
        self._sessions.add(self)
        super().connection_made(transport)
        # A new session (at connect, and again after STARTTLS): whether its peer is one of our
        # MX hosts is settled here, once, for EHLO, XFORWARD and DATA to read.
        xforward.session_from_mx(self.session)

    def connection_lost(self, error) -> None:
        if self._refused:
            return
        self._sessions.discard(self)
        super().connection_lost(error)

    def eof_received(self):
        if self._refused:
            return False
        return super().eof_received()

    async def smtp_MAIL(self, arg: str | None) -> None:
        size = declared_size(arg)
        if (
            size is not None
            and self.data_size_limit
            and size > self.data_size_limit
            and self.session is not None
            and self.session.extended_smtp
        ):
            await self.push(TOO_BIG)
            return
        await super().smtp_MAIL(arg)

    async def smtp_EHLO(self, hostname: str) -> None:
        # aiosmtpd ends its EHLO reply with "250 HELP"; push() adds XFORWARD just before it,
        # for our MX hosts only (nobody else is told, nor allowed to use it).
        self._announce_xforward = bool(hostname) and xforward.session_from_mx(self.session)
        try:
            await super().smtp_EHLO(hostname)
        finally:
            self._announce_xforward = False

    async def push(self, status) -> None:
        if self._announce_xforward and status == "250 HELP":
            await super().push(f"250-{xforward.KEYWORD}")
        await super().push(status)

    async def smtp_XFORWARD(self, arg: str | None) -> None:
        if not (self.session.extended_smtp and xforward.session_from_mx(self.session)):
            await self.push(xforward.NOT_AUTHORISED)
            return
        if self.envelope.mail_from:
            await self.push(xforward.IN_TRANSACTION)
            return
        try:
            found = xforward.parse(arg)
        except ValueError:
            await self.push(xforward.BAD_SYNTAX)
            return
        vars(self.session).setdefault("xforward", {}).update(found)
        await self.push(xforward.OK)

    def _set_post_data_state(self) -> None:
        # After each mail and at RSET: XFORWARD's attributes are one transaction's.
        super()._set_post_data_state()
        if self.session is not None:
            vars(self.session).pop("xforward", None)
