"""Stored and reflected XSS: every value a buyer or a seller can write, on every page showing it.

How it works
------------
* 44 payloads (``PAYLOADS``: script/img/svg/math/iframe/object/embed/base/meta-refresh/form/
  details/style/link tags, attribute break-outs, ``</textarea>``/``</title>`` break-outs, link
  targets ``javascript:`` in every disguise, ``vbscript:``, ``data:text/html``, percent-, JSON-,
  UTF-7- and full-width-encoded script, template expressions ``{{ 7*7 }}``, ``{% debug %}`` …)
  are packed into 6 probes, one per link-target payload, which comes first in its probe.
* One world per probe is built through the product's own doors: form POSTs with the test
  client, the inbound-mail webhook, the staff's admin form. Each field gets the whole probe (the
  payloads joined by spaces); a group of fields too short for it (the names, address lines, the
  three return comments, the reasons of two partial refunds, two alternate addresses) gets the
  payloads dealt over its fields. Refused input (invalid choices, an invalid address) is posted
  as well: the error page shows it back. Template expressions are sent between sentinels,
  ``ssti[{{ 7*7 }}]ssti``, so an evaluation would show as ``ssti[49]ssti``.
* Every page of the list below (128 per world) is read and compared with the same page of a
  baseline world holding a harmless marker ``xss<field>mk`` in each field. ``injections`` (on
  ``html.parser``) fails on anything extra: a dangerous element (script, iframe, object, embed,
  base, meta, svg, math, style, link, …), an ``on*`` attribute, a link target (href, src,
  action, formaction, data, …) that runs script once entities are decoded, spaces and control
  characters dropped and letters lowered (``javascript:``, ``vbscript:``, ``data:text/html`` …),
  script in a style, an evaluated template; iframe ``srcdoc`` documents are read the same way.
  Each HTML response must declare ``charset=utf-8`` and ``nosniff`` (no UTF-7 sniffing). The
  detector's own tests show it catches each payload rendered unescaped.
* The baseline proves the coverage: every marker is taken (no fallback to safe values) and
  shows on the pages below (``test_every_field_is_taken_and_shown_on_checked_pages``).

The doors (every forms.Form, serializer and write path)
------------------------------------------------------
messaging.forms: ContactSellerForm (subject, body), ReplyForm (body), InboxFilterForm (q, since,
until, direction, awaiting; the inbox's before/after cursors), AlternateAddressForm (email).
returns.forms: ReturnItemsForm (reason, quantity, comment), ReturnAddressForm (account info, the
fr exception, and "enter a new address" when authorising), DenyForm (reason, message; also the
e-mail "Close" link), RefundForm (reason), ClaimForm (reason, body), ClaimResponseForm
(response), ReturnSettingsForm (marketplaces, rule, return_window_days), GiftOrderForm
(order_id), ExceptionMarketplaceForm (a marketplace choice by GET: unknown is a 404); the
rating form of a closed return (rating, comment). metrics.views.FeedbackForm (rating, comment).
commerce: the manage-orders search, DateRangeForm, the sign-in forms (username, next). Admin:
ClaimAdmin.decision_note (staff). Inbound e-mail (webhook; the SMTP relay calls the same
``receive_inbound_email``): subject, From display name (never stored), text, HTML (sanitised),
attachment filename; from the buyer and from the seller. The REST serializers (ContactSeller,
Reply, ReturnRequestInput, ClaimInput, DenyInput, RefundInput, ReturnAddresses, ReturnSettings)
call the same services with the same fields, so they store nothing the forms do not; API
output is JSON (checked) and the browsable API's HTML pages are read. Imported data (seed and
order feed; no page edits it): seller name, buyer name, product title and brand, recipient
name, tracking number.

Field -> pages (as the baseline shows them; "refused" = the form's error page)
------------------------------------------------------------------------------
seller/buyer name, product title  nearly every seller/buyer page (84-88 pages), e-mails, admin
recipient name, tracking number    seller and buyer order details, your orders, API, admin order
product brand                      your orders, order details (buyer), admin product
contact body                       thread, your e-mails with the seller, API, admin message and
                                   outbound e-mail, e-mail HTML, dev mailbox; refused page
contact subject (choice)           contact seller (refused)
reply body                         thread, your e-mails, API thread, admin, e-mail, dev mailbox
inbound subject / text / filename  inbox, thread, your e-mails, API, admin thread/message/
                                   outbound e-mail lists and pages, e-mail HTML, dev mailbox
inbound HTML (sanitised)           thread, your e-mails, API, admin, e-mail HTML, dev mailbox
seller e-mail subject / HTML/text  inbox (sent), thread, your e-mails, API, admin, e-mails
alternate address                  alternate addresses, admin list and page; refused page
return address (default, fr)       account info (+ fr), authorise, e-mail quick link authorise,
                                   API return addresses, admin return address; refused pages
address given when authorising     manage returns, authorised, issue refund, return label,
                                   API returns, admin return request; refused page
return comment (x3)                manage returns, authorise/deny/quick-link pages, authorised,
                                   denied, issue refund, pending pages, label, API, admin
return reason (choice)             return items (refused)
deny message / reason (choice)     manage returns, denied, thread (system message), your
                                   returns, your e-mails, API, admin, e-mail; deny (refused)
refund reason (x2)                 manage returns, authorised, issue refund, API, admin return
                                   request/event/refund, e-mail HTML, dev mailbox
return rating comment              admin return request (no other page shows it)
claim body / response / decision   A-to-z claims (seller), A-to-z claim (buyer), thread (system
  note (staff)                     messages), your e-mails, API claims, admin, e-mails; refused
feedback comment / rating          feedback manager, leave feedback, admin; refused page
returns settings (choices, window) returns settings (refused); the rule's error is not shown
search boxes and links (q, since,  inbox, manage returns, manage orders, gift return, feedback
  until, page, before, after,      manager and your returns pages, sign-in pages, browsable API
  status, next, username)          searches, admin searches (messages, returns, customers)

Found while writing these tests: the alternate-address form accepted a (valid) address longer
than its 254-character column, a DataError and a 500 on PostgreSQL (fixed in the form); a
sign-in username over 255 characters is a 500 in django-axes (last test, expected to fail).
"""

