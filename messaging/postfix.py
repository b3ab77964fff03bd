"""Private Postfix instances around the relay, for ``make mail-interop`` and ``make bench``.

Two roles, each an instance of Debian's Postfix in a directory of its own (its own
``main.cf``, ``master.cf``, queue and maillog; the system's instance is never touched):

- ``mx()``: the MX in front of the relay, as an operator runs it. The relay domains go to
  ``relay_smtpd`` with XFORWARD (``smtp_send_xforward_command``), so the relay judges the
  client the MX saw; an unknown masked address is refused at RCPT by asking the relay first
  (``reject_unverified_recipient``: no bounce to a stranger for mail we never take); the
  clients outside ``mynetworks`` are the Internet. What the MX must send elsewhere (its own
  bounces) goes to ``relayhost``. Its ``mailboxes``, if any, are maildirs on the MX itself
  (the bench's Postfix-only figure).
- ``smarthost()``: the product's smarthost, holding the "Internet's" mailboxes (buyers,
  sellers, strangers) as maildirs. It accepts any recipient from the product and bounces an
  unknown one afterwards with a real DSN, as a smarthost relaying to the Internet would; the
  relay domains (where those DSNs go, to the VERP address) are sent on to the MX.

Needs root (Postfix starts as root and drops to its ``postfix`` user) and the packages
``postfix`` (``make mail-interop`` installs it).
"""

from __future__ import annotations

import email
import email.policy
import os
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

POSTFIX = "/usr/sbin/postfix"
MAILDIR_UID = 5000  # virtual_uid_maps: the owner of every maildir
# Every service a private instance needs, none chrooted: the instance's queue directory has
# none of the files (resolv.conf, services) a chroot would need copied in.
SERVICES = """\
{listen} inet n - n - - smtpd
pickup    unix n - n 60 1 pickup
cleanup   unix n - n - 0 cleanup
qmgr      unix n - n 300 1 qmgr
rewrite   unix - - n - - trivial-rewrite
bounce    unix - - n - 0 bounce
defer     unix - - n - 0 bounce
trace     unix - - n - 0 bounce
verify    unix - - n - 1 verify
flush     unix n - n 1000? 0 flush
proxymap  unix - - n - - proxymap
proxywrite unix - - n - 1 proxymap
smtp      unix - - n - - smtp
relay     unix - - n - - smtp
showq     unix n - n - - showq
error     unix - - n - - error
retry     unix - - n - - error
discard   unix - - n - - discard
local     unix - n n - - local
virtual   unix - n n - - virtual
anvil     unix - - n - 1 anvil
scache    unix - - n - 1 scache
postlog   unix-dgram n - n - 1 postlogd
"""


def available() -> str:
    """ "" when private instances can run here, else why not (for a skip or the bench's note)."""
    if not Path(POSTFIX).exists():
        return "Postfix is not installed (apt-get install postfix; `make mail-interop` does)"
    if os.geteuid() != 0:
        return "a private Postfix instance must be started as root"
    return ""


