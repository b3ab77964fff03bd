"""Attachments: only the kinds a message may carry, refused at every door with the reason; and
no real address inside them reaches the other party: masked as a body is, or withheld with a
note in the message (docs/messaging.md, Attachments)."""

import email
import email.policy
import io
import smtplib
import zipfile
import zlib
from email.message import EmailMessage

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from messaging import policy, services
from messaging.models import Attachment, Message
from tests import privacy

from ..api_errors import fields_in_error
from ..mailauth import genuine
from .conftest import BUYER_REAL, SELLER_REAL, plain_mail

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
VCARD = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Orders team\r\nEMAIL;TYPE=work:{address}\r\nEND:VCARD\r\n"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _docx(text_xml: str) -> bytes:
    """A Word document (Office Open XML: a zip archive), its text compressed inside."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        archive.writestr("word/document.xml", f"<w:document><w:body>{text_xml}</w:body></w:document>")
    return buffer.getvalue()


def _pdf(text: bytes) -> bytes:
    """A PDF whose page text is in a Flate-compressed stream, as PDF writers store it."""
    stream = zlib.compress(b"BT /F1 12 Tf 72 712 Td " + text + b" Tj ET")
    head = f"%PDF-1.4\n1 0 obj\n<< /Length {len(stream)} /Filter /FlateDecode >>\nstream\n".encode()
    return head + stream + b"\nendstream\nendobj\ntrailer\n<< >>\n%EOF\n"


def _png(text: bytes = b"") -> bytes:
    """A PNG's signature and, when given, a tEXt chunk of metadata (as cameras and editors write)."""
    signature = b"\x89PNG\r\n\x1a\n"
    if not text:
        return signature
    return signature + (len(text) + 7).to_bytes(4, "big") + b"tEXtAuthor\x00" + text + b"\0\0\0\0"


def _mail(sender: str, to: str, *files: tuple, body: str = "See attached.") -> EmailMessage:
    """A mail with ``files``: (content, content type, file name, charset or ""); a str content is
    written in the charset, an attached mail (message/rfc822) is given as an EmailMessage."""
    message = plain_mail(sender=sender, to=to, subject="Files", body=body)
    for content, content_type, filename, charset in files:
        if isinstance(content, EmailMessage):
            message.add_attachment(content, filename=filename)
            continue
        maintype, subtype = content_type.split("/")
        data = content.encode(charset or "utf-8") if isinstance(content, str) else content
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
        if charset:
            message.get_payload()[-1].set_param("charset", charset)
    return message


def _receive(message: EmailMessage) -> Message:
    raw = message.as_bytes()
    to = str(message["To"])
    [stored] = services.receive_inbound_email(raw=raw, verdict=genuine(raw), recipients=[to]).messages
    return stored


def _aliases(order):
    buyer = services.buyer_alias(customer=order.customer, seller=order.seller, marketplace=order.marketplace)
    return buyer, services.seller_alias(seller=order.seller, marketplace=order.marketplace)


def _files(message: Message) -> dict[str, bytes]:
    return {a.filename: a.file.read() for a in message.attachments.all()}


# --- The kinds a message may carry ---------------------------------------------------------------
@pytest.mark.parametrize(
    ("filename", "content_type", "allowed"),
    [
        ("photo.JPG", "image/jpeg", True),
        ("scan.png", "image/png", True),
        ("invoice.pdf", "application/pdf", True),
        ("notes.txt", "text/plain", True),
        ("card.vcf", "text/x-vcard", True),
        ("meeting.ics", "text/calendar", True),
        ("forwarded.eml", "message/rfc822", True),
        ("report.docx", DOCX, True),
        ("sheet.csv", "application/vnd.ms-excel", True),  # as Windows names a .csv file
        ("invoice.pdf", "text/html", False),  # its type and its name disagree
        ("invoice.pdf", "application/octet-stream", False),  # a type that says nothing
        ("setup.exe", "application/x-msdownload", False),
        ("logo.svg", "image/svg+xml", False),  # can carry script
        ("winmail.dat", "application/ms-tnef", False),
        ("archive.zip", "application/zip", False),
    ],
)
def test_the_kinds_a_message_may_carry_by_type_and_name(filename, content_type, allowed):
    refusal = policy.attachment_refusal(filename, content_type)
    assert (refusal is None) == allowed
    if not allowed:
        assert f'"{filename}" cannot be sent' in refusal and "Accepted: images" in refusal