from __future__ import annotations

import email.policy
import itertools
import re
import unicodedata
import urllib.parse
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from email.headerregistry import Address
from email.message import EmailMessage
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib import admin
from django.core import mail
from django.db import connection, transaction
from django.db.models import Q
from django.template import Context, Template
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from commerce import services as commerce
from commerce.models import Marketplace
from messaging import services as messaging
from messaging.models import AlternateAddress, Thread
from returns import tokens
from returns.models import Claim, ReturnItem, ReturnRequest
from sellercentral.mailbox import MailboxBackend, list_mail_keys

from .. import factories
from ..mailauth import stamped

pytestmark = pytest.mark.django_db

# --- Payloads ----------------------------------------------------------------------------
# A value that only runs as a link target: each one starts a probe value of its own.
URL_PAYLOADS = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "&#106;avascript:alert(1)",
    " \tjava\tscript:alert(1)",
    "vbscript:msgbox(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
]
MARKUP_PAYLOADS = [
    "&#x6A;avascript&#x3A;alert(1)",
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '"><script>alert(1)</script>',
    "'><img src=x onerror=alert(1)>",
    '" autofocus onfocus="alert(1)',
    "' autofocus onfocus='alert(1)",
    "</textarea><script>alert(1)</script>",
    "</title><script>alert(1)</script>",
    "<iframe src=javascript:alert(1)>",
    '<a href="javascript:alert(1)">x</a>',
    '<a href="&#x6A;avascript&#58;alert(1)">x</a>',
    "<body onload=alert(1)>",
    "<math><mtext></mtext><mglyph><svg><mtext><style><img src=x onerror=alert(1)></style></mtext></svg></mglyph></math>",
    '<!--<img src="--><img src=x onerror=alert(1)//">',
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    "<object data=javascript:alert(1)>",
    "<embed src=javascript:alert(1)>",
    "<details open ontoggle=alert(1)>",
    "<input autofocus onfocus=alert(1)>",
    "<xss id=x tabindex=1 onfocus=alert(1)></xss>",
    "<base href=//evil.example/>",
    "<form action=javascript:alert(1)><button>x</button></form>",
    "<button formaction=javascript:alert(1)>x</button>",
    "<style>@import'//evil.example/x.css';</style>",
    "<link rel=stylesheet href=//evil.example/x.css>",
    '<div style="background:url(javascript:alert(1))">x</div>',
]
# Encodings that are text in a UTF-8 page; they only run if the product decoded them.
ENCODED_PAYLOADS = {
    "%3Cscript%3Ealert(1)%3C/script%3E": urllib.parse.unquote,
    "\\u003cscript\\u003ealert(1)\\u003c/script\\u003e": lambda p: p.encode().decode("unicode_escape"),
    "+ADw-script+AD4-alert(1)+ADw-/script+AD4-": lambda p: p.encode().decode("utf-7"),
    "\uff1cscript\uff1ealert(1)\uff1c/script\uff1e": lambda p: unicodedata.normalize("NFKC", p),
}
# Harmless as written; they run once a naive filter takes "<script>" out (which nothing here does).
FILTER_EVASIONS = {
    "<scr<script>ipt>alert(1)</scr</script>ipt>": lambda p: p.replace("<script>", "").replace("</script>", "")
}
# Template injection: each expression between sentinels, so that its result is recognisable.
TEMPLATE_EXPRESSIONS = {
    "{{ 7*7 }}": ["49"],
    "{{7*'7'}}": ["7777777", "49"],
    "${7*7}": ["49"],
    "{% debug %}": [],
}
TEMPLATE_PAYLOADS = [f"ssti[{expression}]ssti" for expression in TEMPLATE_EXPRESSIONS]
PAYLOADS = [*URL_PAYLOADS, *MARKUP_PAYLOADS, *ENCODED_PAYLOADS, *TEMPLATE_PAYLOADS]
DEBUG_TAG_OUTPUT = ("<module '", "sql_queries", "DEFAULT_MESSAGE_LEVELS")


def _probes() -> list[list[str]]:
    """The payloads packed into one probe per URL payload (which comes first, where a link
    target starts). A field takes the whole probe (its payloads joined by spaces); a group of
    fields too short for it (names, address lines, the return comments …) has them dealt out."""
    rest = [*MARKUP_PAYLOADS, *ENCODED_PAYLOADS, *TEMPLATE_PAYLOADS]
    probes = [[url] for url in URL_PAYLOADS]
    for payload in sorted(rest, key=len, reverse=True):
        min(probes, key=lambda probe: len(" ".join(probe))).append(payload)
    return probes


PROBES = _probes()


# --- The detector ------------------------------------------------------------------------
# Elements no value may ever add to a page. (An injected <img>, <input>, <form> … is caught by
# its event handler or script URL; alone it is HTML, not script, and a list page legitimately
# shows more or fewer of them when a search matches more or fewer rows.)
DANGEROUS_TAGS = {
    "script", "iframe", "frame", "frameset", "object", "embed", "applet", "base", "svg", "math",
    "style", "link", "meta", "portal", "template", "noscript", "xmp", "plaintext", "title", "body",
    "html", "head", "marquee", "foreignobject", "use", "animate", "set", "image", "video", "audio",
    "source", "isindex", "param",
}  # fmt: skip
URL_ATTRIBUTES = {
    "href", "src", "action", "formaction", "data", "xlink:href", "poster", "background", "lowsrc",
    "dynsrc", "codebase", "cite", "longdesc", "ping", "manifest", "icon", "profile", "usemap",
    "archive", "classid", "srcset", "content", "to", "from", "values", "by",
}  # fmt: skip
SCRIPT_SCHEMES = (
    "javascript:", "vbscript:", "livescript:", "mocha:", "data:text/html", "data:application/xhtml",
    "data:image/svg", "data:text/xml", "data:application/xml",
)  # fmt: skip
CONTROL_AND_SPACE = re.compile(r"[\x00-\x20\x7f-\x9f]+")
SCRIPT_IN_STYLE = re.compile(r"expression\s*\(|javascript:|vbscript:|behaviou?r\s*:|-moz-binding", re.I)


