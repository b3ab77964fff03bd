"""The outbound mail backend: Django's SMTP backend, DKIM-signing every mail it sends."""

from __future__ import annotations

import smtplib

from django.conf import settings
from django.core.mail.backends.smtp import EmailBackend
from django.core.mail.message import sanitize_address

from . import dkim


class DKIMSigningSMTPBackend(EmailBackend):
    """``EMAIL_BACKEND = "messaging.mailer.DKIMSigningSMTPBackend"``.

    The signature covers the exact bytes handed to the server. The envelope sender is the
    message's ``from_email``, which may differ from its ``From:`` header (set in
    ``headers``): the signing domain follows ``From:``, the bounces follow the envelope.
    """

    def _send(self, email_message):
        if not email_message.recipients():
            return False
        encoding = email_message.encoding or settings.DEFAULT_CHARSET
        from_email = sanitize_address(email_message.from_email, encoding)
        recipients = [sanitize_address(address, encoding) for address in email_message.recipients()]
        message = email_message.message().as_bytes(linesep="\r\n")
        signed = dkim.sign(message, domain=dkim.signing_domain(message))
        try:
            self.connection.sendmail(from_email, recipients, signed)
        except smtplib.SMTPException:
            if not self.fail_silently:
                raise
            return False
        return True