# --- Over the real SMTP server -----------------------------------------------------------------
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_sellers_vcard_reaches_the_buyer_with_the_masked_address(order, smtp):
    buyer_alias, seller_alias = _aliases(order)
    card = VCARD.format(address=SELLER_REAL.upper())
    smtp.send_message(_mail(SELLER_REAL, buyer_alias.address, (card, "text/vcard", "orders.vcf", "")))
    [relayed] = mail.outbox
    [(filename, content, _)] = relayed.attachments
    content = content if isinstance(content, str) else content.decode()
    assert filename == "orders.vcf"
    assert f"EMAIL;TYPE=work:{seller_alias.address}" in content and "FN:Orders team" in content
    privacy.assert_no_real_address(relayed, [SELLER_REAL])
    stored = Message.objects.get(direction="sent")
    assert SELLER_REAL not in _files(stored)["orders.vcf"].decode().lower()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_file_of_a_kind_not_accepted_is_refused_at_data_with_the_reason(order, smtp):
    services.contact_seller(order=order, subject="enquiry", body="hello")
    mail.outbox.clear()
    _, seller_alias = _aliases(order)
    with pytest.raises(smtplib.SMTPDataError) as refused:
        smtp.send_message(
            _mail(
                BUYER_REAL, seller_alias.address, (b"MZ\x90\x00", "application/x-msdownload", "setup.exe", "")
            )
        )
    assert refused.value.smtp_code == 554
    reply = refused.value.smtp_error.decode()
    assert reply.startswith("5.6.1") and 'The attachment "setup.exe" cannot be sent' in reply
    assert Message.objects.filter(channel="email").count() == 0 and mail.outbox == []


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_word_file_showing_the_buyers_address_is_withheld_with_a_note(order, smtp):
    services.contact_seller(order=order, subject="enquiry", body="hello")
    mail.outbox.clear()
    _, seller_alias = _aliases(order)
    local, domain = BUYER_REAL.split("@")
    # Word splits text into runs: the address is in two of them, and compressed.
    document = _docx(f"<w:r><w:t>Write to {local}</w:t></w:r><w:r><w:t>@{domain}</w:t></w:r>")
    smtp.send_message(
        _mail(
            BUYER_REAL,
            seller_alias.address,
            (document, DOCX, "letter.docx", ""),
            (_png(), "image/png", "photo.png", ""),
            body="My letter and a photo.",
        )
    )
    stored = Message.objects.get(channel="email")
    assert list(_files(stored)) == ["photo.png"]  # the photo is kept, the letter withheld
    note = '[The attachment "letter.docx" was withheld: it shows an e-mail address that could not be masked.]'
    assert stored.body_text == f"My letter and a photo.\n\n{note}"
    [relayed] = mail.outbox
    assert [a[0] for a in relayed.attachments] == ["photo.png"]
    assert note in relayed.body
    privacy.assert_no_real_address(relayed, [BUYER_REAL])


# --- Masked or withheld, file by file ------------------------------------------------------------


@pytest.fixture
def from_buyer(order, on_commit):
    """Receive a buyer's mail with ``files`` (as ``_mail``); the stored message and its relay."""
    _, seller_alias = _aliases(order)

    def receive(*files, body="See attached."):
        mail.outbox.clear()
        stored = on_commit(_receive, _mail(BUYER_REAL, seller_alias.address, *files, body=body))
        [relayed] = mail.outbox
        privacy.assert_no_real_address(relayed, [BUYER_REAL])
        return stored, relayed

    return receive