def runs_script(url: str) -> bool:
    """Whether a browser would run ``url`` (entity-decoded already, as the parser gives it):
    spaces and control characters anywhere are ignored, the scheme in any letter case."""
    cleaned = CONTROL_AND_SPACE.sub("", url).lower()
    if cleaned.startswith(SCRIPT_SCHEMES):
        return True
    # "0;url=javascript:…" (meta refresh) and "x.png 1x,javascript:…" (srcset) hide a URL inside.
    return any(hidden in cleaned for hidden in ("url=javascript:", "url=vbscript:", ",javascript:"))


class _Scan(HTMLParser):
    """Every element, event handler, script URL and script in a style, as countable features."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.features: Counter = Counter()

    def handle_starttag(self, tag, attrs):
        self.features[("element", tag)] += 1
        for name, value in attrs:
            value = value or ""
            if name.startswith("on"):
                self.features[("event handler", tag, name)] += 1
            if name in URL_ATTRIBUTES and runs_script(value):
                self.features[("script URL", tag, name, CONTROL_AND_SPACE.sub("", value)[:40])] += 1
            if name == "style" and SCRIPT_IN_STYLE.search(value):
                self.features[("script in style", tag)] += 1
            if tag == "meta" and name == "http-equiv":
                self.features[("meta http-equiv", value.lower())] += 1
            if name == "srcdoc":  # a document of its own (the dev mailbox's sandboxed frame)
                for key, count in features(value).items():
                    self.features[("inside srcdoc", *key)] += count

    handle_startendtag = handle_starttag


def features(html: str) -> Counter:
    scanner = _Scan()
    scanner.feed(html)
    scanner.close()
    return scanner.features


def injections(
    page: str, baseline: str, payloads: list[str], baseline_features: Counter | None = None
) -> list[str]:
    """What ``page`` (rendered with ``payloads`` in its fields) runs or adds that ``baseline``
    (the same page rendered with harmless markers) does not.

    Counted: dangerous elements, event-handler attributes, link targets that run script, script
    in a style, meta http-equiv (refresh), the same inside an iframe's srcdoc; and template
    expressions among ``payloads`` that were evaluated (their result between the sentinels).
    """
    reference = features(baseline) if baseline_features is None else baseline_features
    problems = []
    for key, count in (features(page) - reference).items():
        kind = key[1:] if key[0] == "inside srcdoc" else key
        if kind[0] == "element" and kind[1] not in DANGEROUS_TAGS:
            continue
        problems.append(f"{count} extra {' / '.join(map(str, key))}")
    text, baseline_text = unescape(page), unescape(baseline)
    for expression, results in TEMPLATE_EXPRESSIONS.items():
        if f"ssti[{expression}]ssti" not in payloads:
            continue
        problems += [
            f"template expression {expression} evaluated to {result}"
            for result in results
            if f"ssti[{result}]ssti" in text and f"ssti[{result}]ssti" not in baseline_text
        ]
        if expression.startswith("{%"):
            problems += [
                f"template tag {expression} ran ({sign!r} on the page)"
                for sign in DEBUG_TAG_OUTPUT
                if sign in text and sign not in baseline_text
            ]
    return problems


# --- Fitting a value into a field ---------------------------------------------------------
SAFE_ADDRESS = {
    "name": "Returns desk", "line1": "1 High Street", "line2": "", "city": "London", "region": "",
    "postcode": "WC2A 2HD", "country": "United Kingdom", "phone": "020 1234 5678", "phone_extension": "",
}  # fmt: skip
NAME_LIMITS = {
    "sellername": 200,
    "buyername": 200,
    "recipientname": 200,
    "productbrand": 100,
    "trackingnumber": 50,
}
ADDRESS_LIMITS = {
    "name": 100,
    "line1": 100,
    "line2": 100,
    "city": 100,
    "region": 100,
    "country": 60,
    "postcode": 20,
}


def spread(parts: list[str], limits: dict[str, int]) -> dict[str, str]:
    """Payloads dealt over short fields (each within its limit), so each lands in one of them;
    the first (the probe's link-target payload) starts the first field."""
    names, dealt = list(limits), {name: [] for name in limits}
    for n, part in enumerate(parts):
        for name in names[n % len(names) :] + names[: n % len(names)]:
            if len(" ".join([*dealt[name], part])) <= limits[name]:
                dealt[name].append(part)
                break
        else:  # longer than any of the fields: its start goes where there is room
            roomiest = max(names, key=lambda name: limits[name] - len(" ".join(dealt[name])))
            dealt[roomiest].append(part[: limits[roomiest] - len(" ".join(dealt[roomiest])) - 1])
    return {name: " ".join(values).strip() or parts[0][: limits[name]] for name, values in dealt.items()}


def quoted_email(value: str) -> str:
    """An address Django's EmailField takes, whose quoted local part carries ``value`` (printable
    ASCII but quote and backslash; a space becomes "/", which HTML also reads as a separator)."""
    local = "".join("/" if c == " " else c for c in value if c == " " or ("!" <= c <= "~" and c not in '"\\'))
    return f'"{local or "x"}"@evil.example'


# Lines up to RFC 5322's limit: folded, a long quoted display name does not survive the standard
# library's own round trip (the relay then refuses the mail as unreadable, as it should).
MAIL_POLICY = email.policy.SMTP.clone(max_line_length=998)


# --- One world: every door written with a value, every page read ----------------------------
@dataclass
class Page:
    html: str
    compare_with: str  # the name of the baseline's page to compare with


@dataclass
class World:
    """Objects made through the product's own doors, and the HTML pages that show them.

    ``value_of(code)`` is what is typed into the field ``code``; ``parts`` (a probe's
    payloads) are dealt over groups of short fields, which cannot hold a whole probe.
    """

    value_of: Callable[[str], str]
    parts: list[str] | None
    capture: Callable
    mailbox_dir: Path
    settings: object
    pages: dict[str, Page] = field(default_factory=dict)
    fallbacks: list[str] = field(default_factory=list)

    def dealt(self, limits: dict[str, int]) -> dict[str, str]:
        """Values for a group of short fields: each its marker, or the probe's payloads dealt out."""
        if self.parts is None:
            return {code: self.value_of(code) for code in limits}
        return spread(self.parts, limits)

    def address(self, prefix: str, *, valid: bool) -> dict:
        """The return-address form: every text field carries a value; an invalid phone makes
        the form refuse it, so the page shows every value back in the form."""
        dealt = self.dealt({f"{prefix}{name}": limit for name, limit in ADDRESS_LIMITS.items()})
        values = {name: dealt[f"{prefix}{name}"] for name in ADDRESS_LIMITS}
        values["postcode"] = values["postcode"].upper()  # the form wants capitals
        return {**SAFE_ADDRESS, **values, "phone": SAFE_ADDRESS["phone"] if valid else "not a phone"}

    def keep(self, name: str, response, compare_with: str | None = None) -> None:
        content_type = response.get("Content-Type", "")
        assert "charset=utf-8" in content_type.lower(), (name, content_type)  # never sniffed as UTF-7
        assert response.get("X-Content-Type-Options") == "nosniff", name
        if "html" in content_type:
            self.pages[name] = Page(response.content.decode(), compare_with or name)

    def get(self, name: str, client: Client, url: str, data=None, expect=(200,), **headers):
        response = client.get(url, data or {}, headers=headers or None)
        assert response.status_code in expect, f"{name}: GET {url} answered {response.status_code}"
        self.keep(name, response)
        return response

    def post(self, name: str | None, client: Client, url: str, data: dict, expect=(302,)):
        with self.capture(execute=True):  # as a real request commits: its e-mails go out
            response = client.post(url, data)
        assert response.status_code in expect, f"{name or url}: POST answered {response.status_code}"
        if name:
            self.keep(name, response)
        return response

    def attempt(
        self, name: str, client: Client, url: str, tries: list[dict], refused: str, like: str = ""
    ) -> bool:
        """POST each form in turn until one is taken; each refusal's page (the values shown back
        with the errors) is kept. False, noted in ``fallbacks``, when every one was refused."""
        for n, data in enumerate(tries, start=1):
            response = self.post(None, client, url, data, expect=(302, 400))
            if response.status_code == 302:
                return True
            self.keep(refused if n == 1 else f"{refused} (try {n})", response, compare_with=like or refused)
        self.fallbacks.append(name)
        return False

    def inbound(self, message: EmailMessage) -> None:
        """A mail through the relay's webhook, as the mail gateway posts it."""
        with self.capture(execute=True):
            response = Client().post(
                "/api/v1/inbound-email/",
                data=stamped(message.as_bytes()),
                content_type="message/rfc822",
                headers={"X-Inbound-Secret": django_settings.INBOUND_EMAIL_SECRET},
            )
        assert response.status_code == 202, response.content

    def build(self) -> World:
        v, now, n = self.value_of, timezone.now(), next(_SEQUENCE)
        uk, fr = Marketplace.objects.get(code="uk"), Marketplace.objects.get(code="fr")
        owner = factories.UserFactory(email=f"owner{n}@shop.example")
        # Imported data (seed, order feed): names and catalogue. No page of the product edits them.
        names = self.dealt(NAME_LIMITS)
        seller = commerce.create_seller_account(
            name=names["sellername"], marketplaces=[uk, fr], users=[owner]
        )
        buyer = commerce.register_customer(
            username=f"buyer{n}", password=None, name=names["buyername"], email=f"buyer{n}@buyers.example"
        )
        product = factories.ProductFactory(
            seller=seller, title=v("producttitle"), brand=names["productbrand"]
        )
        order = commerce.place_order(
            seller=seller,
            customer=buyer,
            marketplace=uk,
            lines=[commerce.OrderLine(product=product, quantity=3, unit_price=Decimal("6.49"))],
            placed_at=now - timedelta(days=5),
            recipient_name=names["recipientname"],
            dispatched_at=now - timedelta(days=4),
            delivered_at=now - timedelta(days=2),
            tracking_number=names["trackingnumber"],
            delivery_estimate=((now - timedelta(days=3)).date(), (now - timedelta(days=1)).date()),
        )
        oid, line = order.order_id, order.items.get()
        seller_client, buyer_client, staff, anonymous = Client(), Client(), Client(), Client()
        seller_client.force_login(owner)
        buyer_client.force_login(buyer.user)
        staff.force_login(factories.UserFactory(is_staff=True, is_superuser=True))

        # --- Buyer-Seller Messaging: contact form, reply box, e-mail both ways --------------
        contact = f"/orders/{oid}/contact/"
        self.post(
            "contact seller (subject refused)",
            buyer_client,
            contact,
            {"subject": v("contactsubject"), "body": v("contactbody")},
            expect=(400,),
        )
        self.post(None, buyer_client, contact, {"subject": "enquiry", "body": v("contactbody")})
        thread = Thread.objects.get(order=order)
        self.post(None, seller_client, f"/seller/messages/threads/{thread.pk}/", {"body": v("replybody")})
        mail_from_buyer = EmailMessage(policy=MAIL_POLICY)
        mail_from_buyer["From"] = Address(display_name=v("inboundfromname"), addr_spec=buyer.email)
        mail_from_buyer["To"], mail_from_buyer["Subject"] = thread.seller_alias.address, v("inboundsubject")
        mail_from_buyer.set_content(v("inboundtext"))
        mail_from_buyer.add_attachment(
            # A PDF's name ends in .pdf (a file's name and type must agree); the payloads before it.
            b"%PDF-1.4",
            maintype="application",
            subtype="pdf",
            filename=v("inboundfilename") + ".pdf",
        )
        self.inbound(mail_from_buyer)
        html_from_buyer = EmailMessage(policy=MAIL_POLICY)
        html_from_buyer["From"], html_from_buyer["To"] = buyer.email, thread.seller_alias.address
        html_from_buyer["Subject"] = "Photos"
        html_from_buyer.set_content(v("inboundhtml"), subtype="html")
        self.inbound(html_from_buyer)
        with self.capture(execute=True):  # the 24-hour timer's warning quotes both waiting mails
            assert messaging.warn_before_deadlines(now=timezone.now() + timedelta(hours=21)) == 2
        mail_from_seller = EmailMessage(policy=MAIL_POLICY)
        mail_from_seller["From"], mail_from_seller["To"] = owner.email, thread.buyer_alias.address
        mail_from_seller["Subject"] = v("selleremailsubject")
        mail_from_seller.set_content(v("selleremailtext"))
        mail_from_seller.add_alternative(v("selleremailhtml"), subtype="html")
        self.inbound(mail_from_seller)
        alternates = "/seller/messages/alternate-addresses/"
        self.post(
            "alternate addresses (refused)",
            seller_client,
            alternates,
            {"email": v("alternateemail")},
            expect=(400,),
        )
        for code, value in self.dealt({"alternateemail1": 200, "alternateemail2": 200}).items():
            tries = [{"email": quoted_email(value)}]
            self.attempt(
                code,
                seller_client,
                alternates,
                tries,
                f"alternate addresses ({code} refused)",
                "alternate addresses (refused)",
            )

        # --- Returns: addresses, settings; requests authorised + refunded + rated, denied, open
        info = "/seller/settings/account-info/"
        tries = [self.address("addr", valid=False), self.address("addr", valid=True)]
        if not self.attempt(
            "default return address", seller_client, info, tries, "account info (address refused)"
        ):
            self.post(None, seller_client, info, SAFE_ADDRESS)
        tries = [{**self.address("exc", valid=True), "marketplace": "fr"}]
        if not self.attempt(
            "fr return address",
            seller_client,
            info,
            tries,
            "account info (fr address refused)",
            "account info (address refused)",
        ):
            self.post(None, seller_client, info, {**SAFE_ADDRESS, "marketplace": "fr"})
        settings_url = "/seller/settings/returns/"
        self.post(
            "returns settings (refused)",
            seller_client,
            settings_url,
            {
                "marketplaces": [v("settingsmarketplace")],
                "rule": v("settingsrule"),
                "return_window_days": v("settingswindow"),
            },
            expect=(400,),
        )
        self.post(
            None,
            seller_client,
            settings_url,
            {"email_quick_links": "on", "rule": "policy", "return_window_days": "30"},
        )
        ask, item = f"/orders/{oid}/return/", f"item-{line.pk}"
        self.post(
            "return items (reason refused)",
            buyer_client,
            ask,
            {
                f"{item}-reason": v("returnreason"),
                f"{item}-quantity": "1",
                f"{item}-comment": v("returncomment"),
            },
            expect=(400,),
        )
        for comment in self.dealt({f"returncomment{k}": 200 for k in (1, 2, 3)}).values():
            self.post(
                None,
                buyer_client,
                ask,
                {f"{item}-reason": "defective", f"{item}-quantity": "1", f"{item}-comment": comment},
            )
        first, second, third = ReturnRequest.objects.filter(order=order).order_by("pk")
        authorise = f"/seller/returns/{first.pk}/authorise/"
        tries = [{**self.address("rma", valid=ok), "address_choice": "new"} for ok in (False, True)]
        if not self.attempt(
            "authorise with a new address", seller_client, authorise, tries, "authorise (address refused)"
        ):
            self.post(None, seller_client, authorise, {"address_choice": "stored"})
        deny = f"/seller/returns/{second.pk}/deny/"
        self.post(
            "deny (reason refused)",
            seller_client,
            deny,
            {"reason": v("denyreason"), "message": v("denymessage")},
            expect=(400,),
        )
        self.post(None, seller_client, deny, {"reason": "other", "message": v("denymessage")})
        returned = ReturnItem.objects.get(return_request=first)
        reasons = self.dealt({"refundreason1": 200, "refundreason2": 200})
        for amount, reason in zip(("3.00", "3.49"), reasons.values(), strict=True):  # partial, then the rest
            refund = {"reason": reason, "idempotency_key": f"{n}-{amount}", f"item-{returned.pk}": amount}
            # The confirmation first (the reason shown back), then the yes.
            self.post(
                f"confirm refund {amount}",
                seller_client,
                f"/seller/returns/{first.pk}/refund/",
                refund,
                (200,),
            )
            self.post(
                None, seller_client, f"/seller/returns/{first.pk}/refund/", {**refund, "confirmed": "yes"}
            )
        self.post(
            None, buyer_client, f"/returns/{first.pk}/rate/", {"rating": "2", "comment": v("ratingcomment")}
        )

        # --- A-to-z claim (buyer's words, seller's response, staff's note) and feedback ------
        claim_url = f"/orders/{oid}/claim/"
        self.post(
            "claim (reason refused)",
            buyer_client,
            claim_url,
            {"reason": v("claimreason"), "body": v("claimbody")},
            expect=(400,),
        )
        self.post(None, buyer_client, claim_url, {"reason": "not_received", "body": v("claimbody")})
        claim = Claim.objects.get(order=order)
        self.post(
            None,
            seller_client,
            f"/seller/returns/claims/{claim.pk}/respond/",
            {"response": v("claimresponse")},
        )
        self.post(
            None,
            staff,
            reverse("admin:returns_claim_change", args=[claim.pk]),
            {"decision_note": v("claimdecisionnote"), "_save": "Save"},
        )
        self.post(
            None,
            staff,
            reverse("admin:returns_claim_changelist"),
            {"action": "deny", "_selected_action": [claim.pk], "index": "0"},
        )
        feedback = f"/orders/{oid}/feedback/"
        self.post(
            "leave feedback (rating refused)",
            buyer_client,
            feedback,
            {"rating": v("feedbackrating"), "comment": v("feedbackcomment")},
            expect=(400,),
        )
        self.post(None, buyer_client, feedback, {"rating": "1", "comment": v("feedbackcomment")})

        # --- Every page that shows what was written ------------------------------------------
        get = self.get
        for name, url, data in [
            ("seller home", "/seller/", None),
            ("manage orders", "/seller/orders/", None),
            ("seller order details", f"/seller/orders/{oid}/", None),
            ("inbox (received)", "/seller/messages/", None),
            ("inbox (sent)", "/seller/messages/", {"direction": "sent"}),
            ("thread", f"/seller/messages/threads/{thread.pk}/", None),
            ("alternate addresses", alternates, None),
            ("manage returns", "/seller/returns/", None),
            ("manage returns (closed)", "/seller/returns/", {"status": "closed"}),
            ("authorise (open request)", f"/seller/returns/{third.pk}/authorise/", None),
            ("deny (open request)", f"/seller/returns/{third.pk}/deny/", None),
            ("authorised", f"/seller/returns/{first.pk}/authorised/", None),
            ("denied", f"/seller/returns/{second.pk}/denied/", None),
            ("issue refund", f"/seller/returns/{first.pk}/refund/", None),
            ("A-to-z claims (seller)", "/seller/returns/claims/", None),
            ("account info", info, None),
            ("account info (fr exception)", info, {"marketplace": "fr"}),
            ("returns settings", settings_url, None),
            ("account health", "/seller/performance/account-health/", None),
            ("feedback manager", "/seller/performance/feedback/", None),
            *(
                (f"e-mail quick link: {action}", tokens.action_url(third, action), None)
                for action in tokens.ACTIONS
            ),
        ]:
            get(name, seller_client, url, data)
        for name, url in [
            ("your orders", "/orders/"),
            ("order details (buyer)", f"/orders/{oid}/"),
            ("your e-mails with the seller", f"/orders/{oid}/messages/"),
            ("contact seller", contact),
            ("leave feedback", feedback),
            ("A-to-z claim (buyer)", claim_url),
            ("select items for return", ask),
            ("your returns", "/returns/your-returns/"),
            ("cancel return (confirm)", f"/returns/{third.pk}/cancel/"),
            ("return pending 1", f"/returns/{first.pk}/pending/"),
            ("return pending 2", f"/returns/{second.pk}/pending/"),
            ("return pending 3", f"/returns/{third.pk}/pending/"),
            ("return label", f"/returns/{first.pk}/label/"),
        ]:
            get(name, buyer_client, url)
        # The browsable API: the JSON inside an HTML page (on in development).
        for name, client, url in [
            ("seller messages", seller_client, "/api/v1/seller/messages/"),
            ("seller thread", seller_client, f"/api/v1/seller/threads/{thread.pk}/"),
            ("seller returns", seller_client, "/api/v1/seller/returns/"),
            ("seller return", seller_client, f"/api/v1/seller/returns/{second.pk}/"),
            ("seller claims", seller_client, "/api/v1/seller/claims/"),
            ("seller return addresses", seller_client, "/api/v1/seller/return-addresses/"),
            ("buyer orders", buyer_client, "/api/v1/buyer/orders/"),
            ("buyer returns", buyer_client, "/api/v1/buyer/returns/"),
        ]:
            get(f"browsable API: {name}", client, url, Accept="text/html")
        for client, url in [
            (seller_client, f"/api/v1/seller/threads/{thread.pk}/"),
            (buyer_client, "/api/v1/buyer/returns/"),
        ]:
            assert client.get(url)["Content-Type"] == "application/json"  # never HTML by default

        # --- Reflected: a search box's or a link's value shown back --------------------------
        q = v("searchquery")
        # Filters that are not dates, folders, statuses or page links: shown back beside the
        # list's error message (400), which names each of them.
        get(
            "inbox search",
            seller_client,
            "/seller/messages/",
            {
                "q": q,
                "since": q,
                "until": q,
                "direction": q,
                "awaiting": q,
                "page": q,
                "before": q,
                "after": q,
            },
            expect=(400,),
        )
        get(
            "manage returns search",
            seller_client,
            "/seller/returns/",
            {"q": q, "status": q, "since": q, "until": q, "page": q},
            expect=(400,),
        )
        for name, client, url, data in [
            ("inbox search (dates valid)", seller_client, "/seller/messages/", {"q": q}),
            (
                "manage returns search by buyer name",
                seller_client,
                "/seller/returns/",
                {"q": names["buyername"]},
            ),
            ("manage orders search", seller_client, "/seller/orders/", {"q": q, "page": q}),
            ("feedback manager (page)", seller_client, "/seller/performance/feedback/", {"page": q}),
            ("gift return search", buyer_client, "/returns/gift/", {"order_id": q}),
            ("your returns (page)", buyer_client, "/returns/your-returns/", {"page": q}),
            ("seller sign-in (next)", anonymous, "/seller/signin/", {"next": q}),
            ("storefront sign-in (next)", anonymous, "/signin/", {"next": q}),
        ]:
            # A search longer than its box is refused, shown back with the list's message (400).
            get(name, client, url, data, expect=(200, 400))
        get(
            "browsable API: message search",
            seller_client,
            "/api/v1/seller/messages/",
            {"q": q, "since": q},
            expect=(400,),
            Accept="text/html",
        )
        get(
            "browsable API: return search",
            seller_client,
            "/api/v1/seller/returns/",
            {"q": q},
            expect=(200, 400),  # over 100 characters: refused, naming q
            Accept="text/html",
        )
        # A username is at most 150 characters (longer ones: see the last test of this module).
        self.post(
            "seller sign-in (refused)",
            anonymous,
            "/seller/signin/",
            {"username": q[:150], "password": "wrong", "next": q},
            expect=(200,),
        )
        self.post(
            "storefront sign-in (refused)",
            anonymous,
            "/signin/",
            {"username": q[:150], "password": "wrong"},
            expect=(200,),
        )

        # --- Django admin: each model's list, a search, and the pages of what holds the text --
        for model in admin.site._registry:
            opts = model._meta
            if (
                opts.app_label not in {"commerce", "messaging", "returns", "metrics"}
                or opts.model_name == "marketplace"
            ):
                continue
            changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
            get(f"admin: {opts.verbose_name_plural}", staff, changelist)
            objects = ADMIN_OBJECTS.get(opts.model_name, lambda objects: objects)(
                model.objects.order_by("pk")
            )
            for n, pk in enumerate(objects.values_list("pk", flat=True)):
                get(
                    f"admin: {opts.verbose_name} #{n}",
                    staff,
                    reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[pk]),
                )
        for model in ("message", "returnrequest", "customer"):
            get(
                f"admin: {model} search",
                staff,
                reverse(f"admin:{model_app(model)}_{model}_changelist"),
                {"q": q},
            )

        # --- Outgoing e-mail: each HTML body, and the staff's development mailbox ------------
        bodies = [
            content
            for message in mail.outbox
            for content, mimetype in getattr(message, "alternatives", [])
            if mimetype == "text/html"
        ]
        assert len(bodies) == len(mail.outbox) > 10, "every product e-mail has an HTML body"
        self.pages["outgoing e-mail HTML bodies"] = Page("\n".join(bodies), "outgoing e-mail HTML bodies")
        self.settings.DEV_TOOLS, self.settings.DEV_MAILBOX_DIR = True, self.mailbox_dir
        MailboxBackend().send_messages(mail.outbox)
        mail.outbox.clear()
        get("dev mailbox", staff, "/dev/mailbox/")
        shown = [staff.get(f"/dev/mailbox/{key}/") for key in list_mail_keys()]
        assert shown and all(response.status_code == 200 for response in shown)
        for response in shown:  # the headers of each, then one page of them all (mails stored
            self.keep("dev mailbox: every mail", response)  # in the same microsecond: any order)
        self.pages["dev mailbox: every mail"] = Page(
            "\n".join(response.content.decode() for response in shown), "dev mailbox: every mail"
        )
        return self


