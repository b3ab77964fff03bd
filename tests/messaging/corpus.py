"""A corpus of hostile and odd inbound mails, written for these tests.

Each entry: (name, raw bytes builder, expected outcome). ``{to}`` is the seller's masked
address and ``{sender}`` the buyer's real one; outcomes are "stored", "automatic" (stored,
flagged, not relayed) or the HTTP status the relay refuses it with.
"""

CRLF = "\r\n"


def _mail(headers: str, body: str = "Hello", newline: str = CRLF) -> str:
    return newline.join(headers.strip().splitlines()) + newline + newline + body


CORPUS = [
    ("plain", _mail("From: {sender}\nTo: {to}\nSubject: Hello\nMessage-ID: <c1@x>"), "stored"),
    ("no content type", _mail("From: {sender}\nTo: {to}\nSubject: bare"), "stored"),
    ("lf only line endings", _mail("From: {sender}\nTo: {to}\nSubject: lf", newline="\n"), "stored"),
    ("cr only line endings", _mail("From: {sender}\nTo: {to}\nSubject: cr", newline="\r"), "stored"),
    (
        "encoded word subject",
        _mail("From: {sender}\nTo: {to}\nSubject: =?utf-8?b?UmV0b3VyIGTigJlhcnRpY2xl?="),
        "stored",
    ),
    (
        "latin-1 body",
        _mail(
            "From: {sender}\nTo: {to}\nSubject: latin\nContent-Type: text/plain; charset=iso-8859-1\nContent-Transfer-Encoding: 8bit",
            "caf\xe9",
        ),
        "stored",
    ),
    (
        "unknown charset",
        _mail(
            "From: {sender}\nTo: {to}\nSubject: charset\nContent-Type: text/plain; charset=x-no-such", "abc"
        ),
        "stored",
    ),
    ("8-bit header", _mail("From: {sender}\nTo: {to}\nSubject: Rückgabe ñ 返品"), "stored"),
    (
        "missing boundary",
        _mail(
            "From: {sender}\nTo: {to}\nSubject: mp\nMIME-Version: 1.0\nContent-Type: multipart/mixed",
            "--x\r\nContent-Type: text/plain\r\n\r\nhi\r\n--x--",
        ),
        "stored",
    ),
    (
        "unterminated multipart",
        _mail(
            "From: {sender}\nTo: {to}\nSubject: mp2\nMIME-Version: 1.0\nContent-Type: multipart/alternative; boundary=b1",
            "--b1\r\nContent-Type: text/plain\r\n\r\nstart",
        ),
        "stored",
    ),
    (
        "invalid base64",
        _mail(
            "From: {sender}\nTo: {to}\nSubject: b64\nContent-Type: text/plain\nContent-Transfer-Encoding: base64",
            "!!!not*base64$$$",
        ),
        "stored",
    ),
    (
        "html with script",
        _mail(
            "From: {sender}\nTo: {to}\nSubject: html\nContent-Type: text/html",
            "<p onclick=alert(1)>Hi<script>alert(1)</script><img src=x onerror=alert(2)><a href='javascript:alert(3)'>x</a></p>",
        ),
        "stored",
    ),
    ("nul bytes", _mail("From: {sender}\nTo: {to}\nSubject: nul", "a\x00b"), "stored"),
    ("huge header", _mail("From: {sender}\nTo: {to}\nSubject: " + "S" * 20000), "stored"),
    (
        "header injection in subject",
        _mail("From: {sender}\nTo: {to}\nSubject: hi =?utf-8?q?=0D=0ABcc:_victim@example.com?="),
        "stored",
    ),
    ("no from", _mail("To: {to}\nSubject: who"), 400),
    ("garbage from", _mail("From: not an address\nTo: {to}\nSubject: x"), 400),
    ("no headers at all", "just some text without headers", 400),
    ("empty", "", 400),
    ("stranger", _mail("From: stranger@elsewhere.example\nTo: {to}\nSubject: spam"), 403),
    ("unknown alias", _mail("From: {sender}\nTo: nobody@marketplace.uk.sellercentral.test\nSubject: x"), 404),
    ("outside relay domain", _mail("From: {sender}\nTo: someone@example.com\nSubject: x"), 404),
    (
        "auto-submitted",
        _mail("From: {sender}\nTo: {to}\nSubject: Away\nAuto-Submitted: auto-replied"),
        "automatic",
    ),
    ("x-autoreply", _mail("From: {sender}\nTo: {to}\nSubject: Away\nX-Autoreply: yes"), "automatic"),
    ("x-autorespond", _mail("From: {sender}\nTo: {to}\nSubject: Away\nX-Autorespond: yes"), "automatic"),
    (
        "x-auto-response-suppress",
        _mail("From: {sender}\nTo: {to}\nSubject: Away\nX-Auto-Response-Suppress: All"),
        "automatic",
    ),
    ("precedence bulk", _mail("From: {sender}\nTo: {to}\nSubject: News\nPrecedence: bulk"), "automatic"),
    ("precedence junk", _mail("From: {sender}\nTo: {to}\nSubject: News\nPrecedence: junk"), "automatic"),
    ("precedence list", _mail("From: {sender}\nTo: {to}\nSubject: News\nPrecedence: list"), "automatic"),
    (
        "automatic reply subject",
        _mail("From: {sender}\nTo: {to}\nSubject: Automatic reply: Enquiry"),
        "automatic",
    ),
    (
        "out of office subject",
        _mail("From: {sender}\nTo: {to}\nSubject: Out of Office until Monday"),
        "automatic",
    ),
    (
        "dsn bounce",
        _mail(
            "From: {sender}\nTo: {to}\nSubject: Undelivered\nMIME-Version: 1.0\nContent-Type: multipart/report; report-type=delivery-status; boundary=r",
            "--r\r\nContent-Type: text/plain\r\n\r\nfailed\r\n--r\r\nContent-Type: message/delivery-status\r\n\r\nStatus: 5.0.0\r\n--r--",
        ),
        "automatic",
    ),
    (
        "auto-submitted no is human",
        _mail("From: {sender}\nTo: {to}\nSubject: Human\nAuto-Submitted: no"),
        "stored",
    ),
    (
        "attachment",
        _mail(
            "From: {sender}\nTo: {to}\nSubject: photo\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=z",
            '--z\r\nContent-Type: text/plain\r\n\r\nsee photo\r\n--z\r\nContent-Type: image/png\r\nContent-Disposition: attachment; filename="../../etc/passwd.png"\r\nContent-Transfer-Encoding: base64\r\n\r\niVBORw0KGgo=\r\n--z--',
        ),
        "stored",
    ),
    (
        "deeply nested",
        _mail(
            "From: {sender}\nTo: {to}\nSubject: nest\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=a0",
            "".join(f"--a{i}\r\nContent-Type: multipart/mixed; boundary=a{i + 1}\r\n\r\n" for i in range(60))
            + "--a60\r\nContent-Type: text/plain\r\n\r\ndeep\r\n",
        ),
        "stored",
    ),
    (
        "real address in body",
        _mail("From: {sender}\nTo: {to}\nSubject: sig", "Write to me at {sender} or mailto:{sender_upper}"),
        "stored",
    ),
    (
        "thousand recipients",
        _mail(
            "From: {sender}\nTo: {to}, "
            + ", ".join(f"r{n}@elsewhere.example" for n in range(1000))
            + "\nSubject: many"
        ),
        "stored",
    ),
    (
        "header injection in name",
        _mail('From: "Eve\\r\\nBcc: victim@example.com" <{sender}>\nTo: {to}\nSubject: name'),
        "stored",
    ),
    (
        "crlf in encoded name",
        _mail("From: =?utf-8?q?Eve=0D=0ABcc=3A_x=40example.com?= <{sender}>\nTo: {to}\nSubject: enc name"),
        400,  # a CR/LF hidden in an encoded display name: refused as unreadable
    ),
    ("nul in header", _mail("From: {sender}\nTo: {to}\nSubject: a\x00b"), "stored"),
    (
        "very deeply nested",
        _mail(
            "From: {sender}\nTo: {to}\nSubject: deep\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=d0",
            "".join(f"--d{i}\r\nContent-Type: multipart/mixed; boundary=d{i + 1}\r\n\r\n" for i in range(300))
            + "--d300\r\nContent-Type: text/plain\r\n\r\nbottom\r\n",
        ),
        "stored",
    ),
    (
        "invalid base64 attachment",
        _mail(
            "From: {sender}\nTo: {to}\nSubject: badatt\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=q",
            "--q\r\nContent-Type: text/plain\r\n\r\nhi\r\n--q\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename=x.pdf\r\nContent-Transfer-Encoding: base64\r\n\r\n%%%not base64%%%\r\n--q--",
        ),
        "stored",
    ),
    (
        "broken quoted-printable",
        _mail(
            "From: {sender}\nTo: {to}\nSubject: qp\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: quoted-printable",
            "caf=C3=A9 =ZZ =\r\nend",
        ),
        "stored",
    ),
    (
        "utf-7 charset",
        _mail(
            "From: {sender}\nTo: {to}\nSubject: u7\nContent-Type: text/plain; charset=utf-7",
            "+ADw-script+AD4-alert(1)+ADw-/script+AD4-",
        ),
        "stored",
    ),
    (
        "attached message",
        _mail(
            "From: {sender}\nTo: {to}\nSubject: fwd\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=m",
            "--m\r\nContent-Type: text/plain\r\n\r\nsee below\r\n--m\r\nContent-Type: message/rfc822\r\n\r\nFrom: other@example.org\r\nSubject: inner\r\n\r\ninner body\r\n--m--",
        ),
        "stored",
    ),
    ("bidi override subject", _mail("From: {sender}\nTo: {to}\nSubject: invoice \u202egnp.exe"), "stored"),
    ("empty body", _mail("From: {sender}\nTo: {to}\nSubject: empty", ""), "stored"),
    (
        "html only with styles",
        _mail(
            "From: {sender}\nTo: {to}\nSubject: styled\nContent-Type: text/html",
            "<style>body{background:url(javascript:alert(1))}</style><p style='x:expression(alert(1))'>Hi</p><iframe src=//evil.example></iframe>",
        ),
        "stored",
    ),
    (
        "calendar part",
        _mail(
            "From: {sender}\nTo: {to}\nSubject: meet\nContent-Type: text/calendar",
            "BEGIN:VCALENDAR\r\nEND:VCALENDAR",
        ),
        "stored",
    ),
    ("long line body", _mail("From: {sender}\nTo: {to}\nSubject: long", "x" * 5000), "stored"),
    (
        "svg attachment",
        _mail(
            "From: {sender}\nTo: {to}\nSubject: svg\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=s",
            '--s\r\nContent-Type: text/plain\r\n\r\npic\r\n--s\r\nContent-Type: image/svg+xml\r\nContent-Disposition: attachment; filename="x.svg"\r\n\r\n<svg onload=alert(1)></svg>\r\n--s--',
        ),
        422,  # SVG is not a kind of file a message may carry (it can hold script)
    ),
    ("oversize", _mail("From: {sender}\nTo: {to}\nSubject: huge", "y" * (25 * 1024 * 1024 + 10)), 413),
    (
        "reply loop auto to auto",
        _mail(
            "From: {sender}\nTo: {to}\nSubject: Re: Automatic reply: Out of Office\nAuto-Submitted: auto-replied\nIn-Reply-To: <auto@x>"
        ),
        "automatic",
    ),
]