def _withheld(message: Message, filename: str) -> bool:
    return f'[The attachment "{filename}" was withheld: ' in message.body_text


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "content_type", "filename", "charset", "kept"),
    [
        (f"Name,E-mail\nLuca,{BUYER_REAL}\n", "text/csv", "contacts.csv", "", "Name,E-mail\nLuca,"),
        (f"Contact: {BUYER_REAL} (café)", "text/plain", "utf16.txt", "utf-16", "(café)"),
        (f"Écrivez à {BUYER_REAL}", "text/plain", "latin.txt", "iso-8859-1", "Écrivez à"),
        (
            f'<a href="mailto:{BUYER_REAL.replace("@", "&#64;")}">me</a>',
            "text/html",
            "me.html",
            "",
            '<a href="mailto:',
        ),
        (
            "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nORGANIZER:mailto:"
            + BUYER_REAL[:12]
            + "\r\n "
            + BUYER_REAL[12:]
            + "\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
            "text/calendar",
            "meet.ics",
            "",
            "ORGANIZER:mailto:",
        ),  # a folded line splits the address
        (
            VCARD.format(address=BUYER_REAL.replace("@", "=40")).replace(
                "EMAIL;", "EMAIL;ENCODING=QUOTED-PRINTABLE;"
            ),
            "text/x-vcard",
            "qp.vcf",
            "",
            "FN:Orders team",
        ),  # vCard 2.1's quoted-printable
    ],
)
def test_text_files_are_masked_in_their_own_charset(
    from_buyer, order, content, content_type, filename, charset, kept
):
    buyer_alias, _ = _aliases(order)
    stored, relayed = from_buyer((content, content_type, filename, charset))
    text = _files(stored)[filename].decode(charset or "utf-8")
    assert buyer_alias.address in text and kept in text
    assert BUYER_REAL not in text.lower().replace("=40", "@").replace("&#64;", "@")
    assert [a[0] for a in relayed.attachments] == [filename]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "content_type", "filename", "charset", "why"),
    [
        (f"Write to {BUYER_REAL}".encode(), "text/plain", "odd.txt", "x-no-such-charset", "character set"),
        (
            f"<p>{BUYER_REAL.replace('@', '<b></b>@')}</p>",
            "text/html",
            "split.html",
            "",
            "could not be masked",
        ),
        (
            _pdf(b"(Write to " + BUYER_REAL.encode() + b")"),
            "application/pdf",
            "invoice.pdf",
            "",
            "could not be masked",
        ),
        (
            _pdf(b"[(Write to luca.de) -20 (pasqua@example.com)] TJ"),
            "application/pdf",
            "kerned.pdf",
            "",
            "could not",
        ),
        (_png(b"Luca " + BUYER_REAL.encode()), "image/png", "photo.png", "", "could not be masked"),
        (BUYER_REAL.encode("utf-16-le"), "application/msword", "old.doc", "", "could not be masked"),
        (
            b"PK\x03\x04 damaged",
            "application/vnd.oasis.opendocument.text",
            "broken.odt",
            "",
            "could not be read",
        ),
    ],
)
def test_files_that_cannot_be_masked_are_withheld_with_a_note(
    from_buyer, content, content_type, filename, charset, why
):
    stored, relayed = from_buyer((content, content_type, filename, charset))
    assert _withheld(stored, filename) and why in stored.body_text
    assert not stored.attachments.exists() and relayed.attachments == []
    assert f'The attachment "{filename}" was withheld' in relayed.body