# The admin pages of the objects holding user text (the rest: every object of the model).
ADMIN_OBJECTS = {
    "message": lambda messages: messages.filter(Q(is_system=False) | Q(subject__startswith="Return denied")),
    "outboundemail": lambda mails: mails.filter(Q(message__isnull=False) | Q(subject__contains="denied")),
    "returnevent": lambda events: events.exclude(note=""),
    "alias": lambda aliases: aliases.none(),
}


def model_app(model_name: str) -> str:
    return {"message": "messaging", "returnrequest": "returns", "customer": "commerce"}[model_name]


_SEQUENCE = itertools.count()


# --- Fixtures ----------------------------------------------------------------------------
@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"  # attachments are written to disk


@pytest.fixture
def build(django_capture_on_commit_callbacks, settings, tmp_path):
    def build(value_of, parts=None, name="world") -> World:
        world = World(value_of, parts, django_capture_on_commit_callbacks, tmp_path / name, settings)
        return world.build()

    return build


class _Rollback(Exception):
    pass


_BASELINE: dict[str, tuple[World, dict[str, Counter]]] = {}


@pytest.fixture
def baseline(build) -> tuple[World, dict[str, Counter]]:
    """The world with a harmless marker ``xss<field>mk`` in every field, and its pages' features.

    Built once, inside a savepoint rolled back at once: it leaves nothing behind for the test.
    """
    if not _BASELINE:
        try:
            with transaction.atomic():
                world = build(lambda code: f"xss{code}mk", name="baseline")
                raise _Rollback
        except _Rollback:
            pass
        _BASELINE["world"] = world, {name: features(page.html) for name, page in world.pages.items()}
    return _BASELINE["world"]