@dataclass
class Postfix:
    """One private instance: ``start()``, ``stop()``, its maildirs and its log."""

    name: str
    port: int
    main: dict[str, str]
    mailboxes: list[str] = field(default_factory=list)  # addresses with a maildir here
    maps: dict[str, dict[str, str]] = field(default_factory=dict)  # file name → key → value
    directory: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="postfix-")))

    @property
    def etc(self) -> Path:
        return self.directory / "etc"

    def _write(self) -> None:
        self.directory.chmod(0o755)  # the postfix user and the maildir owner walk through it
        for sub in ("etc", "spool", "data", "maildir"):
            (self.directory / sub).mkdir(exist_ok=True)
        shutil.chown(self.directory / "data", "postfix")
        boxes = {address: f"{address.replace('@', '_at_')}/" for address in self.mailboxes}
        maps = {**self.maps, "mailboxes": boxes}
        for name, entries in maps.items():
            lines = [f"{key} {value}" for key, value in entries.items()]
            (self.etc / name).write_text("\n".join(lines) + "\n")
        settings = {
            "compatibility_level": "3.6",
            "queue_directory": str(self.directory / "spool"),
            "data_directory": str(self.directory / "data"),
            "mail_owner": "postfix",
            "setgid_group": "postdrop",
            "syslog_name": f"postfix-{self.name}",
            "maillog_file": str(self.directory / "maillog"),
            "maillog_file_prefixes": f"/var, /dev/stdout, {self.directory}",
            "inet_interfaces": "127.0.0.1",
            "inet_protocols": "ipv4",
            "smtp_dns_support_level": "disabled",
            "disable_dns_lookups": "yes",
            "smtputf8_enable": "yes",
            "mydestination": "",
            "alias_maps": "",
            "alias_database": "",
            "biff": "no",
            "append_dot_mydomain": "no",
            "virtual_mailbox_base": str(self.directory / "maildir"),
            "virtual_mailbox_maps": f"texthash:{self.etc / 'mailboxes'}",
            "virtual_uid_maps": f"static:{MAILDIR_UID}",
            "virtual_gid_maps": f"static:{MAILDIR_UID}",
            # The relay copies land in a second; nothing here waits for a retry.
            "queue_run_delay": "5s",
            "minimal_backoff_time": "5s",
            "maximal_backoff_time": "10s",
            **self.main,
        }
        main_cf = "".join(f"{key} = {value}\n" for key, value in settings.items())
        (self.etc / "main.cf").write_text(main_cf.replace("{etc}", str(self.etc)))
        (self.etc / "master.cf").write_text(SERVICES.format(listen=f"127.0.0.1:{self.port}"))

    def _postfix(self, *args: str) -> None:
        subprocess.run([POSTFIX, "-c", str(self.etc), *args], check=True, capture_output=True)  # noqa: S603

    def start(self) -> Postfix:
        self._write()
        self._postfix("set-permissions")
        shutil.chown(self.directory / "maildir", MAILDIR_UID, MAILDIR_UID)
        self._postfix("check")
        self._postfix("start")
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:  # master forks smtpd on the first connection
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return self
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"Postfix {self.name} does not listen on {self.port}:\n{self.log()}")

    def stop(self, *, keep: bool = False) -> None:
        subprocess.run([POSTFIX, "-c", str(self.etc), "stop"], check=False, capture_output=True)  # noqa: S603
        if not keep:
            shutil.rmtree(self.directory, ignore_errors=True)

    def __enter__(self) -> Postfix:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def log(self) -> str:
        path = self.directory / "maillog"
        return path.read_text(errors="replace") if path.exists() else ""

    def delivered(self, address: str) -> list[Path]:
        """The files delivered to ``address``'s maildir, oldest first."""
        new = self.directory / "maildir" / address.replace("@", "_at_") / "new"
        return sorted(new.iterdir(), key=lambda path: path.stat().st_mtime_ns) if new.exists() else []

    def messages(self, address: str) -> list[email.message.EmailMessage]:
        return [
            email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
            for path in self.delivered(address)
        ]

    def queued(self) -> int:
        """Mails still in the queue (not yet delivered or bounced)."""
        spool = self.directory / "spool"
        return sum(
            len(files)
            for sub in ("maildrop", "incoming", "active", "deferred")
            for _, _, files in os.walk(spool / sub)
        )

    def wait_until(self, condition, *, timeout: float, what: str) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                raise TimeoutError(f"{what} (Postfix {self.name}, {timeout:.0f} s):\n{self.log()[-4000:]}")
            time.sleep(0.05)


def mx(
    *,
    port: int,
    relay_port: int,
    relay_domains: list[str],
    relayhost: str = "",
    mailboxes: list[str] = (),
    mailbox_domains: list[str] = (),
) -> Postfix:
    """The MX in front of ``relay_smtpd`` on ``relay_port`` (see the module's note)."""
    return Postfix(
        name="mx",
        port=port,
        mailboxes=list(mailboxes),
        maps={"transport": dict.fromkeys(relay_domains, f"smtp:[127.0.0.1]:{relay_port}")},
        main={
            "myhostname": "mx.relay.test",
            "mynetworks": "127.0.0.1/32",  # the clients on 127.0.0.2 … are the Internet
            "relay_domains": ", ".join(relay_domains),
            "transport_maps": "texthash:{etc}/transport",
            "relayhost": relayhost,
            "virtual_mailbox_domains": ", ".join(mailbox_domains),
            "smtpd_relay_restrictions": "permit_mynetworks, reject_unauth_destination",
            "smtpd_recipient_restrictions": "reject_unauth_destination, reject_unverified_recipient",
            # The relay's 550 for an unknown alias is final; ask again after a probe soon.
            "unverified_recipient_reject_code": "550",
            "address_verify_poll_delay": "1s",
            "address_verify_poll_count": "10",
            "smtp_send_xforward_command": "yes",
            # Mail from the Internet waits for the relay, not for Postfix's inflow throttle; and
            # one relay process gets 4 connections, not Postfix's 20 (each waits on the relay).
            "in_flow_delay": "0",
            "smtp_destination_concurrency_limit": "4",
        },
    )


def smarthost(*, port: int, mailboxes: list[str], relay_domains: list[str], mx_port: int) -> Postfix:
    """The product's smarthost with the Internet's mailboxes (see the module's note)."""
    domains = sorted({address.rpartition("@")[2] for address in mailboxes})
    return Postfix(
        name="smarthost",
        port=port,
        mailboxes=mailboxes,
        maps={"transport": dict.fromkeys(relay_domains, f"smtp:[127.0.0.1]:{mx_port}")},
        main={
            "myhostname": "smarthost.relay.test",
            "mynetworks": "127.0.0.1/32",
            "virtual_mailbox_domains": ", ".join(domains),
            "transport_maps": "texthash:{etc}/transport",
            "smtpd_relay_restrictions": "permit_mynetworks, reject_unauth_destination",
            # A smarthost takes the product's mail and finds out later that a mailbox is gone.
            "smtpd_reject_unlisted_recipient": "no",
        },
    )