@pytest.mark.django_db
def test_an_archive_that_unpacks_past_the_limit_is_withheld_not_unpacked(from_buyer):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:  # some 60 KB, 60 MB unpacked
        archive.writestr("word/document.xml", b"0" * (policy.ATTACHMENT_UNPACK_LIMIT + 1))
    stored, relayed = from_buyer((buffer.getvalue(), DOCX, "bomb.docx", ""))
    assert _withheld(stored, "bomb.docx") and "unpacks to more than can be checked" in stored.body_text
    assert relayed.attachments == []


@pytest.mark.django_db
def test_files_without_a_real_address_pass_unchanged(from_buyer):
    pdf, photo = _pdf(b"(Invoice 42: 6.49 GBP)"), _png(b"Camera 12")
    stored, relayed = from_buyer(
        (pdf, "application/pdf", "invoice.pdf", ""), (photo, "image/png", "photo.png", ""), body="Two files"
    )
    assert _files(stored) == {"invoice.pdf": pdf, "photo.png": photo}
    assert "withheld" not in stored.body_text
    assert [(a[0], a[1]) for a in relayed.attachments] == [("invoice.pdf", pdf), ("photo.png", photo)]


@pytest.mark.django_db
def test_an_attached_mail_is_masked_part_by_part(from_buyer, order):
    buyer_alias, _ = _aliases(order)
    inner = EmailMessage()
    inner["From"] = f"Luca <{BUYER_REAL}>"
    inner["To"] = "shop@elsewhere.example"
    inner["Subject"] = f"Question from {BUYER_REAL}"
    inner.set_content(f"Café? Answer to {BUYER_REAL}.", cte="base64")  # an address hidden by base64
    inner.add_attachment(VCARD.format(address=BUYER_REAL), subtype="vcard", filename="me.vcf")
    stored, relayed = from_buyer((inner, "message/rfc822", "question.eml", ""))
    masked = email.message_from_bytes(_files(stored)["question.eml"], policy=email.policy.default)
    assert str(masked["From"]) == f"Luca <{buyer_alias.address}>"
    assert str(masked["Subject"]) == f"Question from {buyer_alias.address}"
    assert masked.get_body(("plain",)).get_content().strip() == f"Café? Answer to {buyer_alias.address}."
    [card] = masked.iter_attachments()
    assert f"EMAIL;TYPE=work:{buyer_alias.address}" in card.get_content()
    assert str(masked["To"]) == "shop@elsewhere.example"  # not a party's: left alone
    assert [a[0] for a in relayed.attachments] == ["question.eml"]


@pytest.mark.django_db
def test_an_attached_mail_carrying_a_file_that_cannot_be_masked_is_withheld(from_buyer):
    local, domain = BUYER_REAL.split("@")
    inner = EmailMessage()
    inner["From"], inner["Subject"] = "someone@elsewhere.example", "letter"
    inner.set_content("See the letter.")
    maintype, subtype = DOCX.split("/")
    inner.add_attachment(
        _docx(f"<w:t>{local}</w:t><w:t>@{domain}</w:t>"),
        maintype=maintype,
        subtype=subtype,
        filename="letter.docx",
    )
    stored, relayed = from_buyer((inner, "message/rfc822", "fwd.eml", ""))
    assert _withheld(stored, "fwd.eml") and relayed.attachments == []


@pytest.mark.django_db
def test_a_real_address_in_a_file_name_is_masked(from_buyer, order):
    buyer_alias, _ = _aliases(order)
    stored, relayed = from_buyer(("hello", "text/plain", f"{BUYER_REAL}.txt", ""))
    [name] = _files(stored)
    assert name == f"{buyer_alias.address.replace('@', '_')}.txt"
    assert [a[0] for a in relayed.attachments] == [name]