# --- The tests -----------------------------------------------------------------------------
FIELD_CODES = {
    *NAME_LIMITS, "producttitle", "returncomment1", "returncomment2", "returncomment3", "refundreason1",
    "refundreason2", "contactsubject", "contactbody", "replybody", "inboundsubject", "inboundtext",
    "inboundfilename", "inboundhtml", "selleremailsubject", "selleremailtext", "selleremailhtml",
    "alternateemail", "alternateemail1", "alternateemail2", "settingsmarketplace", "settingswindow",
    "returnreason", "returncomment", "denyreason", "denymessage", "ratingcomment", "claimreason",
    "claimbody", "claimresponse", "claimdecisionnote", "feedbackrating", "feedbackcomment", "searchquery",
    *(f"{prefix}{name}" for prefix in ("addr", "exc", "rma") for name in ADDRESS_LIMITS),
}  # fmt: skip


def coverage(world: World) -> dict[str, list[str]]:
    """Field code -> the pages that show its marker."""
    shown = {name: unescape(page.html).lower() for name, page in world.pages.items()}
    return {
        code: [name for name, html in shown.items() if f"xss{code}mk" in html] for code in sorted(FIELD_CODES)
    }


def test_every_field_is_taken_and_shown_on_checked_pages(baseline):
    """With harmless values every door takes the value (no fallback), and every field's value
    reaches pages this module checks, so no payload can be refused or hidden unnoticed."""
    world, _ = baseline
    assert world.fallbacks == []
    assert [code for code, pages in coverage(world).items() if not pages] == []


