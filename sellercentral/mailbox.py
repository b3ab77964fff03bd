"""The development mailbox: an e-mail backend that keeps every sent mail on disk.

Each message is one ``.eml`` file under ``settings.DEV_MAILBOX_DIR``, so mail sent by a
Celery worker in another process shows up in the web process's ``/dev/mailbox/`` page.
"""

from __future__ import annotations

import email
import email.policy
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone


class MailboxBackend(BaseEmailBackend):
    def send_messages(self, email_messages) -> int:
        folder = Path(settings.DEV_MAILBOX_DIR)
        folder.mkdir(parents=True, exist_ok=True)
        sent = 0
        for message in email_messages:
            stamp = timezone.now().strftime("%Y%m%dT%H%M%S%f")
            name = f"{stamp}-{uuid.uuid4().hex[:12]}.eml"
            temporary = folder / f".{name}.tmp"
            temporary.write_bytes(message.message().as_bytes(linesep="\r\n"))
            temporary.rename(folder / name)  # atomic: the page never sees half a mail
            sent += 1
        return sent


@dataclass(frozen=True)
class StoredMail:
    key: str
    message: EmailMessage
    stored_at: datetime

    @property
    def subject(self) -> str:
        return str(self.message.get("Subject", ""))

    @property
    def sender(self) -> str:
        return str(self.message.get("From", ""))

    @property
    def recipients(self) -> str:
        return str(self.message.get("To", ""))

    def body(self, subtype: str) -> str:
        part = self.message.get_body(preferencelist=(subtype,))
        # Stored as sent, with the wire's CRLF line ends: shown with the text's own newlines.
        return part.get_content().replace("\r\n", "\n") if part is not None else ""

    @property
    def text(self) -> str:
        return self.body("plain")

    @property
    def html(self) -> str:
        return self.body("html")

    @property
    def headers(self) -> list[tuple[str, str]]:
        return [(name, str(value)) for name, value in self.message.items()]


def _load(path: Path) -> StoredMail:
    message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    stored_at = datetime.strptime(path.name.split("-", 1)[0], "%Y%m%dT%H%M%S%f")
    return StoredMail(
        key=path.stem,
        message=message,
        stored_at=stored_at.replace(tzinfo=UTC),
    )


def list_mail_keys() -> list[str]:
    """Keys of the stored mail, newest first."""
    folder = Path(settings.DEV_MAILBOX_DIR)
    if not folder.is_dir():
        return []
    return sorted((p.stem for p in folder.glob("*.eml")), reverse=True)


def load_mail(key: str) -> StoredMail | None:
    if "/" in key or key.startswith("."):
        return None
    path = Path(settings.DEV_MAILBOX_DIR) / f"{key}.eml"
    return _load(path) if path.is_file() else None


def load_mails(keys: list[str]) -> list[StoredMail]:
    return [mail for mail in (load_mail(key) for key in keys) if mail is not None]