@pytest.mark.django_db
def test_a_forwarded_mail_without_a_name_is_one_eml_file(order, on_commit):
    _, seller_alias = _aliases(order)
    message = plain_mail(sender=BUYER_REAL, to=seller_alias.address, body="Forwarding this.")
    inner = plain_mail(
        sender=BUYER_REAL, to="shop@elsewhere.example", subject="Old mail", body=f"Me: {BUYER_REAL}"
    )
    message.make_mixed()
    message.attach(_as_part(inner))
    stored = on_commit(_receive, message)
    [(name, content)] = _files(stored).items()
    assert name == "forwarded message.eml" and b"Old mail" in content and BUYER_REAL.encode() not in content


def _as_part(inner: EmailMessage) -> EmailMessage:
    part = EmailMessage()
    part.set_content(inner)  # message/rfc822, inline, no file name
    return part


# --- Through the pages and the API ---------------------------------------------------------------
@pytest.mark.django_db
def test_the_reply_box_takes_files_and_refuses_a_kind_not_accepted_as_a_form_error(order, on_commit):
    seller = Client()
    seller.force_login(order.seller.users.get())
    asked = services.contact_seller(order=order, subject="enquiry", body="Is it Class 10?")
    url = reverse("messaging:thread", args=[asked.thread_id])
    refused = seller.post(
        url,
        {"body": "Here", "attachments": [SimpleUploadedFile("run.exe", b"MZ", "application/x-msdownload")]},
    )
    assert refused.status_code == 400
    page = refused.content.decode()
    assert 'id="id_attachments_error"' in page and "The attachment &quot;run.exe&quot; cannot be sent" in page
    assert not Message.objects.filter(direction="sent").exists()
    mail.outbox.clear()
    card = SimpleUploadedFile("orders.vcf", VCARD.format(address=SELLER_REAL).encode(), "text/vcard")
    assert on_commit(seller.post, url, {"body": "Our card", "attachments": [card]}).status_code == 302
    [reply] = Message.objects.filter(direction="sent")
    assert asked.thread.seller_alias.address in _files(reply)["orders.vcf"].decode()
    [relayed] = mail.outbox
    privacy.assert_no_real_address(relayed, [SELLER_REAL])
    assert 'enctype="multipart/form-data"' in seller.get(url).content.decode()


@pytest.mark.django_db
def test_the_contact_form_masks_the_buyers_own_address_in_a_file(order, on_commit):
    buyer = Client()
    buyer.force_login(order.customer.user)
    url = reverse("messaging:contact_seller", args=[order.order_id])
    notes = SimpleUploadedFile("notes.txt", f"Reach me at {BUYER_REAL}".encode(), "text/plain")
    response = on_commit(
        buyer.post, url, {"subject": "enquiry", "body": "Details attached", "attachments": [notes]}
    )
    assert response.status_code == 302
    stored = Message.objects.get()
    assert _files(stored) == {"notes.txt": f"Reach me at {stored.thread.buyer_alias.address}".encode()}
    too_big = SimpleUploadedFile("big.pdf", b"%PDF" + b"0" * policy.MAX_ATTACHMENTS_BYTES, "application/pdf")
    refused = buyer.post(url, {"subject": "enquiry", "body": "Big", "attachments": [too_big]})
    assert refused.status_code == 400 and str(policy.ATTACHMENTS_TOO_BIG) in refused.content.decode()