def test_the_probes_hold_every_payload_and_fit():
    assert sorted(p for probe in PROBES for p in probe) == sorted(PAYLOADS)
    assert len(PAYLOADS) >= 20
    assert all(probe[0] in URL_PAYLOADS for probe in PROBES)
    assert max(len(" ".join(probe)) for probe in PROBES) <= 300, "a product title and a subject hold 300"
    for probe in PROBES:
        for limits in (NAME_LIMITS, ADDRESS_LIMITS, {"comment1": 200, "comment2": 200, "comment3": 200}):
            dealt = spread(probe, limits)
            assert all(len(value) <= limits[name] for name, value in dealt.items())
        dealt = " ".join(spread(probe, {"comment1": 200, "comment2": 200, "comment3": 200}).values())
        assert all(payload.strip() in dealt for payload in probe), "three comments hold a whole probe"


SAFE_CONTEXTS = Template(
    "<html><head><title>{{ v }}</title></head><body><p>{{ v }}</p><textarea>{{ v }}</textarea>"
    '<input value="{{ v }}"><input value=\'{{ v }}\'><a href="/x?q={{ v|urlencode }}">x</a></body></html>'
)
UNSAFE_CONTEXTS = Template(
    "<html><head><title>{{ v|safe }}</title></head><body><p>{{ v|safe }}</p><textarea>{{ v|safe }}</textarea>"
    '<input value="{{ v|safe }}"><input value=\'{{ v|safe }}\'><a href="{{ v|safe }}">x</a></body></html>'
)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_the_detector_catches_each_payload_rendered_unsafely(payload):
    """The detector can fail: a payload put on a page unescaped (or as a link target, or
    decoded, or evaluated) is caught; the same payload escaped by Django is not."""
    baseline = SAFE_CONTEXTS.render(Context({"v": "xssfieldmk"}))
    assert injections(SAFE_CONTEXTS.render(Context({"v": payload})), baseline, [payload]) == []
    if payload in TEMPLATE_PAYLOADS:  # as a template engine would have rendered the expression
        results = TEMPLATE_EXPRESSIONS[payload[len("ssti[") : -len("]ssti")]]
        evaluated = f"ssti[{results[0]}]ssti" if results else "{'csrf_token': …} <module 'os' from …>"
        unsafe = SAFE_CONTEXTS.render(Context({"v": evaluated}))
    else:
        decoded = {**ENCODED_PAYLOADS, **FILTER_EVASIONS}.get(payload, lambda p: p)(payload)
        unsafe = UNSAFE_CONTEXTS.render(Context({"v": decoded}))
    assert injections(unsafe, baseline, [payload]) != []


