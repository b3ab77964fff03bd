"""Masking real addresses: whole addresses only, however they are written; the names files
are stored under; the files a mail carries, in its order."""

import email.policy
from email.message import EmailMessage

import pytest

from messaging import mime
from messaging.masking import masked_html as _masked_html

REAL = {"bob.smith@example.com": "tok@marketplace.uk.sellercentral.test"}


def test_only_whole_addresses_are_replaced():
    text = "Write to bob.smith@example.com, not xbob.smith@example.com.au or bob.smith@example.community"
    assert mime.replace_addresses(text, REAL) == (
        "Write to tok@marketplace.uk.sellercentral.test, not xbob.smith@example.com.au or bob.smith@example.community"
    )


def test_encoded_forms_are_replaced():
    for written in ["bob.smith&#64;example.com", "bob.smith&#x40example.com", "BOB.SMITH%40EXAMPLE.COM"]:
        assert (
            mime.replace_addresses(f"mail {written} now", REAL)
            == "mail tok@marketplace.uk.sellercentral.test now"
        )


def test_html_that_still_shows_an_address_is_dropped_for_text():
    for html in [
        "<p>bob.smith@<span>example.com</span></p>",
        '<a href="mailto:bob%2Esmith%40example.com">me</a>',
    ]:
        assert _masked_html(html, REAL) == ""
    assert _masked_html("<p>Hello <b>there</b></p>", REAL) == "<p>Hello <b>there</b></p>"


# --- File names (safe_filename) ----------------------------------------------------------------
@pytest.mark.parametrize(
    ("sent", "stored"),
    [
        ("../../etc/passwd", "passwd"),  # no path, whichever separator
        ("C:\\Users\\luca\\invoice.pdf", "invoice.pdf"),
        ("a\x00b\r\nc\x7f.txt", "a_b_c_.txt"),  # control characters
        ("invoice\u202efdp.exe", "invoice_fdp.exe"),  # a direction override cannot hide the kind
        ('quote"s <and> tags.txt', "quote_s _and_ tags.txt"),
        (".htaccess", "htaccess"),  # no hidden file
        ("..", "attachment"),
        (" . ", "attachment"),
        ("", "attachment"),
        ("report. ", "report"),  # no trailing dot or space
        ("Cafe\u0301 menu.pdf", "Café menu.pdf"),  # macOS's decomposed é, composed
        ("Überweisung März.pdf", "Überweisung März.pdf"),  # letters of any language stay
    ],
)
def test_a_file_name_keeps_no_path_control_character_or_leading_dot(sent, stored):
    assert mime.safe_filename(sent) == stored


def test_a_long_file_name_is_cut_before_its_extension_in_characters_and_bytes():
    long = mime.safe_filename("x" * 300 + ".pdf")
    assert len(long) == mime.MAX_FILENAME_CHARS and long.endswith("x.pdf")
    # Three bytes a character: the bytes limit comes first, and no character is cut in half.
    chinese = mime.safe_filename("发票" * 100 + ".pdf")
    assert chinese.endswith("票.pdf") or chinese.endswith("发.pdf")
    assert len(chinese.encode()) <= mime.MAX_FILENAME_BYTES
    assert len(mime.safe_filename("a" * 150 + ".notanextension1")) == mime.MAX_FILENAME_CHARS
    # Cut where a space was: still no trailing space before the extension.
    assert mime.safe_filename("a" * 115 + " " * 10 + ".pdf") == "a" * 115 + ".pdf"


def _mail_with_parts() -> bytes:
    forwarded = EmailMessage()
    forwarded["From"], forwarded["Subject"] = "jan@example.org", "the original"
    forwarded.set_content("Forwarded text")
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = "luca@example.com", "s@x.test", "files"
    message.set_content("See the files")
    message.add_attachment(b"one", maintype="text", subtype="plain", filename="1.txt")
    message.add_attachment(forwarded, filename="../fwd")
    message.add_attachment(b"three", maintype="text", subtype="plain", filename="3.txt")
    return message.as_bytes(policy=email.policy.default)


def test_attachments_and_forwarded_mails_come_in_the_mails_order():
    parsed = mime.parse(_mail_with_parts())
    assert [(a.filename, a.content_type) for a in parsed.attachments] == [
        ("1.txt", "text/plain"),
        ("fwd.eml", "message/rfc822"),
        ("3.txt", "text/plain"),
    ]
    assert b"Forwarded text" in parsed.attachments[1].content