@pytest.mark.django_db
def test_the_api_answers_400_naming_attachments_for_a_kind_not_accepted(order, on_commit):
    seller = APIClient()
    seller.force_authenticate(order.seller.users.get())
    asked = services.contact_seller(order=order, subject="enquiry", body="Is it Class 10?")
    url = f"/api/v1/seller/threads/{asked.thread_id}/reply/"
    script = SimpleUploadedFile("x.svg", b"<svg onload=alert(1)>", "image/svg+xml")
    refused = seller.post(url, {"body": "Logo", "attachments": [script]}, format="multipart")
    assert refused.status_code == 400
    assert fields_in_error(refused) == {"attachments"} and "x.svg" in refused.json()["attachments"][0]
    assert not Message.objects.filter(direction="sent").exists()
    invoice = SimpleUploadedFile("invoice.pdf", _pdf(b"(Invoice 42)"), "application/pdf")
    sent = on_commit(seller.post, url, {"body": "Invoice", "attachments": [invoice]}, format="multipart")
    assert sent.status_code == 201
    assert [
        a["filename"] for a in Message.objects.get(pk=sent.json()["id"]).attachments.values("filename")
    ] == ["invoice.pdf"]
    buyer = APIClient()
    buyer.force_authenticate(order.customer.user)
    contact = f"/api/v1/buyer/orders/{order.order_id}/messages/"
    exe = SimpleUploadedFile("a.exe", b"MZ", "application/x-msdownload")
    answer = buyer.post(
        contact, {"subject": "enquiry", "body": "x", "attachments": [exe]}, format="multipart"
    )
    assert answer.status_code == 400 and fields_in_error(answer) == {"attachments"}


@pytest.mark.django_db
def test_the_webhook_refuses_a_kind_not_accepted_with_422(order, settings):
    from ..mailauth import stamped

    settings.INBOUND_EMAIL_SECRET = "dev-inbound-secret"
    services.contact_seller(order=order, subject="enquiry", body="hello")
    _, seller_alias = _aliases(order)
    raw = _mail(
        BUYER_REAL, seller_alias.address, (b"MZ", "application/x-msdownload", "setup.exe", "")
    ).as_bytes()
    response = Client().post(
        "/api/v1/inbound-email/",
        stamped(raw),
        content_type="message/rfc822",
        HTTP_X_INBOUND_SECRET="dev-inbound-secret",
    )
    assert response.status_code == 422 and "setup.exe" in response.json()["detail"]
    assert Attachment.objects.count() == 0


# --- The privacy scan reads attachments too -------------------------------------------------------
@pytest.mark.parametrize(
    "content",
    [
        _docx(f"<w:t>{BUYER_REAL[:5]}</w:t><w:t>{BUYER_REAL[5:]}</w:t>"),
        _pdf(b"(" + BUYER_REAL.encode() + b")"),
        f"Luca {BUYER_REAL}".encode("utf-16"),
    ],
    ids=["docx", "pdf", "utf-16"],
)
def test_the_privacy_scan_finds_an_address_packed_inside_an_attachment(content):
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = "a@relay.example", "b@example.org", "file"
    message.set_content("see file")
    message.add_attachment(content, maintype="application", subtype="octet-stream", filename="f.bin")
    assert privacy.leaks_in_bytes(message.as_bytes(), [BUYER_REAL])


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "content_type", "filename", "smtp_reply"),
    [
        (b"MZ\x90\x00", "application/x-msdownload", "setup.exe", "554 5.6.1 "),
        (b"%PDF" + b"0" * policy.MAX_ATTACHMENTS_BYTES, "application/pdf", "big.pdf", "552 5.3.4 "),
    ],
)
def test_the_pages_and_the_relay_refuse_the_same_files_in_the_same_words(
    order, content, content_type, filename, smtp_reply
):
    # Given one file, sent from the contact form and by e-mail to the seller's masked address
    upload = SimpleUploadedFile(filename, content, content_type)
    with pytest.raises(ValidationError) as on_the_page:
        services.contact_seller(order=order, subject="enquiry", body="See attached", attachments=[upload])
    _, seller_alias = _aliases(order)
    raw = _mail(BUYER_REAL, seller_alias.address, (content, content_type, filename, "")).as_bytes()
    with pytest.raises(services.InboundRefused) as by_mail:
        services.receive_inbound_email(raw=raw, verdict=genuine(raw), recipients=[seller_alias.address])
    # Then both doors give the one reason (policy.files_refusal), the relay with its SMTP code
    [reason] = on_the_page.value.message_dict["attachments"]
    assert by_mail.value.reason == reason
    assert by_mail.value.smtp_reply == smtp_reply + reason
    assert not Message.objects.exists()