def test_an_overlong_alternate_address_is_refused_not_a_server_error(seller_client):
    """A valid address longer than the column (254) was a DataError, a 500, on PostgreSQL."""
    pages = []
    for local in ("xss" * 84, "<svg/onload=alert(1)>" * 12):
        response = seller_client.post(
            "/seller/messages/alternate-addresses/", {"email": f'"{local}"@evil.example'}
        )
        assert response.status_code == 400
        pages.append(response.content.decode())
    assert not AlternateAddress.objects.exists()
    assert injections(pages[1], pages[0], []) == []


def test_the_detector_reads_entities_control_characters_and_srcdoc():
    baseline = '<p>xssmk</p><iframe sandbox srcdoc="&lt;p&gt;xssmk&lt;/p&gt;"></iframe>'
    for page in [
        '<p><a href="&#x6A;ava&#x09;script&colon;alert(1)">x</a></p>',
        '<p><a href=" \x01JAVASCRIPT:alert(1)">x</a></p>',
        "<p><img src=x oNeRrOr=alert(1)></p>",
        '<iframe sandbox srcdoc="&lt;img src=x onerror=alert(1)&gt;"></iframe>',
        '<p><meta http-equiv="refresh" content="0;url=javascript:alert(1)"></p>',
        '<p style="width: expression(alert(1))">x</p>',
    ]:
        assert injections(page, baseline, []) != [], page
    assert injections('<p><a href="https://example.com/javascript:">x</a></p>', baseline, []) == []


@pytest.mark.parametrize("probe", PROBES, ids=[f"probe{n}" for n in range(len(PROBES))])
def test_no_payload_runs_on_any_page(probe, baseline, build):
    """Every field gets the probe (its payloads joined); every page is compared with the same page
    showing harmless markers."""
    reference, reference_features = baseline
    world = build(lambda code: " ".join(probe), parts=probe)
    problems = []
    for name, page in world.pages.items():
        assert page.compare_with in reference.pages, f"{name}: the baseline has no page {page.compare_with!r}"
        base = reference.pages[page.compare_with].html
        problems += [
            f"{name}: {p}" for p in injections(page.html, base, probe, reference_features[page.compare_with])
        ]
    assert problems == [], f"probe {probe!r}:\n" + "\n".join(problems)


# --- Found while writing these tests ------------------------------------------------------
@pytest.mark.parametrize("url", ["/seller/signin/", "/signin/", "/admin/login/"])
def test_an_overlong_username_on_sign_in_is_refused_not_a_server_error(url):
    if connection.vendor != "postgresql":
        pytest.skip("only PostgreSQL enforces the column's length")
    response = Client().post(url, {"username": "<svg/onload=alert(1)>" * 13, "password": "wrong"})
    assert response.status_code == 200
