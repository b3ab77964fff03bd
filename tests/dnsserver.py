"""A DNS server of the tests' own on loopback (dnslib), UDP and TCP on one free port.

It serves the TXT (and A) records a test puts in its dicts, and nothing else: a name it
does not hold is NXDOMAIN. ``mode`` makes it fail the way real servers do: "servfail"
answers SERVFAIL, "silent" never answers (the client times out). UDP answers over 512
bytes are truncated, so the client asks again over TCP (``queries`` records the protocol).
"""

from __future__ import annotations

import contextlib
import socket
import threading
from dataclasses import dataclass, field

from dnslib import QTYPE, RCODE, RR, TXT, A, DNSHeader, DNSRecord
from dnslib.server import DNSHandler, DNSLogger, DNSServer


def txt_strings(value: str) -> list[bytes]:
    """One TXT record's character-strings: at most 255 bytes each (RFC 1035 §3.3.14)."""
    data = value.encode("utf-8")
    return [data[i : i + 255] for i in range(0, len(data), 255)] or [b""]


class _Silent(Exception):
    pass


@dataclass
class FakeDNS:
    txt: dict[str, list[str]] = field(default_factory=dict)  # name → TXT records
    a: dict[str, list[str]] = field(default_factory=dict)  # name → IPv4 addresses
    mode: str = "answer"  # "answer", "servfail" or "silent"
    queries: list[tuple[str, str, str]] = field(default_factory=list)  # (protocol, qtype, name)
    host: str = "127.0.0.1"
    port: int = 0
    ttl: int = 0  # seconds a resolver may keep an answer: none by default, as tests change records

    def publish_txt(self, name: str, *records: str) -> None:
        self.txt.setdefault(name.lower().rstrip("."), []).extend(records)

    def resolve(self, request, handler):
        question = request.q
        name = str(question.qname).rstrip(".").lower()
        qtype = QTYPE[question.qtype]
        self.queries.append((handler.protocol, qtype, name))
        reply = request.reply()
        if self.mode == "silent":
            raise _Silent
        if self.mode == "servfail":
            reply.header.rcode = RCODE.SERVFAIL
            return reply
        if name not in self.txt and name not in self.a:
            reply.header.rcode = RCODE.NXDOMAIN
        elif qtype == "TXT":
            for record in self.txt.get(name, []):
                reply.add_answer(RR(question.qname, QTYPE.TXT, rdata=TXT(txt_strings(record)), ttl=self.ttl))
        elif qtype == "A":
            for address in self.a.get(name, []):
                reply.add_answer(RR(question.qname, QTYPE.A, rdata=A(address), ttl=self.ttl))
        return reply


class _Handler(DNSHandler):
    """dnslib's handler, truncating UDP answers over 512 bytes to their question (TC set):
    classic DNS, so the client asks again over TCP. dnslib's own ``truncate()`` drops the
    question too, which clients reject as an answer to something else."""

    def get_reply(self, data):
        rdata = super().get_reply(data)
        if self.protocol == "udp" and len(rdata) > 512:
            reply = DNSRecord.parse(rdata)
            truncated = DNSRecord(DNSHeader(id=reply.header.id, qr=1, aa=1, ra=1, tc=1), q=reply.q)
            rdata = truncated.pack()
        return rdata

    def handle(self):
        with contextlib.suppress(_Silent):
            super().handle()


def _bind_both(resolver: FakeDNS) -> tuple[DNSServer, DNSServer]:
    """UDP on a free port, then TCP on the same port (tried again if it is taken)."""
    for _ in range(20):
        udp = DNSServer(
            resolver, address="127.0.0.1", port=0, handler=_Handler, logger=DNSLogger(logf=lambda _: None)
        )
        port = udp.server.server_address[1]
        try:
            tcp = DNSServer(
                resolver,
                address="127.0.0.1",
                port=port,
                tcp=True,
                handler=_Handler,
                logger=DNSLogger(logf=lambda _: None),
            )
        except OSError:
            udp.server.server_close()
            continue
        return udp, tcp
    raise OSError("no free port for both UDP and TCP")


class RunningDNS:
    """``with RunningDNS() as dns:`` a started server; ``dns.records`` is its ``FakeDNS``."""

    def __init__(self, *, ttl: int = 0) -> None:
        self.records = FakeDNS(ttl=ttl)
        self._servers = _bind_both(self.records)
        self.records.port = self._servers[0].server.server_address[1]

    def __enter__(self) -> FakeDNS:
        for server in self._servers:  # a short poll: stopping takes 50 ms, not dnslib's 0.5 s
            threading.Thread(target=server.server.serve_forever, args=(0.05,), daemon=True).start()
        return self.records

    def __exit__(self, *exc) -> None:
        for server in self._servers:
            server.stop()
            server.server.server_close()


def closed_port() -> int:
    """A loopback UDP port where nothing listens (ICMP port unreachable: a dead server)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
